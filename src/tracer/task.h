/* The table of traced tasks (threads) and processes, with the lifecycle
 * state the loop keeps for each. */
#ifndef PT_TRACER_TASK_H
#define PT_TRACER_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pt/arena.h"
#include "pt/event.h"
#include "pt/hash.h"
#include "pt/procfs.h"

enum pt_task_flag {
	PT_T_STARTED = 1u << 0,    /* its first stop has been handled */
	PT_T_ANNOUNCED = 1u << 1,  /* its spawn event was emitted (or it is the root) */
	PT_T_IN_SYSCALL = 1u << 2, /* between a traced entry and its exit */
	PT_T_STOPPED = 1u << 3,    /* in a group-stop (PTRACE_LISTEN) */
	PT_T_EXITING = 1u << 4,    /* PTRACE_EVENT_EXIT seen */
	PT_T_STOP_NOTED = 1u << 5, /* its parent's wait told of a group-stop whose trap report is still to come */
	PT_T_HELD = 1u << 6,       /* new task held at its first stop until its parent's event */
	PT_T_NEED_OPTS = 1u << 7,  /* give it the tracer's full options at its first stop */
	PT_T_DIED = 1u << 8,       /* held: its death was reported before its spawn (death_status) */
	PT_T_ATTACHED = 1u << 9,   /* seized by -p (it was running before the trace) */
	PT_T_DECODED = 1u << 10,   /* in a syscall whose entry filled dec (syscall.c) */
	/* We cleared CLONE_UNTRACED from a clone in flight (untraced.c): put
	 * clone_flags back before the task runs on. */
	PT_T_UNTRACED_REG = 1u << 16,  /* in the flags register (clone) */
	PT_T_UNTRACED_MEM = 1u << 17,  /* in clone_args.flags (clone3) */
};
#define PT_T_UNTRACED (PT_T_UNTRACED_REG | PT_T_UNTRACED_MEM)

/* What an execve entry left for the exec event or the failure. */
struct pt_exec_pending {
	struct pt_arena arena;
	const char *path;
	const char *const *argv;
	size_t argc;
	bool argv_truncated;
	int syscall;                /* number in arch's numbering */
	uint8_t arch;
	uint64_t path_addr;         /* the path argument, for when it cannot be read */
	int dirfd;                  /* execveat's dirfd (AT_FDCWD for execve) */
	int at_flags;               /* execveat's flags (0 for execve) */
	struct pt_maps maps_before;
	/* the old image's environment from /proc/PID/environ, read at the
	 * entry only when its proc has no env image (the root's first exec,
	 * a process running before -p) */
	struct pt_env old_env;
	bool old_env_read;
	struct pt_maps *exit_maps;  /* --maps=exit: taken at PTRACE_EVENT_EXIT */
	const struct pt_stack *stack;      /* -k: at the execve entry */
	const struct pt_stack *exit_stack; /* -k: at PTRACE_EVENT_EXIT */
};

/* What a reported syscall's entry read for its event, kept to its exit:
 * -y's fd paths (an fd closed by the call is gone at the exit) and the
 * input memory of the signature's memory letters.  Allocated at the first
 * call of the task that needs it, reused after; the strings live in the
 * arena, reset at each entry. */
struct pt_sc_decode {
	struct pt_arena arena;
	const char *fd_path[6];
	uint8_t mem[6][PT_SC_MEM_MAX];
	uint16_t mem_len[6];    /* 0: not read */
};

struct pt_proc;

/* An environment block (n strings back to back in data, v pointing into
 * it), immutable and reference counted: the processes forked from one
 * image share it. */
struct pt_env_image {
	unsigned refs;
	size_t n;
	const char *const *v;
	char data[];
};

/* A copy of v[0..n) with one reference; NULL on ENOMEM. */
struct pt_env_image *pt_env_image_new(const char *const *v, size_t n);
/* e may be NULL (returns NULL). */
struct pt_env_image *pt_env_image_ref(struct pt_env_image *e);
void pt_env_image_unref(struct pt_env_image *e);

struct pt_task {
	pid_t tid;
	uint32_t flags;             /* enum pt_task_flag */
	struct pt_proc *proc;       /* NULL while held and unannounced */
	/* the traced syscall in flight (PT_T_IN_SYSCALL) */
	int sc_nr;
	uint8_t sc_arch;
	uint32_t sc_kinds;          /* its PT_SK_* bits (pt/tables.h) */
	uint64_t sc_args[6];
	uint64_t sc_t0;             /* -T, -c: CLOCK_MONOTONIC ns at its entry stop */
	struct pt_sc_decode *dec;   /* -y, memory letters: see above; NULL until needed */
	uint8_t exit_how;           /* from PTRACE_EVENT_EXIT */
	int exit_raw;               /* its status, for a task that never reports death */
	int death_status;           /* PT_T_DIED: the wait status of its death report */
	bool death_ru_valid;        /* death_ru came with its death report (wait4) */
	struct pt_rusage death_ru;
	pid_t stop_sender;          /* sender of the last stop signal delivered */
	pid_t held_ppid;            /* PT_T_HELD: the parent's tgid read from /proc */
	pid_t held_tgid;
	uint64_t clone_flags;       /* PT_T_UNTRACED_*: the flags the program passed */
	uint64_t clone_args;        /* PT_T_UNTRACED_MEM: address of its struct clone_args */
	uint8_t clone_arch;         /* PT_T_UNTRACED_REG: ABI of the call (which register) */
	struct pt_exec_pending *exec;
	struct pt_hnode hnode;      /* in pt_tasks.tids, by tid */
};

/* Ownership.  The table owns a proc from pt_proc_add until pt_proc_remove
 * takes it out (it is then no longer found by tgid, in the process tree or
 * by pt_procs_each).  Each task attached to it (pt_task_attach) holds a
 * reference, counted by ntasks: a removed proc that tasks still point to
 * stays allocated, marked `removed`, and is freed when its last task is
 * removed or re-attached.  So t->proc is always valid for a task in the
 * table, but it may name a process that is gone from the table (check
 * `removed` before treating it as live, and compare procs by pointer).
 * Tasks are owned by the table alone: pt_task_remove frees them. */
struct pt_proc {
	pid_t tgid;
	pid_t ppid;                 /* real parent's tgid as we know it */
	int ntasks;                 /* tasks attached: references to this record */
	bool removed;               /* out of the table, alive only for its tasks */
	bool dead;                  /* the leader reported death: a zombie or gone */
	bool wait_pending;          /* dead while its parent was in a wait: settled when that wait returns */
	bool exit_events;           /* its tasks report PTRACE_EVENT_EXIT */
	uint64_t died_ns;
	struct pt_wstatus status;   /* how it ended, once dead */
	/* pid namespaces, learned lazily when it waits (syscall.c): the
	 * entries of its NSpid line (1: our namespace; 0: not known yet), and
	 * its pid as its parent's namespace shows it (0: not read) */
	uint8_t ns_levels;
	pid_t ns_pid;
	bool ns_tried;              /* ns_pid was read for (once, while alive) */
	bool ns_init;               /* pid 1 of a nested pid namespace, once we saw it */
	bool ns_teardown;           /* such an init, seen exiting (lifecycle.c) */
	bool ns_init_read;          /* lifecycle.c read ns_init (once, while alive) */
	/* the tree of processes we know, for orphan detection */
	struct pt_proc *parent, *first_child, *next_sibling, *prev_sibling;
	/* the environment the current image was started with, for the env
	 * diff of the next exec: read at its exec, shared with the processes
	 * forked from it (their memory is a copy); NULL when not known */
	struct pt_env_image *env;
	struct pt_hnode hnode;      /* in pt_tasks.tgids, by tgid */
};

struct pt_tasks {
	struct pt_hash tids;        /* the tasks (tids.count of them) */
	struct pt_hash tgids;       /* the processes */
};

int pt_tasks_init(struct pt_tasks *ts);
void pt_tasks_free(struct pt_tasks *ts);

struct pt_task *pt_task_find(struct pt_tasks *ts, pid_t tid);
/* A new task record (flags 0, no proc); NULL on ENOMEM. */
struct pt_task *pt_task_add(struct pt_tasks *ts, pid_t tid);
/* Drops and frees the task and its reference to its proc (which is freed
 * too if it was removed from the table and this was its last task). */
void pt_task_remove(struct pt_tasks *ts, struct pt_task *t);
/* Re-keys a task to a new tid (a non-leader thread that exec'd). */
void pt_task_rekey(struct pt_tasks *ts, struct pt_task *t, pid_t tid);
/* Points t at p (taking a reference), dropping its reference to any
 * previous proc. */
void pt_task_attach(struct pt_task *t, struct pt_proc *p);
/* The task's side storage (exec in flight, exit maps/stack), made on first
 * use; NULL on ENOMEM. */
struct pt_exec_pending *pt_task_exec_pending(struct pt_task *t);

struct pt_proc *pt_proc_find(struct pt_tasks *ts, pid_t tgid);
struct pt_proc *pt_proc_add(struct pt_tasks *ts, pid_t tgid, pid_t ppid);
/* Moves p under the process new_ppid (NULL parent when it is not traced). */
void pt_proc_reparent(struct pt_tasks *ts, struct pt_proc *p, pid_t new_ppid);
/* Takes p out of the table and the process tree; frees it now if no task
 * refers to it, else when the last one goes. */
void pt_proc_remove(struct pt_tasks *ts, struct pt_proc *p);

/* Iteration over every task (order unspecified); fn may remove the element
 * it is given, and nothing else. */
void pt_tasks_each(struct pt_tasks *ts, void (*fn)(struct pt_task *t, void *arg), void *arg);
void pt_procs_each(struct pt_tasks *ts, void (*fn)(struct pt_proc *p, void *arg), void *arg);

#endif
