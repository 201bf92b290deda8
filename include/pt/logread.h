/* Reading a JSONL trace log (docs/trace-format.md) back into the events the
 * tracer emitted, so every view renders a saved log through the same sink
 * code as a live trace. */
#ifndef PT_LOGREAD_H
#define PT_LOGREAD_H

#include <stddef.h>
#include <stdio.h>

#include "pt/event.h"

struct pt_logread;

/* The longest line read (docs/report.md).  The largest event the tracer
 * can write is an exec with argv (256 KiB), maps before and after (4 MiB
 * of /proc text each), 1024 fds, the environment diff (1 MiB before and
 * after) and a 1024-frame stack, all at their caps: under 120 MiB even
 * when every tracee byte is escaped to six ("\udcXX"). */
#define PT_LOGREAD_LINE_MAX (128u << 20)

/* Opens path ("-" reads stdin).  0, or -errno (the file cannot be opened). */
int pt_logread_open(const char *path, struct pt_logread **r);
/* Reads an open stream, which is not closed; name is used in messages. */
int pt_logread_open_fp(FILE *fp, const char *name, struct pt_logread **r);

/* The next event:
 *   1   *ev is filled; its strings, arrays, stack and exec detail live in
 *       the reader and stay valid until the next call;
 *   0   the end of the log; err then holds a one-line warning when the log
 *       is incomplete (the last line cut short, no end event), else "";
 *  <0   -errno: the log cannot be read (not JSON, a missing field, an
 *       unknown event or format version...); err holds a one-line message
 *       "NAME:LINE: what".
 * err is never NULL-terminated beyond errlen; errlen > 0. */
int pt_logread_next(struct pt_logread *r, struct pt_event *ev, char *err, size_t errlen);

/* The line number of the last line read (1-based). */
unsigned long pt_logread_line(const struct pt_logread *r);

void pt_logread_close(struct pt_logread *r);

#endif
