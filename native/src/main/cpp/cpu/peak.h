// The int8 peak probe behind edgert_cpu_int8_peak_gops (edgert/plan.h): one file per architecture
// (peak_x86.cc, peak_arm.cc) measures it with the instruction its GEMM kernels use.
#ifndef EDGERT_CPU_PEAK_H_
#define EDGERT_CPU_PEAK_H_

#include <stdint.h>

#include <algorithm>
#include <chrono>

namespace edgert {

// Int8 operations (2 per multiply-add) per nanosecond of one core, best of repeated timed loops over about
// millis milliseconds; 0 where this build has no probe for the CPU.
double Int8PeakGops(int millis);

// Best rate of loop(n) (n iterations of macs_per_iteration multiply-adds) over repeated runs in about millis
// milliseconds, in int8 GOPS; the iteration count grows until one run takes 1 ms.
template <typename Loop>
double BestRate(int millis, Loop loop, int64_t macs_per_iteration) {
  using Clock = std::chrono::steady_clock;
  volatile int32_t sink = 0;
  int64_t n = 1024;
  for (;;) {
    const Clock::time_point t0 = Clock::now();
    sink = sink + loop(n);
    if (Clock::now() - t0 >= std::chrono::milliseconds(1) || n >= (int64_t{1} << 40)) break;
    n *= 2;
  }
  double best = 0.0;
  const Clock::time_point end = Clock::now() + std::chrono::milliseconds(std::max(millis, 1));
  do {
    const Clock::time_point t0 = Clock::now();
    sink = sink + loop(n);
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    if (ns > 0) best = std::max(best, 2.0 * static_cast<double>(macs_per_iteration) * static_cast<double>(n) / ns);
  } while (Clock::now() < end);
  return best;
}

}  // namespace edgert

#endif  // EDGERT_CPU_PEAK_H_
