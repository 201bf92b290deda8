/* execve/execveat: what the caller asked for (read at the entry stop, before
 * the old image is gone) and what the kernel loaded (at PTRACE_EVENT_EXEC). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "exec_detail.h"
#include "pt/execstack.h"
#include "pt/procfs.h"
#include "pt/tables.h"
#include "pt/tracee_mem.h"
#include "tracer_int.h"
#include "unwind.h"

#define PT_PATH_MAX 4096
#define PT_ARGV_MAX_N 4096
#define PT_ARGV_MAX_BYTES (256 * 1024)

void pt_exec_on_entry(struct pt_tracer *T, struct pt_task *t)
{
	struct pt_exec_pending *x = pt_task_exec_pending(t);
	if (!x)
		return;
	pt_arena_reset(&x->arena);
	x->exit_maps = NULL;
	x->exit_stack = NULL;
	struct pt_arena *a = &x->arena;
	const char *path = NULL;
	struct pt_strvec argv = {0};
	bool at = t->sc_kinds & PT_SK_EXECAT;
	const uint64_t *args = t->sc_args;
	unsigned ptr = t->sc_arch == PT_ARCH_I386 ? 4 : 8;

	x->syscall = t->sc_nr;
	x->arch = t->sc_arch;
	/* the kernel takes both as int: the low 32 bits */
	x->dirfd = at ? (int)(uint32_t)args[0] : AT_FDCWD;
	x->at_flags = at ? (int)(uint32_t)args[4] : 0;
	/* the caller's stack, while the old image still exists */
	/* (not for the root's first exec: that stack is ptrace-tour's launcher) */
	bool ours = t->tid == T->root && !T->root_execd;
	x->stack = T->unw && !ours ? pt_unwind_capture(T->unw, t->tid, t->proc ? t->proc->tgid : t->tid, a) : NULL;
	/* one page read serves the path and the argv strings beside it */
	struct pt_mem_chunk chunk;
	chunk.len = 0;
	if (pt_mem_read_str_chunk(t->tid, &chunk, args[at ? 1 : 0], PT_PATH_MAX, a, &path, NULL, NULL) < 0)
		path = NULL;
	x->path = path;
	x->path_addr = args[at ? 1 : 0];
	if (pt_mem_read_strvec_chunk(t->tid, &chunk, args[at ? 2 : 1], ptr, PT_ARGV_MAX_N, PT_ARGV_MAX_BYTES, a,
				     &argv) == 0) {
		x->argv = argv.v;
		x->argc = argv.n;
		x->argv_truncated = argv.truncated;
	} else {
		x->argv = NULL;
		x->argc = 0;
		x->argv_truncated = true;
	}
	x->old_env_read = false;
	x->maps_before = (struct pt_maps){0};
	if (T->opt->maps != PT_MAPS_NONE)
		pt_exec_detail_on_entry(T, t);
}

struct pt_task *pt_exec_on_event(struct pt_tracer *T, struct pt_task *t, pid_t old_tid)
{
	if (old_tid > 0 && old_tid != t->tid) {
		/* A non-leader thread exec'd: the kernel killed every other thread,
		 * and the exec'ing thread took over the leader's tid.  The old
		 * leader never reports its own death. */
		struct pt_task *old = pt_task_find(&T->tasks, old_tid);
		if (old) {
			/* No exit event for the old leader thread: its pid lives on
			 * as the process; the exec event's old_pid tells the story. */
			if (t->flags & PT_T_HELD)
				T->nheld--;
			pid_t leader = t->tid;
			pt_task_remove(&T->tasks, t);
			pt_task_rekey(&T->tasks, old, leader);
			t = old;
		}
	}
	struct pt_event ev = {.kind = PT_EV_EXEC};
	struct pt_exec_pending *x = t->exec;
	if (t->tid == T->root)
		T->root_execd = true;
	if (T->unw)     /* a new image: every cached mapping is stale */
		pt_unwind_invalidate(T->unw, t->proc ? t->proc->tgid : t->tid);
	ev.stack = x ? x->stack : NULL;
	ev.u.exec.old_pid = old_tid != t->tid ? old_tid : 0;
	ev.u.exec.syscall = x ? x->syscall : -1;
	ev.u.exec.arch = x ? x->arch : PT_ARCH_X86_64;
	ev.u.exec.path = x && x->path ? x->path : "";
	if (x) {
		ev.u.exec.argv = x->argv;
		ev.u.exec.argc = x->argc;
		ev.u.exec.argv_truncated = x->argv_truncated;
	}
	const struct pt_xs_vec *stack_argv = NULL;
	if (T->opt->maps != PT_MAPS_NONE)
		ev.u.exec.detail = pt_exec_detail_on_event(T, t, &stack_argv);
	/* No entry stop (--events-only, or a task attached inside execve):
	 * the new image tells what it runs, from its stack block (read for
	 * the anatomy) or /proc, once per exec.  Its path is the resolved
	 * /proc/PID/exe, not the string passed. */
	if (!x || (!x->path && !x->argv && !x->argv_truncated)) {
		struct pt_env cmd;
		const char *exe;
		if (stack_argv) {
			ev.u.exec.argv = stack_argv->v;
			ev.u.exec.argc = stack_argv->n;
			ev.u.exec.argv_truncated = stack_argv->truncated;
		} else if (pt_procfs_read_cmdline(t->tid, &T->arena, &cmd) == 0) {
			ev.u.exec.argv = cmd.v;
			ev.u.exec.argc = cmd.n;
			ev.u.exec.argv_truncated = cmd.truncated;
		}
		if (ev.u.exec.detail && ev.u.exec.detail->exe)
			ev.u.exec.path = ev.u.exec.detail->exe;
		else if (pt_procfs_readlink(t->tid, "exe", &T->arena, &exe) == 0)
			ev.u.exec.path = exe;
	}
	pt_tracer_stamp(T, &ev, t->tid, t->proc ? t->proc->tgid : t->tid);
	T->exec_ev = ev;
	T->exec_ev_held = true;
	return t;
}

/* Told once the task runs again: formatting an exec event (its two maps
 * are most of the log's bytes) need not keep the new image waiting.  Its
 * order among the events is kept: nothing else is told in between. */
void pt_exec_tell(struct pt_tracer *T, struct pt_task *t)
{
	struct pt_exec_pending *x = t->exec;
	if (!T->exec_ev_held)
		return;
	T->exec_ev_held = false;
	pt_tracer_tell(T, &T->exec_ev);
	if (x) {
		pt_arena_reset(&x->arena);
		x->stack = NULL;
		x->path = NULL;     /* pointed into the arena: the next exec must not see it */
		x->argv = NULL;
		x->argc = 0;
		x->argv_truncated = false;
		x->syscall = -1;
		x->maps_before = (struct pt_maps){0};   /* in the arena too */
		x->old_env = (struct pt_env){0};
		x->old_env_read = false;
	}
}
