/* docs/tour.md shows the real output of ptrace-tour on the example programs.
 * tools/tour.py --check runs every command of the tour again (and the
 * example programs, each of which exits 1 when the behaviour it shows did
 * not happen) and fails when a block no longer matches what the tool
 * prints: the tour either follows a change in the output or this fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "support.h"

#ifndef PT_SRCDIR
#define PT_SRCDIR "."
#endif

TestSuite(tour, .fini = pt_t_cleanup);

Test(tour, blocks_match_the_tool)
{
	/* The build directory: the tool's own (examples/ sits beside it). */
	char build[4096];
	snprintf(build, sizeof(build), "%s", PT_TOOL);
	char *slash = strrchr(build, '/');
	cr_assert(slash, "PT_TOOL has no directory: %s", PT_TOOL);
	*slash = '\0';

	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "python3 '%s/tools/tour.py' --check --build '%s' 2>&1", PT_SRCDIR, build);
	FILE *p = popen(cmd, "r");
	cr_assert(p, "cannot run %s", cmd);
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	cr_assert(out);
	size_t n;
	while ((n = fread(out + len, 1, cap - 1 - len, p)) > 0) {
		len += n;
		if (len == cap - 1) {
			char *bigger = realloc(out, cap * 2);
			cr_assert(bigger);
			out = bigger;
			cap *= 2;
		}
	}
	out[len] = '\0';
	int st = pclose(p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "%s\n(status 0x%x) docs/tour.md is stale or a tour program failed: see above", out, st);
	free(out);
}
