/*
 * signal.c -- DFT and STFT: a direct DFT (O(n^2), twiddles computed in
 * double from k * t mod n so that long transforms stay accurate).
 *
 *     aotc_dft_<t>(const T *x, const T *window, T *y, int32_t outer,
 *                  int32_t signal_len, int32_t frames, int32_t step,
 *                  int32_t n_in, int32_t inner, int32_t c_in, int32_t length,
 *                  int32_t n_out, int32_t mode)
 * x is [outer, signal_len, inner, c_in] (c_in 1: real, 2: complex); frame f
 * is the n_in samples from f * step along signal_len (DFT: one frame, step 0),
 * each multiplied by window[t] unless window is NULL. y is [outer, frames,
 * n_out, inner, c_out]. `length` is the DFT length: samples past it are
 * dropped, missing ones are zeros. mode:
 *   AOTC_DFT_FORWARD  y[k] = sum_t x[t] e^(-2 pi i k t / length), c_out 2;
 *   AOTC_DFT_INVERSE  y[k] = 1/length sum_t x[t] e^(+2 pi i k t / length), c_out 2;
 *   AOTC_DFT_IRFFT    x holds bins 0..n_in-1 of a Hermitian spectrum; y[t] is
 *                     the real inverse of its full extension, c_out 1.
 */
#include "kernel_common.h"

#define AOTC_DFT_FORWARD 0
#define AOTC_DFT_INVERSE 1
#define AOTC_DFT_IRFFT 2

#define AOTC_DFT(SFX, T)                                                                                         \
  AOTC_KERNEL void aotc_dft_##SFX(const T *x, const T *window, T *y, int32_t outer, int32_t signal_len,         \
                                  int32_t frames, int32_t step, int32_t n_in, int32_t inner, int32_t c_in,      \
                                  int32_t length, int32_t n_out, int32_t mode) {                                 \
    const double two_pi = 6.283185307179586476925286766559;                                                      \
    int32_t c_out = mode == AOTC_DFT_IRFFT ? 1 : 2;                                                              \
    int32_t n_use = n_in < length ? n_in : length;                                                               \
    int32_t o, f, k, i, t;                                                                                       \
    for (o = 0; o < outer; ++o)                                                                                  \
      for (f = 0; f < frames; ++f)                                                                               \
        for (k = 0; k < n_out; ++k)                                                                              \
          for (i = 0; i < inner; ++i) {                                                                          \
            const T *xs = x + ((ptrdiff_t)o * signal_len + (ptrdiff_t)f * step) * inner * c_in + (ptrdiff_t)i * c_in; \
            T *yo = y + ((((ptrdiff_t)o * frames + f) * n_out + k) * inner + i) * c_out;                         \
            double re = 0.0, im = 0.0;                                                                           \
            if (mode == AOTC_DFT_IRFFT) {                                                                        \
              /* Bin b of the full spectrum: X[b] for b <= length / 2, else conj(X[length - b]). */             \
              for (t = 0; t < length; ++t) {                                                                     \
                int32_t b = t <= length / 2 ? t : length - t;                                                    \
                double xr, xi, a;                                                                                \
                if (b >= n_in) continue;                                                                         \
                xr = (double)xs[(ptrdiff_t)b * inner * c_in];                                                    \
                xi = c_in == 2 ? (double)xs[(ptrdiff_t)b * inner * c_in + 1] : 0.0;                              \
                if (t != b) xi = -xi;                                                                            \
                a = two_pi * (double)(((int64_t)k * t) % length) / (double)length;                               \
                re += xr * cos(a) - xi * sin(a);                                                                 \
              }                                                                                                  \
              yo[0] = (T)(re / (double)length);                                                                  \
              continue;                                                                                          \
            }                                                                                                    \
            for (t = 0; t < n_use; ++t) {                                                                        \
              double w = window ? (double)window[t] : 1.0;                                                       \
              double xr = (double)xs[(ptrdiff_t)t * inner * c_in] * w;                                           \
              double xi = c_in == 2 ? (double)xs[(ptrdiff_t)t * inner * c_in + 1] * w : 0.0;                     \
              double a = two_pi * (double)(((int64_t)k * t) % length) / (double)length;                          \
              double c = cos(a), s = mode == AOTC_DFT_INVERSE ? sin(a) : -sin(a);                                \
              re += xr * c - xi * s;                                                                             \
              im += xr * s + xi * c;                                                                             \
            }                                                                                                    \
            if (mode == AOTC_DFT_INVERSE) {                                                                      \
              re /= (double)length;                                                                              \
              im /= (double)length;                                                                              \
            }                                                                                                    \
            yo[0] = (T)re;                                                                                       \
            yo[1] = (T)im;                                                                                       \
          }                                                                                                      \
  }
AOTC_DFT(f32, float)
AOTC_DFT(f64, double)
