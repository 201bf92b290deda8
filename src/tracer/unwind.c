/* -k: user stacks of stopped tracees with libunwind-ptrace.
 *
 * libunwind splits a remote unwind in two objects:
 *   - an address space (unw_addr_space_t): the accessors plus the caches
 *     (DWARF register-state records keyed by ip).  We keep one per process,
 *     because the cache is only keyed by ip: two processes with different
 *     images at the same address must not share one.
 *   - the accessors' argument, _UPT_create(tid): names the thread whose
 *     registers and memory are read, and caches one mmap'ed ELF image.  It
 *     is cheap; we make one per capture, so no mapping outlives the stop it
 *     was made for.
 *
 * Three things of ours around it, all found necessary by measuring:
 *   - The _UPT accessors read the tracee one word per ptrace call
 *     (PTRACE_PEEKUSER for registers, PTRACE_PEEKDATA for memory, and the
 *     binary search of a module's .eh_frame_hdr reads the table in the
 *     TRACEE's memory): ~140 ptrace calls per frame.  Registers now come
 *     from one PTRACE_GETREGS, memory from a page cache filled with
 *     process_vm_readv, both valid for one capture (the thread is stopped).
 *   - unw_get_proc_name re-reads /proc/PID/maps and mmaps the whole ELF file
 *     at every call: ~200 us a frame.  Its answers go in a symbol cache
 *     keyed by file and offset, shared by all processes.
 *   - Modules come from our own copy of /proc/PID/maps, one per address
 *     space, dropped by pt_unwind_invalidate.
 *
 * Where libunwind 1.6 guesses (names of stripped static functions, frames
 * without unwind info), we would rather say less: see lookup_func() and
 * walk_stack(). */
#include "unwind.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <libunwind-ptrace.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

#include "pt/elfimage.h"
#include "pt/procfs.h"

/* Exported by libunwind (perf uses it the same way) but not declared in its
 * headers: the binary search of an .eh_frame_hdr table, read through the
 * address space's accessors, i.e. from the tracee's memory. */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip, unw_dyn_info_t *di,
					      unw_proc_info_t *pi, int need_unwind_info, void *arg);

#define NBUCKETS 256u
/* __USER32_CS: a task whose cs is this executes i386 code (a 32-bit program,
 * or a 64-bit one that far-jumped into compat mode).  The registers we read
 * are still the 64-bit view, but the stack holds 4-byte slots and the
 * modules are ELF32: libunwind's x86_64 unwinder would walk garbage. */
#define USER32_CS 0x23
#define NAME_MAX_LEN 512
#define PAGE_SZ 4096u
#define NPAGES 32u                  /* page cache slots (direct-mapped) */
#define NSYMS 4096u                 /* symbol cache slots (direct-mapped) */
#define NIMAGES 64u                 /* checked ELF files kept open (LRU) */

struct space {
	struct space *next;
	pid_t tgid;
	unw_addr_space_t as;
	int elf_class;              /* of /proc/PID/exe: 0 = not looked at yet */
	bool maps_valid;
	struct pt_arena maps_arena; /* holds maps */
	struct pt_maps maps;
};

struct seen {
	uint64_t ip, sp;
};

struct page {
	uint64_t addr;              /* page address; UINT64_MAX = empty */
	unsigned char data[PAGE_SZ];
};

/* What we learned about one code address of one file: whether an FDE
 * covers it, and its function name.  Keyed by the file (device, inode) and
 * the file offset, not by process: every process of a tree runs the same
 * libc at different addresses, and a fork child is a new address space to
 * libunwind but not to this cache. */
struct sym {
	uint64_t inode, file_off;   /* inode 0 = empty slot */
	uint32_t dev_major, dev_minor;
	bool exact;                 /* looked up at ip, not ip - 1 */
	bool info;                  /* an FDE covers it */
	uint64_t off;               /* ip - function start */
	char *func;                 /* malloc'd, or NULL */
};

/* One ELF file behind file mappings of the tracees, checked once
 * (pt_elf_image_check) and kept open: the key is the (device, inode) that
 * /proc/PID/maps names, and the open descriptor pins that inode, so the
 * number cannot be reused for another file while the entry lives.  A file
 * we could not open as that very inode, or that failed the checks, is kept
 * too, with its reason, so it costs nothing at the next stop either. */
struct image {
	uint64_t inode;             /* 0 = empty slot */
	uint32_t dev_major, dev_minor;
	int fd;                     /* -1: no usable file */
	uint64_t last;              /* LRU tick */
	const char *why;            /* fd == -1: why (static) */
	bool retry;                 /* the check failed for want of memory or I/O: not kept */
	struct pt_elf_image elf;
};

struct pt_unwinder {
	unsigned max_depth;
	size_t nspaces;
	struct space *bucket[NBUCKETS];
	struct pt_frame *frames;    /* max_depth scratch frames of the capture under way */
	struct seen *seen;          /* their ip+sp, for the loop guard */
	struct page *pages;         /* NPAGES, for the capture under way */
	struct sym *syms;           /* NSYMS */
	struct image *images;       /* NIMAGES */
	uint64_t image_tick;
	bool no_vm_readv;           /* process_vm_readv refused (seccomp'd container, old kernel) */
};

/* The capture under way, for the accessors: libunwind hands them the
 * _UPT_create() pointer as their argument, also when one accessor calls
 * another (find_proc_info -> access_mem), so nothing of ours can ride on
 * it.  Captures do not nest; thread-local in case two tracer threads each
 * own an unwinder. */
struct walk;

struct cur {
	struct walk *w;             /* for find_proc_info; NULL outside a walk */
	void *upt;
	pid_t tid;
	struct user_regs_struct regs;
	struct page *pages;
	bool *no_vm_readv;
};
static _Thread_local struct cur *g_cur;

static unsigned bucket_of(pid_t tgid)
{
	return ((uint32_t)tgid * 2654435761u) >> 24;   /* Knuth: NBUCKETS = 2^8 */
}

struct pt_unwinder *pt_unwind_new(unsigned max_depth)
{
	struct pt_unwinder *u = NULL;
	if (max_depth == 0)
		max_depth = PT_UNWIND_DEFAULT_DEPTH;
	if (max_depth > PT_UNWIND_MAX_DEPTH) {
		errno = EINVAL;
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		goto fail;
	u->max_depth = max_depth;
	u->frames = calloc(max_depth, sizeof(*u->frames));
	u->seen = calloc(max_depth, sizeof(*u->seen));
	u->pages = malloc(NPAGES * sizeof(*u->pages));
	u->syms = calloc(NSYMS, sizeof(*u->syms));
	u->images = calloc(NIMAGES, sizeof(*u->images));
	if (!u->frames || !u->seen || !u->pages || !u->syms || !u->images)
		goto fail;
	return u;
fail:
	pt_unwind_destroy(u);
	errno = ENOMEM;
	return NULL;
}

static void space_destroy(struct space *s)
{
	unw_destroy_addr_space(s->as);
	pt_arena_free(&s->maps_arena);
	free(s);
}

void pt_unwind_destroy(struct pt_unwinder *u)
{
	if (!u)
		return;
	for (unsigned b = 0; b < NBUCKETS; b++) {
		struct space *s = u->bucket[b];
		while (s) {
			struct space *next = s->next;
			space_destroy(s);
			s = next;
		}
	}
	free(u->frames);
	free(u->seen);
	free(u->pages);
	if (u->syms)
		for (unsigned i = 0; i < NSYMS; i++)
			free(u->syms[i].func);
	free(u->syms);
	if (u->images)
		for (unsigned i = 0; i < NIMAGES; i++) {
			if (u->images[i].inode && u->images[i].fd >= 0)
				close(u->images[i].fd);
			pt_elf_image_free(&u->images[i].elf);
		}
	free(u->images);
	free(u);
}

size_t pt_unwind_nspaces(const struct pt_unwinder *u)
{
	return u ? u->nspaces : 0;
}

static struct space **space_slot(struct pt_unwinder *u, pid_t tgid)
{
	struct space **pp = &u->bucket[bucket_of(tgid)];
	while (*pp && (*pp)->tgid != tgid)
		pp = &(*pp)->next;
	return pp;
}

/* ---- accessors ---- */

/* The registers of the stopped thread, from the GETREGS made at the start
 * of the capture.  Writes (libunwind only writes to resume a cursor, which
 * we never do) and anything else go to _UPT. */
static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write, void *arg)
{
	struct cur *c = g_cur;
	const struct user_regs_struct *r;
	if (!c || c->upt != arg || write)
		goto upt;
	r = &c->regs;
	switch (reg) {
	case UNW_X86_64_RAX: *val = r->rax; return 0;
	case UNW_X86_64_RDX: *val = r->rdx; return 0;
	case UNW_X86_64_RCX: *val = r->rcx; return 0;
	case UNW_X86_64_RBX: *val = r->rbx; return 0;
	case UNW_X86_64_RSI: *val = r->rsi; return 0;
	case UNW_X86_64_RDI: *val = r->rdi; return 0;
	case UNW_X86_64_RBP: *val = r->rbp; return 0;
	case UNW_X86_64_RSP: *val = r->rsp; return 0;
	case UNW_X86_64_R8: *val = r->r8; return 0;
	case UNW_X86_64_R9: *val = r->r9; return 0;
	case UNW_X86_64_R10: *val = r->r10; return 0;
	case UNW_X86_64_R11: *val = r->r11; return 0;
	case UNW_X86_64_R12: *val = r->r12; return 0;
	case UNW_X86_64_R13: *val = r->r13; return 0;
	case UNW_X86_64_R14: *val = r->r14; return 0;
	case UNW_X86_64_R15: *val = r->r15; return 0;
	case UNW_X86_64_RIP: *val = r->rip; return 0;
	default: break;
	}
upt:
	return _UPT_access_reg(as, reg, val, write, arg);
}

/* One aligned word (libunwind never asks across a page) from the page
 * cache.  A page process_vm_readv cannot read whole (unmapped, PROT_NONE,
 * the end of a mapping) is left to PTRACE_PEEKDATA, which then gives the
 * error libunwind expects. */
static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *arg)
{
	struct cur *c = g_cur;
	if (!c || c->upt != arg || write || (addr & (sizeof(*val) - 1)) || *c->no_vm_readv)
		goto upt;
	uint64_t base = addr & ~(uint64_t)(PAGE_SZ - 1);
	struct page *p = &c->pages[(base / PAGE_SZ) % NPAGES];
	if (p->addr != base) {
		struct iovec local = {p->data, PAGE_SZ};
		struct iovec remote = {(void *)(uintptr_t)base, PAGE_SZ};
		p->addr = UINT64_MAX;
		ssize_t r = process_vm_readv(c->tid, &local, 1, &remote, 1, 0);
		if (r < 0 && (errno == ENOSYS || errno == EPERM))
			*c->no_vm_readv = true;   /* not for this page: for good */
		if (r != (ssize_t)PAGE_SZ)
			goto upt;
		p->addr = base;
	}
	memcpy(val, p->data + (addr - base), sizeof(*val));
	return 0;
upt:
	return _UPT_access_mem(as, addr, val, write, arg);
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need_unwind_info,
			  void *arg);

/* libunwind must never read a module file itself: _UPT_get_proc_name and
 * _UPT_find_proc_info mmap it and trust every offset in it (a corrupt
 * section table crashed the tracer; a file truncated while mapped would
 * SIGBUS it).  Names come from lookup_func(), unwind tables from our
 * find_proc_info(); this stub only guards unw_get_proc_name, which we do
 * not call. */
static int no_proc_name(unw_addr_space_t as, unw_word_t ip, char *buf, size_t len, unw_word_t *off, void *arg)
{
	(void)as, (void)ip, (void)off, (void)arg;
	if (len)
		buf[0] = 0;
	return -UNW_ENOINFO;
}

static unw_accessors_t g_accessors;

static unw_accessors_t *accessors(void)
{
	if (!g_accessors.access_mem) {
		g_accessors = _UPT_accessors;
		g_accessors.access_mem = access_mem;
		g_accessors.access_reg = access_reg;
		g_accessors.find_proc_info = find_proc_info;
		g_accessors.get_proc_name = no_proc_name;
	}
	return &g_accessors;
}

static int space_get(struct pt_unwinder *u, pid_t tgid, struct space **out)
{
	struct space **pp = space_slot(u, tgid);
	struct space *s = *pp;
	int err = 0;
	if (s)
		goto out;
	s = calloc(1, sizeof(*s));
	if (!s) {
		err = -ENOMEM;
		goto out;
	}
	/* The only failure of unw_create_addr_space is malloc. */
	s->as = unw_create_addr_space(accessors(), 0);
	if (!s->as) {
		free(s);
		s = NULL;
		err = -ENOMEM;
		goto out;
	}
	/* GLOBAL = the cache inside this address space.  PER_THREAD would be a
	 * cache per *tracer* thread (thread-local storage in libunwind), shared
	 * by every address space we create: stacks of unrelated processes
	 * would then be unwound with each other's rules. */
	unw_set_caching_policy(s->as, UNW_CACHE_GLOBAL);
	s->tgid = tgid;
	pt_arena_init(&s->maps_arena);
	*pp = s;
	u->nspaces++;
out:
	*out = s;
	return err;
}

void pt_unwind_invalidate(struct pt_unwinder *u, pid_t tgid)
{
	struct space *s = *space_slot(u, tgid);
	if (!s)
		return;
	/* 0, 0 = the whole range: bumps the generation, so the register-state
	 * records are dropped at the next unwind. */
	unw_flush_cache(s->as, 0, 0);
	pt_arena_reset(&s->maps_arena);
	memset(&s->maps, 0, sizeof(s->maps));
	s->maps_valid = false;
	s->elf_class = 0;
}

void pt_unwind_forget(struct pt_unwinder *u, pid_t tgid)
{
	struct space **pp = space_slot(u, tgid);
	struct space *s = *pp;
	if (!s)
		return;
	*pp = s->next;
	u->nspaces--;
	space_destroy(s);
}

/* ---- modules ---- */

/* /proc/TID/maps rather than /proc/TGID/maps: a thread-group leader that
 * ended with pthread_exit is a zombie whose maps file reads empty while its
 * threads still run; any live thread's view is the process's. */
static void maps_load(struct space *s, pid_t tid)
{
	pt_arena_reset(&s->maps_arena);
	memset(&s->maps, 0, sizeof(s->maps));
	s->maps_valid = pt_procfs_read_maps(tid, &s->maps_arena, &s->maps) == 0;
}

/* The mapping holding addr, or NULL.  The kernel prints maps sorted by
 * address, and they do not overlap. */
static const struct pt_map *maps_find(const struct pt_maps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pt_map *e = &m->v[mid];
		if (addr < e->start)
			hi = mid;
		else if (addr >= e->end)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

/* The ELF class of the running image, from /proc/TID/exe.  A 64-bit tracer
 * sees an x32 task with the 64-bit cs, so only the file tells.  Unknown
 * (unreadable exe, kernel thread) counts as 64-bit: libunwind then tries. */
static int exe_class(pid_t tid)
{
	char path[64];
	unsigned char ident[EI_NIDENT];
	int cls = ELFCLASS64;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	if (read(fd, ident, sizeof(ident)) == (ssize_t)sizeof(ident) && !memcmp(ident, ELFMAG, SELFMAG) &&
	    ident[EI_CLASS] == ELFCLASS32)
		cls = ELFCLASS32;
	close(fd);
out:
	return cls;
}

/* ---- the unwind ---- */

static const char *unw_error_text(int r)
{
	switch (-r) {
	case UNW_ENOINFO: return "no unwind info";
	case UNW_EBADFRAME: return "bad frame";
	case UNW_EINVALIDIP: return "invalid ip";
	case UNW_EBADREG: return "cannot read registers";
	case UNW_ESTOPUNWIND: return "unwind stopped";
	case UNW_ENOMEM: return "out of memory in libunwind";
	default: return unw_strerror(r);
	}
}

/* The extent of the function holding lookup_ip, from its unwind info (the
 * FDE): false when there is none.  need_unwind_info = 0: only the range is
 * wanted, nothing gets allocated. */
static bool proc_range(unw_addr_space_t as, void *upt, uint64_t lookup_ip, unw_proc_info_t *pi)
{
	memset(pi, 0, sizeof(*pi));
	int r = find_proc_info(as, lookup_ip, pi, 0, upt);
	if (r == 0)
		_UPT_put_unwind_info(as, pi, upt);
	return r == 0;
}

struct walk {
	struct pt_unwinder *u;
	struct space *s;
	struct cur *cur;
	void *upt;
	pid_t tid;
	struct pt_arena *a;
	bool maps_refreshed;        /* re-read once per capture at most */
	const struct pt_map *last_map;
	const char *last_module;    /* arena copy of last_map->path */
};

/* The mapping holding addr (valid until the maps are re-read), or NULL. */
static const struct pt_map *map_of(struct walk *w, uint64_t addr)
{
	if (!w->s->maps_valid)
		maps_load(w->s, w->tid);
	const struct pt_map *m = maps_find(&w->s->maps, addr);
	if (!m && !w->maps_refreshed) {
		/* A miss in a cached copy: the process mapped something since
		 * (dlopen, a JIT) without us being told.  Re-read once. */
		w->maps_refreshed = true;
		w->last_map = NULL;
		w->last_module = NULL;
		maps_load(w->s, w->tid);
		m = maps_find(&w->s->maps, addr);
	}
	return m;
}

/* ---- module files ---- */

/* Opens the file mapping m maps, as that very inode: fd or -1.  Tried in
 * turn, each accepted only if it is a regular file with the (device, inode)
 * of the mapping: /proc/TID/map_files (the mapped file itself, even deleted
 * or replaced since; needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN), the
 * path as maps shows it (relative to our root), and the same path under the
 * tracee's root (libunwind's choice).  stat before open: a path that now
 * names a FIFO or a device must not be opened at all. */
static int open_mapped(pid_t tid, const struct pt_map *m)
{
	char path[PATH_MAX + 64];
	struct stat st;
	int fd = -1;
	for (int k = 0; k < 3 && fd < 0; k++) {
		int n;
		if (k == 0)
			n = snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)tid, m->start,
				     m->end);
		else if (k == 1)
			n = snprintf(path, sizeof(path), "%s", m->path);
		else
			n = snprintf(path, sizeof(path), "/proc/%d/root%s", (int)tid, m->path);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != m->inode ||
		    major(st.st_dev) != m->dev_major || minor(st.st_dev) != m->dev_minor)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0)
			continue;
		/* the path may have changed between stat and open */
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != m->inode ||
		    major(st.st_dev) != m->dev_major || minor(st.st_dev) != m->dev_minor) {
			close(fd);
			fd = -1;
		}
	}
	return fd;
}

static void image_load(struct image *e, pid_t tid, const struct pt_map *m)
{
	memset(e, 0, sizeof(*e));
	e->inode = m->inode;
	e->dev_major = m->dev_major;
	e->dev_minor = m->dev_minor;
	e->fd = open_mapped(tid, m);
	if (e->fd < 0) {
		e->why = "module file not found as mapped (deleted or replaced)";
		return;
	}
	/* A malformed file is a verdict to keep; running out of memory or a
	 * failed read is not. */
	e->retry = pt_elf_image_check(e->fd, &e->elf) < 0;
	if (e->elf.error || (e->elf.eh_error && e->elf.sym_error)) {
		e->why = e->elf.error ? e->elf.error : e->elf.eh_error;
		close(e->fd);
		e->fd = -1;
	}
}

/* The checked file behind file mapping m, loaded at its first use by any
 * process; NULL for memory that is no file ([vdso], anonymous). */
static struct image *image_of(struct walk *w, const struct pt_map *m)
{
	struct pt_unwinder *u = w->u;
	struct image *e = NULL;
	if (!m || !m->inode || !m->path || m->path[0] != '/')
		return NULL;
	for (unsigned i = 0; i < NIMAGES; i++) {
		struct image *x = &u->images[i];
		if (x->inode == m->inode && x->dev_major == m->dev_major && x->dev_minor == m->dev_minor) {
			e = x;
			goto found;
		}
	}
	for (unsigned i = 0; i < NIMAGES; i++) {
		struct image *x = &u->images[i];
		if (!x->inode) {
			e = x;
			break;
		}
		if (!e || x->last < e->last)
			e = x;
	}
	if (e->inode && e->fd >= 0)
		close(e->fd);
	pt_elf_image_free(&e->elf);
	image_load(e, w->tid, m);
	if (e->retry)
		e->inode = 0;       /* valid for this caller, found by no other */
found:
	e->last = ++u->image_tick;
	return e;
}

/* Why the file behind m gives no unwind info, or NULL when it should. */
static const char *image_problem(struct walk *w, const struct pt_map *m)
{
	struct image *e = image_of(w, m);
	if (!e)
		return NULL;
	return e->fd < 0 ? e->why : e->elf.eh_error;
}

/* The find_proc_info accessor: the FDE covering ip, found in the
 * .eh_frame_hdr table of its module.  Only the table's place and size come
 * from the (checked) file; the table and the FDEs are read from the
 * tracee's memory through access_mem, where a bad address is an error, not
 * a crash.  Replaces _UPT_find_proc_info, which also went through the
 * section headers of an mmap of the file.  .debug_frame is not searched
 * (x86-64 code has .eh_frame). */
static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need_unwind_info,
			  void *arg)
{
	struct cur *c = g_cur;
	uint64_t vaddr;
	if (!c || c->upt != arg || !c->w)
		return -UNW_ENOINFO;
	const struct pt_map *m = map_of(c->w, ip);
	struct image *e = image_of(c->w, m);
	if (!e || e->fd < 0 || e->elf.eh_error || !pt_elf_image_vaddr(&e->elf, ip - m->start + m->offset, &vaddr))
		return -UNW_ENOINFO;
	/* load_base + link-time address = run-time address, from the PT_LOAD
	 * holding ip's file bytes: also right for the second half of a mapping
	 * split by mprotect, which libunwind's match of the mapping's offset
	 * against p_offset missed. */
	uint64_t load_base = ip - vaddr;
	unw_dyn_info_t di;
	memset(&di, 0, sizeof(di));
	di.start_ip = load_base + e->elf.min_vaddr;
	di.end_ip = load_base + e->elf.end_vaddr;
	di.gp = e->elf.gp;
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.u.rti.segbase = load_base + e->elf.eh_vaddr;
	di.u.rti.table_data = di.u.rti.segbase + e->elf.eh_table_off;
	di.u.rti.table_len = e->elf.eh_fde_count * 8 / sizeof(unw_word_t);
	return _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need_unwind_info, arg);
}

/* The module of the frame (fr->module, fr->module_off); *mp = its mapping
 * (valid until the maps are re-read), NULL for none. */
static int name_module(struct walk *w, struct pt_frame *fr, uint64_t lookup_ip, const struct pt_map **mp)
{
	*mp = NULL;
	const struct pt_map *m = map_of(w, lookup_ip);
	if (!m || !m->path || !m->path[0])
		return 0;           /* anonymous memory: no module */
	if (m != w->last_map) {
		w->last_module = pt_arena_strdup(w->a, m->path);
		if (!w->last_module)
			return -ENOMEM;
		w->last_map = m;
	}
	fr->module = w->last_module;
	fr->module_off = fr->ip - m->start + m->offset;
	*mp = m;
	return 0;
}

/* The function holding lookup_ip, from the symbol tables of its module's
 * checked file (pt_elf_image_symbol): pi = the extent of that function
 * from its FDE.  *func = a malloc'd name or NULL, *off = ip - its start.
 * A module whose file failed the checks gives no name.  -ENOMEM only. */
static int lookup_func(struct walk *w, const struct pt_map *m, uint64_t ip, uint64_t lookup_ip,
		       const unw_proc_info_t *pi, char **func, uint64_t *off)
{
	char name[NAME_MAX_LEN];
	uint64_t vaddr, start, o;
	*func = NULL;
	*off = 0;
	name[0] = 0;
	struct image *e = image_of(w, m);
	if (!e || e->fd < 0 || !pt_elf_image_vaddr(&e->elf, lookup_ip - m->start + m->offset, &vaddr))
		return 0;
	/* 1: the name was cut to fit; keep what we got. */
	if (pt_elf_image_symbol(e->fd, &e->elf, vaddr, name, sizeof(name), &start) < 0 || !name[0])
		return 0;
	/* The offset is relative to ip, also for a return address looked up
	 * at ip - 1. */
	o = ip - (lookup_ip - (vaddr - start));
	/* A symbol may have no size (hand-written assembly), and a stripped
	 * library has no symbol for its static functions: the closest symbol
	 * below ip may be another function's (libunwind 1.6 named glibc's
	 * __pthread_kill_implementation "pthread_key_delete+0x14c").  The FDE
	 * knows where the function holding ip starts; a symbol before that
	 * start is another function's.  Without an FDE nothing can vouch for
	 * the name (ld.so's entry point, which has none, read
	 * "_dl_catch_error+0x26f0"): the caller does not ask.  No name beats a
	 * wrong one: module and module_off remain. */
	if (ip - o < pi->start_ip || ip - o > lookup_ip)
		return 0;
	name[sizeof(name) - 1] = 0;
	*func = strdup(name);
	if (!*func)
		return -ENOMEM;
	*off = o;
	return 0;
}

static struct sym *sym_slot(struct pt_unwinder *u, const struct pt_map *m, uint64_t file_off, bool exact)
{
	uint64_t h = m->inode * 0x9e3779b97f4a7c15ull ^ file_off * 0xff51afd7ed558ccdull ^
		     ((uint64_t)m->dev_major << 40 | (uint64_t)m->dev_minor << 20) ^ exact;
	return &u->syms[(h ^ h >> 29) % NSYMS];
}

/* fr->func, fr->off, and *info (an FDE covers the frame's code).  Files
 * (inode != 0) go through the symbol cache; the rest (anonymous memory,
 * [vdso]) has neither a file nor an FDE we could find. */
static int name_func(struct walk *w, struct pt_frame *fr, const struct pt_map *m, uint64_t lookup_ip, bool *info)
{
	bool exact = lookup_ip == fr->ip;
	struct sym *e = NULL;
	char *func = NULL;
	uint64_t off = 0;
	unw_proc_info_t pi;
	int err = 0;
	if (m && m->inode) {
		e = sym_slot(w->u, m, fr->module_off, exact);
		if (e->inode == m->inode && e->file_off == fr->module_off && e->exact == exact &&
		    e->dev_major == m->dev_major && e->dev_minor == m->dev_minor) {
			*info = e->info;
			off = e->off;
			func = e->func;
			goto found;
		}
	}
	*info = proc_range(w->s->as, w->upt, lookup_ip, &pi);
	if (*info && m && (err = lookup_func(w, m, fr->ip, lookup_ip, &pi, &func, &off)) < 0)
		goto out;
	if (e) {
		free(e->func);
		*e = (struct sym){.inode = m->inode, .file_off = fr->module_off, .dev_major = m->dev_major,
				  .dev_minor = m->dev_minor, .exact = exact, .info = *info, .off = off, .func = func};
	}
found:
	if (func) {
		fr->func = pt_arena_strdup(w->a, func);
		if (!fr->func)
			err = -ENOMEM;
		fr->off = off;
	}
out:
	if (!e)
		free(func);
	return err;
}

/* len <= 16 bytes of tracee memory at addr, through the accessor (and so
 * the page cache): false when unreadable. */
static bool read_code(struct walk *w, uint64_t addr, void *buf, size_t len)
{
	unsigned char words[32];
	uint64_t base = addr & ~(uint64_t)7;
	size_t nw = (addr - base + len + 7) / 8;
	for (size_t i = 0; i < nw; i++) {
		unw_word_t wd;
		if (access_mem(w->s->as, base + 8 * i, &wd, 0, w->upt) < 0)
			return false;
		memcpy(words + 8 * i, &wd, 8);
	}
	memcpy(buf, words + (addr - base), len);
	return true;
}

/* x86_64 signal trampoline (glibc's and musl's __restore_rt):
 * mov $15,%rax (rt_sigreturn); syscall.  A handler "returns" to it, so the
 * frame below it is the interrupted code, whose ip is exact.  We look at the
 * code ourselves: unw_is_signal_frame() of libunwind 1.6 answers for the
 * frame the previous unw_step() went through, one frame late for us. */
static bool is_sigreturn(struct walk *w, uint64_t ip)
{
	static const unsigned char code[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
	unsigned char buf[sizeof(code)];
	return read_code(w, ip, buf, sizeof(buf)) && !memcmp(buf, code, sizeof(code));
}

/* Frame 0 has no unwind info, but may be a leaf that pushed nothing, entered
 * by a direct call: then [rsp] is its return address.  The case that
 * matters: glibc's clone3 closes its FDE before the syscall (so that the
 * new thread's unwind stops there) and reopens it only on the child's side,
 * so the parent at its PTRACE_EVENT_CLONE stop (every pthread_create,
 * posix_spawn and system) sits in code without unwind info.  We believe
 * [rsp] only if the 5 bytes before it are a call rel32 whose target is at
 * most 4 KiB before ip, and unwind info covers the call. */
static bool leaf_return(struct walk *w, uint64_t ip, uint64_t *ret)
{
	unw_word_t r;
	unsigned char call[5];
	int32_t rel;
	unw_proc_info_t pi;
	if (access_mem(w->s->as, w->cur->regs.rsp, &r, 0, w->upt) < 0 || r < 5 || !read_code(w, r - 5, call, 5) ||
	    call[0] != 0xe8)
		return false;
	memcpy(&rel, call + 1, 4);
	uint64_t target = r + (uint64_t)(int64_t)rel;
	if (ip < target || ip - target >= 4096 || !proc_range(w->s->as, w->upt, r - 1, &pi))
		return false;
	*ret = r;
	return true;
}

/* Fills u->frames; *n frames, st->error when cut short.  -ENOMEM only. */
static int walk_stack(struct walk *w, struct pt_stack *st, size_t *n)
{
	struct pt_unwinder *u = w->u;
	unw_cursor_t c;
	bool after_sigreturn = false;
	int err = 0;
	int r = unw_init_remote(&c, w->s->as, w->upt);
	if (r < 0) {
		st->error = unw_error_text(r);
		goto out;
	}
	for (;;) {
		unw_word_t ip, sp;
		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || unw_get_reg(&c, UNW_REG_SP, &sp) < 0) {
			st->error = "cannot read frame registers";
			goto out;
		}
		if (*n > 0 && ip == 0)
			goto out;   /* some outermost frames end with a 0 return address */
		for (size_t i = 0; i < *n; i++) {
			if (u->seen[i].ip == ip && u->seen[i].sp == sp) {
				st->error = "frame loop (same ip and sp twice)";
				goto out;
			}
		}
		if (*n == u->max_depth) {
			st->error = pt_arena_printf(w->a, "depth limit %u reached", u->max_depth);
			if (!st->error)
				err = -ENOMEM;
			goto out;
		}
		struct pt_frame *fr = &u->frames[*n];
		memset(fr, 0, sizeof(*fr));
		fr->ip = ip;
		u->seen[*n].ip = ip;
		u->seen[*n].sp = sp;
		/* Past frame 0, ip is a return address: the call is the byte
		 * before, and a noreturn call may be the last one of its
		 * mapping.  Below a signal frame, ip is where the signal hit. */
		uint64_t lookup_ip = *n > 0 && !after_sigreturn ? ip - 1 : ip;
		const struct pt_map *m;
		bool info;
		if ((err = name_module(w, fr, lookup_ip, &m)) < 0 || (err = name_func(w, fr, m, lookup_ip, &info)) < 0)
			goto out;
		(*n)++;
		/* Without an FDE, unw_step() falls back to guessing a frame-
		 * pointer frame.  In the vDSO (which libunwind-ptrace cannot
		 * open: "[vdso]" is no file) the guess skips the caller and
		 * invents the next frame; and when the guess finds nothing it
		 * returns 0, the same "no more frames" as a real outermost
		 * frame.  A frame we cannot vouch for ends the stack. */
		if (!info) {
			/* Why, when it is the module's file; asked now: leaf_return
			 * may re-read the maps, which m points into. */
			const char *why = m ? image_problem(w, m) : NULL;
			uint64_t ret;
			if (*n == 1 && leaf_return(w, ip, &ret)) {
				/* Start over from the caller, as if the leaf had
				 * returned: a fresh cursor on registers of our own
				 * (the tracee's are untouched). */
				w->cur->regs.rip = ret;
				w->cur->regs.rsp += 8;
				r = unw_init_remote(&c, w->s->as, w->upt);
				if (r < 0) {
					st->error = unw_error_text(r);
					goto out;
				}
				after_sigreturn = false;
				continue;
			}
			st->error = why ? pt_arena_printf(w->a, "no unwind info (%s)", why) : "no unwind info";
			if (!st->error)
				err = -ENOMEM;
			goto out;
		}
		after_sigreturn = is_sigreturn(w, ip);
		r = unw_step(&c);
		if (r == 0)
			goto out;   /* the CFI says outermost: _start, clone3 */
		if (r < 0) {
			st->error = unw_error_text(r);
			goto out;
		}
	}
out:
	return err;
}

static int capture(struct pt_unwinder *u, pid_t tid, pid_t tgid, struct pt_arena *a, struct pt_stack *st)
{
	struct cur cur = {.tid = tid, .pages = u->pages, .no_vm_readv = &u->no_vm_readv};
	struct space *s = NULL;
	size_t n = 0;
	int err = 0;

	/* Our own GETREGS first: libunwind would turn a vanished tracee into a
	 * vague "bad register", and it cannot see the code segment. */
	if (ptrace(PTRACE_GETREGS, tid, NULL, &cur.regs) < 0) {
		st->error = errno == ESRCH ? "tracee not stopped or gone" : "cannot read registers";
		goto out;
	}
	if (cur.regs.cs == USER32_CS) {
		st->error = "32-bit tracee not supported";
		goto out;
	}
	if ((err = space_get(u, tgid, &s)) < 0)
		goto out;
	if (!s->elf_class)
		s->elf_class = exe_class(tid);
	if (s->elf_class == ELFCLASS32) {
		st->error = "32-bit (x32) tracee not supported";
		goto out;
	}
	cur.upt = _UPT_create(tid);
	if (!cur.upt) {
		err = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < NPAGES; i++)
		u->pages[i].addr = UINT64_MAX;
	g_cur = &cur;
	struct walk w = {.u = u, .s = s, .cur = &cur, .upt = cur.upt, .tid = tid, .a = a};
	cur.w = &w;
	err = walk_stack(&w, st, &n);
	if (err < 0 || n == 0)
		goto out;
	struct pt_frame *frames = pt_arena_alloc(a, n * sizeof(*frames));
	if (!frames) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(frames, u->frames, n * sizeof(*frames));
	st->frames = frames;
	st->n = n;
out:
	g_cur = NULL;
	if (cur.upt)
		_UPT_destroy(cur.upt);   /* also munmaps the ELF image it cached */
	return err;
}

const struct pt_stack *pt_unwind_capture(struct pt_unwinder *u, pid_t tid, pid_t tgid, struct pt_arena *a)
{
	struct pt_stack *st = pt_arena_alloc(a, sizeof(*st));
	if (!st)
		return NULL;
	if (capture(u, tid, tgid, a, st) < 0)
		return NULL;
	return st;
}
