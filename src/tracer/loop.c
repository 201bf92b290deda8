/* The ptrace loop: the only caller of wait4(-1, __WALL).  It waits for the
 * next report, classifies the stop, calls the handler for it and restarts
 * the task; the handlers (spawn.c, jobctl.c, syscall.c, exec.c,
 * lifecycle.c) never call back here.  The stops (see man 2 ptrace):
 *
 *   SIGTRAP|0x80               syscall entry/exit (--no-seccomp, or the exit
 *                              of a call whose seccomp stop asked for it)
 *   PTRACE_EVENT_SECCOMP       a filtered syscall's entry
 *   PTRACE_EVENT_FORK/VFORK/CLONE, EXEC, EXIT, VFORK_DONE
 *   PTRACE_EVENT_STOP          a new task's first stop, a group-stop, or the
 *                              wake-up of a PTRACE_LISTEN'ed task
 *   any other stop             signal-delivery stop: re-inject the signal
 */
#include <errno.h>
#include <linux/audit.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "seccomp_filter.h"
#include "tracer_int.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

/* ---- stops ---- */

static int syscall_arch(uint32_t audit_arch, uint64_t *nr)
{
	if (audit_arch == AUDIT_ARCH_I386)
		return PT_ARCH_I386;
	if (*nr & PT_X32_SYSCALL_BIT) {
		*nr &= ~(uint64_t)PT_X32_SYSCALL_BIT;
		return PT_ARCH_X32;
	}
	return PT_ARCH_X86_64;
}

/* A seccomp stop of the tracee's own filter (its SECCOMP_RET_TRACE): the
 * program has no tracer of its own, so untraced the kernel fails the call
 * with ENOSYS without running it.  Do the same: number -1 makes the kernel
 * skip the call, and the return value is set to -ENOSYS as the kernel sets
 * it when no tracer is there.  orig_rax and rax hold the number and result
 * for the i386 and x32 ABIs too. */
static void refuse_syscall(pid_t tid)
{
	if (ptrace(PTRACE_POKEUSER, tid, (void *)offsetof(struct user_regs_struct, orig_rax), (void *)-1L) == 0)
		ptrace(PTRACE_POKEUSER, tid, (void *)offsetof(struct user_regs_struct, rax), (void *)(long)-ENOSYS);
}

static void on_syscall_stop(struct pt_tracer *T, struct pt_task *t, bool seccomp_stop)
{
	struct __ptrace_syscall_info si;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, (void *)sizeof(si), &si);
	if (n <= 0)
		goto out;
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY || si.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		T->stops[seccomp_stop ? PT_STOP_SECCOMP : PT_STOP_SYSCALL_ENTRY]++;
		/* ret_data is the stop's event message (no GETEVENTMSG needed).
		 * A refused call that we report gets its real exit stop, which
		 * shows the -ENOSYS, as --no-seccomp shows it. */
		bool refused = si.op == PTRACE_SYSCALL_INFO_SECCOMP && si.seccomp.ret_data != PT_SECCOMP_DATA;
		if (refused)
			refuse_syscall(t->tid);
		uint64_t nr = si.op == PTRACE_SYSCALL_INFO_SECCOMP ? si.seccomp.nr : si.entry.nr;
		enum pt_arch arch = syscall_arch(si.arch, &nr);
		enum pt_arch table = arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : arch;
		uint32_t kinds = nr < PT_SYSCALL_MAX ? pt_sc_kinds(table, (long)nr) : 0;
		if (!refused && (kinds & PT_SK_SPAWN))
			pt_untraced_on_entry(t, si.op == PTRACE_SYSCALL_INFO_SECCOMP ? si.seccomp.args : si.entry.args,
					     arch, kinds);
		/* fork/clone/exit are reported by their ptrace events; in
		 * --no-seccomp mode their syscall stops would only repeat them. */
		if (pt_set_has(&T->opt->trace, table, (long)nr) && !(kinds & (PT_SK_BY_EVENT | PT_SK_NORETURN)))
			pt_syscall_on_entry(T, t, &si, arch, (long)nr);
	} else if (si.op == PTRACE_SYSCALL_INFO_EXIT) {
		T->stops[PT_STOP_SYSCALL_EXIT]++;
		if (t->flags & PT_T_UNTRACED)  /* a clone that failed: no fork event came */
			pt_untraced_restore(t);
		if (t->flags & PT_T_IN_SYSCALL)
			pt_syscall_on_exit(T, t, si.exit.rval, si.exit.is_error);
	}
out:
	pt_resume(T, t, 0);
}

static void on_ptrace_event(struct pt_tracer *T, struct pt_task *t, int event)
{
	T->stops[PT_STOP_EVENT]++;
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		pt_spawn_on_event(T, t, event);
		break;
	case PTRACE_EVENT_EXEC: {
		unsigned long former = 0;
		/* The exec happened; only a validated message says which thread
		 * did it (a stale one is the exit status of a killed task).  No
		 * message is needed when the leader is its process's only task:
		 * when we launched the tree every thread is traced, and none
		 * runs before its clone event linked it to its process, so no
		 * other thread could have exec'd.  former 0 means "itself", as
		 * a message naming the leader would (two requests per exec). */
		bool sole = !T->attach_mode && t->proc && t->proc->tgid == t->tid && t->proc->ntasks == 1;
		if (!sole && pt_event_msg(t->tid, event, &former) < 0)
			former = 0;
		t = pt_exec_on_event(T, t, (pid_t)former);
		/* The execve exit stop would only repeat "= 0": skip it. */
		t->flags &= ~PT_T_IN_SYSCALL;
		pt_resume(T, t, 0);
		pt_exec_tell(T, t);
		return;
	}
	case PTRACE_EVENT_EXIT: {
		uint32_t kinds;
		enum pt_arch arch;
		int64_t ret;
		/* killed in the stop (< 0): its death report tells how it ended */
		if (pt_lifecycle_on_exit_event(T, t, &kinds, &arch, &ret) == 0 && (kinds & PT_SK_SPAWN))
			pt_spawn_on_exit_stop(T, t, kinds, arch, ret);
		break;
	}
	default:    /* VFORK_DONE and anything newer */
		break;
	}
	pt_resume(T, t, 0);
}

static void on_event_stop(struct pt_tracer *T, struct pt_task *t, int sig)
{
	T->stops[PT_STOP_GROUP]++;
	if (!(t->flags & PT_T_STARTED)) {
		pt_spawn_on_first_stop(T, t);
		return;
	}
	/* LISTEN, not CONT, for a group-stop: the task must stay stopped (its
	 * parent's waitpid(WUNTRACED) sees it) yet wake on SIGCONT. */
	if (pt_jobctl_on_event_stop(T, t, sig))
		ptrace(PTRACE_LISTEN, t->tid, NULL, NULL);
	else
		pt_resume(T, t, 0);
}

static void on_signal_stop(struct pt_tracer *T, struct pt_task *t, int sig)
{
	T->stops[PT_STOP_SIGNAL]++;
	pt_jobctl_on_signal_stop(T, t, sig);
	pt_resume(T, t, sig);
}

/* ---- the loop ---- */

struct stop {
	pid_t pid;
	int status;
	struct pt_rusage ru;    /* with a death report: what wait4 returned */
};

/* The kernel fills a rusage for every report, stops included (its
 * getrusage(RUSAGE_BOTH) of the task's process); only a death's is kept:
 * it goes on the exit event (docs/trace-format.md, exit.rusage). */
static pid_t wait_report(struct stop *s, int options)
{
	struct rusage ru;
	pid_t pid = wait4(-1, &s->status, options, &ru);
	if (pid > 0 && (WIFEXITED(s->status) || WIFSIGNALED(s->status)))
		s->ru = (struct pt_rusage){
			.utime_ns = (uint64_t)ru.ru_utime.tv_sec * 1000000000u + (uint64_t)ru.ru_utime.tv_usec * 1000u,
			.stime_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000u + (uint64_t)ru.ru_stime.tv_usec * 1000u,
			.maxrss_kb = (uint64_t)ru.ru_maxrss,
			.minflt = (uint64_t)ru.ru_minflt,
			.majflt = (uint64_t)ru.ru_majflt,
			.nvcsw = (uint64_t)ru.ru_nvcsw,
			.nivcsw = (uint64_t)ru.ru_nivcsw,
		};
	return pid;
}



/* waitpid(-1) finds stopped tracees in the order they were attached, so a
 * task that stops all the time (a syscall loop under --no-seccomp) would
 * always be found first and starve the others.  Each wake-up therefore
 * drains every report that is ready and serves them in turn: every task
 * gets one stop handled per round.  A task reports once until restarted,
 * so a round holds at most one report per task. */
#define PT_ROUND_MAX 256
/* Rounds without draining before one drains anyway (see next_event). */
#define PT_DRAIN_EVERY 8

struct round {
	struct stop v[PT_ROUND_MAX];
	size_t n, next;
	bool busy;              /* the last drain found more reports */
	unsigned undrained;     /* rounds since the last drain */
};

static struct stop next_event(struct pt_tracer *T, struct round *q)
{
	struct stop s = {0};
	if (q->next < q->n)
		return q->v[q->next++];
	q->n = q->next = 0;
	for (;;) {
		pt_interrupt_poll(T);
		/* Detached everything: the root, our own child, may run on for
		 * long; waiting for it would not be a detach. */
		if (T->shutting_down && !T->opt->seccomp && T->tasks.tids.count == 0)
			return s;
		/* About to block: what the sinks buffered goes to disk now, so a
		 * SIGKILLed tracer loses nothing traced before this idle moment
		 * (at most one write per sink, and only after new events). */
		pt_sinks_flush(T->sinks);
		pid_t pid = wait_report(&s, __WALL);
		if (pid > 0) {
			s.pid = pid;
			break;
		}
		if (errno != EINTR)
			return s;   /* ECHILD: no tracee left */
	}
	/* Only ask again when others are likely waiting: with one task the
	 * extra WNOHANG call would be pure cost, and so it is when the last
	 * drain came back empty (a fork+exec+wait chain: one task runs at a
	 * time, each round would end in a WNOHANG that returns 0).  Tasks
	 * that stop all the time make drains find reports, which keeps them
	 * on; a task that starts to compete waits at most PT_DRAIN_EVERY
	 * rounds for the next drain to see it. */
	if (T->tasks.tids.count > 1 && (q->busy || ++q->undrained >= PT_DRAIN_EVERY)) {
		struct stop more;
		q->undrained = 0;
		while (q->n < PT_ROUND_MAX && (more.pid = wait_report(&more, __WALL | WNOHANG)) > 0)
			q->v[q->n++] = more;
		q->busy = q->n > 0;
	}
	return s;
}

static bool dispatch(struct pt_tracer *T, struct stop s)
{
	if (!s.pid)
		return false;
	struct pt_task *t = pt_task_find(&T->tasks, s.pid);
	if (WIFEXITED(s.status) || WIFSIGNALED(s.status)) {
		T->stops[PT_STOP_DEATH]++;
		bool detaching = T->shutting_down && !T->opt->seccomp;
		if (t && (t->flags & PT_T_HELD) && !(t->flags & PT_T_ANNOUNCED) && !detaching) {
			/* Died at its first stop, before its parent's event named
			 * it: keep it for that event (or the orphan release), which
			 * reports its spawn, then this death. */
			t->flags |= PT_T_DIED;
			t->death_status = s.status;
			t->death_ru = s.ru;
			t->death_ru_valid = true;
		} else if (t) {
			t->death_ru = s.ru;
			t->death_ru_valid = true;
			pt_lifecycle_on_death(T, t, s.status);
		} else if (!detaching && (t = pt_task_add(&T->tasks, s.pid))) {
			/* A new task killed before its first stop (a pid waitpid
			 * reports is ours): the same, once a hint names its creator. */
			t->flags = PT_T_STARTED | PT_T_HELD | PT_T_DIED;
			t->death_status = s.status;
			t->death_ru = s.ru;
			t->death_ru_valid = true;
			T->nheld++;
		}
		/* at the end of the round: a stale fork event later in it may
		 * still tell who made an orphan */
		T->orphan_check = true;
		return true;
	}
	if (!WIFSTOPPED(s.status))
		return true;
	int sig = WSTOPSIG(s.status), event = s.status >> 16;
	if (t && (t->flags & PT_T_DIED)) {
		/* a stop from a pid we saw die: a new task got the pid (the dead
		 * one's spawn was never named, so it goes unreported) */
		T->nheld--;
		pt_task_remove(&T->tasks, t);
		t = NULL;
	}
	if (T->shutting_down && !T->opt->seccomp) {
		pt_detach(T, t, s.pid, (sig == (SIGTRAP | 0x80) || event) ? 0 : sig);
		return true;
	}
	if (!t && !(t = pt_task_add(&T->tasks, s.pid)))
		return true;
	if (sig == (SIGTRAP | 0x80))
		on_syscall_stop(T, t, false);
	else if (event == PTRACE_EVENT_SECCOMP)
		on_syscall_stop(T, t, true);
	else if (event == PTRACE_EVENT_STOP)
		on_event_stop(T, t, sig);
	else if (event)
		on_ptrace_event(T, t, event);
	else if (!(t->flags & PT_T_STARTED))
		pt_spawn_on_first_stop(T, t);    /* a signal beat the first stop: rare, treat alike */
	else
		on_signal_stop(T, t, sig);
	return true;
}

void pt_loop_run(struct pt_tracer *T)
{
	struct round q = {.n = 0};
	while (dispatch(T, next_event(T, &q)))
		if (q.next == q.n && T->orphan_check) {
			T->orphan_check = false;
			pt_spawn_release_orphans(T, false);
		}
	pt_spawn_release_orphans(T, true);      /* children that died held, after the last round */
}
