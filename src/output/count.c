/* -c: a table of the reported syscalls at the end, strace -c's columns:
 * calls and errors per syscall, and the time columns when the events carry
 * their time (-c makes the tracer time each reported call: options.c).
 * Counted from the events. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/sink.h"
#include "pt/tables.h"

struct cell {
	unsigned long calls, errors;
	uint64_t ns;            /* summed dur_ns of the timed events */
};

struct count {
	struct pt_sink base;
	FILE *fp;
	bool owns;
	bool timed;             /* some event carried its time */
	struct cell cells[PT_ARCH__COUNT][PT_SYSCALL_MAX];
};

struct row {
	const char *name;
	unsigned arch;
	struct cell c;
};

static void add(struct count *k, unsigned arch, int nr, bool failed, bool timed, uint64_t ns)
{
	if (arch >= PT_ARCH__COUNT || nr < 0 || nr >= PT_SYSCALL_MAX)
		return;
	k->cells[arch][nr].calls++;
	k->cells[arch][nr].errors += failed;
	k->cells[arch][nr].ns += timed ? ns : 0;
	k->timed |= timed;
}

static int count_emit(struct pt_sink *s, const struct pt_event *ev)
{
	struct count *k = (struct count *)s;
	switch (ev->kind) {
	case PT_EV_SYSCALL:
		add(k, ev->u.syscall.arch, ev->u.syscall.nr, ev->u.syscall.err != 0, ev->u.syscall.timed,
		    ev->u.syscall.dur_ns);
		break;
	case PT_EV_WAIT:
		add(k, ev->u.wait.arch, ev->u.wait.syscall, ev->u.wait.err != 0, ev->u.wait.timed, ev->u.wait.dur_ns);
		break;
	/* exec and spawn events carry no time: their rows count 0 seconds */
	case PT_EV_EXEC: add(k, ev->u.exec.arch, ev->u.exec.syscall, false, false, 0); break;
	case PT_EV_EXEC_FAILED: add(k, ev->u.exec_failed.arch, ev->u.exec_failed.syscall, true, false, 0); break;
	/* a spawn is a fork/clone that succeeded (failed ones are not seen) */
	case PT_EV_SPAWN: add(k, ev->u.spawn.arch, ev->u.spawn.syscall, false, false, 0); break;
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

/* strace -c's default order: time, then calls */
static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->c.ns != y->c.ns)
		return x->c.ns < y->c.ns ? 1 : -1;
	return by_calls(a, b);
}

static void time_cols(FILE *fp, uint64_t ns, uint64_t total, unsigned long calls)
{
	fprintf(fp, "%6.2f %11.6f %11" PRIu64 " ", total ? 100.0 * (double)ns / (double)total : 0.0, (double)ns / 1e9,
		calls ? ns / 1000 / calls : 0);
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
	uint64_t ns = 0;
	for (i = 0; i < n; i++)
		ns += rows[i].c.ns;
	qsort(rows, n, sizeof(*rows), k->timed ? by_time : by_calls);
	/* strace's layout; without the time columns when no event carried its
	 * time (a log written without -c or -T, replayed) */
	const char *rule = k->timed ? "------ ----------- ----------- --------- --------- ----------------\n"
				    : "--------- --------- ----------------\n";
	if (k->timed)
		fprintf(k->fp, "%6s %11s %11s ", "% time", "seconds", "usecs/call");
	fprintf(k->fp, "%9s %9s %s\n%s", "calls", "errors", "syscall", rule);
	for (i = 0; i < n; i++) {
		if (k->timed)
			time_cols(k->fp, rows[i].c.ns, ns, rows[i].c.calls);
		fprintf(k->fp, "%9lu ", rows[i].c.calls);
		if (rows[i].c.errors)
			fprintf(k->fp, "%9lu ", rows[i].c.errors);
		else
			fprintf(k->fp, "%9s ", "");
		fprintf(k->fp, "%s%s%s\n", rows[i].name, rows[i].arch != PT_ARCH_X86_64 ? " " : "",
			rows[i].arch != PT_ARCH_X86_64 ? pt_arch_name(rows[i].arch) : "");
	}
	fputs(rule, k->fp);
	if (k->timed)
		time_cols(k->fp, ns, ns, calls);
	fprintf(k->fp, "%9lu %9lu total\n", calls, errors);
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
