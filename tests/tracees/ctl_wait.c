/* ctl_wait CTL READY: writes "r" to READY, blocks in read(CTL) and exits
 * with the byte read (0 when CTL closed, 99 on an error). */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int ctl = argc > 2 ? atoi(argv[1]) : 0, ready = argc > 2 ? atoi(argv[2]) : 1;
	unsigned char b = 0;
	if (write(ready, "r", 1) != 1)
		return 99;
	ssize_t n = read(ctl, &b, 1);
	return n < 0 ? 99 : n == 0 ? 0 : b;
}
