// CONCATENATION (equal params copy, different params requantized as ConcatenationWithScaling), PAD / PADV2,
// STRIDED_SLICE (masks, negative indices and strides, shrink, offset), TRANSPOSE, RESHAPE, SQUEEZE.
#include "data_tester.h"

using namespace edgert_test;

namespace {

std::vector<uint8_t> Iota(int n, int start = 0) {
  std::vector<uint8_t> v(n);
  for (int i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(start + i);
  return v;
}

void TestConcat() {
  for (int dt : {kI8, kU8}) {
    const bool s8 = dt == kI8;
    Rng rng(7);
    std::vector<uint8_t> a(2 * 3 * 2), b(2 * 1 * 2), c(2 * 2 * 2);
    for (auto* v : {&a, &b, &c}) {
      for (auto& x : *v) x = static_cast<uint8_t>(rng.Int(0, 255));
    }
    const float sa = 0.1f, sb = 0.37f, sc = 0.1f, so = 0.1f;
    const int za = s8 ? -5 : 120, zb = s8 ? 127 : 0, zc = s8 ? 3 : 200, zo = s8 ? -5 : 120;
    // Axis 1: outer 2, inner = dims[1] * 2.
    std::vector<uint8_t> want;
    const float inv = 1.f / so;
    auto emit = [&](const std::vector<uint8_t>& src, int rows, float s, int z, int outer) {
      for (int j = 0; j < rows * 2; ++j) {
        const uint8_t raw = src[outer * rows * 2 + j];
        if (z == zo && s == so) {
          want.push_back(raw);
          continue;
        }
        const int32_t x = s8 ? static_cast<int8_t>(raw) : raw;
        const float scale = s * inv;
        const int32_t v = static_cast<int32_t>(std::round(x * scale + (-z * scale))) + zo;
        want.push_back(static_cast<uint8_t>(Clamp(v, QMin(dt), QMax(dt))));
      }
    };
    for (int o = 0; o < 2; ++o) {
      emit(a, 3, sa, za, o);
      emit(b, 1, sb, zb, o);
      emit(c, 2, sc, zc, o);
    }
    DataTester().op(2).dtype(dt).input({2, 3, 2}, a, sa, za).input({2, 1, 2}, b, sb, zb).input({2, 2, 2}, c, sc, zc)
        .output({2, 6, 2}, so, zo).ints({1, 0}).Expect(s8 ? "concat_qs8 axis 1" : "concat_qu8 axis 1", want);
    // Negative axis, equal params: plain copy.
    std::vector<uint8_t> want2;
    for (int r = 0; r < 2 * 3; ++r) {
      want2.push_back(a[r * 2]);
      want2.push_back(a[r * 2 + 1]);
      want2.push_back(a[r * 2]);
      want2.push_back(a[r * 2 + 1]);
    }
    DataTester().op(2).dtype(dt).input({2, 3, 2}, a, sa, za).input({2, 3, 2}, a, sa, za).output({2, 3, 4}, sa, za).ints({-1, 0})
        .Expect("concat axis -1", want2);
  }
  // float32 concat via concat_any_ref.
  std::vector<uint8_t> fa = Iota(8), fb = Iota(8, 100);
  std::vector<uint8_t> want(fa);
  want.insert(want.end(), fb.begin(), fb.end());
  DataTester().op(2).dtype(kF32).input({2}, fa).input({2}, fb).output({4}).ints({0, 0}).Expect("concat f32", want);
}

void TestPad() {
  for (int dt : {kI8, kU8}) {
    const std::vector<uint8_t> in = Iota(6, 1);  // [2,3]
    const int zp = dt == kI8 ? -7 : 9;
    // paddings [[1,0],[0,2]] -> [3,5]
    std::vector<uint8_t> want;
    for (int y = 0; y < 3; ++y) {
      for (int x = 0; x < 5; ++x) want.push_back(y >= 1 && x < 3 ? in[(y - 1) * 3 + x] : static_cast<uint8_t>(zp));
    }
    DataTester().op(34).dtype(dt).input({2, 3}, in, 0.5f, zp).const_int({2, 2}, {1, 0, 0, 2}).output({3, 5}, 0.5f, zp)
        .Expect("pad zero point", want);
    std::vector<uint8_t> want2(want);
    for (int y = 0; y < 3; ++y) {
      for (int x = 0; x < 5; ++x) {
        if (!(y >= 1 && x < 3)) want2[y * 5 + x] = 0x80;
      }
    }
    DataTester().op(60).dtype(dt).input({2, 3}, in, 0.5f, zp).const_int({2, 2}, {1, 0, 0, 2}).const_value({0x80})
        .output({3, 5}, 0.5f, zp).Expect("padv2 value", want2);
  }
}

void TestStridedSlice() {
  const std::vector<uint8_t> in = Iota(24);  // [2,3,4]
  auto at = [&](int a, int b, int c) { return in[(a * 3 + b) * 4 + c]; };
  // x[:, 1:, ::2]
  std::vector<uint8_t> want;
  for (int a = 0; a < 2; ++a)
    for (int b = 1; b < 3; ++b)
      for (int c = 0; c < 4; c += 2) want.push_back(at(a, b, c));
  DataTester().op(45).dtype(kI8).input({2, 3, 4}, in).const_int({3}, {0, 1, 0}).const_int({3}, {2, 3, 4}).const_int({3}, {1, 1, 2})
      .output({2, 2, 2}).Expect("slice basic", want);
  // begin_mask/end_mask on axis 0, negative begin on axis 1, negative stride on axis 2: x[:, -2:, ::-3]
  want.clear();
  for (int a = 0; a < 2; ++a)
    for (int b = 1; b < 3; ++b)
      for (int c = 3; c >= 0; c -= 3) want.push_back(at(a, b, c));
  DataTester().op(45).dtype(kI8).input({2, 3, 4}, in).const_int({3}, {5, -2, 0}).const_int({3}, {0, 3, 0}).const_int({3}, {1, 1, -3})
      .ints({1 | 4, 1 | 4, 0, 0, 0, 0}).output({2, 2, 2}).Expect("slice masks and negative stride", want);
  // shrink axis 0 at index -1 and axis 2 at 1: x[-1, :, 1] -> [3]
  want = {at(1, 0, 1), at(1, 1, 1), at(1, 2, 1)};
  DataTester().op(45).dtype(kI8).input({2, 3, 4}, in).const_int({3}, {-1, 0, 1}).const_int({3}, {0, 3, 0}).const_int({3}, {1, 1, 1})
      .ints({0, 0, 0, 0, 1 | 4, 0}).output({3}).Expect("slice shrink", want);
  // offset: end = begin + size: x[0:1, 1:3, 2:4]
  want = {at(0, 1, 2), at(0, 1, 3), at(0, 2, 2), at(0, 2, 3)};
  DataTester().op(45).dtype(kI8).input({2, 3, 4}, in).const_int({3}, {0, 1, 2}).const_int({3}, {1, 2, 2}).const_int({3}, {1, 1, 1})
      .ints({0, 0, 0, 0, 0, 1}).output({1, 2, 2}).Expect("slice offset", want);
  // Out-of-range ends clamp.
  want.clear();
  for (int c = 0; c < 4; ++c) want.push_back(at(0, 0, c));
  DataTester().op(45).dtype(kI8).input({2, 3, 4}, in).const_int({3}, {0, 0, -100}).const_int({3}, {1, 1, 100}).const_int({3}, {1, 1, 1})
      .output({1, 1, 4}).Expect("slice clamp", want);
}

void TestTransposeReshape() {
  const std::vector<uint8_t> in = Iota(24);  // [2,3,4]
  std::vector<uint8_t> want;
  // perm {2,0,1}: out[c][a][b] = in[a][b][c]
  for (int c = 0; c < 4; ++c)
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 3; ++b) want.push_back(in[(a * 3 + b) * 4 + c]);
  DataTester().op(39).dtype(kU8).input({2, 3, 4}, in, 0.1f, 3).const_int({3}, {2, 0, 1}).output({4, 2, 3}, 0.1f, 3).Expect("transpose", want);
  // float transpose [2,2] of 4-byte elements
  std::vector<uint8_t> f = Iota(16);
  std::vector<uint8_t> fw;
  for (int idx : {0, 2, 1, 3}) fw.insert(fw.end(), f.begin() + idx * 4, f.begin() + idx * 4 + 4);
  DataTester().op(39).dtype(kF32).input({2, 2}, f).const_int({2}, {1, 0}).output({2, 2}).Expect("transpose f32", fw);
  DataTester().op(22).dtype(kI8).input({2, 3, 4}, in, 0.1f, 1).output({6, 4}, 0.1f, 1).Expect("reshape", in);
  DataTester().op(22).dtype(kI8).input({2, 3, 4}, in, 0.1f, 1).const_int({2}, {6, 4}).output({6, 4}, 0.1f, 1).Expect("reshape with shape input", in);
  DataTester().op(43).dtype(kI8).input({1, 24, 1}, in, 0.1f, 1).output({24}, 0.1f, 1).Expect("squeeze", in);
}

}  // namespace

int main() {
  TestConcat();
  TestPad();
  TestStridedSlice();
  TestTransposeReshape();
  for (int b : {2, 34, 60, 45, 39, 22, 43}) {
    for (int i = 0; i < edgert_kernel_count(); ++i) {
      if (edgert_kernel_builtin(i) == b) printf("  covered %s\n", edgert_kernel_id(i));
    }
  }
  return Finish("data_test");
}
