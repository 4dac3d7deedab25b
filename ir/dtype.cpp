#include "ir/dtype.h"

#include <fmt/format.h>

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

}  // namespace aotc
