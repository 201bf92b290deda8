/* A child blocks on a pipe; waitpid(WNOHANG) must return 0 (argv[1] times
 * in a row, default once); the parent releases the child and reaps it with
 * a blocking waitpid. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int polls = argc > 1 ? atoi(argv[1]) : 1;
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
		char b;
		close(fds[1]);
		while (read(fds[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(fds[0]);
	int st = 0;
	pid_t w = 0;
	for (int i = 0; i < polls; i++) {
		w = waitpid(c, &st, WNOHANG);
		if (w != 0) {
			fprintf(stderr, "wnohang: waitpid(WNOHANG) returned %d, expected 0\n", (int)w);
			return 11;
		}
	}
	close(fds[1]);
	do
		w = waitpid(c, &st, 0);
	while (w < 0 && errno == EINTR);
	if (w != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "wnohang: child status 0x%x\n", st);
		return 12;
	}
	return 0;
}
