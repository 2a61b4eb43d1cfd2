// Reference data movement and (de)quantization: RESHAPE/SQUEEZE (copy), CONCATENATION, PAD/PADV2,
// STRIDED_SLICE, TRANSPOSE, QUANTIZE, DEQUANTIZE.
//
// Matches TFLite 2.20:
// - concat_q*: reference_ops::ConcatenationWithScaling (the uint8 path of concatenation.cc; int8 TFLite requires
//   equal params and copies, which this reproduces when params are equal): inputs with the output's params are
//   copied, others requantized in float: scale = in_scale * (1 / out_scale), bias = -in_zp * scale,
//   int(std::round(x * scale + bias)) + out_zp, clamped.
// - pad: PAD pads with the output zero point for quantized tensors (0 for float); PADV2 with its constant value.
// - quantize_f32_q*: reference_ops::AffineQuantize / optimized AffineQuantize scalar loop: TfLiteRound(x /
//   double(scale)) + zp, clamped; NaN / out-of-int32 values convert as the hardware does (see below). Not matched:
//   the USE_NEON loop of optimized AffineQuantize (x * float(1 / scale), arm64 builds), which can differ at ties.
//   FP32 mode: XNNPACK's f32-qs8/qu8 vcvt (x * (1.0f / scale), round to nearest even).
// - requantize_*: quantize.cc int8/uint8 -> int8/uint8: Requantize with QuantizeMultiplier(double(in_scale) /
//   double(out_scale)): MultiplyByQuantizedMultiplier(x - in_zp) + out_zp, clamped.
// - dequantize: float(double(scale) * (x - zp)) (reference_ops::Dequantize).
#include <string.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdint.h>

#include "ref/kernels.h"
#include "ref/quant.h"

namespace edgert {
namespace ref {
namespace {

template <typename T>
void Concat(const OpParams& p, uint8_t* arena) {
  T* out = TensorData<T>(p.out[0], arena);
  const float inverse_output_scale = 1.f / p.out_scale;
  const int32_t qmin = std::numeric_limits<T>::min();
  const int32_t qmax = std::numeric_limits<T>::max();
  for (int64_t o = 0; o < p.concat_outer; ++o) {
    for (size_t i = 0; i < p.in.size(); ++i) {
      const int64_t n = p.concat_inner[i];
      const T* in = TensorData<const T>(p.in[i], arena) + o * n;
      if (p.in_zps[i] == p.out_zp && p.in_scales[i] == p.out_scale) {
        memcpy(out, in, n * sizeof(T));
      } else {
        const float scale = p.in_scales[i] * inverse_output_scale;
        const float bias = -p.in_zps[i] * scale;
        for (int64_t j = 0; j < n; ++j) {
          const int32_t v = static_cast<int32_t>(std::round(in[j] * scale + bias)) + p.out_zp;
          out[j] = static_cast<T>(std::max(std::min(qmax, v), qmin));
        }
      }
      out += n;
    }
  }
}

// out[o] = in[base + sum(coord[d] * in1_strides[d])] over out_dims.
void StridedGather(const OpParams& p, uint8_t* arena) {
  const uint8_t* in = TensorData<const uint8_t>(p.in[0], arena);
  uint8_t* out = TensorData<uint8_t>(p.out[0], arena);
  const int es = p.elem_size;
  int32_t idx[kMaxRank] = {0};
  int64_t src = p.base_offset;
  for (int64_t o = 0; o < p.count; ++o) {
    memcpy(out + o * es, in + src * es, es);
    for (int d = kMaxRank - 1; d >= 0; --d) {
      ++idx[d];
      src += p.in1_strides[d];
      if (idx[d] < p.out_dims[d]) break;
      src -= p.in1_strides[d] * idx[d];
      idx[d] = 0;
    }
  }
}

// static_cast<int32_t>(double) as TFLite's compiled code does it for values outside int32 (undefined in C++):
// x86 cvttsd2si returns INT32_MIN for NaN and out-of-range values; arm64 fcvtzs saturates and maps NaN to 0.
inline int32_t DoubleToInt32LikeHardware(double r) {
#if defined(__aarch64__)
  if (std::isnan(r)) return 0;
  if (r >= 2147483647.0) return INT32_MAX;
  if (r <= -2147483648.0) return INT32_MIN;
#else
  if (!(r > -2147483649.0 && r < 2147483648.0)) return INT32_MIN;
#endif
  return static_cast<int32_t>(r);
}

template <typename T>
void QuantizeF32(const OpParams& p, uint8_t* arena) {
  const float* in = TensorData<const float>(p.in[0], arena);
  T* out = TensorData<T>(p.out[0], arena);
  const int32_t qmin = std::numeric_limits<T>::min();
  const int32_t qmax = std::numeric_limits<T>::max();
  if (p.requant == EDGERT_REQUANT_FP32) {
    // XNNPACK f32 -> qs8/qu8 convert: x * (1.0f / scale), clamped in float, rounded to nearest even, + zp.
    const float inv_scale = 1.0f / static_cast<float>(p.q_scale);
    const float lo = static_cast<float>(qmin - p.out_zp), hi = static_cast<float>(qmax - p.out_zp);
    for (int64_t i = 0; i < p.count; ++i) {
      float v = in[i] * inv_scale;
      v = std::isnan(v) ? 0.0f : std::min(std::max(v, lo), hi);
      out[i] = static_cast<T>(static_cast<int32_t>(std::nearbyint(v)) + p.out_zp);
    }
    return;
  }
  for (int64_t i = 0; i < p.count; ++i) {
    const int32_t r = DoubleToInt32LikeHardware(RoundAway(static_cast<double>(in[i]) / p.q_scale));
    const int32_t v = static_cast<int32_t>(static_cast<uint32_t>(r) + static_cast<uint32_t>(p.out_zp));  // wraps like TFLite
    out[i] = static_cast<T>(std::min(std::max(v, qmin), qmax));
  }
}

template <typename In, typename Out>
void Requantize(const OpParams& p, uint8_t* arena) {
  const In* in = TensorData<const In>(p.in[0], arena);
  Out* out = TensorData<Out>(p.out[0], arena);
  const int mode = p.requant == EDGERT_REQUANT_SINGLE ? EDGERT_REQUANT_SINGLE : EDGERT_REQUANT_GEMMLOWP;
  const int32_t qmin = std::numeric_limits<Out>::min();
  const int32_t qmax = std::numeric_limits<Out>::max();
  for (int64_t i = 0; i < p.count; ++i) {
    const int32_t v = MultiplyByQuantizedMultiplier(static_cast<int32_t>(in[i]) - p.in_zp, p.out_mult, p.out_shift, mode) +
                      p.out_zp;
    out[i] = static_cast<Out>(std::min(std::max(v, qmin), qmax));
  }
}

template <typename T>
void Dequantize(const OpParams& p, uint8_t* arena) {
  const T* in = TensorData<const T>(p.in[0], arena);
  float* out = TensorData<float>(p.out[0], arena);
  for (int64_t i = 0; i < p.count; ++i) {
    out[i] = static_cast<float>(p.q_scale * (static_cast<int32_t>(in[i]) - p.in_zp));
  }
}

}  // namespace

void copy_any(const OpParams& p, uint8_t* arena) {
  const uint8_t* in = TensorData<const uint8_t>(p.in[0], arena);
  uint8_t* out = TensorData<uint8_t>(p.out[0], arena);
  if (in != out) memmove(out, in, p.count * p.elem_size);
}

void concat_qs8(const OpParams& p, uint8_t* arena) { Concat<int8_t>(p, arena); }
void concat_qu8(const OpParams& p, uint8_t* arena) { Concat<uint8_t>(p, arena); }

void concat_any(const OpParams& p, uint8_t* arena) {
  uint8_t* out = TensorData<uint8_t>(p.out[0], arena);
  for (int64_t o = 0; o < p.concat_outer; ++o) {
    for (size_t i = 0; i < p.in.size(); ++i) {
      const int64_t n = p.concat_inner[i] * p.elem_size;
      memcpy(out, TensorData<const uint8_t>(p.in[i], arena) + o * n, n);
      out += n;
    }
  }
}

void pad_any(const OpParams& p, uint8_t* arena) {
  const uint8_t* in = TensorData<const uint8_t>(p.in[0], arena);
  uint8_t* out = TensorData<uint8_t>(p.out[0], arena);
  const int es = p.elem_size;
  int32_t idx[kMaxRank] = {0};
  for (int64_t o = 0; o < p.count; ++o) {
    bool inside = true;
    int64_t src = 0;
    for (int d = 0; d < kMaxRank; ++d) {
      const int32_t c = idx[d] - p.pad_before[d];
      if (c < 0 || c >= p.in_dims[d]) {
        inside = false;
        break;
      }
      src = src * p.in_dims[d] + c;
    }
    memcpy(out + o * es, inside ? in + src * es : p.pad_value, es);
    for (int d = kMaxRank - 1; d >= 0; --d) {
      if (++idx[d] < p.out_dims[d]) break;
      idx[d] = 0;
    }
  }
}

void slice_any(const OpParams& p, uint8_t* arena) { StridedGather(p, arena); }
void transpose_any(const OpParams& p, uint8_t* arena) { StridedGather(p, arena); }

void quantize_f32_qs8(const OpParams& p, uint8_t* arena) { QuantizeF32<int8_t>(p, arena); }
void quantize_f32_qu8(const OpParams& p, uint8_t* arena) { QuantizeF32<uint8_t>(p, arena); }
void requantize_qs8_qs8(const OpParams& p, uint8_t* arena) { Requantize<int8_t, int8_t>(p, arena); }
void requantize_qs8_qu8(const OpParams& p, uint8_t* arena) { Requantize<int8_t, uint8_t>(p, arena); }
void requantize_qu8_qs8(const OpParams& p, uint8_t* arena) { Requantize<uint8_t, int8_t>(p, arena); }
void requantize_qu8_qu8(const OpParams& p, uint8_t* arena) { Requantize<uint8_t, uint8_t>(p, arena); }
void dequantize_qs8_f32(const OpParams& p, uint8_t* arena) { Dequantize<int8_t>(p, arena); }
void dequantize_qu8_f32(const OpParams& p, uint8_t* arena) { Dequantize<uint8_t>(p, arena); }

}  // namespace ref
}  // namespace edgert
