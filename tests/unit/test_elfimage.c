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
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
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
	close(fd);
}
