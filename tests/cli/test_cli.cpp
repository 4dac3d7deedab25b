// Tests of the aotc command line, run as a child process: every bad input
// (broken models from tests/data, garbage and truncated files made here,
// unwritable outputs, bad flags) must end with a non-zero exit status, never
// a signal or a sanitizer report, print one "aotc: error:" message naming the
// file (and node), and leave no output or temporary directory behind. Good
// inputs: --help, --version, info, --list-ops, --emit ir against golden text
// in tests/data/golden (AOTC_UPDATE_GOLDEN=1 rewrites them), compile, verify.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <iterator>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../unit/xml_check.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const std::string kAotc = AOTC_BINARY;
const std::string kData = AOTC_TEST_DATA_DIR;
const std::string kModels = AOTC_MODELS_DIR;
const std::string kWork = AOTC_CLI_WORK_DIR;
// The host target's arena alignment (ir/target.h, arena_alignment): a cache
// line on x86-64, whose AVX-512 vectors straddle two at any coarser one.
#if defined(__x86_64__)
constexpr int kHostArenaAlignment = 64;
#else
constexpr int kHostArenaAlignment = 16;
#endif

std::string data(const std::string &file) { return kData + "/" + file; }

std::string read_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path &p, const std::string &bytes) { std::ofstream(p, std::ios::binary) << bytes; }

struct Result {
  int exit_code = -1;  ///< valid if signal == 0
  int signal = 0;
  std::string out, err;
};

// Runs aotc with `args` (no shell), capturing stdout and stderr; with a
// `path`, that is the child's PATH (e.g. one with no C compiler on it).
Result run_aotc(const std::vector<std::string> &args, const fs::path &dir, const char *path = nullptr) {
  fs::path out_file = dir / "stdout.txt", err_file = dir / "stderr.txt";
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int o = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0) _exit(126);
    dup2(o, 1);
    dup2(e, 2);
    if (path && setenv("PATH", path, 1) != 0) _exit(126);
    std::vector<char *> argv;
    argv.push_back(const_cast<char *>(kAotc.c_str()));
    for (auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    execv(kAotc.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  Result r;
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = read_file(out_file);
  r.err = read_file(err_file);
  fs::remove(out_file);
  fs::remove(err_file);
  return r;
}

// A fresh working directory per test case.
struct Work {
  fs::path dir;
  explicit Work(const std::string &name) {
    dir = fs::path(kWork) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  std::string path(const std::string &name) const { return (dir / name).string(); }
  /// Entries of `where` that look like aotc's temporary output directories.
  static std::vector<std::string> temp_dirs(const fs::path &where) {
    std::vector<std::string> found;
    std::error_code ec;
    for (auto &e : fs::directory_iterator(where, ec))
      if (e.path().filename().string().find(".tmp-") != std::string::npos) found.push_back(e.path().string());
    return found;
  }
};

void check_no_crash(const Result &r) {
  INFO("stderr: " << r.err);
  CHECK(r.signal == 0);
  CHECK(r.exit_code >= 0);
  CHECK(r.exit_code < 126);
  for (const char *report : {"Sanitizer", "runtime error:", "Segmentation", "Aborted", "terminate called"})
    CHECK(r.err.find(report) == std::string::npos);
}

void check_ok(const Result &r) {
  check_no_crash(r);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
}

// A proper user error: non-zero exit, exactly one "aotc: error:" message that
// contains every fragment, nothing on stdout.
void check_user_error(const Result &r, const std::vector<std::string> &fragments) {
  check_no_crash(r);
  INFO("stderr: " << r.err << "stdout: " << r.out);
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, StartsWith("aotc: error: "));
  size_t first = r.err.find("aotc: error");
  CHECK(r.err.find("aotc: error", first + 1) == std::string::npos);
  CHECK(r.err.find("internal error") == std::string::npos);
  CHECK(r.out.empty());
  for (auto &f : fragments) CHECK_THAT(r.err, Contains(f));
}

// Compiling `model` to <work>/out must fail cleanly and leave nothing behind.
void check_compile_fails(const Work &w, const std::string &model, const std::vector<std::string> &fragments,
                         const std::vector<std::string> &extra_args = {}, bool names_model = true) {
  std::vector<std::string> args = {model, "-o", w.path("out")};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  Result r = run_aotc(args, w.dir);
  std::vector<std::string> all = fragments;
  if (names_model) all.push_back(model);
  check_user_error(r, all);
  CHECK_FALSE(fs::exists(w.path("out")));
  CHECK(Work::temp_dirs(w.dir).empty());
}

void check_golden(const std::string &golden_name, const std::string &actual) {
  fs::path golden = fs::path(kData) / "golden" / golden_name;
  const char *update = std::getenv("AOTC_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    write_file(golden, actual);
    WARN("updated " << golden.string());
  }
  INFO("golden file " << golden.string() << " (rerun with AOTC_UPDATE_GOLDEN=1 to rewrite)");
  REQUIRE(fs::exists(golden));
  CHECK(actual == read_file(golden));
}

}  // namespace

// ---- good inputs -------------------------------------------------------------

TEST_CASE("aotc --help and --version", "[cli]") {
  Work w("help");
  Result help = run_aotc({"--help"}, w.dir);
  check_ok(help);
  for (const char *s : {"Usage", "-o,--output", "--name", "--input-shape", "--emit", "info", "verify"})
    CHECK_THAT(help.out, Contains(s));
  Result version = run_aotc({"--version"}, w.dir);
  check_ok(version);
  CHECK(std::regex_match(version.out, std::regex("aotc [0-9]+\\.[0-9]+\\.[0-9]+\n")));
}

TEST_CASE("usage errors exit non-zero without crashing", "[cli]") {
  Work w("usage");
  Result none = run_aotc({}, w.dir);
  check_no_crash(none);
  CHECK(none.exit_code != 0);
  CHECK_THAT(none.err, Contains("Usage"));
  Result bogus = run_aotc({"--bogus-flag"}, w.dir);
  check_no_crash(bogus);
  CHECK(bogus.exit_code != 0);
  CHECK_THAT(bogus.err, Contains("--bogus-flag"));
  Result emit = run_aotc({data("add_relu.onnx"), "--emit", "assembly"}, w.dir);
  check_no_crash(emit);
  CHECK(emit.exit_code != 0);
  CHECK_THAT(emit.err, Contains("assembly"));
  // No -o and no --emit ir: nothing to do.
  check_user_error(run_aotc({data("add_relu.onnx")}, w.dir), {"-o"});
}

TEST_CASE("aotc --list-ops lists supported ops, one per line, sorted", "[cli]") {
  Work w("list_ops");
  Result r = run_aotc({"--list-ops"}, w.dir);
  check_ok(r);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const char *op : {"Add", "Mul", "Relu", "Sigmoid", "LeakyRelu"})
    CHECK(std::find(lines.begin(), lines.end(), op) != lines.end());
  CHECK(std::is_sorted(lines.begin(), lines.end()));
  CHECK(std::find(lines.begin(), lines.end(), "StringNormalizer") == lines.end());
  // Internal node kinds (made by passes) are not ops a model can use.
  CHECK_THAT(r.out, !Contains("FusedConv"));
}

TEST_CASE("aotc --list-passes shows the pipeline with its fixed-point group", "[cli]") {
  Work w("list_passes");
  Result r = run_aotc({"--list-passes"}, w.dir);
  check_ok(r);
  // In order: a single pass, the group header, its passes indented, then lowering.
  std::vector<std::string> starts = {"infer-shapes-and-fold ", "simplify ", "  fuse-qdq ", "  remove-identities ",
                                     "  fuse-conv-batchnorm ", "  fuse-conv-activation ", "  fuse-silu ",
                                     "  eliminate-dead-code ", "fold-dequantize ", "patch-prefix ", "split-conv-depthwise ", "fuse-conv-add ",
                                     "fuse-conv-maxpool ", "choose-layouts ",
                                     "fold-packing ",
                                     "lower ", "schedule-steps ", "plan-memory ", "check-plan "};
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == starts.size());
  for (size_t i = 0; i < lines.size(); ++i) CHECK(lines[i].rfind(starts[i], 0) == 0);
  CHECK_THAT(lines[1], Contains("until none changes the graph"));
}

TEST_CASE("info shows inputs, outputs, opsets, op histogram and unsupported ops", "[cli]") {
  Work w("info");
  Result r = run_aotc({"info", data("add_relu.onnx")}, w.dir);
  check_ok(r);
  for (const char *s : {"producer:   aotc-tests", "ir_version: 7", "opset:      ai.onnx 13", "input:      x: f32[2,3]",
                        "output:     y: f32[2,3]", "unsupported ops: none"})
    CHECK_THAT(r.out, Contains(s));
  CHECK(std::regex_search(r.out, std::regex("\n  Add +1\n")));
  CHECK(std::regex_search(r.out, std::regex("\n  Relu +1\n")));
  CHECK(r.out.find("input:      c") == std::string::npos);  // initializers are not inputs
  // The estimate compiling gives: add_relu's arena holds x (24 bytes) and x + c,
  // each padded to the arena's alignment (128 bytes on x86-64, else 64); its
  // weights are c (12 bytes); Add and Relu do no multiply-accumulates.
  CHECK_THAT(r.out, Contains("target:     host\n"));
  const int padded = (24 + kHostArenaAlignment - 1) / kHostArenaAlignment * kHostArenaAlignment;
  CHECK_THAT(r.out, Contains("arena:      " + std::to_string(2 * padded) + " bytes of RAM"));
  CHECK_THAT(r.out, Contains("weights:    12 bytes of flash (and "));
  CHECK_THAT(r.out, Contains("MACs:       0 per run\n"));
  check_user_error(run_aotc({"info", data("add_relu.onnx"), "--target", "cortex-m99"}, w.dir), {"cortex-m99"});

  Result bad = run_aotc({"info", data("bad_two_unsupported.onnx")}, w.dir);
  check_ok(bad);
  CHECK_THAT(bad.out, Contains("unsupported ops: StringNormalizer, TfIdfVectorizer"));

  Result sym = run_aotc({"info", data("symbolic_dim.onnx")}, w.dir);
  check_ok(sym);
  CHECK_THAT(sym.out, Contains("input:      x: f32[N,3]"));
  CHECK_THAT(sym.out, Contains("estimate:   not available: "));
  CHECK_THAT(sym.out, Contains("unknown dimension"));

  std::string mnist = kModels + "/mnist_cnn/model.onnx";
  if (fs::exists(mnist)) {
    Result m = run_aotc({"info", mnist}, w.dir);
    check_ok(m);
    CHECK_THAT(m.out, Contains("input:      input: f32[1,1,28,28]"));
    CHECK_THAT(m.out, Contains("output:     output: f32[1,10]"));
    CHECK(std::regex_search(m.out, std::regex("\n  Conv +2\n")));
    CHECK(std::regex_search(m.out, std::regex("\n  Relu +3\n")));
  }

  check_user_error(run_aotc({"info", w.path("missing.onnx")}, w.dir), {w.path("missing.onnx")});
}

TEST_CASE("aotc --emit ir matches the golden IR", "[cli][golden]") {
  Work w("golden");
  struct Case {
    std::string model, golden;
    std::vector<std::string> extra;
  };
  const Case cases[] = {
      {"add_relu.onnx", "add_relu.ir", {"--emit", "ir"}},
      {"mul_sigmoid.onnx", "mul_sigmoid.ir", {"--emit", "ir"}},
      {"elementwise_chain.onnx", "elementwise_chain.ir", {"--emit", "ir"}},
      {"elementwise_chain.onnx", "elementwise_chain.imported.ir", {"--emit", "ir-imported"}},
      {"external_data.onnx", "external_data.ir", {"--emit", "ir"}},
      {"symbolic_dim.onnx", "symbolic_dim.ir", {"--emit", "ir", "--input-shape", "x=2,3"}},
  };
  for (const Case &c : cases) {
    INFO(c.model << " -> " << c.golden);
    std::vector<std::string> args = {data(c.model)};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    Result r = run_aotc(args, w.dir);
    check_ok(r);
    CHECK(r.err.empty());
    check_golden(c.golden, r.out);
  }
}

TEST_CASE("aotc --emit ir shows the layouts and packed weights chosen for the target", "[cli][golden]") {
  Work w("golden_layouts");
  // MNIST CNN: two 5x5 convs whose weights are packed, activations nchw. The
  // host goldens are an AVX-512 host's (the CI machines'): there the second
  // conv, 8 -> 16 channels on 8x8, gets conv_mr16 (aotc_conv_cv_f32: rows
  // under 16 pixels), the first (1 input channel) conv_mr4.
  Result mnist = run_aotc({kModels + "/mnist_cnn/model.onnx", "--emit", "ir", "--target", "host"}, w.dir);
  check_ok(mnist);
  check_golden("mnist_cnn.host.ir", mnist.out);
  // VWW MobileNetV1: on the host, 1x1 convs over at most 64 pixels get conv_mr16
  // (aotc_conv_cv_f32); Cortex-M4 has no float SIMD and packs every GEMM conv
  // as conv_mr4 (aotc_sconv_f32). Depthwise weights stay in ONNX's layout.
  for (const char *target : {"host", "cortex-m4"}) {
    INFO(target);
    Result r = run_aotc({kModels + "/vww_mobilenet/model.onnx", "--emit", "ir", "--target", target}, w.dir);
    check_ok(r);
    check_golden(std::string("vww_mobilenet.") + target + ".ir", r.out);
  }
}

TEST_CASE("aotc --l2-cache splits the 1x1 -> depthwise pairs whose intermediate does not fit in half of it",
          "[cli][split]") {
  Work w("l2_cache");
  auto chunked_pairs = [&](const std::string &model, const std::string &l2) {
    Result r = run_aotc({kModels + "/" + model + "/model.onnx", "--emit", "ir", "--l2-cache", l2}, w.dir);
    check_ok(r);
    std::regex concat(R"(= Concat\(%[^ ]*\.chunk0,)");
    return std::distance(std::sregex_iterator(r.out.begin(), r.out.end(), concat), std::sregex_iterator());
  };
  // The model_*_l2_32k tests check these splits' outputs against ONNX Runtime's.
  CHECK(chunked_pairs("vww_mobilenet", "32768") == 8);
  CHECK(chunked_pairs("kws_dscnn", "32768") == 3);
  CHECK(chunked_pairs("kws_dscnn", "65536") == 0);
  CHECK(chunked_pairs("vww_mobilenet", "0") == 0);
}

TEST_CASE("compiling writes NAME.c, NAME.h and aotc.h, deterministically", "[cli]") {
  Work w("compile");
  Result r = run_aotc({data("elementwise_chain.onnx"), "-o", w.path("out1"), "--name", "chain"}, w.dir);
  check_ok(r);
  for (const char *f : {"chain.c", "chain.h", "aotc.h"}) CHECK(fs::is_regular_file(w.dir / "out1" / f));
  CHECK(Work::temp_dirs(w.dir).empty());
  // A second process gives byte-identical files (no pointer-order or time dependence).
  check_ok(run_aotc({data("elementwise_chain.onnx"), "-o", w.path("out2"), "--name", "chain"}, w.dir));
  for (const char *f : {"chain.c", "chain.h", "aotc.h"}) {
    INFO(f);
    CHECK(read_file(w.dir / "out1" / f) == read_file(w.dir / "out2" / f));
    CHECK_FALSE(read_file(w.dir / "out1" / f).empty());
  }
  // Into an existing directory: other files stay, ours are replaced.
  write_file(w.dir / "out1" / "keep.txt", "mine");
  write_file(w.dir / "out1" / "chain.c", "stale");
  check_ok(run_aotc({data("elementwise_chain.onnx"), "-o", w.path("out1"), "--name", "chain"}, w.dir));
  CHECK(read_file(w.dir / "out1" / "keep.txt") == "mine");
  CHECK(read_file(w.dir / "out1" / "chain.c") == read_file(w.dir / "out2" / "chain.c"));
  CHECK(Work::temp_dirs(w.dir).empty());
  CHECK(Work::temp_dirs(w.dir / "out1").empty());
}

TEST_CASE("targets are recorded in the header and pick the kernels' paths, unknown targets are refused", "[cli][target]") {
  Work w("target");
  Result list = run_aotc({"--list-targets"}, w.dir);
  check_ok(list);
  for (const char *t : {"generic", "host", "cortex-m0", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"})
    CHECK_THAT(list.out, Contains(std::string("\n") + t + " ") || StartsWith(std::string(t) + " "));
  CHECK_THAT(list.out, Contains("-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"));

  struct Case {
    std::string target;
    bool plain_c, no_dispatch;
    int arena_alignment;
  };
  for (const Case &c : {Case{"generic", true, true, 16}, Case{"host", false, false, kHostArenaAlignment},
                        Case{"cortex-m4", false, true, 16}, Case{"cortex-m55", false, true, 16}}) {
    INFO(c.target);
    std::string out = w.path("out_" + c.target);
    check_ok(run_aotc({data("add_relu.onnx"), "-o", out, "--target", c.target}, w.dir));
    std::string header = read_file(fs::path(out) / "model.h"), source = read_file(fs::path(out) / "model.c");
    CHECK_THAT(header, Contains("#define MODEL_TARGET \"" + c.target + "\""));
    CHECK_THAT(header, Contains("/* Target: " + c.target + " -- "));
    CHECK((source.find("#define AOTC_NO_VECTOR_EXT 1") != std::string::npos) == c.plain_c);
    CHECK((source.find("#define AOTC_NO_CPU_DISPATCH 1") != std::string::npos) == c.no_dispatch);
    CHECK_THAT(header, Contains("#define MODEL_ARENA_ALIGNMENT " + std::to_string(c.arena_alignment) + "\n"));
  }
  // The default is host.
  check_ok(run_aotc({data("add_relu.onnx"), "-o", w.path("out_default")}, w.dir));
  CHECK(read_file(w.dir / "out_default" / "model.c") == read_file(w.dir / "out_host" / "model.c"));

  check_compile_fails(w, data("add_relu.onnx"), {"--target 'cortex-m99'", "generic, host, cortex-m0"},
                      {"--target", "cortex-m99"}, /*names_model=*/false);
}

TEST_CASE("the constant bytes in the header are what lands in .rodata", "[cli][codegen]") {
  Work w("rodata");
  // resnet8's convolution weights are packed for the micro-kernel: they must be counted too.
  std::string model = kModels + "/resnet8/model.onnx";
  check_ok(run_aotc({model, "-o", w.path("out"), "--name", "r8"}, w.dir));
  std::smatch m;
  std::string header = read_file(w.dir / "out" / "r8.h");
  REQUIRE(std::regex_search(header, m, std::regex("#define R8_CONSTANT_BYTES ([0-9]+)")));
  long reported = std::stol(m[1]);
  std::string cmd = "cc -std=c99 -O2 -c -I" + w.path("out") + " " + w.path("out/r8.c") + " -o " + w.path("r8.o") +
                    " && size -A " + w.path("r8.o") + " > " + w.path("size.txt");
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string sizes = read_file(w.dir / "size.txt");
  REQUIRE(std::regex_search(sizes, m, std::regex("\\.rodata\\s+([0-9]+)")));
  long rodata = std::stol(m[1]);
  INFO("reported " << reported << ", .rodata " << rodata);
  CHECK(reported > 300000);
  CHECK(reported <= rodata);
  CHECK(rodata - reported < 2048);  // the rest: the descriptor's tensor infos and shapes
}

TEST_CASE("verify runs the generated C and compares with expected outputs", "[cli][verify]") {
  Work w("verify");
  struct Case {
    std::string model;
    std::vector<std::string> extra;
  };
  const Case cases[] = {
      {"add_relu", {}},
      {"elementwise_chain", {}},
      {"external_data", {}},
      {"symbolic_dim", {"--input-shape", "x=2,3"}},
  };
  for (const Case &c : cases) {
    INFO(c.model);
    std::vector<std::string> args = {"verify", data(c.model + ".onnx"), "--input", "x=" + data(c.model + ".x.npy"),
                                     "--expected", "y=" + data(c.model + ".y.npy"), "--cflags",
                                     "-std=c99 -O1 -Wall -Wextra -pedantic -Werror"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    Result r = run_aotc(args, w.dir);
    check_ok(r);
    CHECK_THAT(r.out, Contains("PASS"));
  }
  // Wrong expected values must be caught.
  Result mismatch = run_aotc({"verify", data("add_relu.onnx"), "--input", "x=" + data("add_relu.x.npy"), "--expected",
                              "y=" + data("add_relu.x.npy")},
                             w.dir);
  check_no_crash(mismatch);
  CHECK(mismatch.exit_code == 1);
  CHECK_THAT(mismatch.out, Contains("MISMATCH"));
  CHECK_THAT(mismatch.out, Contains("FAIL"));
  // No data at all is a user error.
  check_user_error(run_aotc({"verify", data("add_relu.onnx")}, w.dir), {"--data"});
}

// ---- bad inputs ----------------------------------------------------------------

TEST_CASE("bad models: one clear error naming the file and node, no output left", "[cli][errors]") {
  struct Case {
    std::string file;
    std::vector<std::string> fragments;
  };
  const Case cases[] = {
      {"bad_undefined_input.onnx", {"node 'reads_ghost'", "'ghost'"}},
      {"bad_cycle.onnx", {"cycle", "'cyc_"}},
      {"bad_raw_data_short.onnx", {"initializer 'w'", "8 bytes"}},
      {"bad_two_unsupported.onnx", {"node 'norm_node'", "StringNormalizer", "node 'tfidf_node'", "TfIdfVectorizer"}},
      {"bad_broadcast.onnx", {"node 'bad_add'", "Add", "[2,3]", "[4]"}},
      {"bad_external_missing.onnx", {"missing.bin"}},
      {"bad_external_short.onnx", {"external_data.bin"}},
      {"symbolic_dim.onnx", {"'x'", "--input-shape"}},
  };
  for (const Case &c : cases) {
    INFO(c.file);
    Work w("bad_" + c.file);
    check_compile_fails(w, data(c.file), c.fragments);
  }
}

TEST_CASE("files that are not ONNX models", "[cli][errors]") {
  Work w("not_onnx");
  std::string text = w.path("text.onnx");
  write_file(text, "definitely not a protobuf\n");
  check_compile_fails(w, text, {});
  std::string empty = w.path("empty.onnx");
  write_file(empty, "");
  check_compile_fails(w, empty, {"empty"});
  check_compile_fails(w, w.path("does_not_exist.onnx"), {});
  check_compile_fails(w, w.dir.string(), {});
  // Truncated copies of real models, cut at several points.
  std::vector<std::string> sources = {data("elementwise_chain.onnx")};
  if (fs::exists(kModels + "/mnist_cnn/model.onnx")) sources.push_back(kModels + "/mnist_cnn/model.onnx");
  for (const std::string &src : sources) {
    std::string full = read_file(src);
    for (size_t keep : {full.size() / 2, full.size() - 3, size_t{5}}) {
      INFO(src << " cut to " << keep << " bytes");
      std::string cut = w.path("truncated.onnx");
      write_file(cut, full.substr(0, keep));
      check_compile_fails(w, cut, {});
    }
  }
}

// Replaces the one occurrence of `from` in `bytes` with `to`, of the same
// length, so a protobuf stays valid (strings are length-prefixed).
std::string patch(std::string bytes, const std::string &from, const std::string &to) {
  REQUIRE(from.size() == to.size());
  size_t at = bytes.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(bytes.find(from, at + 1) == std::string::npos);
  return bytes.replace(at, from.size(), to);
}

TEST_CASE("model strings never reach the terminal raw", "[cli][errors][hostile]") {
  Work w("terminal");
  // A node name and an op type that clear the screen and retitle the terminal.
  std::string bytes = patch(read_file(data("bad_two_unsupported.onnx")), "norm_node", "\x1b[2J\x1b[H!!");
  bytes = patch(bytes, "StringNormalizer", "\x1b]0;pwned\x07\xc2\x9b" "31mX");
  std::string model = w.path("escape.onnx");
  write_file(model, bytes);
  Result r = run_aotc({model, "-o", w.path("out")}, w.dir);
  check_user_error(r, {"node '\\033[2J\\033[H!!'", "\\033]0;pwned\\007\\302\\23331mX"});
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK(r.err.find('\x07') == std::string::npos);
  CHECK(r.err.find("\xc2\x9b") == std::string::npos);
  Result info = run_aotc({"info", model}, w.dir);
  check_ok(info);
  CHECK_THAT(info.out, Contains("\\033]0;pwned"));
  CHECK(info.out.find('\x1b') == std::string::npos);
  CHECK(info.out.find('\x07') == std::string::npos);
}

TEST_CASE("a newer opset than aotc knows: clear error, or a warning with --allow-newer-opset", "[cli][hostile]") {
  Work w("newer_opset");
  // add_relu.onnx imports ai.onnx 13 (OperatorSetIdProto {domain "", version 13}); make it 29.
  std::string model = w.path("opset29.onnx");
  write_file(model, patch(read_file(data("add_relu.onnx")), std::string("\x42\x04\x0a\x00\x10\x0d", 6),
                          std::string("\x42\x04\x0a\x00\x10\x1d", 6)));
  check_compile_fails(w, model, {"opset ai.onnx version 29", "supports versions 1 to 28", "--allow-newer-opset"});
  Result r = run_aotc({model, "-o", w.path("out"), "--allow-newer-opset"}, w.dir);
  check_ok(r);
  CHECK_THAT(r.err, StartsWith("aotc: warning: "));
  CHECK_THAT(r.err, Contains("version 29"));
  CHECK(fs::exists(w.path("out/model.c")));
}

TEST_CASE("bad options: one clear error, no output left", "[cli][errors]") {
  Work w("bad_options");
  // An option error is about the option, not the model file.
  check_compile_fails(w, data("symbolic_dim.onnx"), {"--input-shape", "x=2,a"}, {"--input-shape", "x=2,a"}, false);
  check_compile_fails(w, data("symbolic_dim.onnx"), {"'nope'"}, {"--input-shape", "x=2,3", "--input-shape", "nope=1"});
  check_compile_fails(w, data("add_relu.onnx"), {"1bad"}, {"--name", "1bad"});
}

TEST_CASE("unwritable output locations: clear error, nothing left behind", "[cli][errors]") {
  Work w("unwritable");
  SECTION("a directory under /proc") {
    std::string target = "/proc/aotc-test-out-" + std::to_string(getpid());
    Result r = run_aotc({data("add_relu.onnx"), "-o", target}, w.dir);
    check_user_error(r, {"/proc"});
    CHECK_FALSE(fs::exists(target));
  }
  SECTION("a path whose parent is a regular file") {
    write_file(w.dir / "afile", "x");
    Result r = run_aotc({data("add_relu.onnx"), "-o", w.path("afile/out")}, w.dir);
    check_user_error(r, {"afile"});
    CHECK(fs::is_regular_file(w.dir / "afile"));
    CHECK(read_file(w.dir / "afile") == "x");
    CHECK(Work::temp_dirs(w.dir).empty());
  }
  SECTION("the output path is an existing regular file") {
    write_file(w.dir / "afile", "x");
    Result r = run_aotc({data("add_relu.onnx"), "-o", w.path("afile")}, w.dir);
    check_user_error(r, {"afile", "not a directory"});
    CHECK(read_file(w.dir / "afile") == "x");
    CHECK(Work::temp_dirs(w.dir).empty());
  }
}

// Needs Identity, Dropout, Shape, Gather, Unsqueeze, Concat and Reshape.
TEST_CASE("Identity, Dropout and a Shape->...->Reshape chain compile away", "[cli][shape-ops]") {
  Work w("shape_chain");
  Result ir = run_aotc({data("shape_chain.onnx"), "--emit", "ir"}, w.dir);
  check_ok(ir);
  CHECK_THAT(ir.out, Contains("= Reshape(%x, %"));
  CHECK_THAT(ir.out, Contains("= Relu("));
  for (const char *gone : {"Shape(", "Gather(", "Unsqueeze(", "Concat(", "Identity(", "Dropout("})
    CHECK(ir.out.find(gone) == std::string::npos);
  check_golden("shape_chain.ir", ir.out);
  Result v = run_aotc({"verify", data("shape_chain.onnx"), "--input", "x=" + data("shape_chain.x.npy"), "--expected",
                       "y=" + data("shape_chain.y.npy")},
                      w.dir);
  check_ok(v);
  CHECK_THAT(v.out, Contains("PASS"));
}

// ---- --report and --emit dot ----------------------------------------------------

namespace {

using Json = nlohmann::json;

// The number after `#define NAME` in a generated header.
long header_define(const std::string &header, const std::string &name) {
  std::smatch m;
  REQUIRE(std::regex_search(header, m, std::regex("#define " + name + " \\(?([0-9]+)")));
  return std::stol(m[1]);
}

// report.json against its golden, compared as JSON (so only values count, not
// spacing); a difference is shown as the JSON Patch from golden to actual.
void check_golden_report(const std::string &golden_name, const std::string &actual_text) {
  fs::path golden = fs::path(kData) / "golden" / "report" / golden_name;
  const char *update = std::getenv("AOTC_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    fs::create_directories(golden.parent_path());
    write_file(golden, actual_text);
    WARN("updated " << golden.string());
  }
  INFO("golden file " << golden.string() << " (rerun with AOTC_UPDATE_GOLDEN=1 to rewrite)");
  REQUIRE(fs::exists(golden));
  Json expected = Json::parse(read_file(golden)), actual = Json::parse(actual_text);
  std::string patch = Json::diff(expected, actual).dump(1);
  INFO("changes from the golden: " << patch.substr(0, 4000));
  CHECK(actual == expected);
}

// What must hold for any report, golden or not: the numbers agree with the
// generated header and with each other, and the tensors form a valid plan.
void check_report_consistent(const Json &r, const std::string &header, const std::string &macro, size_t steps) {
  CHECK(r["arena_bytes"].get<long>() == header_define(header, macro + "_SCRATCH_SIZE"));
  CHECK(r["weights_bytes"].get<long>() == header_define(header, macro + "_CONSTANT_BYTES"));
  CHECK(r["weights_bytes"] == r["weights"]["tensor_bytes"].get<long>() + r["weights"]["kernel_argument_bytes"].get<long>());
  const size_t arena = r["arena_bytes"], bound = r["arena_lower_bound_bytes"], align = r["arena_alignment"];
  CHECK(bound <= arena);
  CHECK(r["naive_peak_bytes"].get<long>() > 0);
  REQUIRE(r["ops"].size() == steps);
  long macs = 0;
  for (size_t s = 0; s < steps; ++s) {
    CHECK(r["ops"][s]["index"] == s);
    macs += r["ops"][s]["macs"].get<long>();
  }
  CHECK(macs == r["macs"].get<long>());
  // The most aligned bytes live at one step is the lower bound, first reached at peak_step.
  std::vector<size_t> live(steps, 0);
  const Json &t = r["tensors"];
  long io = 0;
  for (size_t a = 0; a < t.size(); ++a) {
    INFO(t[a].dump());
    size_t first = t[a]["first_use"], last = t[a]["last_use"], bytes = t[a]["bytes"];
    REQUIRE(first <= last);
    REQUIRE(last < steps);
    if (t[a]["offset"].is_null()) {
      CHECK((t[a]["kind"] == "input" || t[a]["kind"] == "output"));
      io += static_cast<long>(bytes);
      continue;
    }
    size_t offset = t[a]["offset"];
    CHECK(offset % align == 0);
    CHECK(offset + bytes <= arena);
    for (size_t s = first; s <= last; ++s) live[s] += (bytes + align - 1) / align * align;
    for (size_t b = a + 1; b < t.size(); ++b) {
      if (t[b]["offset"].is_null() || bytes == 0 || t[b]["bytes"] == 0) continue;
      size_t f2 = t[b]["first_use"], l2 = t[b]["last_use"], o2 = t[b]["offset"], b2 = t[b]["bytes"];
      bool live_together = first <= l2 && f2 <= last;
      // A tensor written in place over another starts at its offset at the step where the other dies.
      if (t[b].contains("in_place_of") && t[b]["in_place_of"] == t[a]["name"]) {
        CHECK(o2 == offset);
        CHECK(f2 == last);
        // (At that step the storage holds the larger of the two, not both.)
        live[last] -= (std::min(bytes, b2) + align - 1) / align * align;
        continue;
      }
      CHECK((!live_together || offset + bytes <= o2 || o2 + b2 <= offset));
    }
  }
  CHECK(io == r["io_bytes"].get<long>());
  size_t peak_step = std::max_element(live.begin(), live.end()) - live.begin();
  CHECK(live[peak_step] == bound);
  CHECK(r["peak_step"] == peak_step);
}

}  // namespace

TEST_CASE("aotc --report writes report.json and memory.svg matching the goldens and the generated header",
          "[cli][report][golden]") {
  Work w("report");
  for (const char *model : {"ad_autoencoder", "kws_dscnn", "mnist_cnn", "mobilenet_tiny", "resnet8", "vww_mobilenet"}) {
    INFO(model);
    std::string out = w.path(std::string("out_") + model);
    Result r = run_aotc({kModels + "/" + model + "/model.onnx", "-o", out, "--target", "cortex-m4", "--name", model,
                         "--report"},
                        w.dir);
    check_ok(r);
    for (const char *line : {"report.json, memory.svg", "arena ", "lower bound ", "naive peak ", "weights ",
                             "arena / naive peak = "})
      CHECK_THAT(r.out, Contains(line));
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, std::regex("([0-9]+) kernel calls")));
    std::string report_text = read_file(fs::path(out) / "report.json");
    Json report = Json::parse(report_text);
    std::string upper = model;
    for (char &c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    check_report_consistent(report, read_file(fs::path(out) / (std::string(model) + ".h")), upper, std::stoul(m[1]));
    CHECK(report["target"] == "cortex-m4");
    CHECK(report["name"] == model);
    check_golden_report(std::string(model) + ".cortex-m4.json", report_text);
    // The picture: well-formed, one hover title per drawn tensor.
    std::string svg = read_file(fs::path(out) / "memory.svg");
    CHECK(aotc_test::xml_problem(svg) == "");
    size_t drawn = 0;
    for (const Json &t : report["tensors"]) drawn += !t["offset"].is_null() && t["bytes"] != 0;
    size_t titles = 0;
    for (size_t at = svg.find("</title></rect>"); at != std::string::npos; at = svg.find("</title></rect>", at + 1))
      ++titles;
    CHECK(titles == drawn + 1 + report["ops"].size());  // + the peak band and one per step
  }
  // Deterministic: a second process writes the same bytes.
  std::string again = w.path("again");
  check_ok(run_aotc({kModels + "/resnet8/model.onnx", "-o", again, "--target", "cortex-m4", "--name", "resnet8",
                     "--report"},
                    w.dir));
  for (const char *f : {"report.json", "memory.svg"})
    CHECK(read_file(fs::path(again) / f) == read_file(w.dir / "out_resnet8" / f));
  // Without --report, neither file.
  check_ok(run_aotc({data("add_relu.onnx"), "-o", w.path("plain")}, w.dir));
  CHECK_FALSE(fs::exists(w.dir / "plain" / "report.json"));
  CHECK_FALSE(fs::exists(w.dir / "plain" / "memory.svg"));
}

namespace {

// The ways `aotc verify` builds a model in the tests that check kernels on
// every backend: native and portable C, the generic target, and the JIT.
std::vector<std::vector<std::string>> every_backend() {
  std::vector<std::vector<std::string>> ways = {
      {"--cflags", "-std=c99 -O2 -march=native -Wall -Wextra -pedantic -Werror"},
      {"--cflags", "-std=c99 -O1"},  // no -march: the kernels' portable vector paths
      {"--target", "generic"}};
#if AOTC_HAVE_LLVM
  ways.push_back({"--jit"});
#endif
  return ways;
}

// `aotc verify` of tests/data/MODEL.onnx on MODEL.x.npy against ONNX Runtime's
// MODEL.y.npy (rtol 1e-4, atol 1e-5) every way of every_backend(), with `extra` flags.
void verify_on_every_backend(const std::string &model, const std::vector<std::string> &extra, const Work &w) {
  for (const std::vector<std::string> &way : every_backend()) {
    std::vector<std::string> args = {"verify", data(model + ".onnx"), "--input", "x=" + data(model + ".x.npy"),
                                     "--expected", "y=" + data(model + ".y.npy"), "--rtol", "1e-4", "--atol", "1e-5"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), way.begin(), way.end());
    INFO(model + " " + way.back());
    check_ok(run_aotc(args, w.dir));
  }
}

}  // namespace

TEST_CASE("channel-blocked chains and fused SiLUs and Winograd convs match ONNX Runtime on every backend",
          "[cli][layouts][verify][winograd]") {
  // blocked_chain.onnx (tests/data/make_test_models.py): pointwise and
  // depthwise convs (5x5 SiLU, dilated, stride 2 HardSwish), a
  // squeeze-and-excitation gate and a residual Add; on 512-bit vector hosts
  // choose-layouts stores the activations between them nchw16c.
  Work w("blocked");
  Result ir = run_aotc({data("blocked_chain.onnx"), "--emit", "ir"}, w.dir);
  check_ok(ir);
  // winograd_convs.onnx: two 3x3 convs over 64 channels on 15x14, the second
  // with a residual; on 512-bit vector hosts they run aotc_conv_wino23_f32.
  Result wino_ir = run_aotc({data("winograd_convs.onnx"), "--emit", "ir"}, w.dir);
  check_ok(wino_ir);
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) {
    CHECK_THAT(ir.out, Contains("%se : f32[2,32,7,7] nchw16c = Mul("));
    CHECK_THAT(wino_ir.out, Contains("const  %conv_b_w.packed : f32[64,64,3,3] packed(conv_wino23[16,4,64,16])"));
  }
#endif
  // silu_convs.onnx: the fused SiLU of the convs over rows of pixels (channels-first).
  for (const std::string model : {"blocked_chain", "silu_convs", "winograd_convs"})
    verify_on_every_backend(model, {}, w);
}

TEST_CASE("convs whose output outgrows L2 fuse with their MaxPool and match ONNX Runtime on every backend",
          "[cli][verify][fusion]") {
  // conv_maxpool.onnx (tests/data/make_test_models.py): Conv -> Relu ->
  // MaxPool 3x3/2 in ceil mode, then Conv 5x5 -> MaxPool 3x3/2 with pads, a
  // batch of 2. Its convs' outputs (20 and 6 KB) outgrow half of an 8 KiB L2,
  // not of the host's: only with --l2-cache 8192 are they fused.
  Work w("conv_maxpool");
  Result plain = run_aotc({data("conv_maxpool.onnx"), "--emit", "ir"}, w.dir);
  check_ok(plain);
  CHECK_THAT(plain.out, !Contains("FusedConvMaxPool"));
  Result fused = run_aotc({data("conv_maxpool.onnx"), "--emit", "ir", "--l2-cache", "8192"}, w.dir);
  check_ok(fused);
  CHECK_THAT(fused.out, Contains("%pa : f32[2,12,10,10] nchw = aotc.FusedConvMaxPool(%x, %wa.packed, %ba) "
                                 "{activation=relu, kernel_shape=[3,3], pads=[1,1,1,1], pool_ceil_mode=1, "
                                 "pool_kernel_shape=[3,3], pool_strides=[2,2]}"));
  CHECK_THAT(fused.out, Contains("%y : f32[2,8,5,5] = aotc.FusedConvMaxPool(%pa, %wb.packed) {activation=none"));
  // conv_maxpool16.onnx: a conv of 80 output channels (5 blocks of 16) and its pool. On 512-bit vector
  // hosts the fused kernel keeps the conv's rows nchw16c: its weights are packed for that tile (conv_mr16);
  // on generic, for aotc_conv_f32's (conv_mr4).
  Result blocked = run_aotc({data("conv_maxpool16.onnx"), "--emit", "ir", "--l2-cache", "8192"}, w.dir);
  check_ok(blocked);
  CHECK_THAT(blocked.out, Contains("%pc : f32[2,80,8,7] nchw = aotc.FusedConvMaxPool(%x, %wc.packed, %bc)"));
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f"))
    CHECK_THAT(blocked.out, Contains("const  %wc.packed : f32[80,3,3,3] packed(conv_mr16[1,5,27,16])"));
#endif
  Result generic =
      run_aotc({data("conv_maxpool16.onnx"), "--emit", "ir", "--l2-cache", "8192", "--target", "generic"}, w.dir);
  check_ok(generic);
  CHECK_THAT(generic.out, Contains("const  %wc.packed : f32[80,3,3,3] packed(conv_mr4[1,20,27,4])"));
  for (const std::string model : {"conv_maxpool", "conv_maxpool16"})
    verify_on_every_backend(model, {"--l2-cache", "8192"}, w);
}

TEST_CASE("a branchy model runs in a reordered schedule and still matches ONNX Runtime", "[cli][report][verify]") {
  // branchy.onnx (tests/data/make_test_models.py): a ShuffleNetV2-like
  // downsampling block whose node order runs the branch with the small
  // transient first; branchy.y.npy comes from ONNX Runtime (ort_golden.js).
  Work w("schedule");
  for (const char *target : {"host", "cortex-m4"}) {
    INFO(target);
    std::string out = w.path(std::string("out_") + target);
    Result r = run_aotc({data("branchy.onnx"), "-o", out, "--target", target, "--name", "branchy", "--report"}, w.dir);
    check_ok(r);
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, std::regex("([0-9]+) kernel calls")));
    const size_t steps = std::stoul(m[1]);
    Json report = Json::parse(read_file(fs::path(out) / "report.json"));
    check_report_consistent(report, read_file(fs::path(out) / "branchy.h"), "BRANCHY", steps);
    const Json &schedule = report["schedule"];
    CHECK(schedule["arena_bytes"] == report["arena_bytes"]);
    CHECK(schedule["arena_bytes"].get<long>() < schedule["original_arena_bytes"].get<long>());
    CHECK(schedule["steps_moved"].get<long>() > 0);
    CHECK_THAT(r.out, Contains("schedule: reordered " + std::to_string(schedule["steps_moved"].get<long>()) + " steps"));
    // The report lists the calls in the order they run: some node's call
    // runs before a call of a node that comes earlier in the model.
    std::vector<std::string> nodes;
    for (const Json &op : report["ops"]) nodes.push_back(op["node"]);
    const std::vector<std::string> model_order = {"inc_a",   "inc_pool", "inc_p",   "inc_b1",  "inc_b2",
                                                  "inc_b3",  "down_a1",  "down_a2", "down_b1", "down_b2",
                                                  "down_b3", "gap",      "fc"};
    std::vector<size_t> rank;
    for (const std::string &n : nodes) {
      auto at = std::find(model_order.begin(), model_order.end(), n);
      if (at != model_order.end()) rank.push_back(static_cast<size_t>(at - model_order.begin()));
    }
    CHECK_FALSE(std::is_sorted(rank.begin(), rank.end()));
    // The generated C of that schedule computes what ONNX Runtime computes.
    Result v = run_aotc({"verify", data("branchy.onnx"), "--target", target, "--input", "x=" + data("branchy.x.npy"),
                         "--expected", "y=" + data("branchy.y.npy"), "--rtol", "1e-4", "--atol", "1e-5", "--cflags",
                         "-std=c99 -O1 -Wall -Wextra -pedantic -Werror"},
                        w.dir);
    check_ok(v);
    CHECK_THAT(v.out, Contains("PASS"));
  }
}

TEST_CASE("aotc --weights-section/--arena-section: bad section names are errors", "[cli][errors]") {
  Work w("sections");
  check_compile_fails(w, data("add_relu.onnx"), {"--weights-section 'a\"b'", "section name"},
                      {"--weights-section", "a\"b"});
  check_compile_fails(w, data("add_relu.onnx"), {"--arena-section ' '", "section name"}, {"--arena-section", " "});
  check_ok(run_aotc({data("add_relu.onnx"), "-o", w.path("ok"), "--weights-section", ".rodata.aotc",
                     "--arena-section", "__DATA,__aotc"},
                    w.dir));
  CHECK_THAT(read_file(w.dir / "ok" / "model.c"), Contains("__attribute__((section(\"__DATA,__aotc\")))"));
}

TEST_CASE("aotc --report: no half-written output, and it needs C output", "[cli][report][errors]") {
  Work w("report_errors");
  check_compile_fails(w, data("bad_two_unsupported.onnx"), {}, {"--report"});
  check_user_error(run_aotc({data("add_relu.onnx"), "--emit", "ir", "--report"}, w.dir), {"--report", "--emit ir"});
  // Into an existing directory: stale report files are replaced with the rest.
  fs::create_directories(w.dir / "out");
  write_file(w.dir / "out" / "report.json", "stale");
  write_file(w.dir / "out" / "memory.svg", "stale");
  check_ok(run_aotc({data("add_relu.onnx"), "-o", w.path("out"), "--report"}, w.dir));
  CHECK(Json::parse(read_file(w.dir / "out" / "report.json"))["name"] == "model");
  CHECK(aotc_test::xml_problem(read_file(w.dir / "out" / "memory.svg")) == "");
  CHECK(Work::temp_dirs(w.dir).empty());
  CHECK(Work::temp_dirs(w.dir / "out").empty());
}

TEST_CASE("aotc --emit dot prints the optimised graph, or writes OUTDIR/NAME.dot", "[cli][dot]") {
  Work w("dot");
  std::string model = kModels + "/kws_dscnn/model.onnx";
  Result r = run_aotc({model, "--emit", "dot", "--target", "cortex-m4"}, w.dir);
  check_ok(r);
  CHECK_THAT(r.out, StartsWith("digraph \"model\" {\n"));
  CHECK_THAT(r.out, Contains("aotc.FusedConv: Conv+BatchNormalization+Relu"));
  CHECK_THAT(r.out, Contains("[label=\"f32[1,64,25,5] nchw\\n32000 B\"];"));
  CHECK((r.out.size() > 2 && r.out.substr(r.out.size() - 2) == "}\n"));

  check_ok(run_aotc({model, "--emit", "dot", "--target", "cortex-m4", "-o", w.path("out"), "--name", "kws"}, w.dir));
  CHECK(read_file(w.dir / "out" / "kws.dot") == std::regex_replace(r.out, std::regex("digraph \"model\""),
                                                                   "digraph \"kws\""));
  CHECK_FALSE(fs::exists(w.dir / "out" / "kws.c"));
  // The name becomes a file name: only C identifiers, as for the C files.
  Work bad("dot_errors");
  check_compile_fails(bad, data("add_relu.onnx"), {"../x"}, {"--emit", "dot", "--name", "../x"}, false);
  // Graphviz, where installed, must accept it.
  if (std::system("command -v dot > /dev/null 2>&1") != 0) {
    WARN("SKIPPED: Graphviz 'dot' is not installed; the DOT text was checked for structure only");
    return;
  }
  std::string cmd = "dot -Tsvg " + w.path("out/kws.dot") + " -o " + w.path("kws.svg") + " 2> " + w.path("dot.err");
  INFO(read_file(w.dir / "dot.err"));
  CHECK(std::system(cmd.c_str()) == 0);
  CHECK(read_file(w.dir / "dot.err").empty());
  CHECK(aotc_test::xml_problem(read_file(w.dir / "kws.svg")) == "");
  CHECK_THAT(read_file(w.dir / "kws.svg"), Contains("Conv+BatchNormalization+Relu"));
}

TEST_CASE("aotc --max-scratch caps the conv kernels' input copies on Cortex-M, outputs still matching",
          "[cli][report][scratch]") {
  Work w("max_scratch");
  const std::string model = kModels + "/resnet8/model.onnx", data_dir = kModels + "/resnet8/test_data_set_0";
  struct Scratch {
    std::vector<size_t> per_conv;  // each aotc_sconv_f32 call's scratch, in step order
    std::string header;
  };
  auto conv_scratch = [&](const std::vector<std::string> &extra, const std::string &out) {
    std::vector<std::string> args = {model, "-o", w.path(out), "--target", "cortex-m4", "--report"};
    args.insert(args.end(), extra.begin(), extra.end());
    check_ok(run_aotc(args, w.dir));
    Json report = Json::parse(read_file(w.dir / out / "report.json"));
    Scratch s;
    for (const Json &op : report["ops"])
      if (op["kernel"] == "aotc_sconv_f32") s.per_conv.push_back(op["scratch_bytes"].get<size_t>());
    s.header = read_file(w.dir / out / "model.h");
    return s;
  };
  Scratch by_default = conv_scratch({}, "default"), capped = conv_scratch({"--max-scratch", "4096"}, "capped");
  Scratch uncapped = conv_scratch({"--max-scratch", "0"}, "uncapped");
  REQUIRE(by_default.per_conv.size() == capped.per_conv.size());
  REQUIRE(by_default.per_conv.size() == uncapped.per_conv.size());
  // A cap never grows a copy; 4 KiB shrinks some below the default 8 KiB (a band is at least one row, so a
  // wide conv may keep more); without a cap the 3x3 convs over 16 channels of 32x32 copy the whole padded input.
  bool shrunk = false;
  for (size_t i = 0; i < by_default.per_conv.size(); ++i) {
    CHECK(capped.per_conv[i] <= by_default.per_conv[i]);
    CHECK(by_default.per_conv[i] <= uncapped.per_conv[i]);
    shrunk = shrunk || capped.per_conv[i] < by_default.per_conv[i];
  }
  CHECK(shrunk);
  CHECK(*std::max_element(uncapped.per_conv.begin(), uncapped.per_conv.end()) >= size_t{16 * 34 * 34 * 4});
  CHECK_THAT(by_default.header, Contains("conv input copies <= 8 KiB"));
  CHECK_THAT(capped.header, Contains("conv input copies <= 4 KiB"));
  CHECK_THAT(uncapped.header, !Contains("conv input copies"));
  // The capped code still matches ONNX Runtime's outputs.
  for (const char *cap : {"1000", "0"})
    check_ok(run_aotc({"verify", model, "--data", data_dir, "--target", "cortex-m4", "--max-scratch", cap}, w.dir));
  Result negative = run_aotc({model, "-o", w.path("bad"), "--max-scratch", "-5"}, w.dir);
  check_no_crash(negative);
  CHECK(negative.exit_code != 0);
  CHECK_THAT(negative.err, Contains("--max-scratch"));
  CHECK_FALSE(fs::exists(w.dir / "bad"));
}

TEST_CASE("aotc --patch N: tiles the prefix, reports the extra MACs, refuses bad N and non-CNNs",
          "[cli][patch]") {
  Work w("patch");
  const std::string model = kModels + "/mobilenet_tiny/model.onnx";
  Result plain = run_aotc({model, "-o", w.path("plain"), "--target", "cortex-m4", "--report"}, w.dir);
  check_ok(plain);
  Result patched =
      run_aotc({model, "-o", w.path("patched"), "--target", "cortex-m4", "--report", "--patch", "3"}, w.dir);
  check_ok(patched);
  CHECK_THAT(patched.out, Contains("3 x 3 tiles up to '"));
  CHECK_THAT(patched.out, Contains("halo recompute"));
  Json before = Json::parse(read_file(w.dir / "plain" / "report.json"));
  Json after = Json::parse(read_file(w.dir / "patched" / "report.json"));
  CHECK_FALSE(before.contains("patch"));
  REQUIRE(after.contains("patch"));
  const Json &p = after["patch"];
  CHECK(p["tiles"] == 3);
  CHECK_FALSE(p["prefix_end"].get<std::string>().empty());
  // The original MACs are the unpatched compile's; the extra is what the tiles add.
  CHECK(p["macs_original"] == before["macs"]);
  CHECK(p["extra_macs"].get<long>() == after["macs"].get<long>() - before["macs"].get<long>());
  CHECK(p["extra_macs"].get<long>() > 0);
  CHECK(p["extra_macs_percent"].get<double>() > 0);
  // Less RAM, the same naive peak to compare with.
  CHECK(after["arena_bytes"].get<long>() < before["arena_bytes"].get<long>());
  CHECK(after["naive_peak_bytes"] == before["naive_peak_bytes"]);
  // --emit ir shows the tiles and their assembly.
  Result ir = run_aotc({model, "--emit", "ir", "--patch", "2"}, w.dir);
  check_ok(ir);
  CHECK_THAT(ir.out, Contains(".patch1_1"));
  CHECK_THAT(ir.out, Contains("= Concat("));
  CHECK_THAT(run_aotc({"--help"}, w.dir).out, Contains("--patch"));

  // Bad tile counts are usage errors; a model without a CNN prefix is refused.
  for (const char *n : {"1", "17", "two"}) {
    Result bad = run_aotc({model, "-o", w.path("bad"), "--patch", n}, w.dir);
    check_no_crash(bad);
    CHECK(bad.exit_code != 0);
    CHECK_THAT(bad.err, Contains("--patch"));
    CHECK_FALSE(fs::exists(w.path("bad")));
  }
  check_compile_fails(w, kModels + "/ad_autoencoder/model.onnx", {"--patch", "N x C x H x W"}, {"--patch", "2"});
  // Where tiles save no RAM (KWS DS-CNN: every layer about as large, and the
  // untiled convs run in place), the untiled plan is kept, with a warning.
  const std::string kws = kModels + "/kws_dscnn/model.onnx";
  check_ok(run_aotc({kws, "-o", w.path("kws_plain"), "--target", "cortex-m4", "--report"}, w.dir));
  Result kws_patched = run_aotc({kws, "-o", w.path("kws_patched"), "--target", "cortex-m4", "--report", "--patch", "2"}, w.dir);
  check_ok(kws_patched);
  CHECK_THAT(kws_patched.err, Contains("--patch 2: tiles would not lower the arena"));
  Json kws_before = Json::parse(read_file(w.dir / "kws_plain" / "report.json"));
  Json kws_after = Json::parse(read_file(w.dir / "kws_patched" / "report.json"));
  CHECK_FALSE(kws_after.contains("patch"));
  CHECK(kws_after["arena_bytes"] == kws_before["arena_bytes"]);
}

TEST_CASE("a QDQ int8 model runs on integer ops and matches ONNX Runtime exactly", "[cli][verify][qdq]") {
  // qdq_cnn.onnx (tests/data/make_test_models.py) is written as ONNX
  // Runtime's quantizer writes models; qdq_cnn.y.npy comes from ONNX Runtime,
  // which fuses the same patterns into the same integer ops.
  Work w("qdq");
  Result r = run_aotc({data("qdq_cnn.onnx"), "--emit", "ir"}, w.dir);
  check_ok(r);
  const std::string &ir = r.out;
  auto count = [&](const std::string &s) {
    size_t n = 0;
    for (size_t at = ir.find(s); at != std::string::npos; at = ir.find(s, at + 1)) ++n;
    return n;
  };
  CHECK(count("= QLinearConv(") == 2);
  CHECK(count("= com.microsoft.QLinearAdd(") == 1);
  CHECK(count("= com.microsoft.QLinearGlobalAveragePool(") == 1);
  CHECK(count("= com.microsoft.QGemm(") == 1);
  // Only the input's Q and the output's DQ are left: everything between is integer.
  CHECK(count("= QuantizeLinear(") == 1);
  CHECK(count("= DequantizeLinear(") == 1);
  size_t float_results = 0;  // node results (lines "  %name : type = Op(...)") of type f32
  std::istringstream lines(ir);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("  %", 0) == 0 && line.find(" : f32[") != std::string::npos) ++float_results;
  CHECK(float_results == 1);
  // The Relu and Clip(0, 6) in front of Qs that saturate there are gone; the
  // MaxPool and Flatten move int8 values.
  CHECK(count("= Relu(") == 0);
  CHECK(count("= Clip(") == 0);
  CHECK(count("i8[1,8,6,6] nchw = MaxPool(") == 1);
  CHECK(count("i8[1,8] = Flatten(") == 1);
  for (const char *target : {"host", "generic", "cortex-m4"}) {
    INFO(target);
    Result v = run_aotc({"verify", data("qdq_cnn.onnx"), "--target", target, "--input", "x=" + data("qdq_cnn.x.npy"),
                         "--expected", "y=" + data("qdq_cnn.y.npy"), "--rtol", "0", "--atol", "0", "--cflags",
                         "-std=c99 -O1 -Wall -Wextra -pedantic -Werror"},
                        w.dir);
    check_ok(v);
    CHECK_THAT(v.out, Contains("PASS"));
  }
}

// ---- per-layer verify ------------------------------------------------------------
// tests/data/layered_per_layer holds ONNX Runtime's outputs for every value of
// layered.onnx (the model `aotc expose` writes of it; make_test_models.py says how).

TEST_CASE("aotc expose adds every intermediate value as a typed graph output", "[cli][per-layer]") {
  Work w("expose");
  Result r = run_aotc({"expose", data("layered.onnx"), "-o", w.path("layered_all.onnx")}, w.dir);
  check_ok(r);
  CHECK_THAT(r.out, Contains("9 intermediate values added as outputs"));
  Result info = run_aotc({"info", w.path("layered_all.onnx")}, w.dir);
  check_ok(info);
  // The model's own output first, then every node output in node order, typed by shape inference.
  CHECK_THAT(info.out, Contains("output:     y: f32[1,5]\n"
                                "output:     conv1_out: f32[1,8,8,8]\n"
                                "output:     relu1_out: f32[1,8,8,8]\n"
                                "output:     conv2_out: f32[1,8,8,8]\n"
                                "output:     bn_out: f32[1,8,8,8]\n"
                                "output:     relu2_out: f32[1,8,8,8]\n"
                                "output:     conv3_out: f32[1,4,8,8]\n"
                                "output:     gap_out: f32[1,4,1,1]\n"
                                "output:     flat_out: f32[1,4]\n"
                                "output:     fc_b: f32[5]\n"));
  // Its outputs are the ones the committed reference data holds.
  size_t reference_outputs = 0;
  while (fs::exists(data("layered_per_layer/output_" + std::to_string(reference_outputs) + ".pb"))) ++reference_outputs;
  CHECK(reference_outputs == 10);
}

TEST_CASE("verify --per-layer compares every intermediate and names the first divergent node",
          "[cli][per-layer][verify]") {
  Work w("per_layer");
  const std::string reference = data("layered_per_layer");
  SECTION("the good model matches ONNX Runtime at every layer, Conv+BatchNormalization+Relu not fused away") {
    Result r = run_aotc({"verify", data("layered.onnx"), "--data", reference, "--per-layer"}, w.dir);
    check_ok(r);
    for (const char *value : {"conv1_out", "relu1_out", "conv2_out", "bn_out", "relu2_out", "conv3_out", "gap_out",
                              "flat_out"})
      CHECK_THAT(r.out, Contains(std::string("layer '") + value + "': ok"));
    CHECK_THAT(r.out, Contains("output 'y': ok"));
    CHECK_THAT(r.out, Contains("PASS (8 of 9 intermediate values compared)"));
    CHECK_THAT(r.out, Contains("not compared: 'fc_b' (the output of an ONNX Constant node: a constant in aotc)"));
    CHECK(r.out.find("first divergent") == std::string::npos);
    CHECK(r.out.find("MISMATCH") == std::string::npos);
  }
  SECTION("a model with one weight of conv2 changed: conv2 is named, the layers before it match") {
    Result r = run_aotc({"verify", data("layered_corrupt.onnx"), "--data", reference, "--per-layer"}, w.dir);
    check_no_crash(r);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains("layer 'conv1_out': ok"));
    CHECK_THAT(r.out, Contains("layer 'relu1_out': ok"));
    CHECK_THAT(r.out, Contains("layer 'conv2_out': MISMATCH"));
    CHECK_THAT(r.out, Contains("output 'y': MISMATCH"));
    CHECK(std::regex_search(r.out, std::regex("\nfirst divergent: node 'conv2' \\(Conv, opset 13\\) output "
                                              "'conv2_out': max_abs_err=[0-9.e+-]+ max_rel_err=[0-9.e+-]+ "
                                              "\\(rtol 0.0001, atol 1e-05\\)\n")));
    CHECK_THAT(r.out, Contains("FAIL"));
  }
  SECTION("data that is not the exposed model's: one clear error") {
    fs::create_directories(w.dir / "outputs_only");
    fs::copy_file(reference + "/input_0.pb", w.dir / "outputs_only/input_0.pb");
    fs::copy_file(reference + "/output_0.pb", w.dir / "outputs_only/output_0.pb");
    Result r = run_aotc({"verify", data("layered.onnx"), "--data", w.path("outputs_only"), "--per-layer"}, w.dir);
    check_user_error(r, {"per-layer test data has 1 outputs", "has 10", "aotc expose"});
  }
}

TEST_CASE("aotc expose errors: one clear message, no output file left", "[cli][per-layer][errors]") {
  Work w("expose_errors");
  auto check_nothing_written = [&] {
    CHECK_FALSE(fs::exists(w.path("out.onnx")));
    CHECK(Work::temp_dirs(w.dir).empty());
  };
  SECTION("a missing model") {
    check_user_error(run_aotc({"expose", w.path("missing.onnx"), "-o", w.path("out.onnx")}, w.dir),
                     {w.path("missing.onnx"), "no such file"});
    check_nothing_written();
  }
  SECTION("a file that is not a model") {
    write_file(w.dir / "garbage.onnx", std::string("\xff\xff\xff\xff not protobuf", 18));
    check_user_error(run_aotc({"expose", w.path("garbage.onnx"), "-o", w.path("out.onnx")}, w.dir),
                     {w.path("garbage.onnx"), "not an ONNX model"});
    check_nothing_written();
  }
  SECTION("an output in a directory that does not exist") {
    check_user_error(run_aotc({"expose", data("layered.onnx"), "-o", w.path("nodir/out.onnx")}, w.dir),
                     {"cannot write", w.path("nodir/out.onnx")});
    CHECK_FALSE(fs::exists(w.dir / "nodir"));
  }
  SECTION("an output that is a directory") {
    fs::create_directories(w.dir / "out.onnx");
    check_user_error(run_aotc({"expose", data("layered.onnx"), "-o", w.path("out.onnx")}, w.dir),
                     {"cannot write", "is a directory"});
    CHECK(fs::is_directory(w.dir / "out.onnx"));
    CHECK(Work::temp_dirs(w.dir).empty());
  }
  SECTION("an unwritable location") {
    std::string target = "/proc/aotc-test-expose-" + std::to_string(getpid()) + ".onnx";
    check_user_error(run_aotc({"expose", data("layered.onnx"), "-o", target}, w.dir),
                     {"cannot write", target, "cannot create a file in '/proc'"});
    CHECK_FALSE(fs::exists(target));
  }
  SECTION("a model with external data: written next to it, or refused") {
    fs::create_directories(w.dir / "model");
    for (const char *file : {"external_data.onnx", "external_data.bin"}) fs::copy_file(data(file), w.dir / "model" / file);
    check_user_error(run_aotc({"expose", w.path("model/external_data.onnx"), "-o", w.path("out.onnx")}, w.dir),
                     {"external data", "same directory"});
    check_nothing_written();
    check_ok(run_aotc({"expose", w.path("model/external_data.onnx"), "-o", w.path("model/all.onnx")}, w.dir));
    Result info = run_aotc({"info", w.path("model/all.onnx")}, w.dir);
    check_ok(info);
    CHECK_THAT(info.out, Contains("output:     y: f32"));
  }
  SECTION("no -o") {
    Result r = run_aotc({"expose", data("layered.onnx")}, w.dir);
    check_no_crash(r);
    CHECK(r.exit_code != 0);
  }
}

// ---- the LLVM backend ----------------------------------------------------------

#if AOTC_HAVE_LLVM
namespace {

// e_machine of an ELF relocatable object (little-endian ELF only), or -1.
int elf_machine(const std::string &bytes) {
  if (bytes.size() < 20 || bytes.compare(0, 4, "\x7f" "ELF") != 0 || bytes[5] != 1) return -1;
  CHECK(bytes[16] == 1);  // e_type ET_REL
  return static_cast<unsigned char>(bytes[18]) | static_cast<unsigned char>(bytes[19]) << 8;
}

}  // namespace

TEST_CASE("aotc --backend llvm writes NAME.o NAME.h and aotc.h but no NAME.c", "[cli][llvm]") {
  Work w("llvm_files");
  check_ok(run_aotc({data("add_relu.onnx"), "-o", w.path("out"), "--name", "ar", "--backend", "llvm"}, w.dir));
  for (const char *f : {"ar.o", "ar.h", "aotc.h"}) {
    INFO(f);
    CHECK(fs::is_regular_file(w.dir / "out" / f));
    CHECK(fs::file_size(w.dir / "out" / f) > 0);
  }
  CHECK_FALSE(fs::exists(w.dir / "out" / "ar.c"));
  CHECK(Work::temp_dirs(w.dir).empty());
  // The same header as the C backend's: a firmware cannot tell the two apart.
  check_ok(run_aotc({data("add_relu.onnx"), "-o", w.path("out_c"), "--name", "ar"}, w.dir));
  CHECK(read_file(w.dir / "out" / "ar.h") == read_file(w.dir / "out_c" / "ar.h"));
  CHECK(read_file(w.dir / "out" / "aotc.h") == read_file(w.dir / "out_c" / "aotc.h"));
}

TEST_CASE("aotc --backend llvm compiles for --target and --triple: ELF e_machine", "[cli][llvm]") {
  Work w("llvm_elf");
  struct Case {
    std::vector<std::string> args;
    int machine;
  };
  const Case cases[] = {
      {{"--target", "cortex-m4"}, 40},              // EM_ARM
      {{"--triple", "aarch64-linux-gnu"}, 183},     // EM_AARCH64
      {{"--triple", "x86_64-linux-gnu"}, 62},       // EM_X86_64
  };
  int i = 0;
  for (const Case &c : cases) {
    std::string out = w.path("out" + std::to_string(i++));
    std::vector<std::string> args = {kModels + "/mnist_cnn/model.onnx", "-o", out, "--backend", "llvm"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    INFO(c.args[0] << " " << c.args[1]);
    check_ok(run_aotc(args, w.dir));
    CHECK(elf_machine(read_file(fs::path(out) / "model.o")) == c.machine);
  }
}

TEST_CASE("LLVM options: clear errors and no output for misuse", "[cli][llvm][errors]") {
  Work w("llvm_errors");
  std::string model = data("add_relu.onnx");
  // --triple, --cpu, --features only mean something to the LLVM backend.
  check_compile_fails(w, model, {"--triple", "--backend llvm"}, {"--triple", "aarch64-linux-gnu"}, false);
  check_compile_fails(w, model, {"--cpu", "--backend llvm"}, {"--cpu", "cortex-m7"}, false);
  check_compile_fails(w, model, {"--weights bin", "--backend llvm"}, {"--backend", "llvm", "--weights", "bin"}, false);
  // What LLVM cannot target must be one clear message, not a crash or an LLVM dump.
  check_compile_fails(w, model, {"--triple 'nonsense-xyz': LLVM has no such target"},
                      {"--backend", "llvm", "--triple", "nonsense-xyz"}, false);
  check_compile_fails(w, model, {"avx2"}, {"--backend", "llvm", "--features", "avx2"}, false);
  // verify: --weights bin has no meaning for the JIT either.
  Result jit_bin = run_aotc({"verify", kModels + "/mnist_cnn/model.onnx", "--data",
                             kModels + "/mnist_cnn/test_data_set_0", "--jit", "--weights", "bin"},
                            w.dir);
  check_user_error(jit_bin, {"--weights bin"});
}

// A bad --triple, --cpu or --features is the user's mistake, said as such
// before anything is compiled.
TEST_CASE("an unknown triple or CPU is not reported as an aotc bug", "[cli][llvm][errors]") {
  Work w("llvm_bad_target");
  for (const char *option : {"--triple", "--cpu"}) {
    Result r = run_aotc({data("add_relu.onnx"), "-o", w.path("out"), "--backend", "llvm", option, "nonsense-xyz"},
                        w.dir);
    check_user_error(r, {"nonsense-xyz"});
    CHECK_THAT(r.err, !Contains("aotc bug"));
  }
}

// --target picks kernels for its core's extensions; a --cpu without them was
// a crash inside LLVM (int8 SMLAD code for a Cortex-M0).
TEST_CASE("a --cpu without the extensions --target's kernels use is refused", "[cli][llvm][errors]") {
  Work w("llvm_cpu_lacks");
  check_compile_fails(w, kModels + "/kws_dscnn_int8/model.onnx", {"the DSP extension", "--cpu cortex-m0"},
                      {"--backend", "llvm", "--target", "cortex-m4", "--triple", "thumbv6m-none-eabi", "--cpu",
                       "cortex-m0"},
                      false);
}

TEST_CASE("an unknown --features name is an error", "[cli][llvm][errors]") {
  Work w("llvm_bad_feature");
  check_compile_fails(w, data("add_relu.onnx"), {"'nonsensefeat' is not a feature"},
                      {"--backend", "llvm", "--features", "+nonsensefeat"}, false);
}

TEST_CASE("verify --jit and --backend llvm match ONNX Runtime and --jit needs no C compiler", "[cli][llvm][verify]") {
  Work w("llvm_verify");
  std::vector<std::string> args = {"verify", kModels + "/mnist_cnn/model.onnx", "--data",
                                   kModels + "/mnist_cnn/test_data_set_0"};
  // PATH with no cc on it: --jit compiles and runs in this process.
  std::vector<std::string> jit = args;
  jit.push_back("--jit");
  Result r = run_aotc(jit, w.dir, "/nonexistent");
  check_ok(r);
  CHECK_THAT(r.out, Contains("PASS"));
  // --backend llvm links NAME.o through cc: without one it must say so, not crash.
  std::vector<std::string> llvm = args;
  llvm.insert(llvm.end(), {"--backend", "llvm"});
  Result linked = run_aotc(llvm, w.dir);
  check_ok(linked);
  CHECK_THAT(linked.out, Contains("PASS"));
  Result no_cc = run_aotc(llvm, w.dir, "/nonexistent");
  check_no_crash(no_cc);
  CHECK(no_cc.exit_code != 0);
}
#endif

// aotc run: one in-process run (no C compiler), outputs printed or written as
// .npy; the written file must be numpy's own bytes for the expected values.
TEST_CASE("aotc run prints or writes the outputs with no C compiler", "[cli][llvm][run]") {
  Work w("llvm_run");
  std::vector<std::string> args = {"run", data("add_relu.onnx"), "--input", "x=" + data("add_relu.x.npy")};
  Result printed = run_aotc(args, w.dir, "/nonexistent");
  check_ok(printed);
  CHECK_THAT(printed.out, Contains("'y' f32[2,3] = [0, 0, 0, 2.5, 0.5, 0]"));

  std::vector<std::string> to_file = args;
  to_file.insert(to_file.end(), {"-o", w.path("y.npy")});
  check_ok(run_aotc(to_file, w.dir, "/nonexistent"));
  CHECK(read_file(w.path("y.npy")) == read_file(data("add_relu.y.npy")));

  std::vector<std::string> to_dir = args;
  to_dir.insert(to_dir.end(), {"-o", w.path("outs")});
  check_ok(run_aotc(to_dir, w.dir, "/nonexistent"));
  CHECK(read_file(w.path("outs") + "/output_0.npy") == read_file(data("add_relu.y.npy")));

  // Wrong input shape: one clear error, nothing written.
  std::vector<std::string> bad = {"run", data("add_relu.onnx"), "--input", "x=" + data("branchy.x.npy"), "-o",
                                  w.path("bad.npy")};
  Result r = run_aotc(bad, w.dir, "/nonexistent");
  check_user_error(r, {"input 'x'"});
  CHECK_FALSE(fs::exists(w.path("bad.npy")));
}
