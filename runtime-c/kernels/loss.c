/*
 * loss.c -- class losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
 */
#include "kernel_common.h"

/*
 * x viewed as [n, classes, d] (d the product of the dims after the classes),
 * target as [n, d]. At each position, with t = target[i, j]:
 *   loss = -weight[t] * logp[t]
 * where logp is x itself (NegativeLogLikelihoodLoss, softmax_first 0) or
 * log_softmax(x) over the classes (SoftmaxCrossEntropyLoss, softmax_first 1,
 * which also stores logp in log_prob when that is not NULL). weight NULL means
 * 1 for every class. A target equal to ignore_index (if has_ignore) gives loss
 * 0 and weight 0; any other target outside [0, classes) gives NaN instead of
 * reading out of bounds. reduction: 0 none (loss holds n*d values), 1 sum,
 * 2 mean, which divides by the sum of the weights, as ONNX defines it.
 * Sums run in double.
 */
#define AOTC_CLASS_LOSS(SFX, T, TI)                                                                            \
  AOTC_KERNEL void aotc_class_loss_##SFX(const T *x, const TI *target, const T *weight, T *loss, T *log_prob, \
                                         int32_t n, int32_t classes, int32_t d, int32_t softmax_first,        \
                                         int32_t has_ignore, int32_t ignore_index, int32_t reduction) {       \
    double total = 0.0, weight_sum = 0.0;                                                                      \
    int32_t i, j, c;                                                                                           \
    for (i = 0; i < n; ++i) {                                                                                  \
      for (j = 0; j < d; ++j) {                                                                                \
        size_t base = (size_t)i * (size_t)classes * (size_t)d + (size_t)j;                                     \
        const T *xp = x + base;                                                                                \
        TI t = target[(size_t)i * (size_t)d + (size_t)j];                                                      \
        double log_sum = 0.0, l, w;                                                                            \
        if (softmax_first) {                                                                                   \
          double m = (double)xp[0], s = 0.0;                                                                   \
          for (c = 1; c < classes; ++c)                                                                        \
            if ((double)xp[(size_t)c * (size_t)d] > m) m = (double)xp[(size_t)c * (size_t)d];                  \
          for (c = 0; c < classes; ++c) s += exp((double)xp[(size_t)c * (size_t)d] - m);                       \
          log_sum = m + log(s);                                                                                \
          if (log_prob)                                                                                        \
            for (c = 0; c < classes; ++c)                                                                      \
              log_prob[base + (size_t)c * (size_t)d] = (T)((double)xp[(size_t)c * (size_t)d] - log_sum);       \
        }                                                                                                      \
        if (has_ignore && t == (TI)ignore_index) {                                                             \
          l = 0.0, w = 0.0;                                                                                    \
        } else if (t < 0 || t >= (TI)classes) {                                                                \
          l = (double)NAN, w = (double)NAN;                                                                    \
        } else {                                                                                               \
          w = weight ? (double)weight[t] : 1.0;                                                                \
          l = -w * ((double)xp[(size_t)t * (size_t)d] - log_sum);                                              \
        }                                                                                                      \
        if (reduction == 0) loss[(size_t)i * (size_t)d + (size_t)j] = (T)l;                                    \
        total += l;                                                                                            \
        weight_sum += w;                                                                                       \
      }                                                                                                        \
    }                                                                                                          \
    if (reduction == 1) loss[0] = (T)total;                                                                    \
    if (reduction == 2) loss[0] = (T)(total / weight_sum);                                                     \
  }
AOTC_CLASS_LOSS(f32_i32, float, int32_t)
AOTC_CLASS_LOSS(f32_i64, float, int64_t)
AOTC_CLASS_LOSS(f64_i32, double, int32_t)
AOTC_CLASS_LOSS(f64_i64, double, int64_t)
