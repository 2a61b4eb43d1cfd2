// QUANTIZE float32 -> qs8 / qu8, TFLite's integer-mode formula of ref/data.cc vectorized bit-exactly on baseline
// ARMv8-A NEON: widen to double (FCVTL), divide by double(scale) (IEEE FDIV, as the scalar code), FCVTAS to int64
// (round half away from zero = std::round; saturating, NaN -> 0), SQXTN to int32 (saturating: together the arm64
// conversion ref's DoubleToInt32LikeHardware models), + zero point (wrapping), clamp. 4 lanes per step. Not the
// FP32 (XNNPACK) mode.
#include <string.h>

#include <algorithm>
#include <limits>

#include "kernels/quantize-f32/vcvt_f32.h"
#include "kernels/requant_neon.h"

namespace edgert {
namespace kernels {
namespace {

template <typename T>
void QuantizeNeon(const OpParams& p, uint8_t* arena) {
  const float* in = TensorData<const float>(p.in[0], arena);
  T* out = TensorData<T>(p.out[0], arena);
  const float64x2_t scale = vdupq_n_f64(p.q_scale);
  const int32x4_t zp = vdupq_n_s32(p.out_zp);
  const int32x4_t lo = vdupq_n_s32(std::numeric_limits<T>::min()), hi = vdupq_n_s32(std::numeric_limits<T>::max());
  constexpr bool kU8 = std::numeric_limits<T>::min() == 0;
  for (int64_t i = 0; i < p.count; i += 8) {
    const int nv = static_cast<int>(std::min<int64_t>(8, p.count - i));
    float buf[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    const float* src = in + i;
    if (nv < 8) {
      memcpy(buf, in + i, nv * sizeof(float));
      src = buf;
    }
    int32x4_t v[2];
    for (int h = 0; h < 2; ++h) {
      const float32x4_t f = vld1q_f32(src + 4 * h);
      const int64x2_t q0 = vcvtaq_s64_f64(vdivq_f64(vcvt_f64_f32(vget_low_f32(f)), scale));
      const int64x2_t q1 = vcvtaq_s64_f64(vdivq_f64(vcvt_high_f64_f32(f), scale));
      const int32x4_t r = vcombine_s32(vqmovn_s64(q0), vqmovn_s64(q1));
      v[h] = vminq_s32(vmaxq_s32(vaddq_s32(r, zp), lo), hi);
    }
    StoreBytesNeon(reinterpret_cast<int8_t*>(out) + i, NarrowNeon<kU8>(v[0], v[1]), nv);
  }
}

}  // namespace

void quantize_f32_qs8_vcvt_neon(const OpParams& p, uint8_t* arena) { QuantizeNeon<int8_t>(p, arena); }
void quantize_f32_qu8_vcvt_neon(const OpParams& p, uint8_t* arena) { QuantizeNeon<uint8_t>(p, arena); }

}  // namespace kernels
}  // namespace edgert
