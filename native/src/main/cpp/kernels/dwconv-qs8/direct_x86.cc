// qs8 DEPTHWISE_CONV_2D, direct, depth_multiplier 1, any kernel (up to kMaxDwTaps taps), stride, dilation and
// padding, per output pixel:
// - dwconv_qs8_direct_32c2_avx512vnni (F/BW/VL instructions only, listed in the avx512vnni tier): 32 channels
//   at a time, taps in pairs: vpmaddwd of interleaved sign-extended inputs (vpunpck[lh]wd of two taps) with
//   int16 weight pairs packed by PackDwC2 (pack/gemm_pack.h); exact (|pair sum| <= 2 * 128 * 128).
// - dwconv_qs8_direct_8c_avx2: 8 channels, int32 products (vpmulld) with the int32 weights of PackDw; also any
//   depth multiplier (output channel oc reads input channel oc / dm: the block's input bytes, vpermd).
// - dwconv_qu8_direct_32c2_avx512vnni / dwconv_qu8_direct_8c_avx2: the same for uint8 (zero-extended inputs,
//   weights w - filter_zp packed by PackDwC2Qu8 / PackDwQu8, |pair sum| <= 2 * 255 * 255; unsigned store).
// Padded taps read x = in_zp, which the bias correction cancels exactly. Requantization: kernels/requant_x86.h.
#include <stdint.h>
#include <string.h>

#include <algorithm>

#include "kernels/dwconv-qs8/dwconv_qs8.h"
#include "kernels/requant_x86.h"
#include "pack/gemm_pack.h"
#include "plan/parallel.h"

namespace edgert {
namespace kernels {
namespace {

// off[t]: filter tap t's element offset from the top-left tap, in the NHWC input.
inline void TapOffsets(const OpParams& p, int64_t* off) {
  for (int fy = 0, t = 0; fy < p.k_h; ++fy) {
    for (int fx = 0; fx < p.k_w; ++fx) off[t++] = (static_cast<int64_t>(fy) * p.dil_h * p.in_w + fx * p.dil_w) * p.in_c;
  }
}

// Fills taps[] with the input pixel of each filter tap for output (b, oy, ox), nullptr where padded. off[] holds
// each tap's element offset from the top-left tap (used as is for interior pixels, where no tap is padded).
// Returns true for an interior pixel.
inline bool TapPointers(const OpParams& p, const int8_t* input, int b, int oy, int ox, const int64_t* off,
                        const int8_t** taps) {
  const int y0 = oy * p.stride_h - p.pad_h, x0 = ox * p.stride_w - p.pad_w;
  const int taps_n = p.k_h * p.k_w;
  if (y0 >= 0 && x0 >= 0 && y0 + (p.k_h - 1) * p.dil_h < p.in_h && x0 + (p.k_w - 1) * p.dil_w < p.in_w) {
    const int8_t* base = input + ((static_cast<int64_t>(b) * p.in_h + y0) * p.in_w + x0) * p.in_c;
    for (int t = 0; t < taps_n; ++t) taps[t] = base + off[t];
    return true;
  }
  int t = 0;
  for (int fy = 0; fy < p.k_h; ++fy) {
    const int iy = y0 + fy * p.dil_h;
    for (int fx = 0; fx < p.k_w; ++fx) {
      const int ix = x0 + fx * p.dil_w;
      const bool inside = iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
      taps[t++] = inside ? input + ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c : nullptr;
    }
  }
  return false;
}

template <bool U8>
EDGERT_AVX512VNNI inline __m512i Widen16(__m256i v) {
  return U8 ? _mm512_cvtepu8_epi16(v) : _mm512_cvtepi8_epi16(v);
}

// One pixel's 32-channel block from c0: taps in pairs, acc += x0 * w0 + x1 * w1 (vpmaddwd); x at base + off[t]
// (interior pixel: every tap inside) or, with kEdge, at tap[t] + c0, in_zp where tap[t] is null (padding).
template <bool U8, bool kEdge>
EDGERT_AVX512VNNI inline void DwBlock(const int8_t* base, const int64_t* off, const int8_t* const* tap, int c0,
                                      __mmask32 mask, const int16_t* wb, int pairs, __m512i vizp, __m512i& acc_lo,
                                      __m512i& acc_hi) {
  for (int q = 0; q < pairs; ++q) {
    __m512i x0, x1;
    if (kEdge) {
      const int8_t* p0 = tap[2 * q];
      const int8_t* p1 = tap[2 * q + 1];
      x0 = p0 != nullptr ? Widen16<U8>(_mm256_maskz_loadu_epi8(mask, p0 + c0)) : vizp;
      x1 = p1 != nullptr ? Widen16<U8>(_mm256_maskz_loadu_epi8(mask, p1 + c0)) : vizp;
    } else {
      x0 = Widen16<U8>(_mm256_maskz_loadu_epi8(mask, base + off[2 * q]));
      x1 = Widen16<U8>(_mm256_maskz_loadu_epi8(mask, base + off[2 * q + 1]));
    }
    acc_lo = _mm512_add_epi32(acc_lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, x1), _mm512_loadu_si512(wb + 64 * q)));
    acc_hi = _mm512_add_epi32(acc_hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, x1), _mm512_loadu_si512(wb + 64 * q + 32)));
  }
}

// Output rows [row0, row1) (over batch x out_h) and channels [cb, ce) (block aligned) of the op. Per output row:
// the interior pixels (every tap inside the input) with channel blocks outermost, so that a block's
// requantization vectors (Requant512) and bias are loaded once per row, taps read at fixed offsets from one base
// pointer; then each edge pixel with its tap pointers computed once for all blocks. The geometry is copied into
// locals: the int8 stores may alias p.
template <int MODE, bool U8>
EDGERT_AVX512VNNI void Dw32(const OpParams& p, uint8_t* arena, int row0, int row1, int cb, int ce, uint8_t*) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  const int16_t* w = reinterpret_cast<const int16_t*>(g.w.data());
  const int taps = g.k, c = g.n, pairs = (taps + 1) / 2;
  const int in_h = p.in_h, in_w = p.in_w, in_c = p.in_c, out_h = p.out_h, out_w = p.out_w;
  const int stride_h = p.stride_h, stride_w = p.stride_w, pad_h = p.pad_h, pad_w = p.pad_w;
  const int y_last = (p.k_h - 1) * p.dil_h, x_last = (p.k_w - 1) * p.dil_w;
  const __m512i vizp = _mm512_set1_epi16(static_cast<int16_t>(p.in_zp));
  const int8_t* tap[kMaxDwTaps + 1];
  int64_t off[kMaxDwTaps + 1];
  TapOffsets(p, off);
  off[taps] = off[taps - 1];  // odd tap count: the pair's second weight is 0, any input will do
  // Output columns [ox_lo, ox_hi) have every tap inside the input horizontally (a contiguous range).
  int ox_lo = out_w, ox_hi = 0;
  for (int ox = 0; ox < out_w; ++ox) {
    const int x0 = ox * stride_w - pad_w;
    if (x0 >= 0 && x0 + x_last < in_w) {
      ox_lo = std::min(ox_lo, ox);
      ox_hi = ox + 1;
    }
  }
  const int32_t* bias = g.bias.data();
  const int group = g.dw_pixels;  // > 1: fewer than 32 channels (one block), stride_w 1 (PackDwC2)
  for (int row = row0; row < row1; ++row) {
    const int b = row / out_h, oy = row % out_h;
    const int y0 = oy * stride_h - pad_h;
    const bool row_inside = y0 >= 0 && y0 + y_last < in_h;
    int8_t* const out_row = output + (static_cast<int64_t>(b) * out_h + oy) * out_w * c;
    const int in_lo = row_inside ? ox_lo : out_w, in_hi = row_inside ? ox_hi : out_w;  // interior [in_lo, in_hi)
    if (in_lo < in_hi) {
      const int64_t in_row = (static_cast<int64_t>(b) * in_h + y0) * in_w;  // pixel index of (b, y0, 0)
      for (int c0 = cb; c0 < ce; c0 += 32) {
        const int nv = std::min(32, c - c0);
        const __mmask32 mask = nv >= 32 ? ~0u : (1u << nv) - 1;
        const Requant512<MODE> rq_lo(g, c0, p), rq_hi(g, c0 + 16, p);
        const __m512i bias_lo = _mm512_loadu_si512(bias + c0), bias_hi = _mm512_loadu_si512(bias + c0 + 16);
        const int16_t* wb = w + static_cast<int64_t>(c0 / 32) * pairs * 64;
        int ox = in_lo;
        if (group > 1) {  // group pixels at once, all 32 lanes: inputs and outputs contiguous
          for (; ox + group <= in_hi; ox += group) {
            const int8_t* base = input + (in_row + ox - pad_w) * in_c;
            __m512i acc_lo = bias_lo, acc_hi = bias_hi;
            DwBlock<U8, false>(base, off, nullptr, 0, ~0u, wb, pairs, vizp, acc_lo, acc_hi);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out_row + static_cast<int64_t>(ox) * c),
                                _mm512_cvtepi16_epi8(_mm512_packs_epi32(rq_lo.Apply(acc_lo), rq_hi.Apply(acc_hi))));
          }
        }
        for (; ox < in_hi; ++ox) {
          const int8_t* base = input + (in_row + ox * stride_w - pad_w) * in_c + c0;
          __m512i acc_lo = bias_lo, acc_hi = bias_hi;
          DwBlock<U8, false>(base, off, nullptr, 0, mask, wb, pairs, vizp, acc_lo, acc_hi);
          _mm256_mask_storeu_epi8(out_row + static_cast<int64_t>(ox) * c + c0, mask,
                                  _mm512_cvtepi16_epi8(_mm512_packs_epi32(rq_lo.Apply(acc_lo), rq_hi.Apply(acc_hi))));
        }
      }
    }
    for (int ox = 0; ox < out_w; ++ox) {  // edge pixels
      if (ox == in_lo) ox = in_hi;
      if (ox >= out_w) break;
      TapPointers(p, input, b, oy, ox, off, tap);
      tap[taps] = tap[taps - 1];
      for (int c0 = cb; c0 < ce; c0 += 32) {
        const int nv = std::min(32, c - c0);
        const __mmask32 mask = nv >= 32 ? ~0u : (1u << nv) - 1;
        const Requant512<MODE> rq_lo(g, c0, p), rq_hi(g, c0 + 16, p);
        __m512i acc_lo = _mm512_loadu_si512(bias + c0), acc_hi = _mm512_loadu_si512(bias + c0 + 16);
        DwBlock<U8, true>(nullptr, off, tap, c0, mask, w + static_cast<int64_t>(c0 / 32) * pairs * 64, pairs, vizp,
                          acc_lo, acc_hi);
        _mm256_mask_storeu_epi8(out_row + static_cast<int64_t>(ox) * c + c0, mask,
                                _mm512_cvtepi16_epi8(_mm512_packs_epi32(rq_lo.Apply(acc_lo), rq_hi.Apply(acc_hi))));
      }
    }
  }
}

// acc += a . b in int16 pairs (vpdpwssd, no saturation), in place; inline asm for the reason of Dpbusd in the
// GEMM kernels (GCC 12 copies the accumulator around the intrinsic).
EDGERT_AVX512VNNI inline void Dpwssd(__m512i& acc, __m512i a, __m512i b) {
  __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
}

// One input pixel's 32 channels from c0 as int16, in_zp outside the input (x < 0, x >= in_w or no row).
template <bool U8>
EDGERT_AVX512VNNI inline __m512i RowPixel(const OpParams& p, const int8_t* src_row, int x, __mmask32 mask,
                                          __m512i vizp) {
  if (src_row == nullptr || x < 0 || x >= p.in_w) return vizp;
  return Widen16<U8>(_mm256_maskz_loadu_epi8(mask, src_row + static_cast<int64_t>(x) * p.in_c));
}

// Fills one row buffer (pack/gemm_pack.h PackDwRows): buffer pixel j holds the pairs (x, x + 1), x = j * step
// - pad_w, of the 32 channels from c0 (src_row already offset by c0; nullptr: a padding row), as vpunpck[lh]wd
// order them. Each input pixel is widened once or twice here instead of once per tap pair and output pixel.
template <bool U8>
EDGERT_AVX512VNNI void BuildRowBuffer(const OpParams& p, const int8_t* src_row, __mmask32 mask, int64_t pixels,
                                      int step, int16_t* dst) {
  const __m512i vizp = _mm512_set1_epi16(static_cast<int16_t>(p.in_zp));
  if (step == 1) {
    __m512i prev = RowPixel<U8>(p, src_row, -p.pad_w, mask, vizp);
    for (int64_t j = 0; j < pixels; ++j, dst += 64) {
      const __m512i next = RowPixel<U8>(p, src_row, static_cast<int>(j + 1 - p.pad_w), mask, vizp);
      _mm512_storeu_si512(dst, _mm512_unpacklo_epi16(prev, next));
      _mm512_storeu_si512(dst + 32, _mm512_unpackhi_epi16(prev, next));
      prev = next;
    }
    return;
  }
  for (int64_t j = 0; j < pixels; ++j, dst += 64) {
    const int x = static_cast<int>(j * step - p.pad_w);
    const __m512i a = RowPixel<U8>(p, src_row, x, mask, vizp), b = RowPixel<U8>(p, src_row, x + 1, mask, vizp);
    _mm512_storeu_si512(dst, _mm512_unpacklo_epi16(a, b));
    _mm512_storeu_si512(dst + 32, _mm512_unpackhi_epi16(a, b));
  }
}

// PX neighbouring output pixels from ox of the 32-channel block from c0: per filter row fy and pair q, one
// vpdpwssd per half and pixel on the row buffers (rows[fy]), weights loaded once for the PX pixels (PX * 2
// accumulator chains). Bias and requant vectors are loaded here, around the loop, not held across it: kept in
// registers they pushed the accumulators onto the stack.
template <int PX, int MODE>
EDGERT_AVX512VNNI inline void DwRowsPixels(const OpParams& p, const int16_t* const* rows, const int16_t* wblk,
                                           int row_pairs, int ox, int c0, int8_t* out, int c, __mmask32 mask) {
  const PackedGemm& g = p.gemm;
  __m512i lo[PX], hi[PX];
#pragma GCC unroll 8
  for (int i = 0; i < PX; ++i) {
    lo[i] = _mm512_loadu_si512(g.bias.data() + c0);
    hi[i] = _mm512_loadu_si512(g.bias.data() + c0 + 16);
  }
  // int16 elements between neighbouring outputs and between a filter row's pairs (buffer step 1 or 2)
  const int buf_step = DwRowBufferStep(p);
  const int64_t step = static_cast<int64_t>(p.stride_w / buf_step) * 64, pair_step = 2 / buf_step * 64;
  const int16_t* wq = wblk;
  for (int fy = 0; fy < p.k_h; ++fy) {
    const int16_t* r = rows[fy] + ox * step;
    for (int q = 0; q < row_pairs; ++q, wq += 64, r += pair_step) {
      const __m512i w_lo = _mm512_loadu_si512(wq), w_hi = _mm512_loadu_si512(wq + 32);
#pragma GCC unroll 8
      for (int i = 0; i < PX; ++i) {
        Dpwssd(lo[i], _mm512_loadu_si512(r + i * step), w_lo);
        Dpwssd(hi[i], _mm512_loadu_si512(r + i * step + 32), w_hi);
      }
    }
  }
  const Requant512<MODE> rq_lo(g, c0, p), rq_hi(g, c0 + 16, p);
#pragma GCC unroll 8
  for (int i = 0; i < PX; ++i) {
    _mm256_mask_storeu_epi8(out + static_cast<int64_t>(ox + i) * c, mask,
                            _mm512_cvtepi16_epi8(_mm512_packs_epi32(rq_lo.Apply(lo[i]), rq_hi.Apply(hi[i]))));
  }
}

// dwconv_q?8_rows_32c2_avx512vnni: output rows [row0, row1) and channels [cb, ce) (32-channel blocks). Per block,
// the k_h input rows an output row needs are kept as row buffers in a ring (slot iy mod k_h, so the rows an output
// row shares with the previous one are not rebuilt); padding is part of the buffers, so no pixel is an edge case.
template <int MODE, bool U8>
EDGERT_AVX512VNNI void DwRows(const OpParams& p, uint8_t* arena, int row0, int row1, int cb, int ce,
                              uint8_t* scratch) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  const int16_t* w = reinterpret_cast<const int16_t*>(g.w.data());
  const int c = g.n, k_h = p.k_h, row_pairs = (p.k_w + 1) / 2;
  const int in_h = p.in_h, in_w = p.in_w, in_c = p.in_c, out_h = p.out_h, out_w = p.out_w;
  const int64_t pixels = DwRowBufferPixels(p), slot_elems = pixels * 64;
  int16_t* slots = reinterpret_cast<int16_t*>(scratch);
  int64_t keys[kMaxDwTaps];
  const int16_t* rows[kMaxDwTaps];
  for (int c0 = cb; c0 < ce; c0 += 32) {
    const int nv = std::min(32, c - c0);
    const __mmask32 mask = nv >= 32 ? ~0u : (1u << nv) - 1;
    const int16_t* wblk = w + static_cast<int64_t>(c0 / 32) * k_h * row_pairs * 64;
    for (int s = 0; s < k_h; ++s) keys[s] = INT64_MIN;  // nothing built for this block yet
    for (int row = row0; row < row1; ++row) {
      const int b = row / out_h, oy = row % out_h;
      const int y0 = oy * p.stride_h - p.pad_h;
      int slot0 = y0 % k_h;  // slot of input row iy: iy mod k_h; the k_h rows of a window get distinct slots
      if (slot0 < 0) slot0 += k_h;
      for (int fy = 0; fy < k_h; ++fy) {
        const int iy = y0 + fy;
        const bool inside = iy >= 0 && iy < in_h;
        const int64_t key = inside ? static_cast<int64_t>(b) * in_h + iy : -1;  // padding rows are all alike
        const int slot = slot0 + fy < k_h ? slot0 + fy : slot0 + fy - k_h;
        int16_t* buf = slots + slot * slot_elems;
        if (keys[slot] != key) {
          BuildRowBuffer<U8>(p, inside ? input + (static_cast<int64_t>(b) * in_h + iy) * in_w * in_c + c0 : nullptr,
                             mask, pixels, DwRowBufferStep(p), buf);
          keys[slot] = key;
        }
        rows[fy] = buf;
      }
      int8_t* out = output + (static_cast<int64_t>(b) * out_h + oy) * out_w * c + c0;
      int ox = 0;
      for (; ox + 4 <= out_w; ox += 4) {
        DwRowsPixels<4, MODE>(p, rows, wblk, row_pairs, ox, c0, out, c, mask);
      }
      for (; ox < out_w; ++ox) {
        DwRowsPixels<1, MODE>(p, rows, wblk, row_pairs, ox, c0, out, c, mask);
      }
    }
  }
}

template <int MODE, bool U8, bool DM1>
EDGERT_AVX2 void Dw8(const OpParams& p, uint8_t* arena, int row0, int row1, int cb, int ce, uint8_t*) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  const int32_t* w = reinterpret_cast<const int32_t*>(g.w.data());
  const int taps = g.k, c = g.n, dm = p.depth_multiplier;
  // Depth multiplier > 1: lane j of block c0 reads input channel (c0 + j) / dm, i.e. lane perm[c0 + j] of the
  // (at most 8) input channels from c0 / dm on (table built by PackDw in g.scratch).
  const int32_t* perm = reinterpret_cast<const int32_t*>(g.scratch.data());
  const __m256i zp = _mm256_set1_epi32(p.out_zp), lo = _mm256_set1_epi32(p.act_min), hi = _mm256_set1_epi32(p.act_max);
  const __m256i vizp = _mm256_set1_epi32(p.in_zp);
  const int8_t* tap[kMaxDwTaps];
  int64_t off[kMaxDwTaps];
  TapOffsets(p, off);
  for (int row = row0; row < row1; ++row) {
    const int b = row / p.out_h, oy = row % p.out_h;
    for (int ox = 0; ox < p.out_w; ++ox) {
      TapPointers(p, input, b, oy, ox, off, tap);
      int8_t* out = output + ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * c;
      for (int c0 = cb; c0 < ce; c0 += 8) {
        const int nv = std::min(8, c - c0);
        const int ci0 = DM1 ? c0 : c0 / dm;
        const int nin = DM1 ? nv : (c0 + nv - 1) / dm - ci0 + 1;
        const __m256i vperm = DM1 ? _mm256_setzero_si256() : Load(perm + c0);
        __m256i acc = Load(g.bias.data() + c0);
        for (int t = 0; t < taps; ++t) {
          __m256i x = vizp;
          if (tap[t] != nullptr) {
            const int64_t bytes = LoadLow8(tap[t] + ci0, nin);
            x = U8 ? _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(bytes)) : _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bytes));
            if (!DM1) x = _mm256_permutevar8x32_epi32(x, vperm);
          }
          acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(x, Load(w + static_cast<int64_t>(t) * g.npad + c0)));
        }
        const __m256i v = Requant<MODE>(acc, g, c0, zp, lo, hi);
        const __m128i w16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        StoreLow8(out + c0, _mm_cvtsi128_si64(U8 ? _mm_packus_epi16(w16, w16) : _mm_packs_epi16(w16, w16)), nv);
      }
    }
  }
}

// dwconv_q{s,u}8_direct_32c2_avx2: PackDwC2's 32-channel blocks (channels a multiple of 16, at least 32) with ymm, each block as
// two 16-channel groups: taps in pairs, acc += x0 * w0 + x1 * w1 (vpmaddwd on vpunpck[lh]wd of the two taps'
// widened inputs: one multiply instruction per 8 channels and 2 taps, where Dw8 spends one vpmulld (2 uops) per 8
// channels and tap). vpunpck[lh]wd interleave within 128-bit lanes exactly as the zmm kernel's do, so group G
// (channels 16G .. 16G + 15) uses PackDwC2's positions 8G .. 8G + 7 of each half: weights at wb + 64q + 16G (low
// half) and + 32 + 16G (high half), requantization vectors at c0 + 8G and c0 + 16 + 8G; vpackssdw of the two halves
// restores channel order. Padded taps read x = in_zp (tap pointer null), cancelled by the bias correction.
template <bool U8>
EDGERT_AVX2 inline __m256i Widen16x16(const int8_t* src) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
  return U8 ? _mm256_cvtepu8_epi16(v) : _mm256_cvtepi8_epi16(v);
}

template <int MODE, bool U8>
EDGERT_AVX2 void Dw32Avx2(const OpParams& p, uint8_t* arena, int row0, int row1, int cb, int ce, uint8_t*) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  const int16_t* w = reinterpret_cast<const int16_t*>(g.w.data());
  const int taps = g.k, c = g.n, pairs = (taps + 1) / 2;
  const __m256i vizp = _mm256_set1_epi16(static_cast<int16_t>(p.in_zp));
  const __m256i zp = _mm256_set1_epi32(p.out_zp), lo = _mm256_set1_epi32(p.act_min), hi = _mm256_set1_epi32(p.act_max);
  const int8_t* tap[kMaxDwTaps + 1];
  int64_t off[kMaxDwTaps];
  TapOffsets(p, off);
  for (int row = row0; row < row1; ++row) {
    const int b = row / p.out_h, oy = row % p.out_h;
    for (int ox = 0; ox < p.out_w; ++ox) {
      TapPointers(p, input, b, oy, ox, off, tap);
      tap[taps] = tap[taps - 1];  // odd tap count: the pair's second weight is 0, any input will do
      int8_t* out = output + ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * c;
      for (int c0 = cb; c0 < ce; c0 += 32) {
        const int16_t* wb = w + static_cast<int64_t>(c0 / 32) * pairs * 64;
        const int groups = c - c0 >= 32 ? 2 : 1;  // a last block of 16 channels (c = 144): its first group only
        for (int grp = 0; grp < groups; ++grp) {
          const int cg = c0 + 16 * grp;
          __m256i acc_lo = Load(g.bias.data() + c0 + 8 * grp), acc_hi = Load(g.bias.data() + c0 + 16 + 8 * grp);
          for (int q = 0; q < pairs; ++q) {
            const int8_t* p0 = tap[2 * q];
            const int8_t* p1 = tap[2 * q + 1];
            const __m256i x0 = p0 != nullptr ? Widen16x16<U8>(p0 + cg) : vizp;
            const __m256i x1 = p1 != nullptr ? Widen16x16<U8>(p1 + cg) : vizp;
            const __m256i w_lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wb + 64 * q + 16 * grp));
            const __m256i w_hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wb + 64 * q + 32 + 16 * grp));
            acc_lo = _mm256_add_epi32(acc_lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1), w_lo));
            acc_hi = _mm256_add_epi32(acc_hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1), w_hi));
          }
          const __m256i v16 = _mm256_packs_epi32(Requant<MODE>(acc_lo, g, c0 + 8 * grp, zp, lo, hi),
                                                 Requant<MODE>(acc_hi, g, c0 + 16 + 8 * grp, zp, lo, hi));
          const __m128i a = _mm256_castsi256_si128(v16), bb = _mm256_extracti128_si256(v16, 1);
          _mm_storeu_si128(reinterpret_cast<__m128i*>(out + cg), U8 ? _mm_packus_epi16(a, bb) : _mm_packs_epi16(a, bb));
        }
      }
    }
  }
}

typedef void (*DwRowsFn)(const OpParams& p, uint8_t* arena, int row0, int row1, int cb, int ce, uint8_t* scratch);

// Runs rows(p, arena, ...) over the op split into tasks of output rows and, when the rows are too few for every
// thread (7 x 7 late layers), channel blocks of `block` channels. Each output is written by one task, computed as
// in a single-threaded run.
void DwParallel(const OpParams& p, uint8_t* arena, DwRowsFn rows_fn, int block) {
  const int rows = p.batches * p.out_h, c = p.out_c;
  const int nblocks = (c + block - 1) / block;
  const int64_t work = static_cast<int64_t>(rows) * p.out_w * c * p.k_h * p.k_w;
  const int threads = UsableThreads(p, work);
  const Split rs = threads == 1 ? SplitRange(rows, 1, 1, rows) : SplitRange(rows, 4 * threads, 1, 1);
  const Split cs = threads == 1 || rs.parts >= 4 * threads ? SplitRange(nblocks, 1, 1, nblocks)
                                           : SplitRange(nblocks, (4 * threads + rs.parts - 1) / rs.parts, 1, 1);
  ParallelFor(p, rs.parts * cs.parts, work, [&](int worker, int task) {
    const int rt = cs.parts == 1 ? task : task / cs.parts, ct = cs.parts == 1 ? 0 : task % cs.parts;
    rows_fn(p, arena, static_cast<int>(rs.Begin(rt)), static_cast<int>(rs.End(rt)), static_cast<int>(cs.Begin(ct)) * block,
            std::min(c, static_cast<int>(cs.End(ct)) * block), WorkerScratch(p, worker));
  });
}

template <bool U8>
void Dw32Mode(const OpParams& p, uint8_t* arena) {
  const DwRowsFn fn = p.requant == EDGERT_REQUANT_FP32        ? Dw32<EDGERT_REQUANT_FP32, U8>
                      : p.requant == EDGERT_REQUANT_GEMMLOWP_UP ? Dw32<EDGERT_REQUANT_GEMMLOWP_UP, U8>
                                                                : Dw32<EDGERT_REQUANT_GEMMLOWP, U8>;
  DwParallel(p, arena, fn, 32);
}

template <bool U8>
void Dw32Avx2Mode(const OpParams& p, uint8_t* arena) {
  const DwRowsFn fn = p.requant == EDGERT_REQUANT_FP32        ? Dw32Avx2<EDGERT_REQUANT_FP32, U8>
                      : p.requant == EDGERT_REQUANT_GEMMLOWP_UP ? Dw32Avx2<EDGERT_REQUANT_GEMMLOWP_UP, U8>
                                                                : Dw32Avx2<EDGERT_REQUANT_GEMMLOWP, U8>;
  DwParallel(p, arena, fn, 32);
}

template <bool U8>
void DwRowsMode(const OpParams& p, uint8_t* arena) {
  const DwRowsFn fn = p.requant == EDGERT_REQUANT_FP32        ? DwRows<EDGERT_REQUANT_FP32, U8>
                      : p.requant == EDGERT_REQUANT_GEMMLOWP_UP ? DwRows<EDGERT_REQUANT_GEMMLOWP_UP, U8>
                                                                : DwRows<EDGERT_REQUANT_GEMMLOWP, U8>;
  DwParallel(p, arena, fn, 32);
}

template <bool U8, bool DM1>
DwRowsFn Dw8Fn(int mode) {
  return mode == EDGERT_REQUANT_FP32 ? Dw8<EDGERT_REQUANT_FP32, U8, DM1>
         : mode == EDGERT_REQUANT_GEMMLOWP_UP ? Dw8<EDGERT_REQUANT_GEMMLOWP_UP, U8, DM1>
                                              : Dw8<EDGERT_REQUANT_GEMMLOWP, U8, DM1>;
}

template <bool U8>
void Dw8Any(const OpParams& p, uint8_t* arena) {
  DwParallel(p, arena, p.depth_multiplier == 1 ? Dw8Fn<U8, true>(p.requant) : Dw8Fn<U8, false>(p.requant), 8);
}

}  // namespace

void dwconv_qs8_direct_32c2_avx512vnni(const OpParams& p, uint8_t* arena) { Dw32Mode<false>(p, arena); }
void dwconv_qs8_direct_8c_avx2(const OpParams& p, uint8_t* arena) { Dw8Any<false>(p, arena); }
void dwconv_qu8_direct_32c2_avx512vnni(const OpParams& p, uint8_t* arena) { Dw32Mode<true>(p, arena); }
void dwconv_qs8_rows_32c2_avx512vnni(const OpParams& p, uint8_t* arena) { DwRowsMode<false>(p, arena); }
void dwconv_qu8_rows_32c2_avx512vnni(const OpParams& p, uint8_t* arena) { DwRowsMode<true>(p, arena); }
void dwconv_qu8_direct_8c_avx2(const OpParams& p, uint8_t* arena) { Dw8Any<true>(p, arena); }
void dwconv_qs8_direct_32c2_avx2(const OpParams& p, uint8_t* arena) { Dw32Avx2Mode<false>(p, arena); }
void dwconv_qu8_direct_32c2_avx2(const OpParams& p, uint8_t* arena) { Dw32Avx2Mode<true>(p, arena); }

}  // namespace kernels
}  // namespace edgert
