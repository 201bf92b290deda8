/* Pairs a traced syscall's entry with its exit and turns the pair into an
 * event: exec_failed, wait (with the status decoded from tracee memory), or
 * a generic syscall record. */
#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "emit.h"
#include "pt/procfs.h"
#include "pt/tables.h"
#include "pt/tracee_mem.h"
#include "tracer_int.h"
#include "unwind.h"

#define PT_STR_MAX 4096     /* bytes kept of a path argument */

/* Kernel-internal "restart me" codes: the call will be issued again (or turn
 * into EINTR in the signal code), so there is nothing final to report yet. */
static bool is_restart(int64_t rval)
{
	return rval <= -512 && rval >= -516;
}

/* -y: the path of fd in the task's /proc (AT_FDCWD: its cwd), or NULL. */
static const char *fd_path(pid_t tid, int64_t fd, struct pt_arena *a)
{
	char name[32];
	const char *out = NULL;
	if (fd == -100)
		snprintf(name, sizeof(name), "cwd");
	else if (fd >= 0 && fd <= INT32_MAX)
		snprintf(name, sizeof(name), "fd/%d", (int)fd);
	else
		return NULL;
	return pt_procfs_readlink(tid, name, a, &out) == 0 ? out : NULL;
}

/* Whether a call of this signature needs the per-task decode state: only
 * with -y for an fd, or for a memory letter (x86_64 layouts only). */
static bool wants_decode(const struct pt_tracer *T, const struct pt_syscall_desc *d, enum pt_arch arch)
{
	if (!d)
		return false;
	if (T->opt->decode_fds && (strchr(d->sig, 'f') || (d->kinds & PT_SK_RET_FD)))
		return true;
	if (arch != PT_ARCH_X86_64)
		return false;
	for (const char *c = d->sig; *c; c++)
		if (pt_sig_mem_size(*c))
			return true;
	return false;
}

/* Reads, at the entry, what the exit cannot: the fd paths (-y) and the
 * memory the input letters point to.  Bounded; a failed read leaves it
 * unread (the text prints the pointer). */
static void decode_entry(struct pt_tracer *T, struct pt_task *t, const struct pt_syscall_desc *d, bool *ok)
{
	*ok = false;
	if (!t->dec) {
		t->dec = calloc(1, sizeof(*t->dec));
		if (!t->dec)
			return;
		pt_arena_init(&t->dec->arena);
	}
	struct pt_sc_decode *x = t->dec;
	pt_arena_reset(&x->arena);
	memset(x->fd_path, 0, sizeof(x->fd_path));
	memset(x->mem_len, 0, sizeof(x->mem_len));
	*ok = true;
	for (int i = 0; i < 6 && d->sig[i]; i++) {
		char c = d->sig[i];
		if (c == 'f' && T->opt->decode_fds)
			x->fd_path[i] = fd_path(t->tid, (int32_t)t->sc_args[i], &x->arena);
		size_t n = pt_sig_mem_size(c);
		if (n && t->sc_arch == PT_ARCH_X86_64 && !pt_sig_mem_is_output(c) && t->sc_args[i] &&
		    pt_mem_read(t->tid, t->sc_args[i], x->mem[i], n) == 0)
			x->mem_len[i] = (uint16_t)n;
	}
}

/* Called for reported syscalls that return (loop.c filters out the
 * PT_SK_NORETURN and PT_SK_BY_EVENT ones). */
void pt_syscall_on_entry(struct pt_tracer *T, struct pt_task *t, const struct __ptrace_syscall_info *si,
			 enum pt_arch arch, long nr)
{
	const uint64_t *args = si->op == PTRACE_SYSCALL_INFO_SECCOMP ? si->seccomp.args : si->entry.args;
	t->sc_nr = (int)nr;
	t->sc_arch = (uint8_t)arch;
	t->sc_kinds = pt_sc_kinds(arch, nr);
	memcpy(t->sc_args, args, sizeof(t->sc_args));
	t->flags |= PT_T_IN_SYSCALL;
	t->flags &= ~PT_T_DECODED;
	if (T->opt->timing)
		t->sc_t0 = pt_now_ns();
	if (!(t->sc_kinds & (PT_SK_EXEC | PT_SK_WAIT))) {
		const struct pt_syscall_desc *d = pt_syscall_desc(arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : arch, nr);
		bool ok = false;
		if (wants_decode(T, d, arch))
			decode_entry(T, t, d, &ok);
		if (ok)
			t->flags |= PT_T_DECODED;
	}
	if (t->sc_kinds & PT_SK_EXEC)
		pt_exec_on_entry(T, t);
	else if (t->sc_kinds & PT_SK_WAIT)
		pt_pidns_prepare(T, t);
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
	if (T->opt->timing) {
		w->timed = true;
		w->dur_ns = pt_now_ns() - t->sc_t0;
	}
	w->ret = rval;
	w->err = is_error ? (int)-rval : 0;
	w->idtype = -1;
	w->syscall = t->sc_nr;
	w->arch = t->sc_arch;
	if (t->sc_kinds & PT_SK_WAITID) {
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
	pt_pidns_translate(T, t, w);
	if (w->child > 0 && w->status.kind == PT_WS_NONE) {
		/* waitpid(pid, NULL, 0): no status word to read, but a dead child
		 * it returned was reaped, and we know how that child ended. */
		struct pt_proc *c = pt_proc_find(&T->tasks, w->child);
		if (c && c->dead)
			w->status = c->status;
	}
	pid_t tgid = t->proc ? t->proc->tgid : t->tid;
	if (w->child > 0 && (w->status.kind == PT_WS_STOPPED || w->status.kind == PT_WS_CONTINUED))
		pt_jobctl_note_child_state(T, w->child, w->status.kind == PT_WS_STOPPED);
	bool reaped = wait_reaps(w);
	pid_t child = w->child;
	if (T->unw)
		ev.stack = pt_unwind_capture(T->unw, t->tid, tgid, &T->arena);
	pt_lifecycle_before_wait_event(T, tgid, reaped ? child : 0);
	pt_tracer_emit(T, &ev, t->tid, tgid);
	pt_lifecycle_on_wait_done(T, tgid, reaped ? child : 0);
}

static void exit_generic(struct pt_tracer *T, struct pt_task *t, int64_t rval, bool is_error)
{
	struct pt_event ev = {.kind = PT_EV_SYSCALL};
	struct pt_ev_syscall *s = &ev.u.syscall;
	if (T->opt->timing) {   /* first: the reads below are not the call's time */
		s->timed = true;
		s->dur_ns = pt_now_ns() - t->sc_t0;
	}
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
	if (d && (t->flags & PT_T_DECODED)) {
		struct pt_sc_decode *x = t->dec;
		for (int i = 0; i < s->nargs; i++) {
			char c = d->sig[i];
			s->fd_path[i] = x->fd_path[i];
			/* an output: what the kernel wrote, read now that it did */
			if (pt_sig_mem_is_output(c) && !is_error && s->args[i] && t->sc_arch == PT_ARCH_X86_64 &&
			    pt_mem_read(t->tid, s->args[i], x->mem[i], pt_sig_mem_size(c)) == 0)
				x->mem_len[i] = (uint16_t)pt_sig_mem_size(c);
			if (x->mem_len[i]) {
				s->mem[i] = x->mem[i];
				s->mem_len[i] = x->mem_len[i];
			}
		}
		if ((d->kinds & PT_SK_RET_FD) && !is_error && T->opt->decode_fds)
			s->ret_path = fd_path(t->tid, rval, &x->arena);
	}
	if (T->unw) {
		pid_t tgid = t->proc ? t->proc->tgid : t->tid;
		if ((t->sc_kinds & PT_SK_REMAP) && !is_error)
			pt_unwind_invalidate(T->unw, tgid);
		ev.stack = pt_unwind_capture(T->unw, t->tid, tgid, &T->arena);
	}
	pt_tracer_emit(T, &ev, t->tid, t->proc ? t->proc->tgid : t->tid);
}

void pt_syscall_on_exit(struct pt_tracer *T, struct pt_task *t, int64_t rval, bool is_error)
{
	t->flags &= ~PT_T_IN_SYSCALL;
	if (t->sc_kinds & PT_SK_EXEC) {
		/* Success never gets here: PTRACE_EVENT_EXEC cleared IN_SYSCALL. */
		if (is_error)
			exit_exec_failed(T, t, (int)-rval);
	} else if (t->sc_kinds & PT_SK_WAIT) {
		exit_wait(T, t, rval, is_error);
	} else {
		exit_generic(T, t, rval, is_error);
	}
	t->sc_nr = -1;
}
