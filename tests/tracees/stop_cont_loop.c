/* stop_cont_loop [N]: the child raise(SIGSTOPs)s N times (default 40); each
 * time the parent sees it stopped (WUNTRACED), sends SIGCONT, sees it
 * continued (WCONTINUED), then lets it go on through a pipe, so exactly N
 * stops and N continues happen, one after the other.  The parent's waits
 * race the child's own stop reports to the tracer every round.  Exits 0
 * when the parent observed every stop and continue and the child exited 0. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t xwaitpid(pid_t pid, int *st, int opts)
{
	pid_t w;
	do
		w = waitpid(pid, st, opts);
	while (w < 0 && errno == EINTR);
	return w;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 40;
	int go[2];
	if (n < 1 || pipe(go) < 0) {
		fprintf(stderr, "stop_cont_loop: bad count or pipe failed\n");
		return 10;
	}
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c == 0) {
		close(go[1]);
		for (int i = 0; i < n; i++) {
			char b;
			raise(SIGSTOP);
			/* continued: wait until the parent has seen it */
			ssize_t k;
			while ((k = read(go[0], &b, 1)) < 0 && errno == EINTR)
				;
			if (k != 1)
				_exit(2);
		}
		_exit(0);
	}
	close(go[0]);
	int st = 0;
	for (int i = 0; i < n; i++) {
		if (xwaitpid(c, &st, WUNTRACED) != c || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
			fprintf(stderr, "stop_cont_loop: round %d: expected a SIGSTOP stop, got 0x%x\n", i, st);
			kill(c, SIGKILL);
			return 1;
		}
		kill(c, SIGCONT);
		if (xwaitpid(c, &st, WCONTINUED) != c || !WIFCONTINUED(st)) {
			fprintf(stderr, "stop_cont_loop: round %d: expected a continue, got 0x%x\n", i, st);
			kill(c, SIGKILL);
			return 1;
		}
		if (write(go[1], "g", 1) != 1) {
			perror("write");
			kill(c, SIGKILL);
			return 1;
		}
	}
	if (xwaitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "stop_cont_loop: expected exit 0, got 0x%x\n", st);
		return 1;
	}
	return 0;
}
