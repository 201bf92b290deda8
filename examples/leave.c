/* leave SECONDS MESSAGE: the parent returns at once; the child sleeps, then
 * prints.  Under ptrace-tour the child is orphaned and adopted by init (or a
 * subreaper), which reaps it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: leave SECONDS MESSAGE\n");
		return 2;
	}
	unsigned secs = (unsigned)atoi(argv[1]);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid > 0)
		return 0;           /* the shell gets its prompt back */
	sleep(secs);
	printf("%s\n", argv[2]);
	return 0;
}
