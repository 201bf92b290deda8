/* W6: TOTAL processes (default 10,000) created as a tree of fork+exit, with
 * up to ALIVE (default 1,000) alive at once.  Each wave: the root forks
 * FANOUT (10) intermediates, each forks its share of leaves, all block on a
 * release pipe; when every leaf of the wave exists, the root closes the pipe,
 * the leaves exit, the intermediates reap them and exit, the root reaps the
 * intermediates.  Every process of a wave counts (intermediates included).
 * usage: w6_tree [TOTAL] [ALIVE] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define FANOUT 10

static void wave(long size)
{
	int release[2], ready[2];
	long mids = size < FANOUT ? size : FANOUT;
	long leaves = size - mids;

	if (pipe(release) || pipe(ready)) {
		perror("pipe");
		exit(1);
	}
	for (long m = 0; m < mids; m++) {
		long mine = leaves / mids + (m < leaves % mids);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			exit(1);
		}
		if (pid)
			continue;
		/* intermediate */
		close(release[1]);
		close(ready[0]);
		for (long l = 0; l < mine; l++) {
			pid_t c = fork();
			if (c < 0) {
				perror("fork leaf");
				_exit(1);
			}
			if (c == 0) {
				char b;
				close(ready[1]);
				while (read(release[0], &b, 1) > 0)
					;
				_exit(0);
			}
		}
		close(release[0]);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		close(ready[1]);
		int bad = 0, st;
		for (long l = 0; l < mine; l++)
			if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
				bad = 1;
		_exit(bad);
	}
	close(ready[1]);
	close(release[0]);
	char b;
	for (long m = 0; m < mids; m++)
		if (read(ready[0], &b, 1) != 1) {
			fprintf(stderr, "w6: intermediate died early\n");
			exit(1);
		}
	close(ready[0]);
	close(release[1]); /* everyone of this wave is alive now: let them go */
	int st;
	for (long m = 0; m < mids; m++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "w6: intermediate failed\n");
			exit(1);
		}
}

int main(int argc, char **argv)
{
	long total = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	long alive = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;

	if (alive < 1)
		alive = 1;
	for (long done = 0; done < total;) {
		long n = total - done < alive ? total - done : alive;
		wave(n);
		done += n;
	}
	return 0;
}
