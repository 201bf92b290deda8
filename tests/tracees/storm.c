/* storm [fork|exit42] [ROUNDS]: a fork storm cut short by SIGKILL or exit.
 *
 * The parent runs ROUNDS rounds (default 30).  Each round it forks a worker
 * that creates tasks in a tight loop, waits 0-2 ms (a fixed pseudo-random
 * schedule), then ends it:
 *   fork    the worker forks, vforks, or starts 2 threads that fork (by
 *           round), and the parent SIGKILLs it;
 *   exit42  the worker starts 2 threads that fork, and its main thread calls
 *           exit(42) itself.
 * Every creation is a tracer event that the end of the worker can overtake,
 * which is the point: a tracer that reads a fork event's message after the
 * task was killed gets the exit status (9, 42<<8) instead of a pid.
 *
 * Children of the loops exit at once and are reaped by the worker (or, once
 * it is gone, by init).  Prints "storm: done" last; exits 0 when every worker
 * ended as planned, else 1. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *forker(void *arg)
{
	(void)arg;
	for (;;) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	return NULL;
}

static void start_threads(void)
{
	for (int i = 0; i < 2; i++) {
		pthread_t th;
		if (pthread_create(&th, NULL, forker, NULL) != 0)
			_exit(3);
	}
}

/* The worker's loops, in functions of their own: a vfork in main would make
 * gcc warn (-Wclobbered, an error here at -O2) that main's locals may not
 * survive the second return.  Direct calls, so the compiler knows vfork
 * returns twice. */
static void __attribute__((noinline, noreturn)) churn_fork(void)
{
	for (;;) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

static void __attribute__((noinline, noreturn)) churn_vfork(void)
{
	for (;;) {
		pid_t c = vfork();
		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

static void sleep_us(long us)
{
	struct timespec ts = {0, us * 1000};
	while (nanosleep(&ts, &ts) < 0)
		;
}

int main(int argc, char **argv)
{
	bool exit42 = argc > 1 && !strcmp(argv[1], "exit42");
	int rounds = argc > 2 ? atoi(argv[2]) : 30;
	unsigned seed = 12345;
	int bad = 0;
	for (int i = 0; i < rounds; i++) {
		seed = seed * 1103515245u + 12345u;
		long delay_us = (long)((seed >> 8) % 2001);
		int how = exit42 ? 2 : i % 3;
		int ready[2];
		if (pipe(ready) < 0) {
			perror("storm: pipe");
			return 1;
		}
		pid_t w = fork();
		if (w < 0) {
			perror("storm: fork");
			return 1;
		}
		if (w == 0) {
			/* the delay counts from the worker's start, not the fork */
			close(ready[0]);
			if (write(ready[1], "r", 1) != 1)
				_exit(4);
			close(ready[1]);
			if (how == 2) {
				start_threads();
				if (exit42) {
					sleep_us(delay_us);
					exit(42);
				}
				for (;;)
					pause();
			}
			if (how == 0)
				churn_fork();
			churn_vfork();
		}
		char b;
		close(ready[1]);
		if (read(ready[0], &b, 1) != 1) {
			perror("storm: read");
			return 1;
		}
		close(ready[0]);
		int st;
		if (!exit42) {
			sleep_us(delay_us);
			kill(w, SIGKILL);
		}
		if (waitpid(w, &st, 0) != w) {
			perror("storm: waitpid");
			return 1;
		}
		if (exit42 ? !(WIFEXITED(st) && WEXITSTATUS(st) == 42) : !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
			fprintf(stderr, "storm: round %d: worker status 0x%x\n", i, st);
			bad = 1;
		}
	}
	printf("storm: done\n");
	fflush(stdout);
	return bad;
}
