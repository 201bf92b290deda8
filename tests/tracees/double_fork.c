/* The classic daemon double fork: P forks C, C forks G and exits, P reaps C.
 * G waits until it is reparented (getppid() no longer C), then sends
 * "G NEWPARENT" through a pipe whose write end it holds, and exits 0.  P is
 * not G's parent: it waits for G by reading the pipe until EOF, then prints
 * "grandchild G reparented-to NEWPARENT" on stdout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
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
		pid_t me = getpid();
		close(fds[0]);
		pid_t g = fork();
		if (g < 0)
			_exit(1);
		if (g > 0)
			_exit(0);
		struct timespec ms = { 0, 1000000 };
		for (int i = 0; getppid() == me; i++) {
			if (i > 60000)
				_exit(20);
			nanosleep(&ms, NULL);
		}
		char line[64];
		int n = snprintf(line, sizeof line, "%d %d\n", (int)getpid(), (int)getppid());
		if (write(fds[1], line, (size_t)n) != n)
			_exit(21);
		_exit(0);   /* fds[1] closes with the exit: P sees EOF */
	}
	close(fds[1]);
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "double_fork: child status 0x%x\n", st);
		return 11;
	}
	char buf[128];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fds[0], buf + len, sizeof buf - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	int g, np;
	if (sscanf(buf, "%d %d", &g, &np) != 2 || np == c) {
		fprintf(stderr, "double_fork: bad report from the grandchild: '%s'\n", buf);
		return 12;
	}
	printf("grandchild %d reparented-to %d\n", g, np);
	return 0;
}
