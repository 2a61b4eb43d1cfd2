// Reference activations for qs8 and qu8: SOFTMAX, LOGISTIC/TANH (lookup table), HARD_SWISH, LEAKY_RELU,
// RELU/RELU6 (and RELU_N1_TO_1 via the same kernel).
//
// Matches TFLite 2.20 activations.cc, kGenericOptimized (the registered builtin):
// - softmax: optimized_ops::Softmax with the float table of PopulateSoftmaxLookupTable
//   (table[255 - v] = expf(-in_scale * beta * v)); per row: max, sum_exp = sum of table[255 - max + x] in
//   order (float), inv = 1 / (sum_exp * out_scale), q = round(table * inv) + out_zp (int8: std::round; uint8
//   on non-arm64: int(prob + 0.5f), as QuantizeSoftmaxOutput), clamped. TFLITE_SOFTMAX_USE_UINT16_LUT builds
//   (off by default) are not matched here: see softmax_*_lut16 below. Table built in plan/.
// - softmax_*_lut16: optimized_ops::SoftmaxInt8LUT, which TFLite uses when TFLITE_SOFTMAX_USE_UINT16_LUT is
//   defined (`__aarch64__ && __clang__`, e.g. Android arm64): 16-bit table int(expf(in_scale * beta * (v - 255))
//   * 65535 + 0.5), integer row sum, QuantizeMultiplier(1 / (sum * out_scale)), MultiplyByQuantizedMultiplier
//   of each table entry, + out_zp, clamp. Inputs are indexed as uint8 (int8 xor 0x80).
// - logistic / tanh: LUTPopulate<int8_t/uint8_t>: dequantize each of the 256 inputs, 1/(1+expf(-x)) or tanhf,
//   TfLiteRound(y / out_scale) + out_zp, clamp. Table built in plan/; this kernel is the 256-entry lookup.
// - hard_swish: reference_ops::HardSwish<T> (int16 fixed point, params from HardSwishPrepare).
// - leaky_relu: reference_ops::QuantizeLeakyRelu: identity or alpha multiplier by sign of (x - in_zp).
// - relu/relu6: reference_ops::ReluX: MultiplyByQuantizedMultiplier(x - in_zp, in_scale/out_scale) + out_zp,
//   clamped to [max(qmin, out_zp + round(lo/out_scale)), min(qmax, out_zp + round(hi/out_scale))].
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "ref/kernels.h"
#include "ref/quant.h"

namespace edgert {
namespace ref {
namespace {

inline int32_t IntMode(const OpParams& p) {
  return p.requant == EDGERT_REQUANT_SINGLE ? EDGERT_REQUANT_SINGLE : EDGERT_REQUANT_GEMMLOWP;
}

template <typename T>
inline int32_t QuantizeSoftmaxOutput(float prob, int32_t zero_point) {
#if !defined(__aarch64__)
  if (std::is_same<T, uint8_t>::value) return static_cast<int32_t>(prob + 0.5f);
#endif
  return static_cast<int32_t>(std::round(prob)) + zero_point;
}

template <typename T>
void Softmax(const OpParams& p, uint8_t* arena) {
  const T* input = TensorData<const T>(p.in[0], arena);
  T* output = TensorData<T>(p.out[0], arena);
  const int32_t qmin = std::numeric_limits<T>::min();
  const int32_t qmax = std::numeric_limits<T>::max();
  for (int64_t r = 0; r < p.outer; ++r) {
    const T* in = input + r * p.inner;
    T* out = output + r * p.inner;
    int32_t max_val = std::numeric_limits<T>::min();
    for (int64_t j = 0; j < p.inner; ++j) max_val = std::max(max_val, static_cast<int32_t>(in[j]));
    const float* table = &p.table[255 - max_val];
    float sum_exp = 0.0f;
    for (int64_t j = 0; j < p.inner; ++j) sum_exp += table[in[j]];
    const float inv_sum_exp = 1.0f / (sum_exp * p.out_scale);
    for (int64_t j = 0; j < p.inner; ++j) {
      const float prob = table[in[j]] * inv_sum_exp;
      const int32_t q = QuantizeSoftmaxOutput<T>(prob, p.out_zp);
      out[j] = static_cast<T>(std::max(std::min(qmax, q), qmin));
    }
  }
}

template <typename T>
void HardSwish(const OpParams& p, uint8_t* arena) {
  const T* input = TensorData<const T>(p.in[0], arena);
  T* output = TensorData<T>(p.out[0], arena);
  for (int64_t i = 0; i < p.count; ++i) {
    const int16_t in_v = static_cast<int16_t>(input[i] - p.in_zp);
    const int16_t hires = static_cast<int16_t>(in_v * (1 << 7));
    const int16_t preshift = SaturatingRoundingDoublingHighMul16(hires, p.hs_out_mult16);
    int16_t reluish = hires;
    if (p.hs_relu_exp > 0) reluish = SaturatingLeftShift16(reluish, p.hs_relu_exp - 1);
    reluish = SaturatingRoundingDoublingHighMul16(reluish, p.hs_relu_mult16);
    if (p.hs_relu_exp > 0) reluish = SaturatingLeftShift16(reluish, 1);
    if (p.hs_relu_exp < 0) reluish = RoundingDivideByPOT16(reluish, -p.hs_relu_exp);
    reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);
    const int16_t pre_out = SaturatingDoublingHighMul16(reluish, preshift);
    int16_t out_v = RoundingDivideByPOT16(pre_out, -p.hs_out_exp);
    out_v = static_cast<int16_t>(out_v + p.out_zp);
    out_v = std::min<int16_t>(out_v, std::numeric_limits<T>::max());
    out_v = std::max<int16_t>(out_v, std::numeric_limits<T>::min());
    output[i] = static_cast<T>(out_v);
  }
}

template <typename T>
void LeakyRelu(const OpParams& p, uint8_t* arena) {
  const T* input = TensorData<const T>(p.in[0], arena);
  T* output = TensorData<T>(p.out[0], arena);
  const int mode = IntMode(p);
  const int32_t qmin = std::numeric_limits<T>::min();
  const int32_t qmax = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < p.count; ++i) {
    const int32_t v = static_cast<int32_t>(input[i]) - p.in_zp;
    int32_t r = v >= 0 ? MultiplyByQuantizedMultiplier(v, p.id_mult, p.id_shift, mode)
                       : MultiplyByQuantizedMultiplier(v, p.alpha_mult, p.alpha_shift, mode);
    r += p.out_zp;
    output[i] = static_cast<T>(std::min(std::max(r, qmin), qmax));
  }
}

template <typename T>
void Relu(const OpParams& p, uint8_t* arena) {
  const T* input = TensorData<const T>(p.in[0], arena);
  T* output = TensorData<T>(p.out[0], arena);
  const int mode = IntMode(p);
  for (int64_t i = 0; i < p.count; ++i) {
    int32_t r = p.out_zp + MultiplyByQuantizedMultiplier(static_cast<int32_t>(input[i]) - p.in_zp, p.out_mult,
                                                         p.out_shift, mode);
    r = std::max(p.act_min, r);
    r = std::min(p.act_max, r);
    output[i] = static_cast<T>(r);
  }
}

template <typename T>
void SoftmaxLut16(const OpParams& p, uint8_t* arena) {
  const uint8_t* input = TensorData<const uint8_t>(p.in[0], arena);
  T* output = TensorData<T>(p.out[0], arena);
  const uint8_t offset = std::is_same<T, int8_t>::value ? 0x80 : 0;
  const int32_t qmin = std::numeric_limits<T>::min();
  const int32_t qmax = std::numeric_limits<T>::max();
  const int mode = IntMode(p);
  for (int64_t r = 0; r < p.outer; ++r) {
    const uint8_t* in = input + r * p.inner;
    T* out = output + r * p.inner;
    int32_t max_val = 0;
    for (int64_t j = 0; j < p.inner; ++j) max_val = std::max<int32_t>(max_val, in[j] ^ offset);
    const uint8_t table_offset = static_cast<uint8_t>(255 - max_val);
    int32_t sum_exp = 0;
    for (int64_t j = 0; j < p.inner; ++j) sum_exp += p.table16[static_cast<uint8_t>((in[j] ^ offset) + table_offset)];
    const float inv_sum_exp = 1.0f / (sum_exp * p.out_scale);
    int32_t multiplier;
    int shift;
    QuantizeMultiplier(inv_sum_exp, &multiplier, &shift, mode == EDGERT_REQUANT_SINGLE);
    for (int64_t j = 0; j < p.inner; ++j) {
      const int32_t e = p.table16[static_cast<uint8_t>((in[j] ^ offset) + table_offset)];
      const int32_t v = MultiplyByQuantizedMultiplier(e, multiplier, shift, mode) + p.out_zp;
      out[j] = static_cast<T>(std::max(std::min(qmax, v), qmin));
    }
  }
}

}  // namespace

void softmax_qs8(const OpParams& p, uint8_t* arena) { Softmax<int8_t>(p, arena); }
void softmax_qs8_lut16(const OpParams& p, uint8_t* arena) { SoftmaxLut16<int8_t>(p, arena); }
void softmax_qu8_lut16(const OpParams& p, uint8_t* arena) { SoftmaxLut16<uint8_t>(p, arena); }
void softmax_qu8(const OpParams& p, uint8_t* arena) { Softmax<uint8_t>(p, arena); }

void lut_x8(const OpParams& p, uint8_t* arena) {
  const uint8_t* input = TensorData<const uint8_t>(p.in[0], arena);
  uint8_t* output = TensorData<uint8_t>(p.out[0], arena);
  for (int64_t i = 0; i < p.count; ++i) output[i] = p.lut[input[i]];
}

void hardswish_qs8(const OpParams& p, uint8_t* arena) { HardSwish<int8_t>(p, arena); }
void hardswish_qu8(const OpParams& p, uint8_t* arena) { HardSwish<uint8_t>(p, arena); }
void leakyrelu_qs8(const OpParams& p, uint8_t* arena) { LeakyRelu<int8_t>(p, arena); }
void leakyrelu_qu8(const OpParams& p, uint8_t* arena) { LeakyRelu<uint8_t>(p, arena); }
void relu_qs8(const OpParams& p, uint8_t* arena) { Relu<int8_t>(p, arena); }
void relu_qu8(const OpParams& p, uint8_t* arena) { Relu<uint8_t>(p, arena); }

}  // namespace ref
}  // namespace edgert
