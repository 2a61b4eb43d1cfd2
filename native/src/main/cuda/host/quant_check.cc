// Checks that the device requantization of edgert_cuda_ops.h (compiled here by g++) returns exactly what the C++
// reference (native/src/main/cpp/ref/quant.h) returns, for every mode, on edge cases (ties, saturation, extreme
// shifts) and a million random (accumulator, multiplier, shift) triples. Exit status 0 when all agree.
#include <stdio.h>

#include <random>

#include "../edgert_cuda_ops.h"
#include "ref/quant.h"

int main() {
  static_assert(ecu::kGemmlowp == EDGERT_REQUANT_GEMMLOWP && ecu::kSingle == EDGERT_REQUANT_SINGLE &&
                    ecu::kFp32 == EDGERT_REQUANT_FP32 && ecu::kGemmlowpUp == EDGERT_REQUANT_GEMMLOWP_UP,
                "requant mode codes differ from plan.h");
  std::mt19937_64 rng(12345);
  long checked = 0, bad = 0;
  auto check = [&](int32_t acc, int32_t mult, int shift, float fscale) {
    for (int mode = 0; mode < 4; ++mode) {
      if (mode == EDGERT_REQUANT_SINGLE && (shift > 30 || shift < -31)) continue;
      const int32_t want = edgert::Requantize(acc, mult, shift, fscale, mode);
      const int32_t got = ecu::Requantize(acc, mult, shift, fscale, mode);
      ++checked;
      if (want != got && bad++ < 10) {
        printf("mode %d acc %d mult %d shift %d: ref %d, cuda %d\n", mode, acc, mult, shift, want, got);
      }
    }
  };
  const int32_t accs[] = {0, 1, -1, 31, -31, 32, -32, 1 << 20, -(1 << 20), INT32_MAX, INT32_MIN, -1013, 608, -608};
  const int32_t mults[] = {1073741824, 1289176683, INT32_MAX, 1 << 30, 1518500250};
  for (int32_t acc : accs) {
    for (int32_t m : mults) {
      for (int shift = -31; shift <= 30; ++shift) check(acc, m, shift, 0.37f);
    }
  }
  for (int i = 0; i < 1000000; ++i) {
    double real = std::ldexp(std::uniform_real_distribution<double>(0.5, 1.0)(rng),
                             static_cast<int>(rng() % 40) - 30);
    int32_t mult;
    int shift;
    edgert::QuantizeMultiplier(real, &mult, &shift, (i & 1) != 0);
    const int bits = 1 + static_cast<int>(rng() % 31);
    const int32_t acc = static_cast<int32_t>(static_cast<int64_t>(rng() % (1ULL << bits)) - (1LL << (bits - 1)));
    check(acc, mult, shift, static_cast<float>(real));
  }
  int32_t w = 0;
  for (int i = 0; i < 100000; ++i) {
    const int32_t a = static_cast<int32_t>(rng()), b = static_cast<int32_t>(rng()), c = static_cast<int32_t>(rng());
    int32_t want = c;
    for (int k = 0; k < 4; ++k) {
      want = static_cast<int32_t>(static_cast<uint32_t>(want) +
                                  static_cast<uint32_t>(static_cast<int8_t>(a >> (8 * k)) * static_cast<int8_t>(b >> (8 * k))));
    }
    w += ecu::Dp4a(a, b, c) != want;
  }
  printf("quant_check: %ld requantizations compared, %ld differ; dp4a emulation: %d differ\n", checked, bad, w);
  return bad == 0 && w == 0 ? 0 : 1;
}
