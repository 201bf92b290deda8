/* Issue "Tracer core": the lifecycle events of fork/vfork/clone3/threads/exec,
 * deaths by signal, group-stop, orphans outliving the root, many tasks,
 * exit-status mapping, command-not-found, interruption by SIGTERM and the
 * escaping of tracee-controlled bytes, checked on the JSONL log
 * (docs/trace-format.md).
 *
 * Note on \udcXX: json-c 0.16 decodes a lone "\udcXX" escape to U+FFFD
 * (EF BF BD), not to ED B2/B3 XX, so pt_unescape_surrogates() cannot undo it
 * on json-c's strings; the round-trip test reads the raw log line instead
 * (pt_t_argv_bytes). */
#include "support.h"
#include "pt/util.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(core, .fini = pt_t_cleanup);

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The only process child of pid (fails unless there is exactly one). */
static pid_t only_child(struct pt_t_run *r, pid_t pid)
{
	pid_t kids[8];
	size_t n = pt_t_children(r, pid, false, kids, 8);
	pt_t_assert(r, n == 1, "expected 1 spawn of a process by %d, found %zu", (int)pid, n);
	pt_t_assert(r, kids[0] > 0 && kids[0] != pid, "bad child pid %d", (int)kids[0]);
	return kids[0];
}

/* The wait event in parent that returned child's status, nth of them. */
static json_object *wait_for(struct pt_t_run *r, pid_t parent, pid_t child, size_t nth)
{
	return pt_t_find_pid_int(r, "wait", parent, "child", child, nth);
}

/* Common checks of a parent that forked one child which exited with code. */
static void check_child_exited(struct pt_t_run *r, pid_t root, pid_t child, int code)
{
	json_object *ex = pt_t_exit_of(r, child);
	pt_t_assert(r, ex != NULL, "no exit event for the child %d", (int)child);
	pt_t_assert(r, pt_t_status_exited(ex, NULL) == code,
		    "the child's exit should be {exited:%d}: %s", code, pt_t_json(ex));
	const char *how = pt_t_str(ex, "how");
	pt_t_assert(r, how && strcmp(how, "exit_group") == 0,
		    "the child's exit how should be exit_group: %s", pt_t_json(ex));
	json_object *w = wait_for(r, root, child, 0);
	pt_t_assert(r, w != NULL, "no wait event in %d returning the child %d", (int)root,
		    (int)child);
	pt_t_assert(r, pt_t_status_exited(w, "status") == code,
		    "the wait status should be {exited:%d}: %s", code, pt_t_json(w));
	pt_t_assert(r, pt_t_int(w, "ret", -1) == child, "wait ret should be %d: %s", (int)child,
		    pt_t_json(w));
	pt_t_assert(r, pt_t_index_of(r, ex) < pt_t_index_of(r, w),
		    "the child's exit should come before the parent's wait returned");
}

static void check_root_end(struct pt_t_run *r, int code)
{
	json_object *end = pt_t_end(r);
	pt_t_assert(r, r->exited && r->exit_code == code, "the tool should exit %d", code);
	pt_t_assert(r, pt_t_int(end, "status", -1) == code, "end.status should be %d", code);
	pt_t_assert(r, pt_t_status_exited(end, "root") == code, "end.root should be {exited:%d}",
		    code);
	pt_t_assert(r, pt_t_bool(end, "interrupted") == 0, "end.interrupted should be false");
	json_object *rx = pt_t_exit_of(r, pt_t_root(r));
	pt_t_assert(r, rx != NULL, "no exit event for the root");
	pt_t_assert(r, pt_t_status_exited(rx, NULL) == code, "the root's exit should be {exited:%d}",
		    code);
}

Test(core, fork_wait)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "fork_wait", NULL);
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	pid_t child = only_child(&r, root);
	json_object *sp = pt_t_spawn_of(&r, child);
	pt_t_assert(&r, pt_t_pid(sp) == root && pt_t_tgid(sp) == root,
		    "spawn pid/tgid should be the parent's: %s", pt_t_json(sp));
	const char *kind = pt_t_str(sp, "kind");
	pt_t_assert(&r, kind && strcmp(kind, "fork") == 0, "spawn kind should be fork: %s",
		    pt_t_json(sp));
	check_child_exited(&r, root, child, 7);
	/* the log is in the order the events happened */
	int64_t prev = -1;
	for (size_t i = 0; i < r.nev; i++) {
		int64_t ts = pt_t_int(r.ev[i], "ts", -1);
		pt_t_assert(&r, ts >= 0, "line %zu has no ts", i + 1);
		pt_t_assert(&r, ts >= prev, "ts goes backwards at line %zu", i + 1);
		prev = ts;
	}
	pt_t_assert(&r, pt_t_int(pt_t_start(&r), "ts", -1) == 0, "start.ts should be 0");
	pt_t_free(&r);
}

Test(core, vfork_exec)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "vfork_exec", NULL);
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	pid_t child = only_child(&r, root);
	json_object *sp = pt_t_spawn_of(&r, child);
	const char *kind = pt_t_str(sp, "kind");
	pt_t_assert(&r, kind && strcmp(kind, "vfork") == 0, "spawn kind should be vfork: %s",
		    pt_t_json(sp));
	const char *sc = pt_t_str(sp, "syscall");
	pt_t_assert(&r, !sc || strcmp(sc, "vfork") == 0, "glibc's vfork() is the vfork syscall: %s",
		    pt_t_json(sp));
	json_object *ex = pt_t_nth(&r, "exec", child, 0);
	pt_t_assert(&r, ex != NULL, "no exec event for the child %d", (int)child);
	const char *path = pt_t_str(ex, "path");
	pt_t_assert(&r, path && strcmp(path, "/bin/true") == 0, "exec path should be /bin/true: %s",
		    pt_t_json(ex));
	pt_t_assert(&r, pt_t_index_of(&r, sp) < pt_t_index_of(&r, ex), "spawn should precede exec");
	check_child_exited(&r, root, child, 0);
	pt_t_free(&r);
}

Test(core, vfork_exit)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "vfork_exit", NULL);
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	pid_t child = only_child(&r, root);
	json_object *sp = pt_t_spawn_of(&r, child);
	const char *kind = pt_t_str(sp, "kind");
	pt_t_assert(&r, kind && strcmp(kind, "vfork") == 0, "spawn kind should be vfork: %s",
		    pt_t_json(sp));
	pt_t_assert(&r, pt_t_count(&r, "exec", child) == 0, "the child never execs");
	check_child_exited(&r, root, child, 3);
	pt_t_free(&r);
}

Test(core, clone3)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "clone3", NULL);
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	pid_t child = only_child(&r, root);
	json_object *sp = pt_t_spawn_of(&r, child);
	const char *sc = pt_t_str(sp, "syscall");
	pt_t_assert(&r, sc && strcmp(sc, "clone3") == 0, "spawn syscall should be clone3: %s",
		    pt_t_json(sp));
	const char *kind = pt_t_str(sp, "kind");
	pt_t_assert(&r, kind && (strcmp(kind, "fork") == 0 || strcmp(kind, "clone") == 0),
		    "a clone3 without CLONE_THREAD/CLONE_VFORK makes a process: %s", pt_t_json(sp));
	check_child_exited(&r, root, child, 5);
	pt_t_free(&r);
}

/* clone3's flags are 64 bits and have no exit-signal byte: its own bits
 * print by name (they printed as 0x100000000 and SIG128). */
Test(core, clone3_only_flags_by_name)
{
	static const struct {
		const char *arg, *flags;
	} cases[] = {{"clear-sighand", "CLONE_CLEAR_SIGHAND"}, {"newtime", "CLONE_NEWTIME"}};
	for (size_t i = 0; i < PT_N_ELEMENTS(cases); i++) {
		struct pt_t_run r;
		const char *args[] = {cases[i].arg, NULL};
		pt_t_run(&r, NULL, "clone3", args);
		pt_t_check_log(&r);
		json_object *end = pt_t_end(&r);
		if (pt_t_status_exited(end, "root") == 77) {
			cr_log_warn("CLONE_NEWTIME needs CAP_SYS_ADMIN: case %s skipped", cases[i].arg);
			pt_t_free(&r);
			continue;
		}
		check_root_end(&r, 0);
		pid_t child = only_child(&r, pt_t_root(&r));
		json_object *sp = pt_t_spawn_of(&r, child);
		const char *flags = pt_t_str(sp, "flags");
		pt_t_assert(&r, flags && !strcmp(flags, cases[i].flags), "clone3 flags should be %s: %s", cases[i].flags,
			    pt_t_json(sp));
		pt_t_assert(&r, r.out && strstr(r.out, cases[i].flags), "the text shows %s:\n%s", cases[i].flags,
			    r.out ? r.out : "");
		pt_t_free(&r);
	}
}

Test(core, thread_exec)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "thread_exec", NULL);
	pt_t_check_log(&r);
	int leader = 0, tid = 0;
	pt_t_assert(&r, r.stdout_text &&
			     sscanf(r.stdout_text, "leader=%d exec_tid=%d", &leader, &tid) == 2,
		    "the tracee did not report its tids");
	pid_t root = pt_t_root(&r);
	pt_t_assert(&r, root == leader, "root %d, the tracee says leader %d", (int)root, leader);
	pt_t_assert(&r, tid != leader, "the exec'ing thread is not the leader");
	json_object *sp = pt_t_spawn_of(&r, tid);
	pt_t_assert(&r, sp != NULL, "no spawn event for the thread %d", tid);
	const char *kind = pt_t_str(sp, "kind");
	pt_t_assert(&r, kind && strcmp(kind, "thread") == 0, "spawn kind should be thread: %s",
		    pt_t_json(sp));
	pt_t_assert(&r, pt_t_tgid(sp) == leader, "a thread's spawn has the leader's tgid: %s",
		    pt_t_json(sp));
	pt_t_assert(&r, pt_t_children(&r, leader, true, NULL, 0) == 3,
		    "the leader spawned 3 threads");
	json_object *ex = pt_t_find_int(&r, "exec", "old_pid", tid, 0);
	pt_t_assert(&r, ex != NULL, "no exec event with old_pid %d", tid);
	pt_t_assert(&r, pt_t_pid(ex) == leader, "the exec's pid should be the leader %d: %s", leader,
		    pt_t_json(ex));
	pt_t_assert(&r, pt_t_tgid(ex) == leader, "the exec's tgid should be %d: %s", leader,
		    pt_t_json(ex));
	const char *a1 = pt_t_str(ex, "argv.1");
	pt_t_assert(&r, a1 && strcmp(a1, "after") == 0, "the exec's argv[1] should be 'after': %s",
		    pt_t_json(ex));
	/* only the root's initial exec and this one */
	pt_t_assert(&r, pt_t_count(&r, "exec", 0) == 2, "expected 2 exec events");
	/* the new image ran (it checks pid, tid and thread count) and its status is the tool's */
	check_root_end(&r, 0);
	json_object *rx = pt_t_exit_of(&r, leader);
	pt_t_assert(&r, pt_t_index_of(&r, ex) < pt_t_index_of(&r, rx),
		    "the leader's exit should come after the exec");
	pt_t_assert(&r, pt_t_count(&r, "exit", tid) == 0 ||
				pt_t_index_of(&r, pt_t_exit_of(&r, tid)) < pt_t_index_of(&r, ex),
		    "the old tid %d has no exit after the exec: it became the leader", tid);
	pt_t_free(&r);
}

Test(core, thread_exit_group)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "thread_exit_group", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 4, "the tool should exit 4");
	json_object *end = pt_t_end(&r);
	pt_t_assert(&r, pt_t_status_exited(end, "root") == 4, "end.root should be {exited:4}");
	pid_t root = pt_t_root(&r);
	/* the tids as the tracee saw them */
	int tids[8], n = 0, quitter = 0, leader = 0;
	char *save = NULL;
	char *text = strdup(r.stdout_text ? r.stdout_text : "");
	for (char *l = strtok_r(text, "\n", &save); l && n < 8; l = strtok_r(NULL, "\n", &save)) {
		int t;
		if (sscanf(l, "leader %d", &t) == 1)
			leader = t;
		else if (sscanf(l, "quitter %d", &t) == 1)
			quitter = t;
		else if (sscanf(l, "thread %d", &t) != 1)
			continue;
		tids[n++] = t;
	}
	free(text);
	pt_t_assert(&r, n == 4 && leader == root && quitter > 0,
		    "the tracee should report its 4 tasks (got %d, leader %d)", n, leader);
	pt_t_assert(&r, pt_t_children(&r, root, true, NULL, 0) == 3, "3 thread spawns expected");
	for (int i = 0; i < n; i++) {
		if (tids[i] != leader) {
			json_object *sp = pt_t_spawn_of(&r, tids[i]);
			pt_t_assert(&r, sp && strcmp(pt_t_str(sp, "kind") ? pt_t_str(sp, "kind") : "",
						     "thread") == 0,
				    "no thread spawn for %d", tids[i]);
		}
		json_object *ex = pt_t_exit_of(&r, tids[i]);
		pt_t_assert(&r, ex != NULL, "no exit event for the thread %d", tids[i]);
		pt_t_assert(&r, pt_t_count(&r, "exit", tids[i]) == 1, "thread %d has several exits",
			    tids[i]);
		pt_t_assert(&r, pt_t_status_exited(ex, NULL) == 4, "thread %d should exit 4: %s",
			    tids[i], pt_t_json(ex));
		const char *how = pt_t_str(ex, "how");
		const char *want = tids[i] == quitter ? "exit_group" : "by_other";
		pt_t_assert(&r, how && strcmp(how, want) == 0, "thread %d: how should be %s: %s",
			    tids[i], want, pt_t_json(ex));
	}
	pt_t_assert(&r, pt_t_count(&r, "exit", 0) == 4, "exactly 4 exit events expected");
	pt_t_free(&r);
}

static void check_killed(const char *name, const char *signame)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "killed", ARGS(name));
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	pid_t child = only_child(&r, root);
	json_object *ex = pt_t_exit_of(&r, child);
	pt_t_assert(&r, ex != NULL, "no exit event for the child %d", (int)child);
	const char *sig = pt_t_status_signaled(ex, NULL);
	pt_t_assert(&r, sig && strcmp(sig, signame) == 0, "the child's exit should be signaled %s: %s",
		    signame, pt_t_json(ex));
	pt_t_assert(&r, pt_t_bool(ex, "core") == 0, "core should be false: %s", pt_t_json(ex));
	const char *how = pt_t_str(ex, "how");
	pt_t_assert(&r, how && strcmp(how, "signal") == 0, "how should be signal: %s", pt_t_json(ex));
	json_object *w = wait_for(&r, root, child, 0);
	pt_t_assert(&r, w != NULL, "no wait event returning the child %d", (int)child);
	sig = pt_t_status_signaled(w, "status");
	pt_t_assert(&r, sig && strcmp(sig, signame) == 0, "the wait status should be signaled %s: %s",
		    signame, pt_t_json(w));
	pt_t_assert(&r, pt_t_bool(w, "status.core") == 0, "wait status core should be false: %s",
		    pt_t_json(w));
	pt_t_free(&r);
}

Test(core, killed_kill)
{
	check_killed("KILL", "SIGKILL");
}

Test(core, killed_segv)
{
	check_killed("SEGV", "SIGSEGV");
}

Test(core, killed_abrt)
{
	check_killed("ABRT", "SIGABRT");
}

Test(core, stop_cont)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "stop_cont", NULL);
	pt_t_check_log(&r);
	/* exit 0: the tracee saw both the stop and the continue through wait */
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	pid_t child = only_child(&r, root);
	json_object *st = pt_t_nth(&r, "stopped", child, 0);
	pt_t_assert(&r, st != NULL, "no stopped event for the child %d", (int)child);
	const char *sig = pt_t_str(st, "sig");
	pt_t_assert(&r, sig && strcmp(sig, "SIGSTOP") == 0, "stopped sig should be SIGSTOP: %s",
		    pt_t_json(st));
	pt_t_assert(&r, pt_t_count(&r, "stopped", child) == 1, "one group-stop expected");
	pt_t_assert(&r, pt_t_int(st, "sender", 0) == child, "the child stopped itself: %s", pt_t_json(st));
	json_object *co = pt_t_nth(&r, "continued", child, 0);
	pt_t_assert(&r, co != NULL, "no continued event for the child %d", (int)child);
	pt_t_assert(&r, pt_t_int(co, "sender", 0) == root, "the parent sent SIGCONT: %s", pt_t_json(co));
	pt_t_assert(&r, pt_t_index_of(&r, st) < pt_t_index_of(&r, co),
		    "stopped should precede continued");
	json_object *w1 = wait_for(&r, root, child, 0);
	json_object *w2 = wait_for(&r, root, child, 1);
	json_object *w3 = wait_for(&r, root, child, 2);
	pt_t_assert(&r, w1 && w2 && w3, "expected 3 wait events returning the child");
	sig = pt_t_status_stopped(w1, "status");
	pt_t_assert(&r, sig && strcmp(sig, "SIGSTOP") == 0, "first wait: stopped SIGSTOP: %s",
		    pt_t_json(w1));
	pt_t_assert(&r, pt_t_status_continued(w2, "status"), "second wait: continued: %s",
		    pt_t_json(w2));
	pt_t_assert(&r, pt_t_status_exited(w3, "status") == 0, "third wait: exited 0: %s",
		    pt_t_json(w3));
	pt_t_assert(&r, pt_t_index_of(&r, st) < pt_t_index_of(&r, w1),
		    "the stop precedes the wait that reported it");
	pt_t_assert(&r, pt_t_index_of(&r, co) < pt_t_index_of(&r, w2),
		    "the continue precedes the wait that reported it");
	pt_t_assert(&r, wait_for(&r, root, child, 3) == NULL, "only 3 waits returned the child");
	json_object *ex = pt_t_exit_of(&r, child);
	pt_t_assert(&r, ex && pt_t_status_exited(ex, NULL) == 0, "the child exits 0: %s",
		    pt_t_json(ex));
	pt_t_assert(&r, pt_t_index_of(&r, co) < pt_t_index_of(&r, ex) &&
				pt_t_index_of(&r, ex) < pt_t_index_of(&r, w3),
		    "continued, then the exit, then the wait that reaped it");
	pt_t_free(&r);
}

Test(core, root_exits_first)
{
	struct pt_t_run r;
	const char *file = pt_t_scratch("root_exits_first.txt");
	pt_t_run(&r, NULL, "root_exits_first", ARGS(file));
	/* read at once: the tool must have waited for the orphan */
	size_t len;
	char *text = pt_t_read_file(file, &len);
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	pid_t child = only_child(&r, root);
	char want[64];
	snprintf(want, sizeof want, "child %d done\n", (int)child);
	pt_t_assert(&r, text && strcmp(text, want) == 0,
		    "the orphan's line should be in %s when the tool exits (got '%s')", file,
		    text ? text : "(no file)");
	free(text);
	json_object *rx = pt_t_exit_of(&r, root), *cx = pt_t_exit_of(&r, child);
	pt_t_assert(&r, rx && cx, "exit events for the root and the child expected");
	pt_t_assert(&r, pt_t_index_of(&r, rx) < pt_t_index_of(&r, cx),
		    "the child's exit should come after the root's");
	pt_t_assert(&r, pt_t_status_exited(cx, NULL) == 0, "the child exits 0: %s", pt_t_json(cx));
	pt_t_free(&r);
}

Test(core, many_children)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "many_children", NULL);
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	static pid_t kids[400];
	size_t n = pt_t_children(&r, root, false, kids, 400);
	pt_t_assert(&r, n == 300, "300 children expected, %zu spawned", n);
	pt_t_assert(&r, pt_t_count(&r, "spawn", 0) == 300, "300 spawn events expected");
	pt_t_assert(&r, pt_t_count(&r, "exit", 0) == 301, "301 exit events expected (%zu)",
		    pt_t_count(&r, "exit", 0));
	for (size_t i = 0; i < n; i++) {
		json_object *sp = pt_t_spawn_of(&r, kids[i]);
		const char *kind = pt_t_str(sp, "kind");
		pt_t_assert(&r, kind && strcmp(kind, "fork") == 0, "child %zu: kind fork: %s", i,
			    pt_t_json(sp));
		pt_t_assert(&r, pt_t_count(&r, "exit", kids[i]) == 1, "child %zu (%d): one exit", i,
			    (int)kids[i]);
		/* child i exits i % 100; the spawns are in fork order */
		json_object *ex = pt_t_exit_of(&r, kids[i]);
		pt_t_assert(&r, pt_t_status_exited(ex, NULL) == (int)(i % 100),
			    "child %zu should exit %zu: %s", i, i % 100, pt_t_json(ex));
		pt_t_assert(&r, wait_for(&r, root, kids[i], 0) != NULL, "no wait returned child %zu",
			    i);
	}
	pt_t_assert(&r, pt_t_distinct_pids(&r) == 301, "301 distinct pids expected, %zu",
		    pt_t_distinct_pids(&r));
	pt_t_free(&r);
}

Test(core, fork_chain)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "fork_chain", NULL);
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pt_t_assert(&r, pt_t_count(&r, "spawn", 0) == 100, "100 spawns expected");
	pt_t_assert(&r, pt_t_distinct_pids(&r) == 101, "101 distinct pids expected, %zu",
		    pt_t_distinct_pids(&r));
	pid_t cur = pt_t_root(&r);
	for (int depth = 0; depth < 100; depth++) {
		pid_t kid[2];
		size_t n = pt_t_children(&r, cur, true, kid, 2);
		pt_t_assert(&r, n == 1, "level %d (pid %d): one child expected, %zu", depth, (int)cur,
			    n);
		json_object *sp = pt_t_spawn_of(&r, kid[0]);
		pt_t_assert(&r, pt_t_pid(sp) == cur, "spawn parent: %s", pt_t_json(sp));
		json_object *w = wait_for(&r, cur, kid[0], 0);
		pt_t_assert(&r, w && pt_t_status_exited(w, "status") == 0,
			    "level %d: a wait returning the child's exit 0", depth);
		cur = kid[0];
	}
	pt_t_assert(&r, pt_t_children(&r, cur, true, NULL, 0) == 0, "the deepest has no child");
	pt_t_assert(&r, pt_t_count(&r, "exit", 0) == 101, "101 exits expected");
	/* the deepest ends first, the root last */
	json_object *first = pt_t_nth(&r, "exit", 0, 0);
	pt_t_assert(&r, pt_t_pid(first) == cur, "the deepest process exits first: %s",
		    pt_t_json(first));
	pt_t_free(&r);
}

Test(core, command_not_found)
{
	struct pt_t_run r;
	/* A PATH of searchable directories only: the inherited one may hold a
	 * directory this user cannot search, and then execvp (and the tool)
	 * rightly report EACCES instead (core::path_dir_unsearchable). */
	const char *empty = pt_t_scratch("empty-dir");
	cr_assert(mkdir(empty, 0755) == 0);
	char *path = NULL;
	cr_assert(asprintf(&path, "%s:/usr/bin:/bin", empty) > 0);
	cr_assert(setenv("PATH", path, 1) == 0);   /* Criterion runs each test in its own process */
	free(path);
	pt_t_run_cmd(&r, NULL, ARGS("no-such-program-xyz"));
	pt_t_assert(&r, r.exited && r.exit_code == 127, "exit 127 expected");
	pt_t_assert(&r, r.stderr_text && strcmp(r.stderr_text,
						  "ptrace-tour: no-such-program-xyz: command not found\n") == 0,
		    "stderr should be exactly the command-not-found message");
	pt_t_free(&r);
}

/* Runs, with PATH set to path and (when root) as uid/gid 65534, either
 * execvp(prog) (tool false: *status gets the errno it failed with) or the
 * tool on prog (*status: its wait status, its stderr in err). */
static void run_with_path(const char *path, bool tool, const char *prog, int *status, char *err,
			  size_t errlen)
{
	int fds[2];
	cr_assert(pipe(fds) == 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		/* root searches every directory: drop to nobody to be denied */
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		     setresuid(65534, 65534, 65534) < 0))
			_exit(90);
		if (setenv("PATH", path, 1) < 0 || dup2(fds[1], 2) < 0)
			_exit(91);
		if (tool) {
			execl(PT_TOOL, "ptrace-tour", "-q", "-o", "/dev/null", "--", prog, (char *)NULL);
			_exit(92);
		}
		char *const argv[] = { (char *)prog, NULL };
		execvp(prog, argv);
		dprintf(2, "%d", errno);
		_exit(93);
	}
	close(fds[1]);
	size_t n = 0;
	ssize_t k;
	while (n + 1 < errlen && (k = read(fds[0], err + n, errlen - 1 - n)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		cr_assert(k > 0, "read: %s", strerror(errno));
		n += (size_t)k;
	}
	err[n] = '\0';
	close(fds[0]);
	int st;
	cr_assert(waitpid(pid, &st, 0) == pid);
	cr_assert(!WIFEXITED(st) || (WEXITSTATUS(st) != 90 && WEXITSTATUS(st) != 91),
		  "could not set up the child (credentials or PATH)");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 92)
		cr_skip_test("uid 65534 cannot execute %s", PT_TOOL);
	if (tool)
		*status = st;
	else
		*status = WIFEXITED(st) && WEXITSTATUS(st) == 93 ? atoi(err) : 0;
}

/* A PATH directory the user may not search: execvp remembers the EACCES and
 * goes on; a program found further on runs, and one found nowhere fails with
 * EACCES (exit 126), as execvp, env and dash report it. */
Test(core, path_dir_unsearchable)
{
	const char *locked = pt_t_scratch("locked");
	cr_assert(mkdir(locked, 0) == 0);
	cr_assert(chmod(locked, 0) == 0);   /* mkdir's mode goes through the umask */
	char path[4096];
	snprintf(path, sizeof(path), "%s/bin:/usr/bin:/bin", locked);

	int want, st;
	char err[512];
	run_with_path(path, false, "no-such-program-xyz", &want, err, sizeof(err));
	cr_assert(want == EACCES, "execvp itself should fail with EACCES here, got %d", want);
	run_with_path(path, true, "no-such-program-xyz", &st, err, sizeof(err));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 126,
		  "exit 126 expected like execvp's EACCES, status 0x%x, stderr: %s", st, err);
	char msg[256];
	snprintf(msg, sizeof(msg), "ptrace-tour: no-such-program-xyz: %s\n", strerror(EACCES));
	cr_assert(strcmp(err, msg) == 0, "stderr should be \"%s\", got \"%s\"", msg, err);

	/* the search goes on past the denied directory */
	run_with_path(path, true, "true", &st, err, sizeof(err));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "true after the locked directory should run: status 0x%x, stderr: %s", st, err);
	chmod(locked, 0700);
}

Test(core, not_executable)
{
	struct pt_t_run r;
	const char *path = pt_t_scratch("not-executable.sh");
	FILE *f = fopen(path, "w");
	cr_assert(f != NULL);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	cr_assert(chmod(path, 0644) == 0);
	pt_t_run_cmd(&r, NULL, ARGS(path));
	pt_t_assert(&r, r.exited && r.exit_code == 126, "exit 126 expected for a mode 0644 file");
	pt_t_assert(&r, r.stderr_text && strstr(r.stderr_text, "ptrace-tour: ") &&
				strstr(r.stderr_text, path),
		    "stderr should name the file");
	pt_t_free(&r);
}

Test(core, exit_status_signal)
{
	struct pt_t_run r;
	pt_t_run_cmd(&r, NULL, ARGS("/bin/sh", "-c", "kill -TERM $$"));
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 143, "the tool should exit 128+SIGTERM = 143");
	json_object *end = pt_t_end(&r);
	const char *sig = pt_t_status_signaled(end, "root");
	pt_t_assert(&r, sig && strcmp(sig, "SIGTERM") == 0, "end.root should be signaled SIGTERM");
	pt_t_assert(&r, pt_t_bool(end, "interrupted") == 0, "the tool itself was not interrupted");
	json_object *rx = pt_t_exit_of(&r, pt_t_root(&r));
	sig = pt_t_status_signaled(rx, NULL);
	pt_t_assert(&r, sig && strcmp(sig, "SIGTERM") == 0, "the root's exit: signaled SIGTERM: %s",
		    pt_t_json(rx));
	pt_t_free(&r);
}

/* Waits (bounded) until FILE has n lines starting with prefix. */
static bool wait_lines(const char *file, const char *prefix, size_t n, int seconds)
{
	uint64_t deadline = pt_t_now_ns() + (uint64_t)seconds * 1000000000u;
	while (pt_t_count_lines(file, prefix) < n) {
		if (pt_t_now_ns() > deadline)
			return false;
		sleep_ms(5);
	}
	return true;
}

static size_t read_pids(const char *file, const char *prefix, pid_t *out, size_t max)
{
	size_t len, n = 0, plen = strlen(prefix);
	char *s = pt_t_read_file(file, &len);
	char *save = NULL;
	for (char *l = s ? strtok_r(s, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, prefix, plen) == 0 && n < max)
			out[n++] = (pid_t)atoi(l + plen);
	free(s);
	return n;
}

static char *proc_state(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	char *s = pt_t_read_file(path, NULL);
	if (!s)
		return strdup("(gone)");
	/* keep State: and TracerPid: lines */
	char *res = calloc(1, 256), *save = NULL;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, "State:", 6) || !strncmp(l, "TracerPid:", 10) ||
		    !strncmp(l, "PPid:", 5)) {
			strncat(res, l, 250 - strlen(res));
			strncat(res, " ", 250 - strlen(res));
		}
	free(s);
	return res;
}

static void check_interrupted_end(struct pt_t_run *r, int sig, const char *signame)
{
	pt_t_assert(r, r->exited && r->exit_code == 128 + sig,
		    "the tool should exit %d after %s", 128 + sig, signame);
	pt_t_check_log(r);
	json_object *end = pt_t_end(r);
	pt_t_assert(r, pt_t_bool(end, "interrupted") == 1, "end.interrupted should be true");
	const char *s = pt_t_str(end, "signal");
	pt_t_assert(r, s && strcmp(s, signame) == 0, "end.signal should be %s", signame);
}

/* Default (seccomp) mode: an interrupted tracer kills the traced tree. */
static void check_interrupt_kills_tree(int sig, const char *signame)
{
	struct pt_t_run r;
	const char *file = pt_t_scratch("long_runner.txt");
	pt_t_spawn(&r, NULL, "long_runner", ARGS(file));
	pt_t_assert(&r, wait_lines(file, "start ", 3, 30), "long_runner did not start 3 processes");
	pid_t pids[3];
	pt_t_assert(&r, read_pids(file, "start ", pids, 3) == 3, "3 pids expected in %s", file);
	cr_assert(kill(r.pid, sig) == 0);
	pt_t_wait(&r, 30);
	check_interrupted_end(&r, sig, signame);
	/* the traced tree is gone (allow init a moment to reap the orphans) */
	for (int i = 0; i < 3; i++) {
		uint64_t deadline = pt_t_now_ns() + 5000000000u;
		while (!(kill(pids[i], 0) == -1 && errno == ESRCH) && pt_t_now_ns() < deadline)
			sleep_ms(10);
		char *st = proc_state(pids[i]);
		pt_t_assert(&r, kill(pids[i], 0) == -1 && errno == ESRCH,
			    "tracee %d still exists 5 s after the tool exited: %s", (int)pids[i], st);
		free(st);
	}
	pt_t_assert(&r, pt_t_count_lines(file, "done ") == 0,
		    "no tracee should have finished: they were killed");
	pt_t_free(&r);
}

Test(core, sigterm_kills_tree)
{
	check_interrupt_kills_tree(SIGTERM, "SIGTERM");
}

Test(core, sigint_kills_tree)
{
	check_interrupt_kills_tree(SIGINT, "SIGINT");
}

Test(core, sighup_kills_tree)
{
	check_interrupt_kills_tree(SIGHUP, "SIGHUP");
}

Test(core, sigterm_no_seccomp_detaches)
{
	struct pt_t_run r;
	const char *file = pt_t_scratch("long_runner.txt");
	char release[4096];
	snprintf(release, sizeof release, "%s.release", file);
	pt_t_spawn(&r, ARGS("--no-seccomp"), "long_runner", ARGS(file));
	pt_t_assert(&r, wait_lines(file, "start ", 3, 30), "long_runner did not start 3 processes");
	pid_t pids[3];
	pt_t_assert(&r, read_pids(file, "start ", pids, 3) == 3, "3 pids expected in %s", file);
	cr_assert(kill(r.pid, SIGTERM) == 0);
	pt_t_wait(&r, 30);
	check_interrupted_end(&r, SIGTERM, "SIGTERM");
	/* detached, not killed: they are alive, untraced, and finish on their own */
	for (int i = 0; i < 3; i++) {
		char *st = proc_state(pids[i]);
		pt_t_assert(&r, kill(pids[i], 0) == 0, "tracee %d should still run: %s", (int)pids[i],
			    st);
		pt_t_assert(&r, strstr(st, "TracerPid:\t0") != NULL,
			    "tracee %d should be detached: %s", (int)pids[i], st);
		free(st);
	}
	pt_t_assert(&r, pt_t_count_lines(file, "done ") == 0, "the tracees finished too early");
	FILE *f = fopen(release, "w");
	cr_assert(f != NULL);
	fclose(f);
	pt_t_assert(&r, wait_lines(file, "done ", 3, 30),
		    "the detached tracees did not run to completion (%zu done lines)",
		    pt_t_count_lines(file, "done "));
	pt_t_free(&r);
}

static bool valid_utf8(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;
		if (c < 0x80)
			n = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4;
		else
			return false;
		if (i + n > len)
			return false;
		for (size_t k = 1; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		if (n == 3 && c == 0xed && s[i + 1] >= 0xa0)
			return false;   /* an encoded surrogate */
		i += n;
	}
	return true;
}

Test(core, unicode_escaping)
{
	static const char *const args[] = {
		"caf\xc3\xa9 \xe2\x82\xac",      /* valid UTF-8: kept as is */
		"bad\xff\xfe" "byte\x80",          /* invalid bytes: \udcXX */
		"esc\x1b[31mred\x1b[0m\ttab\nnl", /* control bytes */
		"\xed\xa0\x80surrogate",          /* an encoded surrogate is not valid UTF-8 */
		NULL,
	};
	struct pt_t_run r;
	pt_t_run(&r, NULL, "hello", args);
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pt_t_assert(&r, valid_utf8((const unsigned char *)r.log, r.log_len),
		    "the log must be valid UTF-8");
	pt_t_assert(&r, memchr(r.log, 0x1b, r.log_len) == NULL, "the log has a raw ESC byte");
	json_object *evs[2] = { pt_t_start(&r), pt_t_nth(&r, "exec", pt_t_root(&r), 0) };
	pt_t_assert(&r, evs[1] != NULL, "no exec event for the root");
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; args[i]; i++) {
			size_t len;
			char *b = pt_t_argv_bytes(&r, evs[k], i + 1, &len);
			pt_t_assert(&r, b != NULL, "%s: no argv[%zu]", pt_t_kind(evs[k]), i + 1);
			pt_t_assert(&r, len == strlen(args[i]) && memcmp(b, args[i], len) == 0,
				    "%s argv[%zu] does not round-trip (%zu bytes, want %zu)",
				    pt_t_kind(evs[k]), i + 1, len, strlen(args[i]));
			free(b);
		}
		/* json-c keeps the valid UTF-8 argument as is */
		char key[16];
		snprintf(key, sizeof key, "argv.%d", 1);
		const char *a1 = pt_t_str(evs[k], key);
		pt_t_assert(&r, a1 && strcmp(a1, args[0]) == 0, "%s argv[1] (UTF-8) differs",
			    pt_t_kind(evs[k]));
		snprintf(key, sizeof key, "argv.%d", 3);
		const char *a3 = pt_t_str(evs[k], key);
		pt_t_assert(&r, a3 && strcmp(a3, args[2]) == 0, "%s argv[3] (control bytes) differs",
			    pt_t_kind(evs[k]));
	}
	pt_t_assert(&r, r.out && r.out_len > 0, "the text output (-o) is empty");
	pt_t_assert(&r, memchr(r.out, 0x1b, r.out_len) == NULL,
		    "the text output (-o) contains a raw ESC byte");
	pt_t_free(&r);
}

Test(core, kill_on_exit_takes_the_tree_along)
{
	struct pt_t_run r;
	const char *file = pt_t_scratch("long_runner.txt");
	pt_t_spawn(&r, ARGS("--kill-on-exit"), "long_runner", ARGS(file));
	pt_t_assert(&r, wait_lines(file, "start ", 3, 30), "long_runner did not start 3 processes");
	pid_t pids[3];
	pt_t_assert(&r, read_pids(file, "start ", pids, 3) == 3, "3 pids expected in %s", file);
	/* SIGKILL: no handler runs; only PTRACE_O_EXITKILL can end the tree */
	r.expect_sig = SIGKILL;
	cr_assert(kill(r.pid, SIGKILL) == 0);
	pt_t_wait(&r, 30);
	pt_t_assert(&r, r.term_sig == SIGKILL, "the tool was killed");
	for (int i = 0; i < 3; i++) {
		uint64_t deadline = pt_t_now_ns() + 5000000000u;
		while (!(kill(pids[i], 0) == -1 && errno == ESRCH) && pt_t_now_ns() < deadline)
			sleep_ms(10);
		pt_t_assert(&r, kill(pids[i], 0) == -1 && errno == ESRCH, "tracee %d outlived the tool", (int)pids[i]);
	}
	pt_t_assert(&r, pt_t_count_lines(file, "done ") == 0, "no tracee should have finished");
	/* what reached the log are whole lines: it is written a line at a time */
	pt_t_assert(&r, r.nbad == 0 && !r.log_unterminated, "a SIGKILLed tracer left a partial log line");
}

static bool has_prefix_pattern(const char *text, const char *what)
{
	/* every line starts with the timestamp form asked for */
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (*l == ' ' || *l == '\n')
			continue;   /* continuation lines of a multi-line event */
		int h, m, s, us;
		long long e;
		char c;
		if (!strcmp(what, "-t") && !(sscanf(l, "%2d:%2d:%2d%c", &h, &m, &s, &c) == 4 && c == ' '))
			return false;
		if (!strcmp(what, "-tt") && !(sscanf(l, "%2d:%2d:%2d.%6d%c", &h, &m, &s, &us, &c) == 5 && c == ' '))
			return false;
		if (!strcmp(what, "-ttt") && !(sscanf(l, "%lld.%6d%c", &e, &us, &c) == 3 && c == ' ' && e > 1600000000))
			return false;
		if (!strcmp(what, "-r") && !(sscanf(l, " %lld.%6d%c", &e, &us, &c) == 3 && c == ' ' && e < 60))
			return false;
		if (!strstr(l, "[pid "))
			return false;
	}
	return true;
}

Test(core, timestamps_prefix_every_line)
{
	const char *modes[] = {"-t", "-tt", "-ttt", "-r"};
	for (size_t i = 0; i < PT_N_ELEMENTS(modes); i++) {
		struct pt_t_run r;
		pt_t_run(&r, ARGS(modes[i], "-q"), "fork_wait", NULL);
		pt_t_assert(&r, r.out && has_prefix_pattern(r.out, modes[i]), "%s: lines lack the timestamp:\n%s", modes[i],
			    r.out ? r.out : "");
	}
}

/* Runs the tool through the shell; returns its exit status and its stderr. */
static int run_sh(const char *args, char *err, size_t errlen)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1 >/dev/null", PT_TOOL, args);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(err, 1, errlen - 1, p);
	err[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

Test(core, bad_input_gets_one_line_and_a_nonzero_exit)
{
	char err[4096];
	const char *marker = pt_t_scratch("ran");
	char args[1024];

	int rc = run_sh("--frobnicate -- /bin/true", err, sizeof(err));
	cr_assert_eq(rc, 2, "unknown option: exit 2, got %d (%s)", rc, err);
	/* a usage error: one line naming it, then strace's pointer to --help */
	cr_assert(strstr(err, "--frobnicate") && count_lines(err) == 2 &&
		  strstr(err, "\nTry 'ptrace-tour --help' for more information.\n"),
		  "one line naming the option, then the hint: %s", err);

	snprintf(args, sizeof(args), "--log /nonexistent-dir/x.jsonl -- /bin/touch %s", marker);
	rc = run_sh(args, err, sizeof(err));
	cr_assert_neq(rc, 0, "unwritable log: non-zero exit");
	cr_assert(strstr(err, "/nonexistent-dir/x.jsonl") && count_lines(err) == 1, "one line naming the log: %s", err);
	cr_assert(access(marker, F_OK) != 0, "the program must not run when its log cannot be written");

	snprintf(args, sizeof(args), "-o /nonexistent-dir/out.txt -- /bin/touch %s", marker);
	rc = run_sh(args, err, sizeof(err));
	cr_assert_neq(rc, 0, "unwritable output: non-zero exit");
	cr_assert(strstr(err, "/nonexistent-dir/out.txt") && count_lines(err) == 1, "one line: %s", err);
	cr_assert(access(marker, F_OK) != 0, "the program must not run");

	rc = run_sh("-e trace=nosuchcall -- /bin/true", err, sizeof(err));
	cr_assert_eq(rc, 2, "unknown syscall: exit 2");
	cr_assert(strstr(err, "nosuchcall") && count_lines(err) == 2 && strstr(err, "\nTry 'ptrace-tour --help'"),
		  "%s", err);

	rc = run_sh("", err, sizeof(err));
	cr_assert_eq(rc, 2, "no program: exit 2");
	cr_assert(count_lines(err) == 2 && strstr(err, "\nTry 'ptrace-tour --help'"), "%s", err);
}

static bool is_openat_of(json_object *e, const void *path)
{
	json_object *str = pt_t_get(e, "str");
	return !strcmp(pt_t_str(e, "name") ? pt_t_str(e, "name") : "", "openat") && str &&
	       json_object_array_length(str) > 1 &&
	       !strcmp(json_object_get_string(json_object_array_get_idx(str, 1)) ?: "", path);
}

/* A syscall without a decoder of its own is printed like strace: name,
 * arguments by the table's signature, return value and errno name. */
Test(core, generic_syscall_decoding)
{
	struct pt_t_run r;
	pt_t_run_cmd(&r, ARGS("-e", "trace=openat"), ARGS("/bin/cat", "/nonexistent-pt-file"));
	pt_t_check_log(&r);
	json_object *e = pt_t_find(&r, "syscall", is_openat_of, "/nonexistent-pt-file", 0);
	pt_t_assert(&r, e != NULL, "no openat of the missing file in the log");
	pt_t_assert(&r, pt_t_int(e, "ret", 0) == -2 && !strcmp(pt_t_str(e, "errno"), "ENOENT"), "%s", pt_t_json(e));
	pt_t_assert(&r, r.out && strstr(r.out, "openat(AT_FDCWD, \"/nonexistent-pt-file\", ") &&
			       strstr(r.out, ") = -1 ENOENT (No such file or directory)"),
		    "text output:\n%s", r.out ? r.out : "");
	/* and a call outside the set is not reported */
	pt_t_assert(&r, pt_t_count_str(&r, "syscall", "name", "read") == 0, "read was not asked for");
}

/* core: true only when the kernel really dumped a core. */
Test(core, core_dump_is_reported)
{
	struct pt_t_run r;
	char dir[] = "/tmp/pt-core-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	pt_t_run(&r, NULL, "core_dump", ARGS(dir));
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
	if (r.exited && r.exit_code == 3)
		cr_skip_test("this system writes no core for an aborting child (core_pattern or limits)");
	pt_t_check_log(&r);
	check_root_end(&r, 0);
	pid_t root = pt_t_root(&r);
	pid_t child = only_child(&r, root);
	json_object *x = pt_t_exit_of(&r, child);
	pt_t_assert(&r, x && !strcmp(pt_t_status_signaled(x, NULL) ? pt_t_status_signaled(x, NULL) : "", "SIGABRT") &&
			       pt_t_bool(x, "core") == 1,
		    "exit event: signaled SIGABRT with core: %s", x ? pt_t_json(x) : "none");
	json_object *w = pt_t_find_pid_int(&r, "wait", root, "child", child, 0);
	pt_t_assert(&r, w && pt_t_bool(w, "status.core") == 1, "the wait status has the core bit: %s",
		    w ? pt_t_json(w) : "none");
}
