/* The tracer's private state, shared by the files of src/tracer that turn
 * kernel stops into events, and the handlers they call one another by.
 * Nothing outside src/tracer sees it (the public side is pt/tracer.h).
 *
 * Who calls whom (no circle): tracer.c -> loop.c -> the handlers (spawn.c,
 * jobctl.c, syscall.c, exec.c, lifecycle.c, interrupt.c) -> emit.c,
 * request.c, untraced.c, pidns.c, task.c.  No handler calls loop.c. */
#ifndef PT_TRACER_INT_H
#define PT_TRACER_INT_H

#include <signal.h>
#include <stdint.h>
#include <sys/user.h>

#include "pt/arena.h"
#include "pt/event.h"
#include "pt/options.h"
#include "pt/sink.h"
#include "pt/tables.h"
#include "pt/tracer.h"
#include "task.h"

/* Stop counters (--stats, and the `stops` of the end event). */
enum pt_stop_kind {
	PT_STOP_SECCOMP = 0,
	PT_STOP_SYSCALL_ENTRY,
	PT_STOP_SYSCALL_EXIT,
	PT_STOP_EVENT,       /* fork/vfork/clone/exec/exit/vfork-done */
	PT_STOP_GROUP,       /* PTRACE_EVENT_STOP: group-stop, first stop, listen wake-up */
	PT_STOP_SIGNAL,
	PT_STOP_DEATH,       /* not a stop: a death report */
	PT_STOP__COUNT
};

struct pt_elf_cache;
struct pt_unwinder;

struct pt_tracer {
	const struct pt_options *opt;
	struct pt_sinks *sinks;
	struct pt_tasks tasks;
	struct pt_arena arena;      /* per event; reset after each emit */
	/* The exec event between pt_exec_on_event and pt_exec_tell (exec.c):
	 * its memory is in arena and in the task's exec record, both left
	 * alone until it is told. */
	struct pt_event exec_ev;
	bool exec_ev_held;
	struct pt_elf_cache *elf_cache;
	struct pt_unwinder *unw;    /* -k, else NULL */
	uint64_t t0;                /* CLOCK_MONOTONIC ns at start */
	unsigned long popts;        /* PTRACE_O_* every task starts with */
	pid_t root;                 /* with -p: the first PID (not our child) */
	bool attach_mode;           /* -p: the tree was running before us */
	uint64_t ndetached;         /* tasks let go running at the end (end.left_running) */
	pid_t self;                 /* getpid(), once */
	uint64_t nprocs_ended;      /* processes whose leader's death we saw (--stats) */
	bool root_done;
	bool root_execd;            /* the root's first exec happened (before it: our launcher's code) */
	struct pt_wstatus root_status;
	uint64_t stops[PT_STOP__COUNT];
	size_t nheld;               /* tasks held at their first stop */
	/* Fork/vfork/clone events whose task was killed before we read the new
	 * tid (spawn.c): who created a held child its parent never named. */
	struct pt_creator_hint {
		pid_t tid, tgid, ppid;
		pid_t child;            /* from the registers at its exit stop, 0 if unknown */
		int event;              /* PTRACE_EVENT_FORK/VFORK/CLONE */
		struct pt_ev_spawn sp;  /* with child: the call, from the same registers */
	} hints[16];
	unsigned nhints;
	bool hints_lost;            /* one was dropped (full): no guess may rely on the rest being all */
	bool orphan_check;          /* a death was reported: release orphans when the round is done */
	volatile sig_atomic_t interrupted;   /* the signal that asked us to stop */
	bool shutting_down;
	/* our own pid namespace (/proc/self/ns/pid), stat'ed at the first
	 * wait: a waiter whose namespace differs sees other pids */
	bool pidns_known;
	dev_t pidns_dev;
	ino_t pidns_ino;
};

static inline pid_t pt_task_tgid(const struct pt_task *t)
{
	return t->proc ? t->proc->tgid : t->tid;
}

#define PT_X32_SYSCALL_BIT 0x40000000u

/* The ABI of the call a stopped task is in, from its code segment. */
static inline enum pt_arch pt_arch_of_regs(const struct user_regs_struct *r)
{
	return r->cs == 0x23 ? PT_ARCH_I386 : PT_ARCH_X86_64;
}

/* The kinds (PT_SK_*) of syscall nr in arch's table (x32 reads
 * x86_64's), 0 when unknown. */
static inline uint32_t pt_sc_kinds(enum pt_arch arch, long nr)
{
	const struct pt_syscall_desc *d = pt_syscall_desc(arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : arch, nr);
	return d ? d->kinds : 0;
}

/* request.c: restarts a task from its stop (PTRACE_SYSCALL when its exit
 * stop is wanted, else PTRACE_CONT), passing sig. */
void pt_resume(struct pt_tracer *T, struct pt_task *t, int sig);
/* request.c: lets a task held at its first stop run. */
void pt_release_held(struct pt_tracer *T, struct pt_task *t, int sig);
/* request.c: detaches pid (t: its record, dropped; may be NULL). */
void pt_detach(struct pt_tracer *T, struct pt_task *t, pid_t pid, int sig);
/* request.c: the message of the event stop a queued report announced: 0,
 * or -errno when the task is no longer in that stop (-ESRCH: it was
 * killed since, its death report follows). */
int pt_event_msg(pid_t tid, int event, unsigned long *msg);
/* request.c: PTRACE_SETOPTIONS; 0 or -errno (-ESRCH: the task vanished,
 * its death report follows). */
int pt_set_options(pid_t tid, unsigned long opts);

/* untraced.c: CLONE_UNTRACED cleared at a clone's entry (kinds: the
 * call's PT_SK_* bits), put back at the fork event, or at the exit stop of
 * a clone that failed. */
void pt_untraced_on_entry(struct pt_task *t, const uint64_t *args, enum pt_arch arch, uint32_t kinds);
void pt_untraced_on_spawn(struct pt_task *parent, struct pt_task *child);
void pt_untraced_restore(struct pt_task *t);

/* spawn.c: PTRACE_EVENT_FORK/VFORK/CLONE of parent. */
void pt_spawn_on_event(struct pt_tracer *T, struct pt_task *parent, int event);
/* spawn.c: a task's first stop: held until its parent's event names it. */
void pt_spawn_on_first_stop(struct pt_tracer *T, struct pt_task *t);
/* spawn.c: t, at its PTRACE_EVENT_EXIT stop, leaves through a fork call
 * (kinds of the call, arch its ABI, ret the value it returns): a child its
 * (stale) fork event never named. */
void pt_spawn_on_exit_stop(struct pt_tracer *T, struct pt_task *t, uint32_t kinds, enum pt_arch arch, int64_t ret);
/* spawn.c: lets go of held new tasks whose parent died before reporting
 * them (final: the trace is over, decide with what we know). */
void pt_spawn_release_orphans(struct pt_tracer *T, bool final);

/* jobctl.c: a PTRACE_EVENT_STOP of a started task: true for a group-stop
 * (the loop restarts it with PTRACE_LISTEN), false for the wake-up from
 * one (restarted as usual). */
bool pt_jobctl_on_event_stop(struct pt_tracer *T, struct pt_task *t, int sig);
/* jobctl.c: a signal-delivery stop: emit `signal` (the loop re-injects
 * it). */
void pt_jobctl_on_signal_stop(struct pt_tracer *T, struct pt_task *t, int sig);
/* jobctl.c: the parent learned (wait, SIGCHLD) that pid stopped or
 * continued. */
void pt_jobctl_note_child_state(struct pt_tracer *T, pid_t pid, bool stopped);

/* interrupt.c: SIGINT/SIGTERM/SIGHUP/SIGQUIT end the trace (not a
 * terminal's signal the program got too); SIGPIPE ignored. */
void pt_interrupt_install(void);
/* interrupt.c: the root's pid, for telling a terminal's signal apart. */
void pt_interrupt_set_root(pid_t root);
/* interrupt.c: before each blocking wait: a pending interruption begins
 * the shutdown (kill the tree in seccomp mode, else detach it). */
void pt_interrupt_poll(struct pt_tracer *T);

/* lifecycle.c: PTRACE_EVENT_EXIT: exit vs exit_group, --maps=exit, -k.
 * 0 and the call t leaves through (*kinds 0 when unknown), or -errno when
 * t is no longer in that stop (killed since). */
int pt_lifecycle_on_exit_event(struct pt_tracer *T, struct pt_task *t, uint32_t *kinds, enum pt_arch *arch,
			       int64_t *ret);

/* attach.c (-p): seizes every thread of each PID and of its live
 * descendants (unless --no-descendants), re-reading /proc until stable.
 * 0 and the walk for pt_attach_emit; -errno with a one-line message in err,
 * nothing left attached. */
struct pt_attach_walk;
int pt_attach_seize(struct pt_tracer *T, struct pt_attach_walk **out, char *err, size_t errlen);
/* attach.c: the attach event of each process seized, parents first (after
 * the start event, before any live one); frees w. */
void pt_attach_emit(struct pt_tracer *T, struct pt_attach_walk *w);
/* attach.c: the one-line message for a -p PID that could not be seized
 * (errno e; yama_scope -1 without Yama; tracer_pid: its TracerPid, -1 when
 * unknown). */
void pt_attach_why(char *buf, size_t len, pid_t pid, int e, int yama_scope, pid_t tracer_pid);

/* loop.c: waits for every stop of the traced tree and serves it, until
 * no tracee is left. */
void pt_loop_run(struct pt_tracer *T);

/* pidns.c: 1 when pid is in our pid namespace, 0 when it is not, -1 when
 * /proc cannot tell (one stat; ours is stat'ed once and cached in T). */
int pt_pidns_is_ours(struct pt_tracer *T, pid_t pid);
/* pidns.c: a process spawned cp while its creating thread parent_tid is
 * stopped in its fork event (both alive): for a parent in a nested pid
 * namespace, read cp's pid in that namespace now, while it surely exists. */
void pt_pidns_on_spawn(struct pt_tracer *T, pid_t parent_tid, struct pt_proc *pp, struct pt_proc *cp);
/* pidns.c: a nested namespace's init r (ns_levels entries in its NSpid)
 * adopted orphan c, alive: read c's pid as r sees it, if not read yet. */
void pt_pidns_on_adopt(struct pt_proc *r, uint8_t ns_levels, struct pt_proc *c);
/* pidns.c: at a wait's entry: the waiter's namespace; for a nested one,
 * its live children's pids in it. */
void pt_pidns_prepare(struct pt_tracer *T, struct pt_task *t);
/* pidns.c: at the wait's exit: rewrites child (and id) of a nested
 * waiter's wait into our pids. */
void pt_pidns_translate(struct pt_tracer *T, struct pt_task *t, struct pt_ev_wait *w);

/* syscall.c: a traced syscall's entry and exit (seccomp or PTRACE_SYSCALL). */
struct __ptrace_syscall_info;
void pt_syscall_on_entry(struct pt_tracer *T, struct pt_task *t, const struct __ptrace_syscall_info *si,
			 enum pt_arch arch, long nr);
void pt_syscall_on_exit(struct pt_tracer *T, struct pt_task *t, int64_t rval, bool is_error);

/* lifecycle.c: deaths, zombies, reaping, orphans. */
void pt_lifecycle_on_death(struct pt_tracer *T, struct pt_task *t, int status);
/* After any wait of waiter returned (reaped: the pid it consumed, or 0). */
/* A wait of waiter_tgid returned (reaped: the child it consumed, or 0):
 * before its event, the children the kernel reaped meanwhile; after it,
 * the reaping by the wait itself. */
void pt_lifecycle_before_wait_event(struct pt_tracer *T, pid_t waiter_tgid, pid_t reaped);
void pt_lifecycle_on_wait_done(struct pt_tracer *T, pid_t waiter_tgid, pid_t reaped);
void pt_lifecycle_finish(struct pt_tracer *T);

/* exec.c: the exec anatomy (maps, ELF, fds, env). */
void pt_exec_on_entry(struct pt_tracer *T, struct pt_task *t);
/* At PTRACE_EVENT_EXEC, reported under the leader's tid: old_tid is the
 * thread that exec'd.  Reads what the event needs while the task is
 * stopped and keeps the event in T->exec_ev; pt_exec_tell hands it to the
 * sinks once the task runs again.  Returns the task now holding the
 * leader's tid. */
struct pt_task *pt_exec_on_event(struct pt_tracer *T, struct pt_task *t, pid_t old_tid);
void pt_exec_tell(struct pt_tracer *T, struct pt_task *t);

#endif
