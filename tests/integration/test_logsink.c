/* The log survives.  A SIGKILLed tracer leaves on disk,
 * as whole lines, everything it traced before it last went idle (the log
 * and the -o text); a full disk (a 64 KiB tmpfs, /dev/full) costs the log,
 * not the trace: one line on stderr with the real errno, a log that ends at
 * its last whole line, and the traced program's own exit status. */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(logsink, .fini = pt_t_cleanup);

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Polls for a condition (never a sleep for correctness): fails the test if
 * it is not met within PT_T_TIMEOUT seconds. */
#define WAIT_FOR(r, cond, ...)                                                                     \
	do {                                                                                       \
		uint64_t until_ = pt_t_now_ns() + (uint64_t)PT_T_TIMEOUT * 1000000000ull;           \
		while (!(cond)) {                                                                  \
			pt_t_assert(r, pt_t_now_ns() < until_, __VA_ARGS__);                       \
			pause_ms(2);                                                               \
		}                                                                                  \
	} while (0)

/* Whether the tool sleeps in system call nr (x86_64 numbering), as
 * /proc/PID/syscall says. */
static bool blocked_in_syscall(pid_t tool, long nr)
{
	char path[64], buf[64] = "", want[24];
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tool);
	snprintf(want, sizeof(want), "%ld ", nr);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool yes = fgets(buf, sizeof(buf), f) && !strncmp(buf, want, strlen(want));
	fclose(f);
	return yes;
}

/* The tool sleeps in wait4 (x86_64: 61), which it enters only from the
 * blocking waitpid of next_event(): it has gone idle. */
static bool blocked_in_wait(pid_t tool)
{
	return blocked_in_syscall(tool, 61);
}

static bool has_arg(json_object *e, size_t i, const char *want)
{
	json_object *argv = pt_t_get(e, "argv");
	if (!argv || !json_object_is_type(argv, json_type_array) || json_object_array_length(argv) <= i)
		return false;
	const char *s = json_object_get_string(json_object_array_get_idx(argv, i));
	return s && !strcmp(s, want);
}

/* (a) The tracer is SIGKILLed while the traced tree is blocked, after it
 * forked and exec'd: the log and the text output already hold the start,
 * the spawn and the exec, as whole lines.  Synchronised by the fifo the
 * tracee reads and by the tool sleeping in wait4, no sleeps. */
Test(logsink, killed_tracer_leaves_whole_lines_on_disk)
{
	struct pt_t_run r;
	const char *fifo = pt_t_scratch("fifo");
	cr_assert_eq(mkfifo(fifo, 0600), 0, "mkfifo: %s", strerror(errno));
	pt_t_spawn(&r, NULL, "fork_exec_block", ARGS(fifo));

	/* The exec'd child has opened the fifo: its exec event was emitted
	 * before the tracer let it run. */
	int wfd = -1;
	WAIT_FOR(&r, (wfd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) >= 0 || errno != ENXIO,
		 "the traced child never opened the fifo");
	cr_assert(wfd >= 0, "open %s: %s", fifo, strerror(errno));
	/* ...and the tracer has gone idle since, so it flushed. */
	WAIT_FOR(&r, blocked_in_wait(r.pid), "the tool never blocked in wait4");

	r.expect_sig = SIGKILL;
	cr_assert_eq(kill(r.pid, SIGKILL), 0);
	close(wfd);     /* the reader sees EOF: the tree can end */
	pt_t_wait(&r, 0);

	pt_t_assert(&r, r.term_sig == SIGKILL, "the tool should have been SIGKILLed");
	pt_t_assert(&r, !r.log_missing && r.log_len > 0, "the log is empty after the kill");
	pt_t_assert(&r, !r.log_unterminated && r.nbad == 0, "the log holds a partial or bad line (first bad: %zu)",
		    r.first_bad);
	pt_t_assert(&r, pt_t_start(&r) != NULL, "no start event first");
	pid_t root = pt_t_root(&r);
	json_object *sp = pt_t_nth(&r, "spawn", root, 0);
	pt_t_assert(&r, sp != NULL, "no spawn event of the root");
	pid_t child = (pid_t)pt_t_int(sp, "child", -1);
	json_object *x = pt_t_nth(&r, "exec", child, 0);
	pt_t_assert(&r, x != NULL && has_arg(x, 1, "reader"), "no exec event of the child %d", (int)child);

	pt_t_assert(&r, r.out && r.out_len > 0 && r.out[r.out_len - 1] == '\n', "the text output is empty or cut");
	pt_t_assert(&r, strstr(r.out, "+++ tracing"), "no start line in the text output");
	char want[64];
	snprintf(want, sizeof(want), ") = %d [fork]", (int)child);
	pt_t_assert(&r, strstr(r.out, want), "no spawn line in the text output");
	pt_t_assert(&r, strstr(r.out, "\"reader\""), "no exec line of the child in the text output");
	pt_t_free(&r);
}

/* ---- full disks ---- */

struct res {
	int code;       /* exit code, or -signal */
	char *out, *err, *log;
	size_t out_len, err_len, log_len;
};

static void res_free(struct res *r)
{
	free(r->out);
	free(r->err);
	free(r->log);
	memset(r, 0, sizeof(*r));
}

/* fork + exec the tool with stdout/stderr into files; its exit as code. */
static int run_tool(const char *const *args, const char *out, const char *err)
{
	const char *argv[32] = {PT_TOOL};
	size_t k = 1;
	for (; args[k - 1] && k < 31; k++)
		argv[k] = args[k - 1];
	argv[k] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1000;
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		alarm(PT_T_TIMEOUT);
		execv(PT_TOOL, (char *const *)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1000;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

static void load(struct res *r, int code, const char *out, const char *err, const char *log)
{
	r->code = code;
	r->out = pt_t_read_file(out, &r->out_len);
	r->err = pt_t_read_file(err, &r->err_len);
	r->log = log ? pt_t_read_file(log, &r->log_len) : NULL;
	cr_assert(r->out && r->err);
}

/* stderr is exactly one line, naming what and the errno text. */
static void one_error_line(const struct res *r, const char *what, const char *errtext)
{
	cr_assert(r->err_len > 0 && strchr(r->err, '\n') == r->err + r->err_len - 1, "not one line on stderr: '%s'",
		  r->err);
	cr_assert(strstr(r->err, what), "stderr '%s' does not name %s", r->err, what);
	cr_assert(strstr(r->err, errtext), "stderr '%s' lacks '%s'", r->err, errtext);
	cr_assert(!strstr(r->err, "Input/output error"), "stderr '%s' hides the errno", r->err);
}

/* Every line of the log parses as an object, the first is the start, and
 * the file ends with a newline. */
static void whole_lines(const struct res *r)
{
	cr_assert(r->log && r->log_len > 0, "the log is empty");
	cr_assert_eq(r->log[r->log_len - 1], '\n', "the log ends inside a line");
	size_t n = 0;
	for (char *p = r->log, *nl; (nl = strchr(p, '\n')); p = nl + 1, n++) {
		*nl = 0;
		json_object *o = json_tokener_parse(p);
		cr_assert(o && json_object_is_type(o, json_type_object), "log line %zu does not parse: %.200s", n + 1, p);
		if (n == 0)
			cr_assert(pt_t_is(o, "start"), "the first line is not the start");
		json_object_put(o);
		*nl = '\n';
	}
	cr_assert_gt(n, 1);
}

/* Codes of the namespaced child besides the tool's own exit. */
enum { NS_SKIP_UNSHARE = 200, NS_SKIP_MOUNT, NS_FAIL };

/* (b) As root, in a mount namespace of its own: the log on a 64 KiB tmpfs,
 * a tracee that makes several times that much log.  The child copies the
 * log out before the namespace (and its tmpfs) goes away. */
Test(logsink, full_disk_costs_the_log_not_the_trace)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (a tmpfs mount in a private mount namespace)");
	const char *dir = pt_t_scratch("small"), *out = pt_t_scratch("out"), *err = pt_t_scratch("err"),
		   *copy = pt_t_scratch("log.copy");
	char log[4096], tracee[4096];
	snprintf(log, sizeof(log), "%s/trace.jsonl", dir);
	snprintf(tracee, sizeof(tracee), "%s", pt_t_tracee_path("many_children"));
	cr_assert_eq(mkdir(dir, 0755), 0);

	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0)
			_exit(NS_SKIP_UNSHARE);
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", dir, "tmpfs", 0, "size=64k") < 0)
			_exit(NS_SKIP_MOUNT);
		int code = run_tool(ARGS("--log", log, "-o", "/dev/null", "--", tracee, "300"), out, err);
		size_t len;
		char *text = pt_t_read_file(log, &len);
		int fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (!text || fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0)
			_exit(NS_FAIL);
		_exit(code < 0 || code >= NS_SKIP_UNSHARE ? NS_FAIL : code);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "the namespaced child was killed (0x%x)", st);
	if (WEXITSTATUS(st) == NS_SKIP_UNSHARE)
		cr_skip_test("unshare(CLONE_NEWNS) is not permitted here");
	if (WEXITSTATUS(st) == NS_SKIP_MOUNT)
		cr_skip_test("cannot mount a tmpfs here");
	cr_assert_neq(WEXITSTATUS(st), NS_FAIL, "the tool did not run or its log could not be copied");

	struct res r;
	load(&r, WEXITSTATUS(st), out, err, copy);
	/* many_children exits 0 only once it reaped all 300 children with the
	 * right statuses: it ran to completion, and its status is ours. */
	cr_assert_eq(r.code, 0, "exit %d, want the traced program's 0; stderr: %s", r.code, r.err);
	char what[4200];
	snprintf(what, sizeof(what), "the log '%s'", log);
	one_error_line(&r, what, "No space left on device");
	whole_lines(&r);
	cr_assert_leq(r.log_len, 64 * 1024);
	res_free(&r);
}

/* /dev/full takes nothing: the error line names it with ENOSPC, the trace
 * and the traced program's status are unaffected; the same for -o. */
Test(logsink, dev_full)
{
	const char *out = pt_t_scratch("out"), *err = pt_t_scratch("err");
	const char *tracee = pt_t_tracee_path("fork_wait");
	struct res r;

	load(&r, run_tool(ARGS("--log", "/dev/full", "-o", "/dev/null", "--", tracee), out, err), out, err, NULL);
	cr_assert_eq(r.code, 0, "exit %d, want the traced program's 0; stderr: %s", r.code, r.err);
	one_error_line(&r, "the log '/dev/full'", "No space left on device");
	res_free(&r);

	const char *log = pt_t_scratch("log");
	/* -q: the summary would be a second sink on the same full device. */
	load(&r, run_tool(ARGS("-q", "--log", log, "-o", "/dev/full", "--", tracee), out, err), out, err, log);
	cr_assert_eq(r.code, 0, "exit %d, want the traced program's 0; stderr: %s", r.code, r.err);
	one_error_line(&r, "the output '/dev/full'", "No space left on device");
	/* The other sink is unaffected: the log is whole, end event included. */
	whole_lines(&r);
	cr_assert(strstr(r.log, "{\"ev\":\"end\""), "the log has no end event");
	res_free(&r);
}

/* ---- a reader that never reads ---- */

/* The tool sleeps in write (x86_64: 1). */
static bool blocked_in_write(pid_t tool)
{
	return blocked_in_syscall(tool, 1);
}

/* fork + exec the tool in a process group of its own, stdout/stderr into
 * files, with RLIMIT_FSIZE soft limit fsize (0: unchanged). */
static pid_t start_tool(const char *const *args, const char *out, const char *err, rlim_t fsize)
{
	const char *argv[32] = {PT_TOOL};
	size_t k = 1;
	for (; args[k - 1] && k < 31; k++)
		argv[k] = args[k - 1];
	argv[k] = NULL;
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		struct rlimit rl;
		if (fsize && (getrlimit(RLIMIT_FSIZE, &rl) < 0 || (rl.rlim_cur = fsize, setrlimit(RLIMIT_FSIZE, &rl) < 0)))
			_exit(125);
		alarm(PT_T_TIMEOUT);
		execv(PT_TOOL, (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

/* Waits up to timeout_s for pid; SIGKILLs its group and fails on timeout. */
static int wait_tool(pid_t pid, int timeout_s)
{
	uint64_t until = pt_t_now_ns() + (uint64_t)timeout_s * 1000000000ull;
	int st;
	pid_t w;
	while ((w = waitpid(pid, &st, WNOHANG)) == 0) {
		if (pt_t_now_ns() > until) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			cr_assert_fail("the tool did not end within %d s", timeout_s);
		}
		pause_ms(5);
	}
	cr_assert_eq(w, pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* The -o output is a fifo whose reader never reads: once the pipe is full
 * the tool blocks in write with the tree in ptrace stops.  SIGTERM must
 * still end it: the write gives way, the tree is killed (seccomp mode), the
 * output that cannot go out within a bounded time fails in one line, and
 * the tool exits 128+15. */
Test(logsink, sigterm_ends_a_tool_blocked_on_a_full_output)
{
	const char *fifo = pt_t_scratch("out.fifo"), *out = pt_t_scratch("stuck.out"), *err = pt_t_scratch("stuck.err"),
		   *log = pt_t_scratch("stuck.jsonl");
	cr_assert_eq(mkfifo(fifo, 0600), 0, "mkfifo: %s", strerror(errno));
	int rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);       /* the reader: it never reads */
	cr_assert_geq(rfd, 0);
	char tracee[4096];
	snprintf(tracee, sizeof(tracee), "%s", pt_t_tracee_path("many_children"));
	pid_t pid = start_tool(ARGS("-q", "--log", log, "-o", fifo, "--", tracee, "2000"), out, err, 0);

	/* Full: the pipe holds (nearly) its 64 KiB and the tool sleeps in write. */
	uint64_t until = pt_t_now_ns() + (uint64_t)PT_T_TIMEOUT * 1000000000ull;
	int queued = 0;
	while (!(ioctl(rfd, FIONREAD, &queued) == 0 && queued > 60000 && blocked_in_write(pid))) {
		if (pt_t_now_ns() > until) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			cr_assert_fail("the output never filled (%d bytes queued)", queued);
		}
		pause_ms(2);
	}
	kill(pid, SIGTERM);
	int code = wait_tool(pid, 10)   /* the give-up bound is 1.5 s a write */;
	char *errtext = pt_t_read_file(err, NULL);
	cr_assert_eq(code, 128 + SIGTERM, "exit %d, stderr: %s", code, errtext);
	cr_assert(errtext && strstr(errtext, "gave up writing the output '") && strstr(errtext, "the reader is not reading"),
		  "stderr: %s", errtext);
	/* The tree is gone (killed, reaped by the tool or by init). */
	until = pt_t_now_ns() + 5000000000ull;
	while (!(kill(-pid, 0) < 0 && errno == ESRCH)) {
		cr_assert(pt_t_now_ns() < until, "the traced tree outlived the tool");
		pause_ms(5);
	}
	free(errtext);
	close(rfd);
}

/* A log past RLIMIT_FSIZE fails its write with EFBIG rather than killing
 * the tool with SIGXFSZ: one line naming the log, a log of whole lines, and
 * the program's own exit status.  The program inherits the limit (and a
 * default SIGXFSZ) but writes nothing.  64 KiB: the exec line alone (env,
 * anatomy) can be ~30 KiB. */
Test(logsink, file_size_limit_costs_the_log_not_the_trace)
{
	const char *out = pt_t_scratch("fsize.out"), *err = pt_t_scratch("fsize.err"), *log = pt_t_scratch("fsize.jsonl");
	char tracee[4096];
	snprintf(tracee, sizeof(tracee), "%s", pt_t_tracee_path("many_children"));
	pid_t pid = start_tool(ARGS("--log", log, "-o", "/dev/null", "--", tracee, "400"), out, err, 65536);
	struct res r = {0};
	load(&r, wait_tool(pid, PT_T_TIMEOUT), out, err, log);
	cr_assert_eq(r.code, 0, "exit %d, stderr: %s", r.code, r.err);
	one_error_line(&r, "the log '", "File too large");
	whole_lines(&r);
	cr_assert_leq(r.log_len, 65536);
	res_free(&r);
}
