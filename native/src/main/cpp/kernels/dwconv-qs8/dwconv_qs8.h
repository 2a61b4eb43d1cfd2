// Entry points of the qs8 DEPTHWISE_CONV_2D variants (pack hook: PackDw in pack/gemm_pack.h).
#ifndef EDGERT_KERNELS_DWCONV_QS8_DWCONV_QS8_H_
#define EDGERT_KERNELS_DWCONV_QS8_DWCONV_QS8_H_

#include "ref/kernels.h"

namespace edgert {
namespace kernels {

void dwconv_qs8_direct_32c2_avx512vnni(const OpParams& p, uint8_t* arena);
void dwconv_qs8_direct_8c_avx2(const OpParams& p, uint8_t* arena);
// uint8 (pack hooks PackDwC2Qu8 / PackDwQu8).
void dwconv_qu8_direct_32c2_avx512vnni(const OpParams& p, uint8_t* arena);
void dwconv_qu8_direct_8c_avx2(const OpParams& p, uint8_t* arena);
// PackDwC2's layout on ymm (channels a multiple of 16 and >= 32, depth multiplier 1): DwC2Avx2Applies / DwC2Avx2Qu8Applies.
void dwconv_qs8_direct_32c2_avx2(const OpParams& p, uint8_t* arena);
void dwconv_qu8_direct_32c2_avx2(const OpParams& p, uint8_t* arena);
// Row buffers (pack hooks PackDwRows / PackDwRowsQu8): each input pixel widened and paired once per output row.
void dwconv_qs8_rows_32c2_avx512vnni(const OpParams& p, uint8_t* arena);
void dwconv_qu8_rows_32c2_avx512vnni(const OpParams& p, uint8_t* arena);

// arm64 (aarch64 builds only), depth multiplier 1, pack hooks PackDwArm / PackDwArmQu8 (pack/gemm_pack_arm.h).
void dwconv_qs8_direct_16c_neon(const OpParams& p, uint8_t* arena);
void dwconv_qu8_direct_16c_neon(const OpParams& p, uint8_t* arena);

}  // namespace kernels
}  // namespace edgert

#endif  // EDGERT_KERNELS_DWCONV_QS8_DWCONV_QS8_H_
