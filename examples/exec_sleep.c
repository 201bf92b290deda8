/* exec_sleep: the same pid, a new program.
 *
 * execve() keeps the process (its pid, its open fds) and replaces the
 * program: the kernel reads /bin/sleep's ELF headers, throws this program's
 * memory away, maps sleep's code and data (and its interpreter, ld.so) and
 * starts it at its entry point.  execve returns only when it failed: then
 * this program exits 1. */
#include <string.h>

#include "tour.h"

extern char **environ;

int main(void)
{
	char *argv[] = { "sleep", "0", NULL };
	execve("/bin/sleep", argv, environ);   /* the same environment */
	TOUR_CHECK(0, "execve(/bin/sleep): %s", strerror(errno));
}
