// qs8 GEMM, 4 rows x 8 channels per tile, K in groups of 4 bytes, SDOT (ARMv8.2 dotprod: Cortex-A55/A76 and
// later, Jetson Orin, most phones), only inside EDGERT_NEONDOT functions (the file stays -march=armv8-a):
// CONV_2D (groups 1, im2col) and FULLY_CONNECTED on layout kGemmArmC4 (pack/gemm_pack_arm.h, packed by the neon
// variant's hooks). 16 bytes of each row per step, SDOT by lane against 4 channels x 4 bytes; int32 accumulation is
// exact (wrapping, like the reference). Requantization: kernels/requant_neon.h.
#include <string.h>

#include "kernels/gemm-qs8/gemm_arm.h"
#include "kernels/gemm-qs8/gemm_qs8.h"

namespace edgert {
namespace kernels {
namespace {

template <int MODE>
EDGERT_NEONDOT void Tile(const OpParams& p, const ArmTile& t) {
  int32x4_t lo[4], hi[4];
  const int32x4_t b0 = vld1q_s32(p.gemm.bias.data() + t.n0);
  const int32x4_t b1 = vld1q_s32(p.gemm.bias.data() + t.n0 + 4);
  for (int r = 0; r < 4; ++r) {
    lo[r] = b0;
    hi[r] = b1;
  }
  const int kq = t.kpad / 4;
  const int8_t* w = t.w;
  int q = 0;
  for (; q + 4 <= kq; q += 4, w += 128) {
    int8x16_t a[4];
#pragma GCC unroll 4
    for (int r = 0; r < 4; ++r) a[r] = vld1q_s8(t.a[r] + 4 * q);
    const int8x16_t w0l = vld1q_s8(w), w0h = vld1q_s8(w + 16);
    const int8x16_t w1l = vld1q_s8(w + 32), w1h = vld1q_s8(w + 48);
    const int8x16_t w2l = vld1q_s8(w + 64), w2h = vld1q_s8(w + 80);
    const int8x16_t w3l = vld1q_s8(w + 96), w3h = vld1q_s8(w + 112);
#pragma GCC unroll 4
    for (int r = 0; r < 4; ++r) {
      lo[r] = vdotq_laneq_s32(lo[r], w0l, a[r], 0);
      hi[r] = vdotq_laneq_s32(hi[r], w0h, a[r], 0);
      lo[r] = vdotq_laneq_s32(lo[r], w1l, a[r], 1);
      hi[r] = vdotq_laneq_s32(hi[r], w1h, a[r], 1);
      lo[r] = vdotq_laneq_s32(lo[r], w2l, a[r], 2);
      hi[r] = vdotq_laneq_s32(hi[r], w2h, a[r], 2);
      lo[r] = vdotq_laneq_s32(lo[r], w3l, a[r], 3);
      hi[r] = vdotq_laneq_s32(hi[r], w3h, a[r], 3);
    }
  }
  for (; q < kq; ++q, w += 32) {
    const int8x16_t wl = vld1q_s8(w), wh = vld1q_s8(w + 16);
#pragma GCC unroll 4
    for (int r = 0; r < 4; ++r) {
      int32_t a4;
      memcpy(&a4, t.a[r] + 4 * q, 4);
      const int8x16_t a = vreinterpretq_s8_s32(vdupq_n_s32(a4));
      lo[r] = vdotq_s32(lo[r], wl, a);
      hi[r] = vdotq_s32(hi[r], wh, a);
    }
  }
  FinishArmTile<MODE, false>(p, t, lo, hi);
}

ArmTileFn Pick(const OpParams& p) {
  return PickArmTile(p, Tile<EDGERT_REQUANT_GEMMLOWP>, Tile<EDGERT_REQUANT_GEMMLOWP_UP>, Tile<EDGERT_REQUANT_FP32>);
}

}  // namespace

void conv2d_qs8_gemm_4x8c4_neondot(const OpParams& p, uint8_t* arena) { ConvGemmArm(p, arena, Pick(p)); }
void fc_qs8_gemm_4x8c4_neondot(const OpParams& p, uint8_t* arena) { FcGemmArm(p, arena, Pick(p)); }

}  // namespace kernels
}  // namespace edgert
