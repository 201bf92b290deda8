/* double_fork: the classic daemon trick.  The child forks the real worker
 * and exits at once; the parent reaps the child right away; the orphaned
 * grandchild is adopted by init, which reaps it: no zombie is left behind. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		if (fork() != 0)
			_exit(0);           /* the child leaves at once */
		sleep(1);                   /* the grandchild works on, adopted */
		printf("grandchild %d, now a child of %d\n", (int)getpid(), (int)getppid());
		_exit(0);
	}
	waitpid(child, NULL, 0);            /* short: the child exits at once */
	return 0;
}
