/* The initial stack block of a new image: argv, envp, auxv and execfn from
 * one buffer (see pt/execstack.h).  Every offset is checked against len
 * before it is read; every string must end inside the block. */
#include "pt/execstack.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

static uint64_t word_at(const unsigned char *b, size_t off, unsigned word)
{
	if (word == 8) {
		uint64_t v;
		memcpy(&v, b + off, 8);
		return v;
	}
	uint32_t v;
	memcpy(&v, b + off, 4);
	return v;
}

/* The string at tracee address p, cut at max bytes (then *trunc).
 * PT_XS_OUTSIDE when it does not start, or does not end within max, inside
 * the block. */
static enum pt_xs_status block_str(const unsigned char *b, size_t len, uint64_t base, uint64_t p, size_t max,
				   struct pt_arena *a, const char **out, size_t *slen, bool *trunc, int *err)
{
	if (p < base || p - base >= len)
		return PT_XS_OUTSIDE;
	size_t off = (size_t)(p - base), avail = len - off;
	size_t lim = avail < max ? avail : max;
	const unsigned char *nul = memchr(b + off, 0, lim);
	if (!nul && avail < max)        /* it goes on past what we have */
		return PT_XS_OUTSIDE;
	*slen = nul ? (size_t)(nul - (b + off)) : lim;
	*trunc = !nul;
	*out = pt_arena_strndup(a, (const char *)b + off, *slen);
	if (!*out)
		*err = -ENOMEM;
	return PT_XS_OK;
}

/* count pointers at off (NULL-terminated, checked to fit) -> strings, with
 * pt_mem_read_strvec's limits: at most max_n entries and max_bytes bytes. */
static int vec(const unsigned char *b, size_t len, uint64_t base, unsigned word, size_t off, size_t count,
	       size_t max_n, size_t max_bytes, struct pt_arena *a, struct pt_xs_vec *out)
{
	size_t take = count < max_n ? count : max_n, used = 0, n = 0;
	const char **v = pt_arena_alloc(a, (take + 1) * sizeof(*v));
	int err = 0;
	if (!v)
		return -ENOMEM;
	out->truncated = count > max_n;
	for (size_t i = 0; i < take; i++) {
		const char *s;
		size_t slen;
		bool trunc;
		if (used >= max_bytes) {
			out->truncated = true;
			break;
		}
		enum pt_xs_status st = block_str(b, len, base, word_at(b, off + i * word, word), max_bytes - used, a,
						 &s, &slen, &trunc, &err);
		if (err)
			return err;
		if (st != PT_XS_OK) {
			out->status = st;
			return 0;
		}
		v[n++] = s;
		used += slen + 1;
		if (trunc) {
			out->truncated = true;
			break;
		}
	}
	v[n] = NULL;
	out->v = v;
	out->n = n;
	out->status = PT_XS_OK;
	return 0;
}

int pt_exec_stack_parse(const void *buf, size_t len, uint64_t base, unsigned word, size_t max_n,
			size_t max_bytes, struct pt_arena *a, struct pt_exec_stack *out)
{
	const unsigned char *b = buf;
	memset(out, 0, sizeof(*out));
	out->argv.status = out->env.status = out->auxv_status = PT_XS_OUTSIDE;
	if ((word != 8 && word != 4) || !buf || len < word)
		return -EINVAL;
	size_t slots = len / word;      /* whole words in the block */
	uint64_t argc = word_at(b, 0, word);
	/* argv[0..argc) and its NULL must fit: argc counts words, so compare
	 * it with the words left (no overflow for any argc). */
	if (argc >= slots - 1)
		return 0;
	size_t argv_off = word;
	if (word_at(b, argv_off + argc * word, word) != 0) {
		out->argv.status = out->env.status = out->auxv_status = PT_XS_BAD;
		return 0;
	}
	int ret = vec(b, len, base, word, argv_off, (size_t)argc, max_n, max_bytes, a, &out->argv);
	if (ret)
		return ret;
	/* envp: pointers up to the NULL, inside the block */
	size_t env_off = argv_off + ((size_t)argc + 1) * word, envc = 0;
	while (env_off + (envc + 1) * word <= slots * word && word_at(b, env_off + envc * word, word))
		envc++;
	if (env_off + (envc + 1) * word > slots * word)
		return 0;       /* no NULL inside: env and auxv stay OUTSIDE */
	ret = vec(b, len, base, word, env_off, envc, max_n, max_bytes, a, &out->env);
	if (ret)
		return ret;
	/* auxv: pairs up to AT_NULL, which must be inside */
	size_t aux_off = env_off + (envc + 1) * word, pair = 2 * (size_t)word, end = 0;
	uint64_t execfn = 0;
	for (size_t o = aux_off; o + pair <= len; o += pair) {
		uint64_t type = word_at(b, o, word);
		if (type == AT_EXECFN)
			execfn = word_at(b, o + word, word);
		if (type == AT_NULL) {
			end = o + pair;
			break;
		}
	}
	if (!end)
		return 0;
	if ((word == 8 ? pt_procfs_parse_auxv(b + aux_off, end - aux_off, &out->auxv)
		       : pt_procfs_parse_auxv32(b + aux_off, end - aux_off, &out->auxv)) < 0)
		out->auxv_status = PT_XS_BAD;
	else
		out->auxv_status = PT_XS_OK;
	if (execfn) {
		const char *s;
		size_t slen;
		bool trunc;
		int err = 0;
		/* a path: PATH_MAX bounds it like the exec path read at the entry */
		if (block_str(b, len, base, execfn, 4096, a, &s, &slen, &trunc, &err) == PT_XS_OK && !trunc)
			out->execfn = s;
		if (err)
			return err;
	}
	return 0;
}
