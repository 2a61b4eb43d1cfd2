// qs8 GEMM, 4 rows x 16 channels per tile (two ymm per row: 8 accumulator chains, one broadcast of each row's A pair
// per two vpmaddwd), K in pairs of int16 (vpmaddwd: no int16 saturation, unlike vpmaddubsw), AVX2: CONV_2D (im2col
// rows into per-worker scratch) and FULLY_CONNECTED, through the shared driver (gemm_driver.h). Layout
// kGemmI16C2x16 (pack/gemm_pack.h): A = x - in_zp as int16. The qu8 variants (conv2d_qu8_gemm_4x16c2_avx2,
// fc_qu8_gemm_4x16c2_avx2) run the same GEMM on layout kGemmI16C2x16Qu8 (uint8 x - in_zp, weights w - filter_zp,
// both int16; the packers of 8x16c2-avx512vnni.cc) and store with unsigned saturation. Requantization as the
// AVX-512 variant (8x16c4-avx512vnni.cc), 8 channels per vector, bit-exact with ref/quant.h in GEMMLOWP,
// GEMMLOWP_UP and FP32. 4 x 16 measured 1.12-1.20x faster than the 4 x 8 tile it replaced on MobileNetV2's 1x1
// layers (ad-hoc C loop over the plan API, best of 6 alternating runs).
#include <string.h>

#include "kernels/gemm-qs8/gemm_driver.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/requant_x86.h"

namespace edgert {
namespace kernels {
namespace {

template <bool U8>
struct I16C2x16 {
  typedef int16_t A;
  typedef int8_t C;  // qu8: the bytes of uint8 outputs
  static constexpr int kMr = 4, kNr = 16, kWBytes = 2;
  static constexpr bool kRowSums = false;
  static int32_t RowSum(const A*, int) { return 0; }

  template <int MR, int MODE>
  EDGERT_AVX2 static void Tile(const int16_t* a, int kpad, const void* wv, const PackedGemm& g, int n0, int nvalid,
                               const OpParams& p, int8_t* c, int64_t c_stride, const int32_t*) {
    const int16_t* w = static_cast<const int16_t*>(wv);
    __m256i acc[MR][2];
    StartRows16<MR>(acc, g, n0);
    const int k2 = kpad / 2;
    for (int q = 0; q < k2; ++q) {
      const __m256i vw0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32 * q));
      const __m256i vw1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32 * q + 16));
#pragma GCC unroll 4
      for (int r = 0; r < MR; ++r) {
        int32_t av;
        memcpy(&av, a + static_cast<int64_t>(r) * kpad + 2 * q, 4);
        const __m256i va = _mm256_set1_epi32(av);
        acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(va, vw0));
        acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(va, vw1));
      }
    }
    FinishRows16<MR, MODE, U8>(acc, g, n0, p, c, c_stride, nvalid, nullptr);
  }

  // A = x - in_zp as int16, 16 at a time (qu8: x zero-extended from the uint8 input).
  EDGERT_AVX2 static inline void Copy(int16_t* dst, const int8_t* src, int n, const OpParams& p) {
    const __m256i vzp = _mm256_set1_epi16(static_cast<int16_t>(p.in_zp));
    int i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
      const __m256i v = U8 ? _mm256_cvtepu8_epi16(x) : _mm256_cvtepi8_epi16(x);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_sub_epi16(v, vzp));
    }
    for (; i < n; ++i) {
      const int32_t x = U8 ? static_cast<int32_t>(static_cast<uint8_t>(src[i])) : static_cast<int32_t>(src[i]);
      dst[i] = static_cast<int16_t>(x - p.in_zp);
    }
  }
  static void Fill(int16_t* dst, int n, const OpParams&) { memset(dst, 0, static_cast<size_t>(n) * sizeof(int16_t)); }
};

}  // namespace

void conv2d_qs8_gemm_4x16c2_avx2(const OpParams& p, uint8_t* arena) { GemmDriver<I16C2x16<false>>::Run<true>(p, arena); }
void fc_qs8_gemm_4x16c2_avx2(const OpParams& p, uint8_t* arena) { GemmDriver<I16C2x16<false>>::Run<false>(p, arena); }
void conv2d_qu8_gemm_4x16c2_avx2(const OpParams& p, uint8_t* arena) { GemmDriver<I16C2x16<true>>::Run<true>(p, arena); }
void fc_qu8_gemm_4x16c2_avx2(const OpParams& p, uint8_t* arena) { GemmDriver<I16C2x16<true>>::Run<false>(p, arena); }


void pack_gemm_qs8_conv_i16c2x16(OpParams& p) { PackGemmConv(p, kGemmI16C2x16); }
void pack_gemm_qs8_fc_i16c2x16(OpParams& p) { PackGemmFc(p, kGemmI16C2x16); }

void pack_gemm_qs8_dw_i16c2x16(OpParams& p) { PackGemmDw(p, kGemmI16C2x16); }

}  // namespace kernels
}  // namespace edgert
