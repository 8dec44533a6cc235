/*
 * nofp-selftest.S - instructions that check-nofp.sh must reject, one per
 * register form, to prove that the check can fail. Assembled by
 * `make check-nofp`, never linked into a guest.
 */
	.text
	.arch armv8-a+fp+simd
	fmov	d0, x1
	ldr	q1, [x0]
	add	v2.4s, v3.4s, v4.4s
	fadd	s5, s6, s7
	mov	b8, v9.b[1]
	msr	fpcr, x2
