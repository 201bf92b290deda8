/* -k on executables and mappings whose files are not sound ELF images
 * (docs/stacks.md, "Module files"): copies of exit_paths with a corrupt
 * section table, symbol table, string table or .eh_frame_hdr, made at test
 * time (each still runs fine untraced: the kernel and ld.so never look at
 * sections), and mapped_code, which runs code from a mapping of a non-ELF
 * file, of a file shorter than its mapping, and of a file replaced on disk
 * after it was mapped.
 *
 * Each must leave the trace whole: the tool exits with the tracee's status,
 * the log is complete, and the exit stack is there.  A bad section table
 * costs the names of that module's frames, nothing else; a bad
 * .eh_frame_hdr ends the stack at the module's first frame, which is still
 * shown (address, module, module_off), with the reason. */
#include "support.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(stack_files, .fini = pt_t_cleanup);

static json_object *stack_of(json_object *e)
{
	json_object *st = pt_t_get(e, "stack");
	return st && json_object_is_type(st, json_type_array) ? st : NULL;
}

static size_t nframes(json_object *st)
{
	return st ? json_object_array_length(st) : 0;
}

static const char *frame_str(json_object *st, size_t i, const char *key)
{
	json_object *fr = json_object_array_get_idx(st, i);
	return fr ? pt_t_str(fr, key) : NULL;
}

static bool frame_in(json_object *st, size_t i, const char *path)
{
	const char *m = frame_str(st, i, "module");
	return m && !strcmp(m, path);
}

/* ---- corrupt copies of exit_paths ---- */

enum patch {
	P_NONE,
	P_SHOFF_ZERO,           /* e_shoff 0, e_shnum left as is (31) */
	P_SHOFF_0X41,           /* e_shoff 0x41: garbage read as section headers */
	P_SHOFF_PAST_END,       /* e_shoff near 2^64: wraps around */
	P_SHNUM_HUGE,           /* e_shnum 0xffff */
	P_SHENTSIZE_SMALL,      /* e_shentsize 16 */
	P_SHSTRNDX_BAD,         /* e_shstrndx 0xfff0: names of sections unknown */
	P_SYMTAB_OFF_PAST_END,  /* .symtab sh_offset beyond the file */
	P_SYMTAB_SIZE_HUGE,     /* .symtab sh_size 2^62 */
	P_SYMTAB_LINK_BAD,      /* .symtab sh_link 0xfff0 */
	P_STRTAB_SIZE_HUGE,     /* .strtab sh_size 2^63 */
	P_STRTAB_OFF_0X41,      /* .strtab at 0x41, 16 bytes: names point past it */
	P_EHHDR_OFF_PAST_END,   /* PT_GNU_EH_FRAME p_offset beyond the file */
	P_EHHDR_COUNT_HUGE,     /* .eh_frame_hdr fde_count 0x7fffffff */
};

static Elf64_Shdr *section_of_type(unsigned char *b, size_t len, uint32_t type)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	cr_assert(eh->e_shoff && eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) <= len);
	Elf64_Shdr *sh = (Elf64_Shdr *)(b + eh->e_shoff);
	for (size_t i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == type)
			return &sh[i];
	cr_assert_fail("no section of type %u in exit_paths", type);
	return NULL;
}

static Elf64_Phdr *segment_of_type(unsigned char *b, uint32_t type)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(b + eh->e_phoff);
	for (size_t i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == type)
			return &ph[i];
	cr_assert_fail("no segment of type %u in exit_paths", type);
	return NULL;
}

/* A copy of exit_paths with patch p, in the scratch directory. */
static const char *corrupt_copy(enum patch p, const char *name)
{
	size_t len;
	unsigned char *b = (unsigned char *)pt_t_read_file(pt_t_tracee_path("exit_paths"), &len);
	cr_assert(b && len > sizeof(Elf64_Ehdr));
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	cr_assert(eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_shnum > 0, "exit_paths: an ELF64 file with sections");
	Elf64_Shdr *symtab = section_of_type(b, len, SHT_SYMTAB);
	Elf64_Shdr *strtab = (Elf64_Shdr *)(b + eh->e_shoff) + symtab->sh_link;
	Elf64_Phdr *ehf = segment_of_type(b, PT_GNU_EH_FRAME);
	switch (p) {
	case P_NONE: break;
	case P_SHOFF_ZERO: eh->e_shoff = 0; break;
	case P_SHOFF_0X41: eh->e_shoff = 0x41; break;
	case P_SHOFF_PAST_END: eh->e_shoff = UINT64_MAX - 0xff; break;
	case P_SHNUM_HUGE: eh->e_shnum = 0xffff; break;
	case P_SHENTSIZE_SMALL: eh->e_shentsize = 16; break;
	case P_SHSTRNDX_BAD: eh->e_shstrndx = 0xfff0; break;
	case P_SYMTAB_OFF_PAST_END: symtab->sh_offset = len + 0x100000; break;
	case P_SYMTAB_SIZE_HUGE: symtab->sh_size = 1ull << 62; break;
	case P_SYMTAB_LINK_BAD: symtab->sh_link = 0xfff0; break;
	case P_STRTAB_SIZE_HUGE: strtab->sh_size = 1ull << 63; break;
	case P_STRTAB_OFF_0X41: strtab->sh_offset = 0x41; strtab->sh_size = 16; break;
	case P_EHHDR_OFF_PAST_END: ehf->p_offset = len + 0x100000; break;
	case P_EHHDR_COUNT_HUGE: {
		/* version, eh_frame_ptr_enc, fde_count_enc, table_enc, then
		 * eh_frame_ptr and fde_count, both udata4/sdata4 from ld */
		unsigned char *h = b + ehf->p_offset;
		cr_assert(h[0] == 1 && (h[1] & 0x0f) == 0x0b && (h[2] & 0x0f) == 0x03, "unexpected .eh_frame_hdr");
		uint32_t huge = 0x7fffffff;
		memcpy(h + 8, &huge, 4);
		break;
	}
	}
	const char *path = pt_t_scratch(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	cr_assert(fd >= 0, "%s", path);
	cr_assert_eq(write(fd, b, len), (ssize_t)len);
	close(fd);
	free(b);
	return path;
}

/* Runs the copy with "exit" under -k: tool status 3, complete log, and
 * the exit stack of the root (at least one frame). */
static json_object *run_exit(struct pt_t_run *r, const char *path)
{
	pt_t_run(r, ARGS("-k"), path, ARGS("exit"));
	pt_t_check_log(r);
	pt_t_assert(r, r->exited && r->exit_code == 3, "the tool should exit with the tracee's 3, got %d", r->code);
	json_object *ex = pt_t_exit_of(r, pt_t_root(r));
	pt_t_assert(r, ex && pt_t_status_exited(ex, NULL) == 3, "exit event with status 3 expected");
	pt_t_assert(r, nframes(stack_of(ex)) > 0, "an exit stack expected: %s", pt_t_json(ex));
	return ex;
}

/* The intact copy's exit stack (under its own path). */
static json_object *reference(struct pt_t_run *r, const char **path)
{
	*path = corrupt_copy(P_NONE, "intact");
	json_object *ex = run_exit(r, *path);
	pt_t_assert(r, !pt_t_has(ex, "unwind_error"), "a complete stack expected: %s", pt_t_json(ex));
	return stack_of(ex);
}

/* Section-table damage: the same frames as the intact copy (module_off by
 * module_off, to the end, no unwind_error); the copy's own frames named
 * only when names is true, libc's always. */
static void check_sections_patch(enum patch p, const char *name, bool names)
{
	struct pt_t_run ref, r;
	const char *ref_path;
	json_object *want = reference(&ref, &ref_path);
	const char *path = corrupt_copy(p, name);
	json_object *ex = run_exit(&r, path);
	json_object *got = stack_of(ex);
	pt_t_assert(&r, !pt_t_has(ex, "unwind_error"), "the stack should be complete: %s", pt_t_json(ex));
	pt_t_assert(&r, nframes(got) == nframes(want), "%zu frames, %zu in the intact copy: %s", nframes(got),
		    nframes(want), pt_t_json(ex));
	size_t own = 0;
	for (size_t i = 0; i < nframes(want); i++) {
		const char *mo = frame_str(got, i, "module_off"), *wmo = frame_str(want, i, "module_off");
		pt_t_assert(&r, mo && wmo && !strcmp(mo, wmo), "frame %zu: module_off %s, intact %s: %s", i, mo, wmo,
			    pt_t_json(ex));
		const char *f = frame_str(got, i, "func"), *wf = frame_str(want, i, "func");
		if (frame_in(want, i, ref_path)) {
			own++;
			pt_t_assert(&r, frame_in(got, i, path), "frame %zu should be in %s: %s", i, path, pt_t_json(ex));
			if (names)
				pt_t_assert(&r, f && wf && !strcmp(f, wf), "frame %zu: func %s, intact %s: %s", i, f, wf,
					    pt_t_json(ex));
			else
				pt_t_assert(&r, !f, "frame %zu: no name from a corrupt section table: %s", i,
					    pt_t_json(ex));
		} else {
			pt_t_assert(&r, (!f && !wf) || (f && wf && !strcmp(f, wf)), "frame %zu (libc): func %s, intact %s",
				    i, f, wf);
		}
	}
	pt_t_assert(&r, own >= 3, "leave, main and _start should be the copy's frames: %s", pt_t_json(ex));
	pt_t_free(&r);
	pt_t_free(&ref);
}

/* .eh_frame_hdr damage: the frames down to the copy's first one (leave) as
 * in the intact copy, that one without a name, then the end, with the
 * reason. */
static void check_eh_patch(enum patch p, const char *name, const char *why)
{
	struct pt_t_run ref, r;
	const char *ref_path;
	json_object *want = reference(&ref, &ref_path);
	size_t first = 0;
	while (first < nframes(want) && !frame_in(want, first, ref_path))
		first++;
	cr_assert(first > 0 && first < nframes(want));
	const char *path = corrupt_copy(p, name);
	json_object *ex = run_exit(&r, path);
	json_object *got = stack_of(ex);
	pt_t_assert(&r, nframes(got) == first + 1, "%zu frames expected (libc's, then leave): %s", first + 1,
		    pt_t_json(ex));
	for (size_t i = 0; i <= first; i++) {
		const char *mo = frame_str(got, i, "module_off"), *wmo = frame_str(want, i, "module_off");
		pt_t_assert(&r, mo && wmo && !strcmp(mo, wmo), "frame %zu: module_off %s, intact %s: %s", i, mo, wmo,
			    pt_t_json(ex));
	}
	pt_t_assert(&r, frame_in(got, first, path) && !frame_str(got, first, "func"),
		    "frame %zu: the copy's, without a name: %s", first, pt_t_json(ex));
	const char *err = pt_t_str(ex, "unwind_error");
	pt_t_assert(&r, err && strstr(err, "no unwind info") && strstr(err, why), "unwind_error about %s expected: %s",
		    why, pt_t_json(ex));
	pt_t_free(&r);
	pt_t_free(&ref);
}

Test(stack_files, shoff_zero) { check_sections_patch(P_SHOFF_ZERO, "shoff_zero", false); }
Test(stack_files, shoff_0x41) { check_sections_patch(P_SHOFF_0X41, "shoff_0x41", false); }
Test(stack_files, shoff_past_end) { check_sections_patch(P_SHOFF_PAST_END, "shoff_past_end", false); }
Test(stack_files, shnum_huge) { check_sections_patch(P_SHNUM_HUGE, "shnum_huge", false); }
Test(stack_files, shentsize_small) { check_sections_patch(P_SHENTSIZE_SMALL, "shentsize_small", false); }
/* symbol tables are found by type: section names are not needed */
Test(stack_files, shstrndx_bad) { check_sections_patch(P_SHSTRNDX_BAD, "shstrndx_bad", true); }
Test(stack_files, symtab_offset_past_end) { check_sections_patch(P_SYMTAB_OFF_PAST_END, "symtab_off", false); }
Test(stack_files, symtab_size_huge) { check_sections_patch(P_SYMTAB_SIZE_HUGE, "symtab_size", false); }
Test(stack_files, symtab_link_bad) { check_sections_patch(P_SYMTAB_LINK_BAD, "symtab_link", false); }
Test(stack_files, strtab_size_huge) { check_sections_patch(P_STRTAB_SIZE_HUGE, "strtab_size", false); }
/* names offsets now point past a 16-byte table: dropped, never read */
Test(stack_files, strtab_small) { check_sections_patch(P_STRTAB_OFF_0X41, "strtab_small", false); }
Test(stack_files, eh_frame_hdr_offset_past_end)
{
	check_eh_patch(P_EHHDR_OFF_PAST_END, "ehhdr_off", "PT_GNU_EH_FRAME outside the file");
}
Test(stack_files, eh_frame_hdr_count_huge)
{
	check_eh_patch(P_EHHDR_COUNT_HUGE, "ehhdr_count", "larger than its segment");
}

/* ---- code in mappings of unsound files (mapped_code) ---- */

/* why2: an alternative reason, or NULL */
static void check_mapped(const char *mode, const char *why, const char *why2)
{
	struct pt_t_run r;
	const char *file = pt_t_scratch(mode);
	pt_t_run(&r, ARGS("-k"), "mapped_code", ARGS(mode, file));
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 7, "the tool should exit with the tracee's 7, got %d", r.code);
	json_object *ex = pt_t_exit_of(&r, pt_t_root(&r));
	pt_t_assert(&r, ex && pt_t_status_exited(ex, NULL) == 7, "exit event with status 7 expected");
	json_object *st = stack_of(ex);
	pt_t_assert(&r, nframes(st) == 1, "one frame, in the mapped file: %s", pt_t_json(ex));
	const char *m = frame_str(st, 0, "module");
	pt_t_assert(&r, m && !strncmp(m, file, strlen(file)) && frame_str(st, 0, "module_off") &&
			!frame_str(st, 0, "func"), "frame 0 in %s, without a name: %s", file, pt_t_json(ex));
	const char *err = pt_t_str(ex, "unwind_error");
	pt_t_assert(&r, err && strstr(err, "no unwind info") && (strstr(err, why) || (why2 && strstr(err, why2))),
		    "unwind_error about %s expected: %s", why, pt_t_json(ex));
	pt_t_free(&r);
}

Test(stack_files, code_in_non_elf_file) { check_mapped("blob", "not an ELF file", NULL); }
/* the mapping runs past the end of the file: nothing reads there */
Test(stack_files, code_in_truncated_file) { check_mapped("truncated", "PT_GNU_EH_FRAME outside the file", NULL); }
/* The path now names a sound ELF file, but not the one mapped: only the
 * mapped inode is used, through /proc/PID/map_files where we may open it
 * (CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN), else not at all. */
Test(stack_files, code_in_replaced_file)
{
	check_mapped("replaced", "not an ELF file", "not found as mapped");
}
