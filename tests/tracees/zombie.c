/* The child exits at once; the parent learns it is gone (EOF on a pipe the
 * child held, closed by the kernel as the child exits), keeps it a zombie
 * for ~200 ms, then reaps it (zombie_ns >= 150 ms). */
#include <errno.h>
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
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c == 0) {
		close(fds[0]);
		_exit(0);   /* fds[1] is closed by the exit */
	}
	close(fds[1]);
	char b;
	ssize_t n;
	while ((n = read(fds[0], &b, 1)) < 0 && errno == EINTR)
		;
	if (n != 0) {
		fprintf(stderr, "zombie: expected EOF\n");
		return 11;
	}
	/* The measured duration: a sleep is the point here. */
	struct timespec ts = { 0, 200000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "zombie: bad child status 0x%x\n", st);
		return 12;
	}
	return 0;
}
