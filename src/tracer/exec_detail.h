/* The exec anatomy: memory maps before and after, the new image's ELF facts
 * and where they landed, inherited fds, and the environment diff.  Read only
 * at exec (and at exit with --maps=exit), never per syscall. */
#ifndef PT_EXEC_DETAIL_H
#define PT_EXEC_DETAIL_H

#include <stdint.h>

#include "tracer_int.h"

/* At the execve entry stop: the old image's maps (and its environment
 * when its process has no env image). */
void pt_exec_detail_on_entry(struct pt_tracer *T, struct pt_task *t);
/* At PTRACE_EVENT_EXEC: everything else; the result lives in T->arena.
 * *argv: the argv on the new image's stack, when it could be read (NULL
 * otherwise), for an exec without an entry stop. */
struct pt_xs_vec;
const struct pt_exec_detail *pt_exec_detail_on_event(struct pt_tracer *T, struct pt_task *t,
						     const struct pt_xs_vec **argv);
/* At PTRACE_EVENT_EXIT with --maps=exit: the map with every library loaded. */
void pt_exec_detail_on_exit(struct pt_tracer *T, struct pt_task *t);

#endif
