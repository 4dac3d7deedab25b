// Element types, numbered as ONNX's TensorProto.DataType so that types newer
// than the ONNX headers we build against still round-trip by number.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace aotc {

enum class DType : int32_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
};

/// Static facts about one element type.
struct DTypeInfo {
  DType dtype;
  const char *short_name;  ///< IR text form: "f32", "i64", ...
  const char *c_type;      ///< C storage type in generated code; nullptr if unsupported there.
  const char *suffix;      ///< Kernel name suffix: aotc_relu_f32.
  size_t size;             ///< Bytes per element; 0 if not a fixed-size type.
};

/// Returns the facts for `t`; unknown numbers get a placeholder with size 0.
const DTypeInfo &dtype_info(DType t);
inline size_t dtype_size(DType t) { return dtype_info(t).size; }
std::string dtype_name(DType t);
/// True for types whose arithmetic is floating point (f16, bf16, f32, f64).
bool is_float(DType t);
/// True for integer types (signed or unsigned), not bool.
bool is_integer(DType t);
bool is_signed_integer(DType t);

}  // namespace aotc
