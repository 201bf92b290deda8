/* S (PR_SET_CHILD_SUBREAPER) forks C; C forks G, reports G's pid through a
 * pipe and exits; S reaps C.  G waits until reparented and exits 0 if its
 * new parent is S (else 3).  S reaps G with waitpid(-1), checks it, and then
 * waitpid(-1) must fail with ECHILD. */
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	pid_t s = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("prctl(PR_SET_CHILD_SUBREAPER)");
		return 10;
	}
	if (pipe(fds) < 0) {
		perror("pipe");
		return 10;
	}
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c == 0) {
		pid_t me = getpid();
		close(fds[0]);
		pid_t g = fork();
		if (g < 0)
			_exit(1);
		if (g > 0) {
			if (write(fds[1], &g, sizeof g) != sizeof g)
				_exit(2);
			_exit(0);
		}
		close(fds[1]);
		struct timespec ms = { 0, 1000000 };
		for (int i = 0; getppid() == me; i++) {
			if (i > 60000)
				_exit(20);
			nanosleep(&ms, NULL);
		}
		_exit(getppid() == s ? 0 : 3);
	}
	close(fds[1]);
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "subreaper: child status 0x%x\n", st);
		return 11;
	}
	pid_t g;
	if (read(fds[0], &g, sizeof g) != sizeof g) {
		fprintf(stderr, "subreaper: no grandchild pid\n");
		return 12;
	}
	pid_t w;
	do
		w = waitpid(-1, &st, 0);
	while (w < 0 && errno == EINTR);
	if (w != g) {
		fprintf(stderr, "subreaper: waitpid(-1) returned %d, expected the grandchild %d\n",
			(int)w, (int)g);
		return 13;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "subreaper: grandchild status 0x%x\n", st);
		return 14;
	}
	if (waitpid(-1, &st, 0) != -1 || errno != ECHILD) {
		fprintf(stderr, "subreaper: more children than expected\n");
		return 15;
	}
	printf("grandchild %d\n", (int)g);
	return 0;
}
