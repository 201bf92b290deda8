/* Views rendered from events: the process tree, stats, Chrome trace, dot,
 * svg.  Each is a sink, so it works the same live (--summary, --export) and
 * on a saved log (ptrace-tour report, src/cli/report_cmd.c). */
#ifndef PT_REPORT_H
#define PT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "pt/sink.h"

/* The export formats, one list for --export and report --format: the
 * views (critical-path and compdb are text and JSON made from the same
 * model), and jsonl (the log written again, by output's JSONL writer). */
enum pt_report_format {
	PT_REPORT_TREE = 0,
	PT_REPORT_STATS,
	PT_REPORT_CHROME,
	PT_REPORT_DOT,
	PT_REPORT_SVG,
	PT_REPORT_HTML,
	PT_REPORT_JSONL,
	PT_REPORT_CRITPATH,
	PT_REPORT_COMPDB,
	PT_REPORT__COUNT
};

/* "tree", "stats", "chrome", "dot", "svg", "html", "jsonl", "critical-path",
 * "compdb"; NULL past the end. */
const char *pt_report_format_name(unsigned format);
/* enum pt_report_format of a name, or -1. */
int pt_report_format_from_name(const char *name);

/* A view by format name.  NULL with errno set: EINVAL for an unknown
 * format, ENOTSUP for jsonl (not a view: made by the caller, which links
 * the output library) and html (pt_report_html_new).  With owns_fp, fp is the sink's (closed on failure). */
struct pt_sink *pt_report_sink_new(const char *format, FILE *fp, bool owns_fp, const struct pt_text_opts *o);

/* The HTML page (src/report/html.c) embeds every event as the log's JSON
 * line and --explain's sentences, made by the output library's JSONL and
 * text writers, which the report library does not link: the caller passes
 * their constructors (pt_sink_jsonl_new, pt_sink_text_new). */
struct pt_sink *pt_report_html_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o,
				   struct pt_sink *(*jsonl_new)(FILE *fp, bool owns_fp),
				   struct pt_sink *(*text_new)(FILE *fp, bool owns_fp, const struct pt_text_opts *o));

#endif
