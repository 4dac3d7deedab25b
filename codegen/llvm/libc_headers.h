// The C library headers generated code includes that are not Clang's own
// (<math.h>, <string.h>, and <stdlib.h> for Clang's x86 intrinsics headers), written from the C99 standard's declarations. With
// them the backend needs no C library headers at all, for any target: Clang's
// resource directory supplies <stdint.h>, <stddef.h>, <float.h> and the
// intrinsics headers. The object still calls the target's libm and memcpy.
#pragma once

namespace aotc {

inline const char *const kLibcMathH = R"(/* <math.h> for code aotc compiles through LLVM: declarations only. */
#ifndef AOTC_LLVM_MATH_H
#define AOTC_LLVM_MATH_H
#define INFINITY (__builtin_inff())
#define NAN (__builtin_nanf(""))
#define HUGE_VALF (__builtin_huge_valf())
#define HUGE_VAL (__builtin_huge_val())
#define FP_NAN 0
#define FP_INFINITE 1
#define FP_ZERO 2
#define FP_SUBNORMAL 3
#define FP_NORMAL 4
#define fpclassify(x) __builtin_fpclassify(FP_NAN, FP_INFINITE, FP_NORMAL, FP_SUBNORMAL, FP_ZERO, (x))
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)
#define isnormal(x) __builtin_isnormal(x)
#define signbit(x) (sizeof(x) == sizeof(float) ? __builtin_signbitf((float)(x)) : __builtin_signbit((double)(x)))
#define AOTC_MATH_1(name) float name##f(float); double name(double);
#define AOTC_MATH_2(name) float name##f(float, float); double name(double, double);
AOTC_MATH_1(acos) AOTC_MATH_1(asin) AOTC_MATH_1(atan) AOTC_MATH_2(atan2) AOTC_MATH_1(cos) AOTC_MATH_1(sin)
AOTC_MATH_1(tan) AOTC_MATH_1(acosh) AOTC_MATH_1(asinh) AOTC_MATH_1(atanh) AOTC_MATH_1(cosh) AOTC_MATH_1(sinh)
AOTC_MATH_1(tanh) AOTC_MATH_1(exp) AOTC_MATH_1(exp2) AOTC_MATH_1(expm1) AOTC_MATH_1(log) AOTC_MATH_1(log10)
AOTC_MATH_1(log1p) AOTC_MATH_1(log2) AOTC_MATH_1(logb) AOTC_MATH_1(cbrt) AOTC_MATH_1(fabs) AOTC_MATH_2(hypot)
AOTC_MATH_2(pow) AOTC_MATH_1(sqrt) AOTC_MATH_1(erf) AOTC_MATH_1(erfc) AOTC_MATH_1(lgamma) AOTC_MATH_1(tgamma)
AOTC_MATH_1(ceil) AOTC_MATH_1(floor) AOTC_MATH_1(nearbyint) AOTC_MATH_1(rint) AOTC_MATH_1(round)
AOTC_MATH_1(trunc) AOTC_MATH_2(fmod) AOTC_MATH_2(remainder) AOTC_MATH_2(copysign) AOTC_MATH_2(nextafter)
AOTC_MATH_2(fdim) AOTC_MATH_2(fmax) AOTC_MATH_2(fmin)
#undef AOTC_MATH_1
#undef AOTC_MATH_2
float fmaf(float, float, float);
double fma(double, double, double);
float frexpf(float, int *);
double frexp(double, int *);
float ldexpf(float, int);
double ldexp(double, int);
float scalbnf(float, int);
double scalbn(double, int);
float modff(float, float *);
double modf(double, double *);
long lrintf(float);
long lrint(double);
long lroundf(float);
long lround(double);
#endif
)";

inline const char *const kLibcStringH = R"(/* <string.h> for code aotc compiles through LLVM: declarations only. */
#ifndef AOTC_LLVM_STRING_H
#define AOTC_LLVM_STRING_H
#include <stddef.h>
void *memcpy(void *restrict, const void *restrict, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
int strcmp(const char *, const char *);
int strncmp(const char *, const char *, size_t);
size_t strlen(const char *);
#endif
)";

inline const char *const kLibcStdlibH = R"(/* <stdlib.h> for code aotc compiles through LLVM: what
   Clang's own headers (mm_malloc.h) declare functions with; generated code calls none of these. */
#ifndef AOTC_LLVM_STDLIB_H
#define AOTC_LLVM_STDLIB_H
#include <stddef.h>
void *malloc(size_t);
void free(void *);
void abort(void);
int abs(int);
long labs(long);
#endif
)";

}  // namespace aotc
