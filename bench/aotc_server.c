/*
 * aotc_server.c -- keeps one aotc-generated model loaded and times it on
 * request, so bench/compare.js can interleave it with ONNX Runtime without
 * paying process start-up (or page-faulting a fresh arena) for every batch.
 *
 *   cc -O3 -march=native -std=c99 -DAOTC_STATIC_ARENA -DBENCH_MODEL=NAME_model -Iout \
 *      bench/aotc_server.c out/NAME.c -lm -o server
 *   ./server DIR
 *
 * Reads every input K from DIR/input_K.bin (raw bytes, exactly the input's
 * byte_size), runs the model once and writes DIR/output_K.bin, then prints
 * "ready" and answers lines on stdin:
 *   run N   -> N timed runs back to back; prints "times T1 T2 ... TN" in us
 *   quit    -> exits (as does end of input)
 * Only aotc_run() is inside the clock; reading the request, putting the
 * inputs back before each run and printing the times are not.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aotc.h"
#include "bench_common.h"

extern const aotc_model BENCH_MODEL;

/* Reads or writes exactly `bytes` bytes of DIR/PREFIX_K.bin; 0 on success. */
static int transfer_file(const char *dir, const char *prefix, uint32_t k, void *buf, size_t bytes, int write) {
  char path[4096];
  FILE *f;
  size_t done;
  snprintf(path, sizeof path, "%s/%s_%lu.bin", dir, prefix, (unsigned long)k);
  f = fopen(path, write ? "wb" : "rb");
  if (!f) {
    fprintf(stderr, "aotc_server: cannot open %s\n", path);
    return 1;
  }
  done = write ? fwrite(buf, 1, bytes, f) : fread(buf, 1, bytes, f);
  if (fclose(f) != 0 || done != bytes) {
    fprintf(stderr, "aotc_server: %s: expected %lu bytes\n", path, (unsigned long)bytes);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  const aotc_model *m = &BENCH_MODEL;
  aotc_session s;
  aotc_status status;
  char line[64];
  double *times = NULL;
  long capacity = 0;
  uint32_t k;
  unsigned char **inputs;
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  if ((status = aotc_session_init(&s, m, NULL, 0)) != AOTC_OK) {
    fprintf(stderr, "aotc_server: %s\n", aotc_status_string(status));
    return 1;
  }
  for (k = 0; k < m->num_inputs; ++k)
    if (transfer_file(argv[1], "input", k, aotc_input_buffer(&s, k), m->inputs[k].byte_size, 0)) return 1;
  if (!(inputs = bench_save_inputs(&s))) return 1;
  if ((status = (aotc_status)aotc_run(&s)) != AOTC_OK) {
    fprintf(stderr, "aotc_server: run failed: %s\n", aotc_status_string(status));
    return 1;
  }
  for (k = 0; k < m->num_outputs; ++k)
    if (transfer_file(argv[1], "output", k, aotc_output_buffer(&s, k), m->outputs[k].byte_size, 1)) return 1;
  printf("ready\n");
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
    long runs, i;
    if (strncmp(line, "quit", 4) == 0) break;
    if (sscanf(line, "run %ld", &runs) != 1 || runs < 1) {
      fprintf(stderr, "aotc_server: bad request: %s", line);
      return 2;
    }
    if (runs > capacity) {
      free(times);
      times = (double *)malloc(sizeof(double) * (size_t)runs);
      if (!times) return 1;
      capacity = runs;
    }
    for (i = 0; i < runs; ++i) {
      double t0;
      bench_restore_inputs(&s, inputs);
      t0 = bench_now_us();
      aotc_run(&s);
      times[i] = bench_now_us() - t0;
    }
    printf("times");
    for (i = 0; i < runs; ++i) printf(" %.3f", times[i]);
    printf("\n");
    fflush(stdout);
  }
  free(times);
  return 0;
}
