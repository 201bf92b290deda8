/* Each call once, for the memory decoders and -y/-T (test_decode_mem.c):
 * signal masks and a sigaction, a timespec (nanosleep, clock_nanosleep),
 * fds with paths (openat, read, dup, close), an anonymous mmap, and a raw
 * clone3 whose child _exit(0)s.  Raw syscalls where glibc would call
 * another one (nanosleep is clock_nanosleep in glibc). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &s, &old))
		return 10;
	sigfillset(&s);
	sigdelset(&s, SIGINT);
	if (sigprocmask(SIG_SETMASK, &s, NULL) || sigprocmask(SIG_SETMASK, &old, NULL))
		return 11;
	struct sigaction sa, prev;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR1);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR2, &sa, &prev))
		return 12;
	struct timespec ts = {0, 20000000};
	if (syscall(SYS_nanosleep, &ts, NULL) || clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL))
		return 13;
	int fd = open("/etc/passwd", O_RDONLY);
	char b[4];
	if (fd < 0 || read(fd, b, sizeof b) != 4)
		return 14;
	int d = dup(fd);
	if (d < 0 || close(d) || close(fd))
		return 15;
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || munmap(p, 4096))
		return 16;
	struct clone_args ca;
	memset(&ca, 0, sizeof ca);
	ca.exit_signal = SIGCHLD;
	long c = syscall(SYS_clone3, &ca, sizeof ca);
	if (c == 0)
		_exit(0);
	int st;
	if (c < 0 || waitpid((pid_t)c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
		return 17;
	return 0;
}
