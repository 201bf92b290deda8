/* Parsers for the /proc files read at every exec, CRIU-style: each parser
 * takes a buffer (so it is tested and fuzzed without a live process) and a
 * thin reader opens /proc/PID/<file> and calls it.
 *
 * Everything in /proc/PID is controlled, directly or not, by the tracee:
 * every parser is bounded by its len argument (no NUL terminator needed), and
 * garbage gives -EINVAL or a skipped line, never a crash or a loop.
 *
 * All functions return 0 or -errno.  Strings and arrays go into the caller's
 * arena, so the exec event that carries them owns them. */
#ifndef PT_PROCFS_H
#define PT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pt/arena.h"
#include "pt/event.h"

/* Caps of the readers (the parsers take theirs as arguments). */
#define PT_PROCFS_MAPS_MAX_ENTRIES 4096
#define PT_PROCFS_MAPS_MAX_BYTES (4u << 20)
#define PT_PROCFS_ENV_MAX_ENTRIES 8192
#define PT_PROCFS_ENV_MAX_BYTES (1u << 20)
#define PT_PROCFS_FDS_MAX 1024

/* ---- generic readers ---- */

/* Reads /proc/PID/NAME (NAME may hold slashes: "task/12/maps") into the
 * arena: *buf gets *len bytes plus a terminating NUL that *len does not
 * count.  A file longer than max_bytes is cut to max_bytes. */
int pt_procfs_read_file(pid_t pid, const char *name, struct pt_arena *a, size_t max_bytes,
			char **buf, size_t *len);

/* readlink of /proc/PID/NAME ("exe", "cwd", "fd/3") into the arena.
 * -ENAMETOOLONG past PATH_MAX.  A deleted file reads "/path (deleted)". */
int pt_procfs_readlink(pid_t pid, const char *name, struct pt_arena *a, const char **out);

/* ---- /proc/PID/maps ---- */

/* Parses maps text into out->v (in the arena), at most max_entries lines,
 * out->truncated when there were more.  Malformed lines are skipped; a buffer
 * with text but no valid line at all gives -EINVAL.  An empty buffer (a
 * process without an mm) gives 0 with out->n == 0. */
int pt_procfs_parse_maps(const char *buf, size_t len, struct pt_arena *a, size_t max_entries,
			 struct pt_maps *out);
/* Read + parse, capped at PT_PROCFS_MAPS_MAX_ENTRIES lines and
 * PT_PROCFS_MAPS_MAX_BYTES bytes (both set out->truncated). */
int pt_procfs_read_maps(pid_t pid, struct pt_arena *a, struct pt_maps *out);

/* ---- /proc/PID/auxv ---- */

struct pt_auxv {
	uint64_t entry, phdr, phent, phnum, base, pagesz;
	bool have_entry, have_phdr, have_phent, have_phnum, have_base, have_pagesz;
};

/* 64-bit (a_type, a_val) pairs, up to AT_NULL or the end of the buffer.
 * -EINVAL when not even one pair fits in len. */
int pt_procfs_parse_auxv(const void *buf, size_t len, struct pt_auxv *out);
int pt_procfs_read_auxv(pid_t pid, struct pt_auxv *out);
/* The same for a 32-bit (i386/compat) tracee, whose /proc/PID/auxv holds
 * 32-bit pairs. */
int pt_procfs_parse_auxv32(const void *buf, size_t len, struct pt_auxv *out);
int pt_procfs_read_auxv32(pid_t pid, struct pt_auxv *out);

/* ---- /proc/PID/status ---- */

/* Pid namespaces nest at most 32 deep below the initial one (the kernel's
 * MAX_PID_NS_LEVEL), so an NSpid line has at most 33 entries. */
#define PT_NSPID_MAX 33

struct pt_proc_status {
	char name[64];          /* "Name:" as the kernel printed it (it escapes \n and \\), cut to 63 bytes */
	char state;             /* 'R', 'S', 'D', 'T', 't', 'Z', 'X', ... or 0 when absent */
	pid_t tgid, pid, ppid, tracer_pid;
	uint64_t sig_pnd, shd_pnd, sig_blk, sig_ign, sig_cgt;
	/* "NSpid:": the task's pid in the pid namespace of the /proc we read
	 * (ours), then in each nested one down to its own (the last entry).
	 * nspid_n == 0: no such line (kernel < 4.1) or a malformed one; a
	 * line with more than PT_NSPID_MAX entries counts as malformed. */
	pid_t nspid[PT_NSPID_MAX];
	uint8_t nspid_n;
};

/* -EINVAL unless at least "Name:", "State:" and "Pid:" were found. */
int pt_procfs_parse_status(const char *buf, size_t len, struct pt_proc_status *out);
int pt_procfs_read_status(pid_t pid, struct pt_proc_status *out);

/* ---- /proc/PID/stat ---- */

struct pt_proc_stat {
	pid_t pid;
	char comm[64];          /* between the first '(' and the LAST ')', cut to 63 bytes */
	char state;
	pid_t ppid, pgrp, session;
	uint32_t flags;         /* field 9: the kernel's PF_* (PF_EXITING is 0x4) */
	uint64_t starttime;     /* field 22, clock ticks since boot */
};

int pt_procfs_parse_stat(const char *buf, size_t len, struct pt_proc_stat *out);
int pt_procfs_read_stat(pid_t pid, struct pt_proc_stat *out);

/* ---- /proc/PID/task/TID/children, /proc/PID/task ---- */

/* The children file of a thread: pids separated by blanks ("12 34 ").
 * Stores up to max pids in out and their count in *n; -EINVAL on anything
 * but positive pids and blanks, -E2BIG when there were more than max (the
 * first max are stored). */
int pt_procfs_parse_children(const char *buf, size_t len, pid_t *out, size_t max, size_t *n);
/* Read + parse /proc/PID/task/TID/children (needs CONFIG_PROC_CHILDREN). */
int pt_procfs_read_children(pid_t pid, pid_t tid, pid_t *out, size_t max, size_t *n);
/* The tids listed in /proc/PID/task (unsorted), up to max (-E2BIG: more). */
int pt_procfs_read_tasks(pid_t pid, pid_t *out, size_t max, size_t *n);
/* A word for the state letter of stat or status: "running", "sleeping",
 * "disk-sleep", "stopped", "zombie"... ("unknown" for another letter). */
const char *pt_procfs_state_name(char state);

/* ---- /proc/PID/fd and fdinfo ---- */

/* "pos:" (decimal) and "flags:" (octal); -EINVAL unless both are there. */
int pt_procfs_parse_fdinfo(const char *buf, size_t len, uint64_t *pos, uint32_t *flags);
/* The open fds sorted by number, at most max of them (the lowest).  An fd
 * closed while we look is left out. */
int pt_procfs_read_fds(pid_t pid, struct pt_arena *a, size_t max, const struct pt_fd **out,
		       size_t *n);
/* The same, right after an exec, without fdinfo: every fd still open then
 * has close-on-exec off (the exec closed the others), so cloexec and leaked
 * follow from the fd number alone; pos and flags are left out (has_info
 * false).  Saves an open, a read and a close of fdinfo/N per fd. */
int pt_procfs_read_fds_after_exec(pid_t pid, struct pt_arena *a, size_t max, const struct pt_fd **out,
				  size_t *n);

/* ---- /proc/PID/environ ---- */

struct pt_env {
	const char *const *v;   /* "KEY=VAL" strings (an entry without '=' is kept as is) */
	size_t n;
	bool truncated;
};

/* Splits NUL-separated strings (a last one without its NUL is kept). */
int pt_procfs_parse_environ(const char *buf, size_t len, struct pt_arena *a, size_t max_entries,
			    struct pt_env *out);
int pt_procfs_read_environ(pid_t pid, struct pt_arena *a, struct pt_env *out);
/* /proc/PID/cmdline, split the same way (argv after an exec). */
int pt_procfs_read_cmdline(pid_t pid, struct pt_arena *a, struct pt_env *out);

#endif
