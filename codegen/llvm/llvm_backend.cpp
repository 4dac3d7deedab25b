#include "codegen/llvm/llvm_backend.h"

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/TargetInfo.h>
#include <clang/Basic/TargetOptions.h>
#include <clang/CodeGen/BackendUtil.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Frontend/Utils.h>
#include <fmt/format.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/ARMTargetParser.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <sstream>

#include "codegen/llvm/libc_headers.h"
#include "ir/error.h"
#include "ir/target.h"
#include "runtime-c/aotc.h"

#ifndef AOTC_CLANG_RESOURCE_DIR
#error "AOTC_CLANG_RESOURCE_DIR: set by codegen/llvm/CMakeLists.txt"
#endif

namespace aotc {

namespace {

// Where the sources live in the compiler's in-memory file system. Nothing
// outside it is read but Clang's resource directory (its own headers).
constexpr const char *kSourceDir = "/aotc-model";
constexpr const char *kLibcDir = "/aotc-libc";

void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    llvm::InitializeAllAsmParsers();  // kernels hold inline assembly (Cortex-M)
    // GVN's load PRE inside loops turns a[q + 1] of one iteration into a[q]
    // of the next: a recurrence the loop vectorizer then refuses ("value that
    // could not be identified as reduction is used outside the loop"), which
    // leaves the depthwise 3x3 loops scalar (KWS DS-CNN 1.8x slower).
    const char *args[] = {"aotc", "-enable-load-in-loop-pre=false"};
    llvm::cl::ParseCommandLineOptions(2, args, "", nullptr, nullptr);
  });
}

std::vector<std::string> split_words(const std::string &text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

bool is_x86(const std::string &triple) {
  llvm::Triple t(triple);
  return t.getArch() == llvm::Triple::x86_64 || t.getArch() == llvm::Triple::x86;
}

// --features "+a,-b": the items, each checked to start with + or -.
std::vector<std::string> feature_list(const std::string &features) {
  std::vector<std::string> list;
  std::stringstream in(features);
  for (std::string feature; std::getline(in, feature, ',');) {
    if (feature.empty()) continue;
    if (feature.size() < 2 || (feature[0] != '+' && feature[0] != '-'))
      fail(fmt::format("--features '{}': each feature starts with + or - (e.g. +avx2,-avx512f)", features));
    list.push_back(feature);
  }
  return list;
}

// Whether Arm code for cpu (or, without one, the triple's architecture) may
// load and store unaligned words (LDR, STR, LDRH; not LDRD or LDM): ARMv7 and
// later but v8-M Baseline. (v6 may, as SCTLR.U says; Clang refuses it for
// v6-M, and so do we for all of v6.)
bool arm_has_unaligned_access(const llvm::Triple &triple, const std::string &cpu) {
  llvm::ARM::ArchKind arch = cpu.empty() ? llvm::ARM::parseArch(triple.getArchName()) : llvm::ARM::parseCPUArch(cpu);
  if (arch == llvm::ARM::ArchKind::INVALID || arch == llvm::ARM::ArchKind::ARMV8MBaseline) return false;
  return llvm::ARM::parseArchVersion(llvm::ARM::getArchName(arch)) >= 7;
}

// The Clang driver arguments that select what to compile for: --target's
// flags (the same ones it suggests for a C compiler), then the overrides.
std::vector<std::string> target_arguments(const Target &target, const LlvmTargetOptions &options, bool jit) {
  std::vector<std::string> args;
  std::string triple = options.triple;
  std::vector<std::string> flags = split_words(target.cflags);
  if (jit) {
    // This machine runs it: --target still chose the kernels (a cortex-m4
    // model runs its Cortex-M kernels here, as verify does with the C backend).
    triple = llvm::sys::getDefaultTargetTriple();
    flags.clear();
  }
  if (triple.empty()) triple = target.cflags.empty() ? llvm::sys::getDefaultTargetTriple() : "arm-none-eabi";
  args.push_back("--target=" + triple);
  if (!options.triple.empty()) {
    // --target's flags (-mcpu, -mfpu, -mfloat-abi) are Arm flags: kept for an
    // Arm --triple, dropped for any other.
    llvm::Triple t(options.triple);
    if (!t.isARM() && !t.isThumb()) flags.clear();
  }
  for (const std::string &f : flags) args.push_back(f);
  // As arm-none-eabi-gcc: enums as small as their values, or ld warns that
  // the objects' enum sizes differ (none crosses aotc's interface).
  llvm::Triple chosen(triple);
  if ((chosen.isARM() || chosen.isThumb()) && chosen.getOS() == llvm::Triple::UnknownOS)
    args.push_back("-fshort-enums");
  // The kernels choose 512-bit vector types where AVX-512 is on; the loops
  // LLVM vectorises itself should too (it prefers 256 bits on those CPUs).
  // Measured: the MLP autoencoder's GEMVs 16.0 -> 13.3 us.
  if (is_x86(triple)) args.push_back("-mprefer-vector-width=512");
  std::string cpu = jit ? "native" : options.cpu;
  if (!cpu.empty()) args.push_back((is_x86(triple) ? "-march=" : "-mcpu=") + cpu);
  if ((chosen.isARM() || chosen.isThumb()) && chosen.getOS() == llvm::Triple::UnknownOS) {
    // Bare-metal Arm, as arm-none-eabi-gcc -O2 compiles it (Clang 14's
    // defaults differ): unaligned word loads where the architecture has them
    // (v7 on, not v8-M Baseline), or each memcpy of 4 bytes the int8 kernels
    // do (x and weight words for SMLAD) becomes 4 LDRB and 3 ORR; and no
    // frame pointer, which takes r7 from every function. Cortex-M4,
    // ad_autoencoder_int8: 1.33M -> 0.67M instructions. With r7 free the
    // int8 kernels' 13-register asm loops can be allocated, which
    // AOTC_ARM_NO_FRAME_POINTER tells them (conv_int8.c): kws_dscnn_int8
    // 5.63M -> 4.35M.
    args.push_back("-fomit-frame-pointer");
    args.push_back("-DAOTC_ARM_NO_FRAME_POINTER=1");
    std::string arm_cpu;
    for (const std::string &a : args)
      if (a.rfind("-mcpu=", 0) == 0) arm_cpu = a.substr(6);
    if (arm_has_unaligned_access(chosen, arm_cpu)) args.push_back("-munaligned-access");
  }
  if (!options.features.empty()) {
    for (const std::string &feature : feature_list(options.features)) {
      args.push_back("-Xclang");
      args.push_back("-target-feature");
      args.push_back("-Xclang");
      args.push_back(feature);
    }
  }
  static const std::set<std::string> kLevels = {"0", "1", "2", "3", "s", "z"};
  if (!kLevels.count(options.opt_level))
    fail(fmt::format("--opt-level '{}': one of 0, 1, 2, 3, s, z", options.opt_level));
  for (const std::string &d : options.defines) {
    if (d.empty() || !(std::isalpha(static_cast<unsigned char>(d[0])) || d[0] == '_'))
      fail(fmt::format("--define '{}': expected NAME or NAME=VALUE", d));
    args.push_back("-D" + d);
  }
  // The JIT knows the exact CPU: no run-time choice between AVX2 and AVX-512.
  if (jit) args.push_back("-DAOTC_NO_CPU_DISPATCH=1");
  return args;
}

/// Sends this process's stderr to /dev/null while it lives.
class StderrSilenced {
 public:
  StderrSilenced() {
    llvm::errs().flush();
    std::fflush(stderr);
    saved_ = dup(2);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, 2);
      close(null);
    }
  }
  ~StderrSilenced() {
    llvm::errs().flush();
    std::fflush(stderr);
    if (saved_ >= 0) {
      dup2(saved_, 2);
      close(saved_);
    }
  }
  StderrSilenced(const StderrSilenced &) = delete;
  StderrSilenced &operator=(const StderrSilenced &) = delete;

 private:
  int saved_ = -1;
};

/// One in-process compilation of NAME.c, from C to a target object.
class CCompilation {
 public:
  CCompilation(const LlvmInput &input, const Target &target, const LlvmTargetOptions &options, bool jit)
      : input_(input), target_(target) {
    initialize_llvm();
    auto memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
    for (const auto &[file, text] : input.files)
      memory->addFile(std::string(kSourceDir) + "/" + file, 0, llvm::MemoryBuffer::getMemBufferCopy(text, file));
    memory->addFile(std::string(kLibcDir) + "/math.h", 0, llvm::MemoryBuffer::getMemBuffer(kLibcMathH, "math.h"));
    memory->addFile(std::string(kLibcDir) + "/string.h", 0,
                    llvm::MemoryBuffer::getMemBuffer(kLibcStringH, "string.h"));
    memory->addFile(std::string(kLibcDir) + "/stdlib.h", 0,
                    llvm::MemoryBuffer::getMemBuffer(kLibcStdlibH, "stdlib.h"));
    auto overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::getRealFileSystem());
    overlay->pushOverlay(memory);
    vfs_ = overlay;

    // -fno-math-errno: generated code never reads errno, so sqrtf and friends
    // may become instructions. -nostdlibinc: only Clang's own headers and ours.
    // -Werror: aotc's C is warning-free; a warning here is a bug to hear of.
    // -fno-strict-aliasing: the arena holds tensors of every type, and the
    // dtype-agnostic kernels (Where, Transpose, Concat, ...) move floats as
    // uint32_t; once every kernel is inlined into one run function (see
    // specialize_kernel_calls), type-based alias analysis would reorder those
    // loads before the float stores they read (loop_if on Cortex-M4 went wrong).
    // -ffunction-sections, -fdata-sections: what the firmware does not use
    // (NAME_run and its arena, when only the standard API is called) is left
    // out by the linker's --gc-sections.
    std::vector<std::string> args = {"clang", "-x", "c", "-std=c99", "-O" + options.opt_level, "-Werror",
                                     "-fno-strict-aliasing", "-fno-math-errno", "-ffunction-sections",
                                     "-fdata-sections", "-nostdlibinc", "-resource-dir", AOTC_CLANG_RESOURCE_DIR,
                                     "-isystem", kLibcDir, "-I", kSourceDir};
    for (std::string &a : target_arguments(target, options, jit)) args.push_back(std::move(a));
    args.push_back(std::string(kSourceDir) + "/" + input.name + ".c");
    std::vector<const char *> argv;
    for (const std::string &a : args) argv.push_back(a.c_str());

    diag_options_ = new clang::DiagnosticOptions();
    diag_stream_ = std::make_unique<llvm::raw_string_ostream>(diag_text_);
    auto *printer = new clang::TextDiagnosticPrinter(*diag_stream_, diag_options_.get());
    diags_ = clang::CompilerInstance::createDiagnostics(diag_options_.get(), printer, true);
    std::vector<std::string> cc1;
    std::unique_ptr<clang::CompilerInvocation> invocation =
        clang::createInvocationFromCommandLine(argv, diags_, vfs_, false, &cc1);
    if (!invocation) fail(fmt::format("LLVM backend: the compiler options were refused:\n{}", diagnostics()));
    check_target(*invocation, options);
    instance_.setInvocation(std::move(invocation));
    instance_.setDiagnostics(diags_.get());
    instance_.createFileManager(vfs_);
    // Optimised once, after the weights are in (see object()).
    instance_.getCodeGenOpts().DisableLLVMPasses = true;
    instance_.getFrontendOpts().ProgramAction = clang::frontend::EmitLLVMOnly;
    instance_.getCodeGenOpts().DiscardValueNames = true;
    // The driver's -disable-free lets a one-shot clang process leak its AST;
    // in aotc, which may compile many models (conformance runs), free it.
    instance_.getFrontendOpts().DisableFree = false;

    clang::EmitLLVMOnlyAction action(&context_);
    if (!instance_.ExecuteAction(action) || diags_->hasErrorOccurred())
      fail(fmt::format("LLVM backend: {}.c failed to compile (an aotc bug: please report it):\n{}", input.name,
                       diagnostics()));
    module_ = action.takeModule();
    if (!module_) fail("LLVM backend: no module was produced:\n" + diagnostics());
    define_weights();
    specialize_kernel_calls();
  }

  /// The optimised module as an object file for its target.
  std::string object() {
    clang::CodeGenOptions &cg = instance_.getCodeGenOpts();
    cg.DisableLLVMPasses = false;
    llvm::SmallString<0> bytes;
    auto stream = std::make_unique<llvm::raw_svector_ostream>(bytes);
    clang::EmitBackendOutput(*diags_, instance_.getHeaderSearchOpts(), cg, instance_.getTargetOpts(),
                             instance_.getLangOpts(), module_->getDataLayoutStr(), module_.get(),
                             clang::Backend_EmitObj, std::move(stream));
    if (diags_->hasErrorOccurred()) fail("LLVM backend: code generation failed:\n" + diagnostics());
    return std::string(bytes.data(), bytes.size());
  }

  LlvmObjectInfo info() const {
    const clang::TargetOptions &t = instance_.getTargetOpts();
    LlvmObjectInfo i;
    i.triple = t.Triple;
    i.cpu = t.CPU;
    i.features = fmt::format("{}", fmt::join(t.Features, ","));
    return i;
  }

 private:
  const LlvmInput &input_;
  const Target &target_;
  llvm::LLVMContext context_;
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> vfs_;
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> diag_options_;
  std::string diag_text_;
  std::unique_ptr<llvm::raw_string_ostream> diag_stream_;
  llvm::IntrusiveRefCntPtr<clang::DiagnosticsEngine> diags_;
  clang::CompilerInstance instance_;
  std::unique_ptr<llvm::Module> module_;

  std::string diagnostics() {
    diag_stream_->flush();
    return diag_text_;
  }

  // What the user chose (--target, --triple, --cpu, --features) checked before
  // any compiling, so that a mistake is reported as one, not as a failure of
  // aotc's own C.
  void check_target(const clang::CompilerInvocation &invocation, const LlvmTargetOptions &options) {
    const clang::TargetOptions &t = invocation.getTargetOpts();
    std::string error;
    const llvm::Target *target = llvm::TargetRegistry::lookupTarget(t.Triple, error);
    if (!target) fail(fmt::format("--triple '{}': LLVM has no such target ({})", t.Triple, error));
    auto info = std::make_shared<clang::TargetOptions>(t);
    llvm::IntrusiveRefCntPtr<clang::TargetInfo> checked(clang::TargetInfo::CreateTargetInfo(*diags_, info));
    if (!checked)
      fail(fmt::format("LLVM backend: target '{}'{} refused:\n{}", t.Triple,
                       t.CPU.empty() ? "" : fmt::format(" with cpu '{}'", t.CPU), diagnostics()));
    check_core_has_target_features(*target, t);
    for (const std::string &feature : feature_list(options.features)) {
      // A feature LLVM knows sets a bit with + and clears it with -. (An
      // unknown one it reports on stderr itself: silenced, ours says it.)
      std::string name = feature.substr(1);
      std::unique_ptr<llvm::MCSubtargetInfo> on, off;
      {
        StderrSilenced quiet;
        on.reset(target->createMCSubtargetInfo(t.Triple, t.CPU, "+" + name));
        off.reset(target->createMCSubtargetInfo(t.Triple, t.CPU, "-" + name));
      }
      if (on && off && on->getFeatureBits() == off->getFeatureBits())
        fail(fmt::format("--features: '{}' is not a feature of {} (llc -mtriple={} -mattr=help lists them)", name,
                         t.Triple, t.Triple));
    }
  }

  // The kernels and packed formats aotc chose for --target use its Arm
  // extensions (SMLAD of the DSP extension, the FPU, Helium). A --cpu or
  // --triple without them must be refused here: LLVM crashes on such code.
  void check_core_has_target_features(const llvm::Target &target, const clang::TargetOptions &t) {
    llvm::Triple triple(t.Triple);
    if (!triple.isARM() && !triple.isThumb()) return;
    const std::string features = fmt::format("{}", fmt::join(t.Features, ","));
    std::unique_ptr<llvm::MCSubtargetInfo> core;
    {
      StderrSilenced quiet;
      core.reset(target.createMCSubtargetInfo(t.Triple, t.CPU, features));
    }
    if (!core) return;  // the checks above report an unknown cpu
    std::vector<std::string> missing;
    if (target_.dsp && !core->checkFeatures("+dsp")) missing.push_back("the DSP extension");
    if (target_.fpu_f32 && !core->checkFeatures("+vfp2sp")) missing.push_back("a single-precision FPU");
    if (target_.mve && !core->checkFeatures("+mve")) missing.push_back("Helium (MVE)");
    if (!missing.empty())
      fail(fmt::format("--target {} uses {}, which {}{} lacks: choose the --target of that core (aotc --list-targets)",
                       target_.name, fmt::join(missing, " and "), t.CPU.empty() ? t.Triple : "--cpu " + t.CPU,
                       t.CPU.empty() ? "" : " (" + t.Triple + ")"));
  }

  // Every kernel call of the run function inlined, as Glow specialises its
  // libjit calls: each layer gets its own copy of its kernel with the call's
  // constant arguments (geometry structs, sizes, weights) folded in, and the
  // branches for other shapes dropped. Measured faster on every model tried,
  // and no larger: the branches dropped outweigh the copies.
  void specialize_kernel_calls() {
    llvm::Function *run = module_->getFunction(input_.name + "_run_arena");
    if (!run) return;
    for (llvm::BasicBlock &block : *run)
      for (llvm::Instruction &inst : block)
        if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
          if (llvm::Function *callee = call->getCalledFunction(); callee && !callee->isDeclaration())
            call->addFnAttr(llvm::Attribute::AlwaysInline);
  }

  // NAME.c declares each weight `extern const T sym[N]`; it becomes a constant
  // global here, internal to the object as the C backend's `static const`.
  void define_weights() {
    if (module_->getDataLayout().isBigEndian() && !input_.weights.empty())
      fail(fmt::format("LLVM backend: target '{}' is big-endian; aotc's weights are little-endian",
                       module_->getTargetTriple()));
    for (const auto &[symbol, bytes] : input_.weights) {
      llvm::GlobalVariable *declared = module_->getGlobalVariable(symbol, true);
      if (!declared) continue;  // unused by the code (a constant only a dropped step read)
      std::string data = bytes.empty() ? std::string(1, '\0') : bytes;  // C has no empty arrays
      llvm::Constant *init = llvm::ConstantDataArray::getRaw(
          data, data.size(), llvm::Type::getInt8Ty(context_));
      auto *global = new llvm::GlobalVariable(*module_, init->getType(), true, llvm::GlobalValue::InternalLinkage,
                                              init, symbol + ".data");
      global->setAlignment(llvm::MaybeAlign(std::max<size_t>(16, weight_alignment(target_))));
      if (!input_.weights_section.empty()) global->setSection(input_.weights_section);
      declared->replaceAllUsesWith(llvm::ConstantExpr::getBitCast(global, declared->getType()));
      declared->eraseFromParent();
      global->setName(symbol);
    }
  }
};

class OrcJitModel : public JitModel {
 public:
  OrcJitModel(const LlvmInput &input, const Target &target) {
    CCompilation compilation(input, target, {}, true);
    std::string object = compilation.object();
    auto jit = llvm::orc::LLJITBuilder().create();
    if (!jit) fail("LLVM backend: cannot start the JIT: " + llvm::toString(jit.takeError()));
    jit_ = std::move(*jit);
    auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
        jit_->getDataLayout().getGlobalPrefix());
    if (!process) fail("LLVM backend: " + llvm::toString(process.takeError()));
    jit_->getMainJITDylib().addGenerator(std::move(*process));
    if (llvm::Error e = jit_->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(object, input.name + ".o")))
      fail("LLVM backend: the JIT refused the object: " + llvm::toString(std::move(e)));
    auto symbol = jit_->lookup(input.name + "_model");
    if (!symbol) fail("LLVM backend: " + llvm::toString(symbol.takeError()));
    model_ = reinterpret_cast<const aotc_model *>(static_cast<uintptr_t>(symbol->getAddress()));
    size_t alignment = std::max<size_t>(model_->arena_alignment, alignof(std::max_align_t));
    size_t bytes = (std::max<size_t>(model_->arena_size, 1) + alignment - 1) / alignment * alignment;
    arena_ = static_cast<unsigned char *>(std::aligned_alloc(alignment, bytes));
    if (!arena_) fail("LLVM backend: out of memory for the arena");
    aotc_status s = aotc_session_init(&session_, model_, arena_, bytes);
    if (s != AOTC_OK) fail(fmt::format("LLVM backend: aotc_session_init: {}", aotc_status_string(s)));
  }
  ~OrcJitModel() override { std::free(arena_); }

  std::vector<std::string> run(const std::vector<std::string> &inputs) override {
    if (inputs.size() != aotc_num_inputs(model_))
      fail(fmt::format("the model has {} inputs, {} given", aotc_num_inputs(model_), inputs.size()));
    for (uint32_t i = 0; i < inputs.size(); ++i) {
      aotc_status s = aotc_set_input(&session_, i, inputs[i].data(), inputs[i].size());
      if (s != AOTC_OK) fail(fmt::format("input {}: aotc_set_input: {}", i, aotc_status_string(s)));
    }
    aotc_status s = aotc_run(&session_);
    if (s != AOTC_OK) fail(fmt::format("the model failed to run: {}", aotc_status_string(s)));
    std::vector<std::string> outputs;
    for (uint32_t k = 0; k < aotc_num_outputs(model_); ++k) {
      std::string bytes(aotc_output_info(model_, k)->byte_size, '\0');
      s = aotc_get_output(&session_, k, bytes.data(), bytes.size());
      if (s != AOTC_OK) fail(fmt::format("output {}: aotc_get_output: {}", k, aotc_status_string(s)));
      outputs.push_back(std::move(bytes));
    }
    return outputs;
  }

 private:
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  const aotc_model *model_ = nullptr;
  unsigned char *arena_ = nullptr;
  aotc_session session_{};
};

}  // namespace

bool llvm_backend_available() { return true; }

std::string llvm_compile_object(const LlvmInput &input, const Target &target, const LlvmTargetOptions &options,
                                LlvmObjectInfo *info) {
  CCompilation compilation(input, target, options, false);
  std::string object = compilation.object();
  if (info) *info = compilation.info();
  return object;
}

std::unique_ptr<JitModel> JitModel::create(const LlvmInput &input, const Target &target) {
  return std::make_unique<OrcJitModel>(input, target);
}

}  // namespace aotc
