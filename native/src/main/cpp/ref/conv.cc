// Reference CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED for int8 (qs8) and uint8 (qu8).
//
// Matches TFLite 2.20:
// - conv2d_*: reference_integer_ops::ConvPerChannel (int8) and reference_ops::Conv (uint8): accumulate
//   (filter + filter_offset) * (input + input_offset) over in-bounds taps only (padding contributes nothing),
//   add bias, requantize with the channel's multiplier, THEN add the output zero point, then clamp to the
//   activation range. Grouped convolution (filter depth dividing input depth) as in TFLite.
// - dwconv_*: reference_integer_ops::DepthwiseConvPerChannel / reference_ops::DepthwiseConv (uint8, rounding
//   kAwayFromZero, i.e. plain MultiplyByQuantizedMultiplier); output channel = in_channel * depth_multiplier + m.
//   Not matched: the NEON-only uint8 3x3 kernel of TFLite on arm64 that rounds upward (kUpward).
// - fc_*: reference_integer_ops::FullyConnected / FullyConnectedPerChannel and reference_ops::FullyConnected
//   (uint8): same order as conv.
// Requantization: plan mode GEMMLOWP (builtin default), SINGLE (TFLITE_SINGLE_ROUNDING), FP32 (XNNPACK), or the
// per-op GEMMLOWP_UP. TFLite 2.20's builtin int8 CONV_2D / FULLY_CONNECTED (per-channel and per-tensor) do not run
// the reference kernels named above but optimized_integer_ops::ConvPerChannel / FullyConnected, i.e. im2col +
// cpu_backend_gemm (ruy on an AVX machine), and on x86-64 their output differs from both GEMMLOWP and SINGLE:
// established with the op parity generator (200 cases per family, int8 accumulators recomputed in Java, every
// output checked whose reference value is not clamped): SaturatingRoundingDoublingHighMul followed by a rounding
// right shift with ties toward +infinity matched all of 6949 per-channel conv, 308 per-tensor conv, 1444
// per-channel FC and 1611 per-tensor FC outputs; gemmlowp's RoundingDivideByPOT (ties away from zero) missed 2 + 0
// + 0 + 1 of them, exactly the negative ties (e.g. acc -1013, M 1289176683, shift -6: high mul -608, -608 / 64 =
// -9.5 -> TFLite -9, gemmlowp -10), and single rounding missed 3 + 0 + 1 + 2. The ruy sources in the code index
// (kernel_avx2_fma.cc / kernel_avx512.cc, apply_multiplier.cc) round once, so the exact code path inside the
// 2.20 binary is not identified; the behaviour is. uint8 CONV_2D / FULLY_CONNECTED (gemmlowp library) and
// DEPTHWISE_CONV_2D match GEMMLOWP exactly. NativeSession asks for GEMMLOWP_UP on int8 CONV_2D /
// FULLY_CONNECTED in its tflite-ref rounding.
#include <algorithm>

#include "ref/kernels.h"
#include "ref/quant.h"

namespace edgert {
namespace ref {
namespace {

inline int32_t Finish(const OpParams& p, int32_t acc, int channel) {
  const int c = p.mult.size() == 1 ? 0 : channel;
  acc = Requantize(acc, p.mult[c], p.shift[c], p.fscale[c], p.requant);
  acc += p.out_zp;
  return std::min(std::max(acc, p.act_min), p.act_max);
}

template <typename T, typename W>
void Conv(const OpParams& p, uint8_t* arena) {
  const T* input = TensorData<const T>(p.in[0], arena);
  const W* filter = TensorData<const W>(p.in[1], arena);
  const int32_t* bias = p.has_bias ? TensorData<const int32_t>(p.in[2], arena) : nullptr;
  T* output = TensorData<T>(p.out[0], arena);
  const int32_t input_offset = -p.in_zp;
  const int32_t filter_offset = -p.filter_zp;
  const int filter_in_c = p.filter_in_c;
  const int groups = p.in_c / filter_in_c;
  const int filters_per_group = p.out_c / groups;
  for (int b = 0; b < p.batches; ++b) {
    for (int oy = 0; oy < p.out_h; ++oy) {
      const int in_y0 = oy * p.stride_h - p.pad_h;
      for (int ox = 0; ox < p.out_w; ++ox) {
        const int in_x0 = ox * p.stride_w - p.pad_w;
        for (int oc = 0; oc < p.out_c; ++oc) {
          const int group = oc / filters_per_group;
          int32_t acc = 0;
          for (int fy = 0; fy < p.k_h; ++fy) {
            const int iy = in_y0 + p.dil_h * fy;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int fx = 0; fx < p.k_w; ++fx) {
              const int ix = in_x0 + p.dil_w * fx;
              if (ix < 0 || ix >= p.in_w) continue;
              const T* in_px = input + ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c +
                               group * filter_in_c;
              const W* f_px = filter + ((static_cast<int64_t>(oc) * p.k_h + fy) * p.k_w + fx) * filter_in_c;
              for (int ic = 0; ic < filter_in_c; ++ic) {
                acc += (static_cast<int32_t>(f_px[ic]) + filter_offset) * (static_cast<int32_t>(in_px[ic]) + input_offset);
              }
            }
          }
          if (bias != nullptr) acc += bias[oc];
          output[((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c + oc] =
              static_cast<T>(Finish(p, acc, oc));
        }
      }
    }
  }
}

template <typename T, typename W>
void DepthwiseConv(const OpParams& p, uint8_t* arena) {
  const T* input = TensorData<const T>(p.in[0], arena);
  const W* filter = TensorData<const W>(p.in[1], arena);
  const int32_t* bias = p.has_bias ? TensorData<const int32_t>(p.in[2], arena) : nullptr;
  T* output = TensorData<T>(p.out[0], arena);
  const int32_t input_offset = -p.in_zp;
  const int32_t filter_offset = -p.filter_zp;
  for (int b = 0; b < p.batches; ++b) {
    for (int oy = 0; oy < p.out_h; ++oy) {
      const int in_y0 = oy * p.stride_h - p.pad_h;
      for (int ox = 0; ox < p.out_w; ++ox) {
        const int in_x0 = ox * p.stride_w - p.pad_w;
        for (int ic = 0; ic < p.in_c; ++ic) {
          for (int m = 0; m < p.depth_multiplier; ++m) {
            const int oc = m + ic * p.depth_multiplier;
            int32_t acc = 0;
            for (int fy = 0; fy < p.k_h; ++fy) {
              const int iy = in_y0 + p.dil_h * fy;
              if (iy < 0 || iy >= p.in_h) continue;
              for (int fx = 0; fx < p.k_w; ++fx) {
                const int ix = in_x0 + p.dil_w * fx;
                if (ix < 0 || ix >= p.in_w) continue;
                const int32_t in_v = input[((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c + ic];
                const int32_t f_v = filter[(static_cast<int64_t>(fy) * p.k_w + fx) * p.out_c + oc];
                acc += (f_v + filter_offset) * (in_v + input_offset);
              }
            }
            if (bias != nullptr) acc += bias[oc];
            output[((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c + oc] =
                static_cast<T>(Finish(p, acc, oc));
          }
        }
      }
    }
  }
}

template <typename T, typename W>
void FullyConnected(const OpParams& p, uint8_t* arena) {
  const T* input = TensorData<const T>(p.in[0], arena);
  const W* filter = TensorData<const W>(p.in[1], arena);
  const int32_t* bias = p.has_bias ? TensorData<const int32_t>(p.in[2], arena) : nullptr;
  T* output = TensorData<T>(p.out[0], arena);
  const int32_t input_offset = -p.in_zp;
  const int32_t filter_offset = -p.filter_zp;
  for (int b = 0; b < p.fc_batches; ++b) {
    const T* in_row = input + static_cast<int64_t>(b) * p.accum_depth;
    for (int u = 0; u < p.units; ++u) {
      const W* f_row = filter + static_cast<int64_t>(u) * p.accum_depth;
      int32_t acc = 0;
      for (int d = 0; d < p.accum_depth; ++d) {
        acc += (static_cast<int32_t>(f_row[d]) + filter_offset) * (static_cast<int32_t>(in_row[d]) + input_offset);
      }
      if (bias != nullptr) acc += bias[u];
      output[static_cast<int64_t>(b) * p.units + u] = static_cast<T>(Finish(p, acc, u));
    }
  }
}

}  // namespace

void conv2d_qs8_direct(const OpParams& p, uint8_t* arena) { Conv<int8_t, int8_t>(p, arena); }
void conv2d_qu8_direct(const OpParams& p, uint8_t* arena) { Conv<uint8_t, uint8_t>(p, arena); }
void dwconv_qs8_direct(const OpParams& p, uint8_t* arena) { DepthwiseConv<int8_t, int8_t>(p, arena); }
void dwconv_qu8_direct(const OpParams& p, uint8_t* arena) { DepthwiseConv<uint8_t, uint8_t>(p, arena); }
void fc_qs8(const OpParams& p, uint8_t* arena) { FullyConnected<int8_t, int8_t>(p, arena); }
void fc_qu8(const OpParams& p, uint8_t* arena) { FullyConnected<uint8_t, uint8_t>(p, arena); }

}  // namespace ref
}  // namespace edgert
