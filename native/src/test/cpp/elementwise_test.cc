// ADD / SUB / MUL against the oracle: same shapes and broadcasting, zero points at the extremes, scale ratios
// (one input dominating, output multiplier tiny or > 1), saturation, fused activations, all requant modes.
#include "elementwise_tester.h"

using edgert_test::ElementwiseTester;

namespace {

int RunCases() {
  int runs = 0;
  uint64_t seed = 11;
  for (int mode : {EDGERT_REQUANT_GEMMLOWP, EDGERT_REQUANT_SINGLE, EDGERT_REQUANT_FP32}) {
    for (int dt : {edgert_test::kI8, edgert_test::kU8}) {
      const bool s8 = dt == edgert_test::kI8;
      const int zlo = s8 ? -128 : 0, zhi = s8 ? 127 : 255, zmid = s8 ? 5 : 131;
      for (int op : {0, 41, 18}) {
        const std::vector<std::vector<int32_t>> shapes[] = {
            {{2, 3, 4}, {2, 3, 4}}, {{1, 4, 4, 3}, {3}}, {{1, 4, 4, 3}, {1, 1, 1, 3}}, {{2, 1, 5}, {1, 3, 1}}, {{7}, {1}}};
        for (const auto& s : shapes) {
          runs += ElementwiseTester().op(op).dtype(dt).mode(mode).shapes(s[0], s[1]).zero_points(zmid, -zmid / 2 + (s8 ? 0 : 100), zmid)
                      .scales(0.07f, 0.03f, 0.05f).seed(seed++).Test("broadcast");
        }
        for (int za : {zlo, zhi}) {
          for (int zo : {zlo, zhi}) {
            runs += ElementwiseTester().op(op).dtype(dt).mode(mode).zero_points(za, zhi - za + zlo, zo).scales(0.5f, 0.25f, 0.01f)
                        .seed(seed++).Test("extreme zero points");
          }
        }
        const float ratios[][3] = {{1.0f, 1.0f, 1.0f}, {0.001f, 1.0f, 0.5f}, {1.0f, 0.0001f, 3.0f}, {0.02f, 0.03f, 0.0001f},
                                   {0.5f, 0.5f, 40.0f}, {0.1f, 0.1f, 0.1f}};
        for (const auto& r : ratios) {
          runs += ElementwiseTester().op(op).dtype(dt).mode(mode).zero_points(zmid, zmid, zmid).scales(r[0], r[1], r[2]).seed(seed++)
                      .Test("scale ratios");
        }
        for (int act : {1, 2, 3}) {
          runs += ElementwiseTester().op(op).dtype(dt).mode(mode).zero_points(zmid, zlo, s8 ? -10 : 20).scales(0.05f, 0.04f, 0.03f)
                      .activation(act).seed(seed++).Test("activation");
        }
      }
    }
  }
  // Same-shape inputs of random sizes (vector tails) and scales, for the no-broadcast SIMD variants.
  edgert_test::Rng rng(77);
  for (int i = 0; i < 120; ++i) {
    const int mode = i % 3 == 0 ? EDGERT_REQUANT_SINGLE : i % 3 == 1 ? EDGERT_REQUANT_GEMMLOWP : EDGERT_REQUANT_FP32;
    const int dt = i % 4 == 3 ? edgert_test::kU8 : edgert_test::kI8;
    const bool s8 = dt == edgert_test::kI8;
    const std::vector<int32_t> shape = {rng.Int(1, 2), rng.Int(1, 9), rng.Int(1, 9), rng.Int(1, 40)};
    const int lo = s8 ? -128 : 0, hi = s8 ? 127 : 255;
    runs += ElementwiseTester().op(i % 5 == 4 ? 41 : i % 7 == 6 ? 18 : 0).dtype(dt).mode(mode).shapes(shape, shape)
                .zero_points(rng.Int(lo, hi), rng.Int(lo, hi), rng.Int(lo, hi))
                .scales(rng.Float(0.001f, 1.0f), rng.Float(0.001f, 1.0f), rng.Float(0.001f, 2.0f)).activation(rng.Int(0, 3))
                .seed(seed++).Test("random same shape");
  }
  return runs;
}

}  // namespace

// Every case on 1, 2 and 3 threads (test_util.h ForThreadCounts).
int main() {
  const int runs = edgert_test::ForThreadCounts(RunCases);
  printf("elementwise_test: %d variant runs\n", runs);
  for (const auto& kv : ElementwiseTester::Covered()) printf("  covered %s (%d runs)\n", kv.first.c_str(), kv.second);
  for (const auto& kv : ElementwiseTester::Skipped()) printf("  skipped %s x%d\n", kv.first.c_str(), kv.second);
  return edgert_test::Finish("elementwise_test");
}
