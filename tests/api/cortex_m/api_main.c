/* RAM of calling a model (compiled with --name model) through the standard
 * API with a caller arena, for check_cortex_m_ram.cmake: the caller owns
 * NAME_ARENA_SIZE bytes and fills the input and reads the output in place. */
#include "model.h"

static unsigned char arena[MODEL_ARENA_SIZE] __attribute__((aligned(MODEL_ARENA_ALIGNMENT)));

int main(void) {
  aotc_session s;
  float *input;
  const float *output;
  unsigned i;
  if (aotc_session_init(&s, &model_model, arena, sizeof arena) != AOTC_OK) return 1;
  input = (float *)aotc_input_buffer(&s, 0);
  for (i = 0; i < MODEL_IN0_COUNT; ++i) input[i] = (float)(i % 7u);
  if (aotc_run(&s) != AOTC_OK) return 1;
  output = (const float *)aotc_output_buffer(&s, 0);
  return output[0] != output[0]; /* NaN */
}
