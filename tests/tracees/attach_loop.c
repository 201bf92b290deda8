/* attach_loop FD: forever fork, exec this program again as "child" (which
 * exits 0), wait for it, and write one byte to FD: a running loop of
 * fork+exec+wait a tracer can attach to and leave.  Exits 3 if a child
 * ended otherwise, 4 when FD is gone (the test is over). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return 0;
	int fd = argc > 1 ? atoi(argv[1]) : 1;
	for (;;) {
		pid_t c = fork();
		if (c == 0) {
			execl("/proc/self/exe", "attach_loop", "child", (char *)NULL);
			_exit(127);
		}
		int st;
		if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
			return 3;
		if (write(fd, "x", 1) != 1)
			return 4;
	}
}
