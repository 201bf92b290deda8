/* Two threads that run and end (joined) long before the process does, then
 * a child process that exits and stays a zombie until the leader waits.
 * Threads are never zombies; the child is one. */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static void *work(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t[2];
	int p[2], st;
	char c;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, work, NULL))
			return 10;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (pipe(p))
		return 11;
	pid_t pid = fork();
	if (pid < 0)
		return 12;
	if (pid == 0)
		_exit(0);
	/* the child is dead (EOF once its write end closed) before we wait */
	close(p[1]);
	if (read(p[0], &c, 1) != 0)
		return 13;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 14;
	return 0;
}
