/* execvp("true") with PATH=/nonexistent1:/nonexistent2:/usr/bin:/bin: the
 * search fails twice (ENOENT) before it runs /usr/bin/true. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	char *argv[] = { "true", NULL };
	if (setenv("PATH", "/nonexistent1:/nonexistent2:/usr/bin:/bin", 1) < 0) {
		perror("setenv");
		return 10;
	}
	execvp("true", argv);
	perror("execvp");
	return 11;
}
