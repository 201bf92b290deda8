/* /proc parsers: captured and hand-made fixtures, the live /proc/self, and
 * garbage that must give an error or a skipped line, never a crash. */
#include <criterion/criterion.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt/arena.h"
#include "pt/envdiff.h"
#include "pt/procfs.h"
#include "pt/util.h"

#define FIX PT_FIXTURES "/procfs/"

static struct pt_arena arena;

static void setup(void)
{
	pt_arena_init(&arena);
}

static void teardown(void)
{
	pt_arena_free(&arena);
}

TestSuite(procfs, .init = setup, .fini = teardown);

/* The whole file in an exact-size malloc'd buffer, no NUL after it: a
 * parser reading past len trips ASan. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "open %s", path);
	char tmp[65536];
	size_t n = fread(tmp, 1, sizeof(tmp), f);
	fclose(f);
	char *p = malloc(n ? n : 1);
	cr_assert_not_null(p);
	memcpy(p, tmp, n);
	*len = n;
	return p;
}

/* An exact-size copy of a string without its NUL. */
static char *exact(const char *s, size_t *len)
{
	*len = strlen(s);
	char *p = malloc(*len ? *len : 1);
	cr_assert_not_null(p);
	memcpy(p, s, *len);
	return p;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

/* ---- maps ---- */

Test(procfs, maps_captured)
{
	size_t len;
	char *buf = slurp(FIX "maps_sleep.txt", &len);
	struct pt_maps m;
	cr_assert_eq(pt_procfs_parse_maps(buf, len, &arena, 4096, &m), 0);
	cr_assert_eq(m.n, count_lines(buf, len));
	cr_assert_not(m.truncated);

	const struct pt_map *e = &m.v[0];
	cr_assert_eq(e->start, 0x557cd149b000ull);
	cr_assert_eq(e->end, 0x557cd149d000ull);
	cr_assert_eq(e->prot, PT_PROT_R);
	cr_assert_eq(e->offset, 0);
	cr_assert_eq(e->dev_major, 0xfe);
	cr_assert_eq(e->dev_minor, 0);
	cr_assert_eq(e->inode, 248056);
	cr_assert_str_eq(e->path, "/usr/bin/sleep");
	e = &m.v[1];
	cr_assert_eq(e->prot, PT_PROT_R | PT_PROT_X);
	cr_assert_eq(e->offset, 0x2000);
	/* consecutive lines of one file share the string */
	cr_assert_eq(m.v[1].path, m.v[0].path);

	bool heap = false, vvar = false, vdso = false, stack = false, anon = false, shared = false,
	     vsys = false;
	for (size_t i = 0; i < m.n; i++) {
		e = &m.v[i];
		cr_assert_lt(e->start, e->end);
		heap |= !strcmp(e->path, "[heap]");
		vvar |= !strcmp(e->path, "[vvar]");
		vdso |= !strcmp(e->path, "[vdso]") && e->prot == (PT_PROT_R | PT_PROT_X);
		stack |= !strcmp(e->path, "[stack]") && e->prot == (PT_PROT_R | PT_PROT_W);
		anon |= !strcmp(e->path, "") && e->inode == 0;
		vsys |= !strcmp(e->path, "[vsyscall]") && e->start == 0xffffffffff600000ull &&
			e->prot == PT_PROT_X;
		if (e->prot & PT_PROT_SHARED) {
			shared = true;
			cr_assert_str_eq(e->path, "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache");
		}
	}
	cr_assert(heap && vvar && vdso && stack && anon && shared && vsys);
	free(buf);
}

Test(procfs, maps_handmade)
{
	size_t len;
	char *buf = slurp(FIX "maps_handmade.txt", &len);
	struct pt_maps m;
	cr_assert_eq(pt_procfs_parse_maps(buf, len, &arena, 100, &m), 0);
	/* 15 lines, 4 of them malformed (garbage, end < start, bad perms, bad inode) */
	cr_assert_eq(m.n, 11);
	cr_assert_str_eq(m.v[0].path, "/opt/my app/bin/with spaces");
	cr_assert_eq(m.v[0].dev_major, 8);
	cr_assert_eq(m.v[0].dev_minor, 1);
	cr_assert_eq(m.v[1].offset, 0x1000);
	cr_assert_str_eq(m.v[2].path, "/tmp/old lib.so (deleted)");
	cr_assert_eq(m.v[2].dev_major, 0x103);
	cr_assert_eq(m.v[2].dev_minor, 2);
	cr_assert_eq(m.v[2].prot, PT_PROT_R | PT_PROT_W);
	cr_assert_str_eq(m.v[3].path, "/memfd:shm (deleted)");
	cr_assert_eq(m.v[3].prot, PT_PROT_R | PT_PROT_W | PT_PROT_SHARED);
	cr_assert_str_eq(m.v[4].path, "");
	cr_assert_str_eq(m.v[5].path, ""); /* no trailing space at all */
	cr_assert_eq(m.v[5].prot, 0);
	cr_assert_str_eq(m.v[6].path, "[anon:my name]");
	cr_assert_str_eq(m.v[7].path, "[vvar]");
	cr_assert_str_eq(m.v[8].path, "[vdso]");
	cr_assert_str_eq(m.v[9].path, "[stack]");
	cr_assert_str_eq(m.v[10].path, "[vsyscall]");
	free(buf);
}

Test(procfs, maps_truncated_and_edges)
{
	size_t len;
	char *buf = slurp(FIX "maps_sleep.txt", &len);
	struct pt_maps m;
	cr_assert_eq(pt_procfs_parse_maps(buf, len, &arena, 3, &m), 0);
	cr_assert_eq(m.n, 3);
	cr_assert(m.truncated);
	cr_assert_eq(pt_procfs_parse_maps(buf, len, &arena, 0, &m), 0);
	cr_assert_eq(m.n, 0);
	cr_assert(m.truncated);

	/* every prefix: no overread, never more lines than newlines + 1 */
	for (size_t l = 0; l <= len; l++) {
		char *p = malloc(l ? l : 1);
		memcpy(p, buf, l);
		int r = pt_procfs_parse_maps(p, l, &arena, 4096, &m);
		cr_assert(r == 0 || r == -EINVAL, "len %zu: %d", l, r);
		if (!r)
			cr_assert_leq(m.n, count_lines(p, l) + 1);
		free(p);
		pt_arena_reset(&arena);
	}
	free(buf);

	char *s = exact("", &len);
	cr_assert_eq(pt_procfs_parse_maps(s, len, &arena, 10, &m), 0);
	cr_assert_eq(m.n, 0);
	free(s);
	cr_assert_eq(pt_procfs_parse_maps(NULL, 0, &arena, 10, &m), 0);
	s = exact("\n  \n", &len);
	cr_assert_eq(pt_procfs_parse_maps(s, len, &arena, 10, &m), 0);
	cr_assert_eq(m.n, 0);
	free(s);
	s = exact("garbage\nmore garbage\n", &len);
	cr_assert_eq(pt_procfs_parse_maps(s, len, &arena, 10, &m), -EINVAL);
	free(s);
	/* last line without its newline; path running to the end of the buffer */
	s = exact("1000-2000 r-xp 00000000 00:00 0 /a b", &len);
	cr_assert_eq(pt_procfs_parse_maps(s, len, &arena, 10, &m), 0);
	cr_assert_eq(m.n, 1);
	cr_assert_str_eq(m.v[0].path, "/a b");
	free(s);
	/* overflowing numbers, NUL inside a line, missing fields */
	const char *bad[] = {
		"10000000000000000-10000000000000001 r--p 00000000 00:00 0\n",
		"1000-2000 r--p 00000000 100000000:00 0\n",
		"1000-2000 r--p 00000000 00:00 99999999999999999999\n",
		"1000-2000 r--p 00000000 00:00\n",
		"1000-2000 r--p\n",
		"1000-2000 r--p 00000000 00:00 0 /x\0y\n",
		"1000-2000 r--\n",
		"-2000 r--p 00000000 00:00 0\n",
		"1000 2000 r--p 00000000 00:00 0\n",
	};
	for (size_t i = 0; i < PT_N_ELEMENTS(bad); i++) {
		size_t l = strlen(bad[i]);
		if (i == 5)
			l = sizeof("1000-2000 r--p 00000000 00:00 0 /x\0y\n") - 1;
		char *p = malloc(l);
		memcpy(p, bad[i], l);
		cr_assert_eq(pt_procfs_parse_maps(p, l, &arena, 10, &m), -EINVAL, "bad[%zu]", i);
		free(p);
	}
}

Test(procfs, maps_garbage_never_crashes)
{
	size_t len;
	char *fix = slurp(FIX "maps_handmade.txt", &len);
	struct pt_maps m;
	unsigned seed = 12345;
	for (int iter = 0; iter < 3000; iter++) {
		char *p = malloc(len);
		memcpy(p, fix, len);
		int flips = 1 + rand_r(&seed) % 16;
		for (int f = 0; f < flips; f++) {
			static const char pool[] = "0123456789abcdefABCDEF-: \n\0rwxps[]()/";
			p[rand_r(&seed) % len] = iter % 2 ? (char)rand_r(&seed)
							  : pool[rand_r(&seed) % (sizeof(pool) - 1)];
		}
		int r = pt_procfs_parse_maps(p, len, &arena, 4096, &m);
		cr_assert(r == 0 || r == -EINVAL);
		for (size_t i = 0; r == 0 && i < m.n; i++) {
			cr_assert_leq(m.v[i].start, m.v[i].end);
			cr_assert_not_null(m.v[i].path);
		}
		free(p);
		pt_arena_reset(&arena);
	}
	free(fix);
}

static void marker(void)
{
}

Test(procfs, maps_live_self)
{
	struct pt_maps m;
	const char *exe;
	cr_assert_eq(pt_procfs_read_maps(getpid(), &arena, &m), 0);
	cr_assert_gt(m.n, 5);
	cr_assert_eq(pt_procfs_readlink(getpid(), "exe", &arena, &exe), 0);
	uint64_t code = (uint64_t)(uintptr_t)&marker;
	bool found = false;
	for (size_t i = 0; i < m.n; i++) {
		if (code >= m.v[i].start && code < m.v[i].end) {
			cr_assert(m.v[i].prot & PT_PROT_X);
			cr_assert_str_eq(m.v[i].path, exe);
			found = true;
		}
	}
	cr_assert(found);
	cr_assert_eq(pt_procfs_read_maps(INT_MAX, &arena, &m), -ENOENT);
}

/* ---- generic readers ---- */

Test(procfs, read_file_and_readlink)
{
	char *buf;
	size_t len;
	cr_assert_eq(pt_procfs_read_file(getpid(), "status", &arena, 1 << 20, &buf, &len), 0);
	cr_assert_gt(len, 100);
	cr_assert_eq(buf[len], 0);
	cr_assert_eq(strncmp(buf, "Name:", 5), 0);
	cr_assert_eq(pt_procfs_read_file(getpid(), "status", &arena, 10, &buf, &len), 0);
	cr_assert_eq(len, 10);
	cr_assert_eq(buf[10], 0);
	/* bigger than the reader's stack buffer: goes to the heap */
	cr_assert_eq(pt_procfs_read_file(getpid(), "smaps", &arena, 1 << 22, &buf, &len), 0);
	cr_assert_gt(len, 16384);
	cr_assert_eq(strlen(buf), len);
	cr_assert_eq(pt_procfs_read_file(getpid(), "nonexistent", &arena, 10, &buf, &len), -ENOENT);
	cr_assert_null(buf);

	const char *cwd;
	char real[PATH_MAX];
	cr_assert_eq(pt_procfs_readlink(getpid(), "cwd", &arena, &cwd), 0);
	cr_assert_not_null(getcwd(real, sizeof(real)));
	cr_assert_str_eq(cwd, real);
	cr_assert_eq(pt_procfs_readlink(INT_MAX, "cwd", &arena, &cwd), -ENOENT);
}

/* ---- stat ---- */

Test(procfs, stat_weird_comm)
{
	size_t len;
	char *buf = slurp(FIX "stat_weird_comm.txt", &len);
	struct pt_proc_stat st;
	cr_assert_eq(pt_procfs_parse_stat(buf, len, &st), 0);
	cr_assert_eq(st.pid, 4242);
	cr_assert_str_eq(st.comm, "a) b (c");
	cr_assert_eq(st.state, 'R');
	cr_assert_eq(st.ppid, 1);
	cr_assert_eq(st.pgrp, 4242);
	cr_assert_eq(st.session, 4242);
	cr_assert_eq(st.starttime, 123456789);
	cr_assert_eq(st.flags, 4194560);
	/* every cut before starttime fails cleanly */
	const char *st22 = strstr(buf, "123456789");
	for (size_t l = 0; l < (size_t)(st22 - buf); l++) {
		char *p = malloc(l ? l : 1);
		memcpy(p, buf, l);
		cr_assert_eq(pt_procfs_parse_stat(p, l, &st), -EINVAL, "len %zu", l);
		free(p);
	}
	free(buf);
}

Test(procfs, stat_captured_and_live)
{
	size_t len;
	char *buf = slurp(FIX "stat_sleep.txt", &len);
	struct pt_proc_stat st;
	cr_assert_eq(pt_procfs_parse_stat(buf, len, &st), 0);
	cr_assert_eq(st.pid, 4733);
	cr_assert_str_eq(st.comm, "sleep");
	cr_assert_eq(st.state, 'S');
	cr_assert_eq(st.ppid, 4730);
	cr_assert_eq(st.pgrp, 4730);
	cr_assert_eq(st.session, 2459);
	cr_assert_eq(st.starttime, 32564);
	cr_assert_eq(st.flags, 4194304);   /* PF_RANDOMIZE */
	free(buf);

	cr_assert_eq(pt_procfs_read_stat(getpid(), &st), 0);
	cr_assert_eq(st.pid, getpid());
	cr_assert_eq(st.ppid, getppid());
	cr_assert_eq(st.pgrp, getpgrp());
	cr_assert_eq(st.session, getsid(0));
	cr_assert_eq(st.state, 'R');
	cr_assert_gt(st.starttime, 0);

	const char *bad[] = { "", "x", "12 (abc", "12 abc) R 1 2 3", "(a) R 1", "12 (a) ",
			      "12 (a) R 1 2 3", "99999999999 (a) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19" };
	for (size_t i = 0; i < PT_N_ELEMENTS(bad); i++) {
		char *p = exact(bad[i], &len);
		cr_assert_eq(pt_procfs_parse_stat(p, len, &st), -EINVAL, "bad[%zu]", i);
		free(p);
	}
	/* comm longer than our copy: cut, still parsed */
	char big[512];
	snprintf(big, sizeof(big), "7 (%0200d) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0", 0);
	char *p = exact(big, &len);
	cr_assert_eq(pt_procfs_parse_stat(p, len, &st), 0);
	cr_assert_eq(strlen(st.comm), sizeof(st.comm) - 1);
	cr_assert_eq(st.starttime, 55);
	free(p);
}

/* ---- status ---- */

Test(procfs, status_captured)
{
	size_t len;
	char *buf = slurp(FIX "status_sleep.txt", &len);
	struct pt_proc_status st;
	cr_assert_eq(pt_procfs_parse_status(buf, len, &st), 0);
	cr_assert_str_eq(st.name, "sleep");
	cr_assert_eq(st.state, 'S');
	cr_assert_eq(st.tgid, 4733);
	cr_assert_eq(st.pid, 4733);
	cr_assert_eq(st.ppid, 4730);
	cr_assert_eq(st.tracer_pid, 0);
	cr_assert_eq(st.sig_ign, 6);
	cr_assert_eq(st.sig_blk, 0);
	cr_assert_eq(st.sig_cgt, 0);
	cr_assert_eq(st.nspid_n, 1);
	cr_assert_eq(st.nspid[0], 4733);
	/* every prefix: no overread; ok only once Pid: is in */
	for (size_t l = 0; l <= len; l++) {
		char *p = malloc(l ? l : 1);
		memcpy(p, buf, l);
		int r = pt_procfs_parse_status(p, l, &st);
		cr_assert(r == 0 || r == -EINVAL);
		free(p);
	}
	free(buf);

	char *p = exact("Name:\tan\\nodd name that is much longer than sixty-four bytes, "
			"yes really much longer\nState:\tZ (zombie)\nPid:\t1\nSigIgn:\tzz\n",
			&len);
	cr_assert_eq(pt_procfs_parse_status(p, len, &st), 0);
	cr_assert_eq(strlen(st.name), sizeof(st.name) - 1);
	cr_assert_eq(strncmp(st.name, "an\\nodd name", 12), 0);
	cr_assert_eq(st.state, 'Z');
	cr_assert_eq(st.sig_ign, 0);
	free(p);
	p = exact("Name:\tx\nPid:\t1\n", &len);
	cr_assert_eq(pt_procfs_parse_status(p, len, &st), -EINVAL);
	free(p);
}

/* The key table: each key fills its own field (no key is a prefix match of
 * another), a later line overrides, and Name, State and Pid must each have
 * given a value (an empty Name counts, an empty State or a bad Pid not). */
Test(procfs, status_keys_fill_their_fields_and_name_state_pid_are_required)
{
	struct pt_proc_status st;
	size_t len;
	char *p = exact("Name:\t\nState:\tR\nPid:\t7\nPi:\t8\nPidd:\t9\nPPid:\t6\nTgid:\t5\nTracerPid:\t4\n"
			"SigPnd:\t1\nShdPnd:\t2\nSigBlk:\t3\nSigIgn:\t4\nSigCgt:\t5\nState:\tT\nPid:\t70", &len);
	cr_assert_eq(pt_procfs_parse_status(p, len, &st), 0);
	cr_assert_str_eq(st.name, "");
	cr_assert_eq(st.state, 'T');
	cr_assert(st.pid == 70 && st.ppid == 6 && st.tgid == 5 && st.tracer_pid == 4);
	cr_assert(st.sig_pnd == 1 && st.shd_pnd == 2 && st.sig_blk == 3 && st.sig_ign == 4 && st.sig_cgt == 5);
	free(p);
	static const char *const bad[] = {
		"State:\tR\nPid:\t7\n",             /* no Name */
		"Name:\tx\nState:\t\nPid:\t7\n",    /* an empty State */
		"Name:\tx\nState:\tR\nPid:\tx7\n",  /* a Pid that is no number */
		"Name:\tx\nState:\tR\nPPid:\t7\n",  /* PPid is not Pid */
	};
	for (size_t i = 0; i < PT_N_ELEMENTS(bad); i++) {
		p = exact(bad[i], &len);
		cr_assert_eq(pt_procfs_parse_status(p, len, &st), -EINVAL, "%s", bad[i]);
		free(p);
	}
}

/* NSpid: one pid per nesting level, all or nothing, bounded. */
Test(procfs, status_nspid)
{
	struct pt_proc_status st;
	size_t len;
	char *p = exact("Name:\tsleep\nState:\tS\nPid:\t4733\nNSpid:\t4733\t12\t3\nPPid:\t4730\n", &len);
	cr_assert_eq(pt_procfs_parse_status(p, len, &st), 0);
	cr_assert_eq(st.nspid_n, 3);
	cr_assert_eq(st.nspid[0], 4733);
	cr_assert_eq(st.nspid[1], 12);
	cr_assert_eq(st.nspid[2], 3);
	cr_assert_eq(st.ppid, 4730);
	free(p);
	/* the last line, without its newline */
	p = exact("Name:\tx\nState:\tS\nPid:\t9\nNSpid:\t9 1", &len);
	cr_assert_eq(pt_procfs_parse_status(p, len, &st), 0);
	cr_assert_eq(st.nspid_n, 2);
	cr_assert_eq(st.nspid[1], 1);
	free(p);
	/* garbage, zero, negative, trailing junk: no list rather than a wrong one */
	static const char *const bad[] = {"NSpid:\t9\tx\n", "NSpid:\t9\t0\n", "NSpid:\t9\t-1\n",
					  "NSpid:\t9\t7z\n", "NSpid:\t99999999999\n", "NSpid:\n"};
	for (size_t i = 0; i < PT_N_ELEMENTS(bad); i++) {
		char text[128];
		snprintf(text, sizeof(text), "Name:\tx\nState:\tS\nPid:\t9\n%s", bad[i]);
		p = exact(text, &len);
		cr_assert_eq(pt_procfs_parse_status(p, len, &st), 0, "%s", bad[i]);
		cr_assert_eq(st.nspid_n, 0, "%s", bad[i]);
		free(p);
	}
	/* 33 levels fit (the kernel's limit), 34 do not */
	char text[512];
	int off = snprintf(text, sizeof(text), "Name:\tx\nState:\tS\nPid:\t9\nNSpid:");
	for (int i = 0; i < PT_NSPID_MAX; i++)
		off += snprintf(text + off, sizeof(text) - (size_t)off, "\t%d", 100 + i);
	p = exact(text, &len);
	cr_assert_eq(pt_procfs_parse_status(p, len, &st), 0);
	cr_assert_eq(st.nspid_n, PT_NSPID_MAX);
	cr_assert_eq(st.nspid[PT_NSPID_MAX - 1], 100 + PT_NSPID_MAX - 1);
	free(p);
	snprintf(text + off, sizeof(text) - (size_t)off, "\t7\n");
	p = exact(text, &len);
	cr_assert_eq(pt_procfs_parse_status(p, len, &st), 0);
	cr_assert_eq(st.nspid_n, 0);
	free(p);
}

Test(procfs, status_live)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
	struct pt_proc_status st;
	cr_assert_eq(pt_procfs_read_status(getpid(), &st), 0);
	cr_assert_eq(st.pid, getpid());
	cr_assert_eq(st.tgid, getpid());
	cr_assert_eq(st.ppid, getppid());
	cr_assert_geq(st.nspid_n, 1);
	cr_assert_eq(st.nspid[0], getpid());
	cr_assert_eq(st.state, 'R');
	cr_assert(st.sig_blk & (1ull << (SIGUSR1 - 1)));
	cr_assert(st.sig_ign & (1ull << (SIGUSR2 - 1)));
	cr_assert_not(st.sig_ign & (1ull << (SIGUSR1 - 1)));
}

/* ---- fdinfo / fds ---- */

Test(procfs, fdinfo_fixtures)
{
	size_t len;
	uint64_t pos;
	uint32_t flags;
	char *buf = slurp(FIX "fdinfo_file.txt", &len);
	cr_assert_eq(pt_procfs_parse_fdinfo(buf, len, &pos, &flags), 0);
	cr_assert_eq(pos, 0);
	cr_assert_eq(flags, 0100000); /* O_LARGEFILE */
	free(buf);
	buf = slurp(FIX "fdinfo_epoll.txt", &len);
	cr_assert_eq(pt_procfs_parse_fdinfo(buf, len, &pos, &flags), 0);
	cr_assert_eq(flags, 02000002);
	cr_assert(flags & O_CLOEXEC);
	free(buf);
	const char *bad[] = { "", "pos:\t1\n", "flags:\t01\n", "pos:\tx\nflags:\t01\n",
			      "pos:\t1\nflags:\t9\n", "pos:\t1\nflags:\t077777777777\n" };
	for (size_t i = 0; i < PT_N_ELEMENTS(bad); i++) {
		char *p = exact(bad[i], &len);
		cr_assert_eq(pt_procfs_parse_fdinfo(p, len, &pos, &flags), -EINVAL, "bad[%zu]", i);
		free(p);
	}
	char *p = exact("pos:\t123456789012\nflags:\t02004002", &len);
	cr_assert_eq(pt_procfs_parse_fdinfo(p, len, &pos, &flags), 0);
	cr_assert_eq(pos, 123456789012ull);
	cr_assert_eq(flags, 02004002);
	free(p);
}

Test(procfs, fds_live)
{
	int a = open("/etc/hostname", O_RDONLY);
	int b = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	int c = dup2(a, 200);
	cr_assert(a > 2 && b > 2 && c == 200);
	cr_assert_eq(lseek(b, 5, SEEK_SET), 5);
	const struct pt_fd *v;
	size_t n;
	cr_assert_eq(pt_procfs_read_fds(getpid(), &arena, 1024, &v, &n), 0);
	cr_assert_geq(n, 3);
	bool sa = false, sb = false, sc = false;
	for (size_t i = 0; i < n; i++) {
		if (i)
			cr_assert_lt(v[i - 1].fd, v[i].fd);
		cr_assert_not_null(v[i].target);
		if (v[i].fd == a) {
			sa = true;
			cr_assert_str_eq(v[i].target, "/etc/hostname");
			cr_assert_not(v[i].cloexec);
			cr_assert(v[i].leaked);
		} else if (v[i].fd == b) {
			sb = true;
			cr_assert_str_eq(v[i].target, "/etc/passwd");
			cr_assert(v[i].cloexec);
			cr_assert_not(v[i].leaked);
			cr_assert_eq(v[i].pos, 5);
		} else if (v[i].fd == c) {
			sc = true;
			cr_assert_eq(v[i].flags & O_ACCMODE, O_RDONLY);
		}
		if (v[i].fd <= 2)
			cr_assert_not(v[i].leaked);
	}
	cr_assert(sa && sb && sc);
	/* max keeps the lowest */
	cr_assert_eq(pt_procfs_read_fds(getpid(), &arena, 2, &v, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_lt(v[0].fd, v[1].fd);
	cr_assert_eq(pt_procfs_read_fds(getpid(), &arena, 0, &v, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(pt_procfs_read_fds(INT_MAX, &arena, 10, &v, &n), -ENOENT);
}

/* More fds than one 4 KB getdents64 chunk holds (about 170 entries of 24
 * bytes), some with long numbers: every one is listed, none twice, and a
 * chunk that ends just short of full does not end the listing early. */
Test(procfs, fds_across_getdents_chunks)
{
	struct rlimit rl;
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	int top = rl.rlim_cur > 100000 ? 99999 : (int)rl.rlim_cur - 1;
	cr_assert_gt(top, 1000, "needs RLIMIT_NOFILE > 1000 (is %d)", top + 1);
	int base = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(base, 0);
	enum { MANY = 600 };
	int want[MANY + 1];
	size_t nwant = 0;
	for (int i = 0; i < MANY; i++) {
		/* low numbers and the highest the limit allows: names of
		 * several lengths, so chunks end at varied offsets */
		int fd = i < MANY / 2 ? dup(base) : dup2(base, top - i);
		cr_assert_geq(fd, 0);
		want[nwant++] = fd;
	}
	const struct pt_fd *v;
	size_t n;
	cr_assert_eq(pt_procfs_read_fds_after_exec(getpid(), &arena, 100000, &v, &n), 0);
	size_t seen = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			cr_assert_lt(v[i - 1].fd, v[i].fd);
		for (size_t j = 0; j < nwant; j++)
			if (want[j] == v[i].fd) {
				cr_assert_str_eq(v[i].target, "/etc/hostname");
				seen++;
			}
	}
	cr_assert_eq(seen, nwant, "listed %zu of the %zu fds", seen, nwant);
	for (size_t j = 0; j < nwant; j++)
		close(want[j]);
	close(base);
}

/* ---- auxv ---- */

Test(procfs, auxv_live)
{
	struct pt_auxv av;
	cr_assert_eq(pt_procfs_read_auxv(getpid(), &av), 0);
	cr_assert(av.have_entry && av.have_phdr && av.have_pagesz);
	cr_assert_eq(av.entry, getauxval(AT_ENTRY));
	cr_assert_eq(av.phdr, getauxval(AT_PHDR));
	cr_assert_eq(av.phnum, getauxval(AT_PHNUM));
	cr_assert_eq(av.pagesz, (uint64_t)sysconf(_SC_PAGESIZE));
	cr_assert_eq(av.base, getauxval(AT_BASE));
	/* AT_ENTRY lies in an executable mapping of our own file */
	struct pt_maps m;
	const char *exe;
	cr_assert_eq(pt_procfs_read_maps(getpid(), &arena, &m), 0);
	cr_assert_eq(pt_procfs_readlink(getpid(), "exe", &arena, &exe), 0);
	bool found = false;
	for (size_t i = 0; i < m.n; i++)
		if (av.entry >= m.v[i].start && av.entry < m.v[i].end)
			found = (m.v[i].prot & PT_PROT_X) && !strcmp(m.v[i].path, exe);
	cr_assert(found);

	/* the captured buffer, at every length and misaligned */
	char *buf;
	size_t len;
	cr_assert_eq(pt_procfs_read_file(getpid(), "auxv", &arena, 4096, &buf, &len), 0);
	cr_assert_eq(len % 16, 0);
	for (size_t l = 0; l <= len; l++) {
		char *p = malloc(l + 1);
		memcpy(p + 1, buf, l);
		int r = pt_procfs_parse_auxv(p + 1, l, &av);
		cr_assert_eq(r, l < 16 ? -EINVAL : 0);
		free(p);
	}
}

Test(procfs, auxv_handmade)
{
	uint64_t v[] = { AT_PHDR, 0x1040, AT_PHENT, 56, AT_PHNUM, 13, AT_PAGESZ, 4096,
			 AT_BASE, 0x7f0000000000, AT_ENTRY, 0x1100, AT_NULL, 0,
			 AT_ENTRY, 0xdead }; /* after AT_NULL: ignored */
	struct pt_auxv av;
	cr_assert_eq(pt_procfs_parse_auxv(v, sizeof(v), &av), 0);
	cr_assert(av.have_entry && av.have_base && av.have_phent && av.have_phnum);
	cr_assert_eq(av.entry, 0x1100);
	cr_assert_eq(av.phdr, 0x1040);
	cr_assert_eq(av.phent, 56);
	cr_assert_eq(av.phnum, 13);
	cr_assert_eq(av.base, 0x7f0000000000ull);
	cr_assert_eq(av.pagesz, 4096);
	/* no AT_NULL, odd tail: bounded by len */
	cr_assert_eq(pt_procfs_parse_auxv(v, 5 * 16 + 7, &av), 0);
	cr_assert(av.have_base);
	cr_assert_not(av.have_entry);
	cr_assert_eq(pt_procfs_parse_auxv(v, 15, &av), -EINVAL);
	cr_assert_eq(pt_procfs_parse_auxv(NULL, 0, &av), -EINVAL);

	/* a compat (32-bit) tracee's pairs */
	uint32_t w[] = { AT_PHDR, 0x8048034, AT_PAGESZ, 4096, AT_BASE, 0xf7f00000,
			 AT_ENTRY, 0x8049000, AT_NULL, 0, AT_ENTRY, 1 };
	cr_assert_eq(pt_procfs_parse_auxv32(w, sizeof(w), &av), 0);
	cr_assert(av.have_entry && av.have_base && av.have_phdr && av.have_pagesz);
	cr_assert_eq(av.entry, 0x8049000);
	cr_assert_eq(av.base, 0xf7f00000u);
	cr_assert_eq(av.phdr, 0x8048034);
	cr_assert_eq(pt_procfs_parse_auxv32(w, 7, &av), -EINVAL);
	cr_assert_eq(pt_procfs_parse_auxv32(w, 8, &av), 0);
	cr_assert(av.have_phdr);
	cr_assert_not(av.have_entry);
}

/* ---- environ ---- */

Test(procfs, environ_parse)
{
	static const char raw[] = "A=1\0B=2\0\0NOEQ\0C=x=y\0LAST=no-nul";
	size_t len = sizeof(raw) - 1;
	char *p = malloc(len);
	memcpy(p, raw, len);
	struct pt_env e;
	cr_assert_eq(pt_procfs_parse_environ(p, len, &arena, 100, &e), 0);
	cr_assert_eq(e.n, 5);
	cr_assert_str_eq(e.v[0], "A=1");
	cr_assert_str_eq(e.v[1], "B=2");
	cr_assert_str_eq(e.v[2], "NOEQ");
	cr_assert_str_eq(e.v[3], "C=x=y");
	cr_assert_str_eq(e.v[4], "LAST=no-nul");
	cr_assert_not(e.truncated);
	cr_assert_eq(pt_procfs_parse_environ(p, len, &arena, 2, &e), 0);
	cr_assert_eq(e.n, 2);
	cr_assert(e.truncated);
	free(p);
	cr_assert_eq(pt_procfs_parse_environ(NULL, 0, &arena, 2, &e), 0);
	cr_assert_eq(e.n, 0);

	cr_assert_eq(pt_procfs_read_environ(getpid(), &arena, &e), 0);
	for (size_t i = 0; i < e.n; i++)
		cr_assert_gt(strlen(e.v[i]), 0);
}

static const struct pt_env_change *find_change(const struct pt_env_change *v, size_t n,
					       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

Test(procfs, env_diff)
{
	const char *old_env[] = { "PATH=/bin", "HOME=/root", "DUP=first", "GONE=1", "DUP=second",
				  "SAME=x", "NOEQ", "A=" };
	const char *new_env[] = { "SAME=x", "HOME=/home/u", "PATH=/bin", "NEW=v=w", "DUP=first",
				  "NOEQ", "A", "Z=" };
	const struct pt_env_change *v;
	size_t n;
	cr_assert_eq(pt_env_diff(old_env, 8, new_env, 8, &arena, &v, &n), 0);
	cr_assert_eq(n, 4);
	/* sorted by name */
	cr_assert_str_eq(v[0].name, "GONE");
	cr_assert_str_eq(v[1].name, "HOME");
	cr_assert_str_eq(v[2].name, "NEW");
	cr_assert_str_eq(v[3].name, "Z");
	cr_assert_str_eq(v[0].old_val, "1");
	cr_assert_null(v[0].new_val);
	cr_assert_str_eq(v[1].old_val, "/root");
	cr_assert_str_eq(v[1].new_val, "/home/u");
	cr_assert_null(v[2].old_val);
	cr_assert_str_eq(v[2].new_val, "v=w");
	cr_assert_null(v[3].old_val);
	cr_assert_str_eq(v[3].new_val, "");
	cr_assert_null(find_change(v, n, "DUP")); /* first DUP= counts, like getenv */
	cr_assert_null(find_change(v, n, "A"));   /* "A=" and "A" are both empty */

	cr_assert_eq(pt_env_diff(NULL, 0, NULL, 0, &arena, &v, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(pt_env_diff(old_env, 8, NULL, 0, &arena, &v, &n), 0);
	cr_assert_eq(n, 7); /* 8 entries, DUP twice */
	for (size_t i = 0; i < n; i++) {
		cr_assert_null(v[i].new_val);
		if (i)
			cr_assert_lt(strcmp(v[i - 1].name, v[i].name), 0);
	}
	cr_assert_eq(pt_env_diff(old_env, 8, old_env, 8, &arena, &v, &n), 0);
	cr_assert_eq(n, 0);
}

Test(procfs, env_diff_large)
{
	/* 50000 names each side: quadratic would take minutes. */
	enum { N = 50000 };
	char **o = malloc(N * sizeof(*o)), **w = malloc(N * sizeof(*w));
	for (int i = 0; i < N; i++) {
		o[i] = malloc(32);
		w[i] = malloc(32);
		snprintf(o[i], 32, "V%06d=%d", i, i);
		/* reversed order; every 10th value changed; last 100 renamed */
		int j = N - 1 - i;
		if (j >= N - 100)
			snprintf(w[i], 32, "W%06d=%d", j, j);
		else
			snprintf(w[i], 32, "V%06d=%d", j, j % 10 ? j : -j);
	}
	const struct pt_env_change *v;
	size_t n;
	cr_assert_eq(pt_env_diff((const char *const *)o, N, (const char *const *)w, N, &arena, &v,
			     &n), 0);
	/* changed: multiples of 10 except 0 and those renamed; removed 100; added 100 */
	size_t changed = 0;
	for (int j = 10; j < N - 100; j += 10)
		changed++;
	cr_assert_eq(n, changed + 200);
	for (int i = 0; i < N; i++) {
		free(o[i]);
		free(w[i]);
	}
	free(o);
	free(w);
}

/* ---- children and tasks (attach) ---- */

Test(procfs, children_fixture_text)
{
	pid_t v[8];
	size_t n;
	static const char kernel[] = "4242 4243 17 ";   /* as the kernel writes it */
	cr_assert_eq(pt_procfs_parse_children(kernel, sizeof(kernel) - 1, v, 8, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(v[0], 4242);
	cr_assert_eq(v[1], 4243);
	cr_assert_eq(v[2], 17);
	cr_assert_eq(pt_procfs_parse_children("", 0, v, 8, &n), 0, "no children");
	cr_assert_eq(n, 0);
	cr_assert_eq(pt_procfs_parse_children("5\n", 2, v, 8, &n), 0);
	cr_assert_eq(n, 1);
	/* the length bounds it: "12" of "123" */
	cr_assert_eq(pt_procfs_parse_children("123", 2, v, 8, &n), 0);
	cr_assert_eq(v[0], 12);
	cr_assert_eq(pt_procfs_parse_children("1 2 3 ", 6, v, 2, &n), -E2BIG);
	cr_assert_eq(n, 2, "the first max are kept");
	static const char *const bad[] = {"12x", "-4", "0", "1 a", "99999999999", "1,2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_eq(pt_procfs_parse_children(bad[i], strlen(bad[i]), v, 8, &n), -EINVAL, "'%s'", bad[i]);
}

/* What attach reads from /proc/PID/stat before seizing a process: its
 * state (a group-stopped one stays stopped, a zombie is skipped), its
 * parent and its start time, from kernel-format lines (comm with a space
 * and a ')', as a tracee may name itself). */
Test(procfs, stat_states_attach_reads)
{
	static const struct {
		const char *line;
		char state;
		const char *name;
	} v[] = {
		{"900 (ctl wait) T 899 900 1 0 -1 1077936128 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0\n", 'T', "stopped"},
		{"901 (x) y) t 900 900 1 0 -1 1077936128 0 0 0 0 0 0 0 0 20 0 1 0 778 0 0\n", 't', "tracing-stop"},
		{"902 (sh) Z 900 900 1 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 1 0 779 0 0\n", 'Z', "zombie"},
		{"903 (dd) D 1 903 1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 780 0 0\n", 'D', "disk-sleep"},
		{"904 (a) X 1 904 1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 781 0 0\n", 'X', "dead"},
	};
	for (size_t i = 0; i < PT_N_ELEMENTS(v); i++) {
		size_t len;
		char *p = exact(v[i].line, &len);
		struct pt_proc_stat st;
		cr_assert_eq(pt_procfs_parse_stat(p, len, &st), 0, "%s", v[i].line);
		cr_assert_eq(st.pid, 900 + (pid_t)i);
		cr_assert_eq(st.state, v[i].state, "%s", v[i].line);
		cr_assert_eq(st.ppid, i < 3 ? 899 + (pid_t)(i > 0) : 1, "%s", v[i].line);
		cr_assert_eq(st.starttime, 777 + i);
		cr_assert_str_eq(pt_procfs_state_name(st.state), v[i].name);
		free(p);
	}
}

Test(procfs, children_and_tasks_live)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(fds[1]);
		(void)read(fds[0], &b, 1);
		_exit(0);
	}
	pid_t v[64], tids[64];
	size_t n, nt;
	cr_assert_eq(pt_procfs_read_tasks(getpid(), tids, 64, &nt), 0);
	cr_assert_geq(nt, 1);
	bool found = false;
	for (size_t t = 0; t < nt; t++) {
		cr_assert_eq(pt_procfs_read_children(getpid(), tids[t], v, 64, &n), 0);
		for (size_t i = 0; i < n; i++)
			found |= v[i] == c;
	}
	cr_assert(found, "child %d not listed", (int)c);
	close(fds[1]);
	close(fds[0]);
	int st;
	waitpid(c, &st, 0);
	cr_assert_eq(pt_procfs_read_tasks(c, tids, 64, &nt), -ENOENT, "a reaped process has no task dir");
	cr_assert_str_eq(pt_procfs_state_name('T'), "stopped");
	cr_assert_str_eq(pt_procfs_state_name('S'), "sleeping");
	cr_assert_str_eq(pt_procfs_state_name('?'), "unknown");
}
