// Static memory planning as a pure function over buffer lifetimes, with the
// same small interface as TFLM's planners: each buffer has a size and the
// first and last step that use it; the plan gives each an arena offset.
//
// The greedy planner places buffers one by one (largest first, or in another
// order), each at the lowest offset where it overlaps no already-placed buffer
// that is live at the same time; plan_best_greedy tries several orders, and
// plan_best_searched (the final plan of plan-memory) orders near the best of
// them while it misses the live peak. This is not guaranteed optimal (the
// problem is NP-complete), but it is never worse than one slot per buffer, and
// is usually at or near the live peak.
#pragma once
#include <cstddef>
#include <vector>

namespace aotc {

struct BufferRequest {
  size_t size = 0;
  int first_use = 0;  ///< step that writes it first
  int last_use = 0;   ///< last step that reads it (inclusive)
  /// Requests with the same group (>= 0) get the same offset and may overlap
  /// each other: one storage whose size changes over time, e.g. a kernel's
  /// output written over its input (in place) and larger than it.
  int group = -1;
};

struct MemoryPlan {
  std::vector<size_t> offsets;  ///< one per request, aligned
  size_t total = 0;             ///< arena bytes needed
};

/// Rounds `n` up to a multiple of `align`: align_up(5, 8) == 8.
size_t align_up(size_t n, size_t align);

/// Greedy-by-size placement (see the header comment).
MemoryPlan plan_greedy_by_size(const std::vector<BufferRequest> &buffers, size_t alignment);

/// Runs the greedy placement with several buffer orders (by size, by
/// size x lifetime, by lifetime, by first use) and keeps the smallest plan.
MemoryPlan plan_best_greedy(const std::vector<BufferRequest> &buffers, size_t alignment);

/// plan_best_greedy, then, while its plan is above the live peak, up to
/// `tries` more orders: the best order so far with two buffers swapped (a
/// deterministic local search), each kept when its plan is no larger.
MemoryPlan plan_best_searched(const std::vector<BufferRequest> &buffers, size_t alignment, int tries = 400);

/// Lower bound for any plan: the largest sum of (aligned) sizes live at one
/// step, a group counting as its largest member live then.
size_t live_peak(const std::vector<BufferRequest> &buffers, size_t alignment);

/// True if no two buffers live at the same time overlap in memory, except
/// members of one group, which share their offset (for tests).
bool plan_is_valid(const std::vector<BufferRequest> &buffers, const MemoryPlan &plan);

}  // namespace aotc
