/* The one hash table (include/pt/hash.h): chained, intrusive, integer
 * keys; and pt_hash_str, the stable string hash. */
#include "pt/hash.h"

#include <errno.h>
#include <stdlib.h>

int pt_hash_init(struct pt_hash *h, size_t cap)
{
	h->b = NULL;
	h->cap = h->count = 0;
	if (!cap || (cap & (cap - 1)))
		return -EINVAL;
	h->b = calloc(cap, sizeof(*h->b));
	if (!h->b)
		return -ENOMEM;
	h->cap = cap;
	return 0;
}

void pt_hash_free(struct pt_hash *h)
{
	free(h->b);
	h->b = NULL;
	h->cap = h->count = 0;
}

static void link_node(struct pt_hnode **b, size_t cap, struct pt_hnode *n)
{
	size_t s = pt_hash_slot(n->key, cap);
	n->next = b[s];
	b[s] = n;
}

/* Doubles the buckets; on failure the table stays as it is (longer chains,
 * still correct).  Nodes are moved bucket by bucket, each chain from its
 * head, so the iteration order depends only on the adds and removes. */
static void grow(struct pt_hash *h)
{
	size_t ncap = h->cap * 2;
	struct pt_hnode **nb = calloc(ncap, sizeof(*nb));
	if (!nb)
		return;
	for (size_t i = 0; i < h->cap; i++)
		for (struct pt_hnode *n = h->b[i], *next; n; n = next) {
			next = n->next;
			link_node(nb, ncap, n);
		}
	free(h->b);
	h->b = nb;
	h->cap = ncap;
}

int pt_hash_add(struct pt_hash *h, struct pt_hnode *n, uint64_t key)
{
	if (!h->cap) {
		int ret = pt_hash_init(h, PT_HASH_MIN_CAP);
		if (ret)
			return ret;
	}
	if (h->count + 1 > h->cap * 2)
		grow(h);
	n->key = key;
	link_node(h->b, h->cap, n);
	h->count++;
	return 0;
}

void pt_hash_remove(struct pt_hash *h, struct pt_hnode *n)
{
	if (!h->cap)
		return;
	struct pt_hnode **pp = &h->b[pt_hash_slot(n->key, h->cap)];
	while (*pp && *pp != n)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = n->next;
	n->next = NULL;
	h->count--;
}

void pt_hash_rekey(struct pt_hash *h, struct pt_hnode *n, uint64_t key)
{
	pt_hash_remove(h, n);
	n->key = key;
	link_node(h->b, h->cap, n);
	h->count++;
}

void pt_hash_each(struct pt_hash *h, void (*fn)(struct pt_hnode *n, void *arg), void *arg)
{
	for (size_t i = 0; i < h->cap; i++)
		for (struct pt_hnode *n = h->b[i], *next; n; n = next) {
			next = n->next;
			fn(n, arg);
		}
}

uint32_t pt_hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}
