// qs8 GEMM, 4 rows x 8 channels per tile, K in pairs of int16 (vpmaddwd: no int16 saturation, unlike vpmaddubsw),
// AVX2: CONV_2D (im2col rows built 64 at a time into the plan-owned scratch) and FULLY_CONNECTED. Layout
// kGemmI16C2 (pack/gemm_pack.h): A = x - in_zp as int16. The qu8 variants (conv2d_qu8_gemm_4x8c2_avx2,
// fc_qu8_gemm_4x8c2_avx2) run the same GEMM on layout kGemmI16C2Qu8 (uint8 x - in_zp, weights w - filter_zp, both
// int16) and store with unsigned saturation. Requantization as the AVX-512 variant
// (8x16c4-avx512vnni.cc), 8 channels per vector, bit-exact with ref/quant.h in GEMMLOWP, GEMMLOWP_UP and FP32.
#include <string.h>

#include <algorithm>

#include "pack/gemm_pack.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/requant_x86.h"

namespace edgert {
namespace kernels {
namespace {

template <int MR, int MODE, bool U8>
EDGERT_AVX2 void Tile(const int16_t* a, int kpad, const int16_t* w, const PackedGemm& g, int n0, int nvalid,
                      const OpParams& p, int8_t* c, int64_t c_stride) {
  __m256i acc[MR];
  const __m256i vbias = Load(g.bias.data() + n0);
#pragma GCC unroll 4
  for (int r = 0; r < MR; ++r) acc[r] = vbias;
  const int k2 = kpad / 2;
  for (int q = 0; q < k2; ++q) {
    const __m256i vw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 16 * q));
#pragma GCC unroll 4
    for (int r = 0; r < MR; ++r) {
      int32_t av;
      memcpy(&av, a + static_cast<int64_t>(r) * kpad + 2 * q, 4);
      acc[r] = _mm256_add_epi32(acc[r], _mm256_madd_epi16(_mm256_set1_epi32(av), vw));
    }
  }
  const __m256i zp = _mm256_set1_epi32(p.out_zp);
  const __m256i lo = _mm256_set1_epi32(p.act_min);
  const __m256i hi = _mm256_set1_epi32(p.act_max);
#pragma GCC unroll 4
  for (int r = 0; r < MR; ++r) {
    const __m256i v = Requant<MODE>(acc[r], g, n0, zp, lo, hi);
    const __m128i w16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    const __m128i b8 = U8 ? _mm_packus_epi16(w16, w16) : _mm_packs_epi16(w16, w16);
    if (nvalid >= 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(c + r * c_stride), b8);
    } else {
      int8_t tmp[16];
      _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), b8);
      memcpy(c + r * c_stride, tmp, nvalid);
    }
  }
}

template <int MODE, bool U8>
EDGERT_AVX2 void Gemm(const OpParams& p, const int16_t* a, int rows, int8_t* c) {
  const PackedGemm& g = p.gemm;
  const int16_t* w = reinterpret_cast<const int16_t*>(g.w.data());
  const int64_t wblock = static_cast<int64_t>(g.kpad) * 8;
  for (int m = 0; m < rows; m += 4) {
    const int mr = std::min(4, rows - m);
    const int16_t* am = a + static_cast<int64_t>(m) * g.kpad;
    int8_t* cm = c + static_cast<int64_t>(m) * g.n;
    for (int n0 = 0; n0 < g.n; n0 += 8) {
      const int16_t* wb = w + (n0 / 8) * wblock;
      const int nv = std::min(8, g.n - n0);
      switch (mr) {
        case 4: Tile<4, MODE, U8>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        case 3: Tile<3, MODE, U8>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        case 2: Tile<2, MODE, U8>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        default: Tile<1, MODE, U8>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
      }
    }
  }
}

template <bool U8>
EDGERT_AVX2 void GemmMode(const OpParams& p, const int16_t* a, int rows, int8_t* c) {
  if (p.requant == EDGERT_REQUANT_FP32) {
    Gemm<EDGERT_REQUANT_FP32, U8>(p, a, rows, c);
  } else if (p.requant == EDGERT_REQUANT_GEMMLOWP_UP) {
    Gemm<EDGERT_REQUANT_GEMMLOWP_UP, U8>(p, a, rows, c);
  } else {
    Gemm<EDGERT_REQUANT_GEMMLOWP, U8>(p, a, rows, c);
  }
}

// A = x - in_zp as int16, 16 at a time.
struct CopyI16 {
  int32_t zp;
  EDGERT_AVX2 void operator()(int16_t* dst, const int8_t* src, int n) const {
    const __m256i vzp = _mm256_set1_epi16(static_cast<int16_t>(zp));
    int i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_sub_epi16(v, vzp));
    }
    for (; i < n; ++i) dst[i] = static_cast<int16_t>(src[i] - zp);
  }
};
// qu8: A = x - in_zp from uint8 input (passed as int8_t* through the row builders).
struct CopyU8I16 {
  int32_t zp;
  EDGERT_AVX2 void operator()(int16_t* dst, const int8_t* src_s, int n) const {
    const uint8_t* src = reinterpret_cast<const uint8_t*>(src_s);
    const __m256i vzp = _mm256_set1_epi16(static_cast<int16_t>(zp));
    int i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m256i v = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_sub_epi16(v, vzp));
    }
    for (; i < n; ++i) dst[i] = static_cast<int16_t>(src[i] - zp);
  }
};
struct FillZero {
  void operator()(int16_t* dst, int n) const { memset(dst, 0, static_cast<size_t>(n) * sizeof(int16_t)); }
};

}  // namespace

EDGERT_AVX2 void conv2d_qs8_gemm_4x8c2_avx2(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  int16_t* a = reinterpret_cast<int16_t*>(g.scratch.data());
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildConvRows<int16_t>(p, input, m0, rows, a, CopyI16{p.in_zp}, FillZero());
    GemmMode<false>(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

EDGERT_AVX2 void fc_qs8_gemm_4x8c2_avx2(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  int16_t* a = reinterpret_cast<int16_t*>(g.scratch.data());
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildFcRows<int16_t>(p, input, m0, rows, a, CopyI16{p.in_zp});
    GemmMode<false>(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

EDGERT_AVX2 void conv2d_qu8_gemm_4x8c2_avx2(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  int16_t* a = reinterpret_cast<int16_t*>(g.scratch.data());
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildConvRows<int16_t>(p, input, m0, rows, a, CopyU8I16{p.in_zp}, FillZero());
    GemmMode<true>(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

EDGERT_AVX2 void fc_qu8_gemm_4x8c2_avx2(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  int16_t* a = reinterpret_cast<int16_t*>(g.scratch.data());
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildFcRows<int16_t>(p, input, m0, rows, a, CopyU8I16{p.in_zp});
    GemmMode<true>(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

void pack_gemm_qu8_conv_i16c2(OpParams& p) { PackGemmConv(p, kGemmI16C2Qu8); }
void pack_gemm_qu8_fc_i16c2(OpParams& p) { PackGemmFc(p, kGemmI16C2Qu8); }

void pack_gemm_qs8_conv_i16c2(OpParams& p) { PackGemmConv(p, kGemmI16C2); }
void pack_gemm_qs8_fc_i16c2(OpParams& p) { PackGemmFc(p, kGemmI16C2); }

}  // namespace kernels
}  // namespace edgert
