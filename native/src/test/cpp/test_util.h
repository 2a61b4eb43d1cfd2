// Shared helpers for the C-level kernel tests: a checking macro, a deterministic RNG, a small plan builder over
// the public C ABI (edgert/plan.h), the variants of a family, and an INDEPENDENT oracle of TFLite's fixed-point
// formulas (written differently from ref/quant.h on purpose: floor shifts instead of nudged division, ldexp
// instead of frexp, nearbyint instead of lrintf), so a shared mistake is unlikely.
#ifndef EDGERT_TEST_UTIL_H_
#define EDGERT_TEST_UTIL_H_

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "edgert/plan.h"
#include "plan/parallel.h"  // SetParallelMinWorkForTesting

namespace edgert_test {

// Threads every PlanBuilder plan runs with (edgert_plan_set_threads).
inline int& TestThreads() {
  static int threads = 1;
  return threads;
}

// Thread counts ForThreadCounts runs: EDGERT_TEST_THREADS (comma-separated, e.g. "1" or "1,2"), default 1,2,3.
// native/cross-test.sh narrows it under qemu, where emulated spinning workers make every threaded run slow.
inline std::vector<int> ThreadCountsUnderTest() {
  std::vector<int> counts;
  const char* env = getenv("EDGERT_TEST_THREADS");
  for (const char* s = env; s != nullptr && *s != '\0';) {
    char* end = nullptr;
    const long n = strtol(s, &end, 10);
    if (end == s || n < 1 || n > 64) {
      fprintf(stderr, "EDGERT_TEST_THREADS=%s: expected comma-separated counts in [1, 64]\n", env);
      exit(2);
    }
    counts.push_back(static_cast<int>(n));
    s = *end == ',' ? end + 1 : end;
  }
  if (counts.empty()) counts = {1, 2, 3};
  return counts;
}

// Runs body() once per count of ThreadCountsUnderTest() (by default on one thread, then on 2 and 3 threads with no
// work threshold, so that every op of every case is split into tasks; 3: uneven splits). The testers compare each run
// with the oracle, so the threaded outputs are bit-identical to the single-threaded ones.
template <typename Body>
inline int ForThreadCounts(Body body) {
  int runs = 0;
  for (int threads : ThreadCountsUnderTest()) {
    TestThreads() = threads;
    edgert::SetParallelMinWorkForTesting(threads == 1 ? -1 : 0);
    runs += body();
  }
  TestThreads() = 1;
  edgert::SetParallelMinWorkForTesting(-1);
  return runs;
}

inline int& Failures() {
  static int failures = 0;
  return failures;
}
inline int& Checks() {
  static int checks = 0;
  return checks;
}

#define EXPECT_TRUE(cond, ...)                                   \
  do {                                                           \
    ++::edgert_test::Checks();                                   \
    if (!(cond)) {                                               \
      ++::edgert_test::Failures();                               \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                              \
      fprintf(stderr, "\n");                                     \
    }                                                            \
  } while (0)

inline int Finish(const char* name) {
  printf("%s: %d checks, %d failures\n", name, Checks(), Failures());
  return Failures() == 0 ? 0 : 1;
}

constexpr int kF32 = 0, kI32 = 2, kU8 = 3, kI64 = 4, kI8 = 9;

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint32_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<uint32_t>(s >> 16);
  }
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint32_t>(hi - lo + 1)); }
  float Float(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(Next() % 1000001) / 1000000.0f; }
};

// ---- independent oracle ----
inline void OracleQuantizeMultiplier(double real, int32_t* m, int* shift, bool single) {
  if (real == 0.0) {
    *m = 0;
    *shift = 0;
    return;
  }
  int e = 0;
  while (std::ldexp(real, -e) >= 1.0) ++e;
  while (std::ldexp(real, -e) < 0.5) --e;
  long long q = std::llround(std::ldexp(real, 31 - e));
  if (q == (1LL << 31)) {
    q >>= 1;
    ++e;
  }
  if (e < -31) {
    e = 0;
    q = 0;
  }
  if (single && e > 30) {
    e = 30;
    q = (1LL << 31) - 1;
  }
  *m = static_cast<int32_t>(q);
  *shift = e;
}

// gemmlowp double rounding: round-half-up of the doubled high product, then round-half-away right shift.
inline int32_t OracleGemmlowp(int32_t x, int32_t m, int shift) {
  const int left = std::max(shift, 0), right = std::max(-shift, 0);
  const int32_t xs = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
  int64_t hi;
  if (xs == INT32_MIN && m == INT32_MIN) {
    hi = INT32_MAX;
  } else {
    hi = (static_cast<int64_t>(xs) * m + (1LL << 30)) >> 31;  // floor: half rounds toward +inf
  }
  if (right == 0) return static_cast<int32_t>(hi);
  const int64_t mag = hi < 0 ? -hi : hi;
  const int64_t r = (mag + (1LL << (right - 1))) >> right;
  return static_cast<int32_t>(hi < 0 ? -r : r);
}

inline int32_t OracleSingle(int32_t x, int32_t m, int shift) {
  const int t = 31 - shift;
  return static_cast<int32_t>((static_cast<int64_t>(x) * m + (1LL << (t - 1))) >> t);
}

inline int32_t OracleFp32(int32_t acc, float scale) {
  return static_cast<int32_t>(std::nearbyint(static_cast<float>(acc) * scale));
}

// EDGERT_REQUANT_GEMMLOWP_UP: the same doubled high product, then floor((hi + 2^(right-1)) / 2^right), i.e. ties
// of the right shift toward +inf (TFLite 2.20 int8 CONV_2D / FULLY_CONNECTED on x86-64).
inline int32_t OracleGemmlowpUp(int32_t x, int32_t m, int shift) {
  const int left = std::max(shift, 0), right = std::max(-shift, 0);
  const int32_t hi = OracleGemmlowp(x, m, left);  // no right shift: the plain doubled high product
  if (right == 0) return hi;
  return static_cast<int32_t>(static_cast<int64_t>(std::floor((static_cast<double>(hi) + std::ldexp(1.0, right - 1)) / std::ldexp(1.0, right))));
}

inline int32_t OracleMul(int mode, int32_t x, int32_t m, int shift) {
  if (mode == EDGERT_REQUANT_SINGLE) return OracleSingle(x, m, shift);
  if (mode == EDGERT_REQUANT_GEMMLOWP_UP) return OracleGemmlowpUp(x, m, shift);
  return OracleGemmlowp(x, m, shift);
}

inline int32_t Clamp(int32_t v, int32_t lo, int32_t hi) { return std::min(std::max(v, lo), hi); }

inline int32_t QMin(int dtype) { return dtype == kI8 ? -128 : 0; }
inline int32_t QMax(int dtype) { return dtype == kI8 ? 127 : 255; }

// TFLite CalculateActivationRangeQuantized.
inline void OracleActRange(int act, int dtype, float scale, int32_t zp, int32_t* lo, int32_t* hi) {
  auto q = [&](float f) { return zp + static_cast<int32_t>(std::round(f / scale)); };
  *lo = QMin(dtype);
  *hi = QMax(dtype);
  if (act == 1 || act == 3) *lo = std::max(*lo, q(0.0f));
  if (act == 3) *hi = std::min(*hi, q(6.0f));
  if (act == 2) {
    *lo = std::max(*lo, q(-1.0f));
    *hi = std::min(*hi, q(1.0f));
  }
}

// ---- plan builder over the C ABI ----
struct PlanBuilder {
  edgert_plan* plan;
  std::vector<uint8_t> arena_storage;
  int64_t next_offset = 0;
  std::vector<std::vector<uint8_t>> constants;

  explicit PlanBuilder(int mode) : plan(edgert_plan_create(mode)) {
    if (TestThreads() > 1 && edgert_plan_set_threads(plan, TestThreads()) != 0) {
      EXPECT_TRUE(false, "set_threads(%d): %s", TestThreads(), edgert_plan_error(plan));
    }
  }
  ~PlanBuilder() { edgert_plan_destroy(plan); }

  static int Size(int dtype) { return dtype == kF32 || dtype == kI32 ? 4 : dtype == kI64 ? 8 : 1; }

  // Activation tensor in the arena (64-byte aligned offsets).
  int Act(int dtype, std::vector<int32_t> dims, float scale = 0.0f, int64_t zp = 0) {
    int64_t n = 1;
    for (int32_t d : dims) n *= d;
    const int64_t off = next_offset;
    next_offset += (n * Size(dtype) + 63) / 64 * 64 + 64;
    const int ns = scale > 0.0f ? 1 : 0;
    return edgert_plan_add_tensor(plan, dtype, static_cast<int>(dims.size()), dims.data(), off, nullptr, ns, &scale, &zp, 0);
  }
  int64_t Offset(int) const { return 0; }

  // Constant tensor (bytes copied into the builder, which outlives the plan).
  int Const(int dtype, std::vector<int32_t> dims, const void* data, size_t bytes, std::vector<float> scales = {},
            std::vector<int64_t> zps = {}, int qdim = 0) {
    constants.emplace_back(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + bytes);
    if (zps.size() < scales.size()) zps.resize(scales.size(), 0);
    return edgert_plan_add_tensor(plan, dtype, static_cast<int>(dims.size()), dims.data(), -1, constants.back().data(),
                                  static_cast<int>(scales.size()), scales.data(), zps.data(), qdim);
  }

  int Op(int builtin, const char* kernel, std::vector<int32_t> in, std::vector<int32_t> out, std::vector<int32_t> ints = {},
         std::vector<float> floats = {}) {
    return edgert_plan_add_op(plan, builtin, kernel, static_cast<int>(in.size()), in.data(), static_cast<int>(out.size()),
                              out.data(), static_cast<int>(ints.size()), ints.data(), static_cast<int>(floats.size()),
                              floats.data());
  }

  uint8_t* Arena() {
    if (arena_storage.size() < static_cast<size_t>(next_offset + 64)) arena_storage.assign(next_offset + 128, 0xCD);
    uint8_t* base = arena_storage.data();
    return base + ((64 - reinterpret_cast<uintptr_t>(base) % 64) % 64);
  }
};

// Kernel ids of a family: variants implementing builtin whose id starts with prefix (e.g. "conv2d_qs8_").
inline std::vector<std::string> Variants(int builtin, const std::string& prefix) {
  std::vector<std::string> ids;
  for (int i = 0; i < edgert_kernel_count(); ++i) {
    const std::string id = edgert_kernel_id(i);
    if (edgert_kernel_builtin(i) != builtin || id.compare(0, prefix.size(), prefix) != 0) continue;
    if (!edgert_kernel_enabled(i)) {
      printf("  skip %s (%s)\n", id.c_str(), edgert_kernel_cpu_supported(i) ? "not in EDGERT_ISA" : "CPU lacks its ISA");
      continue;
    }
    ids.push_back(id);
  }
  return ids;
}

inline void Coverage(const std::vector<std::string>& ids, int cases) {
  for (const std::string& id : ids) printf("  covered %s (%d cases)\n", id.c_str(), cases);
}

}  // namespace edgert_test

#endif  // EDGERT_TEST_UTIL_H_
