/* The process model behind the report views, and the plumbing they share
 * (model.h, private to src/report). */
#include "model.h"

#include "pt/escape.h"
#include "pt/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pt/tables.h"

/* ---- the pid hash ---- */

struct pt_mproc *pt_model_find(const struct pt_model *m, pid_t pid)
{
	struct pt_hnode *n = pt_hash_find(&m->pids, (uint32_t)pid);
	return n ? pt_container_of(n, struct pt_mproc, hnode) : NULL;
}

/* Makes p the current task of its id (a reused pid replaces the old one). */
static int pid_put(struct pt_model *m, struct pt_mproc *p)
{
	struct pt_mproc *old = pt_model_find(m, p->pid);
	int ret = pt_hash_add(&m->pids, &p->hnode, (uint32_t)p->pid);
	if (!ret && old)
		pt_hash_remove(&m->pids, &old->hnode);
	return ret;
}

/* ---- building ---- */

void pt_model_init(struct pt_model *m)
{
	memset(m, 0, sizeof(*m));
	pt_arena_init(&m->arena);
}

void pt_model_free(struct pt_model *m)
{
	free(m->tasks);
	pt_hash_free(&m->pids);
	pt_arena_free(&m->arena);
	memset(m, 0, sizeof(*m));
}

static const char *dup(struct pt_model *m, const char *s)
{
	return s ? pt_arena_strdup(&m->arena, s) : NULL;
}

const char *pt_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

const char *pt_mproc_comm(const struct pt_mproc *p)
{
	if (p->images_tail)
		return p->images_tail->comm;
	return p->fork_comm ? p->fork_comm : "?";
}

static uint64_t trace_end(const struct pt_model *m)
{
	return m->have_end ? m->end_ts : m->t_last;
}

uint64_t pt_mproc_end(const struct pt_model *m, const struct pt_mproc *p)
{
	return p->exited ? p->t_exit : trace_end(m);
}

uint64_t pt_mproc_gone(const struct pt_model *m, const struct pt_mproc *p)
{
	if (p->exited && p->reaped)
		return p->t_reap;
	return trace_end(m);
}

static void append(struct pt_mproc **head, struct pt_mproc **tail, struct pt_mproc *p)
{
	if (*tail)
		(*tail)->sibling = p;
	else
		*head = p;
	*tail = p;
}

static struct pt_mproc *new_task(struct pt_model *m, pid_t pid, pid_t tgid, uint64_t ts)
{
	if (m->ntasks == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct pt_mproc **t = realloc(m->tasks, cap * sizeof(*t));
		if (!t)
			return NULL;
		m->tasks = t;
		m->cap = cap;
	}
	struct pt_mproc *p = pt_arena_alloc(&m->arena, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	if (pid_put(m, p) < 0)
		return NULL;
	p->tgid = tgid;
	p->is_thread = pid != tgid;
	p->seq = (uint32_t)m->ntasks;
	p->t_start = ts;
	m->tasks[m->ntasks++] = p;
	if (!p->is_thread)
		m->nprocs++;
	return p;
}

/* The task an event is about; one never seen created (a log that starts
 * late, a task the tracer attached to) becomes a top process, or a thread
 * of its process. */
static struct pt_mproc *get_task(struct pt_model *m, pid_t pid, pid_t tgid, uint64_t ts)
{
	struct pt_mproc *p = pt_model_find(m, pid);
	if (p)
		return p;
	if (pid == tgid || tgid <= 0) {
		p = new_task(m, pid, pid, ts);
		if (p)
			append(&m->tops, &m->tops_tail, p);
		return p;
	}
	struct pt_mproc *proc = get_task(m, tgid, tgid, ts);
	if (!proc || !(p = new_task(m, pid, tgid, ts)))
		return NULL;
	p->parent = proc;
	p->fork_comm = pt_mproc_comm(proc);
	append(&proc->threads, &proc->threads_tail, p);
	proc->nthreads++;
	return p;
}

static struct pt_mproc *proc_of(struct pt_mproc *t)
{
	return t->is_thread && t->parent ? t->parent : t;
}

static struct pt_mmark *add_mark(struct pt_model *m, struct pt_mproc *p, uint64_t ts, enum pt_mark_kind kind,
				 int code)
{
	struct pt_mmark *k = pt_arena_alloc(&m->arena, sizeof(*k));
	if (!k)
		return NULL;
	k->ts = ts;
	k->kind = (uint8_t)kind;
	k->code = code;
	if (p->marks_tail)
		p->marks_tail->next = k;
	else
		p->marks = k;
	p->marks_tail = k;
	p->nmarks++;
	return k;
}

/* The program's name: the path's basename, unless the path says nothing
 * about it (fexecve's /dev/fd/N, /proc/self/exe, execveat's ""). */
static const char *image_comm(const struct pt_ev_exec *x)
{
	const char *path = x->path ? x->path : "";
	bool opaque = !*path || !strncmp(path, "/proc/", 6) || !strncmp(path, "/dev/fd/", 8);
	if (opaque && x->argc && x->argv[0] && *x->argv[0])
		return pt_basename(x->argv[0]);
	return *path ? pt_basename(path) : "?";
}

static int add_image(struct pt_model *m, struct pt_mproc *p, const struct pt_event *ev)
{
	const struct pt_ev_exec *x = &ev->u.exec;
	struct pt_mimage *im = pt_arena_alloc(&m->arena, sizeof(*im));
	size_t n = x->argc < PT_MODEL_ARGV_MAX ? x->argc : PT_MODEL_ARGV_MAX;
	const char **argv = pt_arena_alloc(&m->arena, (n + 1) * sizeof(*argv));
	if (!im || !argv)
		return -ENOMEM;
	size_t bytes = 0, k = 0;
	for (; k < n && x->argv[k]; k++) {
		bytes += strlen(x->argv[k]) + 1;
		if (k && bytes > PT_MODEL_ARGV_BYTES)
			break;
		if (!(argv[k] = dup(m, x->argv[k])))
			return -ENOMEM;
	}
	im->ts = ev->ts_ns;
	im->path = dup(m, x->path ? x->path : "");
	im->comm = dup(m, image_comm(x));
	im->argv = argv;
	im->argc = k;
	im->argv_cut = x->argv_truncated || k < x->argc;
	if (!im->path || !im->comm)
		return -ENOMEM;
	if (p->images_tail)
		p->images_tail->next = im;
	else
		p->images = im;
	p->images_tail = im;
	p->nimages++;
	return 0;
}

static int on_start(struct pt_model *m, const struct pt_event *ev)
{
	const struct pt_ev_start *s = &ev->u.start;
	const char **argv = pt_arena_alloc(&m->arena, (s->argc + 1) * sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	for (size_t i = 0; i < s->argc; i++)
		if (s->argv[i] && !(argv[i] = dup(m, s->argv[i])))
			return -ENOMEM;
	m->argv = argv;
	m->argc = s->argc;
	m->have_start = true;
	m->events_only = s->events_only;
	m->realtime_ns = s->realtime_ns;
	m->tool_version = dup(m, s->tool_version ? s->tool_version : "");
	struct pt_mproc *root = get_task(m, ev->pid, ev->tgid, ev->ts_ns);
	if (!root || !m->tool_version)
		return -ENOMEM;
	/* Until its exec the root is a fork of ptrace-tour itself. */
	root->fork_comm = "ptrace-tour";
	m->root = root;
	return 0;
}

static int on_spawn(struct pt_model *m, const struct pt_event *ev)
{
	const struct pt_ev_spawn *s = &ev->u.spawn;
	struct pt_mproc *spawner = get_task(m, ev->pid, ev->tgid, ev->ts_ns);
	if (!spawner)
		return -ENOMEM;
	struct pt_mproc *parent = proc_of(spawner);
	bool thread = s->kind == PT_SPAWN_THREAD;
	struct pt_mproc *c = new_task(m, s->child, thread ? parent->pid : s->child, ev->ts_ns);
	if (!c)
		return -ENOMEM;
	c->is_thread = thread;   /* even if a thread's id happens to equal its tgid in a bad log */
	if (thread && c->pid == c->tgid)
		m->nprocs--;
	c->spawned = true;
	c->spawn_kind = s->kind;
	c->spawner = ev->pid;
	c->parent = parent;
	c->fork_comm = pt_mproc_comm(parent);
	if (thread) {
		append(&parent->threads, &parent->threads_tail, c);
		parent->nthreads++;
	} else {
		append(&parent->kids, &parent->kids_tail, c);
		parent->nkids++;
		if (!parent->nimages && parent->spawned)
			parent->forks_before_exec++;
	}
	return 0;
}

static int on_exec(struct pt_model *m, const struct pt_event *ev)
{
	struct pt_mproc *p = get_task(m, ev->pid, ev->tgid, ev->ts_ns);
	if (!p)
		return -ENOMEM;
	pid_t old = ev->u.exec.old_pid;
	struct pt_mproc *t = old && old != ev->pid ? pt_model_find(m, old) : NULL;
	if (t && t->is_thread && !t->exited) {
		/* The thread lives on as the leader: its own track ends here. */
		t->became_leader = true;
		t->exited = true;
		t->t_exit = ev->ts_ns;
	}
	/* The leader's "exit" (by_other) before a non-leader's exec did not end
	 * the process. */
	p->exited = false;
	return add_image(m, p, ev);
}

/* A process that was running when the tracer attached: under its real
 * parent when that one was attached before it (the tracer emits parents
 * first), else a top process; its command line is its first image. */
static int on_attach(struct pt_model *m, const struct pt_event *ev)
{
	const struct pt_ev_attach *a = &ev->u.attach;
	struct pt_mproc *p = pt_model_find(m, ev->pid);
	if (!p) {
		struct pt_mproc *parent = pt_model_find(m, a->ppid);
		if (!(p = new_task(m, ev->pid, ev->pid, ev->ts_ns)))
			return -ENOMEM;
		if (parent && !parent->is_thread && parent->pid != p->pid) {
			p->parent = parent;
			append(&parent->kids, &parent->kids_tail, p);
			parent->nkids++;
		} else {
			append(&m->tops, &m->tops_tail, p);
		}
	}
	p->attached = true;
	p->age_ns = a->age_ns;
	struct pt_event x = {.kind = PT_EV_EXEC, .ts_ns = ev->ts_ns, .pid = ev->pid, .tgid = ev->tgid};
	x.u.exec.path = a->exe ? a->exe : a->argc && a->argv[0] ? a->argv[0] : "";
	x.u.exec.argv = a->argv;
	x.u.exec.argc = a->argc;
	x.u.exec.argv_truncated = a->argv_truncated;
	if (add_image(m, p, &x) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < a->nthreads; i++) {
		struct pt_mproc *t = get_task(m, a->threads[i], ev->pid, ev->ts_ns);
		if (!t)
			return -ENOMEM;
		t->attached = true;
	}
	return 0;
}

int pt_model_feed(struct pt_model *m, const struct pt_event *ev)
{
	struct pt_mproc *p;
	struct pt_mmark *k;
	if (!m->nevents || ev->ts_ns < m->t_first)
		m->t_first = ev->ts_ns;
	if (ev->ts_ns > m->t_last)
		m->t_last = ev->ts_ns;
	m->nevents++;
	if ((unsigned)ev->kind >= PT_EV__COUNT)
		return 0;       /* no kind of ours: nothing to model */
	m->kind_count[ev->kind]++;
	/* Every kind, no default: a kind added to events.def fails -Wswitch
	 * here until the model says what it makes of it. */
	switch (ev->kind) {
	case PT_EV_START:
		return on_start(m, ev);
	case PT_EV_ATTACH:
		return on_attach(m, ev);
	case PT_EV_SPAWN:
		return on_spawn(m, ev);
	case PT_EV_EXEC:
		return on_exec(m, ev);
	case PT_EV_EXEC_FAILED:
		if (!(p = get_task(m, ev->pid, ev->tgid, ev->ts_ns)))
			return -ENOMEM;
		proc_of(p)->nfailed++;
		k = add_mark(m, p, ev->ts_ns, PT_MARK_EXEC_FAILED, ev->u.exec_failed.err);
		if (!k || !(k->path = dup(m, ev->u.exec_failed.path ? ev->u.exec_failed.path : "")))
			return -ENOMEM;
		return 0;
	case PT_EV_SIGNAL:
		if (!(p = get_task(m, ev->pid, ev->tgid, ev->ts_ns)) ||
		    !(k = add_mark(m, p, ev->ts_ns, PT_MARK_SIGNAL, ev->u.signal.sig)))
			return -ENOMEM;
		k->si_code = ev->u.signal.code;
		k->sender = ev->u.signal.sender;
		return 0;
	case PT_EV_STOPPED:
	case PT_EV_CONTINUED:
		if (!(p = get_task(m, ev->pid, ev->tgid, ev->ts_ns)) ||
		    !add_mark(m, p, ev->ts_ns, ev->kind == PT_EV_STOPPED ? PT_MARK_STOP : PT_MARK_CONT,
			      ev->kind == PT_EV_STOPPED ? ev->u.stopped.sig : 0))
			return -ENOMEM;
		return 0;
	case PT_EV_EXIT:
		if (!(p = get_task(m, ev->pid, ev->tgid, ev->ts_ns)))
			return -ENOMEM;
		p->exited = true;
		p->t_exit = ev->ts_ns;
		p->status = ev->u.exit.status;
		p->how = ev->u.exit.how;
		if (ev->u.exit.rusage) {
			p->has_rusage = true;
			p->ru = *ev->u.exit.rusage;
			m->have_rusage = true;
		}
		return 0;
	case PT_EV_REAP:
		if (!(p = get_task(m, ev->u.reap.child, ev->u.reap.child, ev->ts_ns)))
			return -ENOMEM;
		p->reaped = true;
		p->t_reap = ev->ts_ns;
		p->zombie_ns = ev->u.reap.zombie_ns;
		p->reaper = ev->u.reap.by;
		p->autoreap = ev->u.reap.autoreap;
		return 0;
	case PT_EV_REPARENT:
		if (!(p = get_task(m, ev->pid, ev->tgid, ev->ts_ns)))
			return -ENOMEM;
		p->reparented = true;
		p->reparent_from = ev->u.reparent.from;
		p->reparent_to = ev->u.reparent.to;
		p->reparent_role = (uint8_t)pt_reparent_role(&ev->u.reparent);
		p->t_reparent = ev->ts_ns;
		return 0;
	case PT_EV_END:
		m->have_end = true;
		m->end = ev->u.end;
		m->end_ts = ev->ts_ns;
		return 0;
	case PT_EV_SYSCALL:
	case PT_EV_WAIT:
		/* counted above; a process's life is told by the other kinds
		 * (a wait's reaping arrives as its own reap event) */
		return 0;
	}
	return 0;
}

/* ---- resource usage and the critical path ---- */

static uint64_t ru_cpu(const struct pt_rusage *r)
{
	return r->utime_ns + r->stime_ns;
}

void pt_model_settle(struct pt_model *m)
{
	for (size_t i = 0; i < m->ntasks; i++)
		m->tasks[i]->reaped_cpu_ns = m->tasks[i]->reaped_maxrss_kb = 0;
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct pt_mproc *c = m->tasks[i];
		/* Only a wait folds a child's figure into its parent's: not
		 * the kernel's autoreap, not a reaper outside the trace. */
		if (c->is_thread || !c->has_rusage || !c->reaped || c->autoreap || !c->reaper)
			continue;
		struct pt_mproc *r = pt_model_find(m, c->reaper);
		if (!r || r->is_thread || r->pid == c->pid)
			continue;
		r->reaped_cpu_ns += ru_cpu(&c->ru);
		if (c->ru.maxrss_kb > r->reaped_maxrss_kb)
			r->reaped_maxrss_kb = c->ru.maxrss_kb;
	}
}

bool pt_mproc_cpu(const struct pt_mproc *p, uint64_t *own_ns)
{
	if (!p->has_rusage || p->is_thread)
		return false;
	uint64_t all = ru_cpu(&p->ru);
	/* The kernel splits user/sys by scaling: a sum can come out a tick
	 * above its parent's share of it. */
	*own_ns = all > p->reaped_cpu_ns ? all - p->reaped_cpu_ns : 0;
	return true;
}

bool pt_mproc_rss(const struct pt_mproc *p, uint64_t *kb, bool *bound)
{
	if (!p->has_rusage || p->is_thread)
		return false;
	*kb = p->ru.maxrss_kb;
	*bound = p->reaped_maxrss_kb && p->reaped_maxrss_kb >= p->ru.maxrss_kb;
	return true;
}

const char *pt_fmt_kb(uint64_t kb, char *buf, size_t len)
{
	if (kb >= 1024 * 1024)
		snprintf(buf, len, "%.1fG", (double)kb / (1024.0 * 1024.0));
	else if (kb >= 1024)
		snprintf(buf, len, "%.1fM", (double)kb / 1024.0);
	else
		snprintf(buf, len, "%lluK", (unsigned long long)kb);
	return buf;
}

/* The link after p: see pt_model_critical_path. */
static struct pt_mproc *critical_child(const struct pt_model *m, const struct pt_mproc *p)
{
	uint64_t end = pt_mproc_end(m, p);
	struct pt_mproc *waited = NULL, *last = NULL;
	for (struct pt_mproc *c = p->kids; c; c = c->sibling) {
		if (!c->exited || c->t_exit > end)
			continue;     /* outlived its parent: it did not hold it up */
		/* Of the children it waited for, the one that ended last held
		 * it up (whatever order its waits asked for them in: a child
		 * reaped late ended earlier and was a zombie meanwhile). */
		if (c->reaped && !c->autoreap && c->reaper == p->pid && c->t_reap <= end &&
		    (!waited || c->t_exit > waited->t_exit))
			waited = c;
		if (!last || c->t_exit > last->t_exit)
			last = c;
	}
	return waited ? waited : last;
}

long pt_model_critical_path(const struct pt_model *m, struct pt_mproc ***out)
{
	*out = NULL;
	struct pt_mproc *p = m->root ? m->root : m->tops;
	size_t n = 0, cap = 0;
	struct pt_mproc **v = NULL;
	/* Each step goes to a child created after its parent: no cycle, at
	 * most ntasks links. */
	for (; p && n <= m->ntasks; p = critical_child(m, p)) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct pt_mproc **t = realloc(v, nc * sizeof(*t));
			if (!t) {
				free(v);
				return -ENOMEM;
			}
			v = t;
			cap = nc;
		}
		v[n++] = p;
	}
	*out = v;
	return (long)n;
}

uint64_t pt_mproc_wall(const struct pt_model *m, const struct pt_mproc *p)
{
	uint64_t end = pt_mproc_end(m, p);
	return end > p->t_start ? end - p->t_start : 0;
}

void pt_buf_critical_path(struct pt_buf *b, const struct pt_model *m, struct pt_mproc *const *v, size_t n)
{
	char d[32];
	uint64_t total = n ? pt_mproc_wall(m, v[0]) : 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t w = pt_mproc_wall(m, v[i]);
		if (i)
			pt_buf_puts(b, " → ");
		pt_buf_safe(b, pt_mproc_comm(v[i]), 24);
		pt_buf_printf(b, " %s", pt_fmt_dur(w, d, sizeof(d)));
		if (i)
			pt_buf_printf(b, " (%.0f %%)", total ? 100.0 * (double)w / (double)total : 0.0);
	}
}

/* ---- walking ---- */

struct walk_level {
	struct pt_mproc *kid, *thread;   /* the next of each list */
};

int pt_model_walk(const struct pt_model *m, bool threads, pt_walk_fn fn, void *arg)
{
	struct walk_level *lv = NULL;
	bool *last = NULL;
	size_t cap = 0, depth = 0;
	int rc = -ENOMEM;
	if (!(lv = malloc(16 * sizeof(*lv))) || !(last = malloc(16 * sizeof(*last))))
		goto out;
	cap = 16;
	lv[0].kid = m->tops;
	lv[0].thread = NULL;
	for (;;) {
		struct walk_level *l = &lv[depth];
		struct pt_mproc *p;
		if (l->kid && (!l->thread || l->kid->seq < l->thread->seq)) {
			p = l->kid;
			l->kid = p->sibling;
		} else if (l->thread) {
			p = l->thread;
			l->thread = p->sibling;
		} else if (depth) {
			depth--;
			continue;
		} else {
			break;
		}
		last[depth] = !l->kid && !l->thread;
		if ((rc = fn(p, depth, last, arg)) < 0)
			goto out;
		if (!p->kids && !(threads && p->threads))
			continue;
		if (depth + 1 == cap) {
			struct walk_level *nl = realloc(lv, cap * 2 * sizeof(*lv));
			if (nl)
				lv = nl;
			bool *nb = realloc(last, cap * 2 * sizeof(*last));
			if (nb)
				last = nb;
			rc = -ENOMEM;
			if (!nl || !nb)
				goto out;
			cap *= 2;
		}
		depth++;
		lv[depth].kid = p->kids;
		lv[depth].thread = threads ? p->threads : NULL;
	}
	rc = 0;
out:
	free(lv);
	free(last);
	return rc;
}

/* ---- text ---- */

size_t pt_text_cols(const char *s, size_t len)
{
	size_t cols = 0;
	for (size_t i = 0; i < len; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	return cols;
}

void pt_buf_cut(struct pt_buf *b, size_t from, size_t maxcols)
{
	if (!maxcols || b->oom || pt_text_cols(b->s + from, b->len - from) <= maxcols)
		return;
	size_t cols = 0, i = from;
	for (; i < b->len; i++)
		if (((unsigned char)b->s[i] & 0xc0) != 0x80 && ++cols == maxcols)
			break;   /* i: the start of the column that "…" takes */
	b->len = i;
	b->s[i] = 0;
	pt_buf_puts(b, "…");
}

void pt_buf_safe(struct pt_buf *b, const char *s, size_t maxcols)
{
	size_t from = b->len;
	pt_escape_safe_buf(b, s ? s : "");
	pt_buf_cut(b, from, maxcols);
}

void pt_buf_argv(struct pt_buf *b, const char *const *argv, size_t argc, size_t maxcols)
{
	size_t from = b->len;
	for (size_t i = 0; i < argc; i++) {
		const char *a = argv[i] ? argv[i] : "";
		if (i == 0)
			a = pt_basename(a);
		else
			pt_buf_puts(b, " ");
		bool quote = !*a || strpbrk(a, " \t\n\"'") != NULL;
		if (!quote) {
			pt_escape_safe_buf(b, a);
			continue;
		}
		/* Double quotes, with the quotes inside escaped: copy-pasteable
		 * into a shell for everything but $ and ` (rare in argv). */
		pt_buf_puts(b, "\"");
		for (const char *q = a; *q;) {
			size_t n = strcspn(q, "\"");
			char *piece = strndup(q, n);
			if (!piece) {
				b->oom = true;
				return;
			}
			pt_escape_safe_buf(b, piece);
			free(piece);
			q += n;
			if (*q) {
				pt_buf_puts(b, "\\\"");
				q++;
			}
		}
		pt_buf_puts(b, "\"");
	}
	pt_buf_cut(b, from, maxcols);
}

const char *pt_fmt_dur(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%uns", (unsigned)ns);
	else if (ns < 100000)
		snprintf(buf, len, "%uus", (unsigned)((ns + 500) / 1000));
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", (double)ns / 1e9);
	return buf;
}

const char *pt_fmt_status(const struct pt_model *m, const struct pt_mproc *p, char *buf, size_t len)
{
	if (p->became_leader)
		snprintf(buf, len, "exec'd, became the leader");
	else if (!p->exited)
		snprintf(buf, len, "%s", m->have_end ? "running at end" : "no exit seen");
	else if (p->status.kind == PT_WS_SIGNALED)
		pt_wstatus_str(p->status, buf, len);
	else    /* an exit event's status is EXITED when not SIGNALED */
		pt_wstatus_str((struct pt_wstatus){PT_WS_EXITED, false, p->status.code}, buf, len);
	return buf;
}

/* Tableau-like hues with a light twin each; no red, which marks signals
 * and kills in the SVG. */
static const char *const palette[PT_PALETTE_SIZE][2] = {
	{"#4e79a7", "#a0cbe8"}, {"#f28e2b", "#ffbe7d"}, {"#59a14f", "#8cd17d"}, {"#b6992d", "#f1ce63"},
	{"#499894", "#86bcb6"}, {"#79706e", "#bab0ac"}, {"#d37295", "#fabfd2"}, {"#b07aa1", "#d4a6c8"},
	{"#9d7660", "#d7b5a6"}, {"#17becf", "#9edae5"}, {"#2f4b7c", "#8da0cb"}, {"#8c8c2a", "#d0d08a"},
};

const char *pt_palette(unsigned idx, bool light)
{
	return palette[idx % PT_PALETTE_SIZE][light];
}

const char *pt_prog_color(const char *comm, bool light)
{
	return pt_palette(pt_hash_str(comm) % PT_PALETTE_SIZE, light);
}

/* ---- views ---- */

struct pt_view *pt_view_new(size_t size, const struct pt_sink_ops *ops, FILE *fp, bool owns_fp,
			    const struct pt_text_opts *o)
{
	struct pt_view *v = calloc(1, size);
	if (!v) {
		if (owns_fp)
			fclose(fp);
		errno = ENOMEM;
		return NULL;
	}
	v->base.ops = ops;
	v->out = fp;
	v->owns = owns_fp;
	if (o)
		v->o = *o;
	pt_model_init(&v->m);
	return v;
}

int pt_view_emit(struct pt_sink *s, const struct pt_event *ev)
{
	struct pt_view *v = (struct pt_view *)s;
	int rc = pt_model_feed(&v->m, ev);
	if (rc == 0 && v->on_event)
		rc = v->on_event(v, ev);
	return rc;
}

int pt_view_finish(struct pt_sink *s)
{
	struct pt_view *v = (struct pt_view *)s;
	pt_model_settle(&v->m);
	int rc = v->render(v);
	/* While bytes are pending, fflush fails again with the errno of the
	 * failed write (ENOSPC...); EIO only when nothing better is known. */
	int e = fflush(v->out) != 0 ? errno : ferror(v->out) ? EIO : 0;
	if (e && !rc)
		rc = -e;
	return rc;
}

void pt_view_destroy(struct pt_sink *s)
{
	struct pt_view *v = (struct pt_view *)s;
	if (v->cleanup)
		v->cleanup(v);
	pt_model_free(&v->m);
	if (v->owns)
		fclose(v->out);
	free(v);
}
