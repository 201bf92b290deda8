/* pt_unwind_*: stacks of children this test traces itself, without the
 * tracer loop.
 *
 *   - a child of ours stopped in a known chain of noinline functions, on a
 *     second thread (a complete stack, down to clone3) and on its main
 *     thread: names in order, their start addresses (the child is a fork:
 *     same addresses as ours), modules and module offsets against our own
 *     maps, one address space for both threads;
 *   - through a signal handler and the signal trampoline;
 *   - the depth limit, a crafted frame loop, 32-bit compat mode, a dead pid
 *     and a pid that is not in a ptrace-stop of ours;
 *   - the tracees spawn_worker and exit_paths under a minimal ptrace loop
 *     (PTRACE_O_TRACEFORK/EXEC/EXIT): the stacks the tool reports at a spawn
 *     and at an exit, independent of how the tool itself is wired. */
#include <criterion/criterion.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt/arena.h"
#include "pt/procfs.h"
#include "textfmt.h"
#include "unwind.h"

#ifndef PT_TRACEES
#define PT_TRACEES "."
#endif

#if defined(__GNUC__) && !defined(__clang__)
#define KEEP_FRAME __attribute__((noinline, noipa))
#else
#define KEEP_FRAME __attribute__((noinline))
#endif

static struct pt_arena arena;
static struct pt_unwinder *unw;
static char *dump_buf;

static void setup(void)
{
	pt_arena_init(&arena);
}

static void teardown(void)
{
	pt_unwind_destroy(unw);
	unw = NULL;
	pt_arena_free(&arena);
	free(dump_buf);
	dump_buf = NULL;
}

TestSuite(unwind, .init = setup, .fini = teardown);

/* The stack as the text sink prints it, for failure messages. */
static const char *dump(const struct pt_stack *st)
{
	size_t len = 0;
	free(dump_buf);
	dump_buf = NULL;
	FILE *f = open_memstream(&dump_buf, &len);
	if (!f)
		return "(no memory)";
	if (st) {
		fprintf(f, "%zu frames\n", st->n);
		pt_textfmt_stack(f, st);
	} else {
		fputs("(NULL stack)\n", f);
	}
	fclose(f);
	return dump_buf;
}

/* PT_TEST_SHOW_STACKS=1: print the stacks of the tracee tests (the real
 * output quoted in docs/stacks.md). */
static void show(const char *what, const struct pt_stack *st)
{
	if (getenv("PT_TEST_SHOW_STACKS"))
		fprintf(stderr, "%s: %s", what, dump(st));
}

static long find_func(const struct pt_stack *st, const char *name, size_t from)
{
	for (size_t i = from; i < st->n; i++)
		if (st->frames[i].func && !strcmp(st->frames[i].func, name))
			return (long)i;
	return -1;
}

/* ---- a child stopped in a known chain ---- */

static volatile int g_sink;

KEEP_FRAME void ut_level3(void)
{
	raise(SIGSTOP);
	g_sink++;
}

KEEP_FRAME void ut_level2(void)
{
	ut_level3();
	g_sink++;
}

KEEP_FRAME void ut_level1(void)
{
	ut_level2();
	g_sink++;
}

/* Forks a child that asks to be traced and runs body, which must stop it
 * with a signal; returns it in that signal-delivery-stop, *sig = the
 * signal.  KEEP_FRAME: chain_on_main_thread looks for this frame. */
KEEP_FRAME static pid_t start_child(void (*body)(void), int *sig)
{
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* never outlive the test (a failed assertion ends it early) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(90);
		body();
		_exit(0);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid, "waitpid: %s", strerror(errno));
	cr_assert(WIFSTOPPED(st), "child not stopped: status 0x%x", st);
	*sig = WSTOPSIG(st);
	return pid;
}

/* The leader of a traced multi-threaded child is only reported once its
 * traced threads have been reaped too, hence __WALL and any pid. */
static void end_child(pid_t pid)
{
	pid_t w;
	kill(pid, SIGKILL);
	while ((w = waitpid(-1, NULL, __WALL)) > 0 && w != pid)
		;
}

static pid_t start_chain(void)
{
	int sig;
	pid_t pid = start_child(ut_level1, &sig);
	cr_assert_eq(sig, SIGSTOP, "stopped by %d", sig);
	return pid;
}

/* The same chain on a second thread: below ut_level1 is then only our
 * thread function, glibc's start_thread and clone3, whose CFI marks the
 * outermost frame, so the stack must end cleanly.  (The main thread's
 * stack runs through Criterion's runner, whatever that does.)
 *
 * The child stops itself (TRACEME + SIGSTOP), we trace its clones, and
 * return the thread in the signal-delivery-stop of its raise(SIGSTOP). */
KEEP_FRAME static void *chain_thread(void *arg)
{
	ut_level1();
	return arg;
}

/* KEEP_FRAME, and no tail call to pthread_join: chain_in_order looks for
 * this frame below the main thread's pthread_join (at -O3 it was inlined
 * into start_child, and its call to pthread_join could be a jump). */
KEEP_FRAME static void chain_thread_body(void)
{
	pthread_t th;
	raise(SIGSTOP);
	if (pthread_create(&th, NULL, chain_thread, NULL) != 0)
		_exit(94);
	pthread_join(th, NULL);
	g_sink++;
}

static pid_t start_thread_chain(pid_t *tid)
{
	int sig, st;
	pid_t pid = start_child(chain_thread_body, &sig);
	cr_assert_eq(sig, SIGSTOP);
	cr_assert_eq(ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL)), 0);
	cr_assert_eq(ptrace(PTRACE_CONT, pid, NULL, NULL), 0);
	pid_t thread = 0;
	int thread_stops = 0;
	for (;;) {
		pid_t w = waitpid(-1, &st, __WALL);
		cr_assert(w > 0, "waitpid: %s", strerror(errno));
		cr_assert(WIFSTOPPED(st), "task %d ended: status 0x%x", (int)w, st);
		/* the only other task is the thread: its 1st stop is the
		 * attach stop (it may come before or after the clone event),
		 * its 2nd the raise */
		if (w != pid) {
			thread = w;
			if (++thread_stops == 2) {
				cr_assert_eq(WSTOPSIG(st), SIGSTOP, "thread stopped by %d", WSTOPSIG(st));
				break;
			}
		}
		ptrace(PTRACE_CONT, w, NULL, NULL);
	}
	*tid = thread;
	return pid;
}

/* The mapping of our own process holding addr (the child is a fork). */
static struct pt_map own_map(uint64_t addr)
{
	struct pt_maps m;
	cr_assert_eq(pt_procfs_read_maps(getpid(), &arena, &m), 0);
	for (size_t i = 0; i < m.n; i++)
		if (addr >= m.v[i].start && addr < m.v[i].end)
			return m.v[i];
	cr_assert_fail("0x%" PRIx64 " not in our maps", addr);
	return m.v[0];
}

Test(unwind, chain_in_order)
{
	pid_t tid;
	pid_t pid = start_thread_chain(&tid);
	cr_assert_neq(tid, pid);
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	const struct pt_stack *st = pt_unwind_capture(unw, tid, pid, &arena);
	cr_assert_not_null(st);
	show("chain on a thread", st);
	long i3 = find_func(st, "ut_level3", 0);
	long i2 = find_func(st, "ut_level2", 0);
	long i1 = find_func(st, "ut_level1", 0);
	long it = find_func(st, "chain_thread", 0);
	cr_assert(i3 >= 1 && i2 == i3 + 1 && i1 == i2 + 1 && it == i1 + 1,
		  "expected [libc raise frames], ut_level3, ut_level2, ut_level1, chain_thread:\n%s", dump(st));
	/* raise() and below: the innermost frames are libc's, and so are the
	 * outermost (start_thread, clone3) */
	for (long i = 0; i < i3; i++)
		cr_assert(st->frames[i].module && strstr(st->frames[i].module, "libc"), "%s", dump(st));
	cr_assert((size_t)it + 1 < st->n, "%s", dump(st));
	for (size_t i = (size_t)it + 1; i < st->n; i++)
		cr_assert(st->frames[i].module && strstr(st->frames[i].module, "libc"), "%s", dump(st));
	/* a clean end: clone3's CFI says "outermost" */
	cr_assert_null(st->error, "unexpected unwind_error '%s':\n%s", st->error, dump(st));

	/* func + off: the child is our fork, so its functions are where ours are */
	const void *fn[3] = {(const void *)ut_level3, (const void *)ut_level2, (const void *)ut_level1};
	for (int k = 0; k < 3; k++) {
		const struct pt_frame *fr = &st->frames[i3 + k];
		cr_assert_eq(fr->ip - fr->off, (uint64_t)(uintptr_t)fn[k], "frame %ld: ip 0x%" PRIx64 " off 0x%" PRIx64
			     " vs %p\n%s", i3 + k, fr->ip, fr->off, fn[k], dump(st));
		cr_assert(fr->off > 0, "a return address is past the function's start");
	}
	/* module and module_off: our executable, and the file offset of ip */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert(n > 0);
	exe[n] = 0;
	const struct pt_frame *fr = &st->frames[i3];
	cr_assert_not_null(fr->module, "%s", dump(st));
	cr_assert_str_eq(fr->module, exe);
	struct pt_map m = own_map(fr->ip - 1);
	cr_assert_eq(fr->module_off, fr->ip - m.start + m.offset);
	/* one address space for the process, not one per thread */
	cr_assert_eq(pt_unwind_nspaces(unw), 1);
	/* the main thread, stopped in its pthread_join, shares it */
	int ws;
	cr_assert_eq(syscall(SYS_tgkill, pid, pid, SIGSTOP), 0);
	cr_assert_eq(waitpid(pid, &ws, __WALL), pid);
	cr_assert(WIFSTOPPED(ws) && WSTOPSIG(ws) == SIGSTOP, "status 0x%x", ws);
	const struct pt_stack *main_st = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert(main_st && find_func(main_st, "chain_thread_body", 0) > 0, "%s", dump(main_st));
	cr_assert_eq(pt_unwind_nspaces(unw), 1);
	end_child(pid);
}

/* The main thread of a forked child: its stack runs into Criterion's
 * runner; whatever happens there, our frames come first and in order. */
Test(unwind, chain_on_main_thread)
{
	pid_t pid = start_chain();
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	const struct pt_stack *st = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert_not_null(st);
	long i3 = find_func(st, "ut_level3", 0);
	long i2 = find_func(st, "ut_level2", 0);
	long i1 = find_func(st, "ut_level1", 0);
	long is = find_func(st, "start_child", 0);
	cr_assert(i3 >= 1 && i2 == i3 + 1 && i1 == i2 + 1 && is == i1 + 1, "%s", dump(st));
	end_child(pid);
}

Test(unwind, same_process_twice_reuses_its_space)
{
	pid_t pid = start_chain();
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	const struct pt_stack *a = pt_unwind_capture(unw, pid, pid, &arena);
	const struct pt_stack *b = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert(a && b);
	cr_assert_eq(pt_unwind_nspaces(unw), 1);
	cr_assert_eq(a->n, b->n, "first:\n%s", dump(a));
	for (size_t i = 0; i < a->n; i++) {
		cr_assert_eq(a->frames[i].ip, b->frames[i].ip);
		cr_assert_str_eq(a->frames[i].func ? a->frames[i].func : "", b->frames[i].func ? b->frames[i].func : "");
	}
	/* after an invalidation the result is the same, read afresh */
	pt_unwind_invalidate(unw, pid);
	const struct pt_stack *c = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert(c && c->n == a->n, "%s", dump(c));
	pt_unwind_forget(unw, pid);
	cr_assert_eq(pt_unwind_nspaces(unw), 0);
	pt_unwind_forget(unw, pid);      /* unknown: no-op */
	pt_unwind_invalidate(unw, pid);  /* unknown: no-op */
	end_child(pid);
}

Test(unwind, depth_limit)
{
	pid_t pid = start_chain();
	unw = pt_unwind_new(3);
	cr_assert_not_null(unw);
	const struct pt_stack *st = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert_not_null(st);
	cr_assert_eq(st->n, 3, "%s", dump(st));
	cr_assert_str_eq(st->error ? st->error : "(null)", "depth limit 3 reached", "%s", dump(st));

	/* the default is 32 */
	struct pt_unwinder *u32 = pt_unwind_new(0);
	cr_assert_not_null(u32);
	const struct pt_stack *full = pt_unwind_capture(u32, pid, pid, &arena);
	pt_unwind_destroy(u32);
	cr_assert(full && full->n > 3 && full->n <= PT_UNWIND_DEFAULT_DEPTH, "%s", dump(full));
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(st->frames[i].ip, full->frames[i].ip);

	errno = 0;
	cr_assert_null(pt_unwind_new(PT_UNWIND_MAX_DEPTH + 1));
	cr_assert_eq(errno, EINVAL);
	end_child(pid);
}

Test(unwind, dead_pid)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	const struct pt_stack *st = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert_not_null(st, "a dead tracee is not an out-of-memory");
	cr_assert_eq(st->n, 0);
	cr_assert_not_null(st->error);
	cr_assert_str_eq(st->error, "tracee not stopped or gone");
}

Test(unwind, not_in_a_ptrace_stop)
{
	/* alive, ours, but not traced: ptrace says ESRCH as for a dead one */
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	const struct pt_stack *st = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert(st && st->n == 0 && st->error, "%s", dump(st));
	end_child(pid);
}

/* ---- through a signal handler ----
 *
 * The handler stops the child; below it: the signal trampoline, then the
 * interrupted ut_spin (its ip is exact), then ut_spin_caller, whose call
 * to the noreturn ut_spin is its last instruction: the return address is
 * past its end, and only ip - 1 finds it. */
static volatile sig_atomic_t g_spin;

__attribute__((noreturn)) KEEP_FRAME void ut_spin(void)
{
	for (;;)
		g_spin++;
}

KEEP_FRAME void ut_spin_caller(void)
{
	ut_spin();
}

KEEP_FRAME void ut_handler(int sig)
{
	(void)sig;
	raise(SIGSTOP);
	g_sink++;
}

KEEP_FRAME void ut_signal_body(void)
{
	struct itimerval it = {.it_value = {.tv_usec = 10000}};
	signal(SIGALRM, ut_handler);
	setitimer(ITIMER_REAL, &it, NULL);
	ut_spin_caller();
}

Test(unwind, through_a_signal_frame)
{
	int sig, st;
	pid_t pid = start_child(ut_signal_body, &sig);
	cr_assert_eq(sig, SIGALRM, "stopped by %d", sig);
	cr_assert_eq(ptrace(PTRACE_CONT, pid, NULL, (void *)(long)SIGALRM), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "status 0x%x", st);
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	const struct pt_stack *st_ = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert_not_null(st_);
	show("through a signal frame", st_);
	long ih = find_func(st_, "ut_handler", 0);
	long is = find_func(st_, "ut_spin", 0);
	long ic = find_func(st_, "ut_spin_caller", 0);
	long ib = find_func(st_, "ut_signal_body", 0);
	/* handler, the trampoline (libc), the interrupted code and its callers */
	cr_assert(ih >= 1 && is == ih + 2 && ic == is + 1 && ib == ic + 1, "%s", dump(st_));
	cr_assert(st_->frames[ih + 1].module && strstr(st_->frames[ih + 1].module, "libc"), "%s", dump(st_));
	end_child(pid);
}

/* ---- a frame loop ----
 *
 * Two functions whose CFI say "CFA = rsp, return address at CFA-8" (a) and
 * "at CFA-16" (b); a stores b's address at rsp-8 and its own resume address
 * at rsp-16, then stops itself.  Unwinding goes a -> b -> a with the same
 * CFA every time.  libunwind only refuses a frame identical to the one just
 * before it, so a -> b -> a is ours to catch. */
__asm__(".text\n"
	".globl ut_loop_a\n"
	".type ut_loop_a, @function\n"
	"ut_loop_a:\n"
	"	.cfi_startproc\n"
	"	.cfi_def_cfa 7, 0\n"          /* rsp */
	"	.cfi_offset 16, -8\n"         /* rip */
	"	lea .Lut_loop_b_ret(%rip), %rax\n"
	"	mov %rax, -8(%rsp)\n"
	"	lea .Lut_loop_a_stop(%rip), %rax\n"
	"	mov %rax, -16(%rsp)\n"
	"	mov $39, %eax\n"              /* getpid */
	"	syscall\n"
	"	mov %eax, %edi\n"
	"	mov $19, %esi\n"              /* SIGSTOP */
	"	mov $62, %eax\n"              /* kill */
	"	syscall\n"
	".Lut_loop_a_stop:\n"
	"	jmp .Lut_loop_a_stop\n"
	"	.cfi_endproc\n"
	".size ut_loop_a, .-ut_loop_a\n"
	".globl ut_loop_b\n"
	".type ut_loop_b, @function\n"
	"ut_loop_b:\n"
	"	.cfi_startproc\n"
	"	.cfi_def_cfa 7, 0\n"
	"	.cfi_offset 16, -16\n"
	"	nop\n"
	".Lut_loop_b_ret:\n"
	"	nop\n"
	"	ret\n"
	"	.cfi_endproc\n"
	".size ut_loop_b, .-ut_loop_b\n");
void ut_loop_a(void);

Test(unwind, frame_loop_is_cut)
{
	int sig;
	pid_t pid = start_child(ut_loop_a, &sig);
	cr_assert_eq(sig, SIGSTOP);
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	const struct pt_stack *st = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert_not_null(st);
	cr_assert_str_eq(st->error ? st->error : "(null)", "frame loop (same ip and sp twice)", "%s", dump(st));
	cr_assert_eq(st->n, 2, "%s", dump(st));
	cr_assert_str_eq(st->frames[0].func ? st->frames[0].func : "", "ut_loop_a", "%s", dump(st));
	cr_assert_str_eq(st->frames[1].func ? st->frames[1].func : "", "ut_loop_b", "%s", dump(st));
	end_child(pid);
}

/* ---- 32-bit code ----
 *
 * No i386 toolchain needed: a 64-bit child far-returns into the 32-bit
 * user code segment (0x23) and hits an int3 there.  Code and stack must be
 * below 4 GiB (eip and esp are 32-bit). */
static void compat32_body(void)
{
	unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	unsigned char *stack = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (code == MAP_FAILED || stack == MAP_FAILED)
		_exit(91);
	static const unsigned char prog[] = {0xcc, 0xeb, 0xfe};   /* int3; jmp . */
	memcpy(code, prog, sizeof(prog));
	uint64_t sp = (uint64_t)(uintptr_t)(stack + 4096 - 16);
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "pushq $0x23\n\t"
			 "pushq %1\n\t"
			 "lretq\n\t"
			 :
			 : "r"(sp), "r"((uint64_t)(uintptr_t)code)
			 : "memory");
	__builtin_unreachable();
}

Test(unwind, compat_mode_32bit)
{
	int sig;
	pid_t pid = start_child(compat32_body, &sig);
	if (sig != SIGTRAP) {
		/* a kernel without IA32 emulation has no usable 0x23 segment */
		end_child(pid);
		cr_skip_test("no 32-bit code segment on this kernel (child stopped by signal %d)", sig);
	}
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	const struct pt_stack *st = pt_unwind_capture(unw, pid, pid, &arena);
	cr_assert(st && st->n == 0, "%s", dump(st));
	cr_assert_str_eq(st->error ? st->error : "(null)", "32-bit tracee not supported");
	end_child(pid);
}

/* ---- tracees under a minimal ptrace loop ---- */

struct mini {
	pid_t root;
	int root_status;
	const struct pt_stack *spawn_stack;  /* root's first fork event */
	const struct pt_stack *clone_stack;  /* root's first clone event (a thread) */
	const struct pt_stack *exec_stack;   /* after the exec event (entry of the new image) */
	const struct pt_stack *exit_stack;   /* root's exit event */
	char out[256];                       /* the root's stdout */
	size_t out_len;
};

/* Runs PT_TRACEES/name arg under PTRACE_O_TRACEFORK|CLONE|EXEC|EXIT, capturing
 * the stacks the tool reports, invalidating at exec as the tool does. */
static void run_mini(struct mini *m, const char *name, const char *arg)
{
	char path[PATH_MAX];
	int pfd[2];
	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "%s/%s", PT_TRACEES, name);
	cr_assert_eq(pipe(pfd), 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(90);
		raise(SIGSTOP);
		execl(path, name, arg, (char *)NULL);
		_exit(91);
	}
	close(pfd[1]);
	m->root = pid;
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	cr_assert_eq(ptrace(PTRACE_SETOPTIONS, pid, NULL,
			    (void *)(long)(PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
					   PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)), 0);
	cr_assert_eq(ptrace(PTRACE_CONT, pid, NULL, NULL), 0);
	unw = pt_unwind_new(0);
	cr_assert_not_null(unw);
	for (;;) {
		pid_t w = waitpid(-1, &st, __WALL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;          /* ECHILD: everyone is gone */
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (w == pid)
				m->root_status = st;
			pt_unwind_forget(unw, w);
			continue;
		}
		int sig = WSTOPSIG(st), ev = st >> 16, inject = 0;
		if (sig == SIGTRAP && ev == PTRACE_EVENT_FORK && w == pid && !m->spawn_stack) {
			m->spawn_stack = pt_unwind_capture(unw, w, w, &arena);
		} else if (sig == SIGTRAP && ev == PTRACE_EVENT_CLONE && w == pid && !m->clone_stack) {
			m->clone_stack = pt_unwind_capture(unw, w, w, &arena);
		} else if (sig == SIGTRAP && ev == PTRACE_EVENT_EXEC) {
			pt_unwind_invalidate(unw, w);
			if (w == pid)
				m->exec_stack = pt_unwind_capture(unw, w, w, &arena);
		} else if (sig == SIGTRAP && ev == PTRACE_EVENT_EXIT) {
			if (w == pid)
				m->exit_stack = pt_unwind_capture(unw, w, w, &arena);
		} else if (ev == 0 && sig != SIGSTOP && sig != SIGTRAP) {
			inject = sig;   /* a signal-delivery-stop: pass it on */
		}
		ptrace(PTRACE_CONT, w, NULL, (void *)(long)inject);
	}
	ssize_t n;
	while (m->out_len < sizeof(m->out) - 1 &&
	       (n = read(pfd[0], m->out + m->out_len, sizeof(m->out) - 1 - m->out_len)) > 0)
		m->out_len += (size_t)n;
	m->out[m->out_len] = 0;
	close(pfd[0]);
}

Test(unwind, spawn_worker_fork_stack)
{
	struct mini m;
	run_mini(&m, "spawn_worker", NULL);
	cr_assert(WIFEXITED(m.root_status) && WEXITSTATUS(m.root_status) == 0, "status 0x%x", m.root_status);
	const struct pt_stack *st = m.spawn_stack;
	cr_assert_not_null(st, "no fork event stack");
	show("spawn_worker, at PTRACE_EVENT_FORK", st);
	show("spawn_worker, at PTRACE_EVENT_EXEC", m.exec_stack);
	long iw = find_func(st, "spawn_worker", 0);
	long im = find_func(st, "main", 0);
	cr_assert(iw >= 1 && im == iw + 1, "expected [libc fork frames], spawn_worker, main:\n%s", dump(st));
	for (long i = 0; i < iw; i++)
		cr_assert(st->frames[i].module && strstr(st->frames[i].module, "libc"),
			  "frames before spawn_worker should be libc's:\n%s", dump(st));
	cr_assert_null(st->error, "%s", dump(st));
	/* right after exec: the dynamic loader's entry, in ld.so */
	cr_assert(m.exec_stack && m.exec_stack->n >= 1, "%s", dump(m.exec_stack));
	cr_assert(m.exec_stack->frames[0].module && strstr(m.exec_stack->frames[0].module, "ld-linux"),
		  "%s", dump(m.exec_stack));
	cr_assert_eq(pt_unwind_nspaces(unw), 0, "every process was forgotten at its death");
}

/* pthread_create stops at PTRACE_EVENT_CLONE right after glibc's clone3
 * syscall, in code its unwind info leaves out: the unwind must still get
 * through (src/tracer/unwind.c: leaf_return). */
Test(unwind, thread_spawn_from_clone3)
{
	struct mini m;
	run_mini(&m, "thread_exit_group", NULL);
	cr_assert(WIFEXITED(m.root_status) && WEXITSTATUS(m.root_status) == 4, "status 0x%x", m.root_status);
	const struct pt_stack *st = m.clone_stack;
	cr_assert_not_null(st, "no clone event stack");
	show("thread_exit_group, at PTRACE_EVENT_CLONE", st);
	long ip = find_func(st, "pthread_create", 0);
	long im = find_func(st, "main", 0);
	cr_assert(ip >= 1 && im == ip + 1, "expected [libc clone frames], pthread_create, main:\n%s", dump(st));
	for (long i = 0; i < ip; i++)
		cr_assert(st->frames[i].module && strstr(st->frames[i].module, "libc"), "%s", dump(st));
	cr_assert_null(st->error, "%s", dump(st));
}

/* "exit" in libc's path out, between leave and _exit: exit ->
 * __run_exit_handlers -> _exit.  (__run_exit_handlers is not in libc's
 * .dynsym: without debug symbols its frame has no name.) */
static void check_exit(const char *how, bool via_libc_exit)
{
	struct mini m;
	run_mini(&m, "exit_paths", how);
	cr_assert(WIFEXITED(m.root_status) && WEXITSTATUS(m.root_status) == 3, "status 0x%x", m.root_status);
	const struct pt_stack *st = m.exit_stack;
	cr_assert_not_null(st, "no exit event stack");
	show(via_libc_exit ? "exit_paths exit, at PTRACE_EVENT_EXIT" : "exit_paths _exit, at PTRACE_EVENT_EXIT", st);
	cr_assert_null(st->error, "%s", dump(st));
	cr_assert_str_eq(st->frames[0].func ? st->frames[0].func : "", "_exit", "%s", dump(st));
	long il = find_func(st, "leave", 0);
	long im = find_func(st, "main", 0);
	cr_assert(il >= 1 && im == il + 1, "%s", dump(st));
	long ie = find_func(st, "exit", 0);
	long ir = find_func(st, "__run_exit_handlers", 0);
	if (via_libc_exit) {
		cr_assert(ie > 0 && ie < il, "exit() path: 'exit' between _exit and leave:\n%s", dump(st));
		cr_assert_str_eq(m.out, "atexit handler ran\nbuffered by stdio");
	} else {
		cr_assert(ie < 0 && ir < 0 && il == 1, "_exit() path: leave calls _exit directly:\n%s", dump(st));
		cr_assert_str_eq(m.out, "", "_exit() runs no handler and flushes nothing");
	}
}

Test(unwind, exit_stack)
{
	check_exit("exit", true);
}

Test(unwind, underscore_exit_stack)
{
	check_exit("_exit", false);
}
