/* Known CPU and memory for the exit events' rusage: the process burns
 * 30 ms of CPU, forks G (touches 32 MiB, burns 60 ms) and waits for it,
 * runs a thread that burns 20 ms, then forks H (burns 100 ms) and exits
 * without waiting for it: H is an orphan reaped outside the trace.
 * CPU is measured with the thread CPU clock, so load does not change it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void burn(long ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static void *thread(void *arg)
{
	(void)arg;
	burn(20);
	return NULL;
}

int main(void)
{
	burn(30);
	pid_t g = fork();
	if (g < 0)
		return 10;
	if (g == 0) {
		volatile char *p = malloc(32u << 20);
		if (!p)
			_exit(1);
		for (size_t i = 0; i < (32u << 20); i += 4096)
			p[i] = 1;
		burn(60);
		_exit(0);
	}
	if (waitpid(g, NULL, 0) != g)
		return 11;
	pthread_t t;
	if (pthread_create(&t, NULL, thread, NULL) || pthread_join(t, NULL))
		return 12;
	pid_t h = fork();
	if (h < 0)
		return 13;
	if (h == 0) {
		burn(100);
		_exit(0);
	}
	return 0;
}
