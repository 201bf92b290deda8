/* spawn_worker: main -> spawn_worker -> fork; the child exits 0, the parent
 * waits for it.  Used by the -k tests: the stack of the spawn event must
 * read (innermost first) [libc fork frames], spawn_worker, main.
 *
 * noinline keeps the frames; noipa (GCC) keeps GCC from cloning
 * spawn_worker into "spawn_worker.constprop.0" or the like, which would
 * rename the frame; using the results after each call keeps the calls
 * from becoming tail calls (a jmp leaves no frame). */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__GNUC__) && !defined(__clang__)
#define KEEP_FRAME __attribute__((noinline, noipa))
#else
#define KEEP_FRAME __attribute__((noinline))
#endif

KEEP_FRAME pid_t spawn_worker(void)
{
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	if (c < 0)
		perror("fork");
	return c;
}

int main(void)
{
	pid_t c = spawn_worker();
	if (c < 0)
		return 10;
	int st;
	if (waitpid(c, &st, 0) != c) {
		perror("waitpid");
		return 11;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "spawn_worker: child status 0x%x\n", st);
		return 12;
	}
	return 0;
}
