#include "compiler/driver.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include "codegen/emit_c.h"
#include "passes/pipeline.h"

namespace aotc {

namespace fs = std::filesystem;

namespace {

// Prefixes an error with the model path unless it already names it.
template <typename F>
auto with_file_context(const std::string &path, F &&f) -> decltype(f()) {
  try {
    return f();
  } catch (const NeedsConstantError &e) {
    std::string msg = e.what();
    if (msg.rfind(path, 0) == 0) throw;
    throw NeedsConstantError(path + ": " + msg, e.value_name());
  } catch (const Error &e) {
    std::string msg = e.what();
    if (msg.rfind(path, 0) == 0) throw;
    throw Error(path + ": " + msg);
  }
}

std::string make_temp_dir(const std::string &parent, const std::string &stem) {
  std::string pattern = (fs::path(parent) / (stem + ".tmp-XXXXXX")).string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) fail(fmt::format("cannot create a directory in '{}': {}", parent, std::strerror(errno)));
  return buf.data();
}

void write_file(const fs::path &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) fail(fmt::format("cannot write '{}': {}", path.string(), std::strerror(errno)));
}

std::string read_binary(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string shell_quote(const std::string &s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// verify --per-layer: each named value becomes a graph output before the
// passes run. A pass must keep every graph output's value (that is what makes
// plain compiles correct), so a fusion that would hide one -- Conv+Relu into
// one kernel, Conv+BatchNormalization into new weights, whose fused result
// lives in the Conv's output value -- does not happen there, and every
// exposed value holds exactly its ONNX meaning when the C copies it out.
void expose_as_outputs(Graph &graph, const std::vector<std::string> &names) {
  for (const std::string &name : names) {
    Value *v = graph.find_value(name);
    if (v && v->kind != Value::Kind::Input && !v->is_graph_output()) graph.add_output(v, name);
  }
}

}  // namespace

Target compile_target(const CompileOptions &options) {
  Target target = find_target(options.target);
  if (options.max_scratch) target.max_conv_scratch_bytes = *options.max_scratch;
  if (options.l2_cache) target.l2_bytes = *options.l2_cache;
  return target;
}

std::unique_ptr<Graph> load_and_optimize(const std::string &model_path, const CompileOptions &options,
                                         const PipelineObserver &after_step, PatchStats *patch_stats) {
  const Target target = compile_target(options);
  return with_file_context(model_path, [&] {
    std::unique_ptr<Graph> graph = import_onnx(model_path, options.import);
    PipelineOptions pipeline;
    pipeline.patch_tiles = options.patch_tiles;
    pipeline.patch_stats = patch_stats;
    pipeline.input_in_arena = options.io == IoMode::Arena;
    expose_as_outputs(*graph, options.expose_values);
    run_graph_pipeline(*graph, target, after_step, pipeline);
    return graph;
  });
}

Compilation compile_model(const std::string &model_path, const CompileOptions &options) {
  const Target target = compile_target(options);  // an unknown --target is an error before any work
  Compilation c;
  // The naive peak is the graph's as imported with static shapes and constants
  // folded, before any fusion: what a compiler without aotc's passes would run.
  NaivePeak naive;
  PipelineObserver measure_naive = [&](const std::string &step, const Graph &graph) {
    if (step == "infer-shapes-and-fold") naive = naive_peak(graph);
  };
  PatchStats patch;
  c.graph = load_and_optimize(model_path, options, options.report ? measure_naive : nullptr, &patch);
  if (options.patch_tiles) c.patch = patch;
  with_file_context(model_path, [&] {
    c.program = lower_and_plan(*c.graph, arena_alignment(target), target, options.io);
    if (options.patch_tiles) {
      // Tiles trade MACs for RAM; where they save none (a net whose layers
      // are all about as large, e.g. KWS DS-CNN), the untiled plan is kept.
      CompileOptions untiled = options;
      untiled.patch_tiles = 0;
      untiled.import.warn = nullptr;  // (said once already)
      std::unique_ptr<Graph> graph = load_and_optimize(model_path, untiled);
      Program program = lower_and_plan(*graph, arena_alignment(target), target, options.io);
      if (program.scratch_size <= c.program.scratch_size) {
        if (options.import.warn)
          options.import.warn(fmt::format("--patch {}: tiles would not lower the arena ({} bytes, {} without them); "
                                          "compiled without them",
                                          options.patch_tiles, c.program.scratch_size, program.scratch_size));
        c.graph = std::move(graph);
        c.program = std::move(program);
        c.patch.reset();
      }
    }
    EmitOptions emit;
    emit.name = options.name;
    emit.source_file = fs::path(model_path).filename().string();
    emit.weights_section = options.weights_section;
    emit.arena_section = options.arena_section;
    emit.weights = options.weights;
    bool llvm = options.backend != Backend::C;
    if (llvm) emit.weights = WeightsFormat::Extern;  // the backend defines them (codegen/llvm)
    EmitStats emitted;
    c.files = emit_c(c.program, emit, &emitted);
    if (llvm) {
      LlvmInput in;
      in.name = options.name;
      in.files = c.files;
      in.weights_section = options.weights_section;
      for (size_t i = 0; i < c.program.constants.size(); ++i) {
        const std::vector<uint8_t> &bytes = c.program.constants[i]->constant->bytes;
        in.weights.emplace_back(emitted.constant_symbols.at(i), std::string(bytes.begin(), bytes.end()));
      }
      c.files.erase(options.name + ".c");  // it needs the backend's weights: not a source of its own
      if (options.backend == Backend::Llvm) {
        LlvmObjectInfo info;
        c.files[options.name + ".o"] = llvm_compile_object(in, target, options.llvm, &info);
        c.llvm_object = info;
      }
      c.llvm_input = std::move(in);
    }
    if (options.report) {
      // Written with the C files, so the output directory is complete or absent.
      c.report = make_report(c.program, {emit.source_file, options.name, naive, emitted, c.patch});
      c.files["report.json"] = report_json(*c.report);
      c.files["memory.svg"] = memory_svg(*c.report);
    }
  });
  return c;
}

void write_file_atomically(const std::string &path, const std::string &bytes) {
  fs::path target = fs::absolute(path).lexically_normal();
  std::string tmp = make_temp_dir(target.parent_path().string(), target.filename().string());
  std::error_code ec;
  try {
    write_file(fs::path(tmp) / "data", bytes);
    fs::rename(fs::path(tmp) / "data", target, ec);
    if (ec) fail(fmt::format("cannot write '{}': {}", path, ec.message()));
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::remove_all(tmp, ec);
}

void write_output_dir(const std::string &dir, const std::map<std::string, std::string> &files) {
  fs::path target = fs::absolute(dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  std::error_code ec;
  if (fs::exists(target, ec) && !fs::is_directory(target, ec))
    fail(fmt::format("output '{}' exists and is not a directory", dir));
  fs::path parent = target.parent_path();
  fs::create_directories(parent, ec);
  if (ec) fail(fmt::format("cannot create output directory '{}': {}", parent.string(), ec.message()));
  std::string tmp;
  try {
    tmp = make_temp_dir(parent.string(), target.filename().string());
  } catch (const Error &e) {
    fail(fmt::format("cannot write output directory '{}': {}", dir, e.what()));
  }
  try {
    for (auto &[name, text] : files) write_file(fs::path(tmp) / name, text);
    if (!fs::exists(target)) {
      fs::rename(tmp, target, ec);  // atomic: the directory appears complete
      if (ec) fail(fmt::format("cannot create output directory '{}': {}", dir, ec.message()));
      return;
    }
    // The directory exists (it may hold other files): move each file in atomically.
    for (auto &[name, text] : files) {
      fs::rename(fs::path(tmp) / name, target / name, ec);
      if (ec) fail(fmt::format("cannot write '{}': {}", (target / name).string(), ec.message()));
    }
    fs::remove_all(tmp, ec);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

TestData load_test_data_dir(const std::string &dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail(fmt::format("{}: not a test data directory", dir));
  TestData data;
  for (int k = 0;; ++k) {
    fs::path p = fs::path(dir) / fmt::format("input_{}.pb", k);
    if (!fs::exists(p)) break;
    std::string name;
    Tensor t = load_tensor_proto(p.string(), &name);
    data.inputs.emplace_back(name, std::move(t));
  }
  for (int k = 0;; ++k) {
    fs::path p = fs::path(dir) / fmt::format("output_{}.pb", k);
    if (!fs::exists(p)) break;
    std::string name;
    Tensor t = load_tensor_proto(p.string(), &name);
    data.outputs.emplace_back(name, std::move(t));
  }
  if (data.outputs.empty()) fail(fmt::format("{}: no output_0.pb found", dir));
  return data;
}

OutputComparison compare_tensors(const std::string &name, const Tensor &actual, const Tensor &expected, double rtol,
                                 double atol) {
  OutputComparison c;
  c.name = name;
  if (actual.dtype != expected.dtype) {
    c.problem = fmt::format("dtype {} but expected {}", dtype_name(actual.dtype), dtype_name(expected.dtype));
    return c;
  }
  if (actual.shape != expected.shape) {
    c.problem = fmt::format("shape {} but expected {}", shape_str(actual.shape), shape_str(expected.shape));
    return c;
  }
  c.ok = true;
  // Floats (including float8/float4 bit patterns) compare decoded values within
  // tolerance, NaN matching NaN; everything else compares exactly.
  bool exact = !is_float(actual.dtype) && !is_minifloat(actual.dtype);
  for (int64_t i = 0; i < actual.count(); ++i) {
    double a = exact ? static_cast<double>(actual.int_at(i)) : actual.double_at(i);
    double e = exact ? static_cast<double>(expected.int_at(i)) : expected.double_at(i);
    if (exact && actual.dtype == DType::UInt64) {
      a = static_cast<double>(actual.data<uint64_t>()[i]);
      e = static_cast<double>(expected.data<uint64_t>()[i]);
    }
    if (std::isnan(e) || std::isnan(a)) {
      if (std::isnan(e) != std::isnan(a)) c.ok = false, c.problem = "NaN mismatch";
      continue;
    }
    if (std::isinf(e) || std::isinf(a)) {
      if (a != e) c.ok = false, c.problem = "infinity mismatch";
      continue;
    }
    double abs_err = std::fabs(a - e);
    double rel_err = abs_err / std::max(std::fabs(e), 1e-30);
    c.max_abs_error = std::max(c.max_abs_error, abs_err);
    if (e != 0) c.max_rel_error = std::max(c.max_rel_error, rel_err);
    if (exact ? a != e : abs_err > atol + rtol * std::fabs(e)) c.ok = false;
  }
  return c;
}

namespace {

/// Runs a compiled model on one set of inputs (graph order, raw bytes) and
/// returns its outputs' bytes.
class ModelRunner {
 public:
  virtual ~ModelRunner() = default;
  virtual std::vector<std::string> run(const std::vector<std::string> &inputs) = 0;
};

// The runner harness compiled with one cc, cflags and model name, shared by
// every ProcessRunner of this process that asks for it; the objects live in
// one temporary directory removed at exit.
class RunnerObjects {
 public:
  static std::string get(const std::string &cc, const std::string &cflags, const std::string &name) {
    static RunnerObjects cache;
    std::lock_guard<std::mutex> lock(cache.mutex_);
    std::string key = cc + '\n' + cflags + '\n' + name;
    auto it = cache.objects_.find(key);
    if (it != cache.objects_.end()) return it->second;
    if (cache.dir_.empty()) cache.dir_ = make_temp_dir(fs::temp_directory_path().string(), "aotc-runners");
    fs::path dir = fs::path(cache.dir_) / std::to_string(cache.objects_.size());
    fs::create_directories(dir);
    write_file(dir / "aotc.h", runtime_source("aotc.h"));
    write_file(dir / "aotc_runner.c", runtime_source("aotc_runner.c"));
    std::string object = (dir / "aotc_runner.o").string(), log = (dir / "build.log").string();
    std::string cmd = fmt::format("{} {} -DAOTC_RUNNER_MODEL={}_model -I{} -c {} -o {} > {} 2>&1", cc, cflags, name,
                                  shell_quote(dir.string()), shell_quote((dir / "aotc_runner.c").string()),
                                  shell_quote(object), shell_quote(log));
    if (std::system(cmd.c_str()) != 0)
      fail(fmt::format("the runner harness failed to compile with '{}':\n{}", cc, read_binary(log)));
    return cache.objects_[key] = object;
  }

 private:
  ~RunnerObjects() {
    std::error_code e;
    if (!dir_.empty()) fs::remove_all(dir_, e);
  }
  std::mutex mutex_;
  std::string dir_;
  std::map<std::string, std::string> objects_;
};

// The generated code built with the host C compiler into a program
// (aotc_runner.c) that reads and writes the tensors as files: NAME.c, or the
// LLVM backend's NAME.o.
class ProcessRunner : public ModelRunner {
 public:
  ProcessRunner(const Compilation &compilation, const VerifyOptions &options) {
    std::string name = compilation.llvm_input ? compilation.llvm_input->name : "";
    for (auto &[file, text] : compilation.files)
      if (file.size() > 2 && file.compare(file.size() - 2, 2, ".c") == 0) name = file.substr(0, file.size() - 2);
    outputs_ = compilation.graph->outputs.size();
    std::error_code ec;
    work_ = options.work_dir;
    if (work_.empty()) work_ = make_temp_dir(fs::temp_directory_path().string(), "aotc-verify");
    fs::create_directories(work_, ec);
    keep_ = options.keep || !options.work_dir.empty();

    for (auto &[file, text] : compilation.files) write_file(fs::path(work_) / file, text);
    std::string runner = options.reuse_runner_object ? RunnerObjects::get(options.cc, options.cflags, name)
                                                     : (fs::path(work_) / "aotc_runner.c").string();
    if (!options.reuse_runner_object) write_file(runner, runtime_source("aotc_runner.c"));
    exe_ = (fs::path(work_) / "runner").string();
    fs::path log = fs::path(work_) / "build.log";
    bool object = compilation.files.count(name + ".o") > 0;
    std::string model_file = (fs::path(work_) / (name + (object ? ".o" : ".c"))).string();
    std::string cmd = fmt::format("{} {} -DAOTC_RUNNER_MODEL={}_model -I{} {} {} -o {} -lm > {} 2>&1", options.cc,
                                  options.cflags, name, shell_quote(work_), shell_quote(model_file),
                                  shell_quote(runner), shell_quote(exe_), shell_quote(log.string()));
    if (std::system(cmd.c_str()) != 0)
      fail(fmt::format("the generated {} failed to {} with '{}':\n{}", object ? "object" : "C",
                       object ? "link" : "compile", options.cc, read_binary(log)));
  }
  ~ProcessRunner() override {
    std::error_code e;
    if (!keep_) fs::remove_all(work_, e);
  }

  std::vector<std::string> run(const std::vector<std::string> &inputs) override {
    std::vector<std::string> args;
    for (size_t i = 0; i < inputs.size(); ++i) {
      fs::path p = fs::path(work_) / fmt::format("in{}_{}.bin", runs_, i);
      write_file(p, inputs[i]);
      args.push_back(shell_quote(p.string()));
    }
    args.push_back("--");
    std::vector<fs::path> outs;
    for (size_t k = 0; k < outputs_; ++k) {
      outs.push_back(fs::path(work_) / fmt::format("out{}_{}.bin", runs_, k));
      args.push_back(shell_quote(outs.back().string()));
    }
    ++runs_;
    fs::path run_log = fs::path(work_) / "run.log";
    std::string run = fmt::format("{} {} > {} 2>&1", shell_quote(exe_), fmt::join(args, " "),
                                  shell_quote(run_log.string()));
    if (std::system(run.c_str()) != 0) fail(fmt::format("the generated model failed to run:\n{}", read_binary(run_log)));
    std::vector<std::string> result;
    for (const fs::path &p : outs) result.push_back(read_binary(p));
    return result;
  }

 private:
  std::string work_, exe_;
  bool keep_ = false;
  size_t outputs_ = 0, runs_ = 0;
};

class JitRunner : public ModelRunner {
 public:
  JitRunner(const Compilation &compilation) {
    const Target &target = compilation.program.target ? *compilation.program.target : find_target("host");
    jit_ = JitModel::create(*compilation.llvm_input, target);
  }
  std::vector<std::string> run(const std::vector<std::string> &inputs) override { return jit_->run(inputs); }

 private:
  std::unique_ptr<JitModel> jit_;
};

// The test data's inputs in the graph's order, as bytes: matched by name when
// the data has names, else by position.
std::vector<std::string> input_bytes(const Graph &graph, const std::vector<std::pair<std::string, Tensor>> &given) {
  if (given.size() != graph.inputs.size())
    fail(fmt::format("{} inputs given, the model has {}", given.size(), graph.inputs.size()));
  std::vector<std::string> inputs;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const Value &in = *graph.inputs[i];
    const Tensor *t = nullptr;
    for (auto &[n, tensor] : given)
      if (n == in.name) t = &tensor;
    if (!t) t = &given[i].second;
    if (t->dtype != in.dtype || t->shape != in.shape)
      fail(fmt::format("input '{}': the data is {}{}, the model expects {}{}", in.name, dtype_name(t->dtype),
                       shape_str(t->shape), dtype_name(in.dtype), shape_str(in.shape)));
    inputs.emplace_back(t->bytes.begin(), t->bytes.end());
  }
  return inputs;
}

}  // namespace

std::vector<Tensor> run_model(const Compilation &compilation, const std::vector<std::pair<std::string, Tensor>> &inputs) {
  if (!compilation.llvm_input || compilation.llvm_object) fail("run_model needs a Backend::LlvmJit compilation");
  const Graph &graph = *compilation.graph;
  std::vector<std::string> bytes = JitRunner(compilation).run(input_bytes(graph, inputs));
  std::vector<Tensor> outputs;
  for (size_t k = 0; k < graph.outputs.size(); ++k) {
    Tensor t = make_tensor(graph.outputs[k]->dtype, graph.outputs[k]->shape);
    if (bytes.at(k).size() != t.bytes.size()) fail("the model wrote an output of the wrong size");
    std::memcpy(t.bytes.data(), bytes[k].data(), bytes[k].size());
    outputs.push_back(std::move(t));
  }
  return outputs;
}

VerifyResult verify_model(const Compilation &compilation, const std::vector<TestData> &data,
                          const VerifyOptions &options) {
  const Graph &graph = *compilation.graph;
  std::unique_ptr<ModelRunner> runner;
  if (compilation.llvm_input && !compilation.llvm_object)
    runner = std::make_unique<JitRunner>(compilation);
  else
    runner = std::make_unique<ProcessRunner>(compilation, options);

  VerifyResult result;
  result.ok = true;
  for (size_t set = 0; set < data.size(); ++set) {
    TestData d = data[set];
    d.inputs.erase(std::remove_if(d.inputs.begin(), d.inputs.end(),
                                  [&](auto &named) { return options.frozen_inputs.count(named.first) > 0; }),
                   d.inputs.end());
    std::vector<std::string> inputs = input_bytes(graph, d.inputs);
    std::vector<std::string> outputs = runner->run(inputs);
    if (d.outputs.size() != graph.outputs.size())
      fail(fmt::format("test data has {} outputs, the model has {}", d.outputs.size(), graph.outputs.size()));
    for (size_t k = 0; k < graph.outputs.size(); ++k) {
      const Value &out = *graph.outputs[k];
      const Tensor *expected = nullptr;
      for (auto &[n, tensor] : d.outputs)
        if (n == graph.output_names[k]) expected = &tensor;
      if (!expected) expected = &d.outputs[k].second;
      Tensor actual = make_tensor(out.dtype, out.shape);
      const std::string &bytes = outputs.at(k);
      if (bytes.size() != actual.bytes.size()) fail("the runner wrote an output of the wrong size");
      if (!bytes.empty()) std::memcpy(actual.bytes.data(), bytes.data(), bytes.size());
      OutputComparison c = compare_tensors(graph.output_names[k], actual, *expected, options.rtol, options.atol);
      result.ok = result.ok && c.ok;
      result.outputs.push_back(std::move(c));
    }
  }
  return result;
}

PerLayerResult verify_per_layer(const std::string &model_path, const CompileOptions &options,
                                std::vector<TestData> data, const VerifyOptions &verify_options) {
  // The exposed model's outputs: the model's own, then its intermediates.
  std::unique_ptr<Graph> imported = with_file_context(model_path, [&] { return import_onnx(model_path, options.import); });
  std::vector<std::string> intermediates = intermediate_value_names(model_path);
  std::vector<std::string> exposed_names = imported->output_names;
  exposed_names.insert(exposed_names.end(), intermediates.begin(), intermediates.end());
  std::set<std::string> exposed(exposed_names.begin(), exposed_names.end());
  for (TestData &d : data) {
    if (d.outputs.size() != exposed_names.size())
      fail(fmt::format("per-layer test data has {} outputs, but the model with its intermediates exposed has {} "
                       "({} outputs, {} intermediates): make the data with the model `aotc expose {}` writes",
                       d.outputs.size(), exposed_names.size(), imported->output_names.size(), intermediates.size(),
                       model_path));
    for (size_t k = 0; k < d.outputs.size(); ++k) {
      std::string &name = d.outputs[k].first;
      if (name.empty()) name = exposed_names[k];  // unnamed data is in the exposed model's output order
      if (!exposed.count(name))
        fail(fmt::format("per-layer test data output {} is '{}', which is neither an output nor an intermediate "
                         "value of {}", k, name, model_path));
    }
  }

  // Exposed: the values nodes compute. Values of ONNX Constant nodes are
  // constants in aotc's graph from import on: nothing to compare.
  std::set<std::string> node_outputs;
  for (const auto &node : imported->nodes)
    for (const Value *out : node->outputs)
      if (out) node_outputs.insert(out->name);
  CompileOptions exposing = options;
  PerLayerResult result;
  for (const std::string &name : intermediates) {
    if (node_outputs.count(name))
      exposing.expose_values.push_back(name);
    else
      result.not_computed.emplace_back(name, "the output of an ONNX Constant node: a constant in aotc");
  }
  Compilation c = compile_model(model_path, exposing);
  const Graph &graph = *c.graph;
  // The expected outputs, in the compiled graph's output order.
  for (TestData &d : data) {
    std::map<std::string, Tensor> by_name(d.outputs.begin(), d.outputs.end());
    d.outputs.clear();
    for (const std::string &name : graph.output_names) {
      auto it = by_name.find(name);
      if (it == by_name.end()) fail(fmt::format("per-layer test data has no tensor named '{}'", name));
      d.outputs.emplace_back(name, it->second);
    }
  }
  VerifyResult run = verify_model(c, data, verify_options);

  // Results per output name, worst over the data sets.
  std::map<std::string, OutputComparison> by_name;
  for (const OutputComparison &r : run.outputs) {
    auto [it, fresh] = by_name.emplace(r.name, r);
    if (fresh) continue;
    OutputComparison &m = it->second;
    m.ok = m.ok && r.ok;
    m.max_abs_error = std::max(m.max_abs_error, r.max_abs_error);
    m.max_rel_error = std::max(m.max_rel_error, r.max_rel_error);
    if (m.problem.empty()) m.problem = r.problem;
  }
  result.ok = run.ok;
  for (const std::string &name : imported->output_names) result.outputs.push_back(by_name.at(name));
  std::set<std::string> intermediate_set(intermediates.begin(), intermediates.end());
  for (const auto &node : imported->nodes)
    for (const Value *out : node->outputs) {
      if (!out || !intermediate_set.count(out->name)) continue;
      auto it = by_name.find(out->name);
      if (it == by_name.end()) {
        result.not_computed.emplace_back(out->name, node->describe() + "'s output: gone after aotc's passes");
        continue;
      }
      if (!it->second.ok && !result.first_divergent) result.first_divergent = result.layers.size();
      result.layers.push_back({node->describe(), it->second});
    }
  return result;
}

}  // namespace aotc
