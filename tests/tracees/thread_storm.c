/* thread_storm [N=40] [CALLS=2000]: N threads, each making CALLS getppid
 * syscalls, all joined; exits 0.  A syscall-heavy threaded program: a
 * tracer that stops at syscalls shows in the stop count. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long calls = 2000;

static void *worker(void *arg)
{
	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 40;
	if (argc > 2)
		calls = atol(argv[2]);
	if (n < 1 || n > 1000)
		return 2;
	pthread_t *th = calloc((size_t)n, sizeof(*th));
	if (!th)
		return 3;
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, worker, NULL))
			return 4;
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	free(th);
	return 0;
}
