/* The argument decoders against strace's rendering of the same calls.
 * Every expected string below was copied from strace 6.1's output (`strace
 * -e trace=openat,open,faccessat,access,unlinkat,newfstatat,mmap,mprotect,
 * fcntl`) of a small C program making these exact calls with syscall(2),
 * run by hand on the machine this was written on; the path and pointer
 * arguments are the test's own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfmt.h"

static char *fmt(const char *sig, int nargs, const uint64_t *args, const char *const *str)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	pt_textfmt_args(f, sig, nargs, args, str, 0);
	fclose(f);
	return buf;
}

#define CHECK(sig, want, ...)                                                                     \
	do {                                                                                      \
		const uint64_t a_[] = {__VA_ARGS__};                                                  \
		const char *s_[6] = {NULL, "/p", NULL, NULL, NULL, NULL};                             \
		if ((sig)[0] == 's')                                                                  \
			s_[0] = "/p", s_[1] = NULL;                                                   \
		char *got_ = fmt(sig, (int)(sizeof(a_) / sizeof(*a_)), a_, s_);                       \
		cr_expect_str_eq(got_, want, "sig %s", sig);                                          \
		free(got_);                                                                           \
	} while (0)

#define AT_FDCWD_ ((uint64_t)(int64_t)-100)

Test(argfmt, open_flags_and_mode)
{
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_RDONLY|O_CLOEXEC", AT_FDCWD_, 1, 02000000, 0);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644", AT_FDCWD_, 1, 02001101, 0644);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_RDWR|O_EXCL|O_NOCTTY|O_APPEND|O_NONBLOCK|O_NOFOLLOW|O_DIRECTORY", AT_FDCWD_,
	      1, 0606602, 0);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_RDONLY|O_SYNC|O_DIRECT|O_NOATIME|O_PATH|FASYNC", AT_FDCWD_, 1, 015070000, 0);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_RDWR|O_TMPFILE, 0600", AT_FDCWD_, 1, 020200002, 0600);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_ACCMODE|0x40000000", AT_FDCWD_, 1, 0x40000003, 0);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_WRONLY|O_LARGEFILE|O_CLOEXEC|O_TMPFILE, 0600", AT_FDCWD_, 1, 022300001,
	      0600);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_PATH", AT_FDCWD_, 1, 012400000, 0);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_RDONLY|O_DSYNC", AT_FDCWD_, 1, 010000, 0);
	CHECK("fsOo", "AT_FDCWD, \"/p\", O_RDONLY|O_CREAT, 000", AT_FDCWD_, 1, 0100, 0);
	CHECK("fsOo", "-1, \"/p\", O_RDONLY", (uint64_t)(int64_t)-1, 1, 0, 0);
	CHECK("sOo", "\"/p\", O_WRONLY|O_CREAT, 04755", 1, 0101, 04755);
}

Test(argfmt, access_and_at_flags)
{
	CHECK("fsA", "AT_FDCWD, \"/p\", R_OK|W_OK", AT_FDCWD_, 1, 6);
	CHECK("sA", "\"/p\", F_OK", 1, 0);
	CHECK("sA", "\"/p\", X_OK|0x10", 1, 0x11);
	CHECK("fsT", "AT_FDCWD, \"/p\", AT_REMOVEDIR", AT_FDCWD_, 1, 0x200);
	CHECK("fsT", "AT_FDCWD, \"/p\", 0", AT_FDCWD_, 1, 0);
	CHECK("fspT", "AT_FDCWD, \"/p\", NULL, AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH", AT_FDCWD_, 1, 0,
	      0x1900);
}

Test(argfmt, mmap_and_mprotect)
{
	CHECK("puPMfX", "NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0", 0, 4096, 3, 0x22,
	      (uint64_t)(int64_t)-1, 0);
	CHECK("puPMfX", "NULL, 8192, PROT_NONE, MAP_SHARED|MAP_ANONYMOUS|MAP_NORESERVE|MAP_POPULATE, -1, 0", 0, 8192, 0,
	      0xc021, (uint64_t)(int64_t)-1, 0);
	CHECK("puPMfX",
	      "NULL, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_STACK|"
	      "MAP_FIXED_NOREPLACE, -1, 0",
	      0, 4096, 5, 0x120922, (uint64_t)(int64_t)-1, 0);
	CHECK("puPMfX",
	      "NULL, 4096, PROT_SEM|PROT_GROWSDOWN, MAP_SHARED_VALIDATE|MAP_FIXED|MAP_32BIT|MAP_NONBLOCK|MAP_LOCKED|"
	      "MAP_HUGETLB|MAP_SYNC, 5, 0x1000",
	      0, 4096, 0x01000008, 0xd2053, 5, 4096);
	CHECK("puP", "0x7f5031f9c000, 4096, PROT_READ|PROT_EXEC", 0x7f5031f9c000, 4096, 5);
	CHECK("puP", "0x7f5031f9c000, 4096, PROT_NONE", 0x7f5031f9c000, 4096, 0);
	CHECK("puP", "0x7f5031f9c000, 4096, PROT_READ|0x100", 0x7f5031f9c000, 4096, 0x101);
}

Test(argfmt, fcntl_by_command)
{
	CHECK("fCx", "0, F_GETFD", 0, 1, 0x7f00);
	CHECK("fCx", "0, F_SETFD, FD_CLOEXEC", 0, 2, 1);
	CHECK("fCx", "0, F_GETFL", 0, 3, 0);
	CHECK("fCx", "0, F_SETFL, O_RDWR|O_NONBLOCK", 0, 4, 04002);
	CHECK("fCx", "0, F_DUPFD_CLOEXEC, 10", 0, 1030, 10);
	CHECK("fCx", "0, F_DUPFD, 11", 0, 0, 11);
	CHECK("fCx", "99, 0x270f /* F_??? */, 0x7f5031eb1829", 99, 9999, 0x7f5031eb1829);
	CHECK("fCx", "0, F_SETOWN, 123", 0, 8, 123);
	CHECK("fCx", "0, F_SETLK, NULL", 0, 6, 0);
	CHECK("fCx", "0, F_GETOWN", 0, 9, 0);
}
