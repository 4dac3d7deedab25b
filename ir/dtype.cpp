#include "ir/dtype.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "ir/error.h"

namespace aotc {

namespace {
const DTypeInfo kTable[] = {
    {DType::Undefined, "undef", nullptr, "", 0},
    {DType::Float, "f32", "float", "f32", 4},
    {DType::UInt8, "u8", "uint8_t", "u8", 1},
    {DType::Int8, "i8", "int8_t", "i8", 1},
    {DType::UInt16, "u16", "uint16_t", "u16", 2},
    {DType::Int16, "i16", "int16_t", "i16", 2},
    {DType::Int32, "i32", "int32_t", "i32", 4},
    {DType::Int64, "i64", "int64_t", "i64", 8},
    {DType::String, "str", nullptr, "str", 0},
    {DType::Bool, "bool", "uint8_t", "bool", 1},
    {DType::Float16, "f16", "uint16_t", "f16", 2},
    {DType::Double, "f64", "double", "f64", 8},
    {DType::UInt32, "u32", "uint32_t", "u32", 4},
    {DType::UInt64, "u64", "uint64_t", "u64", 8},
    {DType::Complex64, "c64", nullptr, "c64", 8},
    {DType::Complex128, "c128", nullptr, "c128", 16},
    {DType::BFloat16, "bf16", "uint16_t", "bf16", 2},
    // Newer than ONNX 1.12; one element per byte (see dtype.h).
    {DType::Float8E4M3FN, "f8e4m3fn", "uint8_t", "f8e4m3fn", 1},
    {DType::Float8E4M3FNUZ, "f8e4m3fnuz", "uint8_t", "f8e4m3fnuz", 1},
    {DType::Float8E5M2, "f8e5m2", "uint8_t", "f8e5m2", 1},
    {DType::Float8E5M2FNUZ, "f8e5m2fnuz", "uint8_t", "f8e5m2fnuz", 1},
    {DType::UInt4, "u4", "uint8_t", "u4", 1},
    {DType::Int4, "i4", "int8_t", "i4", 1},
    {DType::Float4E2M1, "f4e2m1", "uint8_t", "f4e2m1", 1},
    {DType::Float8E8M0, "f8e8m0", "uint8_t", "f8e8m0", 1},
    {DType::UInt2, "u2", "uint8_t", "u2", 1},
    {DType::Int2, "i2", "int8_t", "i2", 1},
};
const DTypeInfo kUnknown = {DType::Undefined, "unknown", nullptr, "", 0};
}  // namespace

const DTypeInfo &dtype_info(DType t) {
  auto index = static_cast<size_t>(t);
  if (index < sizeof(kTable) / sizeof(kTable[0])) return kTable[index];
  return kUnknown;
}

std::string dtype_name(DType t) {
  const auto &info = dtype_info(t);
  if (info.size == 0 && t != DType::Undefined && t != DType::String) return fmt::format("dtype#{}", static_cast<int>(t));
  return info.short_name;
}

bool is_float(DType t) {
  return t == DType::Float || t == DType::Double || t == DType::Float16 || t == DType::BFloat16;
}

bool is_signed_integer(DType t) {
  return t == DType::Int8 || t == DType::Int16 || t == DType::Int32 || t == DType::Int64;
}

bool is_integer(DType t) {
  return is_signed_integer(t) || t == DType::UInt8 || t == DType::UInt16 || t == DType::UInt32 ||
         t == DType::UInt64;
}

bool is_minifloat(DType t) {
  switch (t) {
    case DType::Float8E4M3FN:
    case DType::Float8E4M3FNUZ:
    case DType::Float8E5M2:
    case DType::Float8E5M2FNUZ:
    case DType::Float8E8M0:
    case DType::Float4E2M1: return true;
    default: return false;
  }
}

size_t onnx_packed_bits(DType t) {
  switch (t) {
    case DType::UInt4:
    case DType::Int4:
    case DType::Float4E2M1: return 4;
    case DType::UInt2:
    case DType::Int2: return 2;
    default: return 8 * dtype_size(t);
  }
}

namespace {
// Sign-magnitude binary float with `ebits` exponent and `mbits` mantissa bits;
// exponent field 0 is subnormal. Special codes are handled by the caller.
double decode_binary_float(uint32_t bits, int ebits, int mbits, int bias) {
  uint32_t mant = bits & ((1u << mbits) - 1u);
  int exp = static_cast<int>((bits >> mbits) & ((1u << ebits) - 1u));
  double v = exp == 0 ? std::ldexp(mant, 1 - bias - mbits) : std::ldexp(mant + (1u << mbits), exp - bias - mbits);
  return (bits >> (ebits + mbits)) & 1u ? -v : v;
}
}  // namespace

double float_bits_to_double(DType t, uint32_t bits) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  switch (t) {
    case DType::Float16:
      if ((bits & 0x7C00u) == 0x7C00u) return (bits & 0x3FFu) ? nan : (bits & 0x8000u ? -inf : inf);
      return decode_binary_float(bits & 0xFFFFu, 5, 10, 15);
    case DType::BFloat16: {
      uint32_t f32 = bits << 16;
      float f;
      std::memcpy(&f, &f32, sizeof f);
      return f;
    }
    case DType::Float8E4M3FN:  // no infinities; S.1111.111 is NaN
      return (bits & 0x7Fu) == 0x7Fu ? nan : decode_binary_float(bits & 0xFFu, 4, 3, 7);
    case DType::Float8E4M3FNUZ:  // no infinities, no -0: 0x80 is NaN
      return (bits & 0xFFu) == 0x80u ? nan : decode_binary_float(bits & 0xFFu, 4, 3, 8);
    case DType::Float8E5M2:  // IEEE-like
      if ((bits & 0x7Cu) == 0x7Cu) return (bits & 0x3u) ? nan : (bits & 0x80u ? -inf : inf);
      return decode_binary_float(bits & 0xFFu, 5, 2, 15);
    case DType::Float8E5M2FNUZ:
      return (bits & 0xFFu) == 0x80u ? nan : decode_binary_float(bits & 0xFFu, 5, 2, 16);
    case DType::Float4E2M1:  // every code is finite
      return decode_binary_float(bits & 0xFu, 2, 1, 1);
    case DType::Float8E8M0:  // 2^(bits - 127); 0xFF is NaN
      return (bits & 0xFFu) == 0xFFu ? nan : std::ldexp(1.0, static_cast<int>(bits & 0xFFu) - 127);
    default: fail(fmt::format("internal error: {} is not a float bit-pattern type", dtype_name(t)));
  }
}

}  // namespace aotc
