#include "ir/target.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "ir/error.h"

namespace aotc {

namespace {

// The machine aotc runs on, as far as the compiler that built aotc can tell.
Target detect_host() {
  Target t;
  t.name = "host";
  t.summary = "the machine aotc runs on";
#if defined(__x86_64__)
  t.arch = "x86-64";
  __builtin_cpu_init();
  t.vector_bits = __builtin_cpu_supports("avx512f") ? 512 : __builtin_cpu_supports("avx2") ? 256 : 128;
  t.fma = __builtin_cpu_supports("fma");
  t.fp_registers = __builtin_cpu_supports("avx512f") ? 32 : 16;
  t.x86_dispatch = true;
#elif defined(__aarch64__)
  t.arch = "aarch64";
  t.vector_bits = 128;
  t.fma = true;
  t.fp_registers = 32;
#else
  t.arch = "unknown";
#endif
#if defined(_SC_LEVEL1_DCACHE_SIZE)
  long l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE);
  t.l1d_bytes = l1 > 0 ? static_cast<size_t>(l1) : 32 * 1024;
#else
  t.l1d_bytes = 32 * 1024;
#endif
#if defined(_SC_LEVEL2_CACHE_SIZE)
  long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
  t.l2_bytes = l2 > 0 ? static_cast<size_t>(l2) : 0;
#endif
  return t;
}

Target cortex_m(std::string name, std::string summary, std::string arch, bool fpu_f32, bool fpu_f64, bool dsp,
                bool mve, size_t l1d_bytes, size_t sram_bytes, std::string cflags) {
  Target t;
  t.name = std::move(name);
  t.summary = std::move(summary);
  t.arch = std::move(arch);
  t.vector_bits = mve ? 128 : 0;
  t.fpu_f32 = fpu_f32;
  t.fpu_f64 = fpu_f64;
  t.fma = fpu_f32;  // every Cortex-M FPU (FPv4-SP, FPv5, M55's) has VFMA
  t.dsp = dsp;
  t.mve = mve;
  t.fp_registers = mve ? 8 : fpu_f32 ? 32 : 0;  // Helium: 8 Q registers; FPv4/5: s0..s31
  t.l1d_bytes = l1d_bytes;
  t.sram_bytes = sram_bytes;
  t.max_conv_scratch_bytes = 8 * 1024;
  t.cflags = std::move(cflags);
  return t;
}

std::vector<Target> make_targets() {
  std::vector<Target> targets;
  Target generic;
  generic.name = "generic";
  generic.summary = "portable C99, no extensions: any C compiler, any processor";
  generic.arch = "any";
  generic.l1d_bytes = 32 * 1024;
  generic.c99_only = true;
  targets.push_back(generic);
  targets.push_back(detect_host());
  targets.push_back(cortex_m("cortex-m0", "Arm Cortex-M0/M0+: no FPU (float in software)", "armv6-m", false, false,
                             false, false, 0, 32 * 1024, "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft"));
  targets.push_back(cortex_m("cortex-m4", "Arm Cortex-M4F: FPv4-SP single-precision FPU, DSP", "armv7e-m", true,
                             false, true, false, 0, 256 * 1024,
                             "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"));
  targets.push_back(cortex_m("cortex-m7", "Arm Cortex-M7: FPv5 double-precision FPU, DSP, data cache", "armv7e-m",
                             true, true, true, false, 16 * 1024, 512 * 1024,
                             "-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard"));
  targets.push_back(cortex_m("cortex-m33", "Arm Cortex-M33: FPv5 single-precision FPU, DSP", "armv8-m.main", true,
                             false, true, false, 0, 256 * 1024,
                             "-mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard"));
  targets.push_back(cortex_m("cortex-m55", "Arm Cortex-M55: Helium (MVE) vectors, FPU, DSP", "armv8.1-m.main", true,
                             true, true, true, 0, 512 * 1024, "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard"));
  return targets;
}

}  // namespace

const std::vector<Target> &all_targets() {
  static const std::vector<Target> targets = make_targets();
  return targets;
}

const Target &find_target(const std::string &name) {
  std::vector<std::string> names;
  for (const Target &t : all_targets()) {
    if (t.name == name) return t;
    names.push_back(t.name);
  }
  fail(fmt::format("--target '{}' is not a target aotc knows; choose one of: {}", name, fmt::join(names, ", ")));
}

size_t weight_alignment(const Target &t) {
  if (t.vector_bits == 0) return 0;
  return t.x86_dispatch || t.arch == "x86-64" ? 64 : t.vector_bits / 8;
}

size_t arena_alignment(const Target &t) { return std::max<size_t>(16, weight_alignment(t)); }

std::string target_features(const Target &t) {
  std::vector<std::string> parts = {t.arch};
  if (t.vector_bits) parts.push_back(fmt::format("{}-bit vectors", t.vector_bits));
  if (t.mve) parts.push_back("Helium");
  parts.push_back(!t.fpu_f32 ? "no FPU" : t.fpu_f64 ? "f32+f64 FPU" : "f32 FPU");
  if (t.fma) parts.push_back("FMA");
  if (t.dsp) parts.push_back("DSP");
  if (t.fp_registers) parts.push_back(fmt::format("{} FP registers", t.fp_registers));
  parts.push_back(t.l1d_bytes ? fmt::format("{} KiB L1D", t.l1d_bytes / 1024) : "no data cache");
  if (t.l2_bytes) parts.push_back(fmt::format("{} KiB L2", t.l2_bytes / 1024));
  if (t.sram_bytes) parts.push_back(fmt::format("~{} KiB SRAM", t.sram_bytes / 1024));
  if (t.max_conv_scratch_bytes)
    parts.push_back(t.max_conv_scratch_bytes % 1024 == 0
                        ? fmt::format("conv input copies <= {} KiB", t.max_conv_scratch_bytes / 1024)
                        : fmt::format("conv input copies <= {} bytes", t.max_conv_scratch_bytes));
  if (t.x86_dispatch) parts.push_back("AVX2/AVX-512 chosen at run time");
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace aotc
