/* The seccomp-bpf filter, built with libseccomp: TRACE for the reported
 * syscalls that need a stop, ALLOW for the rest. */
#include "seccomp_filter.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pt_filter {
	scmp_filter_ctx ctx;
};

static const uint32_t scmp_arch_of[PT_ARCH__COUNT] = {
	[PT_ARCH_X86_64] = SCMP_ARCH_X86_64,
	[PT_ARCH_I386] = SCMP_ARCH_X86,
	[PT_ARCH_X32] = SCMP_ARCH_X32,
};

bool pt_seccomp_needs_trap(enum pt_arch arch, long nr)
{
	/* fork, vfork, clone, clone3, exit, exit_group (PT_SK_BY_EVENT) reach
	 * us as PTRACE_EVENT_{FORK,VFORK,CLONE,EXIT} stops anyway; trapping
	 * them would only add two stops per call. */
	const struct pt_syscall_desc *d = pt_syscall_desc(arch, nr);
	return d && !(d->kinds & PT_SK_BY_EVENT);
}

struct add_ctx {
	const struct pt_syscall_set *set;
	scmp_filter_ctx ctx;
	enum pt_arch arch;
	int rc;
};

/* libseccomp takes rules by native number and translates them by name to
 * every architecture of the filter; a name that only exists on i386
 * (waitpid) resolves to one of its pseudo numbers, which it also handles. */
static void add_rule(long nr, const struct pt_syscall_desc *d, void *arg)
{
	struct add_ctx *c = arg;
	if (c->rc < 0 || !pt_set_has(c->set, c->arch, nr) || !pt_seccomp_needs_trap(c->arch, nr))
		return;
	int snr = seccomp_syscall_resolve_name(d->name);
	if (snr == __NR_SCMP_ERROR)
		return;
	int rc = seccomp_rule_add(c->ctx, SCMP_ACT_TRACE(PT_SECCOMP_DATA), snr, 0);
	if (rc < 0 && rc != -EEXIST)
		c->rc = rc;
}

int pt_seccomp_build(const struct pt_syscall_set *set, struct pt_filter **out)
{
	int rc;
	struct pt_filter *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!f->ctx) {
		rc = -ENOMEM;
		goto out;
	}
	/* The default KILLs a process that uses an ABI the filter does not
	 * know; we must never change the tracee's fate. */
	rc = seccomp_attr_set(f->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (rc < 0)
		goto out;
	/* As root we keep setuid programs working; otherwise the kernel insists
	 * on no_new_privs (documented in the README). */
	if (geteuid() == 0) {
		rc = seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, 0);
		if (rc < 0)
			goto out;
	}
	for (unsigned arch = 0; arch < PT_ARCH__COUNT; arch++) {
		if (arch != PT_ARCH_X86_64) {
			rc = seccomp_arch_add(f->ctx, scmp_arch_of[arch]);
			if (rc < 0 && rc != -EEXIST)
				goto out;
		}
	}
	/* Turning the kernel's Speculative Store Bypass mitigation on is what a
	 * filter loaded without SECCOMP_FILTER_FLAG_SPEC_ALLOW does on kernels
	 * booted with spec_store_bypass_disable=seccomp (the default before
	 * 5.16): the traced tree would run slower than untraced and read another
	 * Speculation_Store_Bypass line in /proc/PID/status.  A libseccomp or
	 * kernel too old for the flag cannot have that mode either. */
	rc = seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_SSB, 1);
	if (rc < 0 && rc != -EOPNOTSUPP)
		goto out;
	/* x32 shares x86_64's names, so two passes cover the three ABIs. */
	for (unsigned arch = PT_ARCH_X86_64; arch <= PT_ARCH_I386; arch++) {
		struct add_ctx c = {set, f->ctx, arch, 0};
		pt_syscall_each(arch, add_rule, &c);
		if (c.rc < 0) {
			rc = c.rc;
			goto out;
		}
	}
	/* A CLONE_UNTRACED child would escape the tracer yet keep this filter,
	 * whose TRACE then fails its trapped calls with ENOSYS: stop on such a
	 * clone so the tracer can clear the flag (untraced.c).  The argument test
	 * keeps every other clone free of stops.  clone3 passes its flags in
	 * memory, which a filter cannot read: it always stops. */
	rc = seccomp_rule_add(f->ctx, SCMP_ACT_TRACE(PT_SECCOMP_DATA), SCMP_SYS(clone), 1,
			      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_UNTRACED, CLONE_UNTRACED));
	if (rc < 0 && rc != -EEXIST)
		goto out;
	rc = seccomp_rule_add(f->ctx, SCMP_ACT_TRACE(PT_SECCOMP_DATA), SCMP_SYS(clone3), 0);
	if (rc < 0 && rc != -EEXIST)
		goto out;
	rc = 0;
	*out = f;
	f = NULL;
out:
	pt_seccomp_destroy(f);
	return rc;
}

int pt_seccomp_load(struct pt_filter *f)
{
	return seccomp_load(f->ctx);
}

void pt_seccomp_destroy(struct pt_filter *f)
{
	if (!f)
		return;
	if (f->ctx)
		seccomp_release(f->ctx);
	free(f);
}
