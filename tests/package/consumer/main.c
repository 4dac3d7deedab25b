/*
 * A firmware-style consumer of two aotc-generated models, built by the package
 * tests (tests/package) with find_package(aotc) + aotc_add_model() and with
 * the Make fragment aotc.mk. The same model is compiled twice under different
 * names, so this also checks that two models link into one program: cnn_api
 * runs through the standard API (aotc.h), cnn_direct through cnn_direct_run().
 * Both outputs must match the expected output (ONNX Runtime's).
 *
 *   app x.npy y.npy      (float32 .npy files, version 1 header)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cnn_api.h"
#include "cnn_direct.h"

/* Reads `count` floats from a little-endian float32 .npy file. */
static int read_npy(const char *path, float *data, size_t count) {
  unsigned char header[10];
  size_t skip;
  int ok;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  ok = fread(header, 1, sizeof header, f) == sizeof header && memcmp(header, "\x93NUMPY\x01", 7) == 0;
  skip = (size_t)header[8] | (size_t)header[9] << 8;
  ok = ok && fseek(f, (long)skip, SEEK_CUR) == 0 && fread(data, sizeof(float), count, f) == count;
  fclose(f);
  return ok;
}

static int compare(const char *what, const float *got, const float *want, size_t count) {
  size_t i;
  for (i = 0; i < count; ++i)
    if (fabsf(got[i] - want[i]) > 1e-5f) {
      printf("%s: output %lu is %g, expected %g\n", what, (unsigned long)i, got[i], want[i]);
      return 1;
    }
  printf("%s: %lu outputs match\n", what, (unsigned long)count);
  return 0;
}

static unsigned char arena[CNN_API_ARENA_SIZE] __attribute__((aligned(CNN_API_ARENA_ALIGNMENT)));
static float x[CNN_API_IN0_COUNT], expected[CNN_API_OUT0_COUNT], y_api[CNN_API_OUT0_COUNT],
    y_direct[CNN_DIRECT_OUT0_COUNT];

int main(int argc, char **argv) {
  aotc_session s;
  aotc_status st;
  int failures = 0;
  if (argc != 3 || !read_npy(argv[1], x, CNN_API_IN0_COUNT) || !read_npy(argv[2], expected, CNN_API_OUT0_COUNT)) {
    fprintf(stderr, "usage: app x.npy y.npy (float32, %d inputs, %d outputs)\n", CNN_API_IN0_COUNT,
            CNN_API_OUT0_COUNT);
    return 2;
  }
  st = aotc_session_init(&s, &cnn_api_model, arena, sizeof arena);
  if (st == AOTC_OK) st = aotc_set_input(&s, 0, x, sizeof x);
  if (st == AOTC_OK) st = aotc_run(&s);
  if (st == AOTC_OK) st = aotc_get_output(&s, 0, y_api, sizeof y_api);
  if (st != AOTC_OK) {
    printf("standard API: %s\n", aotc_status_string(st));
    return 1;
  }
  failures += compare("cnn_api (standard API)", y_api, expected, CNN_API_OUT0_COUNT);
  if (cnn_direct_run(x, y_direct) != 0) {
    printf("cnn_direct_run failed\n");
    return 1;
  }
  failures += compare("cnn_direct (cnn_direct_run)", y_direct, expected, CNN_DIRECT_OUT0_COUNT);
  return failures ? 1 : 0;
}
