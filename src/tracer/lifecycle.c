/* Exits, deaths, zombies, reaping and orphans.
 *
 * A traced process that dies is visible to its real parent only after the
 * tracer's own waitpid consumed its death report (kernel/exit.c: "A zombie
 * ptracee is only visible to its ptracer"), so the zombie time we report
 * runs from that report to the parent's successful wait. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emit.h"
#include "exec_detail.h"
#include "pt/procfs.h"
#include "tracer_int.h"
#include "unwind.h"

#define PT_PF_EXITING 0x4u     /* include/linux/sched.h: the task is in do_exit */

/* Whether a is pid 1 of a nested pid namespace and on its way out.  When
 * such an init exits, the kernel SIGKILLs every process left in its
 * namespace and reaps them all in the init's exit path (zap_pid_ns_processes,
 * with SIGCHLD set to SIG_IGN).  Whether a process is such an init cannot
 * change while it lives, so its NSpid is read once (ns_levels), and only
 * while it is a live tracee: the pid of one that died may be reused.  An
 * init that died before we read it is recognised only if we learned earlier
 * that it was one: when it forked, waited, or adopted an orphan. */
static bool ns_init_exiting(struct pt_proc *a)
{
	struct pt_proc_status st;
	struct pt_proc_stat ss;
	if (a->ns_teardown)
		return true;
	/* its death unseen, a tracee's pid stays taken */
	bool live = !a->dead && !a->removed && a->ntasks > 0;
	/* ns_levels known: syscall.c read its namespace, ns_init is final */
	if (!a->ns_levels && !a->ns_init_read && live) {
		a->ns_init_read = true;     /* also when unreadable: not read again */
		if (pt_procfs_read_status(a->tgid, &st) == 0 && st.nspid_n > 1 && st.nspid[st.nspid_n - 1] == 1)
			a->ns_init = true;
	}
	if (!a->ns_init)
		return false;
	/* dead: it has exited; alive: only while in do_exit */
	if (live && pt_procfs_read_stat(a->tgid, &ss) == 0 && !(ss.flags & PT_PF_EXITING))
		return false;
	a->ns_teardown = true;
	return true;
}

/* For a SIGKILLed process whose reaper we did not see: the exiting
 * namespace init among its ancestors that killed and reaped it, or NULL.
 * At most one /proc read per ancestor for its life, only for such deaths. */
static struct pt_proc *teardown_reaper(struct pt_proc *p)
{
	if (p->status.kind != PT_WS_SIGNALED || p->status.code != SIGKILL)
		return NULL;
	for (struct pt_proc *a = p->parent; a; a = a->parent)
		if (ns_init_exiting(a))
			return a;
	return NULL;
}

static void emit_reap(struct pt_tracer *T, struct pt_proc *p, pid_t by, bool autoreap)
{
	struct pt_event ev = {.kind = PT_EV_REAP};
	struct pt_proc *init = by || p->tgid == T->root ? NULL : teardown_reaper(p);
	ev.u.reap.child = p->tgid;
	ev.u.reap.by = init ? init->tgid : by;
	ev.u.reap.by_tracer = !init && by > 0 && by == T->self;
	ev.u.reap.autoreap = init ? false : autoreap;
	ev.u.reap.pidns_teardown = init != NULL;
	ev.u.reap.zombie_ns = pt_now_ns() - p->died_ns;
	pt_tracer_emit(T, &ev, p->tgid, p->tgid);
}

static void on_reaped(struct pt_tracer *T, pid_t reaper_tgid, pid_t child)
{
	struct pt_proc *p = pt_proc_find(&T->tasks, child);
	if (!p || !p->dead)
		return;
	emit_reap(T, p, reaper_tgid, false);
	pt_proc_remove(&T->tasks, p);
}

static bool proc_exists(pid_t pid)
{
	char path[32];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return stat(path, &st) == 0;
}

struct wait_scan {
	const struct pt_proc *parent;
	bool waiting;
};

static void find_waiter(struct pt_task *t, void *arg)
{
	struct wait_scan *w = arg;
	/* by pointer: a task may still refer to a removed record of a recycled tgid */
	if (t->proc == w->parent && (t->flags & PT_T_IN_SYSCALL) &&
	    (t->sc_kinds & PT_SK_WAIT))
		w->waiting = true;
}

/* A process just became a zombie.  Decide who will reap it, if we can. */
static void settle_zombie(struct pt_tracer *T, struct pt_proc *p)
{
	if ((p->tgid == T->root && !T->attach_mode) || p->ppid == T->self) {
		/* We are its real parent (the root's, or that of a child the root
		 * made with CLONE_PARENT): our waitpid reaped it. */
		emit_reap(T, p, T->self, false);
		pt_proc_remove(&T->tasks, p);
		return;
	}
	struct pt_proc *parent = pt_proc_find(&T->tasks, p->ppid);
	if (!parent || parent->dead) {
		/* Its parent is outside the trace (init after a reparenting, or a
		 * process we never traced): the reaping happens out of sight. */
		emit_reap(T, p, 0, false);
		pt_proc_remove(&T->tasks, p);
		return;
	}
	if (T->opt->events_only) {
		/* No wait is seen: who reaps it and when is not known, and a
		 * guess would be invented.  It leaves the trace unreaped. */
		pt_proc_remove(&T->tasks, p);
		return;
	}
	/* The parent is blocked in a wait: its return says who reaped the
	 * child (it did, or the kernel did), so decide then, without reading
	 * /proc now: the usual fork+exec+wait pays no /proc read per death. */
	struct wait_scan w = {parent, false};
	pt_tasks_each(&T->tasks, find_waiter, &w);
	if (w.waiting) {
		p->wait_pending = true;
		return;
	}
	if (proc_exists(p->tgid))
		return;     /* a zombie, until the parent's wait reports it */
	/* Gone already, with no wait in flight: the kernel reaped it, because
	 * the parent ignores SIGCHLD or set SA_NOCLDWAIT. */
	emit_reap(T, p, 0, true);
	pt_proc_remove(&T->tasks, p);
}

void pt_lifecycle_on_wait_done(struct pt_tracer *T, pid_t waiter_tgid, pid_t reaped)
{
	if (reaped > 0)
		on_reaped(T, waiter_tgid, reaped);
}

void pt_lifecycle_before_wait_event(struct pt_tracer *T, pid_t waiter_tgid, pid_t reaped)
{
	struct pt_proc *parent = pt_proc_find(&T->tasks, waiter_tgid);
	if (!parent)
		return;
	/* The wait returned without them.  Still in /proc: a zombie, for a
	 * later wait.  Gone: the kernel had reaped them (SIGCHLD ignored or
	 * SA_NOCLDWAIT), which only this return could tell from a reaping by
	 * the wait itself. */
	struct pt_proc *c = parent->first_child;
	while (c) {
		struct pt_proc *next = c->next_sibling;
		if (c->dead && c->tgid != reaped && c->wait_pending) {
			c->wait_pending = false;
			if (!proc_exists(c->tgid)) {
				emit_reap(T, c, 0, true);
				pt_proc_remove(&T->tasks, c);
			}
		}
		c = next;
	}
}

/* Who `to` is to the orphan c it adopts: pid 1 of our namespace, pid 1 of
 * a nested one (its NSpid line ends in 1), or else a subreaper.  One /proc
 * read per reparenting, which is rare; `to` is c's live parent per c's own
 * /proc entry.  A nested init learns c's pid in its namespace now, while c
 * lives. */
static uint8_t reaper_role(struct pt_tracer *T, pid_t to, struct pt_proc *c)
{
	struct pt_proc_status st;
	struct pt_proc *r = pt_proc_find(&T->tasks, to);
	if (to == 1)
		return PT_REAPER_INIT;
	if (to > 0 && pt_procfs_read_status(to, &st) == 0 && st.nspid_n > 1 && st.nspid[st.nspid_n - 1] == 1) {
		if (r) {
			r->ns_init = true;
			pt_pidns_on_adopt(r, st.nspid_n, c);
		}
		return PT_REAPER_PIDNS_INIT;
	}
	return r && r->ns_init ? PT_REAPER_PIDNS_INIT : PT_REAPER_SUBREAPER;
}

/* The children of a dead process were re-parented by the kernel before its
 * death was reported; /proc tells us to whom (init, the init of their pid
 * namespace, or a subreaper). */
static void adopt_orphans(struct pt_tracer *T, struct pt_proc *dead)
{
	struct pt_proc *c = dead->first_child;
	while (c) {
		struct pt_proc *next = c->next_sibling;
		struct pt_proc_status st;
		pid_t to = 1;
		bool known = pt_procfs_read_status(c->tgid, &st) == 0;
		if (known)
			to = st.ppid;
		if (!known && c->dead) {
			/* a zombie child, reaped already by its new parent */
			emit_reap(T, c, 0, false);
			pt_proc_remove(&T->tasks, c);
		} else if (to != dead->tgid) {
			struct pt_event ev = {.kind = PT_EV_REPARENT};
			ev.u.reparent.from = dead->tgid;
			ev.u.reparent.to = to;
			ev.u.reparent.to_role = reaper_role(T, to, c);
			pt_tracer_emit(T, &ev, c->tgid, c->tgid);
			pt_proc_reparent(&T->tasks, c, to);
			if (c->dead)
				settle_zombie(T, c);
		}
		c = next;
	}
}

int pt_lifecycle_on_exit_event(struct pt_tracer *T, struct pt_task *t, uint32_t *kinds, enum pt_arch *arch,
			       int64_t *ret)
{
	unsigned long msg = 0;
	struct user_regs_struct r;
	*kinds = 0;
	int rc = pt_event_msg(t->tid, PTRACE_EVENT_EXIT, &msg);
	if (rc < 0)     /* SIGKILLed in the stop: its death report tells how it ended */
		return rc;
	t->exit_raw = (int)msg;
	t->flags |= PT_T_EXITING;
	if (T->opt->maps == PT_MAPS_EXIT && t->proc && t->tid == t->proc->tgid)
		pt_exec_detail_on_exit(T, t);
	if (T->unw && pt_task_exec_pending(t))
		t->exec->exit_stack = pt_unwind_capture(T->unw, t->tid, pt_task_tgid(t), &t->exec->arena);
	/* The syscall this task is leaving through: exit vs exit_group; or a
	 * fork whose event stop it was killed in, returning the new tid. */
	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &r) == 0) {
		*arch = pt_arch_of_regs(&r);
		*kinds = pt_sc_kinds(*arch, (long)(r.orig_rax & ~(uint64_t)PT_X32_SYSCALL_BIT));
		*ret = (int64_t)r.rax;
	}
	if (WIFSIGNALED(t->exit_raw)) {
		t->exit_how = PT_EXIT_SIGNAL;
	} else {
		/* A thread zapped by another's exit_group is elsewhere. */
		t->exit_how = PT_EXIT_BY_OTHER;
		if (*kinds & PT_SK_EXIT_GROUP)
			t->exit_how = PT_EXIT_GROUP;
		else if (*kinds & PT_SK_EXIT)
			t->exit_how = PT_EXIT_THREAD;
	}
	return 0;
}

void pt_lifecycle_on_death(struct pt_tracer *T, struct pt_task *t, int status)
{
	struct pt_event ev = {.kind = PT_EV_EXIT};
	struct pt_proc *p = t->proc;
	pid_t tgid = p ? p->tgid : t->tid;
	ev.u.exit.status = pt_wstatus_from_raw(status);
	if (WIFSIGNALED(status))
		ev.u.exit.how = PT_EXIT_SIGNAL;
	else if (t->flags & PT_T_EXITING)
		ev.u.exit.how = t->exit_how;
	else if (p && p->exit_events)   /* zapped by a group exit: no PTRACE_EVENT_EXIT stop */
		ev.u.exit.how = PT_EXIT_BY_OTHER;
	else    /* single-threaded, no exit stops: it ended the process itself */
		ev.u.exit.how = PT_EXIT_GROUP;
	if (t->exec) {
		ev.u.exit.maps = t->exec->exit_maps;
		ev.stack = t->exec->exit_stack;
	}
	if (t->death_ru_valid)
		ev.u.exit.rusage = &t->death_ru;
	if (t->flags & PT_T_ANNOUNCED)
		pt_tracer_emit(T, &ev, t->tid, tgid);
	/* A removed record (a recycled tgid's earlier life) is not the process
	 * that died; and only a record the table still owns outlives t. */
	bool leader = p && !p->removed && t->tid == p->tgid;
	if (t->flags & PT_T_HELD)
		T->nheld--;
	pt_task_remove(&T->tasks, t);
	if (!leader)
		return;
	T->nprocs_ended++;
	if (T->unw)
		pt_unwind_forget(T->unw, p->tgid);
	/* The leader's death is reported after every other thread's: the whole
	 * process is gone now, a zombie for its parent. */
	if (p->tgid == T->root) {
		T->root_done = true;
		T->root_status = pt_wstatus_from_raw(status);
	}
	p->dead = true;
	p->died_ns = pt_now_ns();
	p->status = pt_wstatus_from_raw(status);
	adopt_orphans(T, p);
	settle_zombie(T, p);
}

struct leftovers {
	pid_t *v;
	size_t n, cap;
};

static void collect_dead(struct pt_proc *p, void *arg)
{
	struct leftovers *l = arg;
	if (!p->dead)
		return;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		pid_t *nv = realloc(l->v, ncap * sizeof(*nv));
		if (!nv)
			return;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = p->tgid;
}

void pt_lifecycle_finish(struct pt_tracer *T)
{
	/* Zombies whose reaping we never saw: their parent died or left the
	 * trace without waiting, and init took them. */
	struct leftovers l = {NULL, 0, 0};
	pt_procs_each(&T->tasks, collect_dead, &l);
	for (size_t i = 0; i < l.n; i++) {
		struct pt_proc *p = pt_proc_find(&T->tasks, l.v[i]);
		if (p) {
			emit_reap(T, p, 0, false);
			pt_proc_remove(&T->tasks, p);
		}
	}
	free(l.v);
}
