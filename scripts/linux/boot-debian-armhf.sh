#!/bin/sh
# Boot Debian's own 32-bit Arm binaries, unmodified: the armhf Cortex-A15/LPAE kernel
# (linux-image-armmp-lpae, a zImage) with an initramfs holding Debian's armhf static busybox,
# in AArch32 SVC mode (--el 1) on the virt board and on the arndale board, and as the 32-bit
# dom0 of Xen 4.17 arm64; then Xen with two 32-bit hello-xen guests (dom0less). For each boot
# of the kernel, check
# that userspace ran: /init prints a line, the CPU features, the online CPUs and the SHA-256 of
# busybox computed in the guest, then powers off through PSCI (HVC32).
#
# usage: scripts/linux/boot-debian-armhf.sh [ARMVM]     (default .build/release/armvm)
# Downloads about 45 MB from Debian into .build-linux/armhf/ (kept between runs).
set -eu
ARMVM=${1:-.build/release/armvm}
DIR=.build-linux/armhf
mkdir -p "$DIR"
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -f "$DIR/zImage" ] || [ ! -f "$DIR/busybox" ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    # Only package *lists* for armhf are added; nothing armhf is installed on the host.
    if ! dpkg --print-foreign-architectures | grep -qx armhf; then
        $sudo dpkg --add-architecture armhf
    fi
    $sudo apt-get update -qq || echo "boot-debian-armhf: apt-get update reported errors; downloading anyway"
    # The newest LPAE kernel: the image package linux-image-armmp-lpae depends on.
    pkg=$(apt-cache depends linux-image-armmp-lpae:armhf | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    (cd "$DIR" && rm -f ./*.deb && apt-get download "$pkg" busybox-static:armhf 2>/dev/null)
    rm -rf "$DIR/x" && mkdir -p "$DIR/x"
    for d in "$DIR"/*.deb; do dpkg-deb -x "$d" "$DIR/x"; done
    cp "$DIR"/x/boot/vmlinuz-* "$DIR/zImage"      # armhf vmlinuz is a zImage
    cp "$DIR/x/bin/busybox" "$DIR/busybox"
    rm -rf "$DIR/x" "$DIR"/*.deb
fi
python3 "$here/mkinitramfs.py" "$DIR/busybox" "$here/init.sh" "$DIR/initrd.cpio"
want=$(sha256sum "$DIR/busybox" | cut -d' ' -f1)

# run NAME ARGS...: armvm with ARGS, its console in $out; any failure stops the script.
run() {
    what=$1; shift
    "$ARMVM" run --stats "$@" >"$out" 2>"$DIR/stderr.txt" || {
        echo "boot-debian-armhf: $what: armvm exited with status $?"; cat "$out" "$DIR/stderr.txt"; exit 1; }
    cat "$out" "$DIR/stderr.txt"
}

# check NAME ONLINE: the console in $out shows the armhf userspace ran, with the CPUs ONLINE
# (what /sys says) and the right SHA-256 of busybox, computed in the guest.
check() {
    grep -q "armvm: userspace is up" "$out" || { echo "boot-debian-armhf: $1: userspace did not start"; exit 1; }
    grep -q "armv7l" "$out" || { echo "boot-debian-armhf: $1: uname does not say armv7l"; exit 1; }
    grep -q "CPUs online: $2" "$out" || { echo "boot-debian-armhf: $1: expected CPUs online: $2"; exit 1; }
    grep -q "$want" "$out" || { echo "boot-debian-armhf: $1: the SHA-256 of busybox computed in the guest is wrong"; exit 1; }
    echo "boot-debian-armhf: $1: PASS"
}

# boot BOARD CPUS ONLINE: the kernel to userspace on BOARD with CPUS CPUs (the second started
# through PSCI CPU_ON from AArch32).
boot() {
    out=$DIR/linux-$1.txt
    name="Debian's armhf kernel with a busybox userspace on $1"
    run "$name" --board "$1" --smp "$2" --el 1 --memory 512M --initrd "$DIR/initrd.cpio" \
        --append "console=ttyAMA0 panic=-1 quiet" "$DIR/zImage"
    check "$name" "$3"
}

boot virt 2 0-1
boot arndale 1 0

# Xen 4.17 arm64 (downloaded by boot-debian.sh) with the same armhf kernel and initramfs as its
# dom0: Xen finds a zImage and builds a 32-bit dom0 (AArch32 EL1 under its AArch64 EL2, LPAE
# stage 1 over Xen's stage 2, the GIC and timer through Xen); dom0 halts and Xen powers off.
if [ -f .build-linux/xen ]; then
    out=$DIR/xen.txt
    name="Xen 4.17 with Debian's armhf kernel as a 32-bit dom0"
    run "$name" --board virt --memory 1G --append "console=dtuart dtuart=serial0 dom0_mem=256M" \
        --module "$DIR/zImage,kind=kernel,bootargs=console=hvc0 panic=-1 quiet" \
        --module "$DIR/initrd.cpio,kind=ramdisk" .build-linux/xen
    check "$name" 0
fi

# Xen 4.17 arm64 (downloaded by boot-debian.sh) without dom0, booting Guests/build/hello-xen32.bin
# twice from --guest: Xen finds a zImage and makes each domain 32-bit (AArch32 EL1 under its
# AArch64 EL2); they print through console_io, vpl011 and xen_version, and shut down. Xen then
# idles and armvm stops with status 5.
if [ -f Guests/build/hello-xen32.bin ] && [ -f .build-linux/xen ]; then
    out=$DIR/xen-dom0less32.txt
    status=0
    "$ARMVM" run --board virt --memory 256M --append "console=dtuart dtuart=serial0 guest_loglvl=all" \
        --guest Guests/build/hello-xen32.bin,memory=16M --guest Guests/build/hello-xen32.bin,memory=16M \
        .build-linux/xen >"$out" 2>"$DIR/stderr.txt" || status=$?
    cat "$out"
    [ "$status" = 5 ] || { echo "boot-debian-armhf: dom0less: armvm exited with $status, expected 5 (idle)"; exit 1; }
    for d in d1 d2; do
        grep -q "($d) hello-xen: hello through the console_io hypercall (AArch32)" "$out" || { echo "boot-debian-armhf: dom0less: $d did not run in AArch32"; exit 1; }
        grep -q "($d) hello-xen: running on Xen 4.17" "$out" || { echo "boot-debian-armhf: dom0less: no xen_version line from $d"; exit 1; }
        grep -q "($d) hello-xen: shutting down" "$out" || { echo "boot-debian-armhf: dom0less: $d did not shut down"; exit 1; }
    done
    echo "boot-debian-armhf: Xen 4.17 dom0less with two 32-bit hello-xen guests: PASS"
fi
