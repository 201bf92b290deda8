/* fork(); the child exits 7; the parent waits for it and checks the status. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c == 0)
		_exit(7);
	int st;
	if (waitpid(c, &st, 0) != c) {
		perror("waitpid");
		return 11;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 7) {
		fprintf(stderr, "fork_wait: child status 0x%x, expected exit 7\n", st);
		return 12;
	}
	return 0;
}
