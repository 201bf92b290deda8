/* Three children in a new process group (setpgid in both the parent and the
 * child), blocked on a pipe; the parent sends SIGTERM to the group and reaps
 * all three, each killed by SIGTERM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	if (pipe(fds) < 0) {
		perror("pipe");
		return 10;
	}
	pid_t kids[3], pgid = 0;
	for (int i = 0; i < 3; i++) {
		pid_t c = fork();
		if (c < 0) {
			perror("fork");
			return 10;
		}
		if (c == 0) {
			char b;
			setpgid(0, pgid);
			close(fds[1]);
			signal(SIGTERM, SIG_DFL);
			while (read(fds[0], &b, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		if (i == 0)
			pgid = c;
		if (setpgid(c, pgid) < 0 && errno != EACCES) {
			perror("setpgid");
			return 11;
		}
		kids[i] = c;
	}
	if (kill(-pgid, SIGTERM) < 0) {
		perror("kill");
		return 12;
	}
	int bad = 0;
	for (int i = 0; i < 3; i++) {
		int st;
		pid_t w;
		do
			w = waitpid(kids[i], &st, 0);
		while (w < 0 && errno == EINTR);
		if (w != kids[i] || !WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM) {
			fprintf(stderr, "kill_pgrp: child %d status 0x%x\n", (int)kids[i], st);
			bad = 1;
		}
	}
	close(fds[1]);
	return bad ? 13 : 0;
}
