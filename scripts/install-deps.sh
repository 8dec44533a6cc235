#!/usr/bin/env bash
# Installs the Debian packages armvm needs to build, test and run its guests, if missing.
# Used by `make demo`, `make test` and .ci/run; safe to run again.
set -euo pipefail
need=(libfdt-dev device-tree-compiler gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf make gdb-multiarch
      e2fsprogs)
[ "${WITH_QEMU:-0}" = 1 ] && need+=(qemu-system-arm)
missing=()
for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
