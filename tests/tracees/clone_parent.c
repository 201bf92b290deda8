/* The root makes a child with CLONE_PARENT: the child's real parent is the
 * root's parent (ptrace-tour), which reaps it.  The root waits (pipe EOF)
 * until the child has exited, then exits 0. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	char c;
	if (pipe(p))
		return 10;
	/* fork-like: no new stack, the child runs on a copy of ours */
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0L, 0L, 0L, 0L);
	if (pid < 0)
		return 11;
	if (pid == 0)
		_exit(0);
	close(p[1]);
	if (read(p[0], &c, 1) != 0)
		return 12;
	return 0;
}
