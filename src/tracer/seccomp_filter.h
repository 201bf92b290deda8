/* The seccomp-bpf filter that makes only reported syscalls stop the tracee. */
#ifndef PT_TRACER_SECCOMP_H
#define PT_TRACER_SECCOMP_H

#include "pt/options.h"

struct pt_filter;

/* The RET_DATA of our filter's TRACE action ("pt"), which the seccomp stop
 * reports (PTRACE_GETEVENTMSG, or ret_data of PTRACE_GET_SYSCALL_INFO).  A
 * seccomp stop carrying any other value comes from the tracee's own filter:
 * when several filters return TRACE the kernel keeps the newest one's data,
 * and ours, loaded before the first exec, is the oldest.  A program whose
 * own filter uses this very value is taken for us (documented). */
#define PT_SECCOMP_DATA 0x7074u

/* Builds (in the tracer, before fork) a filter returning TRACE for the
 * syscalls of set that need a stop, for a clone with CLONE_UNTRACED and for
 * every clone3 (see on_syscall_stop in loop.c), and ALLOW for everything
 * else, for the x86_64, i386 and x32 ABIs; it is loaded with
 * SECCOMP_FILTER_FLAG_SPEC_ALLOW where supported, so that it does not turn
 * on the Speculative Store Bypass mitigation.  0 or -errno. */
int pt_seccomp_build(const struct pt_syscall_set *set, struct pt_filter **out);
/* Loads it into the calling process (the child, just before exec). */
int pt_seccomp_load(struct pt_filter *f);
void pt_seccomp_destroy(struct pt_filter *f);
/* Whether nr must stop the tracee: clone/fork/vfork/exit arrive as ptrace
 * events and never need a trap. */
bool pt_seccomp_needs_trap(enum pt_arch arch, long nr);

#endif
