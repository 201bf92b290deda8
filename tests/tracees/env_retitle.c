/* Rewrites its own argv/environment block in place, as setproctitle()
 * does (after moving the environment to the heap), then execs
 * /usr/bin/env with that same, unchanged environment: nothing changed
 * between the environment it was started with and the one env gets. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		return 10;
	for (size_t i = 0; i < n; i++)
		if (!(copy[i] = strdup(environ[i])))
			return 10;
	/* the block runs from argv[0] to the end of the last string */
	char *start = argv[0];
	char *last = n ? environ[n - 1] : argv[argc - 1];
	char *end = last + strlen(last);
	memset(start, 0, (size_t)(end - start));
	strcpy(start, "retitled: worker");
	environ = copy;
	char *args[] = {"env", NULL};
	execve("/usr/bin/env", args, copy);
	return 11;
}
