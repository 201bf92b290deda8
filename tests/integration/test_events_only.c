/* --events-only (issue 12): ptrace events, signals and group-stops only, no
 * seccomp filter and no syscall stop.  The same lifecycle as the default
 * mode on a fork/exec/thread/vfork/kill tree; a thread-heavy,
 * syscall-heavy program costs a handful of stops per thread. */
#include "support.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(events_only, .fini = pt_t_cleanup);

/* The lifecycle of a run as sorted lines ("spawn fork", "exec true",
 * "exit exited:3"...), pids left out: two runs of one program compare. */
static char *summary(struct pt_t_run *r)
{
	size_t cap = 64, n = 0;
	char **v = calloc(cap, sizeof(*v));
	for (size_t i = 0; i < r->nev; i++) {
		json_object *e = r->ev[i];
		char line[256];
		if (pt_t_is(e, "spawn")) {
			snprintf(line, sizeof(line), "spawn %s", pt_t_str(e, "kind"));
		} else if (pt_t_is(e, "exec")) {
			json_object *a = pt_t_get(e, "argv");
			size_t na = a ? json_object_array_length(a) : 0;
			snprintf(line, sizeof(line), "exec");
			for (size_t k = 0; k < na; k++) {
				const char *s = json_object_get_string(json_object_array_get_idx(a, k));
				/* argv[0] of the root's first exec is the path we launched */
				if (!k && s && strrchr(s, '/'))
					s = strrchr(s, '/') + 1;
				snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s", s ? s : "?");
			}
		} else if (pt_t_is(e, "exit")) {
			if (pt_t_status_exited(e, NULL) >= 0)
				snprintf(line, sizeof(line), "exit %s exited:%d", pt_t_str(e, "how"), pt_t_status_exited(e, NULL));
			else
				snprintf(line, sizeof(line), "exit %s signaled:%s", pt_t_str(e, "how"),
					 pt_t_status_signaled(e, NULL));
		} else {
			continue;
		}
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = strdup(line);
	}
	/* sorted: the order of events across processes varies */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *out = calloc(1, len);
	for (size_t i = 0; i < n; i++) {
		strcat(out, v[i]);
		strcat(out, "\n");
		free(v[i]);
	}
	free(v);
	return out;
}

Test(events_only, same_lifecycle_as_default)
{
	struct pt_t_run d, e;
	pt_t_run(&d, NULL, "life_mix", NULL);
	pt_t_check_log(&d);
	pt_t_assert(&d, d.code == 0, "default mode: life_mix exit %d", d.code);
	pt_t_run(&e, ARGS("--events-only"), "life_mix", NULL);
	pt_t_check_log(&e);
	pt_t_assert(&e, e.code == 0, "events-only: life_mix exit %d", e.code);
	pt_t_assert(&e, strstr(e.stdout_text, "life_mix ok") != NULL, "the tracee saw a difference: %s", e.stdout_text);
	const char *mode = pt_t_str(pt_t_start(&e), "mode");
	pt_t_assert(&e, mode && !strcmp(mode, "events-only"), "start has no \"mode\":\"events-only\"");
	pt_t_assert(&d, !pt_t_has(pt_t_start(&d), "mode"), "a default start has a mode");
	pt_t_assert(&e, pt_t_bool(pt_t_start(&e), "seccomp") == 0, "events-only loads no filter");
	/* no syscall stop: nothing a syscall stop would tell */
	pt_t_assert(&e, pt_t_count(&e, "wait", 0) == 0 && pt_t_count(&e, "syscall", 0) == 0,
		    "events-only logged syscalls");
	pt_t_assert(&d, pt_t_count(&d, "wait", 0) >= 4, "the default mode saw %zu waits", pt_t_count(&d, "wait", 0));
	char *sd = summary(&d), *se = summary(&e);
	pt_t_assert(&e, !strcmp(sd, se), "lifecycles differ:\n-- default --\n%s-- events-only --\n%s", sd, se);
	/* 4 processes, 3 threads; 2 execs after the root's own */
	pt_t_assert(&e, pt_t_count(&e, "spawn", 0) == 7 && pt_t_count(&e, "exec", 0) == 3,
		    "spawns %zu execs %zu", pt_t_count(&e, "spawn", 0), pt_t_count(&e, "exec", 0));
	free(sd);
	free(se);
	pt_t_free(&d);
	pt_t_free(&e);
}

Test(events_only, threads_cost_no_syscall_stops)
{
	struct pt_t_run r;
	pt_t_run(&r, ARGS("--events-only"), "thread_storm", ARGS("40", "2000"));
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "thread_storm exit %d", r.code);
	pid_t root = pt_t_root(&r);
	pid_t th[64];
	size_t n = pt_t_children(&r, root, true, th, 64);
	pt_t_assert(&r, n == 40, "%zu thread spawns, want 40", n);
	for (size_t i = 0; i < n; i++)
		pt_t_assert(&r, pt_t_exit_of(&r, th[i]) != NULL, "no exit for thread %d", (int)th[i]);
	/* 80000 getppid: any syscall stop shows.  Per thread: its first stop,
	 * the clone event and the exit event; plus the root's few. */
	int64_t stops = pt_t_int(pt_t_end(&r), "stops", -1);
	pt_t_assert(&r, stops >= 0 && stops <= 40 * 4 + 20, "%lld stops for 40 threads", (long long)stops);
	pt_t_free(&r);
}

Test(events_only, refuses_a_syscall_set)
{
	struct pt_t_run r;
	pt_t_run(&r, ARGS("--events-only", "-e", "trace=openat"), "hello", NULL);
	pt_t_assert(&r, r.code == 2, "tool exit %d, want 2", r.code);
	/* One line naming the problem, then only the --help hint every bad
	 * option gets (issue 14). */
	const char *nl = strchr(r.stderr_text, '\n');
	pt_t_assert(&r, nl && memmem(r.stderr_text, (size_t)(nl - r.stderr_text), "--events-only", 13) &&
			    memmem(r.stderr_text, (size_t)(nl - r.stderr_text), "-e trace=", 9) &&
			    !strcmp(nl + 1, "Try 'ptrace-tour --help' for more information.\n"),
		    "want one line naming -e trace= and --events-only, then the hint: %s", r.stderr_text);
	pt_t_free(&r);
}

/* Without an entry stop the exec's argv is read from the new image's stack
 * (one read with the anatomy): an empty argument is kept, where the
 * NUL-split /proc/PID/cmdline dropped it; and env_wrapper's exec of env
 * gets its env diff (the environment its image started with is known from
 * its own exec). */
Test(events_only, exec_argv_and_env_from_the_stack)
{
	struct pt_t_run r;
	pt_t_run(&r, ARGS("--events-only"), "env_wrapper", ARGS("", "x"));
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "env_wrapper exit %d", r.code);
	json_object *ex = pt_t_nth(&r, "exec", pt_t_root(&r), 0);
	pt_t_assert(&r, ex != NULL, "no exec of the root");
	json_object *argv = pt_t_get(ex, "argv");
	pt_t_assert(&r, argv && json_object_array_length(argv) == 3 &&
			       !strcmp(json_object_get_string(json_object_array_get_idx(argv, 1)), "") &&
			       !strcmp(json_object_get_string(json_object_array_get_idx(argv, 2)), "x"),
		    "argv [path, \"\", \"x\"] expected: %s", pt_t_json(ex));
	json_object *env = pt_t_exec_named(&r, "env");
	pt_t_assert(&r, env != NULL, "no exec of env");
	const char *added = pt_t_str(env, "env.added.PT_TEST_VAR");
	pt_t_assert(&r, added && !strcmp(added, "1"), "PT_TEST_VAR=1 not in env.added: %s", pt_t_json(env));
	pt_t_free(&r);
}

/* No stop at an execve's entry, so no look at the old image: each exec
 * says its maps_before was not seen (an empty list alone would claim the
 * old image had no memory), and the text and --explain say it too.  The
 * default mode saw it, and says nothing of the kind. */
Test(events_only, exec_says_maps_before_was_not_seen)
{
	struct pt_t_run d, e;
	pt_t_run(&e, ARGS("--events-only", "--explain"), "life_mix", NULL);
	pt_t_check_log(&e);
	pt_t_assert(&e, e.code == 0, "events-only: life_mix exit %d", e.code);
	size_t nexec = pt_t_count(&e, "exec", 0);
	pt_t_assert(&e, nexec == 3, "execs %zu", nexec);
	for (size_t i = 0; i < nexec; i++) {
		json_object *x = pt_t_nth(&e, "exec", 0, i);
		json_object *mb = pt_t_get(x, "maps_before");
		pt_t_assert(&e, pt_t_bool(x, "maps_before_unseen") == 1, "exec %zu: %s", i, pt_t_json(x));
		pt_t_assert(&e, mb && json_object_array_length(mb) == 0, "exec %zu has a maps_before", i);
		pt_t_assert(&e, json_object_array_length(pt_t_get(x, "maps_after")) > 0, "exec %zu: no maps_after", i);
	}
	pt_t_assert(&e, e.out && strstr(e.out, "memory map: before exec not seen (no stop at the execve's entry"),
		    "the text does not say so: %s", e.out ? e.out : "");
	pt_t_assert(&e, strstr(e.out, "The old memory map was not seen"), "--explain does not say so");
	pt_t_assert(&e, !strstr(e.out, "regions before exec"), "the text counts regions it never saw");
	pt_t_run(&d, ARGS("--explain"), "life_mix", NULL);
	pt_t_check_log(&d);
	pt_t_assert(&d, pt_t_count(&d, "exec", 0) == 3, "default execs");
	for (size_t i = 0; i < 3; i++) {
		json_object *x = pt_t_nth(&d, "exec", 0, i);
		pt_t_assert(&d, !pt_t_has(x, "maps_before_unseen"), "default mode exec %zu: %s", i, pt_t_json(x));
		pt_t_assert(&d, json_object_array_length(pt_t_get(x, "maps_before")) > 0, "default: no maps_before");
	}
	pt_t_assert(&d, d.out && strstr(d.out, "regions before exec") && !strstr(d.out, "not seen"), "%s", d.out);
	pt_t_free(&d);
	pt_t_free(&e);
}
