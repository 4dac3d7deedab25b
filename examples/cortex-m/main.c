/*
 * Firmware for QEMU's mps2-an386 (Cortex-M4F) that runs two aotc-compiled
 * models and checks each against ONNX Runtime's output for the same input
 * (the models' test_data_set_0, embedded by golden.cmake):
 *
 *   kws    KWS DS-CNN, int8   through the direct entry point kws_run()
 *   mnist  MNIST CNN, float   through the standard C API (aotc.h), on an
 *                             arena this program owns
 *
 * Prints one PASS/FAIL line per model with its largest error over Arm
 * semihosting; the exit status is 0 only if both pass. cm_mark() brackets
 * each inference so an instruction-count plugin can measure it.
 */
#include <math.h>
#include <stdio.h>

#include "kws.h"
#include "kws_golden.h"
#include "mnist.h"
#include "mnist_golden.h"

void cm_puts(const char *s);
void cm_mark(void);

/* The golden data must have the models' shapes (a compile-time check). */
typedef char kws_in_matches[KWS_GOLDEN_IN_COUNT == KWS_IN0_COUNT ? 1 : -1];
typedef char kws_out_matches[KWS_GOLDEN_OUT_COUNT == KWS_OUT0_COUNT ? 1 : -1];
typedef char mnist_in_matches[MNIST_GOLDEN_IN_COUNT == MNIST_IN0_COUNT ? 1 : -1];
typedef char mnist_out_matches[MNIST_GOLDEN_OUT_COUNT == MNIST_OUT0_COUNT ? 1 : -1];

/* All the RAM mnist needs: its input, output and intermediates live here. */
AOTC_ALIGNED(MNIST_ARENA_ALIGNMENT) static unsigned char mnist_arena[MNIST_ARENA_SIZE];
static float kws_out[KWS_OUT0_COUNT], mnist_out[MNIST_OUT0_COUNT];

/* Compares got with want (|got - want| <= atol + rtol * |want|; NaN fails),
   prints "NAME: PASS|FAIL max_abs_err=E ..." and returns 1 on a failure. */
static int check(const char *name, const char *how, int ok, const float *got, const float *want, int count,
                 float atol, float rtol) {
  char line[160];
  float max_err = 0.0f;
  int i, bad = 0;
  for (i = 0; i < count; ++i) {
    const float e = fabsf(got[i] - want[i]);
    if (!(e <= atol + rtol * fabsf(want[i]))) ++bad;
    if (!(e <= max_err)) max_err = e;
  }
  if (!ok) bad = count;
  snprintf(line, sizeof line, "%s (%s): %s max_abs_err=%g mismatches=%d/%d\n", name, how,
           bad ? "FAIL" : "PASS", (double)max_err, bad, count);
  cm_puts(line);
  return bad != 0;
}

int main(void) {
  aotc_session s;
  aotc_status st;
  int rc, failures = 0;

  cm_mark();
  rc = kws_run(kws_golden_input.f, kws_out);
  cm_mark();
  /* Integer kernels must reproduce ONNX Runtime's int8 result exactly. */
  failures += check("kws", "kws_run, int8", rc == 0, kws_out, kws_golden_output.f, KWS_OUT0_COUNT, 0.0f, 0.0f);

  cm_mark();
  st = aotc_session_init(&s, &mnist_model, mnist_arena, sizeof mnist_arena);
  if (st == AOTC_OK) st = aotc_set_input(&s, 0, mnist_golden_input.f, sizeof mnist_golden_input.f);
  if (st == AOTC_OK) st = aotc_run(&s);
  if (st == AOTC_OK) st = aotc_get_output(&s, 0, mnist_out, sizeof mnist_out);
  cm_mark();
  if (st != AOTC_OK) {
    cm_puts("mnist: ");
    cm_puts(aotc_status_string(st));
    cm_puts("\n");
  }
  /* Float sums run in another order than ONNX Runtime's: allow rounding. */
  failures += check("mnist", "standard API, float", st == AOTC_OK, mnist_out, mnist_golden_output.f,
                    MNIST_OUT0_COUNT, 1e-4f, 1e-3f);
  return failures != 0;
}
