/* The tracer's entry point (pt/tracer.h): sets up its state (options,
 * the filter, the launch of the root), runs the loop to the end of the
 * traced tree, ends the trace and tears the state down. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <unistd.h>

#include "emit.h"
#include "launch.h"
#include "pt/elfinfo.h"
#include "tracer_int.h"
#include "unwind.h"

static void print_stats(const struct pt_tracer *T)
{
	static const char *const names[PT_STOP__COUNT] = {
		"seccomp", "syscall-entry", "syscall-exit", "event", "event-stop", "signal", "deaths",
	};
	uint64_t total = 0;
	fprintf(stderr, "ptrace-tour: stops:");
	for (int i = 0; i < PT_STOP__COUNT; i++) {
		fprintf(stderr, " %s=%llu", names[i], (unsigned long long)T->stops[i]);
		if (i != PT_STOP_DEATH)
			total += T->stops[i];
	}
	fprintf(stderr, " total=%llu\n", (unsigned long long)total);
	/* The tracer's own CPU (RUSAGE_SELF: the tracees are not in it), the
	 * cost of tracing that wall time on a loaded machine hides. */
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		uint64_t user = (uint64_t)ru.ru_utime.tv_sec * 1000000 + (uint64_t)ru.ru_utime.tv_usec;
		uint64_t sys = (uint64_t)ru.ru_stime.tv_sec * 1000000 + (uint64_t)ru.ru_stime.tv_usec;
		fprintf(stderr, "ptrace-tour: tracer cpu: user=%.6fs sys=%.6fs total=%.6fs processes=%llu per-process=%.1fus\n",
			(double)user / 1e6, (double)sys / 1e6, (double)(user + sys) / 1e6,
			(unsigned long long)T->nprocs_ended,
			T->nprocs_ended ? (double)(user + sys) / (double)T->nprocs_ended : 0.0);
	}
}

int pt_trace_run(const struct pt_options *o, struct pt_sinks *sinks, const char *path, int *exit_status,
		 char *err, size_t errlen)
{
	struct pt_tracer T;
	struct pt_filter *filter = NULL;
	int rc;
	if (errlen)
		err[0] = '\0';
	memset(&T, 0, sizeof(T));
	T.self = getpid();
	T.opt = o;
	T.sinks = sinks;
	pt_arena_init(&T.arena);
	rc = pt_tasks_init(&T.tasks);
	if (rc < 0)
		goto out;
	if (o->stack && !(T.unw = pt_unwind_new(o->stack_depth))) {
		rc = -ENOMEM;
		goto out;
	}
	T.elf_cache = pt_elf_cache_new(0);
	if (!T.elf_cache) {
		rc = -ENOMEM;
		goto out;
	}
	if (o->seccomp) {
		rc = pt_seccomp_build(&o->trace, &filter);
		if (rc < 0) {
			snprintf(err, errlen, "cannot build the seccomp filter: %s", strerror(-rc));
			goto out;
		}
	}
	/* PTRACE_EVENT_EXIT costs a stop per task; it only tells exit from
	 * exit_group, which matters once a process has threads (see
	 * enable_exit_events in spawn.c), unless -k or --maps=exit need the stop itself. */
	unsigned long popts = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
			      PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD |
			      PTRACE_O_TRACEVFORKDONE;
	if (o->seccomp)
		popts |= PTRACE_O_TRACESECCOMP;
	/* A tracee left with our filter and no tracer gets ENOSYS from every
	 * trapped syscall: if we die, the tree dies with us (as strace >= 6.6
	 * does for --seccomp-bpf).  Without the filter our death detaches the
	 * tracees cleanly, unless --kill-on-exit asks otherwise. */
	if (o->kill_on_exit || o->seccomp)
		popts |= PTRACE_O_EXITKILL;
	if (o->stack || o->maps == PT_MAPS_EXIT)
		popts |= PTRACE_O_TRACEEXIT;
	T.popts = popts;
	pt_interrupt_install();
	if (!path) {
		/* -p: no launch; a terminal's signal always interrupts (no
		 * root shares it: set_root is not called) and detaches. */
		struct pt_attach_walk *w = NULL;
		T.attach_mode = true;
		T.root = o->attach[0];
		rc = pt_attach_seize(&T, &w, err, errlen);
		if (rc < 0)
			goto out;
		pt_emit_start(&T);
		pt_attach_emit(&T, w);
		goto run;
	}
	unsigned launch_stops = 0;
	rc = pt_launch_spawn(path, o->argv, filter, popts, &T.root, &launch_stops);
	if (rc < 0) {
		snprintf(err, errlen, "cannot start %s: %s", path,
			 rc == -ECHILD ? "its launcher died before it could be traced" : strerror(-rc));
		goto out;
	}
	struct pt_task *root = pt_task_add(&T.tasks, T.root);
	struct pt_proc *rp = pt_proc_add(&T.tasks, T.root, T.self);
	if (!root || !rp) {
		kill(T.root, SIGKILL);
		rc = -ENOMEM;
		goto out;
	}
	T.stops[PT_STOP_GROUP] += launch_stops;    /* the seize dance: counted like any stop */
	pt_task_attach(root, rp);
	rp->exit_events = popts & PTRACE_O_TRACEEXIT;
	root->flags |= PT_T_STARTED | PT_T_ANNOUNCED;
	pt_interrupt_set_root(T.root);
	pt_emit_start(&T);
	pt_resume(&T, root, 0);    /* out of the SIGCONT stop launch left it in */

run:
	pt_loop_run(&T);

	pt_lifecycle_finish(&T);
	int status = pt_wstatus_shell_code(T.root_status);
	if (T.interrupted)
		status = 128 + T.interrupted;
	/* -p: detaching is the normal end (0); else the first PID ended
	 * while traced, and its status is ours (README). */
	if (T.attach_mode)
		status = T.interrupted || !T.root_done ? 0 : pt_wstatus_shell_code(T.root_status);
	pt_emit_end(&T, status);
	if (o->stats)
		print_stats(&T);
	*exit_status = status;
	rc = 0;
out:
	/* Paths that know more said it; the rest (ENOMEM) still get a reason. */
	if (rc < 0 && errlen && !err[0])
		snprintf(err, errlen, "%s", strerror(-rc));
	pt_seccomp_destroy(filter);
	if (T.elf_cache)
		pt_elf_cache_destroy(T.elf_cache);
	pt_tasks_free(&T.tasks);
	pt_arena_free(&T.arena);
	pt_unwind_destroy(T.unw);
	return rc;
}
