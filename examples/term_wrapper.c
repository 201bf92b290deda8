/* term_wrapper PROG [ARGS...]: the chapter's wrapper that starts an editor
 * with another terminal type.
 *
 * It execs PROG (a full path) with the same argv tail and the current
 * environment, but with TERM=hacked-xterm: execve takes the new program's
 * environment as its third argument.  Returns 1 only if the exec failed;
 * whether PROG saw the new TERM is PROG's to check (the tour runs
 * `sh -c 'test "$TERM" = hacked-xterm'`, which exits 1 otherwise). */
#include <string.h>

#include "tour.h"

extern char **environ;

int main(int argc, char **argv)
{
	TOUR_CHECK(argc >= 2, "usage: term_wrapper PROG [ARGS...]");
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	TOUR_CHECK(env, "out of memory");
	size_t k = 0;
	env[k++] = "TERM=hacked-xterm";
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TERM=", 5))   /* drop the old TERM */
			env[k++] = environ[i];
	env[k] = NULL;
	execve(argv[1], argv + 1, env);
	TOUR_CHECK(0, "execve(%s): %s", argv[1], strerror(errno));
}
