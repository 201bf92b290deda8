/* /proc parsers (buffer in, struct out) and the thin readers around them.
 *
 * Every byte parsed here is untrusted: a path in maps is whatever the tracee
 * named its files, comm is whatever it set with prctl, environ is its own
 * memory.  So each parser walks [buf, buf + len) with explicit bounds, checks
 * every number for overflow, and never relies on a NUL terminator. */
#define _GNU_SOURCE /* memrchr */
#include "pt/procfs.h"

#include "pt/escape.h"
#include "pt/util.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- number scanning on [*pp, end) ---- */

/* Unsigned number in base 8, 10 or 16 (no prefix, no sign).  False when
 * there is no digit or it overflows; *pp is left after the digits. */
static bool scan_u64(const char **pp, const char *end, unsigned base, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	size_t nd = 0;
	while (p < end) {
		int d = pt_hex_digit(*p);
		if (d < 0 || (unsigned)d >= base)
			break;
		/* no division per digit: this runs for every field of every maps line */
		if (__builtin_mul_overflow(x, (uint64_t)base, &x) || __builtin_add_overflow(x, (uint64_t)d, &x))
			return false;
		p++;
		nd++;
	}
	if (!nd)
		return false;
	*pp = p;
	*v = x;
	return true;
}

/* Optional '-' then decimal digits, into an int64_t. */
static bool scan_s64(const char **pp, const char *end, int64_t *v)
{
	const char *p = *pp;
	bool neg = false;
	uint64_t u;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (!scan_u64(&p, end, 10, &u))
		return false;
	if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
		return false;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	*pp = p;
	return true;
}

static bool scan_pid(const char **pp, const char *end, pid_t *v)
{
	int64_t x;
	if (!scan_s64(pp, end, &x) || x < INT_MIN || x > INT_MAX)
		return false;
	*v = (pid_t)x;
	return true;
}

static bool expect(const char **pp, const char *end, char c)
{
	if (*pp >= end || **pp != c)
		return false;
	(*pp)++;
	return true;
}

static void skip_blanks(const char **pp, const char *end)
{
	while (*pp < end && (**pp == ' ' || **pp == '\t'))
		(*pp)++;
}

/* Copies [s, s+n) into dst[size] cut at size-1 bytes, NUL-terminated. */
static void copy_cut(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

/* ---- reading /proc files ---- */

static int open_proc(pid_t pid, const char *name, int flags)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	int fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Reads fd up to EOF or max bytes, first into stack[stack_size], then into a
 * malloc'd buffer that doubles up to max.  /proc files report st_size 0, so
 * there is no size to trust.  *out is stack or must be freed by the caller;
 * *truncated tells that more than max bytes were there. */
static int read_fd_all(int fd, char *stack, size_t stack_size, size_t max, char **out,
		       size_t *out_len, bool *truncated)
{
	char *buf = stack;
	size_t cap = stack ? stack_size : 0, len = 0;
	int ret = 0;
	*truncated = false;
	for (;;) {
		if (len >= max) {
			char probe;
			ssize_t r;
			do
				r = read(fd, &probe, 1);
			while (r < 0 && errno == EINTR);
			*truncated = r > 0;
			break;
		}
		if (len == cap) {
			size_t ncap = cap < 2048 ? 4096 : cap * 2;
			if (ncap > max || ncap < cap)
				ncap = max;
			char *nb = buf == stack ? malloc(ncap) : realloc(buf, ncap);
			if (!nb) {
				ret = -ENOMEM;
				goto out;
			}
			if (buf == stack && len)
				memcpy(nb, stack, len);
			buf = nb;
			cap = ncap;
		}
		size_t want = (cap < max ? cap : max) - len;
		ssize_t r = read(fd, buf + len, want);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
out:
	if (ret && buf != stack) {
		free(buf);
		buf = stack;
	}
	*out = ret ? NULL : buf;
	*out_len = ret ? 0 : len;
	return ret;
}

/* open + read_fd_all + close; same ownership rule for *out. */
static int read_proc(pid_t pid, const char *name, char *stack, size_t stack_size, size_t max,
		     char **out, size_t *len, bool *truncated)
{
	int ret, fd = open_proc(pid, name, O_RDONLY);
	if (fd < 0) {
		ret = fd;
		fd = -1;
		*out = NULL;
		*len = 0;
		*truncated = false;
		goto out;
	}
	ret = read_fd_all(fd, stack, stack_size, max, out, len, truncated);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

int pt_procfs_read_file(pid_t pid, const char *name, struct pt_arena *a, size_t max_bytes,
			char **buf, size_t *len)
{
	char stack[16384];
	char *data = NULL;
	size_t n = 0;
	bool trunc;
	*buf = NULL;
	*len = 0;
	int ret = read_proc(pid, name, stack, sizeof(stack), max_bytes, &data, &n, &trunc);
	if (ret)
		goto out;
	char *p = pt_arena_alloc(a, n + 1);
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(p, data, n);
	p[n] = 0;
	*buf = p;
	*len = n;
out:
	if (data != stack)
		free(data);
	return ret;
}

int pt_procfs_readlink(pid_t pid, const char *name, struct pt_arena *a, const char **out)
{
	char path[PATH_MAX], buf[PATH_MAX + 1];
	int ret = 0;
	*out = NULL;
	int n = snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		ret = -ENAMETOOLONG;
		goto out;
	}
	ssize_t r = readlink(path, buf, sizeof(buf));
	if (r < 0) {
		ret = -errno;
		goto out;
	}
	if ((size_t)r >= sizeof(buf)) {
		ret = -ENAMETOOLONG;
		goto out;
	}
	*out = pt_arena_strndup(a, buf, (size_t)r);
	if (!*out)
		ret = -ENOMEM;
out:
	return ret;
}

/* ---- maps ---- */

/* One line "start-end perms offset major:minor inode [path]" in [p, le).
 * The kernel pads with spaces before the path; the path runs to the end of
 * the line (it may hold spaces; newlines in names come escaped as \012). */
static bool parse_map_line(const char *p, const char *le, struct pt_map *m, const char **path,
			   size_t *plen)
{
	uint64_t maj, min;
	memset(m, 0, sizeof(*m));
	if (!scan_u64(&p, le, 16, &m->start) || !expect(&p, le, '-') ||
	    !scan_u64(&p, le, 16, &m->end) || m->end < m->start || !expect(&p, le, ' '))
		return false;
	if (le - p < 4)
		return false;
	/* "rwxp": each column is its letter (the bit set) or its other letter. */
	static const struct { char on, off; unsigned bit; } perm[4] = {
		{'r', '-', PT_PROT_R}, {'w', '-', PT_PROT_W}, {'x', '-', PT_PROT_X}, {'s', 'p', PT_PROT_SHARED},
	};
	for (size_t i = 0; i < PT_N_ELEMENTS(perm); i++) {
		if (p[i] == perm[i].on)
			m->prot |= perm[i].bit;
		else if (p[i] != perm[i].off)
			return false;
	}
	p += PT_N_ELEMENTS(perm);
	if (!expect(&p, le, ' ') || !scan_u64(&p, le, 16, &m->offset) || !expect(&p, le, ' ') ||
	    !scan_u64(&p, le, 16, &maj) || maj > UINT32_MAX || !expect(&p, le, ':') ||
	    !scan_u64(&p, le, 16, &min) || min > UINT32_MAX || !expect(&p, le, ' ') ||
	    !scan_u64(&p, le, 10, &m->inode))
		return false;
	m->dev_major = (uint32_t)maj;
	m->dev_minor = (uint32_t)min;
	if (p < le && *p != ' ')
		return false;
	while (p < le && *p == ' ')
		p++;
	if (memchr(p, 0, (size_t)(le - p)))
		return false;
	*path = p;
	*plen = (size_t)(le - p);
	return true;
}

static bool blank(const char *p, const char *le)
{
	for (; p < le; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	return true;
}

/* An arena array of n entries: NULL for n == 0, and NULL with *ret =
 * -ENOMEM on overflow or failure.  Shared by the parsers that size their
 * output by counting first. */
static void *alloc_entries(struct pt_arena *a, size_t n, size_t size, int *ret)
{
	void *p = NULL;
	if (n && (n > SIZE_MAX / size || !(p = pt_arena_alloc(a, n * size))))
		*ret = -ENOMEM;
	return p;
}

int pt_procfs_parse_maps(const char *buf, size_t len, struct pt_arena *a, size_t max_entries,
			 struct pt_maps *out)
{
	struct pt_map *v = NULL;
	size_t lines = 0, cap, n = 0;
	bool text = false;
	int ret = 0;
	out->v = NULL;
	out->n = 0;
	out->truncated = false;
	if (!buf || !len)
		goto out;
	for (const char *q = buf, *e = buf + len; (q = memchr(q, '\n', (size_t)(e - q))); q++)
		lines++;
	if (buf[len - 1] != '\n')
		lines++;
	cap = lines < max_entries ? lines : max_entries;
	v = alloc_entries(a, cap, sizeof(*v), &ret);
	if (ret < 0)
		goto out;
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct pt_map m;
		const char *path;
		size_t plen;
		if (!blank(p, le))
			text = true;
		if (parse_map_line(p, le, &m, &path, &plen)) {
			if (n >= max_entries) {
				out->truncated = true;
				break;
			}
			/* Consecutive lines of one file share its name. */
			if (plen == 0)
				m.path = "";
			else if (n && strlen(v[n - 1].path) == plen && !memcmp(v[n - 1].path, path, plen))
				m.path = v[n - 1].path;
			else if (!(m.path = pt_arena_strndup(a, path, plen))) {
				ret = -ENOMEM;
				goto out;
			}
			v[n++] = m;
		}
		p = nl ? nl + 1 : end;
	}
	if (!n && text && !out->truncated) {
		ret = -EINVAL;
		goto out;
	}
	out->v = v;
	out->n = n;
out:
	return ret;
}

int pt_procfs_read_maps(pid_t pid, struct pt_arena *a, struct pt_maps *out)
{
	char stack[16384];
	char *data = NULL;
	size_t len = 0;
	bool trunc = false;
	out->v = NULL;
	out->n = 0;
	out->truncated = false;
	int ret = read_proc(pid, "maps", stack, sizeof(stack), PT_PROCFS_MAPS_MAX_BYTES, &data, &len,
			    &trunc);
	if (ret)
		goto out;
	if (trunc) {
		/* Drop the line that was cut in the middle. */
		while (len && data[len - 1] != '\n')
			len--;
	}
	ret = pt_procfs_parse_maps(data, len, a, PT_PROCFS_MAPS_MAX_ENTRIES, out);
	if (trunc)
		out->truncated = true;
out:
	if (data != stack)
		free(data);
	return ret;
}

/* ---- auxv ---- */

/* The auxv entries we keep: where each one's value and flag go. */
static const struct {
	uint64_t type;
	size_t val, have;
} auxv_keys[] = {
	{AT_ENTRY, offsetof(struct pt_auxv, entry), offsetof(struct pt_auxv, have_entry)},
	{AT_PHDR, offsetof(struct pt_auxv, phdr), offsetof(struct pt_auxv, have_phdr)},
	{AT_PHENT, offsetof(struct pt_auxv, phent), offsetof(struct pt_auxv, have_phent)},
	{AT_PHNUM, offsetof(struct pt_auxv, phnum), offsetof(struct pt_auxv, have_phnum)},
	{AT_BASE, offsetof(struct pt_auxv, base), offsetof(struct pt_auxv, have_base)},
	{AT_PAGESZ, offsetof(struct pt_auxv, pagesz), offsetof(struct pt_auxv, have_pagesz)},
};

/* (a_type, a_val) pairs of word bytes each (8, or 4 for a compat tracee). */
static int parse_auxv(const void *buf, size_t len, size_t word, struct pt_auxv *out)
{
	const unsigned char *b = buf;
	int ret = 0;
	memset(out, 0, sizeof(*out));
	if (!buf || len < 2 * word) {
		ret = -EINVAL;
		goto out;
	}
	for (size_t off = 0; len - off >= 2 * word; off += 2 * word) {
		uint64_t type, val;
		if (word == 8) {
			memcpy(&type, b + off, 8);
			memcpy(&val, b + off + 8, 8);
		} else {
			uint32_t t32, v32;
			memcpy(&t32, b + off, 4);
			memcpy(&v32, b + off + 4, 4);
			type = t32;
			val = v32;
		}
		if (type == AT_NULL)
			break;
		for (size_t i = 0; i < PT_N_ELEMENTS(auxv_keys); i++)
			if (auxv_keys[i].type == type) {
				*(uint64_t *)((char *)out + auxv_keys[i].val) = val;
				*(bool *)((char *)out + auxv_keys[i].have) = true;
			}
	}
out:
	return ret;
}

int pt_procfs_parse_auxv(const void *buf, size_t len, struct pt_auxv *out)
{
	return parse_auxv(buf, len, 8, out);
}

int pt_procfs_parse_auxv32(const void *buf, size_t len, struct pt_auxv *out)
{
	return parse_auxv(buf, len, 4, out);
}

static int read_auxv(pid_t pid, size_t word, struct pt_auxv *out)
{
	char stack[4096];
	char *data = NULL;
	size_t len = 0;
	bool trunc;
	memset(out, 0, sizeof(*out));
	int ret = read_proc(pid, "auxv", stack, sizeof(stack), sizeof(stack), &data, &len, &trunc);
	if (ret)
		goto out;
	ret = parse_auxv(data, len, word, out);
out:
	if (data != stack)
		free(data);
	return ret;
}

int pt_procfs_read_auxv(pid_t pid, struct pt_auxv *out)
{
	return read_auxv(pid, 8, out);
}

int pt_procfs_read_auxv32(pid_t pid, struct pt_auxv *out)
{
	return read_auxv(pid, 4, out);
}

/* ---- status ---- */

static bool key_is(const char *k, size_t klen, const char *want)
{
	return strlen(want) == klen && !memcmp(k, want, klen);
}

/* "NSpid:\t4733\t12\t1": positive pids separated by blanks.  All or
 * nothing: a partial list would put a pid at the wrong nesting level. */
static void parse_nspid(const char *p, const char *end, struct pt_proc_status *out)
{
	uint8_t n = 0;
	out->nspid_n = 0;
	for (;;) {
		pid_t id;
		skip_blanks(&p, end);
		if (p == end)
			break;
		if (n == PT_NSPID_MAX || !scan_pid(&p, end, &id) || id <= 0)
			return;
		out->nspid[n++] = id;
		if (p < end && *p != ' ' && *p != '\t')
			return;
	}
	out->nspid_n = n;
}

/* The status keys we keep, like auxv_keys: how each one's value parses
 * and which field it goes to.  A later line with the same key overrides. */
enum status_kind {
	ST_TEXT,        /* the rest of the line, cut to the field's size */
	ST_CHAR,        /* its first byte */
	ST_PID,
	ST_SIGSET,      /* a hex mask */
	ST_NSPID,       /* a list of pids (parse_nspid) */
};

/* The keys that must be there (parsed) for the status to count as one. */
enum { NEED_NAME = 1, NEED_STATE = 2, NEED_PID = 4, NEED_ALL = 7 };

static const struct status_key {
	const char *key;
	uint8_t kind;           /* enum status_kind */
	uint8_t need;           /* the NEED_ bit a value for this key sets, or 0 */
	size_t off, size;       /* the field in struct pt_proc_status */
} status_keys[] = {
#define F(field) offsetof(struct pt_proc_status, field), sizeof(((struct pt_proc_status *)0)->field)
	{"Name", ST_TEXT, NEED_NAME, F(name)},
	{"State", ST_CHAR, NEED_STATE, F(state)},
	{"Tgid", ST_PID, 0, F(tgid)},
	{"Pid", ST_PID, NEED_PID, F(pid)},
	{"PPid", ST_PID, 0, F(ppid)},
	{"NSpid", ST_NSPID, 0, F(nspid)},
	{"TracerPid", ST_PID, 0, F(tracer_pid)},
	{"SigPnd", ST_SIGSET, 0, F(sig_pnd)},
	{"ShdPnd", ST_SIGSET, 0, F(shd_pnd)},
	{"SigBlk", ST_SIGSET, 0, F(sig_blk)},
	{"SigIgn", ST_SIGSET, 0, F(sig_ign)},
	{"SigCgt", ST_SIGSET, 0, F(sig_cgt)},
#undef F
};

static const struct status_key *status_key(const char *k, size_t klen)
{
	for (size_t i = 0; i < PT_N_ELEMENTS(status_keys); i++)
		if (key_is(k, klen, status_keys[i].key))
			return &status_keys[i];
	return NULL;
}

/* Parses the value [val, le) of key into out: true when it was valid. */
static bool status_value(const struct status_key *key, const char *val, const char *le,
			 struct pt_proc_status *out)
{
	char *field = (char *)out + key->off;
	uint64_t u;
	pid_t id;
	switch ((enum status_kind)key->kind) {
	case ST_TEXT:
		copy_cut(field, key->size, val, (size_t)(le - val));
		return true;
	case ST_CHAR:
		if (val == le)
			return false;
		*field = *val;
		return true;
	case ST_PID:
		if (key->size != sizeof(id) || !scan_pid(&val, le, &id))
			return false;
		memcpy(field, &id, sizeof(id));
		return true;
	case ST_SIGSET:
		if (key->size != sizeof(u) || !scan_u64(&val, le, 16, &u))
			return false;
		memcpy(field, &u, sizeof(u));
		return true;
	case ST_NSPID:
		parse_nspid(val, le, out);
		return true;
	}
	return false;
}

int pt_procfs_parse_status(const char *buf, size_t len, struct pt_proc_status *out)
{
	unsigned have = 0;
	memset(out, 0, sizeof(*out));
	if (!buf)
		len = 0;
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));
		const char *next = nl ? nl + 1 : end;
		const struct status_key *key = colon ? status_key(p, (size_t)(colon - p)) : NULL;
		if (key) {
			const char *val = colon + 1;
			skip_blanks(&val, le);
			if (status_value(key, val, le, out))
				have |= key->need;
		}
		p = next;
	}
	return have == NEED_ALL ? 0 : -EINVAL;
}

int pt_procfs_read_status(pid_t pid, struct pt_proc_status *out)
{
	char stack[8192];
	char *data = NULL;
	size_t len = 0;
	bool trunc;
	memset(out, 0, sizeof(*out));
	/* A long "Groups:" line can push the signal masks past 8 KiB: then
	 * read_fd_all moves to the heap, up to 1 MiB. */
	int ret = read_proc(pid, "status", stack, sizeof(stack), 1u << 20, &data, &len, &trunc);
	if (ret)
		goto out;
	ret = pt_procfs_parse_status(data, len, out);
out:
	if (data != stack)
		free(data);
	return ret;
}

/* ---- stat ---- */

int pt_procfs_parse_stat(const char *buf, size_t len, struct pt_proc_stat *out)
{
	const char *p = buf, *end = buf + len, *open, *close;
	int ret = -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!buf || !len)
		goto out;
	if (!scan_pid(&p, end, &out->pid) || !expect(&p, end, ' ') || !expect(&p, end, '('))
		goto out;
	open = p;
	/* comm may hold ')' and spaces: it ends at the LAST ')'. */
	close = memrchr(open, ')', (size_t)(end - open));
	if (!close)
		goto out;
	copy_cut(out->comm, sizeof(out->comm), open, (size_t)(close - open));
	p = close + 1;
	if (!expect(&p, end, ' ') || p >= end || *p == ' ' || *p == '\n')
		goto out;
	out->state = *p++;
	/* Fields 4..22; we keep 4 (ppid), 5 (pgrp), 6 (session), 9 (flags), 22 (starttime). */
	for (int field = 4; field <= 22; field++) {
		int64_t v;
		uint64_t u;
		if (!expect(&p, end, ' '))
			goto out;
		if (field == 22) {
			if (!scan_u64(&p, end, 10, &u))
				goto out;
			out->starttime = u;
			continue;
		}
		if (!scan_s64(&p, end, &v))
			goto out;
		if ((field == 4 || field == 5 || field == 6) && (v < INT_MIN || v > INT_MAX))
			goto out;
		if (field == 9 && (v < 0 || v > UINT32_MAX))
			goto out;
		if (field == 9)
			out->flags = (uint32_t)v;
		if (field == 4)
			out->ppid = (pid_t)v;
		else if (field == 5)
			out->pgrp = (pid_t)v;
		else if (field == 6)
			out->session = (pid_t)v;
	}
	ret = 0;
out:
	return ret;
}

int pt_procfs_read_stat(pid_t pid, struct pt_proc_stat *out)
{
	char stack[4096];
	char *data = NULL;
	size_t len = 0;
	bool trunc;
	memset(out, 0, sizeof(*out));
	int ret = read_proc(pid, "stat", stack, sizeof(stack), sizeof(stack), &data, &len, &trunc);
	if (ret)
		goto out;
	ret = pt_procfs_parse_stat(data, len, out);
out:
	if (data != stack)
		free(data);
	return ret;
}

/* ---- children and tasks (attaching to a running tree) ---- */

int pt_procfs_parse_children(const char *buf, size_t len, pid_t *out, size_t max, size_t *n)
{
	const char *p = buf, *end = buf + len;
	size_t k = 0;
	int ret = 0;
	*n = 0;
	while (buf && p < end) {
		pid_t v;
		if (*p == ' ' || *p == '\n') {
			p++;
			continue;
		}
		if (*p == '-' || !scan_pid(&p, end, &v) || v <= 0) {
			ret = -EINVAL;
			goto out;
		}
		if (p < end && *p != ' ' && *p != '\n') {
			ret = -EINVAL;
			goto out;
		}
		if (k == max) {
			ret = -E2BIG;
			goto out;
		}
		out[k++] = v;
	}
out:
	*n = k;
	return ret;
}

int pt_procfs_read_children(pid_t pid, pid_t tid, pid_t *out, size_t max, size_t *n)
{
	char stack[4096], name[64];
	char *data = NULL;
	size_t len = 0;
	bool trunc;
	*n = 0;
	snprintf(name, sizeof(name), "task/%d/children", (int)tid);
	/* a thread's children are bounded by pid_max (4M): cap the text at 11 bytes a pid */
	int ret = read_proc(pid, name, stack, sizeof(stack), max * 11 + 1, &data, &len, &trunc);
	if (ret)
		goto out;
	ret = pt_procfs_parse_children(data, len, out, max, n);
	if (ret == 0 && trunc)
		ret = -E2BIG;
out:
	if (data != stack)
		free(data);
	return ret;
}

int pt_procfs_read_tasks(pid_t pid, pid_t *out, size_t max, size_t *n)
{
	int ret = 0, fd = open_proc(pid, "task", O_RDONLY | O_DIRECTORY);
	DIR *d = NULL;
	*n = 0;
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	if (!(d = fdopendir(fd))) {
		ret = -errno;
		close(fd);
		goto out;
	}
	for (struct dirent *de; (de = readdir(d));) {
		const char *p = de->d_name, *end = p + strlen(p);
		pid_t v;
		if (!scan_pid(&p, end, &v) || p != end || v <= 0)
			continue;       /* "." and ".." */
		if (*n == max) {
			ret = -E2BIG;
			break;
		}
		out[(*n)++] = v;
	}
out:
	if (d)
		closedir(d);
	return ret;
}

const char *pt_procfs_state_name(char state)
{
	switch (state) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk-sleep";
	case 'T': return "stopped";
	case 't': return "tracing-stop";
	case 'Z': return "zombie";
	case 'X': return "dead";
	case 'I': return "idle";
	case 'P': return "parked";
	default: return "unknown";
	}
}

/* ---- fds ---- */

int pt_procfs_parse_fdinfo(const char *buf, size_t len, uint64_t *pos, uint32_t *flags)
{
	bool have_pos = false, have_flags = false;
	*pos = 0;
	*flags = 0;
	if (!buf)
		len = 0;
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (colon) {
			const char *val = colon + 1;
			size_t klen = (size_t)(colon - p);
			uint64_t u;
			skip_blanks(&val, le);
			if (!have_pos && key_is(p, klen, "pos") && scan_u64(&val, le, 10, &u)) {
				*pos = u;
				have_pos = true;
			} else if (!have_flags && key_is(p, klen, "flags") &&
				   scan_u64(&val, le, 8, &u) && u <= UINT32_MAX) {
				*flags = (uint32_t)u;
				have_flags = true;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return have_pos && have_flags ? 0 : -EINVAL;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* How many fd numbers we look at, whatever max is: /proc lists them in
 * ascending order, so these are the lowest. */
#define PT_FDS_SCAN_MAX 65536
/* The largest record getdents64 returns for /proc/PID/fd, with margin:
 * ".", ".." and decimal fd numbers (see read_fds). */
#define PT_FD_DIRENT_MAX 64

static int read_fds(pid_t pid, struct pt_arena *a, size_t max, bool info, const struct pt_fd **out,
		    size_t *n)
{
	int ret = 0, dfd = -1, ifd = -1;
	int *nums = NULL;
	size_t nnums = 0, cap = 0, keep, k = 0;
	struct pt_fd *v = NULL;
	/* getdents64 straight into a stack buffer: fdopendir would add an
	 * fstat, an fcntl and a 32 KB allocation at every exec. */
	union {
		struct dirent64 align;
		char b[4096];
	} dents;
	*out = NULL;
	*n = 0;
	dfd = open_proc(pid, "fd", O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		ret = dfd;
		dfd = -1;
		goto out;
	}
	ifd = info ? open_proc(pid, "fdinfo", O_RDONLY | O_DIRECTORY) : -1;
	if (info && ifd < 0) {
		ret = ifd;
		ifd = -1;
		goto out;
	}
	for (bool full = false; !full;) {
		ssize_t got = getdents64(dfd, dents.b, sizeof(dents.b));
		if (got < 0) {
			ret = -errno;
			goto out;
		}
		if (got == 0)
			break;
		for (size_t off = 0; off < (size_t)got;) {
			const struct dirent64 *de = (const void *)(dents.b + off);
			off += de->d_reclen;
			if (de->d_reclen <= offsetof(struct dirent64, d_name) || off > (size_t)got) {
				ret = -EIO;
				goto out;
			}
			const char *s = de->d_name;
			const char *e = s + strnlen(s, (size_t)(dents.b + off - de->d_name));
			uint64_t u;
			if (!scan_u64(&s, e, 10, &u) || s != e || u > INT_MAX)
				continue;
			if (nnums == PT_FDS_SCAN_MAX) {
				full = true;
				break;
			}
			if (nnums == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				int *nn = realloc(nums, ncap * sizeof(*nums));
				if (!nn) {
					ret = -ENOMEM;
					goto out;
				}
				nums = nn;
				cap = ncap;
			}
			nums[nnums++] = (int)u;
		}
		/* A chunk that left room for another entry was the last one:
		 * the kernel's /proc/PID/fd readdir (proc_readfd_common) stops
		 * early only when the caller's buffer is full, and an fd
		 * entry is at most 32 bytes (19 of header, 10 digits and the
		 * NUL, 8-aligned).  This saves the empty getdents64 that would
		 * say so, one system call per exec. */
		if ((size_t)got + PT_FD_DIRENT_MAX <= sizeof(dents.b))
			break;
	}
	if (!nnums || !max)
		goto out;
	qsort(nums, nnums, sizeof(*nums), cmp_int);
	keep = nnums < max ? nnums : max;
	v = pt_arena_alloc(a, keep * sizeof(*v));
	if (!v) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nnums && k < keep; i++) {
		char name[16], target[PATH_MAX], info_buf[1024];
		uint64_t pos = 0;
		uint32_t flags = 0;
		snprintf(name, sizeof(name), "%d", nums[i]);
		ssize_t r = readlinkat(dfd, name, target, sizeof(target));
		if (r < 0)
			continue; /* closed meanwhile */
		if (info) {
			int fd = openat(ifd, name, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			/* pos and flags are the first lines, and one read returns
			 * at least the first record: no need to read a long fdinfo
			 * (epoll, inotify) to its end. */
			ssize_t ilen;
			do
				ilen = read(fd, info_buf, sizeof(info_buf));
			while (ilen < 0 && errno == EINTR);
			close(fd);
			if (ilen <= 0 || pt_procfs_parse_fdinfo(info_buf, (size_t)ilen, &pos, &flags))
				continue;
		}
		v[k].fd = nums[i];
		v[k].target = pt_arena_strndup(a, target, (size_t)r);
		if (!v[k].target) {
			ret = -ENOMEM;
			goto out;
		}
		v[k].pos = pos;
		v[k].flags = flags;
		v[k].has_info = info;
		/* without fdinfo: after an exec, by construction */
		v[k].cloexec = info && (flags & O_CLOEXEC) != 0;
		v[k].leaked = !v[k].cloexec && nums[i] > 2;
		k++;
	}
	*out = v;
	*n = k;
out:
	free(nums);
	if (dfd >= 0)
		close(dfd);
	if (ifd >= 0)
		close(ifd);
	return ret;
}

int pt_procfs_read_fds(pid_t pid, struct pt_arena *a, size_t max, const struct pt_fd **out,
		       size_t *n)
{
	return read_fds(pid, a, max, true, out, n);
}

int pt_procfs_read_fds_after_exec(pid_t pid, struct pt_arena *a, size_t max, const struct pt_fd **out,
				  size_t *n)
{
	return read_fds(pid, a, max, false, out, n);
}

/* ---- environ ---- */

int pt_procfs_parse_environ(const char *buf, size_t len, struct pt_arena *a, size_t max_entries,
			    struct pt_env *out)
{
	const char **v = NULL;
	char *copy;
	size_t count = 0, cap, n = 0;
	int ret = 0;
	out->v = NULL;
	out->n = 0;
	out->truncated = false;
	if (!buf || !len)
		goto out;
	/* One copy of the whole block, NUL-terminated; the entries point into it. */
	copy = pt_arena_alloc(a, len + 1);
	if (!copy) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(copy, buf, len);
	copy[len] = 0;
	for (size_t i = 0; i < len; i++)
		if (copy[i] && (i + 1 == len || !copy[i + 1]))
			count++;
	cap = count < max_entries ? count : max_entries;
	v = alloc_entries(a, cap, sizeof(*v), &ret);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < len;) {
		size_t l = strlen(copy + i);
		if (l) {
			if (n == cap) {
				out->truncated = true;
				break;
			}
			v[n++] = copy + i;
		}
		i += l + 1;
	}
	out->v = v;
	out->n = n;
out:
	return ret;
}

/* environ and cmdline: NUL-separated strings, bounded like the environment */
static int read_strings(pid_t pid, const char *name, struct pt_arena *a, struct pt_env *out)
{
	char stack[16384];
	char *data = NULL;
	size_t len = 0;
	bool trunc = false;
	out->v = NULL;
	out->n = 0;
	out->truncated = false;
	int ret = read_proc(pid, name, stack, sizeof(stack), PT_PROCFS_ENV_MAX_BYTES, &data,
			    &len, &trunc);
	if (ret)
		goto out;
	if (trunc) {
		/* Drop the string that was cut in the middle. */
		while (len && data[len - 1])
			len--;
	}
	ret = pt_procfs_parse_environ(data, len, a, PT_PROCFS_ENV_MAX_ENTRIES, out);
	if (trunc)
		out->truncated = true;
out:
	if (data != stack)
		free(data);
	return ret;
}

int pt_procfs_read_environ(pid_t pid, struct pt_arena *a, struct pt_env *out)
{
	return read_strings(pid, "environ", a, out);
}

int pt_procfs_read_cmdline(pid_t pid, struct pt_arena *a, struct pt_env *out)
{
	return read_strings(pid, "cmdline", a, out);
}
