/* -c: a table of the reported syscalls at the end, strace -c's columns
 * that the events carry (calls and errors per syscall).  Counted from the
 * events, so it costs the tracer nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/sink.h"
#include "pt/tables.h"

struct cell {
	unsigned long calls, errors;
};

struct count {
	struct pt_sink base;
	FILE *fp;
	bool owns;
	struct cell cells[PT_ARCH__COUNT][PT_SYSCALL_MAX];
};

struct row {
	const char *name;
	unsigned arch;
	struct cell c;
};

static void add(struct count *k, unsigned arch, int nr, bool failed)
{
	if (arch >= PT_ARCH__COUNT || nr < 0 || nr >= PT_SYSCALL_MAX)
		return;
	k->cells[arch][nr].calls++;
	k->cells[arch][nr].errors += failed;
}

static int count_emit(struct pt_sink *s, const struct pt_event *ev)
{
	struct count *k = (struct count *)s;
	switch (ev->kind) {
	case PT_EV_SYSCALL: add(k, ev->u.syscall.arch, ev->u.syscall.nr, ev->u.syscall.err != 0); break;
	case PT_EV_WAIT: add(k, ev->u.wait.arch, ev->u.wait.syscall, ev->u.wait.err != 0); break;
	case PT_EV_EXEC: add(k, ev->u.exec.arch, ev->u.exec.syscall, false); break;
	case PT_EV_EXEC_FAILED: add(k, ev->u.exec_failed.arch, ev->u.exec_failed.syscall, true); break;
	/* a spawn is a fork/clone that succeeded (failed ones are not seen) */
	case PT_EV_SPAWN: add(k, ev->u.spawn.arch, ev->u.spawn.syscall, false); break;
	case PT_EV_START:
	case PT_EV_ATTACH:
	case PT_EV_SIGNAL:
	case PT_EV_STOPPED:
	case PT_EV_CONTINUED:
	case PT_EV_EXIT:
	case PT_EV_REAP:
	case PT_EV_REPARENT:
	case PT_EV_END:
		break;
	}
	return 0;
}

static int by_calls(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->c.calls != y->c.calls)
		return x->c.calls < y->c.calls ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int count_finish(struct pt_sink *s)
{
	struct count *k = (struct count *)s;
	size_t n = 0;
	for (unsigned a = 0; a < PT_ARCH__COUNT; a++)
		for (int nr = 0; nr < PT_SYSCALL_MAX; nr++)
			n += k->cells[a][nr].calls != 0;
	struct row *rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	size_t i = 0;
	unsigned long calls = 0, errors = 0;
	for (unsigned a = 0; a < PT_ARCH__COUNT; a++)
		for (int nr = 0; nr < PT_SYSCALL_MAX; nr++) {
			if (!k->cells[a][nr].calls)
				continue;
			/* x32 calls use x86_64's numbers and names */
			const char *name = pt_syscall_name(a == PT_ARCH_X32 ? PT_ARCH_X86_64 : a, nr);
			rows[i++] = (struct row){name ? name : "?", a, k->cells[a][nr]};
			calls += k->cells[a][nr].calls;
			errors += k->cells[a][nr].errors;
		}
	qsort(rows, n, sizeof(*rows), by_calls);
	/* strace's layout, without its time columns: the events carry no
	 * syscall duration (README: -c). */
	fprintf(k->fp, "%9s %9s %s\n--------- --------- ----------------\n", "calls", "errors", "syscall");
	for (i = 0; i < n; i++) {
		fprintf(k->fp, "%9lu ", rows[i].c.calls);
		if (rows[i].c.errors)
			fprintf(k->fp, "%9lu ", rows[i].c.errors);
		else
			fprintf(k->fp, "%9s ", "");
		fprintf(k->fp, "%s%s%s\n", rows[i].name, rows[i].arch != PT_ARCH_X86_64 ? " " : "",
			rows[i].arch != PT_ARCH_X86_64 ? pt_arch_name(rows[i].arch) : "");
	}
	fprintf(k->fp, "--------- --------- ----------------\n%9lu %9lu total\n", calls, errors);
	free(rows);
	return fflush(k->fp) ? -errno : 0;
}

static void count_destroy(struct pt_sink *s)
{
	struct count *k = (struct count *)s;
	if (k->owns)
		fclose(k->fp);
	free(k);
}

static const struct pt_sink_ops count_ops = {
	.name = "count", .emit = count_emit, .finish = count_finish, .destroy = count_destroy,
};

struct pt_sink *pt_sink_count_new(FILE *fp, bool owns_fp)
{
	struct count *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->base.ops = &count_ops;
	k->fp = fp;
	k->owns = owns_fp;
	return &k->base;
}
