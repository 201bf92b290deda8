/* tracer_death REPORT_FD GO_FD: a parent P and a child C that keep using
 * trapped syscalls (wait) after the test killed the tracer.
 *
 * P forks C, writes "parent P child C" to REPORT_FD, then blocks in
 * waitpid(C).  C blocks in read(GO_FD); once the test writes a byte it calls
 * waitpid(-1, WNOHANG) (must fail with ECHILD: it has no children), checks
 * getppid() == P, writes "child wait=ERRNO ppid_ok=0|1" and exits 0 if both
 * held, 3 otherwise.  P writes "parent reaped status=N" (or "parent wait
 * error=ERRNO") and exits 0 if C exited 0, 4 otherwise.
 *
 * A task left with the tracer's seccomp filter and no tracer gets ENOSYS
 * from every trapped call instead. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int report;

static void say(const char *fmt, long a, long b)
{
	char line[128];
	int n = snprintf(line, sizeof line, fmt, a, b);
	if (write(report, line, (size_t)n) != n)
		_exit(20);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: tracer_death REPORT_FD GO_FD\n");
		return 2;
	}
	report = atoi(argv[1]);
	int go = atoi(argv[2]);
	pid_t parent = getpid();
	pid_t c = fork();
	if (c < 0) {
		perror("fork");
		return 10;
	}
	if (c == 0) {
		char b;
		ssize_t r;
		do
			r = read(go, &b, 1);
		while (r < 0 && errno == EINTR);
		pid_t w = waitpid(-1, NULL, WNOHANG);
		int err = w < 0 ? errno : 0;
		int ppid_ok = getppid() == parent;
		say("child wait=%ld ppid_ok=%ld\n", err, ppid_ok);
		_exit(err == ECHILD && ppid_ok ? 0 : 3);
	}
	say("parent %ld child %ld\n", parent, c);
	int st;
	pid_t w;
	do
		w = waitpid(c, &st, 0);
	while (w < 0 && errno == EINTR);
	if (w != c) {
		say("parent wait error=%ld%.0ld\n", errno, 0);
		return 5;
	}
	say("parent reaped status=%ld%.0ld\n", st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 4;
}
