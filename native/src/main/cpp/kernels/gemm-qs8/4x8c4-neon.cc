// qs8 GEMM, 4 rows x 8 channels per tile, K in groups of 4 bytes, baseline ARMv8-A NEON (Cortex-A53 / A72):
// CONV_2D (groups 1, im2col) and FULLY_CONNECTED on layout kGemmArmC4 (pack/gemm_pack_arm.h). Per K group and row,
// SMULL of the row's 4 bytes (broadcast) with 2 channels x 4 weight bytes gives 8 int16 products (each
// |x * w| <= 128 * 128 = 16384: exact), SADALP adds adjacent pairs into int32 lanes (2 per channel); a final ADDP
// folds them. No int16 sums of two products (128 * 128 * 2 overflows int16 when both operands are -128).
// Requantization: kernels/requant_neon.h (GEMMLOWP, GEMMLOWP_UP, FP32), bit-exact with ref.
#include <string.h>

#include "kernels/gemm-qs8/gemm_arm.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "pack/gemm_pack_arm.h"

namespace edgert {
namespace kernels {
namespace {

template <int MODE>
void Tile(const OpParams& p, const ArmTile& t) {
  int32x4_t acc[4][4];
  for (int r = 0; r < 4; ++r) {
    for (int j = 0; j < 4; ++j) acc[r][j] = vdupq_n_s32(0);
  }
  const int kq = t.kpad / 4;
  for (int q = 0; q < kq; ++q) {
    const int8x16_t w0 = vld1q_s8(t.w + 32 * q);
    const int8x16_t w1 = vld1q_s8(t.w + 32 * q + 16);
#pragma GCC unroll 4
    for (int r = 0; r < 4; ++r) {
      int32_t a4;
      memcpy(&a4, t.a[r] + 4 * q, 4);
      const int8x16_t a = vreinterpretq_s8_s32(vdupq_n_s32(a4));
      acc[r][0] = vpadalq_s16(acc[r][0], vmull_s8(vget_low_s8(w0), vget_low_s8(a)));
      acc[r][1] = vpadalq_s16(acc[r][1], vmull_high_s8(w0, a));
      acc[r][2] = vpadalq_s16(acc[r][2], vmull_s8(vget_low_s8(w1), vget_low_s8(a)));
      acc[r][3] = vpadalq_s16(acc[r][3], vmull_high_s8(w1, a));
    }
  }
  const int32x4_t b0 = vld1q_s32(p.gemm.bias.data() + t.n0);
  const int32x4_t b1 = vld1q_s32(p.gemm.bias.data() + t.n0 + 4);
  int32x4_t lo[4], hi[4];
  for (int r = 0; r < 4; ++r) {
    lo[r] = vaddq_s32(vpaddq_s32(acc[r][0], acc[r][1]), b0);
    hi[r] = vaddq_s32(vpaddq_s32(acc[r][2], acc[r][3]), b1);
  }
  FinishArmTile<MODE, false>(p, t, lo, hi);
}

ArmTileFn Pick(const OpParams& p) {
  return PickArmTile(p, Tile<EDGERT_REQUANT_GEMMLOWP>, Tile<EDGERT_REQUANT_GEMMLOWP_UP>, Tile<EDGERT_REQUANT_FP32>);
}

}  // namespace

void conv2d_qs8_gemm_4x8c4_neon(const OpParams& p, uint8_t* arena) { ConvGemmArm(p, arena, Pick(p)); }
void fc_qs8_gemm_4x8c4_neon(const OpParams& p, uint8_t* arena) { FcGemmArm(p, arena, Pick(p)); }
void pack_gemm_qs8_conv_armc4(OpParams& p) { PackGemmArmConv(p, kGemmArmC4); }
void pack_gemm_qs8_fc_armc4(OpParams& p) { PackGemmArmFc(p, kGemmArmC4); }
void pack_gemm_qs8_conv_armc8(OpParams& p) { PackGemmArmConv(p, kGemmArmC8); }
void pack_gemm_qs8_fc_armc8(OpParams& p) { PackGemmArmFc(p, kGemmArmC8); }

}  // namespace kernels
}  // namespace edgert
