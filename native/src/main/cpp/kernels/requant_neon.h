// Vectorized requantization of int32 accumulators for the arm64 (NEON) variants, bit-exact with ref/quant.h,
// reading the per-channel vectors of a PackedGemm (pack/gemm_pack.h) at channel n0. Plain ARMv8-A NEON (no target
// attribute), so the helpers inline into the baseline, dotprod and i8mm kernels alike.
// - GEMMLOWP: left shift (SSHL, wrapping like ref's uint32 shift), SQRDMULH (vqrdmulhq_s32: (2ab + 2^31) >> 32
//   with saturation, which is gemmlowp's SaturatingRoundingDoublingHighMul for every input, the saturating
//   INT32_MIN * INT32_MIN case included), then RoundingDivideByPOT as TFLite's NEON path does it: a fixup of -1 for
//   negative values when the exponent is > 0 (sign bit of x & -e), saturating add, then SRSHL by -e (rounding
//   right shift, ties upward, computed without overflow). For x = q 2^e + r: (x - 1 + 2^(e-1)) >> e = q + (r >
//   2^(e-1)), gemmlowp's "remainder > threshold" for negative x; for x >= 0 no fixup and ties go up = away from 0.
//   The saturating add only changes x = INT32_MIN, whose result is the same (remainder 0).
// - GEMMLOWP_UP: SQRDMULH, then SRSHL by -e alone (ties toward +infinity, as ref's MultiplyGemmlowpUp).
// - FP32: SCVTF, FMUL by the channel's scale, clamp to +-2^24, FCVTNS (nearest even, as lrintf).
// Then + output zero point (wrapping) and the clamp to the activation range.
#ifndef EDGERT_KERNELS_REQUANT_NEON_H_
#define EDGERT_KERNELS_REQUANT_NEON_H_

#include <arm_neon.h>
#include <string.h>

#include "edgert/plan.h"
#include "ref/kernels.h"

// Faster tiers per function only (DESIGN.md: a whole file built for armv8.2 crashed on Cortex-A72). GCC 12's
// arm_neon.h defines the SDOT / SMMLA intrinsics under its own `#pragma GCC target`, so they are callable from
// functions carrying these attributes while the file stays -march=armv8-a (checked: gcc 12.2 cross compiler).
#define EDGERT_NEONDOT __attribute__((target("arch=armv8.2-a+dotprod")))
#define EDGERT_NEONI8MM __attribute__((target("arch=armv8.2-a+dotprod+i8mm")))

namespace edgert {
namespace kernels {

// gemmlowp RoundingDivideByPOT by e = -neg_e (neg_e in [-31, 0]).
static inline int32x4_t DivideByPOTNeon(int32x4_t x, int32x4_t neg_e) {
  const int32x4_t fixup = vshrq_n_s32(vandq_s32(x, neg_e), 31);
  return vrshlq_s32(vqaddq_s32(x, fixup), neg_e);
}

// tflite::MultiplyByQuantizedMultiplier (gemmlowp) with one multiplier / shift for all lanes.
struct ScalarMulNeon {
  int32x4_t mult, left, neg_right;
};
static inline ScalarMulNeon MakeMulNeon(int32_t mult, int shift) {
  return {vdupq_n_s32(mult), vdupq_n_s32(shift > 0 ? shift : 0), vdupq_n_s32(shift > 0 ? 0 : shift)};
}
static inline int32x4_t MulGemmlowpNeon(int32x4_t x, const ScalarMulNeon& m) {
  return DivideByPOTNeon(vqrdmulhq_s32(vshlq_s32(x, m.left), m.mult), m.neg_right);
}

// Requantizes 4 accumulators of channels [n0, n0 + 4), adds the zero point, clamps to [lo, hi].
template <int MODE>
static inline int32x4_t RequantNeon(int32x4_t acc, const PackedGemm& g, int n0, int32x4_t zp, int32x4_t lo,
                                    int32x4_t hi) {
  int32x4_t r;
  if (MODE == EDGERT_REQUANT_FP32) {
    float32x4_t f = vmulq_f32(vcvtq_f32_s32(acc), vld1q_f32(g.fscale.data() + n0));
    f = vminq_f32(vmaxq_f32(f, vdupq_n_f32(-16777216.0f)), vdupq_n_f32(16777216.0f));
    r = vcvtnq_s32_f32(f);
  } else {
    const int32x4_t x = g.any_left ? vshlq_s32(acc, vld1q_s32(g.left.data() + n0)) : acc;
    const int32x4_t high = vqrdmulhq_s32(x, vld1q_s32(g.mult.data() + n0));
    const int32x4_t neg_e = vnegq_s32(vld1q_s32(g.right.data() + n0));
    r = MODE == EDGERT_REQUANT_GEMMLOWP ? DivideByPOTNeon(high, neg_e) : vrshlq_s32(high, neg_e);
  }
  r = vaddq_s32(r, zp);
  return vminq_s32(vmaxq_s32(r, lo), hi);
}

// 8 clamped int32 lanes (already in the output type's range) to 8 bytes, signed or unsigned.
template <bool U8>
static inline int8x8_t NarrowNeon(int32x4_t a, int32x4_t b) {
  const int16x8_t w = vcombine_s16(vqmovn_s32(a), vqmovn_s32(b));
  return U8 ? vreinterpret_s8_u8(vqmovun_s16(w)) : vqmovn_s16(w);
}

// Stores the first n (1..8) bytes of v.
static inline void StoreBytesNeon(int8_t* dst, int8x8_t v, int n) {
  if (n >= 8) {
    vst1_s8(dst, v);
  } else {
    int8_t tmp[8];
    vst1_s8(tmp, v);
    memcpy(dst, tmp, n);
  }
}

}  // namespace kernels
}  // namespace edgert

#endif  // EDGERT_KERNELS_REQUANT_NEON_H_
