// Fluent tester for the data-movement ops: CONCATENATION (with requantization), PAD / PADV2, STRIDED_SLICE,
// TRANSPOSE, RESHAPE, SQUEEZE. Builds a one-op plan, runs it and returns the output bytes; the test supplies the
// expected bytes (oracles in data_test.cc).
#ifndef EDGERT_DATA_TESTER_H_
#define EDGERT_DATA_TESTER_H_

#include "test_util.h"

namespace edgert_test {

class DataTester {
 public:
  struct Input {
    std::vector<int32_t> dims;
    std::vector<uint8_t> bytes;
    float scale;
    int zp;
  };

  DataTester& op(int builtin) { op_ = builtin; return *this; }
  DataTester& dtype(int d) { dtype_ = d; return *this; }
  DataTester& kernel(const char* id) { kernel_ = id; return *this; }
  DataTester& input(std::vector<int32_t> dims, std::vector<uint8_t> bytes, float scale = 0.0f, int zp = 0) {
    inputs_.push_back({dims, bytes, scale, zp});
    return *this;
  }
  DataTester& const_int(std::vector<int32_t> dims, std::vector<int32_t> values) { consts_.push_back({dims, values}); return *this; }
  DataTester& const_value(std::vector<uint8_t> bytes) { value_ = bytes; return *this; }
  DataTester& output(std::vector<int32_t> dims, float scale = 0.0f, int zp = 0) { out_dims_ = dims; out_s_ = scale; out_zp_ = zp; return *this; }
  DataTester& ints(std::vector<int32_t> v) { ints_ = v; return *this; }

  // Runs the plan; returns false (with a test failure) if prepare or run fails.
  bool Run(std::vector<uint8_t>* out, std::string* error = nullptr) const {
    PlanBuilder pb(EDGERT_REQUANT_GEMMLOWP);
    std::vector<int32_t> ins;
    std::vector<int64_t> offs;
    for (const Input& in : inputs_) {
      offs.push_back(pb.next_offset);
      ins.push_back(pb.Act(dtype_, in.dims, in.scale, in.zp));
    }
    for (const auto& c : consts_) ins.push_back(pb.Const(kI32, c.first, c.second.data(), c.second.size() * 4));
    if (!value_.empty()) {
      std::vector<float> s;
      if (out_s_ > 0.0f) s.push_back(out_s_);
      std::vector<int64_t> z(s.size(), out_zp_);
      ins.push_back(pb.Const(dtype_, {}, value_.data(), value_.size(), s, z));
    }
    const int64_t off_out = pb.next_offset;
    const int oid = pb.Act(dtype_, out_dims_, out_s_, out_zp_);
    int64_t n = 1;
    for (int32_t d : out_dims_) n *= d;
    pb.Op(op_, kernel_, ins, {oid}, ints_);
    if (edgert_plan_prepare(pb.plan) != 0) {
      if (error != nullptr) *error = edgert_plan_error(pb.plan);
      return false;
    }
    uint8_t* arena = pb.Arena();
    for (size_t i = 0; i < inputs_.size(); ++i) memcpy(arena + offs[i], inputs_[i].bytes.data(), inputs_[i].bytes.size());
    if (edgert_plan_run(pb.plan, arena, nullptr) != 0) {
      if (error != nullptr) *error = edgert_plan_error(pb.plan);
      return false;
    }
    const int es = PlanBuilder::Size(dtype_);
    out->assign(arena + off_out, arena + off_out + n * es);
    return true;
  }

  void Expect(const char* label, const std::vector<uint8_t>& want) const {
    std::vector<uint8_t> got;
    std::string err;
    if (!Run(&got, &err)) {
      EXPECT_TRUE(false, "%s: %s", label, err.c_str());
      return;
    }
    int bad = 0;
    for (size_t i = 0; i < want.size() && bad < 5; ++i) {
      if (got[i] != want[i]) ++bad;
      EXPECT_TRUE(got[i] == want[i], "%s: byte %zu: got %d, want %d", label, i, got[i], want[i]);
    }
    EXPECT_TRUE(got.size() == want.size(), "%s: %zu bytes, want %zu", label, got.size(), want.size());
  }

 private:
  int op_ = 2, dtype_ = kI8;
  const char* kernel_ = nullptr;
  std::vector<Input> inputs_;
  std::vector<std::pair<std::vector<int32_t>, std::vector<int32_t>>> consts_;
  std::vector<uint8_t> value_;
  std::vector<int32_t> out_dims_;
  float out_s_ = 0.0f;
  int out_zp_ = 0;
  std::vector<int32_t> ints_;
};

}  // namespace edgert_test

#endif  // EDGERT_DATA_TESTER_H_
