// Small helpers shared by the unit tests: building graphs by hand and checking
// that a call throws an aotc::Error whose message contains given fragments.
#pragma once
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ir/graph.h"

namespace aotc_test {

/// A typed, shaped value of `kind` in `g`.
inline aotc::Value *typed_value(aotc::Graph &g, const std::string &name, aotc::Value::Kind kind,
                                aotc::Shape shape, aotc::DType dtype = aotc::DType::Float) {
  aotc::Value *v = g.add_value(name, kind);
  v->dtype = dtype;
  v->shape = std::move(shape);
  v->shape_known = true;
  return v;
}

/// A graph input of type f32 (by default).
inline aotc::Value *input(aotc::Graph &g, const std::string &name, aotc::Shape shape,
                          aotc::DType dtype = aotc::DType::Float) {
  aotc::Value *v = typed_value(g, name, aotc::Value::Kind::Input, std::move(shape), dtype);
  g.inputs.push_back(v);
  return v;
}

/// An f32 constant holding `values` with `shape`.
inline aotc::Value *f32_constant(aotc::Graph &g, const std::string &name, const std::vector<float> &values,
                                 aotc::Shape shape) {
  aotc::Tensor t = aotc::make_tensor(aotc::DType::Float, std::move(shape));
  REQUIRE(static_cast<size_t>(t.count()) == values.size());
  for (size_t i = 0; i < values.size(); ++i) t.data<float>()[i] = values[i];
  return g.add_constant(name, std::move(t));
}

/// The elements of an f32 constant (e.g. a folded result).
inline std::vector<float> floats_of(const aotc::Value &v) {
  REQUIRE(v.is_constant());
  REQUIRE(v.constant->dtype == aotc::DType::Float);
  const float *p = v.constant->data<float>();
  return std::vector<float>(p, p + v.constant->count());
}

/// An untyped intermediate value (inference fills it in).
inline aotc::Value *temp(aotc::Graph &g, const std::string &name) {
  return g.add_value(name, aotc::Value::Kind::Intermediate);
}

/// Adds a named node at opset 13.
inline aotc::Node *node(aotc::Graph &g, const std::string &op, const std::string &name,
                        std::vector<aotc::Value *> ins, std::vector<aotc::Value *> outs) {
  aotc::Node *n = g.add_node(op, std::move(ins), std::move(outs));
  n->name = name;
  n->opset = 13;
  return n;
}

inline void set_output(aotc::Graph &g, aotc::Value *v, const std::string &name = "") {
  g.add_output(v, name);
}

/// Runs `f`, requires an aotc::Error, and returns its message.
template <typename F>
std::string error_of(F &&f) {
  try {
    f();
  } catch (const aotc::Error &e) {
    return e.what();
  }
  FAIL("expected an aotc::Error, but nothing was thrown");
  return "";
}

}  // namespace aotc_test
