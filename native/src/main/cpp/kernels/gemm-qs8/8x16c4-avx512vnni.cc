// qs8 and qu8 GEMM, tiles of up to 8 rows x 2 blocks of 16 channels, K in groups of 4 bytes (vpdpbusd), AVX-512
// VNNI: CONV_2D (im2col rows built into per-worker scratch, or for qs8 the direct scheme reading a padded copy of
// the input in place) and FULLY_CONNECTED (one row: 4 blocks per call), through the shared driver
// (gemm_driver.h). Layout kGemmU8C4 (pack/gemm_pack.h): A = x ^ 0x80 as uint8; qu8
// (conv2d_qu8_gemm_8x16c4_avx512vnni, fc_qu8_...): layout kGemmU8C4Qu8, A = x, weights w - 128, the filter zero
// point through each row's sum of A. Requantization: kernels/requant_x86.h (GEMMLOWP, GEMMLOWP_UP, FP32), fused
// activation clamp.
#include <string.h>

#include "kernels/gemm-qs8/gemm_driver.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/requant_x86.h"

namespace edgert {
namespace kernels {
namespace {

// acc += a (u8) . b (s8) in groups of 4, in place. Inline asm rather than _mm512_dpbusd_epi32: with the
// intrinsic GCC 12 copies every accumulator to another register and back around each vpdpbusd of the K loop
// (about two extra moves per multiply-add instruction).
EDGERT_AVX512VNNI inline void Dpbusd(__m512i& acc, __m512i a, __m512i b) {
  __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
}

// QU8: uint8 ops (layout kGemmU8C4Qu8): A = x as is, weights w - 128, each row's sum of A times
// (128 - filter_zp) added to its accumulators.
constexpr int kPrefetchBytes = 1024;

template <bool QU8>
struct U8C4x16 {
  typedef uint8_t A;
  typedef int8_t C;  // qu8: the bytes of uint8 outputs (the requant clamp keeps them in [0, 255])
  static constexpr int kMr = 8, kNr = 16, kWBytes = 1;
  static constexpr bool kRowSums = QU8;

  // Rows of A: row r, K group q of segment s at a + r * row_stride + s * seg_stride + 4 * q (segs segments of
  // seg_k4 groups each, the weights' K groups in the same order): im2col rows in scratch are one segment; the
  // direct convolution reads the k_h filter rows of each window from the padded input (kDirect). NB (1, 2)
  // column blocks, wblock bytes apart in w, share each broadcast of A: 8 rows x 2 blocks keep 16 vpdpbusd chains
  // in flight, 8 x 1 only 8, too few for its latency.
  static constexpr bool kSegTiles = true;
  static constexpr bool kDirect = !QU8;  // qu8 needs each row's sum of A, which im2col rows provide
  template <int MR, int NB, int MODE>
  EDGERT_AVX512VNNI __attribute__((always_inline)) static inline void TileSeg(
      const uint8_t* a, int64_t row_stride, int segs, int64_t seg_stride, int seg_k4, const void* wv,
      int64_t wblock, const PackedGemm& g, int n0, const OpParams& p, int8_t* c, int64_t c_stride,
      const int32_t* rowsum) {
    const int8_t* w = static_cast<const int8_t*>(wv);
    // Few rows: S accumulators per row over interleaved K groups, summed at the end, so that vpdpbusd's latency
    // is hidden; int32 sums wrap, so any order gives the same result.
    constexpr int S = MR * NB >= 8 ? 1 : MR == 1 ? 4 : 2;
    constexpr int R = MR * NB;  // accumulators per set: row r, block j at r * NB + j
    __m512i acc[R * S];
#pragma GCC unroll 16
    for (int i = 0; i < R * S; ++i) {
      acc[i] = i < R ? _mm512_loadu_si512(g.bias.data() + n0 + 16 * (i % NB)) : _mm512_setzero_si512();
    }
    for (int seg = 0; seg < segs; ++seg, a += seg_stride, w += 64 * seg_k4) {
      int q = 0;
      for (; q + S <= seg_k4; q += S) {
#pragma GCC unroll 4
        for (int s = 0; s < S; ++s) {
          __m512i vw[NB];
#pragma GCC unroll 2
          for (int j = 0; j < NB; ++j) {
            vw[j] = _mm512_loadu_si512(w + j * wblock + 64 * (q + s));
            // Few rows: the tile streams its weights (from L2) with little work per byte; prefetch ahead.
            if (MR <= 3) _mm_prefetch(reinterpret_cast<const char*>(w + j * wblock + 64 * (q + s)) + kPrefetchBytes, _MM_HINT_T0);
          }
#pragma GCC unroll 8
          for (int r = 0; r < MR; ++r) {
            int32_t av;
            memcpy(&av, a + r * row_stride + 4 * (q + s), 4);
            const __m512i va = _mm512_set1_epi32(av);
#pragma GCC unroll 2
            for (int j = 0; j < NB; ++j) Dpbusd(acc[s * R + r * NB + j], va, vw[j]);
          }
        }
      }
      for (; q < seg_k4; ++q) {
        __m512i vw[NB];
#pragma GCC unroll 2
        for (int j = 0; j < NB; ++j) vw[j] = _mm512_loadu_si512(w + j * wblock + 64 * q);
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
          int32_t av;
          memcpy(&av, a + r * row_stride + 4 * q, 4);
          const __m512i va = _mm512_set1_epi32(av);
#pragma GCC unroll 2
          for (int j = 0; j < NB; ++j) Dpbusd(acc[r * NB + j], va, vw[j]);
        }
      }
    }
#pragma GCC unroll 4
    for (int s = 1; s < S; ++s) {
#pragma GCC unroll 16
      for (int i = 0; i < R; ++i) acc[i] = _mm512_add_epi32(acc[i], acc[s * R + i]);
    }
    if (QU8) {
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) {
        const uint32_t t = static_cast<uint32_t>(g.a_sum_mult) * static_cast<uint32_t>(rowsum[r]);  // wrapping
#pragma GCC unroll 2
        for (int j = 0; j < NB; ++j) acc[r * NB + j] = _mm512_add_epi32(acc[r * NB + j], _mm512_set1_epi32(static_cast<int32_t>(t)));
      }
    }
#pragma GCC unroll 2
    for (int j = 0; j < NB; ++j) {
      const int nvalid = g.n - (n0 + 16 * j);
      const Requant512<MODE> rq(g, n0 + 16 * j, p);
      const __mmask16 store_mask =
          nvalid >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nvalid) - 1);
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) {
        _mm_mask_storeu_epi8(c + r * c_stride + 16 * j, store_mask, _mm512_cvtepi32_epi8(rq.Apply(acc[r * NB + j])));
      }
    }
  }
  // The segmented tile as a function (the driver's kSegTiles table).
  template <int MR, int NB, int MODE>
  EDGERT_AVX512VNNI static void TileDirect(const uint8_t* a, int64_t row_stride, int segs, int64_t seg_stride,
                                           int seg_k4, const void* w, int64_t wblock, const PackedGemm& g, int n0,
                                           const OpParams& p, int8_t* c, int64_t c_stride, const int32_t* rowsum) {
    TileSeg<MR, NB, MODE>(a, row_stride, segs, seg_stride, seg_k4, w, wblock, g, n0, p, c, c_stride, rowsum);
  }
  template <int MR, int MODE>
  EDGERT_AVX512VNNI static void Tile(const uint8_t* a, int kpad, const void* w, const PackedGemm& g, int n0,
                                     int nvalid, const OpParams& p, int8_t* c, int64_t c_stride,
                                     const int32_t* rowsum) {
    TileSeg<MR, 1, MODE>(a, kpad, 1, 0, kpad / 4, w, 0, g, n0, p, c, c_stride, rowsum);
  }

  // One row (FULLY_CONNECTED with batch 1) over NB column blocks at once: each broadcast of A feeds NB
  // vpdpbusd, one per block, so the loop issues one A load per NB weight loads instead of one per weight load
  // (measured on 128x128 and 640x128 weights: 1.3-1.7x faster than four one-block tiles; software prefetch
  // made it slower). S accumulator sets over alternate K groups, at least 8 chains where NB allows, hide
  // vpdpbusd's latency.
  static constexpr int kRow1Blocks = 4;
  template <int NB, int MODE>
  EDGERT_AVX512VNNI static void Row1(const uint8_t* a, int kpad, const void* wv, int64_t wblock, const PackedGemm& g,
                                     int n0, const OpParams& p, int8_t* c, const int32_t* rowsum) {
    const int8_t* w = static_cast<const int8_t*>(wv);
    constexpr int S = NB <= 2 ? 4 : 2;
    __m512i acc[S * NB];
#pragma GCC unroll 16
    for (int i = 0; i < S * NB; ++i) acc[i] = i < NB ? _mm512_loadu_si512(g.bias.data() + n0 + 16 * i) : _mm512_setzero_si512();
    const int k4 = kpad / 4;
    int q = 0;
    for (; q + S <= k4; q += S) {
#pragma GCC unroll 4
      for (int s = 0; s < S; ++s) {
        int32_t av;
        memcpy(&av, a + 4 * (q + s), 4);
        const __m512i va = _mm512_set1_epi32(av);
#pragma GCC unroll 4
        for (int j = 0; j < NB; ++j) Dpbusd(acc[s * NB + j], va, _mm512_loadu_si512(w + j * wblock + 64 * (q + s)));
      }
    }
    for (; q < k4; ++q) {
      int32_t av;
      memcpy(&av, a + 4 * q, 4);
      const __m512i va = _mm512_set1_epi32(av);
#pragma GCC unroll 4
      for (int j = 0; j < NB; ++j) Dpbusd(acc[j], va, _mm512_loadu_si512(w + j * wblock + 64 * q));
    }
#pragma GCC unroll 4
    for (int j = 0; j < NB; ++j) {
      __m512i sum = acc[j];
#pragma GCC unroll 4
      for (int s = 1; s < S; ++s) sum = _mm512_add_epi32(sum, acc[s * NB + j]);
      if (QU8) {
        const uint32_t t = static_cast<uint32_t>(g.a_sum_mult) * static_cast<uint32_t>(rowsum[0]);  // wrapping
        sum = _mm512_add_epi32(sum, _mm512_set1_epi32(static_cast<int32_t>(t)));
      }
      const int nv = g.n - (n0 + 16 * j);
      const __mmask16 store_mask = nv >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nv) - 1);
      const Requant512<MODE> rq(g, n0 + 16 * j, p);
      _mm_mask_storeu_epi8(c + 16 * j, store_mask, _mm512_cvtepi32_epi8(rq.Apply(sum)));
    }
  }

  // A = x + 128 = x ^ 0x80 as uint8, 64 bytes at a time; short spans (one filter row of few channels, e.g.
  // micro_speech's 8 taps of 1 channel) 8 / 4 / 1 bytes at a time, cheaper than a masked 64-byte access.
  EDGERT_AVX512VNNI static inline void Copy(uint8_t* dst, const int8_t* src, int n, const OpParams&) {
    if (QU8) {
      memcpy(dst, src, static_cast<size_t>(n));
      return;
    }
    int i = 0;
    if (n >= 32) {
      const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
      for (; i < n; i += 64) {
        const int left = n - i;
        const __mmask64 mask = left >= 64 ? ~0ull : (1ull << left) - 1;
        _mm512_mask_storeu_epi8(dst + i, mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, src + i), flip));
      }
      return;
    }
    FlipBytes(dst + i, src + i, n - i);
  }
  // pixels input pixels of c (1..3) channels into 4-byte pixels of A (x ^ 0x80), the added bytes = fill: four
  // pixels per 16 bytes through one byte shuffle (the direct convolution's widened RGB input).
  EDGERT_AVX512VNNI static void CopyExpand(uint8_t* dst, const int8_t* src, int pixels, int c, uint8_t fill) {
    alignas(16) int8_t idx[16];
    alignas(16) uint8_t mix[16];
    for (int j = 0; j < 16; ++j) {
      const bool data = j % 4 < c;
      idx[j] = static_cast<int8_t>(data ? (j / 4) * c + j % 4 : -1);  // -1: shuffle writes 0
      mix[j] = data ? 0x80u : fill;                                    // 0 ^ fill = fill
    }
    const __m128i vidx = _mm_load_si128(reinterpret_cast<const __m128i*>(idx));
    const __m128i vmix = _mm_load_si128(reinterpret_cast<const __m128i*>(mix));
    int i = 0;
    for (; i + 4 <= pixels; i += 4) {
      const __m128i x = _mm_maskz_loadu_epi8(static_cast<__mmask16>((1u << (4 * c)) - 1), src + i * c);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 4 * i), _mm_xor_si128(_mm_shuffle_epi8(x, vidx), vmix));
    }
    for (; i < pixels; ++i) {
      for (int j = 0; j < 4; ++j) dst[4 * i + j] = j < c ? static_cast<uint8_t>(src[i * c + j]) ^ 0x80u : fill;
    }
  }
  // count windows, src_step apart in the input, into rows dst_step apart: each window is rows spans of span
  // input values, src_stride apart, written back to back. Spans of 32 bytes or more: 64-byte chunks, the last
  // one masked (mask computed once).
  EDGERT_AVX512VNNI static void CopyWindow(uint8_t* dst, int64_t dst_step, const int8_t* src, int64_t src_step,
                                           int count, int rows, int span, int64_t src_stride, const OpParams& p) {
    if (span < 32) {
      for (int i = 0; i < count; ++i) {
        for (int y = 0; y < rows; ++y) {
          Copy(dst + i * dst_step + static_cast<int64_t>(y) * span, src + i * src_step + y * src_stride, span, p);
        }
      }
      return;
    }
    const __m512i flip = _mm512_set1_epi8(QU8 ? 0 : static_cast<char>(0x80));  // qu8: A = x as is
    const int last = (span - 1) / 64 * 64;
    const __mmask64 last_mask = span - last >= 64 ? ~0ull : (1ull << (span - last)) - 1;
    for (int i = 0; i < count; ++i, dst += dst_step, src += src_step) {
      uint8_t* d = dst;
      const int8_t* s = src;
      for (int y = 0; y < rows; ++y, d += span, s += src_stride) {
        for (int j = 0; j < last; j += 64) {
          _mm512_storeu_si512(d + j, _mm512_xor_si512(_mm512_loadu_si512(s + j), flip));
        }
        _mm512_mask_storeu_epi8(d + last, last_mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(last_mask, s + last), flip));
      }
    }
  }
  static void Fill(uint8_t* dst, int n, const OpParams& p) {
    memset(dst, QU8 ? static_cast<uint8_t>(p.in_zp) : static_cast<uint8_t>(static_cast<int8_t>(p.in_zp)) ^ 0x80u, n);
  }
  // Sum of a row's kpad bytes (the K tail is zero).
  EDGERT_AVX512VNNI static int32_t RowSum(const uint8_t* row, int kpad) { return ByteSum512(row, kpad); }
};

}  // namespace

void conv2d_qs8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena) {
  GemmDriver<U8C4x16<false>>::Run<true>(p, arena);
}
void fc_qs8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena) {
  GemmDriver<U8C4x16<false>>::Run<false>(p, arena);
}
void conv2d_qu8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena) {
  GemmDriver<U8C4x16<true>>::Run<true>(p, arena);
}
void fc_qu8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena) {
  GemmDriver<U8C4x16<true>>::Run<false>(p, arena);
}
void pack_gemm_qu8_conv_u8c4(OpParams& p) { PackGemmConv(p, kGemmU8C4Qu8); }
void pack_gemm_qu8_fc_u8c4(OpParams& p) { PackGemmFc(p, kGemmU8C4Qu8); }

void pack_gemm_qs8_conv_u8c4(OpParams& p) {
  PackGemmConv(p, kGemmU8C4);
  PrepareDirectConv(p, kGemmU8C4, static_cast<uint8_t>(static_cast<int8_t>(p.in_zp)) ^ 0x80u);  // A of a padded tap
}
void pack_gemm_qs8_fc_u8c4(OpParams& p) { PackGemmFc(p, kGemmU8C4); }

void pack_gemm_qs8_dw_u8c4(OpParams& p) { PackGemmDw(p, kGemmU8C4); }

}  // namespace kernels
}  // namespace edgert
