#!/bin/sh
# qemu-check.sh - run the guests under QEMU's virt board, at EL1 and at EL2
# (virtualization=on), and hyptraps32 in Hyp mode, and compare with Guests/expected/. Run from Guests/
# by `make check-qemu`. QEMU gives the same answers armvm must give, except
# for hello's model string: for hello, QEMU is handed a DTB shaped like
# armvm's virt one (tests/virt-like.dts), with PSCI method "smc" at EL2.
QEMU=${QEMU:-qemu-system-aarch64}
B=build
fail=0

# run NAME EXPECTED-FILE QEMU-ARGS...: byte-exact output and exit status 0
# (PSCI SYSTEM_OFF; 124 would mean the guest hung until the timeout).
run() {
	name=$1 want=expected/$2
	shift 2
	timeout 10 "$QEMU" -cpu cortex-a57 -m 512 -nographic "$@" > $B/qemu-out.txt
	rc=$?
	if [ $rc = 0 ] && cmp -s "$want" $B/qemu-out.txt; then
		echo "PASS $name"
	else
		echo "FAIL $name (exit status $rc)"
		diff "$want" $B/qemu-out.txt | sed 's/^/    /'
		fail=1
	fi
}

for el in 1 2; do
	if [ $el = 1 ]; then m=virt; dtb=$B/host/virt-like.dtb
	else m=virt,virtualization=on; dtb=$B/host/virt-like-smc.dtb; fi
	run hello-el$el hello-virt-el$el.txt -M $m -dtb $dtb -kernel $B/hello.elf
	run exceptions-el$el exceptions.txt -M $m -kernel $B/exceptions.elf
	run virt-baremetal-el$el virt-baremetal.el$el.txt -M $m -kernel $B/virt-baremetal.elf
	run loop-small-el$el loop-small.txt -M $m -kernel $B/loop-small.elf
done

# hyptraps32: the 32-bit Hyp-mode trap checks, under qemu-system-arm's Cortex-A15, which
# enters a bare ELF in Hyp mode when virtualization is on. QEMU's lines differ from armvm's
# only where the guest prints "# skip QEMU: ..." (and the "#   no trap" after them).
QEMU32=${QEMU32:-qemu-system-arm}
timeout 10 "$QEMU32" -M virt,virtualization=on,highmem=off -cpu cortex-a15 -m 256M \
	-nographic -kernel $B/hyptraps32.elf > $B/qemu-out.txt
rc=$?
if [ $rc = 0 ] && cmp -s expected/hyptraps32-qemu.txt $B/qemu-out.txt; then
	echo "PASS hyptraps32"
else
	echo "FAIL hyptraps32 (exit status $rc)"
	diff expected/hyptraps32-qemu.txt $B/qemu-out.txt | sed 's/^/    /'
	fail=1
fi
exit $fail
