/* Starting the root tracee: fork, stop, seize, filter, exec. */
#include "pt/launch.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int check_exec(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EACCES;
	if (access(path, X_OK) < 0)
		return -errno;
	return 0;
}

int pt_launch_resolve(const char *prog, char *buf, size_t len)
{
	if (!*prog)
		return -ENOENT;
	if (strchr(prog, '/')) {
		if (strlen(prog) >= len)
			return -ENAMETOOLONG;
		strcpy(buf, prog);
		return check_exec(buf);
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int found_noexec = 0;
	for (const char *p = path;; ) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		/* An empty PATH element means the current directory. */
		int n = dlen ? snprintf(buf, len, "%.*s/%s", (int)dlen, p, prog) : snprintf(buf, len, "%s", prog);
		if (n > 0 && (size_t)n < len) {
			int rc = check_exec(buf);
			if (rc == 0)
				return 0;
			if (rc == -EACCES)
				found_noexec = 1;
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	return found_noexec ? -EACCES : -ENOENT;
}

/* The child: wait to be seized, load the filter, exec.  Only async-signal-
 * safe calls, apart from seccomp_load which allocates: the tracer is single-
 * threaded, so malloc in the forked child is safe. */
static void __attribute__((noreturn)) child(const char *path, char *const argv[], struct pt_filter *filter)
{
	raise(SIGSTOP);
	if (filter) {
		int rc = pt_seccomp_load(filter);
		if (rc < 0) {
			dprintf(2, "ptrace-tour: cannot load the seccomp filter: %s\n", strerror(-rc));
			_exit(127);
		}
	}
	execve(path, argv, environ);
	int err = errno;
	dprintf(2, "ptrace-tour: %s: %s\n", path, strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

int pt_launch_spawn(const char *path, char *const argv[], struct pt_filter *filter, unsigned long opts,
		    pid_t *out, unsigned *stops)
{
	int st;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child(path, argv, filter);

	/* The child stops itself before anything we must see: seize it there. */
	if (waitpid(pid, &st, WUNTRACED) < 0 || !WIFSTOPPED(st))
		goto fail;
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)opts) < 0)
		goto fail;
	/* Seizing a stopped task re-traps it into a ptrace group-stop; SIGCONT
	 * ends that stop.  We consume the stops this causes here, so the loop
	 * starts with a clean task sitting in the SIGCONT delivery stop. */
	if (kill(pid, SIGCONT) < 0)
		goto fail;
	*stops = 0;
	for (;;) {
		if (waitpid(pid, &st, __WALL) < 0 || !WIFSTOPPED(st))
			goto fail;
		++*stops;
		int sig = WSTOPSIG(st), event = st >> 16;
		if (!event && sig == SIGCONT)
			break;
		if (ptrace(PTRACE_CONT, pid, NULL, NULL) < 0)
			goto fail;
	}
	*out = pid;
	return 0;
fail:;
	int err = errno ? errno : ECHILD;
	kill(pid, SIGKILL);
	waitpid(pid, &st, __WALL);
	return -err;
}
