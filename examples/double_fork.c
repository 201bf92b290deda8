/* double_fork: the classic daemon trick.
 *
 * The child forks the real worker (the grandchild) and exits at once; the
 * parent reaps the child right away (a short wait); the grandchild, now an
 * orphan, is adopted by init (or a subreaper), which reaps it when it ends:
 * no zombie is left behind, and the parent never has to wait for the
 * worker.
 * To print the same lines every run, the grandchild waits on a pipe until
 * the parent has reaped the child, then tells the parent who adopted it;
 * the parent waits until the worker's end has been seen (in /proc: it
 * cannot wait() for a process that is not its child).  Exits 1 unless the worker was
 * adopted by a process other than the child. */
#include <string.h>

#include "tour.h"

int main(void)
{
	tour_block_sigchld();
	int go[2], report[2];
	TOUR_CHECK(pipe(go) == 0 && pipe(report) == 0, "pipe: %s", strerror(errno));
	pid_t child = fork();
	TOUR_CHECK(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		pid_t gc = fork();
		if (gc != 0)
			_exit(gc < 0);      /* the child leaves at once */
		/* The grandchild works on: first, wait until the parent has
		 * reaped the child (it closes its end of `go`). */
		char c;
		close(go[1]);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		pid_t ids[2] = { getpid(), getppid() };
		ssize_t w = write(report[1], ids, sizeof(ids));
		_exit(w == (ssize_t)sizeof(ids) ? 0 : 1);
	}
	close(go[0]);
	close(report[1]);
	int st;
	TOUR_CHECK(tour_waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "the child did not exit 0");
	close(go[1]);                       /* the grandchild may go on */

	pid_t ids[2];
	ssize_t n;
	while ((n = read(report[0], ids, sizeof(ids))) < 0 && errno == EINTR)
		;
	TOUR_CHECK(n == (ssize_t)sizeof(ids), "no word from the grandchild");
	TOUR_CHECK(ids[1] > 0 && ids[1] != child, "the grandchild was not adopted");
	printf("grandchild %d was adopted by %d\n", (int)ids[0], (int)ids[1]);

	/* Until the grandchild's end has been seen (it is not our child:
	 * wait() cannot do this). */
	TOUR_CHECK(tour_wait_reported(ids[0]) == 0, "the grandchild did not end");
	return 0;
}
