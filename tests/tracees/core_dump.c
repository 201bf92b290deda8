/* core_dump DIR: a child aborts with core dumps allowed (RLIMIT_CORE raised,
 * cwd DIR), so the kernel writes a core and sets the core bit of its status.
 * Exits 0 when the parent's wait saw WCOREDUMP, 3 when the system made no
 * core (core_pattern, limits): the test then has nothing to check. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: core_dump DIR\n");
		return 2;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_CORE, &rl) < 0)
		return 10;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (64u << 20) ? (64u << 20) : rl.rlim_max;
	if (setrlimit(RLIMIT_CORE, &rl) < 0)
		return 10;
	pid_t c = fork();
	if (c < 0)
		return 11;
	if (c == 0) {
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	int st;
	if (waitpid(c, &st, 0) != c || !WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT)
		return 12;
	return WCOREDUMP(st) ? 0 : 3;
}
