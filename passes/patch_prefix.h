// Patch-based execution (MCUNetV2-style, `aotc --patch N`): the CNN's
// high-resolution prefix runs as N x N spatial tiles, one after another, each
// recomputing the halo its receptive field needs, so only one tile's
// activations are live at a time. See patch_prefix.cpp.
#pragma once
#include <cstdint>
#include <string>

#include "ir/graph.h"

namespace aotc {

/// A half-open range [begin, end) of rows (or columns) of a feature map.
struct Span {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
  bool operator==(const Span &o) const { return begin == o.begin && end == o.end; }
  bool operator!=(const Span &o) const { return !(*this == o); }
};

/// The input rows a sliding window (kernel, stride, dilation, begin pad) reads
/// to produce output rows `out`. Not clamped: rows < 0 or >= the input size
/// are padding.
inline Span window_input_span(Span out, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin) {
  return {out.begin * stride - pad_begin, (out.end - 1) * stride - pad_begin + (kernel - 1) * dilation + 1};
}

/// What the patch pass did, for the memory report.
struct PatchStats {
  int tiles = 0;              ///< N: the prefix runs as N x N tiles
  std::string prefix_end;     ///< the node whose output the tiles assemble
  std::string prefix_output;  ///< that output value
  size_t prefix_nodes = 0;    ///< nodes of the prefix, before tiling
  int64_t macs_before = 0;    ///< MACs of the whole graph before tiling
  int64_t macs_after = 0;     ///< ... and after (the difference is halo recompute)
};

/// Smallest and largest N accepted by --patch.
constexpr int kMinPatchTiles = 2, kMaxPatchTiles = 16;

/// Rewrites the prefix of `graph` into `tiles` x `tiles` tiles (see the .cpp for
/// how the prefix is chosen). An error if the graph has no prefix to tile.
/// Fills `stats` if given. `end`, if not empty, names the value the prefix
/// ends at instead of the automatic choice (for tests). Returns whether it
/// changed the graph. `input_in_arena`: whether the graph input shares the
/// arena (--io arena), so that it counts in the peak the prefix choice estimates.
bool patch_prefix(Graph &graph, int tiles, PatchStats *stats = nullptr, const std::string &end = "",
                  bool input_in_arena = true);

}  // namespace aotc
