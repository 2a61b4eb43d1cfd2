// qs8 GEMM, 8 rows x 16 channels per tile, K in groups of 4 bytes (vpdpbusd), AVX-512 VNNI: CONV_2D (im2col rows
// built 64 at a time into the plan-owned scratch) and FULLY_CONNECTED. Layout kGemmU8C4 (pack/gemm_pack.h).
// Requantization: kernels/requant_x86.h (GEMMLOWP, GEMMLOWP_UP, FP32), fused activation clamp.
#include <string.h>

#include <algorithm>

#include "pack/gemm_pack.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/requant_x86.h"

namespace edgert {
namespace kernels {
namespace {

template <int MR, int MODE>
EDGERT_AVX512VNNI void Tile(const uint8_t* a, int kpad, const int8_t* w, const PackedGemm& g, int n0, int nvalid,
                            const OpParams& p, int8_t* c, int64_t c_stride) {
  __m512i acc[MR];
  const __m512i vbias = _mm512_loadu_si512(g.bias.data() + n0);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) acc[r] = vbias;
  const int k4 = kpad / 4;
  for (int q = 0; q < k4; ++q) {
    const __m512i vw = _mm512_loadu_si512(w + 64 * q);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      int32_t av;
      memcpy(&av, a + static_cast<int64_t>(r) * kpad + 4 * q, 4);
      acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_set1_epi32(av), vw);
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
EDGERT_AVX512VNNI void Gemm(const OpParams& p, const uint8_t* a, int rows, int8_t* c) {
  const PackedGemm& g = p.gemm;
  const int8_t* w = reinterpret_cast<const int8_t*>(g.w.data());
  const int64_t wblock = static_cast<int64_t>(g.kpad) * 16;
  for (int m = 0; m < rows; m += 8) {
    const int mr = std::min(8, rows - m);
    const uint8_t* am = a + static_cast<int64_t>(m) * g.kpad;
    int8_t* cm = c + static_cast<int64_t>(m) * g.n;
    for (int n0 = 0; n0 < g.n; n0 += 16) {
      const int8_t* wb = w + (n0 / 16) * wblock;
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

EDGERT_AVX512VNNI void GemmMode(const OpParams& p, const uint8_t* a, int rows, int8_t* c) {
  if (p.requant == EDGERT_REQUANT_FP32) {
    Gemm<EDGERT_REQUANT_FP32>(p, a, rows, c);
  } else if (p.requant == EDGERT_REQUANT_GEMMLOWP_UP) {
    Gemm<EDGERT_REQUANT_GEMMLOWP_UP>(p, a, rows, c);
  } else {
    Gemm<EDGERT_REQUANT_GEMMLOWP>(p, a, rows, c);
  }
}

// A = x + 128 = x ^ 0x80 as uint8, 64 bytes at a time.
struct CopyU8 {
  EDGERT_AVX512VNNI void operator()(uint8_t* dst, const int8_t* src, int n) const {
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    for (int i = 0; i < n; i += 64) {
      const int left = n - i;
      const __mmask64 mask = left >= 64 ? ~0ull : (1ull << left) - 1;
      _mm512_mask_storeu_epi8(dst + i, mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, src + i), flip));
    }
  }
};
struct FillU8 {
  uint8_t pad;
  void operator()(uint8_t* dst, int n) const { memset(dst, pad, n); }
};

}  // namespace

EDGERT_AVX512VNNI void conv2d_qs8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  uint8_t* a = g.scratch.data();
  const uint8_t pad = static_cast<uint8_t>(static_cast<int8_t>(p.in_zp)) ^ 0x80u;
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildConvRows<uint8_t>(p, input, m0, rows, a, CopyU8(), FillU8{pad});
    GemmMode(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

EDGERT_AVX512VNNI void fc_qs8_gemm_8x16c4_avx512vnni(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  uint8_t* a = g.scratch.data();
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildFcRows<uint8_t>(p, input, m0, rows, a, CopyU8());
    GemmMode(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

void pack_gemm_qs8_conv_u8c4(OpParams& p) { PackGemmConv(p, kGemmU8C4); }
void pack_gemm_qs8_fc_u8c4(OpParams& p) { PackGemmFc(p, kGemmU8C4); }

}  // namespace kernels
}  // namespace edgert
