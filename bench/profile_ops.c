/*
 * profile_ops.c -- main program of bench/profile_ops.py: runs a model whose
 * generated C that script has instrumented (a clock around every kernel call)
 * and prints the time of each call, its minimum over the timed runs (on a
 * shared machine other load only ever adds time, so the minimum is the
 * kernel's own cost), or with PROFILE_MEDIAN set in the environment its median:
 *   call INDEX US
 * The script groups the calls by kernel and op kind. A tool, not a test.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aotc.h"
#include "bench_common.h"

extern const aotc_model BENCH_MODEL;
extern const int aotc_prof_num_calls; /* defined by the instrumented model */

static double *call_us; /* this run's time of each call */

double aotc_prof_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

void aotc_prof_add(int call, double us) { call_us[call] += us; }

int main(int argc, char **argv) {
  aotc_session s;
  int runs = argc > 1 ? atoi(argv[1]) : 20, i, c;
  double *best_us, *all_us;
  const int median = getenv("PROFILE_MEDIAN") != NULL;
  uint32_t k, seed = 12345u;
  unsigned char **inputs;
  if (runs < 1) runs = 1;
  call_us = (double *)calloc((size_t)aotc_prof_num_calls, sizeof(double));
  best_us = (double *)calloc((size_t)aotc_prof_num_calls, sizeof(double));
  all_us = (double *)calloc((size_t)aotc_prof_num_calls * (size_t)runs, sizeof(double));
  if (!call_us || !best_us || !all_us || aotc_session_init(&s, &BENCH_MODEL, NULL, 0) != AOTC_OK) return 1;
  for (k = 0; k < BENCH_MODEL.num_inputs; ++k) {
    float *in = (float *)aotc_input_buffer(&s, k);
    size_t j, n = BENCH_MODEL.inputs[k].byte_size / sizeof(float);
    for (j = 0; j < n; ++j) {
      seed = seed * 1664525u + 1013904223u;
      in[j] = (float)(seed >> 8) / 8388608.0f - 1.0f;
    }
  }
  if (!(inputs = bench_save_inputs(&s))) return 1;
  for (i = 0; i < 3; ++i) { /* warm-up, its times are dropped */
    bench_restore_inputs(&s, inputs);
    aotc_run(&s);
  }
  for (i = 0; i < runs; ++i) {
    for (c = 0; c < aotc_prof_num_calls; ++c) call_us[c] = 0;
    bench_restore_inputs(&s, inputs);
    aotc_run(&s);
    for (c = 0; c < aotc_prof_num_calls; ++c) {
      if (i == 0 || call_us[c] < best_us[c]) best_us[c] = call_us[c];
      all_us[(size_t)c * (size_t)runs + (size_t)i] = call_us[c];
    }
  }
  if (median)
    for (c = 0; c < aotc_prof_num_calls; ++c) {
      qsort(all_us + (size_t)c * (size_t)runs, (size_t)runs, sizeof(double), bench_compare_doubles);
      best_us[c] = all_us[(size_t)c * (size_t)runs + (size_t)runs / 2];
    }
  for (c = 0; c < aotc_prof_num_calls; ++c) printf("call %d %.3f\n", c, best_us[c]);
  free(call_us);
  free(best_us);
  free(all_us);
  return 0;
}
