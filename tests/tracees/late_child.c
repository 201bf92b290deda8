/* late_child CTL READY: a process with one more thread and a child A, both
 * blocked until the end; it writes "r" to READY, then blocks in read(CTL).
 * A byte there makes it fork B (which exits 0) and wait for it; then it
 * lets the thread and A go, waits for them and exits 5 when all went well
 * (a status a tracer that attached can report), else 1. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int hold[2];     /* the thread and A read it until it is closed */

static void *blocked(void *arg)
{
	char x;
	(void)arg;
	(void)read(hold[0], &x, 1);
	return NULL;
}

static int child_ok(pid_t c)
{
	int st;
	return c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
	int ctl = argc > 2 ? atoi(argv[1]) : 0, ready = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t th;
	char x;
	if (pipe(hold) < 0)
		return 1;
	pid_t a = fork();
	if (a == 0) {
		close(hold[1]);
		(void)read(hold[0], &x, 1);
		_exit(0);
	}
	if (a < 0 || pthread_create(&th, NULL, blocked, NULL) != 0)
		return 1;
	if (write(ready, "r", 1) != 1 || read(ctl, &x, 1) != 1)
		return 1;
	pid_t b = fork();
	if (b == 0)
		_exit(0);
	int ok = child_ok(b);
	close(hold[1]);
	ok &= pthread_join(th, NULL) == 0;
	ok &= child_ok(a);
	return ok ? 5 : 1;
}
