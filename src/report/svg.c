/* A self-contained SVG timeline (report --format svg), drawn without
 * Graphviz: a row per process in tree order, its lifetime as bars coloured
 * by program (the time before its first exec in the pale colour of the
 * parent's program), a hatched zombie segment from exit until reaped,
 * markers for execs, signals, stops and failed execs, and a line from the
 * parent's row to the child's at each fork.
 *
 * Rows shrink down to MIN_ROWH as processes are added; labels are thinned
 * when rows get thinner than a line of text, and past MAX_ROWS processes
 * are packed into lanes (a lane takes the next process that starts after
 * its last one is gone).  Text is made safe (no control bytes, valid UTF-8:
 * XML 1.0 forbids most control characters even as references) and then
 * XML-escaped. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "pt/escape.h"
#include "pt/tables.h"
#include "pt/util.h"

#define WIDTH 1200.0
#define LABEL_W 210.0       /* the label column, when there are labels */
#define RIGHT_PAD 24.0
#define TOP 64.0            /* title, subtitle, axis */
#define MAX_ROWH 18.0
#define MIN_ROWH 3.0
#define TARGET_H 1500.0     /* rows shrink to fit this, down to MIN_ROWH */
#define MAX_ROWS 1000       /* more processes: packed into lanes */
#define PACKED_MAX_H 3000.0
#define LABEL_MIN_ROWH 8.0  /* thinner rows: a label every few rows */
#define LEGEND_PROGS 12

struct svg {
	struct pt_view v;
	struct pt_buf b;
	struct pt_mproc **row_task;   /* per row (unpacked): its task */
	uint16_t *row_depth;
	size_t nrows, nlanes;
	int32_t *row_of;              /* per task seq: its row, -1 for none */
	bool packed;
	bool attached;                /* some task was running before the trace (-p) */
	double rowh, x0, pw, y0;
	uint64_t t0, span;
	const char *legend[LEGEND_PROGS];   /* the programs run most, most first */
	unsigned legend_color[LEGEND_PROGS];
	size_t nlegend, legend_lines;
	bool *critical;               /* per task seq: on the critical path */
};

/* Text made safe, then escaped for XML character data and attributes. */
static void xml_text(FILE *f, const char *s)
{
	pt_escape_xml(f, s, strlen(s));
}

static void xml_safe(struct svg *g, const char *s, size_t maxcols)
{
	g->b.len = 0;
	pt_buf_safe(&g->b, s, maxcols);
	xml_text(g->v.out, g->b.s ? g->b.s : "");
}

static double xt(const struct svg *g, uint64_t t)
{
	return g->x0 + (double)(t > g->t0 ? t - g->t0 : 0) * g->pw / (double)g->span;
}

static double yrow(const struct svg *g, size_t row)
{
	return g->y0 + (double)row * g->rowh;
}

/* A program's colour: the legend's programs get distinct ones (each starts
 * at its hash's colour and moves on while that is taken, so the choice is
 * stable for the same programs); the rest share by hash. */
static const char *color(const struct svg *g, const char *comm, bool light)
{
	for (size_t i = 0; i < g->nlegend; i++)
		if (!strcmp(g->legend[i], comm))
			return pt_palette(g->legend_color[i], light);
	return pt_prog_color(comm, light);
}

static void assign_colors(struct svg *g)
{
	bool used[PT_PALETTE_SIZE] = {false};
	for (size_t i = 0; i < g->nlegend; i++) {
		unsigned c = pt_hash_str(g->legend[i]) % PT_PALETTE_SIZE;
		for (unsigned k = 0; k < PT_PALETTE_SIZE && used[c]; k++)
			c = (c + 1) % PT_PALETTE_SIZE;
		used[c] = true;
		g->legend_color[i] = c;
	}
}

/* ---- layout ---- */

static int add_row(struct pt_mproc *p, size_t depth, const bool *last, void *arg)
{
	struct svg *g = arg;
	(void)last;
	g->row_of[p->seq] = (int32_t)g->nrows;
	g->row_task[g->nrows] = p;
	g->row_depth[g->nrows++] = (uint16_t)(depth > 0xffff ? 0xffff : depth);
	return 0;
}

struct lane {
	uint64_t free_at;
	uint32_t idx;
};

static void heap_down(struct lane *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && h[l].free_at < h[m].free_at)
			m = l;
		if (r < n && h[r].free_at < h[m].free_at)
			m = r;
		if (m == i)
			return;
		struct lane t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void heap_up(struct lane *h, size_t i)
{
	while (i && h[(i - 1) / 2].free_at > h[i].free_at) {
		struct lane t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/* Greedy interval packing in start order (the tasks are in creation
 * order): the lane that frees first takes the next process if it is free
 * by then.  O(n log n). */
static int pack(struct svg *g, bool threads)
{
	const struct pt_model *m = &g->v.m;
	struct lane *h = malloc((m->ntasks + 1) * sizeof(*h));
	uint64_t gap = g->span / 400;    /* keeps neighbours in a lane apart */
	size_t n = 0;
	if (!h)
		return -ENOMEM;
	for (size_t i = 0; i < m->ntasks; i++) {
		struct pt_mproc *p = m->tasks[i];
		if (p->is_thread && !threads)
			continue;
		uint32_t lane;
		if (n && h[0].free_at <= p->t_start) {
			lane = h[0].idx;
			h[0].free_at = pt_mproc_gone(m, p) + gap;
			heap_down(h, n, 0);
		} else {
			lane = (uint32_t)n;
			h[n].idx = lane;
			h[n].free_at = pt_mproc_gone(m, p) + gap;
			heap_up(h, n++);
		}
		g->row_of[p->seq] = (int32_t)lane;
	}
	g->nrows = n;
	free(h);
	return 0;
}

static int layout(struct svg *g)
{
	const struct pt_model *m = &g->v.m;
	bool threads = g->v.o.threads;
	size_t n = m->ntasks;
	g->row_of = malloc((n + 1) * sizeof(*g->row_of));
	g->row_task = malloc((n + 1) * sizeof(*g->row_task));
	g->row_depth = malloc((n + 1) * sizeof(*g->row_depth));
	if (!g->row_of || !g->row_task || !g->row_depth)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		g->row_of[i] = -1;
	uint64_t end = m->have_end ? m->end_ts : m->t_last;
	g->t0 = m->t_first;
	g->span = end > g->t0 ? end - g->t0 : 1;
	size_t shown = threads ? n : m->nprocs;
	g->packed = shown > MAX_ROWS;
	int rc = g->packed ? pack(g, threads) : pt_model_walk(m, threads, add_row, g);
	if (rc < 0)
		return rc;
	double h = g->nrows ? TARGET_H / (double)g->nrows : MAX_ROWH;
	double min = MIN_ROWH;
	if (g->packed && g->nrows > MAX_ROWS) {
		/* Thousands of processes alive at once do not pack: lanes go
		 * below a pixel (blended into a density picture) rather than
		 * the picture growing without bound. */
		h = PACKED_MAX_H / (double)g->nrows;
		min = 0.1;
	}
	g->rowh = h > MAX_ROWH ? MAX_ROWH : h < min ? min : h;
	g->x0 = (g->packed ? 16.0 : LABEL_W) + 8.0;
	g->pw = WIDTH - g->x0 - RIGHT_PAD;
	g->y0 = TOP;
	return 0;
}

/* ---- drawing ---- */

/* A tick step of 1, 2 or 5 times a power of ten giving 6 to 12 ticks. */
static uint64_t tick_step(uint64_t span)
{
	uint64_t raw = span / 8 ? span / 8 : 1, p = 1;
	while (p * 10 <= raw)
		p *= 10;
	return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

static void axis(struct svg *g, double bottom)
{
	static const struct {
		uint64_t ns;
		const char *unit;
	} units[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "us"}, {1, "ns"}};
	FILE *f = g->v.out;
	uint64_t step = tick_step(g->span);
	size_t u = 0;
	while (units[u].ns > step && u + 1 < PT_N_ELEMENTS(units))
		u++;
	fputs("<g class=\"axis\" font-size=\"10\" fill=\"#444444\">\n", f);
	for (uint64_t t = 0; t <= g->span; t += step) {
		double x = xt(g, g->t0 + t);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n", x,
			g->y0 - 4, x, bottom);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%g%s</text>\n", x, g->y0 - 7,
			(double)t / (double)units[u].ns, t ? units[u].unit : "");
	}
	fputs("</g>\n", f);
}

static void fork_lines(struct svg *g)
{
	const struct pt_model *m = &g->v.m;
	FILE *f = g->v.out;
	fprintf(f, "<g class=\"forks\" stroke=\"#555555\" stroke-width=\"0.8\" stroke-opacity=\"%s\">\n",
		g->packed ? "0.25" : "0.6");
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct pt_mproc *p = m->tasks[i];
		if (!p->spawned || !p->parent || g->row_of[p->seq] < 0 || g->row_of[p->parent->seq] < 0)
			continue;
		double x = xt(g, p->t_start);
		double y1 = yrow(g, (size_t)g->row_of[p->parent->seq]) + g->rowh / 2;
		double y2 = yrow(g, (size_t)g->row_of[p->seq]) + g->rowh / 2;
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", x, y1, x, y2);
	}
	fputs("</g>\n", f);
}

static void rect(FILE *f, double x1, double x2, double y, double h, const char *fill)
{
	double w = x2 - x1 < 0.6 ? 0.6 : x2 - x1;   /* short lives stay visible */
	fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n", x1, y, w, h, fill);
}

static void tooltip(struct svg *g, const struct pt_mproc *p)
{
	const struct pt_model *m = &g->v.m;
	FILE *f = g->v.out;
	char st[64], d[32];
	fprintf(f, "<title>%d ", (int)p->pid);
	g->b.len = 0;
	if (p->images_tail && p->images_tail->argc)
		pt_buf_argv(&g->b, p->images_tail->argv, p->images_tail->argc, 120);
	else
		pt_buf_safe(&g->b, pt_mproc_comm(p), 40);
	xml_text(f, g->b.s ? g->b.s : "");
	uint64_t end = pt_mproc_end(m, p);
	fprintf(f, " | %s after %s", pt_fmt_status(m, p, st, sizeof(st)),
		pt_fmt_dur(end > p->t_start ? end - p->t_start : 0, d, sizeof(d)));
	if (p->reaped && !p->autoreap)
		fprintf(f, " | zombie %s", pt_fmt_dur(p->zombie_ns, d, sizeof(d)));
	if (p->reparented)
		fprintf(f, " | reparented to %d", (int)p->reparent_to);
	if (p->attached && p->is_thread)
		fputs(" | attached: running before the trace", f);
	else if (p->attached)
		fprintf(f, " | attached: running %s before the trace", pt_fmt_dur(p->age_ns, d, sizeof(d)));
	uint64_t own, kb;
	bool bound;
	if (pt_mproc_cpu(p, &own) && pt_mproc_rss(p, &kb, &bound)) {
		uint64_t wall = end > p->t_start ? end - p->t_start : 0;
		char k[32];
		fprintf(f, " | cpu %s", pt_fmt_dur(own, d, sizeof(d)));
		if (wall)
			fprintf(f, " (%.0f%% of its wall time)", 100.0 * (double)own / (double)wall);
		fprintf(f, ", peak rss %s%s", bound ? "≤" : "", pt_fmt_kb(kb, k, sizeof(k)));
	}
	if (g->critical && g->critical[p->seq])
		fputs(" | on the critical path", f);
	fputs("</title>\n", f);
}

static void marks(struct svg *g, const struct pt_mproc *t, double ymid, double r)
{
	FILE *f = g->v.out;
	for (const struct pt_mmark *k = t->marks; k; k = k->next) {
		double x = xt(g, k->ts);
		switch ((enum pt_mark_kind)k->kind) {
		case PT_MARK_SIGNAL:
			/* SIGCHLD comes with every child's end: drawn quietly. */
			if (k->code == SIGCHLD && g->packed)
				break;   /* one per child: noise when children are packed */
			if (k->code == SIGCHLD)
				fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"#777777\"/>\n", x, ymid, r * 0.6);
			else
				fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"#d62728\" stroke=\"#000000\" stroke-width=\"0.6\"/>\n",
					x, ymid, r);
			break;
		case PT_MARK_STOP:
		case PT_MARK_CONT:
			fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" stroke=\"#000000\" stroke-width=\"0.6\"/>\n",
				x - r, ymid - r, 2 * r, 2 * r, k->kind == PT_MARK_STOP ? "#ff7f0e" : "#2ca02c");
			break;
		case PT_MARK_EXEC_FAILED:
			fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"none\" stroke=\"#222222\" stroke-width=\"0.8\"/>\n",
				x, ymid, r);
			break;
		}
	}
}

static void task_row(struct svg *g, const struct pt_mproc *p)
{
	const struct pt_model *m = &g->v.m;
	FILE *f = g->v.out;
	double y = yrow(g, (size_t)g->row_of[p->seq]);
	double bh = g->rowh * (g->rowh >= 6 ? 0.7 : 0.85), by = y + (g->rowh - bh) / 2, ymid = y + g->rowh / 2;
	double r = bh * 0.4 < 1 ? 1 : bh * 0.4 > 4 ? 4 : bh * 0.4;
	uint64_t end = pt_mproc_end(m, p);
	uint64_t first = p->images ? p->images->ts : end;
	fputs("<g>", f);
	tooltip(g, p);
	if (first > p->t_start || !p->images)
		rect(f, xt(g, p->t_start), xt(g, first), by, bh, color(g, p->fork_comm ? p->fork_comm : "?", true));
	for (const struct pt_mimage *im = p->images; im; im = im->next)
		rect(f, xt(g, im->ts), xt(g, im->next ? im->next->ts : end), by, bh, color(g, im->comm, false));
	/* Only a process is a zombie: a thread that ends is gone at once (its
	 * group's leader is the one that waits as a zombie, in its process's
	 * row). */
	if (p->exited && !p->became_leader && !p->is_thread)
		rect(f, xt(g, p->t_exit), xt(g, pt_mproc_gone(m, p)), by, bh, "url(#zombie)");
	/* Running before the trace (-p): its bar starts at the attach, and
	 * the program it was running then is shaded (the attach event is its
	 * first image; a later exec is drawn as any). */
	if (p->attached) {
		uint64_t to = p->images && p->images->next ? p->images->next->ts : end;
		double x1 = xt(g, p->t_start), w = xt(g, to) - x1 < 0.6 ? 0.6 : xt(g, to) - x1;
		fprintf(f, "<rect class=\"attached\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"url(#attached)\"/>\n",
			x1, by, w, bh);
	}
	/* An exec boundary: where the program changed in place.  Not in
	 * packed lanes, where hundreds of short processes would make a
	 * barcode of them: the colour change says as much. */
	for (const struct pt_mimage *im = p->images; im && g->rowh >= 4 && !g->packed; im = im->next)
		if (im != p->images || first > p->t_start)
			fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#111111\" stroke-width=\"1.2\"/>\n",
				xt(g, im->ts), y, xt(g, im->ts), y + g->rowh);
	marks(g, p, ymid, r);
	if (!p->is_thread && !g->v.o.threads)
		for (const struct pt_mproc *t = p->threads; t; t = t->sibling)
			marks(g, t, ymid, r);
	if (p->exited && p->status.kind == PT_WS_SIGNALED) {
		double x = xt(g, p->t_exit), s = r + 1;
		fprintf(f, "<path d=\"M%.2f %.2fL%.2f %.2fM%.2f %.2fL%.2f %.2f\" stroke=\"#d62728\" stroke-width=\"1.6\"/>\n",
			x - s, ymid - s, x + s, ymid + s, x - s, ymid + s, x + s, ymid - s);
	}
	/* The critical path: an outline around the link's whole life. */
	if (g->critical && g->critical[p->seq])
		fprintf(f, "<rect class=\"critical\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" "
			   "stroke=\"#d62728\" stroke-width=\"1.5\"/>\n",
			xt(g, p->t_start), by, xt(g, end) - xt(g, p->t_start), bh);
	if (p->reparented) {
		double x = xt(g, p->t_reparent);
		fprintf(f, "<path d=\"M%.2f %.2fL%.2f %.2fL%.2f %.2fL%.2f %.2fZ\" fill=\"#ffffff\" stroke=\"#333333\" stroke-width=\"0.8\"/>\n",
			x, ymid - r - 1, x + r + 1, ymid, x, ymid + r + 1, x - r - 1, ymid);
	}
	fputs("</g>\n", f);
}

static void labels(struct svg *g)
{
	FILE *f = g->v.out;
	if (g->packed)
		return;
	double font = g->rowh - 2 > 11 ? 11 : g->rowh - 2;
	size_t every = 1;
	if (g->rowh < LABEL_MIN_ROWH) {
		/* One label per ~9px, small: enough to find one's way. */
		font = 7.5;
		every = (size_t)(9.0 / g->rowh + 0.999);
	}
	fprintf(f, "<g class=\"labels\" font-size=\"%.1f\" fill=\"#222222\">\n", font);
	for (size_t i = 0; i < g->nrows; i += every) {
		const struct pt_mproc *p = g->row_task[i];
		double indent = 8.0 * (g->row_depth[i] > 12 ? 12 : g->row_depth[i]);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">%d ", 6 + indent, yrow(g, i) + g->rowh / 2 + font * 0.35,
			(int)p->pid);
		xml_safe(g, p->is_thread ? "[thread]" : pt_mproc_comm(p), 24 - (size_t)(indent / 8));
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct legend_prog {
	const char *name;
	size_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct legend_prog *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

static double legend_width(struct svg *g, const char *name)
{
	g->b.len = 0;
	pt_buf_safe(&g->b, name, 18);
	return 16 + 6.5 * (double)pt_text_cols(g->b.s ? g->b.s : "", g->b.len) + 16;
}

/* The programs with the most images, counted by sorting the names: exact
 * and O(n log n) whatever the number of programs.  Also how many lines the
 * legend takes, so the height is known before anything is drawn. */
static int legend_collect(struct svg *g)
{
	const struct pt_model *m = &g->v.m;
	size_t n = 0, k = 0;
	for (size_t i = 0; i < m->ntasks; i++)
		n += m->tasks[i]->nimages;
	const char **names = malloc((n + 1) * sizeof(*names));
	struct legend_prog *runs = malloc((n + 1) * sizeof(*runs));
	int rc = -ENOMEM;
	if (!names || !runs)
		goto out;
	n = 0;
	for (size_t i = 0; i < m->ntasks; i++)
		for (const struct pt_mimage *im = m->tasks[i]->images; im; im = im->next)
			names[n++] = im->comm;
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!k || strcmp(runs[k - 1].name, names[i]))
			runs[k++] = (struct legend_prog){names[i], 0};
		runs[k - 1].n++;
	}
	if (k)
		qsort(runs, k, sizeof(*runs), by_count);
	double x = 12;
	g->legend_lines = 1;
	for (g->nlegend = 0; g->nlegend < k && g->nlegend < LEGEND_PROGS; g->nlegend++) {
		double w = legend_width(g, runs[g->nlegend].name);
		if (x + w > WIDTH - 12) {
			x = 12;
			g->legend_lines++;
		}
		x += w;
		g->legend[g->nlegend] = runs[g->nlegend].name;
	}
	assign_colors(g);
	rc = 0;
out:
	free(names);
	free(runs);
	return rc;
}

static void legend(struct svg *g, double y)
{
	FILE *f = g->v.out;
	double x = 12;
	fputs("<g class=\"legend\" font-size=\"11\" fill=\"#222222\">\n", f);
	for (size_t i = 0; i < g->nlegend; i++) {
		double w = legend_width(g, g->legend[i]);
		if (x + w > WIDTH - 12) {
			x = 12;
			y += 18;
		}
		fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"12\" height=\"10\" fill=\"%s\"/>", x, y - 9,
			color(g, g->legend[i], false));
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", x + 16, y);
		xml_text(f, g->b.s ? g->b.s : "");
		fputs("</text>\n", f);
		x += w;
	}
	if (g->nlegend)
		y += 22;
	fprintf(f,
		"<rect x=\"12\" y=\"%.2f\" width=\"24\" height=\"10\" fill=\"#a0cbe8\"/><text x=\"40\" y=\"%.2f\">before exec (parent's program, pale)</text>\n"
		"<rect x=\"260\" y=\"%.2f\" width=\"24\" height=\"10\" fill=\"url(#zombie)\"/><text x=\"288\" y=\"%.2f\">zombie: exited, not yet reaped</text>\n"
		"<line x1=\"500\" y1=\"%.2f\" x2=\"500\" y2=\"%.2f\" stroke=\"#111111\" stroke-width=\"1.2\"/><text x=\"506\" y=\"%.2f\">exec</text>\n"
		"<line x1=\"548\" y1=\"%.2f\" x2=\"548\" y2=\"%.2f\" stroke=\"#555555\"/><text x=\"554\" y=\"%.2f\">fork</text>\n"
		"<circle cx=\"600\" cy=\"%.2f\" r=\"3.5\" fill=\"#d62728\" stroke=\"#000000\" stroke-width=\"0.6\"/><text x=\"608\" y=\"%.2f\">signal</text>\n"
		"<circle cx=\"660\" cy=\"%.2f\" r=\"2.2\" fill=\"#777777\"/><text x=\"666\" y=\"%.2f\">SIGCHLD</text>\n"
		"<rect x=\"727\" y=\"%.2f\" width=\"7\" height=\"7\" fill=\"#ff7f0e\" stroke=\"#000000\" stroke-width=\"0.6\"/><text x=\"738\" y=\"%.2f\">stop</text>\n"
		"<rect x=\"775\" y=\"%.2f\" width=\"7\" height=\"7\" fill=\"#2ca02c\" stroke=\"#000000\" stroke-width=\"0.6\"/><text x=\"786\" y=\"%.2f\">continue</text>\n"
		"<circle cx=\"846\" cy=\"%.2f\" r=\"3.5\" fill=\"none\" stroke=\"#222222\"/><text x=\"854\" y=\"%.2f\">failed exec</text>\n"
		"<path d=\"M924 %.2fL930 %.2fM924 %.2fL930 %.2f\" stroke=\"#d62728\" stroke-width=\"1.6\"/><text x=\"936\" y=\"%.2f\">killed</text>\n"
		"<path d=\"M984 %.2fL988 %.2fL984 %.2fL980 %.2fZ\" fill=\"#ffffff\" stroke=\"#333333\"/><text x=\"994\" y=\"%.2f\">reparented</text>\n"
		"</g>\n",
		y - 9, y, y - 9, y, y - 10, y + 1, y, y - 10, y + 1, y, y - 4, y, y - 4, y, y - 7.5, y, y - 7.5, y, y - 4,
		y, y - 7, y - 1, y - 1, y - 7, y, y - 8, y - 4, y, y - 4, y);
	if (g->attached)
		fprintf(f, "<g class=\"legend\" font-size=\"11\" fill=\"#222222\"><rect x=\"1080\" y=\"%.2f\" width=\"24\" "
			   "height=\"10\" fill=\"#4e79a7\"/><rect x=\"1080\" y=\"%.2f\" width=\"24\" height=\"10\" "
			   "fill=\"url(#attached)\"/><text x=\"1108\" y=\"%.2f\">attached</text></g>\n",
			y - 9, y - 9, y);
}

static void title(struct svg *g)
{
	const struct pt_model *m = &g->v.m;
	FILE *f = g->v.out;
	char d[32];
	fputs("<text x=\"12\" y=\"20\" font-size=\"14\" font-weight=\"bold\">ptrace-tour: ", f);
	g->b.len = 0;
	pt_buf_argv(&g->b, m->argv, m->argc, 120);
	xml_text(f, g->b.s ? g->b.s : "");
	fprintf(f, "</text>\n<text x=\"12\" y=\"38\" font-size=\"11\" fill=\"#444444\">%zu process%s", m->nprocs,
		m->nprocs == 1 ? "" : "es");
	if (m->ntasks > m->nprocs)
		fprintf(f, ", %zu thread%s", m->ntasks - m->nprocs, m->ntasks - m->nprocs == 1 ? "" : "s");
	fprintf(f, " in %s", pt_fmt_dur(g->span, d, sizeof(d)));
	if (m->have_end)
		fprintf(f, ", exit status %d%s", m->end.exit_status, m->end.interrupted ? " (interrupted)" : "");
	else
		fputs(", the log is cut short", f);
	if (g->packed)
		fprintf(f, "; packed into %zu lanes, no labels", g->nrows);
	else if (g->rowh < LABEL_MIN_ROWH)
		fputs("; labels thinned (hover a row for its details)", f);
	fputs("</text>\n", f);
}

static int render(struct pt_view *v)
{
	struct svg *g = (struct svg *)v;
	FILE *f = v->out;
	int rc = layout(g);
	if (rc < 0)
		return rc;
	struct pt_mproc **path;
	long n = pt_model_critical_path(&v->m, &path);
	if (n < 0 || !(g->critical = calloc(v->m.ntasks + 1, sizeof(*g->critical)))) {
		if (n >= 0)
			free(path);
		return -ENOMEM;
	}
	for (long i = 0; i < n; i++)
		g->critical[path[i]->seq] = true;
	free(path);
	if ((rc = legend_collect(g)) < 0)
		return rc;
	for (size_t i = 0; i < v->m.ntasks && !g->attached; i++)
		g->attached = v->m.tasks[i]->attached;
	double bottom = g->y0 + (double)g->nrows * g->rowh;
	/* Program lines from bottom + 28, 18 apart, then the marker key. */
	double height = bottom + 28 + (g->nlegend ? (double)(g->legend_lines - 1) * 18 + 22 : 0) + 12;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
		"<defs><pattern id=\"zombie\" patternUnits=\"userSpaceOnUse\" width=\"4\" height=\"4\" "
		"patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#f0f0f0\"/>"
		"<rect width=\"1.2\" height=\"4\" fill=\"#777777\"/></pattern>%s</defs>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
		WIDTH, height, WIDTH, height,
		/* pale stripes the other way than a zombie's, over the program's colour */
		g->attached ? "<pattern id=\"attached\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" "
			      "patternTransform=\"rotate(-45)\"><rect width=\"2.2\" height=\"5\" fill=\"#ffffff\" "
			      "fill-opacity=\"0.6\"/></pattern>"
			    : "");
	title(g);
	axis(g, bottom);
	/* Below a pixel per row, fork lines merge into a solid wedge hiding
	 * the bars. */
	if (g->rowh >= 1)
		fork_lines(g);
	const struct pt_model *m = &v->m;
	for (size_t i = 0; i < m->ntasks; i++)
		if (g->row_of[m->tasks[i]->seq] >= 0)
			task_row(g, m->tasks[i]);
	labels(g);
	legend(g, bottom + 28);
	fputs("</svg>\n", f);
	return g->b.oom ? -ENOMEM : 0;
}

static void cleanup(struct pt_view *v)
{
	struct svg *g = (struct svg *)v;
	free(g->critical);
	pt_buf_free(&g->b);
	free(g->row_task);
	free(g->row_depth);
	free(g->row_of);
}

static const struct pt_sink_ops svg_ops = {"svg", pt_view_emit, pt_view_finish, pt_view_destroy, NULL};

struct pt_sink *pt_view_svg_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	struct pt_view *v = pt_view_new(sizeof(struct svg), &svg_ops, fp, owns_fp, o);
	if (!v)
		return NULL;
	v->render = render;
	v->cleanup = cleanup;
	return &v->base;
}
