// ONNX ModelProto -> aotc IR.
//
// Handles: initializers (raw, typed fields and external data), Constant nodes,
// opset imports, symbolic dims resolved by --input-shape, nodes out of
// topological order (sorted here; a cycle is an error), and element types
// newer than the ONNX 1.12 schema we build against (kept by number; packed
// 4-bit and 2-bit tensors are unpacked to one element per byte, see ir/dtype.h).
#include "compiler/onnx_import.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ir/escape.h"
#include "ir/limits.h"
#include "ops/op.h"

namespace aotc {

namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string &path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(fmt::format("{}: no such file", path));
  if (fs::is_directory(path, ec)) fail(fmt::format("{}: is a directory, expected an .onnx file", path));
  if (!fs::is_regular_file(path, ec)) fail(fmt::format("{}: not a regular file", path));
  uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > limits::kMaxModelFileBytes)
    fail(fmt::format("{}: file of {} bytes is larger than the {} bytes aotc reads (keep large weights in external "
                     "data files)", path, size, limits::kMaxModelFileBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(fmt::format("{}: cannot open file: {}", path, std::strerror(errno)));
  // One read into a buffer of the file's size: growing a stream buffer costs
  // as much again as parsing for a model of tens of MB.
  std::string bytes;
  if (!ec) bytes.resize(static_cast<size_t>(size));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  char extra;  // the file may have grown since it was sized
  if (in.read(&extra, 1)) {
    std::ostringstream rest;
    rest << extra << in.rdbuf();
    bytes += rest.str();
  }
  return bytes;
}

template <typename Message>
void parse_proto(Message &msg, const std::string &bytes, const std::string &path, const char *what) {
  if (bytes.empty()) fail(fmt::format("{}: file is empty, not {}", path, what));
  if (!msg.ParseFromString(bytes))
    fail(fmt::format("{}: not {} (protobuf parse failed: corrupt or truncated file)", path, what));
}

// Copies `count` elements of repeated field `src` into `t`, converting to the storage type.
template <typename Storage, typename Field>
void copy_field(Tensor &t, const Field &src) {
  t.bytes.assign(static_cast<size_t>(src.size()) * sizeof(Storage), 0);
  auto *dst = t.data<Storage>();
  for (int i = 0; i < src.size(); ++i) dst[i] = static_cast<Storage>(src.Get(i));
}

// ONNX packs 4-bit and 2-bit elements (two or four per byte, the first in the
// lowest bits); aotc keeps one element per byte, sign-extended for int4/int2.
void unpack_subbyte(Tensor &t, const uint8_t *packed) {
  size_t bits = onnx_packed_bits(t.dtype);
  bool is_signed = t.dtype == DType::Int4 || t.dtype == DType::Int2;
  uint32_t mask = (1u << bits) - 1u, sign = 1u << (bits - 1);
  for (size_t i = 0; i < t.bytes.size(); ++i) {
    size_t bit = i * bits;
    uint32_t v = (static_cast<uint32_t>(packed[bit / 8]) >> (bit % 8)) & mask;
    if (is_signed && (v & sign)) v |= ~mask;  // two's complement sign extension
    t.bytes[i] = static_cast<uint8_t>(v);
  }
}

// Element count of a tensor shape from the model, within aotc's limits.
int64_t checked_element_count(const Shape &shape, const std::string &what) {
  if (shape.size() > limits::kMaxRank)
    fail(fmt::format("{} has rank {}; aotc supports at most {} dimensions", what, shape.size(), limits::kMaxRank));
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] < 0) fail(fmt::format("{} has negative dimension {} ({})", what, i, shape[i]));
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return 0;
  int64_t count = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(count, d, &count) || count > limits::kMaxTensorElements)
      fail(fmt::format("{} has shape {}: more than the {} elements a tensor may have (generated code indexes "
                       "tensors with int32_t)", what, shape_str(shape), limits::kMaxTensorElements));
  return count;
}

// A non-negative decimal number from an external_data entry.
uint64_t parse_size_field(const std::string &text, const std::string &key, const std::string &where) {
  uint64_t value = 0;
  bool ok = !text.empty() && text.size() <= 19;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    else value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok) fail(fmt::format("{}: external data {} '{}' is not a byte count", where, key, escape_terminal(text)));
  return value;
}

// Reads the `stored` bytes of a tensor kept in an external file. The file must
// lie inside the model's directory: `location` is relative, has no '..', and
// still lies inside after symlinks are resolved (a model must not be able to
// pull an arbitrary file, such as a key, into the generated weights).
std::vector<uint8_t> read_external_data(const onnx::TensorProto &proto, size_t stored, const fs::path &model_dir,
                                        const std::string &where) {
  std::string location;
  uint64_t offset = 0, length = stored;
  bool has_length = false;
  std::string tensor = escape_terminal(proto.name());
  for (auto &kv : proto.external_data()) {
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset") offset = parse_size_field(kv.value(), "offset", where);
    else if (kv.key() == "length") length = parse_size_field(kv.value(), "length", where), has_length = true;
  }
  if (location.empty()) fail(fmt::format("{}: tensor '{}' has external data without a location", where, tensor));
  std::string shown = escape_terminal(location);
  fs::path rel(location);
  bool escapes = location.find('\0') != std::string::npos || rel.is_absolute() || rel.has_root_name() ||
                 rel.has_root_directory();
  for (const fs::path &part : rel) escapes = escapes || part == "..";
  if (escapes)
    fail(fmt::format("{}: tensor '{}' has external data location '{}', which is not a relative path inside the "
                     "model's directory", where, tensor, shown));
  std::error_code ec;
  fs::path dir = fs::canonical(model_dir.empty() ? fs::path(".") : model_dir, ec);
  fs::path file = ec ? fs::path() : fs::canonical(dir / rel, ec);
  if (ec)
    fail(fmt::format("{}: external data file '{}' of tensor '{}' cannot be opened: {}", where, shown, tensor,
                     ec.message()));
  fs::path inside = file.lexically_relative(dir);
  if (inside.empty() || *inside.begin() == ".." || inside == ".")
    fail(fmt::format("{}: tensor '{}' has external data location '{}', which leads out of the model's directory "
                     "(through a symbolic link)", where, tensor, shown));
  if (!fs::is_regular_file(file, ec))
    fail(fmt::format("{}: external data file '{}' of tensor '{}' is not a regular file", where, shown, tensor));
  uintmax_t file_size = fs::file_size(file, ec);
  if (ec) fail(fmt::format("{}: external data file '{}' of tensor '{}' cannot be read: {}", where, shown, tensor, ec.message()));
  if (has_length && length != stored)
    fail(fmt::format("{}: tensor '{}' external data length {} does not match its {} bytes", where, tensor, length, stored));
  if (offset > file_size || stored > file_size - offset)
    fail(fmt::format("{}: external data file '{}' ({} bytes) is too short for tensor '{}' ({} bytes at offset {})",
                     where, shown, file_size, tensor, stored, offset));
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> data(stored);
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(reinterpret_cast<char *>(data.data()), static_cast<std::streamsize>(stored));
  if (!in || static_cast<size_t>(in.gcount()) != stored)
    fail(fmt::format("{}: external data file '{}' of tensor '{}' cannot be read", where, shown, tensor));
  return data;
}

Tensor tensor_from_proto(const onnx::TensorProto &proto, const fs::path &model_dir, const std::string &where) {
  Tensor t;
  t.dtype = static_cast<DType>(proto.data_type());
  t.shape.assign(proto.dims().begin(), proto.dims().end());
  int64_t count = checked_element_count(t.shape, fmt::format("{}: tensor '{}'", where, proto.name()));
  if (t.dtype == DType::String) {
    t.strings.assign(proto.string_data().begin(), proto.string_data().end());
    return t;
  }
  size_t elem = dtype_size(t.dtype);
  if (elem == 0) fail(fmt::format("{}: tensor '{}' has unsupported element type {}", where, proto.name(), proto.data_type()));
  size_t expected = static_cast<size_t>(count) * elem;
  // Bytes of the serialized form: fewer than `expected` for packed sub-byte types.
  size_t bits = onnx_packed_bits(t.dtype);
  bool packed = bits < 8;
  size_t stored = packed ? (static_cast<size_t>(count) * bits + 7) / 8 : expected;
  // Takes the serialized bytes, unpacking sub-byte types.
  auto take_bytes = [&](const uint8_t *data) {
    if (packed) {
      t.bytes.assign(expected, 0);
      unpack_subbyte(t, data);
    } else {
      t.bytes.assign(data, data + expected);
    }
  };

  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    std::vector<uint8_t> data = read_external_data(proto, stored, model_dir, where);
    take_bytes(data.data());
    return t;
  }

  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != stored)
      fail(fmt::format("{}: tensor '{}' has {} bytes of data, but {}{} needs {}", where, proto.name(),
                       proto.raw_data().size(), dtype_name(t.dtype), shape_str(t.shape), stored));
    take_bytes(reinterpret_cast<const uint8_t *>(proto.raw_data().data()));
    return t;
  }
  // Typed fields: the counts are checked before anything is allocated.
  auto check = [&](int n, int64_t needed) {
    if (n != needed)
      fail(fmt::format("{}: tensor '{}' has {} elements of data, but {}{} needs {}", where, proto.name(), n,
                       dtype_name(t.dtype), shape_str(t.shape), needed));
  };
  if (packed) {
    // Each int32_data entry holds one packed byte.
    check(proto.int32_data_size(), static_cast<int64_t>(stored));
    std::vector<uint8_t> data(stored);
    for (size_t i = 0; i < stored; ++i) data[i] = static_cast<uint8_t>(proto.int32_data(static_cast<int>(i)));
    take_bytes(data.data());
    return t;
  }
  switch (t.dtype) {
    case DType::Float: check(proto.float_data_size(), count); copy_field<float>(t, proto.float_data()); break;
    case DType::Double: check(proto.double_data_size(), count); copy_field<double>(t, proto.double_data()); break;
    case DType::Int64: check(proto.int64_data_size(), count); copy_field<int64_t>(t, proto.int64_data()); break;
    case DType::UInt32:
    case DType::UInt64:
      check(proto.uint64_data_size(), count);
      if (t.dtype == DType::UInt32) copy_field<uint32_t>(t, proto.uint64_data());
      else copy_field<uint64_t>(t, proto.uint64_data());
      break;
    case DType::Int32: check(proto.int32_data_size(), count); copy_field<int32_t>(t, proto.int32_data()); break;
    case DType::Int16: check(proto.int32_data_size(), count); copy_field<int16_t>(t, proto.int32_data()); break;
    case DType::Int8: check(proto.int32_data_size(), count); copy_field<int8_t>(t, proto.int32_data()); break;
    case DType::UInt16:
    case DType::Float16:
    case DType::BFloat16: check(proto.int32_data_size(), count); copy_field<uint16_t>(t, proto.int32_data()); break;
    case DType::UInt8:
    case DType::Bool:
    case DType::Float8E4M3FN:  // float8 types: one bit pattern per int32_data entry
    case DType::Float8E4M3FNUZ:
    case DType::Float8E5M2:
    case DType::Float8E5M2FNUZ:
    case DType::Float8E8M0: check(proto.int32_data_size(), count); copy_field<uint8_t>(t, proto.int32_data()); break;
    default: fail(fmt::format("{}: tensor '{}' has element type {} aotc cannot read", where, proto.name(), dtype_name(t.dtype)));
  }
  return t;
}

Attribute attribute_from_proto(const onnx::AttributeProto &a, const fs::path &model_dir, const std::string &where) {
  Attribute out;
  using A = onnx::AttributeProto;
  size_t elements = static_cast<size_t>(std::max({a.ints_size(), a.floats_size(), a.strings_size()}));
  if (elements > limits::kMaxAttributeElements)
    fail(fmt::format("{}: attribute '{}' has {} elements; aotc accepts at most {}", where, escape_terminal(a.name()),
                     elements, limits::kMaxAttributeElements));
  switch (a.type()) {
    case A::INT: out.value = static_cast<int64_t>(a.i()); break;
    case A::FLOAT: out.value = a.f(); break;
    case A::STRING: out.value = a.s(); break;
    case A::INTS: out.value = std::vector<int64_t>(a.ints().begin(), a.ints().end()); break;
    case A::FLOATS: out.value = std::vector<float>(a.floats().begin(), a.floats().end()); break;
    case A::STRINGS: out.value = std::vector<std::string>(a.strings().begin(), a.strings().end()); break;
    case A::TENSOR: out.value = tensor_from_proto(a.t(), model_dir, where); break;
    default:
      fail(fmt::format("{}: attribute '{}' has a type aotc does not support ({})", where, a.name(), static_cast<int>(a.type())));
  }
  return out;
}

// Constant node -> tensor, from whichever value attribute it carries.
Tensor constant_node_value(const onnx::NodeProto &node, const fs::path &model_dir, const std::string &where) {
  if (node.attribute_size() != 1) fail(fmt::format("{}: Constant must have exactly one value attribute", where));
  const auto &a = node.attribute(0);
  if (a.name() == "value") return tensor_from_proto(a.t(), model_dir, where);
  if (a.name() == "value_float") {
    Tensor t = make_tensor(DType::Float, {});
    *t.data<float>() = a.f();
    return t;
  }
  if (a.name() == "value_floats") {
    Tensor t = make_tensor(DType::Float, {static_cast<int64_t>(a.floats_size())});
    std::copy(a.floats().begin(), a.floats().end(), t.data<float>());
    return t;
  }
  if (a.name() == "value_int") return make_int64_tensor({a.i()}, {});
  if (a.name() == "value_ints")
    return make_int64_tensor(std::vector<int64_t>(a.ints().begin(), a.ints().end()), {static_cast<int64_t>(a.ints_size())});
  fail(fmt::format("{}: Constant attribute '{}' is not supported", where, a.name()));
}

std::string node_label(const onnx::NodeProto &n, int version) {
  std::string op = n.domain().empty() || n.domain() == "ai.onnx" ? n.op_type() : n.domain() + "." + n.op_type();
  op = escape_terminal(op);
  if (!n.name().empty()) return fmt::format("node '{}' ({}, opset {})", escape_terminal(n.name()), op, version);
  std::string out = n.output_size() > 0 ? n.output(0) : "?";
  return fmt::format("node with output '{}' ({}, opset {})", escape_terminal(out), op, version);
}

// A node in a list: its name, else its first output.
std::string node_ref(const onnx::NodeProto &n) {
  if (!n.name().empty()) return fmt::format("'{}'", escape_terminal(n.name()));
  for (const std::string &out : n.output())
    if (!out.empty()) return fmt::format("output '{}'", escape_terminal(out));
  return "(unnamed, no outputs)";
}

std::string plural(size_t count, const char *noun) { return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s"); }

// An op aotc lacks, with the nodes that use it (the first few are named).
struct UnsupportedOp {
  static constexpr size_t kNamed = 5;
  std::string op;  ///< e.g. "LSTM (opset 22)"
  std::vector<std::string> nodes;

  std::string describe_nodes() const {
    if (nodes.size() == 1) return (nodes[0][0] == '\'' ? "node " : "node with ") + nodes[0];
    std::vector<std::string> named(nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(std::min(nodes.size(), kNamed)));
    std::string text = fmt::format("{}: {}", plural(nodes.size(), "node"), fmt::join(named, ", "));
    if (nodes.size() > kNamed) text += fmt::format(" and {} more", nodes.size() - kNamed);
    return text;
  }
};

// Opset versions aotc implements, by domain ("" is ai.onnx): up to ONNX 1.20;
// com.microsoft is ONNX Runtime's contrib domain, of which aotc has only the
// quantized ops of ops/quantize_contrib.cpp (its other ops are unsupported).
// Other domains have no ops in aotc; a node using one is reported as unsupported.
const std::map<std::string, int64_t> &max_opset_versions() {
  static const std::map<std::string, int64_t> versions = {
      {"", 28}, {"ai.onnx.ml", 5}, {"ai.onnx.preview", 1}, {"ai.onnx.preview.training", 1}, {"com.microsoft", 1}};
  return versions;
}

void check_opset_version(const std::string &domain, int64_t version, const std::string &path,
                         const ImportOptions &options) {
  std::string shown = domain.empty() ? "ai.onnx" : escape_terminal(domain);
  if (version < 1 || version > INT32_MAX)
    fail(fmt::format("{}: the model imports opset {} version {}, which does not exist", path, shown, version));
  auto known = max_opset_versions().find(domain);
  if (known == max_opset_versions().end() || version <= known->second) return;
  std::string message = fmt::format("{}: the model imports opset {} version {}, newer than any aotc knows (aotc "
                                    "supports versions 1 to {})", path, shown, version, known->second);
  if (!options.allow_newer_opset) fail(message + "; --allow-newer-opset compiles it anyway, as the newest version");
  if (options.warn) options.warn(message + "; compiling it as version " + std::to_string(known->second) +
                                 " semantics, as --allow-newer-opset asks");
}

// Counts and nesting depth of a graph against aotc's limits (ir/limits.h).
void check_graph_limits(const onnx::GraphProto &g, const std::string &path, int depth) {
  if (depth > limits::kMaxSubgraphDepth)
    fail(fmt::format("{}: subgraphs nest more than {} deep", path, limits::kMaxSubgraphDepth));
  if (static_cast<size_t>(g.node_size()) > limits::kMaxNodes)
    fail(fmt::format("{}: the graph has {} nodes; aotc accepts at most {}", path, g.node_size(), limits::kMaxNodes));
  size_t tensors = static_cast<size_t>(g.initializer_size()) + static_cast<size_t>(g.input_size());
  for (const auto &n : g.node()) tensors += static_cast<size_t>(n.output_size());
  if (tensors > limits::kMaxTensors)
    fail(fmt::format("{}: the graph has {} tensors; aotc accepts at most {}", path, tensors, limits::kMaxTensors));
  for (const auto &n : g.node())
    for (const auto &a : n.attribute()) {
      if (a.has_g()) check_graph_limits(a.g(), path, depth + 1);
      for (const auto &sub : a.graphs()) check_graph_limits(sub, path, depth + 1);
    }
}

// Every name read inside the subgraphs of `n`, at any depth (node inputs and
// subgraph outputs): a superset of the enclosing-scope values they read,
// which the node depends on as it does on its inputs.
void collect_subgraph_reads(const onnx::NodeProto &n, std::set<std::string> &reads) {
  auto visit_graph = [&](const onnx::GraphProto &sub, auto &self) -> void {
    for (const auto &out : sub.output()) reads.insert(out.name());
    for (const auto &inner : sub.node()) {
      for (const auto &in : inner.input()) reads.insert(in);
      for (const auto &a : inner.attribute())
        if (a.has_g()) self(a.g(), self);
    }
  };
  for (const auto &a : n.attribute())
    if (a.has_g()) visit_graph(a.g(), visit_graph);
}

// Stands for a value of an enclosing scope that a subgraph reads: returns the
// subgraph's placeholder value for `name`, or nullptr if no scope defines it.
using OuterScope = std::function<Value *(const std::string &name)>;
const OuterScope no_outer_scope = [](const std::string &) -> Value * { return nullptr; };

void import_nodes(const onnx::GraphProto &g, Graph &graph, std::map<std::string, Value *> &by_name,
                  const OuterScope &outer, const fs::path &model_dir);

// A subgraph (If's branches, Loop's and Scan's body) as a Graph of its own.
// Its formal inputs get their element types here and their shapes when the
// owning node is expanded; values of enclosing scopes it reads become extra
// inputs at the end (Graph::outer_reads).
std::shared_ptr<Graph> import_subgraph(const onnx::GraphProto &sg, const Graph &parent,
                                       const std::function<bool(const std::string &)> &parent_defines,
                                       const fs::path &model_dir) {
  auto body = std::make_shared<Graph>();
  body->name = sg.name();
  body->source_path = parent.source_path;
  body->opsets = parent.opsets;
  const std::string where = fmt::format("{}: subgraph '{}'", parent.source_path, escape_terminal(sg.name()));
  std::map<std::string, Value *> by_name;
  for (const auto &init : sg.initializer()) {
    if (by_name.count(init.name())) fail(fmt::format("{}: value '{}' is defined twice", where, init.name()));
    by_name[init.name()] = body->add_constant(init.name(), tensor_from_proto(init, model_dir, where));
  }
  for (const auto &in : sg.input()) {
    if (by_name.count(in.name())) continue;
    // Untyped is fine: the value passed in decides.
    const bool typed = in.type().value_case() != onnx::TypeProto::VALUE_NOT_SET;
    if (typed && !in.type().has_tensor_type())
      fail(fmt::format("{}: input '{}' is not a tensor; aotc supports tensor values only", where, in.name()));
    Value *v = body->add_value(in.name(), Value::Kind::Input);
    if (typed) v->dtype = static_cast<DType>(in.type().tensor_type().elem_type());
    body->inputs.push_back(v);
    by_name[in.name()] = v;
  }
  std::vector<Value *> placeholders;
  OuterScope outer = [&](const std::string &name) -> Value * {
    auto it = by_name.find(name);
    if (it != by_name.end()) return it->second;
    if (!parent_defines(name)) return nullptr;
    Value *v = body->add_value(name, Value::Kind::Input);
    by_name[name] = v;
    placeholders.push_back(v);
    body->outer_reads.push_back(name);
    return v;
  };
  import_nodes(sg, *body, by_name, outer, model_dir);
  for (const auto &out : sg.output()) {
    Value *v = by_name.count(out.name()) ? by_name[out.name()] : outer(out.name());
    if (!v) fail(fmt::format("{}: output '{}' is never defined", where, out.name()));
    body->add_output(v, out.name());
  }
  body->inputs.insert(body->inputs.end(), placeholders.begin(), placeholders.end());
  return body;
}

// Imports the nodes of `g` into `graph` in topological order. `by_name` holds
// the values defined so far (initializers, inputs); `outer` resolves names
// defined by enclosing scopes (subgraphs only).
void import_nodes(const onnx::GraphProto &g, Graph &graph, std::map<std::string, Value *> &by_name,
                  const OuterScope &outer, const fs::path &model_dir) {
  const std::string &path = graph.source_path;
  auto define = [&](const std::string &name, Value *v, const std::string &where) {
    if (by_name.count(name)) fail(fmt::format("{}: {}: value '{}' is defined twice", path, where, name));
    by_name[name] = v;
  };
  auto opset_of = [&](const onnx::NodeProto &n) {
    auto it = graph.opsets.find(n.domain() == "ai.onnx" ? "" : n.domain());
    return it == graph.opsets.end() ? 0 : it->second;
  };
  // Order nodes topologically (ONNX requires it, but not every exporter obeys).
  const int n_nodes = g.node_size();
  std::map<std::string, int> producer_of;
  for (int i = 0; i < n_nodes; ++i)
    for (const auto &out : g.node(i).output())
      if (!out.empty()) producer_of[out] = i;
  std::vector<int> order, state(static_cast<size_t>(n_nodes), 0);  // 0 new, 1 visiting, 2 done
  std::function<void(int)> visit = [&](int i) {
    if (state[static_cast<size_t>(i)] == 2) return;
    const auto &n = g.node(i);
    if (state[static_cast<size_t>(i)] == 1) fail(fmt::format("{}: the graph has a cycle through {}", path, node_label(n, opset_of(n))));
    state[static_cast<size_t>(i)] = 1;
    for (const auto &in : n.input()) {
      if (in.empty() || by_name.count(in)) continue;
      auto it = producer_of.find(in);
      if (it == producer_of.end()) {
        if (outer(in)) continue;
        fail(fmt::format("{}: {} reads '{}', which nothing defines", path, node_label(n, opset_of(n)), in));
      }
      visit(it->second);
    }
    std::set<std::string> sub_reads;
    collect_subgraph_reads(n, sub_reads);
    for (const std::string &name : sub_reads) {
      auto it = producer_of.find(name);
      if (it != producer_of.end() && it->second != i && !by_name.count(name)) visit(it->second);
    }
    state[static_cast<size_t>(i)] = 2;
    order.push_back(i);
  };
  for (int i = 0; i < n_nodes; ++i) visit(i);

  for (int i : order) {
    const auto &n = g.node(i);
    std::string domain = n.domain() == "ai.onnx" ? "" : n.domain();
    int version = opset_of(n);
    std::string where = fmt::format("{}: {}", path, node_label(n, version));
    if (n.op_type() == "Constant" && domain.empty()) {
      if (n.output_size() != 1) fail(where + ": Constant must have one output");
      define(n.output(0), graph.add_constant(n.output(0), constant_node_value(n, model_dir, where)), where);
      continue;
    }
    std::vector<Value *> inputs, outputs;
    for (const auto &in : n.input()) inputs.push_back(in.empty() ? nullptr : by_name.count(in) ? by_name.at(in) : outer(in));
    std::map<std::string, Attribute> attrs;
    std::vector<std::string> outer_reads;  // of all its subgraphs, in first-read order
    for (const auto &a : n.attribute()) {
      if (attrs.count(a.name())) fail(fmt::format("{}: attribute '{}' is given twice", where, a.name()));
      // aotc_* attributes are aotc's own (set by passes, e.g. a fused activation).
      if (a.name().rfind("aotc_", 0) == 0) fail(fmt::format("{}: attribute name '{}' is reserved", where, a.name()));
      if (a.type() != onnx::AttributeProto::GRAPH) {
        attrs[a.name()] = attribute_from_proto(a, model_dir, where);
        continue;
      }
      auto defined_here = [&](const std::string &name) { return by_name.count(name) > 0 || outer(name) != nullptr; };
      std::shared_ptr<Graph> body = import_subgraph(a.g(), graph, defined_here, model_dir);
      for (const std::string &name : body->outer_reads)
        if (std::find(outer_reads.begin(), outer_reads.end(), name) == outer_reads.end()) outer_reads.push_back(name);
      attrs[a.name()].value = Attribute::Subgraph(std::move(body));
    }
    for (const auto &out : n.output()) {
      if (out.empty()) {
        outputs.push_back(nullptr);
        continue;
      }
      Value *v = graph.add_value(out, Value::Kind::Intermediate);
      define(out, v, where);
      outputs.push_back(v);
    }
    // Trailing omitted optional outputs are dropped, so ops see only real ones.
    while (!outputs.empty() && outputs.back() == nullptr) outputs.pop_back();
    while (!inputs.empty() && inputs.back() == nullptr) inputs.pop_back();
    // A control-flow node reads the outer values its subgraphs read, as its last inputs.
    for (const std::string &name : outer_reads) inputs.push_back(by_name.at(name));
    if (!outer_reads.empty()) attrs["aotc_outer_reads"].value = outer_reads;
    Node *node = graph.add_node(n.op_type(), inputs, outputs);
    node->domain = domain;
    node->name = n.name();
    node->opset = version;
    node->attrs = std::move(attrs);
  }
}

// Model-local functions (ModelProto.functions): a node whose domain and op
// name one is replaced by the function's nodes, with the function's inputs
// and outputs renamed to the node's, its other values given a prefix unique
// to the call, and attributes that refer to the caller's (ref_attr_name)
// resolved. Done on the protobuf, before anything else reads the graph, and
// inside subgraphs and the functions' own bodies too.
class FunctionInliner {
 public:
  FunctionInliner(const onnx::ModelProto &model, const std::string &path) : path_(path) {
    for (const auto &f : model.functions()) functions_[{f.domain() == "ai.onnx" ? "" : f.domain(), f.name()}] = &f;
  }
  bool empty() const { return functions_.empty(); }

  void inline_calls(onnx::GraphProto &g, int depth) {
    google::protobuf::RepeatedPtrField<onnx::NodeProto> out;
    for (auto &n : *g.mutable_node()) {
      for (auto &a : *n.mutable_attribute())
        if (a.has_g()) inline_calls(*a.mutable_g(), depth);
      auto it = functions_.find({n.domain() == "ai.onnx" ? "" : n.domain(), n.op_type()});
      if (it == functions_.end()) {
        *out.Add() = n;
        continue;
      }
      if (depth >= limits::kMaxSubgraphDepth)
        fail(fmt::format("{}: model-local functions call each other more than {} deep (at function '{}')", path_,
                         limits::kMaxSubgraphDepth, escape_terminal(n.op_type())));
      onnx::GraphProto body = expand_call(n, *it->second);
      inline_calls(body, depth + 1);
      for (auto &bn : *body.mutable_node()) *out.Add() = std::move(bn);
    }
    g.mutable_node()->Swap(&out);
  }

 private:
  onnx::GraphProto expand_call(const onnx::NodeProto &call, const onnx::FunctionProto &f) {
    // Bounds the total work: a function calling itself many times would
    // otherwise grow exponentially with the depth.
    nodes_made_ += static_cast<size_t>(f.node_size());
    if (nodes_made_ > limits::kMaxNodes)
      fail(fmt::format("{}: inlining model-local functions makes more than {} nodes", path_, limits::kMaxNodes));
    const std::string prefix = fmt::format("{}#{}/", f.name(), ++calls_);
    std::map<std::string, std::string> rename;
    for (int i = 0; i < f.input_size(); ++i) rename[f.input(i)] = i < call.input_size() ? call.input(i) : "";
    for (int i = 0; i < f.output_size(); ++i)
      if (i < call.output_size() && !call.output(i).empty()) rename[f.output(i)] = call.output(i);
    auto name_of = [&](const std::string &v) -> std::string {
      if (v.empty()) return v;
      auto r = rename.find(v);
      return r != rename.end() ? r->second : (rename[v] = prefix + v);
    };
    onnx::GraphProto body;
    for (const auto &fn : f.node()) {
      onnx::NodeProto copy = fn;
      if (!copy.name().empty()) copy.set_name(prefix + copy.name());
      google::protobuf::RepeatedPtrField<onnx::AttributeProto> attrs;
      for (const auto &a : copy.attribute()) {
        if (a.ref_attr_name().empty()) {
          *attrs.Add() = a;
          continue;
        }
        for (const auto &given : call.attribute())
          if (given.name() == a.ref_attr_name()) {
            onnx::AttributeProto resolved = given;
            resolved.set_name(a.name());
            *attrs.Add() = resolved;
          }
        // Not given by the caller: the op's own default applies.
      }
      copy.mutable_attribute()->Swap(&attrs);
      rename_values(copy, name_of);
      *body.add_node() = std::move(copy);
    }
    return body;
  }

  // Renames every value a node (and its subgraphs) defines or reads.
  template <typename F>
  static void rename_values(onnx::NodeProto &n, F &name_of) {
    for (auto &in : *n.mutable_input()) in = name_of(in);
    for (auto &o : *n.mutable_output()) o = name_of(o);
    for (auto &a : *n.mutable_attribute()) {
      if (!a.has_g()) continue;
      onnx::GraphProto &g = *a.mutable_g();
      for (auto &v : *g.mutable_input()) v.set_name(name_of(v.name()));
      for (auto &v : *g.mutable_output()) v.set_name(name_of(v.name()));
      for (auto &t : *g.mutable_initializer()) t.set_name(name_of(t.name()));
      for (auto &inner : *g.mutable_node()) rename_values(inner, name_of);
    }
  }

  std::string path_;
  std::map<std::pair<std::string, std::string>, const onnx::FunctionProto *> functions_;
  int calls_ = 0;
  size_t nodes_made_ = 0;
};

}  // namespace

std::unique_ptr<Graph> import_onnx(const std::string &path, const ImportOptions &options) {
  return import_onnx_bytes(read_file(path), path, options);
}

std::unique_ptr<Graph> import_onnx_bytes(const std::string &bytes, const std::string &path,
                                         const ImportOptions &options) {
  onnx::ModelProto model;
  parse_proto(model, bytes, path, "an ONNX model");
  if (!model.has_graph() || model.ir_version() <= 0)
    fail(fmt::format("{}: not an ONNX model (no graph or IR version)", path));
  fs::path model_dir = fs::path(path).parent_path();
  FunctionInliner functions(model, path);
  if (!functions.empty()) functions.inline_calls(*model.mutable_graph(), 0);
  const onnx::GraphProto &g = model.graph();

  auto graph = std::make_unique<Graph>();
  graph->name = g.name();
  graph->source_path = path;
  for (auto &op : model.opset_import()) {
    std::string domain = op.domain() == "ai.onnx" ? "" : op.domain();
    check_opset_version(domain, op.version(), path, options);
    graph->opsets[domain] = static_cast<int>(op.version());
  }
  check_graph_limits(g, path, 0);
  if (model.opset_import_size() == 0) graph->opsets[""] = 1;  // IR v2 models carry none

  // Every op must be supported and come from an imported domain; list all
  // offenders at once, grouped by op (an int8 MobileNet has 120 nodes of a few ops).
  std::vector<UnsupportedOp> unsupported;
  size_t unsupported_nodes = 0;
  // Nodes of subgraphs (If/Loop/Scan bodies) count as well.
  auto check_nodes = [&](const onnx::GraphProto &graph_proto, auto &self) -> void {
    for (const auto &n : graph_proto.node()) {
      for (const auto &a : n.attribute())
        if (a.has_g()) self(a.g(), self);
      std::string domain = n.domain() == "ai.onnx" ? "" : n.domain();
      // Internal node kinds (e.g. aotc.FusedConv) are made by passes from checked
      // ONNX nodes; a model must not be able to inject them.
      if (domain == kInternalDomain)
        fail(fmt::format("{}: {}: domain '{}' is reserved for aotc's internal ops and cannot be used in a model", path,
                         node_label(n, graph->opsets.count(domain) ? graph->opsets[domain] : 0), domain));
      if (n.op_type() == "Constant" && domain.empty()) continue;
      const bool imported = graph->opsets.count(domain) > 0;
      if (imported && find_op(domain, n.op_type())) continue;
      std::string op = domain.empty() ? n.op_type() : domain + "." + n.op_type();
      op = escape_terminal(op) + (imported ? fmt::format(" (opset {})", graph->opsets[domain])
                                           : fmt::format(" (domain '{}' is not imported by the model)", escape_terminal(domain)));
      auto it = std::find_if(unsupported.begin(), unsupported.end(), [&](const UnsupportedOp &u) { return u.op == op; });
      if (it == unsupported.end()) it = unsupported.insert(unsupported.end(), UnsupportedOp{op, {}});
      it->nodes.push_back(node_ref(n));
      ++unsupported_nodes;
    }
  };
  check_nodes(g, check_nodes);
  if (!unsupported.empty()) {
    std::vector<std::string> lines;
    for (const UnsupportedOp &u : unsupported) lines.push_back("  " + u.op + ": " + u.describe_nodes());
    fail(fmt::format("{}: {} use{} {} aotc does not support:\n{}", path, plural(unsupported_nodes, "node"),
                     unsupported_nodes == 1 ? "s" : "", plural(unsupported.size(), "op"), fmt::join(lines, "\n")));
  }

  std::map<std::string, Value *> by_name;
  auto define = [&](const std::string &name, Value *v, const std::string &where) {
    if (by_name.count(name)) fail(fmt::format("{}: {}: value '{}' is defined twice", path, where, name));
    by_name[name] = v;
  };

  for (const auto &init : g.initializer()) {
    std::string where = fmt::format("{}: initializer '{}'", path, init.name());
    define(init.name(), graph->add_constant(init.name(), tensor_from_proto(init, model_dir, where)), "initializer");
  }
  std::set<std::string> used_overrides;
  for (const auto &in : g.input()) {
    if (by_name.count(in.name())) continue;  // initializer listed as input (IR < 4): a constant
    auto frozen = options.constant_inputs.find(in.name());
    if (frozen != options.constant_inputs.end()) {
      const Tensor &t = frozen->second;
      auto declared = static_cast<DType>(in.type().tensor_type().elem_type());
      if (t.dtype != declared)
        fail(fmt::format("{}: --const-input '{}' is {}, but the input is declared {}", path, in.name(),
                         dtype_name(t.dtype), dtype_name(declared)));
      define(in.name(), graph->add_constant(in.name(), t), "constant input");
      used_overrides.insert(in.name());
      continue;
    }
    Value *v = graph->add_value(in.name(), Value::Kind::Input);
    const auto &type = in.type();
    if (!type.has_tensor_type()) fail(fmt::format("{}: input '{}' is not a tensor; aotc supports tensor inputs only", path, in.name()));
    v->dtype = static_cast<DType>(type.tensor_type().elem_type());
    auto override_it = options.input_shapes.find(in.name());
    if (override_it != options.input_shapes.end()) {
      v->shape = override_it->second;
      used_overrides.insert(in.name());
    } else {
      if (!type.tensor_type().has_shape())
        fail(fmt::format("{}: input '{}' has no shape; give one with --input-shape {}=d0,d1,...", path, in.name(), in.name()));
      const auto &dims = type.tensor_type().shape().dim();
      for (int i = 0; i < dims.size(); ++i) {
        if (!dims[i].has_dim_value() || dims[i].dim_value() < 0) {
          std::string sym = dims[i].has_dim_param() ? fmt::format(" ('{}')", dims[i].dim_param()) : "";
          fail(fmt::format("{}: input '{}' has unknown dimension {}{}; give its shape with --input-shape {}=d0,d1,...",
                           path, in.name(), i, sym, in.name()));
        }
        v->shape.push_back(dims[i].dim_value());
      }
    }
    v->shape_known = true;
    checked_element_count(v->shape, fmt::format("{}: input '{}'", path, escape_terminal(in.name())));
    if (dtype_info(v->dtype).c_type == nullptr)
      fail(fmt::format("{}: input '{}' has element type {}, which aotc does not support", path, in.name(), dtype_name(v->dtype)));
    graph->inputs.push_back(v);
    define(in.name(), v, "graph input");
  }
  for (auto &[name, shape] : options.input_shapes)
    if (!used_overrides.count(name)) fail(fmt::format("{}: --input-shape names '{}', which is not a graph input", path, name));
  for (auto &[name, tensor] : options.constant_inputs)
    if (!used_overrides.count(name)) fail(fmt::format("{}: --const-input names '{}', which is not a graph input", path, name));

  import_nodes(g, *graph, by_name, no_outer_scope, model_dir);

  for (const auto &out : g.output()) {
    auto it = by_name.find(out.name());
    if (it == by_name.end()) fail(fmt::format("{}: graph output '{}' is never defined", path, out.name()));
    graph->add_output(it->second, out.name());
  }
  if (graph->outputs.empty()) fail(fmt::format("{}: the graph has no outputs", path));
  verify_graph(*graph, /*require_shapes=*/false);
  return graph;
}

Tensor load_tensor_proto(const std::string &path, std::string *name) {
  onnx::TensorProto proto;
  parse_proto(proto, read_file(path), path, "a TensorProto");
  if (name) *name = proto.name();
  return tensor_from_proto(proto, fs::path(path).parent_path(), path);
}

// The .npy element type codes aotc reads and writes.
static const std::map<std::string, DType> &npy_types() {
  static const std::map<std::string, DType> types = {
      {"<f4", DType::Float}, {"<f8", DType::Double}, {"<i8", DType::Int64}, {"<i4", DType::Int32},
      {"<i2", DType::Int16}, {"|i1", DType::Int8},   {"|u1", DType::UInt8}, {"<u2", DType::UInt16},
      {"<u4", DType::UInt32}, {"<u8", DType::UInt64}, {"|b1", DType::Bool}, {"<f2", DType::Float16}};
  return types;
}

std::string npy_file_bytes(const Tensor &t) {
  std::string descr;
  for (auto &[code, dtype] : npy_types())
    if (dtype == t.dtype) descr = code;
  if (descr.empty()) fail(fmt::format(".npy has no element type for {}", dtype_name(t.dtype)));
  std::string shape = fmt::format("{}", fmt::join(t.shape, ", "));
  if (t.shape.size() == 1) shape += ',';  // (3,): a tuple of one
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr, shape);
  header.resize((header.size() + 10 + 1 + 63) / 64 * 64 - 10 - 1, ' ');  // data 64-byte aligned, as numpy writes
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  bytes.append(reinterpret_cast<const char *>(t.bytes.data()), t.bytes.size());
  return bytes;
}

Tensor load_npy(const std::string &path) {
  std::string bytes = read_file(path);
  const char magic[] = "\x93NUMPY";
  if (bytes.size() < 10 || bytes.compare(0, 6, magic, 6) != 0) fail(fmt::format("{}: not a .npy file", path));
  int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len, header_start;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    header_start = 10;
  } else {
    if (bytes.size() < 12) fail(fmt::format("{}: truncated .npy header", path));
    header_len = 0;
    for (int i = 0; i < 4; ++i) header_len |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    header_start = 12;
  }
  if (header_start + header_len > bytes.size()) fail(fmt::format("{}: truncated .npy header", path));
  std::string header = bytes.substr(header_start, header_len);
  auto field = [&](const std::string &key) {
    size_t p = header.find("'" + key + "'");
    if (p == std::string::npos) fail(fmt::format("{}: .npy header lacks '{}'", path, key));
    return header.substr(header.find(':', p) + 1);
  };
  std::string descr = field("descr");
  descr = descr.substr(descr.find('\'') + 1);
  descr = descr.substr(0, descr.find('\''));
  if (field("fortran_order").find("True") < field("fortran_order").find(','))
    fail(fmt::format("{}: Fortran-order .npy files are not supported", path));
  auto type_it = npy_types().find(descr);
  if (type_it == npy_types().end()) fail(fmt::format("{}: .npy element type '{}' is not supported", path, descr));
  Tensor t;
  t.dtype = type_it->second;
  std::string shape_text = field("shape");
  shape_text = shape_text.substr(shape_text.find('(') + 1);
  shape_text = shape_text.substr(0, shape_text.find(')'));
  std::stringstream ss(shape_text);
  for (std::string item; std::getline(ss, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    if (item.size() > 18 || item.find_first_not_of("0123456789") != std::string::npos)
      fail(fmt::format("{}: .npy shape entry '{}' is not a dimension", path, escape_terminal(item)));
    t.shape.push_back(std::stoll(item));
  }
  size_t expected = static_cast<size_t>(checked_element_count(t.shape, path)) * dtype_size(t.dtype);
  size_t data_start = header_start + header_len;
  if (bytes.size() - data_start != expected)
    fail(fmt::format("{}: .npy data has {} bytes, expected {}", path, bytes.size() - data_start, expected));
  t.bytes.assign(bytes.begin() + static_cast<long>(data_start), bytes.end());
  return t;
}

ModelInfo read_model_info(const std::string &path) {
  onnx::ModelProto model;
  parse_proto(model, read_file(path), path, "an ONNX model");
  ModelInfo info;
  info.producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
  info.ir_version = model.ir_version();
  for (auto &op : model.opset_import()) info.opsets[op.domain().empty() ? "ai.onnx" : op.domain()] = op.version();
  std::set<std::string> unsupported, initializers;
  for (const auto &n : model.graph().node()) {
    bool default_domain = n.domain().empty() || n.domain() == "ai.onnx";
    std::string op = default_domain ? n.op_type() : n.domain() + "." + n.op_type();
    info.op_histogram[op]++;
    bool internal = n.domain() == kInternalDomain;  // never accepted from a model
    if (!(default_domain && n.op_type() == "Constant") &&
        (internal || !find_op(default_domain ? "" : n.domain(), n.op_type())))
      unsupported.insert(op);
  }
  info.unsupported_ops.assign(unsupported.begin(), unsupported.end());
  for (const auto &init : model.graph().initializer()) initializers.insert(init.name());
  auto describe = [](const onnx::ValueInfoProto &v) {
    if (!v.type().has_tensor_type()) return v.name() + ": (not a tensor)";
    const auto &tt = v.type().tensor_type();
    std::vector<std::string> dims;
    for (const auto &d : tt.shape().dim())
      dims.push_back(d.has_dim_value() ? std::to_string(d.dim_value()) : (d.has_dim_param() ? d.dim_param() : "?"));
    return fmt::format("{}: {}[{}]", v.name(), dtype_name(static_cast<DType>(tt.elem_type())), fmt::join(dims, ","));
  };
  for (const auto &in : model.graph().input())
    if (!initializers.count(in.name())) info.inputs.push_back(describe(in));
  for (const auto &out : model.graph().output()) info.outputs.push_back(describe(out));
  return info;
}

namespace {

// The values `aotc expose` makes graph outputs: every node output that is not
// one already, once each, in the model's node order.
std::vector<std::string> intermediate_names(const onnx::GraphProto &graph) {
  std::set<std::string> seen;
  for (const auto &out : graph.output()) seen.insert(out.name());
  std::vector<std::string> names;
  for (const auto &node : graph.node())
    for (const std::string &out : node.output())
      if (!out.empty() && seen.insert(out).second) names.push_back(out);
  return names;
}

bool uses_external_data(const onnx::GraphProto &graph) {
  for (const auto &init : graph.initializer())
    if (init.data_location() == onnx::TensorProto::EXTERNAL) return true;
  for (const auto &node : graph.node())
    for (const auto &attr : node.attribute())
      if (attr.has_t() && attr.t().data_location() == onnx::TensorProto::EXTERNAL) return true;
  return false;
}

// Writes `bytes` to `path` through a temporary file in its directory, renamed
// into place: `path` is complete or untouched.
void write_file_atomically(const std::string &path, const std::string &bytes) {
  fs::path target = fs::absolute(path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) fail(fmt::format("cannot write '{}': it is a directory", path));
  std::string pattern = (target.parent_path() / (target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> tmp(pattern.begin(), pattern.end());
  tmp.push_back('\0');
  int fd = mkstemp(tmp.data());
  if (fd < 0)
    fail(fmt::format("cannot write '{}': cannot create a file in '{}': {}", path, target.parent_path().string(),
                     std::strerror(errno)));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  int saved_errno = errno;
  bool ok = done == bytes.size() && ::close(fd) == 0;
  if (!ok || (fs::rename(tmp.data(), target, ec), ec)) {
    std::string why = !ok ? std::strerror(saved_errno) : ec.message();
    fs::remove(tmp.data(), ec);
    fail(fmt::format("cannot write '{}': {}", path, why));
  }
}

}  // namespace

std::vector<std::string> intermediate_value_names(const std::string &path) {
  onnx::ModelProto model;
  parse_proto(model, read_file(path), path, "an ONNX model");
  return intermediate_names(model.graph());
}

size_t expose_intermediates(const std::string &path, const std::string &out_path) {
  onnx::ModelProto model;
  parse_proto(model, read_file(path), path, "an ONNX model");
  std::error_code ec;
  fs::path out_dir = fs::absolute(out_path).parent_path();
  if (uses_external_data(model.graph()) && !fs::equivalent(fs::absolute(path).parent_path(), out_dir, ec))
    fail(fmt::format("{}: the model keeps tensors in external data files, found relative to the model: write the "
                     "exposed model into the same directory", path));
  if (!fs::is_directory(out_dir, ec)) fail(fmt::format("cannot write '{}': no directory '{}'", out_path, out_dir.string()));
  // ONNX's shape inference types the new outputs (ONNX Runtime wants typed
  // outputs); a value it cannot type is exposed by name alone.
  onnx::ModelProto inferred = model;
  try {
    onnx::ShapeInferenceOptions options{/*check_type=*/false, /*error_mode=*/0, /*enable_data_propagation=*/false};
    onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &) {
    // Shape inference is a courtesy: untyped outputs still name the values.
  }
  std::map<std::string, const onnx::ValueInfoProto *> inferred_types;
  for (const auto &info : inferred.graph().value_info()) inferred_types[info.name()] = &info;
  std::vector<std::string> names = intermediate_names(model.graph());
  for (const std::string &name : names) {
    onnx::ValueInfoProto *out = model.mutable_graph()->add_output();
    auto it = inferred_types.find(name);
    if (it != inferred_types.end()) *out = *it->second;
    out->set_name(name);
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) fail(fmt::format("{}: cannot serialize the exposed model", path));
  write_file_atomically(out_path, bytes);
  return names.size();
}

}  // namespace aotc
