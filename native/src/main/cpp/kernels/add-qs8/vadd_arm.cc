// qs8 ADD / SUB without broadcasting (both inputs shaped like the output), GEMMLOWP mode only, baseline ARMv8-A
// NEON: TFLite's left-shift scheme of ref/elementwise.cc (inputs - zero point, << left_shift, each times its
// multiplier, summed, times the output multiplier, + zero point, clamp), 8 lanes per step as two int32x4, each
// MultiplyByQuantizedMultiplier as kernels/requant_neon.h's MulGemmlowpNeon (SQRDMULH + TFLite's NEON rounding
// divide, bit-exact with gemmlowp). SUB is the same kernel with input 2's multiplier negated at prepare.
#include <string.h>

#include <algorithm>

#include "kernels/add-qs8/vadd_qs8.h"
#include "kernels/requant_neon.h"

namespace edgert {
namespace kernels {

bool VaddNeonApplies(const OpParams& p) {
  if (p.xnn_add) return false;
  int64_t stride = 1;
  for (int d = kMaxRank - 1; d >= 0; --d) {
    if (p.out_dims[d] != 1 && (p.in1_strides[d] != stride || p.in2_strides[d] != stride)) return false;
    stride *= p.out_dims[d];
  }
  return true;
}

void add_qs8_vadd_neon(const OpParams& p, uint8_t* arena) {
  const int8_t* a = TensorData<const int8_t>(p.in[0], arena);
  const int8_t* b = TensorData<const int8_t>(p.in[1], arena);
  int8_t* out = TensorData<int8_t>(p.out[0], arena);
  const ScalarMulNeon m1 = MakeMulNeon(p.in1_mult, p.in1_shift);
  const ScalarMulNeon m2 = MakeMulNeon(p.in2_mult, p.in2_shift);
  const ScalarMulNeon mo = MakeMulNeon(p.out_mult, p.out_shift);
  const int32x4_t zp1 = vdupq_n_s32(p.in_zp), zp2 = vdupq_n_s32(p.in2_zp);
  const int32x4_t zo = vdupq_n_s32(p.out_zp), lo = vdupq_n_s32(p.act_min), hi = vdupq_n_s32(p.act_max);
  const int32x4_t ls = vdupq_n_s32(p.left_shift);
  for (int64_t i = 0; i < p.count; i += 8) {
    const int nv = static_cast<int>(std::min<int64_t>(8, p.count - i));
    int8x8_t va8, vb8;
    if (nv == 8) {
      va8 = vld1_s8(a + i);
      vb8 = vld1_s8(b + i);
    } else {
      int8_t ta[8] = {0}, tb[8] = {0};
      memcpy(ta, a + i, nv);
      memcpy(tb, b + i, nv);
      va8 = vld1_s8(ta);
      vb8 = vld1_s8(tb);
    }
    const int16x8_t va = vmovl_s8(va8), vb = vmovl_s8(vb8);
    int32x4_t r[2];
    for (int h = 0; h < 2; ++h) {
      const int32x4_t xa = vsubq_s32(vmovl_s16(h == 0 ? vget_low_s16(va) : vget_high_s16(va)), zp1);
      const int32x4_t xb = vsubq_s32(vmovl_s16(h == 0 ? vget_low_s16(vb) : vget_high_s16(vb)), zp2);
      const int32x4_t r1 = MulGemmlowpNeon(vshlq_s32(xa, ls), m1);
      const int32x4_t r2 = MulGemmlowpNeon(vshlq_s32(xb, ls), m2);
      const int32x4_t s = vaddq_s32(MulGemmlowpNeon(vaddq_s32(r1, r2), mo), zo);
      r[h] = vminq_s32(vmaxq_s32(s, lo), hi);
    }
    StoreBytesNeon(out + i, NarrowNeon<false>(r[0], r[1]), nv);
  }
}

}  // namespace kernels
}  // namespace edgert
