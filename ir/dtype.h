// Element types, numbered as ONNX's TensorProto.DataType so that types newer
// than the ONNX headers we build against still round-trip by number.
//
// Storage of the types newer than ONNX 1.12 (numbers 17..26), in IR tensors,
// generated C and the standard C API (runtime-c/aotc.h):
//   - the 8-bit floats (float8e4m3fn, e4m3fnuz, e5m2, e5m2fnuz, e8m0) are one
//     byte per element holding the bit pattern (uint8_t);
//   - the 4-bit and 2-bit types are UNPACKED, one element per byte: uint8_t for
//     uint4, uint2 and float4e2m1 (bits in the low nibble), int8_t holding the
//     sign-extended value for int4 and int2. ONNX packs them (two 4-bit or four
//     2-bit elements per byte, first element in the lowest bits); the importer
//     unpacks TensorProtos (compiler/onnx_import.cpp).
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
  Float8E4M3FN = 17,
  Float8E4M3FNUZ = 18,
  Float8E5M2 = 19,
  Float8E5M2FNUZ = 20,
  UInt4 = 21,
  Int4 = 22,
  Float4E2M1 = 23,
  Float8E8M0 = 24,
  UInt2 = 25,
  Int2 = 26,
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
/// True for the 8-bit and 4-bit float formats (float8e4m3fn, e4m3fnuz, e5m2,
/// e5m2fnuz, e8m0, float4e2m1): storage types without arithmetic kernels.
bool is_minifloat(DType t);
/// Bits per element in ONNX's serialized form: 4 or 2 for the packed sub-byte
/// types (int4, uint4, float4e2m1, int2, uint2), else 8 * dtype_size(t).
size_t onnx_packed_bits(DType t);
/// Value of one element of a float type stored as its bit pattern (f16, bf16,
/// the float8 types, float4e2m1 in the low nibble); NaN for non-finite codes
/// of formats without infinities. Other types are an internal error.
double float_bits_to_double(DType t, uint32_t bits);

}  // namespace aotc
