// The geometry structs of runtime-c/kernels/kernel_params.h, seen from the
// compiler: ops fill them in by field name, KernelCall::params() records the
// struct's bytes and its fields, codegen prints them as a `static const`
// struct with designated initializers, and the evaluator hands the bytes to
// the kernel. Each struct's field list lives here once; KernelCall::params
// checks it covers the whole struct, so a field added in C but not here is
// an internal error, not a silently zero field.
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime-c/kernels/kernel_params.h"

namespace aotc {

/// One field of a params struct: a name and its int32 value(s).
struct ParamsField {
  std::string name;
  std::vector<int32_t> values;
  bool is_array = false;
};

/// Specialised for each params struct: its C name and fields in order.
template <typename S>
struct ParamsTraits;

template <>
struct ParamsTraits<aotc_conv_params> {
  static constexpr const char *c_name = "aotc_conv_params";
  static std::vector<ParamsField> fields(const aotc_conv_params &p) {
    auto one = [](const char *name, int32_t v) { return ParamsField{name, {v}, false}; };
    auto three = [](const char *name, const int32_t *v) { return ParamsField{name, {v[0], v[1], v[2]}, true}; };
    return {one("n", p.n),           one("groups", p.groups),        one("cg", p.cg),
            one("mg", p.mg),         three("in", p.in),              three("out", p.out),
            three("kernel", p.kernel), three("stride", p.stride),    three("dilation", p.dilation),
            three("pad", p.pad),     one("method", p.method),        one("band", p.band),
            one("blocked", p.blocked)};
  }
};

template <>
struct ParamsTraits<aotc_pool_params> {
  static constexpr const char *c_name = "aotc_pool_params";
  static std::vector<ParamsField> fields(const aotc_pool_params &p) {
    auto three = [](const char *name, const int32_t *v) { return ParamsField{name, {v[0], v[1], v[2]}, true}; };
    return {ParamsField{"channels", {p.channels}, false},
            three("in", p.in),
            three("out", p.out),
            three("kernel", p.kernel),
            three("stride", p.stride),
            three("dilation", p.dilation),
            three("pad", p.pad),
            three("pad_end", p.pad_end)};
  }
};

template <>
struct ParamsTraits<aotc_quant_params> {
  static constexpr const char *c_name = "aotc_quant_params";
  static std::vector<ParamsField> fields(const aotc_quant_params &p) {
    auto one = [](const char *name, int32_t v) { return ParamsField{name, {v}, false}; };
    return {one("outer", p.outer),         one("d", p.d),
            one("inner", p.inner),         one("block", p.block),
            one("scale_outer", p.scale_outer), one("scale_axis", p.scale_axis),
            one("scale_inner", p.scale_inner)};
  }
};

template <>
struct ParamsTraits<aotc_qgemm_params> {
  static constexpr const char *c_name = "aotc_qgemm_params";
  static std::vector<ParamsField> fields(const aotc_qgemm_params &p) {
    auto one = [](const char *name, int32_t v) { return ParamsField{name, {v}, false}; };
    return {one("m", p.m),           one("n", p.n),
            one("k", p.k),           one("trans_a", p.trans_a),
            one("trans_b", p.trans_b), one("b_per_column", p.b_per_column),
            one("c_row_stride", p.c_row_stride), one("c_col_stride", p.c_col_stride)};
  }
};

template <>
struct ParamsTraits<aotc_rnn_params> {
  static constexpr const char *c_name = "aotc_rnn_params";
  static std::vector<ParamsField> fields(const aotc_rnn_params &p) {
    auto one = [](const char *name, int32_t v) { return ParamsField{name, {v}, false}; };
    return {one("cell", p.cell),
            one("seq", p.seq),
            one("batch", p.batch),
            one("input", p.input),
            one("hidden", p.hidden),
            one("directions", p.directions),
            one("reverse", p.reverse),
            one("batch_major", p.batch_major),
            ParamsField{"activation", std::vector<int32_t>(p.activation, p.activation + 6), true},
            one("has_clip", p.has_clip),
            one("input_forget", p.input_forget),
            one("linear_before_reset", p.linear_before_reset)};
  }
};

template <>
struct ParamsTraits<aotc_attention_params> {
  static constexpr const char *c_name = "aotc_attention_params";
  static std::vector<ParamsField> fields(const aotc_attention_params &p) {
    auto one = [](const char *name, int32_t v) { return ParamsField{name, {v}, false}; };
    return {one("batch", p.batch),
            one("q_heads", p.q_heads),
            one("kv_heads", p.kv_heads),
            one("q_seq", p.q_seq),
            one("kv_seq", p.kv_seq),
            one("past_seq", p.past_seq),
            one("head_size", p.head_size),
            one("v_head_size", p.v_head_size),
            one("q_3d", p.q_3d),
            one("k_3d", p.k_3d),
            one("v_3d", p.v_3d),
            one("mask_kind", p.mask_kind),
            ParamsField{"mask_stride", std::vector<int32_t>(p.mask_stride, p.mask_stride + 4), true},
            one("mask_cols", p.mask_cols),
            one("is_causal", p.is_causal),
            one("qk_mode", p.qk_mode),
            one("has_softcap", p.has_softcap)};
  }
};

/// Whether ParamsTraits<S> exists (S is a params struct).
template <typename S, typename = void>
struct is_params_struct : std::false_type {};
template <typename S>
struct is_params_struct<S, std::void_t<decltype(ParamsTraits<S>::c_name)>> : std::true_type {};

}  // namespace aotc
