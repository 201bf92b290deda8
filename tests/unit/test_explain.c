/* --explain's sentences, from events fed to the text sink directly. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "pt/event.h"
#include "pt/sink.h"

/* The text (with --explain) written for one wait event of pid 100. */
static char *explain_wait(int options)
{
	FILE *tmp = tmpfile();
	cr_assert(tmp);
	struct pt_text_opts o = {.explain = true};
	struct pt_sink *s = pt_sink_text_new(tmp, false, &o);
	cr_assert(s);
	struct pt_event ev = {.kind = PT_EV_WAIT, .ts_ns = 1000, .pid = 100, .tgid = 100};
	ev.u.wait = (struct pt_ev_wait){.syscall = 247 /* waitid */, .id = 101, .idtype = P_PID,
					.options = options, .ret = 0, .child = 101,
					.status = {PT_WS_EXITED, false, 3}};
	cr_assert_eq(s->ops->emit(s, &ev), 0);
	cr_assert_eq(s->ops->finish(s), 0);
	s->ops->destroy(s);
	long len = ftell(tmp);
	char *buf = calloc(1, (size_t)len + 1);
	cr_assert(len > 0 && buf);
	rewind(tmp);
	cr_assert_eq(fread(buf, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	return buf;
}

Test(explain, a_wait_collects_the_zombie)
{
	char *t = explain_wait(WEXITED);
	cr_assert(strstr(t, "collected the exit status of child 101") && strstr(t, "is freed"), "%s", t);
	free(t);
}

/* WNOWAIT only looks: the child stays a zombie for a later wait. */
Test(explain, a_wnowait_wait_leaves_the_zombie)
{
	char *t = explain_wait(WEXITED | WNOWAIT);
	cr_assert(strstr(t, "with WNOWAIT: the child stays a zombie"), "%s", t);
	cr_assert_null(strstr(t, "is freed"), "%s", t);
	free(t);
}
