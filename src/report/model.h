/* Internal to the report views (src/report/{tree,stats,chrome,dot,svg,html}.c):
 * a process model built from events, and the sink plumbing they share.
 *
 * Sinks keep no pointer into an event, so the model copies what it keeps
 * into its own arena.  Everything is found through a pid hash and linked
 * lists in creation order: building and walking are linear in the number
 * of events and tasks (views must stay fast for 10,000 processes). */
#ifndef PT_MODEL_H
#define PT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pt/arena.h"
#include "pt/buf.h"
#include "pt/event.h"
#include "pt/hash.h"
#include "pt/sink.h"

/* One exec'd image of a process. */
struct pt_mimage {
	struct pt_mimage *next;
	uint64_t ts;
	const char *path;
	const char *comm;           /* basename of path: the program's name */
	const char *const *argv;
	size_t argc;                /* kept (see PT_MODEL_ARGV_MAX) */
	bool argv_cut;              /* the log or the model dropped arguments */
};

/* The views switch over every mark kind with no default, so a kind added
 * here fails -Wswitch until each draws it; the count stays outside. */
enum pt_mark_kind {
	PT_MARK_SIGNAL = 0,
	PT_MARK_STOP,
	PT_MARK_CONT,
	PT_MARK_EXEC_FAILED,
};
enum { PT_MARK__COUNT = PT_MARK_EXEC_FAILED + 1 };

/* A point event on a task's timeline. */
struct pt_mmark {
	struct pt_mmark *next;
	uint64_t ts;
	uint8_t kind;               /* enum pt_mark_kind */
	int code;                   /* signal (SIGNAL, STOP) or errno (EXEC_FAILED) */
	int si_code;
	pid_t sender;
	const char *path;           /* EXEC_FAILED */
};

/* A task: a process (pid == tgid) or a thread. */
struct pt_mproc {
	pid_t pid, tgid;
	uint32_t seq;               /* creation order, 0 = first */
	bool is_thread;
	bool spawned;               /* a spawn event created it (else the root or a stray) */
	bool attached;              /* running before the trace: an attach event (-p) made it */
	uint64_t age_ns;            /* attached: how long it had run by then */
	uint8_t spawn_kind;         /* enum pt_spawn_kind */
	struct pt_mproc *parent;    /* the process that spawned it; a thread's process */
	pid_t spawner;              /* the task (tid) that spawned it */
	/* Child processes and threads, each list in creation order; a task is
	 * on exactly one list through sibling. */
	struct pt_mproc *kids, *kids_tail, *threads, *threads_tail, *sibling;
	size_t nkids, nthreads;
	size_t forks_before_exec;   /* children spawned while still the parent's copy */

	uint64_t t_start;
	bool exited;
	uint64_t t_exit;
	struct pt_wstatus status;
	uint8_t how;                /* enum pt_exit_how */
	bool became_leader;         /* a thread that exec'd and took the leader's pid */
	bool reaped, autoreap;
	uint64_t t_reap, zombie_ns;
	pid_t reaper;               /* 0: outside the trace */
	bool reparented;
	pid_t reparent_from, reparent_to;
	uint8_t reparent_role;      /* enum pt_reaper_role, resolved */
	uint64_t t_reparent;

	const char *fork_comm;      /* what it runs before any exec: its parent's program */
	struct pt_mimage *images, *images_tail;
	size_t nimages, nfailed;
	struct pt_mmark *marks, *marks_tail;
	size_t nmarks;
	/* The exit event's rusage (docs/trace-format.md): a process's figure
	 * includes the children it reaped; pt_model_settle sums those into
	 * reaped_cpu_ns and reaped_maxrss_kb so the views can tell its own. */
	bool has_rusage;
	struct pt_rusage ru;
	uint64_t reaped_cpu_ns, reaped_maxrss_kb;
	struct pt_hnode hnode;      /* in pt_model.pids while it is the current task of its pid */
};

struct pt_model {
	struct pt_arena arena;
	struct pt_mproc **tasks;    /* every task, in creation order */
	size_t ntasks, cap;
	struct pt_hash pids;        /* the current task of each id */
	struct pt_mproc *tops, *tops_tail;   /* processes without a traced parent: the root first */
	size_t nprocs;              /* tasks that are processes */
	struct pt_mproc *root;
	bool have_start, have_end;
	bool events_only;           /* the start said "mode":"events-only": no reaps were seen */
	uint64_t t_first, t_last;   /* first and last timestamps seen */
	uint64_t realtime_ns;
	const char *tool_version;
	const char *const *argv;    /* the traced command line */
	size_t argc;
	struct pt_ev_end end;
	uint64_t end_ts;
	uint64_t nevents;
	uint64_t kind_count[PT_EV__COUNT];
	bool have_rusage;           /* some process's exit carried one */
};

/* Arguments kept per image: views show a shortened command line, and the
 * Chrome trace's args; huge compiler command lines are cut. */
#define PT_MODEL_ARGV_MAX 256
#define PT_MODEL_ARGV_BYTES 8192

void pt_model_init(struct pt_model *m);
/* 0 or -ENOMEM. */
int pt_model_feed(struct pt_model *m, const struct pt_event *ev);
void pt_model_free(struct pt_model *m);
/* The current task with that id, or NULL. */
struct pt_mproc *pt_model_find(const struct pt_model *m, pid_t pid);

/* The program a task runs now (its last image's name, else fork_comm). */
const char *pt_mproc_comm(const struct pt_mproc *p);
/* When it ended: its exit, else the end of the trace. */
uint64_t pt_mproc_end(const struct pt_model *m, const struct pt_mproc *p);
/* When it stopped being a zombie: reaped, else the end of the trace; for a
 * task that has not exited, its end. */
uint64_t pt_mproc_gone(const struct pt_model *m, const struct pt_mproc *p);

/* After the last event, before rendering (pt_view_finish does it): sums
 * what each process's reaped children's rusage put into its own.  Linear. */
void pt_model_settle(struct pt_model *m);
/* A process's own CPU (user+sys) and user/sys: its rusage minus that of the
 * children it reaped.  false when unknown (no rusage, or a thread: the
 * kernel gives no per-thread figure). */
bool pt_mproc_cpu(const struct pt_mproc *p, uint64_t *own_ns);
/* Its peak RSS in KiB.  *bound: the process's figure equals the peak of a
 * child it reaped, so its own peak is at most that (not known exactly). */
bool pt_mproc_rss(const struct pt_mproc *p, uint64_t *kb, bool *bound);
/* "12.3M", "640K": KiB for people. */
const char *pt_fmt_kb(uint64_t kb, char *buf, size_t len);

/* The critical path: from the root, repeatedly the child that ended last
 * of those its parent waited for (reaped) before its own end; when it
 * waited for none, the child that ended last before that end.  A child
 * still running at its parent's end (a detached orphan) is never on it.  *out: a malloc'd array
 * of the links, root first (NULL when n is 0).  Returns n, or -ENOMEM. */
long pt_model_critical_path(const struct pt_model *m, struct pt_mproc ***out);

/* A link's wall time (start to exit, or to the end of the trace). */
uint64_t pt_mproc_wall(const struct pt_model *m, const struct pt_mproc *p);
/* Appends "make 8.2s → cc 3.1s (38 %) → cc1 2.9s (35 %)": each link's
 * wall time and its share of the first's. */
void pt_buf_critical_path(struct pt_buf *b, const struct pt_model *m, struct pt_mproc *const *v, size_t n);

/* Depth-first walk of the process tree in creation order, threads merged
 * into their process's children when threads is set.  last[1..depth] says
 * whether each ancestor (and at last[depth] the task itself) is the last
 * of its siblings; depth 0 are the top processes.  Iterative: deep chains
 * do not grow the C stack.  fn returns 0 to go on; a negative value stops
 * the walk and is returned. */
typedef int (*pt_walk_fn)(struct pt_mproc *p, size_t depth, const bool *last, void *arg);
int pt_model_walk(const struct pt_model *m, bool threads, pt_walk_fn fn, void *arg);

/* ---- text helpers ---- */

/* struct pt_buf and its appenders: pt/buf.h */

/* Appends s made safe for a terminal, dot and XML: printable ASCII and
 * valid UTF-8 (no C0/C1 controls, no U+FFFE/U+FFFF) as is, every other
 * byte as "\xHH".  At most maxcols columns (0: no limit), cut with "…". */
void pt_buf_safe(struct pt_buf *b, const char *s, size_t maxcols);
/* A command line for people: argv[0]'s basename, then the arguments, each
 * quoted when it holds a blank or is empty; at most maxcols columns. */
void pt_buf_argv(struct pt_buf *b, const char *const *argv, size_t argc, size_t maxcols);
/* Display columns of UTF-8 text (one per code point). */
/* Cuts safe text from b->s + from to maxcols columns, ending with "…". */
void pt_buf_cut(struct pt_buf *b, size_t from, size_t maxcols);
size_t pt_text_cols(const char *s, size_t len);

/* "12us", "3.4ms", "1.250s". */
const char *pt_fmt_dur(uint64_t ns, char *buf, size_t len);
/* "exited 0", "killed by SIGKILL (core dumped)", "running at end". */
const char *pt_fmt_status(const struct pt_model *m, const struct pt_mproc *p, char *buf, size_t len);
/* The basename of a path ("" stays ""). */
const char *pt_basename(const char *path);
/* The colours of programs in the pictures ("#rrggbb"): a palette indexed
 * by a stable hash of the name, so a program keeps its colour across views
 * and runs.  light: a pale variant (black text on it, or a "before exec"
 * phase). */
#define PT_PALETTE_SIZE 12
const char *pt_palette(unsigned idx, bool light);
const char *pt_prog_color(const char *comm, bool light);

/* ---- the views: sinks that feed a model and render it at finish ---- */

struct pt_view {
	struct pt_sink base;
	FILE *out;
	bool owns;
	struct pt_text_opts o;
	struct pt_model m;
	/* Optional: called after the model saw each event. */
	int (*on_event)(struct pt_view *v, const struct pt_event *ev);
	/* Writes the view; 0 or -errno. */
	int (*render)(struct pt_view *v);
	/* Optional: frees what the view added. */
	void (*cleanup)(struct pt_view *v);
};

/* Allocates a view of size bytes (>= sizeof(struct pt_view)) with zeroed
 * extra fields.  o may be NULL (defaults).  NULL with errno set. */
struct pt_view *pt_view_new(size_t size, const struct pt_sink_ops *ops, FILE *fp, bool owns_fp,
			    const struct pt_text_opts *o);
int pt_view_emit(struct pt_sink *s, const struct pt_event *ev);
int pt_view_finish(struct pt_sink *s);
void pt_view_destroy(struct pt_sink *s);

struct pt_sink *pt_view_tree_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
struct pt_sink *pt_view_stats_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
struct pt_sink *pt_view_chrome_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
struct pt_sink *pt_view_dot_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
struct pt_sink *pt_view_svg_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
struct pt_sink *pt_view_critpath_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
struct pt_sink *pt_view_compdb_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o);

/* compdb.c: a C/C++ compiler driver by its program name ("gcc",
 * "x86_64-linux-gnu-g++-12", "clang"; not "cc1", "as", "ld"). */
bool pt_compdb_is_driver(const char *name);

#endif
