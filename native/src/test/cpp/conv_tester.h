// Fluent tester for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: builds a one-op plan per variant of the
// family, runs it on random data (with extreme values mixed in) and compares every output with an independent
// oracle of TFLite's formulas (test_util.h).
#ifndef EDGERT_CONV_TESTER_H_
#define EDGERT_CONV_TESTER_H_

#include <map>

#include "test_util.h"

namespace edgert_test {

class ConvTester {
 public:
  enum Kind { kConv = 3, kDepthwise = 4, kFc = 9 };

  ConvTester& kind(Kind k) { kind_ = k; return *this; }
  ConvTester& dtype(int d) { dtype_ = d; return *this; }
  ConvTester& mode(int m) { mode_ = m; return *this; }
  ConvTester& input(int n, int h, int w, int c) { n_ = n; h_ = h; w_ = w; c_ = c; return *this; }
  ConvTester& kernel(int kh, int kw) { kh_ = kh; kw_ = kw; return *this; }
  ConvTester& stride(int sh, int sw) { sh_ = sh; sw_ = sw; return *this; }
  ConvTester& dilation(int dh, int dw) { dh_ = dh; dw_ = dw; return *this; }
  ConvTester& padding(int p) { padding_ = p; return *this; }
  ConvTester& out_channels(int oc) { oc_ = oc; return *this; }
  ConvTester& groups(int g) { groups_ = g; return *this; }
  ConvTester& depth_multiplier(int dm) { dm_ = dm; return *this; }
  ConvTester& per_channel(bool pc) { per_channel_ = pc; return *this; }
  ConvTester& bias(bool b) { bias_ = b; return *this; }
  ConvTester& activation(int a) { act_ = a; return *this; }
  ConvTester& input_zp(int zp) { in_zp_ = zp; return *this; }
  ConvTester& filter_zp(int zp) { f_zp_ = zp; return *this; }
  ConvTester& output_zp(int zp) { out_zp_ = zp; return *this; }
  ConvTester& scales(float in, float filter, float out) { in_s_ = in; f_s_ = filter; out_s_ = out; return *this; }
  ConvTester& seed(uint64_t s) { seed_ = s; return *this; }
  ConvTester& extremes(bool e) { extremes_ = e; return *this; }

  static int OutSize(int padding, int in, int k, int s, int d) {
    const int eff = (k - 1) * d + 1;
    return padding == 0 ? (in + s - 1) / s : (in + s - eff) / s;
  }

  // Runs every variant of the family; returns the number of variants tested.
  int Test(const char* label) const {
    const char* prefix = kind_ == kConv ? "conv2d_" : kind_ == kDepthwise ? "dwconv_" : "fc_";
    const std::string full_prefix = std::string(prefix) + (dtype_ == kI8 ? "qs8_" : "qu8_");
    const std::vector<std::string> ids = Variants(kind_, full_prefix);
    int tested = 0;
    for (const std::string& id : ids) {
      if ((KernelRequantModes(id) & (1 << mode_)) == 0) {  // the variant does not declare this mode
        ++Skipped()[id + " (requant mode " + std::to_string(mode_) + ")"];
        continue;
      }
      tested += TestVariant(id, label);
    }
    return tested;
  }

  // Variant runs skipped per reason ("<id> (requant mode 1)", "<id> (does not apply)").
  static std::map<std::string, int>& Skipped() {
    static std::map<std::string, int> skipped;
    return skipped;
  }
  static std::map<std::string, int>& Covered() {
    static std::map<std::string, int> covered;
    return covered;
  }

 private:
  static int KernelRequantModes(const std::string& id) {
    for (int i = 0; i < edgert_kernel_count(); ++i) {
      if (id == edgert_kernel_id(i)) return edgert_kernel_requant_modes(i);
    }
    return 0;
  }

  // Returns 1 when the variant ran, 0 when it does not apply to this op (e.g. grouped conv for a GEMM variant).
  int TestVariant(const std::string& id, const char* label) const {
    Rng rng(seed_);
    const int qmin = QMin(dtype_), qmax = QMax(dtype_);
    const int fmin = dtype_ == kI8 ? -127 : 0, fmax = dtype_ == kI8 ? 127 : 255;
    int oh = 1, ow = 1, oc = oc_, fic = c_, depth = c_;
    std::vector<int32_t> fdims, odims;
    if (kind_ == kConv) {
      fic = c_ / groups_;
      oh = OutSize(padding_, h_, kh_, sh_, dh_);
      ow = OutSize(padding_, w_, kw_, sw_, dw_);
      fdims = {oc, kh_, kw_, fic};
      odims = {n_, oh, ow, oc};
    } else if (kind_ == kDepthwise) {
      oc = c_ * dm_;
      oh = OutSize(padding_, h_, kh_, sh_, dh_);
      ow = OutSize(padding_, w_, kw_, sw_, dw_);
      fdims = {1, kh_, kw_, oc};
      odims = {n_, oh, ow, oc};
    } else {
      depth = h_ * w_ * c_;
      fdims = {oc, depth};
      odims = {n_, oc};
    }
    int64_t fcount = 1;
    for (int32_t d : fdims) fcount *= d;
    const int64_t icount = static_cast<int64_t>(n_) * h_ * w_ * c_;
    std::vector<int8_t> filter(fcount);
    for (auto& f : filter) f = static_cast<int8_t>(extremes_ && rng.Int(0, 3) == 0 ? (rng.Int(0, 1) ? fmax : fmin) : rng.Int(fmin, fmax));
    std::vector<float> fscales(per_channel_ ? oc : 1);
    for (size_t i = 0; i < fscales.size(); ++i) fscales[i] = f_s_ * (per_channel_ ? rng.Float(0.25f, 2.0f) : 1.0f);
    std::vector<int32_t> bias(oc);
    for (auto& b : bias) b = rng.Int(-40000, 40000);
    std::vector<uint8_t> input(icount);
    for (auto& x : input) x = static_cast<uint8_t>(extremes_ && rng.Int(0, 2) == 0 ? (rng.Int(0, 1) ? qmax : qmin) : rng.Int(qmin, qmax));

    // GEMMLOWP_UP is a per-op override only: plan in GEMMLOWP, op overridden below.
    PlanBuilder b(mode_ == EDGERT_REQUANT_GEMMLOWP_UP ? EDGERT_REQUANT_GEMMLOWP : mode_);
    const int in_id = kind_ == kFc ? b.Act(dtype_, {n_, h_, w_, c_}, in_s_, in_zp_) : b.Act(dtype_, {n_, h_, w_, c_}, in_s_, in_zp_);
    const int qdim = kind_ == kDepthwise ? 3 : 0;
    std::vector<int64_t> fzps(fscales.size(), f_zp_);
    const int f_id = b.Const(dtype_, fdims, filter.data(), filter.size(), fscales, fzps, qdim);
    const int bias_id = bias_ ? b.Const(kI32, {oc}, bias.data(), bias.size() * 4) : -1;
    const int out_id = b.Act(dtype_, odims, out_s_, out_zp_);
    std::vector<int32_t> ints;
    if (kind_ == kConv) ints = {padding_, sw_, sh_, dw_, dh_, act_};
    if (kind_ == kDepthwise) ints = {padding_, sw_, sh_, dw_, dh_, act_, dm_};
    if (kind_ == kFc) ints = {act_, 0};
    const int op = b.Op(kind_, id.c_str(), {in_id, f_id, bias_id}, {out_id}, ints);
    // A refused tensor or op (say, a shape with a negative output size) is a failed case, not an abort further on.
    if (in_id < 0 || f_id < 0 || (bias_ && bias_id < 0) || out_id < 0 || op < 0) {
      EXPECT_TRUE(false, "%s %s: the plan builder refused the case: %s", id.c_str(), label, edgert_plan_error(b.plan));
      return 1;
    }
    if (mode_ == EDGERT_REQUANT_GEMMLOWP_UP) {
      EXPECT_TRUE(edgert_plan_set_op_requant(b.plan, op, mode_) == 0, "override: %s", edgert_plan_error(b.plan));
    }
    if (edgert_plan_prepare(b.plan) != 0) {
      EXPECT_TRUE(false, "%s %s: prepare failed: %s", id.c_str(), label, edgert_plan_error(b.plan));
      return 1;
    }
    // A requested variant that does not apply to this op's shape/params is replaced by the registry's choice.
    const char* bound = edgert_plan_op_kernel(b.plan, 0);
    if (bound == nullptr) {
      EXPECT_TRUE(false, "%s %s: no kernel bound", id.c_str(), label);
      return 1;
    }
    if (std::string(bound) != id) {
      EXPECT_TRUE(id.find("_ref") == std::string::npos, "ref variant %s replaced by %s", id.c_str(), bound);
      ++Skipped()[id + " (does not apply: " + label + ")"];
      return 0;
    }
    ++Covered()[id];
    uint8_t* arena = b.Arena();
    memcpy(arena + 0, input.data(), input.size());
    // input tensor is the first Act: offset 0; output offset follows.
    const int64_t out_off = (icount + 63) / 64 * 64 + 64;
    if (edgert_plan_run(b.plan, arena, nullptr) != 0) {
      EXPECT_TRUE(false, "%s: run failed: %s", id.c_str(), edgert_plan_error(b.plan));
      return 1;
    }
    const uint8_t* out = arena + out_off;

    int32_t act_lo, act_hi;
    OracleActRange(act_, dtype_, out_s_, out_zp_, &act_lo, &act_hi);
    auto in_at = [&](int bb, int y, int x, int c) -> int32_t {
      const uint8_t v = input[((static_cast<int64_t>(bb) * h_ + y) * w_ + x) * c_ + c];
      return dtype_ == kI8 ? static_cast<int8_t>(v) : v;
    };
    auto f_at = [&](int64_t i) -> int32_t { return dtype_ == kI8 ? filter[i] : static_cast<uint8_t>(filter[i]); };
    auto requant = [&](int32_t acc, int ch) {
      const float fs = fscales[per_channel_ ? ch : 0];
      int32_t m;
      int s;
      OracleQuantizeMultiplier(static_cast<double>(in_s_) * static_cast<double>(fs) / static_cast<double>(out_s_), &m, &s,
                               mode_ == EDGERT_REQUANT_SINGLE);
      const int32_t r = mode_ == EDGERT_REQUANT_FP32 ? OracleFp32(acc, in_s_ * fs / out_s_) : OracleMul(mode_, acc, m, s);
      return Clamp(r + out_zp_, act_lo, act_hi);
    };
    const int pad_h = std::max(0, (oh - 1) * sh_ + (kh_ - 1) * dh_ + 1 - h_) / 2;
    const int pad_w = std::max(0, (ow - 1) * sw_ + (kw_ - 1) * dw_ + 1 - w_) / 2;
    int bad = 0;
    const int64_t ocount = static_cast<int64_t>(odims[0]) * (kind_ == kFc ? 1 : oh * ow) * oc;
    for (int64_t o = 0; o < ocount && bad < 5; ++o) {
      const int ch = static_cast<int>(o % oc);
      int32_t acc = 0;
      if (kind_ == kFc) {
        const int bb = static_cast<int>(o / oc);
        for (int d = 0; d < depth; ++d) {
          const int32_t x = dtype_ == kI8 ? static_cast<int8_t>(input[static_cast<int64_t>(bb) * depth + d]) : input[static_cast<int64_t>(bb) * depth + d];
          acc += (f_at(static_cast<int64_t>(ch) * depth + d) - f_zp_) * (x - in_zp_);
        }
      } else {
        const int ox = static_cast<int>((o / oc) % ow), oy = static_cast<int>((o / oc / ow) % oh), bb = static_cast<int>(o / oc / ow / oh);
        for (int ky = 0; ky < kh_; ++ky) {
          for (int kx = 0; kx < kw_; ++kx) {
            const int y = oy * sh_ - pad_h + ky * dh_, x = ox * sw_ - pad_w + kx * dw_;
            if (y < 0 || y >= h_ || x < 0 || x >= w_) continue;
            if (kind_ == kConv) {
              const int g = ch / (oc / groups_);
              for (int ic = 0; ic < fic; ++ic) {
                acc += (f_at(((static_cast<int64_t>(ch) * kh_ + ky) * kw_ + kx) * fic + ic) - f_zp_) * (in_at(bb, y, x, g * fic + ic) - in_zp_);
              }
            } else {
              acc += (f_at((static_cast<int64_t>(ky) * kw_ + kx) * oc + ch) - f_zp_) * (in_at(bb, y, x, ch / dm_) - in_zp_);
            }
          }
        }
      }
      if (bias_) acc += bias[ch];
      const int32_t want = requant(acc, ch);
      const int32_t got = dtype_ == kI8 ? static_cast<int8_t>(out[o]) : out[o];
      if (got != want) ++bad;
      EXPECT_TRUE(got == want, "%s %s mode %d: output %lld: got %d, want %d (acc %d)", id.c_str(), label, mode_, (long long)o, got,
                  want, acc);
    }
    return 1;
  }

  Kind kind_ = kConv;
  int dtype_ = kI8, mode_ = EDGERT_REQUANT_GEMMLOWP;
  int n_ = 1, h_ = 5, w_ = 5, c_ = 3, kh_ = 3, kw_ = 3, sh_ = 1, sw_ = 1, dh_ = 1, dw_ = 1, padding_ = 0, oc_ = 4;
  int groups_ = 1, dm_ = 1, act_ = 0;
  bool per_channel_ = true, bias_ = true, extremes_ = false;
  int in_zp_ = 0, f_zp_ = 0, out_zp_ = 0;
  float in_s_ = 0.05f, f_s_ = 0.01f, out_s_ = 0.1f;
  uint64_t seed_ = 1;
};

}  // namespace edgert_test

#endif  // EDGERT_CONV_TESTER_H_
