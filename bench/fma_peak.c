/*
 * fma_peak.c -- single-thread float32 FMA throughput of this machine, the
 * "100%" that bench/compare.sh measures conv GFLOP/s against.
 *
 *   cc -O3 -march=native fma_peak.c -o fma_peak && ./fma_peak
 *   prints: fma_peak_gflops=G vector_floats=W chains=C
 *
 * CHAINS independent FMA dependency chains per vector width hide the FMA
 * latency (4-5 cycles on current x86, 2 FMA pipes => at least 10 in flight).
 * Each width the compiler can target is tried (512-bit FMA is not faster than
 * 256-bit on every core); the best of several trials is reported, since a
 * shared machine can only make a trial slower, never faster; trials are short
 * (a few ms) so that some of them fit between preemptions.
 * Built without -std=c99 on purpose: the intrinsics need GNU extensions.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <time.h>
#if defined(__AVX512F__) || defined(__FMA__)
#include <immintrin.h>
#endif

#define CHAINS 12
#define ITERATIONS 500000L /* ~2 ms per trial: short enough to often run unpreempted */
#define TRIALS 300

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One trial: ITERATIONS x CHAINS vector FMAs of WIDTH floats; returns GFLOP/s. */
#define DEFINE_TRIAL(NAME, VEC, WIDTH, SET1, FMADD, REDUCE)            \
  static double NAME(float *sink) {                                   \
    VEC acc[CHAINS], a = SET1(0.999999f), b = SET1(1e-7f);            \
    double t0, t1;                                                    \
    long i;                                                           \
    int c;                                                            \
    for (c = 0; c < CHAINS; ++c) acc[c] = SET1((float)c);             \
    t0 = now_s();                                                     \
    for (i = 0; i < ITERATIONS; ++i)                                  \
      for (c = 0; c < CHAINS; ++c) acc[c] = FMADD(acc[c], a, b);      \
    t1 = now_s();                                                     \
    for (c = 0; c < CHAINS; ++c) *sink += REDUCE(acc[c]);             \
    return 2.0 * WIDTH * CHAINS * (double)ITERATIONS / (t1 - t0) / 1e9; \
  }

#ifdef __AVX512F__
DEFINE_TRIAL(trial_512, __m512, 16, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_reduce_add_ps)
#endif
#ifdef __FMA__
static float reduce_256(__m256 v) {
  float lanes[8], sum = 0;
  int i;
  _mm256_storeu_ps(lanes, v);
  for (i = 0; i < 8; ++i) sum += lanes[i];
  return sum;
}
DEFINE_TRIAL(trial_256, __m256, 8, _mm256_set1_ps, _mm256_fmadd_ps, reduce_256)
#endif
static float identity(float x) { return x; }
static float set1_scalar(float x) { return x; }
DEFINE_TRIAL(trial_scalar, float, 1, set1_scalar, fmaf, identity)

int main(void) {
  struct {
    const char *name;
    int width;
    double (*trial)(float *);
  } widths[] = {
#ifdef __AVX512F__
      {"avx512", 16, trial_512},
#endif
#ifdef __FMA__
      {"avx2", 8, trial_256},
#endif
      {"scalar", 1, trial_scalar},
  };
  double best = 0;
  int best_width = 1, w, t;
  float sink = 0;
  /* Scalar fmaf is only a fallback; skip it when a vector width exists. */
  int count = (int)(sizeof widths / sizeof widths[0]);
  if (count > 1) --count;
  for (w = 0; w < count; ++w)
    for (t = 0; t < TRIALS; ++t) {
      double g = widths[w].trial(&sink);
      if (g > best) best = g, best_width = widths[w].width;
    }
  printf("fma_peak_gflops=%.1f vector_floats=%d chains=%d\n", best, best_width, CHAINS);
  /* The checksum keeps the compiler from dropping the FMA chains as dead code. */
  fprintf(stderr, "fma_peak: checksum %g\n", (double)sink);
  return 0;
}
