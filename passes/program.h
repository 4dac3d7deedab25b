// The lowered form of a graph: a straight-line list of kernel calls plus where
// every tensor lives. Built by lower_graph, completed by plan_memory, printed by
// codegen. Any future backend (LLVM) consumes the same structure.
#pragma once
#include <map>
#include <memory>
#include <vector>

#include "ir/graph.h"
#include "ir/target.h"
#include "ops/kernel_call.h"

namespace aotc {

/// Where graph inputs and outputs live (--io).
enum class IoMode {
  Arena,     ///< tensors of the memory plan like any other (default): no RAM beyond the plan
  Separate,  ///< their own buffers: the caller's for NAME_run, after the scratch in a session
};

struct Storage {
  enum class Kind { Input, Output, Constant, Arena };  ///< Input/Output: IoMode::Separate only
  Kind kind = Kind::Arena;
  size_t index = 0;   ///< graph input/output index
  size_t offset = 0;  ///< byte offset in the scratch arena (Kind::Arena)
};

/// What schedule_steps did to the step order (for the report).
struct ScheduleStats {
  size_t original_arena_bytes = 0;  ///< the arena planned for the steps in lowering (node) order
  size_t steps_moved = 0;           ///< steps whose position changed (0: the original order was kept)
};

struct Program {
  Graph *graph = nullptr;
  std::shared_ptr<const Target> target; ///< what the program is compiled for (--target, --max-scratch)
  IoMode io = IoMode::Arena;            ///< where graph inputs and outputs live
  std::vector<LoweredStep> steps;       ///< aliases are resolved away by plan_memory
  std::map<const Value *, Storage> storage;
  /// Planned aliases: value -> the value whose storage it deliberately shares
  /// (an alias step such as Reshape that plan_memory resolved to shared storage:
  /// its output -> its input). check_memory_plan tells these from overlaps.
  /// Also: an in-place step's output -> the input it overwrites (the output may
  /// be the larger; the storage grows at that step). These are recorded in
  /// in_place_of as well.
  std::map<const Value *, const Value *> shares_storage_with;
  std::map<const Value *, const Value *> in_place_of;
  /// Values that plan_memory placed inside another's storage, whose copy into
  /// it (KernelCall::copies_into_slice) it dropped: value -> (the whole, byte
  /// offset in it). The whole's alias group holds them (check_memory_plan).
  struct Slice {
    const Value *whole = nullptr;
    size_t offset = 0;
  };
  std::map<const Value *, Slice> slice_of;
  /// Byte offset of `v` in its alias group's storage: its slice's offset, 0
  /// for other values (plan_memory never makes a slice's whole a slice).
  size_t offset_in_group(const Value *v) const {
    auto it = slice_of.find(v);
    return it == slice_of.end() ? 0 : it->second.offset;
  }
  std::vector<const Value *> constants;  ///< in first-use order
  size_t arena_alignment = 16;
  size_t scratch_size = 0;              ///< bytes of the planned arena (with the graph's I/O in IoMode::Arena)
  /// Statistics of the memory plan, for reports and benchmarks.
  size_t intermediate_bytes_total = 0;  ///< sum of all arena buffers, no sharing
  size_t live_peak_bytes = 0;           ///< lower bound: most bytes live at one step
  ScheduleStats schedule;               ///< set by schedule_steps
};

}  // namespace aotc
