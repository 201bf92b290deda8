/* Fan-out of events to every sink, and the whole-line writer of the sinks
 * that write as they go. */
#include "pt/sink.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void pt_sinks_add(struct pt_sinks *ss, struct pt_sink *s)
{
	s->next = NULL;
	if (ss->tail)
		ss->tail->next = s;
	else
		ss->head = s;
	ss->tail = s;
}

int pt_sink_set_label(struct pt_sink *s, const char *what, const char *path)
{
	char *l = NULL;
	if (path ? asprintf(&l, "%s '%s'", what, path) < 0 : !(l = strdup(what)))
		return -ENOMEM;
	free(s->label);
	s->label = l;
	return 0;
}

/* A sink failed: it is fed no more, and says so now, in one line with the
 * real errno, rather than at the end (the trace may run for hours). */
static void failed(struct pt_sinks *ss, struct pt_sink *s, int rc)
{
	if (s->err)
		return;
	s->err = rc;
	fprintf(stderr, "%s: cannot write %s: %s; nothing more is written to it\n", ss->who ? ss->who : "ptrace-tour",
		s->label ? s->label : s->ops->name, strerror(-rc));
}

void pt_sinks_emit(struct pt_sinks *ss, const struct pt_event *ev)
{
	ss->dirty = true;
	for (struct pt_sink *s = ss->head; s; s = s->next) {
		if (s->err)
			continue;
		int rc = s->ops->emit(s, ev);
		if (rc < 0)
			failed(ss, s, rc);
	}
}

void pt_sinks_flush(struct pt_sinks *ss)
{
	if (!ss->dirty)
		return;
	ss->dirty = false;
	for (struct pt_sink *s = ss->head; s; s = s->next) {
		if (s->err || !s->ops->flush)
			continue;
		int rc = s->ops->flush(s);
		if (rc < 0)
			failed(ss, s, rc);
	}
}

int pt_sinks_finish(struct pt_sinks *ss)
{
	int first = 0;
	for (struct pt_sink *s = ss->head; s; s = s->next) {
		int rc = !s->err && s->ops->finish ? s->ops->finish(s) : 0;
		if (rc < 0)
			failed(ss, s, rc);
		if (s->err && !first)
			first = s->err;
	}
	ss->dirty = false;
	return first;
}

void pt_sinks_destroy(struct pt_sinks *ss)
{
	struct pt_sink *s = ss->head;
	while (s) {
		struct pt_sink *next = s->next;
		free(s->label);
		if (s->ops->destroy)
			s->ops->destroy(s);
		s = next;
	}
	ss->head = ss->tail = NULL;
}

/* ---- whole-line output ---- */

int pt_lineout_init(struct pt_lineout *o, FILE *fp, bool owns)
{
	memset(o, 0, sizeof(*o));
	if (!pt_buf_reserve(&o->buf, 2 * PT_LINEOUT_FLUSH))
		return -ENOMEM;
	o->fp = fp;
	o->owns = owns;
	o->fd = fileno(fp);     /* -1 for glibc's memory streams */
	if (o->fd >= 0) {
		struct stat st;
		/* Whatever stdio holds goes first: we write under it from now. */
		fflush(fp);
		o->good = lseek(o->fd, 0, SEEK_CUR);
		/* Only a regular file of our own can be cut back: in a shared one
		 * (stderr redirected to a file) the traced program writes too,
		 * and cutting could erase its output. */
		o->cut = owns && o->good >= 0 && fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode);
	}
	return 0;
}

/* The write failed after `done` bytes of buf reached the file: cut it back
 * to the end of the last whole line among them, so the file ends with a
 * newline (docs/trace-format.md: a log only ever holds whole lines). */
static void cut_back(struct pt_lineout *o, size_t done)
{
	if (!o->cut)
		return;
	size_t keep = done;
	while (keep && o->buf.s[keep - 1] != '\n')
		keep--;
	off_t end = o->good + (off_t)keep;
	/* Best effort: the write's errno is what we report. */
	if (ftruncate(o->fd, end) == 0)
		lseek(o->fd, end, SEEK_SET);
	o->good = end;
}

int pt_lineout_flush(struct pt_lineout *o)
{
	size_t n = o->buf.len, done = 0;
	int rc = 0;
	if (!n)
		return 0;
	if (o->fd < 0) {
		if (fwrite(o->buf.s, 1, n, o->fp) != n || fflush(o->fp) != 0)
			rc = -(errno ? errno : EIO);
		o->buf.len = 0;
		return rc;
	}
	while (done < n) {
		ssize_t w = write(o->fd, o->buf.s + done, n - done);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* A non-blocking terminal or pipe we inherited: wait for
			 * room instead of dropping lines. */
			struct pollfd p = {.fd = o->fd, .events = POLLOUT};
			if (poll(&p, 1, -1) >= 0 || errno == EINTR)
				continue;
		}
		rc = w < 0 ? -errno : -EIO;   /* write(2) returns 0 for n > 0 on no file we know */
		cut_back(o, done);
		break;
	}
	if (!rc)
		o->good += (off_t)n;
	o->buf.len = 0;
	return rc;
}

void pt_lineout_free(struct pt_lineout *o)
{
	pt_buf_free(&o->buf);
	if (o->owns && o->fp)
		fclose(o->fp);
	o->fp = NULL;
}
