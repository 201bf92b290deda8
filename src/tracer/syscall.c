/* Pairs a traced syscall's entry with its exit and turns the pair into an
 * event: exec_failed, wait (with the status decoded from tracee memory), or
 * a generic syscall record. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "pt/procfs.h"
#include "pt/tables.h"
#include "pt/tracee_mem.h"
#include "pt/tracer.h"
#include "unwind.h"

#define PT_STR_MAX 4096     /* bytes kept of a path argument */

/* Kernel-internal "restart me" codes: the call will be issued again (or turn
 * into EINTR in the signal code), so there is nothing final to report yet. */
static bool is_restart(int64_t rval)
{
	return rval <= -512 && rval >= -516;
}

/* ---- pid namespaces ----
 *
 * A waiter in a nested pid namespace gets its namespace's pids from wait4
 * and waitid.  A process's namespace is fixed for its life (unshare and
 * setns change only its children's), so we look once per process, at its
 * first wait: one stat of /proc/PID/ns/pid, nothing more for a process in
 * our namespace.  For a nested waiter we read each child's NSpid line while
 * the child still exists (at the wait's entry: a child the wait reaps is gone
 * from /proc by the exit stop) and translate the returned pid with it. */

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
static void pidns_prepare(struct pt_tracer *T, struct pt_task *t)
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
static void pidns_translate(struct pt_tracer *T, struct pt_task *t, struct pt_ev_wait *w)
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

/* Called for reported syscalls that return (loop.c filters out the
 * PT_SK_NORETURN and PT_SK_BY_EVENT ones). */
void pt_syscall_on_entry(struct pt_tracer *T, struct pt_task *t, const struct __ptrace_syscall_info *si,
			 enum pt_arch arch, long nr)
{
	enum pt_arch table = arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : arch;
	const uint64_t *args = si->op == PTRACE_SYSCALL_INFO_SECCOMP ? si->seccomp.args : si->entry.args;
	t->sc_nr = (int)nr;
	t->sc_arch = (uint8_t)arch;
	t->sc_kind = nr < PT_SYSCALL_MAX ? T->sc_kind[table][nr] : PT_SK_GENERIC;
	memcpy(t->sc_args, args, sizeof(t->sc_args));
	t->flags |= PT_T_IN_SYSCALL;
	if (t->sc_kind == PT_SK_EXECVE || t->sc_kind == PT_SK_EXECVEAT)
		pt_exec_on_entry(T, t);
	else if (t->sc_kind == PT_SK_WAIT4 || t->sc_kind == PT_SK_WAITPID || t->sc_kind == PT_SK_WAITID)
		pidns_prepare(T, t);
}

static void exit_exec_failed(struct pt_tracer *T, struct pt_task *t, int err)
{
	struct pt_event ev = {.kind = PT_EV_EXEC_FAILED};
	struct pt_exec_pending *x = t->exec;
	ev.u.exec_failed.err = err;
	ev.u.exec_failed.path = x && x->path ? x->path : "";
	if (x && !x->path) {    /* not the empty path of AT_EMPTY_PATH */
		ev.u.exec_failed.path_unreadable = true;
		ev.u.exec_failed.path_addr = x->path_addr;
	}
	ev.u.exec_failed.syscall = x ? x->syscall : -1;
	ev.u.exec_failed.arch = x ? x->arch : PT_ARCH_X86_64;
	ev.stack = x ? x->stack : NULL;
	pt_tracer_emit(T, &ev, t->tid, t->proc ? t->proc->tgid : t->tid);
	if (x) {
		pt_arena_reset(&x->arena);
		x->stack = NULL;
	}
}

/* Whether this wait consumed the child (WNOWAIT leaves it a zombie). */
static bool wait_reaps(const struct pt_ev_wait *w)
{
	return w->child > 0 && !(w->options & WNOWAIT) &&
	       (w->status.kind == PT_WS_EXITED || w->status.kind == PT_WS_SIGNALED);
}

static void exit_wait(struct pt_tracer *T, struct pt_task *t, int64_t rval, bool is_error)
{
	if (is_error && is_restart(rval))
		return;
	struct pt_event ev = {.kind = PT_EV_WAIT};
	struct pt_ev_wait *w = &ev.u.wait;
	const uint64_t *a = t->sc_args;
	w->ret = rval;
	w->err = is_error ? (int)-rval : 0;
	w->idtype = -1;
	w->syscall = t->sc_nr;
	w->arch = t->sc_arch;
	if (t->sc_kind == PT_SK_WAITID) {
		w->idtype = (int)a[0];
		w->id = (int32_t)a[1];
		w->options = (int)a[3];
		if (!is_error && a[2]) {
			/* siginfo_t: signo, errno, code, then the union, which is
			 * 8-aligned on 64-bit ABIs; si_pid, si_uid, si_status. */
			int32_t buf[8];
			unsigned base = t->sc_arch == PT_ARCH_I386 ? 3 : 4;
			if (pt_mem_read(t->tid, a[2], buf, sizeof(buf)) == 0 && buf[base] > 0) {
				w->child = buf[base];
				int code = buf[2], st = buf[base + 2];
				switch (code) {
				case CLD_EXITED: w->status = (struct pt_wstatus){PT_WS_EXITED, false, st}; break;
				case CLD_KILLED: w->status = (struct pt_wstatus){PT_WS_SIGNALED, false, st}; break;
				case CLD_DUMPED: w->status = (struct pt_wstatus){PT_WS_SIGNALED, true, st}; break;
				case CLD_STOPPED:
				case CLD_TRAPPED: w->status = (struct pt_wstatus){PT_WS_STOPPED, false, st}; break;
				case CLD_CONTINUED: w->status = (struct pt_wstatus){PT_WS_CONTINUED, false, st}; break;
				default: break;
				}
			}
		}
	} else {
		w->id = (int32_t)a[0];
		w->options = (int)a[2];
		if (!is_error && rval > 0) {
			w->child = (pid_t)rval;
			int raw;
			if (a[1] && pt_mem_read(t->tid, a[1], &raw, sizeof(raw)) == 0)
				w->status = pt_wstatus_from_raw(raw);
		}
	}
	pidns_translate(T, t, w);
	if (w->child > 0 && w->status.kind == PT_WS_NONE) {
		/* waitpid(pid, NULL, 0): no status word to read, but a dead child
		 * it returned was reaped, and we know how that child ended. */
		struct pt_proc *c = pt_proc_find(&T->tasks, w->child);
		if (c && c->dead)
			w->status = c->status;
	}
	pid_t tgid = t->proc ? t->proc->tgid : t->tid;
	if (w->child > 0 && (w->status.kind == PT_WS_STOPPED || w->status.kind == PT_WS_CONTINUED))
		pt_loop_note_child_state(T, w->child, w->status.kind == PT_WS_STOPPED, w->status.code);
	bool reaped = wait_reaps(w);
	pid_t child = w->child;
	if (T->unw)
		ev.stack = pt_unwind_capture(T->unw, t->tid, tgid, &T->arena);
	pt_tracer_emit(T, &ev, t->tid, tgid);
	pt_lifecycle_on_wait_done(T, tgid, reaped ? child : 0);
}

static void exit_generic(struct pt_tracer *T, struct pt_task *t, int64_t rval, bool is_error)
{
	struct pt_event ev = {.kind = PT_EV_SYSCALL};
	struct pt_ev_syscall *s = &ev.u.syscall;
	enum pt_arch table = t->sc_arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : t->sc_arch;
	const struct pt_syscall_desc *d = pt_syscall_desc(table, t->sc_nr);
	s->nr = t->sc_nr;
	s->arch = t->sc_arch;
	s->ret = rval;
	s->err = is_error ? (int)-rval : 0;
	s->nargs = d ? (uint8_t)strlen(d->sig) : 6;
	if (s->nargs > 6)
		s->nargs = 6;
	for (int i = 0; i < s->nargs; i++) {
		s->args[i] = t->sc_arch == PT_ARCH_I386 ? (uint32_t)t->sc_args[i] : t->sc_args[i];
		if (d && d->sig[i] == 's' && s->args[i]) {
			const char *str = NULL;
			if (pt_mem_read_str(t->tid, s->args[i], PT_STR_MAX, &T->arena, &str, NULL, NULL) == 0)
				s->str[i] = str;
		}
	}
	if (T->unw) {
		pid_t tgid = t->proc ? t->proc->tgid : t->tid;
		if (t->sc_kind == PT_SK_REMAP && !is_error)
			pt_unwind_invalidate(T->unw, tgid);
		ev.stack = pt_unwind_capture(T->unw, t->tid, tgid, &T->arena);
	}
	pt_tracer_emit(T, &ev, t->tid, t->proc ? t->proc->tgid : t->tid);
}

void pt_syscall_on_exit(struct pt_tracer *T, struct pt_task *t, int64_t rval, bool is_error)
{
	t->flags &= ~PT_T_IN_SYSCALL;
	switch (t->sc_kind) {
	case PT_SK_EXECVE:
	case PT_SK_EXECVEAT:
		/* Success never gets here: PTRACE_EVENT_EXEC cleared IN_SYSCALL. */
		if (is_error)
			exit_exec_failed(T, t, (int)-rval);
		break;
	case PT_SK_WAIT4:
	case PT_SK_WAITPID:
	case PT_SK_WAITID:
		exit_wait(T, t, rval, is_error);
		break;
	default:
		exit_generic(T, t, rval, is_error);
		break;
	}
	t->sc_nr = -1;
}
