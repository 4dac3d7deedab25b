// Tests of the memory report (codegen/report.h), its picture (memory.svg) and
// the Graphviz writer (--emit dot): the numbers against the plan they describe,
// and the XML/DOT text against malformed output and hostile names.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "codegen/emit_dot.h"
#include "codegen/report.h"
#include "compiler/driver.h"
#include "passes/memory_planner.h"
#include "passes/pipeline.h"
#include "test_util.h"
#include "xml_check.h"

using namespace aotc;
using namespace aotc_test;

namespace {

// x[1,8] -> MatMul(x, W[8,8]) -> y -> Add(x, y) -> z -> Relu -> out
Graph matmul_add_graph() {
  Graph g;
  g.name = "report";
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 8});
  Value *w = f32_constant(g, "w", std::vector<float>(64, 0.5f), {8, 8});
  Value *y = temp(g, "y"), *z = temp(g, "z"), *out = temp(g, "out");
  node(g, "MatMul", "mm", {x, w}, {y});
  node(g, "Add", "add", {x, y}, {z});
  node(g, "Relu", "relu", {z}, {out});
  set_output(g, out);
  return g;
}

// Occurrences of `needle` in `text`.
size_t count(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Problems with DOT text as emit_dot writes it: a header line, one statement
// per line (node or edge, ending in ';'), quotes closed on their line, edges
// between declared nodes, a closing brace. Returns "" when fine.
std::string dot_problem(const std::string &dot) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < dot.size()) {
    size_t nl = dot.find('\n', pos);
    if (nl == std::string::npos) return "no newline at the end";
    lines.push_back(dot.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (lines.size() < 2 || !std::regex_match(lines.front(), std::regex(R"(digraph "([^"\\]|\\.)*" \{)")))
    return "bad header: " + (lines.empty() ? "" : lines.front());
  if (lines.back() != "}") return "no closing brace";
  std::set<std::string> declared;
  const std::regex quoted(R"("([^"\\]|\\.)*")");
  const std::regex node_decl(R"(  (\w+) \[.*\];)"), edge(R"(  (\w+) -> (\w+) \[label=.*\];)");
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    const std::string &l = lines[i];
    // Outside quoted strings no quote may remain.
    if (std::regex_replace(l, quoted, "").find('"') != std::string::npos) return "unbalanced quotes: " + l;
    std::smatch m;
    if (std::regex_match(l, m, edge)) {
      if (!declared.count(m[1]) || !declared.count(m[2])) return "edge to an undeclared node: " + l;
    } else if (std::regex_match(l, m, node_decl)) {
      declared.insert(m[1]);
    } else if (l.rfind("  rankdir=", 0) != 0 && l.rfind("  node [", 0) != 0 && l.rfind("  edge [", 0) != 0) {
      return "unexpected line: " + l;
    }
  }
  return "";
}

}  // namespace

TEST_CASE("naive peak: a node's non-constant inputs, each once, plus its outputs", "[report]") {
  Graph g = matmul_add_graph();
  infer_shapes_and_fold(g);
  // MatMul: x 32 (W is a constant) + y 32 = 64; Add: x 32 + y 32 + z 32 = 96; Relu: 64.
  NaivePeak peak = naive_peak(g);
  CHECK(peak.bytes == 96);
  CHECK(peak.node == "add");
  CHECK(peak.op == "Add");

  // x * x reads one buffer: 32 + 32.
  Graph sq;
  sq.opsets[""] = 13;
  Value *x = input(sq, "x", {8});
  Value *y = temp(sq, "y");
  node(sq, "Mul", "square", {x, x}, {y});
  set_output(sq, y);
  infer_shapes_and_fold(sq);
  CHECK(naive_peak(sq).bytes == 64);
  CHECK(naive_peak(Graph{}).bytes == 0);
}

TEST_CASE("the report describes the plan: lifetimes, offsets, peak, MACs", "[report]") {
  Graph g = matmul_add_graph();
  run_graph_pipeline(g);
  // The graph's inputs and outputs in the caller's buffers (--io separate).
  Program p = lower_and_plan(g, 16, find_target(default_target_name()), IoMode::Separate);
  MemoryReport r = make_report(p, {"by_hand.onnx", "rep", NaivePeak{96, "add", "Add"}, EmitStats{256, 8, {}}, std::nullopt});
  CHECK(r.arena_bytes == p.scratch_size);
  CHECK(r.arena_lower_bound_bytes == p.live_peak_bytes);
  CHECK(r.peak_live_bytes == p.live_peak_bytes);
  CHECK(r.weights_bytes == 264);
  CHECK(r.io_bytes == 32 + 32);  // x and out live in the caller's buffers
  // z = x + y runs in place over y, which dies there.
  const ReportTensor *z = nullptr;
  for (const ReportTensor &t : r.tensors)
    if (t.name == "z") z = &t;
  REQUIRE(z);
  CHECK(z->in_place_of == "y");
  REQUIRE(r.ops.size() == p.steps.size());
  // MatMul [1,8] x [8,8]: 64 MACs; the rest count none.
  int64_t macs = 0;
  for (const ReportOp &op : r.ops) {
    CHECK(op.macs == (op.op == "MatMul" ? 64 : 0));
    macs += op.macs;
  }
  CHECK(r.macs == 64);
  CHECK(macs == r.macs);
  // Every arena tensor inside the arena, aligned, and no two live ones overlap.
  for (size_t a = 0; a < r.tensors.size(); ++a) {
    const ReportTensor &ta = r.tensors[a];
    INFO(ta.name);
    CHECK(ta.first_use <= ta.last_use);
    CHECK(ta.last_use < r.ops.size());
    if (!ta.in_arena) {
      CHECK((ta.kind == "input" || ta.kind == "output"));
      continue;
    }
    CHECK(ta.offset + ta.bytes <= r.arena_bytes);
    CHECK(ta.offset % 16 == 0);
    for (size_t b = a + 1; b < r.tensors.size(); ++b) {
      const ReportTensor &tb = r.tensors[b];
      if (!tb.in_arena || tb.bytes == 0 || ta.bytes == 0) continue;
      if (tb.in_place_of == ta.name) {  // written over ta at the step where ta dies
        CHECK(tb.offset == ta.offset);
        CHECK(tb.first_use == ta.last_use);
        continue;
      }
      bool live_together = ta.first_use <= tb.last_use && tb.first_use <= ta.last_use;
      bool apart = ta.offset + ta.bytes <= tb.offset || tb.offset + tb.bytes <= ta.offset;
      CHECK((!live_together || apart));
    }
  }
  std::string json = report_json(r);
  CHECK(json == report_json(r));
  CHECK_THAT(json, Catch::Contains("\"arena_bytes\": " + std::to_string(p.scratch_size) + ",\n"));
  CHECK_THAT(json, Catch::Contains("\"naive_peak_bytes\": 96,\n"));
  CHECK_THAT(json, Catch::Contains("\"kind\":\"input\",\"bytes\":32,\"offset\":null"));
  CHECK_THAT(report_summary(r), Catch::Contains("naive peak"));
}

TEST_CASE("with the I/O in the arena the report shows inputs and outputs live as the plan does", "[report]") {
  Graph g = matmul_add_graph();
  run_graph_pipeline(g);
  Program p = lower_and_plan(g, 16);  // IoMode::Arena
  MemoryReport r = make_report(p, {"by_hand.onnx", "rep", NaivePeak{96, "add", "Add"}, EmitStats{256, 8, {}}, std::nullopt});
  CHECK(r.io_bytes == 0);
  CHECK(r.arena_bytes == p.scratch_size);
  CHECK(r.peak_live_bytes == p.live_peak_bytes);
  size_t inputs = 0, outputs = 0;
  for (const ReportTensor &t : r.tensors) {
    INFO(t.name);
    CHECK(t.in_arena);
    if (t.kind == "input") {
      ++inputs;
      CHECK(t.first_use == 0);
    }
    if (t.kind == "output") {
      ++outputs;
      CHECK(t.last_use == p.steps.size() - 1);
    }
  }
  CHECK(inputs == g.inputs.size());
  CHECK(outputs == g.outputs.size());
}

TEST_CASE("memory.svg is well-formed XML with hostile names escaped", "[report][svg]") {
  // The checker itself: it must catch what it is for.
  CHECK(xml_problem("<svg><g></svg></g>") != "");
  CHECK(xml_problem("<svg><title>a < b</title></svg>") != "");
  CHECK(xml_problem("<svg><title>a & b</title></svg>") != "");
  CHECK(xml_problem("<svg x=1/>") != "");
  CHECK(xml_problem("<svg/><svg/>") != "");
  CHECK(xml_problem("<svg>\x1b</svg>") != "");
  CHECK(xml_problem("<svg a=\"&lt;\"><title>&amp;</title><rect/></svg>\n") == "");

  MemoryReport r;
  r.model = "m<1>.onnx";
  r.name = "net";
  r.target = "cortex-m4";
  r.arena_bytes = 4096;
  r.arena_lower_bound_bytes = 3072;
  r.naive_peak_bytes = 5000;
  r.peak_step = 1;
  r.peak_live_bytes = 3072;
  const std::string hostile = "</title><script>alert(1)</script>&\"'\x1b\xff]]>";
  for (size_t s = 0; s < 3; ++s) r.ops.push_back({s, "aotc_relu_f32", "Relu", hostile, {}, 0, 0});
  r.tensors.push_back({hostile, {"alias<&>"}, "activation", 2048, true, 0, 0, 1, ""});
  r.tensors.push_back({"scratch@1", {}, "scratch", 1024, true, 2048, 1, 1, ""});
  r.tensors.push_back({"in", {}, "input", 64, false, 0, 0, 0, ""});  // outside the arena: not drawn
  r.tensors.push_back({"empty", {}, "activation", 0, true, 0, 2, 2, ""});  // no bytes: not drawn
  std::string svg = memory_svg(r);
  INFO(svg);
  CHECK(xml_problem(svg) == "");
  CHECK(svg == memory_svg(r));
  CHECK(svg.find("<script") == std::string::npos);
  CHECK_THAT(svg, Catch::Contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&apos;\\x1B\\xFF"));
  // The document's title, the peak band, one rectangle per drawn tensor and one per step.
  CHECK(count(svg, "<title>") == 1 + 1 + 2 + 3);
  CHECK_THAT(svg, Catch::Contains("<title>step 2: aotc_relu_f32 (Relu '&lt;/title&gt;"));
  CHECK_THAT(svg, Catch::Contains("peak: step 1"));
  CHECK_THAT(svg, Catch::Contains("2,048 B at offset 0, steps 0..1"));
  CHECK_THAT(svg, Catch::Contains("naive peak 5,000 B"));
  // An empty plan still draws a valid picture.
  CHECK(xml_problem(memory_svg(MemoryReport{})) == "");
}

TEST_CASE("emit_dot (--emit dot): fused nodes say what they absorbed, edges carry sizes, names are escaped", "[report][dot]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 4});
  Value *s = temp(g, "s"), *y = temp(g, "y");
  node(g, "Sigmoid", "sig\"moid\\N", {x}, {s});
  node(g, "Mul", "mul", {x, s}, {y});
  set_output(g, y, "y\n\x1b[31m");
  run_graph_pipeline(g);
  std::string dot = emit_dot(g, "net\"work");
  INFO(dot);
  CHECK(dot_problem(dot) == "");
  CHECK(dot == emit_dot(g, "net\"work"));
  CHECK_THAT(dot, Catch::Contains("aotc.Silu: Sigmoid+Mul\\nsig\\\"moid\\\\N"));
  CHECK_THAT(dot, Catch::Contains("in0 -> n0 [label=\"f32[1,4]\\n16 B\"];"));
  CHECK_THAT(dot, Catch::Contains("n0 -> out0 [label=\"f32[1,4]\\n16 B\"];"));
  CHECK_THAT(dot, Catch::Contains("label=\"output\\ny\\n\\\\x1B[31m\""));

  // Conv + BatchNormalization + Relu from a real model.
  CompileOptions options;
  options.target = "cortex-m4";
  std::unique_ptr<Graph> kws = load_and_optimize(std::string(AOTC_MODELS_DIR) + "/kws_dscnn/model.onnx", options);
  std::string kws_dot = emit_dot(*kws, "kws");
  CHECK(dot_problem(kws_dot) == "");
  CHECK_THAT(kws_dot, Catch::Contains("aotc.FusedConv: Conv+BatchNormalization+Relu\\n"));
  CHECK_THAT(kws_dot, Catch::Contains(" nchw\\n32000 B\"];"));
}
