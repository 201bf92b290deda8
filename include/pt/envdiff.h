/* The environment diff of an exec (src/inspect/envdiff.c). */
#ifndef PT_ENVDIFF_H
#define PT_ENVDIFF_H

#include <stddef.h>

#include "pt/arena.h"
#include "pt/event.h"

/* The changes from old_env to new_env, sorted by name (bytewise): added
 * (old_val NULL), removed (new_val NULL) and changed.  An entry without '='
 * is a name with an empty value; when a name occurs twice, the first one
 * counts (as getenv sees it).  O(n log n); O(n) without a sort when both
 * hold the same names in the same order (the usual exec).  All strings are copied into the
 * arena.  0 or -ENOMEM. */
int pt_env_diff(const char *const *old_env, size_t nold, const char *const *new_env, size_t nnew,
		struct pt_arena *a, const struct pt_env_change **out, size_t *n);

#endif
