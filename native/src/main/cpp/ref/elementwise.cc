// Reference ADD, SUB, MUL (with N-d broadcasting) for qs8 and qu8.
//
// Matches TFLite 2.20 add.cc / sub.cc / mul.cc with reference_ops / optimized_integer_ops arithmetic:
// - ADD: inputs shifted left by 20 (left_shift), each scaled by MultiplyByQuantizedMultiplierSmallerThanOneExp
//   with multiplier in_scale / (2 * max(in1_scale, in2_scale)), summed, scaled by
//   2 * max_scale / (2^20 * out_scale), output zero point added, clamped to the activation range.
// - SUB: sub.cc PrepareGeneralSubOp negates input2's multiplier (op_sign = -1) and runs the ADD kernel, so the
//   rounding of the negative product is SaturatingRoundingDoublingHighMul's (not the negated positive one).
// - MUL: (in1 - zp1) * (in2 - zp2) times QuantizeMultiplier(double(in1_scale * in2_scale / out_scale) [float
//   product and quotient, as mul.cc]), + out zp, clamp.
// Requant modes: GEMMLOWP and SINGLE change every MultiplyByQuantizedMultiplier. FP32 (XNNPACK) mode:
// - MUL: qs8-vmul fp32: float((a - za) * (b - zb)) * (sa * sb / so), lrintf, + zo, clamp.
// - ADD/SUB: XNNPACK's qs8/qu8-vadd scalar scheme as recalled from xnn_init_qs8_add_minmax_scalar_params (NOT
//   verified against the XNNPACK revision TFLite 2.20 bundles): per-input multipliers lrintf(|s_in / s_out| *
//   2^shift) with shift = 20 - exponent(max ratio), bias = 2^(shift-1) - ma * za - mb * zb,
//   out = (bias + a * ma + b * mb) >> shift (arithmetic), clamp, + zo. SUB negates mb. Ratios outside
//   [2^-10, 2^8) are not delegated to XNNPACK by TFLite, so those keep TFLite's scheme.
#include <algorithm>

#include "ref/kernels.h"
#include "ref/quant.h"

namespace edgert {
namespace ref {
namespace {

// Calls f(out_index, in1_index, in2_index) over the broadcast output.
template <typename F>
inline void Broadcast(const OpParams& p, F f) {
  int32_t idx[kMaxRank] = {0};
  int64_t i1 = 0, i2 = 0;
  for (int64_t o = 0; o < p.count; ++o) {
    f(o, i1, i2);
    for (int d = kMaxRank - 1; d >= 0; --d) {
      ++idx[d];
      i1 += p.in1_strides[d];
      i2 += p.in2_strides[d];
      if (idx[d] < p.out_dims[d]) break;
      i1 -= p.in1_strides[d] * idx[d];
      i2 -= p.in2_strides[d] * idx[d];
      idx[d] = 0;
    }
  }
}

template <typename T>
void Add(const OpParams& p, uint8_t* arena) {
  const T* a = TensorData<const T>(p.in[0], arena);
  const T* b = TensorData<const T>(p.in[1], arena);
  T* out = TensorData<T>(p.out[0], arena);
  const int mode = p.requant == EDGERT_REQUANT_SINGLE ? EDGERT_REQUANT_SINGLE : EDGERT_REQUANT_GEMMLOWP;
  if (p.xnn_add) {
    Broadcast(p, [&](int64_t o, int64_t i1, int64_t i2) {
      const int32_t acc = p.xnn_bias + static_cast<int32_t>(a[i1]) * p.in1_mult + static_cast<int32_t>(b[i2]) * p.in2_mult;
      const int32_t r = std::min(std::max(acc >> p.xnn_shift, p.act_min - p.out_zp), p.act_max - p.out_zp);
      out[o] = static_cast<T>(r + p.out_zp);
    });
    return;
  }
  Broadcast(p, [&](int64_t o, int64_t i1, int64_t i2) {
    const int32_t v1 = static_cast<int32_t>(a[i1]) - p.in_zp;
    const int32_t v2 = static_cast<int32_t>(b[i2]) - p.in2_zp;
    const int32_t s1 = static_cast<int32_t>(static_cast<uint32_t>(v1) << p.left_shift);
    const int32_t s2 = static_cast<int32_t>(static_cast<uint32_t>(v2) << p.left_shift);
    const int32_t r1 = MultiplyByQuantizedMultiplier(s1, p.in1_mult, p.in1_shift, mode);
    const int32_t r2 = MultiplyByQuantizedMultiplier(s2, p.in2_mult, p.in2_shift, mode);
    int32_t r = MultiplyByQuantizedMultiplier(r1 + r2, p.out_mult, p.out_shift, mode) + p.out_zp;
    r = std::min(std::max(r, p.act_min), p.act_max);
    out[o] = static_cast<T>(r);
  });
}

template <typename T>
void Mul(const OpParams& p, uint8_t* arena) {
  const T* a = TensorData<const T>(p.in[0], arena);
  const T* b = TensorData<const T>(p.in[1], arena);
  T* out = TensorData<T>(p.out[0], arena);
  Broadcast(p, [&](int64_t o, int64_t i1, int64_t i2) {
    const int32_t v1 = static_cast<int32_t>(a[i1]) - p.in_zp;
    const int32_t v2 = static_cast<int32_t>(b[i2]) - p.in2_zp;
    int32_t r = Requantize(v1 * v2, p.out_mult, p.out_shift, p.fp32_scale, p.requant) + p.out_zp;
    r = std::min(std::max(r, p.act_min), p.act_max);
    out[o] = static_cast<T>(r);
  });
}

}  // namespace

void add_qs8(const OpParams& p, uint8_t* arena) { Add<int8_t>(p, arena); }
void add_qu8(const OpParams& p, uint8_t* arena) { Add<uint8_t>(p, arena); }
void mul_qs8(const OpParams& p, uint8_t* arena) { Mul<int8_t>(p, arena); }
void mul_qu8(const OpParams& p, uint8_t* arena) { Mul<uint8_t>(p, arena); }

}  // namespace ref
}  // namespace edgert
