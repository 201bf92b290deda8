/* sigpipe_writer: writes "y\n" to stdout until a write fails, like yes(1).
 * With SIGPIPE at its default (as a shell starts it), writing into a pipe
 * whose reader is gone kills it with SIGPIPE; if SIGPIPE is ignored the
 * write fails with EPIPE instead and it exits 1. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	for (;;) {
		if (write(1, "y\n", 2) < 0) {
			perror("sigpipe_writer: write");
			return 1;
		}
	}
}
