/* leave SECONDS MESSAGE: the chapter's `leave` command.
 *
 * The parent forks and returns at once (the shell gets its prompt back);
 * the child is left behind: orphaned, it is adopted by init (or a
 * subreaper), waits SECONDS, prints MESSAGE and exits, and its new parent
 * reaps it.  So that every run prints the same lines, the child first waits
 * until it has been reparented and its old parent's end has been seen
 * (tour_wait_reported); it exits 1 if it was not adopted. */
#include <stdlib.h>

#include "tour.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: leave SECONDS MESSAGE\n");
		return 2;
	}
	unsigned secs = (unsigned)atoi(argv[1]);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid > 0)
		return 0;           /* the shell gets its prompt back */
	pid_t adopter = tour_wait_orphaned(parent);
	TOUR_CHECK(adopter > 0 && adopter != parent, "not adopted after the parent's exit");
	TOUR_CHECK(tour_wait_reported(parent) == 0, "the old parent's end was never seen");
	sleep(secs);                /* the reminder's delay */
	printf("%s\n", argv[2]);
	return 0;
}
