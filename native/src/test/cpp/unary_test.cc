// One-input ops, exhaustive over the 256 input values: SOFTMAX (rows with all-min, one max, all-max; beta),
// LOGISTIC / TANH lookup tables, HARD_SWISH (fixed point, both reluish exponent signs), LEAKY_RELU, RELU family
// (output params different from input), QUANTIZE float -> q (half-way values, huge values) and q -> q, DEQUANTIZE.
#include "unary_tester.h"

using edgert_test::UnaryTester;
using edgert_test::kF32;
using edgert_test::kI8;
using edgert_test::kU8;

int main() {
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
