// CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED against the oracle: strides, dilation, SAME/VALID, groups, depth
// multiplier, per-channel and per-tensor weights, optional bias, fused activations, zero points at the extremes,
// tiny and > 1 multipliers, exact power-of-two multipliers (ties in the rounding right shift), -128 inputs, all four
// requant modes (GEMMLOWP_UP as a per-op override).
#include "conv_tester.h"

using edgert_test::ConvTester;

int main() {
  int cases = 0;
  const int modes[] = {EDGERT_REQUANT_GEMMLOWP, EDGERT_REQUANT_SINGLE, EDGERT_REQUANT_FP32, EDGERT_REQUANT_GEMMLOWP_UP};
  const int dtypes[] = {edgert_test::kI8, edgert_test::kU8};
  uint64_t seed = 1;
  for (int mode : modes) {
    for (int dt : dtypes) {
      const bool s8 = dt == edgert_test::kI8;
      const int zlo = s8 ? -128 : 0, zhi = s8 ? 127 : 255, zmid = s8 ? -3 : 128;
      for (ConvTester::Kind kind : {ConvTester::kConv, ConvTester::kDepthwise, ConvTester::kFc}) {
        // Plain, both paddings, strides, dilation.
        for (int padding : {0, 1}) {
          for (int stride : {1, 2}) {
            for (int dil : {1, 2}) {
              if (kind == ConvTester::kFc && (padding || stride > 1 || dil > 1)) continue;
              ConvTester t;
              t.kind(kind).dtype(dt).mode(mode).input(2, 7, 6, 3).kernel(3, 2).stride(stride, stride + (kind == ConvTester::kConv))
                  .dilation(dil, dil).padding(padding).out_channels(5).input_zp(zmid).output_zp(zmid).seed(seed++);
              if (kind == ConvTester::kDepthwise) t.depth_multiplier(2);
              if (!s8) t.per_channel(false).filter_zp(117);
              cases += t.Test("geometry");
            }
          }
        }
        // Zero points at the extremes, -128/0 inputs and max filters, saturation both ways.
        for (int zin : {zlo, zhi}) {
          for (int zout : {zlo, zhi}) {
            ConvTester t;
            t.kind(kind).dtype(dt).mode(mode).input(1, 4, 4, 4).kernel(2, 2).out_channels(3).input_zp(zin).output_zp(zout)
                .extremes(true).scales(0.5f, 0.05f, 0.02f).seed(seed++);
            if (!s8) t.per_channel(false).filter_zp(s8 ? 0 : 255);
            cases += t.Test("extreme zero points");
          }
        }
        // Multipliers: tiny (shift far right), just below 1, above 1 (left shift), per-tensor and per-channel.
        const float outs[] = {1000.0f, 0.0026f, 0.0002f, 0.00002f};
        for (float out_s : outs) {
          for (bool pc : {true, false}) {
            if (!s8 && pc) continue;
            ConvTester t;
            t.kind(kind).dtype(dt).mode(mode).input(1, 3, 3, 2).kernel(1, 1).out_channels(4).per_channel(pc).scales(0.05f, 0.05f, out_s)
                .input_zp(zmid).output_zp(zmid).seed(seed++);
            if (!s8) t.filter_zp(100);
            cases += t.Test("multiplier range");
          }
        }
        // Exact power-of-two multipliers (0.5 * 0.25 / 1 = 2^-3, and 2^-6): half the outputs are exact ties of the
        // rounding right shift, negative ones included, where GEMMLOWP and GEMMLOWP_UP differ.
        for (float out_s : {1.0f, 8.0f}) {
          ConvTester t;
          t.kind(kind).dtype(dt).mode(mode).input(1, 4, 4, 3).kernel(2, 2).out_channels(3).per_channel(false)
              .scales(0.5f, 0.25f, out_s).input_zp(zmid).output_zp(zmid).seed(seed++);
          if (!s8) t.filter_zp(128);
          cases += t.Test("power-of-two multiplier");
        }
        // No bias, fused activations.
        for (int act : {0, 1, 2, 3}) {
          ConvTester t;
          t.kind(kind).dtype(dt).mode(mode).input(1, 5, 5, 2).kernel(3, 3).out_channels(2).bias(act % 2 == 0).activation(act)
              .scales(0.1f, 0.02f, 0.03f).input_zp(zmid).output_zp(s8 ? -20 : 60).seed(seed++);
          if (!s8) t.per_channel(false).filter_zp(127);
          cases += t.Test("activation");
        }
      }
      // Grouped convolution.
      ConvTester t;
      t.kind(ConvTester::kConv).dtype(dt).mode(mode).input(1, 5, 5, 6).kernel(3, 3).groups(3).out_channels(6).seed(seed++);
      if (!s8) t.per_channel(false).filter_zp(3);
      cases += t.Test("groups");
    }
  }
  printf("conv_test: %d variant runs\n", cases);
  for (const char* p : {"conv2d_", "dwconv_", "fc_"}) {
    for (int i = 0; i < edgert_kernel_count(); ++i) {
      if (std::string(edgert_kernel_id(i)).rfind(p, 0) == 0) printf("  covered %s\n", edgert_kernel_id(i));
    }
  }
  return edgert_test::Finish("conv_test");
}
