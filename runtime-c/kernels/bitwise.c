/*
 * bitwise.c -- BitShift, BitwiseAnd/Or/Xor (broadcasting, the AOTC_BINARY
 * signature of kernel_common.h) and BitwiseNot:
 *     aotc_bitwise_not_<t>(const T *x, T *y, int32_t n)
 * Done in unsigned arithmetic of at least the type's width, so that no
 * expression is undefined (shifts by the width or more give 0, as numpy's do).
 */
#include "kernel_common.h"

/* X(suffix, T, unsigned type the operation is done in, bits) for every integer type. */
#define AOTC_BW_TYPES(X)              \
  X(i8, int8_t, uint32_t, 8)          \
  X(i16, int16_t, uint32_t, 16)       \
  X(i32, int32_t, uint32_t, 32)       \
  X(i64, int64_t, uint64_t, 64)       \
  X(u8, uint8_t, uint32_t, 8)         \
  X(u16, uint16_t, uint32_t, 16)      \
  X(u32, uint32_t, uint32_t, 32)      \
  X(u64, uint64_t, uint64_t, 64)

#define AOTC_BW_LOGIC(SFX, T, U, BITS)                                \
  AOTC_BINARY(aotc_bitwise_and_##SFX, T, T, (T)((U)xa & (U)xb))       \
  AOTC_BINARY(aotc_bitwise_or_##SFX, T, T, (T)((U)xa | (U)xb))        \
  AOTC_BINARY(aotc_bitwise_xor_##SFX, T, T, (T)((U)xa ^ (U)xb))       \
  AOTC_KERNEL void aotc_bitwise_not_##SFX(const T *x, T *y, int32_t n) { \
    int32_t i;                                                        \
    for (i = 0; i < n; ++i) y[i] = (T)~(U)x[i];                       \
  }
AOTC_BW_TYPES(AOTC_BW_LOGIC)

/* BitShift is defined for unsigned types only. */
#define AOTC_BW_SHIFT(SFX, T, U, BITS)                                                         \
  AOTC_BINARY(aotc_bitshift_left_##SFX, T, T, xb >= (T)(BITS) ? (T)0 : (T)((U)xa << (U)xb))   \
  AOTC_BINARY(aotc_bitshift_right_##SFX, T, T, xb >= (T)(BITS) ? (T)0 : (T)((U)xa >> (U)xb))
AOTC_BW_SHIFT(u8, uint8_t, uint32_t, 8)
AOTC_BW_SHIFT(u16, uint16_t, uint32_t, 16)
AOTC_BW_SHIFT(u32, uint32_t, uint32_t, 32)
AOTC_BW_SHIFT(u64, uint64_t, uint64_t, 64)
