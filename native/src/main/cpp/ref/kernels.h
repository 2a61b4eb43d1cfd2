// Prepared op parameters and the reference kernel entry points.
//
// Prepare (plan/) validates an op and fills one OpParams: shapes, zero points, multipliers, tables. A kernel then
// only reads OpParams and the arena: no allocation, validation, logging or throwing (STYLE.md). All kernels
// share one signature so the registry (config/) can hold variants of any family; faster variants (AVX2, VNNI,
// NEON...) read the same OpParams plus packed weights.
#ifndef EDGERT_REF_KERNELS_H_
#define EDGERT_REF_KERNELS_H_

#include <stddef.h>
#include <stdint.h>

#include <new>

#include <vector>

#include "edgert/plan.h"

namespace edgert {

constexpr int kMaxRank = EDGERT_MAX_RANK;

// TFLite TensorType codes used here.
enum Dtype { kFloat32 = 0, kInt32 = 2, kUInt8 = 3, kInt64 = 4, kInt16 = 7, kInt8 = 9 };

// Where a tensor lives: a constant pointer, or a byte offset into the run's arena.
struct TensorRef {
  const void* data = nullptr;
  int64_t offset = -1;
};

// How MEAN computes (TFLite 2.20 reduce.cc picks by shape and params).
enum MeanPath { kMeanHw = 0, kMeanGeneral = 1 };

// Weights packed at prepare for a GEMM variant (pack/gemm_pack.h) plus its per-channel requantization vectors,
// padded to whole tiles of nr channels, and the row scratch the variant fills at run time (sized at prepare).
// Allocator of 64-byte aligned blocks: packed weights and per-channel vectors are read 64 bytes at a time at
// multiples of 64, which then never straddle two cache lines (std::vector's 16-byte aligned blocks made the
// batch-1 FULLY_CONNECTED kernels load every weight line twice: 2x slower).
template <class T>
struct CacheAligned {
  typedef T value_type;
  CacheAligned() = default;
  template <class U>
  CacheAligned(const CacheAligned<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
  void deallocate(T* ptr, size_t) { ::operator delete(ptr, std::align_val_t(64)); }
  template <class U>
  bool operator==(const CacheAligned<U>&) const { return true; }
  template <class U>
  bool operator!=(const CacheAligned<U>&) const { return false; }
};
template <class T>
using AlignedVector = std::vector<T, CacheAligned<T>>;

struct PackedGemm {
  int m = 0, k = 0, n = 0;       // rows (pixels / batches), depth, output channels
  int kpad = 0, npad = 0, nr = 0;
  int rows_per_chunk = 0;        // rows of A built into scratch at a time
  int32_t a_sum_mult = 0;        // kGemmU8C4Qu8: each row's sum of A times this (128 - filter_zp) joins its accumulators
  int dw_pixels = 1;             // PackDwC2: output pixels per 32-lane block (channels replicated, see gemm_pack.cc)
  AlignedVector<uint8_t> w;        // variant layout (see pack/gemm_pack.h)
  AlignedVector<int32_t> bias;     // bias with the zero-point corrections folded in
  AlignedVector<int32_t> mult, left, right, rmask, rhalf, right_m1;
  AlignedVector<int32_t> mult_odd;  // mult_odd[2j] = mult[2j + 1]: odd lanes' multipliers in the even positions
  bool any_left = false;          // some channel has a left shift (multiplier > 1)
  // GEMMLOWP_UP in one rounding (kernels/requant_x86.h): per channel pair j, channel 2j (even) and 2j + 1 (odd),
  // the 64-bit rounding constant 2^30 + 2^(29 + right) (2^30 alone when right = 0) and shift 31 + right.
  AlignedVector<int64_t> up_rc_even, up_rc_odd, up_sh_even, up_sh_odd;
  AlignedVector<float> fscale;
  mutable AlignedVector<uint8_t> scratch;  // run-time rows of A; owned by the plan, written by the kernel
  // Direct convolution (pack/gemm_pack.h PrepareDirectConv): the input copied into a padded
  // [batches][pad_rows][pad_cols][in_c] buffer each run (border filled once at pack), A read in place.
  bool direct = false;
  int direct_c = 0, pad_rows = 0, pad_cols = 0;  // channels per padded pixel (in_c, or 4 for 1-3), geometry
  uint8_t direct_fill = 0;                        // the border's (and added channels') byte
  mutable AlignedVector<uint8_t> padded;
  int64_t Bytes() const {
    return static_cast<int64_t>(w.size() + scratch.size() + padded.size() +
                                4 * (bias.size() + mult.size() + left.size() + right.size() + rmask.size() +
                                     rhalf.size() + right_m1.size() + mult_odd.size() + fscale.size()) +
                                8 * (up_rc_even.size() + up_rc_odd.size() + up_sh_even.size() + up_sh_odd.size()));
  }
};

class ThreadPool;  // plan/parallel.h

struct OpParams {
  int requant = EDGERT_REQUANT_GEMMLOWP;
  PackedGemm gemm;
  // The plan's pool (edgert_plan_set_threads), nullptr for one thread; kernels split work with ParallelFor.
  ThreadPool* pool = nullptr;
  std::vector<TensorRef> in, out;

  // NHWC geometry (conv, depthwise, pooling, mean).
  int batches = 0, in_h = 0, in_w = 0, in_c = 0, out_h = 0, out_w = 0, out_c = 0, k_h = 0, k_w = 0;
  int stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1, pad_h = 0, pad_w = 0;
  int depth_multiplier = 1, filter_in_c = 0;
  bool has_bias = false;

  // Quantization.
  int32_t in_zp = 0, in2_zp = 0, filter_zp = 0, out_zp = 0;
  int32_t act_min = 0, act_max = 0;
  std::vector<int32_t> mult;    // per output channel (size 1 when per-tensor)
  std::vector<int> shift;
  std::vector<float> fscale;    // FP32 requant scales, same indexing

  // FULLY_CONNECTED.
  int fc_batches = 0, accum_depth = 0, units = 0;

  // Generic N-d (elementwise broadcast, transpose, pad, slice, mean): shapes right-aligned to kMaxRank.
  int32_t in_dims[kMaxRank] = {0}, out_dims[kMaxRank] = {0};
  int64_t in1_strides[kMaxRank] = {0}, in2_strides[kMaxRank] = {0};
  int64_t count = 0;            // output elements
  int elem_size = 1;

  // ADD / SUB (left-shift scheme) and MUL.
  int left_shift = 20;
  int32_t in1_mult = 0, in2_mult = 0, out_mult = 0;
  int in1_shift = 0, in2_shift = 0, out_shift = 0;
  float fp32_scale = 0.0f;
  // ADD / SUB in FP32 (XNNPACK) mode: acc = xnn_bias + a * in1_mult + b * in2_mult, >> xnn_shift.
  bool xnn_add = false;
  int32_t xnn_bias = 0;
  int xnn_shift = 0;

  // Lookup tables (LOGISTIC, TANH) and SOFTMAX.
  uint8_t lut[256] = {0};
  float table[256] = {0};
  uint16_t table16[256] = {0};  // SOFTMAX uint16 LUT (TFLITE_SOFTMAX_USE_UINT16_LUT)
  float out_scale = 0.0f;
  int64_t outer = 0, inner = 0;

  // HARD_SWISH.
  int16_t hs_out_mult16 = 0, hs_relu_mult16 = 0;
  int hs_out_exp = 0, hs_relu_exp = 0;

  // LEAKY_RELU.
  int32_t alpha_mult = 0, id_mult = 0;
  int alpha_shift = 0, id_shift = 0;

  // CONCATENATION.
  int64_t concat_outer = 0;
  std::vector<int64_t> concat_inner;  // elements per outer step for each input
  std::vector<float> in_scales;
  std::vector<int32_t> in_zps;

  // PAD / STRIDED_SLICE / TRANSPOSE.
  int32_t pad_before[kMaxRank] = {0};
  uint8_t pad_value[4] = {0};
  int32_t slice_start[kMaxRank] = {0}, slice_stride[kMaxRank] = {0};
  int perm[kMaxRank] = {0};
  int64_t base_offset = 0;      // STRIDED_SLICE / TRANSPOSE: first input element; in1_strides per output axis

  // QUANTIZE / DEQUANTIZE.
  double q_scale = 1.0;

  // MEAN.
  int mean_path = kMeanHw;
  bool reduce_axis[kMaxRank] = {false};
  int64_t mean_n = 1;
  int32_t mean_bias = 0;
};

template <typename T>
inline T* TensorData(const TensorRef& t, uint8_t* arena) {
  return t.data != nullptr ? static_cast<T*>(const_cast<void*>(t.data)) : reinterpret_cast<T*>(arena + t.offset);
}

typedef void (*KernelFn)(const OpParams& p, uint8_t* arena);

namespace ref {
#define EDGERT_DECLARE_KERNEL(name) void name(const OpParams& p, uint8_t* arena);
EDGERT_DECLARE_KERNEL(conv2d_qs8_direct)
EDGERT_DECLARE_KERNEL(conv2d_qu8_direct)
EDGERT_DECLARE_KERNEL(dwconv_qs8_direct)
EDGERT_DECLARE_KERNEL(dwconv_qu8_direct)
EDGERT_DECLARE_KERNEL(fc_qs8)
EDGERT_DECLARE_KERNEL(fc_qu8)
EDGERT_DECLARE_KERNEL(add_qs8)
EDGERT_DECLARE_KERNEL(add_qu8)
EDGERT_DECLARE_KERNEL(mul_qs8)
EDGERT_DECLARE_KERNEL(mul_qu8)
EDGERT_DECLARE_KERNEL(avgpool_qs8)
EDGERT_DECLARE_KERNEL(avgpool_qu8)
EDGERT_DECLARE_KERNEL(maxpool_qs8)
EDGERT_DECLARE_KERNEL(maxpool_qu8)
EDGERT_DECLARE_KERNEL(mean_qs8)
EDGERT_DECLARE_KERNEL(mean_qu8)
EDGERT_DECLARE_KERNEL(softmax_qs8)
EDGERT_DECLARE_KERNEL(softmax_qu8)
EDGERT_DECLARE_KERNEL(softmax_qs8_lut16)
EDGERT_DECLARE_KERNEL(softmax_qu8_lut16)
EDGERT_DECLARE_KERNEL(lut_x8)
EDGERT_DECLARE_KERNEL(hardswish_qs8)
EDGERT_DECLARE_KERNEL(hardswish_qu8)
EDGERT_DECLARE_KERNEL(leakyrelu_qs8)
EDGERT_DECLARE_KERNEL(leakyrelu_qu8)
EDGERT_DECLARE_KERNEL(relu_qs8)
EDGERT_DECLARE_KERNEL(relu_qu8)
EDGERT_DECLARE_KERNEL(copy_any)
EDGERT_DECLARE_KERNEL(concat_qs8)
EDGERT_DECLARE_KERNEL(concat_qu8)
EDGERT_DECLARE_KERNEL(concat_any)
EDGERT_DECLARE_KERNEL(pad_any)
EDGERT_DECLARE_KERNEL(slice_any)
EDGERT_DECLARE_KERNEL(transpose_any)
EDGERT_DECLARE_KERNEL(quantize_f32_qs8)
EDGERT_DECLARE_KERNEL(quantize_f32_qu8)
EDGERT_DECLARE_KERNEL(requantize_qs8_qs8)
EDGERT_DECLARE_KERNEL(requantize_qs8_qu8)
EDGERT_DECLARE_KERNEL(requantize_qu8_qs8)
EDGERT_DECLARE_KERNEL(requantize_qu8_qu8)
EDGERT_DECLARE_KERNEL(dequantize_qs8_f32)
EDGERT_DECLARE_KERNEL(dequantize_qu8_f32)
#undef EDGERT_DECLARE_KERNEL
}  // namespace ref

}  // namespace edgert

#endif  // EDGERT_REF_KERNELS_H_
