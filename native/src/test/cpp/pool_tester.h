// Fluent tester for AVERAGE_POOL_2D, MAX_POOL_2D and MEAN against the oracle (test_util.h).
#ifndef EDGERT_POOL_TESTER_H_
#define EDGERT_POOL_TESTER_H_

#include "test_util.h"

namespace edgert_test {

class PoolTester {
 public:
  PoolTester& op(int builtin) { op_ = builtin; return *this; }  // 1 AVERAGE_POOL_2D, 17 MAX_POOL_2D, 40 MEAN
  PoolTester& dtype(int d) { dtype_ = d; return *this; }
  PoolTester& mode(int m) { mode_ = m; return *this; }
  PoolTester& input(int n, int h, int w, int c) { n_ = n; h_ = h; w_ = w; c_ = c; return *this; }
  PoolTester& window(int fh, int fw) { fh_ = fh; fw_ = fw; return *this; }
  PoolTester& stride(int sh, int sw) { sh_ = sh; sw_ = sw; return *this; }
  PoolTester& padding(int p) { padding_ = p; return *this; }
  PoolTester& activation(int a) { act_ = a; return *this; }
  PoolTester& params(float in_s, int in_zp, float out_s, int out_zp) { in_s_ = in_s; in_zp_ = in_zp; out_s_ = out_s; out_zp_ = out_zp; return *this; }
  PoolTester& axes(std::vector<int32_t> a, bool keep_dims) { axes_ = a; keep_ = keep_dims; return *this; }
  PoolTester& seed(uint64_t s) { seed_ = s; return *this; }

  int Test(const char* label) const {
    const char* name = op_ == 1 ? "avgpool_" : op_ == 17 ? "maxpool_" : "mean_";
    const std::vector<std::string> ids = Variants(op_, std::string(name) + (dtype_ == kI8 ? "qs8_" : "qu8_"));
    for (const std::string& id : ids) TestVariant(id, label);
    return static_cast<int>(ids.size());
  }

 private:
  void TestVariant(const std::string& id, const char* label) const {
    Rng rng(seed_);
    const int qmin = QMin(dtype_), qmax = QMax(dtype_);
    const int64_t icount = static_cast<int64_t>(n_) * h_ * w_ * c_;
    std::vector<uint8_t> in(icount);
    for (auto& v : in) v = static_cast<uint8_t>(rng.Int(0, 3) == 0 ? (rng.Int(0, 1) ? qmax : qmin) : rng.Int(qmin, qmax));
    auto at = [&](int b, int y, int x, int c) -> int32_t {
      const uint8_t v = in[((static_cast<int64_t>(b) * h_ + y) * w_ + x) * c_ + c];
      return dtype_ == kI8 ? static_cast<int8_t>(v) : v;
    };
    PlanBuilder pb(mode_);
    const int iid = pb.Act(dtype_, {n_, h_, w_, c_}, in_s_, in_zp_);
    std::vector<int32_t> want;
    std::vector<int32_t> odims;
    if (op_ == 40) {
      bool red[4] = {false, false, false, false};
      for (int32_t a : axes_) red[a < 0 ? a + 4 : a] = true;
      const int dims[4] = {n_, h_, w_, c_};
      for (int d = 0; d < 4; ++d) {
        if (!red[d]) odims.push_back(dims[d]);
        else if (keep_) odims.push_back(1);
      }
      int64_t cnt = 1;
      for (int d = 0; d < 4; ++d) cnt *= red[d] ? dims[d] : 1;
      const bool hw = keep_ && axes_.size() == 2 && ((axes_[0] == 1 && axes_[1] == 2) || (axes_[0] == 2 && axes_[1] == 1));
      for (int b = 0; b < (red[0] ? 1 : n_); ++b)
        for (int y = 0; y < (red[1] ? 1 : h_); ++y)
          for (int x = 0; x < (red[2] ? 1 : w_); ++x)
            for (int c = 0; c < (red[3] ? 1 : c_); ++c) {
              int32_t sum = 0;
              for (int b2 = 0; b2 < (red[0] ? n_ : 1); ++b2)
                for (int y2 = 0; y2 < (red[1] ? h_ : 1); ++y2)
                  for (int x2 = 0; x2 < (red[2] ? w_ : 1); ++x2)
                    for (int c2 = 0; c2 < (red[3] ? c_ : 1); ++c2) sum += at(b + b2, y + y2, x + x2, c + c2);
              int32_t r;
              if (hw) {
                // optimized_integer_ops::Mean: integer multiplier on the raw sum plus a float-derived bias.
                const float num = static_cast<float>(h_ * w_);
                const float zterm = in_zp_ * in_s_ / out_s_;
                const int32_t bias = out_zp_ - static_cast<int32_t>(std::round(zterm));
                int32_t m;
                int s;
                OracleQuantizeMultiplier(static_cast<float>(in_s_ / (num * out_s_)), &m, &s, mode_ == EDGERT_REQUANT_SINGLE);
                r = Clamp(OracleMul(mode_ == EDGERT_REQUANT_SINGLE ? mode_ : 0, sum, m, s) + bias, qmin, qmax);
              } else {
                // Integer reference_ops::QuantizedMeanOrSum (TFLite 2.20, equal or unequal params): the
                // in_scale / out_scale multiplier with 1/cnt folded in, on the zero-point-corrected sum.
                int32_t m;
                int s;
                OracleQuantizeMultiplier(static_cast<double>(in_s_) / static_cast<double>(out_s_), &m, &s,
                                         mode_ == EDGERT_REQUANT_SINGLE);
                int fold = 0;
                while ((2LL << fold) <= cnt) ++fold;  // floor(log2(cnt))
                fold = std::min(std::min(fold, 32), 31 + s);
                const int32_t m2 = static_cast<int32_t>(static_cast<long long>(m) * (1LL << fold) / cnt);
                const int32_t centered = sum - in_zp_ * static_cast<int32_t>(cnt);
                r = Clamp(OracleMul(mode_ == EDGERT_REQUANT_SINGLE ? mode_ : 0, centered, m2, s - fold) + out_zp_, qmin, qmax);
              }
              want.push_back(r);
            }
      const int64_t off_out = pb.next_offset;
      const int ax = pb.Const(kI32, {static_cast<int32_t>(axes_.size())}, axes_.data(), axes_.size() * 4);
      const int oid = pb.Act(dtype_, odims, out_s_, out_zp_);
      pb.Op(op_, id.c_str(), {iid, ax}, {oid}, {keep_ ? 1 : 0});
      Run(pb, id, label, in, off_out, want);
      return;
    }
    const int eff_h = fh_, eff_w = fw_;
    const int oh = padding_ == 0 ? (h_ + sh_ - 1) / sh_ : (h_ + sh_ - eff_h) / sh_;
    const int ow = padding_ == 0 ? (w_ + sw_ - 1) / sw_ : (w_ + sw_ - eff_w) / sw_;
    const int ph = std::max(0, (oh - 1) * sh_ + fh_ - h_) / 2, pw = std::max(0, (ow - 1) * sw_ + fw_ - w_) / 2;
    int32_t lo, hi;
    OracleActRange(act_, dtype_, out_s_, out_zp_, &lo, &hi);
    for (int b = 0; b < n_; ++b)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox)
          for (int c = 0; c < c_; ++c) {
            int32_t sum = 0, cnt = 0, mx = -1000;
            for (int ky = 0; ky < fh_; ++ky)
              for (int kx = 0; kx < fw_; ++kx) {
                const int y = oy * sh_ - ph + ky, x = ox * sw_ - pw + kx;
                if (y < 0 || y >= h_ || x < 0 || x >= w_) continue;
                sum += at(b, y, x, c);
                mx = std::max(mx, at(b, y, x, c));
                ++cnt;
              }
            int32_t r;
            if (op_ == 17) {
              r = mx;
            } else {
              // Round half away from zero: sign(sum) * floor((|sum| + cnt/2) / cnt).
              const int32_t mag = (std::abs(sum) + cnt / 2) / cnt;
              r = sum < 0 ? -mag : mag;
            }
            want.push_back(Clamp(r, lo, hi));
          }
    const int64_t off_out = pb.next_offset;
    const int oid = pb.Act(dtype_, {n_, oh, ow, c_}, out_s_, out_zp_);
    pb.Op(op_, id.c_str(), {iid}, {oid}, {padding_, sw_, sh_, fw_, fh_, act_});
    Run(pb, id, label, in, off_out, want);
  }

  void Run(PlanBuilder& pb, const std::string& id, const char* label, const std::vector<uint8_t>& in, int64_t off_out,
           const std::vector<int32_t>& want) const {
    if (edgert_plan_prepare(pb.plan) != 0) {
      EXPECT_TRUE(false, "%s %s: prepare: %s", id.c_str(), label, edgert_plan_error(pb.plan));
      return;
    }
    uint8_t* arena = pb.Arena();
    memcpy(arena, in.data(), in.size());
    EXPECT_TRUE(edgert_plan_run(pb.plan, arena, nullptr) == 0, "run: %s", edgert_plan_error(pb.plan));
    int bad = 0;
    for (size_t i = 0; i < want.size() && bad < 5; ++i) {
      const int32_t got = dtype_ == kI8 ? static_cast<int8_t>(arena[off_out + i]) : arena[off_out + i];
      if (got != want[i]) ++bad;
      EXPECT_TRUE(got == want[i], "%s %s mode %d: output %zu: got %d, want %d", id.c_str(), label, mode_, i, got, want[i]);
    }
  }

  int op_ = 1, dtype_ = kI8, mode_ = EDGERT_REQUANT_GEMMLOWP;
  int n_ = 1, h_ = 6, w_ = 5, c_ = 3, fh_ = 3, fw_ = 2, sh_ = 2, sw_ = 1, padding_ = 0, act_ = 0;
  float in_s_ = 0.1f, out_s_ = 0.1f;
  int in_zp_ = 0, out_zp_ = 0;
  std::vector<int32_t> axes_{1, 2};
  bool keep_ = true;
  uint64_t seed_ = 1;
};

}  // namespace edgert_test

#endif  // EDGERT_POOL_TESTER_H_
