/* exit_demo: exit() versus _exit().
 *
 * Two children do the same thing: register an atexit handler, put text in
 * stdout's stdio buffer (no newline, so nothing is written yet), then leave
 * from leave(): the first with exit(3), the second with _exit(3).
 *   exit():  the C library runs the atexit handlers, flushes the stdio
 *            buffers, then calls _exit: the text comes out.
 *   _exit(): straight to the exit_group system call: no handler runs and
 *            the buffered text is lost with the process's memory.
 * The parent reads each child's stdout through a pipe, and exits 1 unless
 * the first printed both lines and the second nothing, both with status 3. */
#include <string.h>

#include "tour.h"

/* Kept out of line, so -k stacks show leave() calling exit or _exit. */
#if defined(__GNUC__) && !defined(__clang__)
#define KEEP_FRAME __attribute__((noinline, noipa))
#else
#define KEEP_FRAME __attribute__((noinline))
#endif

static void handler(void)
{
	/* write(2), not stdio: this runs before exit() flushes the buffers. */
	static const char msg[] = "atexit handler ran\n";
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		return;
}

KEEP_FRAME void leave(int use_exit)
{
	if (use_exit)
		exit(3);
	_exit(3);
}

/* Runs one child with its stdout on a pipe; returns what it printed. */
static char *run(int use_exit)
{
	static char out[2][256];
	int p[2];
	TOUR_CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	fflush(stdout);
	pid_t pid = fork();
	TOUR_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		atexit(handler);
		fputs("buffered by stdio", stdout);    /* still in the buffer */
		leave(use_exit);
	}
	close(p[1]);
	char *buf = out[use_exit];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(out[0]) - 1 && (n = read(p[0], buf + len, sizeof(out[0]) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		TOUR_CHECK(n > 0, "read: %s", strerror(errno));
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(p[0]);
	int st;
	TOUR_CHECK(tour_waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3,
		   "the child did not exit 3");
	return buf;
}

int main(void)
{
	tour_block_sigchld();
	const char *with_exit = run(1), *with__exit = run(0);
	printf("exit():  \"%s\"\n_exit(): \"%s\"\n", with_exit, with__exit);
	TOUR_CHECK(!strcmp(with_exit, "atexit handler ran\nbuffered by stdio"), "exit() did not run the handler and flush");
	TOUR_CHECK(!strcmp(with__exit, ""), "_exit() printed something");
	return 0;
}
