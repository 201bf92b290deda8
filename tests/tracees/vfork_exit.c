/* vfork(), then the child calls _exit(3); the parent checks the status. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t c = vfork();
	if (c < 0) {
		perror("vfork");
		return 10;
	}
	if (c == 0)
		_exit(3);
	int st;
	if (waitpid(c, &st, 0) != c) {
		perror("waitpid");
		return 11;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 3) {
		fprintf(stderr, "vfork_exit: child status 0x%x, expected exit 3\n", st);
		return 12;
	}
	return 0;
}
