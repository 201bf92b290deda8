/* Exec anatomy: the ELF facts in the exec event agree with readelf, the new
 * map holds the file where the facts say, fds and env are reported. */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

TestSuite(exec, .fini = pt_t_cleanup);

static uint64_t hex(json_object *e, const char *path)
{
	const char *s = pt_t_str(e, path);
	return s ? strtoull(s, NULL, 16) : UINT64_MAX;
}

struct load {
	uint64_t offset, vaddr, filesz, memsz;
};

/* readelf is the reference the issue names: parse its -h and -l output. */
static size_t readelf_loads(const char *path, uint64_t *entry, struct load *out, size_t max)
{
	char cmd[512], line[512];
	size_t n = 0;
	snprintf(cmd, sizeof(cmd), "readelf -hlW '%s'", path);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	*entry = UINT64_MAX;
	while (fgets(line, sizeof(line), p)) {
		struct load l;
		uint64_t phys;
		const char *e = strstr(line, "Entry point address:");
		if (e)
			*entry = strtoull(e + strlen("Entry point address:"), NULL, 16);
		if (sscanf(line, " LOAD 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64, &l.offset,
			   &l.vaddr, &phys, &l.filesz, &l.memsz) == 5 && n < max)
			out[n++] = l;
	}
	cr_assert_eq(pclose(p), 0, "readelf failed on %s", path);
	cr_assert_neq(*entry, UINT64_MAX);
	return n;
}

static json_object *region_holding(json_object *maps, uint64_t addr)
{
	for (size_t i = 0; maps && i < json_object_array_length(maps); i++) {
		json_object *m = json_object_array_get_idx(maps, i);
		if (hex(m, "start") <= addr && addr < hex(m, "end"))
			return m;
	}
	return NULL;
}

static bool maps_have_path_suffix(json_object *maps, const char *suffix)
{
	size_t sl = strlen(suffix);
	for (size_t i = 0; maps && i < json_object_array_length(maps); i++) {
		const char *p = pt_t_str(json_object_array_get_idx(maps, i), "path");
		if (p && strlen(p) >= sl && !strcmp(p + strlen(p) - sl, suffix))
			return true;
	}
	return false;
}

/* The checks the issue lists, for one exec event of the file `file`. */
static void check_anatomy(struct pt_t_run *r, json_object *ex, const char *file)
{
	uint64_t entry;
	struct load loads[16];
	size_t nl = readelf_loads(file, &entry, loads, 16);
	json_object *elf = pt_t_get(ex, "elf");
	pt_t_assert(r, elf && !pt_t_has(elf, "error"), "no ELF facts: %s", pt_t_json(ex));
	pt_t_assert(r, hex(elf, "entry") == entry, "elf.entry 0x%" PRIx64 " != readelf 0x%" PRIx64, hex(elf, "entry"),
		    entry);
	json_object *segs = pt_t_get(elf, "load");
	pt_t_assert(r, segs && json_object_array_length(segs) == nl, "PT_LOAD count differs from readelf -l (%zu)", nl);
	const char *exe = pt_t_str(ex, "exe");
	pt_t_assert(r, exe != NULL, "no exe");
	uint64_t bias = hex(ex, "layout.load_bias");
	pt_t_assert(r, bias != UINT64_MAX, "no layout: %s", pt_t_json(ex));
	json_object *after = pt_t_get(ex, "maps_after");
	for (size_t i = 0; i < nl; i++) {
		json_object *s = json_object_array_get_idx(segs, i);
		pt_t_assert(r, hex(s, "offset") == loads[i].offset && hex(s, "vaddr") == loads[i].vaddr &&
				       hex(s, "filesz") == loads[i].filesz && hex(s, "memsz") == loads[i].memsz,
			    "PT_LOAD %zu differs from readelf: %s", i, pt_t_json(s));
		/* the file is mapped at load bias + vaddr, at the segment's offset */
		uint64_t at = bias + loads[i].vaddr;
		json_object *m = region_holding(after, at);
		pt_t_assert(r, m != NULL, "nothing mapped at 0x%" PRIx64 " for PT_LOAD %zu", at, i);
		pt_t_assert(r, !strcmp(pt_t_str(m, "path"), exe), "0x%" PRIx64 " maps %s, not %s", at,
			    pt_t_str(m, "path"), exe);
		pt_t_assert(r, hex(m, "offset") + (at - hex(m, "start")) == loads[i].offset,
			    "file offset at 0x%" PRIx64 " is not PT_LOAD %zu's", at, i);
		int idx = (int)pt_t_int(s, "map", -1);
		pt_t_assert(r, idx >= 0 && json_object_array_get_idx(after, (size_t)idx) == m,
			    "segment %zu's map index %d is not the region holding it", i, idx);
	}
	/* the runtime entry point lies in an executable mapping of the file */
	uint64_t rt_entry = hex(ex, "layout.at_entry");
	pt_t_assert(r, rt_entry == bias + entry, "AT_ENTRY 0x%" PRIx64 " != bias + e_entry", rt_entry);
	json_object *m = region_holding(after, rt_entry);
	pt_t_assert(r, m && !strcmp(pt_t_str(m, "path"), exe) && pt_t_str(m, "prot")[2] == 'x',
		    "runtime entry 0x%" PRIx64 " not in an executable mapping of %s", rt_entry, exe);
}

/* Is path a dynamically linked x86-64 PIE (ET_DYN with a PT_INTERP)? */
static bool is_dynamic_pie(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool interp = false;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	if (fread(&eh, sizeof(eh), 1, f) == 1 && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_machine == EM_X86_64 && eh.e_type == ET_DYN &&
	    eh.e_phentsize == sizeof(ph))
		for (unsigned i = 0; i < eh.e_phnum && !interp; i++)
			interp = fseek(f, (long)(eh.e_phoff + i * sizeof(ph)), SEEK_SET) == 0 &&
				 fread(&ph, sizeof(ph), 1, f) == 1 && ph.p_type == PT_INTERP;
	fclose(f);
	return interp;
}

Test(exec, sleep_matches_readelf_and_maps)
{
	struct pt_t_run r;
	const char *args[] = {"0", NULL};
	/* Debian's /bin/sleep is a dynamic PIE; other systems may ship it
	 * static or non-PIE (the static ET_EXEC case has a test of its own). */
	if (!is_dynamic_pie("/bin/sleep"))
		cr_skip_test("/bin/sleep is not a dynamically linked x86-64 PIE on this system");
	pt_t_run(&r, NULL, "/bin/sleep", args);
	pt_t_check_log(&r);
	json_object *ex = pt_t_exec_named(&r, "sleep");
	pt_t_assert(&r, ex != NULL, "no exec of sleep");
	char real[4096];
	cr_assert_not_null(realpath("/bin/sleep", real));
	pt_t_assert(&r, !strcmp(pt_t_str(ex, "exe"), real), "exe %s != %s", pt_t_str(ex, "exe"), real);
	pt_t_assert(&r, pt_t_int(ex, "elf.type", 0) == 3, "/bin/sleep is PIE (ET_DYN)");
	pt_t_assert(&r, pt_t_str(ex, "elf.interp") != NULL, "a dynamic image has an interpreter");
	pt_t_assert(&r, hex(ex, "layout.at_base") != 0, "the interpreter's base is known");
	check_anatomy(&r, ex, real);
	/* the text output shows the seed table */
	pt_t_assert(&r, r.out && strstr(r.out, "entry point") && strstr(r.out, "code "), "no ELF table in:\n%s",
		    r.out ? r.out : "");
}

Test(exec, static_binary_has_no_bias_nor_interpreter)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "hello_static", NULL);
	pt_t_check_log(&r);
	json_object *ex = pt_t_exec_named(&r, "hello_static");
	pt_t_assert(&r, ex != NULL, "no exec");
	pt_t_assert(&r, pt_t_int(ex, "elf.type", 0) == 2, "a -static -no-pie binary is ET_EXEC");
	pt_t_assert(&r, pt_t_get(ex, "elf.interp") == NULL, "no PT_INTERP");
	pt_t_assert(&r, hex(ex, "layout.load_bias") == 0, "ET_EXEC loads at its link addresses");
	check_anatomy(&r, ex, pt_t_tracee_path("hello_static"));
}

Test(exec, maps_before_is_the_old_image)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "exec_fds", NULL);
	pt_t_check_log(&r);
	json_object *ex = pt_t_exec_named(&r, "true");
	pt_t_assert(&r, ex != NULL, "no exec of true");
	json_object *before = pt_t_get(ex, "maps_before"), *after = pt_t_get(ex, "maps_after");
	pt_t_assert(&r, maps_have_path_suffix(before, "/exec_fds"), "maps_before lacks the old image");
	pt_t_assert(&r, !maps_have_path_suffix(before, "/true"), "maps_before has the new image");
	pt_t_assert(&r, maps_have_path_suffix(after, "/true"), "maps_after lacks the new image");
	pt_t_assert(&r, !maps_have_path_suffix(after, "/exec_fds"), "maps_after still has the old image");
	pt_t_assert(&r, maps_have_path_suffix(after, "[stack]"), "maps_after has no stack");
}

Test(exec, fds_leaked_across_exec)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "exec_fds", NULL);
	pt_t_check_log(&r);
	json_object *ex = pt_t_exec_named(&r, "true");
	json_object *fds = pt_t_get(ex, "fds");
	pt_t_assert(&r, fds != NULL, "no fds");
	json_object *fd7 = NULL;
	for (size_t i = 0; i < json_object_array_length(fds); i++) {
		json_object *f = json_object_array_get_idx(fds, i);
		int n = (int)pt_t_int(f, "fd", -1);
		pt_t_assert(&r, n != 8, "fd 8 had O_CLOEXEC: it must be gone after exec: %s", pt_t_json(f));
		if (n == 7)
			fd7 = f;
		if (n >= 0 && n <= 2)
			pt_t_assert(&r, pt_t_bool(f, "leaked") == 0, "0/1/2 are inherited on purpose");
	}
	pt_t_assert(&r, fd7 != NULL, "fd 7 (no O_CLOEXEC) should survive the exec");
	pt_t_assert(&r, pt_t_bool(fd7, "leaked") == 1, "fd 7 is leaked: %s", pt_t_json(fd7));
	pt_t_assert(&r, !strcmp(pt_t_str(fd7, "target"), "/dev/null"), "fd 7 target: %s", pt_t_json(fd7));
	pt_t_assert(&r, r.out && strstr(r.out, "LEAKED"), "the text output flags the leak");
}

/* The default mode lists the fds without reading fdinfo: the same fds,
 * targets, cloexec and leaked as -v (which reads fdinfo), and pos/flags
 * only with -v (docs/trace-format.md). */
static json_object *exec_fds_of(struct pt_t_run *r, const char *const *tool_args)
{
	pt_t_run(r, tool_args, "exec_fds", NULL);
	pt_t_check_log(r);
	json_object *ex = pt_t_exec_named(r, "true");
	pt_t_assert(r, ex != NULL, "no exec of true");
	json_object *fds = pt_t_get(ex, "fds");
	pt_t_assert(r, fds != NULL && json_object_array_length(fds) > 0, "no fds");
	return fds;
}

Test(exec, fds_without_fdinfo_keep_the_facts)
{
	struct pt_t_run d, v;
	json_object *fd = exec_fds_of(&d, NULL), *fv = exec_fds_of(&v, (const char *[]){"-v", NULL});
	size_t n = json_object_array_length(fd);
	pt_t_assert(&d, n == json_object_array_length(fv), "%zu fds by default, %zu with -v", n,
		    json_object_array_length(fv));
	for (size_t i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(fd, i), *b = json_object_array_get_idx(fv, i);
		pt_t_assert(&d, pt_t_int(a, "fd", -1) == pt_t_int(b, "fd", -2), "fd %s vs %s", pt_t_json(a), pt_t_json(b));
		/* stdout/stderr are files in each run's own temporary directory */
		const char *ta = pt_t_str(a, "target"), *tb = pt_t_str(b, "target");
		const char *ba = strrchr(ta, '/'), *bb = strrchr(tb, '/');
		pt_t_assert(&d, !strcmp(ba ? ba : ta, bb ? bb : tb), "target %s vs %s", pt_t_json(a), pt_t_json(b));
		pt_t_assert(&d, pt_t_bool(a, "cloexec") == 0 && pt_t_bool(b, "cloexec") == 0,
			    "open across exec: no cloexec %s %s", pt_t_json(a), pt_t_json(b));
		pt_t_assert(&d, pt_t_bool(a, "leaked") == pt_t_bool(b, "leaked"), "leaked %s vs %s", pt_t_json(a),
			    pt_t_json(b));
		pt_t_assert(&d, !pt_t_has(a, "pos") && !pt_t_has(a, "flags"), "pos/flags only with -v: %s", pt_t_json(a));
		pt_t_assert(&v, pt_t_has(b, "pos") && pt_t_has(b, "flags"), "-v keeps pos/flags: %s", pt_t_json(b));
		pt_t_assert(&v, !(pt_t_int(b, "flags", 0) & O_CLOEXEC), "fdinfo agrees: no O_CLOEXEC %s", pt_t_json(b));
	}
	pt_t_free(&d);
	pt_t_free(&v);
}

/* --stats also gives the tracer's own CPU time and its CPU per traced
 * process (fork_wait: the root and its child). */
Test(exec, stats_print_tracer_cpu)
{
	struct pt_t_run r;
	pt_t_run(&r, (const char *[]){"--stats", NULL}, "fork_wait", NULL);
	pt_t_check_log(&r);
	char *err = pt_t_read_file(r.stderr_path, NULL);
	const char *line = err ? strstr(err, "ptrace-tour: tracer cpu: ") : NULL;
	pt_t_assert(&r, line != NULL, "no tracer cpu line in stderr: %s", err ? err : "(unreadable)");
	double user = -1, sys = -1, total = -1, per = -1;
	unsigned long long procs = 0;
	int n = sscanf(line, "ptrace-tour: tracer cpu: user=%lfs sys=%lfs total=%lfs processes=%llu per-process=%lfus",
		       &user, &sys, &total, &procs, &per);
	pt_t_assert(&r, n == 5, "unparsable: %s", line);
	pt_t_assert(&r, user >= 0 && sys >= 0 && total > 0 && total >= user + sys - 1e-5, "times: %s", line);
	pt_t_assert(&r, procs == 2, "fork_wait is 2 processes: %s", line);
	pt_t_assert(&r, per > 0 && per <= total * 1e6 / 2 + 1, "per-process: %s", line);
	free(err);
	pt_t_free(&r);
}

Test(exec, env_diff_of_a_wrapper)
{
	struct pt_t_run r;
	setenv("PT_TEST_REMOVE", "bye", 1);
	setenv("PT_TEST_CHANGE", "orig", 1);
	pt_t_run(&r, NULL, "env_wrapper", NULL);
	unsetenv("PT_TEST_REMOVE");
	unsetenv("PT_TEST_CHANGE");
	pt_t_check_log(&r);
	json_object *ex = pt_t_exec_named(&r, "env");
	pt_t_assert(&r, ex != NULL, "no exec of env");
	const char *added = pt_t_str(ex, "env.added.PT_TEST_VAR");
	pt_t_assert(&r, added && !strcmp(added, "1"), "PT_TEST_VAR=1 not in env.added: %s", pt_t_json(ex));
	json_object *removed = pt_t_get(ex, "env.removed");
	bool found = false;
	for (size_t i = 0; removed && i < json_object_array_length(removed); i++)
		found |= !strcmp(json_object_get_string(json_object_array_get_idx(removed, i)), "PT_TEST_REMOVE");
	pt_t_assert(&r, found, "PT_TEST_REMOVE not in env.removed");
	json_object *ch = pt_t_get(ex, "env.changed.PT_TEST_CHANGE");
	pt_t_assert(&r, ch && json_object_array_length(ch) == 2 &&
			       !strcmp(json_object_get_string(json_object_array_get_idx(ch, 0)), "orig") &&
			       !strcmp(json_object_get_string(json_object_array_get_idx(ch, 1)), "changed"),
		    "PT_TEST_CHANGE orig -> changed expected: %s", ch ? json_object_to_json_string(ch) : "none");
	/* nothing else changed */
	pt_t_assert(&r, json_object_object_length(pt_t_get(ex, "env.added")) == 1, "only one addition");
}

/* The env diff compares the environment the old image was started with
 * (known from its own exec) with the new one; a program that rewrote its
 * argv/env block in place (setproctitle) does not turn that block into a
 * "changed environment": /proc/PID/environ shows the rewritten bytes. */
Test(exec, env_diff_after_an_in_place_retitle)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "env_retitle", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 0, "env_retitle: exit %d", r.code);
	json_object *ex = pt_t_exec_named(&r, "env");
	pt_t_assert(&r, ex != NULL, "no exec of env");
	pt_t_assert(&r, pt_t_get(ex, "env") != NULL, "no env diff: %s", pt_t_json(ex));
	pt_t_assert(&r, json_object_object_length(pt_t_get(ex, "env.added")) == 0 &&
			       json_object_array_length(pt_t_get(ex, "env.removed")) == 0 &&
			       json_object_object_length(pt_t_get(ex, "env.changed")) == 0,
		    "the environment did not change: %s", json_object_to_json_string(pt_t_get(ex, "env")));
	pt_t_free(&r);
}

Test(exec, script_interpreter_chain)
{
	const char *path = pt_t_scratch("script.sh");
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("#!/bin/sh -e\nexit 0\n", f);
	fclose(f);
	chmod(path, 0755);
	struct pt_t_run r;
	pt_t_run(&r, NULL, path, NULL);
	pt_t_check_log(&r);
	json_object *ex = pt_t_exec_named(&r, "script.sh");
	pt_t_assert(&r, ex != NULL, "no exec of the script");
	pt_t_assert(&r, pt_t_str(ex, "script") && !strcmp(pt_t_str(ex, "script"), "#!/bin/sh -e"), "script line: %s",
		    pt_t_json(ex));
	/* the argv the kernel built: interpreter, its argument, the script */
	json_object *sa = pt_t_get(ex, "script_argv");
	pt_t_assert(&r, sa && json_object_array_length(sa) == 3, "script_argv: %s", pt_t_json(ex));
	pt_t_assert(&r, !strcmp(json_object_get_string(json_object_array_get_idx(sa, 0)), "/bin/sh") &&
			       !strcmp(json_object_get_string(json_object_array_get_idx(sa, 1)), "-e") &&
			       !strcmp(json_object_get_string(json_object_array_get_idx(sa, 2)), path),
		    "script_argv should be [/bin/sh, -e, %s]: %s", path, pt_t_json(ex));
	char real[4096];
	cr_assert_not_null(realpath("/bin/sh", real));
	pt_t_assert(&r, !strcmp(pt_t_str(ex, "exe"), real), "the kernel really loaded %s, not %s", real,
		    pt_t_str(ex, "exe"));
	check_anatomy(&r, ex, real);
}

Test(exec, sh_c_true)
{
	struct pt_t_run r;
	const char *args[] = {"-c", "true", NULL};
	pt_t_run(&r, NULL, "/bin/sh", args);
	pt_t_check_log(&r);
	json_object *ex = pt_t_exec_named(&r, "sh");
	pt_t_assert(&r, ex != NULL, "no exec of sh");
	char real[4096];
	cr_assert_not_null(realpath("/bin/sh", real));
	check_anatomy(&r, ex, real);
}

Test(exec, maps_none_and_maps_exit)
{
	struct pt_t_run r;
	const char *none[] = {"--maps=none", NULL};
	pt_t_run(&r, none, "hello", NULL);
	pt_t_check_log(&r);
	json_object *ex = pt_t_exec_named(&r, "hello");
	pt_t_assert(&r, ex && !pt_t_has(ex, "maps_before") && !pt_t_has(ex, "elf") && !pt_t_has(ex, "fds"),
		    "--maps=none reads no anatomy: %s", pt_t_json(ex));

	struct pt_t_run r2;
	const char *atexit_[] = {"--maps=exit", NULL};
	pt_t_run(&r2, atexit_, "hello", NULL);
	pt_t_check_log(&r2);
	json_object *x = pt_t_exit_of(&r2, pt_t_root(&r2));
	json_object *maps = pt_t_get(x, "maps");
	pt_t_assert(&r2, maps != NULL, "--maps=exit: the exit event carries the map: %s", pt_t_json(x));
	/* at exit the dynamic loader has mapped libc */
	bool libc = false;
	for (size_t i = 0; i < json_object_array_length(maps); i++) {
		const char *p = pt_t_str(json_object_array_get_idx(maps, i), "path");
		libc |= p && strstr(p, "libc.so") != NULL;
	}
	pt_t_assert(&r2, libc, "libc is mapped by exit time");
	pt_t_assert(&r2, pt_t_has(pt_t_exec_named(&r2, "hello"), "maps_after"), "and the exec still has its maps");
}

/* The kernel ignores section headers: a binary whose section table points
 * nowhere still runs, and the tracer must survive reading it. */
Test(exec, bogus_section_table_does_not_stop_the_trace)
{
	size_t len;
	char *img = pt_t_read_file(pt_t_tracee_path("hello_static"), &len);
	cr_assert_not_null(img);
	uint64_t bogus = 0xfffffffffff0ull;
	memcpy(img + 0x28, &bogus, 8);                /* e_shoff (ELF64) */
	uint16_t many = 0xffff;
	memcpy(img + 0x3c, &many, 2);                 /* e_shnum */
	const char *path = pt_t_scratch("bogus_shoff");
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(img, 1, len, f), len);
	fclose(f);
	free(img);
	chmod(path, 0755);
	struct pt_t_run r;
	pt_t_run(&r, NULL, path, NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.exited && r.exit_code == 0, "the program ran to its end: %d", r.code);
	json_object *ex = pt_t_exec_named(&r, "bogus_shoff");
	pt_t_assert(&r, ex && pt_t_has(ex, "elf"), "exec event with elf facts: %s", ex ? pt_t_json(ex) : "none");
	/* either readable segments without sections, or a clear error: never a crash */
	pt_t_assert(&r, pt_t_has(ex, "elf.error") || json_object_array_length(pt_t_get(ex, "elf.load")) > 0,
		    "%s", pt_t_json(ex));
}

/* The ELF facts are those of the file that was executed: a same-size
 * rewrite in place with the mtime set back is a different image. */
Test(exec, rewritten_in_place_with_mtime_restored)
{
	const char *copy = pt_t_scratch("rewritten");
	const char *args[] = {copy, NULL};
	struct pt_t_run r;
	pt_t_run(&r, NULL, "elf_rewrite", args);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tracee exit %d", r.code);
	json_object *ex[2] = {pt_t_find_str(&r, "exec", "path", copy, 0), pt_t_find_str(&r, "exec", "path", copy, 1)};
	pt_t_assert(&r, ex[0] && ex[1], "two execs of %s", copy);
	uint64_t entry;
	struct load loads[16];
	readelf_loads(copy, &entry, loads, 16);
	pt_t_assert(&r, hex(ex[0], "elf.entry") != entry, "the first exec ran the old entry point: %s",
		    pt_t_json(ex[0]));
	pt_t_assert(&r, hex(ex[1], "elf.entry") == entry,
		    "second exec: elf.entry 0x%" PRIx64 ", readelf of the new contents says 0x%" PRIx64,
		    hex(ex[1], "elf.entry"), entry);
	uint64_t bias = hex(ex[1], "layout.load_bias");
	pt_t_assert(&r, bias != UINT64_MAX && bias % 4096 == 0, "load bias 0x%" PRIx64 " is not page-aligned", bias);
	check_anatomy(&r, ex[1], copy);
}

static void write_script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(chmod(path, 0755), 0);
}

/* The "script" line comes from the file the kernel ran: execveat resolves a
 * relative path from its dirfd, not the cwd; fexecve's file is the fd. */
Test(exec, script_of_execveat_dirfd_and_fexecve)
{
	const char *cwd = pt_t_scratch("cwd"), *dir = pt_t_scratch("other"), *fx = pt_t_scratch("fx.sh");
	char in_cwd[4096], in_dir[4096];
	cr_assert_eq(mkdir(cwd, 0755), 0);
	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(in_cwd, sizeof(in_cwd), "%s/run.sh", cwd);
	snprintf(in_dir, sizeof(in_dir), "%s/run.sh", dir);
	write_script(in_cwd, "#!/bin/sh -u\nexit 9\n");   /* the decoy: never run */
	write_script(in_dir, "#!/bin/sh -e\nexit 0\n");
	write_script(fx, "#!/bin/sh -f\nexit 0\n");
	const char *args[] = {cwd, dir, fx, NULL};
	struct pt_t_run r;
	pt_t_run(&r, NULL, "exec_at", args);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tracee exit %d", r.code);
	json_object *at = pt_t_find_str(&r, "exec", "path", "run.sh", 0);
	pt_t_assert(&r, at && !strcmp(pt_t_str(at, "syscall"), "execveat"), "no execveat of run.sh");
	pt_t_assert(&r, pt_t_str(at, "script") && !strcmp(pt_t_str(at, "script"), "#!/bin/sh -e"),
		    "execveat(dirfd, \"run.sh\") ran %s, whose line is \"#!/bin/sh -e\": %s", in_dir, pt_t_json(at));
	json_object *fe = pt_t_find_str(&r, "exec", "path", "", 0);
	pt_t_assert(&r, fe != NULL, "no exec with an empty path (fexecve)");
	pt_t_assert(&r, pt_t_str(fe, "script") && !strcmp(pt_t_str(fe, "script"), "#!/bin/sh -f"),
		    "fexecve of %s: script line \"#!/bin/sh -f\" expected: %s", fx, pt_t_json(fe));
	json_object *sa = pt_t_get(fe, "script_argv");
	pt_t_assert(&r, sa && json_object_array_length(sa) >= 3 &&
			       !strcmp(json_object_get_string(json_object_array_get_idx(sa, 1)), "-f"),
		    "script_argv of the fexecve: %s", pt_t_json(fe));
}

/* An unreadable path (EFAULT) and an empty one are told apart in the log,
 * the text and --explain. */
Test(exec, exec_failed_unreadable_path_is_not_empty)
{
	struct pt_t_run r;
	const char *opts[] = {"--explain", NULL};
	pt_t_run(&r, opts, "exec_bad_path", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tracee exit %d", r.code);
	json_object *bad = pt_t_find_str(&r, "exec_failed", "errno", "EFAULT", 0);
	json_object *empty = pt_t_find_str(&r, "exec_failed", "errno", "ENOENT", 0);
	pt_t_assert(&r, bad && empty, "two failed execs");
	pt_t_assert(&r, pt_t_bool(bad, "path_unreadable") == 1 && hex(bad, "path_addr") == 0x10,
		    "EFAULT: path_unreadable and the pointer 0x10: %s", pt_t_json(bad));
	pt_t_assert(&r, !pt_t_has(empty, "path_unreadable") && pt_t_str(empty, "path") && !*pt_t_str(empty, "path"),
		    "a real empty path: %s", pt_t_json(empty));
	pt_t_assert(&r, r.out && strstr(r.out, "execve(0x10, ...) = -1 EFAULT") && strstr(r.out, "execve(\"\", ...)"),
		    "the text shows the pointer, and \"\" for the empty path:\n%s", r.out ? r.out : "");
	pt_t_assert(&r, strstr(r.out, "unreadable path (the pointer 0x10 is bad)"), "--explain says so:\n%s", r.out);
	pt_t_free(&r);
}
