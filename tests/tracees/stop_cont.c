/* The child raise(SIGSTOP)s; the parent must see it stopped (WUNTRACED),
 * sends SIGCONT, must see it continued (WCONTINUED), then lets it exit 0 (a
 * pipe holds the child until the parent saw the continue) and reaps it.
 * Exits 1 unless the parent observed both the stop and the continue. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
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

int main(void)
{
	int go[2];
	if (pipe(go) < 0) {
		perror("pipe");
		return 10;
	}
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c == 0) {
		char b;
		close(go[1]);
		raise(SIGSTOP);
		/* continued: wait until the parent has seen it */
		while (read(go[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(go[0]);
	int st, bad = 0;
	if (xwaitpid(c, &st, WUNTRACED) != c || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
		fprintf(stderr, "stop_cont: expected a SIGSTOP stop, got status 0x%x\n", st);
		bad = 1;
	}
	kill(c, SIGCONT);
	if (!bad && (xwaitpid(c, &st, WCONTINUED) != c || !WIFCONTINUED(st))) {
		fprintf(stderr, "stop_cont: expected a continue, got status 0x%x\n", st);
		bad = 1;
	}
	close(go[1]);   /* release the child */
	if (xwaitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "stop_cont: expected exit 0, got status 0x%x\n", st);
		bad = 1;
	}
	return bad;
}
