/* Robustness under storms: a fork storm cut short by SIGKILL or exit(42)
 * (tests/tracees/storm.c).  Reports are served after they were made, so a
 * task can be killed between its fork/exec/exit event report and our
 * reading of its event message; the process records must outlive the tasks
 * that point to them (ASan: the CI runs this suite in an ASan build).
 *
 * What must hold in every mode, whatever the timing:
 *   - the tool does not crash and the log is well formed;
 *   - every spawned child is a real task: it has an exit event after its
 *     spawn (a bogus child such as 9 or 42<<8, an exit status read as a
 *     pid, never exits);
 *   - every task with events is the root or was spawned;
 *   - a reparent names a process that was spawned (or init) on both ends;
 *   - an interrupted storm ends promptly, with no tracee left (seccomp
 *     mode: killed) or every tracee detached and running (--no-seccomp). */
#include "support.h"

#include <dirent.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(storm, .fini = pt_t_cleanup);

static bool is_spawned(const struct pt_t_run *r, pid_t pid)
{
	return pt_t_find_int(r, "spawn", "child", pid, 0) != NULL;
}

static void check_storm(struct pt_t_run *r)
{
	pt_t_check_log(r);
	pt_t_assert(r, r->exited && r->exit_code == 0, "the storm checks its workers' ends: the tool should exit 0");
	pid_t root = pt_t_root(r);
	size_t nspawn = 0;
	for (size_t i = 0; i < r->nev; i++) {
		json_object *e = r->ev[i];
		const char *k = pt_t_kind(e);
		if (!strcmp(k, "start") || !strcmp(k, "end"))
			continue;
		pid_t pid = pt_t_pid(e);
		/* a child whose creator died unseen names the parent it had */
		bool orphan = pt_t_is(e, "spawn") && pt_t_bool(e, "orphan") == 1;
		pt_t_assert(r, pid == root || is_spawned(r, pid) || orphan,
			    "event of task %d, which is neither the root nor spawned: %s", (int)pid, pt_t_json(e));
		if (!strcmp(k, "spawn")) {
			pid_t child = (pid_t)pt_t_int(e, "child", -1);
			nspawn++;
			pt_t_assert(r, child > 0, "spawn without a child: %s", pt_t_json(e));
			long ex = -1;
			for (size_t j = i + 1; j < r->nev && ex < 0; j++)
				if (pt_t_is(r->ev[j], "exit") && pt_t_pid(r->ev[j]) == child)
					ex = (long)j;
			pt_t_assert(r, ex >= 0, "spawned child %d never exits (a bogus pid?): %s", (int)child,
				    pt_t_json(e));
			/* pid_max may be small: a pid may come back, but only after its exit */
			for (size_t j = i + 1; j < (size_t)ex; j++)
				pt_t_assert(r, !(pt_t_is(r->ev[j], "spawn") && pt_t_int(r->ev[j], "child", -1) == child),
					    "child %d spawned again before its exit: %s", (int)child, pt_t_json(r->ev[j]));
		} else if (!strcmp(k, "reparent")) {
			pid_t from = (pid_t)pt_t_int(e, "from", -1), to = (pid_t)pt_t_int(e, "to", -1);
			pt_t_assert(r, from == root || is_spawned(r, from), "reparent from an unknown process: %s",
				    pt_t_json(e));
			pt_t_assert(r, to == 1 || to == root || is_spawned(r, to),
				    "reparent to a process that does not exist in the trace: %s", pt_t_json(e));
		}
	}
	pt_t_assert(r, nspawn >= 24, "only %zu spawns: the storm did not run", nspawn);
}

static void storm(const char *const *tool_args)
{
	static const char *const variants[] = {"fork", "exit42"};
	for (size_t v = 0; v < 2; v++) {
		struct pt_t_run r;
		pt_t_run(&r, tool_args, "storm", ARGS(variants[v], "24"));
		check_storm(&r);
		pt_t_free(&r);
	}
}

Test(storm, seccomp) { storm(NULL); }
Test(storm, no_seccomp) { storm(ARGS("--no-seccomp")); }
Test(storm, maps_exit) { storm(ARGS("--maps=exit")); }
Test(storm, stack) { storm(ARGS("-k")); }

/* Pids of the processes in process group pgrp (field 5 of /proc/PID/stat,
 * after the last ')'), and whether any of them is in a tracing stop. */
static size_t pgrp_members(pid_t pgrp, pid_t *out, size_t max, bool *traced_stop)
{
	size_t n = 0;
	DIR *d = opendir("/proc");
	if (traced_stop)
		*traced_stop = false;
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		char *s = pt_t_read_file(path, NULL);
		if (!s)
			continue;
		char *rp = strrchr(s, ')');
		char state = 0;
		long ppid = 0, pg = 0;
		if (rp && sscanf(rp + 1, " %c %ld %ld", &state, &ppid, &pg) == 3 && pg == pgrp && state != 'Z' &&
		    state != 'X') {
			if (n < max)
				out[n] = (pid_t)pid;
			n++;
			if (traced_stop && state == 't')
				*traced_stop = true;
		}
		free(s);
	}
	closedir(d);
	return n;
}

static void interrupted(const char *const *tool_args, bool seccomp)
{
	struct pt_t_run r;
	/* long enough that SIGTERM lands mid-storm */
	pt_t_spawn(&r, tool_args, "storm", ARGS("fork", "100000"));
	/* late enough that stale reports were served before: the old loop
	 * then waited forever for a task record of a bogus pid */
	struct timespec ms = {0, 1000000};
	for (int i = 0; i < 1200; i++)
		nanosleep(&ms, NULL);
	r.expect_sig = SIGTERM;
	kill(r.pid, SIGTERM);
	uint64_t t0 = pt_t_now_ns();
	pt_t_wait(&r, 15);  /* the bound: a hung tool is killed and the test fails */
	uint64_t took_ms = (pt_t_now_ns() - t0) / 1000000;
	cr_log_info("%s: the tool ended %llu ms after SIGTERM", seccomp ? "seccomp" : "--no-seccomp",
		    (unsigned long long)took_ms);
	pt_t_check_log(&r);
	json_object *end = pt_t_end(&r);
	pt_t_assert(&r, pt_t_bool(end, "interrupted") == 1, "end.interrupted should be true");
	pt_t_assert(&r, took_ms < 10000, "the tool took %llu ms to end after SIGTERM",
		    (unsigned long long)took_ms);
	pid_t left[64];
	bool stopped = false;
	size_t n = 0;
	if (seccomp) {
		/* killed tracees are reaped by init: give it a moment */
		for (int i = 0; i < 2000 && (n = pgrp_members(r.pid, left, 64, NULL)) > 0; i++)
			nanosleep(&ms, NULL);
		pt_t_assert(&r, n == 0, "%zu tracees left alive after the interrupt (first: %d)", n,
			    n ? (int)left[0] : 0);
	} else {
		/* detached: the storm runs on, untraced, nothing stays stopped */
		pid_t root = pt_t_root(&r);
		n = pgrp_members(r.pid, left, 64, &stopped);
		bool root_alive = kill(root, 0) == 0;
		kill(-r.pid, SIGKILL);
		pt_t_assert(&r, root_alive, "the detached root %d is gone", (int)root);
		pt_t_assert(&r, !stopped, "a detached tracee is left in a tracing stop");
	}
	pt_t_free(&r);
}

/* --maps=exit: exit stops, where a stale fork message is the exit status */
Test(storm, interrupt_seccomp) { interrupted(ARGS("--maps=exit"), true); }
Test(storm, interrupt_no_seccomp) { interrupted(ARGS("--no-seccomp", "--maps=exit"), false); }

/* The spawn of a child whose creator is unknown ("orphan": true, which the
 * storm makes only in a rare race) comes back through the log reader. */
Test(storm, orphan_round_trip)
{
	static const char log[] =
		"{\"ev\":\"start\",\"ts\":0,\"pid\":100,\"tgid\":100,\"version\":1,\"tool\":\"ptrace-tour 0.1.0\","
		"\"realtime_ns\":1,\"argv\":[\"x\"],\"seccomp\":true}\n"
		"{\"ev\":\"spawn\",\"ts\":5,\"pid\":1,\"tgid\":1,\"child\":101,\"kind\":\"fork\",\"orphan\":true}\n"
		"{\"ev\":\"exit\",\"ts\":6,\"pid\":101,\"tgid\":101,\"how\":\"exit_group\",\"exited\":0}\n"
		"{\"ev\":\"exit\",\"ts\":7,\"pid\":100,\"tgid\":100,\"how\":\"exit_group\",\"exited\":0}\n"
		"{\"ev\":\"end\",\"ts\":8,\"pid\":100,\"tgid\":100,\"status\":0,\"root\":{\"exited\":0},"
		"\"interrupted\":false,\"stops\":3}\n";
	const char *in = pt_t_scratch("orphan.jsonl"), *out = pt_t_scratch("orphan.out");
	FILE *f = fopen(in, "w");
	cr_assert_not_null(f);
	fputs(log, f);
	fclose(f);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		execl(PT_TOOL, PT_TOOL, "report", "--format", "jsonl", "-o", out, in, (char *)NULL);
		_exit(127);
	}
	int st;
	cr_assert(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "report failed: 0x%x", st);
	char *text = pt_t_read_file(out, NULL);
	cr_assert_not_null(text);
	cr_assert_str_eq(text, log);
	free(text);
}
