/* The tracer's state, shared by the modules that turn kernel stops into
 * events (loop.c, syscall.c, lifecycle.c, exec.c).  Sinks never see it. */
#ifndef PT_TRACER_H
#define PT_TRACER_H

#include <signal.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/event.h"
#include "pt/options.h"
#include "pt/sink.h"
#include "pt/task.h"

/* Syscalls whose meaning the tracer decodes itself. */
enum pt_sc_kind {
	PT_SK_GENERIC = 0,
	PT_SK_EXECVE,
	PT_SK_EXECVEAT,
	PT_SK_WAIT4,
	PT_SK_WAITPID,      /* i386 */
	PT_SK_WAITID,
	PT_SK_NORETURN,     /* exit, exit_group, rt_sigreturn: no exit stop to pair */
	PT_SK_BY_EVENT,     /* fork, vfork, clone, clone3: reported by their ptrace event */
	PT_SK_REMAP,        /* mmap, munmap, mprotect, mremap: -k's cached maps go stale */
};

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
	struct pt_elf_cache *elf_cache;
	struct pt_unwinder *unw;    /* -k, else NULL */
	uint64_t t0;                /* CLOCK_MONOTONIC ns at start */
	unsigned long popts;        /* PTRACE_O_* every task starts with */
	pid_t root;
	pid_t self;                 /* getpid(), once */
	bool root_done;
	bool root_execd;            /* the root's first exec happened (before it: our launcher's code) */
	struct pt_wstatus root_status;
	uint8_t sc_kind[PT_ARCH__COUNT][PT_SYSCALL_MAX];
	uint64_t stops[PT_STOP__COUNT];
	size_t nheld;               /* tasks held at their first stop */
	/* Fork/vfork/clone events whose task was killed before we read the new
	 * tid (loop.c): who created a held child its parent never named. */
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

uint64_t pt_now_ns(void);

/* Fills the common fields (ts, pid, tgid) and hands ev to every sink, then
 * frees the event's arena memory. */
void pt_tracer_emit(struct pt_tracer *T, struct pt_event *ev, pid_t pid, pid_t tgid);

/* syscall.c: 1 when pid is in our pid namespace, 0 when it is not, -1 when
 * /proc cannot tell (one stat; ours is stat'ed once and cached in T). */
int pt_pidns_is_ours(struct pt_tracer *T, pid_t pid);
/* syscall.c: a process spawned cp while its creating thread parent_tid is
 * stopped in its fork event (both alive): for a parent in a nested pid
 * namespace, read cp's pid in that namespace now, while it surely exists. */
void pt_pidns_on_spawn(struct pt_tracer *T, pid_t parent_tid, struct pt_proc *pp, struct pt_proc *cp);
/* syscall.c: a nested namespace's init r (ns_levels entries in its NSpid)
 * adopted orphan c, alive: read c's pid as r sees it, if not read yet. */
void pt_pidns_on_adopt(struct pt_proc *r, uint8_t ns_levels, struct pt_proc *c);

/* syscall.c: a traced syscall's entry and exit (seccomp or PTRACE_SYSCALL). */
struct __ptrace_syscall_info;
void pt_syscall_on_entry(struct pt_tracer *T, struct pt_task *t, const struct __ptrace_syscall_info *si,
			 enum pt_arch arch, long nr);
void pt_syscall_on_exit(struct pt_tracer *T, struct pt_task *t, int64_t rval, bool is_error);

/* lifecycle.c: deaths, zombies, reaping, orphans. */
void pt_lifecycle_on_death(struct pt_tracer *T, struct pt_task *t, int status);
/* After any wait of waiter returned (reaped: the pid it consumed, or 0). */
void pt_lifecycle_on_wait_done(struct pt_tracer *T, pid_t waiter_tgid, pid_t reaped);
void pt_lifecycle_finish(struct pt_tracer *T);

/* exec.c: the exec anatomy (maps, ELF, fds, env). */
void pt_exec_on_entry(struct pt_tracer *T, struct pt_task *t);
/* At PTRACE_EVENT_EXEC, reported under the leader's tid: old_tid is the
 * thread that exec'd.  Returns the task now holding the leader's tid. */
struct pt_task *pt_exec_on_event(struct pt_tracer *T, struct pt_task *t, pid_t old_tid);

/* loop.c: the parent learned (wait, SIGCHLD) that pid stopped or continued. */
void pt_loop_note_child_state(struct pt_tracer *T, pid_t pid, bool stopped, int sig);
/* loop.c: lets go of held new tasks whose parent died before reporting them. */
void pt_loop_release_orphans(struct pt_tracer *T);

/* The whole trace: returns 0 and the exit status ptrace-tour should use, or
 * -errno for a failure to start (with a message in err). */
int pt_trace_run(const struct pt_options *o, struct pt_sinks *sinks, const char *path, int *exit_status,
		 char *err, size_t errlen);

#endif
