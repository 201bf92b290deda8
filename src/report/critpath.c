/* The critical path (report --format critical-path): the chain of processes
 * that determined the root's wall time (pt_model_critical_path says how it
 * is chosen), as one line and as a table:
 *
 *   critical path: make 8.200s → cc 3.100s (38 %) → cc1 2.900s (35 %)
 *
 *     pid  program  start    wall    share  cpu     command
 *    1201  make     0us      8.200s  100 %  0.120s  make -j2
 *    ...
 *
 * start is from the root's start; cpu is the process's own (without the
 * children it reaped), "-" when the log has no rusage. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define COMMAND_COLS 60

static int render(struct pt_view *v)
{
	const struct pt_model *m = &v->m;
	FILE *f = v->out;
	struct pt_mproc **path = NULL;
	struct pt_buf b = {0};
	char d1[32], d2[32], d3[32];
	long n = pt_model_critical_path(m, &path);
	if (n < 0)
		return (int)n;
	if (n == 0) {
		fputs("critical path: no process in the log\n", f);
		return 0;
	}
	pt_buf_critical_path(&b, m, path, (size_t)n);
	fprintf(f, "critical path: %s\n\n", b.s ? b.s : "");
	uint64_t t0 = path[0]->t_start, total = pt_mproc_wall(m, path[0]);
	fprintf(f, "%8s  %-16s  %9s  %9s  %5s  %9s  %s\n", "pid", "program", "start", "wall", "share", "cpu", "command");
	for (long i = 0; i < n; i++) {
		const struct pt_mproc *p = path[i];
		uint64_t w = pt_mproc_wall(m, p), cpu;
		b.len = 0;
		pt_buf_safe(&b, pt_mproc_comm(p), 16);
		size_t cols = b.s ? pt_text_cols(b.s, b.len) : 0;
		fprintf(f, "%8d  %s%*s  %9s  %9s  %4.0f%%  %9s  ", (int)p->pid, b.s ? b.s : "", (int)(cols < 16 ? 16 - cols : 0),
			"", pt_fmt_dur(p->t_start - t0, d1, sizeof(d1)), pt_fmt_dur(w, d2, sizeof(d2)),
			total ? 100.0 * (double)w / (double)total : 0.0,
			pt_mproc_cpu(p, &cpu) ? pt_fmt_dur(cpu, d3, sizeof(d3)) : "-");
		b.len = 0;
		if (p->images_tail && p->images_tail->argc)
			pt_buf_argv(&b, p->images_tail->argv, p->images_tail->argc, COMMAND_COLS);
		else
			pt_buf_safe(&b, pt_mproc_comm(p), COMMAND_COLS);
		fprintf(f, "%s\n", b.s ? b.s : "");
	}
	int rc = b.oom ? -ENOMEM : 0;
	pt_buf_free(&b);
	free(path);
	return rc;
}

static const struct pt_sink_ops critpath_ops = {"critical-path", pt_view_emit, pt_view_finish, pt_view_destroy, NULL};

struct pt_sink *pt_view_critpath_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	struct pt_view *v = pt_view_new(sizeof(struct pt_view), &critpath_ops, fp, owns_fp, o);
	if (!v)
		return NULL;
	v->render = render;
	return &v->base;
}
