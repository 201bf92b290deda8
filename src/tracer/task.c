/* Hash tables of tasks (by tid) and processes (by tgid), and the parent
 * links between processes. */
#include "pt/task.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t slot(pid_t id, size_t cap)
{
	/* Fibonacci hashing: pids are dense and sequential. */
	return (size_t)(((uint64_t)(uint32_t)id * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

int pt_tasks_init(struct pt_tasks *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->tcap = ts->pcap = 256;
	ts->tb = calloc(ts->tcap, sizeof(*ts->tb));
	ts->pb = calloc(ts->pcap, sizeof(*ts->pb));
	if (!ts->tb || !ts->pb) {
		pt_tasks_free(ts);
		return -ENOMEM;
	}
	return 0;
}

static void free_exec(struct pt_exec_pending *e)
{
	if (!e)
		return;
	pt_arena_free(&e->arena);
	free(e);
}

static void free_proc(struct pt_proc *p)
{
	pt_arena_free(&p->env_arena);
	free(p);
}

/* A task's reference to its proc is gone: a proc already out of the table
 * dies with its last reference. */
static void proc_unref(struct pt_proc *p)
{
	if (p && --p->ntasks == 0 && p->removed)
		free_proc(p);
}

void pt_tasks_free(struct pt_tasks *ts)
{
	/* Tasks first: their references keep removed procs alive. */
	for (size_t i = 0; ts->tb && i < ts->tcap; i++) {
		struct pt_task *t = ts->tb[i];
		while (t) {
			struct pt_task *n = t->hnext;
			proc_unref(t->proc);
			free_exec(t->exec);
			free(t);
			t = n;
		}
	}
	for (size_t i = 0; ts->pb && i < ts->pcap; i++) {
		struct pt_proc *p = ts->pb[i];
		while (p) {
			struct pt_proc *n = p->hnext;
			free_proc(p);
			p = n;
		}
	}
	free(ts->tb);
	free(ts->pb);
	memset(ts, 0, sizeof(*ts));
}

struct pt_task *pt_task_find(struct pt_tasks *ts, pid_t tid)
{
	for (struct pt_task *t = ts->tb[slot(tid, ts->tcap)]; t; t = t->hnext)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* Growing keeps chains short for the 10k-process trees of the benchmark. */
static void grow_tasks(struct pt_tasks *ts)
{
	size_t ncap = ts->tcap * 2;
	struct pt_task **nb = calloc(ncap, sizeof(*nb));
	if (!nb)
		return;     /* longer chains, still correct */
	for (size_t i = 0; i < ts->tcap; i++) {
		struct pt_task *t = ts->tb[i];
		while (t) {
			struct pt_task *n = t->hnext;
			size_t s = slot(t->tid, ncap);
			t->hnext = nb[s];
			nb[s] = t;
			t = n;
		}
	}
	free(ts->tb);
	ts->tb = nb;
	ts->tcap = ncap;
}

static void link_task(struct pt_tasks *ts, struct pt_task *t)
{
	size_t s = slot(t->tid, ts->tcap);
	t->hnext = ts->tb[s];
	ts->tb[s] = t;
}

static void unlink_task(struct pt_tasks *ts, struct pt_task *t)
{
	struct pt_task **pp = &ts->tb[slot(t->tid, ts->tcap)];
	while (*pp && *pp != t)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = t->hnext;
}

struct pt_task *pt_task_add(struct pt_tasks *ts, pid_t tid)
{
	struct pt_task *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->sc_nr = -1;
	if (ts->tcount + 1 > ts->tcap * 2)
		grow_tasks(ts);
	link_task(ts, t);
	ts->tcount++;
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
	unlink_task(ts, t);
	ts->tcount--;
	proc_unref(t->proc);
	free_exec(t->exec);
	free(t);
}

void pt_task_rekey(struct pt_tasks *ts, struct pt_task *t, pid_t tid)
{
	unlink_task(ts, t);
	t->tid = tid;
	link_task(ts, t);
}

struct pt_proc *pt_proc_find(struct pt_tasks *ts, pid_t tgid)
{
	for (struct pt_proc *p = ts->pb[slot(tgid, ts->pcap)]; p; p = p->hnext)
		if (p->tgid == tgid)
			return p;
	return NULL;
}

static void grow_procs(struct pt_tasks *ts)
{
	size_t ncap = ts->pcap * 2;
	struct pt_proc **nb = calloc(ncap, sizeof(*nb));
	if (!nb)
		return;
	for (size_t i = 0; i < ts->pcap; i++) {
		struct pt_proc *p = ts->pb[i];
		while (p) {
			struct pt_proc *n = p->hnext;
			size_t s = slot(p->tgid, ncap);
			p->hnext = nb[s];
			nb[s] = p;
			p = n;
		}
	}
	free(ts->pb);
	ts->pb = nb;
	ts->pcap = ncap;
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
	pt_arena_init(&p->env_arena);
	if (ts->pcount + 1 > ts->pcap * 2)
		grow_procs(ts);
	size_t s = slot(tgid, ts->pcap);
	p->hnext = ts->pb[s];
	ts->pb[s] = p;
	ts->pcount++;
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
	struct pt_proc **pp = &ts->pb[slot(p->tgid, ts->pcap)];
	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
	ts->pcount--;
	p->hnext = NULL;
	if (p->ntasks > 0)
		p->removed = true;  /* its last task frees it (proc_unref) */
	else
		free_proc(p);
}

void pt_tasks_each(struct pt_tasks *ts, void (*fn)(struct pt_task *t, void *arg), void *arg)
{
	for (size_t i = 0; i < ts->tcap; i++)
		for (struct pt_task *t = ts->tb[i], *next; t; t = next) {
			next = t->hnext;
			fn(t, arg);
		}
}

void pt_procs_each(struct pt_tasks *ts, void (*fn)(struct pt_proc *p, void *arg), void *arg)
{
	for (size_t i = 0; i < ts->pcap; i++)
		for (struct pt_proc *p = ts->pb[i], *next; p; p = next) {
			next = p->hnext;
			fn(p, arg);
		}
}
