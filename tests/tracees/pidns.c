/* A pid namespace made with clone(CLONE_NEWPID), no external tool.
 *
 * pidns tree: the root R clones C, pid 1 of a new namespace.  C forks G
 * (namespace pid 2), G forks GG, sends GG's pid through a pipe and exits 0,
 * so GG is reparented to C.  C reaps G with waitpid(G), lets GG go (GG exits
 * 3), reaps it with waitid(P_PID, GG), prints "ns G GG" (namespace pids) and
 * exits 6.  R waits for C and exits with C's code.
 *
 * pidns initdies: C forks K, K forks KK; both block in pause().  Once K says
 * KK exists, C polls for dead children once (waitpid WNOHANG: 0, as an init
 * does) and exits 5: the kernel SIGKILLs everything left in the namespace.
 * R exits with C's code.
 *
 * Exit 77 (with a line on stderr) when the kernel refuses a new pid
 * namespace here (not root, user namespaces off...). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void block_on(int fd)
{
	char c;
	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

static int tree(void)
{
	int gp[2], q[2];
	if (pipe(gp) < 0 || pipe(q) < 0)
		return 10;
	pid_t g = fork();
	if (g < 0)
		return 11;
	if (g == 0) {
		close(q[1]);
		pid_t gg = fork();
		if (gg < 0)
			_exit(1);
		if (gg == 0) {
			block_on(q[0]);     /* EOF once C closes its end */
			_exit(3);
		}
		if (write(gp[1], &gg, sizeof(gg)) != (ssize_t)sizeof(gg))
			_exit(2);
		_exit(0);
	}
	close(q[0]);
	pid_t gg = 0;
	if (read(gp[0], &gg, sizeof(gg)) != (ssize_t)sizeof(gg) || gg <= 0)
		return 12;
	int st = 0;
	if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 13;
	/* G is reaped: GG is C's child now.  Let it go, and reap it too. */
	close(q[1]);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)gg, &si, WEXITED) != 0 || si.si_pid != gg || si.si_code != CLD_EXITED ||
	    si.si_status != 3)
		return 14;
	dprintf(1, "ns %d %d\n", (int)g, (int)gg);
	return 6;
}

static int initdies(void)
{
	int k[2];
	if (pipe(k) < 0)
		return 10;
	pid_t kid = fork();
	if (kid < 0)
		return 11;
	if (kid == 0) {
		pid_t kk = fork();
		if (kk < 0)
			_exit(1);
		if (kk == 0)
			for (;;)
				pause();
		if (write(k[1], "k", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	block_on(k[0]);
	int st;
	if (waitpid(-1, &st, WNOHANG) != 0)
		return 12;
	return 5;     /* the namespace dies with its init */
}

int main(int argc, char **argv)
{
	int (*body)(void) = argc > 1 && !strcmp(argv[1], "initdies") ? initdies : tree;
	/* fork-like clone: no new stack, the child returns 0 here */
	long c = syscall(SYS_clone, (unsigned long)(CLONE_NEWPID | SIGCHLD), NULL, NULL, NULL, 0);
	if (c < 0) {
		fprintf(stderr, "pidns: no new pid namespace: %s\n", strerror(errno));
		return 77;
	}
	if (c == 0) {
		if (getpid() != 1)
			_exit(20);
		_exit(body());
	}
	int st = 0;
	if (waitpid((pid_t)c, &st, 0) != c || !WIFEXITED(st))
		return 30;
	return WEXITSTATUS(st);
}
