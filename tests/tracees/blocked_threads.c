/* blocked_threads CTL READY: 4 threads blocked in different syscalls (read
 * on a pipe, poll, a futex through pthread_cond_wait, a nanosleep loop)
 * while main blocks in read(CTL).  Writes "r" to READY once all are in
 * place (they may still be entering their calls).  A byte on CTL wakes
 * every thread; exits 0 when each call returned what it does untraced (no
 * EINTR, the byte read, poll ready), else 10 + the thread that saw it. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int pa[2], pb[2];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go, bad;
static volatile int stop_sleeping;

static void *reader(void *arg)
{
	char b;
	if (read(pa[0], &b, 1) != 1 || b != 'a')
		bad = 1;
	return arg;
}

static void *poller(void *arg)
{
	struct pollfd p = {pb[0], POLLIN, 0};
	if (poll(&p, 1, -1) != 1 || !(p.revents & POLLIN))
		bad = 2;
	return arg;
}

static void *waiter(void *arg)
{
	pthread_mutex_lock(&mu);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return arg;
}

static void *sleeper(void *arg)
{
	while (!stop_sleeping) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		if (nanosleep(&ts, NULL) != 0)
			bad = 4;
	}
	return arg;
}

int main(int argc, char **argv)
{
	int ctl = argc > 2 ? atoi(argv[1]) : 0, ready = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t th[4];
	void *(*fn[4])(void *) = {reader, poller, waiter, sleeper};
	if (pipe(pa) || pipe(pb))
		return 2;
	for (int i = 0; i < 4; i++)
		if (pthread_create(&th[i], NULL, fn[i], NULL))
			return 3;
	if (write(ready, "r", 1) != 1)
		return 4;
	char b;
	ssize_t n = read(ctl, &b, 1);
	if (n != 1)
		bad = n < 0 && errno == EINTR ? 5 : 6;
	stop_sleeping = 1;
	if (write(pa[1], "a", 1) != 1 || write(pb[1], "b", 1) != 1)
		return 7;
	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	return bad ? 10 + bad : 0;
}
