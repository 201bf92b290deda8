/* T forks P; P forks 2 children, then raise(SIGKILL)s itself.  T sees P die
 * of SIGKILL.  The children wait until reparented and exit 0; T waits for
 * them through a pipe whose write end they hold (EOF once both are gone). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	if (pipe(fds) < 0) {
		perror("pipe");
		return 10;
	}
	pid_t p = fork();
	if (p < 0) {
		perror("fork");
		return 10;
	}
	if (p == 0) {
		pid_t me = getpid();
		close(fds[0]);
		for (int i = 0; i < 2; i++) {
			pid_t c = fork();
			if (c < 0)
				_exit(1);
			if (c == 0) {
				struct timespec ms = { 0, 1000000 };
				for (int k = 0; getppid() == me; k++) {
					if (k > 60000)
						_exit(20);
					nanosleep(&ms, NULL);
				}
				_exit(0);
			}
		}
		raise(SIGKILL);
		_exit(2);
	}
	close(fds[1]);
	int st;
	if (waitpid(p, &st, 0) != p || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
		fprintf(stderr, "parent_killed: P status 0x%x, expected SIGKILL\n", st);
		return 11;
	}
	char b;
	ssize_t n;
	while ((n = read(fds[0], &b, 1)) < 0 && errno == EINTR)
		;
	if (n != 0) {
		fprintf(stderr, "parent_killed: expected EOF\n");
		return 12;
	}
	return 0;
}
