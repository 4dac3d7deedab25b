/*
 * sections_test.c -- --weights-section and --arena-section: models/mnist_cnn
 * compiled with --name mnist --weights-section aotc_weights --arena-section
 * aotc_arena (and AOTC_STATIC_ARENA). Section names that are C identifiers get
 * __start_/__stop_ symbols from the GNU and LLVM linkers, so the program sees
 * where its data landed: the weights (82,088 bytes of them, too many to fold
 * into the code) in aotc_weights, the static arena in aotc_arena; and the
 * model still runs there.
 */
#include <stdint.h>

#include "mnist.h"

#include "check.h"

extern const unsigned char __start_aotc_weights[], __stop_aotc_weights[];
extern unsigned char __start_aotc_arena[], __stop_aotc_arena[];

static float x[MNIST_IN0_COUNT], y[MNIST_OUT0_COUNT];

int main(void) {
  const aotc_model *m = &mnist_model;
  const unsigned char *arena = (const unsigned char *)m->static_arena;
  aotc_session s;
  CHECK((size_t)(__stop_aotc_weights - __start_aotc_weights) >= 80000u);
  CHECK(arena != NULL);
  CHECK(arena >= __start_aotc_arena && arena + m->arena_size <= __stop_aotc_arena);
  if (aotc_session_init(&s, m, NULL, 0) != AOTC_OK) {
    fprintf(stderr, "aotc_session_init failed on the static arena\n");
    return 1;
  }
  CHECK(aotc_set_input(&s, 0, x, sizeof x) == AOTC_OK);
  CHECK(aotc_run(&s) == AOTC_OK);
  CHECK(aotc_get_output(&s, 0, y, sizeof y) == AOTC_OK);
  CHECK(mnist_run(x, y) == 0);
  return failures != 0;
}
