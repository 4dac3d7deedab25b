/*
 * bench_common.h -- what the benchmark drivers (bench_model.c, aotc_server.c,
 * profile_ops.c) share: a microsecond clock, and copies of a session's inputs
 * to put back before every run (with the inputs in the arena, aotc's default
 * --io arena, a run may overwrite them). Include after aotc.h.
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
