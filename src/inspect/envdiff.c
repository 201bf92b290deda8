/* The environment diff of an exec: the old image's environ against the
 * envp handed to the next one, as changes sorted by name.  Pure (arrays in,
 * arena out): the tracer reads both sides, this only compares them. */
#include "pt/envdiff.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct kv {
	const char *name, *val;
	size_t nlen, idx;
};

static int kv_cmp(const void *pa, const void *pb)
{
	const struct kv *x = pa, *y = pb;
	size_t m = x->nlen < y->nlen ? x->nlen : y->nlen;
	int c = memcmp(x->name, y->name, m);
	if (c)
		return c;
	if (x->nlen != y->nlen)
		return x->nlen < y->nlen ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Splits the entries, sorts them by name and keeps the first of each name.
 * *kvs is malloc'd. */
static int kv_build(const char *const *env, size_t n, struct kv **kvs, size_t *nkv)
{
	struct kv *v = NULL;
	size_t m = 0;
	int ret = 0;
	*kvs = NULL;
	*nkv = 0;
	if (!n)
		goto out;
	if (n > SIZE_MAX / sizeof(*v)) {
		ret = -ENOMEM;
		goto out;
	}
	v = malloc(n * sizeof(*v));
	if (!v) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = env[i];
		if (!s)
			continue;
		const char *eq = strchr(s, '=');
		v[m].name = s;
		v[m].nlen = eq ? (size_t)(eq - s) : strlen(s);
		v[m].val = eq ? eq + 1 : "";
		v[m].idx = i;
		m++;
	}
	qsort(v, m, sizeof(*v), kv_cmp);
	size_t w = 0;
	for (size_t i = 0; i < m; i++)
		if (!w || v[w - 1].nlen != v[i].nlen || memcmp(v[w - 1].name, v[i].name, v[i].nlen))
			v[w++] = v[i];
	*kvs = v;
	*nkv = w;
	v = NULL;
out:
	free(v);
	return ret;
}

int pt_env_diff(const char *const *old_env, size_t nold, const char *const *new_env, size_t nnew,
		struct pt_arena *a, const struct pt_env_change **out, size_t *n)
{
	struct kv *o = NULL, *w = NULL;
	size_t no = 0, nw = 0, count = 0;
	struct pt_env_change *v = NULL;
	int ret;
	*out = NULL;
	*n = 0;
	ret = kv_build(old_env, nold, &o, &no);
	if (ret)
		goto out;
	ret = kv_build(new_env, nnew, &w, &nw);
	if (ret)
		goto out;
	/* Two passes over the merge: count, then fill an exact array. */
	for (int pass = 0; pass < 2; pass++) {
		size_t i = 0, j = 0, k = 0;
		if (pass == 1) {
			if (!count)
				break;
			v = pt_arena_alloc(a, count * sizeof(*v));
			if (!v) {
				ret = -ENOMEM;
				goto out;
			}
		}
		while (i < no || j < nw) {
			const struct kv *x = NULL, *y = NULL, *nm;
			int c;
			if (i == no)
				c = 1;
			else if (j == nw)
				c = -1;
			else {
				size_t m = o[i].nlen < w[j].nlen ? o[i].nlen : w[j].nlen;
				c = memcmp(o[i].name, w[j].name, m);
				if (!c)
					c = o[i].nlen < w[j].nlen ? -1 : o[i].nlen > w[j].nlen;
			}
			if (c <= 0)
				x = &o[i++];
			if (c >= 0)
				y = &w[j++];
			if (x && y && !strcmp(x->val, y->val))
				continue;
			if (pass == 1) {
				nm = x ? x : y;
				v[k].name = pt_arena_strndup(a, nm->name, nm->nlen);
				v[k].old_val = x ? pt_arena_strdup(a, x->val) : NULL;
				v[k].new_val = y ? pt_arena_strdup(a, y->val) : NULL;
				if (!v[k].name || (x && !v[k].old_val) || (y && !v[k].new_val)) {
					ret = -ENOMEM;
					goto out;
				}
			}
			k++;
		}
		count = k;
	}
	*out = v;
	*n = v ? count : 0;
out:
	free(o);
	free(w);
	return ret;
}
