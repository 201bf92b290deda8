/* Pid namespaces.  A waiter inside a nested pid namespace
 * gets that namespace's pids from wait4/waitid: the wait must still be
 * matched to the child we know (our pid), the reap and zombie logic must
 * follow, the namespace's pid 1 must be named as such when it adopts
 * orphans, and its death must be told as the namespace's teardown.
 *
 * The tracee makes its namespace itself (clone(CLONE_NEWPID)); one test runs
 * util-linux unshare as in the report.  Both skip where the kernel refuses a
 * new pid namespace (not root, user namespaces off). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(pidns, .fini = pt_t_cleanup);

/* The tracee exits 77 when it cannot make the namespace. */
static void skip_if_refused(struct pt_t_run *r)
{
	if (r->exited && r->exit_code == 77 && r->stderr_text && strstr(r->stderr_text, "no new pid namespace")) {
		pt_t_free(r);
		cr_skip_test("the kernel refuses clone(CLONE_NEWPID) here (needs CAP_SYS_ADMIN or user namespaces)");
	}
}

static pid_t only_child(struct pt_t_run *r, pid_t pid)
{
	pid_t kids[8];
	size_t n = pt_t_children(r, pid, false, kids, 8);
	pt_t_assert(r, n == 1, "expected 1 spawn of a process by %d, found %zu", (int)pid, n);
	return kids[0];
}

static json_object *reap_of(struct pt_t_run *r, pid_t child)
{
	size_t n = pt_t_count_int(r, "reap", "child", child);
	pt_t_assert(r, n == 1, "%zu reap events for %d", n, (int)child);
	return pt_t_find_int(r, "reap", "child", child, 0);
}

Test(pidns, waits_inside_a_namespace_name_our_pids)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "pidns", ARGS("tree"));
	skip_if_refused(&r);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 6, "C's exit status 6 should propagate (tool exit %d)", r.code);
	int gns = 0, ggns = 0;
	pt_t_assert(&r, r.stdout_text && sscanf(r.stdout_text, "ns %d %d", &gns, &ggns) == 2,
		    "the tracee did not print its namespace pids");
	pid_t root = pt_t_root(&r);
	pid_t c = only_child(&r, root);
	pid_t g = only_child(&r, c);
	pid_t gg = only_child(&r, g);
	pt_t_assert(&r, g != gns && gg != ggns, "namespace pids %d %d should differ from ours %d %d", gns, ggns,
		    (int)g, (int)gg);

	/* waitpid(G) in the namespace: matched to our G, argument and result kept */
	json_object *w = pt_t_find_pid_int(&r, "wait", c, "child", g, 0);
	pt_t_assert(&r, w, "no wait of C (%d) returned G (%d) in our pids", (int)c, (int)g);
	pt_t_assert(&r, pt_t_int(w, "ret", 0) == gns && pt_t_int(w, "child_ns", 0) == gns,
		    "ret and child_ns should be what C saw (%d): %s", gns, pt_t_json(w));
	pt_t_assert(&r, pt_t_int(w, "id", 0) == gns && pt_t_int(w, "id_pid", 0) == g,
		    "id %d names our %d: %s", gns, (int)g, pt_t_json(w));
	pt_t_assert(&r, pt_t_status_exited(w, "status") == 0, "G exited 0: %s", pt_t_json(w));
	json_object *rg = reap_of(&r, g);
	pt_t_assert(&r, pt_t_int(rg, "by", 0) == c && pt_t_bool(rg, "autoreap") == 0,
		    "G is reaped by C's wait, not the kernel nor outside the trace: %s", pt_t_json(rg));

	/* GG: orphaned by G, adopted by the namespace's init */
	json_object *rp = pt_t_nth(&r, "reparent", gg, 0);
	pt_t_assert(&r, rp, "no reparent event for GG %d", (int)gg);
	pt_t_assert(&r, pt_t_int(rp, "from", 0) == g && pt_t_int(rp, "to", 0) == c, "GG goes from G to C: %s",
		    pt_t_json(rp));
	const char *role = pt_t_str(rp, "to_role");
	pt_t_assert(&r, role && !strcmp(role, "pidns-init"), "C is pid 1 of the namespace: %s", pt_t_json(rp));

	/* waitid(P_PID, GG): the siginfo pid is translated too */
	json_object *wi = pt_t_find_pid_int(&r, "wait", c, "child", gg, 0);
	pt_t_assert(&r, wi, "no wait of C returned GG (%d) in our pids", (int)gg);
	const char *sc = pt_t_str(wi, "syscall");
	pt_t_assert(&r, sc && !strcmp(sc, "waitid") && pt_t_int(wi, "child_ns", 0) == ggns &&
			     pt_t_int(wi, "id", 0) == ggns && pt_t_int(wi, "id_pid", 0) == gg,
		    "waitid(P_PID, %d) should name our %d: %s", ggns, (int)gg, pt_t_json(wi));
	pt_t_assert(&r, pt_t_status_exited(wi, "status") == 3, "GG exited 3: %s", pt_t_json(wi));
	json_object *rgg = reap_of(&r, gg);
	pt_t_assert(&r, pt_t_int(rgg, "by", 0) == c && pt_t_bool(rgg, "autoreap") == 0, "GG is reaped by C: %s",
		    pt_t_json(rgg));
	pt_t_assert(&r, pt_t_count_int(&r, "wait", "child", gns) == 0 && pt_t_count_int(&r, "wait", "child", ggns) == 0,
		    "no wait names a namespace pid as its child");
	/* C's own wait by the root: same namespace, nothing added */
	json_object *wc = pt_t_find_pid_int(&r, "wait", root, "child", c, 0);
	pt_t_assert(&r, wc && !pt_t_has(wc, "child_ns") && !pt_t_has(wc, "id_pid"), "root's wait: %s", pt_t_json(wc));

	/* the text tells both numbers */
	char want[128];
	snprintf(want, sizeof(want), "= %d [pid %d] (exited 0)", gns, (int)g);
	pt_t_assert(&r, r.out && strstr(r.out, want), "text should show \"%s\"", want);
	snprintf(want, sizeof(want), "reparented to %d (init of its pid namespace)", (int)c);
	pt_t_assert(&r, r.out && strstr(r.out, want), "text should show \"%s\"", want);
	pt_t_free(&r);
}

Test(pidns, the_init_dying_takes_the_namespace_down)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "pidns", ARGS("initdies"));
	skip_if_refused(&r);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 5, "C's exit status 5 should propagate (tool exit %d)", r.code);
	pid_t root = pt_t_root(&r);
	pid_t c = only_child(&r, root);
	pid_t k = only_child(&r, c);
	pid_t kk = only_child(&r, k);
	json_object *xc = pt_t_exit_of(&r, c);
	pt_t_assert(&r, xc && pt_t_status_exited(xc, NULL) == 5, "C exits 5: %s", pt_t_json(xc));
	pid_t killed[] = {k, kk};
	for (int i = 0; i < 2; i++) {
		json_object *x = pt_t_exit_of(&r, killed[i]);
		const char *sig = x ? pt_t_status_signaled(x, NULL) : NULL;
		pt_t_assert(&r, sig && !strcmp(sig, "SIGKILL"), "%d is SIGKILLed with its namespace: %s",
			    (int)killed[i], pt_t_json(x));
		/* The dying init reaps them in its exit path: not "outside the
		 * trace", not "its parent ignores SIGCHLD". */
		json_object *rp = reap_of(&r, killed[i]);
		pt_t_assert(&r, pt_t_int(rp, "by", 0) == c && pt_t_bool(rp, "pidns_teardown") == 1 &&
				     pt_t_bool(rp, "autoreap") == 0,
			    "%d is reaped by C, the exiting init of its namespace: %s", (int)killed[i], pt_t_json(rp));
	}
	json_object *rc = reap_of(&r, c);
	pt_t_assert(&r, pt_t_int(rc, "by", 0) == root && !pt_t_has(rc, "pidns_teardown"), "C is reaped by the root: %s",
		    pt_t_json(rc));
	pt_t_free(&r);
}

/* The report's command line: sh inside `unshare --fork --pid` waits for a
 * background job by its namespace pid. */
Test(pidns, unshare_sh_wait_is_matched)
{
	if (access("/usr/bin/unshare", X_OK) != 0)
		cr_skip_test("util-linux unshare is not installed");
	struct pt_t_run r;
	pt_t_run_cmd(&r, ARGS("--maps=none"),
		     ARGS("/usr/bin/unshare", "--fork", "--pid", "sh", "-c", "sleep 0 & wait $!; exit 6"));
	if (r.exited && r.exit_code == 1 && r.stderr_text && strstr(r.stderr_text, "unshare failed")) {
		pt_t_free(&r);
		cr_skip_test("unshare --pid is not permitted here");
	}
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 6, "exit 6 should propagate (tool exit %d)", r.code);
	json_object *sleep_exec = pt_t_exec_named(&r, "sleep");
	pt_t_assert(&r, sleep_exec, "no exec of sleep");
	pid_t sl = pt_t_pid(sleep_exec);
	json_object *sp = pt_t_spawn_of(&r, sl);
	pid_t sh = sp ? pt_t_tgid(sp) : -1;
	json_object *w = pt_t_find_pid_int(&r, "wait", sh, "child", sl, 0);
	pt_t_assert(&r, w, "no wait of sh (%d) returned sleep (%d) in our pids", (int)sh, (int)sl);
	pt_t_assert(&r, pt_t_int(w, "child_ns", 0) > 0 && pt_t_int(w, "child_ns", 0) != sl, "child_ns: %s",
		    pt_t_json(w));
	json_object *rs = reap_of(&r, sl);
	pt_t_assert(&r, pt_t_int(rs, "by", 0) == sh && pt_t_bool(rs, "autoreap") == 0,
		    "sleep is reaped by sh, not outside the trace nor by the kernel: %s", pt_t_json(rs));
	pt_t_free(&r);
}
