/* many_children [N=300]: N concurrent children, each blocked reading a pipe;
 * the parent closes the write end so all exit (child i exits i % 100), then
 * reaps all N and checks every status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 300;
	if (n <= 0 || n > 10000)
		return 2;
	pid_t *pids = calloc((size_t)n, sizeof *pids);
	int fds[2];
	if (!pids || pipe(fds) < 0) {
		perror("pipe");
		return 10;
	}
	for (int i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0) {
			perror("fork");
			return 11;
		}
		if (c == 0) {
			char b;
			close(fds[1]);
			while (read(fds[0], &b, 1) < 0 && errno == EINTR)
				;
			_exit(i % 100);
		}
		pids[i] = c;
	}
	close(fds[1]);
	close(fds[0]);
	int bad = 0;
	for (int k = 0; k < n; k++) {
		int st;
		pid_t w = waitpid(-1, &st, 0);
		if (w < 0) {
			if (errno == EINTR) {
				k--;
				continue;
			}
			perror("waitpid");
			return 12;
		}
		int i;
		for (i = 0; i < n && pids[i] != w; i++)
			;
		if (i == n) {
			fprintf(stderr, "many_children: reaped unknown pid %d\n", (int)w);
			bad = 1;
			continue;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != i % 100) {
			fprintf(stderr, "many_children: child %d status 0x%x\n", i, st);
			bad = 1;
		}
		pids[i] = -1;
	}
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
		fprintf(stderr, "many_children: children left over\n");
		bad = 1;
	}
	free(pids);
	return bad ? 13 : 0;
}
