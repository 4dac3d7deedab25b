#include "passes/memory_planner.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>

namespace aotc {

size_t align_up(size_t n, size_t align) { return align <= 1 ? n : (n + align - 1) / align * align; }

namespace {
bool lifetimes_overlap(const BufferRequest &a, const BufferRequest &b) {
  return a.first_use <= b.last_use && b.first_use <= a.last_use;
}
}  // namespace

namespace {

// The members of each request's group (itself alone if it has none).
std::vector<std::vector<size_t>> group_members(const std::vector<BufferRequest> &buffers) {
  std::vector<std::vector<size_t>> members(buffers.size());
  std::map<int, std::vector<size_t>> by_group;
  for (size_t i = 0; i < buffers.size(); ++i)
    if (buffers[i].group >= 0) by_group[buffers[i].group].push_back(i);
  for (size_t i = 0; i < buffers.size(); ++i)
    members[i] = buffers[i].group >= 0 ? by_group[buffers[i].group] : std::vector<size_t>{i};
  return members;
}

// Places buffers in the given order, each (with its whole group) at the
// lowest offset where no member overlaps an already-placed buffer that is
// live at the same time as that member.
MemoryPlan place_in_order(const std::vector<BufferRequest> &buffers, const std::vector<size_t> &order,
                          size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  const std::vector<std::vector<size_t>> members = group_members(buffers);
  std::vector<char> is_placed(buffers.size(), 0);
  std::vector<size_t> placed;
  for (size_t i : order) {
    if (is_placed[i]) continue;
    // Offsets forbidden by each placed buffer j live with member m: (start_j - size_m, end_j).
    struct Forbidden {
      size_t end;
      size_t start;  ///< start_j; the member fits below it if offset + size <= start
      size_t size;
    };
    std::vector<Forbidden> forbidden;
    for (size_t m : members[i])
      for (size_t j : placed)
        if (lifetimes_overlap(buffers[m], buffers[j]))
          forbidden.push_back({plan.offsets[j] + align_up(buffers[j].size, alignment), plan.offsets[j],
                               align_up(buffers[m].size, alignment)});
    std::sort(forbidden.begin(), forbidden.end(),
              [](const Forbidden &a, const Forbidden &b) { return a.start < b.start; });
    // Raise the offset past every conflict until none is left (each raise lands on an aligned end).
    size_t offset = 0;
    for (bool moved = true; moved;) {
      moved = false;
      for (const Forbidden &f : forbidden)
        if (offset < f.end && offset + f.size > f.start && f.size > 0) offset = f.end, moved = true;
    }
    for (size_t m : members[i]) {
      plan.offsets[m] = offset;
      plan.total = std::max(plan.total, offset + align_up(buffers[m].size, alignment));
      is_placed[m] = 1;
      placed.push_back(m);
    }
  }
  return plan;
}

// Sorts indices by `key` (descending), ties by first use then index, so plans are deterministic.
template <typename Key>
std::vector<size_t> order_by(const std::vector<BufferRequest> &buffers, Key key) {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    auto ka = key(buffers[a]), kb = key(buffers[b]);
    if (ka != kb) return ka > kb;
    return buffers[a].first_use < buffers[b].first_use;
  });
  return order;
}

}  // namespace

MemoryPlan plan_greedy_by_size(const std::vector<BufferRequest> &buffers, size_t alignment) {
  return place_in_order(buffers, order_by(buffers, [](const BufferRequest &b) { return b.size; }), alignment);
}

MemoryPlan plan_best_greedy(const std::vector<BufferRequest> &buffers, size_t alignment) {
  return plan_best_searched(buffers, alignment, 0);
}

MemoryPlan plan_best_searched(const std::vector<BufferRequest> &buffers, size_t alignment, int tries) {
  const size_t bound = tries > 0 ? live_peak(buffers, alignment) : 0; // (no search: plan_best_greedy)
  auto lifetime = [](const BufferRequest &b) { return static_cast<size_t>(b.last_use - b.first_use + 1); };
  std::vector<std::vector<size_t>> orders = {
      order_by(buffers, [](const BufferRequest &b) { return b.size; }),
      order_by(buffers, [&](const BufferRequest &b) { return b.size * lifetime(b); }),
      order_by(buffers, [&](const BufferRequest &b) { return lifetime(b); }),
      order_by(buffers, [](const BufferRequest &b) { return -static_cast<long>(b.first_use); }),
  };
  std::vector<size_t> best_order;
  MemoryPlan best;
  for (std::vector<size_t> &order : orders) {
    MemoryPlan plan = place_in_order(buffers, order, alignment);
    if (best_order.empty() || plan.total < best.total) best = std::move(plan), best_order = std::move(order);
  }
  // Equal plans are kept too, so that the search can cross plateaus. (A fixed LCG: the same plan every run.)
  uint64_t state = 0x2545F4914F6CDD1DULL;
  for (int t = 0; t < tries && best.total > bound && best_order.size() > 1; ++t) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const size_t a = (state >> 33) % best_order.size();
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const size_t b = (state >> 33) % best_order.size();
    if (a == b) continue;
    std::vector<size_t> order = best_order;
    std::swap(order[a], order[b]);
    MemoryPlan plan = place_in_order(buffers, order, alignment);
    if (plan.total <= best.total) best = std::move(plan), best_order = std::move(order);
  }
  return best;
}

size_t live_peak(const std::vector<BufferRequest> &buffers, size_t alignment) {
  int last = 0;
  for (auto &b : buffers) last = std::max(last, b.last_use);
  size_t peak = 0;
  for (int t = 0; t <= last; ++t) {
    size_t live = 0;
    std::map<int, size_t> group_live;  // group -> its largest member live at t
    for (auto &b : buffers) {
      if (b.first_use > t || t > b.last_use) continue;
      if (b.group < 0) live += align_up(b.size, alignment);
      else group_live[b.group] = std::max(group_live[b.group], align_up(b.size, alignment));
    }
    for (auto &[group, bytes] : group_live) live += bytes;
    peak = std::max(peak, live);
  }
  return peak;
}

bool plan_is_valid(const std::vector<BufferRequest> &buffers, const MemoryPlan &plan) {
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (plan.offsets[i] + buffers[i].size > plan.total) return false;
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      if (buffers[i].group >= 0 && buffers[i].group == buffers[j].group) {
        if (plan.offsets[i] != plan.offsets[j]) return false;
        continue;
      }
      if (!lifetimes_overlap(buffers[i], buffers[j]) || buffers[i].size == 0 || buffers[j].size == 0) continue;
      bool disjoint = plan.offsets[i] + buffers[i].size <= plan.offsets[j] ||
                      plan.offsets[j] + buffers[j].size <= plan.offsets[i];
      if (!disjoint) return false;
    }
  }
  return true;
}

}  // namespace aotc
