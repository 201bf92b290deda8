/* What -k needs from the ELF file behind a mapping of the tracee, read with
 * pread and checked against the file size before anything is believed:
 * where the PT_LOAD segments go (file offset -> link-time address), the
 * .eh_frame_hdr search table (to hand to libunwind), and where the symbol
 * tables are (to name functions).
 *
 * Why not libunwind's own reader: libunwind-ptrace mmaps the whole file and
 * walks its section headers, symbol and string tables, and the PT_DYNAMIC
 * array without bounds checks, so a corrupt section table (e_shoff 0 with
 * e_shnum 31: the program runs fine, the kernel never looks at sections)
 * crashed the tracer, and a file truncated while mapped could SIGBUS it.
 * Here nothing is mapped: a file that shrinks under us gives short reads,
 * and every offset and count comes checked.
 *
 * Three independent verdicts, so that one bad part does not cost the others:
 * a corrupt section table loses the names, not the stack. */
#ifndef PT_ELFIMAGE_H
#define PT_ELFIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PT_ELFIMG_MAX_LOADS 32      /* PT_LOADs kept (glibc's libraries have 4-5) */
#define PT_ELFIMG_MAX_SYMTABS 4     /* SHT_SYMTAB + SHT_DYNSYM sections kept */
#define PT_ELFIMG_MAX_SYMS (1u << 24)  /* entries of one symbol table, beyond: ignored */

struct pt_elf_load {
	uint64_t offset, filesz, vaddr, memsz;
};

struct pt_elf_symtab {
	uint64_t off, count;        /* Elf64_Sym entries at file offset off */
	uint64_t str_off, str_size; /* its string table (sh_link) */
};

struct pt_elf_image {
	dev_t dev;                  /* of the file checked (fstat) */
	ino_t ino;
	uint64_t size;              /* every range below lies inside [0, size) */

	/* NULL: an x86-64 ELF64 file whose program headers are usable: loads[]
	 * is valid.  Otherwise nothing below is. */
	const char *error;
	size_t nloads;
	struct pt_elf_load loads[PT_ELFIMG_MAX_LOADS];
	uint64_t min_vaddr, end_vaddr;  /* over the PT_LOADs */
	uint64_t gp;                /* DT_PLTGOT, what libunwind calls gp; 0 if none */

	/* NULL: PT_GNU_EH_FRAME holds a binary-search table of fde_count
	 * 8-byte entries (DW_EH_PE_datarel | sdata4) at eh_vaddr + eh_table_off,
	 * all of it inside the segment. */
	const char *eh_error;
	uint64_t eh_vaddr, eh_table_off, eh_fde_count;

	/* NULL: nsymtabs >= 1 symbol tables with their string tables in the
	 * file (each symbol's name offset is checked when it is read). */
	const char *sym_error;
	size_t nsymtabs;
	struct pt_elf_symtab symtabs[PT_ELFIMG_MAX_SYMTABS];
};

/* Checks the open file fd.  0 with the verdicts in *img (a malformed file is
 * not an error: img->error says why); -errno when fstat or a read fails, or
 * memory runs out (img->error is set then too). */
int pt_elf_image_check(int fd, struct pt_elf_image *img);

/* The link-time address of file offset off, through the PT_LOAD whose file
 * bytes hold it; false when none does. */
bool pt_elf_image_vaddr(const struct pt_elf_image *img, uint64_t off, uint64_t *vaddr);

/* The STT_FUNC symbol closest below or at the link-time address vaddr (and
 * containing it, when the symbol has a size), from the symbol tables of a
 * checked image: its name in name[len] (cut to fit, NUL-terminated) and
 * *start its address.  0 found, 1 found but the name was cut, -ENOENT none,
 * other -errno when the file cannot be read (shrunk under us: -EIO). */
int pt_elf_image_symbol(int fd, const struct pt_elf_image *img, uint64_t vaddr, char *name, size_t len,
			uint64_t *start);

#endif
