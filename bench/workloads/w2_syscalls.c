/* W2: N cheap syscalls (syscall(SYS_getppid), default 2,000,000) plus F fork+wait
 * (default 10), the forks spread evenly through the loop.
 * usage: w2_syscalls [N] [F] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
	long forks = argc > 2 ? strtol(argv[2], NULL, 10) : 10;
	long every = forks > 0 ? n / forks : 0;
	long sum = 0, done = 0;

	for (long i = 0; i < n; i++) {
		sum += syscall(SYS_getppid);
		if (every && i % every == every - 1 && done < forks) {
			pid_t pid = fork();
			if (pid < 0) {
				perror("fork");
				return 1;
			}
			if (pid == 0)
				_exit(0);
			if (waitpid(pid, NULL, 0) != pid) {
				perror("waitpid");
				return 1;
			}
			done++;
		}
	}
	while (done < forks) { /* n < forks */
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		done++;
	}
	return sum == 0; /* keep the loop alive */
}
