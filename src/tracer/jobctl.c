/* Job control as the tracee's family sees it: group-stops and continues
 * (the `stopped` and `continued` events, with the sender of the signal),
 * and signal-delivery stops (the `signal` event). */
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <time.h>

#include "emit.h"
#include "tracer_int.h"

static bool is_group_stop_sig(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
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
	pt_tracer_emit(T, &ev, t->tid, pt_task_tgid(t));
}

/* The kernel tells the parent (SIGCHLD, wait) about a group-stop or a
 * continue before the stopped task's own ptrace stop reaches us: report the
 * state change first, so the log keeps cause before effect. */
void pt_jobctl_note_child_state(struct pt_tracer *T, pid_t pid, bool stopped, int sig)
{
	struct pt_task *c = pt_task_find(&T->tasks, pid);
	if (!c || !(c->flags & PT_T_ANNOUNCED))
		return;
	/* A traced task's group-stop completes inside its PTRACE_EVENT_STOP
	 * trap, so a stop its parent saw before we did still has that trap
	 * report queued: mark it, so that the report is taken for this stop
	 * and not for a new one (even once the continue is told too). */
	if (stopped && !(c->flags & PT_T_STOPPED))
		c->flags |= PT_T_STOP_NOTED;
	set_stopped(T, c, stopped, sig);
}

bool pt_jobctl_on_event_stop(struct pt_tracer *T, struct pt_task *t, int sig)
{
	/* The report of a stop the parent's wait already told of: the kernel
	 * fixed its signal when the task trapped, and a SIGCONT since (whose
	 * continue may be told already) makes PTRACE_LISTEN re-trap at once
	 * with SIGTRAP.  Only the task's next report can be that one. */
	bool noted = t->flags & PT_T_STOP_NOTED;
	t->flags &= ~PT_T_STOP_NOTED;
	if (is_group_stop_sig(sig)) {
		if (!noted)
			set_stopped(T, t, true, sig);
		return true;
	}
	/* SIGTRAP: woken from LISTEN by SIGCONT, or by our PTRACE_INTERRUPT. */
	set_stopped(T, t, false, 0);
	return false;
}

void pt_jobctl_on_signal_stop(struct pt_tracer *T, struct pt_task *t, int sig)
{
	siginfo_t si;
	struct pt_event ev = {.kind = PT_EV_SIGNAL};
	ev.u.signal.sig = sig;
	/* si_signo: a task killed since its report is elsewhere (exit stop) */
	if (ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &si) == 0 && si.si_signo == sig) {
		ev.u.signal.code = si.si_code;
		if (si.si_code <= 0 || sig == SIGCHLD)
			ev.u.signal.sender = si.si_pid;
		if (sig == SIGCHLD && (si.si_code == CLD_STOPPED || si.si_code == CLD_CONTINUED))
			pt_jobctl_note_child_state(T, si.si_pid, si.si_code == CLD_STOPPED, si.si_status);
	}
	if (is_group_stop_sig(sig))
		t->stop_sender = ev.u.signal.sender;
	pt_tracer_emit(T, &ev, t->tid, pt_task_tgid(t));
}
