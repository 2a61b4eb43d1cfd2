#!/usr/bin/env bash
# GPU acceptance check, for a machine with an NVIDIA GPU and driver but no Java, Maven or network. Runs from the
# payload built by make-payload.sh (benchmarks/gpu/payload, carried along with the working tree):
#   1. info: the fatbin's architectures and the device the cuda backend found (or why none)
#   2. parity: every int8/uint8 model, cuda vs native bit for bit, batch 1 and 8 (tensor-core and dp4a conv on
#      sm_80+), plus batch 1 launching op by op without CUDA graphs; one JVM per model; after a CUDA fault,
#      compute-sanitizer memcheck on the first faulting model (where compute-sanitizer is installed)
#   3. bench: MobileNetV2 int8 (tf2_mobilenet_v2_1.0_224_ptq), batch 1 and 32, CUDA graphs on and off, native batch 1
#   4. PyTorch fp16 eager MobileNetV2 (torchvision, random weights), batch 1 and 32, only where torch imports
#   5. per-kernel GPU times of one MobileNetV2 inference at batch 1, only where Nsight Compute (ncu) is installed
# Each stage has a time limit; the whole check stays under 8 minutes. Exit status: non-zero if parity failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
payload="${EDGERT_GPU_PAYLOAD:-$here/payload}"
java="$payload/jre/bin/java"
if [[ ! -x "$java" ]]; then
  echo "no payload at $payload: build it with benchmarks/gpu/make-payload.sh on a machine with JDK 17 and Maven" >&2
  exit 2
fi
models="$payload/models"
[[ -d "$models/coral" || -d "$models/mlperf-tiny" ]] || models="$here/../../../shared/models"

echo "== machine"
date -u
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>/dev/null \
  || echo "nvidia-smi: not available"
ldconfig -p 2>/dev/null | grep -m1 'libcuda.so.1' || echo "libcuda.so.1: not in the ldconfig cache"

# libcudart.so.13 from the payload; libcuda.so.1 (the driver) from the system: if the loader cache lacks it
# (containers that mount the driver elsewhere), look in the usual mount points.
driver_dir=""
if ! ldconfig -p 2>/dev/null | grep -q 'libcuda.so.1'; then
  for d in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/cuda/compat /usr/lib/wsl/lib; do
    if [[ -e "$d/libcuda.so.1" ]]; then driver_dir="$d"; echo "driver library: $d/libcuda.so.1"; break; fi
  done
fi
ls -l /dev/nvidia* 2>/dev/null | head -5 || echo "no /dev/nvidia* device nodes"
export LD_LIBRARY_PATH="$payload/lib${driver_dir:+:$driver_dir}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
jvm=("$java" -Xss4m -Dedgert.cuda.probe=force -Dorg.bytedeco.javacpp.cachedir="${TMPDIR:-/tmp}/edgert-javacpp-cache" -Djava.library.path="$payload/lib" -cp "$payload/jars/*")
main=io.edgert.cuda.tools.GpuCheck

echo "== info"
timeout 60 "${jvm[@]}" "$main" info
echo "== parity (cuda vs native, bit-exact, batch 1 and 8; one process per model)"
# One process per model: a kernel fault (illegal address, launch failure) poisons the CUDA context of its process.
passed=0
failed=0
first_fault=""
parity_start=$SECONDS
while read -r rel; do
  [[ -n "$rel" ]] || continue
  if (( SECONDS - parity_start > 240 )); then echo "FAIL  $rel: not run, the parity stage's 240 s are spent"; failed=$((failed + 1)); continue; fi
  log="$(timeout 90 "${jvm[@]}" "$main" parity "$models" --models "$rel" --batches 1,8 2>&1)"
  rc=$?
  grep -E '^(PASS|FAIL|SKIP|-- )|Exception|error' <<<"$log" | grep -v '^parity:' | head -40
  p=$(grep -c '^PASS' <<<"$log"); f=$(grep -c '^FAIL' <<<"$log")
  (( rc == 124 )) && { echo "FAIL  $rel: timed out after 90 s"; f=$((f + 1)); }
  (( rc != 0 && p + f == 0 )) && { echo "FAIL  $rel: exit status $rc"; f=1; }
  passed=$((passed + p)); failed=$((failed + f))
  if [[ -z "$first_fault" ]] && grep -q 'CUresult' <<<"$log"; then first_fault="$rel"; fi
done < <("${jvm[@]}" "$main" models)
echo "parity: $passed passed, $failed failed"
parity=$(( failed == 0 && passed > 0 ? 0 : 1 ))
if [[ -n "$first_fault" ]] && command -v compute-sanitizer >/dev/null; then
  echo "== compute-sanitizer memcheck on $first_fault (batch 1, one launch per op)"
  timeout 150 compute-sanitizer --tool memcheck --print-limit 20 "${jvm[@]}" -Dedgert.cuda.graphs=false "$main" run \
    "$models/$first_fault" --batch 1 2>&1 | grep -v '^=========     Host Frame' | head -80
fi
echo "== bench (end to end: host->device input, kernels, device->host output)"
# The SM clock halfway through the first timed run (GPU boost decides it; small kernels may not raise it).
( sleep 8; nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,clocks.mem,pstate,utilization.gpu --format=csv 2>/dev/null \
    | sed 's/^/clocks   /' ) &
timeout 120 "${jvm[@]}" "$main" bench "$models/coral/tf2_mobilenet_v2_1.0_224_ptq.tflite" --batches 1,32 --seconds 4
wait
echo "== PyTorch fp16 (torchvision MobileNetV2, random weights)"
if python3 -c 'import torch, torchvision' 2>/dev/null; then
  timeout 90 python3 "$here/torch_bench.py" --batches 1,32 --seconds 4
else
  echo "PyTorch/torchvision not importable here: comparison skipped"
fi
echo "== per-kernel GPU time, MobileNetV2 int8 batch 1, one launch per op (Nsight Compute)"
if command -v ncu >/dev/null; then
  csv="${TMPDIR:-/tmp}/edgert-ncu.csv"
  # 2 seeds x ~65 kernels per inference: -c 70 profiles the first inference's kernels once each.
  timeout 120 ncu --clock-control none --csv --page raw --metrics gpu__time_duration.sum,sm__cycles_elapsed.avg.per_second,smsp__inst_executed.sum,sm__cycles_active.avg,sm__cycles_elapsed.avg -c 70 \
    "${jvm[@]}" -Dedgert.cuda.graphs=false "$main" run "$models/coral/tf2_mobilenet_v2_1.0_224_ptq.tflite" --batch 1 \
    > "$csv" 2>/dev/null
  if command -v python3 >/dev/null; then
    python3 "$here/ncu_summary.py" "$csv"
  else
    grep -c '"ecu_' "$csv" || echo "ncu wrote no kernel rows"
  fi
else
  echo "ncu not installed: skipped"
fi
echo "== done: parity exit status $parity"
exit "$parity"
