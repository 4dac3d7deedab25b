/*
 * io_edges_test.c -- graph inputs and outputs that are not plain, through the
 * direct entry points and the standard API, on tests/data/io_edges.onnx compiled
 * as --name ioe both with its I/O in the arena (io_edges_test) and with
 * --io separate (io_edges_test_separate):
 *   r = Reshape(x, [3,2])   an output that is an alias of an input
 *   x_out = Identity(x)     an input that is also an output
 *   a = Relu(x)             an output listed twice (outputs 2 and 4) and read by
 *   b = Sigmoid(a)          a later step
 *   u                       an input nothing reads
 * Every output must hold its value after the run, from a dirty arena too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioe.h"

#include "check.h"

static const float kX[6] = {-1.0f, 0.25f, -3.0f, 2.0f, 1.5f, -2.5f};
static const float kU[4] = {9.0f, 8.0f, 7.0f, 6.0f};

/* outs[0..4] = r, x_out, a, b, a */
static void check_outputs(float outs[5][6]) {
  int i;
  for (i = 0; i < 6; ++i) {
    float a = kX[i] > 0.0f ? kX[i] : 0.0f;
    double b = 1.0 / (1.0 + exp(-(double)a));
    CHECK(outs[0][i] == kX[i]);
    CHECK(outs[1][i] == kX[i]);
    CHECK(outs[2][i] == a);
    CHECK(fabs(outs[3][i] - b) <= 1e-6);
    CHECK(outs[4][i] == a);
  }
}

int main(void) {
  const aotc_model *m = &ioe_model;
  size_t align = m->arena_alignment;
  unsigned char *block = (unsigned char *)malloc(m->arena_size + align);
  unsigned char *arena;
  float outs[5][6], xy[6];
  aotc_session s;
  uint32_t k;
  int round;
  CHECK(block != NULL);
  if (!block) return 1;
  arena = block + (align - (uintptr_t)block % align) % align;
  CHECK(aotc_num_inputs(m) == 2u && aotc_num_outputs(m) == 5u);

  /* The direct entry point, twice: the static arena is dirty the second time. */
  for (round = 0; round < 2; ++round) {
    memset(outs, 0, sizeof outs);
    CHECK(ioe_run(kX, kU, outs[0], outs[1], outs[2], outs[3], outs[4]) == 0);
    check_outputs(outs);
  }
  memset(outs, 0, sizeof outs);
  memset(arena, 0xff, m->arena_size);
  CHECK(ioe_run_with_scratch(kX, kU, outs[0], outs[1], outs[2], outs[3], outs[4], arena) == 0);
  check_outputs(outs);

  /* The standard API on a caller arena, copying and zero copy. */
  if (aotc_session_init(&s, m, arena, m->arena_size) != AOTC_OK) {
    fprintf(stderr, "io_edges_test: aotc_session_init failed\n");
    return 1;
  }
  for (round = 0; round < 2; ++round) {
    memset(arena, round ? 0xff : 0x00, m->arena_size);
    if (m->io_in_arena) { /* no pointer tables to keep */
      CHECK(aotc_set_input(&s, 0, kX, sizeof kX) == AOTC_OK);
    } else {
      if (aotc_session_init(&s, m, arena, m->arena_size) != AOTC_OK) return 1;
      memcpy(aotc_input_buffer(&s, 0), kX, sizeof kX);
    }
    CHECK(aotc_set_input(&s, 1, kU, sizeof kU) == AOTC_OK);
    CHECK(aotc_run(&s) == AOTC_OK);
    memset(outs, 0, sizeof outs);
    for (k = 0; k < 5; ++k) {
      if (round == 0) CHECK(aotc_get_output(&s, k, outs[k], sizeof outs[k]) == AOTC_OK);
      else memcpy(outs[k], aotc_output_buffer(&s, k), sizeof outs[k]);
    }
    check_outputs(outs);
  }
  if (m->io_in_arena) {
    /* The arena is the plan; an input and an output may share bytes (r is x). */
    CHECK(m->arena_size == m->scratch_size);
    CHECK(m->outputs[0].session_offset == m->inputs[0].session_offset);
    /* The direct entry point copies in before and out after the run: one buffer may be input and output. */
    memcpy(xy, kX, sizeof xy);
    CHECK(ioe_run(xy, kU, outs[0], outs[1], xy, outs[3], outs[4]) == 0);
    memcpy(outs[2], xy, sizeof xy);
    check_outputs(outs);
  }
  free(block);
  if (failures) {
    fprintf(stderr, "io_edges_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("io_edges_test: all checks passed\n");
  return 0;
}
