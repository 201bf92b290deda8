/* root_exits_first FILE: the parent forks a child and exits 0 at once; the
 * child waits until its parent is gone (getppid() changes), then appends
 * "child PID done" to FILE and exits 0. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: root_exits_first FILE\n");
		return 2;
	}
	pid_t parent = getpid();
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c > 0)
		return 0;
	/* Polling is fine: the order matters, not the timing.  Bounded: 60 s. */
	struct timespec ms = { 0, 1000000 };
	for (int i = 0; getppid() == parent; i++) {
		if (i > 60000)
			_exit(20);
		nanosleep(&ms, NULL);
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		_exit(21);
	char line[64];
	int n = snprintf(line, sizeof line, "child %d done\n", (int)getpid());
	if (write(fd, line, (size_t)n) != n)
		_exit(22);
	close(fd);
	_exit(0);
}
