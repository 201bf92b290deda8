/* threads_exit: exit (one thread) versus exit_group (the whole process).
 *
 * A thread that returns from its start function (or calls pthread_exit)
 * ends with the exit system call: only that thread dies.  exit() from main
 * ends with exit_group: every thread of the process dies.  The worker
 * thread ends first; main waits until the kernel has removed it (its
 * /proc/self/task entry is gone, so the order of the two ends is always the
 * same), then exits 0.  Exits 1 if the worker did not run. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "tour.h"

static pid_t worker_tid;

static void *worker(void *arg)
{
	worker_tid = (pid_t)syscall(SYS_gettid);
	return arg;                     /* the thread ends: syscall exit */
}

int main(void)
{
	pthread_t t;
	void *ret = NULL;
	TOUR_CHECK(pthread_create(&t, NULL, worker, (void *)"done") == 0, "pthread_create");
	TOUR_CHECK(pthread_join(t, &ret) == 0 && ret && !strcmp(ret, "done"), "the worker did not run");
	/* join returns once the thread stopped running; its task may still be
	 * on its way out.  Its /proc entry goes when it is fully gone. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)worker_tid);
	for (int i = 0; access(path, F_OK) == 0; i++) {
		TOUR_CHECK(i < 10000, "the worker's task never went away");
		usleep(1000);           /* polling a state, not timing it */
	}
	exit(0);                        /* exit_group: the whole process */
}
