#!/usr/bin/env bash
# Prepares an arm64 Java 17 runtime that runs on this x86-64 machine under qemu-user, for the emulated end-to-end
# tests (arm64-e2e). Debian's openjdk-17-jre-headless:arm64 and the few arm64 libraries it loads are downloaded
# (apt-get download) and unpacked with dpkg-deb -x into a sysroot: nothing is installed, no package state changes
# except that dpkg learns the arm64 architecture (needed to download arm64 packages).
#
#   .ci/arm64-jre.sh [SYSROOT]     default: $EDGERT_ARM64_SYSROOT or ~/.cache/edgert/arm64-sysroot
#
# Idempotent: a sysroot whose marker matches the package list is reused without network access. Prints the sysroot
# path on stdout (last line). Run it as: qemu-aarch64 -L SYSROOT SYSROOT/usr/lib/jvm/java-17-openjdk-arm64/bin/java
# Needs root for dpkg --add-architecture / apt-get update the first time only.
set -euo pipefail

sysroot="${1:-${EDGERT_ARM64_SYSROOT:-$HOME/.cache/edgert/arm64-sysroot}}"
# The JRE and what a headless JVM running edgert loads: libc/libm/libdl/libpthread, libstdc++ and libgcc_s (libjvm,
# the JavaCPP libraries), zlib (libzip). AWT, sound, smart-card and NSS libraries are never loaded and left out.
packages=(openjdk-17-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g)
marker="$sysroot/.edgert-packages"
java="$sysroot/usr/lib/jvm/java-17-openjdk-arm64/bin/java"

if [[ -x "$java" && -f "$marker" && "$(cat "$marker")" == "${packages[*]}" ]]; then
  echo "$sysroot"
  exit 0
fi

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  apt-get update -qq
fi
debs="$(mktemp -d)"
trap 'rm -rf "$debs"' EXIT
names=()
for p in "${packages[@]}"; do names+=("$p:arm64"); done
if ! (cd "$debs" && apt-get download -qq "${names[@]}" >/dev/null 2>&1); then
  apt-get update -qq  # stale package lists name versions the mirror no longer has
  (cd "$debs" && apt-get download -qq "${names[@]}")
fi

rm -rf "$sysroot.tmp"
mkdir -p "$sysroot.tmp"
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$sysroot.tmp"
done
# Debian's usrmerge layout: the ELF interpreter is /lib/ld-linux-aarch64.so.1 and the loader searches /lib/<triplet>;
# the libc6 package ships them under usr/lib only when the base-files symlinks exist, which are not unpacked here.
for d in lib lib64; do
  if [[ ! -e "$sysroot.tmp/$d" && -d "$sysroot.tmp/usr/$d" ]]; then ln -s "usr/$d" "$sysroot.tmp/$d"; fi
done
# Absolute symlinks (the JRE's lib/jvm.cfg -> /etc/java-17-openjdk/..., security files) would resolve on the host,
# where the kernel follows them without qemu's -L prefix: point them into the sysroot instead.
while IFS= read -r -d '' link; do
  target="$(readlink "$link")"
  if [[ "$target" == /* ]]; then ln -sfn "$sysroot$target" "$link"; fi
done < <(find "$sysroot.tmp" -type l -print0)
echo "${packages[*]}" >"$sysroot.tmp/.edgert-packages"
rm -rf "$sysroot"
mv "$sysroot.tmp" "$sysroot"
echo "$sysroot"
