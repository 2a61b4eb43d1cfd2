// One-input ops, exhaustive over the 256 input values: SOFTMAX (rows with all-min, one max, all-max; beta),
// LOGISTIC / TANH lookup tables, HARD_SWISH (fixed point, both reluish exponent signs), LEAKY_RELU, RELU family
// (output params different from input), QUANTIZE float -> q (half-way values, huge values) and q -> q, DEQUANTIZE.
#include "unary_tester.h"

using edgert_test::UnaryTester;
using edgert_test::kF32;
using edgert_test::kI8;
using edgert_test::kU8;

namespace {

// Sanity check outside the fixed-point oracle: HARD_SWISH stays within one step of the float function
// x * relu6(x + 3) / 6, and LOGISTIC / TANH tables within half a step plus float noise.
void FloatSanity() {
  const float in_s = 0.05f, out_s = 0.03f;
  const int in_zp = 3, out_zp = -10;
  for (int op : {117, 14, 28}) {
    const float os = op == 117 ? out_s : op == 14 ? 1.0f / 256 : 1.0f / 128;
    const int oz = op == 117 ? out_zp : op == 14 ? -128 : 0;
    edgert_test::PlanBuilder b(EDGERT_REQUANT_GEMMLOWP);
    const int x = b.Act(kI8, {256}, in_s, in_zp);
    const int64_t off = b.next_offset;
    const int y = b.Act(kI8, {256}, os, oz);
    b.Op(op, nullptr, {x}, {y});
    EXPECT_TRUE(edgert_plan_prepare(b.plan) == 0, "prepare %s", edgert_plan_error(b.plan));
    uint8_t* arena = b.Arena();
    for (int i = 0; i < 256; ++i) arena[i] = static_cast<uint8_t>(i);
    edgert_plan_run(b.plan, arena, nullptr);
    for (int i = 0; i < 256; ++i) {
      const float v = in_s * (static_cast<int8_t>(i) - in_zp);
      const float f = op == 117 ? v * std::min(std::max(v + 3.0f, 0.0f), 6.0f) / 6.0f : op == 14 ? 1.0f / (1.0f + std::exp(-v)) : std::tanh(v);
      const float want = std::min(std::max(f / os + oz, -128.0f), 127.0f);
      const int got = static_cast<int8_t>(arena[off + i]);
      EXPECT_TRUE(std::fabs(got - want) <= (op == 117 ? 1.0f : 0.51f), "op %d x=%d: got %d, float %.3f", op, static_cast<int8_t>(i), got, want);
    }
  }
}

// QUANTIZE of values outside int32 after scaling: TFLite's double -> int32 cast is undefined in C++; the compiled
// x86 code yields INT32_MIN (so even +1e30 lands on qmin), arm64 saturates. edgert reproduces the hardware.
void QuantizeOutOfRange() {
  edgert_test::PlanBuilder b(EDGERT_REQUANT_GEMMLOWP);
  const int x = b.Act(kF32, {4});
  const int64_t off = b.next_offset;
  const int y = b.Act(kI8, {4}, 0.1f, 5);
  b.Op(114, nullptr, {x}, {y});
  EXPECT_TRUE(edgert_plan_prepare(b.plan) == 0, "prepare %s", edgert_plan_error(b.plan));
  uint8_t* arena = b.Arena();
  const float v[4] = {1e30f, -1e30f, std::nanf(""), 12.3f};
  memcpy(arena, v, sizeof(v));
  edgert_plan_run(b.plan, arena, nullptr);
  const int8_t* o = reinterpret_cast<const int8_t*>(arena + off);
#if defined(__x86_64__)
  EXPECT_TRUE(o[0] == -128 && o[1] == -128 && o[2] == -128, "x86: %d %d %d", o[0], o[1], o[2]);
#elif defined(__aarch64__)
  // fcvtzs saturates (+1e30 -> INT32_MAX, NaN -> 0), then + zero point 5 wraps as TFLite's int32 add does on the
  // hardware (INT32_MAX + 5 < 0), so +1e30 also lands on qmin; NaN gives the zero point.
  EXPECT_TRUE(o[0] == -128 && o[1] == -128 && o[2] == 5, "arm64: %d %d %d", o[0], o[1], o[2]);
#endif
  EXPECT_TRUE(o[3] == 127, "12.3 / 0.1 + 5 saturates: %d", o[3]);
}

// A float a few units in the last place from a tie (k + 0.5) * scale: where a variant that divides faster than
// x / double(scale) (the AVX-512 one multiplies by the inverse) could round differently.
float NearTie(edgert_test::Rng& rng, float scale) {
  float v = (rng.Int(-20000, 20000) + 0.5f) * scale;
  for (int steps = rng.Int(-6, 6); steps != 0; steps += steps > 0 ? -1 : 1) {
    v = std::nextafterf(v, steps > 0 ? INFINITY : -INFINITY);
  }
  return v;
}

// Every QUANTIZE float -> q8 variant against quantize_f32_q8_ref on odd lengths (vector tails) with exact ties,
// values a few ulps from ties,
// NaN, infinities, values beyond int32 after scaling, denormals and random scales / zero points, in each mode the
// variant declares.
void QuantizeVariantsMatchRef() {
  edgert_test::Rng rng(2024);
  for (int dt : {kI8, edgert_test::kU8}) {
    const std::string ref_id = dt == kI8 ? "quantize_f32_qs8_ref" : "quantize_f32_qu8_ref";
    const std::string prefix = dt == kI8 ? "quantize_f32_qs8_" : "quantize_f32_qu8_";
    for (int i = 0; i < edgert_kernel_count(); ++i) {
      const std::string id = edgert_kernel_id(i);
      if (id.rfind(prefix, 0) != 0 || id == ref_id || !edgert_kernel_enabled(i)) continue;
      int runs = 0;
      for (int mode : {EDGERT_REQUANT_GEMMLOWP, EDGERT_REQUANT_SINGLE, EDGERT_REQUANT_FP32}) {
        if ((edgert_kernel_requant_modes(i) & (1 << mode)) == 0) continue;
        for (int trial = 0; trial < 30; ++trial) {
          const int n = rng.Int(1, 100);
          const float scale = rng.Float(0.0005f, 2.0f);
          const int zp = dt == kI8 ? rng.Int(-128, 127) : rng.Int(0, 255);
          std::vector<float> v(n);
          for (int k = 0; k < n; ++k) {
            const int pick = rng.Int(0, 9);
            v[k] = pick == 0 ? (rng.Int(-400, 400) + 0.5f) * scale
                   : pick == 1 ? std::nanf("")
                   : pick == 2 ? (rng.Int(0, 1) ? INFINITY : -INFINITY)
                   : pick == 3 ? rng.Float(-1e30f, 1e30f)
                   : pick == 4 ? rng.Float(-3e9f, 3e9f) * scale
                   : pick == 5 ? 1e-40f * rng.Int(-5, 5)
                   : pick == 6 ? NearTie(rng, scale)
                               : rng.Float(-300.0f, 300.0f) * scale;
          }
          std::vector<int8_t> got(n), want(n);
          for (int pass = 0; pass < 2; ++pass) {
            edgert_test::PlanBuilder b(mode);
            const int x = b.Act(kF32, {n});
            const int64_t off = b.next_offset;
            const int y = b.Act(dt, {n}, scale, zp);
            b.Op(114, pass == 0 ? id.c_str() : ref_id.c_str(), {x}, {y});
            EXPECT_TRUE(edgert_plan_prepare(b.plan) == 0, "%s prepare %s", id.c_str(), edgert_plan_error(b.plan));
            uint8_t* arena = b.Arena();
            memcpy(arena, v.data(), n * sizeof(float));
            EXPECT_TRUE(edgert_plan_run(b.plan, arena, nullptr) == 0, "run");
            memcpy(pass == 0 ? got.data() : want.data(), arena + off, n);
            EXPECT_TRUE(arena[off + n] == 0xCD, "%s wrote past the output (n %d)", id.c_str(), n);
          }
          for (int k = 0; k < n; ++k) {
            EXPECT_TRUE(got[k] == want[k], "%s mode %d: x %g scale %g zp %d: got %d want %d", id.c_str(), mode, v[k], scale,
                        zp, got[k], want[k]);
          }
          ++runs;
        }
      }
      printf("  covered %s against %s (%d runs)\n", id.c_str(), ref_id.c_str(), runs);
    }
  }
}

}  // namespace

int main() {
  FloatSanity();
  QuantizeOutOfRange();
  QuantizeVariantsMatchRef();
  int runs = 0;
  uint64_t seed = 1001;
  for (int mode : {EDGERT_REQUANT_GEMMLOWP, EDGERT_REQUANT_SINGLE, EDGERT_REQUANT_FP32}) {
    for (int dt : {kI8, kU8}) {
      const bool s8 = dt == kI8;
      const int zlo = s8 ? -128 : 0, zhi = s8 ? 127 : 255, zmid = s8 ? 3 : 130;
      for (float in_s : {0.01f, 0.1f, 0.5f}) {
        for (float beta : {1.0f, 0.5f}) {
          for (int row : {1, 10, 1001}) {
            runs += UnaryTester().op(25).types(dt, dt).mode(mode).input_params(in_s, zmid).output_params(1.0f / 256, zlo).beta(beta)
                        .row(row).seed(seed++).Test("softmax");
          }
        }
        for (int zin : {zlo, zmid, zhi}) {
          runs += UnaryTester().op(14).types(dt, dt).mode(mode).input_params(in_s, zin).output_params(1.0f / 256, zlo).Test("logistic");
          runs += UnaryTester().op(28).types(dt, dt).mode(mode).input_params(in_s, zin).output_params(1.0f / 128, s8 ? 0 : 128).Test("tanh");
          for (float out_s : {0.02f, in_s, 0.3f}) {
            runs += UnaryTester().op(117).types(dt, dt).mode(mode).input_params(in_s, zin).output_params(out_s, zmid).Test("hard_swish");
            runs += UnaryTester().op(98).types(dt, dt).mode(mode).input_params(in_s, zin).output_params(out_s, zmid).alpha(0.1f).Test("leaky_relu");
            for (int op : {19, 20, 21}) {
              runs += UnaryTester().op(op).types(dt, dt).mode(mode).input_params(in_s, zin).output_params(out_s, s8 ? -100 : 30).Test("relu");
            }
            for (int out_t : {kI8, kU8}) {
              runs += UnaryTester().op(114).types(dt, out_t).mode(mode).input_params(in_s, zin).output_params(out_s, out_t == kI8 ? -5 : 250)
                          .Test("requantize");
            }
          }
        }
        runs += UnaryTester().op(114).types(kF32, dt).mode(mode).output_params(in_s, zmid).seed(seed++).Test("quantize");
        runs += UnaryTester().op(114).types(kF32, dt).mode(mode).output_params(in_s, zhi).seed(seed++).Test("quantize");
        runs += UnaryTester().op(6).types(dt, kF32).mode(mode).input_params(in_s, zlo).Test("dequantize");
        runs += UnaryTester().op(6).types(dt, kF32).mode(mode).input_params(in_s, zmid).Test("dequantize");
      }
    }
  }
  printf("unary_test: %d variant runs\n", runs);
  for (int b : {25, 14, 28, 117, 98, 19, 20, 21, 114, 6}) {
    for (int i = 0; i < edgert_kernel_count(); ++i) {
      if (edgert_kernel_builtin(i) == b) printf("  covered %s\n", edgert_kernel_id(i));
    }
  }
  return edgert_test::Finish("unary_test");
}
