/* The ELF reader against readelf, at real exec stops, on a corpus of broken
 * files made from /bin/sleep, and the cache. */
#include <criterion/criterion.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt/arena.h"
#include "pt/elfinfo.h"
#include "pt/procfs.h"

static struct pt_arena arena;
static char tmpdir[64];

static void setup(void)
{
	pt_arena_init(&arena);
	strcpy(tmpdir, "/tmp/pt-elfinfo-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	pt_arena_free(&arena);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

TestSuite(elfinfo, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ---- */

static unsigned char *load(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0, "open %s", path);
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	unsigned char *p = malloc((size_t)st.st_size);
	cr_assert_not_null(p);
	cr_assert_eq(pread(fd, p, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return p;
}

static void store(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	cr_assert_geq(fd, 0, "create %s", path);
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static void tmp_path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", tmpdir, name);
}

static int ptype_from_readelf(const char *s)
{
	if (!strncmp(s, "DYN", 3))
		return ET_DYN;
	if (!strncmp(s, "EXEC", 4))
		return ET_EXEC;
	if (!strncmp(s, "REL", 3))
		return ET_REL;
	return -1;
}

/* Compares info with what `readelf -hlW` and `readelf -SW` say of path. */
static void compare_with_readelf(const char *path, const struct pt_elf_info *e)
{
	char cmd[PATH_MAX + 64], line[1024];
	size_t nload = 0;
	bool interp_seen = false;
	cr_assert_null(e->error, "%s: %s", path, e->error);
	snprintf(cmd, sizeof(cmd), "LC_ALL=C readelf -hlW '%s'", path);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *v, type[32];
		uint64_t off, va, pa, fs, ms;
		int n;
		if ((v = strstr(line, "Class:"))) {
			cr_assert_eq(e->elf_class, strstr(v, "ELF64") ? 64 : 32);
		} else if ((v = strstr(line, "Type:"))) {
			v += 5;
			v += strspn(v, " ");
			cr_assert_eq(e->type, ptype_from_readelf(v), "type %s", v);
		} else if ((v = strstr(line, "Machine:"))) {
			cr_assert_eq(e->machine, strstr(v, "X86-64") ? EM_X86_64 : -1);
		} else if ((v = strstr(line, "Entry point address:"))) {
			cr_assert_eq(e->entry, strtoull(v + 20, NULL, 16));
		} else if ((v = strstr(line, "[Requesting program interpreter: "))) {
			v += strlen("[Requesting program interpreter: ");
			v[strcspn(v, "]")] = 0;
			cr_assert_not_null(e->interp);
			cr_assert_str_eq(e->interp, v);
			interp_seen = true;
		} else if (sscanf(line, " %31s %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64
					" %" SCNx64 " %n",
				  type, &off, &va, &pa, &fs, &ms, &n) == 6 &&
			   !strcmp(type, "LOAD")) {
			char *rest = line + n, *sp;
			rest[strcspn(rest, "\n")] = 0;
			sp = strrchr(rest, ' ');
			cr_assert_not_null(sp);
			uint64_t align = strtoull(sp + 1, NULL, 16);
			*sp = 0;
			uint32_t flags = (strchr(rest, 'R') ? PF_R : 0) | (strchr(rest, 'W') ? PF_W : 0) |
					 (strchr(rest, 'E') ? PF_X : 0);
			cr_assert_lt(nload, e->nsegs, "more LOADs in readelf than in info");
			const struct pt_elf_seg *s = &e->segs[nload++];
			cr_assert_eq(s->offset, off);
			cr_assert_eq(s->vaddr, va);
			cr_assert_eq(s->filesz, fs);
			cr_assert_eq(s->memsz, ms);
			cr_assert_eq(s->align, align);
			cr_assert_eq(s->flags, flags, "flags %x vs %x (%s)", s->flags, flags, rest);
			cr_assert_eq(s->map_index, -1);
		}
	}
	cr_assert_eq(pclose(f), 0);
	cr_assert_eq(nload, e->nsegs);
	cr_assert_gt(nload, 0);
	if (!interp_seen)
		cr_assert_null(e->interp);

	snprintf(cmd, sizeof(cmd), "LC_ALL=C readelf -SW '%s'", path);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t nsec = 0;
	while (fgets(line, sizeof(line), f)) {
		char *b = strchr(line, ']'), name[64], type[32];
		uint64_t addr, off, size;
		if (!strchr(line, '[') || !b ||
		    sscanf(b + 1, " %63s %31s %" SCNx64 " %" SCNx64 " %" SCNx64, name, type, &addr,
			   &off, &size) != 5)
			continue;
		if (strcmp(name, ".text") && strcmp(name, ".rodata") && strcmp(name, ".data") &&
		    strcmp(name, ".bss"))
			continue;
		bool found = false;
		for (size_t i = 0; i < e->nsecs; i++) {
			if (strcmp(e->secs[i].name, name))
				continue;
			found = true;
			cr_assert_eq(e->secs[i].addr, addr, "%s addr", name);
			cr_assert_eq(e->secs[i].offset, off, "%s offset", name);
			cr_assert_eq(e->secs[i].size, size, "%s size", name);
		}
		cr_assert(found, "section %s missing", name);
		nsec++;
	}
	cr_assert_eq(pclose(f), 0);
	cr_assert_eq(nsec, e->nsecs);
}

static bool have_readelf(void)
{
	return system("readelf --version >/dev/null 2>&1") == 0;
}

/* Runs path under PTRACE_TRACEME and returns it stopped right after execve. */
static pid_t spawn_at_exec(const char *path)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execl(path, path, "5", (char *)NULL);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP, "status %#x", st);
	return pid;
}

static void reap(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* At the exec stop of path: place the image and check every PT_LOAD landed
 * on a mapping of the file with the right protection. */
static void check_placement_at_exec(const char *path, bool expect_interp, bool unlink_it)
{
	pid_t pid = spawn_at_exec(path);
	if (unlink_it)
		cr_assert_eq(unlink(path), 0);
	struct pt_auxv av;
	struct pt_maps maps;
	struct pt_elf_info e;
	struct pt_exec_layout lay;
	const char *exe;
	char procexe[64];
	cr_assert_eq(pt_procfs_read_auxv(pid, &av), 0);
	cr_assert_eq(pt_procfs_read_maps(pid, &arena, &maps), 0);
	cr_assert_eq(pt_procfs_readlink(pid, "exe", &arena, &exe), 0);
	if (unlink_it)
		cr_assert(strstr(exe, " (deleted)"), "%s", exe);
	snprintf(procexe, sizeof(procexe), "/proc/%d/exe", (int)pid);
	cr_assert_eq(pt_elf_read_path(procexe, &arena, &e), 0);
	cr_assert_null(e.error);
	cr_assert_eq(e.interp != NULL, expect_interp);
	pt_elf_place(&e, &av, &maps, exe, &lay);
	cr_assert(lay.valid);
	cr_assert_eq(lay.at_entry, av.entry);
	cr_assert_eq(lay.at_phdr, av.phdr);
	cr_assert_eq(lay.at_base, av.base);
	if (e.type == ET_EXEC)
		cr_assert_eq(lay.load_bias, 0);
	else
		cr_assert_eq(lay.load_bias % 4096, 0);
	cr_assert_eq(lay.load_bias + e.entry, av.entry);
	if (expect_interp)
		cr_assert_neq(lay.at_base, 0);
	else
		cr_assert_eq(lay.at_base, 0);
	for (size_t i = 0; i < e.nsegs; i++) {
		const struct pt_elf_seg *s = &e.segs[i];
		cr_assert_geq(s->map_index, 0, "%s: PT_LOAD %zu not found", path, i);
		cr_assert_lt((size_t)s->map_index, maps.n);
		const struct pt_map *m = &maps.v[s->map_index];
		uint64_t va = lay.load_bias + s->vaddr;
		cr_assert(va >= m->start && va < m->end);
		cr_assert_str_eq(m->path, exe);
		uint32_t want = (s->flags & PF_R ? PT_PROT_R : 0) | (s->flags & PF_W ? PT_PROT_W : 0) |
				(s->flags & PF_X ? PT_PROT_X : 0);
		cr_assert_eq(m->prot, want, "%s: PT_LOAD %zu prot %u vs %u", path, i, m->prot, want);
	}
	/* Wrong path: nothing placed, layout still valid. */
	pt_elf_place(&e, &av, &maps, "/not/the/exe", &lay);
	cr_assert(lay.valid);
	for (size_t i = 0; i < e.nsegs; i++)
		cr_assert_eq(e.segs[i].map_index, -1);
	reap(pid);
}

/* ---- real files ---- */

Test(elfinfo, bin_sleep_matches_readelf)
{
	if (!have_readelf())
		cr_skip("no readelf");
	struct pt_elf_info e;
	cr_assert_eq(pt_elf_read_path("/bin/sleep", &arena, &e), 0);
	compare_with_readelf("/bin/sleep", &e);
	cr_assert_eq(e.elf_class, 64);
	cr_assert_eq(e.machine, EM_X86_64);

	/* the same from memory */
	size_t len;
	unsigned char *buf = load("/bin/sleep", &len);
	struct pt_elf_info m;
	cr_assert_eq(pt_elf_read_mem(buf, len, &arena, &m), 0);
	compare_with_readelf("/bin/sleep", &m);
	free(buf);

	/* and from an fd */
	int fd = open("/bin/sleep", O_RDONLY);
	cr_assert_eq(pt_elf_read_fd(fd, &arena, &m), 0);
	close(fd);
	compare_with_readelf("/bin/sleep", &m);
}

Test(elfinfo, self_exe)
{
	struct pt_elf_info e;
	const char *exe;
	cr_assert_eq(pt_elf_read_path("/proc/self/exe", &arena, &e), 0);
	cr_assert_null(e.error);
	cr_assert_eq(pt_procfs_readlink(getpid(), "exe", &arena, &exe), 0);
	if (have_readelf())
		compare_with_readelf(exe, &e);

	struct pt_auxv av;
	struct pt_maps maps;
	struct pt_exec_layout lay;
	cr_assert_eq(pt_procfs_read_auxv(getpid(), &av), 0);
	cr_assert_eq(pt_procfs_read_maps(getpid(), &arena, &maps), 0);
	pt_elf_place(&e, &av, &maps, exe, &lay);
	cr_assert(lay.valid);
	cr_assert_eq(lay.at_entry, getauxval(AT_ENTRY));
	cr_assert_eq(lay.load_bias + e.entry, getauxval(AT_ENTRY));
	/* After relocation the RW segment may be split (RELRO): still found. */
	for (size_t i = 0; i < e.nsegs; i++)
		cr_assert_geq(e.segs[i].map_index, 0, "PT_LOAD %zu", i);
}

Test(elfinfo, exec_stop_dynamic)
{
	check_placement_at_exec("/bin/sleep", true, false);
}

Test(elfinfo, exec_stop_deleted_exe)
{
	/* The image was deleted after exec: /proc/PID/exe and maps both say
	 * "(deleted)", and the file is still read through the magic link. */
	size_t len;
	unsigned char *b = load("/bin/sleep", &len);
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "my sleep");
	store(path, b, len);
	free(b);
	check_placement_at_exec(path, true, true);
}

static bool build_static(char *out, size_t size)
{
	char src[PATH_MAX], cmd[PATH_MAX * 3];
	tmp_path(src, sizeof(src), "static.c");
	tmp_path(out, size, "static");
	FILE *f = fopen(src, "w");
	cr_assert_not_null(f);
	fputs("#include <unistd.h>\nint main(void){ sleep(5); return 0; }\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cc -static -no-pie -O1 -o '%s' '%s' >/dev/null 2>&1", out, src);
	return system(cmd) == 0;
}

Test(elfinfo, static_binary)
{
	char bin[PATH_MAX];
	if (!build_static(bin, sizeof(bin)))
		cr_skip("cannot build a static binary (cc -static)");
	struct pt_elf_info e;
	cr_assert_eq(pt_elf_read_path(bin, &arena, &e), 0);
	cr_assert_null(e.error);
	cr_assert_eq(e.type, ET_EXEC);
	cr_assert_null(e.interp);
	if (have_readelf())
		compare_with_readelf(bin, &e);
	check_placement_at_exec(bin, false, false);
}

/* ---- error paths ---- */

Test(elfinfo, not_elf)
{
	struct pt_elf_info e;
	char p[PATH_MAX];
	cr_assert_eq(pt_elf_read_path("/nonexistent/x", &arena, &e), -ENOENT);
	cr_assert_not_null(e.error);
	cr_assert_eq(pt_elf_read_path("/", &arena, &e), 0);
	cr_assert_str_eq(e.error, "not a regular file");
	tmp_path(p, sizeof(p), "empty");
	store(p, "", 0);
	cr_assert_eq(pt_elf_read_path(p, &arena, &e), 0);
	cr_assert_str_eq(e.error, "empty file");
	tmp_path(p, sizeof(p), "script");
	store(p, "#!/bin/sh\necho hi\n", 18);
	cr_assert_eq(pt_elf_read_path(p, &arena, &e), 0);
	cr_assert_str_eq(e.error, "not an ELF file");
	cr_assert_eq(pt_elf_read_mem("\x7f" "EL", 3, &arena, &e), 0);
	cr_assert_str_eq(e.error, "not an ELF file");
	cr_assert_eq(pt_elf_read_mem("\x7f" "ELF\2\1", 6, &arena, &e), 0);
	cr_assert_str_eq(e.error, "truncated ELF header");
	cr_assert_eq(pt_elf_read_mem(NULL, 0, &arena, &e), 0);
	cr_assert_not_null(e.error);
}

/* ---- the corrupted corpus ---- */

static void check_sane(int r, const struct pt_elf_info *e, const char *what)
{
	cr_assert_eq(r, 0, "%s: %d", what, r);
	if (e->error) {
		cr_assert_gt(strlen(e->error), 0);
		cr_assert_eq(e->nsegs, 0);
		cr_assert_eq(e->nsecs, 0);
		cr_assert_null(e->interp);
		return;
	}
	cr_assert(e->elf_class == 32 || e->elf_class == 64, "%s", what);
	cr_assert_leq(e->nsegs, PT_ELF_MAX_LOADS);
	cr_assert_leq(e->nsecs, 4);
	if (e->interp)
		cr_assert_lt(strlen(e->interp), PT_ELF_MAX_INTERP + 1);
	for (size_t i = 0; i < e->nsegs; i++)
		cr_assert_eq(e->segs[i].map_index, -1);
}

static void mutate_and_check(const unsigned char *orig, size_t len, size_t off, const void *val,
			     size_t vlen, const char *what, const char *want_error)
{
	unsigned char *p = malloc(len);
	memcpy(p, orig, len);
	if (off + vlen <= len)
		memcpy(p + off, val, vlen);
	struct pt_elf_info e;
	int r = pt_elf_read_mem(p, len, &arena, &e);
	check_sane(r, &e, what);
	if (want_error) {
		cr_assert_not_null(e.error, "%s: no error", what);
		cr_assert_str_eq(e.error, want_error, "%s", what);
	}
	/* and through a file (the production path: fd + ELF_C_READ) */
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "mutant");
	store(path, p, len);
	struct pt_elf_info f;
	r = pt_elf_read_path(path, &arena, &f);
	check_sane(r, &f, what);
	cr_assert_eq(!!e.error, !!f.error, "%s: mem %s, file %s", what, e.error, f.error);
	if (e.error)
		cr_assert_str_eq(e.error, f.error);
	else
		cr_assert_eq(e.nsegs, f.nsegs);
	free(p);
	pt_arena_reset(&arena);
}

static const Elf64_Phdr *find_phdr(const unsigned char *buf, uint32_t type, size_t *off)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		*off = eh->e_phoff + i * sizeof(Elf64_Phdr);
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(buf + *off);
		if (ph->p_type == type)
			return ph;
	}
	return NULL;
}

Test(elfinfo, corrupted_headers)
{
	size_t len;
	unsigned char *b = load("/bin/sleep", &len);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;
	uint64_t huge64 = 0xfffffffffffff000ull, past = len - 8;
	uint16_t ffff = 0xffff, zero16 = 0, big16 = 1000, one16 = 1;
	unsigned char c;

#define H(field) offsetof(Elf64_Ehdr, field)
	mutate_and_check(b, len, H(e_phoff), &huge64, 8, "e_phoff huge", "truncated program header");
	mutate_and_check(b, len, H(e_phoff), &past, 8, "e_phoff near end", "truncated program header");
	mutate_and_check(b, len, H(e_phnum), &ffff, 2, "e_phnum 0xffff (PN_XNUM)", NULL);
	mutate_and_check(b, len, H(e_phnum), &big16, 2, "e_phnum 1000", "truncated program header");
	mutate_and_check(b, len, H(e_phentsize), &zero16, 2, "e_phentsize 0",
			 "bad program header entry size");
	mutate_and_check(b, len, H(e_phentsize), &big16, 2, "e_phentsize 1000",
			 "bad program header entry size");
	mutate_and_check(b, len, H(e_shoff), &huge64, 8, "e_shoff huge", NULL);
	mutate_and_check(b, len, H(e_shoff), &past, 8, "e_shoff near end", NULL);
	mutate_and_check(b, len, H(e_shnum), &ffff, 2, "e_shnum 0xffff", NULL);
	mutate_and_check(b, len, H(e_shnum), &zero16, 2, "e_shnum 0", NULL);
	mutate_and_check(b, len, H(e_shentsize), &one16, 2, "e_shentsize 1", NULL);
	mutate_and_check(b, len, H(e_shstrndx), &ffff, 2, "e_shstrndx SHN_XINDEX", NULL);
	mutate_and_check(b, len, H(e_shstrndx), &big16, 2, "e_shstrndx 1000", NULL);
	mutate_and_check(b, len, H(e_shstrndx), &one16, 2, "e_shstrndx not a strtab", NULL);
	c = ELFCLASS32;
	mutate_and_check(b, len, EI_CLASS, &c, 1, "class 32", NULL);
	c = 7;
	mutate_and_check(b, len, EI_CLASS, &c, 1, "class 7", "bad ELF class");
	c = ELFDATA2MSB;
	mutate_and_check(b, len, EI_DATA, &c, 1, "big endian", NULL);
	c = 0;
	mutate_and_check(b, len, EI_DATA, &c, 1, "no byte order", "bad ELF byte order");
	c = 'X';
	mutate_and_check(b, len, 1, &c, 1, "bad magic", "not an ELF file");
#undef H

	/* A foreign machine is a valid ELF. */
	unsigned char *p = malloc(len);
	memcpy(p, b, len);
	uint16_t arm = EM_AARCH64;
	memcpy(p + offsetof(Elf64_Ehdr, e_machine), &arm, 2);
	struct pt_elf_info e;
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	cr_assert_null(e.error);
	cr_assert_eq(e.machine, EM_AARCH64);
	cr_assert_eq(e.nsegs, 4);

	/* PN_XNUM done right: the real count in section 0's sh_info. */
	memcpy(p, b, len);
	uint16_t xnum = PN_XNUM;
	memcpy(p + offsetof(Elf64_Ehdr, e_phnum), &xnum, 2);
	Elf64_Shdr *s0 = (Elf64_Shdr *)(p + eh->e_shoff);
	s0->sh_info = eh->e_phnum;
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	cr_assert_null(e.error, "%s", e.error);
	cr_assert_eq(e.nsegs, 4);
	s0->sh_info = 70000;
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	cr_assert_not_null(e.error);
	s0->sh_info = 0xffffffffu;
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	cr_assert_not_null(e.error);

	/* Extended section count: e_shnum 0, the count in section 0's sh_size. */
	memcpy(p, b, len);
	memcpy(p + offsetof(Elf64_Ehdr, e_shnum), &zero16, 2);
	s0->sh_size = 0xffffffffffffull;
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	check_sane(0, &e, "sh_size huge");
	free(p);
	free(b);
}

Test(elfinfo, corrupted_interp)
{
	size_t len, off;
	unsigned char *b = load("/bin/sleep", &len);
	const Elf64_Phdr *ph = find_phdr(b, PT_INTERP, &off);
	cr_assert_not_null(ph);
	uint64_t huge = 0xffffffffffffff00ull, end = len, over = len - ph->p_offset + 1, zero = 0,
		 big = 100000;
	mutate_and_check(b, len, off + offsetof(Elf64_Phdr, p_offset), &huge, 8, "interp offset huge",
			 "PT_INTERP outside the file");
	mutate_and_check(b, len, off + offsetof(Elf64_Phdr, p_offset), &end, 8, "interp at EOF",
			 NULL);
	mutate_and_check(b, len, off + offsetof(Elf64_Phdr, p_filesz), &over, 8, "interp past EOF",
			 "PT_INTERP outside the file");
	mutate_and_check(b, len, off + offsetof(Elf64_Phdr, p_filesz), &huge, 8, "interp size huge",
			 "PT_INTERP outside the file");

	unsigned char *p = malloc(len);
	struct pt_elf_info e;
	memcpy(p, b, len);
	memcpy(p + off + offsetof(Elf64_Phdr, p_filesz), &zero, 8);
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	cr_assert_null(e.error);
	cr_assert_str_eq(e.interp, "");
	/* not NUL-terminated and long: bounded by the cap */
	memcpy(p, b, len);
	uint64_t zoff = 0;
	memcpy(p + off + offsetof(Elf64_Phdr, p_offset), &zoff, 8);
	memcpy(p + off + offsetof(Elf64_Phdr, p_filesz), &big, 8);
	memset(p + 4096, 'A', 8192);
	memcpy(p, b, 4); /* keep the magic */
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	check_sane(0, &e, "interp 100000 bytes");
	free(p);
	free(b);
}

Test(elfinfo, truncated_everywhere)
{
	size_t len;
	unsigned char *b = load("/bin/sleep", &len);
	struct pt_elf_info e;
	char what[64];
	for (size_t l = 0; l <= len; l += l < 4096 ? 1 : 61) {
		snprintf(what, sizeof(what), "truncated to %zu", l);
		cr_assert_eq(pt_elf_read_mem(b, l, &arena, &e), 0, "%s", what);
		check_sane(0, &e, what);
		if (l < sizeof(Elf64_Ehdr))
			cr_assert_not_null(e.error, "%s", what);
		pt_arena_reset(&arena);
	}
	/* through files: the fd path */
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "cut");
	for (size_t l = 0; l <= len; l += 509) {
		store(path, b, l);
		snprintf(what, sizeof(what), "file truncated to %zu", l);
		cr_assert_eq(pt_elf_read_path(path, &arena, &e), 0, "%s", what);
		check_sane(0, &e, what);
		pt_arena_reset(&arena);
	}
	free(b);
}

Test(elfinfo, random_flips)
{
	size_t len;
	unsigned char *b = load("/bin/sleep", &len);
	unsigned char *p = malloc(len);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;
	unsigned seed = 42;
	struct pt_elf_info e;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "flip");
	for (int iter = 0; iter < 4000; iter++) {
		memcpy(p, b, len);
		int flips = 1 + rand_r(&seed) % 8;
		for (int f = 0; f < flips; f++) {
			size_t at;
			switch (rand_r(&seed) % 3) {
			case 0: /* ELF header and program headers */
				at = (size_t)rand_r(&seed) % 0x318;
				break;
			case 1: /* section headers */
				at = eh->e_shoff + (size_t)rand_r(&seed) % (len - eh->e_shoff);
				break;
			default:
				at = (size_t)rand_r(&seed) % len;
				break;
			}
			p[at] = (unsigned char)rand_r(&seed);
		}
		if (iter % 3 == 0)
			memcpy(p, ELFMAG, SELFMAG); /* get past the magic more often */
		int r = pt_elf_read_mem(p, len, &arena, &e);
		check_sane(r, &e, "random flips");
		if (iter % 20 == 0) {
			store(path, p, len);
			r = pt_elf_read_path(path, &arena, &e);
			check_sane(r, &e, "random flips (file)");
		}
		pt_arena_reset(&arena);
	}
	free(p);
	free(b);
}

Test(elfinfo, load_cap)
{
	/* A minimal ELF64 with 100 PT_LOADs: only PT_ELF_MAX_LOADS kept. */
	enum { N = 100 };
	size_t len = sizeof(Elf64_Ehdr) + N * sizeof(Elf64_Phdr);
	unsigned char *p = calloc(1, len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)p;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x401000;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = N;
	Elf64_Phdr *ph = (Elf64_Phdr *)(p + sizeof(Elf64_Ehdr));
	for (int i = 0; i < N; i++) {
		ph[i].p_type = PT_LOAD;
		ph[i].p_vaddr = 0x400000 + (uint64_t)i * 0x1000;
		ph[i].p_flags = PF_R;
		ph[i].p_align = 0x1000;
	}
	struct pt_elf_info e;
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	cr_assert_null(e.error, "%s", e.error);
	cr_assert_eq(e.nsegs, PT_ELF_MAX_LOADS);
	cr_assert_eq(e.segs[63].vaddr, 0x400000 + 63 * 0x1000);
	cr_assert_eq(e.nsecs, 0);
	cr_assert_null(e.interp);
	cr_assert_eq(e.entry, 0x401000);
	free(p);
}

Test(elfinfo, elf32_minimal)
{
	/* ELF32 i386: header, PT_INTERP, two PT_LOADs, the interpreter name. */
	static const char interp[] = "/lib/ld-linux.so.2";
	size_t phoff = sizeof(Elf32_Ehdr), ioff = phoff + 3 * sizeof(Elf32_Phdr);
	size_t len = ioff + sizeof(interp);
	unsigned char *p = calloc(1, len);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)p;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_DYN;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x1090;
	eh->e_phoff = (Elf32_Off)phoff;
	eh->e_ehsize = sizeof(Elf32_Ehdr);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = 3;
	Elf32_Phdr *ph = (Elf32_Phdr *)(p + phoff);
	ph[0] = (Elf32_Phdr){ .p_type = PT_INTERP, .p_offset = (Elf32_Off)ioff,
			      .p_vaddr = (Elf32_Addr)ioff, .p_filesz = sizeof(interp),
			      .p_memsz = sizeof(interp), .p_flags = PF_R, .p_align = 1 };
	ph[1] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_filesz = (Elf32_Word)len,
			      .p_memsz = (Elf32_Word)len, .p_flags = PF_R | PF_X, .p_align = 0x1000 };
	ph[2] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = 0, .p_vaddr = 0x2000,
			      .p_filesz = 0, .p_memsz = 0x100, .p_flags = PF_R | PF_W,
			      .p_align = 0x1000 };
	memcpy(p + ioff, interp, sizeof(interp));
	struct pt_elf_info e;
	cr_assert_eq(pt_elf_read_mem(p, len, &arena, &e), 0);
	cr_assert_null(e.error, "%s", e.error);
	cr_assert_eq(e.elf_class, 32);
	cr_assert_eq(e.machine, EM_386);
	cr_assert_eq(e.type, ET_DYN);
	cr_assert_eq(e.entry, 0x1090);
	cr_assert_str_eq(e.interp, interp);
	cr_assert_eq(e.nsegs, 2);
	cr_assert_eq(e.segs[0].flags, PF_R | PF_X);
	cr_assert_eq(e.segs[0].filesz, len);
	cr_assert_eq(e.segs[1].vaddr, 0x2000);
	cr_assert_eq(e.segs[1].memsz, 0x100);
	/* the interpreter name cut by the end of the file */
	cr_assert_eq(pt_elf_read_mem(p, len - 4, &arena, &e), 0);
	cr_assert_str_eq(e.error, "PT_INTERP outside the file");
	free(p);
}

/* ---- placement ---- */

Test(elfinfo, place_synthetic)
{
	struct pt_elf_seg segs[3] = {
		{ .offset = 0, .vaddr = 0, .filesz = 0x1000, .memsz = 0x1000, .flags = PF_R },
		{ .offset = 0x1000, .vaddr = 0x1000, .filesz = 0x2000, .memsz = 0x2000, .flags = PF_R | PF_X },
		{ .offset = 0x3d10, .vaddr = 0x4d10, .filesz = 0x100, .memsz = 0x900, .flags = PF_R | PF_W },
	};
	struct pt_elf_info e = { .elf_class = 64, .type = ET_DYN, .entry = 0x1100, .segs = segs,
				 .nsegs = 3 };
	const uint64_t bias = 0x555555554000ull;
	struct pt_map m[] = {
		{ .start = bias, .end = bias + 0x1000, .offset = 0, .path = "/x" },
		{ .start = bias + 0x1000, .end = bias + 0x3000, .offset = 0x1000, .path = "/x" },
		/* the RW segment's line, offset 0x3000 (= 0x3d10 page-aligned) */
		{ .start = bias + 0x4000, .end = bias + 0x5000, .offset = 0x3000, .path = "/x" },
		{ .start = bias + 0x5000, .end = bias + 0x6000, .offset = 0, .path = "" },
	};
	struct pt_maps maps = { .v = m, .n = 4 };
	struct pt_auxv av = { .entry = bias + 0x1100, .have_entry = true, .phdr = bias + 0x40,
			      .have_phdr = true, .base = 0x7f0000000000ull, .have_base = true,
			      .pagesz = 4096, .have_pagesz = true };
	struct pt_exec_layout lay;
	pt_elf_place(&e, &av, &maps, "/x", &lay);
	cr_assert(lay.valid);
	cr_assert_eq(lay.load_bias, bias);
	cr_assert_eq(lay.at_phdr, bias + 0x40);
	cr_assert_eq(lay.at_base, 0x7f0000000000ull);
	cr_assert_eq(segs[0].map_index, 0);
	cr_assert_eq(segs[1].map_index, 1);
	cr_assert_eq(segs[2].map_index, 2);

	/* merged lines: the file offset at va, not at the line's start */
	struct pt_map merged[] = {
		{ .start = bias, .end = bias + 0x3000, .offset = 0, .path = "/x" },
	};
	maps = (struct pt_maps){ .v = merged, .n = 1 };
	pt_elf_place(&e, &av, &maps, "/x", &lay);
	cr_assert_eq(segs[0].map_index, 0);
	cr_assert_eq(segs[1].map_index, 0);
	cr_assert_eq(segs[2].map_index, -1);

	/* offset mismatch */
	merged[0].offset = 0x1000;
	pt_elf_place(&e, &av, &maps, "/x", &lay);
	cr_assert_eq(segs[0].map_index, -1);
	cr_assert_eq(segs[1].map_index, -1);

	/* ET_EXEC: bias 0 whatever AT_ENTRY says */
	e.type = ET_EXEC;
	pt_elf_place(&e, &av, NULL, NULL, &lay);
	cr_assert(lay.valid);
	cr_assert_eq(lay.load_bias, 0);

	/* no AT_ENTRY, or an ELF error: not valid, nothing placed */
	av.have_entry = false;
	pt_elf_place(&e, &av, &maps, "/x", &lay);
	cr_assert_not(lay.valid);
	pt_elf_place(&e, NULL, NULL, NULL, &lay);
	cr_assert_not(lay.valid);
	struct pt_elf_info bad = { .error = "not an ELF file" };
	av.have_entry = true;
	pt_elf_place(&bad, &av, &maps, "/x", &lay);
	cr_assert_not(lay.valid);
	cr_assert_eq(lay.at_entry, av.entry);
}

/* ---- cache ---- */

/* Waits (bounded) until the coarse clock has passed the file's ctime: only
 * then does the cache keep what it parsed (ctime_settled in elfinfo.c). */
static void settle(const char *path)
{
	struct stat st;
	struct timespec now, ms = { 0, 1000000 };
	cr_assert_eq(stat(path, &st), 0);
	for (int i = 0; i < 5000; i++) {
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
		if (now.tv_sec > st.st_ctim.tv_sec ||
		    (now.tv_sec == st.st_ctim.tv_sec && now.tv_nsec > st.st_ctim.tv_nsec))
			return;
		nanosleep(&ms, NULL);
	}
	cr_assert_fail("the coarse clock never passed the ctime of %s", path);
}

Test(elfinfo, cache)
{
	struct pt_elf_cache *c = pt_elf_cache_new(2);
	struct pt_elf_cache_stats st;
	struct pt_elf_info e1, e2;
	char a[PATH_MAX], b[PATH_MAX], d[PATH_MAX], txt[PATH_MAX];
	size_t len;
	unsigned char *bytes = load("/bin/sleep", &len);
	cr_assert_not_null(c);
	tmp_path(a, sizeof(a), "a");
	tmp_path(b, sizeof(b), "b");
	tmp_path(d, sizeof(d), "d");
	tmp_path(txt, sizeof(txt), "txt");
	store(a, bytes, len);
	store(b, bytes, len);
	store(d, bytes, len);
	store(txt, "hello\n", 6);
	settle(a);
	settle(b);
	settle(d);
	settle(txt);

	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e1), 0);
	cr_assert_null(e1.error);
	((struct pt_elf_seg *)e1.segs)[0].map_index = 7; /* the caller's copy */
	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e2), 0);
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 1);
	cr_assert_eq(st.hits, 1);
	cr_assert_eq(st.entries, 1);
	cr_assert_eq(st.capacity, 2);
	cr_assert_neq(e1.segs, e2.segs);
	cr_assert_eq(e2.segs[0].map_index, -1);
	cr_assert_eq(e2.nsegs, e1.nsegs);
	cr_assert_str_eq(e2.interp, e1.interp);
	cr_assert_neq(e2.interp, e1.interp);
	cr_assert_eq(e2.nsecs, e1.nsecs);
	cr_assert_eq(e2.entry, e1.entry);

	/* new contents, same size, new mtime: parsed again, new entry seen */
	uint64_t entry = 0x1234;
	memcpy(bytes + offsetof(Elf64_Ehdr, e_entry), &entry, 8);
	store(a, bytes, len);
	struct timespec ts[2] = { { .tv_sec = 1000000000, .tv_nsec = 0 },
				  { .tv_sec = 1000000000, .tv_nsec = 0 } };
	cr_assert_eq(utimensat(AT_FDCWD, a, ts, 0), 0);
	settle(a);
	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e1), 0);
	cr_assert_eq(e1.entry, 0x1234);
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 2);
	/* only the mtime changes: parsed again */
	ts[1].tv_nsec = 5;
	cr_assert_eq(utimensat(AT_FDCWD, a, ts, 0), 0);
	settle(a);
	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e1), 0);
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 3);
	cr_assert_eq(st.entries, 2); /* the stale key of a stays until evicted */

	/* capacity 2: b then d evict the least recently used */
	cr_assert_eq(pt_elf_cache_get(c, b, &arena, &e1), 0);
	cr_assert_eq(pt_elf_cache_get(c, d, &arena, &e1), 0);
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 5);
	cr_assert_eq(st.evictions, 3); /* the three versions of a */
	cr_assert_eq(st.entries, 2);
	cr_assert_eq(pt_elf_cache_get(c, d, &arena, &e1), 0);
	cr_assert_eq(pt_elf_cache_get(c, b, &arena, &e1), 0);
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 5);

	/* errors: a non-ELF result is cached too; a missing file is not */
	cr_assert_eq(pt_elf_cache_get(c, txt, &arena, &e1), 0);
	cr_assert_str_eq(e1.error, "not an ELF file");
	cr_assert_eq(pt_elf_cache_get(c, txt, &arena, &e1), 0);
	cr_assert_str_eq(e1.error, "not an ELF file");
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 6);
	cr_assert_eq(pt_elf_cache_get(c, "/nonexistent", &arena, &e1), -ENOENT);
	cr_assert_not_null(e1.error);
	pt_elf_cache_destroy(c);
	free(bytes);
}

/* Rewritten in place (same inode, same size) and the mtime set back: only
 * the ctime tells, and it must. */
Test(elfinfo, cache_same_size_rewrite_with_mtime_restored)
{
	struct pt_elf_cache *c = pt_elf_cache_new(4);
	struct pt_elf_cache_stats st, st2;
	struct pt_elf_info e1;
	struct stat st0, st1;
	char a[PATH_MAX];
	size_t len;
	unsigned char *bytes = load("/bin/sleep", &len);
	cr_assert_not_null(c);
	tmp_path(a, sizeof(a), "rewritten");
	store(a, bytes, len);
	settle(a);
	cr_assert_eq(stat(a, &st0), 0);
	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e1), 0);
	cr_assert_null(e1.error);
	uint64_t old_entry = e1.entry, entry = old_entry + 0x8600;
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.entries, 1, "a settled file is kept");

	int fd = open(a, O_WRONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pwrite(fd, &entry, 8, offsetof(Elf64_Ehdr, e_entry)), 8);
	close(fd);
	struct timespec ts[2] = { st0.st_atim, st0.st_mtim };
	cr_assert_eq(utimensat(AT_FDCWD, a, ts, 0), 0);
	cr_assert_eq(stat(a, &st1), 0);
	cr_assert(st1.st_ino == st0.st_ino && st1.st_size == st0.st_size &&
		  st1.st_mtim.tv_sec == st0.st_mtim.tv_sec && st1.st_mtim.tv_nsec == st0.st_mtim.tv_nsec,
		  "same inode, size and mtime");
	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e1), 0);
	cr_assert_eq(e1.entry, entry, "entry 0x%" PRIx64 ": the old contents' (0x%" PRIx64 ") came from the cache",
		     e1.entry, old_entry);
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 2);

	/* Fresh from that write, its ctime may be as new as the coarse clock:
	 * the next change could carry the same one, so it is not kept yet. */
	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e1), 0);
	pt_elf_cache_stats(c, &st2);
	cr_assert(st2.hits == st.hits + 1 || st2.parses == 3, "a hit (settled) or a parse");
	settle(a);
	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e1), 0);
	cr_assert_eq(pt_elf_cache_get(c, a, &arena, &e1), 0);
	pt_elf_cache_stats(c, &st);
	cr_assert_geq(st.hits, 1, "settled: kept again");
	cr_assert_eq(e1.entry, entry);
	pt_elf_cache_destroy(c);
	free(bytes);
}

Test(elfinfo, cache_proc_exe)
{
	struct pt_elf_cache *c = pt_elf_cache_new(0);
	struct pt_elf_cache_stats st;
	struct pt_elf_info e1, e2;
	cr_assert_eq(pt_elf_cache_get(c, "/proc/self/exe", &arena, &e1), 0);
	cr_assert_eq(pt_elf_cache_get(c, "/proc/self/exe", &arena, &e2), 0);
	cr_assert_null(e1.error);
	cr_assert_eq(e1.nsegs, e2.nsegs);
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 1);
	cr_assert_eq(st.hits, 1);
	cr_assert_eq(st.capacity, 256);
	/* a running exec: /proc/PID/exe of another process */
	pid_t pid = spawn_at_exec("/bin/sleep");
	char procexe[64];
	snprintf(procexe, sizeof(procexe), "/proc/%d/exe", (int)pid);
	cr_assert_eq(pt_elf_cache_get(c, procexe, &arena, &e1), 0);
	cr_assert_eq(pt_elf_cache_get(c, "/bin/sleep", &arena, &e2), 0);
	pt_elf_cache_stats(c, &st);
	cr_assert_eq(st.parses, 2);
	cr_assert_eq(st.hits, 2);
	reap(pid);
	pt_elf_cache_destroy(c);
	/* no cache: a plain read */
	cr_assert_eq(pt_elf_cache_get(NULL, "/bin/sleep", &arena, &e1), 0);
	cr_assert_null(e1.error);
	cr_assert_eq(e1.nsegs, e2.nsegs);
}
