// What aotc compiles for (--target). A target is a small description of a
// processor: the facts that decide data layouts and kernel choices (vector
// width, FMA, DSP/Helium extensions, floating point, what to block for) and
// the compiler flags it wants. The generated header records it.
//
// `generic` is portable C99 with no extensions; `host` is the machine aotc
// runs on; the Cortex-M entries describe the cores, not a particular chip
// (sizes of caches and SRAM are typical values of parts built on them).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace aotc {

struct Target {
  std::string name;         ///< --target name: "cortex-m4"
  std::string summary;      ///< one line for --list-targets and the generated header
  std::string arch;         ///< "any", "x86-64", "aarch64", "armv6-m", "armv7e-m", "armv8-m.main", "armv8.1-m.main"
  unsigned vector_bits = 0; ///< widest f32 SIMD vector (0: scalar only)
  bool fpu_f32 = true;      ///< hardware single-precision floating point
  bool fpu_f64 = true;      ///< hardware double precision
  bool fma = false;         ///< hardware fused multiply-add on f32
  bool dsp = false;         ///< Arm DSP extension: packed 8/16-bit SIMD in 32-bit registers
  bool mve = false;         ///< Arm Helium (M-profile vector extension)
  unsigned fp_registers = 0;///< f32 (or vector) registers a micro-kernel may keep values in
  size_t l1d_bytes = 0;     ///< data cache, or tightly coupled data memory, to block for (0: none)
  size_t l2_bytes = 0;      ///< one core's L2 cache (0: none, or unknown)
  size_t sram_bytes = 0;    ///< typical on-chip RAM of parts with this core (0: not a constraint)
  bool x86_dispatch = false;///< generated code may choose AVX2/AVX-512 paths at run time
  /// Kernels use only ISO C99: no GNU vector types (which gcc and clang lower
  /// to scalar code well on cores without SIMD, so only `generic` sets this).
  bool c99_only = false;
  /// Most scratch a conv kernel may take for its copy of the input (0: no
  /// cap). On cores with small SRAM, convs then copy a few input rows at a
  /// time instead of the whole padded input.
  size_t max_conv_scratch_bytes = 0;
  std::string cflags;       ///< suggested C compiler flags, e.g. for arm-none-eabi-gcc
};

/// Every target aotc knows, `generic` first; `host` is described by detection.
const std::vector<Target> &all_targets();

/// The target called `name`; an aotc::Error listing the known names otherwise.
const Target &find_target(const std::string &name);

/// The default target. Its code still builds with any C99 compiler (the SIMD
/// paths are behind compiler and architecture checks), tuned for this machine.
inline const char *default_target_name() { return "host"; }

/// Bytes to align each weights array of at least that size to, so that the
/// kernels' vector loads of packed weights never straddle a cache line: the
/// vector width, and a whole 64-byte line on x86 (AVX-512 reads one per load).
/// 0 on scalar cores, whose flash gains nothing from the padding.
size_t weight_alignment(const Target &target);

/// Bytes to align the arena, and each buffer planned in it, to: 16 (any
/// scalar's), or weight_alignment's where that is more, so that activation
/// vectors do not straddle cache lines either (on AVX-512 a 16-byte-aligned
/// arena made MnasNet 0.5 about 4.5% slower than a 64-byte-aligned one).
size_t arena_alignment(const Target &target);

/// One line of features, e.g. "armv7e-m, f32 FPU, FMA, DSP, 32 FP registers, no data cache".
std::string target_features(const Target &target);

}  // namespace aotc
