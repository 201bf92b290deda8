/* CLONE_UNTRACED: clearing the flag at a clone's entry so the kernel
 * attaches the child, and putting back what the program passed before
 * parent or child runs on.
 *
 * A child made with CLONE_UNTRACED is not auto-attached, so it would escape
 * the trace; in seccomp mode it also keeps our filter, whose TRACE with no
 * tracer fails its execve (and every trapped call) with ENOSYS.  So at the
 * call's entry (our seccomp stop, whose rule matches only such a clone and
 * every clone3, or the --no-seccomp entry stop) we clear the flag, and the
 * kernel attaches the child as for any clone.  The program must not see it:
 * at the parent's fork event (or the exit stop of a clone that failed) the
 * parent gets back the register or clone_args.flags it passed; the child,
 * which copied the parent's registers (and without CLONE_VM its memory)
 * with the flag cleared, gets the same back at its first stop, before it
 * runs a single instruction. */
#include <sched.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "pt/tracee_mem.h"
#include "tracer_int.h"

/* The flags are clone's first argument in both ABIs (which otherwise
 * order its arguments differently): rdi for x86_64 and x32, ebx for i386. */
static void *clone_flags_reg(uint8_t arch)
{
	return (void *)(arch == PT_ARCH_I386 ? offsetof(struct user_regs_struct, rbx)
					     : offsetof(struct user_regs_struct, rdi));
}

void pt_untraced_restore(struct pt_task *t)
{
	if (t->flags & PT_T_UNTRACED_REG)
		ptrace(PTRACE_POKEUSER, t->tid, clone_flags_reg(t->clone_arch), (void *)t->clone_flags);
	/* POKEDATA writes where process_vm_writev cannot: a clone_args in
	 * read-only memory (it needed the same to clear the flag). */
	if (t->flags & PT_T_UNTRACED_MEM)
		ptrace(PTRACE_POKEDATA, t->tid, (void *)t->clone_args, (void *)t->clone_flags);
	t->flags &= ~PT_T_UNTRACED;
}

void pt_untraced_on_entry(struct pt_task *t, const uint64_t *args, enum pt_arch arch, uint32_t kinds)
{
	uint64_t flags;
	if (kinds & PT_SK_CLONE) {
		flags = args[0];
		if (!(flags & CLONE_UNTRACED) ||
		    ptrace(PTRACE_POKEUSER, t->tid, clone_flags_reg(arch), (void *)(flags & ~(uint64_t)CLONE_UNTRACED)) < 0)
			return;
		t->flags |= PT_T_UNTRACED_REG;
	} else if (kinds & PT_SK_CLONE3) {
		/* struct clone_args starts with the u64 flags; a size below
		 * CLONE_ARGS_SIZE_VER0 (64) or an unreadable address fails the
		 * call before any child is made. */
		if (args[1] < 64 || pt_mem_read(t->tid, args[0], &flags, sizeof(flags)) < 0 ||
		    !(flags & CLONE_UNTRACED) ||
		    ptrace(PTRACE_POKEDATA, t->tid, (void *)args[0], (void *)(flags & ~(uint64_t)CLONE_UNTRACED)) < 0)
			return;
		t->clone_args = args[0];
		t->flags |= PT_T_UNTRACED_MEM;
	} else {
		return;
	}
	t->clone_flags = flags;
	t->clone_arch = (uint8_t)arch;
}

/* The parent's fork event: the kernel has read the flags already. */
void pt_untraced_on_spawn(struct pt_task *parent, struct pt_task *child)
{
	child->flags |= parent->flags & PT_T_UNTRACED_REG;
	if ((parent->flags & PT_T_UNTRACED_MEM) && !(parent->clone_flags & CLONE_VM))
		child->flags |= PT_T_UNTRACED_MEM;     /* its own copy of clone_args */
	child->clone_flags = parent->clone_flags;
	child->clone_args = parent->clone_args;
	child->clone_arch = parent->clone_arch;
	pt_untraced_restore(parent);
	if (child->flags & PT_T_HELD)   /* in its first stop already */
		pt_untraced_restore(child);
}
