/* minishell: reads command lines, runs each with fork + execvp, waits and
 * prints how it ended: the loop every Unix shell is built on.
 *
 * A line ending in `&` runs in the background: the shell does not wait for
 * it and reads the next line at once.  A finished background job is a
 * zombie until the shell reaps it: the `wait` builtin reaps every one (a
 * real shell also polls with waitpid(-1, WNOHANG) before each prompt, or
 * on SIGCHLD; without either, finished jobs pile up as zombies).
 * Exits with the status of the last line, like sh: `wait` fails (1) when
 * there was no background job to reap. */
#include <string.h>

#include "tour.h"

#define MAX_WORDS 64

static int print_status(const char *prog, int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 255)
		return 255;         /* exec failed: the child said so */
	if (WIFEXITED(st))
		printf("%s exited with code %d\n", prog, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s killed by signal %d%s\n", prog, WTERMSIG(st), WCOREDUMP(st) ? " (core dumped)" : "");
	else if (WIFSTOPPED(st))
		printf("%s stopped by signal %d\n", prog, WSTOPSIG(st));
	fflush(stdout);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The `wait` builtin: reap every background job, blocking. */
static int wait_all(void)
{
	int st, reaped = 0;
	pid_t pid;
	while ((pid = tour_waitpid(-1, &st, 0)) > 0) {
		char name[32];
		snprintf(name, sizeof(name), "[%d]", (int)pid);
		print_status(name, st);
		reaped++;
	}
	return reaped ? 0 : 1;
}

int main(void)
{
	tour_block_sigchld();
	char line[4096];
	int last = 0;
	while (fgets(line, sizeof(line), stdin)) {
		char *words[MAX_WORDS + 1], *save = NULL;
		int n = 0;
		for (char *w = strtok_r(line, " \t\n", &save); w && n < MAX_WORDS; w = strtok_r(NULL, " \t\n", &save))
			words[n++] = w;
		words[n] = NULL;
		if (!n)
			continue;
		if (!strcmp(words[0], "wait")) {
			last = wait_all();
			continue;
		}
		int background = !strcmp(words[n - 1], "&");
		if (background)
			words[--n] = NULL;
		if (!n)
			continue;
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			last = 1;
			continue;
		}
		if (pid == 0) {
			execvp(words[0], words);
			printf("Cannot execute %s : %s\n", words[0], strerror(errno));
			fflush(stdout);
			_exit(255);
		}
		if (background) {
			printf("[%d] running in the background\n", (int)pid);
			fflush(stdout);
			last = 0;
			continue;
		}
		int st;
		/* This child only: a background job that ended stays a zombie. */
		if (tour_waitpid(pid, &st, 0) == pid)
			last = print_status("Program", st);
	}
	return last;
}
