// Structure-aware mutator for fuzz_compile (libFuzzer's custom mutator hook;
// Debian has no libprotobuf-mutator). Parses the input as an onnx::ModelProto,
// applies one to four random mutations and serializes it back:
//   dims      tensor and graph-input dims: 0, negative, huge, +-1, many dims
//   data      initializer data sizes: truncate/extend raw data, switch between
//             raw and typed fields, external data with awkward locations
//   attrs     ints/floats/strings altered, lists grown/shrunk, type changed,
//             attributes removed, attributes the op knows added
//   dtypes    element types of tensors and inputs, Cast's `to` (unknown numbers too)
//   opsets    opset and IR versions (huge, zero, negative), domains added/removed
//   names     graph/node/value names with comment delimiters, control bytes,
//             trigraphs, invalid UTF-8, long names (renamed consistently or not)
//   edges     an input rewired to another value, nodes dropped/duplicated/
//             swapped, op types swapped for other supported ops, graph
//             outputs dropped/duplicated/added
// Inputs that do not parse fall back to libFuzzer's byte mutation.
#include <onnx/onnx_pb.h>

#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "ops/op.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

namespace {

using Rng = std::mt19937_64;

size_t pick(Rng &rng, size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); }
bool coin(Rng &rng, int one_in = 2) { return rng() % static_cast<unsigned>(one_in) == 0; }

int64_t interesting_int(Rng &rng, int64_t old) {
  static const int64_t kValues[] = {0, 1, -1, 2, 3, 4, 7, 8, 16, 255, 256, 1 << 15, 1 << 16, (int64_t(1) << 31) - 1,
                                    int64_t(1) << 31, int64_t(1) << 32, int64_t(1) << 40, int64_t(1) << 62,
                                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                                    -2, -3, -(int64_t(1) << 31)};
  switch (pick(rng, 4)) {
    case 0: return kValues[pick(rng, sizeof kValues / sizeof kValues[0])];
    case 1: return static_cast<int64_t>(static_cast<uint64_t>(old) + pick(rng, 5) - 2);  // wraps
    case 2: return static_cast<int64_t>(pick(rng, 10));
    default: return static_cast<int64_t>(0 - static_cast<uint64_t>(old));
  }
}

float interesting_float(Rng &rng) {
  static const float kValues[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.0f, 1e-5f, 1e30f, -1e30f, 1e-40f,
                                  std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                                  std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::max(),
                                  std::numeric_limits<float>::lowest(), 3.0f, 6.0f, 1e10f};
  return kValues[pick(rng, sizeof kValues / sizeof kValues[0])];
}

std::string interesting_string(Rng &rng) {
  static const char *kValues[] = {"", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "constant", "reflect", "edge",
                                  "wrap", "linear", "nearest", "cubic", "DCR", "CRD", "tanh", "none", "mean",
                                  "sum", "max", "x", "half_pixel", "align_corners", "round_prefer_floor"};
  return kValues[pick(rng, sizeof kValues / sizeof kValues[0])];
}

// A name built to break generated C or a terminal if it is pasted unescaped.
std::string awkward_name(Rng &rng) {
  static const char *kParts[] = {"*/", "/*", "//", "\\", "\\\n", "?\?/", "\"", "'", "\n", "\r", "\t", "\x1b[31m",
                                 "%s%n", "\x01", "\x7f", "\xff\xfe", "\xc3\xa9", "\xe2\x80\xae", "#define x",
                                 "a b", "0", "_", "model", "main", "x", "{", "}", ";", "$", "@", "`"};
  std::string s;
  if (coin(rng, 8)) {
    s.assign(1000 + pick(rng, 20000), static_cast<char>('a' + pick(rng, 26)));  // long
    if (coin(rng)) s += "*/";
    return s;
  }
  size_t n = 1 + pick(rng, 4);
  for (size_t i = 0; i < n; ++i) s += kParts[pick(rng, sizeof kParts / sizeof kParts[0])];
  if (coin(rng, 10)) s.push_back('\0');
  return s;
}

struct Mutator {
  onnx::ModelProto &model;
  Rng &rng;

  onnx::GraphProto &graph() { return *model.mutable_graph(); }

  // Every tensor in the graph: initializers and tensor attributes.
  std::vector<onnx::TensorProto *> tensors() {
    std::vector<onnx::TensorProto *> out;
    for (auto &t : *graph().mutable_initializer()) out.push_back(&t);
    for (auto &n : *graph().mutable_node())
      for (auto &a : *n.mutable_attribute())
        if (a.has_t()) out.push_back(a.mutable_t());
    return out;
  }

  std::vector<onnx::TensorShapeProto *> input_shapes() {
    std::vector<onnx::TensorShapeProto *> out;
    for (auto *list : {graph().mutable_input(), graph().mutable_output(), graph().mutable_value_info()})
      for (auto &v : *list)
        if (v.type().has_tensor_type()) out.push_back(v.mutable_type()->mutable_tensor_type()->mutable_shape());
    return out;
  }

  // Names of every value: inputs, initializers, node outputs.
  std::vector<std::string> value_names() {
    std::vector<std::string> out;
    for (auto &v : graph().input()) out.push_back(v.name());
    for (auto &t : graph().initializer()) out.push_back(t.name());
    for (auto &n : graph().node())
      for (auto &o : n.output()) out.push_back(o);
    return out;
  }

  void mutate_dims(google::protobuf::RepeatedField<int64_t> &dims) {
    switch (pick(rng, 6)) {
      case 0:
        if (dims.size() > 0) dims.Set(static_cast<int>(pick(rng, static_cast<size_t>(dims.size()))), interesting_int(rng, dims.Get(0)));
        break;
      case 1: dims.Add(static_cast<int64_t>(pick(rng, 4))); break;
      case 2:
        if (dims.size() > 0) dims.RemoveLast();
        break;
      case 3:  // many dims
        for (size_t i = 0, n = 4 + pick(rng, 40); i < n; ++i) dims.Add(1 + static_cast<int64_t>(coin(rng, 8)));
        break;
      case 4: dims.Clear(); break;
      default:
        if (dims.size() > 1) dims.SwapElements(0, dims.size() - 1);
    }
  }

  bool mutate_tensor_dims() {
    auto ts = tensors();
    auto shapes = input_shapes();
    if (ts.empty() && shapes.empty()) return false;
    size_t i = pick(rng, ts.size() + shapes.size());
    if (i < ts.size()) {
      onnx::TensorProto &t = *ts[i];
      mutate_dims(*t.mutable_dims());
      if (coin(rng)) resize_data(t);  // keep the data size consistent half the time
      return true;
    }
    auto &shape = *shapes[i - ts.size()];
    google::protobuf::RepeatedField<int64_t> dims;
    for (auto &d : shape.dim()) dims.Add(d.has_dim_value() ? d.dim_value() : -1);
    if (coin(rng, 6) && shape.dim_size() > 0) {  // symbolic / unknown dim
      auto *d = shape.mutable_dim(static_cast<int>(pick(rng, static_cast<size_t>(shape.dim_size()))));
      if (coin(rng)) d->set_dim_param(awkward_name(rng));
      else d->clear_value();
      return true;
    }
    mutate_dims(dims);
    shape.clear_dim();
    for (int64_t d : dims) shape.add_dim()->set_dim_value(d);
    return true;
  }

  static size_t elem_size(int type) {
    switch (type) {
      case onnx::TensorProto::DOUBLE:
      case onnx::TensorProto::INT64:
      case onnx::TensorProto::UINT64:
      case onnx::TensorProto::COMPLEX64: return 8;
      case onnx::TensorProto::FLOAT:
      case onnx::TensorProto::INT32:
      case onnx::TensorProto::UINT32: return 4;
      case onnx::TensorProto::INT16:
      case onnx::TensorProto::UINT16:
      case onnx::TensorProto::FLOAT16:
      case onnx::TensorProto::BFLOAT16: return 2;
      default: return 1;
    }
  }

  // Makes the raw data match the dims (if small), with random bytes.
  void resize_data(onnx::TensorProto &t) {
    int64_t n = 1;
    for (int64_t d : t.dims()) {
      if (d < 0 || d > (int64_t(1) << 16) || n * d > (int64_t(1) << 16)) return;
      n *= d;
    }
    t.clear_float_data();
    t.clear_int32_data();
    t.clear_int64_data();
    t.clear_double_data();
    t.clear_uint64_data();
    std::string raw(static_cast<size_t>(n) * elem_size(t.data_type()), '\0');
    const std::string &old = t.raw_data();
    for (size_t i = 0; i < raw.size(); ++i)
      raw[i] = i < old.size() ? old[i] : static_cast<char>(coin(rng, 4) ? rng() : 0);
    t.set_raw_data(raw);
  }

  bool mutate_data() {
    auto ts = tensors();
    if (ts.empty()) return false;
    onnx::TensorProto &t = *ts[pick(rng, ts.size())];
    switch (pick(rng, 7)) {
      case 0: {  // truncate or extend raw data
        std::string raw = t.raw_data();
        if (coin(rng) && !raw.empty()) raw.resize(pick(rng, raw.size()));
        else raw.append(1 + pick(rng, 16), static_cast<char>(rng()));
        t.set_raw_data(raw);
        return true;
      }
      case 1: {  // raw -> typed field (possibly of the wrong type)
        std::string raw = t.raw_data();
        t.clear_raw_data();
        size_t n = raw.size() / 4;
        for (size_t i = 0; i < n && i < 4096; ++i) {
          int32_t v;
          std::memcpy(&v, raw.data() + 4 * i, 4);
          switch (t.data_type()) {
            case onnx::TensorProto::FLOAT: {
              float f;
              std::memcpy(&f, &v, 4);
              t.add_float_data(f);
              break;
            }
            case onnx::TensorProto::INT64: t.add_int64_data(v); break;
            case onnx::TensorProto::DOUBLE: t.add_double_data(v); break;
            case onnx::TensorProto::UINT64: t.add_uint64_data(static_cast<uint32_t>(v)); break;
            default: t.add_int32_data(v);
          }
        }
        return true;
      }
      case 2:  // typed data of another field
        t.add_int32_data(static_cast<int32_t>(interesting_int(rng, 0)));
        t.add_int64_data(interesting_int(rng, 0));
        return true;
      case 3: {  // external data
        static const char *kLocations[] = {"weights.bin", "", "../weights.bin", "/nonexistent/aotc-fuzz.bin", ".",
                                           "..", "a/../../b", "\x01", "model.onnx"};
        t.set_data_location(onnx::TensorProto::EXTERNAL);
        t.clear_external_data();
        auto *kv = t.add_external_data();
        kv->set_key("location");
        kv->set_value(kLocations[pick(rng, sizeof kLocations / sizeof kLocations[0])]);
        static const char *kNumbers[] = {"0", "1", "-1", "abc", "", "18446744073709551615", "99999999999999999999999",
                                         "4096", " 12"};
        if (coin(rng)) {
          kv = t.add_external_data();
          kv->set_key(coin(rng) ? "offset" : "length");
          kv->set_value(kNumbers[pick(rng, sizeof kNumbers / sizeof kNumbers[0])]);
        }
        return true;
      }
      case 4: t.set_data_location(onnx::TensorProto::DEFAULT); return true;
      case 5: {  // flip a byte
        std::string raw = t.raw_data();
        if (raw.empty()) return false;
        raw[pick(rng, raw.size())] = static_cast<char>(rng());
        t.set_raw_data(raw);
        return true;
      }
      default: {  // special float values
        if (t.data_type() != onnx::TensorProto::FLOAT || t.raw_data().size() < 4) return false;
        std::string raw = t.raw_data();
        float f = interesting_float(rng);
        std::memcpy(&raw[4 * pick(rng, raw.size() / 4)], &f, 4);
        t.set_raw_data(raw);
        return true;
      }
    }
  }

  void mutate_attribute(onnx::AttributeProto &a) {
    using A = onnx::AttributeProto;
    switch (pick(rng, 8)) {
      case 0: a.set_i(interesting_int(rng, a.i())); break;
      case 1: a.set_f(interesting_float(rng)); break;
      case 2: a.set_s(coin(rng, 4) ? awkward_name(rng) : interesting_string(rng)); break;
      case 3:  // ints: change, add, remove, clear
        if (a.ints_size() > 0 && coin(rng)) {
          int k = static_cast<int>(pick(rng, static_cast<size_t>(a.ints_size())));
          a.set_ints(k, interesting_int(rng, a.ints(k)));
        } else if (coin(rng)) {
          a.add_ints(interesting_int(rng, 1));
        } else if (a.ints_size() > 0 && coin(rng)) {
          a.mutable_ints()->RemoveLast();
        } else {
          a.clear_ints();
          for (size_t i = 0, n = pick(rng, 12); i < n; ++i) a.add_ints(static_cast<int64_t>(pick(rng, 4)));
        }
        break;
      case 4:
        if (a.floats_size() > 0 && coin(rng)) a.set_floats(static_cast<int>(pick(rng, static_cast<size_t>(a.floats_size()))), interesting_float(rng));
        else a.add_floats(interesting_float(rng));
        break;
      case 5: {  // change the type tag (the value fields stay)
        static const A::AttributeType kTypes[] = {A::INT, A::FLOAT, A::STRING, A::INTS, A::FLOATS, A::STRINGS, A::TENSOR,
                                                  A::GRAPH, A::UNDEFINED, A::SPARSE_TENSOR, A::TENSORS};
        a.set_type(kTypes[pick(rng, sizeof kTypes / sizeof kTypes[0])]);
        break;
      }
      case 6: a.add_strings(coin(rng) ? interesting_string(rng) : awkward_name(rng)); break;
      default: a.set_name(coin(rng, 4) ? awkward_name(rng) : a.name() + "x"); break;
    }
  }

  bool mutate_attrs() {
    if (graph().node_size() == 0) return false;
    onnx::NodeProto &n = *graph().mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(graph().node_size()))));
    size_t choice = pick(rng, 6);
    if (choice == 0 && n.attribute_size() > 0) {  // remove
      n.mutable_attribute()->DeleteSubrange(static_cast<int>(pick(rng, static_cast<size_t>(n.attribute_size()))), 1);
      return true;
    }
    if (choice == 1) {  // add one the op knows, with a plausible type
      const aotc::OpDef *def = aotc::find_op(n.domain(), n.op_type());
      if (!def || def->attrs.empty()) return false;
      auto *a = n.add_attribute();
      a->set_name(def->attrs[pick(rng, def->attrs.size())]);
      switch (pick(rng, 4)) {
        case 0: a->set_type(onnx::AttributeProto::INT); a->set_i(interesting_int(rng, 1)); break;
        case 1: a->set_type(onnx::AttributeProto::FLOAT); a->set_f(interesting_float(rng)); break;
        case 2: a->set_type(onnx::AttributeProto::STRING); a->set_s(interesting_string(rng)); break;
        default:
          a->set_type(onnx::AttributeProto::INTS);
          for (size_t i = 0, k = pick(rng, 6); i < k; ++i) a->add_ints(interesting_int(rng, 1));
      }
      return true;
    }
    if (n.attribute_size() == 0) return false;
    mutate_attribute(*n.mutable_attribute(static_cast<int>(pick(rng, static_cast<size_t>(n.attribute_size())))));
    return true;
  }

  int random_dtype() {
    if (coin(rng, 8)) return static_cast<int>(interesting_int(rng, 1));  // unknown numbers
    return static_cast<int>(pick(rng, 27));
  }

  bool mutate_dtypes() {
    switch (pick(rng, 3)) {
      case 0: {
        auto ts = tensors();
        if (ts.empty()) return false;
        onnx::TensorProto &t = *ts[pick(rng, ts.size())];
        t.set_data_type(random_dtype());
        if (coin(rng)) resize_data(t);
        return true;
      }
      case 1: {
        if (graph().input_size() == 0) return false;
        auto &in = *graph().mutable_input(static_cast<int>(pick(rng, static_cast<size_t>(graph().input_size()))));
        in.mutable_type()->mutable_tensor_type()->set_elem_type(random_dtype());
        return true;
      }
      default:  // Cast / CastLike / ConstantOfShape ... `to`
        for (auto &n : *graph().mutable_node())
          for (auto &a : *n.mutable_attribute())
            if (a.name() == "to" && coin(rng)) {
              a.set_i(random_dtype());
              return true;
            }
        return false;
    }
  }

  bool mutate_opsets() {
    switch (pick(rng, 5)) {
      case 0: {
        if (model.opset_import_size() == 0) return false;
        auto &op = *model.mutable_opset_import(static_cast<int>(pick(rng, static_cast<size_t>(model.opset_import_size()))));
        static const int64_t kVersions[] = {1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17, 18, 19, 21, 22, 23, 24, 25, 100};
        op.set_version(coin(rng) ? kVersions[pick(rng, sizeof kVersions / sizeof kVersions[0])] : interesting_int(rng, op.version()));
        return true;
      }
      case 1: {
        auto *op = model.add_opset_import();
        static const char *kDomains[] = {"", "ai.onnx", "ai.onnx.ml", "com.microsoft", "x"};
        op->set_domain(kDomains[pick(rng, 5)]);
        op->set_version(interesting_int(rng, 13));
        return true;
      }
      case 2:
        if (model.opset_import_size() == 0) return false;
        model.mutable_opset_import()->DeleteSubrange(static_cast<int>(pick(rng, static_cast<size_t>(model.opset_import_size()))), 1);
        return true;
      case 3: model.set_ir_version(interesting_int(rng, model.ir_version())); return true;
      default: {  // node domain
        if (graph().node_size() == 0) return false;
        auto &n = *graph().mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(graph().node_size()))));
        static const char *kDomains[] = {"", "ai.onnx", "ai.onnx.ml", "com.microsoft"};
        n.set_domain(kDomains[pick(rng, 4)]);
        return true;
      }
    }
  }

  // Renames value `from` to `to` everywhere it appears.
  void rename_value(const std::string &from, const std::string &to) {
    for (auto &v : *graph().mutable_input())
      if (v.name() == from) v.set_name(to);
    for (auto &v : *graph().mutable_output())
      if (v.name() == from) v.set_name(to);
    for (auto &t : *graph().mutable_initializer())
      if (t.name() == from) t.set_name(to);
    for (auto &n : *graph().mutable_node()) {
      for (auto &s : *n.mutable_input())
        if (s == from) s = to;
      for (auto &s : *n.mutable_output())
        if (s == from) s = to;
    }
  }

  bool mutate_names() {
    switch (pick(rng, 5)) {
      case 0: graph().set_name(awkward_name(rng)); return true;
      case 1: {
        if (graph().node_size() == 0) return false;
        graph().mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(graph().node_size()))))->set_name(awkward_name(rng));
        return true;
      }
      case 2:
      case 3: {  // a value renamed consistently (inputs and outputs show up in generated C)
        auto names = value_names();
        if (names.empty()) return false;
        std::string from = names[pick(rng, names.size())];
        if (from.empty()) return false;
        rename_value(from, awkward_name(rng));
        return true;
      }
      default: {  // one reference renamed
        if (graph().node_size() == 0) return false;
        auto &n = *graph().mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(graph().node_size()))));
        if (n.input_size() == 0) return false;
        n.set_input(static_cast<int>(pick(rng, static_cast<size_t>(n.input_size()))), awkward_name(rng));
        return true;
      }
    }
  }

  bool mutate_edges() {
    auto &g = graph();
    auto names = value_names();
    int nn = g.node_size();
    switch (pick(rng, 10)) {
      case 0: {  // rewire an input to another value (or to none)
        if (nn == 0 || names.empty()) return false;
        auto &n = *g.mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(nn))));
        if (n.input_size() == 0 || coin(rng, 8)) {
          n.add_input(coin(rng, 4) ? "" : names[pick(rng, names.size())]);
          return true;
        }
        n.set_input(static_cast<int>(pick(rng, static_cast<size_t>(n.input_size()))), coin(rng, 8) ? "" : names[pick(rng, names.size())]);
        return true;
      }
      case 1: {  // drop a node
        if (nn == 0) return false;
        g.mutable_node()->DeleteSubrange(static_cast<int>(pick(rng, static_cast<size_t>(nn))), 1);
        return true;
      }
      case 2: {  // duplicate a node (same outputs, or renamed ones)
        if (nn == 0) return false;
        onnx::NodeProto copy = g.node(static_cast<int>(pick(rng, static_cast<size_t>(nn))));
        if (coin(rng))
          for (auto &o : *copy.mutable_output()) o += "_dup";
        *g.add_node() = copy;
        return true;
      }
      case 3: {  // swap two nodes (order)
        if (nn < 2) return false;
        g.mutable_node()->SwapElements(static_cast<int>(pick(rng, static_cast<size_t>(nn))), static_cast<int>(pick(rng, static_cast<size_t>(nn))));
        return true;
      }
      case 4: {  // another op type
        if (nn == 0) return false;
        static const std::vector<const aotc::OpDef *> ops = aotc::all_ops();
        const aotc::OpDef *def = ops[pick(rng, ops.size())];
        auto &n = *g.mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(nn))));
        n.set_op_type(coin(rng, 16) ? "Constant" : def->op);
        n.set_domain(def->domain);
        return true;
      }
      case 5: {  // drop an output (of the graph or a node)
        if (coin(rng) && g.output_size() > 0) {
          g.mutable_output()->DeleteSubrange(static_cast<int>(pick(rng, static_cast<size_t>(g.output_size()))), 1);
          return true;
        }
        if (nn == 0) return false;
        auto &n = *g.mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(nn))));
        if (n.output_size() == 0) return false;
        if (coin(rng)) n.set_output(static_cast<int>(pick(rng, static_cast<size_t>(n.output_size()))), "");
        else n.mutable_output()->RemoveLast();
        return true;
      }
      case 6: {  // duplicate a graph output, or make any value an output
        if (names.empty()) return false;
        auto *o = g.add_output();
        if (coin(rng) && g.output_size() > 1) *o = g.output(static_cast<int>(pick(rng, static_cast<size_t>(g.output_size() - 1))));
        else o->set_name(names[pick(rng, names.size())]);
        return true;
      }
      case 7: {  // add a node output
        if (nn == 0) return false;
        auto &n = *g.mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(nn))));
        n.add_output(coin(rng) && !names.empty() ? names[pick(rng, names.size())] : "extra_" + std::to_string(rng() % 100));
        return true;
      }
      case 8: {  // an initializer becomes a graph input or vice versa
        if (coin(rng) && g.initializer_size() > 0) {
          int i = static_cast<int>(pick(rng, static_cast<size_t>(g.initializer_size())));
          const auto &t = g.initializer(i);
          auto *in = g.add_input();
          in->set_name(t.name());
          auto *tt = in->mutable_type()->mutable_tensor_type();
          tt->set_elem_type(t.data_type());
          auto *shape = tt->mutable_shape();
          for (int64_t d : t.dims()) shape->add_dim()->set_dim_value(d);
          if (coin(rng)) g.mutable_initializer()->DeleteSubrange(i, 1);
          return true;
        }
        if (g.input_size() == 0) return false;
        g.mutable_input()->DeleteSubrange(static_cast<int>(pick(rng, static_cast<size_t>(g.input_size()))), 1);
        return true;
      }
      default: {  // a node becomes a Constant-fed node: insert a Constant
        if (nn == 0) return false;
        auto &n = *g.mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(nn))));
        if (n.input_size() == 0) return false;
        std::string name = "const_" + std::to_string(rng() % 1000);
        onnx::NodeProto c;
        c.set_op_type("Constant");
        c.add_output(name);
        auto *a = c.add_attribute();
        switch (pick(rng, 3)) {
          case 0:
            a->set_name("value_ints");
            a->set_type(onnx::AttributeProto::INTS);
            for (size_t i = 0, k = pick(rng, 6); i < k; ++i) a->add_ints(interesting_int(rng, 2));
            break;
          case 1:
            a->set_name("value_int");
            a->set_type(onnx::AttributeProto::INT);
            a->set_i(interesting_int(rng, 1));
            break;
          default:
            a->set_name("value_float");
            a->set_type(onnx::AttributeProto::FLOAT);
            a->set_f(interesting_float(rng));
        }
        n.set_input(static_cast<int>(pick(rng, static_cast<size_t>(n.input_size()))), name);
        *g.mutable_node()->Add() = c;
        if (coin(rng)) g.mutable_node()->SwapElements(0, g.node_size() - 1);
        return true;
      }
    }
  }

  bool mutate_once() {
    switch (pick(rng, 14)) {
      case 0:
      case 1: return mutate_tensor_dims();
      case 2: return mutate_data();
      case 3:
      case 4:
      case 5: return mutate_attrs();
      case 6: return mutate_dtypes();
      case 7: return mutate_opsets();
      case 8: return mutate_names();
      default: return mutate_edges();
    }
  }
};

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  Rng rng(seed);
  onnx::ModelProto model;
  // One in eight: plain byte mutation, which also finds protobuf-level edge cases.
  if (coin(rng, 8) || !aotc_fuzz::parse_model(data, size, model) || !model.has_graph())
    return LLVMFuzzerMutate(data, size, max_size);
  for (int attempt = 0; attempt < 4; ++attempt) {
    onnx::ModelProto copy = model;
    Mutator m{copy, rng};
    int wanted = 1 + static_cast<int>(pick(rng, 4)), done = 0;
    for (int tries = 0; done < wanted && tries < 20; ++tries) done += m.mutate_once() ? 1 : 0;
    if (done == 0) continue;
    std::string out;
    if (!copy.SerializeToString(&out) || out.size() > max_size) continue;
    std::memcpy(data, out.data(), out.size());
    return out.size();
  }
  return LLVMFuzzerMutate(data, size, max_size);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
                                            uint8_t *out, size_t max_out_size, unsigned int seed) {
  // Splices nodes, initializers and inputs of the second model into the first.
  Rng rng(seed);
  onnx::ModelProto a, b;
  if (!aotc_fuzz::parse_model(data1, size1, a) || !aotc_fuzz::parse_model(data2, size2, b)) return 0;
  auto &ga = *a.mutable_graph();
  const auto &gb = b.graph();
  if (gb.node_size() > 0) {
    int from = static_cast<int>(pick(rng, static_cast<size_t>(gb.node_size())));
    int count = 1 + static_cast<int>(pick(rng, 4));
    for (int i = from; i < gb.node_size() && i < from + count; ++i) {
      *ga.add_node() = gb.node(i);
      for (const auto &name : gb.node(i).input()) {
        for (const auto &t : gb.initializer())
          if (t.name() == name) *ga.add_initializer() = t;
        for (const auto &v : gb.input())
          if (v.name() == name) *ga.add_input() = v;
      }
    }
    if (coin(rng) && gb.node(from).output_size() > 0) ga.add_output()->set_name(gb.node(from).output(0));
  }
  std::string s;
  if (!a.SerializeToString(&s) || s.size() > max_out_size) return 0;
  std::memcpy(out, s.data(), s.size());
  return s.size();
}
