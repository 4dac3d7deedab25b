// A call to one runtime-c kernel: what an op lowers to. Codegen prints it as a
// C call; the evaluator runs the same kernel inside the compiler (constant
// folding). Arguments are typed so both can do their job without knowing the op.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "ops/kernel_params.h"

namespace aotc {

struct KernelArg {
  enum class Kind {
    Tensor,   ///< pointer to a value's data (input or output of the call)
    Scratch,  ///< pointer to `scratch_bytes` of temporary memory, live for this call only
    Null,     ///< NULL pointer (an omitted optional tensor)
    Int,      ///< int32_t scalar
    Float,    ///< float scalar
    Ints,     ///< const int32_t * to a compile-time array
    Floats,   ///< const float * to a compile-time array
    Params,   ///< const S * to a compile-time geometry struct (ops/kernel_params.h)
  };
  Kind kind = Kind::Null;
  Value *value = nullptr;
  bool writes = false;  ///< Tensor args: true if the kernel writes it.
  int64_t i = 0;
  double f = 0;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  size_t scratch_bytes = 0;
  size_t scratch_offset = 0;  ///< Scratch args: arena offset, set by plan_memory.
  std::string params_type;            ///< Params: the struct's C name, e.g. "aotc_conv_params"
  std::vector<ParamsField> params;    ///< Params: its fields in order
  std::vector<int32_t> params_words;  ///< Params: the struct's contents, as the kernel reads them
};

struct KernelCall {
  std::string kernel;  ///< e.g. "aotc_conv2d_f32"
  std::vector<KernelArg> args;

  KernelCall &in(Value *v);     ///< tensor read by the kernel (nullptr -> NULL)
  KernelCall &out(Value *v);    ///< tensor written by the kernel
  KernelCall &scratch(size_t bytes);
  KernelCall &i(int64_t value); ///< checked to fit int32_t
  KernelCall &f(double value);
  KernelCall &ints(const std::vector<int64_t> &values);
  KernelCall &floats(const std::vector<double> &values);
  /// The kernel may write its output over `input` (a tensor it reads), the
  /// output starting at the input's address whatever their sizes: the memory
  /// planner lets them share storage when `input` dies at this call. Several
  /// inputs may qualify (Add); the planner takes the first that dies here.
  KernelCall &in_place(const Value *input) {
    in_place_inputs.push_back(input);
    return *this;
  }
  std::vector<const Value *> in_place_inputs;
  /// The call only copies all of `input` (read whole and contiguous) into the
  /// tensor it writes, starting at byte `byte_offset` of it (Concat along its
  /// outermost axis): the memory planner may give `input` that slice of the
  /// output's storage and drop the call.
  KernelCall &copies_into_slice(const Value *input, size_t byte_offset) {
    slice_input = input;
    slice_offset = byte_offset;
    return *this;
  }
  const Value *slice_input = nullptr;
  size_t slice_offset = 0;
  /// The paths of the kernel's source this call may take, as bits of a
  /// preprocessor switch the source tests (e.g. AOTC_CONV_DW_SQUARE): the
  /// generated C defines each switch to the OR over the model's calls, so the
  /// code of the paths none takes is left out. Compiled without the switch
  /// (constant folding in aotc, the kernel tests), a kernel has every path.
  KernelCall &source_bits(const std::string &macro, int64_t bits) {
    source_switches.emplace_back(macro, bits);
    return *this;
  }
  std::vector<std::pair<std::string, int64_t>> source_switches;
  /// A geometry struct (runtime-c/kernels/kernel_params.h), passed by pointer.
  template <typename S>
  KernelCall &params(const S &p) {
    static_assert(sizeof(S) % sizeof(int32_t) == 0, "params structs hold int32_t fields only");
    KernelArg a;
    a.kind = KernelArg::Kind::Params;
    a.params_type = ParamsTraits<S>::c_name;
    a.params = ParamsTraits<S>::fields(p);
    for (const ParamsField &f : a.params) a.params_words.insert(a.params_words.end(), f.values.begin(), f.values.end());
    check_params_size(a, sizeof(S));
    args.push_back(std::move(a));
    return *this;
  }

 private:
  void check_params_size(const KernelArg &a, size_t struct_size) const;
};

/// One step of a lowered node: a kernel call, or an alias (the output shares
/// the input's storage, e.g. Reshape) that the memory planner resolves.
struct LoweredStep {
  KernelCall call;
  Value *alias_out = nullptr;  ///< set for alias steps
  Value *alias_in = nullptr;
  const Node *node = nullptr;  ///< the node this step came from, for comments and messages
  bool is_alias() const { return alias_out != nullptr; }
};

}  // namespace aotc
