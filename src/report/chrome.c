/* Chrome Trace Event JSON (report --format chrome), for ui.perfetto.dev and
 * chrome://tracing: a track per process (and per thread), an "X" slice per
 * exec'd image and for the time before the first exec, a zombie slice from
 * exit to reap, instants for signals, stops, continues and failed execs,
 * a flow arrow from the parent at each fork, the exit's rusage as args,
 * and the critical path as a slice over each link's life.
 *
 * Every string goes through pt_escape_json: valid JSON whatever the bytes
 * (invalid UTF-8 as \udcXX, as in the log). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pt/escape.h"
#include "model.h"
#include "pt/tables.h"

struct chrome {
	struct pt_view v;
	bool first;             /* no comma before the first event */
};

static void jstr(FILE *f, const char *s)
{
	pt_escape_json(f, s ? s : "", s ? strlen(s) : 0);
}

/* Microseconds with the nanoseconds kept: "1234.567". */
static void jus(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned)(ns % 1000));
}

/* Opens an event: {"ph":"X","name":NAME,"pid":P,"tid":T,"ts":TS */
static void head(struct chrome *c, const char *ph, const char *name, const char *cat, pid_t pid, pid_t tid,
		 uint64_t ts)
{
	FILE *f = c->v.out;
	fputs(c->first ? "\n" : ",\n", f);
	c->first = false;
	fprintf(f, "{\"ph\":\"%s\",\"name\":", ph);
	jstr(f, name);
	if (cat)
		fprintf(f, ",\"cat\":\"%s\"", cat);
	fprintf(f, ",\"pid\":%d,\"tid\":%d", (int)pid, (int)tid);
	jus(f, "ts", ts);
}

static void meta(struct chrome *c, const char *what, pid_t pid, pid_t tid, const struct pt_mproc *p)
{
	FILE *f = c->v.out;
	char name[64];
	snprintf(name, sizeof(name), "%d ", (int)p->pid);
	fputs(c->first ? "\n" : ",\n", f);
	c->first = false;
	fprintf(f, "{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%d,\"tid\":%d,\"args\":{\"name\":", what, (int)pid, (int)tid);
	/* "PID comm" in one JSON string: the comm is raw bytes. */
	struct pt_buf b = {0};
	pt_buf_puts(&b, name);
	pt_buf_puts(&b, pt_mproc_comm(p));
	jstr(f, b.s ? b.s : name);
	pt_buf_free(&b);
	fputs("}}", f);
}

static void slice(struct chrome *c, const char *name, const char *cat, pid_t pid, pid_t tid, uint64_t from,
		  uint64_t to)
{
	head(c, "X", name, cat, pid, tid, from);
	jus(c->v.out, "dur", to > from ? to - from : 0);
}

static void marks(struct chrome *c, const struct pt_mproc *t)
{
	FILE *f = c->v.out;
	char name[96], sig[32];
	for (const struct pt_mmark *k = t->marks; k; k = k->next) {
		switch ((enum pt_mark_kind)k->kind) {
		case PT_MARK_SIGNAL:
			head(c, "i", pt_signal_name(k->code, sig, sizeof(sig)), "signal", t->tgid, t->pid, k->ts);
			fprintf(f, ",\"s\":\"t\",\"args\":{\"si_code\":%d", k->si_code);
			if (k->sender)
				fprintf(f, ",\"sender\":%d", (int)k->sender);
			fputc('}', f);
			break;
		case PT_MARK_STOP:
			snprintf(name, sizeof(name), "stopped (%s)", pt_signal_name(k->code, sig, sizeof(sig)));
			head(c, "i", name, "stop", t->tgid, t->pid, k->ts);
			fputs(",\"s\":\"t\"", f);
			break;
		case PT_MARK_CONT:
			head(c, "i", "continued", "stop", t->tgid, t->pid, k->ts);
			fputs(",\"s\":\"t\"", f);
			break;
		case PT_MARK_EXEC_FAILED: {
			const char *e = pt_errno_name(k->code);
			snprintf(name, sizeof(name), "exec failed: %s", e ? e : "?");
			head(c, "i", name, "exec", t->tgid, t->pid, k->ts);
			fputs(",\"s\":\"t\",\"args\":{\"path\":", f);
			jstr(f, k->path);
			fputc('}', f);
			break;
		}
		}
		fputc('}', f);
	}
}

/* The program a process ran when it was attached (-p): its first image,
 * from the attach event, is no exec: category "attach", another colour
 * ("cname", which chrome://tracing honours), and how long it had run. */
static void image(struct chrome *c, const struct pt_mproc *p, const struct pt_mimage *im, uint64_t to)
{
	FILE *f = c->v.out;
	bool att = p->attached && im == p->images;
	slice(c, im->comm, att ? "attach" : "exec", p->pid, p->pid, im->ts, to);
	if (att)
		fprintf(f, ",\"cname\":\"grey\",\"args\":{\"attached\":true,\"running_before_ns\":%" PRIu64 ",\"argv\":[",
			p->age_ns);
	else
		fputs(",\"args\":{\"argv\":[", f);
	for (size_t i = 0; i < im->argc; i++) {
		fputs(i ? "," : "", f);
		jstr(f, im->argv[i]);
	}
	fputs("],\"path\":", f);
	jstr(f, im->path);
	if (im->argv_cut)
		fputs(",\"argv_truncated\":true", f);
	fputs("}}", f);
}

static void process(struct chrome *c, const struct pt_mproc *p)
{
	const struct pt_model *m = &c->v.m;
	FILE *f = c->v.out;
	char name[96];
	uint64_t end = pt_mproc_end(m, p);
	meta(c, "process_name", p->pid, p->pid, p);
	fputs(c->first ? "\n" : ",\n", f);
	fprintf(f, "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%d,\"tid\":%d,\"args\":{\"sort_index\":%u}}",
		(int)p->pid, (int)p->pid, p->seq);
	if (p->attached)   /* Perfetto shows a process's labels beside its name */
		fprintf(f, ",\n{\"ph\":\"M\",\"name\":\"process_labels\",\"pid\":%d,\"tid\":%d,\"args\":{\"labels\":\"attached\"}}",
			(int)p->pid, (int)p->pid);
	/* Before its first exec, a process runs its parent's program; the
	 * slice is also where the fork arrow lands. */
	uint64_t first = p->images ? p->images->ts : end;
	if (first > p->t_start || !p->images) {
		struct pt_buf b = {0};
		pt_buf_puts(&b, p->fork_comm ? p->fork_comm : "?");
		pt_buf_printf(&b, " (%s)", p->spawned ? pt_spawn_kind_name(p->spawn_kind) : p == m->root ? "launch" : "fork");
		slice(c, b.s, "fork", p->pid, p->pid, p->t_start, first);
		fputc('}', f);
		pt_buf_free(&b);
	}
	for (const struct pt_mimage *im = p->images; im; im = im->next)
		image(c, p, im, im->next ? im->next->ts : end);
	if (p->exited) {
		pt_fmt_status(m, p, name, sizeof(name));
		head(c, "i", name, "exit", p->pid, p->pid, p->t_exit);
		fputs(",\"s\":\"t\"", f);
		uint64_t own;
		if (pt_mproc_cpu(p, &own)) {
			/* The kernel's figures as the exit event has them, and
			 * the process's own CPU (without its reaped children). */
			const struct pt_rusage *r = &p->ru;
			fprintf(f,
				",\"args\":{\"cpu_own_ns\":%" PRIu64 ",\"utime_ns\":%" PRIu64 ",\"stime_ns\":%" PRIu64
				",\"maxrss_kb\":%" PRIu64 ",\"minflt\":%" PRIu64 ",\"majflt\":%" PRIu64 ",\"nvcsw\":%" PRIu64
				",\"nivcsw\":%" PRIu64 "}",
				own, r->utime_ns, r->stime_ns, r->maxrss_kb, r->minflt, r->majflt, r->nvcsw, r->nivcsw);
		}
		fputc('}', f);
		slice(c, "zombie", "zombie", p->pid, p->pid, p->t_exit, pt_mproc_gone(m, p));
		fputs(",\"args\":{\"reaped_by\":", f);
		if (p->reaped && p->reaper)
			fprintf(f, "%d", (int)p->reaper);
		else
			fputs("null", f);
		fprintf(f, ",\"autoreap\":%s,\"reaped\":%s}}", p->autoreap ? "true" : "false",
			p->reaped ? "true" : "false");
	}
	if (p->reparented) {
		snprintf(name, sizeof(name), "reparented to %d (%s)", (int)p->reparent_to,
			 pt_reaper_role_text(p->reparent_role));
		head(c, "i", name, "reparent", p->pid, p->pid, p->t_reparent);
		fputs(",\"s\":\"p\"}", f);
	}
	marks(c, p);
	if (p->spawned && p->parent) {
		/* One arrow per fork: "s" in the slice of the forking task, "f"
		 * bound to the child's first slice ("e": enclosing). */
		head(c, "s", "fork", "fork", p->parent->pid, p->spawner, p->t_start);
		fprintf(f, ",\"id\":%u,\"bp\":\"e\"}", p->seq);
		head(c, "f", "fork", "fork", p->pid, p->pid, p->t_start);
		fprintf(f, ",\"id\":%u,\"bp\":\"e\"}", p->seq);
	}
}

static void thread(struct chrome *c, const struct pt_mproc *t)
{
	meta(c, "thread_name", t->tgid, t->pid, t);
	slice(c, "thread", "thread", t->tgid, t->pid, t->t_start, pt_mproc_end(&c->v.m, t));
	if (t->attached)
		fputs(",\"cname\":\"grey\",\"args\":{\"attached\":true}", c->v.out);
	fputc('}', c->v.out);
	marks(c, t);
}

/* The critical path: on each link's own track, a slice over its whole
 * life enclosing its other slices, "critical path (38 %)" (its share of
 * the root's wall time), so the chain reads from track to track. */
static int critical_slices(struct chrome *c)
{
	const struct pt_model *m = &c->v.m;
	FILE *f = c->v.out;
	struct pt_mproc **path;
	char name[64];
	long n = pt_model_critical_path(m, &path);
	if (n <= 0)
		return (int)n;
	uint64_t total = pt_mproc_wall(m, path[0]);
	for (long i = 0; i < n; i++) {
		const struct pt_mproc *p = path[i];
		uint64_t w = pt_mproc_wall(m, p);
		double share = total ? 100.0 * (double)w / (double)total : 0.0;
		snprintf(name, sizeof(name), "critical path (%.0f %%)", share);
		slice(c, name, "critical", p->pid, p->pid, p->t_start, p->t_start + w);
		fprintf(f, ",\"args\":{\"link\":%ld,\"of\":%ld,\"share\":%.3f}}", i + 1, n, share / 100.0);
	}
	free(path);
	return 0;
}

static int render(struct pt_view *v)
{
	struct chrome *c = (struct chrome *)v;
	const struct pt_model *m = &v->m;
	FILE *f = v->out;
	c->first = true;
	fputs("{\"traceEvents\":[", f);
	for (size_t i = 0; i < m->ntasks; i++) {
		if (m->tasks[i]->is_thread)
			thread(c, m->tasks[i]);
		else
			process(c, m->tasks[i]);
	}
	int rc = critical_slices(c);
	if (rc < 0)
		return rc;
	fputs("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"tool\":", f);
	struct pt_buf b = {0};
	pt_buf_puts(&b, "ptrace-tour ");
	pt_buf_puts(&b, m->tool_version ? m->tool_version : "");
	jstr(f, b.s);
	pt_buf_free(&b);
	fputs(",\"argv\":[", f);
	for (size_t i = 0; i < m->argc; i++) {
		fputs(i ? "," : "", f);
		jstr(f, m->argv[i]);
	}
	fprintf(f, "],\"realtime_ns\":%" PRIu64 "}}\n", m->realtime_ns);
	return 0;
}

static const struct pt_sink_ops chrome_ops = {"chrome", pt_view_emit, pt_view_finish, pt_view_destroy, NULL};

struct pt_sink *pt_view_chrome_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	struct pt_view *v = pt_view_new(sizeof(struct chrome), &chrome_ops, fp, owns_fp, o);
	if (!v)
		return NULL;
	v->render = render;
	return &v->base;
}
