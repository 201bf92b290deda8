/* The process-tree summary (--summary, report --format tree):
 *
 *   1201 sh -c "ls | wc -l"   0.412s  exited 0
 *   ├─1202 ls                 0.003s  exited 0  zombie 0.1ms, reaped by 1201
 *   └─1203 (fork) → sleep 1   1.002s  exited 0  orphan → reparented to 1 (init)
 *
 * When the log has rusage (the exit events' wait4 figures), two columns
 * follow the lifetime: the process's own CPU (user+sys, without the
 * children it reaped) and its peak RSS ("≤" when a reaped child's peak
 * hides its own).
 *
 * Two walks over the model: the first measures the columns, the second
 * prints, so each line is built twice but nothing is kept per process. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* Columns kept for the label after the pid: wider labels (an exec chain)
 * are cut to it, so the columns after it stay aligned.  Counted from after
 * the pid, so the cut does not move with the number of digits of a pid. */
#define LABEL_MAX_COLS 60
/* Per image of a process. */
#define ARGV_COLS 40
/* Deeper levels are drawn from a marker, not from the root. */
#define DEPTH_SHOWN 32

struct tree {
	struct pt_view v;
	bool measure;
	size_t label_cols, status_cols;
	struct pt_buf label, rest;
};

static void prefix(struct pt_buf *b, size_t depth, const bool *last)
{
	size_t from = 1;
	if (depth > DEPTH_SHOWN) {
		from = depth - DEPTH_SHOWN / 2;
		pt_buf_printf(b, "┄[depth %zu] ", depth);
	}
	for (size_t i = from; i < depth; i++)
		pt_buf_puts(b, last[i] ? "  " : "│ ");
	if (depth)
		pt_buf_puts(b, last[depth] ? "└─" : "├─");
}

/* The program(s) of a process: its images in order, or what it was a copy
 * of when it never exec'd. */
static void describe(struct pt_buf *b, const struct pt_mproc *p)
{
	if (p->is_thread) {
		pt_buf_puts(b, "[thread]");
		return;
	}
	if (!p->nimages) {
		pt_buf_printf(b, "(%s of ", p->spawned ? pt_spawn_kind_name(p->spawn_kind) : "fork");
		pt_buf_safe(b, pt_mproc_comm(p), 24);
		pt_buf_puts(b, ")");
		return;
	}
	/* It ran its parent's code first, long enough to fork. */
	if (p->forks_before_exec)
		pt_buf_puts(b, "(fork) → ");
	size_t i = 0;
	for (const struct pt_mimage *im = p->images; im; im = im->next, i++) {
		/* A long exec chain (wrappers): the first two and the last. */
		if (p->nimages > 4 && i >= 2 && im->next) {
			if (i == 2)
				pt_buf_printf(b, " → …%zu more", p->nimages - 3);
			continue;
		}
		if (i)
			pt_buf_puts(b, " → ");
		if (im->argc)
			pt_buf_argv(b, im->argv, im->argc, ARGV_COLS);
		else
			pt_buf_safe(b, im->comm, ARGV_COLS);
	}
}

static void note_sep(struct pt_buf *b, size_t *n)
{
	pt_buf_puts(b, (*n)++ ? "; " : "");
}

static void notes(struct tree *t, struct pt_buf *b, const struct pt_mproc *p)
{
	const struct pt_model *m = &t->v.m;
	char d[32];
	size_t n = 0;
	if (p->reaped && p->autoreap) {
		note_sep(b, &n);
		pt_buf_puts(b, "auto-reaped by the kernel (parent ignores SIGCHLD)");
	} else if (p->reaped && p == m->root && !pt_model_find(m, p->reaper)) {
		/* Reaped by ptrace-tour itself: not worth a note. */
	} else if (p->reaped) {
		note_sep(b, &n);
		pt_buf_printf(b, "zombie %s, ", pt_fmt_dur(p->zombie_ns, d, sizeof(d)));
		if (p->reaper)
			pt_buf_printf(b, "reaped by %d", (int)p->reaper);
		else
			pt_buf_puts(b, "reaped outside the trace");
	} else if (p->exited && !p->is_thread && m->have_end && m->events_only) {
		note_sep(b, &n);
		pt_buf_puts(b, "reaping not seen (--events-only)");
	} else if (p->exited && !p->is_thread && m->have_end) {
		note_sep(b, &n);
		pt_buf_puts(b, "never reaped (a zombie at the end)");
	}
	if (p->attached && !p->is_thread) {
		note_sep(b, &n);
		pt_buf_printf(b, "attached after %s", pt_fmt_dur(p->age_ns, d, sizeof(d)));
	}
	if (p->reparented) {
		note_sep(b, &n);
		pt_buf_printf(b, "orphan → reparented to %d (%s)", (int)p->reparent_to,
			      pt_reaper_role_text(p->reparent_role));
	}
	if (p->nfailed) {
		note_sep(b, &n);
		pt_buf_printf(b, "%zu failed exec%s", p->nfailed, p->nfailed == 1 ? "" : "s");
	}
	if (!p->is_thread && p->nthreads && !t->v.o.threads) {
		note_sep(b, &n);
		pt_buf_printf(b, "+%zu thread%s", p->nthreads, p->nthreads == 1 ? "" : "s");
	}
}

static int bound_pad(const char *s)
{
	return 7 + (int)(strlen(s) - pt_text_cols(s, strlen(s)));
}

static int line(struct pt_mproc *p, size_t depth, const bool *last, void *arg)
{
	struct tree *t = arg;
	const struct pt_model *m = &t->v.m;
	char status[64], life[32];
	t->label.len = t->rest.len = 0;
	prefix(&t->label, depth, last);
	size_t before_pid = t->label.len;
	pt_buf_printf(&t->label, "%d ", (int)p->pid);
	size_t pid_cols = t->label.len - before_pid;
	describe(&t->label, p);
	pt_buf_cut(&t->label, 0, LABEL_MAX_COLS + pid_cols);
	pt_fmt_status(m, p, status, sizeof(status));
	notes(t, &t->rest, p);
	if (t->label.oom || t->rest.oom)
		return -ENOMEM;
	size_t cols = pt_text_cols(t->label.s, t->label.len);
	if (t->measure) {
		if (cols > t->label_cols)
			t->label_cols = cols;   /* bounded by the cut above */
		if (strlen(status) > t->status_cols)
			t->status_cols = strlen(status);
		return 0;
	}
	uint64_t end = pt_mproc_end(m, p);
	uint64_t ns = end > p->t_start ? end - p->t_start : 0;
	pt_fmt_dur(ns, life, sizeof(life));
	FILE *f = t->v.out;
	fputs(t->label.s, f);
	fprintf(f, "%*s  %8s  ", (int)(cols < t->label_cols ? t->label_cols - cols : 0), "", life);
	if (m->have_rusage) {
		char cpu[32] = "-", rss[40] = "-", kb[32];
		uint64_t own, k;
		bool bound;
		if (pt_mproc_cpu(p, &own))
			pt_fmt_dur(own, cpu, sizeof(cpu));
		if (pt_mproc_rss(p, &k, &bound))
			snprintf(rss, sizeof(rss), "%s%s", bound ? "≤" : "", pt_fmt_kb(k, kb, sizeof(kb)));
		/* "≤" is one column of three bytes */
		fprintf(f, "cpu %8s  rss %*s  ", cpu, bound_pad(rss), rss);
	}
	if (t->rest.len)
		fprintf(f, "%-*s  %s\n", (int)t->status_cols, status, t->rest.s);
	else
		fprintf(f, "%s\n", status);
	return 0;
}

static int render(struct pt_view *v)
{
	struct tree *t = (struct tree *)v;
	t->measure = true;
	int rc = pt_model_walk(&v->m, v->o.threads, line, t);
	if (rc < 0)
		return rc;
	t->measure = false;
	return pt_model_walk(&v->m, v->o.threads, line, t);
}

static void cleanup(struct pt_view *v)
{
	struct tree *t = (struct tree *)v;
	pt_buf_free(&t->label);
	pt_buf_free(&t->rest);
}

static const struct pt_sink_ops tree_ops = {"tree", pt_view_emit, pt_view_finish, pt_view_destroy, NULL};

struct pt_sink *pt_view_tree_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	struct pt_view *v = pt_view_new(sizeof(struct tree), &tree_ops, fp, owns_fp, o);
	if (!v)
		return NULL;
	v->render = render;
	v->cleanup = cleanup;
	return &v->base;
}
