/* Fidelity: the traced program must not notice the tracer.
 *
 * - probe_inherit prints everything a process inherits; run untraced and
 *   traced (default and --no-seccomp) from the same deliberately unusual
 *   parent state, the outputs must agree line for line, except for the
 *   documented differences (TracerPid; Seccomp/Seccomp_filters in seccomp
 *   mode).
 * - SIGPIPE: a traced writer into a closed pipe dies of SIGPIPE (the tool
 *   ignores SIGPIPE for itself) and the tool exits 141.
 * - Started with SIGHUP/SIGINT/SIGTERM ignored (nohup), the tool keeps
 *   ignoring them.
 * - The tracer SIGKILLed: in seccomp mode the tree dies with it
 *   (PTRACE_O_EXITKILL), in --no-seccomp mode it runs on, untraced and
 *   working.
 * - Started with fd 2 (or 0, 1 and 2) closed: the log stays a clean log and
 *   the program still starts with those fds closed.
 *
 * These tests launch the tool (or the probe) themselves: the parent state
 * they set up is exactly what the support's pt_t_spawn normalizes away. */
#define _GNU_SOURCE
#include "support.h"
#include "pt/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(fidelity, .fini = pt_t_cleanup);

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---- launching with a chosen parent state ---- */

struct launch {
	bool unusual;           /* the deliberately unusual state (see apply_unusual) */
	bool ignore_interrupts; /* SIGHUP, SIGINT, SIGTERM ignored (nohup) */
	bool block_all;         /* with unusual: every signal blocked */
	unsigned close_std;     /* bit fd: start with fd 0, 1 or 2 closed */
	int out_fd;             /* fd 1; -1: /dev/null */
	const char *pty;        /* slave to make the controlling terminal and fd 0 (unusual) */
	const int *keep;        /* more fds to keep open, -1 terminated */
};

static void die(const char *what)
{
	dprintf(2, "launcher: %s: %s\n", what, strerror(errno));
	_exit(251);
}

/* Everything that a process inherits, set to something a tracer that
 * resets or leaks state would change. */
static void apply_unusual(const struct launch *l)
{
	if (setsid() < 0)
		die("setsid");
	if (l->pty) {
		/* session leader without a terminal: the first tty it opens
		 * becomes its controlling terminal, its group the foreground */
		int t = open(l->pty, O_RDWR);
		if (t < 0 || dup2(t, 0) < 0)
			die("open the pty");
		if (t != 0)
			close(t);
	}
	/* an inherited non-CLOEXEC fd, and a CLOEXEC one no exec may show */
	int z = open("/dev/zero", O_RDONLY);
	if (z < 0 || dup2(z, 5) < 0 || dup3(z, 6, O_CLOEXEC) < 0)
		die("extra fds");
	close(z);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGALRM);     /* the tracer's interruption uses SIGALRM */
	if (l->block_all)
		sigfillset(&m);     /* SIGCONT too, which the tracer's launch uses */
	sigprocmask(SIG_SETMASK, &m, NULL);
	umask(027);
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	if (errno || setpriority(PRIO_PROCESS, 0, nice + 3) < 0)
		die("nice");
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 200;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("RLIMIT_NOFILE");
	getrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = rl.rlim_max < 1000448 ? rl.rlim_max : 1000448;
	if (setrlimit(RLIMIT_CORE, &rl) < 0)
		die("RLIMIT_CORE");
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 1) {
		int first = 0;
		while (!CPU_ISSET(first, &set))
			first++;
		CPU_ZERO(&set);
		CPU_SET(first, &set);
		sched_setaffinity(0, sizeof set, &set);
	}
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "123", 3) != 3) {
			/* not permitted here: stays at its usual value */
		}
		close(fd);
	}
	prctl(PR_SET_TIMERSLACK, 123456, 0, 0, 0);
	syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (2 << 13) | 5 /* best effort, 5 */);
	/* alarm() survives execve: an armed one must reach the program */
	struct itimerval it = {{0, 0}, {1000, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	setenv("PT_FIDELITY", "unusual value; with spaces", 1);
	/* ASan (in a PT_SANITIZE build of the tool) sets its own process's
	 * RLIMIT_CORE to 0 before main, which the child would inherit: a
	 * sanitizer artifact, not the tool's doing, so keep it out of the way */
	const char *a = getenv("ASAN_OPTIONS");
	char asan[1024];
	snprintf(asan, sizeof asan, "%s%sdisable_coredump=0", a ? a : "", a && *a ? ":" : "");
	setenv("ASAN_OPTIONS", asan, 1);
	if (chdir(pt_t_scratch("")) < 0)
		die("chdir");
}

static bool kept(const struct launch *l, int fd)
{
	for (const int *k = l->keep; k && *k >= 0; k++)
		if (*k == fd)
			return true;
	return false;
}

/* Forks, sets the state of l, execs argv.  An argument "@REF@" is replaced
 * by the launcher's pid (the probe's REF). */
static pid_t launch(const struct launch *l, const char *const *argv, const char *err_path)
{
	fflush(NULL);
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid)
		return pid;
	/* a clean baseline first: Criterion's own state is not the point */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	int nul = open("/dev/null", O_RDWR);
	int err = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (nul < 0 || err < 0)
		die("open");
	dup2(nul, 0);
	dup2(l->out_fd >= 0 ? l->out_fd : nul, 1);
	dup2(err, 2);
	for (int fd = 3; fd < 1024; fd++)
		if (!kept(l, fd))
			close(fd);
	if (l->unusual)
		apply_unusual(l);
	if (l->ignore_interrupts) {
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
	}
	for (int fd = 0; fd < 3; fd++)
		if (l->close_std & (1u << fd))
			close(fd);
	size_t n = 0;
	while (argv[n])
		n++;
	char **v = calloc(n + 1, sizeof *v);
	char ref[32];
	snprintf(ref, sizeof ref, "%d", (int)getpid());
	for (size_t i = 0; i < n; i++)
		v[i] = strcmp(argv[i], "@REF@") ? (char *)argv[i] : ref;
	execv(v[0], v);
	die("exec");
	return -1;
}

/* Waits for pid up to seconds; on timeout SIGKILLs it and fails. */
static int wait_for(pid_t pid, int seconds, const char *what)
{
	uint64_t deadline = pt_t_now_ns() + (uint64_t)seconds * 1000000000u;
	int st;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return st;
		cr_assert(w == 0 || errno == EINTR, "waitpid(%s): %s", what, strerror(errno));
		if (pt_t_now_ns() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			cr_assert_fail("%s did not finish within %d s", what, seconds);
		}
		sleep_ms(2);
	}
}

static const char *describe(int st)
{
	if (WIFEXITED(st))
		return pt_t_fmt__("exited %d", WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		return pt_t_fmt__("killed by %s", strsignal(WTERMSIG(st)));
	return pt_t_fmt__("status %#x", st);
}

/* ---- the JSONL log, read without the support's runner ---- */

/* Fails unless every line of path is a JSON object, the first a start and
 * the last an end; returns the end event (caller puts it). */
static json_object *check_log(const char *path, const char *stderr_path)
{
	size_t len;
	char *log = pt_t_read_file(path, &len);
	char *err = pt_t_read_file(stderr_path, NULL);
	cr_assert(log && len > 0, "no log at %s; the tool's stderr: %s", path, err ? err : "");
	json_object *first = NULL, *last = NULL;
	size_t line = 0;
	for (char *l = log, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		cr_assert(nl, "the log's last line is unterminated:\n%s", log);
		*nl = 0;
		line++;
		json_object *o = json_tokener_parse(l);
		cr_assert(o && json_object_is_type(o, json_type_object),
			  "log line %zu is not a JSON object: '%s'", line, l);
		if (!first)
			first = json_object_get(o);
		json_object_put(last);
		last = o;
	}
	cr_assert(pt_t_is(first, "start"), "the log does not start with a start event");
	cr_assert(pt_t_is(last, "end"), "the log does not end with an end event");
	json_object_put(first);
	free(log);
	free(err);
	return last;
}

/* ---- the probe: untraced vs traced ---- */

static bool documented_difference(const char *line, bool seccomp)
{
	/* README "Limits worth knowing": a tracer is visible there */
	if (!strncmp(line, "status TracerPid:", 17))
		return true;
	/* our filter, in seccomp mode only */
	if (seccomp && (!strncmp(line, "status Seccomp:", 15) || !strncmp(line, "status Seccomp_filters:", 23)))
		return true;
	return false;
}

static size_t split_lines(char *text, char **v, size_t max, bool seccomp)
{
	size_t n = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save))
		if (!documented_difference(l, seccomp))
			v[n++] = l;
	return n;
}

/* Lines of a that b lacks, one per line of the message. */
static void missing(char **a, size_t na, char **b, size_t nb, const char *tag, char *msg, size_t len)
{
	size_t used = strlen(msg);
	for (size_t i = 0; i < na; i++) {
		bool found = false;
		for (size_t j = 0; j < nb && !found; j++)
			found = !strcmp(a[i], b[j]);
		if (!found && used + 1 < len)
			used += (size_t)snprintf(msg + used, len - used, "  %s %s\n", tag, a[i]);
		if (used >= len)
			used = len - 1;
	}
}

static char *run_probe(const struct launch *l, const char *const *tool_args, const char *outfile,
		       int *tool_status)
{
	const char *probe = pt_t_tracee_path("probe_inherit");
	const char *errf = pt_t_scratch("launcher.err");
	const char *argv[32];
	size_t k = 0;
	if (tool_args) {
		argv[k++] = PT_TOOL;
		for (size_t i = 0; tool_args[i]; i++)
			argv[k++] = tool_args[i];
		argv[k++] = "--";
	}
	argv[k++] = probe;
	argv[k++] = outfile;
	argv[k++] = "@REF@";
	argv[k] = NULL;
	unlink(outfile);
	pid_t pid = launch(l, argv, errf);
	int st = wait_for(pid, 60, tool_args ? "ptrace-tour" : "the untraced probe");
	char *out = pt_t_read_file(outfile, NULL);
	char *err = pt_t_read_file(errf, NULL);
	cr_assert(out, "the probe wrote nothing (%s; launcher stderr: %s)", describe(st), err ? err : "");
	free(err);
	*tool_status = st;
	return out;
}

static void compare_with_untraced(const char *mode, bool block_all)
{
	bool seccomp = strcmp(mode, "--no-seccomp") != 0;
	/* a terminal to be the session's controlling tty: the master stays
	 * here, so the terminal lives as long as the test */
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0, "no pty: %s",
		  strerror(errno));
	char slave[128];
	cr_assert(ptsname_r(master, slave, sizeof slave) == 0);
	struct launch l = { .unusual = true, .block_all = block_all, .out_fd = -1, .pty = slave };
	const char *outfile = pt_t_scratch("probe.out");
	int st;
	char *plain = run_probe(&l, NULL, outfile, &st);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "untraced probe: %s", describe(st));
	const char *log = pt_t_scratch("probe.jsonl");
	const char *text = pt_t_scratch("probe.txt");
	char *traced = run_probe(&l, seccomp ? ARGS("-q", "--log", log, "-o", text)
					     : ARGS("-q", "--no-seccomp", "--log", log, "-o", text),
				 outfile, &st);
	char *err = pt_t_read_file(pt_t_scratch("launcher.err"), NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ptrace-tour %s: %s; stderr: %s", mode,
		  describe(st), err ? err : "");
	free(err);
	close(master);

	static char *a[4096], *b[4096];
	size_t na = split_lines(plain, a, 4096, seccomp), nb = split_lines(traced, b, 4096, seccomp);
	static char msg[16384];
	msg[0] = 0;
	missing(a, na, b, nb, "untraced:", msg, sizeof msg);
	missing(b, nb, a, na, "traced:  ", msg, sizeof msg);
	bool same = na == nb;
	for (size_t i = 0; same && i < na; i++)
		same = !strcmp(a[i], b[i]);
	cr_assert(same, "the probe saw a different inheritance under ptrace-tour %s:\n%s", mode,
		  msg[0] ? msg : "(same lines, different order)\n");
	/* the probe itself saw what we set up (the comparison is not vacuous) */
	static const char *const expect[] = {
		"sig 1: IGN", "sig 2: IGN", "sig 3: IGN", "sig 13: DFL", "sig 14: DFL", "sigmask: 0x",
		"umask: 0027", "rlimit 7: 200 ", "env: PT_FIDELITY=unusual value; with spaces",
		"fd 5: /dev/zero", "pgid: ref", "sid: ref", "tty fg pgrp: ref",
		"itimer ITIMER_REAL: interval 0.000000 armed 1",
	};
	for (size_t i = 0; i < PT_N_ELEMENTS(expect); i++) {
		bool found = false;
		for (size_t j = 0; j < na && !found; j++)
			found = !strncmp(a[j], expect[i], strlen(expect[i]));
		cr_assert(found, "the untraced probe lacks a line starting '%s'", expect[i]);
	}
	for (size_t j = 0; j < na; j++)
		cr_assert(strncmp(a[j], "fd 6:", 5), "a CLOEXEC fd reached the untraced probe");
	free(plain);
	free(traced);
}

Test(fidelity, probe_same_traced_default)
{
	compare_with_untraced("default", false);
}

Test(fidelity, probe_same_traced_no_seccomp)
{
	compare_with_untraced("--no-seccomp", false);
}

Test(fidelity, probe_same_all_signals_blocked)
{
	compare_with_untraced("default", true);
}

/* ---- SIGPIPE ---- */

Test(fidelity, sigpipe_kills_the_traced_writer)
{
	const char *errf = pt_t_scratch("launcher.err");
	const char *log = pt_t_scratch("sigpipe.jsonl");
	const char *writer = pt_t_tracee_path("sigpipe_writer");
	for (int traced = 0; traced < 2; traced++) {
		int p[2];
		cr_assert(pipe(p) == 0);
		close(p[0]);    /* `| head -1` after head exited: nobody reads */
		struct launch l = { .out_fd = p[1] };
		pid_t pid = traced ? launch(&l, ARGS(PT_TOOL, "-q", "-o", "/dev/null", "--log", log, "--", writer), errf)
				   : launch(&l, ARGS(writer), errf);
		close(p[1]);
		int st = wait_for(pid, 60, traced ? "ptrace-tour" : "sigpipe_writer");
		char *err = pt_t_read_file(errf, NULL);
		if (!traced) {
			cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE,
				  "untraced, the writer should die of SIGPIPE: %s", describe(st));
		} else {
			cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGPIPE,
				  "ptrace-tour should exit 141 (root killed by SIGPIPE): %s; stderr: %s",
				  describe(st), err ? err : "");
			json_object *end = check_log(log, errf);
			const char *sig = pt_t_status_signaled(end, "root");
			cr_assert(sig && !strcmp(sig, "SIGPIPE"), "end.root should be signaled SIGPIPE: %s",
				  pt_t_json(end));
			json_object_put(end);
		}
		free(err);
	}
}

/* ---- nohup ---- */

static bool read_line_until(int fd, char *buf, size_t len, const char *prefix, int seconds)
{
	uint64_t deadline = pt_t_now_ns() + (uint64_t)seconds * 1000000000u;
	size_t used = strlen(buf);
	while (!strstr(buf, prefix) || !strchr(strstr(buf, prefix), '\n')) {
		uint64_t now = pt_t_now_ns();
		if (now > deadline || used + 1 >= len)
			return false;
		struct pollfd pf = { fd, POLLIN, 0 };
		int r = poll(&pf, 1, (int)((deadline - now) / 1000000u) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		ssize_t n = read(fd, buf + used, len - 1 - used);
		if (n <= 0)
			return false;
		used += (size_t)n;
		buf[used] = 0;
	}
	return true;
}

static unsigned long long status_mask(pid_t pid, const char *key)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	char *s = pt_t_read_file(path, NULL);
	cr_assert(s, "cannot read %s", path);
	char *l = strstr(s, key);
	cr_assert(l, "no %s in %s", key, path);
	unsigned long long v = strtoull(l + strlen(key), NULL, 16);
	free(s);
	return v;
}

Test(fidelity, nohup_keeps_interrupts_ignored)
{
	int rep[2], go[2];
	cr_assert(pipe(rep) == 0 && pipe(go) == 0);
	char a1[16], a2[16];
	snprintf(a1, sizeof a1, "%d", rep[1]);
	snprintf(a2, sizeof a2, "%d", go[0]);
	const char *errf = pt_t_scratch("launcher.err");
	const char *log = pt_t_scratch("nohup.jsonl");
	struct launch l = { .ignore_interrupts = true, .out_fd = -1, .keep = (const int[]){ rep[1], go[0], -1 } };
	pid_t tool = launch(&l, ARGS(PT_TOOL, "-q", "-o", "/dev/null", "--log", log, "--",
				     pt_t_tracee_path("tracer_death"), a1, a2), errf);
	close(rep[1]);
	close(go[0]);
	char buf[1024] = "";
	cr_assert(read_line_until(rep[0], buf, sizeof buf, "parent ", 30), "the tracee did not start: '%s'", buf);
	/* the tree runs: the tool has set up its signals long ago */
	unsigned long long bits = (1ull << (SIGHUP - 1)) | (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1));
	unsigned long long ign = status_mask(tool, "SigIgn:"), cgt = status_mask(tool, "SigCgt:");
	if ((ign & bits) != bits || (cgt & bits)) {
		kill(tool, SIGKILL);
		wait_for(tool, 30, "ptrace-tour");
		cr_assert_fail("started ignoring SIGHUP/SIGINT/SIGTERM, the tool must keep ignoring them: "
			       "SigIgn %016llx SigCgt %016llx", ign, cgt);
	}
	/* and it really shrugs them off */
	kill(tool, SIGHUP);
	kill(tool, SIGINT);
	kill(tool, SIGTERM);
	cr_assert(write(go[1], "g", 1) == 1);
	int st = wait_for(tool, 60, "ptrace-tour");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ptrace-tour: %s", describe(st));
	json_object *end = check_log(log, errf);
	cr_assert(pt_t_bool(end, "interrupted") == 0, "the trace was interrupted: %s", pt_t_json(end));
	json_object_put(end);
	close(rep[0]);
	close(go[1]);
}

/* ---- the tracer dies ---- */

static char *tracer_pid_line(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	char *s = pt_t_read_file(path, NULL);
	if (!s)
		return strdup("(gone)");
	char *l = strstr(s, "TracerPid:");
	char *res = strndup(l ? l : "(no TracerPid)", l ? strcspn(l, "\n") : 14);
	free(s);
	return res;
}

/* The tool SIGKILLed while tracer_death's P waits for C and C waits for a
 * byte.  This process is a subreaper: P and C end up as its children once
 * their parents are gone, so their fates are read with waitpid. */
static void kill_tracer(bool seccomp)
{
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	int rep[2], go[2];
	cr_assert(pipe(rep) == 0 && pipe(go) == 0);
	char a1[16], a2[16];
	snprintf(a1, sizeof a1, "%d", rep[1]);
	snprintf(a2, sizeof a2, "%d", go[0]);
	struct pt_t_run r;
	pt_t_spawn(&r, seccomp ? NULL : ARGS("--no-seccomp"), "tracer_death", ARGS(a1, a2));
	close(rep[1]);
	close(go[0]);
	char buf[1024] = "";
	pt_t_assert(&r, read_line_until(rep[0], buf, sizeof buf, "parent ", 30), "the tracee did not start: '%s'", buf);
	int p = 0, c = 0;
	pt_t_assert(&r, sscanf(strstr(buf, "parent "), "parent %d child %d", &p, &c) == 2, "bad line '%s'", buf);
	r.expect_sig = SIGKILL;
	cr_assert(kill(r.pid, SIGKILL) == 0);
	pt_t_wait(&r, 30);
	pt_t_assert(&r, r.term_sig == SIGKILL, "the tool was killed");

	int stp = -1, stc = -1;
	if (seccomp) {
		/* PTRACE_O_EXITKILL: both die of SIGKILL, without being told.
		 * Both are killed at once, so C may die first and be reaped by P
		 * (blocked in waitpid(C)) before P's own SIGKILL lands: then C is
		 * gone without ever becoming our child, which is a death too. */
		uint64_t deadline = pt_t_now_ns() + 10000000000u;
		bool c_reaped_by_p = false;
		while ((stp == -1 || (stc == -1 && !c_reaped_by_p)) && pt_t_now_ns() < deadline) {
			int st;
			if (stp == -1 && waitpid(p, &st, WNOHANG) == p)
				stp = st;
			if (stc == -1 && waitpid(c, &st, WNOHANG) == c)
				stc = st;
			/* P reaped (so it cannot reap C any more) and C is not
			 * ours to wait for: P took it. */
			if (stp != -1 && stc == -1 && waitpid(c, &st, WNOHANG) < 0 && errno == ECHILD &&
			    kill(c, 0) < 0 && errno == ESRCH)
				c_reaped_by_p = true;
			sleep_ms(2);
		}
		char *tp = tracer_pid_line(p), *tc = tracer_pid_line(c);
		/* whatever the outcome, leave nothing behind */
		if (stp == -1)
			kill(p, SIGKILL);
		if (stc == -1)
			kill(c, SIGKILL);
		/* C blocks in read(GO) and nobody wrote to GO: it can only have
		 * ended by a signal, so "reaped by P" is a death by EXITKILL. */
		pt_t_assert(&r, stp != -1 && WIFSIGNALED(stp) && WTERMSIG(stp) == SIGKILL &&
				(c_reaped_by_p || (stc != -1 && WIFSIGNALED(stc) && WTERMSIG(stc) == SIGKILL)),
			    "seccomp mode: the tracees must die with the tracer; after 10 s P %d: %s (%s), C %d: %s (%s)",
			    p, stp == -1 ? "still there" : describe(stp), tp, c, stc == -1 ? "still there" : describe(stc), tc);
		free(tp);
		free(tc);
	} else {
		/* the kernel detached them when the tracer died */
		for (int i = 0; i < 2; i++) {
			pid_t pid = i ? c : p;
			char *t = tracer_pid_line(pid);
			pt_t_assert(&r, !strcmp(t, "TracerPid:\t0"), "--no-seccomp: %d should run on untraced: %s", (int)pid, t);
			free(t);
		}
		cr_assert(write(go[1], "g", 1) == 1);
		int st = wait_for(p, 30, "the detached parent");
		pt_t_assert(&r, read_line_until(rep[0], buf, sizeof buf, "parent reaped", 30),
			    "the detached tracees did not report: '%s'", buf);
		char want[64];
		snprintf(want, sizeof want, "child wait=%d ppid_ok=1\n", ECHILD);
		pt_t_assert(&r, strstr(buf, want) && strstr(buf, "parent reaped status=0\n") && WIFEXITED(st) &&
				WEXITSTATUS(st) == 0,
			    "--no-seccomp: detached, the tree must work as untraced (wait: ECHILD, reaped 0): P %s, reports:\n%s",
			    describe(st), buf);
	}
	close(rep[0]);
	close(go[1]);
	pt_t_free(&r);
}

Test(fidelity, tracer_killed_seccomp_kills_tree)
{
	kill_tracer(true);
}

Test(fidelity, tracer_killed_no_seccomp_detaches)
{
	kill_tracer(false);
}

/* ---- closed standard fds ---- */

static void closed_std(unsigned close_std)
{
	const char *log = pt_t_scratch("closed.jsonl");
	const char *outfile = pt_t_scratch("closed.probe");
	const char *errf = pt_t_scratch("launcher.err");
	struct launch l = { .out_fd = -1, .close_std = close_std };
	unlink(outfile);
	/* no -o: the text output goes to a closed stderr */
	pid_t pid = launch(&l, ARGS(PT_TOOL, "--log", log, "--", pt_t_tracee_path("probe_inherit"), outfile), errf);
	int st = wait_for(pid, 60, "ptrace-tour");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ptrace-tour: %s", describe(st));
	json_object *end = check_log(log, errf);
	json_object_put(end);
	char *out = pt_t_read_file(outfile, NULL);
	cr_assert(out, "the probe wrote nothing");
	for (int fd = 0; fd < 3; fd++) {
		char key[16];
		snprintf(key, sizeof key, "\nfd %d:", fd);
		bool open_in_probe = strstr(out, key) || (fd == 0 && !strncmp(out, "fd 0:", 5));
		cr_assert(open_in_probe == !(close_std & (1u << fd)),
			  "fd %d should be %s in the traced program, as untraced:\n%s", fd,
			  (close_std & (1u << fd)) ? "closed" : "open", out);
	}
	free(out);
}

Test(fidelity, stderr_closed)
{
	closed_std(1u << 2);
}

Test(fidelity, all_std_fds_closed)
{
	closed_std(7u);
}
