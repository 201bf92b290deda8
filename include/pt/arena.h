/* A bump allocator: the strings and arrays of one event live here and are
 * freed together once the sinks have seen it.  After warm-up, reset + reuse
 * allocates nothing. */
#ifndef PT_ARENA_H
#define PT_ARENA_H

#include <stddef.h>

struct pt_arena_chunk;
struct pt_arena {
	struct pt_arena_chunk *head;
	size_t used_total;
};

void pt_arena_init(struct pt_arena *a);
/* Zeroed memory; NULL only when malloc fails. */
void *pt_arena_alloc(struct pt_arena *a, size_t size);
char *pt_arena_strndup(struct pt_arena *a, const char *s, size_t n);
char *pt_arena_strdup(struct pt_arena *a, const char *s);
char *pt_arena_printf(struct pt_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees everything but the first chunk, which is kept for reuse. */
void pt_arena_reset(struct pt_arena *a);
void pt_arena_free(struct pt_arena *a);

#endif
