// Entry points of the qs8 GEMM variants (CONV_2D groups == 1 and FULLY_CONNECTED) and their pack hooks.
#ifndef EDGERT_KERNELS_GEMM_QS8_GEMM_QS8_H_
#define EDGERT_KERNELS_GEMM_QS8_GEMM_QS8_H_

#include "ref/kernels.h"

namespace edgert {
namespace kernels {

void conv2d_qs8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena);
void fc_qs8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena);
void pack_gemm_qs8_conv_u8c4(OpParams& p);
void pack_gemm_qs8_fc_u8c4(OpParams& p);

void conv2d_qs8_gemm_4x16c2_avx2(const OpParams& p, uint8_t* arena);
void fc_qs8_gemm_4x16c2_avx2(const OpParams& p, uint8_t* arena);
void pack_gemm_qs8_conv_i16c2x16(OpParams& p);
void pack_gemm_qs8_fc_i16c2x16(OpParams& p);

// qu8 on vpdpbusd (any filter zero point), layout kGemmU8C4Qu8.
void conv2d_qu8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena);
void fc_qu8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena);
void pack_gemm_qu8_conv_u8c4(OpParams& p);
void pack_gemm_qu8_fc_u8c4(OpParams& p);

// qu8 (uint8 activations and weights, any filter zero point), layout kGemmI16C2x16Qu8.
void conv2d_qu8_gemm_4x16c2_avx2(const OpParams& p, uint8_t* arena);
void fc_qu8_gemm_4x16c2_avx2(const OpParams& p, uint8_t* arena);
void conv2d_qu8_gemm_8x16c2_avx512vnni(const OpParams& p, uint8_t* arena);
void fc_qu8_gemm_8x16c2_avx512vnni(const OpParams& p, uint8_t* arena);
void pack_gemm_qu8_conv_i16c2x16(OpParams& p);
void pack_gemm_qu8_fc_i16c2x16(OpParams& p);

// AVX-VNNI (256-bit vpdpbusd, no AVX-512): layouts kGemmU8C4 (conv packed without the direct scheme) and
// kGemmU8C4Qu8 (the VNNI qu8 packers).
void conv2d_qs8_gemm_4x16c4_avxvnni(const OpParams& p, uint8_t* arena);
void fc_qs8_gemm_4x16c4_avxvnni(const OpParams& p, uint8_t* arena);
void conv2d_qu8_gemm_4x16c4_avxvnni(const OpParams& p, uint8_t* arena);
void fc_qu8_gemm_4x16c4_avxvnni(const OpParams& p, uint8_t* arena);
void pack_gemm_qs8_conv_u8c4_rows(OpParams& p);

// Pointwise CONV_2D on AMX-INT8 tiles (pack/gemm_pack.h AmxConvApplies), layouts kGemmS8C4K64 / kGemmU8C4K64Qu8.
void conv2d_qs8_gemm_32x32c4_amx(const OpParams& p, uint8_t* arena);
void conv2d_qu8_gemm_32x32c4_amx(const OpParams& p, uint8_t* arena);
void pack_gemm_qs8_conv_amx(OpParams& p);
void pack_gemm_qu8_conv_amx(OpParams& p);

// DEPTHWISE_CONV_2D with one input channel, run by the conv entry points above (pack/gemm_pack.h GemmDwApplies).
void pack_gemm_qs8_dw_u8c4(OpParams& p);
void pack_gemm_qs8_dw_i16c2x16(OpParams& p);
void pack_gemm_qu8_dw_i16c2x16(OpParams& p);

// arm64 (aarch64 builds only): layouts kGemmArmC4 / kGemmArmC8 of pack/gemm_pack_arm.h.
void conv2d_qs8_gemm_4x8c4_neon(const OpParams& p, uint8_t* arena);
void fc_qs8_gemm_4x8c4_neon(const OpParams& p, uint8_t* arena);
void conv2d_qs8_gemm_4x8c4_neondot(const OpParams& p, uint8_t* arena);
void fc_qs8_gemm_4x8c4_neondot(const OpParams& p, uint8_t* arena);
void conv2d_qs8_gemm_4x8c8_neoni8mm(const OpParams& p, uint8_t* arena);
void fc_qs8_gemm_4x8c8_neoni8mm(const OpParams& p, uint8_t* arena);
void pack_gemm_qs8_conv_armc4(OpParams& p);
void pack_gemm_qs8_fc_armc4(OpParams& p);
void pack_gemm_qs8_conv_armc8(OpParams& p);
void pack_gemm_qs8_fc_armc8(OpParams& p);
void conv2d_qu8_gemm_4x8_neon(const OpParams& p, uint8_t* arena);
void fc_qu8_gemm_4x8_neon(const OpParams& p, uint8_t* arena);
void pack_gemm_qu8_conv_armi16(OpParams& p);
void pack_gemm_qu8_fc_armi16(OpParams& p);

}  // namespace kernels
}  // namespace edgert

#endif  // EDGERT_KERNELS_GEMM_QS8_GEMM_QS8_H_
