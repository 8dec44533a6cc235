/*
 * printf-test.c - host-side test of common/printf.c: every case is printed
 * by the guest printf (renamed guest_printf by the Makefile, its output
 * captured through a fake console_putc) and by the host's snprintf, and
 * the two must agree, return value included. (The -Dprintf=guest_printf
 * of the build also renames printf here, hence fprintf(stdout, ...).)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int guest_printf(const char *fmt, ...);

static char out[512];
static int pos, failures;

void console_putc(char c)
{
	if (pos < (int)sizeof(out) - 1)
		out[pos++] = c;
}

#define SAME(...) do {                                                     \
	char want[512];                                                    \
	int n, wn = snprintf(want, sizeof(want), __VA_ARGS__);             \
	pos = 0;                                                           \
	n = guest_printf(__VA_ARGS__);                                     \
	out[pos] = '\0';                                                   \
	if (strcmp(out, want) != 0 || n != wn) {                           \
		fprintf(stderr, "printf(%s): got \"%s\" (%d), want \"%s\" (%d)\n", \
		        #__VA_ARGS__, out, n, want, wn);                   \
		failures++;                                                \
	}                                                                  \
} while (0)

int main(void)
{
	SAME("plain text\n");
	SAME("%s|%5s|%-5s|%s", "abc", "ab", "ab", "");
	SAME("%c%c%3c%-3c|", 'x', 'y', 'z', 'w');
	SAME("%d %d %d %i", 0, 42, -42, 2147483647);
	SAME("%d", (int)-2147483647 - 1);
	SAME("%5d|%-5d|%05d|%05d", 42, 42, 42, -42);
	SAME("%u %u", 0u, 4294967295u);
	SAME("%x %X %08x %2x", 0xdeadbeefu, 0xdeadbeefu, 0x1234u, 0xabcu);
	SAME("%lx %016lx", 0x300000000ul, 0x458003c18725cfa0ul);
	SAME("%llx %lld %llu", 0xffffffffffffffffull, -9223372036854775807ll - 1,
	     18446744073709551615ull);
	SAME("%ld %lu %zu", -1l, 1ul << 63, (size_t)512);
	SAME("%p", (void *)0x40200000ul);
	SAME("100%% %s", "done");
	SAME("EC=0x%02x DFSC=0x%02x", 0x25u, 0x10u);

	if (failures) {
		fprintf(stdout, "printf-test: %d failures\n", failures);
		return 1;
	}
	fprintf(stdout, "printf-test: all passed\n");
	return 0;
}
