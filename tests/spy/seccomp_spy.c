/* LD_PRELOAD spy for the tests: appends "flags=0xN\n" to the file named by
 * PT_SECCOMP_SPY_OUT for every seccomp(SECCOMP_SET_MODE_FILTER) that goes
 * through libc's syscall(), which is how libseccomp loads a filter.  It
 * lets a test see the flags our filter is loaded with (SPEC_ALLOW), which
 * no /proc file shows.  No sanitizers: it is preloaded into the tool and
 * its tracees alike. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	va_list ap;
	long a[6];
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	long r = real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	const char *out = getenv("PT_SECCOMP_SPY_OUT");
	/* SECCOMP_SET_MODE_FILTER (1) with a program: libseccomp's feature
	 * probes pass NULL */
	if (nr == SYS_seccomp && a[0] == 1 && a[2] && r >= 0 && out) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0) {
			char b[64];
			int n = snprintf(b, sizeof b, "flags=0x%lx\n", (unsigned long)a[1]);
			if (write(fd, b, (size_t)n) < 0) {
			}
			close(fd);
		}
	}
	return r;
}
