// kernels/requant_neon.h against ref/quant.h lane by lane (arm64 builds; elsewhere it only reports a skip): every
// shift from -31 to +30, multipliers at the edges (0, 1, 2^30, 2^31 - 1, negative ones as SUB's negated
// multiplier), accumulators at the edges (INT32_MIN / MAX, 0, +-1) and exact ties of the rounding right shift
// (x * m hitting k * 2^e + 2^(e-1) for positive and negative k), in GEMMLOWP, GEMMLOWP_UP and FP32.
#include <stdio.h>

#include "test_util.h"

#if defined(__aarch64__)
#include <limits>

#include "kernels/requant_neon.h"
#include "ref/quant.h"

namespace {

int32_t Lane0(int32x4_t v) { return vgetq_lane_s32(v, 0); }

void CheckOne(int32_t x, int32_t mult, int shift, float fscale) {
  // Scalar multiplier (ADD's path).
  const edgert::kernels::ScalarMulNeon m = edgert::kernels::MakeMulNeon(mult, shift);
  const int32_t got = Lane0(edgert::kernels::MulGemmlowpNeon(vdupq_n_s32(x), m));
  const int32_t want = edgert::MultiplyGemmlowp(x, mult, shift);
  EXPECT_TRUE(got == want, "MulGemmlowpNeon(%d, %d, %d) = %d, ref %d", x, mult, shift, got, want);
  if (mult < 0) return;  // per-channel vectors hold QuantizeMultiplier's non-negative multipliers
  // Per-channel vectors (GEMM / depthwise path), no clamp (the full int32 range) and zero point 0.
  edgert::PackedGemm g;
  const int right = shift > 0 ? 0 : -shift;
  g.mult.assign(4, mult);
  g.left.assign(4, shift > 0 ? shift : 0);
  g.right.assign(4, right);
  g.fscale.assign(4, fscale);
  g.any_left = shift > 0;
  const int32x4_t zp = vdupq_n_s32(0), lo = vdupq_n_s32(std::numeric_limits<int32_t>::min()),
                  hi = vdupq_n_s32(std::numeric_limits<int32_t>::max());
  const int32x4_t acc = vdupq_n_s32(x);
  const int32_t g1 = Lane0(edgert::kernels::RequantNeon<EDGERT_REQUANT_GEMMLOWP>(acc, g, 0, zp, lo, hi));
  const int32_t g2 = Lane0(edgert::kernels::RequantNeon<EDGERT_REQUANT_GEMMLOWP_UP>(acc, g, 0, zp, lo, hi));
  const int32_t g3 = Lane0(edgert::kernels::RequantNeon<EDGERT_REQUANT_FP32>(acc, g, 0, zp, lo, hi));
  EXPECT_TRUE(g1 == want, "GEMMLOWP(%d, %d, %d) = %d, ref %d", x, mult, shift, g1, want);
  const int32_t up = edgert::MultiplyGemmlowpUp(x, mult, shift);
  EXPECT_TRUE(g2 == up, "GEMMLOWP_UP(%d, %d, %d) = %d, ref %d", x, mult, shift, g2, up);
  const int32_t f = edgert::RequantizeFp32(x, fscale);
  EXPECT_TRUE(g3 == f, "FP32(%d, %g) = %d, ref %d", x, fscale, g3, f);
}

}  // namespace

int main() {
  edgert_test::Rng rng(77);
  const int32_t edge_x[] = {0, 1, -1, 2, -2, 1000, -1000, std::numeric_limits<int32_t>::max(),
                            std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::min() + 1};
  const int32_t edge_m[] = {0, 1, 1 << 30, 0x7FFFFFFF, 1518500250, -(1 << 30), -0x7FFFFFFF, -1518500250};
  int ties = 0;
  for (int shift = -31; shift <= 30; ++shift) {
    for (int32_t m : edge_m) {
      for (int32_t x : edge_x) CheckOne(x, m, shift, 0.001f * static_cast<float>(shift + 32));
      for (int i = 0; i < 300; ++i) {
        const int32_t x = static_cast<int32_t>(rng.Next()) >> rng.Int(0, 31);
        CheckOne(x, m, shift, rng.Float(1e-6f, 4.0f));
      }
    }
    // Ties: multiplier 2^30 makes the high multiply x / 2 exactly (even x), so x = 2 (k 2^e + 2^(e-1)) is a tie
    // of the right shift by e, for both signs of k.
    if (shift < 0) {
      const int e = -shift;
      for (int i = 0; i < 200; ++i) {
        const int64_t k = rng.Int(-1000, 1000);
        const int64_t half = e > 0 ? (1LL << (e - 1)) : 0;
        const int64_t x = 2 * (k * (1LL << e) + half);
        if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) continue;
        CheckOne(static_cast<int32_t>(x), 1 << 30, shift, 0.5f);
        ++ties;
      }
    }
    for (int i = 0; i < 300; ++i) {
      CheckOne(static_cast<int32_t>(rng.Next()), static_cast<int32_t>(rng.Next() >> 1), shift, rng.Float(1e-6f, 4.0f));
    }
  }
  printf("requant_neon_test: %d tie cases\n", ties);
  return edgert_test::Finish("requant_neon_test");
}

#else
int main() {
  printf("requant_neon_test: skipped (not an arm64 build)\n");
  return 0;
}
#endif
