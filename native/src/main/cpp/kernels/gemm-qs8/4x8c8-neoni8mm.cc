// qs8 GEMM, 4 rows x 8 channels per tile, K in groups of 8 bytes, SMMLA (ARMv8.6 i8mm: Cortex-A510/A710/X2 and
// later, Graviton 3), only inside EDGERT_NEONI8MM functions (the file stays -march=armv8-a): CONV_2D (groups 1,
// im2col) and FULLY_CONNECTED on layout kGemmArmC8 (pack/gemm_pack_arm.h). Each SMMLA multiplies 2 rows x 8 bytes
// (two rows' 8-byte K group side by side) by 2 channels x 8 bytes into a 2x2 int32 block; 2 row pairs x 4 channel
// pairs per tile, unzipped to rows at the end. Requantization: kernels/requant_neon.h.
#include "kernels/gemm-qs8/gemm_arm.h"
#include "kernels/gemm-qs8/gemm_qs8.h"

namespace edgert {
namespace kernels {
namespace {

template <int MODE>
EDGERT_NEONI8MM void Tile(const OpParams& p, const ArmTile& t) {
  int32x4_t acc[2][4];
  for (int rp = 0; rp < 2; ++rp) {
    for (int cp = 0; cp < 4; ++cp) acc[rp][cp] = vdupq_n_s32(0);
  }
  const int kq = t.kpad / 8;
  const int8_t* w = t.w;
  for (int q = 0; q < kq; ++q, w += 64) {
    const int8x16_t a01 = vcombine_s8(vld1_s8(t.a[0] + 8 * q), vld1_s8(t.a[1] + 8 * q));
    const int8x16_t a23 = vcombine_s8(vld1_s8(t.a[2] + 8 * q), vld1_s8(t.a[3] + 8 * q));
#pragma GCC unroll 4
    for (int cp = 0; cp < 4; ++cp) {
      const int8x16_t wv = vld1q_s8(w + 16 * cp);
      acc[0][cp] = vmmlaq_s32(acc[0][cp], a01, wv);
      acc[1][cp] = vmmlaq_s32(acc[1][cp], a23, wv);
    }
  }
  // acc[rp][cp] = [row 2rp: ch 2cp, 2cp+1 | row 2rp+1: ch 2cp, 2cp+1].
  const int32x4_t b0 = vld1q_s32(p.gemm.bias.data() + t.n0);
  const int32x4_t b1 = vld1q_s32(p.gemm.bias.data() + t.n0 + 4);
  int32x4_t lo[4], hi[4];
  for (int rp = 0; rp < 2; ++rp) {
    const int64x2_t c0 = vreinterpretq_s64_s32(acc[rp][0]), c1 = vreinterpretq_s64_s32(acc[rp][1]);
    const int64x2_t c2 = vreinterpretq_s64_s32(acc[rp][2]), c3 = vreinterpretq_s64_s32(acc[rp][3]);
    lo[2 * rp] = vaddq_s32(vreinterpretq_s32_s64(vzip1q_s64(c0, c1)), b0);
    hi[2 * rp] = vaddq_s32(vreinterpretq_s32_s64(vzip1q_s64(c2, c3)), b1);
    lo[2 * rp + 1] = vaddq_s32(vreinterpretq_s32_s64(vzip2q_s64(c0, c1)), b0);
    hi[2 * rp + 1] = vaddq_s32(vreinterpretq_s32_s64(vzip2q_s64(c2, c3)), b1);
  }
  FinishArmTile<MODE, false>(p, t, lo, hi);
}

ArmTileFn Pick(const OpParams& p) {
  return PickArmTile(p, Tile<EDGERT_REQUANT_GEMMLOWP>, Tile<EDGERT_REQUANT_GEMMLOWP_UP>, Tile<EDGERT_REQUANT_FP32>);
}

}  // namespace

void conv2d_qs8_gemm_4x8c8_neoni8mm(const OpParams& p, uint8_t* arena) { ConvGemmArm(p, arena, Pick(p)); }
void fc_qs8_gemm_4x8c8_neoni8mm(const OpParams& p, uint8_t* arena) { FcGemmArm(p, arena, Pick(p)); }

}  // namespace kernels
}  // namespace edgert
