/* The contract between producers (the live tracer, the log reader) and the
 * sinks: one normalized record per lifecycle event.
 *
 * Every pointer inside an event points into memory owned by whoever emitted
 * it (an arena reset after the sinks ran): a sink must copy what it keeps. */
#ifndef PT_EVENT_H
#define PT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Bump when a field changes meaning or disappears; adding fields or event
 * kinds that old readers may ignore is a minor change (docs/trace-format.md). */
#define PT_TRACE_FORMAT_VERSION 1

enum pt_ev_kind {
#define EV(NAME, name) PT_EV_##NAME,
#include "events.def"
#undef EV
};

/* The number of kinds, outside enum pt_ev_kind: a switch over a kind that
 * lists every kind and has no default then compiles without a case for the
 * count, and -Wswitch fails it when events.def gains a kind it lacks.  An
 * int, so it can stand for "no kind" wherever a kind goes. */
enum pt_ev_count {
	PT_EV_COUNT_ = 0
#define EV(NAME, name) + 1
#include "events.def"
#undef EV
};
#define PT_EV__COUNT ((int)PT_EV_COUNT_)

/* A wait(2)-style status, decoded. */
enum pt_ws_kind {
	PT_WS_NONE = 0,
	PT_WS_EXITED,    /* code = exit code 0..255 */
	PT_WS_SIGNALED,  /* code = signal, core = a core was dumped */
	PT_WS_STOPPED,   /* code = stopping signal */
	PT_WS_CONTINUED,
};

struct pt_wstatus {
	uint8_t kind;    /* enum pt_ws_kind */
	bool core;
	int code;
};

enum pt_arch {
	PT_ARCH_X86_64 = 0,
	PT_ARCH_I386,
	PT_ARCH_X32,
	PT_ARCH__COUNT
};

enum pt_spawn_kind {
	PT_SPAWN_FORK = 0,   /* a new process with a copied address space */
	PT_SPAWN_VFORK,      /* a new process sharing memory, parent blocked until exec/exit */
	PT_SPAWN_CLONE,      /* a new process made by clone/clone3 with other flags */
	PT_SPAWN_THREAD,     /* CLONE_THREAD: a new task in the same thread group */
	PT_SPAWN__COUNT
};

enum pt_exit_how {
	PT_EXIT_GROUP = 0,   /* this task called exit_group (exit(3), _exit(2), return from main) */
	PT_EXIT_THREAD,      /* this task called exit(2): only this thread ends */
	PT_EXIT_SIGNAL,      /* killed by a signal */
	PT_EXIT_BY_OTHER,    /* ended because another thread called exit_group or execve */
	PT_EXIT__COUNT
};

/* One stack frame (issue: -k). */
struct pt_frame {
	uint64_t ip;
	uint64_t off;          /* ip - start of func, when func is known */
	const char *func;      /* may be NULL */
	const char *module;    /* mapped file, may be NULL */
	uint64_t module_off;   /* ip - start of the mapping + its file offset */
};

struct pt_stack {
	const struct pt_frame *frames;
	size_t n;
	const char *error;     /* why the unwind stopped early, or NULL */
};

/* ---- exec anatomy (maps, ELF, fds, env) ---- */

#define PT_PROT_R 1u
#define PT_PROT_W 2u
#define PT_PROT_X 4u
#define PT_PROT_SHARED 8u   /* 's' in /proc/PID/maps, else private */

struct pt_map {
	uint64_t start, end, offset;
	uint32_t prot;         /* PT_PROT_* */
	uint32_t dev_major, dev_minor;
	uint64_t inode;
	const char *path;      /* "" for anonymous, "[stack]", "/x (deleted)"... */
};

struct pt_maps {
	const struct pt_map *v;
	size_t n;
	bool truncated;        /* more lines than we keep */
};

struct pt_elf_seg {         /* one PT_LOAD */
	uint64_t offset, vaddr, filesz, memsz, align;
	uint32_t flags;         /* PF_R|PF_W|PF_X */
	int map_index;          /* the line of maps_after holding it at runtime, or -1 */
};

struct pt_elf_sec {
	const char *name;       /* ".text", ".rodata", ".data", ".bss" */
	uint64_t offset, addr, size;
};

struct pt_elf_info {
	const char *error;      /* non-NULL: the file could not be read as ELF; nothing below is valid */
	int elf_class;          /* 32 or 64 */
	int type;               /* ET_EXEC, ET_DYN... */
	int machine;            /* EM_X86_64... */
	uint64_t entry;
	const char *interp;     /* PT_INTERP, or NULL for a static image */
	const struct pt_elf_seg *segs;
	size_t nsegs;
	const struct pt_elf_sec *secs;
	size_t nsecs;
};

struct pt_exec_layout {     /* where the image really landed, from /proc/PID/auxv */
	bool valid;
	uint64_t load_bias;     /* AT_ENTRY - e_entry for ET_DYN, 0 for ET_EXEC */
	uint64_t at_entry, at_phdr, at_base;
};

struct pt_fd {
	int fd;
	const char *target;     /* readlink of /proc/PID/fd/N: a path, "pipe:[123]"... */
	uint64_t pos;           /* pos and flags: only when has_info (fdinfo read, -v) */
	uint32_t flags;         /* open flags from fdinfo (octal there) */
	bool has_info;
	bool cloexec;
	bool leaked;            /* open across exec, not 0/1/2, no O_CLOEXEC */
};

struct pt_env_change {
	const char *name;
	const char *old_val;    /* NULL: added */
	const char *new_val;    /* NULL: removed */
};

struct pt_exec_detail {
	const char *exe;        /* /proc/PID/exe after exec */
	const char *cwd;
	const char *interp_script; /* for "#!" files: the interpreter line, else NULL */
	const char *const *script_argv;  /* for "#!" files: the argv the kernel rewrote */
	size_t script_argc;
	struct pt_maps maps_before, maps_after;
	/* No stop at the execve's entry (--events-only, or a task attached
	 * inside the call): the old image's map was never read, so
	 * maps_before is empty for want of a look, not because it was. */
	bool maps_before_unseen;
	struct pt_elf_info elf;
	struct pt_exec_layout layout;
	const struct pt_fd *fds;
	size_t nfds;
	const struct pt_env_change *env;
	size_t nenv;
	bool env_known;         /* false: no previous image to diff against */
};

/* ---- per-kind payloads ---- */

struct pt_ev_start {
	int version;            /* PT_TRACE_FORMAT_VERSION */
	const char *tool_version;
	uint64_t realtime_ns;   /* CLOCK_REALTIME at ts 0 */
	const char *const *argv;  /* the traced command line */
	size_t argc;
	bool seccomp;
	bool events_only;       /* --events-only: no syscall stops (JSONL "mode":"events-only") */
	const pid_t *attach;    /* -p: the PIDs attached to (argv: the first one's command line) */
	size_t nattach;
};

/* A process that was running when the tracer attached to it (-p): one per
 * process, parents first, before any live event. */
struct pt_ev_attach {
	pid_t ppid;             /* its real parent at the attach */
	const char *const *argv;  /* /proc/PID/cmdline */
	size_t argc;
	bool argv_truncated;
	const char *exe, *cwd;  /* /proc/PID/exe, cwd; NULL when unreadable */
	const char *state;      /* from /proc/PID/stat: "running", "sleeping", "disk-sleep", "stopped"... */
	uint64_t start_ticks;   /* /proc/PID/stat field 22: start time in clock ticks since boot */
	uint64_t age_ns;        /* how long it had been running at the attach */
	const pid_t *threads;   /* its other threads, attached with it */
	size_t nthreads;
	unsigned zombies;       /* its children that were zombies (not attachable) */
};

struct pt_ev_spawn {
	pid_t child;
	uint8_t kind;           /* enum pt_spawn_kind */
	int syscall;            /* nr of fork/vfork/clone/clone3 in arch's numbering, -1 unknown */
	uint8_t arch;           /* enum pt_arch of the call */
	uint64_t flags;         /* clone flags (0 for fork/vfork) */
	bool orphan;            /* creator unknown: pid is the parent /proc named (init, a subreaper) */
	/* clone3: its struct clone_args as read at the fork event (exit_signal,
	 * stack, stack_size after the flags); has_args false for other calls
	 * or when it could not be read.  args_size is clone3's size argument. */
	bool has_args;
	uint64_t args_size;
	int exit_signal;
	uint64_t stack, stack_size;
};

struct pt_ev_exec {
	const char *path;       /* as passed to execve */
	const char *const *argv;
	size_t argc;
	bool argv_truncated;
	pid_t old_pid;          /* the thread that exec'd, when not the leader; else 0 */
	int syscall;            /* execve or execveat in arch's numbering, -1 unknown */
	uint8_t arch;
	const struct pt_exec_detail *detail;   /* NULL with --maps=none and nothing else asked */
};

struct pt_ev_exec_failed {
	const char *path;       /* "" when path_unreadable */
	bool path_unreadable;   /* the path argument could not be read (a bad pointer: EFAULT) */
	uint64_t path_addr;     /* then: its address */
	int err;                /* positive errno */
	int syscall;
	uint8_t arch;
};

/* The most bytes kept of the memory an argument points to (a struct
 * sigaction is 32 on x86_64). */
#define PT_SC_MEM_MAX 64

struct pt_ev_syscall {      /* any traced syscall without a lifecycle meaning */
	int nr;
	uint8_t arch;           /* enum pt_arch */
	uint8_t nargs;
	uint64_t args[6];
	const char *str[6];     /* decoded string arguments (NULL where not a string) */
	int64_t ret;
	int err;                /* positive errno when ret is -errno, else 0 */
	/* -y: the path of each fd argument ('f'; AT_FDCWD: the cwd) and of
	 * the fd returned (PT_SK_RET_FD), from /proc/PID/fd; NULL: not asked
	 * or unreadable.  Tracee-controlled: escape when printing. */
	const char *fd_path[6];
	const char *ret_path;
	/* The bytes an argument points to, for the memory letters of the
	 * signature (syscalls/README.md: K k G g N), read at the stop (an
	 * input at the entry, an output at a successful exit); NULL: not
	 * read.  The text decodes them, so a replayed log prints the same. */
	const uint8_t *mem[6];
	uint16_t mem_len[6];
	bool timed;             /* -T, -c: dur_ns is known */
	uint64_t dur_ns;        /* from its entry stop to its exit stop */
};

struct pt_ev_wait {
	int syscall;            /* wait4, waitid or (i386) waitpid in arch's numbering */
	uint8_t arch;
	int64_t id;             /* wait4: pid argument; waitid: id argument */
	int idtype;             /* waitid only: P_ALL, P_PID, P_PGID, P_PIDFD; -1 for wait4 */
	int options;
	int64_t ret;
	int err;                /* positive errno on failure */
	pid_t child;            /* whose status was returned (our pid), 0 when none (WNOHANG) */
	struct pt_wstatus status;
	/* A waiter in a nested pid namespace sees pids of that namespace: ret
	 * and id are its numbers, child is ours.  child_ns is the child's pid
	 * as the waiter saw it and id_pid our pid of the process id names, each
	 * set only when it differs from ours (else 0). */
	pid_t child_ns;
	pid_t id_pid;
	bool timed;             /* -T, -c: dur_ns is known */
	uint64_t dur_ns;        /* from its entry stop to its exit stop */
};

struct pt_ev_signal {       /* a signal was delivered to the task */
	int sig;
	int code;               /* si_code */
	pid_t sender;           /* si_pid for SI_USER/SI_TKILL/SI_QUEUE, else 0 */
};

struct pt_ev_stopped {      /* group-stop */
	int sig;
	pid_t sender;           /* who sent the stopping signal, 0 when unknown or the kernel (tty) */
};

struct pt_ev_continued {
	pid_t sender;           /* who sent SIGCONT, 0 when unknown */
};

/* What the kernel's wait4 returned with a task's death report
 * (docs/trace-format.md, "exit"): for a process's leader, the whole thread
 * group plus the descendants it waited for; for another thread, the same
 * totals of its process so far, not the thread's own. */
struct pt_rusage {
	uint64_t utime_ns, stime_ns;
	uint64_t maxrss_kb;
	uint64_t minflt, majflt;
	uint64_t nvcsw, nivcsw;
};

struct pt_ev_exit {
	struct pt_wstatus status;   /* EXITED or SIGNALED */
	uint8_t how;                /* enum pt_exit_how */
	const struct pt_maps *maps; /* --maps=exit: the map at exit, else NULL */
	const struct pt_rusage *rusage;  /* NULL when not known (an older log) */
};

struct pt_ev_reap {
	pid_t child;
	pid_t by;               /* reaper tgid, 0 when not seen (outside the trace or the kernel) */
	bool by_tracer;         /* by is ptrace-tour, the real parent (of the root, or of its CLONE_PARENT child) */
	bool autoreap;          /* SIGCHLD ignored / SA_NOCLDWAIT: the kernel reaped it */
	uint64_t zombie_ns;
	/* by is the init of a nested pid namespace that is exiting: the kernel
	 * SIGKILLs everything in the namespace and that init reaps it all */
	bool pidns_teardown;
};

/* Who adopted an orphan.  UNSPEC (a zeroed event, an old log): init when
 * `to` is 1, else a subreaper (pt_reparent_role resolves it). */
enum pt_reaper_role {
	PT_REAPER_UNSPEC = 0,
	PT_REAPER_INIT,         /* pid 1 of our pid namespace */
	PT_REAPER_SUBREAPER,    /* PR_SET_CHILD_SUBREAPER */
	PT_REAPER_PIDNS_INIT,   /* pid 1 of a nested pid namespace (a container's init) */
	PT_REAPER__COUNT
};

struct pt_ev_reparent {
	pid_t from, to;         /* our pids */
	uint8_t to_role;        /* enum pt_reaper_role */
};

struct pt_ev_end {
	int exit_status;        /* what ptrace-tour exits with */
	struct pt_wstatus root; /* how the root process ended */
	bool interrupted;
	int by_signal;          /* the signal that interrupted the tracer, or 0 */
	uint64_t stops;         /* ptrace stops handled, all kinds */
	bool detached;          /* the tracer detached from the tasks still running (-p, --no-seccomp, --events-only) */
	uint64_t left_running;  /* then: how many tasks it let go */
};

struct pt_event {
	enum pt_ev_kind kind;
	uint64_t ts_ns;         /* CLOCK_MONOTONIC since the start event */
	pid_t pid;              /* tid of the task the event is about */
	pid_t tgid;
	const struct pt_stack *stack;   /* only with -k */
	union {
		struct pt_ev_start start;
		struct pt_ev_attach attach;
		struct pt_ev_spawn spawn;
		struct pt_ev_exec exec;
		struct pt_ev_exec_failed exec_failed;
		struct pt_ev_syscall syscall;
		struct pt_ev_wait wait;
		struct pt_ev_signal signal;
		struct pt_ev_stopped stopped;
		struct pt_ev_continued continued;
		struct pt_ev_exit exit;
		struct pt_ev_reap reap;
		struct pt_ev_reparent reparent;
		struct pt_ev_end end;
	} u;
};

/* The name functions and wait statuses below: src/event/event.c. */
const char *pt_event_kind_name(enum pt_ev_kind kind);
int pt_event_kind_from_name(const char *name);   /* -1 if unknown */
const char *pt_spawn_kind_name(unsigned kind);
int pt_spawn_kind_from_name(const char *name);
const char *pt_exit_how_name(unsigned how);
int pt_exit_how_from_name(const char *name);
/* "init", "subreaper", "pidns-init"; the role with UNSPEC resolved. */
const char *pt_reaper_role_name(unsigned role);
int pt_reaper_role_from_name(const char *name);    /* -1 if unknown */
enum pt_reaper_role pt_reparent_role(const struct pt_ev_reparent *r);
/* For people: "init", "init of its pid namespace", "subreaper". */
const char *pt_reaper_role_text(unsigned role);

/* Raw wait status <-> decoded form. */
struct pt_wstatus pt_wstatus_from_raw(int raw);
int pt_wstatus_to_raw(struct pt_wstatus st);
/* The exit status a shell would report: N, or 128+signal. */
int pt_wstatus_shell_code(struct pt_wstatus st);
/* The one way a status is printed for people: "exited 3", "killed by
 * SIGSEGV" + PT_WS_CORE_DUMPED, "stopped by SIGTSTP", "continued", "?" for
 * none.  Into buf (truncated, always terminated: 64 bytes hold any); returns
 * buf, or "" when len is 0. */
const char *pt_wstatus_str(struct pt_wstatus st, char *buf, size_t len);
#define PT_WS_CORE_DUMPED " (core dumped)"

#endif
