/*
 * bench_model.c -- times an aotc-generated model through the standard API.
 * Prints numbers; it is a tool, not a test.
 *
 *   cc -O3 -DAOTC_STATIC_ARENA -DBENCH_MODEL=NAME_model -Iout bench_model.c out/NAME.c -lm -o bench
 *   ./bench [runs]
 *
 * Inputs are filled with a fixed pseudo-random pattern; 20 warm-up runs, then
 * `runs` timed runs (default 200), each on the same inputs (put back, untimed);
 * prints median/min/mean in microseconds.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aotc.h"
#include "bench_common.h"

extern const aotc_model BENCH_MODEL;

int main(int argc, char **argv) {
  const aotc_model *m = &BENCH_MODEL;
  aotc_session s;
  int runs = argc > 1 ? atoi(argv[1]) : 200, i;
  double *times, sum = 0;
  unsigned char **inputs;
  if (runs < 1) runs = 1;
  if (aotc_session_init(&s, m, NULL, 0) != AOTC_OK) return 1;
  bench_fill_inputs(&s);
  if (!(inputs = bench_save_inputs(&s))) return 1;
  for (i = 0; i < 20; ++i) {
    bench_restore_inputs(&s, inputs);
    aotc_run(&s);
  }
  times = (double *)malloc(sizeof(double) * (size_t)runs);
  if (!times) return 1;
  for (i = 0; i < runs; ++i) {
    double t0;
    bench_restore_inputs(&s, inputs);
    t0 = bench_now_us();
    aotc_run(&s);
    times[i] = bench_now_us() - t0;
    sum += times[i];
  }
  qsort(times, (size_t)runs, sizeof(double), bench_compare_doubles);
  printf("aotc %s median_us=%.1f min_us=%.1f mean_us=%.1f scratch_bytes=%lu\n", m->name, times[runs / 2], times[0],
         sum / runs, (unsigned long)m->scratch_size);
  free(times);
  return 0;
}
