// Kernel registry: per op family (builtin op + input/output dtype) an ordered list of variants, best first,
// the scalar `ref` variant always last (STYLE.md, XNNPACK gemm-config / ruy paths).
//
// A faster variant (avx2, avx512vnni, avxvnni, neon, neondot, neoni8mm, cuda) is
// added by writing its kernel (kernels/<op>-<dtype>/, `__attribute__((target(...)))` per function, never a
// global -march) and listing it before `ref` in its family in config/registry.cc with the CPU features it needs.
// A variant is enabled when compiled in, supported by this CPU (edgert_cpu_features) and allowed by EDGERT_ISA
// (comma-separated ISA tokens; unset = all; ref is always allowed).
#ifndef EDGERT_CONFIG_KERNEL_CONFIG_H_
#define EDGERT_CONFIG_KERNEL_CONFIG_H_

#include <stdint.h>

#include "ref/kernels.h"

namespace edgert {

// Builtin operator codes (TFLite BuiltinOperator) edgert implements.
enum Builtin {
  kAdd = 0, kAveragePool2d = 1, kConcatenation = 2, kConv2d = 3, kDepthwiseConv2d = 4, kDequantize = 6,
  kFullyConnected = 9, kLogistic = 14, kMaxPool2d = 17, kMul = 18, kRelu = 19, kReluN1To1 = 20, kRelu6 = 21,
  kReshape = 22, kSoftmax = 25, kTanh = 28, kPad = 34, kTranspose = 39, kMean = 40, kSub = 41, kSqueeze = 43,
  kStridedSlice = 45, kPadV2 = 60, kLeakyRelu = 98, kQuantize = 114, kHardSwish = 117,
};

constexpr int kAnyDtype = -1;

// Requant modes a variant implements (bit per EDGERT_REQUANT_*): every kernel implements the plan-wide modes
// (GEMMLOWP, SINGLE, FP32); the convolution family also GEMMLOWP_UP (a per-op override).
constexpr uint32_t kAllRequantModes = 0x7;
constexpr uint32_t kConvRequantModes = kAllRequantModes | (1u << EDGERT_REQUANT_GEMMLOWP_UP);
// The SIMD GEMM variants: GEMMLOWP, FP32 and GEMMLOWP_UP (no SINGLE yet).
constexpr uint32_t kGemmSimdRequantModes =
    (1u << EDGERT_REQUANT_GEMMLOWP) | (1u << EDGERT_REQUANT_FP32) | (1u << EDGERT_REQUANT_GEMMLOWP_UP);
// The AVX-512 ADD / SUB: TFLite's integer scheme (GEMMLOWP; FP32 when XNNPACK would not take the op) and
// XNNPACK's (FP32 with p.xnn_add).
constexpr uint32_t kVaddAvx512Modes = (1u << EDGERT_REQUANT_GEMMLOWP) | (1u << EDGERT_REQUANT_FP32);

struct KernelVariant {
  const char* id;          // <op>_<dtype>_<algorithm>[_<tile>]_<isa>
  int builtin;
  int in_dtype;            // kAnyDtype: any element type
  int out_dtype;
  const char* isa;         // ISA token (last part of the id)
  uint64_t cpu_required;   // EDGERT_CPU_* bits the CPU must have
  uint32_t requant_modes;
  KernelFn run;
  // Optional: whether the variant handles this prepared op (shape, constant weights...); nullptr = always.
  bool (*applies)(const OpParams& p) = nullptr;
  // Optional: packs weights / sizes scratch into p at prepare, after applies() said yes.
  void (*pack)(OpParams& p) = nullptr;
};

// Every compiled variant, families in registry order, best first within each family.
int KernelCount();
const KernelVariant& KernelAt(int i);

// Variant by id, or nullptr.
const KernelVariant* FindKernel(const char* id);

// Whether variant can run here (CPU features and EDGERT_ISA).
bool KernelEnabled(const KernelVariant& v);

// First enabled variant of the family (builtin, in_dtype, out_dtype) supporting requant_mode and applying to the
// prepared params p (when p is not null), or nullptr.
const KernelVariant* PickKernel(int builtin, int in_dtype, int out_dtype, int requant_mode,
                                const OpParams* p = nullptr);

// Whether variant implements (builtin, in_dtype, out_dtype).
bool KernelMatches(const KernelVariant& v, int builtin, int in_dtype, int out_dtype);

}  // namespace edgert

#endif  // EDGERT_CONFIG_KERNEL_CONFIG_H_
