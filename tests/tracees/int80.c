/* The i386 syscall ABI from a 64-bit process (int $0x80): the seccomp filter
 * must cover it (not kill the process) and the tracer must decode it with
 * the i386 table.  Built -no-pie so the status word lies below 4 GiB, where
 * the 32-bit ABI can address it. */
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int status;

static long int80(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

int main(void)
{
	if ((uintptr_t)&status > 0xffffffffu) {
		fprintf(stderr, "status above 4 GiB: build with -no-pie\n");
		return 10;
	}
	long me = int80(20, 0, 0, 0);           /* i386 getpid */
	if (me != getpid())
		return 11;
	pid_t child = fork();
	if (child == 0)
		_exit(5);
	long r = int80(7, child, (long)(uintptr_t)&status, 0);  /* i386 waitpid */
	if (r != child || !WIFEXITED(status) || WEXITSTATUS(status) != 5)
		return 12;
	return 0;
}
