// Weight packing and A-row building for the qs8 GEMM variants of CONV_2D (groups == 1, any kernel size, stride,
// dilation and padding, via im2col rows) and FULLY_CONNECTED (kernels/gemm-qs8/).
//
// The GEMM is C[m][n] = requant(bias'[n] + sum_k A[m][k] * W[n][k]) with m an output pixel (conv: batch, y, x) or
// a batch row (FC), k = (fy, fx, ic) in the filter's own order, n an output channel. Two layouts:
// - kGemmU8C4 (vpdpbusd, unsigned x signed bytes): A[m][k] = x ^ 0x80 = x + 128 as uint8, padded taps hold
//   in_zp + 128; W packed per tile of nr = 16 channels as [k / 4][16 channels][4 bytes], zeros past K and N.
//   Since sum_k (x + 128) w = sum_k x w + 128 sum_k w, and the reference computes sum_k (x - in_zp) w + bias
//   (padded taps contribute 0, i.e. behave as x = in_zp), bias'[n] = bias[n] - (128 + in_zp) * sum_k W[n][k].
//   All in wrapping int32 arithmetic, so the accumulator equals the reference's bit for bit.
// - kGemmI16C2 (vpmaddwd on int16): A[m][k] = x - in_zp as int16 (in [-255, 255]), padded taps 0; W as int16 per
//   tile of nr = 8 channels as [k / 2][8 channels][2]; bias' = bias. Pair sums are at most 2 * 255 * 128: exact.
//   The arm64 packers (pack/gemm_pack_arm.cc) start from it; x86's AVX2 tile takes nr = 16 (kGemmI16C2x16).
// Requantization vectors (mult, left/right shift, rounding masks, fp32 scales) are expanded per channel and padded
// to npad, so the kernels load them per tile. Only int8 weights with zero point 0 (TFLite's int8 spec) and
// constant weights / bias apply.
#ifndef EDGERT_PACK_GEMM_PACK_H_
#define EDGERT_PACK_GEMM_PACK_H_

#include <stdint.h>
#include <string.h>

#include "ref/kernels.h"

namespace edgert {

// kGemmI16C2Qu8: kGemmI16C2 for uint8 (qu8) ops: A = x - in_zp, W = w - filter_zp, both int16 in [-255, 255]
// (pair sums at most 2 * 255 * 255: exact), bias' = bias.
// kGemmI16C2x16Qu8: the same with nr = 16 channels per tile ([k / 2][16 channels][2]), for zmm and for the AVX2
// 4 x 16 tile (two ymm); kGemmI16C2x16: kGemmI16C2 (qs8) with nr = 16.
// kGemmU8C4Qu8: vpdpbusd for uint8 ops with any filter zero point: A = x as uint8 (padded taps in_zp), W = w - 128
// as int8 in the kGemmU8C4 tile layout (zeros past K and N). Since sum (x - xz)(w - wz) = sum x (w - 128)
// + (128 - wz) sum x - xz sum (w - wz): bias' = bias - xz * sum_k (w - wz) and the kernel adds
// (128 - wz) * rowsum(A) (g.a_sum_mult) per row; wrapping int32, exact.
// kGemmS8C4K64 (AMX tdpbssd, signed x signed bytes): A = x as int8 (no offset), W as kGemmU8C4 with K padded to a
// multiple of 64 (an AMX tile row of A is 64 bytes, one B tile 16 K groups), bias' = bias - in_zp * sum_k W[n][k].
// kGemmU8C4K64Qu8 (AMX tdpbusd): kGemmU8C4Qu8 with K padded to a multiple of 64.
enum GemmLayout {
  kGemmU8C4 = 0, kGemmI16C2 = 1, kGemmI16C2Qu8 = 2, kGemmI16C2x16Qu8 = 3, kGemmU8C4Qu8 = 4, kGemmI16C2x16 = 5,
  kGemmS8C4K64 = 6, kGemmU8C4K64Qu8 = 7
};

// Whether the qs8 GEMM variants handle this prepared CONV_2D / FULLY_CONNECTED.
bool GemmConvApplies(const OpParams& p);
bool GemmFcApplies(const OpParams& p);
// The qu8 ones (any filter zero point; constant weights).
bool GemmConvQu8Applies(const OpParams& p);
bool GemmFcQu8Applies(const OpParams& p);
// The AMX GEMM (kernels/gemm-qs8/32x32c4-amx.cc): CONV_2D with groups 1 and K = k_h * k_w * in_c at least
// kAmxMinDepth (below it the exact requantization, not the multiply-adds, bounds the time: measured no faster than
// the VNNI tiles) over at least kAmxMinRows output pixels (a 16-row tile mostly empty loses to the VNNI tiles:
// 1 pixel x 1280 -> 1001 channels 5x slower, 16 pixels even, 24 pixels 1.35x faster). Pointwise convolutions
// (AmxPointwise) read A in place; the others build im2col rows, a chunk at a time, which pays only
// when each row feeds enough multiply-adds: K x out_c at least kAmxMinIm2colWork (3x3: 16 -> 16 channels 2.8x
// slower than the VNNI direct scheme, 32 -> 32 0.7x, 32 -> 64 at stride 2 0.75-1.1x; 64 -> 64 1.7-1.95x,
// 128 -> 128 2.4x).
constexpr int kAmxMinDepth = 64;
constexpr int kAmxMinRows = 24;
constexpr int64_t kAmxMinIm2colWork = 32768;
inline bool AmxPointwise(const OpParams& p) {
  return p.k_h == 1 && p.k_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_h == 0 && p.pad_w == 0 &&
         p.out_h == p.in_h && p.out_w == p.in_w;
}
bool AmxConvApplies(const OpParams& p);
bool AmxConvQu8Applies(const OpParams& p);

// Packs p's weights, bias and requant vectors into p.gemm for the layout and sizes the row scratch.
void PackGemmConv(OpParams& p, GemmLayout layout);
// After PackGemmConv(p, layout): for CONV_2D with horizontal dilation 1 and more than one tap whose filter rows
// are whole 4-byte K groups (k_w * in_c % 4 == 0, or made so by widening fewer than 4 channels to 4: the weights
// are repacked with zeros in the added channels), sets up the direct (im2col-free) scheme: g.padded holds the
// input, direct_c channels per pixel, with the padding around it (pad_rows x pad_cols pixels per batch, the
// border and added channels = `border`, the A value of a padded tap), so that A row (b, oy, ox), filter row fy,
// is the span k_w * direct_c bytes at pixel (b, oy * stride_h + fy * dil_h, ox * stride_w) of it. Declines
// (g.direct stays false, the packing as it was) otherwise.
void PrepareDirectConv(OpParams& p, GemmLayout layout, uint8_t border);
void PackGemmFc(OpParams& p, GemmLayout layout);

// DEPTHWISE_CONV_2D with one input channel (micro_speech: 1 channel, multiplier 8, 10 x 8 filter) is a
// convolution with C = depth_multiplier output channels and K = kh * kw: the GEMM variants run it (the conv kernel
// entry points, weights transposed at pack).
bool GemmDwApplies(const OpParams& p);
bool GemmDwQu8Applies(const OpParams& p);
void PackGemmDw(OpParams& p, GemmLayout layout);

// DEPTHWISE_CONV_2D (qs8, depth_multiplier 1, any kernel up to kMaxDwTaps taps, stride, dilation, padding):
// weights as int32 [tap][npad channels] in p.gemm.w, npad a multiple of 16; a padded tap is computed as x = in_zp,
// so bias'[c] = bias[c] - in_zp * sum_taps W[tap][c] (wrapping int32) and every tap is x * w.
constexpr int kMaxDwTaps = 256;  // tap pointer arrays on the kernels' stack (micro_speech: 10 x 8)
bool DwApplies(const OpParams& p);
void PackDw(OpParams& p);
// qu8: weights w - filter_zp (any filter zero point), the same bias correction with in_zp.
bool DwQu8Applies(const OpParams& p);
bool DwC2Avx2Applies(const OpParams& p);     // DwApplies with channels a multiple of 16, at least 32
bool DwC2Avx2Qu8Applies(const OpParams& p);
// Any depth multiplier (the 8-channel AVX2 variants: PackDw also stores the input-lane table in g.scratch).
bool DwAnyDmApplies(const OpParams& p);
bool DwQu8AnyDmApplies(const OpParams& p);
void PackDwQu8(OpParams& p);
// The AVX-512 layout: 32-channel blocks, taps in pairs for vpmaddwd. Per block and tap pair, two vectors of 16
// int32 lanes, each lane an int16 pair (w[t][ch], w[t + 1][ch]) (zero past the last tap / channel), channel order
// permuted as vpunpcklwd / vpunpckhwd of two sign-extended 32-channel rows produce it: position half * 16 + lane
// of a block holds channel 8 * (lane / 4) + 4 * half + lane % 4. Bias and requant vectors are permuted alike;
// vpackssdw of the two halves restores channel order.
void PackDwC2(OpParams& p);
void PackDwC2Qu8(OpParams& p);
// The row-buffer kernels (dwconv_q?8_rows_32c2_avx512vnni): the same permuted 32-channel blocks, but the pairs
// are (w[fy][fx], w[fy][fx + 1]) within each filter row, ceil(k_w / 2) pairs per row (the second weight 0 past
// the row), [blk][fy][pair][half][lane]; g.scratch holds one worker's k_h row buffers: per buffer pixel j
// (input x = j * DwRowBufferStep - pad_w, DwRowBufferPixels of them) the 32 channels' int16 pairs (x, x + 1) in
// the same permuted order, 128 bytes. The step is 2 at even horizontal strides, whose taps only ever start
// pairs at even x. Dilation 1, depth multiplier 1.
bool DwRowsApplies(const OpParams& p);
bool DwRowsQu8Applies(const OpParams& p);
void PackDwRows(OpParams& p);
void PackDwRowsQu8(OpParams& p);
int DwRowBufferStep(const OpParams& p);
int64_t DwRowBufferPixels(const OpParams& p);
int64_t DwRowsScratchBytes(const OpParams& p);

// Builds rows [m0, m0 + rows) of A into dst (g.kpad elements per row). copy(dst, src, n) converts n input int8
// values to A's element type; fill(dst, n) writes n padded taps; the K tail is zero.
template <typename T, typename Copy, typename Fill>
inline void BuildConvRows(const OpParams& p, const int8_t* input, int m0, int rows, T* dst, Copy copy, Fill fill) {
  const PackedGemm& g = p.gemm;
  const int plane = p.out_h * p.out_w;
  const int cin = p.in_c;
  for (int r = 0; r < rows; ++r) {
    const int m = m0 + r;
    const int b = m / plane;
    const int oy = (m % plane) / p.out_w;
    const int ox = m % p.out_w;
    T* row = dst + static_cast<int64_t>(r) * g.kpad;
    const int y0 = oy * p.stride_h - p.pad_h;
    const int x0 = ox * p.stride_w - p.pad_w;
    for (int fy = 0; fy < p.k_h; ++fy) {
      const int iy = y0 + fy * p.dil_h;
      if (iy < 0 || iy >= p.in_h) {
        fill(row, cin * p.k_w);
        row += cin * p.k_w;
        continue;
      }
      const int8_t* in_row = input + (static_cast<int64_t>(b) * p.in_h + iy) * p.in_w * cin;
      if (p.dil_w == 1 && x0 >= 0 && x0 + p.k_w <= p.in_w) {  // the whole filter row is inside: one span
        copy(row, in_row + static_cast<int64_t>(x0) * cin, cin * p.k_w);
        row += cin * p.k_w;
        continue;
      }
      for (int fx = 0; fx < p.k_w; ++fx) {
        const int ix = x0 + fx * p.dil_w;
        if (ix < 0 || ix >= p.in_w) {
          fill(row, cin);
        } else {
          copy(row, in_row + static_cast<int64_t>(ix) * cin, cin);
        }
        row += cin;
      }
    }
    for (int k = g.k; k < g.kpad; ++k) *row++ = T(0);
  }
}

template <typename T, typename Copy>
inline void BuildFcRows(const OpParams& p, const int8_t* input, int m0, int rows, T* dst, Copy copy) {
  const PackedGemm& g = p.gemm;
  for (int r = 0; r < rows; ++r) {
    T* row = dst + static_cast<int64_t>(r) * g.kpad;
    copy(row, input + static_cast<int64_t>(m0 + r) * g.k, g.k);
    for (int k = g.k; k < g.kpad; ++k) row[k] = T(0);
  }
}

}  // namespace edgert

#endif  // EDGERT_PACK_GEMM_PACK_H_
