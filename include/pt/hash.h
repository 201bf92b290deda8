/* The one hash table of the tree: chained and intrusive (an element embeds
 * a struct pt_hnode and is found back with pt_container_of), keyed by an
 * integer.  The tracer's task and process tables (by tid and tgid), the
 * report model's pid table and the stats view's program names all use it.
 *
 * - No allocation but the bucket array: adding never allocates a node, a
 *   lookup never allocates at all.  The per-stop lookup of a task by tid is
 *   one multiply and a short chain walk, inline.
 * - Integer keys are hashed with Fibonacci hashing (pids are dense and
 *   sequential); a string key is its pt_hash_str, and the caller compares
 *   the strings along the chain (pt_hash_find, then pt_hash_find_next).
 * - Iteration (pt_hash_each) goes bucket by bucket, each chain newest
 *   first; its callback may remove the node it is given, and nothing else.
 *   The order is unspecified, but fixed for the same sequence of adds and
 *   removes. */
#ifndef PT_HASH_H
#define PT_HASH_H

#include <stddef.h>
#include <stdint.h>

struct pt_hnode {
	struct pt_hnode *next;
	uint64_t key;
};

struct pt_hash {
	struct pt_hnode **b;        /* cap buckets (a power of two); NULL until the first add */
	size_t cap, count;
};

/* Buckets for cap (a power of two) up front: 0 or -ENOMEM (-EINVAL when cap
 * is not a power of two).  A zeroed struct pt_hash is a valid empty table
 * too; it gets PT_HASH_MIN_CAP buckets at its first add. */
#define PT_HASH_MIN_CAP 64
int pt_hash_init(struct pt_hash *h, size_t cap);
/* Frees the buckets; the elements are the caller's. */
void pt_hash_free(struct pt_hash *h);

static inline size_t pt_hash_slot(uint64_t key, size_t cap)
{
	/* Fibonacci hashing: the high half of the product mixes every bit. */
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

/* The newest node with this key, NULL when there is none. */
static inline struct pt_hnode *pt_hash_find(const struct pt_hash *h, uint64_t key)
{
	if (!h->cap)
		return NULL;
	for (struct pt_hnode *n = h->b[pt_hash_slot(key, h->cap)]; n; n = n->next)
		if (n->key == key)
			return n;
	return NULL;
}

/* The next (older) node with the same key as n, NULL when there is none. */
static inline struct pt_hnode *pt_hash_find_next(const struct pt_hnode *n)
{
	for (struct pt_hnode *m = n->next; m; m = m->next)
		if (m->key == n->key)
			return m;
	return NULL;
}

/* Adds n under key (n must not be in a table).  The table doubles when it
 * holds more than two nodes per bucket; a failed doubling only makes the
 * chains longer.  0, or -ENOMEM when a table with no buckets yet cannot get
 * any (never for a table made by pt_hash_init). */
int pt_hash_add(struct pt_hash *h, struct pt_hnode *n, uint64_t key);
/* Moves n, which is in the table, to another key (never grows the table). */
void pt_hash_rekey(struct pt_hash *h, struct pt_hnode *n, uint64_t key);
/* Takes n out of the table (nothing happens if it is not there). */
void pt_hash_remove(struct pt_hash *h, struct pt_hnode *n);
/* Calls fn on every node; fn may remove the node it is given. */
void pt_hash_each(struct pt_hash *h, void (*fn)(struct pt_hnode *n, void *arg), void *arg);

/* FNV-1a of a string: the key of a string, and the stable hash behind the
 * report views' program colours (a colour must not change between runs or
 * versions, so neither may this function). */
uint32_t pt_hash_str(const char *s);

#endif
