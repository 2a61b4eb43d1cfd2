// edgert_cpu_features(): what this CPU (and OS) can run.
// x86_64: CPUID leaves 1, 7.0 and 7.1, with XGETBV checks that the OS saves AVX (XMM|YMM) and AVX-512
// (opmask|ZMM) state. aarch64 Linux/Android: getauxval(AT_HWCAP / AT_HWCAP2). Elsewhere: 0.
// Detected once; edgert_cpu_features is cheap to call.
#include "cpu/peak.h"
#include <stdint.h>

#include "edgert/plan.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace {

#if defined(__x86_64__) || defined(_M_X64)
uint64_t Xgetbv0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

// Asks Linux for the AMX tile data state (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), kernel 5.16+):
// process-wide and permanent once granted. Refused (old kernel, a signal stack too small for the larger signal
// frame) or another OS: no AMX.
bool RequestTileData() {
#if defined(__linux__)
  constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
#else
  return false;
#endif
}

uint64_t Detect() {
  uint32_t eax, ebx, ecx, edx;
  if (__get_cpuid_max(0, nullptr) < 1) return 0;
  __cpuid_count(1, 0, eax, ebx, ecx, edx);
  uint64_t f = 0;
  if (ecx & (1u << 19)) f |= EDGERT_CPU_SSE41;
  const bool osxsave = (ecx & (1u << 27)) != 0;
  const bool avx = (ecx & (1u << 28)) != 0;
  const bool fma = (ecx & (1u << 12)) != 0;
  uint64_t xcr0 = osxsave ? Xgetbv0() : 0;
  const bool os_avx = (xcr0 & 0x6) == 0x6;             // XMM and YMM state
  const bool os_avx512 = (xcr0 & 0xE6) == 0xE6;        // plus opmask, ZMM_Hi256, Hi16_ZMM
  if (avx && os_avx && fma) f |= EDGERT_CPU_FMA;
  if (__get_cpuid_max(0, nullptr) >= 7) {
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const uint32_t ebx7 = ebx, ecx7 = ecx, edx7 = edx;
    if (avx && os_avx && (ebx7 & (1u << 5))) f |= EDGERT_CPU_AVX2;
    if (os_avx512) {
      if (ebx7 & (1u << 16)) f |= EDGERT_CPU_AVX512F;
      if (ebx7 & (1u << 30)) f |= EDGERT_CPU_AVX512BW;
      if (ebx7 & (1u << 31)) f |= EDGERT_CPU_AVX512VL;
      if (ecx7 & (1u << 11)) f |= EDGERT_CPU_AVX512VNNI;
    }
    // AMX-INT8 (with AMX-TILE): the OS must save the tile state (XCR0[18:17]) and, on Linux, grant it to this
    // process; the first tile instruction without that grant is a SIGILL.
    if ((edx7 & (1u << 25)) && (edx7 & (1u << 24)) && (xcr0 & (3ull << 17)) == (3ull << 17) && RequestTileData()) {
      f |= EDGERT_CPU_AMX_INT8;
    }
    const uint32_t max_sub = eax;
    if (max_sub >= 1) {
      __cpuid_count(7, 1, eax, ebx, ecx, edx);
      if (os_avx && (eax & (1u << 4))) f |= EDGERT_CPU_AVXVNNI;
    }
  }
  return f;
}
#elif defined(__aarch64__) && defined(__linux__)
uint64_t Detect() {
  const unsigned long hwcap = getauxval(AT_HWCAP);
  const unsigned long hwcap2 = getauxval(AT_HWCAP2);
  uint64_t f = 0;
  if (hwcap & (1ul << 1)) f |= EDGERT_CPU_ASIMD;     // HWCAP_ASIMD
  if (hwcap & (1ul << 20)) f |= EDGERT_CPU_DOTPROD;  // HWCAP_ASIMDDP
  if (hwcap & (1ul << 22)) f |= EDGERT_CPU_SVE;      // HWCAP_SVE
  if (hwcap2 & (1ul << 13)) f |= EDGERT_CPU_I8MM;    // HWCAP2_I8MM
  return f;
}
#else
uint64_t Detect() { return 0; }
#endif

}  // namespace

extern "C" uint64_t edgert_cpu_features(void) {
  static const uint64_t features = Detect();
  return features;
}

extern "C" double edgert_cpu_int8_peak_gops(int millis) { return edgert::Int8PeakGops(millis); }
