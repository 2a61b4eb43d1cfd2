// Weight packing for the arm64 qs8 GEMM variants (kernels/gemm-qs8/*-neon*.cc) and the NEON depthwise variants
// (kernels/dwconv-qs8/direct_arm.cc). Built for aarch64 targets only (native/Makefile picks *_arm.cc by target).
//
// GEMM layouts (same GEMM as pack/gemm_pack.h: C[m][n] = requant(bias'[n] + sum_k A[m][k] * W[n][k])):
// A[m][k] = x as int8, unchanged (im2col rows for CONV_2D), padded taps hold in_zp, the K tail 0. Since the
// reference computes sum over in-bounds taps of (x - in_zp) * w + bias, bias'[n] = bias[n] - in_zp * sum_k W[n][k]
// (wrapping int32): a padded tap then contributes (in_zp - in_zp) * w = 0 and the accumulator equals the
// reference's bit for bit. W per tile of 8 channels:
// - kGemmArmC4 (SMULL/SADALP and SDOT): [k / 4][8 channels][4 bytes], kpad a multiple of 4.
// - kGemmArmC8 (SMMLA): [k / 8][8 channels][8 bytes], kpad a multiple of 8.
// - kGemmArmI16Qu8 (uint8 ops, SMLAL by lane): A = x - in_zp as int16 (padded taps and the K tail 0), W = w -
//   filter_zp as int16 [k][8 channels], kpad a multiple of 8, bias' = bias (|a * w| <= 255 * 255: exact).
// Requant vectors as pack/gemm_pack.h (per channel, padded to npad = multiple of 8).
#ifndef EDGERT_PACK_GEMM_PACK_ARM_H_
#define EDGERT_PACK_GEMM_PACK_ARM_H_

#include "ref/kernels.h"

namespace edgert {

enum GemmArmLayout { kGemmArmC4 = 4, kGemmArmC8 = 8, kGemmArmI16Qu8 = 16 };

// Applies: GemmConvApplies / GemmFcApplies of pack/gemm_pack.h (int8 weights, zero point 0, constant); for
// kGemmArmI16Qu8 GemmConvQu8Applies / GemmFcQu8Applies.
void PackGemmArmConv(OpParams& p, GemmArmLayout layout);
void PackGemmArmFc(OpParams& p, GemmArmLayout layout);

// DEPTHWISE_CONV_2D, any depth multiplier (DwAnyDmApplies / DwQu8AnyDmApplies): PackDw's layout, int16 weights,
// [tap][npad channels] (npad a multiple of 16), qs8 w or qu8 w - filter_zp; bias' folds -in_zp * sum_taps w, so a
// padded tap is computed as x = in_zp.
void PackDwArm(OpParams& p);
void PackDwArmQu8(OpParams& p);

}  // namespace edgert

#endif  // EDGERT_PACK_GEMM_PACK_ARM_H_
