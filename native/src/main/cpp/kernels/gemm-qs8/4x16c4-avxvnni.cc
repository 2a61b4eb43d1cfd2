// qs8 and qu8 GEMM on AVX-VNNI (the VEX-encoded, 256-bit vpdpbusd of Alder Lake / Meteor Lake / Arrow Lake cores,
// which have no AVX-512): 4 rows x 16 channels per tile (two ymm per row, 8 accumulator chains, one broadcast of a
// row's 4 A bytes per two vpdpbusd), K in groups of 4 bytes. CONV_2D (im2col rows into per-worker scratch) and
// FULLY_CONNECTED through the shared driver (gemm_driver.h). Layouts as the AVX-512 VNNI GEMM (pack/gemm_pack.h):
// kGemmU8C4 (A = x ^ 0x80 as uint8, -(128 + in_zp) * sum(w) in the bias) and kGemmU8C4Qu8 (A = x, weights w - 128,
// each row's sum of A times (128 - filter_zp) added). Requantization: the AVX2 GEMM's (requant_x86.h Requant, 8
// channels per vector), bit-exact with ref/quant.h in GEMMLOWP, GEMMLOWP_UP and FP32; only AVX2 instructions besides
// vpdpbusd, so it runs where AVX-512 does not exist.
#include <string.h>

#include "kernels/gemm-qs8/gemm_driver.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/requant_x86.h"

#define EDGERT_AVXVNNI __attribute__((target("avx2,fma,avxvnni")))

namespace edgert {
namespace kernels {
namespace {

// acc += a (u8) . b (s8) in groups of 4, VEX encoding. Inline asm for the reason the AVX-512 tile gives (GCC 12
// copies every accumulator around each intrinsic call); "x" keeps the operands in ymm0-15, which VEX can encode.
EDGERT_AVXVNNI inline void DpbusdVex(__m256i& acc, __m256i a, __m256i b) {
  __asm__("%{vex%} vpdpbusd %2, %1, %0" : "+x"(acc) : "x"(a), "x"(b));  // %{ %}: literal braces
}

template <bool QU8>
struct U8C4x16Vex {
  typedef uint8_t A;
  typedef int8_t C;  // qu8: the bytes of uint8 outputs
  static constexpr int kMr = 4, kNr = 16, kWBytes = 1;
  static constexpr bool kRowSums = QU8;

  template <int MR, int MODE>
  EDGERT_AVXVNNI static void Tile(const uint8_t* a, int kpad, const void* wv, const PackedGemm& g, int n0, int nvalid,
                                  const OpParams& p, int8_t* c, int64_t c_stride, const int32_t* rowsum) {
    const int8_t* w = static_cast<const int8_t*>(wv);
    __m256i acc[MR][2];
    StartRows16<MR>(acc, g, n0);
    const int k4 = kpad / 4;
    for (int q = 0; q < k4; ++q) {
      const __m256i vw0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 64 * q));
      const __m256i vw1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 64 * q + 32));
#pragma GCC unroll 4
      for (int r = 0; r < MR; ++r) {
        int32_t av;
        memcpy(&av, a + static_cast<int64_t>(r) * kpad + 4 * q, 4);
        const __m256i va = _mm256_set1_epi32(av);
        DpbusdVex(acc[r][0], va, vw0);
        DpbusdVex(acc[r][1], va, vw1);
      }
    }
    FinishRows16<MR, MODE, QU8>(acc, g, n0, p, c, c_stride, nvalid, QU8 ? rowsum : nullptr);
  }

  // A = x ^ 0x80 = x + 128 as uint8 (qu8: x as is), 32 bytes at a time, then 8 / 4 / 1.
  EDGERT_AVXVNNI static inline void Copy(uint8_t* dst, const int8_t* src, int n, const OpParams&) {
    if (QU8) {
      memcpy(dst, src, static_cast<size_t>(n));
      return;
    }
    const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
    int i = 0;
    for (; i + 32 <= n; i += 32) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(x, flip));
    }
    FlipBytes(dst + i, src + i, n - i);
  }
  static void Fill(uint8_t* dst, int n, const OpParams& p) {
    memset(dst, QU8 ? static_cast<uint8_t>(p.in_zp) : static_cast<uint8_t>(static_cast<int8_t>(p.in_zp)) ^ 0x80u, n);
  }
  // Sum of a row's kpad bytes (the K tail is zero).
  EDGERT_AVXVNNI static int32_t RowSum(const uint8_t* row, int kpad) {
    __m256i s = _mm256_setzero_si256();
    int i = 0;
    for (; i + 32 <= kpad; i += 32) {
      s = _mm256_add_epi64(s, _mm256_sad_epu8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + i)),
                                              _mm256_setzero_si256()));
    }
    alignas(32) int64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s);
    int64_t sum = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    for (; i < kpad; ++i) sum += row[i];
    return static_cast<int32_t>(sum);
  }
};

}  // namespace

void conv2d_qs8_gemm_4x16c4_avxvnni(const OpParams& p, uint8_t* arena) { GemmDriver<U8C4x16Vex<false>>::Run<true>(p, arena); }
void fc_qs8_gemm_4x16c4_avxvnni(const OpParams& p, uint8_t* arena) { GemmDriver<U8C4x16Vex<false>>::Run<false>(p, arena); }
void conv2d_qu8_gemm_4x16c4_avxvnni(const OpParams& p, uint8_t* arena) { GemmDriver<U8C4x16Vex<true>>::Run<true>(p, arena); }
void fc_qu8_gemm_4x16c4_avxvnni(const OpParams& p, uint8_t* arena) { GemmDriver<U8C4x16Vex<true>>::Run<false>(p, arena); }

// The AVX-512 packer of this layout also prepares its direct convolution, which these tiles do not run.
void pack_gemm_qs8_conv_u8c4_rows(OpParams& p) { PackGemmConv(p, kGemmU8C4); }

}  // namespace kernels
}  // namespace edgert
