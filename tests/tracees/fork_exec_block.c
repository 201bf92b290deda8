/* fork_exec_block FIFO: forks; the child execs this program again as
 * "fork_exec_block reader FIFO", which opens FIFO and reads it until the
 * writer closes it; the parent waits for the child and exits with its
 * status.  The test holds the writer: the traced tree stays blocked, with
 * its spawn and exec behind it, for as long as the test wants. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "reader")) {
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return 10;
		char b;
		ssize_t n;
		while ((n = read(fd, &b, 1)) != 0)
			if (n < 0 && errno != EINTR)
				return 11;
		return 0;
	}
	if (argc != 2)
		return 2;
	pid_t c = fork();
	if (c < 0)
		return 12;
	if (c == 0) {
		execl("/proc/self/exe", argv[0], "reader", argv[1], (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(c, &st, 0) < 0)
		if (errno != EINTR)
			return 13;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 14;
}
