/* --explain: what the kernel just did, in plain words. */
#include "explain.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>

#include "pt/escape.h"
#include "pt/tables.h"

static void say_path(FILE *f, const char *s)
{
	pt_escape_text(f, s ? s : "", s ? strlen(s) : 0, 1);
}

void pt_explain_event(FILE *f, const struct pt_event *ev)
{
	char sb[32];
	int pid = (int)ev->pid;
	switch (ev->kind) {
	case PT_EV_SPAWN: {
		int c = (int)ev->u.spawn.child;
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
		default:
			fprintf(f, "    = %d called clone: %d is a new process sharing what the flags say.\n", pid, c);
			break;
		}
		break;
	}
	case PT_EV_EXEC:
		fprintf(f, "    = %d replaced its program with ", pid);
		say_path(f, ev->u.exec.path);
		fputs(": the kernel read the ELF headers, threw away the old memory, mapped the new code and "
		      "data, and started it at its entry point. Same pid, same open files (except O_CLOEXEC).\n",
		      f);
		break;
	case PT_EV_EXEC_FAILED:
		fprintf(f, "    = execve of ");
		if (ev->u.exec_failed.path_unreadable)
			fprintf(f, "an unreadable path (the pointer %#" PRIx64 " is bad)", ev->u.exec_failed.path_addr);
		else
			say_path(f, ev->u.exec_failed.path);
		fprintf(f, " failed (%s): the old program keeps running%s.\n",
			pt_errno_name(ev->u.exec_failed.err) ? pt_errno_name(ev->u.exec_failed.err) : "?",
			ev->u.exec_failed.err == ENOENT ? "; execvp is searching PATH and will try the next directory" : "");
		break;
	case PT_EV_WAIT: {
		const struct pt_ev_wait *w = &ev->u.wait;
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
		else
			fprintf(f, "    = %d collected the exit status of child %d; the zombie's last trace in the "
				   "process table is freed.\n", pid, (int)w->child);
		if (!w->err && w->child_ns > 0)
			fprintf(f, "      (%d lives in a nested pid namespace: it knows that child as %d.)\n", pid,
				(int)w->child_ns);
		break;
	}
	case PT_EV_SIGNAL:
		fprintf(f, "    = the kernel is delivering %s to %d", pt_signal_name(ev->u.signal.sig, sb, sizeof(sb)),
			pid);
		if (ev->u.signal.sig == SIGCHLD)
			fputs(" (a child changed state: it exited, stopped or continued)", f);
		fputs(".\n", f);
		break;
	case PT_EV_STOPPED:
		fprintf(f, "    = %d is stopped by %s (job control): it does not run until SIGCONT; its parent can "
			   "see this with waitpid(WUNTRACED).\n", pid, pt_signal_name(ev->u.stopped.sig, sb, sizeof(sb)));
		break;
	case PT_EV_CONTINUED:
		fprintf(f, "    = %d runs again after SIGCONT.\n", pid);
		break;
	case PT_EV_EXIT:
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
		break;
	case PT_EV_REAP:
		if (ev->u.reap.autoreap)
			fprintf(f, "    = %d's parent ignores SIGCHLD (or set SA_NOCLDWAIT), so the kernel freed %d at "
				   "once: it never stayed a zombie.\n", pid, pid);
		else if (ev->u.reap.pidns_teardown)
			fprintf(f, "    = %d was killed because %d, pid 1 of its pid namespace, exited: the kernel "
				   "SIGKILLs every process left in a namespace whose init dies, and that init reaps "
				   "them all on its way out.\n", pid, (int)ev->u.reap.by);
		else if (ev->u.reap.by && ev->u.reap.by_tracer)
			fprintf(f, "    = %d was a zombie for %.3f ms until its real parent, ptrace-tour (%d), reaped it "
				   "with waitpid.\n", pid, (double)ev->u.reap.zombie_ns / 1e6, (int)ev->u.reap.by);
		else if (ev->u.reap.by)
			fprintf(f, "    = %d was a zombie for %.3f ms until its parent %d called wait.\n", pid,
				(double)ev->u.reap.zombie_ns / 1e6, (int)ev->u.reap.by);
		else
			fprintf(f, "    = %d was reaped by a process outside the trace (init adopts and reaps orphans).\n",
				pid);
		break;
	case PT_EV_REPARENT:
		if (pt_reparent_role(&ev->u.reparent) == PT_REAPER_PIDNS_INIT)
			fprintf(f, "    = %d lost its parent %d and was adopted by %d, pid 1 of its pid namespace "
				   "(a container's init): inside a namespace that process plays init's part and reaps "
				   "the orphans.\n", pid, (int)ev->u.reparent.from, (int)ev->u.reparent.to);
		else if (ev->u.reparent.to == 1)
			fprintf(f, "    = %d lost its parent %d and was adopted by init (pid 1), which will reap it: "
				   "this is how the double-fork trick makes a daemon.\n", pid, (int)ev->u.reparent.from);
		else
			fprintf(f, "    = %d lost its parent %d and was adopted by %d, the nearest ancestor that made "
				   "itself a child subreaper (PR_SET_CHILD_SUBREAPER).\n", pid, (int)ev->u.reparent.from,
				(int)ev->u.reparent.to);
		break;
	default:
		break;
	}
}
