#!/usr/bin/env bash
# Builds the instruction-counting qemu plugin (.ci/qemu-insn/edgert_insn.c) for Debian's qemu-aarch64 7.2, which
# accepts -plugin but ships neither plugins nor qemu-plugin.h. The header comes from the QEMU 7.2 source tarball in
# the Debian archive (same upstream release as the installed qemu-user; checked by SHA-256), cached with the plugin.
#
#   .ci/arm64-insn-plugin.sh [DIR]   default: $EDGERT_QEMU_INSN_DIR or ~/.cache/edgert/qemu-insn
#
# Prints the plugin's path (DIR/libedgert_insn.so) on stdout. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-${EDGERT_QEMU_INSN_DIR:-$HOME/.cache/edgert/qemu-insn}}"
url="http://deb.debian.org/debian/pool/main/q/qemu/qemu_7.2%2bdfsg.orig.tar.xz"
sha256="91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f"
header="$dir/include/qemu-plugin.h"
plugin="$dir/libedgert_insn.so"
src="$here/qemu-insn/edgert_insn.c"

mkdir -p "$dir/include"
if [[ ! -f "$header" ]]; then
  tarball="$(mktemp)"
  trap 'rm -f "$tarball"' EXIT
  curl -fsSL -o "$tarball" "$url"
  echo "$sha256  $tarball" | sha256sum -c --quiet
  tar -xJf "$tarball" -O --wildcards '*/include/qemu/qemu-plugin.h' >"$header.tmp"
  mv "$header.tmp" "$header"
fi
if [[ ! -f "$plugin" || "$src" -nt "$plugin" ]]; then
  gcc -O2 -shared -fPIC -Wall -Wextra -Wno-unused-parameter -I"$dir/include" "$src" -o "$plugin"
fi
echo "$plugin"
