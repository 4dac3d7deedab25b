// aotc's command line:
//   aotc MODEL.onnx -o OUTDIR [--name N] [--input-shape NAME=d0,d1,...] [--emit c|ir|ir-imported|dot] [--report]
//   aotc info MODEL.onnx
//   aotc verify MODEL.onnx --data TEST_DATA_DIR ... [--per-layer] | --input NAME=x.npy --expected NAME=y.npy
//   aotc expose MODEL.onnx -o MODEL_ALL.onnx
//   aotc run MODEL.onnx --input NAME=x.npy ... [-o out.npy | -o OUTDIR]
// Every error becomes one message on stderr and a non-zero exit status.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "codegen/emit_c.h"
#include "codegen/emit_dot.h"
#include "compiler/driver.h"
#include "ir/escape.h"
#include "ops/op.h"
#include "passes/pipeline.h"

using namespace aotc;

namespace {

// "'output' f32[1,10] = [0.1, 0.2, ...]": a tensor for a terminal, its first values.
std::string describe_values(const std::string &name, const Tensor &t) {
  constexpr int64_t kShown = 16;
  std::vector<std::string> values;
  for (int64_t i = 0; i < std::min(t.count(), kShown); ++i) values.push_back(fmt::format("{:.7g}", t.double_at(i)));
  if (t.count() > kShown) values.push_back(fmt::format("... ({} values)", t.count()));
  return fmt::format("'{}' {}{} = [{}]", name, dtype_name(t.dtype), shape_str(t.shape),
                     fmt::join(values, ", "));
}

constexpr const char *kVersion = "0.1.0";

// "x=1,3,224,224" -> {"x", {1,3,224,224}}
void parse_input_shape(const std::string &spec, ImportOptions &options) {
  auto eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0) fail(fmt::format("--input-shape '{}': expected NAME=d0,d1,...", spec));
  Shape shape;
  std::string dims = spec.substr(eq + 1);
  size_t pos = 0;
  while (pos <= dims.size() && !dims.empty()) {
    size_t comma = dims.find(',', pos);
    std::string item = dims.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    try {
      size_t used = 0;
      long long d = std::stoll(item, &used);
      if (used != item.size() || d < 0) throw std::invalid_argument(item);
      shape.push_back(d);
    } catch (const std::exception &) {
      fail(fmt::format("--input-shape '{}': '{}' is not a dimension", spec, item));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  options.input_shapes[spec.substr(0, eq)] = shape;
}

Tensor load_tensor_file(const std::string &path) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0) return load_npy(path);
  return load_tensor_proto(path, nullptr);
}

// "NAME=path" -> pair
std::pair<std::string, std::string> parse_named_file(const std::string &spec, const char *flag) {
  auto eq = spec.find('=');
  if (eq == std::string::npos) fail(fmt::format("{} '{}': expected NAME=FILE", flag, spec));
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

// Everything aotc prints may hold text from the model: control bytes and
// terminal escape sequences in it are shown escaped, never sent to the terminal.
template <typename... Args>
void print_out(fmt::format_string<Args...> format, Args &&...args) {
  fmt::print("{}", escape_terminal(fmt::format(format, std::forward<Args>(args)...), /*keep_newlines=*/true));
}

void print_err(const std::string &text) { fmt::print(stderr, "{}\n", escape_terminal(text, /*keep_newlines=*/true)); }

void warn(const std::string &message) { print_err("aotc: warning: " + message); }

int run_info(const std::string &model, const std::string &target) {
  CompileOptions options;
  options.target = target;
  options.report = true;
  compile_target(options);  // an unknown --target is an error before anything is printed
  ModelInfo info = read_model_info(model);
  print_out("model:      {}\n", model);
  print_out("producer:   {}\n", info.producer.empty() ? "(unknown)" : info.producer);
  print_out("ir_version: {}\n", info.ir_version);
  for (auto &[domain, version] : info.opsets) print_out("opset:      {} {}\n", domain, version);
  for (auto &in : info.inputs) print_out("input:      {}\n", in);
  for (auto &out : info.outputs) print_out("output:     {}\n", out);
  print_out("ops:\n");
  for (auto &[op, count] : info.op_histogram) print_out("  {:<28} {}\n", op, count);
  if (info.unsupported_ops.empty())
    print_out("unsupported ops: none\n");
  else
    print_out("unsupported ops: {}\n", fmt::join(info.unsupported_ops, ", "));
  // What compiling would give: RAM, flash and work (as --report computes them).
  if (!info.unsupported_ops.empty()) return 0;
  try {
    const Compilation c = compile_model(model, options);
    const MemoryReport &r = *c.report;
    print_out("target:     {}\n", r.target);
    print_out("arena:      {} bytes of RAM, inputs and outputs included (live-peak lower bound {})\n",
              with_thousands(r.arena_bytes), with_thousands(r.arena_lower_bound_bytes));
    print_out("weights:    {} bytes of flash (and {} of kernel arguments)\n", with_thousands(r.weights.weight_bytes),
              with_thousands(r.weights.argument_bytes));
    print_out("MACs:       {} per run\n", with_thousands(static_cast<size_t>(r.macs)));
  } catch (const Error &e) {
    print_out("estimate:   not available: {}\n", e.what());
  }
  return 0;
}

void print_comparison(const char *what, const OutputComparison &o) {
  print_out("{} '{}': {} max_abs_err={:.3g} max_rel_err={:.3g}{}\n", what, o.name, o.ok ? "ok" : "MISMATCH",
            o.max_abs_error, o.max_rel_error, o.problem.empty() ? "" : " (" + o.problem + ")");
}

// verify --per-layer: every intermediate in node order, then the verdict
// naming the first node whose output is beyond tolerance.
int report_per_layer(const std::string &model, const PerLayerResult &r, const VerifyOptions &options) {
  for (const LayerComparison &layer : r.layers) print_comparison("layer", layer.result);
  for (const OutputComparison &o : r.outputs) print_comparison("output", o);
  if (!r.not_computed.empty()) {
    std::vector<std::string> names;
    for (auto &[value, why] : r.not_computed) names.push_back(fmt::format("'{}' ({})", value, why));
    print_out("not compared: {}\n", fmt::join(names, ", "));
  }
  if (r.first_divergent) {
    const LayerComparison &first = r.layers[*r.first_divergent];
    print_out("first divergent: {} output '{}': max_abs_err={:.3g} max_rel_err={:.3g}{} (rtol {:g}, atol {:g})\n",
              first.node, first.result.name, first.result.max_abs_error, first.result.max_rel_error,
              first.result.problem.empty() ? "" : " (" + first.result.problem + ")", options.rtol, options.atol);
  }
  print_out("{}: {} ({} of {} intermediate values compared)\n", model, r.ok ? "PASS" : "FAIL", r.layers.size(),
            r.layers.size() + r.not_computed.size());
  return r.ok ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{"aotc: ahead-of-time compiler from ONNX models to self-contained C99"};
  app.set_version_flag("--version", std::string("aotc ") + kVersion);
  app.require_subcommand(0, 1);

  CompileOptions options;
  std::string model, out_dir, emit = "c";
  std::vector<std::string> input_shapes, const_inputs;
  bool list_ops = false, list_passes = false;
  app.add_option("model", model, "ONNX model file");
  app.add_option("-o,--output", out_dir, "output directory for NAME.h, NAME.c and aotc.h");
  app.add_option("--name", options.name, "C name prefix: NAME_run(), NAME_model, NAME.c (default: model)");
  app.add_option("--input-shape", input_shapes, "shape for an input with unknown dims: NAME=d0,d1,... (repeatable)");
  app.add_option("--const-input", const_inputs,
                 "NAME=FILE (.npy or TensorProto .pb): compile graph input NAME as this constant (repeatable)");
  app.add_option("--emit", emit,
                 "what to produce: c (default), ir (IR after the passes), ir-imported (IR before), dot (the "
                 "optimised graph for Graphviz: to stdout, or OUTDIR/NAME.dot with -o)")
      ->check(CLI::IsMember({"c", "ir", "ir-imported", "dot"}));
  app.add_flag("--report", options.report,
               "also write OUTDIR/report.json (memory plan, MACs, weights) and OUTDIR/memory.svg (a picture of the "
               "plan), and print a summary");
  app.add_flag("--allow-newer-opset", options.import.allow_newer_opset,
               "compile a model that imports a newer opset than aotc knows, as the newest it knows (warns)");
  app.add_option("--target", options.target,
                 "what to compile for: generic, host (default), cortex-m0, cortex-m4, cortex-m7, cortex-m33, "
                 "cortex-m55 (--list-targets describes them)");
  app.add_option("--max-scratch", options.max_scratch,
                 "BYTES: the most scratch a conv kernel may take for its copy of the input, at least one row of "
                 "it (on Cortex-M targets, whose conv kernels copy their input a band of rows at a time; default "
                 "there 8192; 0: no cap). --report shows each kernel's scratch")
      ->check(CLI::Range(size_t{0}, size_t{1} << 40));
  app.add_option("--l2-cache", options.l2_cache,
                 "BYTES: the L2 cache per core to tune for: a 1x1 conv and the depthwise conv reading it run in "
                 "chunks of channels whose intermediate fits in half of it (default: host's as detected, none "
                 "on the other targets; 0: off)")
      ->check(CLI::Range(size_t{0}, size_t{1} << 40));
  std::string io = "arena", verify_io = "arena";
  std::string weights = "c", verify_weights = "c";
  const char *weights_help =
      "how NAME.c holds the weights: c (default: C arrays, self-contained) or bin (NAME_weights.bin, pulled in "
      "by the assembler's .incbin: big models build in seconds; GCC or Clang, ELF targets; compile NAME.c with "
      "-I OUTDIR)";
  const char *io_help =
      "where graph inputs and outputs live: arena (default: in the memory plan, sharing space with "
      "intermediates; NAME_run copies in and out) or separate (buffers of their own)";
  app.add_option("--io", io, io_help)->check(CLI::IsMember({"arena", "separate"}));
  const std::string patch_help = fmt::format(
      "run the CNN's high-resolution first layers as N x N spatial tiles, one after another, recomputing each "
      "tile's halo (MCUNetV2 patch-based inference): less RAM, more MACs ({} to {}; --report shows both)",
      kMinPatchTiles, kMaxPatchTiles);
  app.add_option("--patch", options.patch_tiles, patch_help)
      ->type_name("N")
      ->check(CLI::Range(kMinPatchTiles, kMaxPatchTiles));
  app.add_option("--weights", weights, weights_help)->check(CLI::IsMember({"c", "bin"}));
  app.add_option("--weights-section", options.weights_section,
                 "NAME: put the weights in this linker section (GCC/Clang __attribute__((section)); e.g. .rodata.model "
                 "or a flash region your linker script places)")
      ->type_name("NAME");
  app.add_option("--arena-section", options.arena_section,
                 "NAME: put the static arena NAME_run uses in this linker section (e.g. .bss.sram2)")
      ->type_name("NAME");
  std::string backend = "c", verify_backend = "c";
  const char *backend_help =
      "what writes the code: c (default: NAME.c) or llvm (NAME.o, an object for --target's triple compiled "
      "in-process by LLVM; the same NAME.h and aotc.h)";
  app.add_option("--backend", backend, backend_help)->check(CLI::IsMember({"c", "llvm"}));
  app.add_option("--triple", options.llvm.triple,
                 "with --backend llvm: the LLVM target triple (default: --target's, e.g. thumbv7em-none-eabihf for "
                 "cortex-m4, this machine's for host)");
  app.add_option("--cpu", options.llvm.cpu,
                 "with --backend llvm: the CPU to tune and select instructions for (e.g. cortex-m7, skylake, native)");
  app.add_option("--features", options.llvm.features,
                 "with --backend llvm: LLVM target features to add or remove, e.g. +avx2,-avx512f");
  app.add_option("--opt-level", options.llvm.opt_level,
                 "with --backend llvm: optimisation level 3 (default, fastest), 2, 1, 0, s or z (smallest code)")
      ->check(CLI::IsMember({"0", "1", "2", "3", "s", "z"}));
  app.add_option("--define", options.llvm.defines,
                 "with --backend llvm: NAME[=VALUE], a macro NAME.c is compiled with, as -D to a C compiler (e.g. "
                 "AOTC_STATIC_ARENA: NAME_model offers NAME_run's arena to standard-API sessions) (repeatable)");
  bool list_targets = false;
  app.add_flag("--list-targets", list_targets, "list the targets with their features and exit");
  app.add_flag("--list-ops", list_ops, "list the supported ONNX ops and exit");
  app.add_flag("--list-passes", list_passes, "list the graph passes in pipeline order and exit");

  CLI::App *info = app.add_subcommand("info", "show a model's inputs, outputs, opsets and ops");
  std::string info_model;
  info->add_option("model", info_model, "ONNX model file")->required();
  std::string info_target = default_target_name();
  info->add_option("--target", info_target, "target of the arena, weights and MACs estimate (default host)");

  CLI::App *verify = app.add_subcommand("verify", "compile, build with the host C compiler, run and compare outputs");
  std::string verify_model_path;
  std::vector<std::string> data_dirs, npy_inputs, npy_expected, verify_shapes, verify_consts;
  VerifyOptions vopts;
  CompileOptions verify_compile;
  verify->add_option("model", verify_model_path, "ONNX model file")->required();
  verify->add_option("--data", data_dirs, "ONNX test data directory with input_K.pb/output_K.pb (repeatable)");
  verify->add_option("--input", npy_inputs, "NAME=x.npy: an input (repeatable)");
  verify->add_option("--expected", npy_expected, "NAME=y.npy: an expected output (repeatable)");
  verify->add_option("--rtol", vopts.rtol, "relative tolerance (default 1e-4)");
  verify->add_option("--atol", vopts.atol, "absolute tolerance (default 1e-5)");
  verify->add_option("--cc", vopts.cc, "C compiler command (default cc)");
  verify->add_option("--cflags", vopts.cflags, "C compiler flags (default -std=c99 -O2)");
  verify->add_option("--name", verify_compile.name, "C name prefix (default model)");
  verify->add_option("--input-shape", verify_shapes, "NAME=d0,d1,...: shape for an input with unknown dims");
  verify->add_option("--const-input", verify_consts, "NAME=FILE: compile graph input NAME as this constant");
  verify->add_option("--keep", vopts.work_dir, "build in this directory and keep it");
  verify->add_option("--target", verify_compile.target, "what to compile for (default host); the C runs on this machine");
  verify->add_option("--io", verify_io, io_help)->check(CLI::IsMember({"arena", "separate"}));
  verify->add_option("--weights", verify_weights, weights_help)->check(CLI::IsMember({"c", "bin"}));
  verify->add_option("--max-scratch", verify_compile.max_scratch, "BYTES: as for compiling")
      ->check(CLI::Range(size_t{0}, size_t{1} << 40));
  verify->add_option("--l2-cache", verify_compile.l2_cache, "BYTES: as for compiling")
      ->check(CLI::Range(size_t{0}, size_t{1} << 40));
  verify->add_option("--patch", verify_compile.patch_tiles, patch_help)
      ->type_name("N")
      ->check(CLI::Range(kMinPatchTiles, kMaxPatchTiles));
  verify->add_flag("--allow-newer-opset", verify_compile.import.allow_newer_opset,
                   "compile a model that imports a newer opset than aotc knows, as the newest it knows (warns)");
  bool per_layer = false;
  bool verify_jit = false;
  verify->add_flag("--jit", verify_jit,
                   "compile through LLVM and run in this process: no C compiler needed (--cc and --cflags unused)");
  verify->add_option("--backend", verify_backend,
                     "c (default) or llvm (NAME.o for this machine, linked with --cc into the test program)")
      ->check(CLI::IsMember({"c", "llvm"}));
  verify->add_flag("--per-layer", per_layer,
                   "compare every intermediate value too and name the first node whose output diverges; --data "
                   "holds outputs of the model `aotc expose` writes (its outputs, then every intermediate)");
  options.import.warn = verify_compile.import.warn = warn;

  CLI::App *expose =
      app.add_subcommand("expose", "write the model with every intermediate value added as a graph output, for "
                                   "per-layer reference data from another runtime (see verify --per-layer)");
  std::string expose_model, expose_output;
  expose->add_option("model", expose_model, "ONNX model file")->required();
  expose->add_option("-o,--output", expose_output, "the .onnx file to write")->required();

  CLI::App *run = app.add_subcommand(
      "run", "compile for this machine through LLVM and run the model once in this process (no C compiler): "
             "print the outputs, or write them as .npy");
  std::string run_model_path, run_output;
  std::vector<std::string> run_inputs, run_shapes, run_consts;
  CompileOptions run_compile;
  run->add_option("model", run_model_path, "ONNX model file")->required();
  run->add_option("--input", run_inputs, "NAME=x.npy (or a TensorProto .pb): an input (repeatable)")->required();
  run->add_option("-o,--output", run_output,
                  "FILE.npy for a model with one output, or a directory for output_K.npy (default: print them)");
  run->add_option("--input-shape", run_shapes, "NAME=d0,d1,...: shape for an input with unknown dims");
  run->add_option("--const-input", run_consts, "NAME=FILE: compile graph input NAME as this constant");
  run->add_flag("--allow-newer-opset", run_compile.import.allow_newer_opset,
                "compile a model that imports a newer opset than aotc knows, as the newest it knows (warns)");
  run_compile.import.warn = warn;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  options.io = io == "separate" ? IoMode::Separate : IoMode::Arena;
  verify_compile.io = verify_io == "separate" ? IoMode::Separate : IoMode::Arena;
  options.weights = weights == "bin" ? WeightsFormat::Bin : WeightsFormat::C;
  verify_compile.weights = verify_weights == "bin" ? WeightsFormat::Bin : WeightsFormat::C;
  options.backend = backend == "llvm" ? Backend::Llvm : Backend::C;
  verify_compile.backend = verify_jit ? Backend::LlvmJit : verify_backend == "llvm" ? Backend::Llvm : Backend::C;

  try {
    if (list_ops) {
      for (const OpDef *op : all_ops())  // internal ops (made by passes) are not for models
        if (op->domain != kInternalDomain) fmt::print("{}{}\n", op->domain.empty() ? "" : op->domain + ".", op->op);
      return 0;
    }
    if (list_targets) {
      for (const Target &t : all_targets())
        fmt::print("{:<12} {}\n{:<12} {}\n{}", t.name, t.summary, "", target_features(t),
                   t.cflags.empty() ? "" : fmt::format("{:<12} {}\n", "", t.cflags));
      return 0;
    }
    if (list_passes) {
      for (const PipelineStep &step : graph_pipeline()) {
        // A fixed-point group is a header line with its passes indented below.
        if (step.group)
          fmt::print("{:<24} {}\n", step.group,
                     fmt::format("repeat the passes below until none changes the graph (at most {} rounds)",
                                 kMaxFixedPointRounds));
        for (const GraphPass &pass : step.passes)
          fmt::print("{:<24} {}\n", (step.group ? "  " : "") + std::string(pass.name), pass.what);
      }
      fmt::print("{:<24} {}\n{:<24} {}\n{:<24} {}\n{:<24} {}\n", "lower", "lower every node to runtime-c kernel calls",
                 "schedule-steps", "reorder independent branches where that plans a smaller arena", "plan-memory", "place intermediates (and, unless --io separate, inputs and outputs) in one arena by liveness", "check-plan",
                 "check the memory plan independently: no live buffers overlap, each inside its storage");
      return 0;
    }
    if (options.backend != Backend::Llvm &&
        !(options.llvm.triple.empty() && options.llvm.cpu.empty() && options.llvm.features.empty() &&
          options.llvm.defines.empty() && options.llvm.opt_level == "3"))
      fail("--triple, --cpu, --features, --opt-level and --define are for the LLVM backend: use them with --backend "
           "llvm");
    if (options.backend == Backend::Llvm && options.weights == WeightsFormat::Bin)
      fail("--weights bin is for the C backend: --backend llvm puts the weights into NAME.o");
    if (verify_compile.backend != Backend::C && verify_compile.weights == WeightsFormat::Bin)
      fail("--weights bin is for the C backend: the LLVM backend puts the weights into the object");
    if (*info) return run_info(info_model, info_target);
    if (*expose) {
      size_t added = expose_intermediates(expose_model, expose_output);
      print_out("aotc: wrote {}: {} intermediate values added as outputs\n", expose_output, added);
      return 0;
    }
    if (*run) {
      run_compile.backend = Backend::LlvmJit;
      for (auto &spec : run_shapes) parse_input_shape(spec, run_compile.import);
      for (auto &spec : run_consts) {
        auto [name, file] = parse_named_file(spec, "--const-input");
        run_compile.import.constant_inputs[name] = load_tensor_file(file);
      }
      std::vector<std::pair<std::string, Tensor>> inputs;
      for (auto &spec : run_inputs) {
        auto [name, file] = parse_named_file(spec, "--input");
        inputs.emplace_back(name, load_tensor_file(file));
      }
      Compilation c = compile_model(run_model_path, run_compile);
      std::vector<Tensor> outputs = run_model(c, inputs);
      const std::vector<std::string> &names = c.graph->output_names;
      bool one_file = run_output.size() > 4 && run_output.compare(run_output.size() - 4, 4, ".npy") == 0;
      if (one_file && outputs.size() != 1)
        fail(fmt::format("-o {}: the model has {} outputs; give a directory for output_K.npy", run_output,
                         outputs.size()));
      if (one_file) {
        write_file_atomically(run_output, npy_file_bytes(outputs[0]));
        print_out("aotc: wrote {} ('{}')\n", run_output, names[0]);
      } else if (!run_output.empty()) {
        std::map<std::string, std::string> files;
        for (size_t k = 0; k < outputs.size(); ++k) files[fmt::format("output_{}.npy", k)] = npy_file_bytes(outputs[k]);
        write_output_dir(run_output, files);
        for (size_t k = 0; k < outputs.size(); ++k)
          print_out("aotc: wrote {}/output_{}.npy ('{}')\n", run_output, k, names[k]);
      } else {
        for (size_t k = 0; k < outputs.size(); ++k) print_out("{}\n", describe_values(names[k], outputs[k]));
      }
      return 0;
    }
    if (*verify) {
      for (auto &s : verify_shapes) parse_input_shape(s, verify_compile.import);
      for (auto &spec : verify_consts) {
        auto [name, file] = parse_named_file(spec, "--const-input");
        verify_compile.import.constant_inputs[name] = load_tensor_file(file);
        vopts.frozen_inputs.insert(name);
      }
      std::vector<TestData> data;
      for (auto &dir : data_dirs) data.push_back(load_test_data_dir(dir));
      if (!npy_inputs.empty() || !npy_expected.empty()) {
        TestData d;
        for (auto &spec : npy_inputs) {
          auto [name, file] = parse_named_file(spec, "--input");
          d.inputs.emplace_back(name, load_npy(file));
        }
        for (auto &spec : npy_expected) {
          auto [name, file] = parse_named_file(spec, "--expected");
          d.outputs.emplace_back(name, load_npy(file));
        }
        data.push_back(std::move(d));
      }
      if (data.empty()) fail("verify needs test data: --data DIR, or --input NAME=x.npy and --expected NAME=y.npy");
      if (per_layer)
        return report_per_layer(verify_model_path, verify_per_layer(verify_model_path, verify_compile, data, vopts),
                                vopts);
      Compilation c = compile_model(verify_model_path, verify_compile);
      VerifyResult r = verify_model(c, data, vopts);
      for (auto &o : r.outputs) print_comparison("output", o);
      print_out("{}: {}\n", verify_model_path, r.ok ? "PASS" : "FAIL");
      return r.ok ? 0 : 1;
    }
    if (model.empty()) {
      std::cerr << app.help();
      return 2;
    }
    for (auto &s : input_shapes) parse_input_shape(s, options.import);
    for (auto &spec : const_inputs) {
      auto [name, file] = parse_named_file(spec, "--const-input");
      options.import.constant_inputs[name] = load_tensor_file(file);
    }
    if (options.report && emit != "c")
      fail("--report describes the generated C: use it without --emit " + emit);
    if (emit == "dot") {
      if (!out_dir.empty() && !is_valid_c_name(options.name))  // it names the file
        fail(fmt::format("--name '{}' is not a valid C identifier (letters, digits, '_', not starting with a digit)",
                         options.name));
      std::string dot = emit_dot(*load_and_optimize(model, options), options.name);
      if (out_dir.empty())
        fmt::print("{}", dot);
      else
        write_output_dir(out_dir, {{options.name + ".dot", dot}});
      return 0;
    }
    if (emit == "ir-imported") {
      fmt::print("{}", print_graph(*import_onnx(model, options.import)));
      return 0;
    }
    if (emit == "ir") {
      fmt::print("{}", print_graph(*load_and_optimize(model, options)));
      return 0;
    }
    if (out_dir.empty()) fail("no output directory: use -o OUTDIR (or --emit ir to print the IR)");
    Compilation c = compile_model(model, options);
    write_output_dir(out_dir, c.files);
    std::string written =
        c.llvm_object ? fmt::format("{}.o, {}.h, aotc.h (LLVM: {}, cpu {})", options.name, options.name,
                                    c.llvm_object->triple, c.llvm_object->cpu.empty() ? "default" : c.llvm_object->cpu)
                      : fmt::format("{}.c, {}.h, aotc.h{}", options.name, options.name,
                                    options.weights == WeightsFormat::Bin ? ", " + weights_bin_file(options.name) : "");
    print_out("aotc: wrote {}/{}: {} kernel calls; arena {} bytes{} (live-peak lower bound {}, all buffers {})\n",
              out_dir, written, c.program.steps.size(), c.program.scratch_size,
              options.io == IoMode::Arena ? ", inputs and outputs included" : " of scratch, inputs and outputs separate",
              c.program.live_peak_bytes, c.program.intermediate_bytes_total);
    if (c.report) print_out("aotc: wrote {}/report.json, memory.svg:\n{}", out_dir, report_summary(*c.report));
    return 0;
  } catch (const Error &e) {
    print_err(fmt::format("aotc: error: {}", e.what()));
    return *verify ? 2 : 1;
  } catch (const std::exception &e) {
    print_err(fmt::format("aotc: internal error: {}", e.what()));
    return 3;
  }
}
