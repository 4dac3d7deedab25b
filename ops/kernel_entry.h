// For the generated kernel translation units (cmake/kernels.cmake writes one
// per runtime-c/kernels/*.c file, so that editing one kernel file recompiles
// one unit): turns each kernel's C signature, by template deduction, into a
// KernelInfo with a uniform invoker and the parameter list that
// check_kernel_call compares calls against. Include this first, then the
// kernel file, then list its kernels with AOTC_KERNEL_ENTRY inside
// AOTC_KERNEL_TABLE.
#pragma once
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "ops/kernel_library.h"

namespace aotc {
namespace kernel_entry {

template <typename P>
P convert_arg(const KernelArgValue &a) {
  if constexpr (std::is_pointer_v<P>) {
    return reinterpret_cast<P>(a.ptr);
  } else if constexpr (std::is_floating_point_v<P>) {
    return static_cast<P>(a.f);
  } else {
    return static_cast<P>(a.i);
  }
}

template <typename... P, size_t... I>
void invoke_with(void (*fn)(P...), const std::vector<KernelArgValue> &args, std::index_sequence<I...>) {
  fn(convert_arg<P>(args[I])...);
}

// The C name of a kernel parameter's pointee type, for signature checks.
template <typename T>
const char *c_type_name() {
  if constexpr (std::is_void_v<T>) return "void";
  else if constexpr (std::is_same_v<T, float>) return "float";
  else if constexpr (std::is_same_v<T, double>) return "double";
  else if constexpr (std::is_same_v<T, int8_t>) return "int8_t";
  else if constexpr (std::is_same_v<T, uint8_t>) return "uint8_t";
  else if constexpr (std::is_same_v<T, int16_t>) return "int16_t";
  else if constexpr (std::is_same_v<T, uint16_t>) return "uint16_t";
  else if constexpr (std::is_same_v<T, int32_t>) return "int32_t";
  else if constexpr (std::is_same_v<T, uint32_t>) return "uint32_t";
  else if constexpr (std::is_same_v<T, int64_t>) return "int64_t";
  else if constexpr (std::is_same_v<T, uint64_t>) return "uint64_t";
  else if constexpr (is_params_struct<T>::value) return ParamsTraits<T>::c_name;
  else return "(other)";
}

template <typename P>
KernelParam param_of() {
  KernelParam p;
  if constexpr (std::is_pointer_v<P>) {
    using T = std::remove_pointer_t<P>;
    p.kind = KernelParam::Kind::Pointer;
    p.to_const = std::is_const_v<T>;
    p.pointee = c_type_name<std::remove_cv_t<T>>();
  } else if constexpr (std::is_floating_point_v<P>) {
    p.kind = KernelParam::Kind::Float;
  } else {
    static_assert(std::is_integral_v<P>, "kernel parameters are pointers, integers or floats");
    p.kind = KernelParam::Kind::Int;
  }
  return p;
}

template <typename... P>
std::vector<KernelParam> params_of(void (*)(P...)) {
  return {param_of<P>()...};
}

// Turns a kernel's C signature into a uniform invoker, by template deduction.
template <typename... P>
auto make_invoker(void (*)(P...)) {
  return +[](void (*fn)(P...), const std::vector<KernelArgValue> &args) {
    invoke_with(fn, args, std::index_sequence_for<P...>{});
  };
}

}  // namespace kernel_entry
}  // namespace aotc

#define AOTC_KERNEL_ENTRY(file, name)                                                                    \
  ::aotc::KernelInfo{#name, #file,                                                                       \
                     [](const std::vector<::aotc::KernelArgValue> &args) {                               \
                       ::aotc::kernel_entry::make_invoker(&name)(&name, args);                           \
                     },                                                                                  \
                     ::aotc::kernel_entry::params_of(&name)},
