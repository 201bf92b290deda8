/* Issue "Stack traces at lifecycle events (-k)": the "stack" and
 * "unwind_error" fields of the JSONL log (docs/trace-format.md,
 * docs/stacks.md) on tracees built with frame pointers and noinline
 * functions: spawn_worker, exit_paths, execvp_path, thread_exit_group and
 * a 200-process fork_chain.  Frames are innermost first. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(stack, .fini = pt_t_cleanup);

/* The "stack" array of event e, or NULL. */
static json_object *stack_of(json_object *e)
{
	json_object *st = pt_t_get(e, "stack");
	return st && json_object_is_type(st, json_type_array) ? st : NULL;
}

static size_t nframes(json_object *st)
{
	return st ? json_object_array_length(st) : 0;
}

static const char *frame_str(json_object *st, size_t i, const char *key)
{
	json_object *fr = json_object_array_get_idx(st, i);
	return fr ? pt_t_str(fr, key) : NULL;
}

/* Index of the first frame at or after from whose func is name, -1 if none. */
static long find_func(json_object *st, const char *name, size_t from)
{
	for (size_t i = from; i < nframes(st); i++) {
		const char *f = frame_str(st, i, "func");
		if (f && !strcmp(f, name))
			return (long)i;
	}
	return -1;
}

static bool frame_in_libc(json_object *st, size_t i)
{
	const char *m = frame_str(st, i, "module");
	return m && strstr(m, "/libc.so");
}

/* Every frame is an object with a hex "ip"; "off" goes with "func" and
 * "module_off" with "module". */
static void check_frames(struct pt_t_run *r, json_object *e)
{
	json_object *st = stack_of(e);
	pt_t_assert(r, st != NULL, "no stack array: %s", pt_t_json(e));
	for (size_t i = 0; i < nframes(st); i++) {
		json_object *fr = json_object_array_get_idx(st, i);
		const char *ip = pt_t_str(fr, "ip");
		pt_t_assert(r, ip && !strncmp(ip, "0x", 2), "frame %zu: ip should be a hex string: %s", i,
			    pt_t_json(e));
		pt_t_assert(r, pt_t_has(fr, "func") == pt_t_has(fr, "off"), "frame %zu: func and off go together: %s",
			    i, pt_t_json(e));
		pt_t_assert(r, pt_t_has(fr, "module") == pt_t_has(fr, "module_off"),
			    "frame %zu: module and module_off go together: %s", i, pt_t_json(e));
		const char *mo = pt_t_str(fr, "module_off");
		pt_t_assert(r, !mo || !strncmp(mo, "0x", 2), "frame %zu: module_off should be a hex string: %s", i,
			    pt_t_json(e));
	}
}

/* spawn event of the root: [libc fork frames], spawn_worker, main */
Test(stack, spawn_names_spawn_worker_then_main)
{
	struct pt_t_run r;
	pt_t_run(&r, ARGS("-k"), "spawn_worker", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 0, "tool exit %d", r.code);
	pid_t root = pt_t_root(&r);
	json_object *sp = pt_t_nth(&r, "spawn", root, 0);
	pt_t_assert(&r, sp != NULL, "no spawn event of the root %d", (int)root);
	check_frames(&r, sp);
	json_object *st = stack_of(sp);
	long iw = find_func(st, "spawn_worker", 0);
	long im = find_func(st, "main", 0);
	pt_t_assert(&r, iw >= 1 && im == iw + 1,
		    "the spawn stack should read [libc fork frames], spawn_worker, main: %s", pt_t_json(sp));
	for (long i = 0; i < iw; i++)
		pt_t_assert(&r, frame_in_libc(st, (size_t)i), "frame %ld (above spawn_worker) should be libc's: %s",
			    i, pt_t_json(sp));
	const char *mod = frame_str(st, (size_t)iw, "module");
	pt_t_assert(&r, mod && strstr(mod, "/spawn_worker"), "spawn_worker's module: %s", pt_t_json(sp));
	pt_t_assert(&r, !pt_t_has(sp, "unwind_error"), "a complete stack expected: %s", pt_t_json(sp));
	/* without -k: no stack at all */
	struct pt_t_run r2;
	pt_t_run(&r2, NULL, "spawn_worker", NULL);
	pt_t_check_log(&r2);
	json_object *sp2 = pt_t_nth(&r2, "spawn", pt_t_root(&r2), 0);
	pt_t_assert(&r2, sp2 && !pt_t_has(sp2, "stack") && !pt_t_has(sp2, "unwind_error"),
		    "no stack without -k: %s", sp2 ? pt_t_json(sp2) : "(no spawn)");
	pt_t_free(&r2);
	pt_t_free(&r);
}

/* A thread's spawn: the parent stops right after glibc's clone3 syscall,
 * in code its unwind info leaves out (docs/stacks.md); the stack must
 * still reach pthread_create and main. */
Test(stack, thread_spawn_names_pthread_create_then_main)
{
	struct pt_t_run r;
	pt_t_run(&r, ARGS("-k"), "thread_exit_group", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 4, "tool exit %d", r.code);
	size_t n = pt_t_count_str(&r, "spawn", "kind", "thread");
	pt_t_assert(&r, n == 3, "3 thread spawns expected, got %zu", n);
	for (size_t i = 0; i < n; i++) {
		json_object *sp = pt_t_find_str(&r, "spawn", "kind", "thread", i);
		check_frames(&r, sp);
		json_object *st = stack_of(sp);
		long ip = find_func(st, "pthread_create", 0);
		long im = find_func(st, "main", 0);
		pt_t_assert(&r, ip >= 1 && im == ip + 1 && !pt_t_has(sp, "unwind_error"),
			    "thread spawn %zu: [libc clone frames], pthread_create, main expected: %s", i,
			    pt_t_json(sp));
	}
	pt_t_free(&r);
}

/* The exit event of the root of exit_paths HOW; checks the common part:
 * status 3, frame 0 is _exit (the exit_group syscall), leave then main. */
static json_object *exit_stack(struct pt_t_run *r, const char *how, long *ileave)
{
	pt_t_run(r, ARGS("-k"), "exit_paths", ARGS(how));
	pt_t_check_log(r);
	pt_t_assert(r, r->exited && r->exit_code == 3, "exit_paths %s exits 3; the tool exited %d", how, r->code);
	json_object *ex = pt_t_exit_of(r, pt_t_root(r));
	pt_t_assert(r, ex != NULL, "no exit event of the root");
	pt_t_assert(r, pt_t_status_exited(ex, NULL) == 3, "exit status 3 expected: %s", pt_t_json(ex));
	check_frames(r, ex);
	json_object *st = stack_of(ex);
	pt_t_assert(r, !pt_t_has(ex, "unwind_error"), "a complete stack expected: %s", pt_t_json(ex));
	const char *f0 = frame_str(st, 0, "func");
	pt_t_assert(r, f0 && !strcmp(f0, "_exit"), "frame 0 should be _exit: %s", pt_t_json(ex));
	long il = find_func(st, "leave", 0);
	long im = find_func(st, "main", 0);
	pt_t_assert(r, il >= 1 && im == il + 1, "leave then main expected: %s", pt_t_json(ex));
	*ileave = il;
	return st;
}

Test(stack, exit_goes_through_libc_exit)
{
	struct pt_t_run r;
	long il;
	json_object *st = exit_stack(&r, "exit", &il);
	long ie = find_func(st, "exit", 0);
	pt_t_assert(&r, ie > 0 && ie < il, "exit(): the libc exit path (exit -> __run_exit_handlers -> _exit) "
		    "between _exit and leave expected: %s", pt_t_json(pt_t_exit_of(&r, pt_t_root(&r))));
	for (long i = 0; i < il; i++)
		pt_t_assert(&r, frame_in_libc(st, (size_t)i), "frame %ld should be libc's", i);
	/* what the exit path did: the handler ran, stdio was flushed */
	pt_t_assert(&r, r.stdout_text && strstr(r.stdout_text, "atexit handler ran\nbuffered by stdio"),
		    "exit(): the atexit handler's line then the flushed buffer expected on stdout");
	pt_t_free(&r);
}

Test(stack, underscore_exit_skips_libc_exit)
{
	struct pt_t_run r;
	long il;
	json_object *st = exit_stack(&r, "_exit", &il);
	pt_t_assert(&r, il == 1, "_exit(): leave calls _exit directly: %s",
		    pt_t_json(pt_t_exit_of(&r, pt_t_root(&r))));
	pt_t_assert(&r, find_func(st, "exit", 0) < 0 && find_func(st, "__run_exit_handlers", 0) < 0,
		    "_exit(): no libc exit path expected: %s", pt_t_json(pt_t_exit_of(&r, pt_t_root(&r))));
	pt_t_assert(&r, !r.stdout_text || (!strstr(r.stdout_text, "atexit handler ran") &&
					   !strstr(r.stdout_text, "buffered by stdio")),
		    "_exit(): no handler, no flush; stdout was '%s'", r.stdout_text);
	pt_t_free(&r);
}

/* The exec stack is the caller's, taken before the image is replaced. */
Test(stack, exec_stack_is_the_callers)
{
	struct pt_t_run r;
	pt_t_run(&r, ARGS("-k"), "execvp_path", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 0, "tool exit %d", r.code);
	json_object *ex = pt_t_exec_named(&r, "true");
	pt_t_assert(&r, ex != NULL, "no exec of true");
	check_frames(&r, ex);
	json_object *st = stack_of(ex);
	long im = find_func(st, "main", 0);
	pt_t_assert(&r, im >= 1, "the exec stack should hold execvp_path's main: %s", pt_t_json(ex));
	for (long i = 0; i < im; i++)
		pt_t_assert(&r, frame_in_libc(st, (size_t)i), "frame %ld (above main) should be libc's: %s", i,
			    pt_t_json(ex));
	const char *mod = frame_str(st, (size_t)im, "module");
	pt_t_assert(&r, mod && strstr(mod, "/execvp_path"),
		    "main's module should be the old image, execvp_path: %s", pt_t_json(ex));
	pt_t_assert(&r, !pt_t_has(ex, "unwind_error"), "a complete stack expected: %s", pt_t_json(ex));
	pt_t_free(&r);
}

/* 201 processes, each with its own address space to unwind. */
Test(stack, tree_of_200_processes)
{
	struct pt_t_run r;
	pt_t_run(&r, ARGS("-k"), "fork_chain", ARGS("200"));
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 0, "tool exit %d", r.code);
	size_t nspawn = pt_t_count(&r, "spawn", 0);
	pt_t_assert(&r, nspawn == 200, "200 spawns expected, got %zu", nspawn);
	for (size_t i = 0; i < nspawn; i++) {
		json_object *sp = pt_t_nth(&r, "spawn", 0, i);
		check_frames(&r, sp);
		json_object *st = stack_of(sp);
		pt_t_assert(&r, find_func(st, "main", 0) >= 1 && !pt_t_has(sp, "unwind_error"),
			    "spawn %zu: a complete stack through main expected: %s", i, pt_t_json(sp));
	}
	size_t nexit = pt_t_count(&r, "exit", 0);
	pt_t_assert(&r, nexit == 201, "201 exits expected, got %zu", nexit);
	for (size_t i = 0; i < nexit; i++) {
		json_object *ex = pt_t_nth(&r, "exit", 0, i);
		check_frames(&r, ex);
		pt_t_assert(&r, nframes(stack_of(ex)) > 0 || pt_t_has(ex, "unwind_error"),
			    "exit %zu: frames, or the reason there are none: %s", i, pt_t_json(ex));
	}
	pt_t_free(&r);
}
