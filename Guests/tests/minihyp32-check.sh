#!/bin/sh
# minihyp32-check.sh - minihyp32 (ARMv7 Hyp mode) with its 32-bit guests
# under qemu-system-arm -M virt,virtualization=on -cpu cortex-a15, against
# expected/minihyp32-qemu-*.txt; by `make check-minihyp32` from Guests/.
# (armvm runs the same rows, board arndale, once it has Hyp mode:
# manifest.txt's "minihyp32-" rows.)
B=build
fail=0

# run NAME GUEST...: byte-exact output, exit status 0 (PSCI SYSTEM_OFF).
run() {
	name=$1
	shift
	timeout 60 sh tests/minihyp32-qemu.sh "$@" > $B/minihyp32-out.txt 2>&1
	rc=$?
	if [ $rc = 0 ] && cmp -s expected/minihyp32-qemu-$name.txt $B/minihyp32-out.txt; then
		echo "PASS minihyp32-$name"
	else
		echo "FAIL minihyp32-$name (exit status $rc)"
		diff expected/minihyp32-qemu-$name.txt $B/minihyp32-out.txt | sed 's/^/    /'
		fail=1
	fi
}

run hello-xen $B/hello-xen32.elf $B/hello-xen32.elf,bootargs=reason=0
# T32 code: 16-bit loads and stores to the PL011, ELR stepped by HSR.IL.
run thumb $B/hello-xen-thumb32.elf
run pingpong $B/ping32.elf $B/pong32.elf
run vtimer $B/vtimer32.elf $B/vtimer32.elf,bootargs=spin

# The Xen hypercall conformance suite (abi/), two 32-bit guests: every TAP
# check ok but for the TODOs it marks itself, and both plans complete.
timeout 60 sh tests/minihyp32-qemu.sh $B/xen-abi32.elf $B/xen-abi32.elf > $B/minihyp32-out.txt 2>&1
rc=$?
bad=$(grep "not ok" $B/minihyp32-out.txt | grep -vc "# TODO")
plans=$(grep -c "^(d[12]) 1\.\." $B/minihyp32-out.txt)
oks=$(grep -c "^(d[12]) ok" $B/minihyp32-out.txt)
if [ $rc = 0 ] && [ "$bad" = 0 ] && [ "$plans" = 2 ]; then
	echo "PASS minihyp32-xen-abi ($oks checks ok)"
else
	echo "FAIL minihyp32-xen-abi (exit status $rc, $bad failed, $plans plans)"
	fail=1
fi

# A guest's failure is minihyp's exit status (semihosting SYS_EXIT).
timeout 60 sh tests/minihyp32-qemu.sh $B/hello-xen32.elf,bootargs=reason=3 \
	$B/hello-xen32.elf > $B/minihyp32-out.txt 2>&1
rc=$?
last=$(tail -n 1 $B/minihyp32-out.txt)
if [ $rc = 13 ] && [ "$last" = "minihyp: exit status 13: d1 shut down with reason crash" ]; then
	echo "PASS minihyp32-shutdown-status"
else
	echo "FAIL minihyp32-shutdown-status (exit status $rc, last line: $last)"
	fail=1
fi
exit $fail
