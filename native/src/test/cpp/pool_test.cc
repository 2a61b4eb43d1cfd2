// AVERAGE_POOL_2D / MAX_POOL_2D / MEAN against the oracle: SAME/VALID windows with partial (padded) edges,
// negative sums (int8 rounding half away from zero), activations, MEAN's two TFLite 2.20 paths (H,W keep_dims:
// optimized Mean, integer multiplier on the raw sum plus a float-derived bias; everything else: integer
// reference QuantizedMeanOrSum with 1/n folded into the multiplier, equal or unequal params), extreme zero points.
#include "pool_tester.h"

using edgert_test::PoolTester;

namespace {

int RunCases() {
  int runs = 0;
  uint64_t seed = 101;
  for (int mode : {EDGERT_REQUANT_GEMMLOWP, EDGERT_REQUANT_SINGLE, EDGERT_REQUANT_FP32}) {
    for (int dt : {edgert_test::kI8, edgert_test::kU8}) {
      const bool s8 = dt == edgert_test::kI8;
      const int zlo = s8 ? -128 : 0, zhi = s8 ? 127 : 255;
      for (int op : {1, 17}) {
        for (int padding : {0, 1}) {
          for (int act : {0, 1, 3}) {
            runs += PoolTester().op(op).dtype(dt).mode(mode).input(2, 7, 6, 3).window(3, 2).stride(2, 2).padding(padding)
                        .activation(act).params(0.05f, s8 ? -7 : 120, 0.05f, s8 ? -7 : 120).seed(seed++).Test("window");
          }
        }
        runs += PoolTester().op(op).dtype(dt).mode(mode).input(1, 5, 5, 2).window(5, 5).stride(1, 1).padding(0)
                    .params(0.02f, zhi, 0.02f, zhi).seed(seed++).Test("global-ish");
      }
      struct MeanCase {
        std::vector<int32_t> axes;
        bool keep;
        float in_s, out_s;
        int in_zp, out_zp;
      };
      const MeanCase cases[] = {
          {{1, 2}, true, 0.05f, 0.05f, s8 ? -3 : 128, s8 ? -3 : 128},   // HW path, equal params
          {{2, 1}, true, 0.05f, 0.02f, s8 ? 10 : 100, s8 ? -20 : 140},  // HW path, rescale
          {{1, 2}, true, 0.5f, 0.001f, zlo, zhi},                      // HW path, multiplier > 1, saturating
          {{1, 2}, false, 0.05f, 0.05f, s8 ? -3 : 128, s8 ? -3 : 128},  // general path, equal params
          {{1, 2}, false, 0.05f, 0.03f, s8 ? 7 : 99, s8 ? -9 : 150},   // general path, rescale
          {{-3, -2}, true, 0.05f, 0.03f, zhi, zlo},                    // negative axes: not the HW fast path
          {{3}, true, 0.1f, 0.1f, 0, 0},
          {{0, 3}, false, 0.1f, 0.07f, s8 ? -128 : 0, s8 ? 5 : 17},
          {{1}, false, 0.2f, 0.001f, zhi, zlo},                        // general path, multiplier > 1, saturating
          {{0, 1, 2, 3}, false, 0.004f, 0.3f, zlo, s8 ? 3 : 131},      // all axes, small multiplier
      };
      for (const MeanCase& c : cases) {
        runs += PoolTester().op(40).dtype(dt).mode(mode).input(2, 4, 5, 3).axes(c.axes, c.keep).params(c.in_s, c.in_zp, c.out_s, c.out_zp)
                    .seed(seed++).Test("mean");
      }
      // HW path with many channels (blocks of 256 channels, splits of 16): MobileNetV2's 7x7x1280 head in small
      runs += PoolTester().op(40).dtype(dt).mode(mode).input(2, 7, 7, 300).axes({1, 2}, true)
                  .params(0.05f, s8 ? -3 : 128, 0.02f, s8 ? 5 : 120).seed(seed++).Test("mean 300 channels");
      runs += PoolTester().op(40).dtype(dt).mode(mode).input(2, 7, 7, 300).axes({1, 2}, false)
                  .params(0.05f, s8 ? 4 : 130, 0.03f, s8 ? -6 : 110).seed(seed++).Test("mean 300 channels, general");
    }
  }
  return runs;
}

}  // namespace

// Every case on 1, 2 and 3 threads (test_util.h ForThreadCounts).
int main() {
  const int runs = edgert_test::ForThreadCounts(RunCases);
  printf("pool_test: %d variant runs\n", runs);
  for (int i = 0; i < edgert_kernel_count(); ++i) {
    const std::string id = edgert_kernel_id(i);
    if (id.rfind("avgpool_", 0) == 0 || id.rfind("maxpool_", 0) == 0 || id.rfind("mean_", 0) == 0) printf("  covered %s\n", id.c_str());
  }
  return edgert_test::Finish("pool_test");
}
