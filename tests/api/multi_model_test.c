/*
 * multi_model_test.c -- two different generated models linked into one
 * program: tests/data/add_relu.onnx as --name a and tests/data/mul_sigmoid.onnx
 * as --name b. Linking at all shows there are no symbol clashes (kernels,
 * weights and helpers are static; only a_* and b_* are exported); running
 * both, interleaved, shows neither disturbs the other.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "a.h"
#include "b.h"

#include "check.h"

int main(void) {
  const float x[6] = {-1.0f, 1.25f, -3.0f, 2.0f, 1.5f, -2.5f};
  const float a_expected[6] = {0.0f, 0.25f, 0.0f, 2.5f, 0.5f, 0.0f};
  const float in_a[4] = {1.0f, -2.0f, 0.5f, 3.0f};
  const float in_b[4] = {2.0f, 0.25f, -4.0f, 3.0f};
  float y[6], y_w2[6], prod[4], gate[4], prod_w2[4], gate_w2[4];
  aotc_session sa, sb;
  uint32_t ia = 9, ib = 9, iprod = 9, igate = 9;
  int i;

  CHECK(strcmp(a_model.name, "a") == 0);
  CHECK(strcmp(b_model.name, "b") == 0);
  CHECK(a_model.static_arena != b_model.static_arena);
  CHECK(aotc_num_inputs(&b_model) == 2u && aotc_num_outputs(&b_model) == 2u);

  /* Both sessions alive at once, on each model's own static arena. */
  CHECK(aotc_session_init(&sa, &a_model, NULL, 0) == AOTC_OK);
  CHECK(aotc_session_init(&sb, &b_model, NULL, 0) == AOTC_OK);
  CHECK(aotc_find_input(&b_model, "a", &ia) == AOTC_OK && ia == 0);
  CHECK(aotc_find_input(&b_model, "b", &ib) == AOTC_OK && ib == 1);
  CHECK(aotc_find_output(&b_model, "prod", &iprod) == AOTC_OK && iprod == 0);
  CHECK(aotc_find_output(&b_model, "gate", &igate) == AOTC_OK && igate == 1);
  CHECK(aotc_find_input(&a_model, "a", &ia) == AOTC_ERR_NOT_FOUND);

  CHECK(aotc_set_input(&sa, 0, x, sizeof x) == AOTC_OK);
  CHECK(aotc_set_input(&sb, 0, in_a, sizeof in_a) == AOTC_OK);
  CHECK(aotc_set_input(&sb, 1, in_b, sizeof in_b) == AOTC_OK);
  CHECK(aotc_run(&sb) == AOTC_OK);
  CHECK(aotc_run(&sa) == AOTC_OK);
  CHECK(aotc_get_output(&sa, 0, y, sizeof y) == AOTC_OK);
  CHECK(aotc_get_output(&sb, 0, prod, sizeof prod) == AOTC_OK);
  CHECK(aotc_get_output(&sb, 1, gate, sizeof gate) == AOTC_OK);
  CHECK(memcmp(y, a_expected, sizeof y) == 0);
  for (i = 0; i < 4; ++i) {
    float d = in_a[i] - in_b[i];
    double want = 1.0 / (1.0 + exp(-(double)d));
    CHECK(prod[i] == in_a[i] * in_b[i]);
    CHECK(fabs(gate[i] - want) <= 1e-6 * want);
  }
  CHECK(gate[3] == 0.5f); /* sigmoid(0) */

  /* The direct entry points agree with the standard API. */
  CHECK(a_run(x, y_w2) == 0);
  CHECK(b_run(in_a, in_b, prod_w2, gate_w2) == 0);
  CHECK(memcmp(y_w2, y, sizeof y) == 0);
  CHECK(memcmp(prod_w2, prod, sizeof prod) == 0);
  CHECK(memcmp(gate_w2, gate, sizeof gate) == 0);

  if (failures) {
    fprintf(stderr, "multi_model_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("multi_model_test: all checks passed\n");
  return 0;
}
