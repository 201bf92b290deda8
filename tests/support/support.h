/* Helpers shared by the Criterion tests: run ptrace-tour on a tracee, load
 * its JSONL log (docs/trace-format.md) and query the events.
 *
 * Typical use:
 *
 *     TestSuite(core, .fini = pt_t_cleanup);
 *     Test(core, fork_wait) {
 *         struct pt_t_run r;
 *         pt_t_run(&r, NULL, "fork_wait", NULL);
 *         pt_t_check_log(&r);                       // start first, end last, all lines parse
 *         pt_t_assert(&r, r.code == 0, "tool exit %d", r.code);
 *         ...
 *         pt_t_free(&r);
 *     }
 *
 * Everything a run allocates is also registered globally, so pt_t_cleanup()
 * (the suite's .fini, which Criterion runs after a failed assertion too)
 * frees it, kills a tool still running and removes the temporary files.
 * A failed pt_t_assert() prints the paths, the tool's stderr and (a bounded
 * excerpt of) the log; set PT_TEST_KEEP=1 to keep the temporary files. */
#ifndef PT_TEST_SUPPORT_H
#define PT_TEST_SUPPORT_H

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef PT_TOOL
#define PT_TOOL "ptrace-tour"
#endif
#ifndef PT_TRACEES
#define PT_TRACEES "."
#endif

/* Seconds a run may take before the tool is SIGKILLed and the test fails. */
#define PT_T_TIMEOUT 60

struct pt_t_priv;

struct pt_t_run {
	pid_t pid;              /* the tool's pid (also its process group) */
	bool done;              /* waited for */
	int raw_status;         /* from waitpid */
	bool exited;            /* WIFEXITED */
	int exit_code;          /* WEXITSTATUS when exited */
	int term_sig;           /* WTERMSIG when killed by a signal, else 0 */
	int code;               /* exit_code, or -signal when killed */
	int expect_sig;         /* set before pt_t_wait: the test kills the tool with it */

	const char *dir;        /* temporary directory of this run */
	const char *log_path;   /* --log FILE */
	const char *out_path;   /* -o FILE */
	const char *stdout_path, *stderr_path;   /* the tool's (and the tracees') stdout/stderr */

	/* Loaded by pt_t_wait()/pt_t_run(). */
	json_object **ev;       /* one parsed object per log line (NULL for a line that did not parse) */
	size_t nev;             /* lines in the log */
	size_t nbad;            /* lines that did not parse as a JSON object */
	size_t first_bad;       /* 1-based line number of the first bad line, 0 if none */
	bool log_missing;       /* no log file was written */
	bool log_unterminated;  /* the last line has no '\n' */
	char *log;              /* raw text of the log */
	size_t log_len;
	char *out;              /* raw -o text output */
	size_t out_len;
	char *stdout_text, *stderr_text;
	size_t stdout_len, stderr_len;

	struct pt_t_priv *priv;
};

/* ---- running the tool ---- */

/* The path of a tracee: a bare name is PT_TRACEES "/" name, a path with a
 * '/' is used as is.  Returns a static buffer. */
const char *pt_t_tracee_path(const char *tracee);

/* Runs PT_TOOL tool_args... --log LOG -o OUT -- PATH tracee_args... (either
 * array NULL-terminated or NULL), waits (PT_T_TIMEOUT) and loads the log.
 * Returns r->code.  Fails the test if the tool cannot be started or hangs. */
int pt_t_run(struct pt_t_run *r, const char *const *tool_args, const char *tracee,
	     const char *const *tracee_args);
/* Same, with the command after "--" given verbatim (argv[0] not resolved). */
int pt_t_run_cmd(struct pt_t_run *r, const char *const *tool_args, const char *const *cmd);

/* Starts the tool without waiting; returns its pid (r->pid). */
pid_t pt_t_spawn(struct pt_t_run *r, const char *const *tool_args, const char *tracee,
		 const char *const *tracee_args);
pid_t pt_t_spawn_cmd(struct pt_t_run *r, const char *const *tool_args, const char *const *cmd);
/* Waits for a spawned tool up to timeout_s seconds (<= 0: PT_T_TIMEOUT), then
 * SIGKILLs its process group and fails the test.  Loads the outputs.
 * Returns r->code. */
int pt_t_wait(struct pt_t_run *r, int timeout_s);

/* A tracee run with no tracer at all, the reference a traced run must match. */
struct pt_t_untraced {
	int code;           /* exit code, or 128 + signal */
	char *out;          /* its stdout; free() it */
};
/* Runs tracee [arg] untraced, stdout to a scratch file, stderr to /dev/null,
 * and waits for it.  Fails the test if it cannot run or wrote nothing. */
struct pt_t_untraced pt_t_run_untraced(const char *tracee, const char *arg);

/* Frees a run and removes its files (unless PT_TEST_KEEP is set). */
void pt_t_free(struct pt_t_run *r);
/* Frees every run not freed yet, kills tools still running, removes scratch
 * files: use as the suite's .fini. */
void pt_t_cleanup(void);

/* A path in a per-test scratch directory (created on first use, removed by
 * pt_t_cleanup).  The string stays valid until pt_t_cleanup. */
const char *pt_t_scratch(const char *name);

/* Reads a whole file; NULL if it cannot be opened.  *len may be NULL.  The
 * buffer is NUL-terminated; free() it. */
char *pt_t_read_file(const char *path, size_t *len);
/* Lines of the file starting with prefix. */
size_t pt_t_count_lines(const char *path, const char *prefix);

/* Monotonic time in ns. */
uint64_t pt_t_now_ns(void);

/* ---- reading events ---- */

/* A field by dotted path ("status.exited", "root.signaled"); NULL if absent. */
json_object *pt_t_get(json_object *e, const char *path);
bool pt_t_has(json_object *e, const char *path);
/* An integer field (dflt when absent or not a number). */
int64_t pt_t_int(json_object *e, const char *path, int64_t dflt);
/* A string field, NULL when absent or not a string. */
const char *pt_t_str(json_object *e, const char *path);
/* A boolean field: 1, 0, or -1 when absent / not a boolean. */
int pt_t_bool(json_object *e, const char *path);
/* The event kind ("ev"), "" if none. */
const char *pt_t_kind(json_object *e);
bool pt_t_is(json_object *e, const char *kind);
/* Field "pid" ("tgid"), -1 if absent. */
pid_t pt_t_pid(json_object *e);
pid_t pt_t_tgid(json_object *e);
/* Compact one-line JSON of an event (for messages); valid until the object is freed. */
const char *pt_t_json(json_object *e);

/* A decoded status object ({"exited":N} / {"signaled":"SIGX","core":B} /
 * {"stopped":"SIGX"} / {"continued":true}), looked up at path inside e (path
 * NULL or "" = e itself, as for exit events). */
int pt_t_status_exited(json_object *e, const char *path);          /* N, or -1 */
const char *pt_t_status_signaled(json_object *e, const char *path); /* "SIGX" or NULL */
const char *pt_t_status_stopped(json_object *e, const char *path);  /* "SIGX" or NULL */
bool pt_t_status_continued(json_object *e, const char *path);

typedef bool (*pt_t_pred)(json_object *e, const void *arg);

/* The index of the first event at or after `from` of kind (NULL = any) for
 * which pred (NULL = always) holds; -1 if none. */
long pt_t_find_idx(const struct pt_t_run *r, size_t from, const char *kind, pt_t_pred pred,
		   const void *arg);
/* The nth (0-based) such event, or NULL. */
json_object *pt_t_find(const struct pt_t_run *r, const char *kind, pt_t_pred pred,
		       const void *arg, size_t nth);
size_t pt_t_count_if(const struct pt_t_run *r, const char *kind, pt_t_pred pred,
		     const void *arg);
/* Index of e in r->ev, -1 if not there. */
long pt_t_index_of(const struct pt_t_run *r, json_object *e);

/* Events of a kind, optionally for one task (pid <= 0: any). */
size_t pt_t_count(const struct pt_t_run *r, const char *kind, pid_t pid);
/* The nth event of kind for pid (pid <= 0: any). */
json_object *pt_t_nth(const struct pt_t_run *r, const char *kind, pid_t pid, size_t nth);
/* The nth event of kind whose integer field key equals val. */
json_object *pt_t_find_int(const struct pt_t_run *r, const char *kind, const char *key,
			   int64_t val, size_t nth);
size_t pt_t_count_int(const struct pt_t_run *r, const char *kind, const char *key, int64_t val);
/* The nth event of kind about task pid whose integer field key equals val. */
json_object *pt_t_find_pid_int(const struct pt_t_run *r, const char *kind, pid_t pid,
			       const char *key, int64_t val, size_t nth);
size_t pt_t_count_pid_int(const struct pt_t_run *r, const char *kind, pid_t pid,
			  const char *key, int64_t val);
/* The nth event of kind whose string field key equals val. */
json_object *pt_t_find_str(const struct pt_t_run *r, const char *kind, const char *key,
			   const char *val, size_t nth);
size_t pt_t_count_str(const struct pt_t_run *r, const char *kind, const char *key,
		      const char *val);

/* The start / end events (NULL if absent or misplaced: start must be the
 * first line and end the last). */
json_object *pt_t_start(const struct pt_t_run *r);
json_object *pt_t_end(const struct pt_t_run *r);
/* The root pid (the start event's pid), -1 if unknown. */
pid_t pt_t_root(const struct pt_t_run *r);

/* The first exec event whose argv[0] or path has basename `base`. */
json_object *pt_t_exec_named(const struct pt_t_run *r, const char *base);
/* argv[i] of an exec (or start) event of r as the original bytes: read from
 * the raw log line, with the surrogate escapes \udc80..\udcff mapped back to
 * single bytes (json-c 0.16 itself decodes a lone \udcXX to U+FFFD, so its
 * strings cannot be used for this).  A malloc'd NUL-terminated buffer (free
 * it); NULL when absent. */
char *pt_t_argv_bytes(const struct pt_t_run *r, json_object *exec, size_t i, size_t *len);

/* Children of process `pid` (spawn events whose tgid is pid; threads
 * included only if threads is true), in log order.  Returns how many; stores
 * up to max in out. */
size_t pt_t_children(const struct pt_t_run *r, pid_t pid, bool threads, pid_t *out, size_t max);
/* The spawn event creating child, or NULL. */
json_object *pt_t_spawn_of(const struct pt_t_run *r, pid_t child);
/* The exit event of task pid (its last one), or NULL. */
json_object *pt_t_exit_of(const struct pt_t_run *r, pid_t pid);
/* Distinct values of "pid" over all events (and "child" of spawns). */
size_t pt_t_distinct_pids(const struct pt_t_run *r);

/* ---- diagnostics ---- */

/* A description of the run for failure messages: how the tool ended, the
 * paths, its stderr and a bounded excerpt of the log.  Owned by r.
 * Calling it marks the run as failed: its files are kept. */
const char *pt_t_dump(struct pt_t_run *r);

#define pt_t_assert(r, cond, ...) \
	cr_assert((cond), "%s\n%s", pt_t_fmt__(__VA_ARGS__), pt_t_dump(r))
#define pt_t_fail(r, ...) \
	cr_assert_fail("%s\n%s", pt_t_fmt__(__VA_ARGS__), pt_t_dump(r))
/* Formats into a buffer freed by pt_t_cleanup. */
const char *pt_t_fmt__(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Asserts the log is well formed: it exists, every line parses as an
 * object, the first line is a start with version 1, the last an end, and
 * the end's status is what the tool exited with. */
void pt_t_check_log(struct pt_t_run *r);

#endif
