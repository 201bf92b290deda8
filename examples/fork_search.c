/* fork_search N X: is X in 0..N-1 (a table), searched in two halves by two
 * processes; the child reports through its exit code, read with wait. */
#include <stdbool.h>

#include "tour.h"

static bool search(const int *v, int from, int to, int x)
{
	for (int i = from; i < to; i++)
		if (v[i] == x)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, x = argc > 2 ? atoi(argv[2]) : 777;
	if (n < 1)
		return 2;
	int *v = malloc((size_t)n * sizeof(*v));
	if (!v)
		return 2;
	for (int i = 0; i < n; i++)
		v[i] = i;
	tour_block_sigchld();
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0)               /* the upper half; the answer is the exit code */
		_exit(search(v, n / 2, n, x) ? 0 : 1);
	bool found = search(v, 0, n / 2, x);
	int st;
	if (tour_waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
		fprintf(stderr, "fork_search: the child did not exit normally\n");
		return 2;
	}
	found = found || WEXITSTATUS(st) == 0;
	printf("%d %s\n", x, found ? "found" : "not found");
	free(v);
	return found ? 0 : 1;
}
