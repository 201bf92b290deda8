/* The exec stack block parser (argv, envp, auxv, execfn from one read of
 * the new image's stack) over blocks built here, including hostile ones;
 * and the env diff's fast paths against a naive reference. */
#include <criterion/criterion.h>

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pt/arena.h"
#include "pt/envdiff.h"
#include "pt/execstack.h"
#include "pt/tracee_mem.h"

static struct pt_arena arena;

static void setup(void)
{
	pt_arena_init(&arena);
}

static void teardown(void)
{
	pt_arena_free(&arena);
}

TestSuite(execstack, .init = setup, .fini = teardown);

#define BASE 0x7ffd00001000ull

/* A block as the kernel lays it out: argc, argv[], NULL, envp[], NULL,
 * auxv pairs, AT_NULL, then the strings (argv's, env's, execfn). */
struct blk {
	unsigned char b[8192];
	size_t len;
};

static void put(struct blk *k, size_t off, uint64_t v, unsigned word)
{
	if (word == 8)
		memcpy(k->b + off, &v, 8);
	else {
		uint32_t w = (uint32_t)v;
		memcpy(k->b + off, &w, 4);
	}
}

static void build(struct blk *k, unsigned word, const char *const *argv, size_t argc, const char *const *env,
		  size_t envc, const char *execfn)
{
	memset(k, 0, sizeof(*k));
	uint64_t base = word == 8 ? BASE : 0xffd01000u;
	size_t off = 0, nw = 1 + argc + 1 + envc + 1 + 2 * 4;
	size_t str = nw * word + 64;    /* some padding, like the random bytes */
	put(k, off, argc, word), off += word;
	for (size_t i = 0; i < argc; i++, off += word) {
		put(k, off, base + str, word);
		strcpy((char *)k->b + str, argv[i]);
		str += strlen(argv[i]) + 1;
	}
	put(k, off, 0, word), off += word;
	for (size_t i = 0; i < envc; i++, off += word) {
		put(k, off, base + str, word);
		strcpy((char *)k->b + str, env[i]);
		str += strlen(env[i]) + 1;
	}
	put(k, off, 0, word), off += word;
	put(k, off, AT_ENTRY, word), put(k, off + word, 0x401000, word), off += 2 * word;
	put(k, off, AT_PHDR, word), put(k, off + word, 0x400040, word), off += 2 * word;
	put(k, off, AT_EXECFN, word), put(k, off + word, base + str, word), off += 2 * word;
	put(k, off, AT_NULL, word), put(k, off + word, 0, word);
	strcpy((char *)k->b + str, execfn);
	str += strlen(execfn) + 1;
	k->len = str + word;    /* the NULL word at the top of the stack */
}

/* The block in an exact-size malloc'd buffer: a read past len trips ASan. */
static int parse(const struct blk *k, size_t len, unsigned word, size_t max_n, size_t max_bytes,
		 struct pt_exec_stack *xs)
{
	unsigned char *copy = malloc(len ? len : 1);
	cr_assert_not_null(copy);
	memcpy(copy, k->b, len);
	int rc = pt_exec_stack_parse(copy, len, word == 8 ? BASE : 0xffd01000u, word, max_n, max_bytes, &arena, xs);
	free(copy);     /* the results live in the arena */
	return rc;
}

static const char *const ARGV[] = {"/bin/prog", "a b", ""};
static const char *const ENV[] = {"HOME=/root", "EMPTY=", "NOEQ"};

Test(execstack, normal_block)
{
	for (unsigned word = 4; word <= 8; word += 4) {
		struct blk k;
		struct pt_exec_stack xs;
		build(&k, word, ARGV, 3, ENV, 3, "/usr/bin/prog");
		cr_assert_eq(parse(&k, k.len, word, 100, 1 << 20, &xs), 0);
		cr_assert_eq(xs.argv.status, PT_XS_OK);
		cr_assert_eq(xs.argv.n, 3);
		cr_assert_str_eq(xs.argv.v[0], "/bin/prog");
		cr_assert_str_eq(xs.argv.v[1], "a b");
		cr_assert_str_eq(xs.argv.v[2], "");   /* empty arguments are kept (cmdline's split drops them) */
		cr_assert_null(xs.argv.v[3]);
		cr_assert_not(xs.argv.truncated);
		cr_assert_eq(xs.env.status, PT_XS_OK);
		cr_assert_eq(xs.env.n, 3);
		cr_assert_str_eq(xs.env.v[2], "NOEQ");
		cr_assert_eq(xs.auxv_status, PT_XS_OK);
		cr_assert(xs.auxv.have_entry && xs.auxv.entry == 0x401000);
		cr_assert(xs.auxv.have_phdr && xs.auxv.phdr == 0x400040);
		cr_assert_not(xs.auxv.have_base);
		cr_assert_str_eq(xs.execfn, "/usr/bin/prog");
	}
}

Test(execstack, argc_zero)
{
	struct blk k;
	struct pt_exec_stack xs;
	build(&k, 8, NULL, 0, ENV, 1, "/x");
	cr_assert_eq(parse(&k, k.len, 8, 100, 1 << 20, &xs), 0);
	cr_assert_eq(xs.argv.status, PT_XS_OK);
	cr_assert_eq(xs.argv.n, 0);
	cr_assert_null(xs.argv.v[0]);
	cr_assert_eq(xs.env.status, PT_XS_OK);
	cr_assert_eq(xs.env.n, 1);
}

Test(execstack, huge_argc_is_outside)
{
	uint64_t counts[] = {UINT64_MAX, UINT64_MAX / 8, 1u << 20, 1000};
	for (size_t i = 0; i < 4; i++) {
		struct blk k;
		struct pt_exec_stack xs;
		build(&k, 8, ARGV, 3, ENV, 3, "/x");
		put(&k, 0, counts[i], 8);
		cr_assert_eq(parse(&k, k.len, 8, 100, 1 << 20, &xs), 0);
		cr_assert_neq(xs.argv.status, PT_XS_OK, "argc %llu", (unsigned long long)counts[i]);
		cr_assert_neq(xs.env.status, PT_XS_OK);
		cr_assert_neq(xs.auxv_status, PT_XS_OK);
	}
}

Test(execstack, argv_without_its_null_is_bad)
{
	struct blk k;
	struct pt_exec_stack xs;
	build(&k, 8, ARGV, 3, ENV, 3, "/x");
	put(&k, 0, 2, 8);   /* argv[2] is where the NULL should be */
	cr_assert_eq(parse(&k, k.len, 8, 100, 1 << 20, &xs), 0);
	cr_assert_eq(xs.argv.status, PT_XS_BAD);
	cr_assert_eq(xs.env.status, PT_XS_BAD);
}

Test(execstack, pointer_outside_the_block)
{
	uint64_t bad[] = {0, 8, BASE - 1, BASE + 8192, UINT64_MAX};
	for (size_t i = 0; i < 5; i++) {
		struct blk k;
		struct pt_exec_stack xs;
		build(&k, 8, ARGV, 3, ENV, 3, "/x");
		put(&k, 8 + 8, bad[i], 8);      /* argv[1] */
		cr_assert_eq(parse(&k, k.len, 8, 100, 1 << 20, &xs), 0);
		cr_assert_eq(xs.argv.status, PT_XS_OUTSIDE);
		cr_assert_null(xs.argv.v);
		/* the other pieces do not depend on it */
		cr_assert_eq(xs.env.status, PT_XS_OK);
		cr_assert_eq(xs.auxv_status, PT_XS_OK);
	}
}

Test(execstack, string_without_nul)
{
	struct blk k;
	struct pt_exec_stack xs;
	build(&k, 8, ARGV, 3, ENV, 3, "/usr/bin/prog");
	/* cut inside execfn: no NUL before the end of what was read */
	size_t cut = k.len - 8 - 4;
	cr_assert_eq(parse(&k, cut, 8, 100, 1 << 20, &xs), 0);
	cr_assert_eq(xs.argv.status, PT_XS_OK);
	cr_assert_eq(xs.env.status, PT_XS_OK);
	cr_assert_null(xs.execfn);
	/* cut inside the last env string */
	const char *last = xs.env.v[2];
	(void)last;
	size_t env_end = 0;
	for (size_t i = 0; i + 4 < k.len; i++)
		if (!memcmp(k.b + i, "NOEQ", 5))
			env_end = i + 2;
	cr_assert_gt(env_end, 0);
	cr_assert_eq(parse(&k, env_end, 8, 100, 1 << 20, &xs), 0);
	cr_assert_eq(xs.argv.status, PT_XS_OK);
	cr_assert_eq(xs.env.status, PT_XS_OUTSIDE);
	cr_assert_null(xs.execfn);
}

Test(execstack, limits_cut_like_the_memory_reader)
{
	struct blk k;
	struct pt_exec_stack xs;
	build(&k, 8, ARGV, 3, ENV, 3, "/x");
	cr_assert_eq(parse(&k, k.len, 8, 2, 1 << 20, &xs), 0);
	cr_assert_eq(xs.argv.n, 2);
	cr_assert(xs.argv.truncated);
	cr_assert_null(xs.argv.v[2]);
	/* 12 bytes: "/bin/prog\0" (10) then "a " cut at 2 bytes */
	cr_assert_eq(parse(&k, k.len, 8, 100, 12, &xs), 0);
	cr_assert_eq(xs.argv.n, 2);
	cr_assert_str_eq(xs.argv.v[1], "a ");
	cr_assert(xs.argv.truncated);
}

Test(execstack, bad_arguments_and_tiny_blocks)
{
	struct blk k;
	struct pt_exec_stack xs;
	build(&k, 8, ARGV, 3, ENV, 3, "/x");
	cr_assert_eq(pt_exec_stack_parse(k.b, k.len, BASE, 2, 10, 10, &arena, &xs), -EINVAL);
	cr_assert_eq(pt_exec_stack_parse(NULL, 0, BASE, 8, 10, 10, &arena, &xs), -EINVAL);
	for (size_t len = 1; len < 200; len++) {
		int rc = parse(&k, len, 8, 100, 1 << 20, &xs);
		cr_assert(rc == 0 || rc == -EINVAL);
		cr_assert(len >= 8 || rc == -EINVAL);
	}
}

/* Random blocks: whatever they hold, the parser stays inside them. */
Test(execstack, random_blocks_never_crash)
{
	unsigned seed = 12345;
	for (int round = 0; round < 3000; round++) {
		struct blk k;
		struct pt_exec_stack xs;
		build(&k, round & 1 ? 8 : 4, ARGV, 3, ENV, 3, "/usr/bin/x");
		size_t flips = 1 + rand_r(&seed) % 8;
		for (size_t f = 0; f < flips; f++)
			k.b[rand_r(&seed) % k.len] = (unsigned char)rand_r(&seed);
		size_t len = 1 + rand_r(&seed) % k.len;
		int rc = parse(&k, len, round & 1 ? 8 : 4, 1 + rand_r(&seed) % 8, 1 + rand_r(&seed) % 256, &xs);
		cr_assert(rc == 0 || rc == -EINVAL);
		if (rc == 0 && xs.argv.status == PT_XS_OK)
			for (size_t i = 0; i < xs.argv.n; i++)
				cr_assert_not_null(xs.argv.v[i]);
	}
}

/* ---- env diff fast paths vs a naive reference ---- */

static size_t nlen(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq ? (size_t)(eq - s) : strlen(s);
}

/* first entry named like s (length l) in env, or NULL */
static const char *lookup(const char *const *env, size_t n, const char *s, size_t l)
{
	for (size_t i = 0; i < n; i++)
		if (nlen(env[i]) == l && !memcmp(env[i], s, l))
			return env[i];
	return NULL;
}

static const char *val(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq ? eq + 1 : "";
}

/* The changes the reference sees: every name of either side whose first
 * value differs (or is missing on one side). */
static size_t ref_changes(const char *const *o, size_t no, const char *const *w, size_t nw)
{
	size_t count = 0;
	for (int side = 0; side < 2; side++) {
		const char *const *a = side ? w : o, *const *b = side ? o : w;
		size_t na = side ? nw : no, nb = side ? no : nw;
		for (size_t i = 0; i < na; i++) {
			size_t l = nlen(a[i]);
			if (lookup(a, na, a[i], l) != a[i])
				continue;   /* a later duplicate */
			const char *other = lookup(b, nb, a[i], l);
			if (!other)
				count++;
			else if (!side && strcmp(val(a[i]), val(other)))
				count++;
		}
	}
	return count;
}

static void check_diff(const char *const *o, size_t no, const char *const *w, size_t nw)
{
	const struct pt_env_change *v;
	size_t n;
	cr_assert_eq(pt_env_diff(o, no, w, nw, &arena, &v, &n), 0);
	cr_assert_eq(n, ref_changes(o, no, w, nw));
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i].name);
		const char *x = lookup(o, no, v[i].name, l), *y = lookup(w, nw, v[i].name, l);
		cr_assert_eq(!!v[i].old_val, !!x, "%s", v[i].name);
		cr_assert_eq(!!v[i].new_val, !!y, "%s", v[i].name);
		if (x)
			cr_assert_str_eq(v[i].old_val, val(x));
		if (y)
			cr_assert_str_eq(v[i].new_val, val(y));
		if (i) {    /* sorted by name, bytewise, shorter first */
			size_t pl = strlen(v[i - 1].name), m = pl < l ? pl : l;
			int c = memcmp(v[i - 1].name, v[i].name, m);
			cr_assert(c < 0 || (c == 0 && pl < l), "%s before %s", v[i - 1].name, v[i].name);
		}
	}
}

Test(execstack, env_diff_same_order)
{
	const char *o[] = {"PWD=/a", "SHLVL=1", "Z=1", "A=x", "_=/bin/sh", "DUP=1", "DUP=2", "NOEQ"};
	const char *w[] = {"PWD=/b", "SHLVL=2", "Z=1", "A=x", "_=/bin/env", "DUP=1", "DUP=3", "NOEQ"};
	check_diff(o, 8, w, 8);
	const struct pt_env_change *v;
	size_t n;
	cr_assert_eq(pt_env_diff(o, 8, w, 8, &arena, &v, &n), 0);
	cr_assert_eq(n, 3);     /* DUP's second value does not count */
	cr_assert_str_eq(v[0].name, "PWD");
	cr_assert_str_eq(v[1].name, "SHLVL");
	cr_assert_str_eq(v[2].name, "_");
	/* byte-equal: nothing */
	cr_assert_eq(pt_env_diff(o, 8, o, 8, &arena, &v, &n), 0);
	cr_assert_eq(n, 0);
	/* a value changes in the first of two duplicates: it counts */
	const char *w2[] = {"PWD=/a", "SHLVL=1", "Z=1", "A=x", "_=/bin/sh", "DUP=9", "DUP=2", "NOEQ"};
	check_diff(o, 8, w2, 8);
	/* "N" and "N=" are both empty */
	const char *o3[] = {"N", "M=1"}, *w3[] = {"N=", "M=2"};
	check_diff(o3, 2, w3, 2);
}

Test(execstack, env_diff_random_vs_reference)
{
	static const char *names[] = {"A", "B", "AB", "PATH", "HOME", "X_1", "A_", "Q", ""};
	static const char *vals[] = {"", "1", "2", "x=y", "/bin"};
	unsigned seed = 7;
	for (int round = 0; round < 4000; round++) {
		char ob[24][32], wb[24][32];
		const char *o[24], *w[24];
		size_t no = rand_r(&seed) % 24, nw = no;
		for (size_t i = 0; i < no; i++) {
			snprintf(ob[i], sizeof(ob[i]), "%s%s%s", names[rand_r(&seed) % 9], rand_r(&seed) % 7 ? "=" : "",
				 vals[rand_r(&seed) % 5]);
			o[i] = ob[i];
		}
		/* mostly the same order with a few values changed (the fast
		 * path), sometimes a different length or a renamed entry */
		int mode = rand_r(&seed) % 4;
		if (mode == 3)
			nw = rand_r(&seed) % 24;
		for (size_t i = 0; i < nw; i++) {
			if (i < no && mode != 3) {
				strcpy(wb[i], ob[i]);
				if (rand_r(&seed) % 5 == 0) {
					size_t l = nlen(ob[i]);
					snprintf(wb[i] + l, sizeof(wb[i]) - l, "=%s", vals[rand_r(&seed) % 5]);
				}
				if (mode == 2 && rand_r(&seed) % 6 == 0)
					snprintf(wb[i], sizeof(wb[i]), "%s=1", names[rand_r(&seed) % 9]);
			} else {
				snprintf(wb[i], sizeof(wb[i]), "%s=%s", names[rand_r(&seed) % 9], vals[rand_r(&seed) % 5]);
			}
			w[i] = wb[i];
		}
		check_diff(o, no, w, nw);
	}
}

/* The execve entry reads its path and argv through one shared page chunk:
 * the strings must be those the plain readers return, whether they share
 * the path's page, cross a page end (the page walker takes over) or hit
 * the byte limit.  Read from this very process (process_vm_readv on
 * oneself needs no ptrace). */
Test(execstack, chunked_readers_match_plain_ones)
{
	static char page[3 * 4096] __attribute__((aligned(4096)));
	char *path = page + 100, *arg1 = page + 200, *across = page + 4096 - 3;
	memcpy(path, "/bin/true", 10);
	memcpy(arg1, "--flag", 7);
	memcpy(across, "spans-two-pages", 16);
	const char *vec[] = {path, arg1, across, path, NULL};
	pid_t self = getpid();
	struct pt_mem_chunk c;
	c.len = 0;
	const char *p1, *p2;
	size_t l1, l2;
	bool t1, t2;
	cr_assert_eq(pt_mem_read_str_chunk(self, &c, (uintptr_t)path, 4096, &arena, &p1, &l1, &t1), 0);
	cr_assert_eq(pt_mem_read_str(self, (uintptr_t)path, 4096, &arena, &p2, &l2, &t2), 0);
	cr_assert_str_eq(p1, p2);
	cr_assert_eq(l1, l2);
	cr_assert_eq(t1, t2);
	struct pt_strvec a, b;
	cr_assert_eq(pt_mem_read_strvec_chunk(self, &c, (uintptr_t)vec, sizeof(void *), 16, 4096, &arena, &a), 0);
	cr_assert_eq(pt_mem_read_strvec(self, (uintptr_t)vec, sizeof(void *), 16, 4096, &arena, &b), 0);
	cr_assert_eq(a.n, 4);
	cr_assert_eq(a.n, b.n);
	cr_assert_eq(a.truncated, b.truncated);
	for (size_t i = 0; i < a.n; i++)
		cr_assert_str_eq(a.v[i], b.v[i], "argv[%zu]", i);
	cr_assert_str_eq(a.v[2], "spans-two-pages");
	/* the byte limit cuts the same way */
	cr_assert_eq(pt_mem_read_strvec_chunk(self, &c, (uintptr_t)vec, sizeof(void *), 16, 12, &arena, &a), 0);
	cr_assert_eq(pt_mem_read_strvec(self, (uintptr_t)vec, sizeof(void *), 16, 12, &arena, &b), 0);
	cr_assert_eq(a.n, b.n);
	cr_assert_eq(a.truncated, b.truncated);
	for (size_t i = 0; i < a.n; i++)
		cr_assert_str_eq(a.v[i], b.v[i], "argv[%zu]", i);
	cr_assert_eq(pt_mem_read_str_chunk(self, &c, 0, 4096, &arena, &p1, &l1, &t1), -EFAULT);
}
