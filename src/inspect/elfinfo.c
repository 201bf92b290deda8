/* The ELF reader used at every exec, on top of elfutils' libelf.
 *
 * libelf does the format work (byte order, class, extended numbering, the
 * section table) and validates most of it; on top of that we check every
 * table and every byte range we use against the file size ourselves, and cap
 * every count, because the file is whatever the tracee chose to exec.  The
 * file is read with ELF_C_READ (pread), not mmap: a file truncated under us
 * must not SIGBUS the tracer. */
#include "pt/elfinfo.h"

#include "pt/util.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Where the bytes come from: a file descriptor, or memory. */
struct src {
	int fd;
	const unsigned char *mem;
	uint64_t size;
};

/* Reads [off, off + n), which the caller has checked lies inside the file. */
static int src_read(const struct src *s, uint64_t off, void *dst, size_t n)
{
	size_t got = 0;
	int ret = 0;
	if (s->mem) {
		memcpy(dst, s->mem + off, n);
		goto out;
	}
	while (got < n) {
		ssize_t r = pread(s->fd, (char *)dst + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto out;
		}
		if (r == 0) {
			ret = -EIO; /* shrunk under us */
			goto out;
		}
		got += (size_t)r;
	}
out:
	return ret;
}

/* [off, off + len) inside [0, size)? */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static const char *const wanted_secs[] = { ".text", ".rodata", ".data", ".bss" };
#define NWANTED PT_N_ELEMENTS(wanted_secs)

/* The sections we report.  The kernel never looks at the section table, so
 * a broken one (stripped by sstrip, garbage) only means "no sections", not
 * an error: the segments are still worth showing. */
static int read_sections(Elf *e, const GElf_Ehdr *eh, const struct src *s, struct pt_arena *a,
			 struct pt_elf_info *out)
{
	size_t shnum, shstrndx, found = 0;
	const char *names[NWANTED] = { 0 };
	GElf_Shdr sh, names_sh;
	struct pt_elf_sec tmp[NWANTED];
	int ret = 0;
	Elf_Scn *scn;
	if (elf_getshdrnum(e, &shnum) || shnum == 0 || shnum > PT_ELF_MAX_HDRS)
		goto out;
	if (eh->e_shentsize != gelf_fsize(e, ELF_T_SHDR, 1, EV_CURRENT) ||
	    !in_file(eh->e_shoff, (uint64_t)shnum * eh->e_shentsize, s->size))
		goto out;
	if (elf_getshdrstrndx(e, &shstrndx) || shstrndx == SHN_UNDEF || shstrndx >= shnum)
		goto out;
	scn = elf_getscn(e, shstrndx);
	/* elf_strptr loads the whole name table: make sure it is a sane one. */
	if (!scn || !gelf_getshdr(scn, &names_sh) || names_sh.sh_type != SHT_STRTAB ||
	    names_sh.sh_size > (1u << 20) || !in_file(names_sh.sh_offset, names_sh.sh_size, s->size))
		goto out;
	scn = NULL;
	for (size_t i = 0; i < shnum && found < NWANTED && (scn = elf_nextscn(e, scn)); i++) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name)
			continue;
		for (size_t w = 0; w < NWANTED; w++) {
			if (names[w] || strcmp(name, wanted_secs[w]))
				continue;
			names[w] = wanted_secs[w];
			tmp[found].name = wanted_secs[w];
			tmp[found].offset = sh.sh_offset;
			tmp[found].addr = sh.sh_addr;
			tmp[found].size = sh.sh_size;
			found++;
			break;
		}
	}
	if (found) {
		struct pt_elf_sec *v = pt_arena_alloc(a, found * sizeof(*v));
		if (!v) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(v, tmp, found * sizeof(*v));
		out->secs = v;
		out->nsecs = found;
	}
out:
	return ret;
}

/* Fills *out from an open Elf; malformed input sets out->error and returns
 * 0; -errno only for I/O and memory. */
static int parse(Elf *e, const struct src *s, struct pt_arena *a, struct pt_elf_info *out)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t phnum = 0, nloads = 0, k = 0;
	struct pt_elf_seg *segs = NULL;
	bool have_interp = false;
	int ret = 0, cls;
	if (elf_kind(e) != ELF_K_ELF) {
		out->error = "not an ELF file";
		goto out;
	}
	cls = gelf_getclass(e);
	if (cls != ELFCLASS32 && cls != ELFCLASS64) {
		out->error = "bad ELF class";
		goto out;
	}
	if (!gelf_getehdr(e, &eh)) {
		out->error = "truncated ELF header";
		goto out;
	}
	out->elf_class = cls == ELFCLASS64 ? 64 : 32;
	out->type = eh.e_type;
	out->machine = eh.e_machine;
	out->entry = eh.e_entry;

	/* Range first, so that libelf refusing the table reads as what it is. */
	if (eh.e_phnum && eh.e_phnum != PN_XNUM &&
	    eh.e_phentsize == gelf_fsize(e, ELF_T_PHDR, 1, EV_CURRENT) &&
	    !in_file(eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize, s->size)) {
		out->error = "truncated program header";
		goto out;
	}
	if (elf_getphdrnum(e, &phnum)) {
		out->error = "bad program header count";
		goto out;
	}
	if (phnum > PT_ELF_MAX_HDRS) {
		out->error = "too many program headers";
		goto out;
	}
	if (phnum) {
		if (eh.e_phentsize != gelf_fsize(e, ELF_T_PHDR, 1, EV_CURRENT)) {
			out->error = "bad program header entry size";
			goto out;
		}
		if (!in_file(eh.e_phoff, (uint64_t)phnum * eh.e_phentsize, s->size)) {
			out->error = "truncated program header";
			goto out;
		}
	}
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(e, (int)i, &ph)) {
			out->error = "truncated program header";
			goto out;
		}
		if (ph.p_type == PT_LOAD)
			nloads++;
	}
	if (nloads > PT_ELF_MAX_LOADS)
		nloads = PT_ELF_MAX_LOADS;
	if (nloads) {
		segs = pt_arena_alloc(a, nloads * sizeof(*segs));
		if (!segs) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(e, (int)i, &ph)) {
			out->error = "truncated program header";
			goto out;
		}
		if (ph.p_type == PT_LOAD && k < nloads) {
			segs[k].offset = ph.p_offset;
			segs[k].vaddr = ph.p_vaddr;
			segs[k].filesz = ph.p_filesz;
			segs[k].memsz = ph.p_memsz;
			segs[k].align = ph.p_align;
			segs[k].flags = ph.p_flags;
			segs[k].map_index = -1;
			k++;
		} else if (ph.p_type == PT_INTERP && !have_interp) {
			/* The kernel uses the first PT_INTERP; so do we. */
			char buf[PT_ELF_MAX_INTERP];
			size_t n;
			if (!in_file(ph.p_offset, ph.p_filesz, s->size)) {
				out->error = "PT_INTERP outside the file";
				goto out;
			}
			n = ph.p_filesz < sizeof(buf) ? (size_t)ph.p_filesz : sizeof(buf);
			ret = src_read(s, ph.p_offset, buf, n);
			if (ret) {
				out->error = "cannot read PT_INTERP";
				goto out;
			}
			out->interp = pt_arena_strndup(a, buf, strnlen(buf, n));
			if (!out->interp) {
				ret = -ENOMEM;
				goto out;
			}
			have_interp = true;
		}
	}
	out->segs = segs;
	out->nsegs = k;
	ret = read_sections(e, &eh, s, a, out);
out:
	return ret;
}

/* The first bytes, checked before libelf sees the file: gives the precise
 * "not an ELF file" / "truncated ELF header" messages. */
static int check_ident(const struct src *s, struct pt_elf_info *out)
{
	unsigned char id[EI_NIDENT];
	uint64_t need;
	int ret = 0;
	if (s->size < SELFMAG) {
		out->error = s->size ? "not an ELF file" : "empty file";
		goto out;
	}
	ret = src_read(s, 0, id, s->size < EI_NIDENT ? SELFMAG : EI_NIDENT);
	if (ret)
		goto out;
	if (memcmp(id, ELFMAG, SELFMAG)) {
		out->error = "not an ELF file";
		goto out;
	}
	if (s->size < EI_NIDENT) {
		out->error = "truncated ELF header";
		goto out;
	}
	if (id[EI_CLASS] == ELFCLASS32)
		need = sizeof(Elf32_Ehdr);
	else if (id[EI_CLASS] == ELFCLASS64)
		need = sizeof(Elf64_Ehdr);
	else {
		out->error = "bad ELF class";
		goto out;
	}
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB) {
		out->error = "bad ELF byte order";
		goto out;
	}
	if (s->size < need)
		out->error = "truncated ELF header";
out:
	return ret;
}

static void fail(struct pt_elf_info *out, const char *msg)
{
	struct pt_elf_info z = { 0 };
	z.error = msg;
	*out = z;
}

int pt_elf_read_fd(int fd, struct pt_arena *a, struct pt_elf_info *out)
{
	struct stat st;
	struct src s = { .fd = fd };
	Elf *e = NULL;
	int ret = 0;
	memset(out, 0, sizeof(*out));
	if (fstat(fd, &st)) {
		ret = -errno;
		out->error = "cannot stat the file";
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		out->error = "not a regular file";
		goto out;
	}
	s.size = (uint64_t)st.st_size;
	ret = check_ident(&s, out);
	if (ret || out->error)
		goto out;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		out->error = "malformed ELF file";
		goto out;
	}
	ret = parse(e, &s, a, out);
out:
	if (e)
		elf_end(e);
	if (ret)
		fail(out, ret == -ENOMEM ? "out of memory" : "cannot read the file");
	else if (out->error)
		fail(out, out->error);
	return ret;
}

int pt_elf_read_path(const char *path, struct pt_arena *a, struct pt_elf_info *out)
{
	int ret, fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fail(out, "cannot open the file");
		goto out;
	}
	ret = pt_elf_read_fd(fd, a, out);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

int pt_elf_read_mem(const void *buf, size_t len, struct pt_arena *a, struct pt_elf_info *out)
{
	/* elf_memory wants a writable image that outlives the Elf: a private
	 * copy (also aligned, whatever buf is). */
	char *copy = NULL;
	struct src s = { .fd = -1, .size = len };
	Elf *e = NULL;
	int ret = 0;
	memset(out, 0, sizeof(*out));
	if (!buf)
		len = 0;
	copy = malloc(len ? len : 1);
	if (!copy) {
		ret = -ENOMEM;
		goto out;
	}
	if (len)
		memcpy(copy, buf, len);
	s.mem = (const unsigned char *)copy;
	ret = check_ident(&s, out);
	if (ret || out->error)
		goto out;
	elf_version(EV_CURRENT);
	e = elf_memory(copy, len);
	if (!e) {
		out->error = "malformed ELF file";
		goto out;
	}
	ret = parse(e, &s, a, out);
out:
	if (e)
		elf_end(e);
	free(copy);
	if (ret)
		fail(out, ret == -ENOMEM ? "out of memory" : "cannot read the file");
	else if (out->error)
		fail(out, out->error);
	return ret;
}

/* ---- cache ---- */

struct cache_ent {
	bool used;
	dev_t dev;
	ino_t ino;
	struct timespec mtim, ctim;
	off_t size;
	uint64_t last;          /* LRU tick */
	struct pt_arena arena;  /* owns info's arrays and strings */
	struct pt_elf_info info;
};

struct pt_elf_cache {
	struct cache_ent *ents;
	size_t cap;
	uint64_t tick;
	struct pt_elf_cache_stats st;
};

struct pt_elf_cache *pt_elf_cache_new(size_t max_entries)
{
	struct pt_elf_cache *c = calloc(1, sizeof(*c));
	if (!max_entries)
		max_entries = 256;
	if (!c)
		goto out;
	c->ents = calloc(max_entries, sizeof(*c->ents));
	if (!c->ents) {
		free(c);
		c = NULL;
		goto out;
	}
	c->cap = max_entries;
	for (size_t i = 0; i < c->cap; i++)
		pt_arena_init(&c->ents[i].arena);
out:
	return c;
}

void pt_elf_cache_destroy(struct pt_elf_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		pt_arena_free(&c->ents[i].arena);
	free(c->ents);
	free(c);
}

void pt_elf_cache_stats(const struct pt_elf_cache *c, struct pt_elf_cache_stats *out)
{
	*out = c->st;
	out->capacity = c->cap;
}

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* The mtime alone is no identity: anyone who can write the file can set it
 * back (utimensat) after rewriting it in place with the same size.  The
 * ctime cannot be set from user space: every write, chmod or utimensat
 * moves it to "now". */
static bool same_key(const struct cache_ent *e, const struct stat *st)
{
	return e->used && e->dev == st->st_dev && e->ino == st->st_ino && same_time(e->mtim, st->st_mtim) &&
	       same_time(e->ctim, st->st_ctim) && e->size == st->st_size;
}

static struct cache_ent *find_key(struct pt_elf_cache *c, const struct stat *st)
{
	for (size_t i = 0; i < c->cap; i++)
		if (same_key(&c->ents[i], st))
			return &c->ents[i];
	return NULL;
}

/* A ctime identifies the contents only if a later change cannot get the
 * same ctime.  A change stamps the file with the clock as it is then, which
 * is at least the coarse clock read before our fstat (and multigrain
 * filesystems stamp a file whose ctime was just queried with a finer, newer
 * value), so a ctime older than that reading cannot come back; a ctime
 * from the same coarse tick could (git's "racily clean" index entries). */
static bool ctime_settled(const struct stat *st, const struct timespec *before)
{
	return st->st_ctim.tv_sec < before->tv_sec ||
	       (st->st_ctim.tv_sec == before->tv_sec && st->st_ctim.tv_nsec < before->tv_nsec);
}

/* A deep copy of src into the arena (error and section names are static). */
static int copy_info(const struct pt_elf_info *src, struct pt_arena *a, struct pt_elf_info *dst)
{
	int ret = 0;
	*dst = *src;
	dst->interp = NULL;
	dst->segs = NULL;
	dst->secs = NULL;
	if (src->interp && !(dst->interp = pt_arena_strdup(a, src->interp)))
		ret = -ENOMEM;
	if (!ret && src->nsegs) {
		struct pt_elf_seg *v = pt_arena_alloc(a, src->nsegs * sizeof(*v));
		if (v)
			memcpy(v, src->segs, src->nsegs * sizeof(*v));
		else
			ret = -ENOMEM;
		dst->segs = v;
	}
	if (!ret && src->nsecs) {
		struct pt_elf_sec *v = pt_arena_alloc(a, src->nsecs * sizeof(*v));
		if (v)
			memcpy(v, src->secs, src->nsecs * sizeof(*v));
		else
			ret = -ENOMEM;
		dst->secs = v;
	}
	if (ret)
		fail(dst, "out of memory");
	return ret;
}

int pt_elf_cache_get(struct pt_elf_cache *c, const char *path, struct pt_arena *a,
		     struct pt_elf_info *out)
{
	struct stat st, st2;
	struct timespec before;
	struct cache_ent *ent = NULL;
	int ret = 0, fd = -1;
	if (!c) {
		ret = pt_elf_read_path(path, a, out);
		goto out;
	}
	/* A hit needs only the key: one stat, which follows a /proc/PID/exe
	 * link to the very file an open would give, instead of an open, an
	 * fstat and a close.  The key cannot match a file we could not open
	 * and read (a chmod or chown moves the ctime). */
	if (stat(path, &st) == 0 && (ent = find_key(c, &st))) {
		c->st.hits++;
		goto hit;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fail(out, "cannot open the file");
		goto out;
	}
	/* The vDSO's coarse clock: no system call. */
	if (clock_gettime(CLOCK_REALTIME_COARSE, &before))
		before = (struct timespec){0};
	if (fstat(fd, &st)) {
		ret = -errno;
		fail(out, "cannot stat the file");
		goto out;
	}
	if ((ent = find_key(c, &st))) {
		c->st.hits++;
	} else {
		c->st.misses++;
		for (size_t i = 0; i < c->cap; i++) {
			if (!c->ents[i].used) {
				ent = &c->ents[i];
				break;
			}
			if (!ent || c->ents[i].last < ent->last)
				ent = &c->ents[i];
		}
		if (ent->used) {
			c->st.evictions++;
			c->st.entries--;
			ent->used = false;
		}
		pt_arena_reset(&ent->arena);
		c->st.parses++;
		ret = pt_elf_read_fd(fd, &ent->arena, &ent->info);
		if (ret) {
			*out = ent->info;
			goto out;
		}
		/* Changed while we read it, or changed so recently that its next
		 * change could carry the same ctime: use the result once, do
		 * not keep it. */
		if (fstat(fd, &st2) || !same_time(st2.st_mtim, st.st_mtim) || !same_time(st2.st_ctim, st.st_ctim) ||
		    st2.st_size != st.st_size || !ctime_settled(&st, &before)) {
			ret = copy_info(&ent->info, a, out);
			goto out;
		}
		ent->used = true;
		ent->dev = st.st_dev;
		ent->ino = st.st_ino;
		ent->mtim = st.st_mtim;
		ent->ctim = st.st_ctim;
		ent->size = st.st_size;
		c->st.entries++;
	}
hit:
	ent->last = ++c->tick;
	ret = copy_info(&ent->info, a, out);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* ---- placement ---- */

void pt_elf_place(struct pt_elf_info *elf, const struct pt_auxv *auxv,
		  const struct pt_maps *maps_after, const char *exe_path,
		  struct pt_exec_layout *out)
{
	uint64_t page = 4096;
	memset(out, 0, sizeof(*out));
	if (auxv) {
		out->at_entry = auxv->entry;
		out->at_phdr = auxv->phdr;
		out->at_base = auxv->base;
		if (auxv->have_pagesz && auxv->pagesz && !(auxv->pagesz & (auxv->pagesz - 1)))
			page = auxv->pagesz;
	}
	if (!elf || elf->error)
		return;
	for (size_t i = 0; i < elf->nsegs; i++)
		((struct pt_elf_seg *)elf->segs)[i].map_index = -1;
	if (!auxv || !auxv->have_entry)
		return;
	out->valid = true;
	out->load_bias = elf->type == ET_DYN ? auxv->entry - elf->entry : 0;
	if (!maps_after || !exe_path)
		return;
	for (size_t i = 0; i < elf->nsegs; i++) {
		struct pt_elf_seg *sg = (struct pt_elf_seg *)&elf->segs[i];
		uint64_t va = (out->load_bias + sg->vaddr) & ~(page - 1);
		uint64_t off = sg->offset & ~(page - 1);
		for (size_t j = 0; j < maps_after->n && j <= (size_t)INT32_MAX; j++) {
			const struct pt_map *m = &maps_after->v[j];
			/* The file offset at va: a line may start before va when
			 * the kernel merged neighbouring mappings. */
			if (va < m->start || va >= m->end || m->offset + (va - m->start) != off ||
			    !m->path || strcmp(m->path, exe_path))
				continue;
			sg->map_index = (int)j;
			break;
		}
	}
}
