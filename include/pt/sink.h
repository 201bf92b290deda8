/* Sinks consume events; they never call ptrace or read /proc, and keep no
 * pointer into an event after emit returns. */
#ifndef PT_SINK_H
#define PT_SINK_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "pt/buf.h"
#include "pt/event.h"

struct pt_sink;
struct pt_lineout;

struct pt_sink_ops {
	const char *name;
	/* 0 or -errno.  A sink that fails is reported on stderr at once and
	 * gets nothing more (the trace and the other sinks go on). */
	int (*emit)(struct pt_sink *s, const struct pt_event *ev);
	/* Flush everything (end of trace, or interrupted); called once. */
	int (*finish)(struct pt_sink *s);
	void (*destroy)(struct pt_sink *s);
	/* Optional (last, so the views need not name it): write out what is
	 * buffered, because the tracer is about to block and a SIGKILL must
	 * not lose it (docs/trace-format.md).  0 or -errno. */
	int (*flush)(struct pt_sink *s);
};

struct pt_sink {
	const struct pt_sink_ops *ops;
	struct pt_sink *next;
	int err;            /* first error seen: the sink is fed no more */
	char *label;        /* "the log 'x.jsonl'" in messages; NULL: ops->name */
	struct pt_lineout *out; /* the sink's whole-line writer, if it has one */
};

/* The fan-out: every event goes to every sink, in the order they were added. */
struct pt_sinks {
	struct pt_sink *head, *tail;
	bool dirty;         /* an event went out since the last pt_sinks_flush */
	const char *who;    /* prefix of the error lines; NULL: "ptrace-tour" */
	int give_up_ms;     /* see pt_sinks_bound; 0: wait for the reader */
};

void pt_sinks_add(struct pt_sinks *ss, struct pt_sink *s);
/* From now on no write waits for its reader forever: one that makes no
 * progress for ms milliseconds fails its sink ("the reader is not
 * reading").  The caller is ending (interrupted): a reader that never reads
 * (a stopped pager, a fifo nobody drains) must not keep it alive. */
#define PT_SINK_GIVE_UP_MS 1500
void pt_sinks_bound(struct pt_sinks *ss, int ms);
/* Names the sink in its error line: "WHAT 'PATH'" (path may be NULL).
 * 0 or -ENOMEM (then the default name is used). */
int pt_sink_set_label(struct pt_sink *s, const char *what, const char *path);
void pt_sinks_emit(struct pt_sinks *ss, const struct pt_event *ev);
/* Writes out what every sink buffered; a no-op unless an event went out
 * since the last call, so the loop can call it before every blocking wait. */
void pt_sinks_flush(struct pt_sinks *ss);
/* Finishes every sink once; returns the first error of any sink, or 0.
 * Every error has been reported on stderr already, in one line. */
int pt_sinks_finish(struct pt_sinks *ss);
void pt_sinks_destroy(struct pt_sinks *ss);

/* Whole-line output for the sinks that write as they go (text, jsonl).
 * Lines gather in buf and leave by write(2), never half a line at a time
 * through stdio, so the file only ever holds whole lines, and a failed
 * write keeps its errno.  On a regular file of our own a failed write is
 * cut back (ftruncate) to the end of the last whole line on disk; a pipe,
 * terminal or a file we share (stderr) cannot be cut back. */
#define PT_LINEOUT_FLUSH (64 * 1024)    /* write at least this often */

struct pt_lineout {
	FILE *fp;
	int give_up_ms;     /* 0: a full pipe is waited on as long as it takes */
	size_t sent;        /* bytes at the start of buf written already: the
			     * head of a line a signal cut short */
	const char *cause;  /* the failure was not the write's own: what failed */
	int fd;             /* fileno(fp); -1 for a stream with no fd (memstream) */
	bool owns;          /* fp is closed by pt_lineout_free */
	bool cut;           /* a regular file of our own: failed writes are cut back */
	off_t good;         /* with cut: the end of the last whole line on disk */
	struct pt_buf buf;  /* whole lines not written yet */
};

/* 0 or -errno (no memory); fp then still belongs to the caller. */
int pt_lineout_init(struct pt_lineout *o, FILE *fp, bool owns);
/* Writes buf out: 0, or -errno of the failed write (buf is then dropped;
 * cause says what failed when it was not the write itself, -ETIMEDOUT with
 * a bound means the reader read nothing for give_up_ms), or 1: a signal
 * interrupted a blocked write, what is unwritten stays in buf (never half a
 * line lost or written twice) and the caller gets control back to notice
 * the signal.  With give_up_ms it never returns 1. */
int pt_lineout_flush(struct pt_lineout *o);
/* The last flush (a sink's finish): a signal ends the waiting, and what is
 * left gets give_up_ms (PT_SINK_GIVE_UP_MS if 0) to go out.  0 or -errno. */
int pt_lineout_finish(struct pt_lineout *o);
/* o->cause when a bounded write gave up. */
extern const char pt_lineout_gave_up[];
/* Closes fp when owned, frees buf. */
void pt_lineout_free(struct pt_lineout *o);

/* Text output options (-t/-tt/-ttt/-r timestamps; --explain). */
enum pt_ts_mode { PT_TS_NONE = 0, PT_TS_TIME, PT_TS_TIME_US, PT_TS_EPOCH, PT_TS_RELATIVE };

struct pt_text_opts {
	enum pt_ts_mode ts;
	bool explain;
	bool summary;       /* print the process tree at the end */
	bool threads;       /* do not fold threads in the summary */
	bool show_maps;     /* print exec anatomy (maps, ELF table, fds, env) */
	bool verbose;       /* -v: every region of the maps diff, every fd */
	bool exit_maps;     /* --maps=exit: a maps summary under each exit line */
	bool no_exit_lines; /* -qq: no "+++ exited" lines */
	bool no_pid;        /* -ff: one file per process, no "[pid N]" prefix */
	uint8_t xstr;       /* 0; 1 (-x): a string with a non-ASCII byte all in \xHH; 2 (-xx): every string */
	bool show_time;     /* -T: " <seconds>" after a syscall or wait line that carries its time */
	unsigned strsize;   /* -s: argv strings cut after this many bytes ("..."); 0: whole */
	/* -e event=: lifecycle kinds hidden (bit 1 << PT_EV_x); start, end and
	 * syscall lines are not filtered here.  Zero (a zeroed struct) shows all. */
	uint32_t events_hidden;
	/* -e signal=: signals hidden, bit sig-1 (1..64). */
	uint64_t signals_hidden;
};

/* Constructors; each returns NULL with errno set on failure.  fp is not
 * closed by the sink unless owns_fp. */
struct pt_sink *pt_sink_text_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
struct pt_sink *pt_sink_jsonl_new(FILE *fp, bool owns_fp);
/* -c: calls and errors per reported syscall, a table written at finish. */
struct pt_sink *pt_sink_count_new(FILE *fp, bool owns_fp);
/* -ff: a text sink per pid writing base_path.PID (src/output/split.c). */
struct pt_sink *pt_sink_split_new(const char *base_path, const struct pt_text_opts *o);

#endif
