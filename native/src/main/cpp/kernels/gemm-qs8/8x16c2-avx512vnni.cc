// qu8 GEMM, 8 rows x 16 channels per tile, K in pairs of int16 (vpmaddwd on zmm; AVX-512 F/BW instructions,
// listed in the avx512vnni tier): uint8 CONV_2D (im2col rows built 64 at a time into the plan-owned scratch) and
// FULLY_CONNECTED. Layout kGemmI16C2x16Qu8 (pack/gemm_pack.h): A = x - in_zp and W = w - filter_zp as int16, both
// in [-255, 255], so every pair sum (at most 2 * 255 * 255) is exact. vpdpbusd does not apply: w - filter_zp does
// not fit a signed byte. Requantization: kernels/requant_x86.h (GEMMLOWP, GEMMLOWP_UP, FP32); the clamped result
// lies in [0, 255], so the truncating vpmovdb stores it.
#include <string.h>

#include <algorithm>

#include "pack/gemm_pack.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/requant_x86.h"

namespace edgert {
namespace kernels {
namespace {

template <int MR, int MODE>
EDGERT_AVX512VNNI void Tile(const int16_t* a, int kpad, const int16_t* w, const PackedGemm& g, int n0, int nvalid,
                            const OpParams& p, uint8_t* c, int64_t c_stride) {
  __m512i acc[MR];
  const __m512i vbias = _mm512_loadu_si512(g.bias.data() + n0);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) acc[r] = vbias;
  const int k2 = kpad / 2;
  for (int q = 0; q < k2; ++q) {
    const __m512i vw = _mm512_loadu_si512(w + 32 * q);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      int32_t av;
      memcpy(&av, a + static_cast<int64_t>(r) * kpad + 2 * q, 4);
      acc[r] = _mm512_add_epi32(acc[r], _mm512_madd_epi16(_mm512_set1_epi32(av), vw));
    }
  }
  const __m512i zp = _mm512_set1_epi32(p.out_zp);
  const __m512i lo = _mm512_set1_epi32(p.act_min);
  const __m512i hi = _mm512_set1_epi32(p.act_max);
  const __mmask16 store_mask = nvalid >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nvalid) - 1);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
    const __m128i v = _mm512_cvtepi32_epi8(Requant<MODE>(acc[r], g, n0, zp, lo, hi));
    _mm_mask_storeu_epi8(c + r * c_stride, store_mask, v);
  }
}

template <int MODE>
EDGERT_AVX512VNNI void Gemm(const OpParams& p, const int16_t* a, int rows, uint8_t* c) {
  const PackedGemm& g = p.gemm;
  const int16_t* w = reinterpret_cast<const int16_t*>(g.w.data());
  const int64_t wblock = static_cast<int64_t>(g.kpad) * 16;
  for (int m = 0; m < rows; m += 8) {
    const int mr = std::min(8, rows - m);
    const int16_t* am = a + static_cast<int64_t>(m) * g.kpad;
    uint8_t* cm = c + static_cast<int64_t>(m) * g.n;
    for (int n0 = 0; n0 < g.n; n0 += 16) {
      const int16_t* wb = w + (n0 / 16) * wblock;
      const int nv = std::min(16, g.n - n0);
      switch (mr) {
        case 8: Tile<8, MODE>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        case 7: Tile<7, MODE>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        case 6: Tile<6, MODE>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        case 5: Tile<5, MODE>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        case 4: Tile<4, MODE>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        case 3: Tile<3, MODE>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        case 2: Tile<2, MODE>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
        default: Tile<1, MODE>(am, g.kpad, wb, g, n0, nv, p, cm + n0, g.n); break;
      }
    }
  }
}

EDGERT_AVX512VNNI void GemmMode(const OpParams& p, const int16_t* a, int rows, uint8_t* c) {
  if (p.requant == EDGERT_REQUANT_FP32) {
    Gemm<EDGERT_REQUANT_FP32>(p, a, rows, c);
  } else if (p.requant == EDGERT_REQUANT_GEMMLOWP_UP) {
    Gemm<EDGERT_REQUANT_GEMMLOWP_UP>(p, a, rows, c);
  } else {
    Gemm<EDGERT_REQUANT_GEMMLOWP>(p, a, rows, c);
  }
}

// A = x - in_zp from uint8 input (passed as int8_t* through the row builders), 32 at a time.
struct CopyU8I16 {
  int32_t zp;
  EDGERT_AVX512VNNI void operator()(int16_t* dst, const int8_t* src_s, int n) const {
    const uint8_t* src = reinterpret_cast<const uint8_t*>(src_s);
    const __m512i vzp = _mm512_set1_epi16(static_cast<int16_t>(zp));
    for (int i = 0; i < n; i += 32) {
      const int left = n - i;
      const __mmask32 mask = left >= 32 ? ~0u : (1u << left) - 1;
      const __m512i v = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(mask, src + i));
      _mm512_mask_storeu_epi16(dst + i, mask, _mm512_sub_epi16(v, vzp));
    }
  }
};
struct FillZero {
  void operator()(int16_t* dst, int n) const { memset(dst, 0, static_cast<size_t>(n) * sizeof(int16_t)); }
};

}  // namespace

EDGERT_AVX512VNNI void conv2d_qu8_gemm_8x16c2_avx512vnni(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  uint8_t* output = TensorData<uint8_t>(p.out[0], arena);
  int16_t* a = reinterpret_cast<int16_t*>(g.scratch.data());
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildConvRows<int16_t>(p, input, m0, rows, a, CopyU8I16{p.in_zp}, FillZero());
    GemmMode(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

EDGERT_AVX512VNNI void fc_qu8_gemm_8x16c2_avx512vnni(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  uint8_t* output = TensorData<uint8_t>(p.out[0], arena);
  int16_t* a = reinterpret_cast<int16_t*>(g.scratch.data());
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildFcRows<int16_t>(p, input, m0, rows, a, CopyU8I16{p.in_zp});
    GemmMode(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

void pack_gemm_qu8_conv_i16c2x16(OpParams& p) { PackGemmConv(p, kGemmI16C2x16Qu8); }
void pack_gemm_qu8_fc_i16c2x16(OpParams& p) { PackGemmFc(p, kGemmI16C2x16Qu8); }

}  // namespace kernels
}  // namespace edgert
