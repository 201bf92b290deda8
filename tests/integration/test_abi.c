/* The i386 syscall ABI (int $0x80) inside a 64-bit process: the filter must
 * cover it (its bad-arch default would kill the process) and the tracer must
 * decode it with the i386 table. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

TestSuite(abi, .fini = pt_t_cleanup);

static bool is_i386(json_object *e, const void *name)
{
	const char *arch = pt_t_str(e, "arch"), *n = pt_t_str(e, "name") ? pt_t_str(e, "name") : pt_t_str(e, "syscall");
	return arch && !strcmp(arch, "i386") && n && !strcmp(n, name);
}

/* Whether this kernel runs int $0x80 in a 64-bit process at all: with IA32
 * emulation off (or a hypervisor without it) the untraced tracee already
 * dies of SIGSEGV, and there is nothing of ours to test. */
static bool int80_works(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 2);
		execl(pt_t_tracee_path("int80"), "int80", (char *)NULL);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void check_int80(const char *mode)
{
	if (!int80_works())
		cr_skip_test("int $0x80 does not work on this kernel even untraced (IA32 emulation off)");
	struct pt_t_run r;
	const char *args[] = {"-e", "trace=getpid", mode, NULL};
	pt_t_run(&r, args, "int80", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 0, "the tracee checks its own i386 calls: exit %d", r.code);
	json_object *g = pt_t_find(&r, "syscall", is_i386, "getpid", 0);
	pt_t_assert(&r, g != NULL, "no i386 getpid syscall event");
	pt_t_assert(&r, pt_t_int(g, "ret", -1) == pt_t_root(&r), "getpid returned the pid: %s", pt_t_json(g));
	json_object *w = pt_t_find(&r, "wait", is_i386, "waitpid", 0);
	pt_t_assert(&r, w != NULL, "no i386 waitpid wait event");
	pt_t_assert(&r, pt_t_status_exited(w, "status") == 5, "waitpid saw exit 5: %s", pt_t_json(w));
	pt_t_assert(&r, pt_t_find_int(&r, "reap", "child", pt_t_int(w, "child", 0), 0) != NULL,
		    "the i386 waitpid reaped the child");
}

Test(abi, int80_seccomp)
{
	check_int80("--maps=exec");
}

Test(abi, int80_no_seccomp)
{
	check_int80("--no-seccomp");
}
