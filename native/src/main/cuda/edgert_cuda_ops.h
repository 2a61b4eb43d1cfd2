// edgert CUDA kernels: the per-output math, shared by the device kernels (edgert_kernels.cu, nvcc) and the host
// emulator (host/emulator.cc, g++), so the arithmetic a GPU runs is the arithmetic the CPU tests check.
//
// Every op is described by an int32 parameter block (the structs below; io.edgert.cuda.plan.ParamLayout writes
// them field by field in this order) and reads/writes two byte buffers: the activation arena (offsets from the
// runtime's MemoryPlan) and the constants blob (weights repacked per kernel, int32 biases with zero-point
// corrections, per-channel multipliers and shifts, FP32 scales, the softmax table), both uploaded once.
//
// Numerics are those of the C++ reference kernels (native/src/main/cpp/ref/*.cc and ref/quant.h): the same
// integer formulas, re-stated here as __host__ __device__ functions (ref/quant.h uses std:: calls the device does
// not have). host/quant_check.cc compares these against ref/quant.h on the CPU.
#ifndef EDGERT_CUDA_OPS_H_
#define EDGERT_CUDA_OPS_H_

#include <stdint.h>

#if defined(__CUDACC__)
#define ECU_HD __host__ __device__ __forceinline__
#else
#include <math.h>
#define ECU_HD inline
#endif

namespace ecu {

// Requant modes: EDGERT_REQUANT_* of native/src/main/cpp/include/edgert/plan.h.
constexpr int kGemmlowp = 0;
constexpr int kSingle = 1;
constexpr int kFp32 = 2;
constexpr int kGemmlowpUp = 3;
constexpr int kMaxRank = 6;

// ---- requantization (ref/quant.h) ----

ECU_HD int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1LL - (1LL << 30));
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));
}

ECU_HD int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

ECU_HD int32_t MultiplyGemmlowp(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(shifted, multiplier), right);
}

ECU_HD int32_t MultiplySingle(int32_t x, int32_t multiplier, int shift) {
  const int total_shift = 31 - shift;
  const int64_t round = 1LL << (total_shift - 1);
  return static_cast<int32_t>((static_cast<int64_t>(x) * static_cast<int64_t>(multiplier) + round) >> total_shift);
}

ECU_HD int32_t MultiplyGemmlowpUp(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
  const int32_t high = SaturatingRoundingDoublingHighMul(shifted, multiplier);
  if (right == 0) return high;
  return static_cast<int32_t>((static_cast<int64_t>(high) + (1LL << (right - 1))) >> right);
}

ECU_HD int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift, int mode) {
  if (mode == kSingle) return MultiplySingle(x, multiplier, shift);
  if (mode == kGemmlowpUp) return MultiplyGemmlowpUp(x, multiplier, shift);
  return MultiplyGemmlowp(x, multiplier, shift);
}

// Round to nearest, ties to even, as lrintf in the default rounding mode.
ECU_HD int32_t RoundEven(float v) {
#if defined(__CUDA_ARCH__)
  return __float2int_rn(v);
#else
  return static_cast<int32_t>(lrintf(v));
#endif
}

ECU_HD int32_t RequantizeFp32(int32_t acc, float scale) {
  float v = static_cast<float>(acc) * scale;
  v = v < -16777216.0f ? -16777216.0f : (v > 16777216.0f ? 16777216.0f : v);
  return RoundEven(v);
}

ECU_HD int32_t Requantize(int32_t acc, int32_t multiplier, int shift, float fp32_scale, int mode) {
  if (mode == kFp32) return RequantizeFp32(acc, fp32_scale);
  return MultiplyByQuantizedMultiplier(acc, multiplier, shift, mode);
}

ECU_HD int32_t Clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// Four int8 products summed into c: __dp4a on the device (sm_61 and up), the same sum on the host.
ECU_HD int32_t Dp4a(int32_t a, int32_t b, int32_t c) {
#if defined(__CUDA_ARCH__)
  return __dp4a(a, b, c);
#else
  uint32_t sum = static_cast<uint32_t>(c);  // wraps like the device's 32-bit adder
  for (int i = 0; i < 4; ++i) {
    sum += static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a >> (8 * i))) *
                                 static_cast<int32_t>(static_cast<int8_t>(b >> (8 * i))));
  }
  return static_cast<int32_t>(sum);
#endif
}

// ---- parameter blocks (int32 fields; the Java writer follows this order) ----

// CONV_2D (scalar and dp4a) and DEPTHWISE_CONV_2D.
struct ConvP {
  int32_t count;        // output elements
  int32_t in_off, out_off;          // arena byte offsets
  int32_t w_off, bias_off;          // constants byte offsets; bias_off -1 = none
  int32_t mult_off, shift_off, fscale_off;  // int32 / int32 / float arrays in the constants
  int32_t per_channel;  // 1: index the requant arrays by output channel; 0: entry 0
  int32_t mode;         // requant mode of this op
  int32_t is_u8;        // uint8 tensors (TF1 asymmetric) instead of int8
  int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
  int32_t depth_multiplier, filter_in_c;
  int32_t in_zp, filter_zp, out_zp, act_min, act_max;
};

// FULLY_CONNECTED (scalar and dp4a).
struct FcP {
  int32_t count;  // output elements (rows * units)
  int32_t in_off, out_off, w_off, bias_off, mult_off, shift_off, fscale_off, per_channel, mode, is_u8;
  int32_t units, depth;
  int32_t in_zp, filter_zp, out_zp, act_min, act_max;
};

// ADD / SUB with broadcasting (TFLite's left-shift scheme, or XNNPACK's in FP32 plans).
struct AddP {
  int32_t count;
  int32_t in_off, in2_off, out_off, is_u8, mode, xnn;
  int32_t in_zp, in2_zp, out_zp, left_shift;
  int32_t in1_mult, in1_shift, in2_mult, in2_shift, out_mult, out_shift;
  int32_t xnn_bias, xnn_shift, act_min, act_max;
  int32_t out_dims[kMaxRank], in1_strides[kMaxRank], in2_strides[kMaxRank];
};

// AVERAGE_POOL_2D / MAX_POOL_2D.
struct PoolP {
  int32_t count;
  int32_t in_off, out_off, is_u8, is_max;
  int32_t batches, in_h, in_w, in_c, out_h, out_w, k_h, k_w, stride_h, stride_w, pad_h, pad_w;
  int32_t act_min, act_max;
};

// MEAN.
struct MeanP {
  int32_t count;
  int32_t in_off, out_off, is_u8, mode, hw_path;
  int32_t batches, in_h, in_w, in_c;
  int32_t mult, shift, mean_bias, in_zp, out_zp, mean_n;
  int32_t in_dims[kMaxRank], reduce_axis[kMaxRank];
};

// SOFTMAX (count = rows; the device runs one block per row).
struct SoftmaxP {
  int32_t count;  // rows
  int32_t in_off, out_off, is_u8, inner, table_off, out_zp;
  float out_scale;
};

// RESHAPE / SQUEEZE: a byte copy between arena tensors.
struct CopyP {
  int32_t count;  // bytes
  int32_t in_off, out_off;
};

// ---- per-output functions ----

ECU_HD int32_t Load8(const uint8_t* base, int64_t i, int32_t is_u8) {
  return is_u8 ? static_cast<int32_t>(base[i]) : static_cast<int32_t>(static_cast<int8_t>(base[i]));
}

ECU_HD void Store8(uint8_t* base, int64_t i, int32_t v) { base[i] = static_cast<uint8_t>(v); }

ECU_HD int32_t I32At(const uint8_t* consts, int32_t off, int32_t i) {
  return reinterpret_cast<const int32_t*>(consts + off)[i];
}

ECU_HD float F32At(const uint8_t* consts, int32_t off, int32_t i) {
  return reinterpret_cast<const float*>(consts + off)[i];
}

// acc -> clamped output value: requantize with the channel's parameters, add the zero point, clamp.
// One output channel's bias and requantization parameters. Kernels whose threads finish several outputs load them
// up front (OutChannel), all at once and without branches, so the loads overlap the accumulation instead of
// following it one output at a time (a GPU thread waits a memory round trip per dependent load).
struct OutChannel {
  int32_t bias, mult, shift;
  float fscale;
};

template <typename P>
ECU_HD OutChannel LoadOutChannel(const P& p, const uint8_t* consts, int32_t channel) {
  const int32_t c = p.per_channel ? channel : 0;
  OutChannel q;
  // no bias: read a valid word (the multipliers') and drop it, so the load needs no branch
  const int32_t bias = I32At(consts, p.bias_off >= 0 ? p.bias_off : p.mult_off, p.bias_off >= 0 ? channel : 0);
  q.bias = p.bias_off >= 0 ? bias : 0;
  q.mult = I32At(consts, p.mult_off, c);
  q.shift = I32At(consts, p.shift_off, c);
  q.fscale = F32At(consts, p.fscale_off, c);
  return q;
}

// acc (bias not yet added) -> clamped output value.
template <typename P>
ECU_HD int32_t FinishWith(const P& p, const OutChannel& q, int32_t acc) {
  acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(q.bias));
  return Clamp(Requantize(acc, q.mult, q.shift, q.fscale, p.mode) + p.out_zp, p.act_min, p.act_max);
}

template <typename P>
ECU_HD int32_t Finish(const P& p, const uint8_t* consts, int32_t acc, int32_t channel) {
  const int32_t c = p.per_channel ? channel : 0;
  acc = Requantize(acc, I32At(consts, p.mult_off, c), I32At(consts, p.shift_off, c), F32At(consts, p.fscale_off, c),
                   p.mode);
  return Clamp(acc + p.out_zp, p.act_min, p.act_max);
}

// Element indices fit int32 (every count is an int32 field, written with Math.toIntExact): indices are decoded
// with 32-bit division, several times cheaper on the GPU than 64-bit; byte offsets are still formed in 64 bits.

// The output element idx (NHWC order) of a convolution: batch, row, column, channel.
struct ConvOut {
  int32_t b, oy, ox, oc;
};
ECU_HD ConvOut DecodeConvOut(const ConvP& p, int64_t idx) {
  ConvOut o;
  const uint32_t i = static_cast<uint32_t>(idx);
  o.oc = static_cast<int32_t>(i % static_cast<uint32_t>(p.out_c));
  uint32_t px = i / static_cast<uint32_t>(p.out_c);
  o.ox = static_cast<int32_t>(px % static_cast<uint32_t>(p.out_w));
  px /= static_cast<uint32_t>(p.out_w);
  o.oy = static_cast<int32_t>(px % static_cast<uint32_t>(p.out_h));
  o.b = static_cast<int32_t>(px / static_cast<uint32_t>(p.out_h));
  return o;
}

// Row and unit of a FULLY_CONNECTED output element.
ECU_HD void DecodeFcOut(const FcP& p, int64_t idx, int32_t* row, int32_t* u) {
  const uint32_t i = static_cast<uint32_t>(idx);
  *u = static_cast<int32_t>(i % static_cast<uint32_t>(p.units));
  *row = static_cast<int32_t>(i / static_cast<uint32_t>(p.units));
}

// ref Conv: weights [oc][kh][kw][filter_in_c] as in the model; taps outside the input contribute nothing.
ECU_HD void ConvScalar(const ConvP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  const ConvOut o = DecodeConvOut(p, idx);
  const int32_t oc = o.oc, ox = o.ox, oy = o.oy, b = o.b;
  const int32_t groups = p.in_c / p.filter_in_c;
  const int32_t group = oc / (p.out_c / groups);
  const uint8_t* in = arena + p.in_off;
  const uint8_t* w = consts + p.w_off;
  int32_t acc = 0;
  for (int32_t fy = 0; fy < p.k_h; ++fy) {
    const int32_t iy = oy * p.stride_h - p.pad_h + p.dil_h * fy;
    if (iy < 0 || iy >= p.in_h) continue;
    for (int32_t fx = 0; fx < p.k_w; ++fx) {
      const int32_t ix = ox * p.stride_w - p.pad_w + p.dil_w * fx;
      if (ix < 0 || ix >= p.in_w) continue;
      const int64_t in_base = ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c + group * p.filter_in_c;
      const int64_t w_base = ((static_cast<int64_t>(oc) * p.k_h + fy) * p.k_w + fx) * p.filter_in_c;
      for (int32_t ic = 0; ic < p.filter_in_c; ++ic) {
        acc += (Load8(w, w_base + ic, p.is_u8) - p.filter_zp) * (Load8(in, in_base + ic, p.is_u8) - p.in_zp);
      }
    }
  }
  if (p.bias_off >= 0) acc += I32At(consts, p.bias_off, oc);
  Store8(arena + p.out_off, idx, Finish(p, consts, acc, oc));
}

// The four-channel kernels below (idx counts groups of four adjacent output channels of one pixel): their results
// requantized and stored as one 32-bit word; taps outside the image read at a clamped, in-image coordinate and
// use the input zero point instead (adding 0, as the reference's skipping does), so the tap loops have no
// branches to serialize their loads on.
ECU_HD void StoreFour(const ConvP& p, uint8_t* arena, int64_t idx, const OutChannel q[4], const int32_t acc[4]) {
  uint32_t packed = 0;
  for (int j = 0; j < 4; ++j) packed |= (static_cast<uint32_t>(FinishWith(p, q[j], acc[j])) & 0xffu) << (8 * j);
  *reinterpret_cast<uint32_t*>(arena + p.out_off + idx * 4) = packed;
}

ECU_HD int32_t ClampIndex(int32_t v, int32_t n) { return v < 0 ? 0 : (v >= n ? n - 1 : v); }

// Calls f(tap, inside, pixel) for every filter tap (fy * k_w + fx) of output (oy, ox): pixel is the input pixel
// (row * in_w + column, within the batch image) at the clamped coordinates, inside whether the tap lies in the image.
template <typename F>
ECU_HD void ForEachClampedTap(const ConvP& p, int32_t oy, int32_t ox, F f) {
  for (int32_t fy = 0; fy < p.k_h; ++fy) {
    const int32_t iy = oy * p.stride_h - p.pad_h + p.dil_h * fy;
    const bool y_in = iy >= 0 && iy < p.in_h;
    const int64_t row = static_cast<int64_t>(ClampIndex(iy, p.in_h)) * p.in_w;
    for (int32_t fx = 0; fx < p.k_w; ++fx) {
      const int32_t ix = ox * p.stride_w - p.pad_w + p.dil_w * fx;
      f(fy * p.k_w + fx, y_in && ix >= 0 && ix < p.in_w, row + ClampIndex(ix, p.in_w));
    }
  }
}

// ConvScalar for one group and out_c % 4 == 0: idx counts groups of four adjacent output channels of one pixel, so
// each input byte is loaded once for four channels and the outputs are stored as one 32-bit word (the 3-channel
// first layers of image models: 27 taps, too few channels for the dp4a and tensor-core kernels).
ECU_HD void ConvScalarC4(const ConvP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  const ConvOut o = DecodeConvOut(p, idx * 4);  // the first of the four channels (out_c % 4 == 0)
  const int32_t c0 = o.oc, ox = o.ox, oy = o.oy, b = o.b;
  OutChannel q[4];
  for (int j = 0; j < 4; ++j) q[j] = LoadOutChannel(p, consts, c0 + j);
  const uint8_t* in = arena + p.in_off + static_cast<int64_t>(b) * p.in_h * p.in_w * p.in_c;
  const uint8_t* w = consts + p.w_off;
  const int64_t w_stride = static_cast<int64_t>(p.k_h) * p.k_w * p.in_c;  // one output channel's weights
  int32_t acc[4] = {0, 0, 0, 0};
  ForEachClampedTap(p, oy, ox, [&](int32_t tap, bool inside, int64_t pixel) {
    const int64_t in_base = pixel * p.in_c;
    const int64_t w_base = (static_cast<int64_t>(c0) * p.k_h * p.k_w + tap) * p.in_c;
    for (int32_t ic = 0; ic < p.in_c; ++ic) {
      const int32_t raw = Load8(in, in_base + ic, p.is_u8);  // always in the image: no branch before the load
      const int32_t x = (inside ? raw : p.in_zp) - p.in_zp;
      for (int j = 0; j < 4; ++j) acc[j] += (Load8(w, w_base + j * w_stride + ic, p.is_u8) - p.filter_zp) * x;
    }
  });
  StoreFour(p, arena, idx, q, acc);
}

// int8 CONV_2D, groups 1, in_c % 4 == 0, filter zero point 0, as an implicit GEMM row: four channels per __dp4a.
// Taps outside the input read the input zero point (4 copies per word), and the constants hold
// bias - in_zp * sum(w) (Java, ConvPacking), so sum(w * x') + that == sum over in-bounds taps of w * (x - in_zp)
// + bias exactly (int32 wrap-around included): the reference's accumulator.
ECU_HD void ConvDp4a(const ConvP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  const ConvOut o = DecodeConvOut(p, idx);
  const int32_t oc = o.oc, ox = o.ox, oy = o.oy, b = o.b;
  const int32_t words = p.in_c >> 2;
  const uint32_t zp_byte = static_cast<uint32_t>(p.in_zp) & 0xffu;
  const int32_t zp_word = static_cast<int32_t>(zp_byte * 0x01010101u);
  const int32_t* in = reinterpret_cast<const int32_t*>(arena + p.in_off);
  const int32_t* w = reinterpret_cast<const int32_t*>(consts + p.w_off) +
                     static_cast<int64_t>(oc) * p.k_h * p.k_w * words;
  int32_t acc = I32At(consts, p.bias_off, oc);
  for (int32_t fy = 0; fy < p.k_h; ++fy) {
    const int32_t iy = oy * p.stride_h - p.pad_h + p.dil_h * fy;
    const bool y_in = iy >= 0 && iy < p.in_h;
    for (int32_t fx = 0; fx < p.k_w; ++fx) {
      const int32_t ix = ox * p.stride_w - p.pad_w + p.dil_w * fx;
      const int32_t* wt = w + (fy * p.k_w + fx) * words;
      if (y_in && ix >= 0 && ix < p.in_w) {
        const int32_t* x = in + ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * words;
        for (int32_t k = 0; k < words; ++k) acc = Dp4a(x[k], wt[k], acc);
      } else {
        for (int32_t k = 0; k < words; ++k) acc = Dp4a(zp_word, wt[k], acc);
      }
    }
  }
  Store8(arena + p.out_off, idx, Finish(p, consts, acc, oc));
}

// uint8 CONV_2D (any filter zero point), groups 1, in_c % 4 == 0, on __dp4a: bytes are moved to int8 by x ^ 0x80
// (x - 128); weights arrive that way (Java), inputs are flipped word by word, taps outside the image read the input
// zero point. With cx = 128 - in_zp, cw = 128 - filter_zp and n = k_h * k_w * in_c:
//   sum (w - wzp)(x - xzp) = sum w'x' + cx * sum w' + cw * sum x' + n * cw * cx,
// the last two per-channel terms folded into the constants' bias (ConvPacking), sum x' counted per output by a
// second __dp4a against 0x01010101.
ECU_HD void ConvDp4aU8(const ConvP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  const ConvOut o = DecodeConvOut(p, idx);
  const int32_t oc = o.oc, ox = o.ox, oy = o.oy, b = o.b;
  const int32_t words = p.in_c >> 2;
  const int32_t zp_word = static_cast<int32_t>(((static_cast<uint32_t>(p.in_zp) & 0xffu) ^ 0x80u) * 0x01010101u);
  const int32_t* in = reinterpret_cast<const int32_t*>(arena + p.in_off);
  const int32_t* w = reinterpret_cast<const int32_t*>(consts + p.w_off) +
                     static_cast<int64_t>(oc) * p.k_h * p.k_w * words;
  int32_t acc = I32At(consts, p.bias_off, oc);
  int32_t sx = 0;
  for (int32_t fy = 0; fy < p.k_h; ++fy) {
    const int32_t iy = oy * p.stride_h - p.pad_h + p.dil_h * fy;
    const bool y_in = iy >= 0 && iy < p.in_h;
    for (int32_t fx = 0; fx < p.k_w; ++fx) {
      const int32_t ix = ox * p.stride_w - p.pad_w + p.dil_w * fx;
      const int32_t* wt = w + (fy * p.k_w + fx) * words;
      if (y_in && ix >= 0 && ix < p.in_w) {
        const int32_t* x = in + ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * words;
        for (int32_t k = 0; k < words; ++k) {
          const int32_t xs = static_cast<int32_t>(static_cast<uint32_t>(x[k]) ^ 0x80808080u);
          acc = Dp4a(xs, wt[k], acc);
          sx = Dp4a(xs, 0x01010101, sx);
        }
      } else {
        for (int32_t k = 0; k < words; ++k) {
          acc = Dp4a(zp_word, wt[k], acc);
          sx = Dp4a(zp_word, 0x01010101, sx);
        }
      }
    }
  }
  acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(128 - p.filter_zp) *
                                                              static_cast<uint32_t>(sx));
  Store8(arena + p.out_off, idx, Finish(p, consts, acc, oc));
}

// ref DepthwiseConv: weights [1][kh][kw][out_c]; output channel = in_channel * depth_multiplier + m.
ECU_HD void DepthwiseConv(const ConvP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  const ConvOut o = DecodeConvOut(p, idx);
  const int32_t oc = o.oc, ox = o.ox, oy = o.oy, b = o.b;
  const int32_t ic = oc / p.depth_multiplier;
  const uint8_t* in = arena + p.in_off;
  const uint8_t* w = consts + p.w_off;
  int32_t acc = 0;
  for (int32_t fy = 0; fy < p.k_h; ++fy) {
    const int32_t iy = oy * p.stride_h - p.pad_h + p.dil_h * fy;
    if (iy < 0 || iy >= p.in_h) continue;
    for (int32_t fx = 0; fx < p.k_w; ++fx) {
      const int32_t ix = ox * p.stride_w - p.pad_w + p.dil_w * fx;
      if (ix < 0 || ix >= p.in_w) continue;
      const int32_t x = Load8(in, ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c + ic, p.is_u8);
      const int32_t f = Load8(w, (static_cast<int64_t>(fy) * p.k_w + fx) * p.out_c + oc, p.is_u8);
      acc += (f - p.filter_zp) * (x - p.in_zp);
    }
  }
  if (p.bias_off >= 0) acc += I32At(consts, p.bias_off, oc);
  Store8(arena + p.out_off, idx, Finish(p, consts, acc, oc));
}

// DEPTHWISE_CONV_2D with depth multiplier 1 and C % 4 == 0: idx counts groups of four adjacent channels of one
// output pixel, read and written as 32-bit words (a quarter of the threads, index decodes and memory requests of
// DepthwiseConv); each channel's arithmetic is DepthwiseConv's.
ECU_HD int32_t Byte8(uint32_t word, int j, int32_t is_u8) {
  const uint32_t v = (word >> (8 * j)) & 0xffu;
  return is_u8 ? static_cast<int32_t>(v) : static_cast<int32_t>(static_cast<int8_t>(v));
}

ECU_HD void DepthwiseConvC4(const ConvP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  const ConvOut o = DecodeConvOut(p, idx * 4);  // the first of the four channels (out_c % 4 == 0)
  const int32_t c0 = o.oc, ox = o.ox, oy = o.oy, b = o.b;
  OutChannel q[4];
  for (int j = 0; j < 4; ++j) q[j] = LoadOutChannel(p, consts, c0 + j);
  const uint8_t* in = arena + p.in_off + static_cast<int64_t>(b) * p.in_h * p.in_w * p.in_c + c0;
  const uint8_t* w = consts + p.w_off + c0;
  const uint32_t zp_word = (static_cast<uint32_t>(p.in_zp) & 0xffu) * 0x01010101u;
  int32_t acc[4] = {0, 0, 0, 0};
  ForEachClampedTap(p, oy, ox, [&](int32_t tap, bool inside, int64_t pixel) {
    const uint32_t loaded = *reinterpret_cast<const uint32_t*>(in + pixel * p.in_c);
    const uint32_t xw = inside ? loaded : zp_word;
    const uint32_t fw = *reinterpret_cast<const uint32_t*>(w + static_cast<int64_t>(tap) * p.out_c);
    for (int j = 0; j < 4; ++j) {
      acc[j] += (Byte8(fw, j, p.is_u8) - p.filter_zp) * (Byte8(xw, j, p.is_u8) - p.in_zp);
    }
  });
  StoreFour(p, arena, idx, q, acc);
}

// ref FullyConnected: weights [units][depth].
ECU_HD void FcScalar(const FcP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  int32_t row, u;
  DecodeFcOut(p, idx, &row, &u);
  const uint8_t* in = arena + p.in_off + static_cast<int64_t>(row) * p.depth;
  const uint8_t* w = consts + p.w_off + static_cast<int64_t>(u) * p.depth;
  int32_t acc = 0;
  for (int32_t d = 0; d < p.depth; ++d) {
    acc += (Load8(w, d, p.is_u8) - p.filter_zp) * (Load8(in, d, p.is_u8) - p.in_zp);
  }
  if (p.bias_off >= 0) acc += I32At(consts, p.bias_off, u);
  Store8(arena + p.out_off, idx, Finish(p, consts, acc, u));
}

// int8 FULLY_CONNECTED, depth % 4 == 0, filter zero point 0: bias - in_zp * sum(w) precomputed as for ConvDp4a.
ECU_HD void FcDp4a(const FcP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  int32_t row, u;
  DecodeFcOut(p, idx, &row, &u);
  const int32_t words = p.depth >> 2;
  const int32_t* in = reinterpret_cast<const int32_t*>(arena + p.in_off) + static_cast<int64_t>(row) * words;
  const int32_t* w = reinterpret_cast<const int32_t*>(consts + p.w_off) + static_cast<int64_t>(u) * words;
  int32_t acc = I32At(consts, p.bias_off, u);
  for (int32_t k = 0; k < words; ++k) acc = Dp4a(in[k], w[k], acc);
  Store8(arena + p.out_off, idx, Finish(p, consts, acc, u));
}

// uint8 FULLY_CONNECTED, depth % 4 == 0, any filter zero point: ConvDp4aU8's identity over one input row.
ECU_HD void FcDp4aU8(const FcP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  int32_t row, u;
  DecodeFcOut(p, idx, &row, &u);
  const int32_t words = p.depth >> 2;
  const int32_t* in = reinterpret_cast<const int32_t*>(arena + p.in_off) + static_cast<int64_t>(row) * words;
  const int32_t* w = reinterpret_cast<const int32_t*>(consts + p.w_off) + static_cast<int64_t>(u) * words;
  int32_t acc = I32At(consts, p.bias_off, u);
  int32_t sx = 0;
  for (int32_t k = 0; k < words; ++k) {
    const int32_t xs = static_cast<int32_t>(static_cast<uint32_t>(in[k]) ^ 0x80808080u);
    acc = Dp4a(xs, w[k], acc);
    sx = Dp4a(xs, 0x01010101, sx);
  }
  acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(128 - p.filter_zp) *
                                                              static_cast<uint32_t>(sx));
  Store8(arena + p.out_off, idx, Finish(p, consts, acc, u));
}

// ref Add (elementwise.cc) with N-d broadcasting; SUB is ADD with in2_mult negated at plan time.
ECU_HD void Add(const AddP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  (void)consts;
  uint32_t rest = static_cast<uint32_t>(idx);
  int64_t i1 = 0, i2 = 0;
  for (int d = kMaxRank - 1; d >= 0 && rest != 0; --d) {  // once rest is 0, the outer coordinates are 0
    const int32_t c = static_cast<int32_t>(rest % static_cast<uint32_t>(p.out_dims[d]));
    rest /= static_cast<uint32_t>(p.out_dims[d]);
    i1 += static_cast<int64_t>(c) * p.in1_strides[d];
    i2 += static_cast<int64_t>(c) * p.in2_strides[d];
  }
  const int32_t a = Load8(arena + p.in_off, i1, p.is_u8);
  const int32_t b = Load8(arena + p.in2_off, i2, p.is_u8);
  int32_t r;
  if (p.xnn) {
    const int32_t acc = p.xnn_bias + a * p.in1_mult + b * p.in2_mult;
    r = Clamp(acc >> p.xnn_shift, p.act_min - p.out_zp, p.act_max - p.out_zp) + p.out_zp;
  } else {
    const int mode = p.mode == kSingle ? kSingle : kGemmlowp;
    const int32_t s1 = static_cast<int32_t>(static_cast<uint32_t>(a - p.in_zp) << p.left_shift);
    const int32_t s2 = static_cast<int32_t>(static_cast<uint32_t>(b - p.in2_zp) << p.left_shift);
    const int32_t r1 = MultiplyByQuantizedMultiplier(s1, p.in1_mult, p.in1_shift, mode);
    const int32_t r2 = MultiplyByQuantizedMultiplier(s2, p.in2_mult, p.in2_shift, mode);
    r = Clamp(MultiplyByQuantizedMultiplier(r1 + r2, p.out_mult, p.out_shift, mode) + p.out_zp, p.act_min, p.act_max);
  }
  Store8(arena + p.out_off, idx, r);
}

// ref Pool: in-bounds window only; average rounds half away from zero (int8) / half up (uint8).
ECU_HD void Pool(const PoolP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  (void)consts;
  const uint32_t i = static_cast<uint32_t>(idx);
  const int32_t c = static_cast<int32_t>(i % static_cast<uint32_t>(p.in_c));
  uint32_t px = i / static_cast<uint32_t>(p.in_c);
  const int32_t ox = static_cast<int32_t>(px % static_cast<uint32_t>(p.out_w));
  px /= static_cast<uint32_t>(p.out_w);
  const int32_t oy = static_cast<int32_t>(px % static_cast<uint32_t>(p.out_h));
  const int32_t b = static_cast<int32_t>(px / static_cast<uint32_t>(p.out_h));
  const int32_t in_y0 = oy * p.stride_h - p.pad_h;
  const int32_t in_x0 = ox * p.stride_w - p.pad_w;
  const int32_t fy0 = in_y0 < 0 ? -in_y0 : 0;
  const int32_t fy1 = p.k_h < p.in_h - in_y0 ? p.k_h : p.in_h - in_y0;
  const int32_t fx0 = in_x0 < 0 ? -in_x0 : 0;
  const int32_t fx1 = p.k_w < p.in_w - in_x0 ? p.k_w : p.in_w - in_x0;
  int32_t acc = p.is_max ? (p.is_u8 ? 0 : -128) : 0;
  int32_t count = 0;
  for (int32_t fy = fy0; fy < fy1; ++fy) {
    for (int32_t fx = fx0; fx < fx1; ++fx) {
      const int32_t v = Load8(arena + p.in_off,
                              ((static_cast<int64_t>(b) * p.in_h + in_y0 + fy) * p.in_w + in_x0 + fx) * p.in_c + c,
                              p.is_u8);
      if (p.is_max) {
        acc = v > acc ? v : acc;
      } else {
        acc += v;
      }
      ++count;
    }
  }
  if (!p.is_max && count > 0) {
    if (!p.is_u8) {
      acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    } else {
      acc = (acc + count / 2) / count;
    }
  }
  Store8(arena + p.out_off, idx, Clamp(acc, p.act_min, p.act_max));
}

// ref Mean: the (keep_dims, axes {1, 2}) path or the general integer path (pool.cc).
ECU_HD void Mean(const MeanP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  (void)consts;
  const int mode = p.mode == kSingle ? kSingle : kGemmlowp;
  const int32_t qmin = p.is_u8 ? 0 : -128;
  const int32_t qmax = p.is_u8 ? 255 : 127;
  const uint8_t* in = arena + p.in_off;
  int32_t acc;
  if (p.hw_path) {
    const int32_t c = static_cast<int32_t>(static_cast<uint32_t>(idx) % static_cast<uint32_t>(p.in_c));
    const int32_t b = static_cast<int32_t>(static_cast<uint32_t>(idx) / static_cast<uint32_t>(p.in_c));
    int32_t sum = 0;
    for (int32_t y = 0; y < p.in_h; ++y) {
      for (int32_t x = 0; x < p.in_w; ++x) {
        sum += Load8(in, ((static_cast<int64_t>(b) * p.in_h + y) * p.in_w + x) * p.in_c + c, p.is_u8);
      }
    }
    acc = MultiplyByQuantizedMultiplier(sum, p.mult, p.shift, mode) + p.mean_bias;
  } else {
    int32_t coord[kMaxRank] = {0, 0, 0, 0, 0, 0};
    uint32_t rest = static_cast<uint32_t>(idx);
    for (int d = kMaxRank - 1; d >= 0; --d) {
      if (p.reduce_axis[d]) continue;
      coord[d] = static_cast<int32_t>(rest % static_cast<uint32_t>(p.in_dims[d]));
      rest /= static_cast<uint32_t>(p.in_dims[d]);
    }
    int32_t sum = 0;
    for (;;) {
      int64_t flat = 0;
      for (int d = 0; d < kMaxRank; ++d) flat = flat * p.in_dims[d] + coord[d];
      sum += Load8(in, flat, p.is_u8);
      int d = kMaxRank - 1;
      for (; d >= 0; --d) {
        if (!p.reduce_axis[d]) continue;
        if (++coord[d] < p.in_dims[d]) break;
        coord[d] = 0;
      }
      if (d < 0) break;
    }
    const int32_t shifted = static_cast<int32_t>(sum - static_cast<int64_t>(p.in_zp) * p.mean_n);
    acc = MultiplyByQuantizedMultiplier(shifted, p.mult, p.shift, mode) + p.out_zp;
  }
  Store8(arena + p.out_off, idx, Clamp(acc, qmin, qmax));
}

// ref Softmax (activation.cc): float table of expf(-in_scale * beta * v) indexed from the row maximum, the row sum
// in order, then round(prob) + zp (int8) or int(prob + 0.5f) (uint8, x86-64 TFLite). The pieces below are shared by
// Softmax (one row per call: the host emulator) and the device kernel (one block per row: parallel maximum and
// outputs, the float sum still added in order by one thread, so it rounds as the reference's loop does).
ECU_HD int32_t SoftmaxQmin(const SoftmaxP& p) { return p.is_u8 ? 0 : -128; }

// ref indexes table[255 - max + x] with x the raw (signed for int8) value.
ECU_HD const float* SoftmaxTable(const SoftmaxP& p, const uint8_t* consts, int32_t max_val) {
  return reinterpret_cast<const float*>(consts + p.table_off) + (255 - max_val);
}

ECU_HD float SoftmaxInverse(const SoftmaxP& p, float sum_exp) { return 1.0f / (sum_exp * p.out_scale); }

ECU_HD int32_t SoftmaxOut(const SoftmaxP& p, float term, float inv) {
  const float prob = term * inv;
  int32_t q;
  if (p.is_u8) {
    q = static_cast<int32_t>(prob + 0.5f);
  } else {
    q = static_cast<int32_t>(roundf(prob)) + p.out_zp;  // half away from zero, as std::round
  }
  return Clamp(q, SoftmaxQmin(p), p.is_u8 ? 255 : 127);
}

ECU_HD void Softmax(const SoftmaxP& p, uint8_t* arena, const uint8_t* consts, int64_t row) {
  const uint8_t* in = arena + p.in_off + row * p.inner;
  uint8_t* out = arena + p.out_off + row * p.inner;
  int32_t max_val = SoftmaxQmin(p);
  for (int32_t j = 0; j < p.inner; ++j) {
    const int32_t v = Load8(in, j, p.is_u8);
    max_val = v > max_val ? v : max_val;
  }
  const float* table = SoftmaxTable(p, consts, max_val);
  float sum_exp = 0.0f;
  for (int32_t j = 0; j < p.inner; ++j) sum_exp += table[Load8(in, j, p.is_u8)];
  const float inv = SoftmaxInverse(p, sum_exp);
  for (int32_t j = 0; j < p.inner; ++j) Store8(out, j, SoftmaxOut(p, table[Load8(in, j, p.is_u8)], inv));
}

ECU_HD void Copy(const CopyP& p, uint8_t* arena, const uint8_t* consts, int64_t idx) {
  (void)consts;
  arena[p.out_off + idx] = arena[p.in_off + idx];
}


// ---- int8 CONV_2D on tensor cores (mma.sync.m16n8k32, sm_80+): implicit GEMM, one warp per 16 x 32 tile ----
// GEMM view: rows m = output pixels (batch * out_h * out_w), columns n = output channels, depth k = tap * in_c + c
// (in_c % 4 == 0, so every 4-byte group of k lies in one tap). Weights are repacked as [npad][kpad] (npad = out_c
// rounded up to 32, kpad = k_h * k_w * in_c rounded up to 32, zero padding). Conditions and the accumulator start
// (bias - in_zp * sum(w)) as ConvDp4a. Fragment layout of the PTX ISA for m16n8k32 .s8 (gid = lane / 4,
// tid = lane % 4): a[0] = A[gid][tid*4..+3], a[1] = A[gid+8][tid*4..], a[2] = A[gid][16+tid*4..],
// a[3] = A[gid+8][16+tid*4..]; b[0] = B[tid*4..+3][gid], b[1] = B[16+tid*4..][gid]; c[0] = C[gid][2*tid],
// c[1] = C[gid][2*tid+1], c[2] = C[gid+8][2*tid], c[3] = C[gid+8][2*tid+1]. The loaders below produce exactly
// those registers per lane; the host emulator combines them by this layout (HostMma), the device by mma.sync.
constexpr int kMmaTileM = 16;
constexpr int kMmaTileN = 32;  // four m16n8 sub-tiles
constexpr int kMmaK = 32;

ECU_HD int32_t MmaKpad(const ConvP& p) { return (p.k_h * p.k_w * p.in_c + kMmaK - 1) / kMmaK * kMmaK; }
ECU_HD int32_t MmaNpad(const ConvP& p) { return (p.out_c + kMmaTileN - 1) / kMmaTileN * kMmaTileN; }
// Rows, tiles and every index below fit int32: Java writes count = tiles * 32 * split as an int32 (toIntExact).
ECU_HD int32_t MmaRows(const ConvP& p) { return p.batches * p.out_h * p.out_w; }
ECU_HD int32_t MmaTiles(const ConvP& p) {
  return (MmaRows(p) + kMmaTileM - 1) / kMmaTileM * (MmaNpad(p) / kMmaTileN);
}
// How many warps share one tile's depth (split-K; the device sums their partial accumulators in shared memory):
// deep, narrow layers (MobileNetV2's 7x7x960 -> 160 has 20 tiles of 30 k-steps) would otherwise run a few long
// serial chains on a handful of SMs. io.edgert.cuda.plan.CudaProgramBuilder.mmaSplit mirrors this.
ECU_HD int32_t MmaSplit(const ConvP& p) {
  const int32_t steps = MmaKpad(p) / kMmaK;
  return steps >= 4 ? 4 : (steps >= 2 ? 2 : 1);
}

// One GEMM row (output pixel) of a lane: where its window starts, decoded once per tile rather than per word.
struct MmaRow {
  int32_t valid;     // m < rows
  int32_t iy0, ix0;  // top-left input tap (may lie outside the image)
  int64_t base;      // arena byte offset of the row's batch image (pointwise: of the pixel itself)
};

// 1x1, stride 1, no padding: the GEMM's A is the input itself, [rows][in_c].
ECU_HD bool MmaPointwise(const ConvP& p) {
  return p.k_h == 1 && p.k_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_h == 0 && p.pad_w == 0;
}

ECU_HD MmaRow MmaRowAt(const ConvP& p, int32_t m) {
  MmaRow r;
  r.valid = m < MmaRows(p);
  if (!r.valid) m = 0;
  if (MmaPointwise(p)) {
    r.iy0 = r.ix0 = 0;
    r.base = p.in_off + static_cast<int64_t>(m) * p.in_c;
    return r;
  }
  const int32_t ox = m % p.out_w;
  const int32_t rest = m / p.out_w;
  const int32_t oy = rest % p.out_h;
  const int32_t b = rest / p.out_h;
  r.iy0 = oy * p.stride_h - p.pad_h;
  r.ix0 = ox * p.stride_w - p.pad_w;
  r.base = p.in_off + static_cast<int64_t>(b) * p.in_h * p.in_w * p.in_c;
  return r;
}

// Four input bytes (k .. k+3) of a row: the im2col element, the zero point outside the image, 0 past the depth
// or past the last row.
ECU_HD int32_t MmaAWord(const ConvP& p, const uint8_t* arena, const MmaRow& r, int32_t k) {
  const int32_t kdepth = p.k_h * p.k_w * p.in_c;
  if (!r.valid || k >= kdepth) return 0;
  if (MmaPointwise(p)) return *reinterpret_cast<const int32_t*>(arena + r.base + k);
  const int32_t tap = k / p.in_c;
  const int32_t c = k - tap * p.in_c;
  const int32_t fy = tap / p.k_w;
  const int32_t fx = tap - fy * p.k_w;
  const int32_t iy = r.iy0 + p.dil_h * fy;
  const int32_t ix = r.ix0 + p.dil_w * fx;
  if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) {
    return static_cast<int32_t>((static_cast<uint32_t>(p.in_zp) & 0xffu) * 0x01010101u);
  }
  return *reinterpret_cast<const int32_t*>(arena + r.base + (static_cast<int64_t>(iy) * p.in_w + ix) * p.in_c + c);
}

// The lane's two rows of the m16 tile at m0: gid and gid + 8.
ECU_HD void MmaLaneRows(const ConvP& p, int32_t m0, int lane, MmaRow rows[2]) {
  rows[0] = MmaRowAt(p, m0 + (lane >> 2));
  rows[1] = MmaRowAt(p, m0 + (lane >> 2) + 8);
}

ECU_HD void MmaLoadA(const ConvP& p, const uint8_t* arena, const MmaRow rows[2], int32_t k0, int lane,
                     int32_t a[4]) {
  const int tid = lane & 3;
  a[0] = MmaAWord(p, arena, rows[0], k0 + tid * 4);
  a[1] = MmaAWord(p, arena, rows[1], k0 + tid * 4);
  a[2] = MmaAWord(p, arena, rows[0], k0 + 16 + tid * 4);
  a[3] = MmaAWord(p, arena, rows[1], k0 + 16 + tid * 4);
}

ECU_HD void MmaLoadB(const ConvP& p, const uint8_t* consts, int32_t n0, int32_t k0, int lane, int32_t b[2]) {
  const int gid = lane >> 2, tid = lane & 3;
  const uint8_t* row = consts + p.w_off + static_cast<int64_t>(n0 + gid) * MmaKpad(p);
  b[0] = *reinterpret_cast<const int32_t*>(row + k0 + tid * 4);
  b[1] = *reinterpret_cast<const int32_t*>(row + k0 + 16 + tid * 4);
}

// The lane's two output channels of the m16n8 sub-tile at n0 (2 * tid and 2 * tid + 1), clamped to out_c - 1 past
// the last channel (those columns are never stored), loaded before the k loop so the loads overlap it.
ECU_HD void MmaLoadChannels(const ConvP& p, const uint8_t* consts, int32_t n0, int lane, OutChannel q[2]) {
  for (int e = 0; e < 2; ++e) {
    const int32_t n = n0 + 2 * (lane & 3) + e;
    q[e] = LoadOutChannel(p, consts, n < p.out_c ? n : p.out_c - 1);
  }
}

// Requantizes and stores lane's four accumulators of the m16n8 sub-tile at (m0, n0).
ECU_HD void MmaStore(const ConvP& p, uint8_t* arena, const OutChannel q[2], int32_t m0, int32_t n0, int lane,
                     const int32_t c[4]) {
  const int gid = lane >> 2, tid = lane & 3;
  for (int i = 0; i < 4; ++i) {
    const int32_t m = m0 + gid + (i >= 2 ? 8 : 0);
    const int32_t n = n0 + 2 * tid + (i & 1);
    if (m >= MmaRows(p) || n >= p.out_c) continue;
    Store8(arena + p.out_off, static_cast<int64_t>(m) * p.out_c + n, FinishWith(p, q[i & 1], c[i]));
  }
}

// Tile t of the GEMM: its first row and first column.
ECU_HD void MmaTileOrigin(const ConvP& p, int32_t t, int32_t* m0, int32_t* n0) {
  const int32_t ntiles = MmaNpad(p) / kMmaTileN;
  *m0 = (t / ntiles) * kMmaTileM;
  *n0 = (t % ntiles) * kMmaTileN;
}
}  // namespace ecu

// Kernel names and the parameter block each reads: edgert_kernels.cu defines one __global__ per entry;
// host/emulator.cc dispatches the same names; io.edgert.cuda.plan.CudaKernel lists them for Java.
#define ECU_KERNEL_LIST(X)            \
  X(ecu_conv2d_scalar, ConvP, ConvScalar) \
  X(ecu_conv2d_dp4a, ConvP, ConvDp4a)     \
  X(ecu_dwconv, ConvP, DepthwiseConv)     \
  X(ecu_fc_scalar, FcP, FcScalar)         \
  X(ecu_fc_dp4a, FcP, FcDp4a)             \
  X(ecu_add, AddP, Add)                   \
  X(ecu_pool, PoolP, Pool)                \
  X(ecu_mean, MeanP, Mean)                \
  X(ecu_softmax, SoftmaxP, Softmax)       \
  X(ecu_copy, CopyP, Copy)               \
  X(ecu_conv2d_dp4a_u8, ConvP, ConvDp4aU8) \
  X(ecu_fc_dp4a_u8, FcP, FcDp4aU8)        \
  X(ecu_dwconv_c4, ConvP, DepthwiseConvC4) \
  X(ecu_conv2d_scalar_c4, ConvP, ConvScalarC4)

// Kernels that work per warp tile rather than per output (launched like the others; count = tiles * 32 threads):
// edgert_kernels_mma.cu defines them, host/emulator.cc emulates them lane by lane.
#define ECU_WARP_KERNEL_LIST(X) X(ecu_conv2d_mma, ConvP, ConvMma)

#endif  // EDGERT_CUDA_OPS_H_
