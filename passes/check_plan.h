// An independent check of a finished memory plan, run at the end of every
// lower_and_plan. It recomputes everything it needs from the Program's steps
// (not from the planner's bookkeeping) and throws an aotc::Error
// "internal error: memory plan: ..." naming the values at fault when:
//  - a tensor argument has no Storage, or a step is an unresolved alias;
//  - a value's storage does not fit it: a constant not stored as a constant
//    (or written by a kernel), a graph input (or a value sharing its
//    storage) written, an input/output argument whose size differs from that
//    graph input's/output's, or a graph input/output stored anywhere but
//    where Program::io says: its own buffer (IoMode::Separate) or the arena
//    (IoMode::Arena);
//  - an arena buffer (tensor or kernel scratch) is misaligned or ends past
//    scratch_size (all offset arithmetic is overflow-checked);
//  - two arena buffers live at the same time overlap in memory, unless they
//    are one planned alias group (Program::shares_storage_with), whose
//    members must share one storage, or a slice (Program::slice_of), which
//    must lie at its offset in its whole's storage and fit there. A buffer
//    lives from the first to the last step touching it; one holding a graph
//    input from before the first step (the caller writes it), one holding a
//    graph output until after the last (the caller reads it);
//  - an arena tensor (or alias group) is read before any step writes it;
//  - a graph output with bytes is never written (by a step, or as an alias
//    of a graph input).
// Cost: O(n log n) in the number of arguments.
#pragma once
#include "passes/program.h"

namespace aotc {

void check_memory_plan(const Program &program);

}  // namespace aotc
