/* W1: fork + execv("/bin/true") + waitpid, N times in sequence (default 2000).
 * usage: w1_forkexec [N] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	char *const args[] = {"/bin/true", NULL};

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execv(args[0], args);
			_exit(127);
		}
		int st;
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "w1: child %ld failed (status 0x%x)\n", i, st);
			return 1;
		}
	}
	return 0;
}
