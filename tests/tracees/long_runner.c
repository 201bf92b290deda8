/* long_runner FILE [SECONDS=20]: the root forks 2 children; each of the 3
 * processes appends "start PID" to FILE, then loops (getppid() and a 10 ms
 * nanosleep) until FILE.release exists or SECONDS passed, then appends
 * "done PID".  The root waits for its children before its own "done".
 * Used by the SIGTERM tests: the tool is signalled once 3 "start" lines
 * are in FILE. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *file;
static char release[4096];

static void say(const char *what)
{
	char line[64];
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		_exit(20);
	int n = snprintf(line, sizeof line, "%s %d\n", what, (int)getpid());
	if (write(fd, line, (size_t)n) != n)
		_exit(21);
	close(fd);
}

static void run(int seconds)
{
	struct timespec t0, now, tick = { 0, 10000000 };
	say("start");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		(void)getppid();
		if (access(release, F_OK) == 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000000000LL + (now.tv_nsec - t0.tv_nsec) >=
		    seconds * 1000000000LL)
			break;
		nanosleep(&tick, NULL);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: long_runner FILE [SECONDS]\n");
		return 2;
	}
	file = argv[1];
	int seconds = argc > 2 ? atoi(argv[2]) : 20;
	snprintf(release, sizeof release, "%s.release", file);
	pid_t kids[2];
	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			perror("fork");
			return 10;
		}
		if (kids[i] == 0) {
			run(seconds);
			say("done");
			_exit(0);
		}
	}
	run(seconds);
	int bad = 0;
	for (int i = 0; i < 2; i++) {
		int st;
		pid_t w;
		do
			w = waitpid(kids[i], &st, 0);
		while (w < 0 && errno == EINTR);
		if (w != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	}
	say("done");
	return bad ? 11 : 0;
}
