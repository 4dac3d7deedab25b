/*
 * ab_model.c -- times two aotc builds of one model against each other in one
 * process, run for run: A, B, B, A, A, B, ... Built by bench/ab.sh. A tool
 * that prints numbers, not a test.
 *
 *   cc -O3 -march=native -DAOTC_STATIC_ARENA -Ia -Ib ab_model.c a/a.c b/b.c -lm -o ab && ./ab [runs]
 *
 * On a shared machine whose speed drifts by 10-30% from one second to the
 * next, two separate runs (or compare.sh with two compilers) cannot tell a 5%
 * change; neighbouring runs here see the same load. Prints each side's median
 * and minimum and the median of the per-pair ratios B/A. Both models get the
 * same pseudo-random inputs, put back (untimed) before every run.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>

#include "aotc.h"
#include "bench_common.h"

extern const aotc_model a_model, b_model;

static double timed_run(aotc_session *s, unsigned char **inputs) {
  double t0;
  bench_restore_inputs(s, inputs);
  t0 = bench_now_us();
  aotc_run(s);
  return bench_now_us() - t0;
}

int main(int argc, char **argv) {
  const int runs = argc > 1 && atoi(argv[1]) > 0 ? atoi(argv[1]) : 400;
  aotc_session sa, sb;
  unsigned char **ia, **ib;
  double *ta = (double *)malloc(sizeof(double) * (size_t)runs), *tb = (double *)malloc(sizeof(double) * (size_t)runs);
  double *ratio = (double *)malloc(sizeof(double) * (size_t)runs);
  int i;
  if (!ta || !tb || !ratio) return 1;
  if (aotc_session_init(&sa, &a_model, NULL, 0) != AOTC_OK || aotc_session_init(&sb, &b_model, NULL, 0) != AOTC_OK)
    return 1;
  bench_fill_inputs(&sa);
  bench_fill_inputs(&sb);
  if (!(ia = bench_save_inputs(&sa)) || !(ib = bench_save_inputs(&sb))) return 1;
  for (i = 0; i < 20; ++i) timed_run(&sa, ia), timed_run(&sb, ib);
  for (i = 0; i < runs; ++i) {
    if (i % 2 == 0) {
      ta[i] = timed_run(&sa, ia);
      tb[i] = timed_run(&sb, ib);
    } else {
      tb[i] = timed_run(&sb, ib);
      ta[i] = timed_run(&sa, ia);
    }
    ratio[i] = tb[i] / ta[i];
  }
  qsort(ta, (size_t)runs, sizeof(double), bench_compare_doubles);
  qsort(tb, (size_t)runs, sizeof(double), bench_compare_doubles);
  qsort(ratio, (size_t)runs, sizeof(double), bench_compare_doubles);
  printf("A median %.1f us  min %.1f us\nB median %.1f us  min %.1f us\n", ta[runs / 2], ta[0], tb[runs / 2], tb[0]);
  printf("B/A: median of pairs %.3f (p25 %.3f, p75 %.3f), of medians %.3f, of minimums %.3f\n", ratio[runs / 2],
         ratio[runs / 4], ratio[3 * runs / 4], tb[runs / 2] / ta[runs / 2], tb[0] / ta[0]);
  free(ta), free(tb), free(ratio);
  return 0;
}
