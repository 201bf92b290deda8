/* Runs scripts the ways that do not go through a path from the cwd:
 * execveat(dirfd, "run.sh") where the cwd holds another run.sh, and
 * fexecve() of an open script.
 *
 * usage: exec_at CWD DIR SCRIPT
 *   chdir(CWD); execveat(open(DIR), "run.sh"); fexecve(open(SCRIPT)).
 * Exits 0 when both children exited 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int wait_ok(pid_t pid)
{
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 4 || chdir(argv[1]))
		return 2;
	/* Not O_CLOEXEC: the interpreter opens the script as /dev/fd/N/run.sh
	 * (the kernel refuses a script behind a close-on-exec fd). */
	int dir = open(argv[2], O_RDONLY | O_DIRECTORY);
	int script = open(argv[3], O_RDONLY);
	if (dir < 0 || script < 0)
		return 3;
	char *args[] = {"run.sh", NULL};
	pid_t pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, dir, "run.sh", args, environ, 0);
		_exit(127);
	}
	if (wait_ok(pid))
		return 4;
	pid = fork();
	if (pid == 0) {
		fexecve(script, args, environ);
		_exit(127);
	}
	if (wait_ok(pid))
		return 5;
	return 0;
}
