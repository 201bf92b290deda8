/* Starting the root tracee: fork, stop, seize, filter, exec. */
#include "launch.h"
#include "pt/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---- what the tool was started with ----
 *
 * The traced program must start exactly as it would untraced.  The tool
 * changes a few inherited things for itself (it ignores SIGPIPE, catches
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGALRM, fills closed std fds with /dev/null), so
 * the original state is recorded first thing in main and put back in the
 * child just before execve.  Raw syscalls: glibc hides its internal
 * signals 32 and 33 from sigaction and sigprocmask, the kernel does not. */

#define PT_NSIG 64

/* The kernel's struct sigaction (x86_64, 8-byte sigset). */
struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static const int itimers[] = {ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF};
#define PT_NITIMERS PT_N_ELEMENTS(itimers)

static struct {
	uint64_t ignored;       /* bit sig-1: SIG_IGN at start (only IGN/DFL survive an exec) */
	uint64_t mask;          /* the signal mask at start */
	/* Interval timers (alarm() included) survive execve but not fork: an
	 * armed one is the program's, not ours (its SIGVTALRM or SIGPROF
	 * would even kill the tool), so it moves to the child. */
	struct itimerval timers[PT_NITIMERS];
	struct timespec t0;     /* when timers[] were read */
} g_inherited;

static inline uint64_t sigbit(int sig)
{
	return 1ull << (sig - 1);
}

static int k_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *old)
{
	return (int)syscall(SYS_rt_sigaction, sig, act, old, sizeof(uint64_t));
}

static int k_sigmask(int how, const uint64_t *set, uint64_t *old)
{
	return (int)syscall(SYS_rt_sigprocmask, how, set, old, sizeof(uint64_t));
}

int pt_launch_save_inherited(void)
{
	for (int sig = 1; sig <= PT_NSIG; sig++) {
		struct k_sigaction ka;
		/* A handler here can only be a sanitizer runtime's, installed
		 * before main over what was SIG_DFL: treat it as SIG_DFL. */
		if (k_sigaction(sig, NULL, &ka) == 0 && ka.handler == SIG_IGN)
			g_inherited.ignored |= sigbit(sig);
	}
	if (k_sigmask(SIG_BLOCK, NULL, &g_inherited.mask) < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &g_inherited.t0);
	for (size_t i = 0; i < PT_NITIMERS; i++) {
		static const struct itimerval off;
		struct itimerval *it = &g_inherited.timers[i];
		if (getitimer(itimers[i], it) == 0 && (it->it_value.tv_sec || it->it_value.tv_usec))
			setitimer(itimers[i], &off, NULL);
	}
	return 0;
}

int pt_launch_fill_std_fds(void)
{
	/* A closed 0, 1 or 2 would be taken by the first file we open (the
	 * log would get our text output on "stderr").  Fill them with
	 * /dev/null, close-on-exec: the traced program still starts with
	 * them closed, as it would untraced. */
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int nfd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (nfd < 0)
			return -errno;
		if (nfd != fd) {        /* cannot happen: the lowest free fd is fd */
			close(nfd);
			return -EBADF;
		}
	}
	return 0;
}

bool pt_launch_inherited_ignored(int sig)
{
	return sig >= 1 && sig <= PT_NSIG && (g_inherited.ignored & sigbit(sig));
}

/* In the child: every signal's disposition as at start.  SIGKILL and
 * SIGSTOP cannot be changed (EINVAL, harmless). */
static void restore_dispositions(void)
{
	for (int sig = 1; sig <= PT_NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		struct k_sigaction ka = {
			.handler = (g_inherited.ignored & sigbit(sig)) ? SIG_IGN : SIG_DFL,
		};
		k_sigaction(sig, &ka, NULL);
	}
}

/* In the child: the interval timers the tool was started with, the real
 * one less the time that has passed since. */
static void restore_itimers(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t elapsed_us = (now.tv_sec - g_inherited.t0.tv_sec) * 1000000ll +
			     (now.tv_nsec - g_inherited.t0.tv_nsec) / 1000;
	for (size_t i = 0; i < PT_NITIMERS; i++) {
		struct itimerval it = g_inherited.timers[i];
		if (!it.it_value.tv_sec && !it.it_value.tv_usec)
			continue;
		if (itimers[i] == ITIMER_REAL) {
			/* setitimer takes any tv_sec: a huge one would overflow
			 * the microseconds (and needs no correction anyway). */
			if (it.it_value.tv_sec > INT64_MAX / 1000000 - 1) {
				setitimer(itimers[i], &it, NULL);
				continue;
			}
			int64_t left = it.it_value.tv_sec * 1000000ll + it.it_value.tv_usec - elapsed_us;
			if (left < 1)
				left = 1;       /* expired meanwhile: fire at once */
			it.it_value.tv_sec = (time_t)(left / 1000000);
			it.it_value.tv_usec = (suseconds_t)(left % 1000000);
		}
		setitimer(itimers[i], &it, NULL);
	}
}

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
 * threaded, so malloc in the forked child is safe.
 *
 * It starts with every signal blocked (see pt_launch_spawn), so none of the
 * tool's handlers can run here: on_interrupt would arm an interval timer,
 * and an itimer survives execve (the program would die of SIGALRM). */
static void __attribute__((noreturn)) child(const char *path, char *const argv[], struct pt_filter *filter)
{
	restore_dispositions();
	/* The launch dance needs SIGCONT delivered (a blocked one would stay
	 * pending into the program): only it is let through until the exec. */
	uint64_t dance = ~sigbit(SIGCONT);
	k_sigmask(SIG_SETMASK, &dance, NULL);
	raise(SIGSTOP);
	if (filter) {
		int rc = pt_seccomp_load(filter);
		if (rc < 0) {
			dprintf(2, "ptrace-tour: cannot load the seccomp filter: %s\n", strerror(-rc));
			_exit(127);
		}
	}
	restore_itimers();
	k_sigmask(SIG_SETMASK, &g_inherited.mask, NULL);
	execve(path, argv, environ);
	int err = errno;
	dprintf(2, "ptrace-tour: %s: %s\n", path, strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

int pt_launch_spawn(const char *path, char *const argv[], struct pt_filter *filter, unsigned long opts,
		    pid_t *out, unsigned *stops)
{
	int st;
	uint64_t all = ~0ull, old;
	k_sigmask(SIG_SETMASK, &all, &old);
	pid_t pid = fork();
	if (pid == 0)
		child(path, argv, filter);
	int fork_err = errno;
	k_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return -fork_err;

	/* The child stops itself before anything we must see: seize it there.
	 * Each failure sets its own error: errno may be stale from a call
	 * that succeeded.  ECHILD: the child ended before it could be traced
	 * (pt_trace_run says so in words). */
	int err = 0;
	if (waitpid(pid, &st, WUNTRACED) < 0)
		err = errno;
	else if (!WIFSTOPPED(st))
		err = ECHILD;
	else if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)opts) < 0)
		err = errno;
	/* Seizing a stopped task re-traps it into a ptrace group-stop; SIGCONT
	 * ends that stop.  We consume the stops this causes here, so the loop
	 * starts with a clean task sitting in the SIGCONT delivery stop. */
	else if (kill(pid, SIGCONT) < 0)
		err = errno;
	if (err)
		goto fail;
	*stops = 0;
	for (;;) {
		if (waitpid(pid, &st, __WALL) < 0) {
			err = errno;
			goto fail;
		}
		if (!WIFSTOPPED(st)) {
			err = ECHILD;
			goto fail;
		}
		++*stops;
		int sig = WSTOPSIG(st), event = st >> 16;
		if (!event && sig == SIGCONT)
			break;
		if (ptrace(PTRACE_CONT, pid, NULL, NULL) < 0) {
			err = errno;
			goto fail;
		}
	}
	*out = pid;
	return 0;
fail:
	if (err != ECHILD) {    /* ECHILD: reaped already; its pid may be reused */
		kill(pid, SIGKILL);
		waitpid(pid, &st, __WALL);
	}
	return -err;
}
