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
/* Entries of all the symbol tables of one image together (24 bytes each:
 * 48 MiB, read once per image): a table that would go past it is ignored. */
#define PT_ELFIMG_MAX_SYMS (1u << 21)
/* Function symbols of one image indexed for names (~40 bytes each in the
 * index); beyond it the image gets no names at all. */
#define PT_ELFIMG_MAX_FUNCS (1u << 20)

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

	/* The function index, built at the first pt_elf_image_symbol (NULL
	 * before); once that failed, symidx_error says why and no name is
	 * looked up again.  Freed by pt_elf_image_free. */
	struct pt_elf_symidx *symidx;
	const char *symidx_error;
};

/* Checks the open file fd (img is overwritten: pt_elf_image_free an image
 * that was used before checking again into it).  0 with the verdicts in *img (a malformed file is
 * not an error: img->error says why); -errno when fstat or a read fails, or
 * memory runs out (img->error is set then too). */
int pt_elf_image_check(int fd, struct pt_elf_image *img);

/* The link-time address of file offset off, through the PT_LOAD whose file
 * bytes hold it; false when none does. */
bool pt_elf_image_vaddr(const struct pt_elf_image *img, uint64_t off, uint64_t *vaddr);

/* The function symbol (STT_FUNC or STT_GNU_IFUNC, defined, address not 0)
 * closest below or at the link-time address vaddr (and containing it, when
 * the symbol has a size; of equals, the first in the file), from the symbol
 * tables of a checked image: its name in name[len] (cut to fit,
 * NUL-terminated) and *start its address.  0 found, 1 found but the name
 * was cut, -ENOENT none, other -errno when the file cannot be read (shrunk
 * under us: -EIO) or memory runs out.  fd must be the file checked.
 *
 * The first call reads the symbol tables once, in large chunks, into a
 * sorted index in img (img->symidx); later calls binary-search it and read
 * only the name.  A failure to build it (more than PT_ELFIMG_MAX_FUNCS
 * functions, a read error, no memory) is returned once and then kept in
 * img->symidx_error: that image has no names from then on. */
int pt_elf_image_symbol(int fd, struct pt_elf_image *img, uint64_t vaddr, char *name, size_t len,
			uint64_t *start);

/* Frees what pt_elf_image_symbol built in img (the image stays checked). */
void pt_elf_image_free(struct pt_elf_image *img);

#endif
