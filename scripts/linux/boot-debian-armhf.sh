#!/bin/sh
# Boot Debian's own 32-bit Arm binaries, unmodified: the armhf Cortex-A15/LPAE kernel
# (linux-image-armmp-lpae, a zImage) with an initramfs holding Debian's armhf static busybox,
# - on armvm's Cortex-A15 in Hyp mode (the default for a 32-bit image), on the virt board with
#   two CPUs and on the arndale board: Linux installs its Hyp stub and says so;
# - as the dom0 of Xen 4.17 armhf (xen-hypervisor-4.17-armhf, ARMv7 Hyp mode), on both boards;
# - as the 32-bit dom0 of Xen 4.17 arm64 (AArch32 EL1 under an AArch64 EL2);
# - on arndale with its Exynos UART (samsung_tty, ttySAC0) and armvm.shell=1: commands piped
#   into armvm's stdin run in the busybox shell;
# then each Xen with two 32-bit hello-xen guests (dom0less). For each boot of the kernel, check
# that userspace ran: /init prints a line, the CPU features, the online CPUs and the SHA-256 of
# busybox computed in the guest, then powers off through PSCI.
#
# usage: scripts/linux/boot-debian-armhf.sh [ARMVM]     (default .build/release/armvm)
# Downloads about 46 MB from Debian into .build-linux/armhf/ (kept between runs).
set -eu
ARMVM=${1:-.build/release/armvm}
DIR=.build-linux/armhf
mkdir -p "$DIR"
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -f "$DIR/zImage" ] || [ ! -f "$DIR/busybox" ] || [ ! -f "$DIR/xen" ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    # Only package *lists* for armhf are added; nothing armhf is installed on the host.
    if ! dpkg --print-foreign-architectures | grep -qx armhf; then
        $sudo dpkg --add-architecture armhf
    fi
    $sudo apt-get update -qq || echo "boot-debian-armhf: apt-get update reported errors; downloading anyway"
    # The newest LPAE kernel: the image package linux-image-armmp-lpae depends on.
    pkg=$(apt-cache depends linux-image-armmp-lpae:armhf | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    (cd "$DIR" && rm -f ./*.deb && apt-get download "$pkg" busybox-static:armhf xen-hypervisor-4.17-armhf:armhf 2>/dev/null)
    rm -rf "$DIR/x" && mkdir -p "$DIR/x"
    for d in "$DIR"/*.deb; do dpkg-deb -x "$d" "$DIR/x"; done
    cp "$DIR"/x/boot/vmlinuz-* "$DIR/zImage"      # armhf vmlinuz is a zImage
    cp "$DIR/x/bin/busybox" "$DIR/busybox"
    cp "$DIR/x/boot/xen-4.17-armhf" "$DIR/xen"    # Xen's arm32 zImage
    rm -rf "$DIR/x" "$DIR"/*.deb
fi
python3 "$here/mkinitramfs.py" "$DIR/busybox" "$here/init.sh" "$DIR/initrd.cpio"
want=$(sha256sum "$DIR/busybox" | cut -d' ' -f1)

# run NAME ARGS...: armvm with ARGS, its console in $out; any failure stops the script.
run() {
    what=$1; shift
    "$ARMVM" run --stats "$@" <"${input:-/dev/null}" >"$out" 2>"$out.stderr" || {
        echo "boot-debian-armhf: $what: armvm exited with status $?"; cat "$out" "$out.stderr"; exit 1; }
    cat "$out" "$out.stderr"
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
# through PSCI CPU_ON from AArch32, in Hyp mode as the first), entered in Hyp mode.
boot() {
    out=$DIR/linux-$1.txt
    name="Debian's armhf kernel in Hyp mode with a busybox userspace on $1"
    run "$name" --board "$1" --smp "$2" --memory 512M --initrd "$DIR/initrd.cpio" \
        --append "console=ttyAMA0 panic=-1" "$DIR/zImage"
    grep -q "CPU: All CPU(s) started in HYP mode." "$out" || { echo "boot-debian-armhf: $name: not started in HYP mode"; exit 1; }
    grep -q "CPU: Virtualization extensions available." "$out" || { echo "boot-debian-armhf: $name: no virtualization extensions"; exit 1; }
    grep -q "hw perfevents: enabled with armv7_cortex_a15 PMU driver" "$out" || { echo "boot-debian-armhf: $name: no PMU (armv7_cortex_a15)"; exit 1; }
    check "$name" "$3"
}

# Typed through stdin into the Exynos UART's receiver (RXD, UFSTAT's count), as on the PL011.
exynos_shell() {
    out=$DIR/linux-exynos-shell.txt
    input=$DIR/typed.txt
    printf 'echo typed-through-$((6*7))\nuname -m\npoweroff -f\n' >"$input"
    run "a command typed into the Exynos UART" --board arndale --uart exynos --memory 512M --initrd "$DIR/initrd.cpio" \
        --append "console=ttySAC0 panic=-1 quiet armvm.shell=1" "$DIR/zImage"
    unset input
    grep -q "^typed-through-42" "$out" && grep -q "^armv7l" "$out" || {
        echo "boot-debian-armhf: the commands typed into the Exynos UART did not run"; exit 1; }
    echo "boot-debian-armhf: commands typed through stdin into the Exynos UART (samsung_tty): PASS"
}

# Xen 4.17 armhf: ARMv7 Hyp mode on the Cortex-A15, with the same kernel and initramfs as its
# dom0 (HTTBR/HTCR stage 1, VTTBR/VTCR stage 2, GICH list registers, CNTHP), on BOARD.
xen32() {
    board=$1
    out=$DIR/xen32-$board.txt
    name="Xen 4.17 armhf with Debian's armhf kernel as dom0 on $board"
    run "$name" --board $board --memory 1G --append "console=dtuart dtuart=serial0 dom0_mem=256M" \
        --module "$DIR/zImage,kind=kernel,bootargs=console=hvc0 panic=-1 quiet" \
        --module "$DIR/initrd.cpio,kind=ramdisk" "$DIR/xen"
    grep -q "(XEN) Xen version 4.17" "$out" || { echo "boot-debian-armhf: $name: no Xen banner"; exit 1; }
    check "$name" 0
}

# dom0less NAME BOARD XEN: that Xen with two 32-bit hello-xen guests from --guest and no dom0:
# each domain is AArch32 EL1; they print through console_io, vpl011 and xen_version, and shut
# down. Xen then idles and armvm stops with status 5.
dom0less() {
    [ -f Guests/build/hello-xen32.bin ] && [ -f "$3" ] || return 0
    out=$DIR/dom0less-$2-$(basename "$(dirname "$3")").txt
    status=0
    "$ARMVM" run --board "$2" --memory 256M --append "console=dtuart dtuart=serial0 guest_loglvl=all" \
        --guest Guests/build/hello-xen32.bin,memory=16M --guest Guests/build/hello-xen32.bin,memory=16M \
        "$3" </dev/null >"$out" 2>"$out.stderr" || status=$?
    cat "$out"
    [ "$status" = 5 ] || { echo "boot-debian-armhf: $1: armvm exited with $status, expected 5 (idle)"; exit 1; }
    for d in d1 d2; do
        grep -q "($d) hello-xen: hello through the console_io hypercall (AArch32)" "$out" || { echo "boot-debian-armhf: $1: $d did not run in AArch32"; exit 1; }
        grep -q "($d) hello-xen: running on Xen 4.17" "$out" || { echo "boot-debian-armhf: $1: no xen_version line from $d"; exit 1; }
        grep -q "($d) hello-xen: shutting down" "$out" || { echo "boot-debian-armhf: $1: $d did not shut down"; exit 1; }
    done
    echo "boot-debian-armhf: $1: PASS"
}

# Xen 4.17 arm64 (downloaded by boot-debian.sh) with the same armhf kernel and initramfs as its
# dom0: Xen finds a zImage and builds a 32-bit dom0 (AArch32 EL1 under its AArch64 EL2, LPAE
# stage 1 over Xen's stage 2, the GIC and timer through Xen); dom0 halts and Xen powers off.
xen64_dom0() {
    [ -f .build-linux/xen ] || return 0
    out=$DIR/xen.txt
    name="Xen 4.17 with Debian's armhf kernel as a 32-bit dom0"
    run "$name" --board virt --memory 1G --append "console=dtuart dtuart=serial0 dom0_mem=256M" \
        --module "$DIR/zImage,kind=kernel,bootargs=console=hvc0 panic=-1 quiet" \
        --module "$DIR/initrd.cpio,kind=ramdisk" .build-linux/xen
    check "$name" 0
}

# The boots in two lanes of about equal length, each a subshell, run side by side when the
# host has two CPUs or more (each armvm is one host thread): the eight boots are most of
# `make test`'s time. A lane stops at its first failure; its log is printed when it ends.
lane1() {
    boot virt 2 0-1
    xen32 arndale
    dom0less "Xen 4.17 armhf dom0less with two 32-bit hello-xen guests" arndale "$DIR/xen"
    xen64_dom0
}
lane2() {
    boot arndale 1 0
    exynos_shell
    xen32 virt
    dom0less "Xen 4.17 arm64 dom0less with two 32-bit hello-xen guests" virt .build-linux/xen
}
if [ "$(nproc)" -ge 2 ]; then
    (lane1) >"$DIR/lane1.log" 2>&1 & p1=$!
    (lane2) >"$DIR/lane2.log" 2>&1 & p2=$!
    s1=0; wait $p1 || s1=$?
    s2=0; wait $p2 || s2=$?
    cat "$DIR/lane1.log" "$DIR/lane2.log"
    [ $s1 = 0 ] && [ $s2 = 0 ] || { echo "boot-debian-armhf: a boot failed (see above)"; exit 1; }
else
    lane1
    lane2
fi
