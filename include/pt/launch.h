/* Starting the traced root. */
#ifndef PT_LAUNCH_H
#define PT_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

#include "pt/seccomp.h"

/* Finds prog on PATH like execvp.  0 and the path in buf; -ENOENT (not
 * found: exit 127) or -EACCES (found, not executable: exit 126). */
int pt_launch_resolve(const char *prog, char *buf, size_t len);

/* Forks the root, seizes it with opts (PTRACE_O_*), and lets it run up to
 * the point where it loads the filter (NULL: none) and execs path.  On return
 * the root sits in a ptrace-stop, ready to be restarted by the loop.
 * 0, *pid and the ptrace stops it handled in *stops, or -errno. */
int pt_launch_spawn(const char *path, char *const argv[], struct pt_filter *filter, unsigned long opts,
		    pid_t *pid, unsigned *stops);

#endif
