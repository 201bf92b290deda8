/* Three threads besides the leader; once all run, a NON-leader thread calls
 * _exit(4) (exit_group) while the leader blocks in pthread_join and the
 * others in pause().  The whole process exits 4.  Each task prints
 * "leader PID", "thread TID" (idle) or "quitter TID" on stdout first. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_barrier_t barrier;

static void *idle(void *arg)
{
	(void)arg;
	dprintf(1, "thread %d\n", (int)gettid());
	pthread_barrier_wait(&barrier);
	for (;;)
		pause();
	return NULL;
}

static void *quitter(void *arg)
{
	(void)arg;
	dprintf(1, "quitter %d\n", (int)gettid());
	pthread_barrier_wait(&barrier);
	_exit(4);
}

int main(void)
{
	pthread_t t[3];
	dprintf(1, "leader %d\n", (int)getpid());
	pthread_barrier_init(&barrier, NULL, 4);
	if (pthread_create(&t[0], NULL, idle, NULL) ||
	    pthread_create(&t[1], NULL, quitter, NULL) ||
	    pthread_create(&t[2], NULL, idle, NULL)) {
		fprintf(stderr, "thread_exit_group: pthread_create failed\n");
		return 10;
	}
	pthread_barrier_wait(&barrier);
	pthread_join(t[1], NULL);   /* never returns: the group exits */
	fprintf(stderr, "thread_exit_group: pthread_join returned\n");
	return 30;
}
