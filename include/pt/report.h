/* Views rendered from events: the process tree, stats, Chrome trace, dot,
 * svg.  Each is a sink, so it works the same live (--summary, --export) and
 * on a saved log (ptrace-tour report). */
#ifndef PT_REPORT_H
#define PT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "pt/sink.h"

/* format: "tree", "stats", "chrome", "dot", "svg", "jsonl".  NULL with errno
 * set (EINVAL for an unknown format). */
struct pt_sink *pt_report_sink_new(const char *format, FILE *fp, bool owns_fp, const struct pt_text_opts *o);
/* `ptrace-tour report [--format F] [-o OUT] LOG`; argv[0] is "report". */
int pt_report_main(int argc, char **argv);

#endif
