/* Job control as the tracee's family sees it: group-stops and continues
 * (the `stopped` and `continued` events, with the sender of the signal),
 * and signal-delivery stops (the `signal` event). */
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <time.h>

#include "emit.h"
#include "pt/procfs.h"
#include "tracer_int.h"

static bool is_group_stop_sig(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* The SIGCONT that woke a stopped task is still queued (its delivery stop
 * comes next): peek at it.  When the parent hears of the continue first,
 * the woken task may be between its LISTEN and its re-trap (PEEKSIGINFO
 * then fails with ESRCH): it re-traps within microseconds, so a few short
 * retries are enough.  A task still in LISTEN (a late notice of an old
 * continue) fails with ESRCH too, and stays so: its state is then 't' (a
 * woken one is 'R' until it re-traps, and then the request works), and
 * three such rounds in a row end the wait.  Returns whether a SIGCONT is
 * queued; *sender is its sender when a process sent it. */
static bool sigcont_queued(pid_t tid, pid_t *sender)
{
	siginfo_t q[8];
	int listening = 0;
	*sender = 0;
	for (int tries = 0; tries < 200; tries++) {
		bool stopped = true;
		for (int shared = 1; shared >= 0; shared--) {
			struct __ptrace_peeksiginfo_args a = {0, shared ? PTRACE_PEEKSIGINFO_SHARED : 0, 8};
			long n = ptrace(PTRACE_PEEKSIGINFO, tid, &a, q);
			if (n < 0)
				stopped = false;
			for (long i = 0; i < n; i++)
				if (q[i].si_signo == SIGCONT) {
					if (q[i].si_code <= 0)
						*sender = q[i].si_pid;
					return true;
				}
		}
		if (stopped || errno != ESRCH)
			break;
		struct pt_proc_status st;
		if (pt_procfs_read_status(tid, &st) < 0 || st.state == 'Z' || st.state == 'X')
			break;  /* dead: nothing is queued any more */
		listening = st.state == 't' ? listening + 1 : 0;
		if (listening == 3)
			break;
		struct timespec ts = {0, 10000};
		nanosleep(&ts, NULL);
	}
	return false;
}

static void emit_stopped(struct pt_tracer *T, struct pt_task *t, int sig)
{
	struct pt_event ev = {.kind = PT_EV_STOPPED};
	t->flags |= PT_T_STOPPED;
	ev.u.stopped.sig = sig;
	ev.u.stopped.sender = t->stop_sender;
	pt_tracer_emit(T, &ev, t->tid, pt_task_tgid(t));
}

static void emit_continued(struct pt_tracer *T, struct pt_task *t, pid_t sender)
{
	struct pt_event ev = {.kind = PT_EV_CONTINUED};
	t->flags &= ~PT_T_STOPPED;
	ev.u.continued.sender = sender;
	pt_tracer_emit(T, &ev, t->tid, pt_task_tgid(t));
}

/* The stop signal when the task sits in the trap of a group-stop (SEIZE'd:
 * its PTRACE_EVENT_STOP, whose siginfo is the stop signal) that we have
 * not taken yet, else 0.  Running, killed or LISTEN'ed, the request fails
 * (ESRCH); in any other stop the siginfo says which. */
static int group_stop_trap_sig(pid_t tid)
{
	siginfo_t si;
	if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) == 0 && is_group_stop_sig(si.si_signo) &&
	    si.si_code == (si.si_signo | (PTRACE_EVENT_STOP << 8)))
		return si.si_signo;
	return 0;
}

/* The kernel tells the parent (SIGCHLD, wait) about a group-stop or a
 * continue before the stopped task's own ptrace stop reaches us: report the
 * state change first, so the log keeps cause before effect.  But what the
 * parent hears can be late: a SIGCHLD delivered, or a wait returning, after
 * the child was continued and stopped again (or the reverse), is about a
 * change we told already.  So the note is only a cue: the child itself
 * says whether it is in that state now (its group-stop trap taken by
 * nobody yet; a SIGCONT queued that woke it); if not, its own reports tell
 * the story, in their order. */
void pt_jobctl_note_child_state(struct pt_tracer *T, pid_t pid, bool stopped)
{
	struct pt_task *c = pt_task_find(&T->tasks, pid);
	if (!c || !(c->flags & PT_T_ANNOUNCED) || stopped == !!(c->flags & PT_T_STOPPED))
		return;
	pid_t sender;
	int trap_sig;
	if (stopped && (trap_sig = group_stop_trap_sig(pid))) {
		/* A traced task's group-stop completes inside its
		 * PTRACE_EVENT_STOP trap, so this stop still has that trap
		 * report queued: mark it, so that the report is taken for this
		 * stop and not for a new one (even once the continue is told
		 * too). */
		c->flags |= PT_T_STOP_NOTED;
		emit_stopped(T, c, trap_sig);   /* the stop it is in, if the note was about an older one */
	} else if (!stopped && sigcont_queued(pid, &sender)) {
		emit_continued(T, c, sender);
	}
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
		if (!noted && !(t->flags & PT_T_STOPPED))
			emit_stopped(T, t, sig);
		return true;
	}
	/* SIGTRAP: woken from LISTEN by SIGCONT, or by our PTRACE_INTERRUPT. */
	pid_t sender;
	if (t->flags & PT_T_STOPPED) {
		sigcont_queued(t->tid, &sender);
		emit_continued(T, t, sender);
	}
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
			pt_jobctl_note_child_state(T, si.si_pid, si.si_code == CLD_STOPPED);
	}
	if (is_group_stop_sig(sig))
		t->stop_sender = ev.u.signal.sender;
	pt_tracer_emit(T, &ev, t->tid, pt_task_tgid(t));
}
