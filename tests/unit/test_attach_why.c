/* The one-line message of a -p PID that could not be seized (issue 12):
 * each cause named, fed with what attach.c reads (errno, Yama's
 * ptrace_scope, the target's TracerPid).  Tested here because the live
 * causes cannot be set up safely: ptrace_scope is global, and 3 cannot be
 * undone until a reboot. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "tracer_int.h"

static char msg[256];

static const char *why(int e, int scope, pid_t tracer)
{
	memset(msg, 'x', sizeof(msg));
	pt_attach_why(msg, sizeof(msg), 4242, e, scope, tracer);
	cr_assert(memchr(msg, '\0', sizeof(msg)), "not terminated");
	cr_assert_null(strchr(msg, '\n'), "one line: %s", msg);
	return msg;
}

Test(attach_why, no_such_process)
{
	cr_assert_str_eq(why(ESRCH, 1, -1), "cannot attach to 4242: no such process");
}

Test(attach_why, another_tracer_is_named_whatever_yama_says)
{
	for (int scope = -1; scope <= 3; scope++)
		cr_assert_str_eq(why(EPERM, scope, 777),
				 "cannot attach to 4242: permission denied: it is already traced by process 777",
				 "scope %d", scope);
}

Test(attach_why, yama_names_the_sysctl_and_its_value)
{
	for (int scope = 1; scope <= 4; scope++) {
		char want[64];
		snprintf(want, sizeof(want), "sysctl kernel.yama.ptrace_scope is %d (", scope);
		for (pid_t tracer = -1; tracer <= 0; tracer++) {
			const char *m = why(EPERM, scope, tracer);
			cr_assert(strstr(m, "cannot attach to 4242: permission denied by Yama: "), "%s", m);
			cr_assert(strstr(m, want), "scope %d: %s", scope, m);
		}
	}
	cr_assert(strstr(why(EPERM, 1, 0), "ancestors"), "%s", msg);
	cr_assert(strstr(why(EPERM, 2, 0), "CAP_SYS_PTRACE"), "%s", msg);
	cr_assert(strstr(why(EPERM, 3, 0), "reboot"), "%s", msg);
}

Test(attach_why, no_yama_or_scope_0_is_the_usual_cause)
{
	const char *m = why(EPERM, 0, 0);
	cr_assert(strstr(m, "permission denied") && !strstr(m, "Yama") && !strstr(m, "traced by"), "%s", m);
	cr_assert_str_eq(why(EPERM, -1, -1), m);
}

Test(attach_why, other_errors_say_strerror)
{
	char want[128];
	snprintf(want, sizeof(want), "cannot attach to 4242: %s", strerror(EIO));
	cr_assert_str_eq(why(EIO, 1, 0), want);
}

Test(attach_why, a_short_buffer_is_cut_and_terminated)
{
	char small[16];
	pt_attach_why(small, sizeof(small), 4242, EPERM, 3, 0);
	cr_assert_eq(strlen(small), sizeof(small) - 1);
}
