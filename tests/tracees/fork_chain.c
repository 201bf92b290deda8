/* fork_chain [DEPTH=100]: each process forks one child and waits for it; the
 * deepest exits 0 and each exits with its child's status (DEPTH+1 processes). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int depth = argc > 1 ? atoi(argv[1]) : 100;
	if (depth < 0 || depth > 5000)
		return 2;
	while (depth > 0) {
		pid_t c = fork();
		if (c < 0) {
			perror("fork");
			return 10;
		}
		if (c == 0) {
			depth--;
			continue;
		}
		int st;
		if (waitpid(c, &st, 0) != c) {
			perror("waitpid");
			return 11;
		}
		if (!WIFEXITED(st)) {
			fprintf(stderr, "fork_chain: child %d status 0x%x\n", (int)c, st);
			return 12;
		}
		return WEXITSTATUS(st);
	}
	return 0;
}
