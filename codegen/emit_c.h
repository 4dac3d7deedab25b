// C99 code generation from a lowered, memory-planned Program.
#pragma once
#include <map>
#include <vector>
#include <string>

#include "passes/program.h"

namespace aotc {

/// C: arrays in NAME.c; Bin: NAME_weights.bin via .incbin; Extern: declared
/// only, for a backend that defines them itself (codegen/llvm).
enum class WeightsFormat { C, Bin, Extern };

/// "NAME_weights.bin": the file --weights bin writes.
std::string weights_bin_file(const std::string &name);

struct EmitOptions {
  std::string name = "model";  ///< C prefix: NAME_run, NAME_model, NAME.h, NAME.c
  std::string source_file;      ///< model file name, mentioned in the file comment
  std::string weights_section;  ///< --weights-section: linker section of the weights (empty: the default)
  std::string arena_section;    ///< --arena-section: linker section of the static arena (empty: the default)
  /// --weights: `C` writes the weights into NAME.c as arrays (self-contained);
  /// `Bin` writes their bytes to NAME_weights.bin, which NAME.c pulls in with
  /// the assembler's .incbin (GCC or Clang, ELF), so big models build in seconds.
  WeightsFormat weights = WeightsFormat::C;
};

/// Checks a --weights-section / --arena-section name (`option` names it in the error).
void check_section_name(const std::string &option, const std::string &name);

/// Constant data the generated code holds, as NAME.h reports it
/// (NAME_CONSTANT_BYTES is their sum).
struct EmitStats {
  size_t weight_bytes = 0;    ///< constant tensors (weights, packed weights)
  size_t argument_bytes = 0;  ///< kernel argument arrays and geometry structs
  /// The symbol of each Program::constants entry, in that order (an array of
  /// its element type with WeightsFormat::Bin and Extern).
  std::vector<std::string> constant_symbols;
};

/// Returns the generated files by name: "NAME.h", "NAME.c" and "aotc.h" (and
/// NAME_weights.bin with WeightsFormat::Bin).
/// Output is a pure function of the program: same input, byte-identical files.
/// `stats`, if given, receives what the files hold.
std::map<std::string, std::string> emit_c(const Program &program, const EmitOptions &options,
                                          EmitStats *stats = nullptr);

/// True if `name` is usable as a C identifier prefix.
bool is_valid_c_name(const std::string &name);

/// Text of an embedded runtime-c file ("aotc.h", "kernel_common.h", or a kernel file stem).
const std::string &runtime_source(const std::string &file);

/// The kernel headers ("conv_common.h", "kernel_common.h", ...), in name order.
std::vector<std::string> runtime_kernel_headers();

/// The kernel file stems ("cast", "conv", ...), in name order.
std::vector<std::string> runtime_kernel_files();

}  // namespace aotc
