/* check.h -- the failure counter and CHECK of the C API tests: a failed
 * condition prints its file, line and text and counts; main returns
 * failures != 0. */
#ifndef AOTC_TEST_CHECK_H
#define AOTC_TEST_CHECK_H
#include <stdio.h>

static int failures = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                                \
    }                                                                            \
  } while (0)

#endif
