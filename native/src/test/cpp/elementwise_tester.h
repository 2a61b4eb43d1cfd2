// Fluent tester for ADD, SUB and MUL (with broadcasting) against the oracle (test_util.h).
#ifndef EDGERT_ELEMENTWISE_TESTER_H_
#define EDGERT_ELEMENTWISE_TESTER_H_

#include <map>

#include "test_util.h"

namespace edgert_test {

class ElementwiseTester {
 public:
  ElementwiseTester& op(int builtin) { op_ = builtin; return *this; }  // 0 ADD, 41 SUB, 18 MUL
  ElementwiseTester& dtype(int d) { dtype_ = d; return *this; }
  ElementwiseTester& mode(int m) { mode_ = m; return *this; }
  ElementwiseTester& shapes(std::vector<int32_t> a, std::vector<int32_t> b) { a_ = a; b_ = b; return *this; }
  ElementwiseTester& zero_points(int a, int b, int out) { za_ = a; zb_ = b; zo_ = out; return *this; }
  ElementwiseTester& scales(float a, float b, float out) { sa_ = a; sb_ = b; so_ = out; return *this; }
  ElementwiseTester& activation(int a) { act_ = a; return *this; }
  ElementwiseTester& seed(uint64_t s) { seed_ = s; return *this; }

  int Test(const char* label) const {
    const char* name = op_ == 0 ? "add_" : op_ == 41 ? "sub_" : "mul_";
    const std::vector<std::string> ids = Variants(op_, std::string(name) + (dtype_ == kI8 ? "qs8_" : "qu8_"));
    int tested = 0;
    for (const std::string& id : ids) {
      int modes = 0;
      for (int i = 0; i < edgert_kernel_count(); ++i) {
        if (id == edgert_kernel_id(i)) modes = edgert_kernel_requant_modes(i);
      }
      if ((modes & (1 << mode_)) == 0) {  // the variant does not declare this mode
        ++Skipped()[id + " (requant mode " + std::to_string(mode_) + ")"];
        continue;
      }
      tested += TestVariant(id, label);
    }
    return tested;
  }

  // Variant runs per id, and skipped runs per reason.
  static std::map<std::string, int>& Covered() {
    static std::map<std::string, int> covered;
    return covered;
  }
  static std::map<std::string, int>& Skipped() {
    static std::map<std::string, int> skipped;
    return skipped;
  }

 private:
  static int64_t Count(const std::vector<int32_t>& d) {
    int64_t n = 1;
    for (int32_t x : d) n *= x;
    return n;
  }

  // Returns 1 when the variant ran, 0 when it does not apply (e.g. broadcasting for a no-broadcast variant).
  int TestVariant(const std::string& id, const char* label) const {
    Rng rng(seed_);
    const int qmin = QMin(dtype_), qmax = QMax(dtype_);
    // Broadcast output shape (right-aligned).
    const size_t rank = std::max(a_.size(), b_.size());
    std::vector<int32_t> a(rank, 1), b(rank, 1), o(rank);
    std::copy(a_.begin(), a_.end(), a.begin() + (rank - a_.size()));
    std::copy(b_.begin(), b_.end(), b.begin() + (rank - b_.size()));
    for (size_t d = 0; d < rank; ++d) o[d] = std::max(a[d], b[d]);
    std::vector<uint8_t> da(Count(a_)), db(Count(b_));
    for (auto& v : da) v = static_cast<uint8_t>(rng.Int(0, 4) == 0 ? (rng.Int(0, 1) ? qmax : qmin) : rng.Int(qmin, qmax));
    for (auto& v : db) v = static_cast<uint8_t>(rng.Int(0, 4) == 0 ? (rng.Int(0, 1) ? qmax : qmin) : rng.Int(qmin, qmax));
    PlanBuilder pb(mode_);
    const int ia = pb.Act(dtype_, a_, sa_, za_);
    const int64_t off_b = pb.next_offset;
    const int ib = pb.Act(dtype_, b_, sb_, zb_);
    const int64_t off_o = pb.next_offset;
    const int io = pb.Act(dtype_, o, so_, zo_);
    pb.Op(op_, id.c_str(), {ia, ib}, {io}, {act_});
    if (edgert_plan_prepare(pb.plan) != 0) {
      EXPECT_TRUE(false, "%s %s: prepare: %s", id.c_str(), label, edgert_plan_error(pb.plan));
      return 1;
    }
    // A requested variant that does not apply to this op's shape/params is replaced by the registry's choice.
    if (std::string(edgert_plan_op_kernel(pb.plan, 0)) != id) {
      EXPECT_TRUE(id.find("_ref") == std::string::npos, "ref variant %s replaced by %s", id.c_str(),
                  edgert_plan_op_kernel(pb.plan, 0));
      ++Skipped()[id + " (does not apply: " + label + ")"];
      return 0;
    }
    ++Covered()[id];
    uint8_t* arena = pb.Arena();
    memcpy(arena, da.data(), da.size());
    memcpy(arena + off_b, db.data(), db.size());
    EXPECT_TRUE(edgert_plan_run(pb.plan, arena, nullptr) == 0, "run: %s", edgert_plan_error(pb.plan));
    int32_t lo, hi;
    OracleActRange(act_, dtype_, so_, zo_, &lo, &hi);
    const bool single = mode_ == EDGERT_REQUANT_SINGLE;
    int32_t m1, m2, mo;
    int s1, s2, so;
    if (op_ == 18) {
      OracleQuantizeMultiplier(static_cast<double>(sa_ * sb_ / so_), &mo, &so, single);  // float product, as mul.cc
    } else {
      const double twice = 2.0 * static_cast<double>(std::max(sa_, sb_));
      OracleQuantizeMultiplier(sa_ / twice, &m1, &s1, single);
      OracleQuantizeMultiplier(sb_ / twice, &m2, &s2, single);
      OracleQuantizeMultiplier(twice / (1048576.0 * static_cast<double>(so_)), &mo, &so, single);
      if (op_ == 41) m2 = -m2;
    }
    const int64_t n = Count(o);
    int bad = 0;
    for (int64_t i = 0; i < n && bad < 5; ++i) {
      int64_t ia_ = 0, ib_ = 0, rest = i, sa = 1, sb = 1;
      for (int d = static_cast<int>(rank) - 1; d >= 0; --d) {
        const int64_t c = rest % o[d];
        rest /= o[d];
        if (a[d] > 1) ia_ += c * sa;
        if (b[d] > 1) ib_ += c * sb;
        sa *= a[d];
        sb *= b[d];
      }
      const int32_t x = (dtype_ == kI8 ? static_cast<int8_t>(da[ia_]) : da[ia_]) - za_;
      const int32_t y = (dtype_ == kI8 ? static_cast<int8_t>(db[ib_]) : db[ib_]) - zb_;
      int32_t r;
      if (op_ == 18) {
        r = mode_ == EDGERT_REQUANT_FP32 ? OracleFp32(x * y, sa_ * sb_ / so_) : OracleMul(mode_, x * y, mo, so);
      } else if (mode_ == EDGERT_REQUANT_FP32 && XnnScales(&m1, &m2, &s1)) {
        // XNNPACK vadd: integer multipliers of the scale ratios scaled to 2^shift, one rounding shift.
        const int32_t xa = x + za_, yb = y + zb_;
        const int64_t acc = (1LL << (s1 - 1)) + static_cast<int64_t>(xa - za_) * m1 + static_cast<int64_t>(yb - zb_) * m2;
        r = static_cast<int32_t>(acc >> s1);
      } else {
        const int m = single ? EDGERT_REQUANT_SINGLE : EDGERT_REQUANT_GEMMLOWP;
        r = OracleMul(m, OracleMul(m, x * (1 << 20), m1, s1) + OracleMul(m, y * (1 << 20), m2, s2), mo, so);
      }
      const int32_t want = Clamp(r + zo_, lo, hi);
      const int32_t got = dtype_ == kI8 ? static_cast<int8_t>(arena[off_o + i]) : arena[off_o + i];
      if (got != want) ++bad;
      EXPECT_TRUE(got == want, "%s %s mode %d: output %lld: got %d, want %d", id.c_str(), label, mode_, (long long)i, got, want);
    }
    return 1;
  }

  // XNNPACK add multipliers for the test's scales; false when TFLite would not delegate (ratios out of range).
  bool XnnScales(int32_t* ma, int32_t* mb, int* shift) const {
    const double ra = static_cast<double>(sa_ / so_), rb = static_cast<double>(sb_ / so_);
    if (ra < 1.0 / 1024 || ra >= 256 || rb < 1.0 / 1024 || rb >= 256) return false;
    const int e = static_cast<int>(std::floor(std::log2(std::max(ra, rb))));
    *shift = 20 - e;
    *ma = static_cast<int32_t>(std::nearbyint(std::ldexp(ra, *shift)));
    *mb = static_cast<int32_t>(std::nearbyint(std::ldexp(rb, *shift))) * (op_ == 41 ? -1 : 1);
    return true;
  }

  int op_ = 0, dtype_ = kI8, mode_ = EDGERT_REQUANT_GEMMLOWP, act_ = 0;
  std::vector<int32_t> a_{2, 3, 4}, b_{2, 3, 4};
  int za_ = 0, zb_ = 0, zo_ = 0;
  float sa_ = 0.1f, sb_ = 0.1f, so_ = 0.2f;
  uint64_t seed_ = 1;
};

}  // namespace edgert_test

#endif  // EDGERT_ELEMENTWISE_TESTER_H_
