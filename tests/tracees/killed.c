/* killed KILL|SEGV|ABRT: a child dies of that signal (SIGKILL via raise, a
 * write through a NULL pointer, abort()); RLIMIT_CORE is 0 so no core is
 * dumped.  The parent checks WIFSIGNALED, WTERMSIG and no core, exits 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int sig;
	if (argc < 2) {
		fprintf(stderr, "usage: killed KILL|SEGV|ABRT\n");
		return 2;
	}
	if (strcmp(argv[1], "KILL") == 0)
		sig = SIGKILL;
	else if (strcmp(argv[1], "SEGV") == 0)
		sig = SIGSEGV;
	else if (strcmp(argv[1], "ABRT") == 0)
		sig = SIGABRT;
	else {
		fprintf(stderr, "killed: unknown signal %s\n", argv[1]);
		return 2;
	}
	struct rlimit rl = { 0, 0 };
	if (setrlimit(RLIMIT_CORE, &rl) < 0) {
		perror("setrlimit");
		return 10;
	}
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 11;
	}
	if (c == 0) {
		signal(sig, SIG_DFL);
		if (sig == SIGKILL) {
			raise(SIGKILL);
		} else if (sig == SIGSEGV) {
			/* both volatile: -O2 drops a dead store before _exit */
			volatile int *volatile p = NULL;
			*p = 1;
		} else {
			abort();
		}
		_exit(99);
	}
	int st;
	if (waitpid(c, &st, 0) != c) {
		perror("waitpid");
		return 12;
	}
	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig) {
		fprintf(stderr, "killed: child status 0x%x, expected death by signal %d\n", st, sig);
		return 13;
	}
	if (WCOREDUMP(st)) {
		fprintf(stderr, "killed: the child dumped a core despite RLIMIT_CORE 0\n");
		return 14;
	}
	return 0;
}
