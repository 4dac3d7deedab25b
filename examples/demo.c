/*
 * demo.c -- runs an aotc-generated classifier through the standard C API
 * (aotc.h) and prints its scores. Reads the input from an ONNX TensorProto
 * file's raw data if given (as in models/NAME/test_data_set_0/input_0.pb),
 * else uses a fixed pattern.
 *
 *   aotc models/mnist_cnn/model.onnx -o out/mnist --name mnist
 *   cc -std=c99 -Iout/mnist examples/demo.c out/mnist/mnist.c -lm -o demo && ./demo input_0.pb
 */
#include <stdio.h>
#include <string.h>

#include "mnist.h"

/* The session's memory: the model's inputs, outputs and intermediates all live
   here (aotc's default --io arena), so this is all the RAM the model needs. */
static unsigned char arena[MNIST_ARENA_SIZE] __attribute__((aligned(MNIST_ARENA_ALIGNMENT)));

/* The float data of a TensorProto is its last `bytes` bytes when stored as raw_data. */
static int read_tensor_tail(const char *path, void *data, size_t bytes) {
  static unsigned char buf[1 << 20];
  size_t n;
  FILE *f = fopen(path, "rb");
  if (!f) return 1;
  n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  if (n < bytes) return 1;
  memcpy(data, buf + n - bytes, bytes);
  return 0;
}

int main(int argc, char **argv) {
  const aotc_model *m = &mnist_model;
  const aotc_tensor_info *in = aotc_input_info(m, 0), *out = aotc_output_info(m, 0);
  aotc_session s;
  aotc_status st;
  const float *scores;
  size_t i, best = 0;

  printf("model %s: input '%s' %s[", m->name, in->name, aotc_dtype_name(in->dtype));
  for (i = 0; i < (size_t)in->rank; ++i) printf(i ? ",%ld" : "%ld", (long)in->shape[i]);
  printf("], output '%s', arena %lu bytes (scratch %lu)\n", out->name, (unsigned long)m->arena_size,
         (unsigned long)m->scratch_size);

  st = aotc_session_init(&s, m, arena, sizeof arena);
  if (st != AOTC_OK) {
    fprintf(stderr, "session: %s\n", aotc_status_string(st));
    return 1;
  }
  if (argc > 1) {
    if (read_tensor_tail(argv[1], aotc_input_buffer(&s, 0), in->byte_size)) {
      fprintf(stderr, "cannot read %lu bytes of input from %s\n", (unsigned long)in->byte_size, argv[1]);
      return 1;
    }
  } else {
    float *x = (float *)aotc_input_buffer(&s, 0);
    for (i = 0; i < in->num_elements; ++i) x[i] = (float)(i % 17) / 17.0f;
  }
  st = aotc_run(&s);
  if (st != AOTC_OK) {
    fprintf(stderr, "run: %s\n", aotc_status_string(st));
    return 1;
  }
  scores = (const float *)aotc_output_buffer(&s, 0);
  for (i = 0; i < out->num_elements; ++i) {
    printf("  class %lu: %.6f\n", (unsigned long)i, scores[i]);
    if (scores[i] > scores[best]) best = i;
  }
  printf("predicted class: %lu\n", (unsigned long)best);
  return 0;
}
