// Reference AVERAGE_POOL_2D, MAX_POOL_2D and MEAN for qs8 and qu8.
//
// Matches TFLite 2.20:
// - avgpool: reference_integer_ops::AveragePool (int8) / reference_ops::AveragePool (uint8), also what the
//   optimized kernels compute: sum over the in-bounds window only, divided by that window's element count with
//   rounding half away from zero ((acc +- count/2) / count, int8) or (acc + count/2) / count (uint8), then the
//   activation clamp. No requantization (input and output share params).
// - maxpool: max over the in-bounds window, activation clamp.
// - mean (reduce.cc EvalMean, kGenericOptimized):
//   * 4-D input, keep_dims, axes {1,2}: optimized_integer_ops::Mean / optimized_ops::Mean (uint8):
//     sum of raw values, MultiplyByQuantizedMultiplier(sum, QuantizeMultiplier(float(in_scale / (H*W *
//     out_scale)))), + (out_zp - round(in_zp * in_scale / out_scale)) [float math, rounded half away from zero
//     by +-0.5 and truncation, as the current optimized/integer_ops/mean.h and optimized/reduce.h], clamp.
//   * every other axes/keep_dims combination, equal or unequal params (reduce.cc EvalQuantizedMean, the only
//     int8/uint8 path after the optimized special case in 2.20: its TF_LITE_ENSURE text in the 2.20 binary names
//     reference_ops::QuantizedMeanOrSum(..., data->multiplier, data->shift, ...)): the integer
//     reference_ops::QuantizedMeanOrSum: int32 sum of raw values, minus in_zp * n, times the PrepareMeanOrSum
//     multiplier of in_scale / out_scale with 1/n folded in (see PrepareMean), MultiplyByQuantizedMultiplier,
//     + out_zp, clamp. Older releases (truncating int division for equal params, float rescale otherwise) are
//     what this kernel did before; the op parity suite measured 0 mismatches for the integer formula against
//     2.20 (MEAN family, 200 random cases: 0 differing outputs, against 785 of 4521 for the float/truncating
//     formulas).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "plan/parallel.h"
#include "ref/kernels.h"
#include "ref/quant.h"

namespace edgert {
namespace ref {
namespace {

// Output rows [row0, row1) over batch x out_h. Channels innermost (contiguous in NHWC): per output pixel the
// window is summed / maxed for a block of channels at once (vectorized, as SumPixels below); each channel's
// result is the reference formula.
template <typename T, bool kMax>
__attribute__((optimize("tree-loop-vectorize"))) void PoolRows(const OpParams& p, uint8_t* arena, int row0, int row1) {
  const T* input = TensorData<const T>(p.in[0], arena);
  T* output = TensorData<T>(p.out[0], arena);
  constexpr int kBlock = 256;
  int32_t acc[kBlock];
  for (int row = row0; row < row1; ++row) {
    const int b = row / p.out_h, oy = row % p.out_h;
    const int in_y0 = oy * p.stride_h - p.pad_h;
    const int fy_start = std::max(0, -in_y0);
    const int fy_end = std::min(p.k_h, p.in_h - in_y0);
    for (int ox = 0; ox < p.out_w; ++ox) {
      const int in_x0 = ox * p.stride_w - p.pad_w;
      const int fx_start = std::max(0, -in_x0);
      const int fx_end = std::min(p.k_w, p.in_w - in_x0);
      const int32_t count = std::max(0, fy_end - fy_start) * std::max(0, fx_end - fx_start);
      T* out = output + ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * p.in_c;
      for (int c0 = 0; c0 < p.in_c; c0 += kBlock) {
        const int nc = std::min(kBlock, p.in_c - c0);
        for (int c = 0; c < nc; ++c) acc[c] = kMax ? std::numeric_limits<T>::lowest() : 0;
        for (int fy = fy_start; fy < fy_end; ++fy) {
          for (int fx = fx_start; fx < fx_end; ++fx) {
            const T* in = input + ((static_cast<int64_t>(b) * p.in_h + in_y0 + fy) * p.in_w + in_x0 + fx) * p.in_c + c0;
            for (int c = 0; c < nc; ++c) acc[c] = kMax ? std::max<int32_t>(acc[c], in[c]) : acc[c] + in[c];
          }
        }
        for (int c = 0; c < nc; ++c) {
          int32_t a = acc[c];
          if (!kMax) {
            if (count == 0) {
              a = p.out_zp;  // TFLite fails the op here; prepare rejects such geometry
            } else if (std::is_signed<T>::value) {
              a = a > 0 ? (a + count / 2) / count : (a - count / 2) / count;
            } else {
              a = (a + count / 2) / count;
            }
          }
          out[c0 + c] = static_cast<T>(std::min(std::max(a, p.act_min), p.act_max));
        }
      }
    }
  }
}

// Split over output rows (parallel.h); each output computed as in one thread.
template <typename T, bool kMax>
void Pool(const OpParams& p, uint8_t* arena) {
  const int rows = p.batches * p.out_h;
  const int64_t work = static_cast<int64_t>(rows) * p.out_w * p.in_c * p.k_h * p.k_w;
  const int threads = UsableThreads(p, work);
  const Split s = SplitRange(rows, threads == 1 ? 1 : 4 * threads, 1, 1);
  ParallelFor(p, s.parts, work, [&](int, int task) {
    PoolRows<T, kMax>(p, arena, static_cast<int>(s.Begin(task)), static_cast<int>(s.End(task)));
  });
}

// Sum over the reduced axes for output element o (kept axes in order), raw values.
template <typename T>
int32_t ReduceSum(const OpParams& p, const T* input, int64_t o) {
  // Coordinates of the kept axes, from o (row-major over kept axes).
  int32_t coord[kMaxRank] = {0};
  int64_t rest = o;
  for (int d = kMaxRank - 1; d >= 0; --d) {
    if (p.reduce_axis[d]) continue;
    coord[d] = static_cast<int32_t>(rest % p.in_dims[d]);
    rest /= p.in_dims[d];
  }
  int32_t sum = 0;
  for (;;) {
    int64_t flat = 0;
    for (int d = 0; d < kMaxRank; ++d) flat = flat * p.in_dims[d] + coord[d];
    sum += static_cast<int32_t>(input[flat]);
    int d = kMaxRank - 1;
    for (; d >= 0; --d) {
      if (!p.reduce_axis[d]) continue;
      if (++coord[d] < p.in_dims[d]) break;
      coord[d] = 0;
    }
    if (d < 0) break;
  }
  return sum;
}

// acc[c] = sum over `pixels` pixels (c_stride elements apart) of in[c], c < nc: pixels outer, channels inner, so
// the loads are contiguous and the compiler vectorizes (a channel-outer loop read one byte per pixel: 1280 x 49
// strided loads for MobileNetV2's head). Integer sums, so the order does not change the result.
// (-O2 here does not vectorize it by itself: the optimize attribute turns the loop vectorizer on for this one
// function, at the base ISA of the build.)
template <typename T>
__attribute__((optimize("tree-loop-vectorize"))) void SumPixels(const T* in, int64_t pixels, int64_t c_stride, int nc,
                                                                  int32_t* acc) {
  std::fill(acc, acc + nc, 0);
  for (int64_t px = 0; px < pixels; ++px, in += c_stride) {
    for (int c = 0; c < nc; ++c) acc[c] += in[c];
  }
}
constexpr int kSumBlock = 256;  // channels summed at a time (stack buffer)

// The general path's reduction is H and W of a 4-D NHWC input (keep_dims false, as TF2 exports MobileNetV2's
// head): outputs in (batch, channel) order, summed by SumPixels.
bool ReducesHw(const OpParams& p) {
  for (int d = 0; d < kMaxRank; ++d) {
    const bool hw = d == kMaxRank - 3 || d == kMaxRank - 2;
    if (p.reduce_axis[d] != hw) return false;
    if (d < kMaxRank - 4 && p.in_dims[d] != 1) return false;
  }
  return true;
}

template <typename T>
void Mean(const OpParams& p, uint8_t* arena) {
  const T* input = TensorData<const T>(p.in[0], arena);
  T* output = TensorData<T>(p.out[0], arena);
  const int32_t qmin = std::numeric_limits<T>::min();
  const int32_t qmax = std::numeric_limits<T>::max();
  // Integer requantization in the plan's integer rounding (FP32 plans keep TFLite's gemmlowp scheme here).
  const int mode = p.requant == EDGERT_REQUANT_SINGLE ? EDGERT_REQUANT_SINGLE : EDGERT_REQUANT_GEMMLOWP;
  if (p.mean_path == kMeanHw) {
    // Split over channels (each output computed as in one thread).
    const int64_t work = static_cast<int64_t>(p.batches) * p.in_h * p.in_w * p.in_c;
    const int threads = UsableThreads(p, work);
    const Split s = SplitRange(p.in_c, threads == 1 ? 1 : 2 * threads, 16, 16);
    ParallelFor(p, s.parts, work, [&](int, int task) {
      int32_t acc[kSumBlock];
      const int c_end = static_cast<int>(s.End(task));
      const int64_t pixels = static_cast<int64_t>(p.in_h) * p.in_w;
      for (int b = 0; b < p.batches; ++b) {
        for (int c0 = static_cast<int>(s.Begin(task)); c0 < c_end; c0 += kSumBlock) {
          const int nc = std::min(kSumBlock, c_end - c0);
          SumPixels(input + static_cast<int64_t>(b) * pixels * p.in_c + c0, pixels, p.in_c, nc, acc);
          for (int c = 0; c < nc; ++c) {
            const int32_t v = MultiplyByQuantizedMultiplier(acc[c], p.mult[0], p.shift[0], mode) + p.mean_bias;
            output[static_cast<int64_t>(b) * p.in_c + c0 + c] = static_cast<T>(std::min(std::max(v, qmin), qmax));
          }
        }
      }
    });
    return;
  }
  auto requant = [&](int32_t sum) {
    const int32_t shifted = static_cast<int32_t>(sum - static_cast<int64_t>(p.in_zp) * p.mean_n);
    const int32_t acc = MultiplyByQuantizedMultiplier(shifted, p.mult[0], p.shift[0], mode) + p.out_zp;
    return static_cast<T>(std::min(std::max(acc, qmin), qmax));
  };
  if (ReducesHw(p)) {
    const int batches = p.in_dims[kMaxRank - 4], channels = p.in_dims[kMaxRank - 1];
    const int64_t pixels = static_cast<int64_t>(p.in_dims[kMaxRank - 3]) * p.in_dims[kMaxRank - 2];
    int32_t acc[kSumBlock];
    for (int b = 0; b < batches; ++b) {
      for (int c0 = 0; c0 < channels; c0 += kSumBlock) {
        const int nc = std::min(kSumBlock, channels - c0);
        SumPixels(input + static_cast<int64_t>(b) * pixels * channels + c0, pixels, channels, nc, acc);
        for (int c = 0; c < nc; ++c) output[static_cast<int64_t>(b) * channels + c0 + c] = requant(acc[c]);
      }
    }
    return;
  }
  for (int64_t o = 0; o < p.count; ++o) output[o] = requant(ReduceSum(p, input, o));
}

}  // namespace

void avgpool_qs8(const OpParams& p, uint8_t* arena) { Pool<int8_t, false>(p, arena); }
void avgpool_qu8(const OpParams& p, uint8_t* arena) { Pool<uint8_t, false>(p, arena); }
void maxpool_qs8(const OpParams& p, uint8_t* arena) { Pool<int8_t, true>(p, arena); }
void maxpool_qu8(const OpParams& p, uint8_t* arena) { Pool<uint8_t, true>(p, arena); }
void mean_qs8(const OpParams& p, uint8_t* arena) { Mean<int8_t>(p, arena); }
void mean_qu8(const OpParams& p, uint8_t* arena) { Mean<uint8_t>(p, arena); }

}  // namespace ref
}  // namespace edgert
