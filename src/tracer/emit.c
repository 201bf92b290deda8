/* Emitting events: the clock, the common fields of every event, the
 * fan-out to the sinks and the reset of the per-event arena; and the start
 * and end events of a trace.  Every handler emits through here, so none of
 * them needs the loop. */
#include <string.h>
#include <time.h>

#include "emit.h"
#include "pt/procfs.h"

uint64_t pt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void pt_tracer_stamp(struct pt_tracer *T, struct pt_event *ev, pid_t pid, pid_t tgid)
{
	uint64_t now = pt_now_ns();
	if (ev->kind == PT_EV_START)
		T->t0 = now;
	ev->ts_ns = now - T->t0;
	ev->pid = pid;
	ev->tgid = tgid;
}

void pt_tracer_tell(struct pt_tracer *T, const struct pt_event *ev)
{
	pt_sinks_emit(T->sinks, ev);
	pt_arena_reset(&T->arena);
}

void pt_tracer_emit(struct pt_tracer *T, struct pt_event *ev, pid_t pid, pid_t tgid)
{
	pt_tracer_stamp(T, ev, pid, tgid);
	pt_tracer_tell(T, ev);
}

void pt_emit_start(struct pt_tracer *T)
{
	struct pt_event ev = {.kind = PT_EV_START};
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	ev.u.start.version = PT_TRACE_FORMAT_VERSION;
	ev.u.start.tool_version = PT_VERSION;
	ev.u.start.realtime_ns = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	ev.u.start.argv = (const char *const *)T->opt->argv;
	ev.u.start.argc = (size_t)T->opt->argc;
	if (T->attach_mode) {
		/* the command line of the first PID: what is traced */
		struct pt_env cmd;
		if (pt_procfs_read_cmdline(T->root, &T->arena, &cmd) == 0) {
			ev.u.start.argv = cmd.v;
			ev.u.start.argc = cmd.n;
		}
		ev.u.start.attach = T->opt->attach;
		ev.u.start.nattach = T->opt->nattach;
	}
	ev.u.start.seccomp = T->opt->seccomp;
	ev.u.start.events_only = T->opt->events_only;
	pt_tracer_emit(T, &ev, T->root, T->root);
}

void pt_emit_end(struct pt_tracer *T, int exit_status)
{
	struct pt_event ev = {.kind = PT_EV_END};
	ev.u.end.exit_status = exit_status;
	ev.u.end.root = T->root_status;
	ev.u.end.interrupted = T->interrupted != 0;
	ev.u.end.by_signal = T->interrupted;
	ev.u.end.detached = T->ndetached > 0;
	ev.u.end.left_running = T->ndetached;
	for (int i = 0; i < PT_STOP__COUNT; i++)
		if (i != PT_STOP_DEATH)
			ev.u.end.stops += T->stops[i];
	pt_tracer_emit(T, &ev, T->root, T->root);
}
