/* --explain: a plain sentence for each lifecycle event, in the words of the
 * classic Unix chapters on processes. */
#ifndef PT_EXPLAIN_H
#define PT_EXPLAIN_H

#include <stdio.h>

#include "pt/event.h"

void pt_explain_event(FILE *f, const struct pt_event *ev);

#endif
