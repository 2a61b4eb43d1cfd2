#!/usr/bin/env bash
# Builds benchmarks/gpu/payload/, everything check.sh needs on a GPU machine without Java, Maven or network:
#   jre/      jlink'ed runtime (java.base, java.logging, jdk.unsupported; about 34 MiB)
#   jars/     edgert's runtime, native (libjniedgert.so) and cuda (the fatbin) jars and their dependencies; the CUDA
#             preset's platform jar cut down to libjnicudart.so (the other 29 JNI libraries are not used)
#   lib/      libcudart.so.13 from this machine's CUDA toolkit (redistributable), so the target needs only the driver
#   models/   the int8/uint8 models of ../shared/models the parity suite runs
# Needs JDK 17 (jlink), Maven and nvcc (without nvcc the jar has no kernels and check.sh says so). Run from anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root="$(pwd)"
out="$root/benchmarks/gpu/payload"
shared="${EDGERT_SHARED:-$root/../shared}"
limit_mib=60

echo "building the cuda module and its dependencies (mvn package, tests skipped)..."
mvn -o -q -B package dependency:build-classpath -pl cuda -am -DskipTests \
  -Dmdep.includeScope=runtime -Dmdep.outputFile=target/classpath.txt
classpath="$(cat cuda/target/classpath.txt)"

rm -rf "$out"
mkdir -p "$out/jars" "$out/lib" "$out/models"
cp cuda/target/edgert-cuda-*.jar "$out/jars/"
IFS=':' read -r -a jars <<<"$classpath"
for j in "${jars[@]}"; do
  name="$(basename "$j")"
  case "$name" in
    tensorflow-lite-*-linux-*.jar) ;;  # TFLite's native library: not used by the check (tflite reports unavailable)
    cuda-*-linux-x86_64.jar)
      tmp="$(mktemp -d)"
      (cd "$tmp" && jar --extract --file "$j" org/bytedeco/cuda/linux-x86_64/libjnicudart.so \
        && jar --create --file "$out/jars/$name" org)
      rm -rf "$tmp" ;;
    *) cp "$j" "$out/jars/" ;;
  esac
done

cudart="$(ls /usr/local/cuda/lib64/libcudart.so.13 2>/dev/null || true)"
if [[ -n "$cudart" ]]; then
  cp -L "$cudart" "$out/lib/"
else
  echo "warning: no libcudart.so.13 here; the target machine must provide it"
fi

if [[ -d "$shared/models" ]]; then
  (cd "$shared/models" && for m in coral/mobilenet_v1_0.25_128_quant.tflite coral/mobilenet_v2_1.0_224_quant.tflite \
      coral/tf2_mobilenet_v2_1.0_224_ptq.tflite mlperf-tiny/ad01_int8.tflite mlperf-tiny/kws_ref_model.tflite \
      mlperf-tiny/pretrainedResnet_quant.tflite mlperf-tiny/vww_96_int8.tflite tflite-micro/hello_world_int8.tflite \
      tflite-micro/micro_speech_quantized.tflite tflite-micro/person_detect.tflite; do
    [[ -f "$m" ]] && install -D -m 644 "$m" "$out/models/$m"
  done)
else
  echo "warning: $shared/models is absent: the payload has no models (check.sh will look for ../shared)"
fi

echo "jlink..."
# java.logging: the runtime logs backend fallbacks through java.util.logging (Android has no System.Logger).
jlink --add-modules java.base,java.logging,jdk.unsupported --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$out/jre"

# Sanity: the payload's own java starts and loads edgert (no GPU needed). GpuCheck info exits 1 where there is no
# GPU, so judge by its output: a missing module or class shows up as an exception instead of the "cuda" line.
sanity="$("$out/jre/bin/java" -cp "$out/jars/*" io.edgert.cuda.tools.GpuCheck info 2>&1 || true)"
echo "$sanity" | sed 's/^/  /'
if ! grep -q '^cuda ' <<<"$sanity" || grep -q 'Exception\|Error:' <<<"$sanity"; then
  echo "the payload's java cannot run GpuCheck (see above)" >&2
  exit 1
fi

bytes="$(du -sb "$out" | cut -f1)"
mib=$(( (bytes + 1048575) / 1048576 ))
du -sh "$out"/* | sed 's/^/  /'
echo "payload: $out, $mib MiB (limit $limit_mib MiB)"
if (( mib > limit_mib )); then
  echo "payload too large" >&2
  exit 1
fi
