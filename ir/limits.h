// aotc's documented limits on input models (README, "Limits"). A model beyond
// any of them is refused with an error that names the limit, never processed
// with sizes that could overflow. Each limit is far above what real networks
// for C targets need.
#pragma once
#include <cstddef>
#include <cstdint>

namespace aotc::limits {

/// Bytes of an .onnx file (protobuf cannot parse one message of 2 GiB or more;
/// larger weights go in external data files).
constexpr uint64_t kMaxModelFileBytes = (uint64_t(1) << 31) - 1;
/// Dimensions of one tensor.
constexpr size_t kMaxRank = 16;
/// Elements of one tensor: kernels index tensors with int32_t.
constexpr int64_t kMaxTensorElements = INT32_MAX;
/// Initializers, graph inputs and node outputs of one graph, and its nodes.
constexpr size_t kMaxTensors = size_t(1) << 20;
constexpr size_t kMaxNodes = size_t(1) << 20;
/// Elements of one list-valued attribute (ints, floats, strings).
constexpr size_t kMaxAttributeElements = size_t(1) << 20;
/// How deeply graph-valued attributes (If/Loop/Scan bodies) may nest.
constexpr int kMaxSubgraphDepth = 16;
/// Nodes a graph may grow to as its loops are unrolled (ops/control_flow.cpp).
constexpr size_t kMaxUnrolledGraphNodes = size_t(1) << 17;
/// Bytes of the scratch arena and of a session's arena: offsets into it are
/// C integer constants that must fit 32-bit targets.
constexpr uint64_t kMaxArenaBytes = INT32_MAX;

}  // namespace aotc::limits
