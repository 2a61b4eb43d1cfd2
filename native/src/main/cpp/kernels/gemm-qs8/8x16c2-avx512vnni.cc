// qu8 GEMM, 8 rows x 16 channels per tile, K in pairs of int16 (vpmaddwd on zmm; AVX-512 F/BW instructions,
// listed in the avx512vnni tier): uint8 CONV_2D (im2col rows into per-worker scratch) and FULLY_CONNECTED, through
// the shared driver (gemm_driver.h). Layout kGemmI16C2x16Qu8 (pack/gemm_pack.h): A = x - in_zp and
// W = w - filter_zp as int16, both in [-255, 255], so every pair sum (at most 2 * 255 * 255) is exact. vpdpbusd
// does not apply: w - filter_zp does not fit a signed byte. Requantization: kernels/requant_x86.h (GEMMLOWP,
// GEMMLOWP_UP, FP32); the clamped result lies in [0, 255], so the truncating vpmovdb stores it.
#include <string.h>

#include "kernels/gemm-qs8/gemm_driver.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/requant_x86.h"

namespace edgert {
namespace kernels {
namespace {

struct I16C2x16Qu8 {
  typedef int16_t A;
  typedef uint8_t C;
  static constexpr int kMr = 8, kNr = 16, kWBytes = 2;
  static constexpr bool kRowSums = false;
  static int32_t RowSum(const A*, int) { return 0; }

  template <int MR, int MODE>
  EDGERT_AVX512VNNI static void Tile(const int16_t* a, int kpad, const void* wv, const PackedGemm& g, int n0,
                                     int nvalid, const OpParams& p, uint8_t* c, int64_t c_stride, const int32_t*) {
    const int16_t* w = static_cast<const int16_t*>(wv);
    // Few rows (FULLY_CONNECTED with batch 1): S accumulators per row over interleaved K pairs, summed at the end
    // (latency hiding; int32 sums wrap, so any order gives the same result).
    constexpr int S = MR == 1 ? 4 : MR <= 3 ? 2 : 1;
    __m512i acc[MR * S];
    const __m512i vbias = _mm512_loadu_si512(g.bias.data() + n0);
#pragma GCC unroll 8
    for (int r = 0; r < MR * S; ++r) acc[r] = r < MR ? vbias : _mm512_setzero_si512();
    const int k2 = kpad / 2;
    int q = 0;
    for (; q + S <= k2; q += S) {
#pragma GCC unroll 4
      for (int s = 0; s < S; ++s) {
        const __m512i vw = _mm512_loadu_si512(w + 32 * (q + s));
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
          int32_t av;
          memcpy(&av, a + static_cast<int64_t>(r) * kpad + 2 * (q + s), 4);
          acc[s * MR + r] = _mm512_add_epi32(acc[s * MR + r], _mm512_madd_epi16(_mm512_set1_epi32(av), vw));
        }
      }
    }
    for (; q < k2; ++q) {
      const __m512i vw = _mm512_loadu_si512(w + 32 * q);
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) {
        int32_t av;
        memcpy(&av, a + static_cast<int64_t>(r) * kpad + 2 * q, 4);
        acc[r] = _mm512_add_epi32(acc[r], _mm512_madd_epi16(_mm512_set1_epi32(av), vw));
      }
    }
#pragma GCC unroll 4
    for (int s = 1; s < S; ++s) {
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) acc[r] = _mm512_add_epi32(acc[r], acc[s * MR + r]);
    }
    const Requant512<MODE> rq(g, n0, p);
    const __mmask16 store_mask =
        nvalid >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nvalid) - 1);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      const __m128i v = _mm512_cvtepi32_epi8(rq.Apply(acc[r]));
      _mm_mask_storeu_epi8(c + r * c_stride, store_mask, v);
    }
  }

  // A = x - in_zp from uint8 input (passed as int8_t* through the row builders), 32 at a time.
  EDGERT_AVX512VNNI static inline void Copy(int16_t* dst, const int8_t* src_s, int n, const OpParams& p) {
    const uint8_t* src = reinterpret_cast<const uint8_t*>(src_s);
    const __m512i vzp = _mm512_set1_epi16(static_cast<int16_t>(p.in_zp));
    for (int i = 0; i < n; i += 32) {
      const int left = n - i;
      const __mmask32 mask = left >= 32 ? ~0u : (1u << left) - 1;
      const __m512i v = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(mask, src + i));
      _mm512_mask_storeu_epi16(dst + i, mask, _mm512_sub_epi16(v, vzp));
    }
  }
  static void Fill(int16_t* dst, int n, const OpParams&) { memset(dst, 0, static_cast<size_t>(n) * sizeof(int16_t)); }
};

}  // namespace

void conv2d_qu8_gemm_8x16c2_avx512vnni(const OpParams& p, uint8_t* arena) {
  GemmDriver<I16C2x16Qu8>::Run<true>(p, arena);
}

void fc_qu8_gemm_8x16c2_avx512vnni(const OpParams& p, uint8_t* arena) {
  GemmDriver<I16C2x16Qu8>::Run<false>(p, arena);
}

void pack_gemm_qu8_conv_i16c2x16(OpParams& p) { PackGemmConv(p, kGemmI16C2x16Qu8); }
void pack_gemm_qu8_fc_i16c2x16(OpParams& p) { PackGemmFc(p, kGemmI16C2x16Qu8); }

void pack_gemm_qu8_dw_i16c2x16(OpParams& p) { PackGemmDw(p, kGemmI16C2x16Qu8); }

}  // namespace kernels
}  // namespace edgert
