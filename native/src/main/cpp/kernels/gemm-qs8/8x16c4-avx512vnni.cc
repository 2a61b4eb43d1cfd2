// qs8 GEMM, 8 rows x 16 channels per tile, K in groups of 4 bytes (vpdpbusd), AVX-512 VNNI: CONV_2D (im2col rows
// built 64 at a time into the plan-owned scratch) and FULLY_CONNECTED. Layout kGemmU8C4 (pack/gemm_pack.h).
// Requantization vectorized per 16 channels, bit-exact with ref/quant.h:
// - GEMMLOWP / GEMMLOWP_UP: left shift (wrapping), SaturatingRoundingDoublingHighMul as (a * b + 2^30) >> 31 in
//   64 bits (equal to gemmlowp's nudged truncating division for every input; the saturating case a = b = INT32_MIN
//   cannot occur, multipliers being non-negative), then gemmlowp's RoundingDivideByPOT (remainder > threshold) or
//   the ties-upward shift (x >> e) + bit e-1 of x.
// - FP32: float(acc) * scale, clamped to +-2^24, vcvtps2dq (round to nearest even, as lrintf).
// Then + output zero point, clamp to the activation range.
// GCC 12 warns about _mm512_undefined_* inside its own intrinsic headers, and about the AVX vector ABI of
// the target-attributed helpers (never called from non-AVX code).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wpsabi"
#include <immintrin.h>
#include <string.h>

#include <algorithm>

#include "pack/gemm_pack.h"
#include "kernels/gemm-qs8/gemm_qs8.h"

#define EDGERT_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

namespace edgert {
namespace kernels {
namespace {

template <int MODE>
EDGERT_AVX512VNNI inline __m512i Requant(__m512i acc, const PackedGemm& g, int n0, __m512i zp, __m512i lo,
                                         __m512i hi) {
  __m512i r;
  if (MODE == EDGERT_REQUANT_FP32) {
    __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(g.fscale.data() + n0));
    f = _mm512_min_ps(_mm512_max_ps(f, _mm512_set1_ps(-16777216.0f)), _mm512_set1_ps(16777216.0f));
    r = _mm512_cvtps_epi32(f);
  } else {
    const __m512i x = _mm512_sllv_epi32(acc, _mm512_loadu_si512(g.left.data() + n0));
    const __m512i m = _mm512_loadu_si512(g.mult.data() + n0);
    const __m512i r30 = _mm512_set1_epi64(1LL << 30);
    __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, m), r30);
    __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(m, 32)), r30);
    even = _mm512_srli_epi64(even, 31);
    odd = _mm512_slli_epi64(odd, 1);
    const __m512i high = _mm512_mask_blend_epi32(0xAAAA, even, odd);
    const __m512i right = _mm512_loadu_si512(g.right.data() + n0);
    r = _mm512_srav_epi32(high, right);
    if (MODE == EDGERT_REQUANT_GEMMLOWP) {
      const __m512i rem = _mm512_and_si512(high, _mm512_loadu_si512(g.rmask.data() + n0));
      const __m512i thr = _mm512_sub_epi32(_mm512_loadu_si512(g.rhalf.data() + n0), _mm512_srai_epi32(high, 31));
      const __mmask16 up = _mm512_cmpgt_epi32_mask(rem, thr);
      r = _mm512_mask_add_epi32(r, up, r, _mm512_set1_epi32(1));
    } else {
      const __m512i bit = _mm512_srlv_epi32(high, _mm512_loadu_si512(g.right_m1.data() + n0));
      r = _mm512_add_epi32(r, _mm512_and_si512(bit, _mm512_set1_epi32(1)));
    }
  }
  r = _mm512_add_epi32(r, zp);
  return _mm512_min_epi32(_mm512_max_epi32(r, lo), hi);
}

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

struct ToU8 {
  uint8_t operator()(int8_t x) const { return static_cast<uint8_t>(x) ^ 0x80u; }
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
    BuildConvRows<uint8_t>(p, input, m0, rows, a, ToU8(), pad);
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
    BuildFcRows<uint8_t>(p, input, m0, rows, a, ToU8());
    GemmMode(p, a, rows, output + static_cast<int64_t>(m0) * g.n);
  }
}

void pack_gemm_qs8_conv_u8c4(OpParams& p) { PackGemmConv(p, kGemmU8C4); }
void pack_gemm_qs8_fc_u8c4(OpParams& p) { PackGemmFc(p, kGemmU8C4); }

}  // namespace kernels
}  // namespace edgert
