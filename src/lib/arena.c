/* Bump allocator for per-event strings and arrays. */
#include "pt/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PT_ARENA_CHUNK (16 * 1024)

struct pt_arena_chunk {
	struct pt_arena_chunk *next;
	size_t size, used;
	max_align_t data[];
};

void pt_arena_init(struct pt_arena *a)
{
	a->head = NULL;
	a->used_total = 0;
}

void *pt_arena_alloc(struct pt_arena *a, size_t size)
{
	size_t align = _Alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	struct pt_arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t cap = size > PT_ARENA_CHUNK ? size : PT_ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->size = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	a->used_total += size;
	memset(p, 0, size);
	return p;
}

char *pt_arena_strndup(struct pt_arena *a, const char *s, size_t n)
{
	char *p = pt_arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

char *pt_arena_strdup(struct pt_arena *a, const char *s)
{
	return pt_arena_strndup(a, s, strlen(s));
}

char *pt_arena_printf(struct pt_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = pt_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void pt_arena_reset(struct pt_arena *a)
{
	struct pt_arena_chunk *c = a->head;
	if (!c)
		return;
	/* Keep the oldest chunk: the common case then never calls malloc. */
	while (c->next) {
		struct pt_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	c->used = 0;
	a->head = c;
	a->used_total = 0;
}

void pt_arena_free(struct pt_arena *a)
{
	struct pt_arena_chunk *c = a->head;
	while (c) {
		struct pt_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
}
