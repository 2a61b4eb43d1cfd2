// edgert_cpu_int8_peak_gops on x86-64: the int8 multiply-add rate one core sustains with the instruction the GEMM
// kernels are built on, vpdpbusd on 512-bit registers (64 multiply-adds each), 16 independent accumulators (its
// latency needs more than 8 in flight). 0 on CPUs without AVX-512 VNNI: no VNNI kernel runs there either.
#include <immintrin.h>

#include <chrono>

#include "cpu/peak.h"
#include "edgert/plan.h"

namespace edgert {
namespace {

// n iterations of 16 vpdpbusd on named accumulators (an array of them went through the stack); the returned sum
// keeps the loop from being removed.
#define EDGERT_DPBUSD(acc) __asm__ volatile("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(y))
__attribute__((target("avx512f,avx512bw,avx512vnni"), noinline)) int32_t DpbusdLoop(int64_t n) {
  const __m512i x = _mm512_set1_epi8(1), y = _mm512_set1_epi8(2);
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0,
          a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
  for (int64_t i = 0; i < n; ++i) {
    EDGERT_DPBUSD(a0); EDGERT_DPBUSD(a1); EDGERT_DPBUSD(a2); EDGERT_DPBUSD(a3);
    EDGERT_DPBUSD(a4); EDGERT_DPBUSD(a5); EDGERT_DPBUSD(a6); EDGERT_DPBUSD(a7);
    EDGERT_DPBUSD(a8); EDGERT_DPBUSD(a9); EDGERT_DPBUSD(a10); EDGERT_DPBUSD(a11);
    EDGERT_DPBUSD(a12); EDGERT_DPBUSD(a13); EDGERT_DPBUSD(a14); EDGERT_DPBUSD(a15);
  }
  const __m512i s = _mm512_add_epi32(
      _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)),
                       _mm512_add_epi32(_mm512_add_epi32(a4, a5), _mm512_add_epi32(a6, a7))),
      _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a8, a9), _mm512_add_epi32(a10, a11)),
                       _mm512_add_epi32(_mm512_add_epi32(a12, a13), _mm512_add_epi32(a14, a15))));
  alignas(64) int32_t lanes[16];
  _mm512_store_si512(lanes, s);
  return lanes[0];
}
#undef EDGERT_DPBUSD

}  // namespace

double Int8PeakGops(int millis) {
  if ((edgert_cpu_features() & EDGERT_CPU_AVX512VNNI) == 0) return 0.0;
  return BestRate(millis, [](int64_t n) { return DpbusdLoop(n); }, 16 * 64);
}

}  // namespace edgert
