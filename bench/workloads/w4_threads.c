/* W4: T pthreads (default 8) each make N cheap syscalls (syscall(SYS_getppid),
 * default 100,000); when all are done, thread 0 (not the leader) execs
 * /bin/true, which kills the other threads and makes the exec'ing thread the
 * new leader (PTRACE_EVENT_EXEC with a changed tid).
 * usage: w4_threads [N] [T] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long per_thread = 100000;
static pthread_barrier_t done;

static void *worker(void *arg)
{
	long id = (long)arg, sum = 0;

	for (long i = 0; i < per_thread; i++)
		sum += syscall(SYS_getppid);
	if (sum == 0)
		fprintf(stderr, "w4: getppid returned 0\n");
	pthread_barrier_wait(&done);
	if (id == 0) {
		char *const args[] = {"/bin/true", NULL};
		execv(args[0], args);
		perror("w4: execv");
		_exit(127);
	}
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	long nthreads = 8;

	if (argc > 1)
		per_thread = strtol(argv[1], NULL, 10);
	if (argc > 2)
		nthreads = strtol(argv[2], NULL, 10);
	if (nthreads < 1)
		nthreads = 1;
	pthread_barrier_init(&done, NULL, (unsigned)nthreads + 1);
	for (long i = 0; i < nthreads; i++) {
		pthread_t t;
		int e = pthread_create(&t, NULL, worker, (void *)i);
		if (e) {
			fprintf(stderr, "w4: pthread_create: %d\n", e);
			return 1;
		}
	}
	pthread_barrier_wait(&done);
	for (;;) /* the exec in thread 0 ends this thread */
		pause();
}
