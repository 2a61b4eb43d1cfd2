// Fixed-point helpers shared by the reference kernels: TFLite's multiplier quantization and the three
// requantization roundings of plan.h (DESIGN.md, Numerics).
//
// Sources (TensorFlow Lite 2.20):
// - QuantizeMultiplier: tensorflow/lite/kernels/internal/quantization_util.cc (frexp on double, std::round,
//   q == 2^31 halved with shift + 1, shift < -31 flushed to zero; TFLITE_SINGLE_ROUNDING also saturates shift > 30).
// - MultiplyByQuantizedMultiplier: tensorflow/lite/kernels/internal/common.h, both the gemmlowp double rounding
//   (SaturatingRoundingDoublingHighMul then RoundingDivideByPOT, fixedpoint/fixedpoint.h) and the
//   TFLITE_SINGLE_ROUNDING variant ((x * M + 2^(30 - shift)) >> (31 - shift) in 64 bits).
// - FP32: XNNPACK's *-minmax-fp32-* requantization: float(acc) * scale, round to nearest even (lrintf).
#ifndef EDGERT_REF_QUANT_H_
#define EDGERT_REF_QUANT_H_

#include <stdint.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "edgert/plan.h"

namespace edgert {

// TFLite's TfLiteRound: half away from zero.
inline float RoundAway(float x) { return std::round(x); }
inline double RoundAway(double x) { return std::round(x); }

// tflite::QuantizeMultiplier. single_rounding applies the TFLITE_SINGLE_ROUNDING saturation of shift > 30.
inline void QuantizeMultiplier(double real, int32_t* multiplier, int* shift, bool single_rounding) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(real, shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  if (single_rounding && *shift > 30) {
    *shift = 30;
    q_fixed = (1LL << 31) - 1;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
}

// gemmlowp::SaturatingRoundingDoublingHighMul (int32).
inline int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1LL - (1LL << 30));
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));  // truncating division, as gemmlowp
}

// gemmlowp::RoundingDivideByPOT (int32): round half away from zero, exponent in [0, 31].
inline int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// tflite::MultiplyByQuantizedMultiplier, default (gemmlowp) build. The left shift wraps like TFLite's
// `x * (1 << left_shift)` does on every target it runs on.
inline int32_t MultiplyGemmlowp(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(shifted, multiplier), right);
}

// tflite::MultiplyByQuantizedMultiplier, TFLITE_SINGLE_ROUNDING build (shift in [-31, 30]).
inline int32_t MultiplySingle(int32_t x, int32_t multiplier, int shift) {
  const int total_shift = 31 - shift;
  const int64_t round = 1LL << (total_shift - 1);
  const int64_t result = (static_cast<int64_t>(x) * static_cast<int64_t>(multiplier) + round) >> total_shift;
  return static_cast<int32_t>(result);
}

// EDGERT_REQUANT_GEMMLOWP_UP: SaturatingRoundingDoublingHighMul (whose own ties already go toward +infinity),
// then a rounding right shift (x + 2^(e-1)) >> e, ties toward +infinity, computed without int32 overflow. This
// is what TFLite 2.20's int8 CONV_2D / FULLY_CONNECTED produce on x86-64 (ref/conv.cc has the evidence); it is the
// SQRDMULH + SRSHL pair of the NEON requantization, where gemmlowp's RoundingDivideByPOT rounds ties away from
// zero.
inline int32_t MultiplyGemmlowpUp(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
  const int32_t high = SaturatingRoundingDoublingHighMul(shifted, multiplier);
  if (right == 0) return high;
  return static_cast<int32_t>((static_cast<int64_t>(high) + (1LL << (right - 1))) >> right);
}

// Integer requantization in the plan's mode (GEMMLOWP, SINGLE or GEMMLOWP_UP).
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift, int mode) {
  if (mode == EDGERT_REQUANT_SINGLE) return MultiplySingle(x, multiplier, shift);
  if (mode == EDGERT_REQUANT_GEMMLOWP_UP) return MultiplyGemmlowpUp(x, multiplier, shift);
  return MultiplyGemmlowp(x, multiplier, shift);
}

// XNNPACK fp32 requantization without the zero point: lrintf(float(acc) * scale), saturated to a range that
// keeps the later clamp exact.
inline int32_t RequantizeFp32(int32_t acc, float scale) {
  float v = static_cast<float>(acc) * scale;
  v = std::min(std::max(v, -16777216.0f), 16777216.0f);
  return static_cast<int32_t>(std::lrintf(v));
}

// acc -> output value before the zero point, in the plan's mode.
inline int32_t Requantize(int32_t acc, int32_t multiplier, int shift, float fp32_scale, int mode) {
  if (mode == EDGERT_REQUANT_FP32) return RequantizeFp32(acc, fp32_scale);
  return MultiplyByQuantizedMultiplier(acc, multiplier, shift, mode);
}

// ---- int16 gemmlowp helpers (HARD_SWISH) ----
inline int16_t SaturatingRoundingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// tflite::reference_ops::SaturatingDoublingHighMul (no rounding).
inline int16_t SaturatingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  return static_cast<int16_t>(ab / (1 << 15));
}

inline int16_t RoundingDivideByPOT16(int16_t x, int exponent) {
  const int16_t mask = static_cast<int16_t>((1 << exponent) - 1);
  const int16_t remainder = static_cast<int16_t>(x & mask);
  const int16_t threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

inline int16_t SaturatingLeftShift16(int16_t value, int amount) {
  int64_t result = static_cast<int64_t>(value) * (1LL << amount);
  result = std::min<int64_t>(result, std::numeric_limits<int16_t>::max());
  result = std::max<int64_t>(result, std::numeric_limits<int16_t>::min());
  return static_cast<int16_t>(result);
}

// tflite DownScaleInt32ToInt16Multiplier (activations.cc).
inline int16_t DownScaleInt32ToInt16Multiplier(int32_t m) {
  const int32_t kRoundingOffset = 1 << 15;
  if (m >= std::numeric_limits<int32_t>::max() - kRoundingOffset) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((m + kRoundingOffset) >> 16);
}

}  // namespace edgert

#endif  // EDGERT_REF_QUANT_H_
