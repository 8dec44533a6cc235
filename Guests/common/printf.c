/*
 * printf.c - a tiny printf on top of console_putc().
 *
 * Conversions: %s %c %d %i %u %x %X %p %%, with the length modifiers
 * l, ll and z, the flags '0' (zero padding) and '-' (left-justify) and a
 * decimal field width, e.g. "%08lx", "%-10s", "%4d". %p prints 0x and the
 * address in hex. Anything else is printed as is.
 */
#include "guest.h"

struct out {
	int count;            /* characters written, printf's return value */
};

static void out_char(struct out *o, char c)
{
	console_putc(c);
	o->count++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* Print `s` of length `len` in a field of `width`. */
static void out_field(struct out *o, const char *s, int len, int width,
                      int left, char pad)
{
	int fill = width > len ? width - len : 0;

	/* With zero padding the sign goes before the zeros: -0042. */
	if (!left && pad == '0' && len > 0 && s[0] == '-') {
		out_char(o, '-');
		s++;
		len--;
	}
	if (!left)
		out_pad(o, pad, fill);
	while (len-- > 0)
		out_char(o, *s++);
	if (left)
		out_pad(o, ' ', fill);
}

/*
 * v / base with the remainder in *rem. A 32-bit guest divides by shift and
 * subtract, so that it needs no 64-bit division routine from libgcc.
 */
static uint64_t divmod(uint64_t v, unsigned base, unsigned *rem)
{
#if UINTPTR_MAX > 0xffffffffu
	*rem = (unsigned)(v % base);
	return v / base;
#else
	uint64_t q = 0, r = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((v >> i) & 1);
		if (r >= base) {
			r -= base;
			q |= (uint64_t)1 << i;
		}
	}
	*rem = (unsigned)r;
	return q;
#endif
}

/* Convert `v` to text in `base`, into the end of buf; return the start. */
static char *utoa(uint64_t v, unsigned base, int upper, char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;
	unsigned digit;

	do {
		v = divmod(v, base, &digit);
		*--p = digits[digit];
	} while (v);
	return p;
}

int vprintf(const char *fmt, va_list ap)
{
	struct out o = { 0 };
	char buf[24];           /* "-" + 20 digits of 2^64 fits */
	char *end = buf + sizeof(buf);

	for (; *fmt; fmt++) {
		int left = 0, width = 0, lng = 0;
		char pad = ' ';
		const char *s;
		char *p;
		uint64_t u;
		int64_t d;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		/* Flags. */
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		/* Width. */
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		/* Length: l (long), ll (64-bit), z (size_t, as wide as long). */
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		if (lng == 1 && sizeof(long) == 8)
			lng = 2;

		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			out_field(&o, s, (int)strlen(s), width, left, ' ');
			break;
		case 'c':
			buf[0] = (char)va_arg(ap, int);
			out_field(&o, buf, 1, width, left, ' ');
			break;
		case 'd':
		case 'i':
			d = lng == 2 ? va_arg(ap, int64_t) : lng ? va_arg(ap, long) : va_arg(ap, int);
			/* Negate as unsigned so that INT64_MIN works too. */
			u = d < 0 ? -(uint64_t)d : (uint64_t)d;
			p = utoa(u, 10, 0, end);
			if (d < 0)
				*--p = '-';
			out_field(&o, p, (int)(end - p), width, left, pad);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng == 2 ? va_arg(ap, uint64_t) : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			p = utoa(u, *fmt == 'u' ? 10 : 16, *fmt == 'X', end);
			out_field(&o, p, (int)(end - p), width, left, pad);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			p = utoa(u, 16, 0, end);
			*--p = 'x';
			*--p = '0';
			out_field(&o, p, (int)(end - p), width, left, ' ');
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;          /* a lone '%' at the end: stop cleanly */
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	return o.count;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
