// qs8 ADD / SUB without broadcasting (both inputs shaped like the output), GEMMLOWP mode only: TFLite's
// left-shift scheme of ref/elementwise.cc (inputs - zero point, << 20, each times its multiplier, summed, times
// the output multiplier, + zero point, clamp), 16 lanes (AVX-512 F/BW/VL, listed in the avx512vnni tier) or 8
// lanes (AVX2) of int32, each MultiplyByQuantizedMultiplier vectorized bit-exactly (kernels/requant_x86.h). SUB
// is the same kernel with input 2's multiplier negated at prepare, as the reference.
#include <string.h>

#include <algorithm>

#include "kernels/add-qs8/vadd_qs8.h"
#include "kernels/requant_x86.h"
#include "plan/parallel.h"

namespace edgert {
namespace kernels {

bool VaddApplies(const OpParams& p) {
  int64_t stride = 1;
  for (int d = kMaxRank - 1; d >= 0; --d) {
    if (p.out_dims[d] != 1 && (p.in1_strides[d] != stride || p.in2_strides[d] != stride)) return false;
    stride *= p.out_dims[d];
  }
  return true;
}

namespace {

// XNNPACK's scheme (FP32 mode, p.xnn_add, ref/elementwise.cc): acc = xnn_bias + a * in1_mult + b * in2_mult in
// int32 (vpmulld), >> xnn_shift, clamped to the activation range less the output zero point, + zero point.
template <bool U8>
EDGERT_AVX512VNNI void VaddXnn16(const OpParams& p, uint8_t* arena, int64_t begin, int64_t end) {
  const int8_t* a = TensorData<const int8_t>(p.in[0], arena);
  const int8_t* b = TensorData<const int8_t>(p.in[1], arena);
  int8_t* out = TensorData<int8_t>(p.out[0], arena);
  const __m512i bias = _mm512_set1_epi32(p.xnn_bias), m1 = _mm512_set1_epi32(p.in1_mult), m2 = _mm512_set1_epi32(p.in2_mult);
  const __m128i shift = _mm_cvtsi32_si128(p.xnn_shift);
  const __m512i zo = _mm512_set1_epi32(p.out_zp);
  const __m512i lo = _mm512_set1_epi32(p.act_min - p.out_zp), hi = _mm512_set1_epi32(p.act_max - p.out_zp);
  for (int64_t i = begin; i < end; i += 16) {
    const int64_t left = end - i;
    const __mmask16 mask = left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
    const __m128i ra = _mm_maskz_loadu_epi8(mask, a + i), rb = _mm_maskz_loadu_epi8(mask, b + i);
    const __m512i va = U8 ? _mm512_cvtepu8_epi32(ra) : _mm512_cvtepi8_epi32(ra);
    const __m512i vb = U8 ? _mm512_cvtepu8_epi32(rb) : _mm512_cvtepi8_epi32(rb);
    __m512i acc = _mm512_add_epi32(_mm512_add_epi32(bias, _mm512_mullo_epi32(va, m1)), _mm512_mullo_epi32(vb, m2));
    acc = _mm512_min_epi32(_mm512_max_epi32(_mm512_sra_epi32(acc, shift), lo), hi);
    _mm_mask_storeu_epi8(out + i, mask, _mm512_cvtepi32_epi8(_mm512_add_epi32(acc, zo)));
  }
}

// Elements [begin, end) of the output (U8: uint8 ops, the clamp keeps results in [0, 255]).
template <bool U8>
EDGERT_AVX512VNNI void Vadd16(const OpParams& p, uint8_t* arena, int64_t begin, int64_t end) {
  const int8_t* a = TensorData<const int8_t>(p.in[0], arena);
  const int8_t* b = TensorData<const int8_t>(p.in[1], arena);
  int8_t* out = TensorData<int8_t>(p.out[0], arena);
  const ScalarMul512 m1 = MakeMul512(p.in1_mult, p.in1_shift);
  const ScalarMul512 m2 = MakeMul512(p.in2_mult, p.in2_shift);
  const ScalarMul512 mo = MakeMul512(p.out_mult, p.out_shift);
  const __m512i zp1 = _mm512_set1_epi32(p.in_zp), zp2 = _mm512_set1_epi32(p.in2_zp);
  const __m512i zo = _mm512_set1_epi32(p.out_zp), lo = _mm512_set1_epi32(p.act_min), hi = _mm512_set1_epi32(p.act_max);
  const __m512i ls = _mm512_set1_epi32(p.left_shift);
  for (int64_t i = begin; i < end; i += 16) {
    const int64_t left = end - i;
    const __mmask16 mask = left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
    const __m128i ra = _mm_maskz_loadu_epi8(mask, a + i), rb = _mm_maskz_loadu_epi8(mask, b + i);
    const __m512i va = _mm512_sub_epi32(U8 ? _mm512_cvtepu8_epi32(ra) : _mm512_cvtepi8_epi32(ra), zp1);
    const __m512i vb = _mm512_sub_epi32(U8 ? _mm512_cvtepu8_epi32(rb) : _mm512_cvtepi8_epi32(rb), zp2);
    const __m512i r1 = MulGemmlowp512(_mm512_sllv_epi32(va, ls), m1);
    const __m512i r2 = MulGemmlowp512(_mm512_sllv_epi32(vb, ls), m2);
    __m512i r = _mm512_add_epi32(MulGemmlowp512(_mm512_add_epi32(r1, r2), mo), zo);
    r = _mm512_min_epi32(_mm512_max_epi32(r, lo), hi);
    _mm_mask_storeu_epi8(out + i, mask, _mm512_cvtepi32_epi8(r));
  }
}

EDGERT_AVX2 void Vadd8(const OpParams& p, uint8_t* arena, int64_t begin, int64_t end) {
  const int8_t* a = TensorData<const int8_t>(p.in[0], arena);
  const int8_t* b = TensorData<const int8_t>(p.in[1], arena);
  int8_t* out = TensorData<int8_t>(p.out[0], arena);
  const ScalarMul256 m1 = MakeMul256(p.in1_mult, p.in1_shift);
  const ScalarMul256 m2 = MakeMul256(p.in2_mult, p.in2_shift);
  const ScalarMul256 mo = MakeMul256(p.out_mult, p.out_shift);
  const __m256i zp1 = _mm256_set1_epi32(p.in_zp), zp2 = _mm256_set1_epi32(p.in2_zp);
  const __m256i zo = _mm256_set1_epi32(p.out_zp), lo = _mm256_set1_epi32(p.act_min), hi = _mm256_set1_epi32(p.act_max);
  const __m256i ls = _mm256_set1_epi32(p.left_shift);
  for (int64_t i = begin; i < end; i += 8) {
    const int nv = static_cast<int>(std::min<int64_t>(8, end - i));
    const int64_t ba = LoadLow8(a + i, nv), bb = LoadLow8(b + i, nv);
    const __m256i va = _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(ba)), zp1);
    const __m256i vb = _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bb)), zp2);
    const __m256i r1 = MulGemmlowp256(_mm256_sllv_epi32(va, ls), m1);
    const __m256i r2 = MulGemmlowp256(_mm256_sllv_epi32(vb, ls), m2);
    __m256i r = _mm256_add_epi32(MulGemmlowp256(_mm256_add_epi32(r1, r2), mo), zo);
    r = _mm256_min_epi32(_mm256_max_epi32(r, lo), hi);
    const __m128i w16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    StoreLow8(out + i, _mm_cvtsi128_si64(_mm_packs_epi16(w16, w16)), nv);
  }
}

// Chunks of whole cache lines; an element costs about as much as a few multiply-adds of a GEMM.
void VaddParallel(const OpParams& p, uint8_t* arena, void (*range)(const OpParams&, uint8_t*, int64_t, int64_t)) {
  const int64_t work = p.count * 8;
  const int threads = UsableThreads(p, work);
  const Split s = SplitRange(p.count, threads == 1 ? 1 : 4 * threads, 64, 4096);
  ParallelFor(p, s.parts, work, [&](int, int task) { range(p, arena, s.Begin(task), s.End(task)); });
}

}  // namespace

void add_qs8_vadd_avx512vnni(const OpParams& p, uint8_t* arena) {
  VaddParallel(p, arena, p.xnn_add ? VaddXnn16<false> : Vadd16<false>);
}
void add_qu8_vadd_avx512vnni(const OpParams& p, uint8_t* arena) {
  VaddParallel(p, arena, p.xnn_add ? VaddXnn16<true> : Vadd16<true>);
}
void add_qs8_vadd_avx2(const OpParams& p, uint8_t* arena) { VaddParallel(p, arena, Vadd8); }

}  // namespace kernels
}  // namespace edgert
