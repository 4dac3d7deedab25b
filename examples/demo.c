/*
 * demo.c -- reads handwritten digits the aotc-compiled digit classifier
 * (models/digits: a small CNN trained on sklearn's 8x8 digits) never saw in
 * training, classifies each through the standard C API (aotc.h) and prints
 * it as ASCII art with the prediction, the true label and the count correct.
 *
 *   aotc models/digits/model.onnx -o out/digits --name digits
 *   cc -std=c99 -Iout/digits examples/demo.c out/digits/digits.c -lm -o demo
 *   ./demo models/digits/demo_digits.txt
 *
 * DIGITS.txt: '#' comment lines, then one digit per line: the true label and
 * 64 pixels (8 rows of 8, 0..16); the model's input is pixel / 16.
 * Exit status 1 if the file or the model cannot be run; with --check, also
 * 1 if any prediction differs from the true label (the CTest demo:digits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digits.h"

#define PIXELS 64
#define CLASSES 10
#define MAX_DIGITS 100
#define PER_ROW 5 /* digits printed side by side */

typedef struct digit {
  int label;
  unsigned char px[PIXELS];
  int pred;
  float prob;
} digit;

/* The session's memory: the model's input, output and intermediates all live
   here (aotc's default --io arena), so this is all the RAM the model needs. */
AOTC_ALIGNED(DIGITS_ARENA_ALIGNMENT) static unsigned char arena[DIGITS_ARENA_SIZE];
static digit digits[MAX_DIGITS];

/* Parses DIGITS.txt into digits[]; returns the count, or -1 after a message. */
static int read_digits(const char *path) {
  char line[1024];
  int n = 0, lineno = 0, bad = 0;
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return -1;
  }
  while (fgets(line, sizeof line, f)) {
    char *p = line, *end;
    long v;
    int i;
    ++lineno;
    while (*p == ' ' || *p == '\t') ++p;
    if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0') continue;
    if (n == MAX_DIGITS) {
      fprintf(stderr, "%s: more than %d digits\n", path, MAX_DIGITS);
      bad = 1;
      break;
    }
    for (i = 0; i <= PIXELS; ++i, p = end) {
      v = strtol(p, &end, 10);
      if (end == p || v < 0 || v > (i ? 16 : CLASSES - 1)) break;
      if (i)
        digits[n].px[i - 1] = (unsigned char)v;
      else
        digits[n].label = (int)v;
    }
    if (i <= PIXELS) {
      fprintf(stderr, "%s:%d: expected a label 0..9 and 64 pixels 0..16\n", path, lineno);
      bad = 1;
      break;
    }
    ++n;
  }
  if (ferror(f)) {
    perror(path);
    bad = 1;
  } else if (!bad && n == 0) {
    fprintf(stderr, "%s: no digits\n", path);
    bad = 1;
  }
  fclose(f);
  return bad ? -1 : n;
}

/* Prints digits[first..first+count) side by side: 8 rows of art, two
   characters per pixel (terminal cells are about twice as tall as wide),
   then each one's true label, prediction and its probability. */
static void print_row(int first, int count) {
  static const char ramp[] = " .:-=+*#%@";
  int r, c, k;
  for (r = 0; r < 8; ++r) {
    for (k = first; k < first + count; ++k) {
      printf("  ");
      for (c = 0; c < 8; ++c) {
        char ch = ramp[digits[k].px[r * 8 + c] * 9 / 16];
        printf("%c%c", ch, ch);
      }
    }
    printf("\n");
  }
  for (k = first; k < first + count; ++k) printf("  true %d -> %d   ", digits[k].label, digits[k].pred);
  printf("\n");
  for (k = first; k < first + count; ++k)
    printf("  %5.1f%% %-8s", 100.0 * digits[k].prob, digits[k].pred == digits[k].label ? "ok" : "WRONG");
  printf("\n\n");
}

int main(int argc, char **argv) {
  const aotc_model *m = &digits_model;
  const aotc_tensor_info *in = aotc_input_info(m, 0), *out = aotc_output_info(m, 0);
  aotc_session s;
  aotc_status st;
  int check = 0, n, k, i, correct = 0;

  if (argc > 1 && strcmp(argv[1], "--check") == 0) {
    check = 1;
    --argc;
    ++argv;
  }
  if (argc != 2) {
    fprintf(stderr, "usage: demo [--check] DIGITS.txt\n");
    return 1;
  }
  if (in->dtype != AOTC_DTYPE_FLOAT32 || in->num_elements != PIXELS || out->dtype != AOTC_DTYPE_FLOAT32 ||
      out->num_elements != CLASSES) {
    fprintf(stderr, "model %s is not an 8x8 -> 10 float classifier\n", m->name);
    return 1;
  }
  n = read_digits(argv[1]);
  if (n < 0) return 1;
  st = aotc_session_init(&s, m, arena, sizeof arena);
  if (st != AOTC_OK) {
    fprintf(stderr, "session: %s\n", aotc_status_string(st));
    return 1;
  }
  printf("model %s (%s): %d held-out digits, arena %lu bytes\n\n", m->name, argv[1], n,
         (unsigned long)m->arena_size);

  for (k = 0; k < n; ++k) {
    float *x = (float *)aotc_input_buffer(&s, 0);
    const float *p;
    for (i = 0; i < PIXELS; ++i) x[i] = (float)digits[k].px[i] / 16.0f;
    st = aotc_run(&s);
    if (st != AOTC_OK) {
      fprintf(stderr, "run: %s\n", aotc_status_string(st));
      return 1;
    }
    p = (const float *)aotc_output_buffer(&s, 0);
    digits[k].pred = 0;
    for (i = 1; i < CLASSES; ++i)
      if (p[i] > p[digits[k].pred]) digits[k].pred = i;
    digits[k].prob = p[digits[k].pred];
    correct += digits[k].pred == digits[k].label;
  }
  for (k = 0; k < n; k += PER_ROW) print_row(k, n - k < PER_ROW ? n - k : PER_ROW);
  printf("%d/%d correct\n", correct, n);
  return check && correct != n ? 1 : 0;
}
