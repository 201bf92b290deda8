/* Decoded syscall arguments, line for line as strace prints them: the
 * decode_calls tracee (the calls of tests/unit/test_argfmt.c, made for
 * real) runs under strace and under ptrace-tour, and the argument lists
 * must match, addresses aside.  Skipped if the syscall tables lose the
 * decoder signatures (syscalls/README.md: O A T P M C X). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/tables.h"
#include "support.h"

TestSuite(decode, .fini = pt_t_cleanup);

#define CALLS "openat,open,faccessat,access,unlinkat,mmap,mprotect,fcntl"

/* The lines of text that are calls of CALLS, without "[pid N] ", the
 * result, and with every address (0x and 8+ hex digits) as ADDR; joined. */
static char *calls_of(const char *text)
{
	static const char *const names[] = {"openat(", "open(", "faccessat(", "access(", "unlinkat(", "mmap(",
					    "mprotect(", "fcntl("};
	size_t cap = strlen(text) + 1, n = 0;
	char *out = malloc(cap);
	cr_assert_not_null(out);
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *p = l;
		if (!strncmp(p, "[pid ", 5) && memchr(p, ']', len))
			p = (const char *)memchr(p, ']', len) + 2;
		bool keep = false;
		for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
			keep |= !strncmp(p, names[i], strlen(names[i]));
		const char *end = l + len;
		const char *eq = NULL;
		for (const char *q = p; q + 3 <= end; q++)
			if (!strncmp(q, ") = ", 4) || !strncmp(q, ")  ", 3))
				eq = q + 1;
		if (keep && eq) {
			for (const char *q = p; q < eq;) {
				size_t h = 0;
				if (q[0] == '0' && q[1] == 'x')
					while (q + 2 + h < eq && isxdigit((unsigned char)q[2 + h]))
						h++;
				if (h >= 8) {
					memcpy(out + n, "ADDR", 4);
					n += 4;
					q += 2 + h;
				} else {
					out[n++] = *q++;
				}
			}
			out[n++] = '\n';
		}
		l = nl ? nl + 1 : l + len;
	}
	out[n] = 0;
	return out;
}

Test(decode, arguments_as_strace_prints_them)
{
	const struct pt_syscall_desc *d = pt_syscall_desc(PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "openat"));
	cr_assert_not_null(d);
	if (!strchr(d->sig, 'O'))
		cr_skip_test("the syscall tables do not use the argument decoders yet (openat is \"%s\")", d->sig);
	const char *st = pt_t_scratch("strace.txt");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "strace -o %s -e trace=" CALLS " %s", st, pt_t_tracee_path("decode_calls"));
	if (system(cmd) != 0)
		cr_skip_test("strace is not installed or cannot trace here");
	char *stext = pt_t_read_file(st, NULL);
	cr_assert_not_null(stext);
	struct pt_t_run r;
	pt_t_run(&r, (const char *const[]){"-e", "trace=" CALLS, NULL}, "decode_calls", NULL);
	pt_t_assert(&r, r.code == 0, "exit %d", r.code);
	char *want = calls_of(stext), *got = calls_of(r.out);
	pt_t_assert(&r, strstr(want, "/nonexistent-pt-dec/") && strstr(want, "F_SETFL"), "strace's lines: %s", want);
	pt_t_assert(&r, !strcmp(want, got), "strace:\n%s\nptrace-tour:\n%s", want, got);
	free(want);
	free(got);
	free(stext);
	pt_t_free(&r);
}
