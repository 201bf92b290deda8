/* Pid namespaces of waiters.  A waiter in a nested pid namespace gets its
 * namespace's pids from wait4 and waitid.  A process's namespace is fixed for its life (unshare and
 * setns change only its children's), so we look once per process, at its
 * first wait: one stat of /proc/PID/ns/pid, nothing more for a process in
 * our namespace.  For a nested waiter we read each child's NSpid line while
 * the child still exists (at the wait's entry: a child the wait reaps is gone
 * from /proc by the exit stop) and translate the returned pid with it. */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "pt/procfs.h"
#include "tracer_int.h"

int pt_pidns_is_ours(struct pt_tracer *T, pid_t pid)
{
	char path[48];
	struct stat st;
	if (!T->pidns_known) {
		T->pidns_known = true;
		if (stat("/proc/self/ns/pid", &st) == 0) {
			T->pidns_dev = st.st_dev;
			T->pidns_ino = st.st_ino;
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	if (!T->pidns_ino || stat(path, &st) != 0)
		return -1;
	return st.st_dev == T->pidns_dev && st.st_ino == T->pidns_ino;
}

/* 1 when pid is in our pid namespace, or when we cannot tell (no
 * /proc/PID/ns, no NSpid: nothing to translate with); else the entries of
 * its NSpid line, i.e. its namespace's depth below ours plus one.  pid
 * must be a live tracee (its pid cannot have been reused). */
static uint8_t pidns_levels(struct pt_tracer *T, pid_t pid, bool *ns_init)
{
	struct pt_proc_status ps;
	if (pt_pidns_is_ours(T, pid) != 0)
		return 1;
	if (pt_procfs_read_status(pid, &ps) != 0 || ps.nspid_n < 2)
		return 1;
	/* remembered: once it is gone from /proc nothing else can tell */
	*ns_init = ps.nspid[ps.nspid_n - 1] == 1;
	return ps.nspid_n;
}

/* Records c's pid as seen from a namespace `levels` deep (its parent's).
 * Orphans keep it: their new reaper is in the same namespace as the dead
 * parent (the kernel looks for a reaper only inside it).  Read once, and
 * only while c is alive: a dead child's pid may be reaped and reused by
 * another process at any moment, whose NSpid we would take. */
static void note_ns_pid(struct pt_proc *c, uint8_t levels)
{
	struct pt_proc_status ps;
	if (c->ns_pid || c->ns_tried || c->dead || c->removed)
		return;
	c->ns_tried = true;     /* a failure is not retried: nothing changes it */
	if (pt_procfs_read_status(c->tgid, &ps) != 0 || ps.nspid_n < levels)
		return;
	c->ns_levels = ps.nspid_n;
	c->ns_pid = ps.nspid[levels - 1];
	c->ns_init = ps.nspid_n > levels && ps.nspid[ps.nspid_n - 1] == 1;
}

void pt_pidns_on_spawn(struct pt_tracer *T, pid_t parent_tid, struct pt_proc *pp, struct pt_proc *cp)
{
	if (!pp || !cp || pp->dead)
		return;
	if (!pp->ns_levels)     /* once per process that forks */
		pp->ns_levels = pidns_levels(T, parent_tid, &pp->ns_init);
	if (pp->ns_levels >= 2)
		note_ns_pid(cp, pp->ns_levels);
}

void pt_pidns_on_adopt(struct pt_proc *r, uint8_t ns_levels, struct pt_proc *c)
{
	if (ns_levels < 2)
		return;
	if (!r->ns_levels)
		r->ns_levels = ns_levels;
	note_ns_pid(c, ns_levels);
}

/* The waiter's namespace; for a nested one, its live children's pids in it
 * (those not read at their spawn: born before we knew the waiter nested). */
void pt_pidns_prepare(struct pt_tracer *T, struct pt_task *t)
{
	struct pt_proc *w = t->proc;
	if (!w)
		return;
	if (!w->ns_levels)
		w->ns_levels = pidns_levels(T, t->tid, &w->ns_init);
	if (w->ns_levels < 2)
		return;
	for (struct pt_proc *c = w->first_child; c; c = c->next_sibling)
		note_ns_pid(c, w->ns_levels);
}

/* Our pid of w's child whose pid in w's namespace is nspid, or 0 (a child
 * we could not read while it lived: the wait's `child` stays absent).  No
 * /proc read here: at the wait's exit the child may be reaped already. */
static pid_t ns_to_ours(struct pt_proc *w, pid_t nspid)
{
	if (nspid <= 0)
		return 0;
	for (struct pt_proc *c = w->first_child; c; c = c->next_sibling)
		if (c->ns_pid == nspid)
			return c->tgid;
	return 0;
}

/* Rewrites child (and id) of a nested waiter's wait into our pids. */
void pt_pidns_translate(struct pt_tracer *T, struct pt_task *t, struct pt_ev_wait *w)
{
	struct pt_proc *wp = t->proc;
	if (!wp)
		return;
	if (!wp->ns_levels)     /* -p attached it inside the wait: no entry seen */
		wp->ns_levels = pidns_levels(T, t->tid, &wp->ns_init);
	if (wp->ns_levels < 2)
		return;
	pid_t seen = w->child;
	if (seen > 0) {
		w->child = ns_to_ours(wp, seen);
		if (w->child != seen)
			w->child_ns = seen;
	}
	bool by_pid = w->idtype < 0 ? w->id > 0 : w->idtype == P_PID;
	if (by_pid && w->id > 0 && w->id <= INT32_MAX) {
		pid_t id = (pid_t)w->id;
		pid_t ours = seen > 0 && id == seen ? w->child : ns_to_ours(wp, id);
		if (ours > 0 && ours != id)
			w->id_pid = ours;
	}
}
