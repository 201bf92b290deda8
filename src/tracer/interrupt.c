/* Interrupting the trace: the tool's signal handlers (SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT; a terminal's signal that the program got too is the
 * program's), and the shutdown they start: kill the tree in seccomp mode,
 * detach it with --no-seccomp. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "launch.h"
#include "pt/util.h"
#include "tracer_int.h"

static volatile sig_atomic_t g_interrupted;
/* For the handler: the root's pid (0 before the launch and once reaped), and
 * a terminal's signal that arrived after the root was gone: the loop then
 * looks at the rest of the tree (see on_interrupt). */
static volatile sig_atomic_t g_root, g_tty_pending;

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
void pt_interrupt_install(void)
{
	/* SIGQUIT too: its default action would dump our core and leave the
	 * tree to EXITKILL with an unfinished log. */
	static const int interrupts[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_interrupt; /* no SA_RESTART: waitpid must return EINTR */
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < PT_N_ELEMENTS(interrupts); i++)
		sigaddset(&sa.sa_mask, interrupts[i]);
	/* Started with one of them ignored (nohup, a background job of a
	 * non-interactive shell): the caller asked that it not end us, so
	 * keep ignoring it, as Unix programs do. */
	for (size_t i = 0; i < PT_N_ELEMENTS(interrupts); i++)
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
		pt_release_held(T, t, 0);
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
		pt_detach(T, t, t->tid, 0);
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

void pt_interrupt_set_root(pid_t root)
{
	g_root = root;
}

void pt_interrupt_poll(struct pt_tracer *T)
{
	if (T->root_done)
		g_root = 0;     /* its pid may be reused */
	if (g_tty_pending && !T->shutting_down)
		settle_tty_signal(T);
	if (g_interrupted && !T->shutting_down) {
		T->interrupted = g_interrupted;
		begin_shutdown(T);
	}
}
