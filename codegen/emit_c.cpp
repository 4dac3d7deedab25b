// Writes NAME.h, NAME.c and aotc.h for a Program.
//
// NAME.c holds, in order: the runtime-c kernels the model calls and the
// helpers, macros and types they need, nothing else (picked from the sources
// by codegen/kernel_units.cpp, all static), the weights as static const arrays
// with exact bit patterns (or, with --weights bin, declarations of symbols the
// assembler fills from NAME_weights.bin), the constant integer arrays kernel calls take, the run function
// (one kernel call per lowered step, tensors at fixed arena offsets), the direct
// entry point and the aotc_model descriptor of the standard API (aotc.h).
//
// Where a session keeps the graph's inputs and outputs follows Program::io:
// IoMode::Arena puts them at their planned offsets, so a session needs the
// plan and nothing more, and NAME_run copies them in and out; IoMode::Separate
// puts them after the scratch, followed by pointer tables that
// aotc_bind_input()/aotc_bind_output() can redirect.
#include "codegen/emit_c.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "codegen/c_writer.h"
#include "codegen/kernel_units.h"
#include "ir/escape.h"
#include "ir/limits.h"
#include "ops/kernel_library.h"

namespace aotc {

namespace {

constexpr const char *kVersion = "0.1.0";

std::string upper(std::string s) {
  for (char &c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string identifier_part(const std::string &s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.size() > 32) out.resize(32);
  return out;
}

std::string float_literal(float f) {
  if (std::isnan(f)) return "NAN";
  if (std::isinf(f)) return f > 0 ? "INFINITY" : "-INFINITY";
  return fmt::format("{:a}f", f);
}

// Appends `v` as a C hexadecimal constant ("0x3f800000").
void append_hex(std::string &out, uint64_t v) {
  static const char kDigits[] = "0123456789abcdef";
  char digits[16];
  int n = 0;
  do {
    digits[n++] = kDigits[v & 15];
    v >>= 4;
  } while (v != 0);
  out += "0x";
  while (n > 0) out += digits[--n];
}

// The unsigned type whose bit pattern stands for a floating-point constant in
// C text (exact, NaN payloads included, and shorter than hex float literals);
// nullptr for types written as numbers.
const char *float_bits_type(DType t) {
  if (t == DType::Float) return "uint32_t";
  if (t == DType::Double) return "uint64_t";
  return nullptr;
}

// Appends element i of a constant tensor as a C constant of its storage type
// (the bit pattern for float and double, see float_bits_type).
void append_element(std::string &out, const Tensor &t, int64_t i) {
  auto to = std::back_inserter(out);
  switch (t.dtype) {
    case DType::Float: append_hex(out, t.data<uint32_t>()[i]); return;
    case DType::Double: append_hex(out, t.data<uint64_t>()[i]); return;
    case DType::Int64: {
      int64_t v = t.data<int64_t>()[i];
      if (v == INT64_MIN) out += "(-INT64_C(9223372036854775807) - 1)";
      else fmt::format_to(to, "INT64_C({})", v);
      return;
    }
    case DType::UInt64: fmt::format_to(to, "UINT64_C({})", t.data<uint64_t>()[i]); return;
    case DType::Int32: {
      int32_t v = t.data<int32_t>()[i];
      if (v == INT32_MIN) out += "(-2147483647 - 1)";
      else fmt::format_to(to, "{}", v);
      return;
    }
    case DType::UInt32: fmt::format_to(to, "{}u", t.data<uint32_t>()[i]); return;
    case DType::Float16:
    case DType::BFloat16:
    case DType::UInt16: fmt::format_to(to, "{}u", t.data<uint16_t>()[i]); return;
    default:
      if (is_minifloat(t.dtype)) fmt::format_to(to, "{}u", t.data<uint8_t>()[i]);  // float8/float4 bit pattern
      else fmt::format_to(to, "{}", t.int_at(i));
      return;
  }
}

// Writes `items` as the body of an array initializer, `per_line` per line.
void write_items(CWriter &w, const std::vector<std::string> &items, size_t per_line) {
  w.indent();
  for (size_t i = 0; i < items.size(); i += per_line) {
    size_t end = std::min(items.size(), i + per_line);
    std::vector<std::string> chunk(items.begin() + static_cast<long>(i), items.begin() + static_cast<long>(end));
    w.line("{}{}", fmt::join(chunk, ", "), end < items.size() ? "," : "");
  }
  w.dedent();
}

class Emitter {
 public:
  Emitter(const Program &program, const EmitOptions &options)
      : p_(program), g_(*program.graph), opt_(options), prefix_(options.name), macro_(upper(options.name)) {}

  std::map<std::string, std::string> run() {
    if (session_arena_size() > limits::kMaxArenaBytes)
      fail(fmt::format("the model needs an arena of {} bytes ({}); generated code addresses at most {}",
                       session_arena_size(),
                       io_in_arena() ? "inputs and outputs included"
                                     : fmt::format("scratch {} plus inputs and outputs", p_.scratch_size),
                       limits::kMaxArenaBytes));
    name_constants();
    std::map<std::string, std::string> files;
    files[opt_.name + ".c"] = source();  // first: it decides which kernel argument arrays exist
    files[opt_.name + ".h"] = header();
    files["aotc.h"] = runtime_source("aotc.h");
    if (opt_.weights == WeightsFormat::Bin) files[weights_bin_file(opt_.name)] = weights_bin();
    return files;
  }

  /// What run() emitted: the numbers behind NAME_CONSTANT_BYTES.
  EmitStats stats() const {
    EmitStats s{weight_bytes(), array_bytes_, {}};
    for (const Value *c : p_.constants) s.constant_symbols.push_back(constant_symbols_.at(c));
    return s;
  }

 private:
  const Program &p_;
  const Graph &g_;
  const EmitOptions &opt_;
  std::string prefix_, macro_;
  std::map<const Value *, std::string> constant_symbols_;  // the C array (or union) of each constant
  std::map<const Value *, std::string> constant_exprs_;    // the constant as a pointer expression
  std::map<std::vector<int64_t>, std::string> int_arrays_;
  std::map<std::vector<double>, std::string> float_arrays_;
  std::map<std::string, std::string> params_structs_;  // initializer -> name
  std::vector<std::string> array_defs_;  // in first-use order
  size_t array_bytes_ = 0;               // bytes of those arrays (packed weights, geometry)

  const Target &target() const { return p_.target ? *p_.target : find_target(default_target_name()); }

  const char *c_type(DType t) const {
    const char *c = dtype_info(t).c_type;
    if (!c) fail(fmt::format("element type {} cannot be used in generated C", dtype_name(t)));
    return c;
  }

  void name_constants() {
    for (size_t i = 0; i < p_.constants.size(); ++i) {
      const Value *c = p_.constants[i];
      std::string symbol = fmt::format("{}_w{}_{}", prefix_, i, identifier_part(c->name));
      bool bits_union = opt_.weights == WeightsFormat::C && float_bits_type(c->dtype);
      constant_exprs_[c] = bits_union ? symbol + ".values" : symbol;
      constant_symbols_[c] = std::move(symbol);
    }
  }

  std::string io_params(bool with_types) const {
    std::vector<std::string> params;
    for (size_t i = 0; i < g_.inputs.size(); ++i)
      params.push_back(with_types ? fmt::format("const {} *in{}", c_type(g_.inputs[i]->dtype), i) : fmt::format("in{}", i));
    for (size_t k = 0; k < g_.outputs.size(); ++k)
      params.push_back(with_types ? fmt::format("{} *out{}", c_type(g_.outputs[k]->dtype), k) : fmt::format("out{}", k));
    if (params.empty() && with_types) return "void";
    return fmt::format("{}", fmt::join(params, ", "));
  }

  std::string tensor_info_comment(const Value &v) const {
    std::string layout = v.layout.is_packed()
                             ? fmt::format(", packed {}{}", v.layout.format, shape_str(v.layout.storage))
                             : "";
    return fmt::format("\"{}\" {}{}{}", c_comment_text(v.name), dtype_name(v.dtype), shape_str(v.shape), layout);
  }

  std::string header() {
    CWriter w;
    std::string guard = fmt::format("AOTC_MODEL_{}_H", macro_);
    w.line("/* {}.h -- generated by aotc {} from {}. Do not edit. */", opt_.name, kVersion, c_comment_text(opt_.source_file));
    w.line("#ifndef {}", guard);
    w.line("#define {}", guard);
    w.blank();
    w.line("#include \"aotc.h\"");
    w.blank();
    w.line("#ifdef __cplusplus");
    w.line("extern \"C\" {{");
    w.line("#endif");
    w.blank();
    const Target &target = this->target();
    w.line("/* Target: {} -- {}", target.name, target.summary);
    w.line("   ({}).", target_features(target));
    if (!target.cflags.empty()) w.line("   Suggested compiler flags: {} */", target.cflags);
    else w.line("   Any C99 compiler. */");
    w.line("#define {}_TARGET \"{}\"", macro_, target.name);
    w.blank();
    w.line("#define {}_NUM_INPUTS {}", macro_, g_.inputs.size());
    w.line("#define {}_NUM_OUTPUTS {}", macro_, g_.outputs.size());
    for (size_t i = 0; i < g_.inputs.size(); ++i) {
      const Value &v = *g_.inputs[i];
      w.line("/* input {}: {} */", i, tensor_info_comment(v));
      w.line("#define {}_IN{}_COUNT {}", macro_, i, v.count());
      w.line("#define {}_IN{}_BYTES {}", macro_, i, v.byte_size());
    }
    for (size_t k = 0; k < g_.outputs.size(); ++k) {
      const Value &v = *g_.outputs[k];
      w.line("/* output {}: \"{}\" {}{} */", k, c_comment_text(g_.output_names[k]), dtype_name(v.dtype), shape_str(v.shape));
      w.line("#define {}_OUT{}_COUNT {}", macro_, k, v.count());
      w.line("#define {}_OUT{}_BYTES {}", macro_, k, v.byte_size());
    }
    w.line("/* Bytes of constant data (flash): weights {}, packed weights and kernel arguments {}. */",
           weight_bytes(), array_bytes_);
    w.line("#define {}_CONSTANT_BYTES {}", macro_, weight_bytes() + array_bytes_);
    if (opt_.weights == WeightsFormat::Bin)
      w.line("/* The weights are in {} (--weights bin): compile {}.c with -I and its directory. */",
             weights_bin_file(opt_.name), opt_.name);
    if (!opt_.weights_section.empty())
      w.line("/* The weights are in linker section \"{}\" (--weights-section). */", c_comment_text(opt_.weights_section));
    if (!opt_.arena_section.empty())
      w.line("/* The static arena of {}_run is in linker section \"{}\" (--arena-section). */", prefix_,
             c_comment_text(opt_.arena_section));
    if (io_in_arena()) {
      w.line("/* Bytes of RAM the model needs: the static memory plan, which holds the inputs and");
      w.line("   outputs too (they share space with intermediate tensors once dead). */");
      w.line("#define {}_SCRATCH_SIZE {}", macro_, p_.scratch_size);
      w.line("/* Bytes a session of the standard API needs: the plan, nothing more. */");
      w.line("#define {}_ARENA_SIZE {}", macro_, p_.scratch_size);
    } else {
      w.line("/* Bytes of scratch memory the model needs (the static memory plan; --io separate:");
      w.line("   inputs and outputs are not in it). */");
      w.line("#define {}_SCRATCH_SIZE {}", macro_, p_.scratch_size);
      w.line("/* Bytes a session of the standard API needs: scratch, inputs, outputs, and pointer");
      w.line("   tables of AOTC_POINTER_SLOT_BYTES per input and output (the same on every target). */");
      w.line("#define {}_ARENA_SIZE {}", macro_, session_arena_size());
    }
    w.line("#define {}_ARENA_ALIGNMENT {}", macro_, p_.arena_alignment);
    w.blank();
    w.line("/**");
    w.line(" * Runs the model (the direct entry point): one pointer per input, then per output.");
    if (io_in_arena())
      w.line(" * Copies the inputs into their places in the arena, runs, copies the outputs out.");
    w.line(" * Uses the model's static arena, so it is not reentrant. Returns 0 on success.");
    w.line(" */");
    w.line("int {}_run({});", prefix_, io_params(true));
    w.blank();
    w.line("/** As {}_run, with caller-provided scratch memory of {}_SCRATCH_SIZE bytes", prefix_, macro_);
    w.line(" *  aligned to {}_ARENA_ALIGNMENT. Reentrant if each caller has its own. */", macro_);
    std::string params = io_params(true);
    w.line("int {}_run_with_scratch({}{}void *scratch);", prefix_, params == "void" ? "" : params, params == "void" ? "" : ", ");
    w.blank();
    w.line("/** Descriptor for the standard API in aotc.h. */");
    w.line("extern const aotc_model {}_model;", prefix_);
    w.blank();
    w.line("#ifdef __cplusplus");
    w.line("}}");
    w.line("#endif");
    w.blank();
    w.line("#endif /* {} */", guard);
    return w.str();
  }

  bool io_in_arena() const { return p_.io == IoMode::Arena; }

  // Where a session keeps input/output `io_index` (inputs first): its planned
  // offset, or with separate I/O the layout
  // [scratch | inputs | outputs | pointer tables], each aligned.
  size_t session_offset(size_t io_index) const {
    if (io_in_arena()) {
      const Value *v = io_index < g_.inputs.size() ? g_.inputs[io_index] : g_.outputs[io_index - g_.inputs.size()];
      return p_.storage.at(v).offset;
    }
    size_t offset = align_to(p_.scratch_size);
    std::vector<const Value *> io(g_.inputs.begin(), g_.inputs.end());
    io.insert(io.end(), g_.outputs.begin(), g_.outputs.end());
    for (size_t i = 0; i < io_index; ++i) offset = align_to(offset + io[i]->byte_size());
    return offset;
  }
  size_t session_io_end() const {
    return io_in_arena() ? p_.scratch_size : session_offset(g_.inputs.size() + g_.outputs.size());
  }
  // NAME_ARENA_SIZE: the I/O buffers, then (--io separate) the pointer tables
  // at the end, where aotc.h's aotc_pointer_table_offset_ finds them.
  size_t session_arena_size() const {
    constexpr size_t kPointerSlotBytes = 8;  // AOTC_POINTER_SLOT_BYTES
    return io_in_arena() ? p_.scratch_size : session_io_end() + (g_.inputs.size() + g_.outputs.size()) * kPointerSlotBytes;
  }
  size_t align_to(size_t n) const { return (n + p_.arena_alignment - 1) / p_.arena_alignment * p_.arena_alignment; }

  std::string tensor_expr(const Value *v) const {
    const Storage &s = p_.storage.at(v);
    switch (s.kind) {
      case Storage::Kind::Input: return fmt::format("in{}", s.index);
      case Storage::Kind::Output: return fmt::format("out{}", s.index);
      case Storage::Kind::Constant: return constant_exprs_.at(v);
      case Storage::Kind::Arena: return fmt::format("({} *)(void *)(arena + {})", c_type(v->dtype), s.offset);
    }
    return "";
  }

  // `&NAME_pK`: a geometry struct, one per distinct value.
  std::string params_expr(const KernelArg &a) {
    std::vector<std::string> inits;
    for (const ParamsField &f : a.params) {
      std::vector<std::string> items;
      for (int32_t v : f.values) items.push_back(fmt::format("{}", v));
      inits.push_back(fmt::format(f.is_array ? ".{} = {{{}}}" : ".{} = {}", f.name, fmt::join(items, ", ")));
    }
    std::string init = fmt::format("{}{{{}}}", a.params_type, fmt::join(inits, ", "));
    auto [it, fresh] = params_structs_.emplace(init, fmt::format("{}_p{}", prefix_, params_structs_.size()));
    if (fresh) {
      array_defs_.push_back(
          fmt::format("static const {} {} = {{{}}};", a.params_type, it->second, fmt::join(inits, ", ")));
      array_bytes_ += a.params_words.size() * sizeof(int32_t);
    }
    return "&" + it->second;
  }

  std::string array_name(const KernelArg &a) {
    if (a.kind == KernelArg::Kind::Ints) {
      if (a.ints.empty()) return "NULL";
      auto [it, fresh] = int_arrays_.emplace(a.ints, fmt::format("{}_i{}", prefix_, int_arrays_.size()));
      if (fresh) {
        std::vector<std::string> items;
        for (int64_t v : a.ints) items.push_back(fmt::format("{}", v));
        array_defs_.push_back(fmt::format("static const int32_t {}[{}] = {{{}}};", it->second, items.size(),
                                          fmt::join(items, ", ")));
        array_bytes_ += items.size() * sizeof(int32_t);
      }
      return it->second;
    }
    if (a.floats.empty()) return "NULL";
    auto [it, fresh] = float_arrays_.emplace(a.floats, fmt::format("{}_f{}", prefix_, float_arrays_.size()));
    if (fresh) {
      std::vector<std::string> items;
      for (double v : a.floats) items.push_back(float_literal(static_cast<float>(v)));
      array_defs_.push_back(fmt::format("static const float {}[{}] = {{{}}};", it->second, items.size(),
                                        fmt::join(items, ", ")));
      array_bytes_ += items.size() * sizeof(float);
    }
    return it->second;
  }

  std::string call_text(const KernelCall &call) {
    std::vector<std::string> args;
    for (const KernelArg &a : call.args) {
      switch (a.kind) {
        case KernelArg::Kind::Tensor: args.push_back(tensor_expr(a.value)); break;
        case KernelArg::Kind::Null: args.push_back("NULL"); break;
        case KernelArg::Kind::Scratch: args.push_back(fmt::format("(void *)(arena + {})", a.scratch_offset)); break;
        case KernelArg::Kind::Int: args.push_back(fmt::format("{}", a.i)); break;
        case KernelArg::Kind::Float: args.push_back(float_literal(static_cast<float>(a.f))); break;
        case KernelArg::Kind::Ints:
        case KernelArg::Kind::Floats: args.push_back(array_name(a)); break;
        case KernelArg::Kind::Params: args.push_back(params_expr(a)); break;
      }
    }
    return fmt::format("{}({});", call.kernel, fmt::join(args, ", "));
  }

  // The body of NAME_run_with_scratch up to the steps: argument checks, then `arena`.
  std::string entry_prologue() const {
    CWriter body;
    body.indent();
    // Checked on every call: a few compares against a run of thousands of instructions.
    std::vector<std::string> required;
    for (size_t i = 0; i < g_.inputs.size(); ++i)
      if (g_.inputs[i]->byte_size() > 0) required.push_back(fmt::format("in{} == NULL", i));
    for (size_t k = 0; k < g_.outputs.size(); ++k)
      if (g_.outputs[k]->byte_size() > 0) required.push_back(fmt::format("out{} == NULL", k));
    if (p_.scratch_size > 0) required.push_back("scratch == NULL");
    if (!required.empty()) body.line("if ({}) return AOTC_ERR_NULL_ARGUMENT;", fmt::join(required, " || "));
    if (p_.scratch_size > 0) {
      body.line("if ((uintptr_t)scratch % {}_ARENA_ALIGNMENT != 0) return AOTC_ERR_ARENA_MISALIGNED;", macro_);
      body.line("unsigned char *arena = (unsigned char *)scratch;");
    } else {
      // No byte of it is used, but `arena + 0` on a NULL scratch would be undefined.
      body.line("unsigned char none[1] = {{0}};");
      body.line("unsigned char *arena = scratch != NULL ? (unsigned char *)scratch : none;");
    }
    return body.str();
  }

  std::string source() {
    // The steps first: they decide which arrays exist.
    CWriter steps;
    steps.indent();
    steps.line("(void)arena;");
    std::set<std::string> kernels;
    std::map<std::string, int64_t> source_switches;
    for (const LoweredStep &step : p_.steps) {
      if (!find_kernel(step.call.kernel)) fail("internal error: no kernel " + step.call.kernel);
      kernels.insert(step.call.kernel);
      for (const auto &[macro, bits] : step.call.source_switches) source_switches[macro] |= bits;
      if (step.node)
        steps.line("/* {} */", c_comment_text(step.node->name.empty() ? step.node->op : step.node->name + ": " + step.node->op));
      steps.line("{}", call_text(step.call));
    }

    CWriter w;
    w.line("/*");
    w.line(" * {}.c -- generated by aotc {} from {}. Do not edit.", opt_.name, kVersion, c_comment_text(opt_.source_file));
    w.line(" * Self-contained C99: no allocation, no stdio; needs only libm.");
    w.line(" * {}: {} bytes; constant data: {} bytes (weights {}, packed weights and kernel",
           io_in_arena() ? "Arena (inputs and outputs included)" : "Scratch arena", p_.scratch_size,
           weight_bytes() + array_bytes_, weight_bytes());
    w.line(" * arguments {}).", array_bytes_);
    w.line(" */");
    w.line("#include \"{}.h\"", opt_.name);
    w.blank();
    write_section_macros(w);
    w.line("/* ---- runtime-c kernels ---- */");
    // The kernels' optional paths, as the target allows (see runtime-c/kernels/conv.c).
    if (!target().x86_dispatch) {
      w.line("/* Target {}: no run-time x86 SIMD dispatch. */", target().name);
      w.line("#ifndef AOTC_NO_CPU_DISPATCH");
      w.line("#define AOTC_NO_CPU_DISPATCH 1");
      w.line("#endif");
    }
    if (target().c99_only) {
      w.line("/* Target {}: ISO C99 only, no GNU vector types. */", target().name);
      w.line("#ifndef AOTC_NO_VECTOR_EXT");
      w.line("#define AOTC_NO_VECTOR_EXT 1");
      w.line("#endif");
    }
    if (!source_switches.empty()) w.line("/* The kernels' paths this model's calls take (see KernelCall::source_bits). */");
    for (const auto &[macro, bits] : source_switches) w.line("#define {} {}", macro, bits);
    w.raw(kernel_sources_for(kernels));
    w.blank();
    w.line("/* ---- weights ---- */");
    if (opt_.weights == WeightsFormat::Bin) write_constant_declarations(w);
    else if (opt_.weights == WeightsFormat::Extern)
      for (const Value *c : p_.constants)  // defined by the backend that compiles this file
        w.line("extern const {} {}[{}];", c_type(c->dtype), constant_symbols_.at(c),
               std::max<int64_t>(c->constant->count(), 1));
    else
      for (const Value *c : p_.constants) write_constant(w, *c);
    w.blank();
    w.line("/* ---- kernel arguments ---- */");
    for (const std::string &def : array_defs_) w.line("{}", def);
    w.blank();
    w.line("/* ---- entry points ---- */");
    std::string params = io_params(true);
    std::string sep = params == "void" ? "" : ", ";
    if (io_in_arena()) {
      w.line("/* One run on an arena of {}_ARENA_SIZE bytes holding the inputs at their offsets", macro_);
      w.line("   (aotc_tensor_info.session_offset); leaves the outputs at theirs. Opaque to gcc's");
      w.line("   interprocedural analysis: gcc 12 -O1/-O2 can find a function whose only effect is");
      w.line("   storing through pointers computed from its argument to be const (after -fivopts)");
      w.line("   and drop calls to it (test_transpose_all_permutations_4). */");
      w.line("#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8");
      w.line("__attribute__((noipa))");
      w.line("#endif");
      w.line("static void {}_run_arena(unsigned char *arena) {{", prefix_);
      w.raw(steps.str());
      w.line("}}");
      w.blank();
      w.line("int {}_run_with_scratch({}{}void *scratch) {{", prefix_, params == "void" ? "" : params, sep);
      w.raw(entry_prologue());
      for (size_t i = 0; i < g_.inputs.size(); ++i)
        if (g_.inputs[i]->byte_size() > 0)
          w.line("  memcpy(arena + {}, in{}, {});", session_offset(i), i, g_.inputs[i]->byte_size());
      w.line("  {}_run_arena(arena);", prefix_);
      for (size_t k = 0; k < g_.outputs.size(); ++k)
        if (g_.outputs[k]->byte_size() > 0)
          w.line("  memcpy(out{}, arena + {}, {});", k, session_offset(g_.inputs.size() + k), g_.outputs[k]->byte_size());
      w.line("  return 0;");
      w.line("}}");
    } else {
      w.line("int {}_run_with_scratch({}{}void *scratch) {{", prefix_, params == "void" ? "" : params, sep);
      w.raw(entry_prologue());
      w.raw(steps.str());
      w.line("  return 0;");
      w.line("}}");
    }
    w.blank();
    // Static memory only for NAME_run unless the user opts in (AOTC_STATIC_ARENA),
    // so a program using caller arenas through NAME_model links none.
    w.line("/* The model's own arena, used by {}_run. Compiled with AOTC_STATIC_ARENA defined, {}_model", prefix_, prefix_);
    w.line("   offers it to sessions of the standard API too (aotc_session_init(&s, &{}_model, NULL, 0),", prefix_);
    w.line("   one at a time, shared with {}_run); without, {}_model refers to no static memory. */", prefix_, prefix_);
    std::string size = io_in_arena() ? fmt::format("{}_ARENA_SIZE", macro_) : fmt::format("{}_STATIC_ARENA_SIZE", macro_);
    if (!io_in_arena()) {
      w.line("#ifdef AOTC_STATIC_ARENA");
      w.line("#define {}_STATIC_ARENA_SIZE {}_ARENA_SIZE", macro_, macro_);
      w.line("#else");
      w.line("#define {}_STATIC_ARENA_SIZE {}", macro_, p_.scratch_size > 0 ? macro_ + "_SCRATCH_SIZE" : "1");
      w.line("#endif");
    } else if (p_.scratch_size == 0) {
      size = "1";  // C has no empty arrays
    }
    w.line("#if AOTC_HAS_ALIGNED");
    w.line("AOTC_ALIGNED({}) static unsigned char {}_arena[{}]{};", p_.arena_alignment, prefix_, size,
           opt_.arena_section.empty() ? "" : " " + macro_ + "_ARENA_SECTION");
    w.line("#else");
    w.line("static union {{ unsigned char bytes[{}]; long double ld; void *p; }} {}_arena_u;", size, prefix_);
    w.line("#define {}_arena ({}_arena_u.bytes)", prefix_, prefix_);
    w.line("#endif");
    w.blank();
    w.line("int {}_run({}) {{", prefix_, params);
    w.line("  return {}_run_with_scratch({}{}{}_arena);", prefix_, io_params(false), sep, prefix_);
    w.line("}}");
    w.blank();
    write_descriptor(w);
    return w.str();
  }

  // --weights-section / --arena-section: GNU C section attributes, behind
  // macros so each placement reads as one word where it is used.
  void write_section_macros(CWriter &w) const {
    if (opt_.weights_section.empty() && opt_.arena_section.empty()) return;
    w.line("/* Linker sections asked for with --weights-section / --arena-section. */");
    w.line("#if !defined(__GNUC__) && !defined(__clang__)");
    w.line("#error \"{}.c: --weights-section and --arena-section need __attribute__((section)) (GCC, Clang)\"",
           opt_.name);
    w.line("#endif");
    if (!opt_.weights_section.empty())
      w.line("#define {}_WEIGHTS_SECTION __attribute__((section({})))", macro_, c_string_literal(opt_.weights_section));
    if (!opt_.arena_section.empty())
      w.line("#define {}_ARENA_SECTION __attribute__((section({})))", macro_, c_string_literal(opt_.arena_section));
    w.blank();
  }

  size_t weight_bytes() const {
    size_t n = 0;
    for (const Value *c : p_.constants) n += c->byte_size();
    return n;
  }

  // One constant as a C array, formatted straight into the file's text: big
  // models have tens of millions of elements.
  void write_constant(CWriter &w, const Value &c) {
    const Tensor &t = *c.constant;
    const std::string &symbol = constant_symbols_.at(&c);
    std::string section = opt_.weights_section.empty() ? "" : " " + macro_ + "_WEIGHTS_SECTION";
    int64_t count = std::max<int64_t>(t.count(), 1);  // C has no empty arrays
    w.line("/* {} */", tensor_info_comment(c));
    const size_t alignment = weight_alignment(target());
    std::string aligned = alignment && t.bytes.size() >= alignment ? fmt::format("AOTC_ALIGNED({}) ", alignment) : "";
    const char *bits = float_bits_type(t.dtype);
    if (bits)
      w.line("{}static const union {{ {} bits[{}]; {} values[{}]; }} {}{} = {{{{", aligned, bits, count,
             c_type(c.dtype), count, symbol, section);
    else
      w.line("{}static const {} {}[{}]{} = {{", aligned, c_type(c.dtype), symbol, count, section);
    std::string &out = w.buffer();
    const int64_t per_line = t.dtype == DType::Double ? 6 : 12;
    for (int64_t i = 0; i < t.count(); ++i) {
      if (i % per_line == 0) out += "  ";
      append_element(out, t, i);
      out += i + 1 == t.count() ? "\n" : i % per_line == per_line - 1 ? ",\n" : ",";
    }
    if (t.count() == 0) out += "  0\n";
    w.line(bits ? "}}}};" : "}};");
  }

  // --weights bin: the constants' bytes, each at a 16-byte aligned offset.
  std::string weights_bin() const {
    std::string bin;
    for (const Value *c : p_.constants) {
      bin.resize(align16(bin.size()), '\0');
      bin.append(reinterpret_cast<const char *>(c->constant->bytes.data()), c->constant->bytes.size());
    }
    return bin;
  }
  static size_t align16(size_t n) { return (n + 15) / 16 * 16; }

  // --weights bin: each constant is an ELF symbol the assembler fills from
  // NAME_weights.bin (.incbin), declared extern to the C code. One __asm__
  // per constant keeps each string literal below C99's 4095 characters.
  void write_constant_declarations(CWriter &w) const {
    std::string bin = weights_bin_file(opt_.name);
    w.line("/* The weights are the bytes of {}, which the assembler includes (.incbin):", bin);
    w.line("   compile {}.c with -I and the directory that holds {}. */", opt_.name, bin);
    w.line("#if !defined(__GNUC__) || !defined(__ELF__)");
    w.line("#error \"{}.c: --weights bin needs GCC or Clang with ELF output (.incbin); compile the model with --weights c\"",
           opt_.name);
    w.line("#endif");
    w.line("#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__");
    w.line("#error \"{}.c: {} holds little-endian data; compile the model with --weights c\"", opt_.name, bin);
    w.line("#endif");
    std::string section = opt_.weights_section.empty() ? ".rodata" : opt_.weights_section;
    size_t offset = 0;
    for (const Value *c : p_.constants) {
      const std::string &symbol = constant_symbols_.at(c);
      size_t bytes = c->constant->bytes.size();
      offset = align16(offset);
      w.line("/* {} */", tensor_info_comment(*c));
      w.line("extern const {} {}[{}];", c_type(c->dtype), symbol, std::max<int64_t>(c->constant->count(), 1));
      w.line("__asm__(\"\\t.pushsection {},\\\"a\\\"\\n\\t.balign 16\\n\\t.globl {}\\n\\t.hidden {}\\n\"", section, symbol,
             symbol);
      w.line("        \"\\t.type {}, %object\\n\\t.size {}, {}\\n{}:\\n\"", symbol, symbol, std::max<size_t>(bytes, 1),
             symbol);
      if (bytes > 0)
        w.line("        \"\\t.incbin \\\"{}\\\", {}, {}\\n\\t.popsection\\n\");", bin, offset, bytes);
      else
        w.line("        \"\\t.zero 1\\n\\t.popsection\\n\");");  // C has no empty arrays
      offset += bytes;
    }
  }

  // A C expression for a model's tensor name. C99 compilers need only accept
  // string literals of 4095 characters (gcc -pedantic warns past that), so a
  // longer name becomes a char array, which has no such limit.
  std::string name_expression(CWriter &w, const std::string &name, const std::string &array_name) {
    std::string literal = c_string_literal(name);
    if (literal.size() < 4000) return literal;
    std::vector<std::string> bytes;
    // Octal character constants: a plain number above 127 would overflow a signed char.
    for (unsigned char c : name) bytes.push_back(fmt::format("'\\{:03o}'", c));
    bytes.push_back("0");
    w.line("static const char {}[{}] = {{", array_name, bytes.size());
    write_items(w, bytes, 24);
    w.line("}};");
    return array_name;
  }

  void write_tensor_infos(CWriter &w, const char *what, const std::vector<Value *> &values,
                          const std::vector<std::string> &names, size_t first_io_index) {
    std::vector<std::string> name_exprs;
    for (size_t i = 0; i < values.size(); ++i)
      name_exprs.push_back(name_expression(w, names[i], fmt::format("{}_{}{}_name", prefix_, what, i)));
    for (size_t i = 0; i < values.size(); ++i) {
      std::vector<std::string> dims;
      for (int64_t d : values[i]->shape) dims.push_back(fmt::format("{}", d));
      if (dims.empty()) dims.push_back("1");  // C has no empty arrays; rank says 0
      w.line("static const int64_t {}_{}{}_shape[] = {{{}}};", prefix_, what, i, fmt::join(dims, ", "));
    }
    if (values.empty()) {
      w.line("#define {}_{}s ((const aotc_tensor_info *)0)", prefix_, what);
      return;
    }
    w.line("static const aotc_tensor_info {}_{}s[{}] = {{", prefix_, what, values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      const Value &v = *values[i];
      w.line("  {{{}, {}, {}, {}_{}{}_shape, {}u, {}u, {}u}}{}", name_exprs[i], static_cast<int>(v.dtype),
             v.shape.size(), prefix_, what, i, v.count(), v.byte_size(), session_offset(first_io_index + i),
             i + 1 < values.size() ? "," : "");
    }
    w.line("}};");
  }

  void write_descriptor(CWriter &w) {
    std::vector<std::string> input_names;
    for (const Value *v : g_.inputs) input_names.push_back(v->name);
    write_tensor_infos(w, "input", g_.inputs, input_names, 0);
    write_tensor_infos(w, "output", g_.outputs, g_.output_names, g_.inputs.size());
    w.blank();
    w.line("static int {}_run_generic(const void *const *inputs, void *const *outputs, void *scratch) {{", prefix_);
    if (io_in_arena()) {
      // aotc_session_init checked the arena; the tensors are in it (no pointer tables).
      w.line("  (void)inputs;");
      w.line("  (void)outputs;");
      w.line("  {}_run_arena((unsigned char *)scratch);", prefix_);
      w.line("  return 0;");
      w.line("}}");
      write_model(w);
      return;
    }
    std::vector<std::string> args;
    for (size_t i = 0; i < g_.inputs.size(); ++i)
      args.push_back(fmt::format("(const {} *)inputs[{}]", c_type(g_.inputs[i]->dtype), i));
    for (size_t k = 0; k < g_.outputs.size(); ++k)
      args.push_back(fmt::format("({} *)outputs[{}]", c_type(g_.outputs[k]->dtype), k));
    if (g_.inputs.empty()) w.line("  (void)inputs;");
    if (g_.outputs.empty()) w.line("  (void)outputs;");
    args.push_back("scratch");
    w.line("  return {}_run_with_scratch({});", prefix_, fmt::join(args, ", "));
    w.line("}}");
    write_model(w);
  }

  void write_model(CWriter &w) {
    w.blank();
    w.line("const aotc_model {}_model = {{", prefix_);
    w.line("  AOTC_ABI_VERSION, {},", c_string_literal(opt_.name));
    w.line("  {}_NUM_INPUTS, {}_NUM_OUTPUTS, {}_inputs, {}_outputs,", macro_, macro_, prefix_, prefix_);
    w.line("  {}_SCRATCH_SIZE, {}_ARENA_SIZE, {}_ARENA_ALIGNMENT, {}u,", macro_, macro_, macro_, io_in_arena() ? 1 : 0);
    w.line("#ifdef AOTC_STATIC_ARENA");
    w.line("  {}_arena,", prefix_);
    w.line("#else");
    w.line("  NULL,");
    w.line("#endif");
    w.line("  {}_run_generic", prefix_);
    w.line("}};");
  }
};

}  // namespace

std::string weights_bin_file(const std::string &name) { return name + "_weights.bin"; }

bool is_valid_c_name(const std::string &name) {
  if (name.empty() || name.size() > 64 || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

void check_section_name(const std::string &option, const std::string &name) {
  // ELF and COFF names (".sram2", ".rodata.weights") and Mach-O "segment,section".
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ',' || c == '$');
  if (!ok)
    fail(fmt::format("{} '{}': a section name is 1 to 64 letters, digits, '_', '.', '$' or ','", option,
                     escape_terminal(name)));
}

std::map<std::string, std::string> emit_c(const Program &program, const EmitOptions &options, EmitStats *stats) {
  if (!is_valid_c_name(options.name))
    fail(fmt::format("--name '{}' is not a valid C identifier (letters, digits, '_', not starting with a digit)",
                     options.name));
  if (!options.weights_section.empty()) check_section_name("--weights-section", options.weights_section);
  if (!options.arena_section.empty()) check_section_name("--arena-section", options.arena_section);
  Emitter emitter(program, options);
  std::map<std::string, std::string> files = emitter.run();
  if (stats) *stats = emitter.stats();
  return files;
}

}  // namespace aotc
