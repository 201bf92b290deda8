/* The report views, by format name.  Every view is a sink, so a saved log
 * is rendered by feeding its events, read back by logread.c, to the same
 * sink that renders live with --summary and --export; the command that does
 * it (`ptrace-tour report`) is src/cli/report_cmd.c. */
#include "pt/report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* The one list of formats (usage, --export, report --format).  jsonl is
 * the log written again by output's JSONL writer, and html embeds what
 * output's writers make: the report library links no output, so the
 * command makes those sinks (make is NULL here). */
static const struct {
	const char *name;
	struct pt_sink *(*make)(FILE *fp, bool owns_fp, const struct pt_text_opts *o);
} formats[PT_REPORT__COUNT] = {
	[PT_REPORT_TREE] = {"tree", pt_view_tree_new},
	[PT_REPORT_STATS] = {"stats", pt_view_stats_new},
	[PT_REPORT_CHROME] = {"chrome", pt_view_chrome_new},
	[PT_REPORT_DOT] = {"dot", pt_view_dot_new},
	[PT_REPORT_SVG] = {"svg", pt_view_svg_new},
	[PT_REPORT_HTML] = {"html", NULL},
	[PT_REPORT_JSONL] = {"jsonl", NULL},
	[PT_REPORT_CRITPATH] = {"critical-path", pt_view_critpath_new},
	[PT_REPORT_COMPDB] = {"compdb", pt_view_compdb_new},
};

const char *pt_report_format_name(unsigned format)
{
	return format < PT_REPORT__COUNT ? formats[format].name : NULL;
}

int pt_report_format_from_name(const char *name)
{
	for (unsigned i = 0; name && i < PT_REPORT__COUNT; i++)
		if (!strcmp(formats[i].name, name))
			return (int)i;
	return -1;
}

/* fp passes to the sink when owns_fp, also when the sink cannot be made. */
struct pt_sink *pt_report_sink_new(const char *format, FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	int i = pt_report_format_from_name(format);
	if (i < 0 || !formats[i].make) {
		if (owns_fp)
			fclose(fp);
		errno = i < 0 ? EINVAL : ENOTSUP;
		return NULL;
	}
	return formats[i].make(fp, owns_fp, o);
}
