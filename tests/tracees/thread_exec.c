/* Three threads besides the leader; a NON-leader thread execs this program
 * again ("after LEADER TID") while the leader is blocked in pthread_join and
 * the other threads in pause().  After the exec the image checks it runs as
 * the leader's pid with one thread, and exits 0.  Before the exec it prints
 * "leader=PID exec_tid=TID" on stdout. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_barrier_t barrier;
static pid_t leader;

static int threads_in_status(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int n = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static void *idle(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&barrier);
	for (;;)
		pause();
	return NULL;
}

static void *execer(void *arg)
{
	char **argv = arg;
	char lb[32], tb[32];
	pid_t tid = gettid();
	snprintf(lb, sizeof lb, "%d", (int)leader);
	snprintf(tb, sizeof tb, "%d", (int)tid);
	dprintf(1, "leader=%d exec_tid=%d\n", (int)leader, (int)tid);
	pthread_barrier_wait(&barrier);
	char *nargv[] = { argv[0], "after", lb, tb, NULL };
	execv("/proc/self/exe", nargv);
	perror("execv");
	return (void *)1;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "after") == 0) {
		pid_t want = (pid_t)atoi(argv[2]);
		if (getpid() != want) {
			fprintf(stderr, "thread_exec: after exec pid %d, expected the leader %d\n",
				(int)getpid(), (int)want);
			return 20;
		}
		if (gettid() != getpid()) {
			fprintf(stderr, "thread_exec: after exec tid %d != pid %d\n",
				(int)gettid(), (int)getpid());
			return 21;
		}
		int n = threads_in_status();
		if (n != 1) {
			fprintf(stderr, "thread_exec: after exec %d threads, expected 1\n", n);
			return 22;
		}
		return 0;
	}
	leader = getpid();
	pthread_t t[3];
	pthread_barrier_init(&barrier, NULL, 4);
	if (pthread_create(&t[0], NULL, idle, NULL) ||
	    pthread_create(&t[1], NULL, execer, argv) ||
	    pthread_create(&t[2], NULL, idle, NULL)) {
		fprintf(stderr, "thread_exec: pthread_create failed\n");
		return 10;
	}
	pthread_barrier_wait(&barrier);
	void *ret;
	pthread_join(t[1], &ret);   /* returns only if the exec failed */
	fprintf(stderr, "thread_exec: the exec'ing thread returned\n");
	return 30;
}
