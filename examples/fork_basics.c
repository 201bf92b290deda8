/* fork_basics: one process becomes two.
 *
 * - fork() returns twice: 0 in the child, the child's pid in the parent.
 * - The child gets a copy of the parent's memory (copy-on-write): a variable
 *   the child changes keeps its old value in the parent.
 * - The child's fds are copies that point at the SAME open file description:
 *   the file offset is shared, so a write by the child moves the parent's
 *   offset too (lseek(fd, 0, SEEK_CUR) shows it before and after).
 * Exits 1 if any of the three did not happen. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>

#include "tour.h"

static int counter = 1;         /* in the data segment: copied, not shared */

int main(void)
{
	tour_block_sigchld();
	/* An unnamed temporary file (O_TMPFILE): nothing to clean up. */
	int fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	TOUR_CHECK(fd >= 0, "open(O_TMPFILE): %s", strerror(errno));
	TOUR_CHECK(write(fd, "parent\n", 7) == 7, "write");
	off_t before = lseek(fd, 0, SEEK_CUR);          /* 7 */

	pid_t pid = fork();
	TOUR_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* The child: fork returned 0. */
		counter = 2;                            /* a private copy of the page */
		if (write(fd, "child\n", 6) != 6)       /* moves the SHARED offset to 13 */
			_exit(2);
		_exit(0);
	}
	/* The parent: fork returned the child's pid. */
	int st;
	TOUR_CHECK(tour_waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "the child did not exit 0");
	off_t after = lseek(fd, 0, SEEK_CUR);           /* 13: the child's write moved it */
	printf("fork returned %d to the parent; counter is still %d here; offset %ld -> %ld\n",
	       (int)pid, counter, (long)before, (long)after);
	TOUR_CHECK(counter == 1, "the child's write to counter reached the parent");
	TOUR_CHECK(before == 7 && after == 13, "offset %ld -> %ld, not 7 -> 13", (long)before, (long)after);
	return 0;
}
