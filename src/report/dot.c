/* Graphviz digraph of the process tree (report --format dot): a node per
 * process (pid, program, command line, how it ended), an edge from parent
 * to child in spawn order, and a dashed edge from an orphan to the process
 * that adopted it.  Render with `dot -Tsvg`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "pt/escape.h"

#define ARGV_COLS 40

struct dot {
	struct pt_view v;
	struct pt_buf b;
	pid_t *outside;         /* adoptive parents not in the trace (init) */
	size_t noutside, cap;
};

static void label(struct dot *d, const struct pt_mproc *p)
{
	const struct pt_model *m = &d->v.m;
	struct pt_buf *b = &d->b;
	char status[64], dur[32];
	b->len = 0;
	pt_buf_printf(b, "%d ", (int)p->pid);
	pt_buf_safe(b, p->is_thread ? "[thread]" : pt_mproc_comm(p), 32);
	if (p->images_tail && p->images_tail->argc > 1) {
		pt_buf_puts(b, "\n");
		pt_buf_argv(b, p->images_tail->argv, p->images_tail->argc, ARGV_COLS);
	} else if (!p->images && !p->is_thread) {
		pt_buf_printf(b, "\n(%s, no exec)", p->spawned ? pt_spawn_kind_name(p->spawn_kind) : "fork");
	}
	if (p->attached && !p->is_thread)
		pt_buf_printf(b, "\nattached after %s", pt_fmt_dur(p->age_ns, dur, sizeof(dur)));
	else if (p->attached)
		pt_buf_puts(b, "\nattached");
	pt_buf_printf(b, "\n%s", pt_fmt_status(m, p, status, sizeof(status)));
	if (p->reaped && !p->autoreap && p->reaper && p != m->root)
		pt_buf_printf(b, ", zombie %s", pt_fmt_dur(p->zombie_ns, dur, sizeof(dur)));
	if (p->autoreap)
		pt_buf_puts(b, ", auto-reaped");
	if (p->nfailed)
		pt_buf_printf(b, "\n%zu failed exec%s", p->nfailed, p->nfailed == 1 ? "" : "s");
	if (!p->is_thread && p->nthreads && !d->v.o.threads)
		pt_buf_printf(b, "\n+%zu thread%s", p->nthreads, p->nthreads == 1 ? "" : "s");
}

/* Safe text (pt_buf_safe) as the inside of a dot string, newlines as
 * dot's "\n". */
static void dot_text(FILE *f, const char *s)
{
	pt_escape_dot(f, s, strlen(s));
}

static int node(struct pt_mproc *p, size_t depth, const bool *last, void *arg)
{
	struct dot *d = arg;
	const struct pt_model *m = &d->v.m;
	FILE *f = d->v.out;
	(void)depth;
	(void)last;
	label(d, p);
	if (d->b.oom)
		return -ENOMEM;
	fprintf(f, "\tt%u [label=\"", p->seq);
	dot_text(f, d->b.s);
	fprintf(f, "\", fillcolor=\"%s\"", pt_prog_color(pt_mproc_comm(p), true));
	if (p->is_thread)
		fputs(", shape=ellipse, style=\"filled,dotted\"", f);
	else if (p->exited && p->status.kind == PT_WS_SIGNALED)
		fputs(", color=\"#c0392b\", penwidth=2", f);
	else if (!p->exited)
		fputs(", style=\"rounded,filled,dashed\"", f);
	/* Running before the trace (-p): a double border (its attach time
	 * is in the label) */
	if (p->attached)
		fputs(", peripheries=2", f);
	fputs("];\n", f);
	if (p->parent)
		fprintf(f, "\tt%u -> t%u%s;\n", p->parent->seq, p->seq, p->is_thread ? " [style=dotted]" : "");
	if (!p->reparented)
		return 0;
	/* The tree stays the spawn tree (constraint=false): the adoption is
	 * a note on it. */
	struct pt_mproc *np = pt_model_find(m, p->reparent_to);
	if (np && !np->is_thread) {
		fprintf(f, "\tt%u -> t%u [style=dashed, constraint=false, color=\"#888888\", label=\"reparented\"];\n",
			p->seq, np->seq);
		return 0;
	}
	fprintf(f, "\tt%u -> x%d [style=dashed, color=\"#888888\", label=\"reparented\"];\n", p->seq,
		(int)p->reparent_to);
	if (d->noutside == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		pid_t *o = realloc(d->outside, cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		d->outside = o;
		d->cap = cap;
	}
	d->outside[d->noutside++] = p->reparent_to;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

static int render(struct pt_view *v)
{
	struct dot *d = (struct dot *)v;
	const struct pt_model *m = &v->m;
	FILE *f = v->out;
	d->b.len = 0;
	pt_buf_puts(&d->b, "ptrace-tour: ");
	pt_buf_argv(&d->b, m->argv, m->argc, 60);
	if (d->b.oom)
		return -ENOMEM;
	fputs("digraph ptrace_tour {\n\tgraph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"", f);
	dot_text(f, d->b.s);
	fputs("\"];\n"
	      "\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n"
	      "\tedge [color=\"#555555\", arrowsize=0.6, fontname=\"Helvetica\", fontsize=8];\n",
	      f);
	int rc = pt_model_walk(m, v->o.threads, node, d);
	if (rc < 0)
		return rc;
	if (d->noutside)   /* qsort(NULL, 0) is undefined */
		qsort(d->outside, d->noutside, sizeof(*d->outside), cmp_pid);
	for (size_t i = 0; i < d->noutside; i++)
		if (!i || d->outside[i] != d->outside[i - 1])
			fprintf(f, "\tx%d [label=\"%d%s\", shape=ellipse, style=dashed];\n", (int)d->outside[i],
				(int)d->outside[i], d->outside[i] == 1 ? " (init)" : " (not traced)");
	fputs("}\n", f);
	return 0;
}

static void cleanup(struct pt_view *v)
{
	struct dot *d = (struct dot *)v;
	pt_buf_free(&d->b);
	free(d->outside);
}

static const struct pt_sink_ops dot_ops = {"dot", pt_view_emit, pt_view_finish, pt_view_destroy, NULL};

struct pt_sink *pt_view_dot_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	struct pt_view *v = pt_view_new(sizeof(struct dot), &dot_ops, fp, owns_fp, o);
	if (!v)
		return NULL;
	v->render = render;
	v->cleanup = cleanup;
	return &v->base;
}
