/*
 * aotc_runner.c -- a test harness written only against the standard API
 * (aotc.h): it runs any aotc-generated model on raw binary files.
 *
 *   cc -DAOTC_RUNNER_MODEL=NAME_model aotc_runner.c NAME.c -lm -o runner
 *   ./runner in0.bin ... -- out0.bin ...
 *
 * Used by `aotc verify`. Unlike generated models it uses stdio and malloc
 * (for the session's arena: the model needs no static one).
 */
#include <stdio.h>
#include <stdlib.h>

#include "aotc.h"

#ifndef AOTC_RUNNER_MODEL
#error "define AOTC_RUNNER_MODEL to the model descriptor symbol, e.g. -DAOTC_RUNNER_MODEL=model_model"
#endif
extern const aotc_model AOTC_RUNNER_MODEL;

static int transfer(const char *path, void *data, size_t bytes, int writing) {
  FILE *f = fopen(path, writing ? "wb" : "rb");
  size_t done;
  if (!f) {
    fprintf(stderr, "runner: cannot open %s\n", path);
    return 1;
  }
  done = writing ? fwrite(data, 1, bytes, f) : fread(data, 1, bytes, f);
  fclose(f);
  if (done != bytes) {
    fprintf(stderr, "runner: %s: expected %lu bytes, got %lu\n", path, (unsigned long)bytes, (unsigned long)done);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  const aotc_model *m = &AOTC_RUNNER_MODEL;
  aotc_session s;
  aotc_status st;
  uint32_t i;
  size_t align = m->arena_alignment ? m->arena_alignment : 1;
  unsigned char *block, *arena;
  if ((uint32_t)argc != m->num_inputs + m->num_outputs + 2 || !argv[m->num_inputs + 1] ||
      argv[m->num_inputs + 1][0] != '-') {
    fprintf(stderr, "usage: %s IN... -- OUT...  (model %s: %u inputs, %u outputs)\n", argv[0], m->name,
            (unsigned)m->num_inputs, (unsigned)m->num_outputs);
    return 2;
  }
  /* A caller arena, aligned inside a larger block (never 0 bytes: malloc(0) may return NULL). */
  block = (unsigned char *)malloc(m->arena_size + align);
  if (!block) {
    fprintf(stderr, "runner: cannot allocate an arena of %lu bytes\n", (unsigned long)m->arena_size);
    return 1;
  }
  arena = block + (align - (uintptr_t)block % align) % align;
  st = aotc_session_init(&s, m, arena, m->arena_size);
  if (st != AOTC_OK) fprintf(stderr, "runner: aotc_session_init: %s\n", aotc_status_string(st));
  for (i = 0; st == AOTC_OK && i < m->num_inputs; ++i)
    if (transfer(argv[1 + i], aotc_input_buffer(&s, i), m->inputs[i].byte_size, 0)) st = AOTC_ERR_BAD_ARGUMENT;
  if (st == AOTC_OK && (st = aotc_run(&s)) != AOTC_OK)
    fprintf(stderr, "runner: aotc_run: %s\n", aotc_status_string(st));
  for (i = 0; st == AOTC_OK && i < m->num_outputs; ++i)
    if (transfer(argv[m->num_inputs + 2 + i], aotc_output_buffer(&s, i), m->outputs[i].byte_size, 1))
      st = AOTC_ERR_BAD_ARGUMENT;
  free(block);
  return st == AOTC_OK ? 0 : 1;
}
