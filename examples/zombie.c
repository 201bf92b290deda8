/* zombie: a child that stays a zombie while its parent does something else.
 *
 * The child exits at once.  The parent does not reap it: it waits until the
 * child is dead WITHOUT collecting it (waitid with WNOWAIT), reads the
 * child's state in /proc/PID/stat ('Z': a zombie, dead but still in the
 * process table, holding its exit status for the parent), and only then
 * reaps it with waitpid, which frees the slot.  Exits 1 unless the child was
 * seen as a zombie and then reaped with status 0. */
#include <string.h>

#include "tour.h"

/* The state letter of /proc/PID/stat: after the last ')' (comm may hold
 * spaces and parentheses). */
static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return '?';
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

int main(void)
{
	tour_block_sigchld();
	pid_t pid = fork();
	TOUR_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(0);

	/* "Sleeping" parent: block until the child is dead, but leave it there. */
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int r;
	while ((r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT)) < 0 && errno == EINTR)
		;
	TOUR_CHECK(r == 0 && si.si_pid == pid, "waitid(WNOWAIT): %s", strerror(errno));
	char state = proc_state(pid);
	printf("child %d is dead and not reaped: state %c\n", (int)pid, state);
	TOUR_CHECK(state == 'Z', "the child's state is %c, not Z (zombie)", state);

	int st;
	TOUR_CHECK(tour_waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "the zombie was not reaped with status 0");
	TOUR_CHECK(proc_state(pid) == '?', "the child is still in the process table");
	puts("reaped: its slot in the process table is free");
	return 0;
}
