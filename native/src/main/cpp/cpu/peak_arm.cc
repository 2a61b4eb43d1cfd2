// edgert_cpu_int8_peak_gops on arm64: not measured yet (0); the x86 probe is cpu/peak_x86.cc.
#include "cpu/peak.h"

namespace edgert {

double Int8PeakGops(int) { return 0.0; }

}  // namespace edgert
