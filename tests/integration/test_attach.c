/* -p PID (issue 12): attaching to a running tree, the attach events, and
 * leaving it running and untraced on SIGINT.  The tracees are children of
 * the test, synchronised by pipes; the tool is stopped with SIGINT once its
 * log shows what the test waits for. */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt/procfs.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
static const char *const no_cmd[] = {NULL};

/* Tracees still running when a test fails (a failed assertion ends the
 * test before its own cleanup) are killed here, so none outlives it. */
static pid_t started[16];
static size_t nstarted;

static void cleanup(void)
{
	for (size_t i = 0; i < nstarted; i++)
		if (started[i] > 0)
			kill(started[i], SIGKILL);
	pt_t_cleanup();
}

TestSuite(attach, .fini = cleanup);

struct tracee {
	pid_t pid;
	int ctl;        /* write end of its CTL pipe (-1 if none) */
	int ready;      /* read end of its READY pipe */
};

/* Starts tracee with its fds as arguments ("CTL READY", or "READY" when
 * !with_ctl) and waits for its first byte on READY. */
static struct tracee start(const char *name, bool with_ctl)
{
	int ctl[2] = {-1, -1}, ready[2];
	cr_assert_eq(pipe(ready), 0);
	if (with_ctl)
		cr_assert_eq(pipe(ctl), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char a[16], b[16];
		close(ready[0]);
		if (with_ctl)
			close(ctl[1]);
		snprintf(a, sizeof(a), "%d", ctl[0]);
		snprintf(b, sizeof(b), "%d", ready[1]);
		const char *path = pt_t_tracee_path(name);
		if (with_ctl)
			execl(path, name, a, b, (char *)NULL);
		else
			execl(path, name, b, (char *)NULL);
		_exit(127);
	}
	if (nstarted < 16)
		started[nstarted++] = pid;
	close(ready[1]);
	if (with_ctl)
		close(ctl[0]);
	char x;
	cr_assert_eq(read(ready[0], &x, 1), 1, "%s did not start", name);
	return (struct tracee){pid, with_ctl ? ctl[1] : -1, ready[0]};
}

static void finish(struct tracee *t)
{
	if (t->ctl >= 0)
		close(t->ctl);
	close(t->ready);
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
}

/* A tracee that ends by itself: reaps it (its wait status returned) and
 * closes our ends of its pipes. */
static int reap_ended(struct tracee *t)
{
	int st = -1;
	waitpid(t->pid, &st, 0);
	t->pid = -1;
	if (t->ctl >= 0)
		close(t->ctl);
	close(t->ready);
	return st;
}

static size_t count_in_file(const char *path, const char *needle)
{
	char *s = pt_t_read_file(path, NULL);
	size_t n = 0;
	for (const char *p = s; p && (p = strstr(p, needle)); p++)
		n++;
	free(s);
	return n;
}

/* Waits (up to 30 s) until the tool's log holds `want` lines containing
 * needle: the log is flushed whenever the tracer goes idle. */
static void wait_log(struct pt_t_run *r, const char *needle, size_t want)
{
	uint64_t t0 = pt_t_now_ns();
	while (count_in_file(r->log_path, needle) < want) {
		cr_assert_lt(pt_t_now_ns() - t0, 30000000000ull, "the log never had %zu of %s", want, needle);
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

static pid_t attach(struct pt_t_run *r, pid_t pid, const char *extra)
{
	char p[16];
	snprintf(p, sizeof(p), "%d", (int)pid);
	const char *args[] = {"-p", p, extra, NULL};
	return pt_t_spawn_cmd(r, args, no_cmd);
}

/* Every task of pid: not traced (TracerPid 0), not in a ptrace-stop, and
 * in state want (0: anything but stopped). */
static void check_untraced(struct pt_t_run *r, pid_t pid, char want)
{
	pid_t tids[64];
	size_t n;
	cr_assert_eq(pt_procfs_read_tasks(pid, tids, 64, &n), 0);
	for (size_t i = 0; i < n; i++) {
		char name[32];
		struct pt_proc_status st;
		snprintf(name, sizeof(name), "%d", (int)tids[i]);
		cr_assert_eq(pt_procfs_read_status(tids[i], &st), 0);
		pt_t_assert(r, st.tracer_pid == 0, "task %d still traced by %d", (int)tids[i], (int)st.tracer_pid);
		pt_t_assert(r, want ? st.state == want : (st.state != 'T' && st.state != 't'),
			    "task %d in state %c", (int)tids[i], st.state);
	}
}

static json_object *attach_of(struct pt_t_run *r, pid_t pid)
{
	return pt_t_find_int(r, "attach", "pid", pid, 0);
}

Test(attach, fork_exec_loop_then_detach)
{
	struct tracee t = start("attach_loop", false);
	struct pt_t_run r;
	attach(&r, t.pid, NULL);
	/* new children of the loop, and their execs (a child caught before
	 * its exec has an attach event and an exec but no spawn) */
	wait_log(&r, "\"ev\":\"spawn\"", 3);
	wait_log(&r, "\"ev\":\"exec\"", 3);
	kill(r.pid, SIGINT);
	r.expect_sig = SIGINT;
	pt_t_wait(&r, 0);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tool exit %d after detaching", r.code);
	json_object *a = attach_of(&r, t.pid), *end = pt_t_end(&r);
	pt_t_assert(&r, a && pt_t_int(a, "ppid", 0) == getpid(), "no attach event with our pid as ppid");
	pt_t_assert(&r, pt_t_index_of(&r, a) == 1, "the attach event is not right after start");
	pt_t_assert(&r, pt_t_str(a, "exe") && strstr(pt_t_str(a, "exe"), "attach_loop"), "exe");
	pt_t_assert(&r, pt_t_count_int(&r, "spawn", "pid", t.pid) >= 3, "the loop's forks not seen");
	pt_t_assert(&r, pt_t_bool(end, "detached") == 1 && pt_t_int(end, "left_running", 0) >= 1,
		    "end: %s", pt_t_json(end));
	pt_t_assert(&r, pt_t_bool(pt_t_start(&r), "seccomp") == 0, "no filter in attach mode");
	/* The loop runs on, untraced: three more rounds. */
	check_untraced(&r, t.pid, 0);
	char buf[3];
	size_t got = 0;
	while (got < 3) {
		ssize_t n = read(t.ready, buf, 3 - got);
		cr_assert_gt(n, 0, "the loop stopped counting after the detach");
		got += (size_t)n;
	}
	int st;
	pt_t_assert(&r, waitpid(t.pid, &st, WNOHANG) == 0, "the loop ended");
	finish(&t);
	pt_t_free(&r);
}

Test(attach, four_threads_blocked_in_syscalls)
{
	struct tracee t = start("blocked_threads", true);
	struct pt_t_run r;
	attach(&r, t.pid, NULL);
	wait_log(&r, "\"ev\":\"attach\"", 1);
	kill(r.pid, SIGINT);
	r.expect_sig = SIGINT;
	pt_t_wait(&r, 0);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tool exit %d", r.code);
	json_object *a = attach_of(&r, t.pid);
	json_object *th = a ? pt_t_get(a, "threads") : NULL;
	pt_t_assert(&r, th && json_object_array_length(th) == 4, "want 4 threads in %s", a ? pt_t_json(a) : "-");
	pt_t_assert(&r, pt_t_int(pt_t_end(&r), "left_running", 0) == 5, "5 tasks should be left running");
	check_untraced(&r, t.pid, 0);
	/* every blocked call returns as it would untraced */
	cr_assert_eq(write(t.ctl, "g", 1), 1);
	int st;
	cr_assert_eq(waitpid(t.pid, &st, 0), t.pid);
	pt_t_assert(&r, WIFEXITED(st) && WEXITSTATUS(st) == 0, "blocked_threads status 0x%x", st);
	t.pid = -1;
	close(t.ctl);
	close(t.ready);
	pt_t_free(&r);
}

Test(attach, three_level_tree_has_its_real_parents)
{
	struct tracee t = start("tree3", true);
	struct pt_t_run r;
	attach(&r, t.pid, NULL);
	wait_log(&r, "\"ev\":\"attach\"", 3);
	/* B forks C now; then the whole tree ends, and so does the trace */
	cr_assert_eq(write(t.ctl, "g", 1), 1);
	pt_t_wait(&r, 0);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 7, "tool exit %d: want the first PID's status (7)", r.code);
	pt_t_assert(&r, pt_t_count(&r, "attach", 0) == 3, "want 3 attach events");
	json_object *ra = pt_t_nth(&r, "attach", 0, 0), *aa = pt_t_nth(&r, "attach", 0, 1),
		    *ba = pt_t_nth(&r, "attach", 0, 2);
	pid_t A = pt_t_pid(aa), B = pt_t_pid(ba);
	pt_t_assert(&r, pt_t_pid(ra) == t.pid && pt_t_int(ra, "ppid", 0) == getpid(), "root first, our child");
	pt_t_assert(&r, pt_t_int(aa, "ppid", 0) == t.pid, "A's parent is the root");
	pt_t_assert(&r, pt_t_int(ba, "ppid", 0) == A, "B's parent is A");
	pid_t kids[4];
	pt_t_assert(&r, pt_t_children(&r, B, false, kids, 4) == 1, "B's new child not seen");
	pt_t_assert(&r, pt_t_exit_of(&r, kids[0]) && pt_t_exit_of(&r, B) && pt_t_exit_of(&r, A),
		    "exits of C, B, A");
	pt_t_assert(&r, pt_t_bool(pt_t_end(&r), "detached") != 1, "nothing was left to detach");
	/* the summary tree draws the existing tree */
	pt_t_assert(&r, r.out && strstr(r.out, "attached after"), "summary: %s", r.out ? r.out : "");
	reap_ended(&t);
	pt_t_free(&r);
}

/* --no-descendants: PID's own threads only, not the child it had; a child
 * it makes later is followed as in any trace. */
Test(attach, no_descendants_takes_the_threads_and_follows_new_children)
{
	struct tracee t = start("late_child", true);
	pid_t tids[8], a[8];
	size_t ntid = 0, na = 0, nall = 0;
	cr_assert_eq(pt_procfs_read_tasks(t.pid, tids, 8, &ntid), 0);
	cr_assert_eq(ntid, 2, "late_child has %zu threads", ntid);
	for (size_t i = 0; i < ntid; i++) {
		cr_assert_eq(pt_procfs_read_children(t.pid, tids[i], a + nall, 8 - nall, &na), 0);
		nall += na;
	}
	cr_assert_eq(nall, 1, "late_child has %zu children", nall);
	struct pt_t_run r;
	attach(&r, t.pid, "--no-descendants");
	wait_log(&r, "\"ev\":\"attach\"", 1);
	cr_assert_eq(write(t.ctl, "g", 1), 1);   /* fork B, then end */
	pt_t_wait(&r, 0);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 5, "tool exit %d: want late_child's status (5)", r.code);
	pt_t_assert(&r, pt_t_count(&r, "attach", 0) == 1, "want 1 attach event, got %zu", pt_t_count(&r, "attach", 0));
	json_object *at = attach_of(&r, t.pid), *th = at ? pt_t_get(at, "threads") : NULL;
	pt_t_assert(&r, th && json_object_array_length(th) == 1, "want its other thread: %s", at ? pt_t_json(at) : "-");
	pt_t_assert(&r, !pt_t_find_int(&r, "attach", "pid", a[0], 0) && !pt_t_exit_of(&r, a[0]),
		    "the child %d it had is traced", (int)a[0]);
	pid_t kids[4];
	pt_t_assert(&r, pt_t_children(&r, t.pid, false, kids, 4) == 1 && kids[0] != a[0], "the new child not seen");
	pt_t_assert(&r, pt_t_exit_of(&r, kids[0]), "no exit of the new child %d", (int)kids[0]);
	reap_ended(&t);
	pt_t_free(&r);
}

Test(attach, group_stopped_stays_stopped)
{
	struct tracee t = start("ctl_wait", true);
	int st;
	kill(t.pid, SIGSTOP);
	cr_assert_eq(waitpid(t.pid, &st, WUNTRACED), t.pid);
	cr_assert(WIFSTOPPED(st));
	struct pt_t_run r;
	attach(&r, t.pid, NULL);
	wait_log(&r, "\"ev\":\"attach\"", 1);
	kill(r.pid, SIGINT);
	r.expect_sig = SIGINT;
	pt_t_wait(&r, 0);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tool exit %d", r.code);
	const char *state = pt_t_str(attach_of(&r, t.pid), "state");
	pt_t_assert(&r, state && !strcmp(state, "stopped"), "state %s", state ? state : "-");
	pt_t_assert(&r, pt_t_count(&r, "continued", 0) == 0, "it was continued");
	check_untraced(&r, t.pid, 'T');
	kill(t.pid, SIGCONT);
	cr_assert_eq(waitpid(t.pid, &st, WCONTINUED), t.pid);
	cr_assert(WIFCONTINUED(st));
	cr_assert_eq(write(t.ctl, "\x2a", 1), 1);
	cr_assert_eq(waitpid(t.pid, &st, 0), t.pid);
	pt_t_assert(&r, WIFEXITED(st) && WEXITSTATUS(st) == 42, "status 0x%x", st);
	t.pid = -1;
	close(t.ctl);
	close(t.ready);
	pt_t_free(&r);
}

Test(attach, already_traced_is_one_line_and_leaves_nothing)
{
	struct tracee t = start("ctl_wait", true);
	cr_assert_eq(ptrace(PTRACE_SEIZE, t.pid, NULL, NULL), 0);
	struct pt_t_run r;
	attach(&r, t.pid, NULL);
	pt_t_wait(&r, 0);
	pt_t_assert(&r, r.code != 0, "tool exit 0");
	pt_t_assert(&r, strstr(r.stderr_text, "already traced") && strchr(r.stderr_text, '\n') &&
			    !strchr(strchr(r.stderr_text, '\n') + 1, '\n'),
		    "want one line: %s", r.stderr_text);
	struct pt_proc_status ps;
	cr_assert_eq(pt_procfs_read_status(t.pid, &ps), 0);
	cr_assert_eq(ps.tracer_pid, getpid(), "its tracer changed");
	finish(&t);
	pt_t_free(&r);
}

Test(attach, no_such_process_and_bad_usage)
{
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	struct pt_t_run r;
	attach(&r, gone, NULL);
	pt_t_wait(&r, 0);
	pt_t_assert(&r, r.code != 0, "tool exit 0 for a pid that does not exist");
	pt_t_assert(&r, strstr(r.stderr_text, "no such process"), "%s", r.stderr_text);
	pt_t_free(&r);
	pt_t_run_cmd(&r, ARGS("-p", "1"), ARGS("true"));
	pt_t_assert(&r, r.code == 2 && strstr(r.stderr_text, "-p and a program"), "%s", r.stderr_text);
	pt_t_free(&r);
	char self[16];
	snprintf(self, sizeof(self), "%d", (int)getpid());
	pt_t_run_cmd(&r, ARGS("-p", self), no_cmd);
	pt_t_assert(&r, r.code != 0 && strstr(r.stderr_text, "ancestor"), "%s", r.stderr_text);
	pt_t_free(&r);
}

/* One line on stderr (its last byte the only newline). */
static bool one_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl && !nl[1];
}

/* Itself (sh execs the tool in place: $$ is the tool's pid), its parent
 * (this test) and its grandparent: each one line, a non-zero exit, and
 * nothing left traced. */
Test(attach, itself_or_an_ancestor_is_one_line)
{
	struct pt_t_run r;
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "exec '%s' -p $$", PT_TOOL);
	/* run untraced, its stderr read here */
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t c = fork();
	cr_assert_geq(c, 0);
	if (c == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	char err[1024];
	ssize_t n, len = 0;
	while (len < (ssize_t)sizeof(err) - 1 && (n = read(fds[0], err + len, sizeof(err) - 1 - (size_t)len)) > 0)
		len += n;
	err[len] = 0;
	close(fds[0]);
	int st;
	cr_assert_eq(waitpid(c, &st, 0), c);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0, "attaching to itself: status 0x%x", st);
	cr_assert(one_line(err) && strstr(err, "itself or its ancestor"), "itself: %s", err);
	pid_t ancestors[] = {getpid(), getppid()};
	for (size_t i = 0; i < 2; i++) {
		char p[16];
		snprintf(p, sizeof(p), "%d", (int)ancestors[i]);
		pt_t_run_cmd(&r, ARGS("-p", p), no_cmd);
		pt_t_assert(&r, r.code != 0 && one_line(r.stderr_text) && strstr(r.stderr_text, "itself or its ancestor"),
			    "ancestor %s: exit %d: %s", p, r.code, r.stderr_text);
		pt_t_free(&r);
	}
	struct pt_proc_status ps;
	cr_assert_eq(pt_procfs_read_status(getpid(), &ps), 0);
	cr_assert_eq(ps.tracer_pid, 0, "we are traced by %d", (int)ps.tracer_pid);
}

Test(attach, events_only_thread_storm)
{
	struct tracee t = start("blocked_threads", true);
	struct pt_t_run r;
	attach(&r, t.pid, "--events-only");
	wait_log(&r, "\"ev\":\"attach\"", 1);
	/* wake them while attached: their ends are seen, no syscall stop */
	cr_assert_eq(write(t.ctl, "g", 1), 1);
	pt_t_wait(&r, 0);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tool exit %d (blocked_threads' status)", r.code);
	const char *mode = pt_t_str(pt_t_start(&r), "mode");
	pt_t_assert(&r, mode && !strcmp(mode, "events-only"), "mode");
	pt_t_assert(&r, pt_t_count(&r, "exit", 0) == 5, "5 exits");
	pt_t_assert(&r, pt_t_int(pt_t_end(&r), "stops", 999) < 30, "stops %lld",
		    (long long)pt_t_int(pt_t_end(&r), "stops", 999));
	int st = reap_ended(&t);
	pt_t_assert(&r, WIFEXITED(st) && WEXITSTATUS(st) == 0, "blocked_threads status 0x%x", st);
	pt_t_free(&r);
}
