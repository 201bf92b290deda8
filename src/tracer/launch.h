/* Starting the traced root (launch.c), as the rest of the tracer sees it.
 * main's entry points (fill the std fds, save the inherited signal state,
 * resolve the path) are public, in pt/tracer.h. */
#ifndef PT_TRACER_LAUNCH_H
#define PT_TRACER_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pt/tracer.h"
#include "seccomp_filter.h"

/* Whether sig was SIG_IGN when the tool started (nohup, background job). */
bool pt_launch_inherited_ignored(int sig);

/* Forks the root, seizes it with opts (PTRACE_O_*), and lets it run up to
 * the point where it loads the filter (NULL: none), puts back the inherited
 * signal state and execs path.  On return
 * the root sits in a ptrace-stop, ready to be restarted by the loop.
 * 0, *pid and the ptrace stops it handled in *stops, or -errno. */
int pt_launch_spawn(const char *path, char *const argv[], struct pt_filter *filter, unsigned long opts,
		    pid_t *pid, unsigned *stops);

#endif
