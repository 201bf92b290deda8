/* waitpid(pid, NULL, 0): the parent reaps its child without asking for the
 * status word; the tracer must still see the reap and how the child ended. */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t p = fork();
	if (p < 0)
		return 10;
	if (p == 0)
		_exit(3);
	return waitpid(p, NULL, 0) == p ? 0 : 11;
}
