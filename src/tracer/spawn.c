/* New tasks: the fork/vfork/clone events (who made the child, how, with
 * which flags), a new task's first stop (held until its parent's event
 * names it), and the children a killed parent never named (creator hints,
 * orphan release). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "emit.h"
#include "pt/procfs.h"
#include "pt/tracee_mem.h"
#include "tracer_int.h"
#include "unwind.h"

/* find_hint's answers that are not an index. */
#define HINT_NONE (-1)         /* none, or ambiguous: the spawn is `orphan` */
#define HINT_NOT_YET (-2)      /* a process still dying may yet name the creator */

/* What the parent called, read from its registers at the event stop (no
 * trap was needed for fork/clone: see seccomp.c). */
static void spawn_details(struct pt_tracer *T, struct pt_task *parent, int event, struct pt_ev_spawn *sp)
{
	struct user_regs_struct r;
	*sp = (struct pt_ev_spawn){.syscall = -1};
	if (ptrace(PTRACE_GETREGS, parent->tid, NULL, &r) == 0) {
		enum pt_arch arch = pt_arch_of_regs(&r);
		long nr = (long)(r.orig_rax & ~(uint64_t)PT_X32_SYSCALL_BIT);
		uint64_t arg0 = arch == PT_ARCH_I386 ? r.rbx : r.rdi;
		const struct pt_syscall_desc *d = pt_syscall_desc(arch, nr);
		sp->arch = arch;
		if (d) {
			sp->syscall = (int)nr;
			if (d->kinds & PT_SK_CLONE) {
				sp->flags = arg0;
			} else if (d->kinds & PT_SK_CLONE3) {
				/* struct clone_args: flags, pidfd, child_tid,
				 * parent_tid, exit_signal, stack, stack_size, tls
				 * (u64 each); one read up to stack_size, bounded by
				 * the size the caller passed */
				uint64_t ca[7] = {0};
				uint64_t size = arch == PT_ARCH_I386 ? r.rcx : r.rsi;
				size_t want = size < sizeof(ca) ? sizeof(ca[0]) : sizeof(ca);
				if (pt_mem_read(parent->tid, arg0, ca, want) == 0) {
					sp->flags = ca[0];
					sp->args_size = size;
					if (want == sizeof(ca)) {
						sp->has_args = true;
						sp->exit_signal = (int)ca[4];
						sp->stack = ca[5];
						sp->stack_size = ca[6];
					}
				}
			}
		}
	}
	(void)T;
	if (sp->flags & CLONE_THREAD)
		sp->kind = PT_SPAWN_THREAD;
	else if (event == PTRACE_EVENT_VFORK || (sp->flags & CLONE_VFORK))
		sp->kind = PT_SPAWN_VFORK;
	else if (sp->flags & (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PARENT | CLONE_NEWNS |
			      CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC |
			      CLONE_NEWCGROUP | CLONE_IO | CLONE_SYSVSEM))
		sp->kind = PT_SPAWN_CLONE;
	else
		sp->kind = PT_SPAWN_FORK;   /* glibc's fork() is clone(SIGCHLD|CHILD_SETTID|...) */
}

/* Gives a new task its process, then emits its spawn event. */
static void announce(struct pt_tracer *T, struct pt_task *child, pid_t parent_tid, pid_t parent_tgid,
		     pid_t parent_ppid, const struct pt_ev_spawn *sp, bool parent_stopped)
{
	if (sp->kind == PT_SPAWN_THREAD) {
		struct pt_proc *p = pt_proc_find(&T->tasks, parent_tgid);
		if (!p)
			p = pt_proc_add(&T->tasks, parent_tgid, parent_ppid);
		pt_task_attach(child, p);
	} else {
		struct pt_proc *old = pt_proc_find(&T->tasks, child->tid);
		if (old)    /* a recycled pid whose previous life we never saw reaped */
			pt_proc_remove(&T->tasks, old);
		pid_t ppid = (sp->flags & CLONE_PARENT) ? parent_ppid : parent_tgid;
		struct pt_proc *pp = pt_proc_find(&T->tasks, parent_tgid), *cp = pt_proc_add(&T->tasks, child->tid, ppid);
		if (cp) {   /* ptrace options are inherited at auto-attach */
			cp->exit_events = pp ? pp->exit_events : (T->popts & PTRACE_O_TRACEEXIT);
			/* a copy of (or, vfork, the same) memory: the same
			 * start environment, for its exec's env diff */
			cp->env = pt_env_image_ref(pp ? pp->env : NULL);
		}
		pt_task_attach(child, cp);
		/* both alive: the parent in its event stop, the child not dead */
		if (parent_stopped && pp && !(child->flags & PT_T_DIED))
			pt_pidns_on_spawn(T, parent_tid, pp, cp);
	}
	child->flags |= PT_T_ANNOUNCED;
	struct pt_event ev = {.kind = PT_EV_SPAWN};
	if (T->unw) {
		/* a recycled pid must not inherit a stale address space */
		if (sp->kind != PT_SPAWN_THREAD)
			pt_unwind_forget(T->unw, child->tid);
		if (parent_stopped)
			ev.stack = pt_unwind_capture(T->unw, parent_tid, parent_tgid, &T->arena);
	}
	ev.u.spawn = *sp;
	ev.u.spawn.child = child->tid;
	pt_tracer_emit(T, &ev, parent_tid, parent_tgid);
}

/* A process's first thread: from now on exit and exit_group differ, so its
 * tasks stop at PTRACE_EVENT_EXIT.  The parent is in its clone event stop;
 * the new thread was attached with the old options and gets the new ones
 * at its first stop (now, if it is held there already).
 * -ESRCH from either task: it was killed in its stop (SIGKILL, another
 * thread's exit_group), its death report follows: carry on as if set.  Any
 * other failure of the parent's (none is known for a task in a
 * ptrace-stop) leaves the process without exit events, its exits told as
 * before it had threads, and its next thread tries again; of the held
 * child's, that thread alone has no exit stop.  0 or -errno. */
static int enable_exit_events(struct pt_tracer *T, struct pt_task *parent, struct pt_task *child)
{
	unsigned long opts = T->popts | PTRACE_O_TRACEEXIT;
	int rc = pt_set_options(parent->tid, opts);
	if (rc < 0 && rc != -ESRCH)
		return rc;
	parent->proc->exit_events = true;
	if (!(child->flags & PT_T_HELD)) {
		child->flags |= PT_T_NEED_OPTS;
		return 0;
	}
	rc = pt_set_options(child->tid, opts);
	return rc == -ESRCH ? 0 : rc;
}

/* ---- children their parent could not name ---- */

/* A task killed in its fork event stop took the new tid with it (the stale
 * message is its exit status).  Its child, held at its first stop, still
 * needs a spawn: remember who had the event, and the child itself when
 * the registers at the task's exit stop show the fork call returning it. */
static int add_hint(struct pt_tracer *T, const struct pt_task *parent, int event, pid_t child,
		    const struct pt_ev_spawn *sp)
{
	const unsigned max = sizeof(T->hints) / sizeof(*T->hints);
	for (unsigned i = 0; child && i < T->nhints; i++)
		if (T->hints[i].tid == parent->tid && !T->hints[i].child) {
			T->hints[i].child = child;      /* its stale event, now named */
			T->hints[i].sp = *sp;
			return (int)i;
		}
	if (T->nhints == max) {     /* the oldest goes: a bounded memory */
		T->hints_lost = true;
		memmove(T->hints, T->hints + 1, (max - 1) * sizeof(*T->hints));
		T->nhints--;
	}
	struct pt_creator_hint *h = &T->hints[T->nhints++];
	*h = (struct pt_creator_hint){parent->tid, pt_task_tgid(parent), parent->proc ? parent->proc->ppid : 0, child,
				      event, {0}};
	if (sp)
		h->sp = *sp;
	else
		h->sp.syscall = -1;
	return (int)T->nhints - 1;
}

static bool proc_dead(struct pt_tracer *T, pid_t tgid)
{
	struct pt_proc *p = pt_proc_find(&T->tasks, tgid);
	return !p || p->dead;
}

/* The hint naming t's creator: one naming t itself; else, among those that
 * name no child, a clone in t's process for a thread (its tgid never
 * changes), or one in the process /proc named as its parent (want_tgid)
 * when that is a traced one: any of these is the right process.  Else
 * (t's parent had died before we read /proc: init adopted it) only the one
 * hint left whose process is dead, when no other could be the creator:
 * none still dying, none dropped (hints_lost).  A child we know nothing of
 * (!known: its death came before its first stop) is claimed only by a hint
 * naming it.  HINT_NONE if none or ambiguous: the spawn is then `orphan`;
 * HINT_NOT_YET (not final) when a process still dying (a stale event means its task was
 * SIGKILLed) may yet name or be the creator: wait for its death.
 * *same_tid: every candidate is one thread, so the hint names the creating
 * thread and not just its process. */
static int find_hint(struct pt_tracer *T, const struct pt_task *t, bool known, bool thread, pid_t want_tgid,
		     bool final, bool *same_tid)
{
	int found = HINT_NONE;
	unsigned n = 0;
	bool dying = false;
	*same_tid = !T->hints_lost;
	for (unsigned i = 0; i < T->nhints; i++)
		if (T->hints[i].child == t->tid)
			return (int)i;
	for (unsigned i = 0; i < T->nhints; i++) {
		const struct pt_creator_hint *h = &T->hints[i];
		if (h->child || (known && thread && h->event != PTRACE_EVENT_CLONE))
			continue;
		if (want_tgid && h->tgid != want_tgid)
			continue;
		if (!want_tgid && !proc_dead(T, h->tgid)) {
			dying = true;
			continue;
		}
		n++;
		if (found < 0)
			found = (int)i;
		else if (T->hints[found].tgid != h->tgid)
			return HINT_NONE;
		else if (T->hints[found].tid != h->tid)
			*same_tid = false;
	}
	if (dying && !final)
		return HINT_NOT_YET;
	if (!known || (!want_tgid && (n > 1 || dying || T->hints_lost)))
		return HINT_NONE;
	return found;
}

static void drop_hint(struct pt_tracer *T, int i)
{
	memmove(&T->hints[i], &T->hints[i + 1], (T->nhints - (unsigned)i - 1) * sizeof(*T->hints));
	T->nhints--;
}

/* Announces held t as the child of hint i, then reports its death or lets
 * it run. */
static void adopt_by_hint(struct pt_tracer *T, struct pt_task *t, int i, bool same_tid)
{
	struct pt_creator_hint h = T->hints[i];
	drop_hint(T, i);
	struct pt_ev_spawn sp = h.sp;
	if (h.child != t->tid) {    /* the event's details went with the message */
		bool thread = t->held_tgid ? t->held_tgid != t->tid : h.event == PTRACE_EVENT_CLONE;
		sp = (struct pt_ev_spawn){.kind = thread ? PT_SPAWN_THREAD
					  : h.event == PTRACE_EVENT_VFORK ? PT_SPAWN_VFORK : PT_SPAWN_FORK,
					  .syscall = -1};
		if (!same_tid)
			h.tid = h.tgid;
	}
	announce(T, t, h.tid, h.tgid, h.ppid, &sp, false);
	if (t->flags & PT_T_DIED)
		pt_lifecycle_on_death(T, t, t->death_status);
	else
		pt_release_held(T, t, 0);
}

void pt_spawn_on_event(struct pt_tracer *T, struct pt_task *parent, int event)
{
	unsigned long msg = 0;
	/* A stale event names no child: the child, held at its first stop,
	 * is let go when its parent dies (release_orphaned_held). */
	if (pt_event_msg(parent->tid, event, &msg) < 0 || !msg) {
		add_hint(T, parent, event, 0, NULL);
		return;
	}
	/* Validated: ctid is a tracee of ours (auto-attached by this fork). */
	pid_t ctid = (pid_t)msg;
	struct pt_task *child = pt_task_find(&T->tasks, ctid);
	if (!child && !(child = pt_task_add(&T->tasks, ctid)))
		return;
	if (parent->flags & PT_T_UNTRACED)
		pt_untraced_on_spawn(parent, child);
	struct pt_ev_spawn sp;
	spawn_details(T, parent, event, &sp);
	pid_t ptgid = pt_task_tgid(parent);
	announce(T, child, parent->tid, ptgid, parent->proc ? parent->proc->ppid : 0, &sp, true);
	/* a failure is handled there: the process keeps its old options */
	if (sp.kind == PT_SPAWN_THREAD && parent->proc && !parent->proc->exit_events)
		(void)enable_exit_events(T, parent, child);
	if (child->flags & PT_T_DIED) {     /* killed while held: its death comes now */
		pt_lifecycle_on_death(T, child, child->death_status);
		return;
	}
	if (child->flags & PT_T_HELD) {
		if (T->shutting_down && T->opt->seccomp)
			kill(ctid, SIGKILL);
		pt_release_held(T, child, 0);
	}
}

/* A new task's parent never named it: the parent was killed before its
 * fork event stop (no report) or in it (a stale message, see add_hint).
 * Once the parent is dead, name the creator a hint gives, else the parent
 * /proc named when we held it, flagged `orphan` when that is not a traced
 * process (the creator had died already: it is init or a subreaper). */
struct release {
	struct pt_tracer *T;
	bool final;     /* the trace is over: decide with what we have */
};

static void release_orphaned_held(struct pt_task *t, void *arg)
{
	struct release *rel = arg;
	struct pt_tracer *T = rel->T;
	if (!(t->flags & PT_T_HELD) || (t->flags & PT_T_ANNOUNCED))
		return;
	bool known = t->held_tgid > 0, thread = known && t->held_tgid != t->tid;
	pid_t parent = !known ? 0 : thread ? t->held_tgid : t->held_ppid;
	struct pt_proc *p = parent ? pt_proc_find(&T->tasks, parent) : NULL;
	if (p && !p->dead)
		return;
	bool same_tid;
	int h = find_hint(T, t, known, thread, p || thread ? parent : 0, rel->final, &same_tid);
	if (h == HINT_NOT_YET)
		return;
	if (h >= 0) {
		adopt_by_hint(T, t, h, same_tid);
		return;
	}
	if (!known) {
		/* died before its first stop, and nothing says who made it:
		 * there is nothing true to report */
		T->nheld--;
		pt_task_remove(&T->tasks, t);
		return;
	}
	struct pt_ev_spawn sp = {.kind = thread ? PT_SPAWN_THREAD : PT_SPAWN_FORK, .syscall = -1, .orphan = !p};
	announce(T, t, parent, parent, p ? p->ppid : 0, &sp, false);
	if (t->flags & PT_T_DIED)
		pt_lifecycle_on_death(T, t, t->death_status);
	else
		pt_release_held(T, t, 0);
}

void pt_spawn_release_orphans(struct pt_tracer *T, bool final)
{
	struct release rel = {T, final};
	if (T->nheld)
		pt_tasks_each(&T->tasks, release_orphaned_held, &rel);
}

void pt_spawn_on_first_stop(struct pt_tracer *T, struct pt_task *t)
{
	t->flags |= PT_T_STARTED;
	if (T->shutting_down) {     /* seccomp mode: the whole tree goes */
		kill(t->tid, SIGKILL);
		pt_resume(T, t, 0);
		return;
	}
	if (t->flags & PT_T_ANNOUNCED) {
		if (t->flags & PT_T_NEED_OPTS) {
			t->flags &= ~PT_T_NEED_OPTS;
			/* -ESRCH: killed since its report: its death report
			 * follows, there is nothing to restart.  No other
			 * failure is known for a task in a ptrace-stop; one
			 * would leave this thread without an exit stop (its
			 * exit then told as by_other), nothing worse. */
			if (pt_set_options(t->tid, T->popts | PTRACE_O_TRACEEXIT) == -ESRCH)
				return;
		}
		if (t->flags & PT_T_UNTRACED)
			pt_untraced_restore(t);
		pt_resume(T, t, 0);
		return;
	}
	/* The child's first stop can beat its parent's fork event: hold it so
	 * that no event of the child precedes its spawn in the log. */
	struct pt_proc_status st;
	if (pt_procfs_read_status(t->tid, &st) == 0) {
		t->held_ppid = st.ppid;
		t->held_tgid = st.tgid;
	}
	t->flags |= PT_T_HELD;
	T->nheld++;
	/* its parent's exit stop named it already */
	for (unsigned i = 0; i < T->nhints; i++)
		if (T->hints[i].child == t->tid) {
			adopt_by_hint(T, t, (int)i, true);
			break;
		}
}

/* Whether the pid a fork call of task `by` returned (in by's pid
 * namespace) is a tracee of ours, under the same pid, still alive: the
 * fork may have returned long before (its child gone, the pid recycled),
 * or made a CLONE_UNTRACED child.  Read only at the rare exit stop that
 * leaves through a fork call. */
static bool our_new_tracee(struct pt_tracer *T, pid_t by, pid_t child)
{
	struct pt_proc_status st;
	if (pt_pidns_is_ours(T, by) != 1)
		return false;
	return pt_procfs_read_status(child, &st) == 0 && st.tracer_pid == T->self;
}

void pt_spawn_on_exit_stop(struct pt_tracer *T, struct pt_task *t, uint32_t kinds, enum pt_arch arch, int64_t ret)
{
	pid_t child = arch == PT_ARCH_I386 ? (pid_t)(int32_t)ret : (pid_t)ret;
	struct pt_task *c = child > 0 ? pt_task_find(&T->tasks, child) : NULL;
	if (child > 0 && (!c || !(c->flags & PT_T_ANNOUNCED)) && our_new_tracee(T, t->tid, child)) {
		/* a child its (stale) event never named */
		struct pt_ev_spawn sp;
		spawn_details(T, t, (kinds & PT_SK_VFORK) ? PTRACE_EVENT_VFORK : PTRACE_EVENT_FORK, &sp);
		int h = add_hint(T, t, sp.kind == PT_SPAWN_THREAD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK, child, &sp);
		if (c && (c->flags & PT_T_HELD))
			adopt_by_hint(T, c, h, true);
	}
}
