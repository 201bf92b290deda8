/* The one hash table (include/pt/hash.h) and the stable string hash. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "pt/hash.h"
#include "pt/util.h"

struct item {
	int id;
	int seen;
	struct pt_hnode hnode;
};

#define ITEM(n) pt_container_of(n, struct item, hnode)

Test(hash, finds_every_key_through_growth_and_removal)
{
	enum { N = 3000 };     /* 64 buckets at first: several doublings */
	struct pt_hash h = {0};
	struct item *v = calloc(N, sizeof(*v));
	cr_assert_not_null(v);
	cr_assert_null(pt_hash_find(&h, 1), "a zeroed table is empty");
	for (int i = 0; i < N; i++) {
		v[i].id = 1000 + i;
		cr_assert_eq(pt_hash_add(&h, &v[i].hnode, (uint64_t)v[i].id), 0);
	}
	cr_assert_eq(h.count, N);
	cr_assert(h.cap >= N / 2 && (h.cap & (h.cap - 1)) == 0, "at most two per bucket: cap %zu", h.cap);
	for (int i = 0; i < N; i++)
		cr_assert_eq(pt_hash_find(&h, (uint64_t)(1000 + i)), &v[i].hnode);
	cr_assert_null(pt_hash_find(&h, 999));
	for (int i = 0; i < N; i += 2)
		pt_hash_remove(&h, &v[i].hnode);
	pt_hash_remove(&h, &v[0].hnode);      /* not in the table: nothing happens */
	cr_assert_eq(h.count, N / 2);
	for (int i = 0; i < N; i++)
		cr_assert_eq(pt_hash_find(&h, (uint64_t)(1000 + i)), i % 2 ? &v[i].hnode : NULL);
	pt_hash_rekey(&h, &v[1].hnode, 7);
	cr_assert_null(pt_hash_find(&h, 1001));
	cr_assert_eq(pt_hash_find(&h, 7), &v[1].hnode);
	cr_assert_eq(h.count, N / 2);
	pt_hash_free(&h);
	cr_assert(!h.b && !h.cap && !h.count);
	free(v);
}

Test(hash, equal_keys_are_all_found_newest_first)
{
	struct pt_hash h;
	struct item a = {.id = 1}, b = {.id = 2}, c = {.id = 3};
	cr_assert_eq(pt_hash_init(&h, 4), 0);
	cr_assert_eq(pt_hash_init(&(struct pt_hash){0}, 3), -EINVAL);
	pt_hash_add(&h, &a.hnode, 42);
	pt_hash_add(&h, &c.hnode, 43);
	pt_hash_add(&h, &b.hnode, 42);
	struct pt_hnode *n = pt_hash_find(&h, 42);
	cr_assert_eq(ITEM(n)->id, 2);
	n = pt_hash_find_next(n);
	cr_assert_eq(ITEM(n)->id, 1);
	cr_assert_null(pt_hash_find_next(n));
	pt_hash_free(&h);
}

static void visit_and_remove_odd(struct pt_hnode *n, void *arg)
{
	struct pt_hash *h = arg;
	ITEM(n)->seen++;
	if (ITEM(n)->id % 2)
		pt_hash_remove(h, n);
}

Test(hash, each_visits_every_node_once_and_allows_removing_it)
{
	enum { N = 500 };
	struct pt_hash h;
	struct item v[N] = {{0}};
	cr_assert_eq(pt_hash_init(&h, 8), 0);
	for (int i = 0; i < N; i++) {
		v[i].id = i;
		pt_hash_add(&h, &v[i].hnode, (uint64_t)(i % 100));   /* long chains of equal keys */
	}
	pt_hash_each(&h, visit_and_remove_odd, &h);
	for (int i = 0; i < N; i++)
		cr_assert_eq(v[i].seen, 1, "node %d seen %d times", i, v[i].seen);
	cr_assert_eq(h.count, N / 2);
	pt_hash_free(&h);
}

/* The report's colours come from this hash (pt_prog_color): its values are
 * fixed (FNV-1a, 32 bits), or every golden picture would change. */
Test(hash, string_hash_is_fnv1a)
{
	cr_assert_eq(pt_hash_str(""), 0x811c9dc5u);
	cr_assert_eq(pt_hash_str("a"), 0xe40c292cu);
	cr_assert_eq(pt_hash_str("foobar"), 0xbf9cf968u);
	cr_assert_eq(pt_hash_str("\xff"), (0x811c9dc5u ^ 0xffu) * 16777619u);
}

static const int three[] = {1, 2, 3};

Test(hash, n_elements_counts_an_array)
{
	_Static_assert(PT_N_ELEMENTS(three) == 3, "a constant expression");
	cr_assert_eq(three[PT_N_ELEMENTS(three) - 1], 3);   /* used, not only measured (clang) */
	char buf[17];
	cr_assert_eq(PT_N_ELEMENTS(buf), 17);
}
