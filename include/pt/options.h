/* Command line -> struct pt_options.  Pure: no I/O beyond the error text it
 * returns, so it is unit-tested directly. */
#ifndef PT_OPTIONS_H
#define PT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pt/sink.h"
#include "pt/tables.h"

enum pt_maps_mode { PT_MAPS_EXEC = 0, PT_MAPS_EXIT, PT_MAPS_NONE };

#define PT_MAX_EXPORTS 8
#define PT_MAX_ATTACH 64

struct pt_export {
	const char *format;     /* "chrome", "dot", "svg", "tree", "stats", "jsonl" */
	const char *path;
};

/* The set of syscalls to report, per ABI, as bitmaps indexed by number. */
struct pt_syscall_set {
	uint8_t bits[PT_ARCH__COUNT][PT_SYSCALL_MAX / 8];
};

static inline bool pt_set_has(const struct pt_syscall_set *s, unsigned arch, long nr)
{
	return nr >= 0 && nr < PT_SYSCALL_MAX && (s->bits[arch][nr >> 3] >> (nr & 7)) & 1;
}

struct pt_options {
	const char *out_path;       /* -o: text output, NULL = stderr */
	const char *log_path;       /* --log: JSONL */
	struct pt_syscall_set trace;
	bool seccomp;               /* default true; --no-seccomp */
	/* --events-only: ptrace events, signals and group-stops alone, no
	 * filter and no syscall stop (implies !seccomp) */
	bool events_only;
	bool kill_on_exit;
	bool stats;                 /* --stats: ptrace stop counters on stderr at the end */
	bool quiet;                 /* -q: no summary tree */
	int summary;                /* -1 default (on for text), 0 off, 1 on */
	struct pt_text_opts text;
	enum pt_maps_mode maps;
	bool stack;                 /* -k */
	unsigned stack_depth;
	struct pt_export exports[PT_MAX_EXPORTS];
	size_t nexports;
	bool follow_forks_split;    /* -ff (with -o FILE): each process's text to FILE.PID */
	bool count;                 /* -c: a per-syscall count table at the end */
	/* -T, -c: each reported syscall's entry stop is timed (CLOCK_MONOTONIC)
	 * and its event carries the time to its exit stop */
	bool timing;
	bool decode_fds;            /* -y, --decode-fds=path: fd paths from /proc/PID/fd */
	/* The full text on the terminal although --log/--export keep the trace:
	 * -o, -v, -e, --text (README, "Output volume"). */
	bool full_text;
	bool text_given;            /* --text */
	bool e_given;               /* any -e */
	char *const *argv;          /* the program and its arguments (NULL with -p) */
	int argc;
	pid_t attach[PT_MAX_ATTACH];    /* -p PID: running processes to attach to instead */
	size_t nattach;
	bool no_descendants;        /* --no-descendants: -p PID's own threads only */
};

enum pt_cmd { PT_CMD_TRACE = 0, PT_CMD_HELP, PT_CMD_VERSION };

/* Parses argv (argv[0] is the program name).  Returns 0 and fills *o and
 * *cmd, or a one-line message (no newline) in err and -EINVAL for a usage
 * error (main adds the --help hint) or -EOPNOTSUPP for a strace flag that
 * cannot be honoured (the message says why). */
int pt_options_parse(int argc, char *const argv[], struct pt_options *o, enum pt_cmd *cmd,
		     char *err, size_t errlen);
/* Adds the syscalls named by a -e trace= value ("execve,%file,!openat"). */
int pt_options_parse_trace(const char *spec, struct pt_syscall_set *set, char *err, size_t errlen);
/* The syscalls every trace reports whatever -e says (exec and wait). */
void pt_options_add_lifecycle(struct pt_syscall_set *set);
const char *pt_options_usage(void);
/* The line main prints under an option error. */
#define PT_OPTIONS_HINT "Try 'ptrace-tour --help' for more information."
/* -e signal=SET into a mask (bit sig-1), -e event=SET into a mask of
 * PT_EV_* bits: 0 or -EINVAL with the message in err. */
int pt_options_parse_signals(const char *spec, uint64_t *mask, char *err, size_t errlen);
int pt_options_parse_events(const char *spec, uint32_t *mask, char *err, size_t errlen);

#endif
