/* Emitting events (emit.c): the one way the tracer's handlers hand an event
 * to the sinks, and the clock its timestamps come from. */
#ifndef PT_TRACER_EMIT_H
#define PT_TRACER_EMIT_H

#include <stdint.h>

#include "tracer_int.h"

/* CLOCK_MONOTONIC in ns. */
uint64_t pt_now_ns(void);

/* Fills the common fields (ts, pid, tgid) and hands ev to every sink, then
 * frees the event's arena memory (T->arena). */
void pt_tracer_emit(struct pt_tracer *T, struct pt_event *ev, pid_t pid, pid_t tgid);
/* The two halves, for an event told after its task was restarted (the
 * exec event, exec.c): the stamp is the stop's time, the telling later;
 * T->arena must stay untouched between them. */
void pt_tracer_stamp(struct pt_tracer *T, struct pt_event *ev, pid_t pid, pid_t tgid);
void pt_tracer_tell(struct pt_tracer *T, const struct pt_event *ev);

/* The first event (it sets the clock's zero) and the last one. */
void pt_emit_start(struct pt_tracer *T);
void pt_emit_end(struct pt_tracer *T, int exit_status);

#endif
