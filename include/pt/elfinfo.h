/* The ELF image behind an exec: header, interpreter, PT_LOAD segments and a
 * few sections, read with elfutils' libelf, and where those segments landed
 * in the new address space.
 *
 * (Named elfinfo.h so that it never shadows the system <elf.h>.)
 *
 * The file is untrusted input: a malformed one never makes these functions
 * fail, crash or loop: they return 0 with out->error set to a short static
 * message ("not an ELF file", "truncated program header", ...), which the
 * caller reports as `elf: {error}`.  A negative return (-errno) is for the
 * system failing us (open, fstat, memory); out->error is set then too, so
 * out->error == NULL always means "everything else in *out is valid". */
#ifndef PT_ELFINFO_H
#define PT_ELFINFO_H

#include <stddef.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/event.h"
#include "pt/procfs.h"

/* Caps: a huge count in a header cannot make us allocate or loop. */
#define PT_ELF_MAX_LOADS 64        /* PT_LOADs kept (more are ignored) */
#define PT_ELF_MAX_HDRS 65535      /* e_phnum / e_shnum (extended too) beyond: error */
#define PT_ELF_MAX_INTERP 4096     /* bytes of PT_INTERP read */

int pt_elf_read_fd(int fd, struct pt_arena *a, struct pt_elf_info *out);
int pt_elf_read_path(const char *path, struct pt_arena *a, struct pt_elf_info *out);
/* From memory (tests, fuzzing); buf is copied, never written. */
int pt_elf_read_mem(const void *buf, size_t len, struct pt_arena *a, struct pt_elf_info *out);

/* ---- cache ----
 * Keyed by (st_dev, st_ino, st_mtim, st_ctim, st_size) of the opened file (a
 * ctime newer than the start of the lookup is not kept: see elfinfo.c), so every
 * exec of /bin/sh parses it once; the result lives in cache-owned memory and
 * is copied into the caller's arena on each get (the caller may then write
 * the segments' map_index).  Least recently used entry evicted when full. */
struct pt_elf_cache;

struct pt_elf_cache_stats {
	uint64_t hits, misses, parses, evictions;
	size_t entries, capacity;
};

/* max_entries 0 means the default, 256. NULL when out of memory. */
struct pt_elf_cache *pt_elf_cache_new(size_t max_entries);
void pt_elf_cache_destroy(struct pt_elf_cache *c);
/* path may be "/proc/PID/exe": it is opened (following the magic link even
 * to a deleted file) and fstat'ed.  Same return rules as pt_elf_read_fd.
 * A NULL cache just reads the file. */
int pt_elf_cache_get(struct pt_elf_cache *c, const char *path, struct pt_arena *a,
		     struct pt_elf_info *out);
void pt_elf_cache_stats(const struct pt_elf_cache *c, struct pt_elf_cache_stats *out);

/* Where the image landed.  load_bias = AT_ENTRY - e_entry for ET_DYN, 0 for
 * ET_EXEC; at_entry/at_phdr/at_base from auxv; out->valid when elf has no
 * error and auxv has AT_ENTRY.  Each PT_LOAD's map_index becomes the index of
 * the maps_after line whose path is exe_path (the /proc/PID/exe target) and
 * that holds load_bias + p_vaddr (page-aligned down) at file offset p_offset
 * (page-aligned down), or -1.  maps_after, exe_path and auxv may be NULL. */
void pt_elf_place(struct pt_elf_info *elf, const struct pt_auxv *auxv,
		  const struct pt_maps *maps_after, const char *exe_path,
		  struct pt_exec_layout *out);

#endif
