// Vectorized requantization of int32 accumulators for the x86 qs8 variants, bit-exact with ref/quant.h, reading
// the per-channel vectors of a PackedGemm (pack/gemm_pack.h) at channel n0:
// - GEMMLOWP / GEMMLOWP_UP: left shift (wrapping), SaturatingRoundingDoublingHighMul as (a * b + 2^30) >> 31 in
//   64 bits (equal to gemmlowp's nudged truncating division for every input; its saturating case
//   a = b = INT32_MIN cannot occur, multipliers being non-negative), then gemmlowp's RoundingDivideByPOT
//   (remainder > threshold, ties away from zero) or the ties-upward shift (x >> e) + bit e-1 of x.
// - FP32: float(acc) * scale, clamped to +-2^24, vcvtps2dq (round to nearest even under the default MXCSR, as
//   lrintf).
// Then + output zero point and the clamp to the activation range.
#ifndef EDGERT_KERNELS_REQUANT_X86_H_
#define EDGERT_KERNELS_REQUANT_X86_H_

// GCC 12 warns about _mm512_undefined_* inside its own intrinsic headers, and about the AVX vector ABI of the
// target-attributed helpers (never called from non-AVX code).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wpsabi"
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "edgert/plan.h"
#include "ref/kernels.h"

#define EDGERT_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define EDGERT_AVX2 __attribute__((target("avx2,fma")))

namespace edgert {
namespace kernels {

// SaturatingRoundingDoublingHighMul of every lane, as (x * m + 2^30) >> 31 in 64 bits: equal to gemmlowp's nudged
// truncating division for every x and m of any sign; only x = m = INT32_MIN (saturating) differs, and no caller
// passes a multiplier of INT32_MIN (QuantizeMultiplier's are in [0, 2^31), negated ones in (-2^31, 0]).
// dst = src ^ 0x80 (int8 x as the uint8 x + 128) for a short span: 8, then 4, then 1 bytes at a time (short spans
// are one filter row of few channels, e.g. kws' first layer: 4 taps of 1 channel; cheaper than a masked vector).
inline void FlipBytes(uint8_t* dst, const int8_t* src, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    memcpy(&v, src + i, 8);
    v ^= 0x8080808080808080ull;
    memcpy(dst + i, &v, 8);
  }
  if (i + 4 <= n) {
    uint32_t v;
    memcpy(&v, src + i, 4);
    v ^= 0x80808080u;
    memcpy(dst + i, &v, 4);
    i += 4;
  }
  for (; i < n; ++i) dst[i] = static_cast<uint8_t>(src[i]) ^ 0x80u;
}

// Sum of n bytes as unsigned (64 at a time, the last chunk masked): a qu8 GEMM row's sum of A.
EDGERT_AVX512VNNI inline int32_t ByteSum512(const uint8_t* p, int n) {
  __m512i s = _mm512_setzero_si512();
  for (int i = 0; i < n; i += 64) {
    const int left = n - i;
    const __mmask64 mask = left >= 64 ? ~0ull : (1ull << left) - 1;
    s = _mm512_add_epi64(s, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(mask, p + i), _mm512_setzero_si512()));
  }
  return static_cast<int32_t>(_mm512_reduce_add_epi64(s));
}

EDGERT_AVX512VNNI inline __m512i HighMul512(__m512i x, __m512i m) {
  const __m512i r30 = _mm512_set1_epi64(1LL << 30);
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, m), r30);
  __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(m, 32)), r30);
  even = _mm512_srli_epi64(even, 31);
  odd = _mm512_slli_epi64(odd, 1);
  return _mm512_mask_blend_epi32(0xAAAA, even, odd);
}

// gemmlowp RoundingDivideByPOT: (x >> e) + (remainder > threshold), rmask = 2^e - 1, rhalf = rmask >> 1.
EDGERT_AVX512VNNI inline __m512i DivideByPOT512(__m512i x, __m512i right, __m512i rmask, __m512i rhalf) {
  const __m512i rem = _mm512_and_si512(x, rmask);
  const __m512i thr = _mm512_sub_epi32(rhalf, _mm512_srai_epi32(x, 31));
  return _mm512_mask_add_epi32(_mm512_srav_epi32(x, right), _mm512_cmpgt_epi32_mask(rem, thr), _mm512_srav_epi32(x, right),
                               _mm512_set1_epi32(1));
}

EDGERT_AVX2 inline __m256i HighMul256(__m256i x, __m256i m) {
  const __m256i r30 = _mm256_set1_epi64x(1LL << 30);
  __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, m), r30);
  __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(m, 32)), r30);
  even = _mm256_srli_epi64(even, 31);
  odd = _mm256_slli_epi64(odd, 1);
  return _mm256_blend_epi32(even, odd, 0xAA);
}

EDGERT_AVX2 inline __m256i DivideByPOT256(__m256i x, __m256i right, __m256i rmask, __m256i rhalf) {
  const __m256i rem = _mm256_and_si256(x, rmask);
  const __m256i thr = _mm256_sub_epi32(rhalf, _mm256_srai_epi32(x, 31));
  return _mm256_sub_epi32(_mm256_srav_epi32(x, right), _mm256_cmpgt_epi32(rem, thr));  // true lanes are -1
}

// tflite::MultiplyByQuantizedMultiplier (gemmlowp) with one multiplier / shift for all lanes.
struct ScalarMul512 {
  __m512i mult, left, right, rmask, rhalf;
};
struct ScalarMul256 {
  __m256i mult, left, right, rmask, rhalf;
};
EDGERT_AVX512VNNI inline ScalarMul512 MakeMul512(int32_t mult, int shift) {
  const int right = shift > 0 ? 0 : -shift;
  const int32_t rmask = static_cast<int32_t>((1LL << right) - 1);
  return {_mm512_set1_epi32(mult), _mm512_set1_epi32(shift > 0 ? shift : 0), _mm512_set1_epi32(right),
          _mm512_set1_epi32(rmask), _mm512_set1_epi32(rmask >> 1)};
}
EDGERT_AVX2 inline ScalarMul256 MakeMul256(int32_t mult, int shift) {
  const int right = shift > 0 ? 0 : -shift;
  const int32_t rmask = static_cast<int32_t>((1LL << right) - 1);
  return {_mm256_set1_epi32(mult), _mm256_set1_epi32(shift > 0 ? shift : 0), _mm256_set1_epi32(right),
          _mm256_set1_epi32(rmask), _mm256_set1_epi32(rmask >> 1)};
}
EDGERT_AVX512VNNI inline __m512i MulGemmlowp512(__m512i x, const ScalarMul512& m) {
  return DivideByPOT512(HighMul512(_mm512_sllv_epi32(x, m.left), m.mult), m.right, m.rmask, m.rhalf);
}
EDGERT_AVX2 inline __m256i MulGemmlowp256(__m256i x, const ScalarMul256& m) {
  return DivideByPOT256(HighMul256(_mm256_sllv_epi32(x, m.left), m.mult), m.right, m.rmask, m.rhalf);
}

// Requantization of 16 channels from n0 with everything per channel loaded once (a GEMM tile applies it to each
// of its rows; loading inside the row loop would repeat the loads after every byte store, which may alias).
template <int MODE>
struct Requant512 {
  __m512i zp, lo, hi, left, m, m_odd, a, b, c, d;
  __m512 scale;
  bool any_left;
  Requant512() = default;
  EDGERT_AVX512VNNI Requant512(const PackedGemm& g, int n0, const OpParams& p)
      : zp(_mm512_set1_epi32(p.out_zp)), lo(_mm512_set1_epi32(p.act_min)), hi(_mm512_set1_epi32(p.act_max)),
        any_left(g.any_left) {
    if (MODE == EDGERT_REQUANT_FP32) {
      scale = _mm512_loadu_ps(g.fscale.data() + n0);
      return;
    }
    left = any_left ? _mm512_loadu_si512(g.left.data() + n0) : _mm512_setzero_si512();
    m = _mm512_loadu_si512(g.mult.data() + n0);
    m_odd = _mm512_loadu_si512(g.mult_odd.data() + n0);
    if (MODE == EDGERT_REQUANT_GEMMLOWP_UP) {  // one rounding: (p + rc) >> (31 + right) per 64-bit product
      a = _mm512_loadu_si512(g.up_rc_even.data() + n0 / 2);
      b = _mm512_loadu_si512(g.up_rc_odd.data() + n0 / 2);
      c = _mm512_loadu_si512(g.up_sh_even.data() + n0 / 2);
      d = _mm512_loadu_si512(g.up_sh_odd.data() + n0 / 2);
    } else {
      a = _mm512_loadu_si512(g.right.data() + n0);
      b = _mm512_loadu_si512(g.rmask.data() + n0);
      c = _mm512_loadu_si512(g.rhalf.data() + n0);
    }
  }
  EDGERT_AVX512VNNI __m512i Apply(__m512i acc) const {
    __m512i r;
    if (MODE == EDGERT_REQUANT_FP32) {
      __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), scale);
      f = _mm512_min_ps(_mm512_max_ps(f, _mm512_set1_ps(-16777216.0f)), _mm512_set1_ps(16777216.0f));
      r = _mm512_cvtps_epi32(f);
    } else if (MODE == EDGERT_REQUANT_GEMMLOWP_UP) {
      const __m512i x = any_left ? _mm512_sllv_epi32(acc, left) : acc;
      const __m512i even = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, m), a), c);
      const __m512i odd = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), m_odd), b), d);
      r = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
    } else {
      const __m512i x = any_left ? _mm512_sllv_epi32(acc, left) : acc;
      const __m512i r30 = _mm512_set1_epi64(1LL << 30);
      __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, m), r30);
      __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), m_odd), r30);
      even = _mm512_srli_epi64(even, 31);
      odd = _mm512_slli_epi64(odd, 1);
      const __m512i high = _mm512_mask_blend_epi32(0xAAAA, even, odd);
      r = _mm512_srav_epi32(high, a);
      const __m512i rem = _mm512_and_si512(high, b);
      const __m512i thr = _mm512_sub_epi32(c, _mm512_srai_epi32(high, 31));
      r = _mm512_mask_add_epi32(r, _mm512_cmpgt_epi32_mask(rem, thr), r, _mm512_set1_epi32(1));
    }
    r = _mm512_add_epi32(r, zp);
    return _mm512_min_epi32(_mm512_max_epi32(r, lo), hi);
  }
};

// n (1..8) bytes at src zero-extended to 64 bits, and the low n bytes of v stored at dst: the 8-byte case (whole
// vectors) as one load / store, memcpy only for tails (a memcpy of a variable size is a library call; one per
// 8 outputs made the AVX2 depthwise and ADD kernels several times slower).
inline int64_t LoadLow8(const void* src, int n) {
  int64_t bytes = 0;
  if (n == 8) {
    memcpy(&bytes, src, 8);
  } else if (n == 1) {
    bytes = *static_cast<const uint8_t*>(src);
  } else {
    memcpy(&bytes, src, n);
  }
  return bytes;
}

inline void StoreLow8(void* dst, int64_t v, int n) {
  if (n == 8) {
    memcpy(dst, &v, 8);
  } else {
    memcpy(dst, &v, n);
  }
}

EDGERT_AVX2 inline __m256i Load(const int32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

template <int MODE>
EDGERT_AVX2 inline __m256i Requant(__m256i acc, const PackedGemm& g, int n0, __m256i zp, __m256i lo, __m256i hi) {
  __m256i r;
  if (MODE == EDGERT_REQUANT_FP32) {
    __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(g.fscale.data() + n0));
    f = _mm256_min_ps(_mm256_max_ps(f, _mm256_set1_ps(-16777216.0f)), _mm256_set1_ps(16777216.0f));
    r = _mm256_cvtps_epi32(f);
  } else {
    const __m256i x = g.any_left ? _mm256_sllv_epi32(acc, Load(g.left.data() + n0)) : acc;
    const __m256i m = Load(g.mult.data() + n0);
    const __m256i r30 = _mm256_set1_epi64x(1LL << 30);
    __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, m), r30);
    __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), Load(g.mult_odd.data() + n0)), r30);
    even = _mm256_srli_epi64(even, 31);
    odd = _mm256_slli_epi64(odd, 1);
    const __m256i high = _mm256_blend_epi32(even, odd, 0xAA);
    r = _mm256_srav_epi32(high, Load(g.right.data() + n0));
    if (MODE == EDGERT_REQUANT_GEMMLOWP) {
      const __m256i rem = _mm256_and_si256(high, Load(g.rmask.data() + n0));
      const __m256i thr = _mm256_sub_epi32(Load(g.rhalf.data() + n0), _mm256_srai_epi32(high, 31));
      r = _mm256_sub_epi32(r, _mm256_cmpgt_epi32(rem, thr));  // true lanes are -1
    } else {
      const __m256i bit = _mm256_srlv_epi32(high, Load(g.right_m1.data() + n0));
      r = _mm256_add_epi32(r, _mm256_and_si256(bit, _mm256_set1_epi32(1)));
    }
  }
  r = _mm256_add_epi32(r, zp);
  return _mm256_min_epi32(_mm256_max_epi32(r, lo), hi);
}

// One tile row of 16 requantized channels (v0: 0-7, v1: 8-15, already clamped) as bytes (U8: unsigned
// saturation), the first nvalid of them.
template <bool U8>
EDGERT_AVX2 inline void StoreRow16(__m256i v0, __m256i v1, int8_t* dst, int nvalid) {
  // int32 -> int16 per 128-bit lane: [v0 lo, v1 lo | v0 hi, v1 hi]; the permute puts the 16 values in order
  const __m256i w16 = _mm256_permute4x64_epi64(_mm256_packs_epi32(v0, v1), 0xD8);
  const __m128i lo16 = _mm256_castsi256_si128(w16), hi16 = _mm256_extracti128_si256(w16, 1);
  const __m128i b8 = U8 ? _mm_packus_epi16(lo16, hi16) : _mm_packs_epi16(lo16, hi16);
  if (nvalid >= 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), b8);
  } else {
    int8_t tmp[16];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), b8);
    memcpy(dst, tmp, static_cast<size_t>(nvalid));
  }
}

// The MR x 16-channel tiles of the 256-bit GEMMs (AVX2 and AVX-VNNI), around their K loop: acc[r][0..1] hold row r's
// channels n0..n0+7 and n0+8..n0+15. Start: every row at the bias.
template <int MR>
EDGERT_AVX2 __attribute__((always_inline)) inline void StartRows16(__m256i (&acc)[MR][2], const PackedGemm& g, int n0) {
  const __m256i b0 = Load(g.bias.data() + n0), b1 = Load(g.bias.data() + n0 + 8);
#pragma GCC unroll 4
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = b0;
    acc[r][1] = b1;
  }
}
// Finish: row r plus row_add[r] when given (qu8 row sums x (128 - filter_zp), wrapping), requantized, stored.
template <int MR, int MODE, bool U8>
EDGERT_AVX2 __attribute__((always_inline)) inline void FinishRows16(__m256i (&acc)[MR][2], const PackedGemm& g, int n0,
                                                                   const OpParams& p, int8_t* c, int64_t c_stride,
                                                                   int nvalid, const int32_t* rowsum) {
  const __m256i zp = _mm256_set1_epi32(p.out_zp);
  const __m256i lo = _mm256_set1_epi32(p.act_min);
  const __m256i hi = _mm256_set1_epi32(p.act_max);
#pragma GCC unroll 4
  for (int r = 0; r < MR; ++r) {
    __m256i s0 = acc[r][0], s1 = acc[r][1];
    if (rowsum != nullptr) {
      const uint32_t t = static_cast<uint32_t>(g.a_sum_mult) * static_cast<uint32_t>(rowsum[r]);  // wrapping
      const __m256i vt = _mm256_set1_epi32(static_cast<int32_t>(t));
      s0 = _mm256_add_epi32(s0, vt);
      s1 = _mm256_add_epi32(s1, vt);
    }
    StoreRow16<U8>(Requant<MODE>(s0, g, n0, zp, lo, hi), Requant<MODE>(s1, g, n0 + 8, zp, lo, hi), c + r * c_stride,
                   nvalid);
  }
}

}  // namespace kernels
}  // namespace edgert

#endif  // EDGERT_KERNELS_REQUANT_X86_H_
