/* Human-readable output, one line per event, strace-like.  Each event is
 * formatted through stdio into a private stream whose bytes land in a
 * pt_lineout buffer, and leaves by whole lines with one write(2): at once
 * on a terminal, pipe or stderr (someone is watching, and the traced
 * program may write there too), and on a file of our own (-o FILE) at
 * least every 64 KiB and whenever the tracer is about to block. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt/escape.h"
#include "explain.h"
#include "pt/sink.h"
#include "pt/tables.h"
#include "textfmt.h"

struct text {
	struct pt_sink base;
	FILE *fmt;              /* the formatting stream: writes into out.buf */
	struct pt_lineout out;
	struct pt_text_opts o;
	uint64_t realtime0;
	uint64_t last_ts;
	/* Folding: a WNOHANG wait that found nothing is held here, and the
	 * identical polls right after it only counted, until another line
	 * comes (or the end): then it is printed once with the count.  A wait
	 * event holds no pointer but its stack, and a poll with a stack (-k)
	 * is never held. */
	struct pt_event held;
	unsigned long held_n;   /* polls folded into held; 0: none held */
	unsigned long fold_n;   /* the count text_wait prints, while it prints held */
};

static void qstr(FILE *f, const char *s, unsigned xstr)
{
	if (s)
		pt_textfmt_str(f, s, SIZE_MAX, xstr);
	else
		fputs("NULL", f);
}

static void prefix(struct text *t, const struct pt_event *ev)
{
	FILE *f = t->fmt;
	uint64_t wall = t->realtime0 + ev->ts_ns;
	time_t secs = (time_t)(wall / 1000000000ull);
	struct tm tm;
	switch (t->o.ts) {
	case PT_TS_TIME:
		localtime_r(&secs, &tm);
		fprintf(f, "%02d:%02d:%02d ", tm.tm_hour, tm.tm_min, tm.tm_sec);
		break;
	case PT_TS_TIME_US:
		localtime_r(&secs, &tm);
		fprintf(f, "%02d:%02d:%02d.%06u ", tm.tm_hour, tm.tm_min, tm.tm_sec,
			(unsigned)(wall % 1000000000ull / 1000));
		break;
	case PT_TS_EPOCH:
		fprintf(f, "%lld.%06u ", (long long)secs, (unsigned)(wall % 1000000000ull / 1000));
		break;
	case PT_TS_RELATIVE: {
		uint64_t d = ev->ts_ns - t->last_ts;
		fprintf(f, "%6" PRIu64 ".%06u ", (uint64_t)(d / 1000000000ull), (unsigned)(d % 1000000000ull / 1000));
		break;
	}
	default:
		break;
	}
	t->last_ts = ev->ts_ns;
	if (!t->o.no_pid)   /* -ff: the file's name says whose lines they are */
		fprintf(f, "[pid %5d] ", (int)ev->pid);
}

static void ret_errno(FILE *f, int err)
{
	const char *n = pt_errno_name(err);
	if (n)
		fprintf(f, "-1 %s (%s)", n, strerror(err));
	else
		fprintf(f, "-1 E%d", err);
}

static void print_status(FILE *f, struct pt_wstatus st)
{
	char buf[64];
	fputs(pt_wstatus_str(st, buf, sizeof(buf)), f);
}

/* -T: strace's " <0.000123>" after the result. */
static void dur(FILE *f, bool show, bool timed, uint64_t ns)
{
	if (show && timed)
		fprintf(f, " <%" PRIu64 ".%06u>", ns / 1000000000u, (unsigned)(ns % 1000000000u / 1000));
}

static void print_syscall(FILE *f, const struct pt_ev_syscall *s, unsigned xstr)
{
	enum pt_arch table = s->arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : s->arch;
	const struct pt_syscall_desc *d = pt_syscall_desc(table, s->nr);
	if (d)
		fputs(d->name, f);
	else
		fprintf(f, "syscall_%d", s->nr);
	fputc('(', f);
	pt_textfmt_syscall_args(f, d ? d->sig : NULL, s, xstr);
	fputs(") = ", f);
	if (s->err)
		ret_errno(f, s->err);
	else
		pt_textfmt_ret(f, d ? d->kinds : 0, s, xstr);
	if (s->arch != PT_ARCH_X86_64)
		fprintf(f, " [%s]", pt_arch_name(s->arch));
}

static const char *syscall_name(int nr, unsigned arch, const char *dflt)
{
	const char *n = pt_syscall_name(arch, nr);
	return n ? n : dflt;
}

static void arch_note(FILE *f, unsigned arch)
{
	if (arch != PT_ARCH_X86_64)
		fprintf(f, " [%s]", pt_arch_name(arch));
}

static void print_wait(FILE *f, const struct pt_ev_wait *w)
{
	char buf[128];
	static const char *const idtypes[] = {"P_ALL", "P_PID", "P_PGID", "P_PIDFD"};
	const char *name = syscall_name(w->syscall, w->arch, "wait");
	fprintf(f, "%s(", name);
	if (w->idtype >= 0) {
		if (w->idtype < 4)
			fprintf(f, "%s, ", idtypes[w->idtype]);
		else
			fprintf(f, "%d, ", w->idtype);
	}
	/* A waiter in a nested pid namespace: its numbers, then ours. */
	fprintf(f, "%" PRId64, w->id);
	if (w->id_pid > 0)
		fprintf(f, " [pid %d]", (int)w->id_pid);
	fprintf(f, ", %s) = ", pt_wait_options_str(w->options, buf, sizeof(buf)));
	if (w->err) {
		ret_errno(f, w->err);
		arch_note(f, w->arch);
		return;
	}
	fprintf(f, "%" PRId64, w->ret);
	if (w->child_ns > 0 && w->ret == w->child_ns) {     /* wait4: the pid is the return value */
		if (w->child > 0)
			fprintf(f, " [pid %d]", (int)w->child);
		else
			fputs(" [pid unknown]", f);
		fputs(" (", f);
		print_status(f, w->status);
		fputc(')', f);
	} else if (w->child_ns > 0) {    /* waitid: the pid is in the siginfo */
		fprintf(f, " (%d ", (int)w->child_ns);
		if (w->child > 0)
			fprintf(f, "[pid %d] ", (int)w->child);
		else
			fputs("[pid unknown] ", f);
		print_status(f, w->status);
		fputc(')', f);
	} else if (w->child > 0) {
		fprintf(f, " (%d ", (int)w->child);
		print_status(f, w->status);
		fputc(')', f);
	} else {
		fputs(" (no child has changed state)", f);
	}
	arch_note(f, w->arch);
}

/* ---- one printer per event kind (syscalls/events.def) ---- */

static void text_start(struct text *t, FILE *f, const struct pt_event *ev)
{
	t->realtime0 = ev->u.start.realtime_ns;
	prefix(t, ev);
	fputs("+++ tracing", f);
	for (size_t i = 0; i < ev->u.start.argc; i++) {
		fputc(' ', f);
		qstr(f, ev->u.start.argv[i], t->o.xstr);
	}
	fprintf(f, "%s +++\n", ev->u.start.events_only ? " (events only: no syscall stops)"
				: ev->u.start.seccomp ? "" : " (no seccomp filter)");
}

static void text_attach(struct text *t, FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_attach *a = &ev->u.attach;
	prefix(t, ev);
	fprintf(f, "+++ attached (parent %d, %s, running for %.3fs):", (int)a->ppid, a->state ? a->state : "?",
		(double)a->age_ns / 1e9);
	for (size_t i = 0; i < a->argc; i++) {
		fputc(' ', f);
		qstr(f, a->argv[i], t->o.xstr);
	}
	if (a->nthreads)
		fprintf(f, " (+%zu thread%s)", a->nthreads, a->nthreads == 1 ? "" : "s");
	if (a->zombies)
		fprintf(f, " (%u zombie child%s)", a->zombies, a->zombies == 1 ? "" : "ren");
	fputs(" +++\n", f);
}

static void text_spawn(struct text *t, FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_spawn *sp = &ev->u.spawn;
	char buf[256];
	prefix(t, ev);
	fprintf(f, "%s(", syscall_name(sp->syscall, sp->arch, "clone"));
	if (sp->has_args)     /* clone3: its struct clone_args, as strace */
		pt_textfmt_clone3_args(f, sp, sp->flags ? pt_spawn_flags_str(sp, buf, sizeof(buf)) : NULL);
	else if (sp->flags)
		fputs(pt_spawn_flags_str(sp, buf, sizeof(buf)), f);
	fprintf(f, ") = %d [%s]", (int)sp->child, pt_spawn_kind_name(sp->kind));
	arch_note(f, sp->arch);
	fputc('\n', f);
}

static void text_exec(struct text *t, FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_exec *x = &ev->u.exec;
	prefix(t, ev);
	fprintf(f, "%s(", syscall_name(x->syscall, x->arch, "execve"));
	qstr(f, x->path, t->o.xstr);
	fputs(", [", f);
	for (size_t i = 0; i < x->argc; i++) {
		if (i)
			fputs(", ", f);
		if (x->argv[i])     /* -s cuts argv strings, not the path (strace) */
			pt_textfmt_str(f, x->argv[i], t->o.strsize ? t->o.strsize : SIZE_MAX, t->o.xstr);
		else
			fputs("NULL", f);
	}
	fprintf(f, "%s]) = 0", x->argv_truncated ? ", ..." : "");
	if (x->old_pid)
		fprintf(f, " (was thread %d, now the leader)", (int)x->old_pid);
	arch_note(f, x->arch);
	fputc('\n', f);
	if (x->detail && t->o.show_maps)
		pt_textfmt_exec_detail(f, x->detail, t->o.verbose);
}

static void text_exec_failed(struct text *t, FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_exec_failed *x = &ev->u.exec_failed;
	prefix(t, ev);
	fprintf(f, "%s(", syscall_name(x->syscall, x->arch, "execve"));
	if (x->path_unreadable)     /* as strace: the pointer */
		fprintf(f, "%#" PRIx64, x->path_addr);
	else
		qstr(f, x->path, t->o.xstr);
	fputs(", ...) = ", f);
	ret_errno(f, x->err);
	arch_note(f, x->arch);
	fputc('\n', f);
}

static void text_syscall(struct text *t, FILE *f, const struct pt_event *ev)
{
	prefix(t, ev);
	print_syscall(f, &ev->u.syscall, t->o.xstr);
	dur(f, t->o.show_time, ev->u.syscall.timed, ev->u.syscall.dur_ns);
	fputc('\n', f);
}

static void text_wait(struct text *t, FILE *f, const struct pt_event *ev)
{
	prefix(t, ev);
	print_wait(f, &ev->u.wait);
	dur(f, t->o.show_time, ev->u.wait.timed, ev->u.wait.dur_ns);
	if (t->fold_n > 1)
		fprintf(f, " [polled %lu times]", t->fold_n);
	fputc('\n', f);
}

static void text_signal(struct text *t, FILE *f, const struct pt_event *ev)
{
	char buf[32];
	prefix(t, ev);
	fprintf(f, "--- %s {si_code=%d", pt_signal_name(ev->u.signal.sig, buf, sizeof(buf)), ev->u.signal.code);
	if (ev->u.signal.sender)
		fprintf(f, ", si_pid=%d", (int)ev->u.signal.sender);
	fputs("} ---\n", f);
}

static void text_stopped(struct text *t, FILE *f, const struct pt_event *ev)
{
	char buf[32];
	prefix(t, ev);
	fprintf(f, "--- stopped by %s", pt_signal_name(ev->u.stopped.sig, buf, sizeof(buf)));
	if (ev->u.stopped.sender)
		fprintf(f, " from %d", (int)ev->u.stopped.sender);
	fputs(" ---\n", f);
}

static void text_continued(struct text *t, FILE *f, const struct pt_event *ev)
{
	prefix(t, ev);
	fputs("--- continued", f);
	if (ev->u.continued.sender)
		fprintf(f, " by SIGCONT from %d", (int)ev->u.continued.sender);
	fputs(" ---\n", f);
}

static void text_exit(struct text *t, FILE *f, const struct pt_event *ev)
{
	static const char *const how[] = {"exit_group", "thread exit", "signal", "ended by its group"};
	prefix(t, ev);
	fputs("+++ ", f);
	if (ev->u.exit.status.kind == PT_WS_EXITED)
		fprintf(f, "exited with %d", ev->u.exit.status.code);
	else
		print_status(f, ev->u.exit.status);
	if (ev->u.exit.how != PT_EXIT_SIGNAL && ev->u.exit.how < PT_EXIT__COUNT)
		fprintf(f, " (%s)", how[ev->u.exit.how]);
	fputs(" +++\n", f);
	if (t->o.exit_maps && ev->u.exit.maps)
		pt_textfmt_exit_maps(f, ev->u.exit.maps, t->o.verbose);
}

static void text_reap(struct text *t, FILE *f, const struct pt_event *ev)
{
	const struct pt_ev_reap *r = &ev->u.reap;
	prefix(t, ev);
	if (r->autoreap)
		fputs("reaped by the kernel (its parent does not wait for children)", f);
	else if (r->by && r->by_tracer)
		fprintf(f, "reaped by ptrace-tour (%d, its real parent) after %.3f ms as a zombie", (int)r->by,
			(double)r->zombie_ns / 1e6);
	else if (r->by)
		fprintf(f, "reaped by %d after %.3f ms as a zombie%s", (int)r->by, (double)r->zombie_ns / 1e6,
			r->pidns_teardown ? " (the exiting init of its pid namespace, which takes the whole "
					    "namespace down)" : "");
	else
		fputs("reaped outside the trace", f);
	fputc('\n', f);
}

static void text_reparent(struct text *t, FILE *f, const struct pt_event *ev)
{
	prefix(t, ev);
	fprintf(f, "orphaned: parent %d died, reparented to %d (%s)\n", (int)ev->u.reparent.from,
		(int)ev->u.reparent.to, pt_reaper_role_text(pt_reparent_role(&ev->u.reparent)));
}

static void text_end(struct text *t, FILE *f, const struct pt_event *ev)
{
	char buf[32];
	prefix(t, ev);
	if (ev->u.end.detached)
		fprintf(f, "+++ detached%s%s: %llu task%s left running, untraced +++\n",
			ev->u.end.interrupted ? " on " : "",
			ev->u.end.interrupted ? pt_signal_name(ev->u.end.by_signal, buf, sizeof(buf)) : "",
			(unsigned long long)ev->u.end.left_running, ev->u.end.left_running == 1 ? "" : "s");
	else if (ev->u.end.interrupted)
		fprintf(f, "+++ ptrace-tour interrupted by %s +++\n", pt_signal_name(ev->u.end.by_signal, buf, sizeof(buf)));
	else
		fprintf(f, "+++ trace done: exit status %d +++\n", ev->u.end.exit_status);
}

/* A kind in events.def without its text_ function does not compile. */
static void (*const printers[PT_EV__COUNT])(struct text *t, FILE *f, const struct pt_event *ev) = {
#define EV(NAME, name) [PT_EV_##NAME] = text_##name,
#include "events.def"
#undef EV
};

/* -e event=, -e signal=, -qq: whether ev gets a line at all. */
static bool shown(const struct text *t, const struct pt_event *ev)
{
	switch (ev->kind) {
	case PT_EV_START:
	case PT_EV_ATTACH:     /* the tree as found: what the rest builds on */
	case PT_EV_END:
	case PT_EV_SYSCALL:     /* chosen by -e trace=, in the tracer */
		return true;
	case PT_EV_SIGNAL:
		if (ev->u.signal.sig >= 1 && ev->u.signal.sig <= 64 &&
		    (t->o.signals_hidden >> (ev->u.signal.sig - 1) & 1))
			return false;
		break;
	case PT_EV_EXIT:
		if (t->o.no_exit_lines)
			return false;
		break;
	case PT_EV_SPAWN:
	case PT_EV_EXEC:
	case PT_EV_EXEC_FAILED:
	case PT_EV_WAIT:
	case PT_EV_STOPPED:
	case PT_EV_CONTINUED:
	case PT_EV_REAP:
	case PT_EV_REPARENT:
		break;
	}
	return (unsigned)ev->kind >= 32 || !(t->o.events_hidden >> ev->kind & 1);
}

/* A WNOHANG wait that found no child to report: a poll. */
static bool is_poll(const struct pt_event *ev)
{
	return ev->kind == PT_EV_WAIT && !ev->stack && !ev->u.wait.err && ev->u.wait.ret == 0 && !ev->u.wait.child;
}

static bool same_poll(const struct pt_event *a, const struct pt_event *b)
{
	const struct pt_ev_wait *x = &a->u.wait, *y = &b->u.wait;
	return a->pid == b->pid && x->syscall == y->syscall && x->arch == y->arch && x->id == y->id &&
	       x->idtype == y->idtype && x->options == y->options && x->id_pid == y->id_pid;
}

static void print_event(struct text *t, FILE *f, const struct pt_event *ev)
{
	if ((unsigned)ev->kind < PT_EV__COUNT)   /* else no line of its own */
		printers[ev->kind](t, f, ev);
	if (t->o.explain)
		pt_explain_event(f, ev);
	if (ev->stack)
		pt_textfmt_stack(f, ev->stack);
}

static void print_held(struct text *t)
{
	if (!t->held_n)
		return;
	t->fold_n = t->held_n;
	print_event(t, t->fmt, &t->held);
	t->fold_n = 0;
	t->held_n = 0;
}

/* What stdio formatted goes to the lineout buffer, and out when due. */
static int text_out(struct text *t)
{
	/* The stream's write (to_buf) fails only for want of memory, which
	 * buf.oom tells; any other failure is stdio's own errno. */
	errno = 0;
	if (fflush(t->fmt) != 0 || t->out.buf.oom)
		return t->out.buf.oom ? -ENOMEM : -(errno ? errno : EIO);
	if (!t->out.cut || t->out.buf.len >= PT_LINEOUT_FLUSH) {
		int rc = pt_lineout_flush(&t->out);
		return rc > 0 ? 0 : rc;     /* interrupted: the rest goes at the next flush */
	}
	return 0;
}

static int text_emit(struct pt_sink *s, const struct pt_event *ev)
{
	struct text *t = (struct text *)s;
	if (!shown(t, ev))
		return 0;
	if (is_poll(ev) && t->held_n && same_poll(&t->held, ev)) {
		t->held_n++;
		return 0;
	}
	print_held(t);
	if (is_poll(ev)) {
		t->held = *ev;
		t->held_n = 1;
	} else {
		print_event(t, t->fmt, ev);
	}
	return text_out(t);
}

static int text_flush(struct pt_sink *s)
{
	return pt_lineout_flush(&((struct text *)s)->out);
}

static int text_finish(struct pt_sink *s)
{
	struct text *t = (struct text *)s;
	print_held(t);
	int rc = text_out(t);
	int rc2 = pt_lineout_finish(&t->out);
	return rc < 0 ? rc : rc2;
}

static void text_destroy(struct pt_sink *s)
{
	struct text *t = (struct text *)s;
	fclose(t->fmt);
	pt_lineout_free(&t->out);
	free(t);
}

static const struct pt_sink_ops text_ops = {
	.name = "text", .emit = text_emit, .finish = text_finish, .destroy = text_destroy, .flush = text_flush,
};

/* The formatting stream's write: what stdio formatted lands in out.buf. */
static ssize_t to_buf(void *cookie, const char *data, size_t n)
{
	struct pt_buf *b = cookie;
	pt_buf_add(b, data, n);
	return b->oom ? -1 : (ssize_t)n;
}

struct pt_sink *pt_sink_text_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	struct text *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (pt_lineout_init(&t->out, fp, owns_fp) < 0)
		goto fail;
	t->fmt = fopencookie(&t->out.buf, "w", (cookie_io_functions_t){.write = to_buf});
	if (!t->fmt)
		goto fail;
	t->base.ops = &text_ops;
	t->base.out = &t->out;
	t->o = *o;
	return &t->base;
fail:
	/* fp stays the caller's, as before */
	t->out.owns = false;
	pt_lineout_free(&t->out);
	free(t);
	errno = ENOMEM;
	return NULL;
}
