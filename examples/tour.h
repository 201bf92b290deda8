/* Small helpers shared by the tour's example programs (docs/tour.md).
 *
 * Every example exits non-zero when the behaviour it demonstrates did not
 * happen, so running the tour is also a test.  Ordering between processes is
 * always made with pipes and waits, never with sleeps. */
#ifndef TOUR_H
#define TOUR_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* A failed check: say what was expected on stderr and exit 1. */
#define TOUR_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s: not shown: ", __FILE__);          \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			exit(1);                                               \
		}                                                              \
	} while (0)

/* waitpid that retries when a signal interrupts it. */
static inline pid_t tour_waitpid(pid_t pid, int *st, int opts)
{
	pid_t w;
	do
		w = waitpid(pid, st, opts);
	while (w < 0 && errno == EINTR);
	return w;
}

/* Keep SIGCHLD pending instead of delivered.  Whether a child's SIGCHLD
 * reaches its parent before or after the parent enters wait() depends on
 * which CPU runs first; blocking it makes every run of the tour print the
 * same lines.  wait() works the same with SIGCHLD blocked. */
static inline void tour_block_sigchld(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

/* Waits until the death of process `pid` has been fully reported: its
 * /proc entry is gone (reaped), or it is a zombie that no tracer holds any
 * more.  Under ptrace-tour a dying tracee goes to the tracer first; once
 * "TracerPid:" is 0 the tracer has seen the death, so what this process
 * does next is printed after it, whatever the load.  Without a tracer it
 * returns as soon as the process is dead.  Polls a state (bounded), never
 * relies on a delay.  Returns 0, or -1 if it did not happen in ~10 s. */
#include <string.h>
static inline int tour_wait_reported(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	for (int i = 0; i < 10000; i++) {
		FILE *f = fopen(path, "r");
		if (!f)
			return 0;                       /* reaped */
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		if (strstr(buf, "\nState:\tZ") && strstr(buf, "\nTracerPid:\t0\n"))
			return 0;                       /* a zombie, tracer done */
		usleep(1000);
	}
	return -1;
}

/* Blocks SIGCONT in a child that will be stopped and continued.  SIGCONT
 * continues a stopped process when it is SENT, blocked or not; blocking it
 * only keeps the signal itself pending, so the child is not stopped again
 * by the tracer to have it delivered at a moment that depends on which CPU
 * runs first (the tour prints the same lines every run). */
static inline void tour_block_sigcont(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGCONT);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

/* Blocks until this process's parent has died, i.e. until the kernel has
 * reparented it (to init, or to the nearest subreaper).  The kernel sends
 * the "parent death signal" right after it changed the parent, so this
 * needs no sleep: SIGUSR1 is blocked and collected with sigwaitinfo. */
#include <sys/prctl.h>
static inline pid_t tour_wait_orphaned(pid_t parent)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0)
		return -1;
	/* The parent may have died before prctl: then it is done already. */
	while (getppid() == parent)
		sigwaitinfo(&s, NULL);
	prctl(PR_SET_PDEATHSIG, 0);
	return getppid();
}

#endif
