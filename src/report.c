/* Placeholder until the report views land (issue: trace logs). */
#include "pt/report.h"

#include <errno.h>
#include <stdlib.h>

static int nop_emit(struct pt_sink *s, const struct pt_event *ev)
{
	(void)s;
	(void)ev;
	return 0;
}

static void nop_destroy(struct pt_sink *s)
{
	free(s);
}

static const struct pt_sink_ops nop_ops = {"nop", nop_emit, NULL, nop_destroy};

struct pt_sink *pt_report_sink_new(const char *format, FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	(void)format;
	(void)o;
	if (owns_fp)
		fclose(fp);
	struct pt_sink *s = calloc(1, sizeof(*s));
	if (s)
		s->ops = &nop_ops;
	return s;
}

int pt_report_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ptrace-tour report: not implemented yet\n");
	return 2;
}
