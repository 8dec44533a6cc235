/*
 * semihosting.c - the semihosting calls that test binaries written for QEMU make, each
 * checked: SYS_GET_CMDLINE (armvm's --append), SYS_HEAPINFO (free RAM), SYS_ELAPSED and
 * SYS_TICKFREQ (virtual time), SYS_OPEN of ":tt" with SYS_ISTTY and SYS_CLOSE, a host file
 * refused, and SYS_READC / SYS_READ (console input, up to its end).
 *
 * With --append "one two" and "hi" on stdin it prints (Guests/expected/semihosting.txt):
 *   cmdline: 0 'one two' 7
 *   ...
 *   input: 'hi'
 * and exits with the number of failed checks (0: PSCI SYSTEM_OFF). With
 * "files" in the command line (and armvm's --semihosting-dir) it also
 * writes, measures, seeks, reads back and removes a host file.
 */
#include "guest.h"

#define SYS_OPEN        0x01
#define SYS_CLOSE       0x02
#define SYS_READ        0x06
#define SYS_READC       0x07
#define SYS_WRITE       0x05
#define SYS_ISTTY       0x09
#define SYS_SEEK        0x0A
#define SYS_FLEN        0x0C
#define SYS_REMOVE      0x0E
#define SYS_ERRNO       0x13
#define SYS_GET_CMDLINE 0x15
#define SYS_HEAPINFO    0x16
#define SYS_ELAPSED     0x30
#define SYS_TICKFREQ    0x31

extern char __bss_end[];
static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

static reg_t op(uint32_t n, reg_t param) { return semihost_op(n, param); }

/* Host files, in the directory armvm's --semihosting-dir names. */
static void files(void)
{
	static const char name[] = "semihosting.tmp", text[] = "written by the guest";
	char back[32] = { 0 };
	reg_t block[3];

	block[0] = (reg_t)(uintptr_t)name; block[1] = 4; block[2] = sizeof(name) - 1;  /* "w" */
	reg_t h = op(SYS_OPEN, (reg_t)(uintptr_t)block);
	check(h != (reg_t)-1, "file: open for writing");
	block[0] = h; block[1] = (reg_t)(uintptr_t)text; block[2] = sizeof(text) - 1;
	check(op(SYS_WRITE, (reg_t)(uintptr_t)block) == 0, "file: write");
	check(op(SYS_CLOSE, (reg_t)(uintptr_t)&h) == 0, "file: close");
	block[0] = (reg_t)(uintptr_t)name; block[1] = 0; block[2] = sizeof(name) - 1;  /* "r" */
	h = op(SYS_OPEN, (reg_t)(uintptr_t)block);
	check(op(SYS_FLEN, (reg_t)(uintptr_t)&h) == sizeof(text) - 1, "file: length");
	block[0] = h; block[1] = 8;
	check(op(SYS_SEEK, (reg_t)(uintptr_t)block) == 0, "file: seek");
	block[0] = h; block[1] = (reg_t)(uintptr_t)back; block[2] = sizeof(back) - 1;
	reg_t left = op(SYS_READ, (reg_t)(uintptr_t)block);
	printf("file: read back '%s' (%u bytes short)\n", back, (unsigned)left);
	op(SYS_CLOSE, (reg_t)(uintptr_t)&h);
	static const char outside[] = "../escape";
	block[0] = (reg_t)(uintptr_t)outside; block[1] = 4; block[2] = sizeof(outside) - 1;
	check(op(SYS_OPEN, (reg_t)(uintptr_t)block) == (reg_t)-1, "file: a path out of the directory is refused");
	block[0] = (reg_t)(uintptr_t)name; block[1] = sizeof(name) - 1;
	check(op(SYS_REMOVE, (reg_t)(uintptr_t)block) == 0, "file: remove");
}

static int contains(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (!strncmp(s, word, n))
			return 1;
	return 0;
}

int main(const void *dtb)
{
	char buf[64];
	reg_t block[3];
	long r;

	(void)dtb;
	block[0] = (reg_t)(uintptr_t)buf;
	block[1] = sizeof(buf);
	r = (long)op(SYS_GET_CMDLINE, (reg_t)(uintptr_t)block);
	printf("cmdline: %d '%s' %u\n", (int)r, r == 0 ? buf : "", (unsigned)block[1]);
	int with_files = r == 0 && contains(buf, "files");
	block[1] = 3;
	r = (long)op(SYS_GET_CMDLINE, (reg_t)(uintptr_t)block);
	check(r == -1 || buf[0] == 0, "cmdline that does not fit is refused");

	reg_t info[4] = { 0 };
	reg_t pointer = (reg_t)(uintptr_t)info;
	op(SYS_HEAPINFO, (reg_t)(uintptr_t)&pointer);
	check(info[0] >= (reg_t)(uintptr_t)__bss_end, "heap above the image");
	check(info[0] < info[1] && info[1] <= info[3] && info[3] < info[2], "heap below the stack");
	check(info[2] - info[3] == 0x100000, "stack of 1 MiB");
	check(info[1] - info[0] >= 0x1000000, "heap of at least 16 MiB");
	/* The heap is real RAM: write its first and last words. */
	*(volatile reg_t *)(uintptr_t)info[0] = 0x5a5a;
	*(volatile reg_t *)(uintptr_t)(info[1] - sizeof(reg_t)) = 0xa5a5;
	check(*(volatile reg_t *)(uintptr_t)info[0] == 0x5a5a, "heap is writable");

	printf("tickfreq: %u\n", (unsigned)op(SYS_TICKFREQ, 0));
	uint32_t t0[2], t1[2];
	op(SYS_ELAPSED, (reg_t)(uintptr_t)t0);
	for (volatile int i = 0; i < 1000; i++)
		;
	op(SYS_ELAPSED, (reg_t)(uintptr_t)t1);
	check(t1[1] > t0[1] || (t1[1] == t0[1] && t1[0] > t0[0]), "elapsed advances");

	static const char tt[] = ":tt", passwd[] = "/etc/passwd";
	block[0] = (reg_t)(uintptr_t)tt; block[1] = 0; block[2] = 3;
	reg_t in = op(SYS_OPEN, (reg_t)(uintptr_t)block);
	block[1] = 4;
	reg_t out = op(SYS_OPEN, (reg_t)(uintptr_t)block);
	check(in != (reg_t)-1 && out != (reg_t)-1 && in != out, "open :tt for reading and writing");
	check(op(SYS_ISTTY, (reg_t)(uintptr_t)&out) == 1, "istty :tt");
	check(op(SYS_CLOSE, (reg_t)(uintptr_t)&out) == 0, "close :tt");
	block[0] = (reg_t)(uintptr_t)passwd; block[1] = 0; block[2] = sizeof(passwd) - 1;
	r = (long)op(SYS_OPEN, (reg_t)(uintptr_t)block);
	check(r == -1 && op(SYS_ERRNO, 0) == 13, "host file refused (EACCES)");

	/* The first byte through SYS_READC, the rest through SYS_READ on :tt, to the end. */
	int n = 0;
	r = (long)op(SYS_READC, 0);
	if (r != -1 && (r & 0xff) == r) {
		buf[n++] = (char)r;
		block[0] = in; block[1] = (reg_t)(uintptr_t)(buf + 1); block[2] = sizeof(buf) - 2;
		reg_t left = op(SYS_READ, (reg_t)(uintptr_t)block);
		n += (int)(sizeof(buf) - 2 - left);
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = 0;
	printf("input: '%s'\n", buf);
	check((long)op(SYS_READC, 0) == -1, "readc at the end of input is -1");
	if (with_files)
		files();
	return failures;
}
