/* wait_statuses: every kind of status wait() can report, one child each.
 *
 *   1. exits with 7                     WIFEXITED,   WEXITSTATUS == 7
 *   2. is killed by SIGTERM             WIFSIGNALED, WTERMSIG == SIGTERM
 *   2b. aborts (SIGABRT), core allowed  WIFSIGNALED, WTERMSIG == SIGABRT,
 *                                       WCOREDUMP: a core file was written
 *   3. stops on SIGSTOP, then goes on   WIFSTOPPED (needs WUNTRACED),
 *                                       WIFCONTINUED (needs WCONTINUED),
 *                                       then WIFEXITED with 0
 * A signal whose default action dumps core (SIGSEGV, SIGABRT, SIGQUIT...)
 * sets WCOREDUMP when the kernel wrote a core file: child 2b raises its
 * RLIMIT_CORE (often 0 by default) so that it does, into the current
 * directory as /proc/sys/kernel/core_pattern says ("core" here).  SIGTERM
 * never dumps.  A pipe holds child 3 until the parent has seen it
 * continued, so every run prints the same lines.  Exits 1 on any other
 * status. */
#include <string.h>
#include <sys/resource.h>

#include "tour.h"

static int wait_for(pid_t pid, int opts)
{
	int st;
	TOUR_CHECK(tour_waitpid(pid, &st, opts) == pid, "wait: %s", strerror(errno));
	return st;
}

int main(void)
{
	tour_block_sigchld();

	pid_t a = fork();
	TOUR_CHECK(a >= 0, "fork: %s", strerror(errno));
	if (a == 0)
		_exit(7);
	int st = wait_for(a, 0);
	TOUR_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "child 1: status 0x%x, not exited 7", st);

	pid_t b = fork();
	TOUR_CHECK(b >= 0, "fork: %s", strerror(errno));
	if (b == 0) {
		for (;;)
			pause();                /* until a signal kills it */
	}
	kill(b, SIGTERM);
	st = wait_for(b, 0);
	TOUR_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !WCOREDUMP(st),
		   "child 2: status 0x%x, not killed by SIGTERM", st);

	pid_t b2 = fork();
	TOUR_CHECK(b2 >= 0, "fork: %s", strerror(errno));
	if (b2 == 0) {
		struct rlimit rl;
		getrlimit(RLIMIT_CORE, &rl);
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (64u << 20) ? (64u << 20) : rl.rlim_max;
		setrlimit(RLIMIT_CORE, &rl);
		abort();
	}
	st = wait_for(b2, 0);
	TOUR_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "child 2b: status 0x%x, not killed by SIGABRT", st);
	TOUR_CHECK(WCOREDUMP(st), "child 2b: no core file was written (RLIMIT_CORE hard limit, core_pattern?)");

	int go[2];
	TOUR_CHECK(pipe(go) == 0, "pipe: %s", strerror(errno));
	pid_t c = fork();
	TOUR_CHECK(c >= 0, "fork: %s", strerror(errno));
	if (c == 0) {
		char ch;
		close(go[1]);
		tour_block_sigcont();
		raise(SIGSTOP);                 /* stopped until someone sends SIGCONT */
		while (read(go[0], &ch, 1) < 0 && errno == EINTR)
			;                       /* the parent closes go[1]: EOF */
		_exit(0);
	}
	close(go[0]);
	st = wait_for(c, WUNTRACED);
	TOUR_CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "child 3: status 0x%x, not stopped", st);
	kill(c, SIGCONT);
	st = wait_for(c, WCONTINUED);
	TOUR_CHECK(WIFCONTINUED(st), "child 3: status 0x%x, not continued", st);
	close(go[1]);
	st = wait_for(c, 0);
	TOUR_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child 3: status 0x%x, not exited 0", st);
	puts("exited 7, killed by SIGTERM, killed by SIGABRT with a core, stopped, continued, exited 0: all seen");
	return 0;
}
