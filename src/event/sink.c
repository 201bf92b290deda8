/* Fan-out of events to every sink, and the whole-line writer of the sinks
 * that write as they go. */
#include "pt/sink.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
	if (s->out && ss->give_up_ms)
		s->out->give_up_ms = ss->give_up_ms;
}

void pt_sinks_bound(struct pt_sinks *ss, int ms)
{
	ss->give_up_ms = ms;
	for (struct pt_sink *s = ss->head; s; s = s->next)
		if (s->out)
			s->out->give_up_ms = ms;
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
	const char *who = ss->who ? ss->who : "ptrace-tour", *name = s->label ? s->label : s->ops->name;
	const char *cause = s->out ? s->out->cause : NULL;
	if (cause == pt_lineout_gave_up)
		fprintf(stderr, "%s: gave up writing %s: %s; nothing more is written to it\n", who, name, cause);
	else if (cause)
		fprintf(stderr, "%s: cannot write %s: %s: %s; nothing more is written to it\n", who, name, cause,
			strerror(-rc));
	else
		fprintf(stderr, "%s: cannot write %s: %s; nothing more is written to it\n", who, name, strerror(-rc));
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
		else if (rc > 0)
			ss->dirty = true;       /* interrupted: the rest goes next time */
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
 * newline (docs/trace-format.md: a log only ever holds whole lines).
 * good is only right while we alone write to the fd: in -o FILE mode the
 * summary sink writes the same FILE through stdio, which is why it must be
 * finished after this one (main.c adds it after the text sink, and the
 * fan-out finishes in order).  Should that ever change, the offset tells:
 * then nothing is cut rather than the wrong bytes. */
static void cut_back(struct pt_lineout *o, size_t done)
{
	if (!o->cut)
		return;
	if (lseek(o->fd, 0, SEEK_CUR) != o->good + (off_t)done) {
		o->cut = false;
		return;
	}
	size_t keep = done;
	while (keep && o->buf.s[keep - 1] != '\n')
		keep--;
	off_t end = o->good + (off_t)keep;
	/* Best effort: the write's errno is what we report. */
	if (ftruncate(o->fd, end) == 0)
		lseek(o->fd, end, SEEK_SET);
	o->good = end;
}

const char pt_lineout_gave_up[] = "the reader is not reading";

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* With a bound: wait for room, at most until deadline.  0, or -errno with
 * o->cause set. */
static int wait_room(struct pt_lineout *o, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			o->cause = pt_lineout_gave_up;
			return -ETIMEDOUT;
		}
		struct pollfd p = {.fd = o->fd, .events = POLLOUT};
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR) {
			o->cause = "waiting for the reader (poll) failed";
			return -errno;
		}
	}
}

int pt_lineout_flush(struct pt_lineout *o)
{
	size_t n = o->buf.len, done = o->sent;
	int rc = 0;
	if (n == done)
		return 0;
	if (o->fd < 0) {
		if (fwrite(o->buf.s, 1, n, o->fp) != n || fflush(o->fp) != 0)
			rc = -(errno ? errno : EIO);
		o->buf.len = 0;
		return rc;
	}
	int64_t deadline = o->give_up_ms ? now_ms() + o->give_up_ms : 0;
	while (done < n) {
		size_t chunk = n - done;
		if (o->give_up_ms) {
			/* No write may block past the deadline: wait for room
			 * first, then write no more than a pipe then takes
			 * without blocking (POLLOUT: at least a page free). */
			if ((rc = wait_room(o, deadline)) < 0)
				break;
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		ssize_t w = write(o->fd, o->buf.s + done, chunk);
		if (w > 0) {
			done += (size_t)w;
			if (o->give_up_ms)
				deadline = now_ms() + o->give_up_ms;    /* progress */
			else if ((size_t)w < chunk)
				goto interrupted;   /* a blocking write is cut short only by a signal */
			continue;
		}
		if (w < 0 && errno == EINTR) {
			if (o->give_up_ms)
				continue;
			goto interrupted;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* A non-blocking terminal or pipe we inherited: wait for
			 * room instead of dropping lines. */
			if (o->give_up_ms)
				continue;       /* wait_room, bounded */
			struct pollfd p = {.fd = o->fd, .events = POLLOUT};
			if (poll(&p, 1, -1) >= 0)
				continue;
			if (errno == EINTR)
				goto interrupted;
			o->cause = "waiting for the reader (poll) failed";
			rc = -errno;
			break;
		}
		rc = w < 0 ? -errno : -EIO;   /* write(2) returns 0 for n > 0 on no file we know */
		break;
	}
	if (rc < 0)
		cut_back(o, done);
	else
		o->good += (off_t)n;
	o->buf.len = o->sent = 0;
	return rc;

interrupted:;
	/* Keep what is unwritten; the head of a line already out is
	 * remembered in sent, so it is neither lost nor written twice.  What
	 * went out up to the last newline is whole lines, on disk. */
	size_t whole = done;
	while (whole && o->buf.s[whole - 1] != '\n')
		whole--;
	o->good += (off_t)whole;
	memmove(o->buf.s, o->buf.s + whole, n - whole);
	o->buf.len = n - whole;
	o->sent = done - whole;
	return 1;
}

int pt_lineout_finish(struct pt_lineout *o)
{
	int rc = pt_lineout_flush(o);
	if (rc > 0) {
		/* A signal at the end: someone wants us gone; the rest gets a
		 * bounded time. */
		int saved = o->give_up_ms;
		o->give_up_ms = saved ? saved : PT_SINK_GIVE_UP_MS;
		rc = pt_lineout_flush(o);
		o->give_up_ms = saved;
	}
	return rc;
}

void pt_lineout_free(struct pt_lineout *o)
{
	pt_buf_free(&o->buf);
	if (o->owns && o->fp)
		fclose(o->fp);
	o->fp = NULL;
}
