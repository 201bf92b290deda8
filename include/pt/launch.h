/* Starting the traced root. */
#ifndef PT_LAUNCH_H
#define PT_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pt/seccomp.h"

/* Call first thing in main, before any file is opened: fills closed fds 0-2
 * with /dev/null marked close-on-exec, so our files never land there while
 * the traced program still starts with them closed.  0 or -errno. */
int pt_launch_fill_std_fds(void);
/* Call before any handler is installed, when a trace is going to run:
 * records the signal dispositions and mask the tool was started with (the
 * child execs with exactly those) and moves armed interval timers from the
 * tool to the child (they survive execve, not fork).  0 or -errno. */
int pt_launch_save_inherited(void);
/* Whether sig was SIG_IGN when the tool started (nohup, background job). */
bool pt_launch_inherited_ignored(int sig);

/* Finds prog on PATH like execvp.  0 and the path in buf; -ENOENT (not
 * found: exit 127) or -EACCES (found, not executable: exit 126). */
int pt_launch_resolve(const char *prog, char *buf, size_t len);

/* Forks the root, seizes it with opts (PTRACE_O_*), and lets it run up to
 * the point where it loads the filter (NULL: none), puts back the inherited
 * signal state and execs path.  On return
 * the root sits in a ptrace-stop, ready to be restarted by the loop.
 * 0, *pid and the ptrace stops it handled in *stops, or -errno. */
int pt_launch_spawn(const char *path, char *const argv[], struct pt_filter *filter, unsigned long opts,
		    pid_t *pid, unsigned *stops);

#endif
