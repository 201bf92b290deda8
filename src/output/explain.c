/* --explain: what the kernel just did, in plain words. */
#include "explain.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "pt/escape.h"
#include "pt/tables.h"

static void say_path(FILE *f, const char *s)
{
	pt_escape_text(f, s ? s : "", s ? strlen(s) : 0, 1);
}

/* ---- one explanation per event kind (syscalls/events.def) ---- */

static void explain_start(FILE *f, const struct pt_event *ev)
{
	/* nothing the kernel did: the tracer's own line says what is traced */
	(void)f, (void)ev;
}

static void explain_attach(FILE *f, const struct pt_event *ev)
{
	fprintf(f, "    = %d was already running (its parent is %d): ptrace-tour attached to it with "
		   "PTRACE_SEIZE, which does not stop it; from now on its forks, execs, signals and exits "
		   "are seen, and at the end it is detached and runs on untraced.\n",
		(int)ev->pid, (int)ev->u.attach.ppid);
}

static void explain_spawn(FILE *f, const struct pt_event *ev)
{
	int pid = (int)ev->pid, c = (int)ev->u.spawn.child;
	switch (ev->u.spawn.kind) {
	case PT_SPAWN_FORK:
		fprintf(f, "    = %d called fork: %d is a new process, a copy of its parent's memory "
			   "(copy-on-write) and of its fds, which share the parent's open files and so their "
			   "file offsets; fork returned %d to the parent and 0 to the child.\n",
			pid, c, c);
		break;
	case PT_SPAWN_VFORK:
		fprintf(f, "    = %d called vfork: child %d borrows its parent's memory, and %d is suspended "
			   "until the child calls execve or _exit.\n", pid, c, pid);
		break;
	case PT_SPAWN_THREAD:
		fprintf(f, "    = %d started thread %d: same process (tgid %d), same memory and files.\n", pid,
			c, (int)ev->tgid);
		break;
	default:        /* PT_SPAWN_CLONE, and any other byte a log may hold */
		fprintf(f, "    = %d called clone: %d is a new process sharing what the flags say.\n", pid, c);
		break;
	}
}

static void explain_exec(FILE *f, const struct pt_event *ev)
{
	fprintf(f, "    = %d replaced its program with ", (int)ev->pid);
	say_path(f, ev->u.exec.path);
	fputs(": the kernel read the ELF headers, threw away the old memory, mapped the new code and "
	      "data, and started it at its entry point. Same pid, same open files (except O_CLOEXEC).",
	      f);
	if (ev->u.exec.detail && ev->u.exec.detail->maps_before_unseen)
		fputs(" The old memory map was not seen: the tracer did not stop at the execve's entry, where "
		      "the old image still existed (--events-only stops at no syscall).", f);
	fputc('\n', f);
}

static void explain_exec_failed(FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_exec_failed *x = &ev->u.exec_failed;
	fprintf(f, "    = execve of ");
	if (x->path_unreadable)
		fprintf(f, "an unreadable path (the pointer %#" PRIx64 " is bad)", x->path_addr);
	else
		say_path(f, x->path);
	fprintf(f, " failed (%s): the old program keeps running%s.\n",
		pt_errno_name(x->err) ? pt_errno_name(x->err) : "?",
		x->err == ENOENT ? "; execvp is searching PATH and will try the next directory" : "");
}

static void explain_syscall(FILE *f, const struct pt_event *ev)
{
	/* a call without a lifecycle meaning: its strace-like line is all there is */
	(void)f, (void)ev;
}

static void explain_wait(FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_wait *w = &ev->u.wait;
	int pid = (int)ev->pid;
	if (w->err)
		fprintf(f, "    = %d's wait failed: %s.\n", pid,
			w->err == ECHILD ? "it has no (more) children to wait for" : "see the errno");
	else if (w->child <= 0 && w->child_ns <= 0)
		fprintf(f, "    = %d asked with WNOHANG: no child has changed state yet, so wait returned 0 "
			   "at once instead of blocking.\n", pid);
	else if (w->status.kind == PT_WS_STOPPED)
		fprintf(f, "    = %d learned that child %d is stopped (WUNTRACED); it stays alive.\n", pid,
			(int)w->child);
	else if (w->status.kind == PT_WS_CONTINUED)
		fprintf(f, "    = %d learned that child %d was resumed by SIGCONT (WCONTINUED).\n", pid,
			(int)w->child);
	else if (w->options & WNOWAIT)
		fprintf(f, "    = %d looked at the exit status of child %d with WNOWAIT: the child stays a "
			   "zombie, to be collected by a later wait.\n", pid, (int)w->child);
	else
		fprintf(f, "    = %d collected the exit status of child %d; the zombie's last trace in the "
			   "process table is freed.\n", pid, (int)w->child);
	if (!w->err && w->child_ns > 0)
		fprintf(f, "      (%d lives in a nested pid namespace: it knows that child as %d.)\n", pid,
			(int)w->child_ns);
}

static void explain_signal(FILE *f, const struct pt_event *ev)
{
	char sb[32];
	fprintf(f, "    = the kernel is delivering %s to %d", pt_signal_name(ev->u.signal.sig, sb, sizeof(sb)),
		(int)ev->pid);
	if (ev->u.signal.sig == SIGCHLD)
		fputs(" (a child changed state: it exited, stopped or continued)", f);
	fputs(".\n", f);
}

static void explain_stopped(FILE *f, const struct pt_event *ev)
{
	char sb[32];
	fprintf(f, "    = %d is stopped by %s (job control): it does not run until SIGCONT; its parent can "
		   "see this with waitpid(WUNTRACED).\n", (int)ev->pid,
		pt_signal_name(ev->u.stopped.sig, sb, sizeof(sb)));
}

static void explain_continued(FILE *f, const struct pt_event *ev)
{
	fprintf(f, "    = %d runs again after SIGCONT.\n", (int)ev->pid);
}

static void explain_exit(FILE *f, const struct pt_event *ev)
{
	char sb[32];
	int pid = (int)ev->pid;
	if (ev->pid != ev->tgid)
		fprintf(f, "    = thread %d of process %d has ended.\n", pid, (int)ev->tgid);
	else if (ev->u.exit.status.kind == PT_WS_SIGNALED)
		fprintf(f, "    = %d was killed by %s%s. It is now a zombie: dead, but its exit status waits "
			   "in the process table until its parent calls wait.\n", pid,
			pt_signal_name(ev->u.exit.status.code, sb, sizeof(sb)),
			ev->u.exit.status.core ? " and left a core dump" : "");
	else
		fprintf(f, "    = %d has exited with status %d: it is now a zombie, dead but kept in the "
			   "process table until its parent calls wait.\n", pid, ev->u.exit.status.code);
}

static void explain_reap(FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_reap *r = &ev->u.reap;
	int pid = (int)ev->pid;
	if (r->autoreap)
		fprintf(f, "    = %d's parent ignores SIGCHLD (or set SA_NOCLDWAIT), so the kernel freed %d at "
			   "once: it never stayed a zombie.\n", pid, pid);
	else if (r->pidns_teardown)
		fprintf(f, "    = %d was killed because %d, pid 1 of its pid namespace, exited: the kernel "
			   "SIGKILLs every process left in a namespace whose init dies, and that init reaps "
			   "them all on its way out.\n", pid, (int)r->by);
	else if (r->by && r->by_tracer)
		fprintf(f, "    = %d was a zombie for %.3f ms until its real parent, ptrace-tour (%d), reaped it "
			   "with waitpid.\n", pid, (double)r->zombie_ns / 1e6, (int)r->by);
	else if (r->by)
		fprintf(f, "    = %d was a zombie for %.3f ms until its parent %d called wait.\n", pid,
			(double)r->zombie_ns / 1e6, (int)r->by);
	else
		fprintf(f, "    = %d was reaped by a process outside the trace (init adopts and reaps orphans).\n",
			pid);
}

static void explain_reparent(FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_reparent *r = &ev->u.reparent;
	int pid = (int)ev->pid;
	if (pt_reparent_role(r) == PT_REAPER_PIDNS_INIT)
		fprintf(f, "    = %d lost its parent %d and was adopted by %d, pid 1 of its pid namespace "
			   "(a container's init): inside a namespace that process plays init's part and reaps "
			   "the orphans.\n", pid, (int)r->from, (int)r->to);
	else if (r->to == 1)
		fprintf(f, "    = %d lost its parent %d and was adopted by init (pid 1), which will reap it: "
			   "this is how the double-fork trick makes a daemon.\n", pid, (int)r->from);
	else
		fprintf(f, "    = %d lost its parent %d and was adopted by %d, the nearest ancestor that made "
			   "itself a child subreaper (PR_SET_CHILD_SUBREAPER).\n", pid, (int)r->from, (int)r->to);
}

static void explain_end(FILE *f, const struct pt_event *ev)
{
	/* the tracer's own ending: its line says how the trace ended */
	(void)f, (void)ev;
}

/* A kind in events.def without its explain_ function does not compile. */
static void (*const explainers[PT_EV__COUNT])(FILE *f, const struct pt_event *ev) = {
#define EV(NAME, name) [PT_EV_##NAME] = explain_##name,
#include "events.def"
#undef EV
};

void pt_explain_event(FILE *f, const struct pt_event *ev)
{
	if ((unsigned)ev->kind < PT_EV__COUNT)
		explainers[ev->kind](f, ev);
}
