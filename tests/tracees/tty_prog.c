/* tty_prog MODE FD: a program run in the foreground of a terminal, for the
 * Ctrl-C / Ctrl-\ / Ctrl-Z tests (test_interrupt.c).  It reports to FD (a
 * pipe of the test) and, once set up, writes "ready PID\n" there.
 *
 *   trap     SIGINT, SIGQUIT and SIGHUP handlers print "trapped SIGNAME" on
 *            stdout and exit 5, 6 or 7 (a shell's trap, make's cleanup);
 *            otherwise it reads stdin (the terminal) until a line "go",
 *            then exits 0 (at EOF, a hangup, it waits for its SIGHUP)
 *   count    each SIGINT writes "int N" to FD and is otherwise shrugged
 *            off (a program that survives ^C); "go" on stdin: exit 0
 *   setpgid  moves to a process group of its own (it no longer gets the
 *            terminal's signals), then waits in pause() for any signal
 *   fork     forks a child that reads stdin and exits 0 at "go"; the
 *            parent waits for it and prints "child exited N" on stdout
 *            (Ctrl-Z: two tasks of the foreground group stop) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fd;
static volatile sig_atomic_t nint;

static void say(int to, const char *s)
{
	size_t n = strlen(s);
	if (write(to, s, n) != (ssize_t)n)
		_exit(30);
}

static void on_trap(int sig)
{
	say(1, sig == SIGINT ? "trapped SIGINT\n" : sig == SIGQUIT ? "trapped SIGQUIT\n" : "trapped SIGHUP\n");
	_exit(sig == SIGINT ? 5 : sig == SIGQUIT ? 6 : 7);
}

static void on_count(int sig)
{
	char line[32] = "int ";
	(void)sig;
	nint++;
	line[4] = (char)('0' + nint % 10);
	line[5] = '\n';
	line[6] = 0;
	say(fd, line);
}

/* Reads stdin until a line "go"; EINTR (a handled signal) just retries.
 * EOF or EIO (the terminal hung up): the hangup's SIGHUP may still be on its
 * way, so wait for it rather than exit first. */
static int wait_go(void)
{
	char buf[256];
	size_t used = 0;
	for (;;) {
		ssize_t n = read(0, buf + used, sizeof buf - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			for (;;)
				pause();
		used += (size_t)n;
		buf[used] = 0;
		if (strstr(buf, "go\n"))
			return 0;
		if (used >= sizeof buf - 1)
			used = 0;
	}
}

static void ready(void)
{
	char line[64];
	snprintf(line, sizeof line, "ready %d\n", (int)getpid());
	say(fd, line);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: tty_prog trap|count|setpgid|fork FD\n");
		return 2;
	}
	fd = atoi(argv[2]);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	if (!strcmp(argv[1], "trap")) {
		sa.sa_handler = on_trap;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		ready();
		return wait_go();
	}
	if (!strcmp(argv[1], "count")) {
		sa.sa_handler = on_count;
		sigaction(SIGINT, &sa, NULL);
		ready();
		return wait_go();
	}
	if (!strcmp(argv[1], "setpgid")) {
		if (setpgid(0, 0) < 0)
			return 21;
		ready();
		for (;;)
			pause();
	}
	if (!strcmp(argv[1], "fork")) {
		pid_t c = fork();
		if (c < 0)
			return 22;
		if (c == 0)
			_exit(wait_go());
		ready();
		int st;
		pid_t w;
		do
			w = waitpid(c, &st, 0);
		while (w < 0 && errno == EINTR);
		if (w != c)
			return 23;
		printf("child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return 0;
	}
	fprintf(stderr, "tty_prog: unknown mode %s\n", argv[1]);
	return 2;
}
