/* tree3 CTL READY: a 3-level tree: this process forks A, A forks B; each
 * parent waits for its child.  B writes "r" to READY, then blocks in
 * read(CTL); a byte there makes B fork C (which exits 0), wait for it and
 * exit 0.  The root exits 7 when all went well (a status a tracer that
 * attached can report), else 1. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_ok(pid_t c)
{
	int st;
	return c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
	int ctl = argc > 2 ? atoi(argv[1]) : 0, ready = argc > 2 ? atoi(argv[2]) : 1;
	pid_t a = fork();
	if (a == 0) {
		pid_t b = fork();
		if (b == 0) {
			char x;
			if (write(ready, "r", 1) != 1 || read(ctl, &x, 1) != 1)
				_exit(1);
			pid_t c = fork();
			if (c == 0)
				_exit(0);
			_exit(child_ok(c) ? 0 : 1);
		}
		_exit(child_ok(b) ? 0 : 1);
	}
	return child_ok(a) ? 7 : 1;
}
