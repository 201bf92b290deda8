/* `ptrace-tour report` and the sinks of every export format: the one place
 * that wires the report views and the output library's JSONL writer
 * together, so neither library links the other. */
#ifndef PT_REPORT_CMD_H
#define PT_REPORT_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "pt/sink.h"

/* A sink for any format of pt/report.h: a view, or the JSONL writer for
 * "jsonl".  NULL with errno set (EINVAL for an unknown format); with
 * owns_fp, fp is the sink's (closed on failure). */
struct pt_sink *pt_report_cmd_sink_new(const char *format, FILE *fp, bool owns_fp, const struct pt_text_opts *o);
/* `ptrace-tour report [--format F] [-o OUT] LOG`; argv[0] is "report".
 * Returns the exit status. */
int pt_report_cmd_main(int argc, char **argv);

#endif
