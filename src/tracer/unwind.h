/* User stacks of stopped tracees (-k), with libunwind-ptrace.
 *
 * One opaque handle for the whole trace.  Inside it, one libunwind address
 * space per PROCESS (tgid), created at the first capture and reused by every
 * later capture of any of its threads: libunwind caches what it learned from
 * the unwind tables in the address space, so a second stack through the same
 * code costs a fraction of the first.  The cache, and the /proc/TGID/maps
 * copy used to name modules, describe one memory image: they must be dropped
 * when the image changes (pt_unwind_invalidate) and when the process is gone
 * (pt_unwind_forget).  See docs/stacks.md.
 *
 * All calls are made from the tracer thread (libunwind-ptrace reads the
 * tracee with ptrace, which only the tracer may do). */
#ifndef PT_UNWIND_H
#define PT_UNWIND_H

#include <sys/types.h>

#include "pt/arena.h"
#include "pt/event.h"

#define PT_UNWIND_DEFAULT_DEPTH 32u
#define PT_UNWIND_MAX_DEPTH 1024u

struct pt_unwinder;

/* max_depth frames at most per stack (0: PT_UNWIND_DEFAULT_DEPTH).  NULL
 * with errno ENOMEM, or EINVAL for max_depth > PT_UNWIND_MAX_DEPTH. */
struct pt_unwinder *pt_unwind_new(unsigned max_depth);
/* Destroys every address space and cached map; NULL is a no-op. */
void pt_unwind_destroy(struct pt_unwinder *u);

/* The user stack of task tid (of process tgid), innermost frame first.  tid
 * must be in a ptrace-stop of ours (any kind).  The stack, its frames and
 * strings are allocated in a (the event owns them).
 *
 * A tracee problem never gives NULL: the stack is then partial (maybe empty)
 * and ->error says why it stopped early ("no unwind info", "32-bit tracee
 * not supported", "depth limit 32 reached", "tracee not stopped or gone",
 * "frame loop", ...).  NULL only when memory runs out. */
const struct pt_stack *pt_unwind_capture(struct pt_unwinder *u, pid_t tid, pid_t tgid, struct pt_arena *a);

/* The memory image of tgid changed (exec; traced mmap/munmap/mprotect):
 * flushes its libunwind cache and drops its maps.  Unknown tgid: no-op. */
void pt_unwind_invalidate(struct pt_unwinder *u, pid_t tgid);
/* The process tgid is gone (or its pid is about to name a new process):
 * destroys its address space.  Unknown tgid: no-op. */
void pt_unwind_forget(struct pt_unwinder *u, pid_t tgid);

/* Address spaces held (for tests and --stats). */
size_t pt_unwind_nspaces(const struct pt_unwinder *u);

#endif
