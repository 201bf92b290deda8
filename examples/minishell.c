/* minishell: reads command lines, runs each with fork + execvp, waits and
 * prints how it ended: the loop every Unix shell is built on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORDS 64

static void print_status(const char *prog, int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 255)
		return;             /* exec failed: the child said so */
	if (WIFEXITED(st))
		printf("%s exited with code %d\n", prog, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s killed by signal %d%s\n", prog, WTERMSIG(st), WCOREDUMP(st) ? " (core dumped)" : "");
	else if (WIFSTOPPED(st))
		printf("%s stopped by signal %d\n", prog, WSTOPSIG(st));
	fflush(stdout);
}

int main(void)
{
	char line[4096];
	while (fgets(line, sizeof(line), stdin)) {
		char *words[MAX_WORDS + 1], *save = NULL;
		int n = 0;
		for (char *w = strtok_r(line, " \t\n", &save); w && n < MAX_WORDS; w = strtok_r(NULL, " \t\n", &save))
			words[n++] = w;
		words[n] = NULL;
		if (!n)
			continue;
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			continue;
		}
		if (pid == 0) {
			execvp(words[0], words);
			printf("Cannot execute %s : %s\n", words[0], strerror(errno));
			fflush(stdout);
			_exit(255);
		}
		int st;
		if (waitpid(pid, &st, 0) == pid)
			print_status("Program", st);
	}
	return 0;
}
