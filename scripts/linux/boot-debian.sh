#!/bin/sh
# Boot Debian's own arm64 kernel (the linux-image-arm64 package, unmodified) with an initramfs
# holding Debian's static busybox, on 2 CPUs at EL2 on the virt board, and check that userspace
# ran: its /init prints a line, the CPU features, and the SHA-256 of busybox (computed in the
# guest with Advanced SIMD/crypto code paths), then powers off through PSCI.
#
# usage: scripts/linux/boot-debian.sh [ARMVM]     (default .build/release/armvm)
# Downloads about 60 MB from Debian into .build-linux/ (kept between runs).
set -eu
ARMVM=${1:-.build/release/armvm}
DIR=.build-linux
mkdir -p "$DIR"
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -f "$DIR/Image" ] || [ ! -f "$DIR/busybox" ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    # Only package *lists* for arm64 are added; nothing arm64 is installed on the host.
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        $sudo dpkg --add-architecture arm64
    fi
    $sudo apt-get update -qq
    # The newest Debian arm64 kernel: the image package linux-image-arm64 depends on.
    pkg=$(apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    (cd "$DIR" && rm -f ./*.deb && apt-get download "$pkg" busybox-static:arm64 2>/dev/null)
    rm -rf "$DIR/x" && mkdir -p "$DIR/x"
    for d in "$DIR"/*.deb; do dpkg-deb -x "$d" "$DIR/x"; done
    cp "$DIR"/x/boot/vmlinuz-* "$DIR/Image"      # arm64 vmlinuz is an uncompressed Image
    cp "$DIR/x/bin/busybox" "$DIR/busybox"
    rm -rf "$DIR/x" "$DIR"/*.deb
fi
python3 "$here/mkinitramfs.py" "$DIR/busybox" "$here/init.sh" "$DIR/initrd.cpio"

out=$DIR/console.txt
"$ARMVM" run --board virt --memory 1G --smp 2 --initrd "$DIR/initrd.cpio" \
    --append "console=ttyAMA0 panic=-1 quiet" --stats "$DIR/Image" >"$out" 2>"$DIR/stderr.txt" || {
    echo "boot-debian: armvm exited with status $?"; cat "$out" "$DIR/stderr.txt"; exit 1; }
cat "$out"
cat "$DIR/stderr.txt"
want=$(sha256sum "$DIR/busybox" | cut -d' ' -f1)
grep -q "armvm: userspace is up" "$out" || { echo "boot-debian: userspace did not start"; exit 1; }
grep -q "CPUs online: 0-1" "$out" || { echo "boot-debian: the second CPU did not come up"; exit 1; }
grep -q "$want" "$out" || { echo "boot-debian: SHA-256 of busybox computed in the guest is wrong"; exit 1; }
echo "boot-debian: PASS (Debian kernel, busybox userspace, 2 CPUs, SHA-256 matches the host's)"
