/* The ptrace loop: the only caller of waitpid(__WALL) and of the restart
 * requests.  One function, dispatch(), classifies every stop the kernel can
 * report (see man 2 ptrace, and ../shared/ptrace-notes.md):
 *
 *   SIGTRAP|0x80               syscall entry/exit (--no-seccomp, or the exit
 *                              of a call whose seccomp stop asked for it)
 *   PTRACE_EVENT_SECCOMP       a filtered syscall's entry
 *   PTRACE_EVENT_FORK/VFORK/CLONE, EXEC, EXIT, VFORK_DONE
 *   PTRACE_EVENT_STOP          a new task's first stop, a group-stop, or the
 *                              wake-up of a PTRACE_LISTEN'ed task
 *   any other stop             signal-delivery stop: re-inject the signal
 */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt/elfinfo.h"
#include "exec_detail.h"
#include "pt/launch.h"
#include "pt/procfs.h"
#include "pt/seccomp.h"
#include "pt/tracee_mem.h"
#include "pt/tracer.h"
#include "unwind.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif
#define X32_SYSCALL_BIT 0x40000000u

static volatile sig_atomic_t g_interrupted;
/* For the handler: the root's pid (0 before the launch and once reaped), and
 * a terminal's signal that arrived after the root was gone: the loop then
 * looks at the rest of the tree (see on_interrupt). */
static volatile sig_atomic_t g_root, g_tty_pending;

uint64_t pt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void pt_tracer_emit(struct pt_tracer *T, struct pt_event *ev, pid_t pid, pid_t tgid)
{
	uint64_t now = pt_now_ns();
	if (ev->kind == PT_EV_START)
		T->t0 = now;
	ev->ts_ns = now - T->t0;
	ev->pid = pid;
	ev->tgid = tgid;
	pt_sinks_emit(T->sinks, ev);
	pt_arena_reset(&T->arena);
}

static pid_t tgid_of(const struct pt_task *t)
{
	return t->proc ? t->proc->tgid : t->tid;
}

/* ---- restarts ---- */

/* ESRCH from any request means the task died under us (SIGKILL, exit of
 * its group): not an error, its death report is on its way. */
static void resume(struct pt_tracer *T, struct pt_task *t, int sig)
{
	int req = (!T->opt->seccomp || (t->flags & (PT_T_IN_SYSCALL | PT_T_UNTRACED))) ? PTRACE_SYSCALL : PTRACE_CONT;
	ptrace(req, t->tid, NULL, (void *)(long)sig);
}

static void release_held(struct pt_tracer *T, struct pt_task *t, int sig)
{
	t->flags &= ~PT_T_HELD;
	T->nheld--;
	resume(T, t, sig);
}

/* ---- CLONE_UNTRACED ----
 *
 * A child made with CLONE_UNTRACED is not auto-attached, so it would escape
 * the trace; in seccomp mode it also keeps our filter, whose TRACE with no
 * tracer fails its execve (and every trapped call) with ENOSYS.  So at the
 * call's entry (our seccomp stop, whose rule matches only such a clone and
 * every clone3, or the --no-seccomp entry stop) we clear the flag, and the
 * kernel attaches the child as for any clone.  The program must not see it:
 * at the parent's fork event (or the exit stop of a clone that failed) the
 * parent gets back the register or clone_args.flags it passed; the child,
 * which copied the parent's registers (and without CLONE_VM its memory)
 * with the flag cleared, gets the same back at its first stop, before it
 * runs a single instruction. */

/* The flags are clone's first argument in both ABIs (which otherwise
 * order its arguments differently): rdi for x86_64 and x32, ebx for i386. */
static void *clone_flags_reg(uint8_t arch)
{
	return (void *)(arch == PT_ARCH_I386 ? offsetof(struct user_regs_struct, rbx)
					     : offsetof(struct user_regs_struct, rdi));
}

static void untraced_restore(struct pt_task *t)
{
	if (t->flags & PT_T_UNTRACED_REG)
		ptrace(PTRACE_POKEUSER, t->tid, clone_flags_reg(t->clone_arch), (void *)t->clone_flags);
	/* POKEDATA writes where process_vm_writev cannot: a clone_args in
	 * read-only memory (it needed the same to clear the flag). */
	if (t->flags & PT_T_UNTRACED_MEM)
		ptrace(PTRACE_POKEDATA, t->tid, (void *)t->clone_args, (void *)t->clone_flags);
	t->flags &= ~PT_T_UNTRACED;
}

/* At the entry of a fork, vfork, clone or clone3 (args as the stop reports
 * them; table is the ABI's table, arch the ABI). */
static void untraced_on_entry(struct pt_task *t, const uint64_t *args, enum pt_arch arch, enum pt_arch table,
			      long nr)
{
	const struct pt_syscall_desc *d = pt_syscall_desc(table, nr);
	uint64_t flags;
	if (!d)
		return;
	if (!strcmp(d->name, "clone")) {
		flags = args[0];
		if (!(flags & CLONE_UNTRACED) ||
		    ptrace(PTRACE_POKEUSER, t->tid, clone_flags_reg(arch), (void *)(flags & ~(uint64_t)CLONE_UNTRACED)) < 0)
			return;
		t->flags |= PT_T_UNTRACED_REG;
	} else if (!strcmp(d->name, "clone3")) {
		/* struct clone_args starts with the u64 flags; a size below
		 * CLONE_ARGS_SIZE_VER0 (64) or an unreadable address fails the
		 * call before any child is made. */
		if (args[1] < 64 || pt_mem_read(t->tid, args[0], &flags, sizeof(flags)) < 0 ||
		    !(flags & CLONE_UNTRACED) ||
		    ptrace(PTRACE_POKEDATA, t->tid, (void *)args[0], (void *)(flags & ~(uint64_t)CLONE_UNTRACED)) < 0)
			return;
		t->clone_args = args[0];
		t->flags |= PT_T_UNTRACED_MEM;
	} else {
		return;
	}
	t->clone_flags = flags;
	t->clone_arch = (uint8_t)arch;
}

/* The parent's fork event: the kernel has read the flags already. */
static void untraced_on_spawn(struct pt_task *parent, struct pt_task *child)
{
	child->flags |= parent->flags & PT_T_UNTRACED_REG;
	if ((parent->flags & PT_T_UNTRACED_MEM) && !(parent->clone_flags & CLONE_VM))
		child->flags |= PT_T_UNTRACED_MEM;     /* its own copy of clone_args */
	child->clone_flags = parent->clone_flags;
	child->clone_args = parent->clone_args;
	child->clone_arch = parent->clone_arch;
	untraced_restore(parent);
	if (child->flags & PT_T_HELD)   /* in its first stop already */
		untraced_restore(child);
}

/* ---- new tasks ---- */

static bool is_group_stop_sig(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static enum pt_arch arch_of_regs(const struct user_regs_struct *r)
{
	return r->cs == 0x23 ? PT_ARCH_I386 : PT_ARCH_X86_64;
}

/* What the parent called, read from its registers at the event stop (no
 * trap was needed for fork/clone: see seccomp.c). */
static void spawn_details(struct pt_tracer *T, struct pt_task *parent, int event, struct pt_ev_spawn *sp)
{
	struct user_regs_struct r;
	*sp = (struct pt_ev_spawn){.syscall = -1};
	if (ptrace(PTRACE_GETREGS, parent->tid, NULL, &r) == 0) {
		enum pt_arch arch = arch_of_regs(&r);
		long nr = (long)(r.orig_rax & ~(uint64_t)X32_SYSCALL_BIT);
		uint64_t arg0 = arch == PT_ARCH_I386 ? r.rbx : r.rdi;
		const struct pt_syscall_desc *d = pt_syscall_desc(arch, nr);
		sp->arch = arch;
		if (d) {
			sp->syscall = (int)nr;
			if (!strcmp(d->name, "clone")) {
				sp->flags = arg0;
			} else if (!strcmp(d->name, "clone3")) {
				uint64_t flags;     /* struct clone_args starts with flags */
				if (pt_mem_read(parent->tid, arg0, &flags, sizeof(flags)) == 0)
					sp->flags = flags;
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
		if (cp)     /* ptrace options are inherited at auto-attach */
			cp->exit_events = pp ? pp->exit_events : (T->popts & PTRACE_O_TRACEEXIT);
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
 * at its first stop (now, if it is held there already). */
static void enable_exit_events(struct pt_tracer *T, struct pt_task *parent, struct pt_task *child)
{
	unsigned long opts = T->popts | PTRACE_O_TRACEEXIT;
	parent->proc->exit_events = true;
	ptrace(PTRACE_SETOPTIONS, parent->tid, NULL, (void *)opts);
	if (child->flags & PT_T_HELD)
		ptrace(PTRACE_SETOPTIONS, child->tid, NULL, (void *)opts);
	else
		child->flags |= PT_T_NEED_OPTS;
}

/* The message of the event stop a queued report announced, or -1 when the
 * task is no longer in that stop.  Reports are served after they were made
 * (next_event drains several per wake-up), and a task SIGKILLed meanwhile
 * has left its stop (ptrace fails with ESRCH) or sits in its
 * PTRACE_EVENT_EXIT stop, whose message (the exit status: 9, 42<<8) a late
 * GETEVENTMSG returns instead.  GETSIGINFO comes after GETEVENTMSG: a task
 * leaves an event stop only when we restart it or it is killed, and a
 * killed task never enters that kind of stop again, so the same event's
 * si_code now means the message was read in the reported stop. */
static int event_msg(pid_t tid, int event, unsigned long *msg)
{
	siginfo_t si;
	if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, msg) < 0 || ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) < 0)
		return -1;
	return si.si_signo == SIGTRAP && si.si_code == (SIGTRAP | (event << 8)) ? 0 : -1;
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
	*h = (struct pt_creator_hint){parent->tid, tgid_of(parent), parent->proc ? parent->proc->ppid : 0, child,
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
 * naming it.  -1 if none or ambiguous: the spawn is then `orphan`; -2 (not
 * final) when a process still dying (a stale event means its task was
 * SIGKILLed) may yet name or be the creator: wait for its death.
 * *same_tid: every candidate is one thread, so the hint names the creating
 * thread and not just its process. */
static int find_hint(struct pt_tracer *T, const struct pt_task *t, bool known, bool thread, pid_t want_tgid,
		     bool final, bool *same_tid)
{
	int found = -1;
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
			return -1;
		else if (T->hints[found].tid != h->tid)
			*same_tid = false;
	}
	if (dying && !final)
		return -2;
	if (!known || (!want_tgid && (n > 1 || dying || T->hints_lost)))
		return -1;
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
		release_held(T, t, 0);
}

static void on_new_task_event(struct pt_tracer *T, struct pt_task *parent, int event)
{
	unsigned long msg = 0;
	/* A stale event names no child: the child, held at its first stop,
	 * is let go when its parent dies (release_orphaned_held). */
	if (event_msg(parent->tid, event, &msg) < 0 || !msg) {
		add_hint(T, parent, event, 0, NULL);
		return;
	}
	/* Validated: ctid is a tracee of ours (auto-attached by this fork). */
	pid_t ctid = (pid_t)msg;
	struct pt_task *child = pt_task_find(&T->tasks, ctid);
	if (!child && !(child = pt_task_add(&T->tasks, ctid)))
		return;
	if (parent->flags & PT_T_UNTRACED)
		untraced_on_spawn(parent, child);
	struct pt_ev_spawn sp;
	spawn_details(T, parent, event, &sp);
	pid_t ptgid = tgid_of(parent);
	announce(T, child, parent->tid, ptgid, parent->proc ? parent->proc->ppid : 0, &sp, true);
	if (sp.kind == PT_SPAWN_THREAD && parent->proc && !parent->proc->exit_events)
		enable_exit_events(T, parent, child);
	if (child->flags & PT_T_DIED) {     /* killed while held: its death comes now */
		pt_lifecycle_on_death(T, child, child->death_status);
		return;
	}
	if (child->flags & PT_T_HELD) {
		if (T->shutting_down && T->opt->seccomp)
			kill(ctid, SIGKILL);
		release_held(T, child, 0);
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
	if (h == -2)
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
		release_held(T, t, 0);
}

static void release_orphans(struct pt_tracer *T, bool final)
{
	struct release rel = {T, final};
	if (T->nheld)
		pt_tasks_each(&T->tasks, release_orphaned_held, &rel);
}

void pt_loop_release_orphans(struct pt_tracer *T)
{
	release_orphans(T, false);
}

static void on_first_stop(struct pt_tracer *T, struct pt_task *t)
{
	t->flags |= PT_T_STARTED;
	if (T->shutting_down) {     /* seccomp mode: the whole tree goes */
		kill(t->tid, SIGKILL);
		resume(T, t, 0);
		return;
	}
	if (t->flags & PT_T_ANNOUNCED) {
		if (t->flags & PT_T_NEED_OPTS) {
			t->flags &= ~PT_T_NEED_OPTS;
			ptrace(PTRACE_SETOPTIONS, t->tid, NULL, (void *)(T->popts | PTRACE_O_TRACEEXIT));
		}
		if (t->flags & PT_T_UNTRACED)
			untraced_restore(t);
		resume(T, t, 0);
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

/* ---- stops ---- */

static int syscall_arch(uint32_t audit_arch, uint64_t *nr)
{
	if (audit_arch == AUDIT_ARCH_I386)
		return PT_ARCH_I386;
	if (*nr & X32_SYSCALL_BIT) {
		*nr &= ~(uint64_t)X32_SYSCALL_BIT;
		return PT_ARCH_X32;
	}
	return PT_ARCH_X86_64;
}

/* A seccomp stop of the tracee's own filter (its SECCOMP_RET_TRACE): the
 * program has no tracer of its own, so untraced the kernel fails the call
 * with ENOSYS without running it.  Do the same: number -1 makes the kernel
 * skip the call, and the return value is set to -ENOSYS as the kernel sets
 * it when no tracer is there.  orig_rax and rax hold the number and result
 * for the i386 and x32 ABIs too. */
static void refuse_syscall(pid_t tid)
{
	if (ptrace(PTRACE_POKEUSER, tid, (void *)offsetof(struct user_regs_struct, orig_rax), (void *)-1L) == 0)
		ptrace(PTRACE_POKEUSER, tid, (void *)offsetof(struct user_regs_struct, rax), (void *)(long)-ENOSYS);
}

static void on_syscall_stop(struct pt_tracer *T, struct pt_task *t, bool seccomp_stop)
{
	struct __ptrace_syscall_info si;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, (void *)sizeof(si), &si);
	if (n <= 0)
		goto out;
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY || si.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		T->stops[seccomp_stop ? PT_STOP_SECCOMP : PT_STOP_SYSCALL_ENTRY]++;
		/* ret_data is the stop's event message (no GETEVENTMSG needed).
		 * A refused call that we report gets its real exit stop, which
		 * shows the -ENOSYS, as --no-seccomp shows it. */
		bool refused = si.op == PTRACE_SYSCALL_INFO_SECCOMP && si.seccomp.ret_data != PT_SECCOMP_DATA;
		if (refused)
			refuse_syscall(t->tid);
		uint64_t nr = si.op == PTRACE_SYSCALL_INFO_SECCOMP ? si.seccomp.nr : si.entry.nr;
		enum pt_arch arch = syscall_arch(si.arch, &nr);
		enum pt_arch table = arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : arch;
		if (!refused && nr < PT_SYSCALL_MAX && T->sc_kind[table][nr] == PT_SK_BY_EVENT)
			untraced_on_entry(t, si.op == PTRACE_SYSCALL_INFO_SECCOMP ? si.seccomp.args : si.entry.args,
					  arch, table, (long)nr);
		/* fork/clone/exit are reported by their ptrace events; in
		 * --no-seccomp mode their syscall stops would only repeat them. */
		if (pt_set_has(&T->opt->trace, table, (long)nr)) {
			uint8_t k = T->sc_kind[table][nr];
			if (k != PT_SK_BY_EVENT && k != PT_SK_NORETURN)
				pt_syscall_on_entry(T, t, &si, arch, (long)nr);
		}
	} else if (si.op == PTRACE_SYSCALL_INFO_EXIT) {
		T->stops[PT_STOP_SYSCALL_EXIT]++;
		if (t->flags & PT_T_UNTRACED)  /* a clone that failed: no fork event came */
			untraced_restore(t);
		if (t->flags & PT_T_IN_SYSCALL)
			pt_syscall_on_exit(T, t, si.exit.rval, si.exit.is_error);
	}
out:
	resume(T, t, 0);
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

static void on_exit_event(struct pt_tracer *T, struct pt_task *t)
{
	unsigned long msg = 0;
	struct user_regs_struct r;
	if (event_msg(t->tid, PTRACE_EVENT_EXIT, &msg) < 0) {
		/* SIGKILLed in the stop: its death report tells how it ended */
		resume(T, t, 0);
		return;
	}
	t->exit_raw = (int)msg;
	t->flags |= PT_T_EXITING;
	if (T->opt->maps == PT_MAPS_EXIT && t->proc && t->tid == t->proc->tgid)
		pt_exec_detail_on_exit(T, t);
	if (T->unw && pt_task_exec_pending(t))
		t->exec->exit_stack = pt_unwind_capture(T->unw, t->tid, tgid_of(t), &t->exec->arena);
	/* The syscall this task is leaving through: exit vs exit_group; or a
	 * fork whose event stop it was killed in, returning the new tid. */
	const struct pt_syscall_desc *d = NULL;
	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &r) == 0)
		d = pt_syscall_desc(arch_of_regs(&r), (long)(r.orig_rax & ~(uint64_t)X32_SYSCALL_BIT));
	if (WIFSIGNALED(t->exit_raw)) {
		t->exit_how = PT_EXIT_SIGNAL;
	} else {
		/* A thread zapped by another's exit_group is elsewhere. */
		t->exit_how = PT_EXIT_BY_OTHER;
		if (d && !strcmp(d->name, "exit_group"))
			t->exit_how = PT_EXIT_GROUP;
		else if (d && !strcmp(d->name, "exit"))
			t->exit_how = PT_EXIT_THREAD;
	}
	if (d && (!strcmp(d->name, "fork") || !strcmp(d->name, "vfork") || !strcmp(d->name, "clone") ||
		  !strcmp(d->name, "clone3"))) {
		pid_t child = arch_of_regs(&r) == PT_ARCH_I386 ? (pid_t)(int32_t)r.rax : (pid_t)(int64_t)r.rax;
		struct pt_task *c = child > 0 ? pt_task_find(&T->tasks, child) : NULL;
		if (child > 0 && (!c || !(c->flags & PT_T_ANNOUNCED)) && our_new_tracee(T, t->tid, child)) {
			/* a child its (stale) event never named */
			struct pt_ev_spawn sp;
			spawn_details(T, t, !strcmp(d->name, "vfork") ? PTRACE_EVENT_VFORK : PTRACE_EVENT_FORK, &sp);
			int h = add_hint(T, t, sp.kind == PT_SPAWN_THREAD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK, child, &sp);
			if (c && (c->flags & PT_T_HELD))
				adopt_by_hint(T, c, h, true);
		}
	}
	resume(T, t, 0);
}

static void on_ptrace_event(struct pt_tracer *T, struct pt_task *t, int event)
{
	T->stops[PT_STOP_EVENT]++;
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_task_event(T, t, event);
		resume(T, t, 0);
		break;
	case PTRACE_EVENT_EXEC: {
		unsigned long former = 0;
		/* The exec happened; only a validated message says which thread
		 * did it (a stale one is the exit status of a killed task). */
		if (event_msg(t->tid, event, &former) < 0)
			former = 0;
		t = pt_exec_on_event(T, t, (pid_t)former);
		/* The execve exit stop would only repeat "= 0": skip it. */
		t->flags &= ~PT_T_IN_SYSCALL;
		resume(T, t, 0);
		break;
	}
	case PTRACE_EVENT_EXIT:
		on_exit_event(T, t);
		break;
	default:    /* VFORK_DONE and anything newer */
		resume(T, t, 0);
		break;
	}
}

/* The SIGCONT that woke a stopped task is still queued (its delivery stop
 * comes next, unless it is ignored): peek at it for the sender.  When the
 * parent hears of the continue first, the woken task may be between its
 * LISTEN and its re-trap (PEEKSIGINFO then fails with ESRCH): it re-traps
 * within microseconds, so a few short retries are enough. */
static pid_t sigcont_sender(pid_t tid)
{
	siginfo_t q[8];
	for (int tries = 0; tries < 200; tries++) {
		bool stopped = true;
		for (int shared = 1; shared >= 0; shared--) {
			struct __ptrace_peeksiginfo_args a = {0, shared ? PTRACE_PEEKSIGINFO_SHARED : 0, 8};
			long n = ptrace(PTRACE_PEEKSIGINFO, tid, &a, q);
			if (n < 0)
				stopped = false;
			for (long i = 0; i < n; i++)
				if (q[i].si_signo == SIGCONT && q[i].si_code <= 0)
					return q[i].si_pid;
		}
		if (stopped || errno != ESRCH || kill(tid, 0) < 0)
			break;
		struct timespec ts = {0, 10000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

static void set_stopped(struct pt_tracer *T, struct pt_task *t, bool stopped, int sig)
{
	if (stopped == !!(t->flags & PT_T_STOPPED))
		return;
	struct pt_event ev = {.kind = stopped ? PT_EV_STOPPED : PT_EV_CONTINUED};
	if (stopped) {
		t->flags |= PT_T_STOPPED;
		ev.u.stopped.sig = sig;
		ev.u.stopped.sender = t->stop_sender;
	} else {
		t->flags &= ~PT_T_STOPPED;
		ev.u.continued.sender = sigcont_sender(t->tid);
	}
	pt_tracer_emit(T, &ev, t->tid, tgid_of(t));
}

/* The kernel tells the parent (SIGCHLD, wait) about a group-stop or a
 * continue before the stopped task's own ptrace stop reaches us: report the
 * state change first, so the log keeps cause before effect. */
void pt_loop_note_child_state(struct pt_tracer *T, pid_t pid, bool stopped, int sig)
{
	struct pt_task *c = pt_task_find(&T->tasks, pid);
	if (c && (c->flags & PT_T_ANNOUNCED))
		set_stopped(T, c, stopped, sig);
}

static void on_event_stop(struct pt_tracer *T, struct pt_task *t, int sig)
{
	T->stops[PT_STOP_GROUP]++;
	if (!(t->flags & PT_T_STARTED)) {
		on_first_stop(T, t);
		return;
	}
	if (is_group_stop_sig(sig)) {
		set_stopped(T, t, true, sig);
		/* LISTEN, not CONT: the task must stay stopped (its parent's
		 * waitpid(WUNTRACED) sees it) yet wake on SIGCONT. */
		ptrace(PTRACE_LISTEN, t->tid, NULL, NULL);
		return;
	}
	/* SIGTRAP: woken from LISTEN by SIGCONT, or by our PTRACE_INTERRUPT. */
	set_stopped(T, t, false, 0);
	resume(T, t, 0);
}

static void on_signal_stop(struct pt_tracer *T, struct pt_task *t, int sig)
{
	T->stops[PT_STOP_SIGNAL]++;
	siginfo_t si;
	struct pt_event ev = {.kind = PT_EV_SIGNAL};
	ev.u.signal.sig = sig;
	/* si_signo: a task killed since its report is elsewhere (exit stop) */
	if (ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &si) == 0 && si.si_signo == sig) {
		ev.u.signal.code = si.si_code;
		if (si.si_code <= 0 || sig == SIGCHLD)
			ev.u.signal.sender = si.si_pid;
		if (sig == SIGCHLD && (si.si_code == CLD_STOPPED || si.si_code == CLD_CONTINUED))
			pt_loop_note_child_state(T, si.si_pid, si.si_code == CLD_STOPPED, si.si_status);
	}
	if (is_group_stop_sig(sig))
		t->stop_sender = ev.u.signal.sender;
	pt_tracer_emit(T, &ev, t->tid, tgid_of(t));
	resume(T, t, sig);
}

/* ---- the loop ---- */

struct stop {
	pid_t pid;
	int status;
};

/* --no-seccomp interruption: every stop becomes a detach, passing on the
 * signal of a signal-delivery stop so nothing the tracee was sent is lost. */
static void detach(struct pt_tracer *T, struct pt_task *t, pid_t pid, int sig)
{
	if (t && (t->flags & PT_T_UNTRACED))   /* the program gets its own flags back */
		untraced_restore(t);
	ptrace(PTRACE_DETACH, pid, NULL, (void *)(long)sig);
	if (!t)
		return;
	if (t->flags & PT_T_HELD)
		T->nheld--;
	pt_task_remove(&T->tasks, t);
}

static void begin_shutdown(struct pt_tracer *T);
static void settle_tty_signal(struct pt_tracer *T);

/* waitpid(-1) finds stopped tracees in the order they were attached, so a
 * task that stops all the time (a syscall loop under --no-seccomp) would
 * always be found first and starve the others.  Each wake-up therefore
 * drains every report that is ready and serves them in turn: every task
 * gets one stop handled per round.  A task reports once until restarted,
 * so a round holds at most one report per task. */
#define PT_ROUND_MAX 256

struct round {
	struct stop v[PT_ROUND_MAX];
	size_t n, next;
};

static struct stop next_event(struct pt_tracer *T, struct round *q)
{
	struct stop s = {0, 0};
	if (q->next < q->n)
		return q->v[q->next++];
	q->n = q->next = 0;
	for (;;) {
		if (T->root_done)
			g_root = 0;     /* its pid may be reused */
		if (g_tty_pending && !T->shutting_down)
			settle_tty_signal(T);
		if (g_interrupted && !T->shutting_down) {
			T->interrupted = g_interrupted;
			begin_shutdown(T);
		}
		/* Detached everything: the root, our own child, may run on for
		 * long; waiting for it would not be a detach. */
		if (T->shutting_down && !T->opt->seccomp && T->tasks.tids.count == 0)
			return s;
		/* About to block: what the sinks buffered goes to disk now, so a
		 * SIGKILLed tracer loses nothing traced before this idle moment
		 * (at most one write per sink, and only after new events). */
		pt_sinks_flush(T->sinks);
		pid_t pid = waitpid(-1, &s.status, __WALL);
		if (pid > 0) {
			s.pid = pid;
			break;
		}
		if (errno != EINTR)
			return s;   /* ECHILD: no tracee left */
	}
	/* Only ask again when others are likely waiting: with one task the
	 * extra WNOHANG call would be pure cost. */
	if (T->tasks.tids.count > 1) {
		struct stop more;
		while (q->n < PT_ROUND_MAX && (more.pid = waitpid(-1, &more.status, __WALL | WNOHANG)) > 0)
			q->v[q->n++] = more;
	}
	return s;
}

static bool dispatch(struct pt_tracer *T, struct stop s)
{
	if (!s.pid)
		return false;
	struct pt_task *t = pt_task_find(&T->tasks, s.pid);
	if (WIFEXITED(s.status) || WIFSIGNALED(s.status)) {
		T->stops[PT_STOP_DEATH]++;
		bool detaching = T->shutting_down && !T->opt->seccomp;
		if (t && (t->flags & PT_T_HELD) && !(t->flags & PT_T_ANNOUNCED) && !detaching) {
			/* Died at its first stop, before its parent's event named
			 * it: keep it for that event (or the orphan release), which
			 * reports its spawn, then this death. */
			t->flags |= PT_T_DIED;
			t->death_status = s.status;
		} else if (t) {
			pt_lifecycle_on_death(T, t, s.status);
		} else if (!detaching && (t = pt_task_add(&T->tasks, s.pid))) {
			/* A new task killed before its first stop (a pid waitpid
			 * reports is ours): the same, once a hint names its creator. */
			t->flags = PT_T_STARTED | PT_T_HELD | PT_T_DIED;
			t->death_status = s.status;
			T->nheld++;
		}
		/* at the end of the round: a stale fork event later in it may
		 * still tell who made an orphan */
		T->orphan_check = true;
		return true;
	}
	if (!WIFSTOPPED(s.status))
		return true;
	int sig = WSTOPSIG(s.status), event = s.status >> 16;
	if (t && (t->flags & PT_T_DIED)) {
		/* a stop from a pid we saw die: a new task got the pid (the dead
		 * one's spawn was never named, so it goes unreported) */
		T->nheld--;
		pt_task_remove(&T->tasks, t);
		t = NULL;
	}
	if (T->shutting_down && !T->opt->seccomp) {
		detach(T, t, s.pid, (sig == (SIGTRAP | 0x80) || event) ? 0 : sig);
		return true;
	}
	if (!t && !(t = pt_task_add(&T->tasks, s.pid)))
		return true;
	if (sig == (SIGTRAP | 0x80))
		on_syscall_stop(T, t, false);
	else if (event == PTRACE_EVENT_SECCOMP)
		on_syscall_stop(T, t, true);
	else if (event == PTRACE_EVENT_STOP)
		on_event_stop(T, t, sig);
	else if (event)
		on_ptrace_event(T, t, event);
	else if (!(t->flags & PT_T_STARTED))
		on_first_stop(T, t);    /* a signal beat the first stop: rare, treat alike */
	else
		on_signal_stop(T, t, sig);
	return true;
}

/* ---- interruption ---- */

/* waitpid may have been entered just before a flag was set, and nothing
 * may ever stop again: a short interval timer makes it return EINTR soon in
 * that case. */
static void arm_wakeup(bool on)
{
	struct itimerval it = {{0, on ? 50000 : 0}, {0, on ? 50000 : 0}};
	setitimer(ITIMER_REAL, &it, NULL);
}

/* A terminal's INTR, QUIT or hangup (si_code SI_KERNEL: the line discipline
 * signals the whole foreground process group) reached the traced program as
 * well when the root shares our process group: the signal is the program's
 * to handle (a trap, make's cleanup, a KeyboardInterrupt), and the trace
 * follows whatever it does until the tree ends, as strace does.  Anything
 * else is for us alone and interrupts the trace: kill(1) (SI_USER, also when
 * the program ignores SIGINT and ^C cannot end it), sigqueue, or a terminal
 * signal when the root moved to a group of its own and did not get it.  The
 * root's group is read now, when the signal comes: getpgid is async-signal-
 * safe and costs nothing the rest of the time. */
static void on_interrupt(int sig, siginfo_t *si, void *ctx)
{
	int saved = errno;
	(void)ctx;
	/* A hangup signals the session leader alone (the foreground group
	 * only when the leader exits): as the leader, we got it for the root. */
	if (si && si->si_code == SI_KERNEL && sig != SIGTERM && g_root > 0 &&
	    !(sig == SIGHUP && getsid(0) == getpid())) {
		pid_t pg = getpgid(g_root);
		if (pg == getpgrp())
			goto out;
		if (pg < 0 && errno == ESRCH) {
			g_tty_pending = sig;
			arm_wakeup(true);
			goto out;
		}
	}
	g_interrupted = sig;
	arm_wakeup(true);
out:
	errno = saved;
}

struct pgrp_scan {
	pid_t pgrp;
	bool found;
};

static void in_pgrp(struct pt_proc *p, void *arg)
{
	struct pgrp_scan *s = arg;
	if (!s->found && !p->dead && p->ntasks > 0 && getpgid(p->tgid) == s->pgrp)
		s->found = true;
}

/* A terminal's signal after the root was reaped: the rest of the tree got it
 * if some tracee is in our process group. */
static void settle_tty_signal(struct pt_tracer *T)
{
	int sig = g_tty_pending;
	struct pgrp_scan s = {getpgrp(), false};
	g_tty_pending = 0;
	pt_procs_each(&T->tasks, in_pgrp, &s);
	if (!s.found) {
		g_interrupted = sig;
		return;
	}
	/* A kill(1) meanwhile re-arms the timer after this, and its flag is
	 * looked at next. */
	arm_wakeup(false);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* These change only the tool: the child puts back what the tool was started
 * with before it execs (launch.c). */
static void install_handlers(void)
{
	/* SIGQUIT too: its default action would dump our core and leave the
	 * tree to EXITKILL with an unfinished log. */
	static const int interrupts[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_interrupt; /* no SA_RESTART: waitpid must return EINTR */
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(interrupts) / sizeof(*interrupts); i++)
		sigaddset(&sa.sa_mask, interrupts[i]);
	/* Started with one of them ignored (nohup, a background job of a
	 * non-interactive shell): the caller asked that it not end us, so
	 * keep ignoring it, as Unix programs do. */
	for (size_t i = 0; i < sizeof(interrupts) / sizeof(*interrupts); i++)
		if (!pt_launch_inherited_ignored(interrupts[i]))
			sigaction(interrupts[i], &sa, NULL);
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	/* The timer that breaks a waitpid entered just before an interrupt
	 * needs SIGALRM deliverable, whatever mask we inherited. */
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	/* A closed reader of our text output must not kill us mid-log. */
	signal(SIGPIPE, SIG_IGN);
}

/* Only a live tracee's pid may be signalled: one with a task record that
 * did not die.  Such a pid cannot be recycled: a tracee's pid stays taken
 * until our waitpid consumes its death.  A process may have no leader
 * record (announced for a thread whose process we never saw): SIGKILL to
 * any of its threads kills them all, so tgkill a live one. */
struct kill_scan {
	const struct pt_proc *p;
	pid_t tid;
};

static void live_task_of(struct pt_task *t, void *arg)
{
	struct kill_scan *k = arg;
	if (!k->tid && t->proc == k->p && !(t->flags & PT_T_DIED))
		k->tid = t->tid;
}

static void kill_proc(struct pt_proc *p, void *arg)
{
	struct pt_tracer *T = arg;
	if (p->dead || p->ntasks <= 0)
		return;
	struct pt_task *leader = pt_task_find(&T->tasks, p->tgid);
	if (leader && leader->proc == p && !(leader->flags & PT_T_DIED)) {
		kill(p->tgid, SIGKILL);
		return;
	}
	struct kill_scan k = {p, 0};
	pt_tasks_each(&T->tasks, live_task_of, &k);
	if (k.tid)
		syscall(SYS_tgkill, p->tgid, k.tid, SIGKILL);
}

static void kill_held(struct pt_task *t, void *arg)
{
	struct pt_tracer *T = arg;
	if ((t->flags & PT_T_HELD) && !(t->flags & PT_T_DIED)) {
		kill(t->tid, SIGKILL);
		release_held(T, t, 0);
	}
}

static void interrupt_task(struct pt_task *t, void *arg)
{
	struct pt_tracer *T = arg;
	/* Running tasks are interrupted into a stop, where dispatch detaches
	 * them; a task in LISTEN is woken the same way.  Held tasks are in a
	 * stop already: their pending stop report is consumed by the loop. */
	if (t->flags & PT_T_DIED) {
		T->nheld--;
		pt_task_remove(&T->tasks, t);
	} else if (!(t->flags & PT_T_HELD)) {
		/* ESRCH: no tracee of ours has this tid any more (a record
		 * whose end we never saw): no stop will come to detach it. */
		if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) < 0 && errno == ESRCH)
			pt_task_remove(&T->tasks, t);
	} else {
		detach(T, t, t->tid, 0);
	}
}

/* seccomp mode: a detached tracee keeps our filter, whose TRACE action then
 * fails every trapped syscall with ENOSYS; killing is the only honest end.
 * --no-seccomp: detach everything and let it run. */
static void begin_shutdown(struct pt_tracer *T)
{
	T->shutting_down = true;
	pt_sinks_bound(T->sinks, PT_SINK_GIVE_UP_MS);  /* a reader that never reads must not keep us */
	if (T->opt->seccomp) {
		pt_procs_each(&T->tasks, kill_proc, T);
		pt_tasks_each(&T->tasks, kill_held, T);
	} else {
		pt_tasks_each(&T->tasks, interrupt_task, T);
	}
	arm_wakeup(false);
}

/* ---- start and end ---- */

static void init_sc_kinds(struct pt_tracer *T)
{
	static const struct {
		const char *name;
		uint8_t kind;
	} named[] = {
		{"execve", PT_SK_EXECVE}, {"execveat", PT_SK_EXECVEAT}, {"wait4", PT_SK_WAIT4},
		{"waitpid", PT_SK_WAITPID}, {"waitid", PT_SK_WAITID}, {"exit", PT_SK_NORETURN},
		{"exit_group", PT_SK_NORETURN}, {"rt_sigreturn", PT_SK_NORETURN}, {"sigreturn", PT_SK_NORETURN},
		{"fork", PT_SK_BY_EVENT}, {"vfork", PT_SK_BY_EVENT}, {"clone", PT_SK_BY_EVENT},
		{"clone3", PT_SK_BY_EVENT}, {"mmap", PT_SK_REMAP}, {"mmap2", PT_SK_REMAP}, {"munmap", PT_SK_REMAP}, {"mprotect", PT_SK_REMAP},
		{"mremap", PT_SK_REMAP},
	};
	for (unsigned arch = 0; arch < PT_ARCH__COUNT; arch++)
		for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++) {
			long nr = pt_syscall_nr(arch, named[i].name);
			if (nr >= 0 && nr < PT_SYSCALL_MAX)
				T->sc_kind[arch][nr] = named[i].kind;
		}
}

static void emit_start(struct pt_tracer *T)
{
	struct pt_event ev = {.kind = PT_EV_START};
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	ev.u.start.version = PT_TRACE_FORMAT_VERSION;
	ev.u.start.tool_version = PT_VERSION;
	ev.u.start.realtime_ns = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	ev.u.start.argv = (const char *const *)T->opt->argv;
	ev.u.start.argc = (size_t)T->opt->argc;
	ev.u.start.seccomp = T->opt->seccomp;
	pt_tracer_emit(T, &ev, T->root, T->root);
}

static void emit_end(struct pt_tracer *T, int exit_status)
{
	struct pt_event ev = {.kind = PT_EV_END};
	ev.u.end.exit_status = exit_status;
	ev.u.end.root = T->root_status;
	ev.u.end.interrupted = T->interrupted != 0;
	ev.u.end.by_signal = T->interrupted;
	for (int i = 0; i < PT_STOP__COUNT; i++)
		if (i != PT_STOP_DEATH)
			ev.u.end.stops += T->stops[i];
	pt_tracer_emit(T, &ev, T->root, T->root);
}

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
}

int pt_trace_run(const struct pt_options *o, struct pt_sinks *sinks, const char *path, int *exit_status,
		 char *err, size_t errlen)
{
	struct pt_tracer T;
	struct pt_filter *filter = NULL;
	int rc;
	memset(&T, 0, sizeof(T));
	T.self = getpid();
	T.opt = o;
	T.sinks = sinks;
	pt_arena_init(&T.arena);
	init_sc_kinds(&T);
	rc = pt_tasks_init(&T.tasks);
	if (rc < 0)
		goto out;
	if (o->stack && !(T.unw = pt_unwind_new(o->stack_depth))) {
		rc = -ENOMEM;
		goto out;
	}
	T.elf_cache = pt_elf_cache_create(0);
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
	 * enable_exit_events), unless -k or --maps=exit need the stop itself. */
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
	install_handlers();
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
	g_root = T.root;
	emit_start(&T);
	resume(&T, root, 0);    /* out of the SIGCONT stop launch left it in */

	struct round q = {.n = 0};
	while (dispatch(&T, next_event(&T, &q)))
		if (q.next == q.n && T.orphan_check) {
			T.orphan_check = false;
			pt_loop_release_orphans(&T);
		}
	release_orphans(&T, true);      /* children that died held, after the last round */

	pt_lifecycle_finish(&T);
	int status = pt_wstatus_shell_code(T.root_status);
	if (T.interrupted)
		status = 128 + T.interrupted;
	emit_end(&T, status);
	if (o->stats)
		print_stats(&T);
	*exit_status = status;
	rc = 0;
out:
	pt_seccomp_free(filter);
	if (T.elf_cache)
		pt_elf_cache_destroy(T.elf_cache);
	pt_tasks_free(&T.tasks);
	pt_arena_free(&T.arena);
	pt_unwind_free(T.unw);
	return rc;
}
