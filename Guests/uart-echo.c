/*
 * uart-echo.c - reads one line from the console UART's receiver (polling) and prints it back,
 * so a test can type into a guest through armvm's stdin.
 *
 * Expected output for the input "hello\n" (then PSCI SYSTEM_OFF):
 *   uart-echo: type a line
 *   uart-echo: got 'hello' (5 characters)
 */
#include "guest.h"

int main(const void *dtb)
{
	char line[80];
	unsigned n = 0;
	int c;

	(void)dtb;
	printf("uart-echo: type a line\n");
	while ((c = console_getc()) >= 0 && c != '\n' && c != '\r') {
		if (n < sizeof line - 1)
			line[n++] = (char)c;
	}
	line[n] = 0;
	printf("uart-echo: got '%s' (%u characters)\n", line, n);
	return 0;
}
