/* pt_elf_image_*: the checks -k makes on a module's file before anything in
 * it is believed (include/pt/elfimage.h), on the tracee exit_paths and on
 * copies of it patched in memory: corrupt section, symbol and string
 * tables, program headers and .eh_frame_hdr, huge and negative counts, non-
 * ELF and truncated files, and a file that shrinks after it was checked. */
#include <criterion/criterion.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pt/elfimage.h"
#include "pt/util.h"

#ifndef PT_TRACEES
#define PT_TRACEES "."
#endif

static unsigned char *g_buf;
static size_t g_len;

static void load(void)
{
	const char *path = PT_TRACEES "/exit_paths";
	int fd = open(path, O_RDONLY);
	cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	g_len = (size_t)st.st_size;
	g_buf = malloc(g_len);
	cr_assert_not_null(g_buf);
	cr_assert_eq(pread(fd, g_buf, g_len, 0), (ssize_t)g_len);
	close(fd);
}

static void unload(void)
{
	free(g_buf);
	g_buf = NULL;
}

TestSuite(elfimage, .init = load, .fini = unload);

/* A file holding len bytes of b (a memfd: a regular file). */
static int file_of(const void *b, size_t len)
{
	int fd = memfd_create("elfimage", MFD_CLOEXEC);
	cr_assert(fd >= 0, "memfd_create: %s", strerror(errno));
	cr_assert_eq(write(fd, b, len), (ssize_t)len);
	return fd;
}

/* A private copy of exit_paths to patch. */
static unsigned char *copy(void)
{
	unsigned char *b = malloc(g_len);
	cr_assert_not_null(b);
	memcpy(b, g_buf, g_len);
	return b;
}

static Elf64_Ehdr *ehdr(unsigned char *b)
{
	return (Elf64_Ehdr *)b;
}

static Elf64_Shdr *section_of_type(unsigned char *b, uint32_t type)
{
	Elf64_Shdr *sh = (Elf64_Shdr *)(b + ehdr(b)->e_shoff);
	for (size_t i = 0; i < ehdr(b)->e_shnum; i++)
		if (sh[i].sh_type == type)
			return &sh[i];
	cr_assert_fail("no section of type %u", type);
	return NULL;
}

static Elf64_Phdr *segment_of_type(unsigned char *b, uint32_t type)
{
	Elf64_Phdr *ph = (Elf64_Phdr *)(b + ehdr(b)->e_phoff);
	for (size_t i = 0; i < ehdr(b)->e_phnum; i++)
		if (ph[i].p_type == type)
			return &ph[i];
	cr_assert_fail("no segment of type %u", type);
	return NULL;
}

/* The .symtab entry of function name in the intact file. */
static Elf64_Sym symbol(const char *name)
{
	Elf64_Shdr *st = section_of_type(g_buf, SHT_SYMTAB);
	Elf64_Shdr *str = (Elf64_Shdr *)(g_buf + ehdr(g_buf)->e_shoff) + st->sh_link;
	Elf64_Sym *s = (Elf64_Sym *)(g_buf + st->sh_offset);
	for (size_t i = 0; i < st->sh_size / sizeof(*s); i++)
		if (ELF64_ST_TYPE(s[i].st_info) == STT_FUNC && !strcmp((char *)g_buf + str->sh_offset + s[i].st_name, name))
			return s[i];
	cr_assert_fail("no symbol %s", name);
	return s[0];
}

static int check_buf(const unsigned char *b, size_t len, struct pt_elf_image *img)
{
	int fd = file_of(b, len);
	int r = pt_elf_image_check(fd, img);
	close(fd);
	return r;
}

static void expect_str(const char *got, const char *want, const char *what)
{
	if (!want)
		cr_assert_null(got, "%s: NULL expected, got \"%s\"", what, got);
	else
		cr_assert(got && strstr(got, want), "%s: \"%s\" expected, got \"%s\"", what, want, got ? got : "(null)");
}

/* Checks a patched copy: the three verdicts, and whether "leave" can still
 * be named. */
static void expect(unsigned char *b, const char *error, const char *eh_error, const char *sym_error, bool names)
{
	struct pt_elf_image img;
	int fd = file_of(b, g_len);
	cr_assert_eq(pt_elf_image_check(fd, &img), 0);
	expect_str(img.error, error, "error");
	expect_str(img.eh_error, eh_error, "eh_error");
	expect_str(img.sym_error, sym_error, "sym_error");
	Elf64_Sym leave = symbol("leave");
	char name[64];
	uint64_t start = 0;
	int r = pt_elf_image_symbol(fd, &img, leave.st_value + 3, name, sizeof(name), &start);
	if (names) {
		cr_assert_eq(r, 0);
		cr_assert_str_eq(name, "leave");
		cr_assert_eq(start, leave.st_value);
	} else {
		cr_assert(r < 0 || strcmp(name, "leave"), "no name \"leave\" expected, got %d \"%s\"", r, name);
	}
	pt_elf_image_free(&img);
	close(fd);
	free(b);
}

Test(elfimage, intact_file)
{
	struct pt_elf_image img;
	int fd = file_of(g_buf, g_len);
	cr_assert_eq(pt_elf_image_check(fd, &img), 0);
	cr_assert_null(img.error, "%s", img.error);
	cr_assert_null(img.eh_error, "%s", img.eh_error);
	cr_assert_null(img.sym_error, "%s", img.sym_error);
	cr_assert_eq(img.size, g_len);
	cr_assert(img.nloads >= 2 && img.eh_fde_count > 0 && img.nsymtabs >= 1);
	/* the PT_LOAD holding leave's bytes gives back its address */
	Elf64_Sym leave = symbol("leave");
	Elf64_Shdr *text = (Elf64_Shdr *)(g_buf + ehdr(g_buf)->e_shoff) + leave.st_shndx;
	uint64_t off = text->sh_offset + (leave.st_value - text->sh_addr), vaddr = 0;
	cr_assert(pt_elf_image_vaddr(&img, off, &vaddr));
	cr_assert_eq(vaddr, leave.st_value);
	cr_assert_not(pt_elf_image_vaddr(&img, g_len + 4096, &vaddr), "past the file: no address");
	/* inside the function, at its start, and at its last byte */
	char name[64];
	uint64_t start = 0;
	uint64_t at[3] = {leave.st_value + 5, leave.st_value, leave.st_value + leave.st_size - 1};
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(pt_elf_image_symbol(fd, &img, at[i], name, sizeof(name), &start), 0);
		cr_assert_str_eq(name, "leave");
		cr_assert_eq(start, leave.st_value);
	}
	/* cut to fit: 1, and NUL-terminated */
	cr_assert_eq(pt_elf_image_symbol(fd, &img, leave.st_value, name, 4, &start), 1);
	cr_assert_str_eq(name, "lea");
	pt_elf_image_free(&img);
	close(fd);
}

/* ---- section table: names lost, the stack kept ---- */

Test(elfimage, shoff_zero)
{
	unsigned char *b = copy();
	ehdr(b)->e_shoff = 0;     /* e_shnum left at its value */
	expect(b, NULL, NULL, "no section table", false);
}

Test(elfimage, shoff_0x41)
{
	unsigned char *b = copy();
	ehdr(b)->e_shoff = 0x41;  /* inside the file: garbage read as headers */
	struct pt_elf_image img;
	cr_assert_eq(check_buf(b, g_len, &img), 0);
	cr_assert_null(img.error);
	cr_assert_null(img.eh_error);
	expect(b, NULL, NULL, img.sym_error, false);
}

Test(elfimage, shoff_wraps_around)
{
	unsigned char *b = copy();
	ehdr(b)->e_shoff = UINT64_MAX - 0xff;
	expect(b, NULL, NULL, "section headers outside the file", false);
}

Test(elfimage, shnum_huge)
{
	unsigned char *b = copy();
	ehdr(b)->e_shnum = 0xffff;
	expect(b, NULL, NULL, "section headers outside the file", false);
}

Test(elfimage, shnum_zero_is_extended_numbering)
{
	unsigned char *b = copy();
	ehdr(b)->e_shnum = 0;
	expect(b, NULL, NULL, "no section table", false);
}

Test(elfimage, shentsize_small)
{
	unsigned char *b = copy();
	ehdr(b)->e_shentsize = 16;
	expect(b, NULL, NULL, "bad section header size", false);
}

Test(elfimage, shstrndx_bad_keeps_names)
{
	unsigned char *b = copy();
	ehdr(b)->e_shstrndx = 0xfff0;
	expect(b, NULL, NULL, NULL, true);
}

Test(elfimage, symtab_offset_past_end)
{
	unsigned char *b = copy();
	section_of_type(b, SHT_SYMTAB)->sh_offset = g_len + 0x100000;
	/* .dynsym remains (no "leave" in it) */
	expect(b, NULL, NULL, NULL, false);
}

Test(elfimage, symtab_size_huge)
{
	unsigned char *b = copy();
	section_of_type(b, SHT_SYMTAB)->sh_size = 1ull << 62;
	expect(b, NULL, NULL, NULL, false);
}

Test(elfimage, symtab_entsize_bad)
{
	unsigned char *b = copy();
	section_of_type(b, SHT_SYMTAB)->sh_entsize = 8;
	expect(b, NULL, NULL, NULL, false);
}

Test(elfimage, symtab_link_bad)
{
	unsigned char *b = copy();
	section_of_type(b, SHT_SYMTAB)->sh_link = 0xfff0;
	expect(b, NULL, NULL, NULL, false);
}

Test(elfimage, no_usable_symbol_table)
{
	unsigned char *b = copy();
	section_of_type(b, SHT_SYMTAB)->sh_link = 0xfff0;
	section_of_type(b, SHT_DYNSYM)->sh_link = 0;
	expect(b, NULL, NULL, "bad string table of a symbol table", false);
}

Test(elfimage, strtab_size_huge)
{
	unsigned char *b = copy();
	Elf64_Shdr *st = section_of_type(b, SHT_SYMTAB);
	((Elf64_Shdr *)(b + ehdr(b)->e_shoff))[st->sh_link].sh_size = 1ull << 63;
	expect(b, NULL, NULL, NULL, false);
}

/* A string table shorter than the names point into: those symbols are
 * skipped, nothing past its end is read. */
Test(elfimage, strtab_too_small)
{
	unsigned char *b = copy();
	Elf64_Shdr *st = section_of_type(b, SHT_SYMTAB);
	Elf64_Sym leave = symbol("leave");
	((Elf64_Shdr *)(b + ehdr(b)->e_shoff))[st->sh_link].sh_size = leave.st_name;
	expect(b, NULL, NULL, NULL, false);
}

/* ---- program headers: nothing usable ---- */

Test(elfimage, phoff_past_end)
{
	unsigned char *b = copy();
	ehdr(b)->e_phoff = g_len;
	expect(b, "program headers outside the file", "program headers outside the file",
	       "program headers outside the file", false);
}

Test(elfimage, phnum_huge)
{
	unsigned char *b = copy();
	ehdr(b)->e_phnum = 0xffff;    /* PN_XNUM too */
	expect(b, "bad program header table", "bad program header table", "bad program header table", false);
}

Test(elfimage, phentsize_bad)
{
	unsigned char *b = copy();
	ehdr(b)->e_phentsize = 32;
	expect(b, "bad program header table", "bad program header table", "bad program header table", false);
}

/* ---- .eh_frame_hdr: no unwind info, names kept ---- */

static unsigned char *eh_hdr(unsigned char *b)
{
	return b + segment_of_type(b, PT_GNU_EH_FRAME)->p_offset;
}

Test(elfimage, eh_frame_hdr_offset_past_end)
{
	unsigned char *b = copy();
	segment_of_type(b, PT_GNU_EH_FRAME)->p_offset = g_len + 0x100000;
	expect(b, NULL, "PT_GNU_EH_FRAME outside the file", NULL, true);
}

Test(elfimage, eh_frame_hdr_count_huge)
{
	unsigned char *b = copy();
	uint32_t huge = 0x7fffffff;
	cr_assert_eq(eh_hdr(b)[2], 0x03, "fde_count as udata4 expected");
	memcpy(eh_hdr(b) + 8, &huge, 4);
	expect(b, NULL, "larger than its segment", NULL, true);
}

Test(elfimage, eh_frame_hdr_count_negative)
{
	unsigned char *b = copy();
	uint32_t neg = 0xffffffff;
	eh_hdr(b)[2] = 0x0b;          /* sdata4: -1 */
	memcpy(eh_hdr(b) + 8, &neg, 4);
	expect(b, NULL, "larger than its segment", NULL, true);
}

Test(elfimage, eh_frame_hdr_encodings)
{
	/* indirect (libunwind would dereference it in its own memory),
	 * uleb128 (unbounded), omit, an unknown table encoding, version 2 */
	const struct { int at; unsigned char v; } bad[] = {{1, 0x9b}, {1, 0x01}, {2, 0xff}, {3, 0x1b}, {0, 2}};
	for (size_t i = 0; i < PT_N_ELEMENTS(bad); i++) {
		unsigned char *b = copy();
		eh_hdr(b)[bad[i].at] = bad[i].v;
		expect(b, NULL, "unsupported .eh_frame_hdr encoding", NULL, true);
	}
}

Test(elfimage, eh_frame_hdr_segment_too_small)
{
	unsigned char *b = copy();
	segment_of_type(b, PT_GNU_EH_FRAME)->p_filesz = 6;
	expect(b, NULL, ".eh_frame_hdr truncated", NULL, true);
}

/* ---- not ELF at all ---- */

Test(elfimage, not_elf_files)
{
	struct pt_elf_image img;
	static const char text[] = "#!/bin/sh\nexit 0\n";
	cr_assert_eq(check_buf((const unsigned char *)text, sizeof(text), &img), 0);
	cr_assert_str_eq(img.error, "not an ELF file");
	cr_assert_eq(check_buf((const unsigned char *)"", 0, &img), 0);
	cr_assert_str_eq(img.error, "not an ELF file");
	unsigned char *b = copy();
	b[EI_CLASS] = ELFCLASS32;
	cr_assert_eq(check_buf(b, g_len, &img), 0);
	cr_assert_str_eq(img.error, "not an x86-64 ELF file");
	/* every verdict says so, and nothing can be looked up */
	cr_assert_str_eq(img.eh_error, "not an x86-64 ELF file");
	cr_assert_str_eq(img.sym_error, "not an x86-64 ELF file");
	char name[8];
	uint64_t start, vaddr;
	cr_assert_eq(pt_elf_image_symbol(-1, &img, 0x1000, name, sizeof(name), &start), -ENOENT);
	cr_assert_not(pt_elf_image_vaddr(&img, 0, &vaddr));
	free(b);
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	cr_assert(dir >= 0);
	cr_assert_eq(pt_elf_image_check(dir, &img), 0);
	cr_assert_str_eq(img.error, "not a regular file");
	close(dir);
}

Test(elfimage, truncated_file)
{
	struct pt_elf_image img;
	cr_assert_eq(check_buf(g_buf, 100, &img), 0);
	cr_assert_str_eq(img.error, "program headers outside the file");
	/* headers intact, sections and .eh_frame_hdr past the end (a file
	 * shorter than its mapping) */
	cr_assert_eq(check_buf(g_buf, 4096, &img), 0);
	cr_assert_null(img.error);
	cr_assert_str_eq(img.eh_error, "PT_GNU_EH_FRAME outside the file");
	cr_assert_str_eq(img.sym_error, "section headers outside the file");
}

/* Checked, then shrunk under us: reads come back short (-EIO), never a
 * SIGBUS (nothing is mapped) nor a read past the new end. */
Test(elfimage, file_shrinks_after_the_check)
{
	struct pt_elf_image img;
	int fd = file_of(g_buf, g_len);
	cr_assert_eq(pt_elf_image_check(fd, &img), 0);
	cr_assert_null(img.sym_error);
	cr_assert_eq(ftruncate(fd, 4096), 0);
	char name[64];
	uint64_t start;
	cr_assert_eq(pt_elf_image_symbol(fd, &img, symbol("leave").st_value, name, sizeof(name), &start), -EIO);
	cr_assert_str_eq(name, "");
	pt_elf_image_free(&img);
	close(fd);
}

/* ---- the function index, on synthetic files ----
 *
 * A minimal ELF: header, one PT_LOAD, and sections [1] .dynsym (nsyms[0]
 * entries), [2] their strings, [3] .symtab (nsyms[1] entries, linked to the
 * same strings; nsyms[0] 0: no .dynsym).  No .eh_frame_hdr: only the
 * names are checked. */

struct synth {
	size_t nsyms[2];
	Elf64_Sym *syms[2];
	const char *strs;           /* the string table, strs_len bytes */
	size_t strs_len;
	uint64_t fake_symtab_count; /* nonzero: .symtab of that many entries, never written (sparse) */
};

static int synth_file(const struct synth *sy)
{
	Elf64_Ehdr eh = {0};
	Elf64_Phdr ph = {0};
	Elf64_Shdr sh[4] = {{0}};
	uint64_t str_off = sizeof(eh) + sizeof(ph);
	uint64_t dyn_off = (str_off + sy->strs_len + 7) & ~7ull;
	uint64_t sym_off = dyn_off + sy->nsyms[0] * sizeof(Elf64_Sym);
	uint64_t sym_count = sy->fake_symtab_count ? sy->fake_symtab_count : sy->nsyms[1];
	uint64_t sh_off = sym_off + sym_count * sizeof(Elf64_Sym);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	eh.e_shoff = sh_off;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 4;
	eh.e_ehsize = sizeof(eh);
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_X;
	ph.p_filesz = ph.p_memsz = sizeof(eh) + sizeof(ph);
	sh[1] = (Elf64_Shdr){.sh_type = SHT_DYNSYM, .sh_offset = dyn_off, .sh_size = sy->nsyms[0] * sizeof(Elf64_Sym),
			     .sh_link = 2, .sh_entsize = sizeof(Elf64_Sym)};
	if (!sy->nsyms[0])
		sh[1].sh_type = SHT_PROGBITS;   /* no .dynsym */
	sh[2] = (Elf64_Shdr){.sh_type = SHT_STRTAB, .sh_offset = str_off, .sh_size = sy->strs_len};
	sh[3] = (Elf64_Shdr){.sh_type = SHT_SYMTAB, .sh_offset = sym_off, .sh_size = sym_count * sizeof(Elf64_Sym),
			     .sh_link = 2, .sh_entsize = sizeof(Elf64_Sym)};
	int fd = memfd_create("synth", MFD_CLOEXEC);
	cr_assert(fd >= 0);
	cr_assert_eq(pwrite(fd, &eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
	cr_assert_eq(pwrite(fd, &ph, sizeof(ph), sizeof(eh)), (ssize_t)sizeof(ph));
	cr_assert_eq(pwrite(fd, sy->strs, sy->strs_len, (off_t)str_off), (ssize_t)sy->strs_len);
	for (int t = 0; t < 2; t++) {
		size_t n = sy->nsyms[t] * sizeof(Elf64_Sym);
		if (n && !(t == 1 && sy->fake_symtab_count))
			cr_assert_eq(pwrite(fd, sy->syms[t], n, (off_t)(t ? sym_off : dyn_off)), (ssize_t)n);
	}
	cr_assert_eq(pwrite(fd, sh, sizeof(sh), (off_t)sh_off), (ssize_t)sizeof(sh));
	return fd;
}

static Elf64_Sym fsym(uint32_t name, uint64_t addr, uint64_t size, unsigned type)
{
	return (Elf64_Sym){.st_name = name, .st_info = ELF64_ST_INFO(STB_GLOBAL, type), .st_shndx = 1,
			   .st_value = addr, .st_size = size};
}

/* "name" at vaddr (start at start), or none (want NULL). */
static void expect_name(int fd, struct pt_elf_image *img, uint64_t vaddr, const char *want, uint64_t want_start)
{
	char name[64];
	uint64_t start = 0;
	int r = pt_elf_image_symbol(fd, img, vaddr, name, sizeof(name), &start);
	if (!want) {
		cr_assert_eq(r, -ENOENT, "0x%lx: no name expected, got %d \"%s\"", (unsigned long)vaddr, r, name);
		return;
	}
	cr_assert_eq(r, 0, "0x%lx: \"%s\" expected, got %d", (unsigned long)vaddr, want, r);
	cr_assert_str_eq(name, want, "0x%lx", (unsigned long)vaddr);
	cr_assert_eq(start, want_start, "0x%lx: start 0x%lx", (unsigned long)vaddr, (unsigned long)start);
}

/* Each rule, on a table in no particular order, split over .dynsym and
 * .symtab (the first table first among equals). */
Test(elfimage, index_rules)
{
	static const char strs[] = "\0a\0nosize\0outer\0inner\0first\0second\0g_short\0g_long\0h\0p\0q\0ifn\0obj\0zero\0und";
	/* offsets of the names in strs */
	enum { A = 1, NOSIZE = 3, OUTER = 10, INNER = 16, FIRST = 22, SECOND = 28, G_SHORT = 35, G_LONG = 43,
	       H = 50, P = 52, Q = 54, IFN = 56, OBJ = 60, ZERO = 64, UND = 69 };
	Elf64_Sym und = fsym(UND, 0x8200, 0x10, STT_FUNC);
	und.st_shndx = SHN_UNDEF;
	Elf64_Sym dyn[] = {
		fsym(Q, 0x7080, 0x100, STT_FUNC),
		fsym(FIRST, 0x3000, 0x10, STT_FUNC),      /* equal to "second", first in the file */
		fsym(A, 0x1000, 0x100, STT_FUNC),
		fsym(G_SHORT, 0x3100, 4, STT_FUNC),       /* same start as g_long, shorter, first */
		fsym(INNER, 0x2100, 0x10, STT_FUNC),      /* nested in outer */
		fsym(IFN, 0x8000, 0x10, STT_GNU_IFUNC),
		fsym(ZERO, 0, 0, STT_FUNC),               /* address 0: not a function */
	};
	Elf64_Sym tab[] = {
		fsym(0, 0, 0, STT_NOTYPE),
		fsym(H, 0x6000, 0x10, STT_FUNC),
		fsym(SECOND, 0x3000, 0x10, STT_FUNC),
		fsym(NOSIZE, 0x5000, 0, STT_FUNC),        /* no size: contains all from 0x5000 */
		fsym(G_LONG, 0x3100, 0x20, STT_FUNC),
		fsym(OUTER, 0x2000, 0x1000, STT_FUNC),
		fsym(P, 0x7000, 0x100, STT_FUNC),         /* overlaps q */
		fsym(OBJ, 0x8100, 0x10, STT_OBJECT),
		und,
		fsym(sizeof(strs) + 5, 0x9000, 0, STT_FUNC), /* name past the strings: skipped */
	};
	struct synth sy = {.nsyms = {PT_N_ELEMENTS(dyn), PT_N_ELEMENTS(tab)},
			   .syms = {dyn, tab}, .strs = strs, .strs_len = sizeof(strs)};
	struct pt_elf_image img;
	int fd = synth_file(&sy);
	cr_assert_eq(pt_elf_image_check(fd, &img), 0);
	cr_assert_null(img.error, "%s", img.error);
	cr_assert_null(img.sym_error, "%s", img.sym_error);
	cr_assert_eq(img.nsymtabs, 2);
	expect_name(fd, &img, 0, NULL, 0);
	expect_name(fd, &img, 0xfff, NULL, 0);
	expect_name(fd, &img, 0x1000, "a", 0x1000);
	expect_name(fd, &img, 0x10ff, "a", 0x1000);
	expect_name(fd, &img, 0x1100, NULL, 0);         /* a's size ends before: not a's */
	expect_name(fd, &img, 0x1fff, NULL, 0);
	expect_name(fd, &img, 0x2000, "outer", 0x2000);
	expect_name(fd, &img, 0x2100, "inner", 0x2100);
	expect_name(fd, &img, 0x210f, "inner", 0x2100);
	expect_name(fd, &img, 0x2110, "outer", 0x2000); /* past inner, still in outer */
	expect_name(fd, &img, 0x2fff, "outer", 0x2000);
	expect_name(fd, &img, 0x3000, "first", 0x3000);
	expect_name(fd, &img, 0x300f, "first", 0x3000);
	expect_name(fd, &img, 0x3010, NULL, 0);
	expect_name(fd, &img, 0x3102, "g_short", 0x3100);
	expect_name(fd, &img, 0x3104, "g_long", 0x3100);
	expect_name(fd, &img, 0x311f, "g_long", 0x3100);
	expect_name(fd, &img, 0x3120, NULL, 0);
	expect_name(fd, &img, 0x4fff, NULL, 0);
	expect_name(fd, &img, 0x5000, "nosize", 0x5000);
	expect_name(fd, &img, 0x5fff, "nosize", 0x5000);
	expect_name(fd, &img, 0x6008, "h", 0x6000);
	expect_name(fd, &img, 0x6010, "nosize", 0x5000); /* past h: the one without a size */
	expect_name(fd, &img, 0x707f, "p", 0x7000);
	expect_name(fd, &img, 0x7080, "q", 0x7080);
	expect_name(fd, &img, 0x70ff, "q", 0x7080);
	expect_name(fd, &img, 0x7100, "q", 0x7080);
	expect_name(fd, &img, 0x7180, "nosize", 0x5000);
	expect_name(fd, &img, 0x8004, "ifn", 0x8000);    /* STT_GNU_IFUNC is a function */
	expect_name(fd, &img, 0x8104, "nosize", 0x5000); /* an object is not */
	expect_name(fd, &img, 0x8204, "nosize", 0x5000); /* nor an undefined symbol */
	expect_name(fd, &img, 0x9004, "nosize", 0x5000);
	expect_name(fd, &img, UINT64_MAX, "nosize", 0x5000);
	pt_elf_image_free(&img);
	close(fd);
}

/* The answer of the linear scan the index replaced, over the same tables. */
static int reference(const struct synth *sy, uint64_t vaddr, uint32_t *name, uint64_t *start)
{
	uint64_t best_dist = UINT64_MAX;
	bool found = false;
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < sy->nsyms[t]; i++) {
			const Elf64_Sym *s = &sy->syms[t][i];
			unsigned type = ELF64_ST_TYPE(s->st_info);
			if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s->st_shndx == SHN_UNDEF ||
			    s->st_shndx == SHN_ABS || s->st_name == 0 || s->st_name >= sy->strs_len || s->st_value == 0 ||
			    s->st_value > vaddr || (s->st_size && vaddr - s->st_value >= s->st_size))
				continue;
			if (vaddr - s->st_value < best_dist) {
				best_dist = vaddr - s->st_value;
				*name = s->st_name;
				found = true;
			}
		}
	*start = vaddr - best_dist;
	return found ? 0 : -ENOENT;
}

/* Many symbols in random order, crowded so that they overlap, nest, repeat
 * and leave gaps: every address gets the linear scan's answer. */
Test(elfimage, index_random_matches_linear_scan)
{
	enum { N = 4000, SPAN = 40000, BASE = 0x10000 };
	/* names: "s<index>", all distinct */
	static char strs[N * 8 + 1];
	size_t sl = 1;
	Elf64_Sym *syms = calloc(N, sizeof(*syms));
	cr_assert_not_null(syms);
	srandom(1234);
	for (size_t i = 0; i < N; i++) {
		uint32_t name = (uint32_t)sl;
		sl += (size_t)sprintf(strs + sl, "s%zu", i) + 1;
		long r = random() % 100;
		uint64_t addr = BASE + (uint64_t)(random() % SPAN);
		uint64_t size = r < 15 ? 0 : r < 90 ? (uint64_t)(random() % 64) + 1 : (uint64_t)(random() % 4000) + 1;
		if (i % 7 == 0 && i)
			addr = syms[random() % i].st_value; /* same start as another */
		unsigned type = r % 10 == 0 ? STT_OBJECT : r % 13 == 0 ? STT_GNU_IFUNC : STT_FUNC;
		syms[i] = fsym(name, addr, size, type);
		if (i % 97 == 0)
			syms[i].st_shndx = SHN_UNDEF;
	}
	struct synth sy = {.nsyms = {N / 4, N - N / 4}, .syms = {syms, syms + N / 4}, .strs = strs, .strs_len = sl};
	struct pt_elf_image img;
	int fd = synth_file(&sy);
	cr_assert_eq(pt_elf_image_check(fd, &img), 0);
	cr_assert_null(img.sym_error, "%s", img.sym_error);
	size_t named = 0;
	for (uint64_t v = BASE - 2; v < BASE + SPAN + 4100; v++) {
		uint32_t want_name = 0;
		uint64_t want_start = 0, start = 0;
		char name[32];
		int want = reference(&sy, v, &want_name, &want_start);
		int r = pt_elf_image_symbol(fd, &img, v, name, sizeof(name), &start);
		cr_assert_eq(r, want, "0x%lx: %d expected, got %d", (unsigned long)v, want, r);
		if (want == 0) {
			cr_assert_str_eq(name, strs + want_name, "0x%lx", (unsigned long)v);
			cr_assert_eq(start, want_start);
			named++;
		}
	}
	cr_assert(named > SPAN / 2, "the test names too few addresses: %zu", named);
	pt_elf_image_free(&img);
	close(fd);
	free(syms);
}

/* PT_ELFIMG_MAX_FUNCS function symbols are indexed; one more and the image
 * has no names (said in symidx_error), without an error at every lookup. */
static void funcs_cap(size_t n)
{
	static const char strs[] = "\0fn";
	Elf64_Sym *syms = calloc(n, sizeof(*syms));
	cr_assert_not_null(syms);
	for (size_t i = 0; i < n; i++)
		syms[i] = fsym(1, 0x1000 + 16 * (uint64_t)(n - i), 16, STT_FUNC);
	struct synth sy = {.nsyms = {0, n}, .syms = {NULL, syms}, .strs = strs, .strs_len = sizeof(strs)};
	struct pt_elf_image img;
	int fd = synth_file(&sy);
	free(syms);
	cr_assert_eq(pt_elf_image_check(fd, &img), 0);
	cr_assert_null(img.sym_error, "%s", img.sym_error);
	if (n <= PT_ELFIMG_MAX_FUNCS) {
		expect_name(fd, &img, 0x1000 + 16 * 5 + 3, "fn", 0x1000 + 16 * 5);
		expect_name(fd, &img, 0x1000 + 16 * (uint64_t)n + 15, "fn", 0x1000 + 16 * (uint64_t)n);
		expect_name(fd, &img, 0x1000 + 16 * (uint64_t)n + 16, NULL, 0);
		cr_assert_null(img.symidx_error);
	} else {
		expect_name(fd, &img, 0x1000 + 16 * 5 + 3, NULL, 0);
		cr_assert_str_eq(img.symidx_error, "too many function symbols");
		cr_assert_null(img.symidx);
		expect_name(fd, &img, 0x1000 + 16 * 6, NULL, 0);
	}
	pt_elf_image_free(&img);
	close(fd);
}

Test(elfimage, index_funcs_cap)
{
	funcs_cap(PT_ELFIMG_MAX_FUNCS);
	funcs_cap(PT_ELFIMG_MAX_FUNCS + 1);
}

/* PT_ELFIMG_MAX_SYMS entries over all tables: a .symtab that would exceed
 * it with .dynsym is skipped (never read: the file is sparse there), and
 * .dynsym still names; alone and over the cap, no names. */
Test(elfimage, index_entries_cap)
{
	static const char strs[] = "\0dyn";
	Elf64_Sym dyn[] = {fsym(0, 0, 0, STT_NOTYPE), fsym(1, 0x1000, 0x10, STT_FUNC)};
	struct synth sy = {.nsyms = {2, 0}, .syms = {dyn, NULL}, .strs = strs, .strs_len = sizeof(strs),
			   .fake_symtab_count = PT_ELFIMG_MAX_SYMS - 1};
	struct pt_elf_image img;
	int fd = synth_file(&sy);
	cr_assert_eq(pt_elf_image_check(fd, &img), 0);
	cr_assert_null(img.sym_error, "%s", img.sym_error);
	cr_assert_eq(img.nsymtabs, 1, "the .symtab past the cap is not kept");
	expect_name(fd, &img, 0x1004, "dyn", 0x1000);
	pt_elf_image_free(&img);
	close(fd);
	sy.nsyms[0] = 0;
	sy.fake_symtab_count = PT_ELFIMG_MAX_SYMS + 1;
	fd = synth_file(&sy);
	cr_assert_eq(pt_elf_image_check(fd, &img), 0);
	cr_assert_str_eq(img.sym_error, "symbol table too large");
	expect_name(fd, &img, 0x1004, NULL, 0);
	pt_elf_image_free(&img);
	close(fd);
}
