/* The ELF checks behind -k (see include/pt/elfimage.h).  Only what the
 * unwinder uses is read, with pread, and every offset, size and count is
 * checked against the file size (or capped) before it is used. */
#include "pt/elfimage.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel refuses an executable whose program headers exceed 64 KiB
 * (load_elf_phdrs); so do we, which also rules out PN_XNUM. */
#define MAX_PHDR_BYTES 65536u
#define MAX_DYN_BYTES (1u << 20)
#define SYM_CHUNK 4096u             /* symbols per pread (96 KiB) when indexing */

/* [off, off + len) inside [0, size)? */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Reads exactly n bytes at off; -EIO when the file ends first (it shrank
 * since it was checked). */
static int read_at(int fd, uint64_t off, void *dst, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)dst + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		got += (size_t)r;
	}
	return 0;
}

/* Size in bytes of a DW_EH_PE value of encoding enc, 0 for the ones we do
 * not take: omit, (s|u)leb128 (unbounded) and indirect (libunwind would
 * dereference it in ITS OWN memory, since it reads the header locally). */
static unsigned eh_enc_size(unsigned char enc)
{
	if (enc == 0xff || (enc & 0x80))
		return 0;
	switch (enc & 0x70) {
	case 0x00: case 0x10: case 0x30:    /* absptr, pcrel, datarel */
		break;
	default:
		return 0;
	}
	switch (enc & 0x0f) {
	case 0x00: case 0x04: case 0x0c: return 8;  /* absptr, udata8, sdata8 */
	case 0x03: case 0x0b: return 4;             /* udata4, sdata4 */
	case 0x02: case 0x0a: return 2;             /* udata2, sdata2 */
	default: return 0;
	}
}

static uint64_t get_le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* The .eh_frame_hdr search table of segment ph. */
static int check_eh(int fd, const Elf64_Phdr *ph, struct pt_elf_image *img)
{
	unsigned char h[4 + 8 + 8];
	int ret = 0;
	if (!in_file(ph->p_offset, ph->p_filesz, img->size) || ph->p_filesz < 4) {
		img->eh_error = "PT_GNU_EH_FRAME outside the file";
		goto out;
	}
	size_t n = ph->p_filesz < sizeof(h) ? (size_t)ph->p_filesz : sizeof(h);
	memset(h, 0, sizeof(h));
	if ((ret = read_at(fd, ph->p_offset, h, n)) < 0) {
		img->eh_error = "cannot read .eh_frame_hdr";
		goto out;
	}
	unsigned s1 = eh_enc_size(h[1]), s2 = eh_enc_size(h[2]);
	/* table_enc: libunwind's remote search knows only 4-byte datarel
	 * entries, which is what every linker writes. */
	if (h[0] != 1 || !s1 || !s2 || (h[2] & 0x70) || h[3] != (0x30 | 0x0b)) {
		img->eh_error = "unsupported .eh_frame_hdr encoding";
		goto out;
	}
	uint64_t hdrlen = 4 + s1 + s2;
	if (hdrlen > ph->p_filesz) {
		img->eh_error = ".eh_frame_hdr truncated";
		goto out;
	}
	uint64_t count = get_le(h + 4 + s1, s2);
	if (!(h[2] & 0x08) || s2 == 8)
		;                   /* unsigned, or 8 bytes: as is */
	else if (count >> (8 * s2 - 1))
		count = UINT64_MAX; /* negative: rejected below */
	if (count > (ph->p_filesz - hdrlen) / 8) {
		img->eh_error = ".eh_frame_hdr table larger than its segment";
		goto out;
	}
	img->eh_vaddr = ph->p_vaddr;
	img->eh_table_off = hdrlen;
	img->eh_fde_count = count;
	img->eh_error = NULL;
out:
	return ret;
}

/* gp = DT_PLTGOT of PT_DYNAMIC, as libunwind takes it.  A bad dynamic
 * segment only leaves gp 0 (x86-64 CFI does not use datarel pointers). */
static int read_gp(int fd, const Elf64_Phdr *ph, struct pt_elf_image *img)
{
	Elf64_Dyn *d = NULL;
	int ret = 0;
	if (!in_file(ph->p_offset, ph->p_filesz, img->size) || ph->p_filesz > MAX_DYN_BYTES ||
	    ph->p_filesz < sizeof(*d))
		goto out;
	size_t n = (size_t)ph->p_filesz / sizeof(*d);
	d = malloc(n * sizeof(*d));
	if (!d) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = read_at(fd, ph->p_offset, d, n * sizeof(*d))) < 0)
		goto out;
	for (size_t i = 0; i < n && d[i].d_tag != DT_NULL; i++) {
		if (d[i].d_tag == DT_PLTGOT) {
			img->gp = d[i].d_un.d_ptr;
			break;
		}
	}
out:
	free(d);
	return ret;
}

static int check_phdrs(int fd, const Elf64_Ehdr *eh, struct pt_elf_image *img)
{
	Elf64_Phdr *ph = NULL;
	const Elf64_Phdr *eh_frame = NULL, *dyn = NULL;
	int ret = 0;
	if (eh->e_phentsize != sizeof(*ph) || eh->e_phnum == 0 ||
	    (uint64_t)eh->e_phnum * sizeof(*ph) > MAX_PHDR_BYTES) {
		img->error = "bad program header table";
		goto out;
	}
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(*ph), img->size)) {
		img->error = "program headers outside the file";
		goto out;
	}
	ph = malloc(eh->e_phnum * sizeof(*ph));
	if (!ph) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = read_at(fd, eh->e_phoff, ph, eh->e_phnum * sizeof(*ph))) < 0)
		goto out;
	img->min_vaddr = UINT64_MAX;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type == PT_LOAD) {
			/* No wrap-around; a segment may extend past the end of
			 * the file (it would fault in the tracee, and our reads
			 * of it there fail cleanly). */
			if (p->p_offset + p->p_filesz < p->p_offset || p->p_vaddr + p->p_memsz < p->p_vaddr ||
			    p->p_filesz > p->p_memsz || img->nloads == PT_ELFIMG_MAX_LOADS)
				continue;
			img->loads[img->nloads++] = (struct pt_elf_load){
				.offset = p->p_offset, .filesz = p->p_filesz, .vaddr = p->p_vaddr, .memsz = p->p_memsz};
			if (p->p_vaddr < img->min_vaddr)
				img->min_vaddr = p->p_vaddr;
			if (p->p_vaddr + p->p_memsz > img->end_vaddr)
				img->end_vaddr = p->p_vaddr + p->p_memsz;
		} else if (p->p_type == PT_GNU_EH_FRAME && !eh_frame) {
			eh_frame = p;
		} else if (p->p_type == PT_DYNAMIC && !dyn) {
			dyn = p;
		}
	}
	if (!img->nloads) {
		img->error = "no usable PT_LOAD";
		goto out;
	}
	if (!eh_frame)
		img->eh_error = "no PT_GNU_EH_FRAME";
	else if ((ret = check_eh(fd, eh_frame, img)) < 0)
		goto out;
	if (dyn)
		ret = read_gp(fd, dyn, img);
out:
	free(ph);
	return ret;
}

/* The symbol tables, found by type as libunwind does (no section names
 * needed: a broken e_shstrndx costs nothing). */
static int check_sections(int fd, const Elf64_Ehdr *eh, struct pt_elf_image *img)
{
	Elf64_Shdr *sh = NULL;
	const char *why = NULL;
	uint64_t total = 0;         /* entries of the tables kept */
	int ret = 0;
	if (eh->e_shoff == 0 || eh->e_shnum == 0) {
		/* e_shnum 0 with an offset: extended numbering (>= 65280
		 * sections), which no symbol table worth reading needs. */
		img->sym_error = "no section table";
		goto out;
	}
	if (eh->e_shentsize != sizeof(*sh)) {
		img->sym_error = "bad section header size";
		goto out;
	}
	if (!in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh), img->size)) {
		img->sym_error = "section headers outside the file";
		goto out;
	}
	sh = malloc(eh->e_shnum * sizeof(*sh));
	if (!sh) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = read_at(fd, eh->e_shoff, sh, eh->e_shnum * sizeof(*sh))) < 0)
		goto out;
	why = "no symbol table";
	for (size_t i = 0; i < eh->e_shnum && img->nsymtabs < PT_ELFIMG_MAX_SYMTABS; i++) {
		const Elf64_Shdr *s = &sh[i];
		if (s->sh_type != SHT_SYMTAB && s->sh_type != SHT_DYNSYM)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Sym) || !in_file(s->sh_offset, s->sh_size, img->size)) {
			why = "symbol table outside the file";
			continue;
		}
		if (s->sh_link >= eh->e_shnum || sh[s->sh_link].sh_type != SHT_STRTAB ||
		    !in_file(sh[s->sh_link].sh_offset, sh[s->sh_link].sh_size, img->size)) {
			why = "bad string table of a symbol table";
			continue;
		}
		/* The cap is on all tables together: each entry is read
		 * (once) to build the index; a table past it is skipped, so
		 * a huge .symtab still leaves .dynsym's names. */
		uint64_t count = s->sh_size / sizeof(Elf64_Sym);
		if (count > PT_ELFIMG_MAX_SYMS - total) {
			why = "symbol table too large";
			continue;
		}
		total += count;
		img->symtabs[img->nsymtabs++] = (struct pt_elf_symtab){
			.off = s->sh_offset, .count = count, .str_off = sh[s->sh_link].sh_offset,
			.str_size = sh[s->sh_link].sh_size};
	}
	img->sym_error = img->nsymtabs ? NULL : why;
out:
	free(sh);
	return ret;
}

int pt_elf_image_check(int fd, struct pt_elf_image *img)
{
	struct stat st;
	Elf64_Ehdr eh;
	int ret = 0;
	memset(img, 0, sizeof(*img));
	img->eh_error = img->sym_error = "not checked";
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		img->error = "cannot stat the file";
		goto out;
	}
	img->dev = st.st_dev;
	img->ino = st.st_ino;
	img->size = (uint64_t)st.st_size;
	if (!S_ISREG(st.st_mode)) {
		img->error = "not a regular file";
		goto out;
	}
	if (img->size < sizeof(eh)) {
		img->error = "not an ELF file";
		goto out;
	}
	if ((ret = read_at(fd, 0, &eh, sizeof(eh))) < 0) {
		img->error = "cannot read the file";
		goto out;
	}
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		img->error = "not an ELF file";
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64) {
		img->error = "not an x86-64 ELF file";
		goto out;
	}
	if ((ret = check_phdrs(fd, &eh, img)) < 0 || img->error)
		goto out;
	ret = check_sections(fd, &eh, img);
out:
	if (ret < 0 && !img->error)
		img->error = ret == -ENOMEM ? "out of memory" : "cannot read the file";
	if (img->error) {
		img->nloads = 0;
		img->nsymtabs = 0;
		if (!img->eh_error || !strcmp(img->eh_error, "not checked"))
			img->eh_error = img->error;
		if (!img->sym_error || !strcmp(img->sym_error, "not checked"))
			img->sym_error = img->error;
	}
	return ret;
}

bool pt_elf_image_vaddr(const struct pt_elf_image *img, uint64_t off, uint64_t *vaddr)
{
	if (img->error)
		return false;
	for (size_t i = 0; i < img->nloads; i++) {
		const struct pt_elf_load *l = &img->loads[i];
		if (off >= l->offset && off - l->offset < l->filesz) {
			*vaddr = l->vaddr + (off - l->offset);
			return true;
		}
	}
	return false;
}


/* ---- function names ----
 *
 * Looking a name up used to scan every entry of every symbol table with
 * pread: up to 4 x 2^24 entries (1.5 GiB) per frame whose name was not
 * cached yet.  Now the tables are read once per image, in SYM_CHUNK
 * chunks, into an index that answers each lookup with a binary search.
 *
 * The answer is the function symbol with the highest address <= vaddr
 * among those that contain vaddr (a symbol without a size contains every
 * address from its own up), the first in the file among equals.  Sized
 * symbols may overlap or nest, so the nearest symbol below vaddr is not
 * always the answer, and walking back from it could cost O(n) per lookup.
 * Instead the answer, a step function of vaddr that changes only where a
 * symbol starts or ends, is computed once for every address by a sweep,
 * and stored as segments: from seg_addr[i] up to seg_addr[i + 1] the
 * answer is funcs[seg_func[i]] (NO_FUNC: none).  At most 2n + 1 segments. */

#define NO_FUNC UINT32_MAX
#define ORD_TAB_SHIFT 28            /* ord = table << 28 | index (< 2^21) */

struct fsym {
	uint64_t addr, size;        /* size 0: contains every address from addr */
	uint32_t name;              /* st_name in its table's strings */
	uint32_t ord;               /* table << ORD_TAB_SHIFT | index: file order */
};

struct pt_elf_symidx {
	size_t nfuncs, nsegs;
	struct fsym *funcs;
	uint64_t *seg_addr;
	uint32_t *seg_func;
};

static bool contains(const struct fsym *f, uint64_t a)
{
	return a >= f->addr && (f->size == 0 || a - f->addr < f->size);
}

/* f preferred to g when both contain an address: the closer start, then
 * the first in the file (as the linear scan had it, and libunwind). */
static bool beats(const struct fsym *f, const struct fsym *g)
{
	return f->addr != g->addr ? f->addr > g->addr : f->ord < g->ord;
}

static int cmp_fsym(const void *a, const void *b)
{
	const struct fsym *f = a, *g = b;
	if (f->addr != g->addr)
		return f->addr < g->addr ? -1 : 1;
	if (f->size != g->size)
		return f->size < g->size ? -1 : 1;
	return f->ord < g->ord ? -1 : f->ord > g->ord;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* A binary heap of indices into funcs, the best (beats) on top. */
static void heap_push(const struct fsym *funcs, uint32_t *h, size_t *n, uint32_t v)
{
	size_t i = (*n)++;
	while (i > 0 && beats(&funcs[v], &funcs[h[(i - 1) / 2]])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static void heap_pop(const struct fsym *funcs, uint32_t *h, size_t *n)
{
	uint32_t v = h[--*n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && beats(&funcs[h[c + 1]], &funcs[h[c]]))
			c++;
		if (!beats(&funcs[h[c]], &funcs[v]))
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = v;
}

/* Reads the function symbols of every table into x->funcs.  1 when there
 * are more than PT_ELFIMG_MAX_FUNCS. */
static int read_funcs(int fd, const struct pt_elf_image *img, struct pt_elf_symidx *x)
{
	Elf64_Sym *chunk = malloc(SYM_CHUNK * sizeof(*chunk));
	size_t cap = 0;
	int ret = 0;
	if (!chunk) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t t = 0; t < img->nsymtabs; t++) {
		const struct pt_elf_symtab *tab = &img->symtabs[t];
		for (uint64_t i = 0; i < tab->count; i += SYM_CHUNK) {
			size_t n = tab->count - i < SYM_CHUNK ? (size_t)(tab->count - i) : SYM_CHUNK;
			if ((ret = read_at(fd, tab->off + i * sizeof(Elf64_Sym), chunk, n * sizeof(Elf64_Sym))) < 0)
				goto out;
			for (size_t k = 0; k < n; k++) {
				const Elf64_Sym *s = &chunk[k];
				unsigned type = ELF64_ST_TYPE(s->st_info);
				/* Defined functions with a name inside their
				 * string table; absolute symbols carry no
				 * link-time address to compare with, and
				 * nothing runs at address 0. */
				if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s->st_shndx == SHN_UNDEF ||
				    s->st_shndx == SHN_ABS || s->st_name == 0 || s->st_name >= tab->str_size ||
				    s->st_value == 0)
					continue;
				if (x->nfuncs == PT_ELFIMG_MAX_FUNCS) {
					ret = 1;
					goto out;
				}
				if (x->nfuncs == cap) {
					size_t ncap = cap ? 2 * cap : 1024;
					if (ncap > PT_ELFIMG_MAX_FUNCS)
						ncap = PT_ELFIMG_MAX_FUNCS;
					struct fsym *f = realloc(x->funcs, ncap * sizeof(*f));
					if (!f) {
						ret = -ENOMEM;
						goto out;
					}
					x->funcs = f;
					cap = ncap;
				}
				x->funcs[x->nfuncs++] = (struct fsym){.addr = s->st_value, .size = s->st_size,
					.name = s->st_name, .ord = (uint32_t)(t << ORD_TAB_SHIFT | (i + k))};
			}
		}
	}
out:
	free(chunk);
	return ret;
}

/* The segments of x->funcs (sorted): a sweep over every address where a
 * symbol starts or ends, with the symbols that started so far in a heap
 * (the ones that ended are dropped when they come on top). */
static int sweep(struct pt_elf_symidx *x)
{
	size_t n = x->nfuncs, nends = 0, nh = 0, si = 0, ei = 0;
	uint64_t *ends = malloc((n ? n : 1) * sizeof(*ends));
	uint32_t *heap = malloc((n ? n : 1) * sizeof(*heap));
	uint32_t last = NO_FUNC;
	int ret = 0;
	x->seg_addr = malloc((2 * n + 1) * sizeof(*x->seg_addr));
	x->seg_func = malloc((2 * n + 1) * sizeof(*x->seg_func));
	if (!ends || !heap || !x->seg_addr || !x->seg_func) {
		ret = -ENOMEM;
		goto out;
	}
	/* A size that runs past the top of the address space never ends. */
	for (size_t i = 0; i < n; i++)
		if (x->funcs[i].size && x->funcs[i].size <= UINT64_MAX - x->funcs[i].addr)
			ends[nends++] = x->funcs[i].addr + x->funcs[i].size;
	qsort(ends, nends, sizeof(*ends), cmp_u64);
	while (si < n || ei < nends) {
		uint64_t p = si < n ? x->funcs[si].addr : ends[ei];
		if (ei < nends && ends[ei] < p)
			p = ends[ei];
		while (si < n && x->funcs[si].addr == p)
			heap_push(x->funcs, heap, &nh, (uint32_t)si++);
		while (ei < nends && ends[ei] == p)
			ei++;
		while (nh && !contains(&x->funcs[heap[0]], p))
			heap_pop(x->funcs, heap, &nh);
		uint32_t best = nh ? heap[0] : NO_FUNC;
		if (best != last) {
			x->seg_addr[x->nsegs] = p;
			x->seg_func[x->nsegs++] = best;
			last = best;
		}
	}
	if (x->nsegs) {
		/* typically ~n of the 2n + 1 are used; failing to shrink is harmless */
		uint64_t *a = realloc(x->seg_addr, x->nsegs * sizeof(*a));
		if (a)
			x->seg_addr = a;
		uint32_t *f = realloc(x->seg_func, x->nsegs * sizeof(*f));
		if (f)
			x->seg_func = f;
	}
out:
	free(ends);
	free(heap);
	return ret;
}

static int build_index(int fd, struct pt_elf_image *img)
{
	struct pt_elf_symidx *x = calloc(1, sizeof(*x));
	int ret = 0;
	if (!x) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = read_funcs(fd, img, x)) != 0)
		goto out;
	if (x->nfuncs)                  /* funcs is NULL when empty */
		qsort(x->funcs, x->nfuncs, sizeof(*x->funcs), cmp_fsym);
	/* .symtab repeats .dynsym: of equal symbols only the first can ever
	 * be the answer. */
	size_t k = 0;
	for (size_t i = 0; i < x->nfuncs; i++)
		if (!k || x->funcs[i].addr != x->funcs[k - 1].addr || x->funcs[i].size != x->funcs[k - 1].size)
			x->funcs[k++] = x->funcs[i];
	x->nfuncs = k;
	if (k) {
		/* give back the growth slack; failing to is harmless */
		struct fsym *f = realloc(x->funcs, k * sizeof(*f));
		if (f)
			x->funcs = f;
	}
	ret = sweep(x);
out:
	if (ret == 0) {
		img->symidx = x;
	} else {
		img->symidx_error = ret == 1 ? "too many function symbols"
				    : ret == -ENOMEM ? "out of memory" : "cannot read the symbol tables";
		if (x) {
			free(x->funcs);
			free(x->seg_addr);
			free(x->seg_func);
			free(x);
		}
	}
	return ret == 1 ? -ENOENT : ret;
}

void pt_elf_image_free(struct pt_elf_image *img)
{
	if (img->symidx) {
		free(img->symidx->funcs);
		free(img->symidx->seg_addr);
		free(img->symidx->seg_func);
		free(img->symidx);
		img->symidx = NULL;
	}
}

int pt_elf_image_symbol(int fd, struct pt_elf_image *img, uint64_t vaddr, char *name, size_t len,
			uint64_t *start)
{
	int ret = 0;
	if (len)
		name[0] = 0;
	if (img->error || img->sym_error || img->symidx_error || len == 0) {
		ret = -ENOENT;
		goto out;
	}
	if (!img->symidx && (ret = build_index(fd, img)) < 0)
		goto out;
	const struct pt_elf_symidx *x = img->symidx;
	/* the last segment starting at or below vaddr */
	size_t lo = 0, hi = x->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->seg_addr[mid] <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || x->seg_func[lo - 1] == NO_FUNC) {
		ret = -ENOENT;
		goto out;
	}
	const struct fsym *f = &x->funcs[x->seg_func[lo - 1]];
	const struct pt_elf_symtab *tab = &img->symtabs[f->ord >> ORD_TAB_SHIFT];
	/* The name ends at its NUL, at len - 1 bytes, or at the end of its
	 * string table, whichever comes first. */
	uint64_t avail = tab->str_size - f->name;
	size_t n = avail < len - 1 ? (size_t)avail : len - 1;
	if ((ret = read_at(fd, tab->str_off + f->name, name, n)) < 0)
		goto out;
	name[n] = 0;
	size_t l = strlen(name);
	ret = l == n && n == len - 1 && avail > n ? 1 : 0;
	*start = f->addr;
out:
	if (ret < 0 && len)
		name[0] = 0;
	return ret;
}
