// Fluent tester for the one-input ops: SOFTMAX, LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU, RELU6,
// RELU_N1_TO_1, QUANTIZE (float -> q, q -> q) and DEQUANTIZE. 8-bit inputs are exhaustive (all 256 values);
// expected values come from the oracle formulas below (TFLite 2.20 Prepare/Eval arithmetic, rewritten).
#ifndef EDGERT_UNARY_TESTER_H_
#define EDGERT_UNARY_TESTER_H_

#include "test_util.h"

namespace edgert_test {

class UnaryTester {
 public:
  UnaryTester& op(int builtin) { op_ = builtin; return *this; }
  UnaryTester& types(int in, int out) { in_t_ = in; out_t_ = out; return *this; }
  UnaryTester& mode(int m) { mode_ = m; return *this; }
  UnaryTester& input_params(float s, int zp) { in_s_ = s; in_zp_ = zp; return *this; }
  UnaryTester& output_params(float s, int zp) { out_s_ = s; out_zp_ = zp; return *this; }
  UnaryTester& alpha(float a) { param_ = a; return *this; }
  UnaryTester& beta(float b) { param_ = b; return *this; }
  UnaryTester& row(int n) { row_ = n; return *this; }
  UnaryTester& seed(uint64_t s) { seed_ = s; return *this; }

  int Test(const char* label) const {
    int n = 0;
    for (int i = 0; i < edgert_kernel_count(); ++i) {
      if (edgert_kernel_builtin(i) != op_ || !edgert_kernel_enabled(i)) continue;
      const std::string id = edgert_kernel_id(i);
      const std::string in = in_t_ == kF32 ? "f32" : in_t_ == kI8 ? "qs8" : "qu8";
      const std::string out = out_t_ == kF32 ? "f32" : out_t_ == kI8 ? "qs8" : "qu8";
      const bool convert = op_ == 114 || op_ == 6;
      if (convert ? id.find("_" + in + "_" + out + "_") == std::string::npos : id.find("_" + in + "_") == std::string::npos) continue;
      if ((edgert_kernel_requant_modes(i) & (1 << mode_)) == 0) continue;  // the variant does not declare this mode
      TestVariant(id, label);
      ++n;
    }
    return n;
  }

  // Oracle for one element.
  int32_t Expected8(int32_t x, int32_t row_max, float row_sum) const {
    const int32_t qmin = QMin(out_t_), qmax = QMax(out_t_);
    const bool single = mode_ == EDGERT_REQUANT_SINGLE;
    const int imode = single ? EDGERT_REQUANT_SINGLE : EDGERT_REQUANT_GEMMLOWP;
    switch (op_) {
      case 25: {
        const float e = expf(-in_s_ * param_ * static_cast<float>(row_max - x));
        const float prob = e * (1.0f / (row_sum * out_s_));
#if !defined(__aarch64__)
        if (out_t_ == kU8) return Clamp(static_cast<int32_t>(prob + 0.5f), qmin, qmax);
#endif
        return Clamp(static_cast<int32_t>(std::round(prob)) + out_zp_, qmin, qmax);
      }
      case 14:
      case 28: {
        const float v = in_s_ * static_cast<float>(x - in_zp_);
        const float y = op_ == 14 ? 1.0f / (1.0f + expf(-v)) : tanhf(v);
        return Clamp(static_cast<int32_t>(std::round(y * (1 / out_s_)) + static_cast<float>(out_zp_)), qmin, qmax);
      }
      case 117: {
        auto to16 = [](int32_t m32) { return m32 >= INT32_MAX - 32768 ? 32767 : (m32 + 32768) >> 16; };
        auto srdhm = [](int32_t a, int32_t b) -> int32_t {
          if (a == -32768 && b == -32768) return 32767;
          return (a * b + (1 << 14)) >> 15;
        };
        auto sat = [](int64_t v) { return static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(v, -32768), 32767)); };
        auto rdiv = [](int32_t v, int e) {
          if (e == 0) return v;
          const int32_t mag = (std::abs(v) + (1 << (e - 1))) >> e;
          return v < 0 ? -mag : mag;
        };
        const float hires_scale = (1.0f / 128.0f) * in_s_;
        int32_t m32;
        int oexp, rexp;
        OracleQuantizeMultiplier(hires_scale / out_s_, &m32, &oexp, single);
        const int32_t om = to16(m32);
        OracleQuantizeMultiplier(hires_scale / (3.0f / 32768.0f), &m32, &rexp, single);
        const int32_t rm = to16(m32);
        const int32_t hires = (x - in_zp_) * 128;
        const int32_t pre = srdhm(hires, om);
        int32_t r = hires;
        if (rexp > 0) r = sat(static_cast<int64_t>(r) << (rexp - 1));
        r = srdhm(r, rm);
        if (rexp > 0) r = sat(static_cast<int64_t>(r) * 2);
        if (rexp < 0) r = rdiv(r, -rexp);
        r = (r + 32768) >> 1;
        const int32_t po = (r * pre) / 32768;  // truncating, no rounding
        return Clamp(rdiv(po, -oexp) + out_zp_, qmin, qmax);
      }
      case 98: {
        int32_t ma, mi;
        int sa, si;
        OracleQuantizeMultiplier(static_cast<double>(in_s_ * param_ / out_s_), &ma, &sa, single);
        OracleQuantizeMultiplier(static_cast<double>(in_s_ / out_s_), &mi, &si, single);
        const int32_t v = x - in_zp_;
        return Clamp((v >= 0 ? OracleMul(imode, v, mi, si) : OracleMul(imode, v, ma, sa)) + out_zp_, qmin, qmax);
      }
      case 19:
      case 20:
      case 21: {
        int32_t m;
        int s;
        OracleQuantizeMultiplier(static_cast<double>(in_s_ / out_s_), &m, &s, single);
        int32_t lo, hi;
        OracleActRange(op_ == 19 ? 1 : op_ == 21 ? 3 : 2, out_t_, out_s_, out_zp_, &lo, &hi);
        return Clamp(out_zp_ + OracleMul(imode, x - in_zp_, m, s), lo, hi);
      }
      case 114: {
        int32_t m;
        int s;
        OracleQuantizeMultiplier(static_cast<double>(in_s_) / static_cast<double>(out_s_), &m, &s, single);
        return Clamp(OracleMul(imode, x - in_zp_, m, s) + out_zp_, qmin, qmax);
      }
    }
    return 0;
  }

 private:
  void TestVariant(const std::string& id, const char* label) const {
    Rng rng(seed_);
    const int count = op_ == 25 ? row_ * 6 : 256;
    const int esize_in = in_t_ == kF32 ? 4 : 1, esize_out = out_t_ == kF32 ? 4 : 1;
    std::vector<uint8_t> in(count * esize_in);
    std::vector<float> fin(count);
    if (in_t_ == kF32) {
      for (int i = 0; i < count; ++i) {
        const int k = rng.Int(-300, 300);
        fin[i] = i % 4 == 0 ? (k + 0.5f) * out_s_ : i % 4 == 1 ? rng.Float(-1e6f, 1e6f) : rng.Float(-200.0f, 200.0f) * out_s_;
      }
      memcpy(in.data(), fin.data(), in.size());
    } else if (op_ == 25) {
      const int qmin = QMin(in_t_), qmax = QMax(in_t_);
      for (int i = 0; i < count; ++i) in[i] = static_cast<uint8_t>(rng.Int(qmin, qmax));
      for (int j = 0; j < row_; ++j) in[j] = static_cast<uint8_t>(qmin);            // row 0: all minimum
      in[row_ + 1] = static_cast<uint8_t>(qmax);                                     // row 1: one maximum
      for (int j = 0; j < row_; ++j) in[2 * row_ + j] = static_cast<uint8_t>(qmax);  // row 2: all maximum
    } else {
      for (int i = 0; i < 256; ++i) in[i] = static_cast<uint8_t>(i);
    }
    PlanBuilder pb(mode_);
    std::vector<int32_t> dims = op_ == 25 ? std::vector<int32_t>{6, row_} : std::vector<int32_t>{4, 8, 8};
    const int iid = pb.Act(in_t_, dims, in_t_ == kF32 ? 0.0f : in_s_, in_zp_);
    const int64_t off_out = pb.next_offset;
    const int oid = pb.Act(out_t_, dims, out_t_ == kF32 ? 0.0f : out_s_, out_zp_);
    std::vector<float> floats;
    if (op_ == 25 || op_ == 98) floats.push_back(param_);
    pb.Op(op_, id.c_str(), {iid}, {oid}, {}, floats);
    if (edgert_plan_prepare(pb.plan) != 0) {
      EXPECT_TRUE(false, "%s %s: prepare: %s", id.c_str(), label, edgert_plan_error(pb.plan));
      return;
    }
    uint8_t* arena = pb.Arena();
    memcpy(arena, in.data(), in.size());
    EXPECT_TRUE(edgert_plan_run(pb.plan, arena, nullptr) == 0, "run: %s", edgert_plan_error(pb.plan));
    int bad = 0;
    for (int i = 0; i < count && bad < 5; ++i) {
      if (out_t_ == kF32) {
        float got;
        memcpy(&got, arena + off_out + i * esize_out, 4);
        const int32_t x = in_t_ == kI8 ? static_cast<int8_t>(in[i]) : in[i];
        const float want = static_cast<float>(static_cast<double>(in_s_) * (x - in_zp_));
        if (got != want) ++bad;
        EXPECT_TRUE(got == want, "%s: dequantize %d: got %g want %g", id.c_str(), x, got, want);
        continue;
      }
      int32_t want;
      if (in_t_ == kF32 && mode_ == EDGERT_REQUANT_FP32) {
        const float r = std::nearbyint(fin[i] * (1.0f / out_s_));
        want = static_cast<int32_t>(std::max(std::min(r + out_zp_, static_cast<float>(QMax(out_t_))), static_cast<float>(QMin(out_t_))));
      } else if (in_t_ == kF32) {
        const double r = std::round(static_cast<double>(fin[i]) / static_cast<double>(out_s_));
        want = static_cast<int32_t>(std::max(std::min(r + out_zp_, static_cast<double>(QMax(out_t_))), static_cast<double>(QMin(out_t_))));
      } else {
        auto val = [&](int j) -> int32_t { return in_t_ == kI8 ? static_cast<int8_t>(in[j]) : in[j]; };
        int32_t row_max = 0;
        float row_sum = 0.0f;
        if (op_ == 25) {
          const int r0 = i / row_ * row_;
          row_max = val(r0);
          for (int j = r0; j < r0 + row_; ++j) row_max = std::max(row_max, val(j));
          for (int j = r0; j < r0 + row_; ++j) row_sum += expf(-in_s_ * param_ * static_cast<float>(row_max - val(j)));
        }
        if (op_ == 25 && id.find("lut16") != std::string::npos) {
          // SoftmaxInt8LUT: 16-bit exp table indexed as uint8, integer sum, one multiplier per row.
          auto u = [&](int j) { return in_t_ == kI8 ? val(j) + 128 : val(j); };
          auto e = [&](int v) {
            const long t = static_cast<long>(expf(in_s_ * param_ * static_cast<float>(v - 255)) * 65535 + 0.5);
            return static_cast<int32_t>(std::min(65535L, t));
          };
          const int r0 = i / row_ * row_;
          int32_t mu = 0, sum = 0;
          for (int j = r0; j < r0 + row_; ++j) mu = std::max(mu, u(j));
          for (int j = r0; j < r0 + row_; ++j) sum += e(u(j) - mu + 255);
          int32_t m;
          int sh;
          OracleQuantizeMultiplier(1.0f / (sum * out_s_), &m, &sh, mode_ == EDGERT_REQUANT_SINGLE);
          const int imode = mode_ == EDGERT_REQUANT_SINGLE ? EDGERT_REQUANT_SINGLE : EDGERT_REQUANT_GEMMLOWP;
          want = Clamp(OracleMul(imode, e(u(i) - mu + 255), m, sh) + out_zp_, QMin(out_t_), QMax(out_t_));
        } else {
          want = Expected8(val(i), row_max, row_sum);
        }
      }
      const int32_t got = out_t_ == kI8 ? static_cast<int8_t>(arena[off_out + i]) : arena[off_out + i];
      if (got != want) ++bad;
      EXPECT_TRUE(got == want, "%s %s mode %d: element %d: got %d, want %d", id.c_str(), label, mode_, i, got, want);
    }
  }

  int op_ = 14, in_t_ = kI8, out_t_ = kI8, mode_ = EDGERT_REQUANT_GEMMLOWP;
  float in_s_ = 0.05f, out_s_ = 1.0f / 256;
  int in_zp_ = 0, out_zp_ = -128;
  float param_ = 1.0f;
  int row_ = 10;
  uint64_t seed_ = 1;
};

}  // namespace edgert_test

#endif  // EDGERT_UNARY_TESTER_H_
