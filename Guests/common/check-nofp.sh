#!/bin/sh
# check-nofp.sh OBJDUMP FILE... - fail if any instruction in FILE uses an
# FP/SIMD register (v0-v31, q, d, s, h, b forms, or FPCR/FPSR).
#
# The guests run with FP/SIMD off (minihyp saves no V registers, and nothing
# sets CPACR_EL1.FPEN) and are built with -mgeneral-regs-only; this check
# catches the day something slips through (hand-written assembly, a new
# compiler, a library routine).
#
# objdump -d --no-show-raw-insn prints "  addr:<TAB>mnemonic<TAB>operands";
# only the operands are searched, after removing "<symbol>" and "// comment",
# so that symbol names and comments cannot give false alarms. A register
# name must stand alone: "s3_0_c1_c0_0" (a system register) and "0xdb5"
# (a hex immediate) do not count.
objdump=$1
shift
status=0
for f in "$@"; do
	hits=$("$objdump" -d --no-show-raw-insn "$f" |
		awk -F'\t' 'NF >= 3 && $1 ~ /^ *[0-9a-f]+:$/ {
			ops = $3
			sub(/\/\/.*/, "", ops)
			gsub(/<[^>]*>/, "", ops)
			print $1 "\t" $2 "\t" ops
		}' |
		grep -Ei '(^|[^a-z0-9_.])[vqdshb]([0-9]|[12][0-9]|3[01])([^a-z0-9_]|$)|(^|[^a-z0-9_])fp[cs]r([^a-z0-9_]|$)')
	if [ -n "$hits" ]; then
		echo "check-nofp: $f uses FP/SIMD registers:" >&2
		echo "$hits" | head -20 >&2
		status=1
	else
		echo "check-nofp: $f: no FP/SIMD instructions"
	fi
done
exit $status
