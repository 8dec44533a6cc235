#!/bin/sh
# minihyp32-qemu.sh - run minihyp32 (the ARMv7 Hyp-mode build) under
# qemu-system-arm, as armvm's `--guest` would run it:
#   sh tests/minihyp32-qemu.sh GUEST.elf[,bootargs=...] ...
# QEMU has no --guest, so this script does its part: it takes QEMU's own
# device tree for the machine (dumpdtb), adds a Xen dom0less node under
# /chosen for each guest (compatible "xen,domain", 64 MiB, a
# "multiboot,kernel" module child with its reg and bootargs), and loads
# each guest file, unparsed, at its module address with -device loader.
# Run from Guests/; QEMU and dtc come from the environment (QEMU, DTC).
# -icount shift=0 makes QEMU's clocks count 1 ns per instruction, as
# armvm's do, so that timer output is deterministic and the same as
# armvm's (QEMU_EXTRA adds options).
set -e
QEMU=${QEMU:-qemu-system-arm}
DTC=${DTC:-dtc}
B=build
T=${TMPDIR:-/tmp}/minihyp32-qemu.$$
M="virt,virtualization=on,highmem=off"
mkdir -p $T
trap 'rm -rf $T' EXIT

QARGS="-M $M -cpu cortex-a15 -m 512M -nographic -semihosting -icount shift=0 $QEMU_EXTRA"
$QEMU $QARGS -machine dumpdtb=$T/virt.dtb > /dev/null 2>&1
$DTC -q -I dtb -O dts -o $T/virt.dts $T/virt.dtb

# Modules from 0x48000000, 16 MiB apart: above minihyp32 and its stack,
# below where minihyp takes guest RAM from (above the last module).
addr=$((0x48000000)) n=1 loaders= nodes=
for g in "$@"; do
	file=${g%%,*}
	args=
	case $g in *,bootargs=*) args=${g#*,bootargs=} ;; esac
	size=$(stat -c %s "$file")
	nodes="$nodes
		domU$n {
			compatible = \"xen,domain\";
			#address-cells = <2>;
			#size-cells = <2>;
			memory = <0 0x10000>;
			cpus = <1>;
			module@$(printf %x $addr) {
				compatible = \"multiboot,kernel\", \"multiboot,module\";
				reg = <0 $(printf 0x%x $addr) 0 $size>;
				bootargs = \"$args\";
			};
		};"
	loaders="$loaders -device loader,file=$file,addr=$(printf 0x%x $addr),force-raw=on"
	addr=$((addr + 0x1000000)) n=$((n + 1))
done
# The dump's /chosen is a one-line or empty node; append a second /chosen
# block, which dtc merges into it.
printf '\n/ {\n\tchosen {%s\n\t};\n};\n' "$nodes" >> $T/virt.dts
$DTC -q -I dts -O dtb -o $T/guests.dtb $T/virt.dts
$QEMU $QARGS -dtb $T/guests.dtb -kernel $B/minihyp32.elf $loaders
