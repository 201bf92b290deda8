/* SIGCHLD is ignored, so the kernel reaps the child itself: the parent's
 * waitpid(-1) blocks until the child is gone, then fails with ECHILD. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	signal(SIGCHLD, SIG_IGN);
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c == 0)
		_exit(0);
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == ECHILD)
			return 0;
		fprintf(stderr, "sigchld_ign: waitpid returned %d (status 0x%x), expected ECHILD\n",
			(int)w, st);
		return 1;
	}
}
