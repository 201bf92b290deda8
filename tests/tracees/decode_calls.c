#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
/* The calls of tests/unit/test_argfmt.c, made for real: test_decode compares
 * ptrace-tour's lines to strace's. */
int main(void)
{
	/* fcntl works on a /dev/null of its own: F_SETFL on an inherited fd
	 * would change the open file that the caller shares. */
	int fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		return 1;
	syscall(SYS_openat, AT_FDCWD, "/nonexistent-pt-dec/a", O_RDONLY | O_CLOEXEC);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent-pt-dec/b", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent-pt-dec/c", O_RDWR | O_APPEND | O_NONBLOCK | O_NOFOLLOW | O_DIRECTORY | O_EXCL | O_NOCTTY);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent-pt-dec/d", O_RDONLY | O_PATH | O_LARGEFILE | O_NOATIME | O_DIRECT | O_SYNC | O_DSYNC | O_ASYNC);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent-pt-dec/e", O_RDWR | O_TMPFILE, 0600);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent-pt-dec/f", 3 | 0x40000000);
	syscall(SYS_open, "/nonexistent-pt-dec/g", O_WRONLY | O_CREAT, 04755);
	syscall(SYS_faccessat, AT_FDCWD, "/nonexistent-pt-dec/h", R_OK | W_OK);
	syscall(SYS_access, "/nonexistent-pt-dec/i", F_OK);
	syscall(SYS_access, "/nonexistent-pt-dec/j", X_OK | 0x10);
	syscall(SYS_unlinkat, AT_FDCWD, "/nonexistent-pt-dec/k", AT_REMOVEDIR);
	syscall(SYS_unlinkat, AT_FDCWD, "/nonexistent-pt-dec/l", 0);
	void *p = (void *)syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	syscall(SYS_mmap, 0, 8192, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE, -1, 0);
	syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED_NOREPLACE | MAP_DENYWRITE | MAP_ANONYMOUS | MAP_STACK | MAP_GROWSDOWN, -1, 0);
	syscall(SYS_mprotect, p, 4096, PROT_READ | PROT_EXEC);
	syscall(SYS_mprotect, p, 4096, PROT_NONE);
	syscall(SYS_mprotect, p, 4096, PROT_READ | 0x100);
	syscall(SYS_fcntl, fd, F_GETFD);
	syscall(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
	syscall(SYS_fcntl, fd, F_GETFL);
	syscall(SYS_fcntl, fd, F_SETFL, O_RDWR | O_NONBLOCK);
	syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 10);
	syscall(SYS_fcntl, fd, F_DUPFD, 11);
	syscall(SYS_fcntl, 99, 9999);
	close(fd);
	return 0;
}
