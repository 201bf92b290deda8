/* life_mix: one of each lifecycle event, deterministically: a fork that
 * execs this program again ("child": exits 3), a process with 3 threads
 * (joined, then it exits 0), a vfork + exec of /bin/true, a child that
 * SIGKILLs itself; every child waited for.  Exits 0 when all went as
 * planned. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg)
{
	return arg;
}

static int reap(pid_t c, int want_code, int want_sig)
{
	int st;
	if (waitpid(c, &st, 0) != c)
		return 1;
	if (want_sig)
		return !(WIFSIGNALED(st) && WTERMSIG(st) == want_sig);
	return !(WIFEXITED(st) && WEXITSTATUS(st) == want_code);
}

/* vfork in a function of its own: the child never returns from it (it
 * execs or _exits), and main's locals are not live across the vfork, which
 * an optimising gcc warns about (-Wclobbered). */
__attribute__((noinline)) static pid_t vfork_true(void)
{
	pid_t c = vfork();
	if (c == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return c;
}

int main(int argc, char **argv)
{
	int bad = 0;
	if (argc > 1 && !strcmp(argv[1], "child"))
		return 3;
	pid_t c = fork();
	if (c == 0) {
		execl("/proc/self/exe", "life_mix", "child", (char *)NULL);
		_exit(127);
	}
	bad |= c < 0 || reap(c, 3, 0);
	c = fork();
	if (c == 0) {
		pthread_t th[3];
		for (int i = 0; i < 3; i++)
			if (pthread_create(&th[i], NULL, worker, NULL))
				_exit(20);
		for (int i = 0; i < 3; i++)
			pthread_join(th[i], NULL);
		_exit(0);
	}
	bad |= c < 0 || reap(c, 0, 0);
	c = vfork_true();
	bad |= c < 0 || reap(c, 0, 0);
	c = fork();
	if (c == 0) {
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	bad |= c < 0 || reap(c, 0, SIGKILL);
	printf("life_mix %s\n", bad ? "FAILED" : "ok");
	return bad;
}
