/* Two execs that fail with an empty-looking path: one whose path pointer is
 * bad (EFAULT), one whose path really is "" (ENOENT).  Exits 0 when both
 * failed as expected. */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char *argv[] = {"x", NULL}, *envp[] = {NULL};
	/* raw syscalls: glibc might look at the path itself */
	if (syscall(SYS_execve, (char *)(uintptr_t)0x10, argv, envp) != -1 || errno != EFAULT)
		return 1;
	if (syscall(SYS_execve, "", argv, envp) != -1 || errno != ENOENT)
		return 2;
	return 0;
}
