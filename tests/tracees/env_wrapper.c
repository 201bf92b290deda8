/* Changes the environment, then execs /usr/bin/env (which prints it):
 * adds PT_TEST_VAR=1, removes PT_TEST_REMOVE and sets PT_TEST_CHANGE to
 * "changed" when they are set (a test exports them to the tool first). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	if (setenv("PT_TEST_VAR", "1", 1) < 0 || unsetenv("PT_TEST_REMOVE") < 0) {
		perror("setenv");
		return 10;
	}
	if (getenv("PT_TEST_CHANGE") && setenv("PT_TEST_CHANGE", "changed", 1) < 0) {
		perror("setenv");
		return 10;
	}
	execl("/usr/bin/env", "env", (char *)NULL);
	perror("execl");
	return 11;
}
