/* -ff: each process's text in a file of its own, BASE.PID, as strace
 * writes it.  One text sink per pid, opened at its first line and closed
 * at its exit (a later line about it, a reap, reopens the file to append),
 * so a big tree does not run out of fds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/hash.h"
#include "pt/sink.h"
#include "pt/util.h"

struct per_pid {
	struct pt_hnode node;       /* key: the pid */
	struct pt_sink *text;       /* NULL while closed */
	bool opened;                /* the file exists: reopen to append */
	struct per_pid *all;        /* every entry, to free them */
};

struct split {
	struct pt_sink base;
	char *base_path;
	struct pt_text_opts o;
	struct pt_hash pids;
	struct per_pid *all;
	pid_t root;                 /* start and end lines go to the root's file */
};

static int close_one(struct per_pid *p)
{
	if (!p->text)
		return 0;
	int rc = p->text->ops->finish(p->text);
	p->text->ops->destroy(p->text);
	p->text = NULL;
	return rc;
}

static int split_emit(struct pt_sink *s, const struct pt_event *ev)
{
	struct split *sp = (struct split *)s;
	if (ev->kind == PT_EV_START && !sp->root)
		sp->root = ev->pid;
	pid_t pid = ev->kind == PT_EV_START || ev->kind == PT_EV_END || ev->pid <= 0 ? sp->root : ev->pid;
	struct pt_hnode *n = pt_hash_find(&sp->pids, (uint64_t)pid);
	struct per_pid *p = n ? pt_container_of(n, struct per_pid, node) : NULL;
	if (!p) {
		if (!(p = calloc(1, sizeof(*p))))
			return -ENOMEM;
		if (pt_hash_add(&sp->pids, &p->node, (uint64_t)pid) < 0) {
			free(p);
			return -ENOMEM;
		}
		p->all = sp->all;
		sp->all = p;
	}
	if (!p->text) {
		char path[4096];
		if ((size_t)snprintf(path, sizeof(path), "%s.%d", sp->base_path, (int)pid) >= sizeof(path))
			return -ENAMETOOLONG;
		FILE *f = fopen(path, p->opened ? "ae" : "we");
		if (!f)
			return -errno;
		if (!(p->text = pt_sink_text_new(f, true, &sp->o))) {
			fclose(f);
			return -ENOMEM;
		}
		p->opened = true;
	}
	int rc = p->text->ops->emit(p->text, ev);
	if (rc < 0)
		return rc;
	/* Its last line, unless a reap or reparent line follows. */
	if (ev->kind == PT_EV_EXIT && pid != sp->root)
		return close_one(p);
	return 0;
}

static int split_flush(struct pt_sink *s)
{
	struct split *sp = (struct split *)s;
	for (struct per_pid *p = sp->all; p; p = p->all)
		if (p->text && p->text->ops->flush) {
			int rc = p->text->ops->flush(p->text);
			if (rc < 0)
				return rc;
		}
	return 0;
}

static int split_finish(struct pt_sink *s)
{
	struct split *sp = (struct split *)s;
	int first = 0;
	for (struct per_pid *p = sp->all; p; p = p->all) {
		int rc = close_one(p);
		if (rc < 0 && !first)
			first = rc;
	}
	return first;
}

static void split_destroy(struct pt_sink *s)
{
	struct split *sp = (struct split *)s;
	for (struct per_pid *p = sp->all, *next; p; p = next) {
		next = p->all;
		if (p->text)
			p->text->ops->destroy(p->text);
		free(p);
	}
	pt_hash_free(&sp->pids);
	free(sp->base_path);
	free(sp);
}

static const struct pt_sink_ops split_ops = {
	.name = "text", .emit = split_emit, .finish = split_finish, .destroy = split_destroy, .flush = split_flush,
};

struct pt_sink *pt_sink_split_new(const char *base_path, const struct pt_text_opts *o)
{
	struct split *sp = calloc(1, sizeof(*sp));
	if (!sp || !(sp->base_path = strdup(base_path))) {
		free(sp);
		errno = ENOMEM;
		return NULL;
	}
	sp->base.ops = &split_ops;
	sp->o = *o;
	sp->o.summary = false;
	return &sp->base;
}
