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

static size_t name_len(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq ? (size_t)(eq - s) : strlen(s);
}

static int name_cmp(const char *x, size_t xl, const char *y, size_t yl)
{
	int c = memcmp(x, y, xl < yl ? xl : yl);
	return c ? c : (xl > yl) - (xl < yl);
}

#define PT_ENV_FAST_MAX 16      /* changes the same-order path handles; more: the general one */

/* The usual exec keeps the environment as it was, or changes a few values
 * in place (PWD, SHLVL, _): same entries, or the same names in the same
 * order.  Then no sort is needed: 1 when *out and *n are set, 0 when the
 * general path must decide, -ENOMEM. */
static int diff_same_order(const char *const *old_env, const char *const *new_env, size_t cnt, struct pt_arena *a,
			   const struct pt_env_change **out, size_t *n)
{
	size_t idx[PT_ENV_FAST_MAX], k = 0;
	for (size_t i = 0; i < cnt; i++) {
		const char *x = old_env[i], *y = new_env[i];
		if (!x || !y)
			return 0;
		if (x == y || !strcmp(x, y))
			continue;
		size_t l = name_len(x);
		if (l != name_len(y) || memcmp(x, y, l))
			return 0;       /* another name here: not the same order */
		if (!strcmp(x[l] ? x + l + 1 : "", y[l] ? y + l + 1 : ""))
			continue;       /* "N" and "N=": both empty */
		if (k == PT_ENV_FAST_MAX)
			return 0;
		idx[k++] = i;
	}
	/* A name seen before (in both: the names match position by position)
	 * is a duplicate: the first one counts, as in the general path. */
	size_t m = 0;
	for (size_t c = 0; c < k; c++) {
		const char *x = old_env[idx[c]];
		size_t l = name_len(x);
		bool dup = false;
		for (size_t j = 0; j < idx[c] && !dup; j++) {
			if (!old_env[j] || !new_env[j])
				return 0;
			dup = name_len(old_env[j]) == l && !memcmp(old_env[j], x, l);
		}
		if (!dup)
			idx[m++] = idx[c];
	}
	/* sorted by name (insertion sort of at most PT_ENV_FAST_MAX) */
	for (size_t c = 1; c < m; c++) {
		size_t t = idx[c], d = c;
		const char *tn = old_env[t];
		while (d && name_cmp(old_env[idx[d - 1]], name_len(old_env[idx[d - 1]]), tn, name_len(tn)) > 0) {
			idx[d] = idx[d - 1];
			d--;
		}
		idx[d] = t;
	}
	struct pt_env_change *v = NULL;
	if (m) {
		v = pt_arena_alloc(a, m * sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	for (size_t c = 0; c < m; c++) {
		const char *x = old_env[idx[c]], *y = new_env[idx[c]];
		size_t l = name_len(x);
		v[c].name = pt_arena_strndup(a, x, l);
		v[c].old_val = pt_arena_strdup(a, x[l] ? x + l + 1 : "");
		v[c].new_val = pt_arena_strdup(a, y[l] ? y + l + 1 : "");
		if (!v[c].name || !v[c].old_val || !v[c].new_val)
			return -ENOMEM;
	}
	*out = v;
	*n = m;
	return 1;
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
	if (nold == nnew && nold) {
		ret = diff_same_order(old_env, new_env, nold, a, out, n);
		if (ret)
			return ret < 0 ? ret : 0;
	}
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
