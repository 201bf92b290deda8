/* The tracer's public contract: what main.c needs to run a trace.  The
 * tracer's state (struct pt_tracer) and the functions its files share are
 * private (src/tracer/tracer_int.h); nothing outside src/tracer sees them. */
#ifndef PT_TRACER_H
#define PT_TRACER_H

#include <stddef.h>

#include "pt/options.h"
#include "pt/sink.h"

/* Call first thing in main, before any file is opened: fills closed fds 0-2
 * with /dev/null marked close-on-exec, so our files never land there while
 * the traced program still starts with them closed.  0 or -errno. */
int pt_launch_fill_std_fds(void);
/* Public because only main can call it early enough: before any handler is
 * installed or disposition changed (main ignores SIGXFSZ, the tracer
 * installs its interrupt handlers), when a trace is going to run.  Records
 * the signal dispositions and mask the tool was started with (the child
 * execs with exactly those) and moves armed interval timers from the tool to
 * the child (they survive execve, not fork).  0 or -errno. */
int pt_launch_save_inherited(void);
/* Finds prog on PATH like execvp.  0 and the path in buf; -ENOENT (not
 * found: exit 127) or -EACCES (found, not executable: exit 126). */
int pt_launch_resolve(const char *prog, char *buf, size_t len);

/* The whole trace of path (resolved by pt_launch_resolve) with argv
 * o->argv, every event handed to sinks: returns 0 and the exit status
 * ptrace-tour should use, or -errno for a failure to start (with a message
 * in err).  Creates the tracer's state, runs the loop to the end of the
 * traced tree and destroys the state.  path NULL: attach to o->attach
 * (-p) instead of launching anything. */
int pt_trace_run(const struct pt_options *o, struct pt_sinks *sinks, const char *path, int *exit_status,
		 char *err, size_t errlen);

#endif
