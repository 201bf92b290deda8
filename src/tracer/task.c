/* The tables of tasks (by tid) and processes (by tgid), both pt_hash, and
 * the parent links between processes. */
#include "task.h"

#include "pt/util.h"

#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* The tables' keys: a pid as an unsigned 32-bit number. */
static uint64_t key(pid_t id)
{
	return (uint32_t)id;
}

#define TASK_OF(n) pt_container_of(n, struct pt_task, hnode)
#define PROC_OF(n) pt_container_of(n, struct pt_proc, hnode)

int pt_tasks_init(struct pt_tasks *ts)
{
	memset(ts, 0, sizeof(*ts));
	int ret = pt_hash_init(&ts->tids, 256);
	if (!ret)
		ret = pt_hash_init(&ts->tgids, 256);
	if (ret)
		pt_tasks_free(ts);
	return ret;
}

static void free_exec(struct pt_exec_pending *e)
{
	if (!e)
		return;
	pt_arena_free(&e->arena);
	free(e);
}

struct pt_env_image *pt_env_image_new(const char *const *v, size_t n)
{
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++)
		bytes += strlen(v[i]) + 1;
	if (n > PT_PROCFS_ENV_MAX_ENTRIES || bytes > PT_PROCFS_ENV_MAX_BYTES + 4096)
		return NULL;    /* never from our readers: they cap both */
	/* the pointers after the strings' bytes, aligned */
	size_t off = (bytes + sizeof(char *) - 1) / sizeof(char *) * sizeof(char *);
	struct pt_env_image *e = malloc(sizeof(*e) + off + (n + 1) * sizeof(char *));
	if (!e)
		return NULL;
	const char **pv = (const char **)(void *)(e->data + off);
	char *d = e->data;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(d, v[i], l);
		pv[i] = d;
		d += l;
	}
	pv[n] = NULL;
	e->refs = 1;
	e->n = n;
	e->v = pv;
	return e;
}

struct pt_env_image *pt_env_image_ref(struct pt_env_image *e)
{
	if (e)
		e->refs++;
	return e;
}

void pt_env_image_unref(struct pt_env_image *e)
{
	if (e && --e->refs == 0)
		free(e);
}

static void free_proc(struct pt_proc *p)
{
	pt_env_image_unref(p->env);
	free(p);
}

/* A task's reference to its proc is gone: a proc already out of the table
 * dies with its last reference. */
static void proc_unref(struct pt_proc *p)
{
	if (p && --p->ntasks == 0 && p->removed)
		free_proc(p);
}

static void free_task_node(struct pt_hnode *n, void *arg)
{
	struct pt_task *t = TASK_OF(n);
	(void)arg;
	proc_unref(t->proc);
	free_exec(t->exec);
	if (t->dec)
		pt_arena_free(&t->dec->arena);
	free(t->dec);
	free(t);
}

static void free_proc_node(struct pt_hnode *n, void *arg)
{
	(void)arg;
	free_proc(PROC_OF(n));
}

void pt_tasks_free(struct pt_tasks *ts)
{
	/* Tasks first: their references keep removed procs alive. */
	pt_hash_each(&ts->tids, free_task_node, NULL);
	pt_hash_each(&ts->tgids, free_proc_node, NULL);
	pt_hash_free(&ts->tids);
	pt_hash_free(&ts->tgids);
	memset(ts, 0, sizeof(*ts));
}

struct pt_task *pt_task_find(struct pt_tasks *ts, pid_t tid)
{
	struct pt_hnode *n = pt_hash_find(&ts->tids, key(tid));
	return n ? TASK_OF(n) : NULL;
}

struct pt_task *pt_task_add(struct pt_tasks *ts, pid_t tid)
{
	struct pt_task *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->sc_nr = -1;
	/* The table was made with buckets (pt_tasks_init): adding cannot fail. */
	pt_hash_add(&ts->tids, &t->hnode, key(tid));
	return t;
}

void pt_task_attach(struct pt_task *t, struct pt_proc *p)
{
	if (p)
		p->ntasks++;
	proc_unref(t->proc);
	t->proc = p;
}

struct pt_exec_pending *pt_task_exec_pending(struct pt_task *t)
{
	if (!t->exec && (t->exec = calloc(1, sizeof(*t->exec))))
		pt_arena_init(&t->exec->arena);
	return t->exec;
}

void pt_task_remove(struct pt_tasks *ts, struct pt_task *t)
{
	pt_hash_remove(&ts->tids, &t->hnode);
	proc_unref(t->proc);
	free_exec(t->exec);
	if (t->dec)
		pt_arena_free(&t->dec->arena);
	free(t->dec);
	free(t);
}

void pt_task_rekey(struct pt_tasks *ts, struct pt_task *t, pid_t tid)
{
	t->tid = tid;
	pt_hash_rekey(&ts->tids, &t->hnode, key(tid));
}

struct pt_proc *pt_proc_find(struct pt_tasks *ts, pid_t tgid)
{
	struct pt_hnode *n = pt_hash_find(&ts->tgids, key(tgid));
	return n ? PROC_OF(n) : NULL;
}

static void unlink_child(struct pt_proc *p)
{
	if (!p->parent)
		return;
	if (p->prev_sibling)
		p->prev_sibling->next_sibling = p->next_sibling;
	else
		p->parent->first_child = p->next_sibling;
	if (p->next_sibling)
		p->next_sibling->prev_sibling = p->prev_sibling;
	p->parent = p->next_sibling = p->prev_sibling = NULL;
}

static void link_child(struct pt_proc *parent, struct pt_proc *p)
{
	p->parent = parent;
	p->prev_sibling = NULL;
	p->next_sibling = parent->first_child;
	if (parent->first_child)
		parent->first_child->prev_sibling = p;
	parent->first_child = p;
}

struct pt_proc *pt_proc_add(struct pt_tasks *ts, pid_t tgid, pid_t ppid)
{
	struct pt_proc *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tgid = tgid;
	pt_hash_add(&ts->tgids, &p->hnode, key(tgid));
	pt_proc_reparent(ts, p, ppid);
	return p;
}

void pt_proc_reparent(struct pt_tasks *ts, struct pt_proc *p, pid_t new_ppid)
{
	unlink_child(p);
	p->ppid = new_ppid;
	struct pt_proc *parent = pt_proc_find(ts, new_ppid);
	if (parent && parent != p)
		link_child(parent, p);
}

void pt_proc_remove(struct pt_tasks *ts, struct pt_proc *p)
{
	unlink_child(p);
	/* Children keep their ppid; they just lose the link to a record. */
	while (p->first_child)
		unlink_child(p->first_child);
	pt_hash_remove(&ts->tgids, &p->hnode);
	if (p->ntasks > 0)
		p->removed = true;  /* its last task frees it (proc_unref) */
	else
		free_proc(p);
}

/* pt_hash_each's callback, typed for tasks or procs. */
struct each {
	void (*task)(struct pt_task *t, void *arg);
	void (*proc)(struct pt_proc *p, void *arg);
	void *arg;
};

static void each_task(struct pt_hnode *n, void *arg)
{
	struct each *e = arg;
	e->task(TASK_OF(n), e->arg);
}

static void each_proc(struct pt_hnode *n, void *arg)
{
	struct each *e = arg;
	e->proc(PROC_OF(n), e->arg);
}

void pt_tasks_each(struct pt_tasks *ts, void (*fn)(struct pt_task *t, void *arg), void *arg)
{
	struct each e = {.task = fn, .arg = arg};
	pt_hash_each(&ts->tids, each_task, &e);
}

void pt_procs_each(struct pt_tasks *ts, void (*fn)(struct pt_proc *p, void *arg), void *arg)
{
	struct each e = {.proc = fn, .arg = arg};
	pt_hash_each(&ts->tgids, each_proc, &e);
}
