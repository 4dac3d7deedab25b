/*
 * bench_common.h -- what the benchmark drivers (bench_model.c, aotc_server.c,
 * profile_ops.c, ab_model.c) share: a microsecond clock, a fixed input
 * pattern, copies of a session's inputs to put back before every run (with
 * the inputs in the arena, aotc's default --io arena, a run may overwrite
 * them), and a qsort comparison for times. Include after aotc.h.
 */
#ifndef AOTC_BENCH_COMMON_H
#define AOTC_BENCH_COMMON_H
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* qsort comparison: ascending doubles. */
static inline int bench_compare_doubles(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Fills every input with a fixed pseudo-random pattern: floats in [-0.5, 0.5), other bytes j*7. */
static inline void bench_fill_inputs(aotc_session *s) {
  const aotc_model *m = s->model;
  uint32_t k, seed = 12345u;
  for (k = 0; k < m->num_inputs; ++k) {
    unsigned char *p = (unsigned char *)aotc_input_buffer(s, k);
    size_t n = m->inputs[k].byte_size, j;
    if (m->inputs[k].dtype == AOTC_DTYPE_FLOAT32) {
      for (j = 0; j < n / 4; ++j) {
        seed = seed * 1664525u + 1013904223u;
        ((float *)(void *)p)[j] = (float)(seed >> 8) / 16777216.0f - 0.5f;
      }
    } else {
      for (j = 0; j < n; ++j) p[j] = (unsigned char)(j * 7u);
    }
  }
}

/* Copies of the session's inputs as first written (NULL when out of memory). */
static inline unsigned char **bench_save_inputs(aotc_session *s) {
  const aotc_model *m = s->model;
  unsigned char **saved = (unsigned char **)calloc(m->num_inputs + 1u, sizeof *saved);
  uint32_t k;
  for (k = 0; saved && k < m->num_inputs; ++k) {
    if (!(saved[k] = (unsigned char *)malloc(m->inputs[k].byte_size + 1u))) return NULL;
    memcpy(saved[k], aotc_input_buffer(s, k), m->inputs[k].byte_size);
  }
  return saved;
}

static inline void bench_restore_inputs(aotc_session *s, unsigned char **saved) {
  uint32_t k;
  for (k = 0; k < s->model->num_inputs; ++k) aotc_set_input(s, k, saved[k], s->model->inputs[k].byte_size);
}
#endif
