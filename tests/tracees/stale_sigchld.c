/* stale_sigchld: makes the parent hear of a job-control change after the
 * child has changed back.  A SIGCHLD is not queued twice: while one is
 * pending (blocked), the next ones are dropped, and its siginfo stays the
 * first one's.
 *   1. The child stops; the parent sees it (wait), then blocks SIGCHLD and
 *      continues it: the CLD_CONTINUED SIGCHLD stays pending.
 *   2. The child stops again; the parent sees it, unblocks SIGCHLD: its
 *      delivery tells of the first continue while the child is stopped.
 *      The parent continues it.
 *   3. The parent blocks SIGCHLD and lets the child stop a third time (the
 *      CLD_STOPPED SIGCHLD stays pending), sees it, continues it, sees that,
 *      and unblocks SIGCHLD: its delivery tells of the stop while the child
 *      runs (waiting on a pipe).
 * Three stops and three continues happen, in turn.  Exits 0 when the parent
 * saw each of them and the child exited 0. */
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

static int expect(pid_t c, int opts, int stopped, const char *what)
{
	int st = 0;
	if (xwaitpid(c, &st, opts) != c || (stopped ? !WIFSTOPPED(st) : !WIFCONTINUED(st))) {
		fprintf(stderr, "stale_sigchld: expected %s, got 0x%x\n", what, st);
		kill(c, SIGKILL);
		return -1;
	}
	return 0;
}

int main(void)
{
	sigset_t chld;
	int go[2];
	if (pipe(go) < 0) {
		perror("pipe");
		return 10;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c == 0) {
		char b;
		close(go[1]);
		raise(SIGSTOP);
		raise(SIGSTOP);
		for (int round = 0; round < 2; round++) {
			ssize_t k;
			while ((k = read(go[0], &b, 1)) < 0 && errno == EINTR)
				;
			if (k != 1)
				_exit(2);
			if (round == 0)
				raise(SIGSTOP);
		}
		_exit(0);
	}
	close(go[0]);
	if (expect(c, WUNTRACED, 1, "the first stop"))
		return 1;
	sigprocmask(SIG_BLOCK, &chld, NULL);
	kill(c, SIGCONT);
	if (expect(c, WCONTINUED, 0, "the first continue") || expect(c, WUNTRACED, 1, "the second stop"))
		return 1;
	sigprocmask(SIG_UNBLOCK, &chld, NULL);     /* the stale SIGCHLD arrives here */
	kill(c, SIGCONT);
	if (expect(c, WCONTINUED, 0, "the second continue"))
		return 1;
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (write(go[1], "g", 1) != 1) {
		perror("write");
		kill(c, SIGKILL);
		return 1;
	}
	if (expect(c, WUNTRACED, 1, "the third stop"))
		return 1;
	kill(c, SIGCONT);
	if (expect(c, WCONTINUED, 0, "the third continue"))
		return 1;
	sigprocmask(SIG_UNBLOCK, &chld, NULL);     /* a stale CLD_STOPPED arrives here */
	if (write(go[1], "g", 1) != 1) {
		perror("write");
		kill(c, SIGKILL);
		return 1;
	}
	int st = 0;
	if (xwaitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "stale_sigchld: expected exit 0, got 0x%x\n", st);
		return 1;
	}
	return 0;
}
