// The independent memory-plan checker (passes/check_plan.h): it accepts the
// plans of the real models and rejects hand-broken Programs. Every rejection
// test first requires the unbroken Program to pass, so it fails if the check
// that should catch the breakage were removed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include "compiler/driver.h"
#include "passes/check_plan.h"
#include "passes/memory_planner.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

// x{4,8} -> a = Relu(x), b = Sigmoid(x), c = a + b, s = Softmax(c, axis 0)
// (with scratch), r = Reshape(s, {1,4,8}) (shares s's arena storage), y = r + s;
// t = Relu(x), y2 = Reshape(t, {32}) (t is written straight into output y2).
struct Planned {
  Graph g;
  Program p;
  Value *a = nullptr, *b = nullptr, *c = nullptr, *s = nullptr, *r = nullptr, *y = nullptr, *t = nullptr,
        *y2 = nullptr;

  Planned() {
    g.name = "plan";
    g.opsets[""] = 13;
    Value *x = input(g, "x", {4, 8});
    Value *shape3 = g.add_constant("shape3", make_int64_tensor({1, 4, 8}, {3}));
    Value *shape1 = g.add_constant("shape1", make_int64_tensor({32}, {1}));
    a = temp(g, "a"), b = temp(g, "b"), c = temp(g, "c"), s = temp(g, "s"), r = temp(g, "r"), y = temp(g, "y");
    t = temp(g, "t"), y2 = temp(g, "y2");
    node(g, "Relu", "relu", {x}, {a});
    node(g, "Sigmoid", "sigmoid", {x}, {b});
    node(g, "Add", "add", {a, b}, {c});
    node(g, "Softmax", "softmax", {c}, {s})->attrs["axis"].value = int64_t{0};
    node(g, "Reshape", "reshape", {s, shape3}, {r});
    node(g, "Add", "add2", {r, s}, {y});
    node(g, "Relu", "relu2", {x}, {t});
    node(g, "Reshape", "reshape2", {t, shape1}, {y2});
    set_output(g, y);
    set_output(g, y2);
    run_graph_pipeline(g);
    p = lower_and_plan(g, 16);  // runs check_memory_plan
  }
  Storage &at(Value *v) { return p.storage.at(v); }
  // Removes the steps that write `v`.
  void erase_writers(const Value *v) {
    p.steps.erase(std::remove_if(p.steps.begin(), p.steps.end(),
                                 [&](const LoweredStep &step) {
                                   for (const KernelArg &arg : step.call.args)
                                     if (arg.writes && arg.value == v) return true;
                                   return false;
                                 }),
                  p.steps.end());
  }
  KernelArg &scratch_arg() {
    for (LoweredStep &step : p.steps)
      for (KernelArg &arg : step.call.args)
        if (arg.kind == KernelArg::Kind::Scratch) return arg;
    FAIL("no scratch argument");
    throw 0;
  }
  std::string error() { return error_of([&] { check_memory_plan(p); }); }
};

}  // namespace

TEST_CASE("check_memory_plan accepts the plans of the real models", "[check-plan]") {
  namespace fs = std::filesystem;
  std::vector<fs::path> models;
  for (auto &dir : fs::directory_iterator(AOTC_MODELS_DIR))
    if (fs::exists(dir.path() / "model.onnx")) models.push_back(dir.path() / "model.onnx");
  REQUIRE(models.size() >= 4);
  for (auto &model : models) {
    INFO(model.string());
    CompileOptions options;
    Compilation c = compile_model(model.string(), options);  // checks the plan ...
    CHECK_NOTHROW(check_memory_plan(c.program));             // ... and so does this
    CHECK(c.program.scratch_size > 0);
  }
  // The test models that compile (the bad_* ones fail, but not in the plan).
  for (auto &file : fs::directory_iterator(AOTC_TEST_DATA_DIR)) {
    if (file.path().extension() != ".onnx") continue;
    INFO(file.path().string());
    CompileOptions options;
    if (file.path().filename() == "symbolic_dim.onnx") options.import.input_shapes["x"] = {2, 3};
    try {
      Compilation c = compile_model(file.path().string(), options);
      CHECK_NOTHROW(check_memory_plan(c.program));
    } catch (const Error &e) {
      CHECK_THAT(std::string(e.what()), !Contains("memory plan"));
    }
  }
}

TEST_CASE("check_memory_plan accepts planned aliases and rejects the same sharing unplanned", "[check-plan]") {
  Planned t;
  REQUIRE(t.p.shares_storage_with.at(t.r) == t.s);    // arena alias
  REQUIRE(t.p.shares_storage_with.at(t.y2) == t.t);   // alias written into an output
  REQUIRE(t.at(t.r).offset == t.at(t.s).offset);
  REQUIRE(t.at(t.t).kind == Storage::Kind::Output);
  REQUIRE_NOTHROW(check_memory_plan(t.p));
  // r and s are live together (y = r + s): without the recorded alias their
  // shared offset is an overlap.
  t.p.shares_storage_with.erase(t.r);
  std::string e = t.error();
  CHECK_THAT(e, Contains("internal error: memory plan:") && Contains("'s'") && Contains("'r'") &&
                    Contains("overlaps"));
}

TEST_CASE("check_memory_plan rejects two live tensors that overlap", "[check-plan]") {
  Planned t;
  REQUIRE_NOTHROW(check_memory_plan(t.p));
  REQUIRE(t.at(t.a).offset != t.at(t.b).offset);  // a and b are both read by c = a + b
  t.at(t.b).offset = t.at(t.a).offset;
  std::string e = t.error();
  CHECK_THAT(e, Contains("memory plan") && Contains("'a' (arena bytes [") && Contains("'b' (arena bytes [") &&
                    Contains("overlaps") && Contains("steps "));
  // A partial overlap (b one alignment unit into a) is caught too.
  t.p.scratch_size += 16;
  t.at(t.b).offset = t.at(t.a).offset + 16;
  CHECK_THAT(t.error(), Contains("overlaps") && Contains("'a'") && Contains("'b'"));
}

TEST_CASE("check_memory_plan rejects a tensor past the end of the arena", "[check-plan]") {
  Planned t;
  REQUIRE_NOTHROW(check_memory_plan(t.p));
  t.at(t.c).offset = align_up(t.p.scratch_size, 16);
  CHECK_THAT(t.error(), Contains("memory plan") && Contains("'c'") && Contains("ends past the arena"));
  // Offsets near SIZE_MAX must not wrap around.
  t.at(t.c).offset = SIZE_MAX - 15;
  CHECK_THAT(t.error(), Contains("'c'") && Contains("overflows"));
}

TEST_CASE("check_memory_plan rejects a scratch buffer overlapping a live tensor", "[check-plan]") {
  Planned t;
  REQUIRE_NOTHROW(check_memory_plan(t.p));
  KernelArg &scratch = t.scratch_arg();
  REQUIRE(scratch.scratch_bytes > 0);
  scratch.scratch_offset = t.at(t.c).offset;  // c is the input of the softmax that uses the scratch
  CHECK_THAT(t.error(), Contains("memory plan") && Contains("scratch buffer of step") && Contains("aotc_softmax") &&
                            Contains("'c'") && Contains("overlaps"));
  scratch.scratch_offset = t.p.scratch_size;
  CHECK_THAT(t.error(), Contains("scratch buffer of step") && Contains("ends past the arena"));
}

TEST_CASE("check_memory_plan rejects a misaligned offset", "[check-plan]") {
  Planned t;
  REQUIRE_NOTHROW(check_memory_plan(t.p));
  t.p.scratch_size += 64;  // so that only the alignment is wrong
  t.at(t.a).offset += 4;
  CHECK_THAT(t.error(), Contains("memory plan") && Contains("'a'") && Contains("not aligned to 16"));
  t.at(t.a).offset -= 4;
  REQUIRE_NOTHROW(check_memory_plan(t.p));
  t.scratch_arg().scratch_offset += 8;
  CHECK_THAT(t.error(), Contains("scratch buffer") && Contains("not aligned to 16"));
}

TEST_CASE("check_memory_plan rejects an input/output argument of the wrong size or buffer", "[check-plan]") {
  Planned t;
  REQUIRE_NOTHROW(check_memory_plan(t.p));
  // t is written straight into output y2 (a planned alias); make it bigger than y2.
  t.t->shape = {4, 9};
  CHECK_THAT(t.error(), Contains("memory plan") && Contains("'t' (144 bytes) is stored in graph output 1") &&
                            Contains("'y2', 128 bytes"));
  t.t->shape = {4, 8};
  REQUIRE_NOTHROW(check_memory_plan(t.p));
  // c in output 0's buffer without being an alias of it.
  t.at(t.c) = {Storage::Kind::Output, 0, 0};
  CHECK_THAT(t.error(), Contains("'c' is stored in graph output 0 ('y') but is not an alias of it"));
  t.at(t.c) = {Storage::Kind::Output, 7, 0};
  CHECK_THAT(t.error(), Contains("'c' is stored as graph output 7, but the graph has 2"));
}

TEST_CASE("check_memory_plan rejects missing storage, written inputs and reads before writes", "[check-plan]") {
  SECTION("an argument without storage") {
    Planned t;
    t.p.storage.erase(t.c);
    CHECK_THAT(t.error(), Contains("'c', an argument of step") && Contains("has no storage"));
  }
  SECTION("a kernel writing a graph input") {
    Planned t;
    t.at(t.a) = {Storage::Kind::Input, 0, 0};
    t.p.shares_storage_with[t.a] = t.g.inputs[0];
    CHECK_THAT(t.error(), Contains("writes 'a', which is stored as a graph input"));
  }
  SECTION("an arena tensor read before it is written") {
    Planned t;
    t.erase_writers(t.a);  // c = a + b then reads whatever is there
    CHECK_THAT(t.error(), Contains("'a'") && Contains("before any step writes it"));
  }
  SECTION("a graph output that nothing writes") {
    Planned t;
    t.erase_writers(t.y);
    CHECK_THAT(t.error(), Contains("graph output 0 'y' is never written"));
  }
}
