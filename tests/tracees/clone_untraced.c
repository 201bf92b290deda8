/* Children made with CLONE_UNTRACED, which exec /bin/true.  Untraced every
 * child's exec works and the program sees exactly the registers and the
 * struct clone_args it passed; traced it must see the same (the tracer
 * clears the flag to follow the child, then puts everything back).
 *
 *   clone_untraced          glibc clone() (fork-like and CLONE_VM|CLONE_VFORK),
 *                           a raw x86_64 clone that checks its argument
 *                           registers after the syscall in parent and child,
 *                           clone3 with clone_args on the stack and in .rodata
 *                           (unchanged after the call, in parent and child),
 *                           and a clone and a clone3 that fail with EINVAL
 *   clone_untraced int80    a raw i386 clone (int $0x80) that checks ebx..edi
 *
 * Prints one deterministic line per case; exits 0 when every case behaved as
 * it does untraced (each failed case sets a bit). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

#define FLAGS (CLONE_UNTRACED | SIGCHLD)

static char stack1[1 << 16], stack2[1 << 16];

/* 0 when the child exec'd /bin/true (which exits 0); the child's own exit
 * code tells what went wrong otherwise. */
static int child_exec(void)
{
	execl("/bin/true", "true", (char *)NULL);
	return 42;  /* ENOSYS from a filter left without its tracer lands here */
}

static int fn(void *a)
{
	(void)a;
	_exit(child_exec());
}

static int wait_code(pid_t p)
{
	int st;
	if (p < 0 || waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int case_glibc_clone(void)
{
	int code = wait_code(clone(fn, stack1 + sizeof stack1, FLAGS, NULL));
	printf("clone: child exit %d\n", code);
	return code == 0;
}

static int case_glibc_vfork(void)
{
	int code = wait_code(clone(fn, stack2 + sizeof stack2, CLONE_VM | CLONE_VFORK | FLAGS, NULL));
	printf("clone vm|vfork: child exit %d\n", code);
	return code == 0;
}

/* The x86_64 clone(flags, newsp, parent_tid, child_tid, tls) in rdi, rsi,
 * rdx, r10, r8: the kernel preserves them, so both sides must find the
 * values they passed (newsp 0: the child goes on on its copy of our stack,
 * as after fork).  With CLONE_SIGHAND but no CLONE_VM the call fails with
 * EINVAL, and no fork event comes: the registers must be kept all the same. */
static int raw_clone(const char *what, unsigned long flags)
{
	register unsigned long r10 __asm__("r10") = 0x1010, r8 __asm__("r8") = 0x808;
	unsigned long rdi = flags, rsi = 0, rdx = 0x5d5d;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8)
			 : "a"((long)SYS_clone)
			 : "rcx", "r11", "memory");
	int ok = rdi == flags && rsi == 0 && rdx == 0x5d5d && r10 == 0x1010 && r8 == 0x808;
	if (ret == 0)
		_exit(ok ? child_exec() : 3);
	if (ret < 0) {
		printf("raw clone %s: registers %s, ret %ld\n", what, ok ? "kept" : "CHANGED", ret);
		return ok && ret == -22;
	}
	int code = wait_code((pid_t)ret);
	printf("raw clone %s: registers %s, child exit %d\n", what, ok ? "kept" : "CHANGED", code);
	return ok && code == 0;
}

/* The i386 clone(flags, newsp, parent_tid, tls, child_tid) in ebx, ecx, edx,
 * esi, edi; the whole 64-bit registers must come back as they were. */
static int case_int80_clone(void)
{
	unsigned long rbx = FLAGS, rcx = 0, rdx = 0x5d5d, rsi = 0x5151, rdi = 0xd1d1;
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi), "+D"(rdi)
			 : "a"(120L) /* i386 clone */
			 : "r8", "r9", "r10", "r11", "memory");
	int ok = rbx == FLAGS && rcx == 0 && rdx == 0x5d5d && rsi == 0x5151 && rdi == 0xd1d1;
	if (ret == 0)
		_exit(ok ? child_exec() : 3);
	int code = wait_code((pid_t)ret);
	printf("int80 clone: registers %s, child exit %d\n", ok ? "kept" : "CHANGED", code);
	return ok && code == 0;
}

/* clone3 takes its flags in memory: the struct must read the same after the
 * call, in the parent and in the child's copy of it; also after a call that
 * failed (EINVAL: CLONE_SIGHAND without CLONE_VM). */
static int clone3_case(const char *what, const struct clone_args *args)
{
	struct clone_args before;
	memcpy(&before, args, sizeof before);
	long ret = syscall(SYS_clone3, args, sizeof *args);
	/* the compiler must not assume a const object kept its value */
	__asm__ volatile("" : "+r"(args) : : "memory");
	int same = !memcmp(&before, args, sizeof before);
	if (ret == 0)
		_exit(same ? child_exec() : 4);
	if (ret < 0) {
		printf("clone3 %s: args %s, errno %d\n", what, same ? "unchanged" : "CHANGED", errno);
		return same && errno == EINVAL;
	}
	int code = wait_code((pid_t)ret);
	printf("clone3 %s: args %s, child exit %d\n", what, same ? "unchanged" : "CHANGED", code);
	return same && code == 0;
}

static const struct clone_args rodata_args = {.flags = CLONE_UNTRACED, .exit_signal = SIGCHLD};

int main(int argc, char **argv)
{
	int bad = 0, bit = 1;
	setvbuf(stdout, NULL, _IONBF, 0);   /* no buffered text copied into children */
	if (argc > 1 && !strcmp(argv[1], "int80"))
		return case_int80_clone() ? 0 : 1;
	bad |= case_glibc_clone() ? 0 : bit;
	bit <<= 1;
	bad |= case_glibc_vfork() ? 0 : bit;
	bit <<= 1;
	bad |= raw_clone("fork", FLAGS) ? 0 : bit;
	bit <<= 1;
	bad |= raw_clone("einval", FLAGS | CLONE_SIGHAND) ? 0 : bit;
	bit <<= 1;
	struct clone_args stack_args;
	memset(&stack_args, 0, sizeof stack_args);
	stack_args.flags = CLONE_UNTRACED;
	stack_args.exit_signal = SIGCHLD;
	bad |= clone3_case("stack", &stack_args) ? 0 : bit;
	bit <<= 1;
	bad |= clone3_case("rodata", &rodata_args) ? 0 : bit;
	bit <<= 1;
	stack_args.flags |= CLONE_SIGHAND;
	bad |= clone3_case("einval", &stack_args) ? 0 : bit;
	return bad;
}
