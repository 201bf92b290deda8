/* vfork(), then the child execs /bin/true; the parent checks it exited 0. */
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
	if (c == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	int st;
	if (waitpid(c, &st, 0) != c) {
		perror("waitpid");
		return 11;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "vfork_exec: child status 0x%x, expected exit 0\n", st);
		return 12;
	}
	return 0;
}
