/* The memory decoders, -y, -T and -c's time columns against strace's
 * rendering of the same calls: the decode_mem tracee runs under strace
 * (6.1 on Debian 12 when written) and under ptrace-tour here, and each
 * call's line must match, addresses and pids aside.  Expected forms, as
 * strace 6.1 printed them for this tracee:
 *   rt_sigprocmask(SIG_BLOCK, [INT TERM], [], 8) = 0
 *   rt_sigprocmask(SIG_SETMASK, ~[INT KILL STOP RTMIN RT_1], NULL, 8) = 0
 *   rt_sigaction(SIGUSR2, {sa_handler=SIG_IGN, sa_mask=[USR1], sa_flags=SA_RESTORER|SA_RESTART,
 *                sa_restorer=0x7f...}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0
 *   nanosleep({tv_sec=0, tv_nsec=20000000}, NULL) = 0
 *   clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=0, tv_nsec=20000000}, NULL) = 0
 *   openat(AT_FDCWD</tmp>, "/etc/passwd", O_RDONLY) = 3</etc/passwd>     (-y; the cwd is not compared)
 *   close(3</etc/passwd>) = 0                                              (-y)
 *   mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f...
 *   clone3({flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 1234 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

TestSuite(decode_mem, .fini = pt_t_cleanup);

#define CALLS "rt_sigprocmask,rt_sigaction,nanosleep,clock_nanosleep,openat,read,dup,close,mmap,clone3"

static bool is_call(const char *p)
{
	static const char *const names[] = {"rt_sigprocmask(", "rt_sigaction(", "nanosleep(", "clock_nanosleep(",
					    "openat(", "read(", "dup(", "close(", "mmap(", "clone3("};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strncmp(p, names[i], strlen(names[i])))
			return true;
	return false;
}

/* The call lines of text, normalized: no "[pid N] ", strace's padding
 * before " = " squeezed, no " <time>" (kept_time: it must be there), no
 * " [fork]", each 0x + 8 or more hex digits as ADDR, and a clone3's child
 * pid as PID.  Lines before the tracee's own code (the loader's) are
 * skipped: from its first rt_sigprocmask on. */
static char *calls_of(const char *text, bool want_time)
{
	size_t cap = strlen(text) + 1, n = 0;
	char *out = malloc(cap);
	cr_assert_not_null(out);
	bool started = false;
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char line[2048];
		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1), l);
		l = nl ? nl + 1 : l + len;
		char *p = line;
		if (!strncmp(p, "[pid ", 5) && strchr(p, ']'))
			p = strchr(p, ']') + 2;
		started |= !strncmp(p, "rt_sigprocmask(SIG_BLOCK", 24);
		if (!started || !is_call(p) || !strstr(p, " = "))
			continue;
		char *t = strstr(p, " <");
		if (want_time && strncmp(p, "clone3(", 7)) {   /* a spawn line has no time (README) */
			cr_assert(t && isdigit((unsigned char)t[2]) && strchr(t, '>'), "no -T time: %s", p);
		}
		if (t && isdigit((unsigned char)t[2]))
			*t = 0;
		if (!strncmp(p, "read(", 5)) {
			/* its buffer: strace prints the bytes, ptrace-tour the
			 * pointer (not decoded) */
			char *a = strchr(p, ','), *b = a ? strchr(a + 1, ',') : NULL;
			if (a && b)
				memmove(a + 5, b, strlen(b) + 1), memcpy(a, ", BUF", 5);
		}
		char *fk = strstr(p, " [fork]");
		if (fk)
			*fk = 0;
		for (const char *q = p; *q;) {
			size_t h = 0;
			if (!strncmp(q, "AT_FDCWD<", 9) && strchr(q, '>')) {    /* -y: the runs' cwds differ */
				memcpy(out + n, "AT_FDCWD<CWD>", 13);
				n += 13;
				q = strchr(q, '>') + 1;
				continue;
			}
			if (q[0] == ' ' && q[1] == ' ') {   /* strace's column padding */
				q++;
				continue;
			}
			if (q[0] == '0' && q[1] == 'x')
				while (isxdigit((unsigned char)q[2 + h]))
					h++;
			if (h >= 8) {
				memcpy(out + n, "ADDR", 4);
				n += 4;
				q += 2 + h;
			} else if (!strncmp(p, "clone3(", 7) && !strncmp(q, ") = ", 4)) {
				memcpy(out + n, ") = PID", 7);
				n += 7;
				break;
			} else {
				out[n++] = *q++;
			}
		}
		out[n++] = '\n';
	}
	out[n] = 0;
	return out;
}

static char *strace_of(const char *flags, const char *name)
{
	const char *st = pt_t_scratch(name);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "cd /tmp && strace %s -o %s -e trace=" CALLS " %s", flags, st,
		 pt_t_tracee_path("decode_mem"));
	if (system(cmd) != 0)
		cr_skip_test("strace is not installed or cannot trace here");
	char *text = pt_t_read_file(st, NULL);
	cr_assert_not_null(text);
	return text;
}

static void same_as_strace(const char *flag)
{
	char *stext = strace_of(flag ? flag : "", "strace.txt");
	struct pt_t_run r;
	const char *args[] = {"-e", "trace=" CALLS, flag, NULL};
	pt_t_run(&r, args, "decode_mem", NULL);
	pt_t_assert(&r, r.code == 0, "exit %d", r.code);
	char *want = calls_of(stext, false), *got = calls_of(r.out, false);
	cr_assert(strstr(want, "rt_sigaction(SIGUSR2, {sa_handler=SIG_IGN"), "strace's lines: %s", want);
	cr_expect_str_eq(got, want, "\nptrace-tour:\n%s\nstrace:\n%s", got, want);
	free(want);
	free(got);
	free(stext);
	pt_t_free(&r);
}

Test(decode_mem, masks_sigaction_timespec_clone3_and_mmap_as_strace)
{
	same_as_strace(NULL);
}

Test(decode_mem, fd_paths_with_y_as_strace)
{
	same_as_strace("-y");
}

/* -T: every call line ends with <seconds>; the 20 ms sleeps take 20 ms or
 * more (the time comes from the stops, never less than the call). */
Test(decode_mem, T_times_each_call)
{
	struct pt_t_run r;
	pt_t_run(&r, (const char *const[]){"-T", "-e", "trace=" CALLS, NULL}, "decode_mem", NULL);
	pt_t_assert(&r, r.code == 0, "exit %d", r.code);
	char *got = calls_of(r.out, true);
	free(got);
	const char *ns = strstr(r.out, "nanosleep({tv_sec=0, tv_nsec=20000000}, NULL) = 0 <");
	pt_t_assert(&r, ns != NULL, "no timed nanosleep line");
	double secs = atof(ns + strlen("nanosleep({tv_sec=0, tv_nsec=20000000}, NULL) = 0 <"));
	cr_expect_geq(secs, 0.020, "nanosleep took %f s", secs);
	/* the log carries it: dur_ns on the syscall event */
	pt_t_assert(&r, strstr(r.log, "\"name\":\"nanosleep\"") && strstr(r.log, "\"dur_ns\":"), "no dur_ns in the log");
	pt_t_free(&r);
	/* without -T: no time on the lines, none in the log, no clock read */
	pt_t_run(&r, (const char *const[]){"-e", "trace=" CALLS, NULL}, "decode_mem", NULL);
	pt_t_assert(&r, !strstr(r.out, "= 0 <0.") && !strstr(r.log, "\"dur_ns\""), "time without -T");
	pt_t_free(&r);
}

/* -c: strace's header and time columns; nanosleep's 20 ms are in its row. */
Test(decode_mem, c_has_strace_time_columns)
{
	char *stext = strace_of("-c", "strace-c.txt");
	const char *hdr = "% time     seconds  usecs/call     calls    errors syscall\n"
			  "------ ----------- ----------- --------- --------- ----------------\n";
	cr_assert(strstr(stext, hdr), "strace's header changed: %s", stext);
	struct pt_t_run r;
	pt_t_run(&r, (const char *const[]){"-c", "-e", "trace=" CALLS, NULL}, "decode_mem", NULL);
	pt_t_assert(&r, r.code == 0, "exit %d", r.code);
	pt_t_assert(&r, strstr(r.out, hdr) != NULL, "no strace header in:\n%s", r.out);
	const char *row = strstr(r.out, " nanosleep\n");
	pt_t_assert(&r, row != NULL, "no nanosleep row");
	while (row > r.out && row[-1] != '\n')
		row--;
	double pct, secs;
	pt_t_assert(&r, sscanf(row, "%lf %lf", &pct, &secs) == 2, "row: %.80s", row);
	cr_expect_geq(secs, 0.020, "nanosleep row: %.80s", row);
	cr_expect(pct > 0 && pct <= 100, "row: %.80s", row);
	pt_t_assert(&r, strstr(r.out, "100.00 ") != NULL, "no total line");
	free(stext);
	pt_t_free(&r);
}
