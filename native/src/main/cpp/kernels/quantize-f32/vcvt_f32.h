// QUANTIZE float32 -> qs8 / qu8 variants (kernels/quantize-f32/vcvt_x86.cc), GEMMLOWP and SINGLE plan modes.
#ifndef EDGERT_KERNELS_QUANTIZE_F32_VCVT_F32_H_
#define EDGERT_KERNELS_QUANTIZE_F32_VCVT_F32_H_

#include "ref/kernels.h"

namespace edgert {
namespace kernels {

void quantize_f32_qs8_vcvt_avx512vnni(const OpParams& p, uint8_t* arena);
void quantize_f32_qu8_vcvt_avx512vnni(const OpParams& p, uint8_t* arena);
void quantize_f32_qs8_vcvt_avx2(const OpParams& p, uint8_t* arena);
void quantize_f32_qu8_vcvt_avx2(const OpParams& p, uint8_t* arena);

// arm64 (aarch64 builds only, kernels/quantize-f32/vcvt_arm.cc).
void quantize_f32_qs8_vcvt_neon(const OpParams& p, uint8_t* arena);
void quantize_f32_qu8_vcvt_neon(const OpParams& p, uint8_t* arena);

}  // namespace kernels
}  // namespace edgert

#endif  // EDGERT_KERNELS_QUANTIZE_F32_VCVT_F32_H_
