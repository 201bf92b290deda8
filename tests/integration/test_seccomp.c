/* Tracees with seccomp filters of their own.  The tracee (own_filter) prints
 * what each call returned and exits 0 when everything behaved as for an
 * untraced program; each test runs it untraced first, then traced, and
 * compares.  The point: our filter's TRACE action must not take over the
 * program's own TRACE (untraced, that fails the call with ENOSYS), and the
 * program's ERRNO/KILL/ALLOW actions must reach it unchanged. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

TestSuite(seccomp, .fini = pt_t_cleanup);

#define SKIP_CODE 77    /* own_filter: the kernel refused what the mode needs */

/* The untraced run must pass on its own (it checks the kernel's rules), or
 * the test is skipped when the mode needs what this kernel lacks. */
static struct pt_t_untraced baseline(const char *mode)
{
	struct pt_t_untraced u = pt_t_run_untraced("own_filter", mode);
	if (u.code == SKIP_CODE) {
		free(u.out);
		cr_skip_test("own_filter %s: the kernel refused the filter (no CAP_SYS_ADMIN?)", mode);
	}
	cr_assert(u.code == 0, "untraced own_filter %s exits %d; output:\n%s", mode, u.code, u.out);
	return u;
}

/* Runs the mode traced with args and asserts it saw what it sees untraced. */
static void traced_like_untraced(struct pt_t_run *r, const char *const *args, const char *mode,
				 const struct pt_t_untraced *u)
{
	const char *targs[] = {mode, NULL};
	pt_t_run(r, args, "own_filter", targs);
	pt_t_check_log(r);
	pt_t_assert(r, r->exited && r->exit_code == 0,
		    "traced own_filter %s must behave as untraced: exit %d (bits of the checks that differ)", mode,
		    r->code);
	pt_t_assert(r, r->stdout_text && !strcmp(r->stdout_text, u->out),
		    "traced output differs from untraced:\n--- untraced\n%s--- traced\n%s", u->out,
		    r->stdout_text ? r->stdout_text : "(none)");
}

static bool errno_is(json_object *e, const void *arg)
{
	const char *err = pt_t_str(e, "errno");
	return err && !strcmp(err, arg);
}

static bool name_is(json_object *e, const void *arg)
{
	const char *n = pt_t_str(e, "name");
	return n && !strcmp(n, arg);
}

static bool argv1_is(json_object *e, const void *arg)
{
	json_object *argv = pt_t_get(e, "argv");
	json_object *a1 = argv && json_object_is_type(argv, json_type_array) && json_object_array_length(argv) > 1
				  ? json_object_array_get_idx(argv, 1)
				  : NULL;
	return a1 && json_object_is_type(a1, json_type_string) && !strcmp(json_object_get_string(a1), arg);
}

/* The calls the program's own TRACE refused are logged with their real
 * result, ENOSYS; nothing claims they succeeded. */
static void check_refused_logged(struct pt_t_run *r)
{
	json_object *w = pt_t_find(r, "wait", errno_is, "ENOSYS", 0);
	pt_t_assert(r, w != NULL, "no wait event for the refused wait4");
	pid_t p = pt_t_pid(w);    /* the process with the filter */
	pt_t_assert(r, !strcmp(pt_t_str(w, "syscall"), "wait4") && pt_t_int(w, "ret", 0) == -38 && !pt_t_has(w, "child"),
		    "wait4 refused by the program's filter: %s", pt_t_json(w));
	json_object *x = pt_t_find(r, "exec_failed", errno_is, "ENOSYS", 0);
	pt_t_assert(r, x != NULL && pt_t_pid(x) == p && !strcmp(pt_t_str(x, "syscall"), "execve"),
		    "no exec_failed ENOSYS for execve");
	for (size_t i = 0; i < r->nev; i++) {
		json_object *e = r->ev[i];
		if (pt_t_is(e, "wait") && pt_t_pid(e) == p)
			pt_t_assert(r, pt_t_has(e, "errno"), "a wait that no call returned: %s", pt_t_json(e));
		if (pt_t_is(e, "reap"))
			pt_t_assert(r, pt_t_int(e, "by", 0) != p, "a reap by a process whose waits were refused: %s",
				    pt_t_json(e));
		if (pt_t_is(e, "exec"))
			pt_t_assert(r, !argv1_is(e, "exec-target"), "an exec the filter refused: %s", pt_t_json(e));
	}
}

Test(seccomp, own_trace_seccomp)
{
	struct pt_t_untraced u = baseline("trace");
	struct pt_t_run r;
	traced_like_untraced(&r, NULL, "trace", &u);
	check_refused_logged(&r);
	free(u.out);
	pt_t_free(&r);
}

Test(seccomp, own_trace_no_seccomp)
{
	struct pt_t_untraced u = baseline("trace");
	struct pt_t_run r;
	const char *args[] = {"--no-seccomp", "--stats", NULL};
	traced_like_untraced(&r, args, "trace", &u);
	check_refused_logged(&r);
	/* Every call is seen at its entry here, the ERRNO ones too. */
	json_object *w = pt_t_find_str(&r, "wait", "syscall", "waitid", 0);
	pt_t_assert(&r, w && errno_is(w, "EXDEV"), "waitid refused with EXDEV: %s", w ? pt_t_json(w) : "none");
	json_object *x = pt_t_find(&r, "exec_failed", errno_is, "ETXTBSY", 0);
	pt_t_assert(&r, x && !strcmp(pt_t_str(x, "syscall"), "execveat"), "execveat refused with ETXTBSY");
	/* No PTRACE_O_TRACESECCOMP: the kernel itself fails the program's
	 * TRACE with ENOSYS, no seccomp stop reaches us. */
	pt_t_assert(&r, r.stderr_text && strstr(r.stderr_text, " seccomp=0 "), "seccomp stops in --no-seccomp mode");
	free(u.out);
	pt_t_free(&r);
}

/* getppid, which we trap only with -e trace=getppid, refused by the
 * program's TRACE: one syscall event with ENOSYS in both modes. */
static void check_getppid(const char *mode_opt)
{
	struct pt_t_untraced u = baseline("trace");
	struct pt_t_run r;
	const char *args[] = {"-e", "trace=getppid", mode_opt, NULL};
	traced_like_untraced(&r, args, "trace", &u);
	pt_t_assert(&r, pt_t_count_if(&r, "syscall", name_is, "getppid") == 1, "one getppid event");
	json_object *s = pt_t_find(&r, "syscall", name_is, "getppid", 0);
	pt_t_assert(&r, pt_t_int(s, "ret", 0) == -38 && errno_is(s, "ENOSYS"), "getppid = -ENOSYS: %s",
		    pt_t_json(s));
	free(u.out);
	pt_t_free(&r);
}

Test(seccomp, own_trace_on_traced_getppid_seccomp)
{
	check_getppid("--maps=none");
}

Test(seccomp, own_trace_on_traced_getppid_no_seccomp)
{
	check_getppid("--no-seccomp");
}

static void check_plain(const char *mode, const char *mode_opt)
{
	struct pt_t_untraced u = baseline(mode);
	struct pt_t_run r;
	const char *args[] = {mode_opt, NULL};
	traced_like_untraced(&r, args, mode, &u);
	if (!strcmp(mode, "nonnp") || !strcmp(mode, "child"))
		check_refused_logged(&r);
	if (!strcmp(mode, "exec")) {
		pt_t_assert(&r, pt_t_find(&r, "exec", argv1_is, "after-exec", 0) != NULL, "the exec happened");
		json_object *w = pt_t_find_str(&r, "wait", "syscall", "wait4", 0);
		pt_t_assert(&r, w && errno_is(w, "ENOSYS"), "the filter survived the exec: wait4 = ENOSYS");
	}
	free(u.out);
	pt_t_free(&r);
}

Test(seccomp, own_filter_without_nnp_seccomp) { check_plain("nonnp", "--maps=none"); }
Test(seccomp, own_filter_without_nnp_no_seccomp) { check_plain("nonnp", "--no-seccomp"); }
Test(seccomp, own_filter_in_child_seccomp) { check_plain("child", "--maps=none"); }
Test(seccomp, own_filter_in_child_no_seccomp) { check_plain("child", "--no-seccomp"); }
Test(seccomp, own_filter_across_exec_seccomp) { check_plain("exec", "--maps=none"); }
Test(seccomp, own_filter_across_exec_no_seccomp) { check_plain("exec", "--no-seccomp"); }
Test(seccomp, own_filter_tsync_thread_seccomp) { check_plain("tsync", "--maps=none"); }
Test(seccomp, own_filter_tsync_thread_no_seccomp) { check_plain("tsync", "--no-seccomp"); }
Test(seccomp, own_filter_user_notif_seccomp) { check_plain("notif", "--maps=none"); }
Test(seccomp, own_filter_user_notif_no_seccomp) { check_plain("notif", "--no-seccomp"); }

/* KILL at execve: the child dies of SIGSYS and the log claims no exec
 * result; ALLOW: our own stop still reports the exec; TRAP: the SIGSYS
 * reaches the handler. */
static void check_actions(const char *mode_opt)
{
	struct pt_t_untraced u = baseline("actions");
	struct pt_t_run r;
	const char *args[] = {mode_opt, NULL};
	traced_like_untraced(&r, args, "actions", &u);
	pid_t kids[5];
	size_t n = pt_t_children(&r, pt_t_root(&r), false, kids, 5);
	pt_t_assert(&r, n == 4, "four children, got %zu", n);
	json_object *e = pt_t_exit_of(&r, kids[0]);
	pt_t_assert(&r, e && pt_t_status_signaled(e, NULL) && !strcmp(pt_t_status_signaled(e, NULL), "SIGSYS"),
		    "the KILL child died of SIGSYS");
	pt_t_assert(&r, pt_t_count(&r, "exec", kids[0]) == 0 && pt_t_count(&r, "exec_failed", kids[0]) == 0,
		    "no exec result for the killed execve");
	json_object *x = pt_t_nth(&r, "exec", kids[1], 0);
	pt_t_assert(&r, x && argv1_is(x, "exit7"), "the ALLOW child's exec is reported");
	pt_t_assert(&r, pt_t_status_exited(pt_t_exit_of(&r, kids[1]), NULL) == 7, "the ALLOW child exits 7");
	json_object *sig = pt_t_nth(&r, "signal", kids[2], 0);
	pt_t_assert(&r, sig && !strcmp(pt_t_str(sig, "sig"), "SIGSYS") && pt_t_int(sig, "code", 0) == 1,
		    "the TRAP child got its SIGSYS (si_code SYS_SECCOMP): %s", sig ? pt_t_json(sig) : "none");
	pt_t_assert(&r, pt_t_status_exited(pt_t_exit_of(&r, kids[2]), NULL) == 41, "its handler saw execve");
	pt_t_assert(&r, pt_t_count(&r, "exec", kids[2]) == 0 && pt_t_count(&r, "exec_failed", kids[2]) == 0,
		    "no exec result for the trapped execve");
	pt_t_assert(&r, pt_t_count_if(&r, "wait", errno_is, "ENOSYS") == 0, "no ENOSYS here");
	free(u.out);
	pt_t_free(&r);
}

Test(seccomp, own_filter_actions_seccomp) { check_actions("--maps=none"); }
Test(seccomp, own_filter_actions_no_seccomp) { check_actions("--no-seccomp"); }

/* TRACE on the i386 getppid, called with int $0x80. */
static void check_i386(const char *mode_opt)
{
	struct pt_t_untraced u = pt_t_run_untraced("own_filter", "i386");
	if (u.code != 0) {
		free(u.out);
		cr_skip_test("int $0x80 does not work on this kernel even untraced (IA32 emulation off)");
	}
	struct pt_t_run r;
	const char *args[] = {mode_opt, NULL};
	traced_like_untraced(&r, args, "i386", &u);
	free(u.out);
	pt_t_free(&r);
}

Test(seccomp, own_filter_i386_seccomp) { check_i386("--maps=none"); }
Test(seccomp, own_filter_i386_no_seccomp) { check_i386("--no-seccomp"); }

/* Documented differences (README, "What the traced program inherits"): a filtered
 * process cannot enter SECCOMP_MODE_STRICT (our filter is there first), and
 * a traced process cannot be ptraced by its own tree (we hold it). */
Test(seccomp, strict_mode_refused_only_with_our_filter)
{
	struct pt_t_untraced u = baseline("strict");
	cr_assert(!strcmp(u.out, "strict ret=0\n"), "untraced: %s", u.out);
	struct pt_t_run r;
	const char *args[] = {"--no-seccomp", NULL};
	traced_like_untraced(&r, args, "strict", &u);
	pt_t_free(&r);
	const char *targs[] = {"strict", NULL};
	pt_t_run(&r, NULL, "own_filter", targs);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.stdout_text && !strcmp(r.stdout_text, "strict ret=-1 errno=EINVAL\n"),
		    "the documented difference changed: %s", r.stdout_text ? r.stdout_text : "(none)");
	free(u.out);
	pt_t_free(&r);
}

Test(seccomp, nested_traceme_is_eperm)
{
	struct pt_t_untraced u = baseline("traceme");
	cr_assert(!strcmp(u.out, "traceme ret=0\n"), "untraced: %s", u.out);
	free(u.out);
	for (int nosc = 0; nosc < 2; nosc++) {
		struct pt_t_run r;
		const char *args[] = {nosc ? "--no-seccomp" : "--maps=none", NULL}, *targs[] = {"traceme", NULL};
		pt_t_run(&r, args, "own_filter", targs);
		pt_t_check_log(&r);
		pt_t_assert(&r, r.stdout_text && !strcmp(r.stdout_text, "traceme ret=-1 errno=EPERM\n"),
			    "the documented difference changed: %s", r.stdout_text ? r.stdout_text : "(none)");
		pt_t_free(&r);
	}
}
