/* A program with seccomp filters of its own (raw BPF, no libseccomp).  It
 * prints what each call returned, one line per check, and exits with a bit
 * mask of the checks whose result differs from what the kernel gives an
 * untraced program (0: everything behaved as untraced).
 *
 *   own_filter trace      NO_NEW_PRIVS + filter in this process, then the checks
 *   own_filter nonnp      the same without NO_NEW_PRIVS (needs CAP_SYS_ADMIN; exits 77 without)
 *   own_filter child      the filter is installed by a forked child, which runs the checks
 *   own_filter exec       filter (execve allowed), then exec: the filter must survive it
 *   own_filter actions    children whose filters KILL, ALLOW or TRAP execve, or ERRNO wait4
 *   own_filter tsync      a filter installed with SECCOMP_FILTER_FLAG_TSYNC reaches another thread
 *   own_filter notif      SECCOMP_RET_USER_NOTIF answered by a supervisor thread
 *   own_filter i386       TRACE on the i386 getppid, called with int $0x80
 *   own_filter strict     SECCOMP_MODE_STRICT in a child (prints its result; no expectation)
 *   own_filter traceme    a child calls PTRACE_TRACEME (prints its result; no expectation)
 *
 * The filter of the checks: getppid -> TRACE(0x1234), wait4 -> TRACE(0),
 * execve -> TRACE(7), waitid -> ERRNO(EXDEV), execveat -> ERRNO(ETXTBSY).
 * Without a tracer of its own, a TRACE action fails the call with ENOSYS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define I386_GETPPID 64
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1    /* si_code of a SECCOMP_RET_TRAP SIGSYS (asm-generic/siginfo.h) */
#endif

struct rule {
	unsigned arch, nr, action;
};

static const char *self;

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "?";
}

static void say(const char *what, long ret, int err)
{
	if (ret < 0)
		dprintf(1, "%s ret=%ld errno=%s\n", what, ret, errname(err));
	else
		dprintf(1, "%s ret=%ld\n", what, ret);
}

/* 0 or -errno; flags for seccomp(2), listener fd in *fd when asked. */
static long install(const struct rule *r, size_t n, unsigned flags, int nnp)
{
	struct sock_filter f[5 * 8 + 1];
	size_t k = 0;
	if (n > 8)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r[i].arch, 0, 3);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r[i].nr, 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, r[i].action);
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {(unsigned short)k, f};
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	long rc = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	return rc < 0 ? -errno : rc;
}

#define X64 AUDIT_ARCH_X86_64
static const struct rule full[] = {
	{X64, __NR_getppid, SECCOMP_RET_TRACE | 0x1234},
	{X64, __NR_wait4, SECCOMP_RET_TRACE | 0},
	{X64, __NR_execve, SECCOMP_RET_TRACE | 7},
	{X64, __NR_waitid, SECCOMP_RET_ERRNO | EXDEV},
	{X64, __NR_execveat, SECCOMP_RET_ERRNO | ETXTBSY},
};

/* Each check: bit i of the result when the call did not fail as expected. */
static int expect(const char *what, long ret, int err, int want)
{
	say(what, ret, err);
	return !(ret == -1 && err == want);
}

static int checks(int with_execve)
{
	int bad = 0;
	errno = 0;
	long r = syscall(__NR_getppid);
	bad |= expect("getppid", r, errno, ENOSYS) << 0;

	pid_t c = fork();
	if (c == 0)
		_exit(3);
	int st = 0;
	errno = 0;
	r = syscall(__NR_wait4, c, &st, 0, NULL);
	bad |= expect("wait4", r, errno, ENOSYS) << 1;
	siginfo_t si;
	errno = 0;
	r = syscall(__NR_waitid, P_PID, c, &si, WEXITED, NULL);
	bad |= expect("waitid", r, errno, EXDEV) << 2;

	char *const argv[] = {"own_filter", "exec-target", NULL};
	char *const envp[] = {NULL};
	if (with_execve) {
		errno = 0;
		r = syscall(__NR_execve, self, argv, envp);
		bad |= expect("execve", r, errno, ENOSYS) << 3;
	}
	errno = 0;
	r = syscall(__NR_execveat, AT_FDCWD, self, argv, envp, 0);
	bad |= expect("execveat", r, errno, ETXTBSY) << 4;
	return bad;     /* the child stays a zombie: every wait is refused */
}

static int wait_code(pid_t c)
{
	int st;
	if (waitpid(c, &st, 0) != c)
		return 100;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int mode_trace(int nnp)
{
	long rc = install(full, 5, 0, nnp);
	if (rc == -EACCES && !nnp)
		return 77;  /* no CAP_SYS_ADMIN */
	if (rc < 0)
		return 64;
	return checks(1);
}

static int mode_child(void)
{
	pid_t c = fork();
	if (c == 0)
		_exit(install(full, 5, 0, 1) < 0 ? 64 : checks(1));
	return wait_code(c);
}

static int mode_exec(void)
{
	/* execve must pass for the exec itself. */
	struct rule r[5];
	memcpy(r, full, sizeof(r));
	r[2].action = SECCOMP_RET_ALLOW;
	if (install(r, 5, 0, 1) < 0)
		return 64;
	char *const argv[] = {"own_filter", "after-exec", NULL};
	execv(self, argv);
	return 65;
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	_exit(si->si_code == SYS_SECCOMP && si->si_syscall == __NR_execve ? 41 : 40);
}

static int mode_actions(void)
{
	int bad = 0;
	char *const argv[] = {"own_filter", "exit7", NULL};
	/* KILL_PROCESS at execve: the child dies of SIGSYS, nothing is exec'd. */
	pid_t c = fork();
	if (c == 0) {
		struct rule k = {X64, __NR_execve, SECCOMP_RET_KILL_PROCESS};
		if (install(&k, 1, 0, 1) < 0)
			_exit(64);
		execv(self, argv);
		_exit(65);
	}
	int code = wait_code(c);
	dprintf(1, "kill child code=%d\n", code);
	bad |= (code != 128 + SIGSYS) << 0;
	/* ALLOW from its filter: ours still stops there, the exec happens. */
	c = fork();
	if (c == 0) {
		struct rule a = {X64, __NR_execve, SECCOMP_RET_ALLOW};
		if (install(&a, 1, 0, 1) < 0)
			_exit(64);
		execv(self, argv);
		_exit(65);
	}
	code = wait_code(c);
	dprintf(1, "allow child code=%d\n", code);
	bad |= (code != 7) << 1;
	/* TRAP at execve: SIGSYS, whose handler learns which call it was. */
	c = fork();
	if (c == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigsys;
		sa.sa_flags = SA_SIGINFO;
		struct rule t = {X64, __NR_execve, SECCOMP_RET_TRAP};
		if (sigaction(SIGSYS, &sa, NULL) < 0 || install(&t, 1, 0, 1) < 0)
			_exit(64);
		execv(self, argv);
		_exit(65);
	}
	code = wait_code(c);
	dprintf(1, "trap child code=%d\n", code);
	bad |= (code != 41) << 3;
	/* ERRNO at wait4: the grandchild is never reaped by its parent. */
	c = fork();
	if (c == 0) {
		pid_t g = fork();
		if (g == 0)
			_exit(3);
		struct rule e = {X64, __NR_wait4, SECCOMP_RET_ERRNO | EXDEV};
		if (install(&e, 1, 0, 1) < 0)
			_exit(64);
		int st;
		errno = 0;
		long r = syscall(__NR_wait4, g, &st, 0, NULL);
		_exit(expect("errno wait4", r, errno, EXDEV));
	}
	code = wait_code(c);
	bad |= (code != 0) << 2;
	return bad;
}

static int pipefd[2];
static long thread_ret;
static int thread_err;

static void *tsync_thread(void *arg)
{
	char b;
	(void)arg;
	if (read(pipefd[0], &b, 1) != 1)
		return NULL;
	errno = 0;
	thread_ret = syscall(__NR_getppid);
	thread_err = errno;
	return NULL;
}

static int mode_tsync(void)
{
	pthread_t th;
	if (pipe(pipefd) < 0 || pthread_create(&th, NULL, tsync_thread, NULL))
		return 64;
	struct rule r = full[0];
	long rc = install(&r, 1, SECCOMP_FILTER_FLAG_TSYNC, 1);
	if (rc != 0) {
		dprintf(1, "tsync install ret=%ld\n", rc);
		return 64;
	}
	if (write(pipefd[1], "x", 1) != 1 || pthread_join(th, NULL))
		return 64;
	int bad = expect("thread getppid", thread_ret, thread_err, ENOSYS);
	errno = 0;
	long ret = syscall(__NR_getppid);
	bad |= expect("main getppid", ret, errno, ENOSYS) << 1;
	return bad;
}

static int notif_fd = -1;

/* Answers until getppid got 4242 and wait4 was let run for real.  A
 * notification can be withdrawn (SEND fails with ENOENT) when a signal
 * interrupts the blocked call, which then comes again with a new id: under
 * ptrace even an ignored SIGCHLD does that, since a tracee's ignored
 * signals are queued for the tracer to see. */
static void *supervisor(void *arg)
{
	char b;
	bool ppid_done = false, wait_done = false;
	(void)arg;
	if (read(pipefd[0], &b, 1) != 1)
		return NULL;
	while (!ppid_done || !wait_done) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		memset(&req, 0, sizeof(req));
		if (ioctl(notif_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (req.data.nr == __NR_getppid)
			resp.val = 4242;
		else
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(notif_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
			if (errno == ENOENT)
				continue;
			return NULL;
		}
		if (req.data.nr == __NR_getppid)
			ppid_done = true;
		else
			wait_done = true;
	}
	return NULL;
}

static int mode_notif(void)
{
	pthread_t th;
	if (pipe(pipefd) < 0 || pthread_create(&th, NULL, supervisor, NULL))
		return 64;
	/* Only this thread is filtered: the supervisor must not be. */
	struct rule r[] = {
		{X64, __NR_getppid, SECCOMP_RET_USER_NOTIF},
		{X64, __NR_wait4, SECCOMP_RET_USER_NOTIF},
	};
	long fd = install(r, 2, SECCOMP_FILTER_FLAG_NEW_LISTENER, 1);
	if (fd < 0) {
		dprintf(1, "notif install ret=%ld\n", fd);
		return 64;
	}
	notif_fd = (int)fd;
	if (write(pipefd[1], "x", 1) != 1)
		return 64;
	int bad = 0;
	long ret = syscall(__NR_getppid);
	say("notif getppid", ret, errno);
	bad |= (ret != 4242) << 0;
	pid_t c = fork();
	if (c == 0)
		_exit(3);
	int st = 0;
	ret = syscall(__NR_wait4, c, &st, 0, NULL);
	dprintf(1, "notif wait4 %s status=%#x\n", ret == c ? "ret=child" : "ret=other", st);
	bad |= (ret != c || !WIFEXITED(st) || WEXITSTATUS(st) != 3) << 1;
	pthread_join(th, NULL);
	return bad;
}

static long int80(long nr)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static int mode_i386(void)
{
	struct rule r = {AUDIT_ARCH_I386, I386_GETPPID, SECCOMP_RET_TRACE | 0x1234};
	if (install(&r, 1, 0, 1) < 0)
		return 64;
	long ret = int80(I386_GETPPID);
	dprintf(1, "i386 getppid ret=%ld\n", ret);
	return ret != -ENOSYS;
}

static int mode_strict(void)
{
	pid_t c = fork();
	if (c == 0) {
		int rc = prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0);
		const char *m = rc == 0 ? "strict ret=0\n" : errno == EINVAL ? "strict ret=-1 errno=EINVAL\n" : "strict ret=-1\n";
		syscall(__NR_write, 1, m, strlen(m));
		syscall(__NR_exit, rc == 0 ? 0 : 1);     /* strict mode allows exit, not exit_group */
	}
	return wait_code(c);
}

static int mode_traceme(void)
{
	pid_t c = fork();
	if (c == 0) {
		errno = 0;
		long r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		say("traceme", r, errno);
		_exit(r == 0 ? 0 : 1);
	}
	return wait_code(c);
}

int main(int argc, char **argv)
{
	/* /proc/self/exe: the exec checks must name this very binary. */
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n <= 0 || argc < 2)
		return 66;
	path[n] = 0;
	self = path;
	const char *m = argv[1];
	if (!strcmp(m, "trace"))
		return mode_trace(1);
	if (!strcmp(m, "nonnp"))
		return mode_trace(0);
	if (!strcmp(m, "child"))
		return mode_child();
	if (!strcmp(m, "exec"))
		return mode_exec();
	if (!strcmp(m, "after-exec"))
		return checks(0);
	if (!strcmp(m, "actions"))
		return mode_actions();
	if (!strcmp(m, "tsync"))
		return mode_tsync();
	if (!strcmp(m, "notif"))
		return mode_notif();
	if (!strcmp(m, "i386"))
		return mode_i386();
	if (!strcmp(m, "strict"))
		return mode_strict();
	if (!strcmp(m, "traceme"))
		return mode_traceme();
	if (!strcmp(m, "exec-target"))
		return 99;      /* an exec the filter should have refused */
	if (!strcmp(m, "exit7"))
		return 7;
	return 66;
}
