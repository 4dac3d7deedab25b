// Runs ONNX's backend node tests (model.onnx + test_data_set_N) through aotc:
// compile to C, build with the host C compiler, run, compare with ONNX's
// expected outputs (--backend llvm: NAME.o linked by the C compiler; --backend
// jit: run in-process through LLVM's ORC JIT, no C compiler). Prints
// pass/fail/unsupported totals and a per-op table, and fails if any test in
// the expected-pass list no longer passes.
//
//   aotc_conformance --root ../shared/onnx-backend-node --expected expected_pass.txt [--jobs 2]
//                    [--filter REGEX] [--backend c|llvm|jit] [--update] [--verbose]
//
// Exit: 0 ok, 1 regression, 77 skipped (root absent: CTest's SKIP_RETURN_CODE).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "compiler/driver.h"

using namespace aotc;
namespace fs = std::filesystem;

namespace {

enum class Outcome { Pass, Fail, Unsupported };

struct TestResult {
  std::string name;
  Outcome outcome = Outcome::Fail;
  std::vector<std::string> frozen;  ///< inputs compiled in as constants (--const-input)
  std::string reason;
  std::vector<std::string> ops;
};

TestResult run_test(const fs::path &dir, const VerifyOptions &vopts, const std::string &target, Backend backend) {
  TestResult r;
  r.name = dir.filename().string();
  std::string model = (dir / "model.onnx").string();
  try {
    ModelInfo info = read_model_info(model);
    for (auto &[op, count] : info.op_histogram) r.ops.push_back(op);
    if (!info.unsupported_ops.empty()) {
      r.outcome = Outcome::Unsupported;
      r.reason = "unsupported: " + fmt::format("{}", fmt::join(info.unsupported_ops, ","));
      return r;
    }
    std::vector<TestData> data;
    std::vector<fs::path> sets;
    for (auto &entry : fs::directory_iterator(dir))
      if (entry.is_directory() && entry.path().filename().string().rfind("test_data_set_", 0) == 0)
        sets.push_back(entry.path());
    std::sort(sets.begin(), sets.end());
    for (auto &s : sets) data.push_back(load_test_data_dir(s.string()));
    // aotc needs static shapes. Tests that feed shape-like values (Reshape's
    // shape, Slice's starts, ...) as graph inputs are compiled per data set
    // with those inputs frozen to the set's values, as a user would with
    // --const-input; the summary counts them separately.
    VerifyResult v;
    v.ok = true;
    for (size_t set = 0; set < data.size(); ++set) {
      CompileOptions options;
      options.target = target;
      options.backend = backend;
      VerifyOptions set_opts = vopts;
      for (int attempt = 0;; ++attempt) {
        try {
          Compilation c = compile_model(model, options);
          VerifyResult one = verify_model(c, {data[set]}, set_opts);
          v.ok = v.ok && one.ok;
          for (auto &o : one.outputs) v.outputs.push_back(o);
          break;
        } catch (const NeedsConstantError &e) {
          if (attempt > 8) throw;
          auto input = std::find_if(data[set].inputs.begin(), data[set].inputs.end(),
                                    [&](auto &named) { return named.first == e.value_name(); });
          if (input != data[set].inputs.end()) {
            options.import.constant_inputs[input->first] = input->second;
            set_opts.frozen_inputs.insert(input->first);
            continue;
          }
          // The value is computed from graph inputs: freeze the integer ones (sizes, axes, ...).
          size_t before = set_opts.frozen_inputs.size();
          for (auto &[name, tensor] : data[set].inputs)
            if (is_integer(tensor.dtype) && !name.empty()) {
              options.import.constant_inputs[name] = tensor;
              set_opts.frozen_inputs.insert(name);
            }
          if (set_opts.frozen_inputs.size() == before) throw;
        }
      }
      if (set == 0) r.frozen.assign(set_opts.frozen_inputs.begin(), set_opts.frozen_inputs.end());
    }
    r.outcome = v.ok ? Outcome::Pass : Outcome::Fail;
    for (auto &o : v.outputs)
      if (!o.ok)
        r.reason += fmt::format("output '{}' mismatch (max abs {:.3g}){} ", o.name, o.max_abs_error,
                                o.problem.empty() ? "" : " " + o.problem);
  } catch (const std::exception &e) {
    r.outcome = Outcome::Fail;
    r.reason = e.what();
    if (r.reason.size() > 300) r.reason = r.reason.substr(0, 300) + "...";
    std::replace(r.reason.begin(), r.reason.end(), '\n', ' ');
  }
  return r;
}

std::set<std::string> read_list(const std::string &path) {
  std::set<std::string> names;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (!line.empty() && line[0] != '#') names.insert(line);
  }
  return names;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{"Run ONNX backend node tests through aotc"};
  std::string root = "../shared/onnx-backend-node", expected_path, filter = ".*", target = "host", backend = "c";
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  bool update = false, verbose = false;
  VerifyOptions vopts;
  vopts.rtol = 1e-3;  // ONNX's backend test defaults
  vopts.atol = 1e-7;
  vopts.cflags = "-std=c99 -O1";
  vopts.reuse_runner_object = true;  // ~1,800 models, one harness
  app.add_option("--root", root, "directory of test_* dirs");
  app.add_option("--expected", expected_path, "expected-pass list (one test name per line)");
  app.add_option("--jobs", jobs, "parallel tests");
  app.add_option("--filter", filter, "only tests matching this regex");
  app.add_option("--target", target, "aotc --target for every test (default host); the C runs on this machine");
  app.add_option("--backend", backend, "c (default), llvm (NAME.o linked by --cc) or jit (in-process, no C compiler)")
      ->check(CLI::IsMember({"c", "llvm", "jit"}));
  app.add_option("--cc", vopts.cc, "C compiler");
  app.add_option("--cflags", vopts.cflags, "C flags for generated code (e.g. add -fsanitize=address,undefined)");
  app.add_flag("--update", update, "update the expected-pass list: the tests this run selected are listed iff they pass; others are kept");
  app.add_flag("--verbose", verbose, "print every test's outcome");
  CLI11_PARSE(app, argc, argv);
  Backend backend_kind = backend == "jit" ? Backend::LlvmJit : backend == "llvm" ? Backend::Llvm : Backend::C;
  // The list records what the C backend passes; the LLVM backends are checked against it, not allowed to rewrite it.
  if (update && backend_kind != Backend::C) {
    fmt::print(stderr, "--update records the C backend's results: drop --backend {}\n", backend);
    return 2;
  }
  if (backend_kind != Backend::C && !llvm_backend_available()) {
    fmt::print("SKIPPED: this aotc was built without the LLVM backend (-DAOTC_WITH_LLVM=OFF)\n");
    return 77;
  }

  if (!fs::is_directory(root)) {
    fmt::print("SKIPPED: ONNX backend node tests not found at '{}'; conformance was NOT run\n", root);
    return 77;
  }
  std::regex pattern(filter);
  std::vector<fs::path> dirs;
  for (auto &entry : fs::directory_iterator(root))
    if (entry.is_directory() && fs::exists(entry.path() / "model.onnx") &&
        std::regex_search(entry.path().filename().string(), pattern))
      dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());

  std::vector<TestResult> results(dirs.size());
  std::atomic<size_t> next{0};
  std::mutex print_mutex;
  std::vector<std::thread> workers;
  for (unsigned j = 0; j < jobs; ++j)
    workers.emplace_back([&] {
      for (size_t i; (i = next++) < dirs.size();) {
        results[i] = run_test(dirs[i], vopts, target, backend_kind);
        if (verbose) {
          std::lock_guard<std::mutex> lock(print_mutex);
          const char *tag = results[i].outcome == Outcome::Pass ? "pass" : results[i].outcome == Outcome::Fail ? "FAIL" : "unsupported";
          fmt::print("{:<12} {} {}\n", tag, results[i].name, results[i].reason);
        }
      }
    });
  for (auto &w : workers) w.join();

  // Per-op table: a test counts for every op its model uses.
  struct Counts {
    int pass = 0, fail = 0, unsupported = 0;
  };
  std::map<std::string, Counts> per_op;
  Counts total;
  for (auto &r : results) {
    Counts &t = total;
    (r.outcome == Outcome::Pass ? t.pass : r.outcome == Outcome::Fail ? t.fail : t.unsupported)++;
    for (auto &op : r.ops) {
      Counts &c = per_op[op];
      (r.outcome == Outcome::Pass ? c.pass : r.outcome == Outcome::Fail ? c.fail : c.unsupported)++;
    }
  }
  fmt::print("\n{:<28} {:>6} {:>6} {:>12}\n", "op", "pass", "fail", "unsupported");
  for (auto &[op, c] : per_op) fmt::print("{:<28} {:>6} {:>6} {:>12}\n", op, c.pass, c.fail, c.unsupported);

  fmt::print("\nfailures:\n");
  for (auto &r : results)
    if (r.outcome == Outcome::Fail) fmt::print("  {}: {}\n", r.name, r.reason);

  int status = 0;
  if (!expected_path.empty()) {
    std::set<std::string> expected = read_list(expected_path);
    std::vector<std::string> regressions, fresh;
    for (auto &r : results) {
      bool listed = expected.count(r.name) > 0;
      if (listed && r.outcome != Outcome::Pass) regressions.push_back(r.name + " (" + r.reason + ")");
      if (!listed && r.outcome == Outcome::Pass) fresh.push_back(r.name);
    }
    if (update) {
      // Merge: tests this run did not select (--filter) keep their entries;
      // the ones it ran are listed exactly when they passed.
      std::set<std::string> merged = expected;
      for (auto &r : results) {
        if (r.outcome == Outcome::Pass) merged.insert(r.name);
        else merged.erase(r.name);
      }
      std::ofstream out(expected_path);
      out << "# ONNX backend node tests that aotc passes; tests/conformance fails if one stops passing.\n"
             "# Update with: aotc_conformance --root ../shared/onnx-backend-node --expected THIS --update [--filter RE]\n";
      for (auto &name : merged) out << name << "\n";
      fmt::print("\nwrote {} names to {} ({} newly passing, {} dropped)\n", merged.size(), expected_path, fresh.size(),
                 regressions.size());
    } else {
      if (!fresh.empty())
        fmt::print("\nnewly passing (not yet in {}; add with --update): {}\n", expected_path, fmt::join(fresh, " "));
      if (!regressions.empty()) {
        fmt::print("\nREGRESSIONS ({} expected-pass tests no longer pass):\n  {}\n", regressions.size(),
                   fmt::join(regressions, "\n  "));
        status = 1;
      }
      fmt::print("\nexpected-pass list: {} tests\n", expected.size());
    }
  }
  int frozen_passes = 0;
  for (auto &r : results) frozen_passes += r.outcome == Outcome::Pass && !r.frozen.empty();
  fmt::print("\n{} of the passing tests feed shape-like values as graph inputs; they ran with those inputs\n"
             "compiled in as constants (--const-input)\n", frozen_passes);
  fmt::print("\nconformance ({} backend): {} passed, {} failed, {} unsupported, {} total\n", backend, total.pass,
             total.fail, total.unsupported, results.size());
  return status;
}
