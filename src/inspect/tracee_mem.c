/* Bounded reads of tracee memory: process_vm_readv, PEEKDATA as fallback. */
#include "pt/tracee_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#define PT_PAGE 4096u

/* process_vm_readv is refused where ptrace access is allowed only through
 * the ptrace relationship (e.g. some LSM setups) or absent (old kernels):
 * PEEKDATA then reads word by word. */
static int peek_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	char *out = buf;
	while (len) {
		uint64_t aligned = addr & ~(uint64_t)7;
		size_t skip = (size_t)(addr - aligned);
		errno = 0;
		long word = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)aligned, NULL);
		if (word == -1 && errno)
			return -errno;
		size_t n = sizeof(word) - skip;
		if (n > len)
			n = len;
		memcpy(out, (char *)&word + skip, n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int pt_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	if (!len)
		return 0;
	struct iovec local = {buf, len};
	struct iovec remote = {(void *)(uintptr_t)addr, len};
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		return -EFAULT;
	if (errno == ENOSYS || errno == EPERM)
		return peek_read(pid, addr, buf, len);
	return -errno;
}

/* Reads up to the end of the page holding addr (never across it: the next
 * page may be unmapped while the string ends before it). */
static ssize_t read_in_page(pid_t pid, uint64_t addr, char *buf, size_t max)
{
	size_t room = PT_PAGE - (size_t)(addr & (PT_PAGE - 1));
	if (room > max)
		room = max;
	int rc = pt_mem_read(pid, addr, buf, room);
	return rc < 0 ? rc : (ssize_t)room;
}

int pt_mem_read_str(pid_t pid, uint64_t addr, size_t max, struct pt_arena *a, const char **out,
		    size_t *outlen, bool *truncated)
{
	char chunk[PT_PAGE];
	char *dst = NULL;
	size_t len = 0, cap = 0;
	bool trunc = true;
	if (!addr)
		return -EFAULT;
	while (len < max) {
		ssize_t n = read_in_page(pid, addr + len, chunk, max - len);
		if (n < 0)
			return (int)n;
		char *nul = memchr(chunk, 0, (size_t)n);
		size_t take = nul ? (size_t)(nul - chunk) : (size_t)n;
		if (len + take + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 256;
			while (ncap < len + take + 1)
				ncap *= 2;
			char *nd = pt_arena_alloc(a, ncap);
			if (!nd)
				return -ENOMEM;
			if (len)
				memcpy(nd, dst, len);
			dst = nd;
			cap = ncap;
		}
		memcpy(dst + len, chunk, take);
		len += take;
		if (nul) {
			trunc = false;
			break;
		}
	}
	if (!dst) {
		dst = pt_arena_alloc(a, 1);
		if (!dst)
			return -ENOMEM;
	}
	dst[len] = 0;
	*out = dst;
	if (outlen)
		*outlen = len;
	if (truncated)
		*truncated = trunc;
	return 0;
}

/* argv and environ strings usually lie back to back: one page-bounded read
 * serves many of them, instead of one process_vm_readv per string. */
_Static_assert(sizeof(((struct pt_mem_chunk *)0)->buf) == PT_PAGE, "a chunk holds one page");

static int chunk_str(pid_t pid, struct pt_mem_chunk *c, uint64_t addr, size_t max, struct pt_arena *a, const char **out,
		     size_t *outlen, bool *truncated)
{
	if (!(c->len && addr >= c->base && addr < c->base + c->len)) {
		ssize_t n = read_in_page(pid, addr, c->buf, PT_PAGE);
		if (n < 0) {
			c->len = 0;
			return (int)n;
		}
		c->base = addr;
		c->len = (size_t)n;
	}
	size_t off = (size_t)(addr - c->base), room = c->len - off;
	if (room > max)
		room = max;
	const char *nul = memchr(c->buf + off, 0, room);
	if (!nul)   /* runs past the chunk: the page-walking reader takes it */
		return pt_mem_read_str(pid, addr, max, a, out, outlen, truncated);
	size_t len = (size_t)(nul - (c->buf + off));
	char *s = pt_arena_strndup(a, c->buf + off, len);
	if (!s)
		return -ENOMEM;
	*out = s;
	*outlen = len;
	*truncated = false;
	return 0;
}

int pt_mem_read_str_chunk(pid_t pid, struct pt_mem_chunk *c, uint64_t addr, size_t max, struct pt_arena *a,
			  const char **out, size_t *outlen, bool *truncated)
{
	size_t len;
	bool trunc;
	if (!addr)
		return -EFAULT;
	int rc = chunk_str(pid, c, addr, max, a, out, &len, &trunc);
	if (rc == 0 && outlen)
		*outlen = len;
	if (rc == 0 && truncated)
		*truncated = trunc;
	return rc;
}

int pt_mem_read_strvec(pid_t pid, uint64_t addr, unsigned ptr_size, size_t max_n, size_t max_bytes,
		       struct pt_arena *a, struct pt_strvec *out)
{
	memset(out, 0, sizeof(*out));
	if (!addr)
		return 0;
	struct pt_mem_chunk *c = pt_arena_alloc(a, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->len = 0;
	return pt_mem_read_strvec_chunk(pid, c, addr, ptr_size, max_n, max_bytes, a, out);
}

int pt_mem_read_strvec_chunk(pid_t pid, struct pt_mem_chunk *c, uint64_t addr, unsigned ptr_size, size_t max_n,
			     size_t max_bytes, struct pt_arena *a, struct pt_strvec *out)
{
	enum { PTRS = 64 };
	memset(out, 0, sizeof(*out));
	if (!addr)
		return 0;
	size_t cap = 16, used = 0;
	const char **v = pt_arena_alloc(a, cap * sizeof(*v));
	unsigned char ptrs[PTRS * 8];
	size_t have = 0, first = 0;     /* pointers [first, first+have) are in ptrs */
	if (!v)
		return -ENOMEM;
	for (size_t i = 0;; i++) {
		uint64_t p = 0;
		if (i == max_n) {
			out->truncated = true;
			break;
		}
		if (i >= first + have) {
			/* the next pointers, up to the end of their page */
			uint64_t at = addr + i * ptr_size;
			size_t room = PT_PAGE - (size_t)(at & (PT_PAGE - 1));
			size_t want = PTRS * ptr_size < room ? PTRS * ptr_size : room;
			want -= want % ptr_size;
			if (!want)
				want = ptr_size;
			int rc = pt_mem_read(pid, at, ptrs, want);
			if (rc < 0)
				return rc;
			first = i;
			have = want / ptr_size;
		}
		memcpy(&p, ptrs + (i - first) * ptr_size, ptr_size);
		if (!p)
			break;
		if (used >= max_bytes) {
			out->truncated = true;
			break;
		}
		const char *s;
		size_t slen;
		bool trunc;
		int rc = chunk_str(pid, c, p, max_bytes - used, a, &s, &slen, &trunc);
		if (rc < 0)
			return rc;
		if (out->n + 1 >= cap) {
			const char **nv = pt_arena_alloc(a, cap * 2 * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			memcpy(nv, v, out->n * sizeof(*v));
			v = nv;
			cap *= 2;
		}
		v[out->n++] = s;
		used += slen + 1;
		if (trunc) {
			out->truncated = true;
			break;
		}
	}
	v[out->n] = NULL;
	out->v = v;
	return 0;
}
