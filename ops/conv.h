// What passes need to know of the conv ops' lowering (ops/conv.cpp).
#pragma once
#include "ir/graph.h"
#include "ir/target.h"

namespace aotc {

/// Whether `conv` (a float Conv or aotc.FusedConv without a residual, with
/// constant weights) and `pool`, the MaxPool that alone reads it, can run as
/// one aotc.FusedConvMaxPool on `target`: a one-group 2D conv that
/// aotc_conv_f32 runs over pixels (not a depthwise, channel-vectorized or
/// Winograd one) whose output outgrows half of L2, and a 2D MaxPool without
/// dilation or Indices.
bool conv_maxpool_fusable(const Node &conv, const Node &pool, const Target &target);

}  // namespace aotc
