/* Sinks consume events; they never call ptrace or read /proc, and keep no
 * pointer into an event after emit returns. */
#ifndef PT_SINK_H
#define PT_SINK_H

#include <stdio.h>

#include "pt/event.h"

struct pt_sink;

struct pt_sink_ops {
	const char *name;
	/* 0 or -errno; an error stops nothing but is reported at the end. */
	int (*emit)(struct pt_sink *s, const struct pt_event *ev);
	/* Flush everything (end of trace, or interrupted); called once. */
	int (*finish)(struct pt_sink *s);
	void (*destroy)(struct pt_sink *s);
};

struct pt_sink {
	const struct pt_sink_ops *ops;
	struct pt_sink *next;
	int err;            /* first error seen */
};

/* The fan-out: every event goes to every sink, in the order they were added. */
struct pt_sinks {
	struct pt_sink *head, *tail;
};

void pt_sinks_add(struct pt_sinks *ss, struct pt_sink *s);
void pt_sinks_emit(struct pt_sinks *ss, const struct pt_event *ev);
/* Finishes every sink once; returns the first error of any sink, or 0. */
int pt_sinks_finish(struct pt_sinks *ss);
void pt_sinks_destroy(struct pt_sinks *ss);

/* Text output options (issue 2: -t/-tt/-ttt/-r; --explain). */
enum pt_ts_mode { PT_TS_NONE = 0, PT_TS_TIME, PT_TS_TIME_US, PT_TS_EPOCH, PT_TS_RELATIVE };

struct pt_text_opts {
	enum pt_ts_mode ts;
	bool explain;
	bool summary;       /* print the process tree at the end */
	bool threads;       /* do not fold threads in the summary */
	bool show_maps;     /* print exec anatomy (maps, ELF table, fds, env) */
	bool verbose;       /* -v: every region of the maps diff, every fd */
};

/* Constructors; each returns NULL with errno set on failure.  fp is not
 * closed by the sink unless owns_fp. */
struct pt_sink *pt_sink_text_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
struct pt_sink *pt_sink_jsonl_new(FILE *fp, bool owns_fp);

#endif
