/* Lifecycle statistics (report --format stats), like `strace -c` but
 * counting forks, execs, waits, signals, exits and zombie time per program.
 *
 * Counts that belong to the moment of an event (who forked, who waited)
 * are taken as the events go by, against the program the task ran then;
 * times and exits come from the model at the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "pt/util.h"
#include "pt/tables.h"

#define NSIG_MAX 128
#define NAME_COLS 24

/* The counters of a program, in the order of the table's columns. */
enum {
	C_PROCS, C_EXECS, C_FAILED, C_FORKS, C_THREADS, C_WAITS, C_SIGNALS, C_STOPS, C_BAD_EXITS,
	C_RUN_NS, C_ZOMBIES, C_ZOMBIE_NS, C_ZOMBIE_MAX, C__COUNT
};

/* Which columns are durations; the others are counts.  C_ZOMBIE_MAX is a
 * maximum, summed as one. */
static const bool is_dur[C__COUNT] = {[C_RUN_NS] = true, [C_ZOMBIE_NS] = true, [C_ZOMBIE_MAX] = true};

struct prog {
	const char *name;       /* in the model's arena */
	uint64_t n[C__COUNT];
};

struct stats {
	struct pt_view v;
	struct prog *progs;
	size_t nprogs, cap;
	struct pt_hash names;   /* struct name by pt_hash_str of the name */
	uint64_t spawn_kinds[PT_SPAWN__COUNT];
	uint64_t wait_child, wait_none, wait_err;
	uint64_t sig[NSIG_MAX + 1];      /* [NSIG_MAX]: any other number */
	uint64_t stop_sig[NSIG_MAX + 1];
};

/* A program's entry in the name hash (in the model's arena). */
struct name {
	struct pt_hnode hnode;
	size_t idx;             /* into progs */
};

/* The row of a program, added on first sight; NULL when out of memory.
 * name must outlive the sink (the model's strings do). */
static struct prog *prog(struct stats *s, const char *name)
{
	uint32_t h = pt_hash_str(name);
	for (struct pt_hnode *n = pt_hash_find(&s->names, h); n; n = pt_hash_find_next(n)) {
		struct prog *p = &s->progs[pt_container_of(n, struct name, hnode)->idx];
		if (!strcmp(p->name, name))
			return p;
	}
	if (s->nprogs == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct prog *p = realloc(s->progs, cap * sizeof(*p));
		if (!p)
			return NULL;
		s->progs = p;
		s->cap = cap;
	}
	struct name *e = pt_arena_alloc(&s->v.m.arena, sizeof(*e));
	if (!e || pt_hash_add(&s->names, &e->hnode, h) < 0)
		return NULL;
	e->idx = s->nprogs;
	struct prog *p = &s->progs[s->nprogs++];
	memset(p, 0, sizeof(*p));
	p->name = name;
	return p;
}

/* The program of the task an event is about, as it is now. */
static struct prog *prog_of(struct stats *s, pid_t pid)
{
	struct pt_mproc *t = pt_model_find(&s->v.m, pid);
	return prog(s, t ? pt_mproc_comm(t) : "?");
}

static int sig_index(int sig)
{
	return sig > 0 && sig < NSIG_MAX ? sig : NSIG_MAX;
}

static int on_event(struct pt_view *v, const struct pt_event *ev)
{
	struct stats *s = (struct stats *)v;
	struct prog *p = NULL;
	if ((unsigned)ev->kind >= PT_EV__COUNT)
		return 0;
	/* Every kind, no default: a kind added to events.def fails -Wswitch
	 * here until the stats say whether they count it. */
	switch (ev->kind) {
	case PT_EV_SPAWN:
		if (ev->u.spawn.kind < PT_SPAWN__COUNT)
			s->spawn_kinds[ev->u.spawn.kind]++;
		if ((p = prog_of(s, ev->pid)) && ev->u.spawn.kind == PT_SPAWN_THREAD)
			p->n[C_THREADS]++;
		else if (p)
			p->n[C_FORKS]++;
		break;
	case PT_EV_EXEC:
		if ((p = prog_of(s, ev->pid)))
			p->n[C_EXECS]++;
		break;
	case PT_EV_EXEC_FAILED: {
		/* Counted for the program that could not be run: a typo'd
		 * command shows up by its name. */
		const char *name = pt_arena_strdup(&v->m.arena, pt_basename(ev->u.exec_failed.path ? ev->u.exec_failed.path : "?"));
		if (name && (p = prog(s, name)))
			p->n[C_FAILED]++;
		break;
	}
	case PT_EV_WAIT:
		if ((p = prog_of(s, ev->pid)))
			p->n[C_WAITS]++;
		if (ev->u.wait.err)
			s->wait_err++;
		else if (ev->u.wait.child > 0)
			s->wait_child++;
		else
			s->wait_none++;
		break;
	case PT_EV_SIGNAL:
		if ((p = prog_of(s, ev->pid)))
			p->n[C_SIGNALS]++;
		s->sig[sig_index(ev->u.signal.sig)]++;
		break;
	case PT_EV_STOPPED:
		if ((p = prog_of(s, ev->pid)))
			p->n[C_STOPS]++;
		s->stop_sig[sig_index(ev->u.stopped.sig)]++;
		break;
	case PT_EV_START:
	case PT_EV_ATTACH:
	case PT_EV_SYSCALL:
	case PT_EV_CONTINUED:
	case PT_EV_EXIT:
	case PT_EV_REAP:
	case PT_EV_REPARENT:
	case PT_EV_END:
		/* no per-program counter: the event table counts them (the
		 * model's kind_count), the exit table reads the model */
		return 0;
	}
	return p ? 0 : -ENOMEM;
}

/* ---- an aligned table ---- */

struct cell {
	char s[96];
};

struct table {
	struct cell *c;
	size_t ncols, nrows, cap;
	unsigned left;          /* bit k: column k is text, left-aligned (column 0 always) */
};

static struct cell *row(struct table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct cell *c = realloc(t->c, cap * t->ncols * sizeof(*c));
		if (!c)
			return NULL;
		t->c = c;
		t->cap = cap;
	}
	struct cell *r = &t->c[t->nrows++ * t->ncols];
	memset(r, 0, t->ncols * sizeof(*r));
	return r;
}

/* A header row from a NULL-terminated list. */
static int head(struct table *t, const char *const *names)
{
	struct cell *c = row(t);
	for (size_t k = 0; c && names[k] && k < t->ncols; k++)
		snprintf(c[k].s, sizeof(c[k].s), "%s", names[k]);
	return c ? 0 : -ENOMEM;
}

static size_t cell_cols(const struct cell *c)
{
	return pt_text_cols(c->s, strlen(c->s));
}

#define MAX_COLS 16

static void print_table(FILE *f, const struct table *t)
{
	size_t w[MAX_COLS] = {0};
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t k = 0; k < t->ncols; k++)
			if (cell_cols(&t->c[r * t->ncols + k]) > w[k])
				w[k] = cell_cols(&t->c[r * t->ncols + k]);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t used = t->ncols;
		while (used > 1 && !t->c[r * t->ncols + used - 1].s[0])
			used--;   /* no trailing blanks */
		for (size_t k = 0; k < used; k++) {
			const struct cell *c = &t->c[r * t->ncols + k];
			int pad = (int)(w[k] - cell_cols(c));
			bool left = k == 0 || (t->left >> k & 1);
			fputs(k ? "  " : "", f);
			if (left)
				fprintf(f, "%s%*s", c->s, k + 1 < used ? pad : 0, "");
			else
				fprintf(f, "%*s%s", pad, "", c->s);
		}
		fputc('\n', f);
	}
}

static void safe_cell(struct cell *c, const char *s, size_t maxcols)
{
	struct pt_buf b = {0};
	pt_buf_safe(&b, s, maxcols);
	snprintf(c->s, sizeof(c->s), "%s", b.s ? b.s : "");
	pt_buf_free(&b);
}

static void num(struct cell *c, uint64_t n)
{
	snprintf(c->s, sizeof(c->s), "%llu", (unsigned long long)n);
}

static void dur(struct cell *c, uint64_t ns)
{
	if (ns)
		pt_fmt_dur(ns, c->s, sizeof(c->s));
	else
		snprintf(c->s, sizeof(c->s), "-");
}

/* ---- at the end ---- */

struct exits {
	uint64_t exited[256], killed[NSIG_MAX + 1][2], running;
	uint64_t reaped, outside, autoreaped, unreaped, to_init, to_subreaper;
	uint64_t zombie_ns, zombie_max;
	const struct pt_mproc *zombie_max_p;
};

/* Times, processes, exits and zombies per program, from the model. */
static int account(struct stats *s, struct exits *x)
{
	const struct pt_model *m = &s->v.m;
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct pt_mproc *p = m->tasks[i];
		if (p->is_thread)
			continue;
		uint64_t end = pt_mproc_end(m, p);
		uint64_t first = p->images ? p->images->ts : end;
		/* Before its first exec a process runs its parent's program;
		 * the root's is ptrace-tour launching it: not the traced work. */
		struct prog *g;
		if (p != m->root || !p->images) {
			if (!(g = prog(s, p->fork_comm ? p->fork_comm : "?")))
				return -ENOMEM;
			g->n[C_RUN_NS] += first > p->t_start ? first - p->t_start : 0;
			g->n[C_PROCS] += !p->images;
		}
		const char *prev = NULL;
		for (const struct pt_mimage *im = p->images; im; im = im->next) {
			uint64_t to = im->next ? im->next->ts : end;
			if (!(g = prog(s, im->comm)))
				return -ENOMEM;
			g->n[C_RUN_NS] += to > im->ts ? to - im->ts : 0;
			g->n[C_PROCS] += !prev || strcmp(prev, im->comm);
			prev = im->comm;
		}
		if (!(g = prog(s, pt_mproc_comm(p))))
			return -ENOMEM;
		if (!p->exited)
			x->running++;
		else if (p->status.kind == PT_WS_SIGNALED)
			x->killed[sig_index(p->status.code)][p->status.core]++;
		else
			x->exited[p->status.code & 0xff]++;
		g->n[C_BAD_EXITS] += p->exited && (p->status.kind != PT_WS_EXITED || p->status.code != 0);
		/* a pid namespace's init is that namespace's init */
		x->to_init += p->reparented && p->reparent_role != PT_REAPER_SUBREAPER;
		x->to_subreaper += p->reparented && p->reparent_role == PT_REAPER_SUBREAPER;
		x->unreaped += p->exited && !p->reaped;
		if (!p->reaped)
			continue;
		if (p->autoreap) {
			x->autoreaped++;
			continue;
		}
		/* The root is reaped by ptrace-tour: no program's doing. */
		if (p == m->root)
			continue;
		x->reaped += p->reaper != 0;
		x->outside += p->reaper == 0;
		g->n[C_ZOMBIES]++;
		g->n[C_ZOMBIE_NS] += p->zombie_ns;
		x->zombie_ns += p->zombie_ns;
		if (p->zombie_ns > g->n[C_ZOMBIE_MAX])
			g->n[C_ZOMBIE_MAX] = p->zombie_ns;
		if (p->zombie_ns >= x->zombie_max) {
			x->zombie_max = p->zombie_ns;
			x->zombie_max_p = p;
		}
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct prog *x = a, *y = b;
	if (x->n[C_RUN_NS] != y->n[C_RUN_NS])
		return x->n[C_RUN_NS] > y->n[C_RUN_NS] ? -1 : 1;
	return strcmp(x->name, y->name);
}

static const char *const prog_head[] = {"program", "procs", "execs", "failed", "forks", "threads", "waits",
					"signals", "stops", "bad exits", "lifetime", "zombies", "zombie total",
					"zombie max", NULL};

static int prog_table(struct stats *s, FILE *f)
{
	struct table t = {.ncols = 1 + C__COUNT};
	struct prog total = {.name = "total"};
	struct cell *c;
	int rc = -ENOMEM;
	/* The name hash indexes the old order: no lookups after this. */
	if (s->nprogs)   /* qsort(NULL, 0) is undefined */
		qsort(s->progs, s->nprogs, sizeof(*s->progs), by_time);
	if (head(&t, prog_head) < 0)
		goto out;
	for (size_t i = 0; i <= s->nprogs; i++) {
		struct prog *p = i < s->nprogs ? &s->progs[i] : &total;
		for (size_t k = 0; i < s->nprogs && k < C__COUNT; k++) {
			if (k == C_ZOMBIE_MAX)
				total.n[k] = p->n[k] > total.n[k] ? p->n[k] : total.n[k];
			else
				total.n[k] += p->n[k];
		}
		if (!(c = row(&t)))
			goto out;
		safe_cell(&c[0], p->name, NAME_COLS);
		for (size_t k = 0; k < C__COUNT; k++) {
			if (is_dur[k])
				dur(&c[1 + k], p->n[k]);
			else
				num(&c[1 + k], p->n[k]);
		}
	}
	print_table(f, &t);
	rc = 0;
out:
	free(t.c);
	return rc;
}

static int event_table(struct stats *s, FILE *f)
{
	static const char *const names[] = {"event", "count", "", NULL};
	const struct pt_model *m = &s->v.m;
	struct table t = {.ncols = 3, .left = 1u << 2};
	struct cell *c;
	int rc = -ENOMEM;
	if (head(&t, names) < 0)
		goto out;
	for (int k = 0; k < PT_EV__COUNT; k++) {
		if (k == PT_EV_ATTACH && !m->kind_count[k])
			continue;       /* only a -p trace has them */
		if (!(c = row(&t)))
			goto out;
		snprintf(c[0].s, sizeof(c[0].s), "%s", pt_event_kind_name(k));
		num(&c[1], m->kind_count[k]);
		size_t n = 0;
		if (k == PT_EV_SPAWN)
			for (unsigned i = 0; i < PT_SPAWN__COUNT; i++)
				if (s->spawn_kinds[i] && n < sizeof(c[2].s))
					n += (size_t)snprintf(c[2].s + n, sizeof(c[2].s) - n, "%s%s %llu", n ? ", " : "",
							      pt_spawn_kind_name(i), (unsigned long long)s->spawn_kinds[i]);
		if (k == PT_EV_WAIT && m->kind_count[k])
			snprintf(c[2].s, sizeof(c[2].s), "%llu reported a child, %llu nothing yet, %llu failed",
				 (unsigned long long)s->wait_child, (unsigned long long)s->wait_none,
				 (unsigned long long)s->wait_err);
	}
	print_table(f, &t);
	rc = 0;
out:
	free(t.c);
	return rc;
}

static int signal_table(struct stats *s, FILE *f)
{
	static const char *const names[] = {"signal", "delivered", "group-stops", NULL};
	struct table t = {.ncols = 3};
	struct cell *c;
	char buf[32];
	int rc = -ENOMEM;
	if (head(&t, names) < 0)
		goto out;
	for (int k = 1; k <= NSIG_MAX; k++) {
		if (!s->sig[k] && !s->stop_sig[k])
			continue;
		if (!(c = row(&t)))
			goto out;
		snprintf(c[0].s, sizeof(c[0].s), "%s", k < NSIG_MAX ? pt_signal_name(k, buf, sizeof(buf)) : "other");
		num(&c[1], s->sig[k]);
		num(&c[2], s->stop_sig[k]);
	}
	if (t.nrows > 1)
		print_table(f, &t);
	else
		fputs("signals: none delivered\n", f);
	rc = 0;
out:
	free(t.c);
	return rc;
}

static int exit_table(const struct exits *x, FILE *f)
{
	static const char *const names[] = {"exit", "processes", NULL};
	struct table t = {.ncols = 2};
	struct cell *c;
	int rc = -ENOMEM;
	if (head(&t, names) < 0)
		goto out;
	for (int k = 0; k < 256; k++)
		if (x->exited[k]) {
			if (!(c = row(&t)))
				goto out;
			pt_wstatus_str((struct pt_wstatus){PT_WS_EXITED, false, k}, c[0].s, sizeof(c[0].s));
			num(&c[1], x->exited[k]);
		}
	for (int k = 1; k <= NSIG_MAX; k++)
		for (int core = 0; core < 2; core++)
			if (x->killed[k][core]) {
				if (!(c = row(&t)))
					goto out;
				if (k < NSIG_MAX)
					pt_wstatus_str((struct pt_wstatus){PT_WS_SIGNALED, core, k}, c[0].s, sizeof(c[0].s));
				else    /* the bucket of every number past the table */
					snprintf(c[0].s, sizeof(c[0].s), "killed by another signal%s",
						 core ? PT_WS_CORE_DUMPED : "");
				num(&c[1], x->killed[k][core]);
			}
	if (x->running) {
		if (!(c = row(&t)))
			goto out;
		snprintf(c[0].s, sizeof(c[0].s), "no exit seen");
		num(&c[1], x->running);
	}
	print_table(f, &t);
	rc = 0;
out:
	free(t.c);
	return rc;
}

/* ---- where the time went: the top processes, the per-program CPU, the
 * critical path ---- */

#define TOP_N 10

struct top_ctx {
	const struct pt_model *m;
	int key;                /* 0 cpu, 1 wall, 2 rss */
};

static uint64_t top_value(const struct pt_model *m, const struct pt_mproc *p, int key)
{
	uint64_t x = 0;
	bool bound;
	if (key == 0)
		return pt_mproc_cpu(p, &x) ? x : 0;
	if (key == 1)
		return pt_mproc_wall(m, p);
	return pt_mproc_rss(p, &x, &bound) ? x : 0;
}

static const struct top_ctx *top_sort_ctx;

static int by_top(const void *a, const void *b)
{
	const struct pt_mproc *x = *(const struct pt_mproc *const *)a, *y = *(const struct pt_mproc *const *)b;
	uint64_t vx = top_value(top_sort_ctx->m, x, top_sort_ctx->key), vy = top_value(top_sort_ctx->m, y, top_sort_ctx->key);
	if (vx != vy)
		return vx > vy ? -1 : 1;
	/* An exact peak before the same figure as a bound (a reaped child's) */
	bool bx = x->reaped_maxrss_kb >= x->ru.maxrss_kb && x->reaped_maxrss_kb,
	     by = y->reaped_maxrss_kb >= y->ru.maxrss_kb && y->reaped_maxrss_kb;
	if (top_sort_ctx->key == 2 && bx != by)
		return bx ? 1 : -1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void proc_cells(const struct pt_model *m, struct cell *c, const struct pt_mproc *p)
{
	uint64_t x;
	bool bound;
	snprintf(c[0].s, sizeof(c[0].s), "%d", (int)p->pid);
	safe_cell(&c[1], pt_mproc_comm(p), NAME_COLS);
	dur(&c[2], pt_mproc_wall(m, p));
	if (pt_mproc_cpu(p, &x))
		pt_fmt_dur(x, c[3].s, sizeof(c[3].s));
	else
		snprintf(c[3].s, sizeof(c[3].s), "-");
	if (pt_mproc_rss(p, &x, &bound)) {
		char kb[32];
		snprintf(c[4].s, sizeof(c[4].s), "%s%s", bound ? "≤" : "", pt_fmt_kb(x, kb, sizeof(kb)));
	} else {
		snprintf(c[4].s, sizeof(c[4].s), "-");
	}
	struct pt_buf b = {0};
	if (p->images_tail && p->images_tail->argc)
		pt_buf_argv(&b, p->images_tail->argv, p->images_tail->argc, 60);
	/* without rusage in the log: no cpu and rss columns */
	size_t k = m->have_rusage ? 5 : 3;
	snprintf(c[k].s, sizeof(c[k].s), "%s", b.s ? b.s : "");
	if (!m->have_rusage)
		c[4].s[0] = c[5].s[0] = 0;
	pt_buf_free(&b);
}

/* The top processes by CPU, by wall time and by peak RSS. */
static int top_tables(struct stats *s, FILE *f)
{
	static const char *const names[] = {"pid", "program", "wall", "cpu", "rss", "command", NULL};
	static const char *const names_wall[] = {"pid", "program", "wall", "command", NULL};
	static const char *const titles[] = {"top processes by own CPU (user+sys, without reaped children)",
					     "top processes by wall time", "top processes by peak RSS"};
	const struct pt_model *m = &s->v.m;
	struct pt_mproc **v = malloc((m->nprocs + 1) * sizeof(*v));
	struct table t = {.ncols = 6, .left = 1u << 1 | (m->have_rusage ? 1u << 5 : 1u << 3)};
	size_t n = 0;
	int rc = -ENOMEM;
	if (!v)
		goto out;
	for (size_t i = 0; i < m->ntasks && n < m->nprocs; i++)
		if (!m->tasks[i]->is_thread)
			v[n++] = m->tasks[i];
	for (int key = 0; key < 3; key++) {
		if (key != 1 && !m->have_rusage)
			continue;
		struct top_ctx ctx = {m, key};
		top_sort_ctx = &ctx;
		if (n)
			qsort(v, n, sizeof(*v), by_top);
		t.nrows = 0;
		if (head(&t, m->have_rusage ? names : names_wall) < 0)
			goto out;
		for (size_t i = 0; i < n && i < TOP_N; i++) {
			struct cell *c = row(&t);
			if (!c)
				goto out;
			proc_cells(m, c, v[i]);
		}
		fprintf(f, "%s:\n", titles[key]);
		print_table(f, &t);
		fputc('\n', f);
	}
	rc = 0;
out:
	free(t.c);
	free(v);
	return rc;
}

struct cpu_prog {
	const char *name;
	uint64_t n, cpu, max, wall, rss;
};

static int by_cpu(const void *a, const void *b)
{
	const struct cpu_prog *x = a, *y = b;
	if (x->cpu != y->cpu)
		return x->cpu > y->cpu ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* CPU per program: every process counted under the program it ran last
 * (its rusage covers the whole process, images before the last too). */
static int cpu_table(struct stats *s, FILE *f)
{
	static const char *const names[] = {"program", "procs", "cpu total", "cpu mean", "cpu max", "wall total",
					    "rss max", NULL};
	const struct pt_model *m = &s->v.m;
	struct cpu_prog *v = calloc(m->nprocs + 1, sizeof(*v));
	struct pt_hash h = {0};
	struct table t = {.ncols = 7};
	size_t n = 0;
	int rc = -ENOMEM;
	if (!v)
		goto out;
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct pt_mproc *p = m->tasks[i];
		uint64_t cpu, rss;
		bool bound;
		if (p->is_thread || !pt_mproc_cpu(p, &cpu) || !pt_mproc_rss(p, &rss, &bound))
			continue;
		const char *name = pt_mproc_comm(p);
		uint32_t hv = pt_hash_str(name);
		struct cpu_prog *g = NULL;
		for (struct pt_hnode *k = pt_hash_find(&h, hv); k && !g; k = pt_hash_find_next(k)) {
			struct name *e = pt_container_of(k, struct name, hnode);
			if (!strcmp(v[e->idx].name, name))
				g = &v[e->idx];
		}
		if (!g) {
			struct name *e = pt_arena_alloc(&s->v.m.arena, sizeof(*e));
			if (!e || pt_hash_add(&h, &e->hnode, hv) < 0)
				goto out;
			e->idx = n;
			g = &v[n++];
			g->name = name;
		}
		g->n++;
		g->cpu += cpu;
		g->max = cpu > g->max ? cpu : g->max;
		g->wall += pt_mproc_wall(m, p);
		/* a bound is a child's peak, not this program's */
		if (!bound && rss > g->rss)
			g->rss = rss;
	}
	if (n)
		qsort(v, n, sizeof(*v), by_cpu);
	if (head(&t, names) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct cell *c = row(&t);
		if (!c)
			goto out;
		safe_cell(&c[0], v[i].name, NAME_COLS);
		num(&c[1], v[i].n);
		pt_fmt_dur(v[i].cpu, c[2].s, sizeof(c[2].s));
		pt_fmt_dur(v[i].cpu / v[i].n, c[3].s, sizeof(c[3].s));
		pt_fmt_dur(v[i].max, c[4].s, sizeof(c[4].s));
		dur(&c[5], v[i].wall);
		if (v[i].rss)
			pt_fmt_kb(v[i].rss, c[6].s, sizeof(c[6].s));
		else
			snprintf(c[6].s, sizeof(c[6].s), "-");
	}
	fputs("CPU per program (own CPU of each process, by the program it ran last):\n", f);
	print_table(f, &t);
	fputc('\n', f);
	rc = 0;
out:
	pt_hash_free(&h);
	free(t.c);
	free(v);
	return rc;
}

static int critical_path(struct stats *s, FILE *f)
{
	struct pt_mproc **path;
	long n = pt_model_critical_path(&s->v.m, &path);
	if (n < 0)
		return (int)n;
	struct pt_buf b = {0};
	pt_buf_critical_path(&b, &s->v.m, path, (size_t)n);
	fprintf(f, "critical path: %s\n", n ? (b.s ? b.s : "") : "none");
	int rc = b.oom ? -ENOMEM : 0;
	pt_buf_free(&b);
	free(path);
	return rc;
}

static int render(struct pt_view *v)
{
	struct stats *s = (struct stats *)v;
	const struct pt_model *m = &v->m;
	FILE *f = v->out;
	struct exits *x = calloc(1, sizeof(*x));
	struct pt_buf b = {0};
	char d1[32], d2[32];
	int rc = -ENOMEM;
	if (!x || (rc = account(s, x)) < 0)
		goto out;
	pt_buf_argv(&b, m->argv, m->argc, 72);
	fprintf(f, "ptrace-tour stats: %s\n", b.s ? b.s : "");
	fprintf(f, "%zu processes, %zu threads, %llu events over %s", m->nprocs, m->ntasks - m->nprocs,
		(unsigned long long)m->nevents, pt_fmt_dur(m->t_last - m->t_first, d1, sizeof(d1)));
	if (m->have_end)
		fprintf(f, "; exit status %d%s\n", m->end.exit_status, m->end.interrupted ? " (interrupted)" : "");
	else
		fputs("; the log has no end (cut short)\n", f);
	fputc('\n', f);
	if ((rc = prog_table(s, f)) < 0)
		goto out;
	fputc('\n', f);
	if ((rc = event_table(s, f)) < 0)
		goto out;
	fputc('\n', f);
	if ((rc = signal_table(s, f)) < 0)
		goto out;
	fputc('\n', f);
	if ((rc = exit_table(x, f)) < 0)
		goto out;
	fputc('\n', f);
	fprintf(f, "zombies: %llu reaped by a traced process, %llu outside the trace (total %s, max %s",
		(unsigned long long)x->reaped, (unsigned long long)x->outside, pt_fmt_dur(x->zombie_ns, d1, sizeof(d1)),
		pt_fmt_dur(x->zombie_max, d2, sizeof(d2)));
	if (x->zombie_max_p) {
		b.len = 0;
		pt_buf_safe(&b, pt_mproc_comm(x->zombie_max_p), NAME_COLS);
		fprintf(f, ": %d %s", (int)x->zombie_max_p->pid, b.s ? b.s : "");
	}
	fprintf(f, "), %llu auto-reaped, %llu never reaped\n", (unsigned long long)x->autoreaped,
		(unsigned long long)x->unreaped);
	fprintf(f, "orphans: %llu reparented to init, %llu to a subreaper\n", (unsigned long long)x->to_init,
		(unsigned long long)x->to_subreaper);
	fputc('\n', f);
	if ((rc = top_tables(s, f)) < 0)
		goto out;
	if (m->have_rusage && (rc = cpu_table(s, f)) < 0)
		goto out;
	if ((rc = critical_path(s, f)) < 0)
		goto out;
	rc = b.oom ? -ENOMEM : 0;
out:
	pt_buf_free(&b);
	free(x);
	return rc;
}

static void cleanup(struct pt_view *v)
{
	struct stats *s = (struct stats *)v;
	free(s->progs);
	pt_hash_free(&s->names);
}

static const struct pt_sink_ops stats_ops = {"stats", pt_view_emit, pt_view_finish, pt_view_destroy, NULL};

struct pt_sink *pt_view_stats_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	struct pt_view *v = pt_view_new(sizeof(struct stats), &stats_ops, fp, owns_fp, o);
	if (!v)
		return NULL;
	v->on_event = on_event;
	v->render = render;
	v->cleanup = cleanup;
	return &v->base;
}
