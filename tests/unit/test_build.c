/* The test and tracee lists in tests/CMakeLists.txt name their files one by
 * one (no GLOB): a file added to tests/unit, tests/integration or
 * tests/tracees but not to a list would silently never run.  Every such
 * source must have its built executable. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* Files NAME.c in srcdir whose name starts with prefix: each must have
 * bindir/NAME, executable.  Returns how many were checked. */
static int check_dir(const char *srcdir, const char *prefix, const char *bindir)
{
	DIR *d = opendir(srcdir);
	cr_assert(d, "cannot open %s", srcdir);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") || strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		char bin[4096];
		snprintf(bin, sizeof(bin), "%s/%.*s", bindir, (int)(len - 2), e->d_name);
		cr_expect(access(bin, X_OK) == 0, "%s/%s is not built (%s): add it to the list in tests/CMakeLists.txt",
			  srcdir, e->d_name, bin);
		n++;
	}
	closedir(d);
	return n;
}

Test(build, every_test_file_is_built)
{
	int n = check_dir(PT_SRCDIR "/tests/unit", "test_", PT_TESTBIN);
	n += check_dir(PT_SRCDIR "/tests/integration", "test_", PT_TESTBIN);
	cr_assert_gt(n, 20, "only %d test files found", n);
}

Test(build, every_tracee_is_built)
{
	int n = check_dir(PT_SRCDIR "/tests/tracees", "", PT_TRACEES);
	cr_assert_gt(n, 30, "only %d tracees found", n);
}
