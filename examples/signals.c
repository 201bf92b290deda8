/* signals: stopping, continuing and killing children, as a parent sees it.
 *
 * 1. A child is stopped with SIGSTOP (the parent sees it with WUNTRACED)
 *    and continued with SIGCONT (seen with WCONTINUED).
 * 2. Two children are put in a process group of their own; one
 *    kill(-pgid, SIGKILL) kills both at once.  SIGKILL cannot be caught,
 *    blocked or ignored.
 * The children wait on pipes, so nothing depends on timing.  Exits 1 unless
 * the parent saw the stop, the continue, and both deaths by SIGKILL. */
#include <string.h>

#include "tour.h"

/* A child that blocks reading a pipe until it is killed (or the pipe is
 * closed); returns its pid. */
static pid_t idle_child(int *go_w, pid_t pgid)
{
	/* Inherited by the child (and undone here after the fork). */
	tour_block_sigcont();
	int p[2];
	TOUR_CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	TOUR_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		char c;
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGCONT);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	if (pgid >= 0)
		/* Set by the parent (the child may not have run yet); the child
		 * calls nothing: an error here is the parent's to see. */
		TOUR_CHECK(setpgid(pid, pgid) == 0, "setpgid: %s", strerror(errno));
	*go_w = p[1];
	return pid;
}

int main(void)
{
	tour_block_sigchld();
	int st, go;

	pid_t c = idle_child(&go, -1);
	kill(c, SIGSTOP);
	TOUR_CHECK(tour_waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
		   "no stop seen (0x%x)", st);
	kill(c, SIGCONT);
	TOUR_CHECK(tour_waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st), "no continue seen (0x%x)", st);
	close(go);                              /* EOF: it exits 0 */
	TOUR_CHECK(tour_waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "the stopped child did not exit 0 (0x%x)", st);

	int go1, go2;
	pid_t a = idle_child(&go1, 0);          /* leader of a new group: pgid = a */
	pid_t b = idle_child(&go2, a);          /* joins a's group */
	kill(-a, SIGKILL);                      /* the whole group at once */
	/* Both deaths are seen before the parent reaps either, so every run
	 * prints them in the same place. */
	TOUR_CHECK(tour_wait_reported(a) == 0 && tour_wait_reported(b) == 0, "the group did not die");
	TOUR_CHECK(tour_waitpid(a, &st, 0) == a && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		   "the group leader was not killed (0x%x)", st);
	TOUR_CHECK(tour_waitpid(b, &st, 0) == b && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		   "the second member was not killed (0x%x)", st);
	puts("stopped, continued, exited 0; a process group of two killed by one SIGKILL");
	return 0;
}
