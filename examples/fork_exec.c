/* fork_exec PROG [ARGS...]: the chapter's fork_and_exec.
 *
 * The parent forks; the child replaces itself with PROG, looked up on PATH
 * by execvp (which tries execve in each PATH directory in turn until one
 * works: the failed tries are real syscalls); the parent waits for it.
 * Exits 1 unless PROG ran and exited 0; 127 from the child if no PATH entry
 * had it. */
#include <string.h>

#include "tour.h"

int main(int argc, char **argv)
{
	TOUR_CHECK(argc >= 2, "usage: fork_exec PROG [ARGS...]");
	tour_block_sigchld();
	pid_t pid = fork();
	TOUR_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "fork_exec: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	int st;
	TOUR_CHECK(tour_waitpid(pid, &st, 0) == pid, "wait: %s", strerror(errno));
	TOUR_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s did not run and exit 0 (status 0x%x)",
		   argv[1], st);
	return 0;
}
