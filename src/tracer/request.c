/* The ptrace requests the handlers share on a task in a stop: restarting it
 * (which request continues it, letting a held new task go, detaching it)
 * and reading the stop's event message safely. */
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>

#include "tracer_int.h"

/* ESRCH from any request means the task died under us (SIGKILL, exit of
 * its group): not an error, its death report is on its way. */
void pt_resume(struct pt_tracer *T, struct pt_task *t, int sig)
{
	/* --events-only: no syscall stop ever (no exit stop is awaited either:
	 * nothing traced a syscall's entry). */
	int req = !T->opt->events_only &&
			  (!T->opt->seccomp || (t->flags & (PT_T_IN_SYSCALL | PT_T_UNTRACED)))
		  ? PTRACE_SYSCALL : PTRACE_CONT;
	ptrace(req, t->tid, NULL, (void *)(long)sig);
}

void pt_release_held(struct pt_tracer *T, struct pt_task *t, int sig)
{
	t->flags &= ~PT_T_HELD;
	T->nheld--;
	pt_resume(T, t, sig);
}

/* Reports are served after they were made (next_event drains several per
 * wake-up), and a task SIGKILLed meanwhile has left its stop (ptrace fails
 * with ESRCH) or sits in its PTRACE_EVENT_EXIT stop, whose message (the
 * exit status: 9, 42<<8) a late GETEVENTMSG returns instead.  GETSIGINFO
 * comes after GETEVENTMSG: a task leaves an event stop only when we restart
 * it or it is killed, and a killed task never enters that kind of stop
 * again, so the same event's si_code now means the message was read in the
 * reported stop. */
int pt_event_msg(pid_t tid, int event, unsigned long *msg)
{
	siginfo_t si;
	if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, msg) < 0 || ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) < 0)
		return -errno;
	return si.si_signo == SIGTRAP && si.si_code == (SIGTRAP | (event << 8)) ? 0 : -ESRCH;
}

int pt_set_options(pid_t tid, unsigned long opts)
{
	return ptrace(PTRACE_SETOPTIONS, tid, NULL, (void *)opts) < 0 ? -errno : 0;
}

/* --no-seccomp interruption: every stop becomes a detach, passing on the
 * signal of a signal-delivery stop so nothing the tracee was sent is lost. */
void pt_detach(struct pt_tracer *T, struct pt_task *t, pid_t pid, int sig)
{
	if (t && (t->flags & PT_T_UNTRACED))   /* the program gets its own flags back */
		pt_untraced_restore(t);
	if (ptrace(PTRACE_DETACH, pid, NULL, (void *)(long)sig) == 0)
		T->ndetached++;
	if (!t)
		return;
	if (t->flags & PT_T_HELD)
		T->nheld--;
	pt_task_remove(&T->tasks, t);
}
