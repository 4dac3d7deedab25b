/*
 * copy.c -- plain byte copies: Reshape/Identity when storage cannot be shared,
 * graph outputs that are inputs or constants.
 */
#include "kernel_common.h"

AOTC_KERNEL void aotc_copy(const void *x, void *y, int32_t bytes) {
  if (x != y && bytes > 0) memcpy(y, x, (size_t)bytes);
}
