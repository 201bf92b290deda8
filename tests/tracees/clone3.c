/* A raw clone3 (struct clone_args, exit_signal SIGCHLD, no flags): the child
 * _exit(5)s, the parent waits for it and checks the status.
 * With argument "clear-sighand": flags CLONE_CLEAR_SIGHAND; "newtime":
 * CLONE_NEWTIME (needs CAP_SYS_ADMIN: exits 77 on EPERM). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

int main(int argc, char **argv)
{
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.exit_signal = SIGCHLD;
	if (argc > 1 && !strcmp(argv[1], "clear-sighand"))
		args.flags = 0x100000000ULL;    /* CLONE_CLEAR_SIGHAND */
	else if (argc > 1 && !strcmp(argv[1], "newtime"))
		args.flags = 0x80;              /* CLONE_NEWTIME */
	long c = syscall(SYS_clone3, &args, sizeof args);
	if (c < 0 && errno == EPERM && args.flags == 0x80)
		return 77;
	if (c < 0) {
		fprintf(stderr, "clone3: %s\n", strerror(errno));
		return 10;
	}
	if (c == 0)
		_exit(5);
	int st;
	if (waitpid((pid_t)c, &st, 0) != (pid_t)c) {
		perror("waitpid");
		return 11;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 5) {
		fprintf(stderr, "clone3: child status 0x%x, expected exit 5\n", st);
		return 12;
	}
	return 0;
}
