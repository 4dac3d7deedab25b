/*
 * caller_arena_test.c -- a model used through the standard API with caller
 * memory only: tests/data/mul_sigmoid.onnx as --name b (prod = a*b,
 * gate = Sigmoid(a-b), a, b f32[4]), built WITHOUT AOTC_STATIC_ARENA.
 *
 * The descriptor then refers to no static arena (aotc_session_init with a
 * NULL arena is AOTC_ERR_NO_ARENA), the inputs and outputs lie inside the
 * arena, which is exactly the memory plan, the two inputs (live together)
 * and the two outputs (live together) do not overlap, every input is
 * written before and every output read after the run, and the results equal
 * the direct entry point's, also when the arena is dirty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b.h"

#include "check.h"

static int disjoint(const aotc_tensor_info *x, const aotc_tensor_info *y) {
  return x->session_offset + x->byte_size <= y->session_offset || y->session_offset + y->byte_size <= x->session_offset;
}

int main(void) {
  const aotc_model *m = &b_model;
  const float in_a[4] = {1.0f, -2.0f, 0.5f, 3.0f};
  const float in_b[4] = {2.0f, 0.25f, -4.0f, 3.0f};
  float prod[4], gate[4], prod_w2[4], gate_w2[4];
  unsigned char *block = (unsigned char *)malloc(m->arena_size + m->arena_alignment);
  unsigned char *arena;
  aotc_session s;
  uint32_t i;
  int round;

  CHECK(block != NULL);
  if (!block) return 1;
  arena = block + (m->arena_alignment - (uintptr_t)block % m->arena_alignment) % m->arena_alignment;
  CHECK(m->static_arena == NULL);
  CHECK(aotc_session_init(&s, m, NULL, 0) == AOTC_ERR_NO_ARENA);
  CHECK(m->io_in_arena == 1u);
  CHECK(m->arena_size == m->scratch_size && B_ARENA_SIZE == B_SCRATCH_SIZE);
  for (i = 0; i < 2; ++i) {
    CHECK(m->inputs[i].session_offset + m->inputs[i].byte_size <= m->arena_size);
    CHECK(m->outputs[i].session_offset + m->outputs[i].byte_size <= m->arena_size);
  }
  CHECK(disjoint(&m->inputs[0], &m->inputs[1]));
  CHECK(disjoint(&m->outputs[0], &m->outputs[1]));

  CHECK(b_run(in_a, in_b, prod_w2, gate_w2) == 0);
  CHECK(aotc_session_init(&s, m, arena, m->arena_size) == AOTC_OK);
  for (round = 0; round < 2; ++round) {
    memset(arena, round ? 0xff : 0x00, m->arena_size); /* NaN garbage must not matter */
    CHECK(aotc_set_input(&s, 0, in_a, sizeof in_a) == AOTC_OK);
    CHECK(aotc_set_input(&s, 1, in_b, sizeof in_b) == AOTC_OK);
    CHECK((unsigned char *)aotc_input_buffer(&s, 1) == arena + m->inputs[1].session_offset);
    CHECK(aotc_run(&s) == AOTC_OK);
    CHECK((unsigned char *)aotc_output_buffer(&s, 0) == arena + m->outputs[0].session_offset);
    CHECK(aotc_get_output(&s, 0, prod, sizeof prod) == AOTC_OK);
    CHECK(aotc_get_output(&s, 1, gate, sizeof gate) == AOTC_OK);
    CHECK(memcmp(prod, prod_w2, sizeof prod) == 0);
    CHECK(memcmp(gate, gate_w2, sizeof gate) == 0);
  }
  for (i = 0; i < 4; ++i) CHECK(prod[i] == in_a[i] * in_b[i]);
  CHECK(gate[3] == 0.5f); /* sigmoid(0) */
  free(block);
  if (failures) {
    fprintf(stderr, "caller_arena_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("caller_arena_test: all checks passed\n");
  return 0;
}
