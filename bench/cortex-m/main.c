/* Runs a model compiled by aotc (--name model) once on the embedded test input
 * (io.h, written by prepare.py) between two bench_mark() calls, compares the
 * output with the expected one (|got - want| <= atol + rtol * |want|) and
 * prints "mismatches=N max_abs_err_bits=0xXXXXXXXX rc=R" over semihosting. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "io.h"
#include "model.h"

void bench_mark(void);
void bench_puts(const char *s);

static float bench_out[MODEL_OUT0_COUNT];

static char *put_hex(char *p, uint32_t v) {
  int i;
  for (i = 7; i >= 0; --i) *p++ = "0123456789abcdef"[(v >> (4 * i)) & 15u];
  return p;
}

static char *put_dec(char *p, uint32_t v) {
  char t[12];
  int n = 0;
  do t[n++] = (char)('0' + v % 10u); while ((v /= 10u) != 0);
  while (n) *p++ = t[--n];
  return p;
}

int main(void) {
  char line[96], *p = line;
  float max_err = 0.0f;
  uint32_t bits, bad = 0, i;
  int rc;
  bench_mark();
  rc = model_run(io_input, bench_out);
  bench_mark();
  for (i = 0; i < MODEL_OUT0_COUNT; ++i) {
    const float e = fabsf(bench_out[i] - io_expected[i]);
    if (!(e <= 1e-4f + 1e-3f * fabsf(io_expected[i]))) ++bad; /* NaN counts as a mismatch */
    if (!(e <= max_err)) max_err = e;
  }
  memcpy(&bits, &max_err, sizeof bits);
  memcpy(p, "mismatches=", 11), p += 11, p = put_dec(p, bad);
  memcpy(p, " max_abs_err_bits=0x", 20), p += 20, p = put_hex(p, bits);
  memcpy(p, " rc=", 4), p += 4, p = put_dec(p, (uint32_t)rc);
  *p++ = '\n';
  *p = 0;
  bench_puts(line);
  return rc != 0 || bad != 0;
}
