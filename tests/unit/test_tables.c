/* The syscalls/ tables and the name <-> value helpers of src/lib/tables.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* CLONE_* in <sched.h> (also set by CMake) */
#endif

#include <criterion/criterion.h>

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt/event.h"
#include "pt/tables.h"

/* ---- the .def files, read the same way src/lib/tables.c reads them ---- */

enum {
#define CLASS(s, name, bit) s = 1u << (bit),
#include "classes.def"
#undef CLASS
};

enum {
#define KIND(s, name, bit) s = 1u << (bit),
#include "kinds.def"
#undef KIND
};

struct sc_row {
	long nr;
	const char *name;
	uint32_t classes;
	uint32_t kinds;
	const char *sig;
};

#define SC(nr, name, classes, kinds, sig) { nr, #name, (classes), (kinds), sig },
static const struct sc_row rows_x86_64[] = {
#include "x86_64.def"
};
static const struct sc_row rows_i386[] = {
#include "i386.def"
};
#undef SC

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t all_class_bits(void)
{
	uint32_t m = 0;
#define CLASS(s, name, bit) m |= 1u << (bit);
#include "classes.def"
#undef CLASS
	return m;
}

static void check_rows(enum pt_arch arch, uint32_t scmp_arch, const struct sc_row *rows, size_t n)
{
	const char *an = pt_arch_name(arch);
	int multiplexed = 0;

	cr_assert_gt(n, 300, "%s: only %zu rows", an, n);
	for (size_t i = 0; i < n; i++) {
		const struct sc_row *r = &rows[i];
		int snr = seccomp_syscall_resolve_name_arch(scmp_arch, r->name);

		if (snr < 0 && snr != __NR_SCMP_ERROR && scmp_arch == SCMP_ARCH_X86) {
			/* On i386 libseccomp resolves the names of the socket and
			 * SysV IPC calls to its pseudo-numbers for the socketcall(2)
			 * and ipc(2) multiplexers (-101..-120, -201..-224), even
			 * where the kernel also has a direct call (socket = 359 since
			 * Linux 4.3).  Check those through the number instead. */
			char *back = seccomp_syscall_resolve_num_arch(scmp_arch, (int)r->nr);

			cr_expect(back && strcmp(back, r->name) == 0,
				  "%s: %s is %ld in the table, libseccomp: %d, and %ld is %s",
				  an, r->name, r->nr, snr, r->nr, back ? back : "(null)");
			cr_expect((snr <= -101 && snr >= -120) || (snr <= -201 && snr >= -224),
				  "%s: %s: unexpected pseudo-number %d", an, r->name, snr);
			free(back);
			multiplexed++;
		} else {
			cr_expect_eq(snr, r->nr, "%s: %s is %ld in the table, %d for libseccomp",
				     an, r->name, r->nr, snr);
		}
		cr_expect_lt(r->nr, PT_SYSCALL_MAX, "%s: %s", an, r->name);
		cr_expect_leq(strlen(r->sig), 6, "%s: %s: signature \"%s\" too long", an, r->name, r->sig);
		/* syscalls/README.md's alphabet, the decoders' letters included */
		cr_expect_eq(strspn(r->sig, "duxofspSXOATPMCHKkGgNLI"), strlen(r->sig),
			     "%s: %s: bad signature char in \"%s\"", an, r->name, r->sig);
		cr_expect_eq(r->classes & ~all_class_bits(), 0, "%s: %s: stray class bits", an, r->name);

		const struct pt_syscall_desc *d = pt_syscall_desc(arch, r->nr);
		cr_assert_not_null(d, "%s: no desc for %ld (%s)", an, r->nr, r->name);
		cr_expect_str_eq(d->name, r->name);
		cr_expect_str_eq(d->sig, r->sig);
		cr_expect_eq(d->classes, r->classes, "%s: %s", an, r->name);
		cr_expect_eq(d->kinds, r->kinds, "%s: %s", an, r->name);
		cr_expect_eq(pt_syscall_nr(arch, r->name), r->nr, "%s: %s: names must be unique", an, r->name);
	}
	/* 17 socket calls + 10 SysV IPC calls on i386, none on x86_64. */
	cr_expect_eq(multiplexed, scmp_arch == SCMP_ARCH_X86 ? 27 : 0, "%s: %d multiplexed names",
		     an, multiplexed);
}

/* Every number libseccomp resolves must be in the table, under the same
 * name.  No allowance is needed: the tables carry every call of the uapi
 * headers plus the six (451-456) that libseccomp 2.5.4 knows beyond them. */
static void check_reverse(enum pt_arch arch, uint32_t scmp_arch)
{
	int missing = 0;

	for (int nr = 0; nr < PT_SYSCALL_MAX; nr++) {
		char *sname = seccomp_syscall_resolve_num_arch(scmp_arch, nr);
		const struct pt_syscall_desc *d = pt_syscall_desc(arch, nr);

		if (sname) {
			if (!d) {
				cr_log_error("%s: libseccomp knows %d as %s, the table does not",
					     pt_arch_name(arch), nr, sname);
				missing++;
			} else {
				cr_expect_str_eq(d->name, sname, "%s: %d", pt_arch_name(arch), nr);
			}
			free(sname);
		}
	}
	cr_expect_eq(missing, 0, "%s: %d numbers missing from the table", pt_arch_name(arch), missing);
}

Test(tables, x86_64_matches_libseccomp)
{
	check_rows(PT_ARCH_X86_64, SCMP_ARCH_X86_64, rows_x86_64, NROWS(rows_x86_64));
	check_reverse(PT_ARCH_X86_64, SCMP_ARCH_X86_64);
}

Test(tables, i386_matches_libseccomp)
{
	check_rows(PT_ARCH_I386, SCMP_ARCH_X86, rows_i386, NROWS(rows_i386));
	check_reverse(PT_ARCH_I386, SCMP_ARCH_X86);
}

Test(tables, header_numbers)
{
	/* Spot checks against the uapi header itself (x86_64 is the build arch). */
	cr_expect_eq(pt_syscall_nr(PT_ARCH_X86_64, "execve"), __NR_execve);
	cr_expect_eq(pt_syscall_nr(PT_ARCH_X86_64, "clone3"), __NR_clone3);
	cr_expect_eq(pt_syscall_nr(PT_ARCH_X86_64, "exit_group"), __NR_exit_group);
	cr_expect_eq(pt_syscall_nr(PT_ARCH_I386, "execve"), 11);
	cr_expect_eq(pt_syscall_nr(PT_ARCH_I386, "exit_group"), 252);
	cr_expect_eq(pt_syscall_nr(PT_ARCH_I386, "socketcall"), 102);
}

static void count_cb(long nr, const struct pt_syscall_desc *d, void *arg)
{
	size_t *n = arg;

	cr_assert_not_null(d);
	cr_assert_eq(pt_syscall_desc(PT_ARCH_X86_64, nr), d);
	(*n)++;
}

static void count_i386_cb(long nr, const struct pt_syscall_desc *d, void *arg)
{
	size_t *n = arg;

	cr_assert_eq(pt_syscall_desc(PT_ARCH_I386, nr), d);
	(*n)++;
}

Test(tables, each_and_lookups)
{
	size_t n = 0;

	pt_syscall_each(PT_ARCH_X86_64, count_cb, &n);
	cr_expect_eq(n, NROWS(rows_x86_64));
	n = 0;
	pt_syscall_each(PT_ARCH_I386, count_i386_cb, &n);
	cr_expect_eq(n, NROWS(rows_i386));
	n = 0;
	pt_syscall_each(PT_ARCH_X32, count_cb, &n);
	cr_expect_eq(n, 0);

	cr_expect_null(pt_syscall_desc(PT_ARCH_X86_64, -1));
	cr_expect_null(pt_syscall_desc(PT_ARCH_X86_64, PT_SYSCALL_MAX));
	cr_expect_null(pt_syscall_desc(PT_ARCH_X86_64, 100000));
	cr_expect_null(pt_syscall_desc(PT_ARCH_X86_64, 400));   /* hole 335..423 */
	cr_expect_null(pt_syscall_desc(PT_ARCH_I386, 222));     /* unused number */
	cr_expect_null(pt_syscall_desc(PT_ARCH_X32, 0));
	cr_expect_null(pt_syscall_desc(PT_ARCH__COUNT, 0));
	cr_expect_eq(pt_syscall_nr(PT_ARCH_X86_64, "no_such_call"), -1);
	cr_expect_eq(pt_syscall_nr(PT_ARCH_X86_64, ""), -1);
	cr_expect_eq(pt_syscall_nr(PT_ARCH_X86_64, NULL), -1);
	cr_expect_eq(pt_syscall_nr(PT_ARCH_X86_64, "mmap2"), -1);   /* i386 only */
	cr_expect_eq(pt_syscall_nr(PT_ARCH_I386, "mmap2"), 192);
}

static const struct pt_syscall_desc *desc(enum pt_arch arch, const char *name)
{
	long nr = pt_syscall_nr(arch, name);

	cr_assert_geq(nr, 0, "%s: %s unknown", pt_arch_name(arch), name);
	return pt_syscall_desc(arch, nr);
}

static void expect_classes(const char *name, uint32_t want)
{
	for (int a = PT_ARCH_X86_64; a <= PT_ARCH_I386; a++) {
		const struct pt_syscall_desc *d = desc(a, name);

		cr_expect_eq(d->classes, want, "%s: %s: classes %#x, want %#x",
			     pt_arch_name(a), name, d->classes, want);
	}
}

Test(tables, classes)
{
	expect_classes("execve", TF | TP);
	expect_classes("execveat", TF | TD | TP);
	expect_classes("openat", TF | TD);
	expect_classes("open", TF | TD);
	expect_classes("stat", TF);
	expect_classes("unlink", TF);
	expect_classes("chdir", TF);
	expect_classes("kill", TP | TS);
	expect_classes("tgkill", TP | TS);
	expect_classes("clone", TP);
	expect_classes("clone3", TP);
	expect_classes("fork", TP);
	expect_classes("vfork", TP);
	expect_classes("exit", TP);
	expect_classes("exit_group", TP);
	expect_classes("wait4", TP);
	expect_classes("waitid", TP);
	expect_classes("rt_sigaction", TS);
	expect_classes("pidfd_send_signal", TD | TP | TS);
	expect_classes("signalfd4", TD | TS);
	expect_classes("mmap", TD | TM);
	expect_classes("munmap", TM);
	expect_classes("brk", TM);
	expect_classes("socket", TN);
	expect_classes("shmget", TI);
	expect_classes("setuid", TC);
	expect_classes("clock_gettime", TK);
	expect_classes("read", TD);
	expect_classes("getpid", 0);
	cr_expect(desc(PT_ARCH_X86_64, "mmap")->classes & TM);
	cr_expect_eq(desc(PT_ARCH_I386, "mmap2")->classes, TD | TM);
}

/* The kinds column: what each call means to the tracer (the loop, the
 * filter builder and pt_spawn_flags_str read it instead of names). */
static void expect_kinds(enum pt_arch a, const char *name, uint32_t want)
{
	const struct pt_syscall_desc *d = desc(a, name);

	cr_expect_eq(d->kinds, want, "%s: %s: kinds %#x, want %#x", pt_arch_name(a), name, d->kinds, want);
}

static size_t count_kinds(enum pt_arch a, uint32_t mask)
{
	size_t n = 0;

	for (long nr = 0; nr < PT_SYSCALL_MAX; nr++) {
		const struct pt_syscall_desc *d = pt_syscall_desc(a, nr);

		if (d && (d->kinds & mask))
			n++;
	}
	return n;
}

Test(tables, kinds)
{
	uint32_t all = 0;
#define KIND(s, name, bit) all |= 1u << (bit);
#include "kinds.def"
#undef KIND
	for (int a = PT_ARCH_X86_64; a <= PT_ARCH_I386; a++) {
		expect_kinds(a, "execve", PT_SK_EXEC);
		expect_kinds(a, "execveat", PT_SK_EXEC | PT_SK_EXECAT);
		expect_kinds(a, "wait4", PT_SK_WAIT);
		expect_kinds(a, "waitid", PT_SK_WAIT | PT_SK_WAITID);
		expect_kinds(a, "exit", PT_SK_NORETURN | PT_SK_EXIT | PT_SK_BY_EVENT);
		expect_kinds(a, "exit_group", PT_SK_NORETURN | PT_SK_EXIT_GROUP | PT_SK_BY_EVENT);
		expect_kinds(a, "rt_sigreturn", PT_SK_NORETURN);
		expect_kinds(a, "fork", PT_SK_BY_EVENT | PT_SK_SPAWN);
		expect_kinds(a, "vfork", PT_SK_BY_EVENT | PT_SK_SPAWN | PT_SK_VFORK);
		expect_kinds(a, "clone", PT_SK_BY_EVENT | PT_SK_SPAWN | PT_SK_CLONE);
		expect_kinds(a, "clone3", PT_SK_BY_EVENT | PT_SK_SPAWN | PT_SK_CLONE3);
		expect_kinds(a, "munmap", PT_SK_REMAP);
		expect_kinds(a, "mprotect", PT_SK_REMAP);
		expect_kinds(a, "mremap", PT_SK_REMAP | PT_SK_RET_ADDR);
		expect_kinds(a, "brk", PT_SK_RET_ADDR);
		/* -y names the fd these return */
		expect_kinds(a, "openat", PT_SK_RET_FD);
		expect_kinds(a, "open", PT_SK_RET_FD);
		expect_kinds(a, "dup", PT_SK_RET_FD);
		expect_kinds(a, "socket", PT_SK_RET_FD);
		expect_kinds(a, "close", 0);
		expect_kinds(a, "read", 0);
		expect_kinds(a, "getpid", 0);
		expect_kinds(a, "kill", 0);
		/* and no other call of either ABI has these */
		cr_expect_eq(count_kinds(a, PT_SK_EXEC), 2, "%s", pt_arch_name(a));
		cr_expect_eq(count_kinds(a, PT_SK_BY_EVENT), 6, "%s", pt_arch_name(a));
		cr_expect_eq(count_kinds(a, PT_SK_SPAWN), 4, "%s", pt_arch_name(a));
		cr_expect_eq(count_kinds(a, ~all), 0, "%s: stray kind bits", pt_arch_name(a));
	}
	/* i386 only: waitpid, sigreturn, mmap2 */
	expect_kinds(PT_ARCH_I386, "waitpid", PT_SK_WAIT);
	expect_kinds(PT_ARCH_I386, "sigreturn", PT_SK_NORETURN);
	expect_kinds(PT_ARCH_I386, "mmap2", PT_SK_REMAP | PT_SK_RET_ADDR);
	expect_kinds(PT_ARCH_X86_64, "mmap", PT_SK_REMAP | PT_SK_RET_ADDR);
	expect_kinds(PT_ARCH_I386, "mmap", PT_SK_REMAP | PT_SK_RET_ADDR);   /* old mmap: its arguments in a struct */
	cr_expect_eq(count_kinds(PT_ARCH_X86_64, PT_SK_WAIT), 2);
	cr_expect_eq(count_kinds(PT_ARCH_I386, PT_SK_WAIT), 3);
	cr_expect_eq(count_kinds(PT_ARCH_X86_64, PT_SK_NORETURN), 3);
	cr_expect_eq(count_kinds(PT_ARCH_I386, PT_SK_NORETURN), 4);
	cr_expect_eq(count_kinds(PT_ARCH_X86_64, PT_SK_REMAP), 4);
	cr_expect_eq(count_kinds(PT_ARCH_I386, PT_SK_REMAP), 5);
	cr_expect_eq(count_kinds(PT_ARCH_X86_64, PT_SK_RET_ADDR), 3);     /* mmap, mremap, brk */
	cr_expect_eq(count_kinds(PT_ARCH_I386, PT_SK_RET_ADDR), 4);       /* and mmap2 */
	cr_expect_eq(count_kinds(PT_ARCH_X86_64, PT_SK_RET_FD), 34);
	cr_expect_eq(count_kinds(PT_ARCH_I386, PT_SK_RET_FD), 33);
	/* the 15 and 18 calls with a lifecycle kind, and those returning an fd or brk's address */
	cr_expect_eq(count_kinds(PT_ARCH_X86_64, ~0u), 15 + 34 + 1);
	cr_expect_eq(count_kinds(PT_ARCH_I386, ~0u), 18 + 33 + 1);
	/* x32 has no table of its own */
	cr_expect_null(pt_syscall_desc(PT_ARCH_X32, 59));
}

Test(tables, class_mask)
{
	cr_expect_eq(pt_class_mask("file"), 1u << PT_CLASS_BIT_TF);
	cr_expect_eq(pt_class_mask("process"), 1u << PT_CLASS_BIT_TP);
	cr_expect_eq(pt_class_mask("clock"), 1u << PT_CLASS_BIT_TK);
	cr_expect_eq(pt_class_mask("%file"), 0);
	cr_expect_eq(pt_class_mask("files"), 0);
	cr_expect_eq(pt_class_mask(""), 0);
	cr_expect_eq(pt_class_mask(NULL), 0);
}

static void expect_sig(enum pt_arch arch, const char *name, const char *sig)
{
	cr_expect_str_eq(desc(arch, name)->sig, sig, "%s: %s", pt_arch_name(arch), name);
}

Test(tables, signatures)
{
	for (int a = PT_ARCH_X86_64; a <= PT_ARCH_I386; a++) {
		expect_sig(a, "getpid", "");
		expect_sig(a, "exit_group", "d");
		expect_sig(a, "openat", "fsOo");  /* O: open flags, then the mode only with O_CREAT */
		expect_sig(a, "faccessat", "fsA");
		expect_sig(a, "unlinkat", "fsT");
		expect_sig(a, "mprotect", "puP");
		expect_sig(a, "fcntl", "fCx");    /* C: the command decides the third argument */
		expect_sig(a, "execve", "spp");
		expect_sig(a, "execveat", "fsppx");
		expect_sig(a, "wait4", "dpdp");
		expect_sig(a, "waitid", "ddpdp");
		expect_sig(a, "clone", "xppxp");
		expect_sig(a, "clone3", "pu");
		expect_sig(a, "kill", "dS");   /* S: printed as a signal name */
		expect_sig(a, "rename", "ss");
		expect_sig(a, "readlink", "spu");
		expect_sig(a, "unlink", "s");
	}
	expect_sig(PT_ARCH_X86_64, "mmap", "puPMfX");
	/* the memory letters (x86_64 layouts only): sigset, sigaction, timespec */
	expect_sig(PT_ARCH_X86_64, "rt_sigprocmask", "HKku");
	expect_sig(PT_ARCH_X86_64, "rt_sigaction", "SGgu");
	expect_sig(PT_ARCH_X86_64, "nanosleep", "Np");
	expect_sig(PT_ARCH_X86_64, "clock_nanosleep", "LINp");
	expect_sig(PT_ARCH_X86_64, "pread64", "fpud");
	/* i386: a 64-bit offset takes two registers; old mmap takes a struct. */
	expect_sig(PT_ARCH_I386, "pread64", "fpuuu");
	expect_sig(PT_ARCH_I386, "mmap", "p");
	cr_expect_eq(strlen(desc(PT_ARCH_I386, "mmap2")->sig), 6);
	cr_expect_eq(strlen(desc(PT_ARCH_X86_64, "futex")->sig), 6);
	cr_expect_eq(strlen(desc(PT_ARCH_X86_64, "rt_sigreturn")->sig), 0);
}

Test(tables, arch_name)
{
	cr_expect_str_eq(pt_arch_name(PT_ARCH_X86_64), "x86_64");
	cr_expect_str_eq(pt_arch_name(PT_ARCH_I386), "i386");
	cr_expect_str_eq(pt_arch_name(PT_ARCH_X32), "x32");
	cr_expect_not_null(pt_arch_name(PT_ARCH__COUNT));
}

/* ---- signals ---- */

Test(signals, standard_round_trip)
{
	char buf[32];
	int named = 0;

	for (int sig = 1; sig < 32; sig++) {
		const char *n = pt_signal_name(sig, buf, sizeof buf);

		cr_assert_not_null(n);
		cr_expect_eq(pt_signal_from_name(n), sig, "%d -> %s", sig, n);
		if (n != buf)
			named++;
	}
	cr_expect_eq(named, 31, "every signal 1..31 has a name on x86");
	cr_expect_str_eq(pt_signal_name(SIGKILL, buf, sizeof buf), "SIGKILL");
	cr_expect_str_eq(pt_signal_name(SIGCHLD, NULL, 0), "SIGCHLD");
	cr_expect_eq(pt_signal_from_name("SIGKILL"), SIGKILL);
	cr_expect_eq(pt_signal_from_name("KILL"), SIGKILL);
	cr_expect_eq(pt_signal_from_name("sigterm"), SIGTERM);
	cr_expect_eq(pt_signal_from_name("9"), 9);
	cr_expect_eq(pt_signal_from_name("SIGIOT"), SIGABRT);
	cr_expect_eq(pt_signal_from_name("SIGCLD"), SIGCHLD);
}

Test(signals, realtime_uses_kernel_numbering)
{
	char buf[32];

	/* strace's names (checked against strace 6.1: kill(pid, 32) prints
	 * SIGRTMIN, 33 SIGRT_1, 35 SIGRT_3, 64 SIGRT_32) */
	cr_expect_str_eq(pt_signal_name(32, buf, sizeof buf), "SIGRTMIN");
	cr_expect_str_eq(pt_signal_name(33, buf, sizeof buf), "SIGRT_1");
	cr_expect_str_eq(pt_signal_name(35, buf, sizeof buf), "SIGRT_3");
	cr_expect_str_eq(pt_signal_name(64, buf, sizeof buf), "SIGRT_32");
	/* glibc's SIGRTMIN+1 is 35: never printed as "SIGRTMIN+n", which a
	 * glibc reader would take for another signal */
	cr_expect_str_eq(pt_signal_name(SIGRTMIN + 1, buf, sizeof buf), "SIGRT_3");
	cr_expect_eq(pt_signal_from_name("SIGRT_3"), 35);
	cr_expect_eq(pt_signal_from_name("RT_32"), 64);
	cr_expect_eq(pt_signal_from_name("SIGRT_0"), -1);
	cr_expect_eq(pt_signal_from_name("SIGRT_33"), -1);
	cr_expect_eq(pt_signal_from_name("SIGRT_"), -1);
	/* older logs: SIGRTMIN+n / SIGRTMAX-n in the kernel's numbering */
	cr_expect_eq(pt_signal_from_name("SIGRTMIN"), 32);
	cr_expect_eq(pt_signal_from_name("SIGRTMIN+3"), 35);
	cr_expect_eq(pt_signal_from_name("RTMIN+3"), 35);
	cr_expect_eq(pt_signal_from_name("SIGRTMIN+32"), 64);
	cr_expect_eq(pt_signal_from_name("SIGRTMAX"), 64);
	cr_expect_eq(pt_signal_from_name("SIGRTMAX-1"), 63);
	cr_expect_eq(pt_signal_from_name("SIGRTMIN+33"), -1);
	cr_expect_eq(pt_signal_from_name("SIGRTMIN-1"), -1);
	cr_expect_eq(pt_signal_from_name("SIGRTMIN+"), -1);
	for (int sig = 32; sig <= 64; sig++)
		cr_expect_eq(pt_signal_from_name(pt_signal_name(sig, buf, sizeof buf)), sig, "%d", sig);
}

Test(signals, unknown)
{
	char buf[32];

	cr_expect_str_eq(pt_signal_name(65, buf, sizeof buf), "SIG65");
	cr_expect_str_eq(pt_signal_name(0, buf, sizeof buf), "SIG0");
	cr_expect_str_eq(pt_signal_name(200, buf, sizeof buf), "SIG200");
	cr_expect_eq(pt_signal_from_name("SIG65"), 65);
	cr_expect_eq(pt_signal_from_name("SIG40"), 40);
	cr_expect_eq(pt_signal_from_name("SIG0"), 0);
	cr_expect_eq(pt_signal_from_name("40"), 40);
	cr_expect_eq(pt_signal_from_name("SIGFOO"), -1);
	cr_expect_eq(pt_signal_from_name("SIG"), -1);
	cr_expect_eq(pt_signal_from_name(""), -1);
	cr_expect_eq(pt_signal_from_name(NULL), -1);
	cr_expect_eq(pt_signal_from_name("-9"), -1);
	cr_expect_eq(pt_signal_from_name("9x"), -1);
	cr_expect_eq(pt_signal_from_name("SIG99999999999999"), -1);
	cr_expect_eq(pt_signal_from_name("KILLX"), -1);
	cr_expect_eq(pt_signal_from_name("40x"), -1);
}

Test(signals, small_buffer)
{
	char buf[8];

	memset(buf, 'Z', sizeof buf);
	const char *n = pt_signal_name(40, buf, 4);
	cr_expect_eq(n, buf);
	cr_expect_str_eq(buf, "SIG");
	cr_expect_eq(buf[4], 'Z', "wrote past len");
	cr_expect_not_null(pt_signal_name(40, NULL, 0));
	cr_expect_not_null(pt_signal_name(40, buf, 0));
	cr_expect_eq(buf[0], 'S');   /* len 0: untouched */
}

/* ---- errno ---- */

Test(errnos, round_trip)
{
	int n = 0;
#define ERRNO(name)                                                          \
	do {                                                                 \
		cr_expect_str_eq(pt_errno_name(name), #name);                \
		cr_expect_eq(pt_errno_from_name(#name), name, "%s", #name);  \
		n++;                                                         \
	} while (0);
#include "errno.def"
#undef ERRNO
	cr_expect_gt(n, 100);
	cr_expect_str_eq(pt_errno_name(ENOENT), "ENOENT");
	cr_expect_str_eq(pt_errno_name(512), "ERESTARTSYS");
	cr_expect_eq(pt_errno_from_name("ERESTARTSYS"), 512);
	cr_expect_eq(pt_errno_from_name("EWOULDBLOCK"), EAGAIN);
	cr_expect_eq(pt_errno_from_name("enoent"), ENOENT);
	cr_expect_null(pt_errno_name(0));
	cr_expect_null(pt_errno_name(-ENOENT));
	cr_expect_null(pt_errno_name(4095));
	cr_expect_eq(pt_errno_from_name("ENOSUCH"), -1);
	cr_expect_eq(pt_errno_from_name(""), -1);
	cr_expect_eq(pt_errno_from_name(NULL), -1);
}

/* ---- flags ---- */

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s;
}

static void clone_round_trip(uint64_t v)
{
	char buf[512];
	uint64_t back = ~v;

	pt_clone_flags_str(v, buf, sizeof buf);
	cr_assert_eq(pt_clone_flags_parse(buf, &back), 0, "%#llx -> \"%s\" does not parse",
		     (unsigned long long)v, buf);
	cr_expect_eq(back, v, "%#llx -> \"%s\" -> %#llx", (unsigned long long)v, buf,
		     (unsigned long long)back);
}

Test(flags, clone_str)
{
	char buf[512];

	cr_expect_str_eq(pt_clone_flags_str(0, buf, sizeof buf), "0");
	cr_expect_str_eq(pt_clone_flags_str(SIGCHLD, buf, sizeof buf), "SIGCHLD");
	cr_expect_str_eq(pt_clone_flags_str(CLONE_VM | CLONE_FS | SIGCHLD, buf, sizeof buf),
			 "CLONE_VM|CLONE_FS|SIGCHLD");
	cr_expect_str_eq(pt_clone_flags_str(CLONE_VM | CLONE_VFORK | SIGCHLD, buf, sizeof buf),
			 "CLONE_VM|CLONE_VFORK|SIGCHLD");
	/* glibc's pthread_create */
	cr_expect_str_eq(pt_clone_flags_str(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
					    CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
					    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, buf, sizeof buf),
			 "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
			 "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
	cr_expect_str_eq(pt_clone_flags_str(CLONE_VM | (1ull << 40) | (1ull << 33), buf, sizeof buf),
			 "CLONE_VM|0x10200000000");
	cr_expect_str_eq(pt_clone_flags_str((1ull << 40) | SIGUSR1, buf, sizeof buf),
			 "0x10000000000|SIGUSR1");
	cr_expect_str_eq(pt_clone_flags_str(CLONE_THREAD | 40, buf, sizeof buf),
			 "CLONE_THREAD|SIGRT_8");
	cr_expect_str_eq(pt_clone_flags_str(CLONE_NEWPID | 0x80, buf, sizeof buf),
			 "CLONE_NEWPID|SIG128");
}

/* clone3: 64-bit flags, no signal byte; its own bits by name. */
Test(flags, clone3_str)
{
	char buf[256];
	uint64_t back;
	cr_expect_str_eq(pt_clone3_flags_str(0x100000000ull, buf, sizeof buf), "CLONE_CLEAR_SIGHAND");
	cr_expect_str_eq(pt_clone3_flags_str(0x200000000ull | CLONE_VM, buf, sizeof buf), "CLONE_VM|CLONE_INTO_CGROUP");
	cr_expect_str_eq(pt_clone3_flags_str(0x80 | CLONE_NEWPID, buf, sizeof buf), "CLONE_NEWPID|CLONE_NEWTIME");
	cr_expect_str_eq(pt_clone3_flags_str(0x300000080ull | (1ull << 40), buf, sizeof buf),
			 "CLONE_NEWTIME|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP|0x10000000000");
	cr_expect_str_eq(pt_clone3_flags_str(0, buf, sizeof buf), "0");
	cr_assert_eq(pt_clone_flags_parse("CLONE_NEWTIME|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP", &back), 0);
	cr_expect_eq(back, 0x300000080ull);
	/* a spawn event picks the form by its syscall */
	struct pt_ev_spawn sp = { .syscall = (int)pt_syscall_nr(PT_ARCH_X86_64, "clone3"), .arch = PT_ARCH_X86_64,
				  .flags = 0x200000080ull };
	cr_expect_str_eq(pt_spawn_flags_str(&sp, buf, sizeof buf), "CLONE_NEWTIME|CLONE_INTO_CGROUP");
	sp.syscall = (int)pt_syscall_nr(PT_ARCH_X86_64, "clone");
	sp.flags = CLONE_VM | SIGCHLD;
	cr_expect_str_eq(pt_spawn_flags_str(&sp, buf, sizeof buf), "CLONE_VM|SIGCHLD");
}

Test(flags, clone_round_trip)
{
	uint64_t s = 42;

	clone_round_trip(0);
	clone_round_trip(SIGCHLD);
	for (int b = 0; b < 64; b++)
		clone_round_trip(1ull << b);
	for (int sig = 1; sig < 256; sig++)
		clone_round_trip(CLONE_VM | (uint64_t)sig);
	for (int i = 0; i < 2000; i++)
		clone_round_trip(lcg(&s));
	clone_round_trip(UINT64_MAX);
}

Test(flags, clone_parse_errors)
{
	uint64_t v = 7;

	cr_expect_eq(pt_clone_flags_parse("CLONE_BOGUS", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("CLONE_VM|CLONE_BOGUS", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("CLONE_VM|", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("|CLONE_VM", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("CLONE_VM||CLONE_FS", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("SIGCHLD|SIGKILL", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("SIG300", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("SIGNOPE", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("0xfffffffffffffffff", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("0xg", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("0x", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse("12", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse(" CLONE_VM", &v), -EINVAL);
	cr_expect_eq(pt_clone_flags_parse(NULL, &v), -EINVAL);
	cr_expect_eq(v, 7, "out must not change on error");
	cr_expect_eq(pt_clone_flags_parse("CLONE_VM|SIGCHLD", &v), 0);
	cr_expect_eq(v, CLONE_VM | SIGCHLD);
	cr_expect_eq(pt_clone_flags_parse("0", &v), 0);
	cr_expect_eq(v, 0);
}

static void wait_round_trip(int v)
{
	char buf[256];
	int back = ~v;

	pt_wait_options_str(v, buf, sizeof buf);
	cr_assert_eq(pt_wait_options_parse(buf, &back), 0, "%#x -> \"%s\" does not parse", (unsigned)v, buf);
	cr_expect_eq(back, v, "%#x -> \"%s\" -> %#x", (unsigned)v, buf, (unsigned)back);
}

Test(flags, wait_options)
{
	char buf[256];
	int v = 5;
	uint64_t s = 7;

	cr_expect_str_eq(pt_wait_options_str(0, buf, sizeof buf), "0");
	cr_expect_str_eq(pt_wait_options_str(WNOHANG | __WALL, buf, sizeof buf), "WNOHANG|__WALL");
	cr_expect_str_eq(pt_wait_options_str(WSTOPPED, buf, sizeof buf), "WUNTRACED");
	cr_expect_str_eq(pt_wait_options_str(WEXITED | WNOWAIT, buf, sizeof buf), "WEXITED|WNOWAIT");
	cr_expect_str_eq(pt_wait_options_str((int)__WCLONE, buf, sizeof buf), "__WCLONE");
	cr_expect_str_eq(pt_wait_options_str(WNOHANG | 0x100, buf, sizeof buf), "WNOHANG|0x100");
	cr_expect_str_eq(pt_wait_options_str(0x100, buf, sizeof buf), "0x100");
	cr_expect_eq(pt_wait_options_parse("WSTOPPED", &v), 0);
	cr_expect_eq(v, WUNTRACED);
	for (int b = 0; b < 32; b++)
		wait_round_trip((int)(1u << b));
	for (int i = 0; i < 2000; i++)
		wait_round_trip((int)(uint32_t)lcg(&s));
	wait_round_trip(-1);
	wait_round_trip(0);
	v = 5;
	cr_expect_eq(pt_wait_options_parse("WNOHANG|WBOGUS", &v), -EINVAL);
	cr_expect_eq(pt_wait_options_parse("", &v), -EINVAL);
	cr_expect_eq(pt_wait_options_parse("WNOHANG|", &v), -EINVAL);
	cr_expect_eq(pt_wait_options_parse("0x100000000", &v), -EINVAL);
	cr_expect_eq(pt_wait_options_parse("SIGCHLD", &v), -EINVAL);
	cr_expect_eq(v, 5);
}

Test(flags, small_buffers)
{
	char buf[64];
	uint64_t f = CLONE_VM | CLONE_FS | SIGCHLD;

	for (size_t len = 1; len < 32; len++) {
		memset(buf, 'Z', sizeof buf);
		const char *r = pt_clone_flags_str(f, buf, len);
		cr_assert_eq(r, buf);
		cr_expect_lt(strlen(buf), len, "len %zu", len);
		cr_expect_eq(strncmp(buf, "CLONE_VM|CLONE_FS|SIGCHLD", strlen(buf)), 0,
			     "len %zu: \"%s\" is not a prefix", len, buf);
		for (size_t i = len; i < sizeof buf; i++)
			cr_assert_eq(buf[i], 'Z', "len %zu: wrote at %zu", len, i);

		memset(buf, 'Z', sizeof buf);
		pt_wait_options_str(WNOHANG | __WALL | 0x100, buf, len);
		cr_expect_lt(strlen(buf), len);
		cr_expect_eq(strncmp(buf, "WNOHANG|__WALL|0x100", strlen(buf)), 0, "\"%s\"", buf);
		for (size_t i = len; i < sizeof buf; i++)
			cr_assert_eq(buf[i], 'Z', "len %zu: wrote at %zu", len, i);
	}
	memset(buf, 'Z', sizeof buf);
	cr_expect_str_eq(pt_clone_flags_str(f, buf, 0), "");
	cr_expect_str_eq(pt_wait_options_str(1, buf, 0), "");
	cr_expect_eq(buf[0], 'Z');
	cr_expect_str_eq(pt_clone_flags_str(f, NULL, 10), "");
}

/* ---- event.h names ---- */

Test(names, event_kinds)
{
	for (int k = 0; k < PT_EV__COUNT; k++) {
		const char *n = pt_event_kind_name(k);

		cr_assert_not_null(n);
		cr_expect_eq(pt_event_kind_from_name(n), k, "%s", n);
	}
	cr_expect_str_eq(pt_event_kind_name(PT_EV_EXEC_FAILED), "exec_failed");
	cr_expect_str_eq(pt_event_kind_name(PT_EV_SPAWN), "spawn");
	cr_expect_eq(pt_event_kind_from_name("EXEC"), -1);
	cr_expect_eq(pt_event_kind_from_name("nope"), -1);
	cr_expect_eq(pt_event_kind_from_name(NULL), -1);
	cr_expect_not_null(pt_event_kind_name(PT_EV__COUNT));
}

Test(names, spawn_and_exit)
{
	static const char *const spawn[] = { "fork", "vfork", "clone", "thread" };
	static const char *const how[] = { "exit_group", "exit", "signal", "by_other" };

	cr_assert_eq(NROWS(spawn), PT_SPAWN__COUNT);
	cr_assert_eq(NROWS(how), PT_EXIT__COUNT);
	for (unsigned i = 0; i < PT_SPAWN__COUNT; i++) {
		cr_expect_str_eq(pt_spawn_kind_name(i), spawn[i]);
		cr_expect_eq(pt_spawn_kind_from_name(spawn[i]), (int)i);
	}
	for (unsigned i = 0; i < PT_EXIT__COUNT; i++) {
		cr_expect_str_eq(pt_exit_how_name(i), how[i]);
		cr_expect_eq(pt_exit_how_from_name(how[i]), (int)i);
	}
	cr_expect_eq(pt_spawn_kind_from_name("spawn"), -1);
	cr_expect_eq(pt_exit_how_from_name("killed"), -1);
	cr_expect_not_null(pt_spawn_kind_name(99));
	cr_expect_not_null(pt_exit_how_name(99));
}

/* ---- wait statuses ---- */

static void raw_round_trip(int raw)
{
	struct pt_wstatus st = pt_wstatus_from_raw(raw);

	cr_expect_eq(pt_wstatus_to_raw(st), raw, "raw %#x -> kind %d code %d core %d -> %#x",
		     (unsigned)raw, st.kind, st.code, st.core, (unsigned)pt_wstatus_to_raw(st));
}

Test(wstatus, built)
{
	struct pt_wstatus st;

	st = pt_wstatus_from_raw(W_EXITCODE(3, 0));
	cr_expect_eq(st.kind, PT_WS_EXITED);
	cr_expect_eq(st.code, 3);
	cr_expect_eq(pt_wstatus_shell_code(st), 3);

	st = pt_wstatus_from_raw(W_EXITCODE(0, SIGKILL));
	cr_expect_eq(st.kind, PT_WS_SIGNALED);
	cr_expect_eq(st.code, SIGKILL);
	cr_expect_not(st.core);
	cr_expect_eq(pt_wstatus_shell_code(st), 137);

	st = pt_wstatus_from_raw(W_EXITCODE(0, SIGSEGV) | WCOREFLAG);
	cr_expect_eq(st.kind, PT_WS_SIGNALED);
	cr_expect_eq(st.code, SIGSEGV);
	cr_expect(st.core);

	st = pt_wstatus_from_raw(W_STOPCODE(SIGSTOP));
	cr_expect_eq(st.kind, PT_WS_STOPPED);
	cr_expect_eq(st.code, SIGSTOP);
	cr_expect_eq(pt_wstatus_shell_code(st), 128 + SIGSTOP);

	st = pt_wstatus_from_raw(__W_CONTINUED);
	cr_expect_eq(st.kind, PT_WS_CONTINUED);
	cr_expect_eq(pt_wstatus_shell_code(st), 0);

	for (int code = 0; code < 256; code++)
		raw_round_trip(W_EXITCODE(code, 0));
	for (int sig = 1; sig < 0x7f; sig++) {
		raw_round_trip(W_EXITCODE(0, sig));
		raw_round_trip(W_EXITCODE(0, sig) | WCOREFLAG);
	}
	for (int sig = 1; sig < 256; sig++)
		raw_round_trip(W_STOPCODE(sig));
	raw_round_trip(__W_CONTINUED);

	struct pt_wstatus none = { PT_WS_NONE, false, 0 };
	cr_expect_eq(pt_wstatus_from_raw(pt_wstatus_to_raw(none)).kind, PT_WS_NONE);
	cr_expect_eq(pt_wstatus_shell_code(none), 0);
}

static int wait_child(pid_t pid, int options)
{
	int raw;

	cr_assert_eq(waitpid(pid, &raw, options), pid);
	return raw;
}

Test(wstatus, real_children)
{
	struct pt_wstatus st;
	pid_t pid;
	int raw;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(3);
	raw = wait_child(pid, 0);
	st = pt_wstatus_from_raw(raw);
	cr_expect_eq(st.kind, PT_WS_EXITED);
	cr_expect_eq(st.code, 3);
	cr_expect_eq(pt_wstatus_to_raw(st), raw);
	cr_expect_eq(pt_wstatus_shell_code(st), 3);

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	cr_assert_eq(kill(pid, SIGSTOP), 0);
	raw = wait_child(pid, WUNTRACED);
	st = pt_wstatus_from_raw(raw);
	cr_expect_eq(st.kind, PT_WS_STOPPED);
	cr_expect_eq(st.code, SIGSTOP);
	cr_expect_eq(pt_wstatus_to_raw(st), raw);

	cr_assert_eq(kill(pid, SIGCONT), 0);
	raw = wait_child(pid, WCONTINUED);
	st = pt_wstatus_from_raw(raw);
	cr_expect_eq(st.kind, PT_WS_CONTINUED);
	cr_expect_eq(pt_wstatus_to_raw(st), raw);

	cr_assert_eq(kill(pid, SIGKILL), 0);
	raw = wait_child(pid, 0);
	st = pt_wstatus_from_raw(raw);
	cr_expect_eq(st.kind, PT_WS_SIGNALED);
	cr_expect_eq(st.code, SIGKILL);
	cr_expect_not(st.core);
	cr_expect_eq(pt_wstatus_to_raw(st), raw);
	cr_expect_eq(pt_wstatus_shell_code(st), 128 + SIGKILL);
}
