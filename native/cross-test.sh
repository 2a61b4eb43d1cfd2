#!/usr/bin/env bash
# Cross-builds edgert's C kernels and C tests for arm64 (Debian's g++-aarch64-linux-gnu) and runs the whole C test
# suite under qemu-aarch64 once per emulated CPU model, each run checking every variant that CPU supports against
# the scalar reference:
#   cortex-a72  ARMv8-A NEON only            -> the *_neon variants (dotprod / i8mm ones skipped: CPU lacks its ISA)
#   cortex-a76  + dotprod (SDOT)             -> also *_neondot
#   max         + i8mm (SMMLA), SVE...       -> also *_neoni8mm
# For each CPU it prints the detected feature bits, the non-ref variants the tests ran, and each test's checks /
# failures; it also fails when a tier's variants did not run on the CPU that has its ISA (detection broken) or ran
# on one that lacks it. Exit status 0 only if everything passed.
#
# Usage: native/cross-test.sh [cpu...]            (default: cortex-a72 cortex-a76 max)
# Env:   BUILD (default native/target/native-arm64), CROSS (default aarch64-linux-gnu-),
#        QEMU (default qemu-aarch64), SYSROOT (default /usr/aarch64-linux-gnu), JOBS (default nproc).
# Needs: apt-get install g++-aarch64-linux-gnu qemu-user  (gcc 12 / qemu 7.2 on Debian 12 checked).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
BUILD="${BUILD:-$here/target/native-arm64}"
CROSS="${CROSS:-aarch64-linux-gnu-}"
QEMU="${QEMU:-qemu-aarch64}"
SYSROOT="${SYSROOT:-/usr/aarch64-linux-gnu}"
JOBS="${JOBS:-$(nproc)}"
cpus=("$@")
[ ${#cpus[@]} -eq 0 ] && cpus=(cortex-a72 cortex-a76 max)

for tool in "${CROSS}g++" "${CROSS}ar" "$QEMU"; do
  command -v "$tool" >/dev/null || { echo "cross-test: $tool not found (apt-get install g++-aarch64-linux-gnu qemu-user)" >&2; exit 2; }
done

echo "== cross-build (arm64) into $BUILD"
mkdir -p "$BUILD"
if ! make -C "$here" -j"$JOBS" lib tests BUILD="$BUILD" CXX="${CROSS}g++" AR="${CROSS}ar" >"$BUILD/cross-build.log" 2>&1; then
  tail -50 "$BUILD/cross-build.log"
  echo "cross-test: cross-build FAILED (log: $BUILD/cross-build.log)"
  exit 1
fi

status=0
for cpu in "${cpus[@]}"; do
  log="$BUILD/cross-test-$cpu.log"
  : >"$log"
  cpu_status=0
  for t in "$BUILD"/tests/*_test; do
    echo "== $(basename "$t")" >>"$log"
    if ! "$QEMU" -L "$SYSROOT" -cpu "$cpu" "$t" >>"$log" 2>&1; then
      cpu_status=1
      echo "   $(basename "$t") FAILED" >>"$log"
    fi
  done
  echo "== qemu-aarch64 -cpu $cpu"
  grep -m1 '^cpu features' "$log" | sed 's/^/   /' || true
  ran=$(grep -oE 'covered [a-z0-9_]+_(neon|neondot|neoni8mm)\b' "$log" | awk '{print $2}' | sort -u)
  echo "   non-ref variants run: $(echo $ran)"
  grep -E '^[a-z_]+: [0-9]+ checks, [0-9]+ failures' "$log" | sed 's/^/   /'
  grep -E '^FAIL|FAILED' "$log" | head -20 | sed 's/^/   /' || true
  # Tier checks: what this CPU must and must not run.
  expect_run=(neon) expect_skip=()
  case "$cpu" in
    cortex-a53|cortex-a57|cortex-a72) expect_skip=(neondot neoni8mm) ;;
    cortex-a55|cortex-a76|neoverse-n1) expect_run+=(neondot); expect_skip=(neoni8mm) ;;
    max) expect_run+=(neondot neoni8mm) ;;
  esac
  # The tier's conv GEMM must have run (conv_test runs only enabled variants, so EDGERT_ISA narrows it too).
  for isa in "${expect_run[@]}"; do
    echo "$ran" | grep -qE "^conv2d_qs8_gemm_[0-9a-z]+_${isa}\$" ||
      { echo "   ERROR: conv2d_qs8_gemm_*_${isa} did not run on $cpu"; cpu_status=1; }
  done
  for isa in "${expect_skip[@]}"; do
    if echo "$ran" | grep -qE "_${isa}\$"; then echo "   ERROR: *_${isa} variants ran on $cpu, which lacks the ISA"; cpu_status=1; fi
  done
  if [ $cpu_status -ne 0 ]; then
    echo "   -> FAILED (full log: $log)"
    status=1
  else
    echo "   -> passed"
  fi
done
[ $status -eq 0 ] && echo "cross-test: all CPUs passed" || echo "cross-test: FAILED"
exit $status
