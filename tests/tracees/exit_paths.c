/* exit_paths exit|_exit: the two ways out of a C program.
 *
 * Registers an atexit handler, puts text in stdout's buffer without a
 * newline (nothing is written yet, whatever stdout is), then leaves with
 * exit(3) or _exit(3) from leave().
 *   exit(3):  libc runs the atexit handlers, flushes stdio, then calls
 *             _exit: the output is "atexit handler ran\nbuffered by stdio".
 *   _exit(3): straight to the exit_group syscall: no handler, and the
 *             buffered text is lost.  The output is empty.
 * Either way the status is 3.  Any other argument: status 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__GNUC__) && !defined(__clang__)
#define KEEP_FRAME __attribute__((noinline, noipa))
#else
#define KEEP_FRAME __attribute__((noinline))
#endif

static void handler(void)
{
	static const char msg[] = "atexit handler ran\n";
	/* write(2), not stdio: the handler runs before exit() flushes the
	 * buffers, and its line must come out first and unbuffered. */
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		return;
}

/* exit and _exit are noreturn: GCC calls them with `call`, never `jmp`,
 * so leave() stays on the stack. */
KEEP_FRAME void leave(const char *how)
{
	if (!strcmp(how, "_exit"))
		_exit(3);
	exit(3);
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "exit") && strcmp(argv[1], "_exit"))) {
		fprintf(stderr, "usage: exit_paths exit|_exit\n");
		return 2;
	}
	if (atexit(handler) != 0)
		return 10;
	fputs("buffered by stdio", stdout);
	leave(argv[1]);
	return 11;   /* not reached */
}
