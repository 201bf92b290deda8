/* exec_fds [LEAKED [CLOEXEC]]: opens LEAKED (default /dev/null) as fd 7
 * without O_CLOEXEC and CLOEXEC (default /dev/zero) as fd 8 with O_CLOEXEC,
 * then execs /bin/true: fd 7 leaks into the new image, fd 8 does not. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *leak = argc > 1 ? argv[1] : "/dev/null";
	const char *cloexec = argc > 2 ? argv[2] : "/dev/zero";
	int a = open(leak, O_RDONLY);
	int b = open(cloexec, O_RDONLY | O_CLOEXEC);
	if (a < 0 || b < 0) {
		perror("open");
		return 10;
	}
	if (dup2(a, 7) != 7 || dup3(b, 8, O_CLOEXEC) != 8) {
		perror("dup");
		return 11;
	}
	if (a != 7)
		close(a);
	if (b != 8)
		close(b);
	execl("/bin/true", "true", (char *)NULL);
	perror("execl");
	return 12;
}
