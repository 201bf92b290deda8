/* Fan-out of events to every sink. */
#include "pt/sink.h"

void pt_sinks_add(struct pt_sinks *ss, struct pt_sink *s)
{
	s->next = NULL;
	if (ss->tail)
		ss->tail->next = s;
	else
		ss->head = s;
	ss->tail = s;
}

void pt_sinks_emit(struct pt_sinks *ss, const struct pt_event *ev)
{
	for (struct pt_sink *s = ss->head; s; s = s->next) {
		int rc = s->ops->emit(s, ev);
		if (rc < 0 && !s->err)
			s->err = rc;
	}
}

int pt_sinks_finish(struct pt_sinks *ss)
{
	int first = 0;
	for (struct pt_sink *s = ss->head; s; s = s->next) {
		int rc = s->ops->finish ? s->ops->finish(s) : 0;
		if (rc < 0 && !s->err)
			s->err = rc;
		if (s->err && !first)
			first = s->err;
	}
	return first;
}

void pt_sinks_destroy(struct pt_sinks *ss)
{
	struct pt_sink *s = ss->head;
	while (s) {
		struct pt_sink *next = s->next;
		if (s->ops->destroy)
			s->ops->destroy(s);
		s = next;
	}
	ss->head = ss->tail = NULL;
}
