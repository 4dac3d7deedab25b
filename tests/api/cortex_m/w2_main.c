/* RAM of calling a model (compiled with --name model) through the direct entry
 * point with caller scratch, for check_cortex_m_ram.cmake: the caller owns
 * the input, the output and NAME_SCRATCH_SIZE bytes of scratch. */
#include "model.h"

static float input[MODEL_IN0_COUNT];
static float output[MODEL_OUT0_COUNT];
static unsigned char scratch[MODEL_SCRATCH_SIZE] __attribute__((aligned(MODEL_ARENA_ALIGNMENT)));

int main(void) {
  unsigned i;
  for (i = 0; i < MODEL_IN0_COUNT; ++i) input[i] = (float)(i % 7u);
  if (model_run_with_scratch(input, output, scratch) != 0) return 1;
  return output[0] != output[0]; /* NaN */
}
