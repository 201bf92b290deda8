/* Where the time went: the exit events' rusage in the views (the tree's
 * CPU and RSS columns, the stats' top lists and CPU per program), the
 * critical path (report --format critical-path, the stats line, the
 * Chrome slices and the SVG outlines) on hand-written logs whose answer
 * is known, and the compilation database (report --format compdb) of a
 * real make build, compared with bear's when bear is installed. */
#include "support.h"

#include "model.h"
#include "pt/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(insight, .fini = pt_t_cleanup);

struct res {
	int code;
	char *out, *err;
};

/* Runs argv (argv[0] a path) in dir (NULL: here) with stdout and stderr
 * captured. */
static void run_in(struct res *r, const char *dir, const char *const *argv)
{
	static unsigned n;
	char name[32];
	snprintf(name, sizeof(name), "i-out%u", n);
	const char *out = pt_t_scratch(name);
	snprintf(name, sizeof(name), "i-err%u", n++);
	const char *err = pt_t_scratch(name);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 || (dir && chdir(dir) < 0))
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
	r->out = pt_t_read_file(out, NULL);
	r->err = pt_t_read_file(err, NULL);
	cr_assert(r->out && r->err);
}

static void report(struct res *r, const char *format, const char *log)
{
	run_in(r, NULL, ARGS(PT_TOOL, "report", "--format", format, log));
	cr_assert_eq(r->code, 0, "report --format %s %s: exit %d: %s", format, log, r->code, r->err);
}

static void res_free(struct res *r)
{
	free(r->out);
	free(r->err);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

static const char *log_file(const char *name, const char *text)
{
	const char *path = pt_t_scratch(name);
	write_file(path, text);
	return path;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#define START(pid, prog) \
	"{\"ev\":\"start\",\"ts\":0,\"pid\":" #pid ",\"tgid\":" #pid ",\"version\":1,\"tool\":\"ptrace-tour t\"," \
	"\"realtime_ns\":0,\"argv\":[\"" prog "\"],\"seccomp\":true}\n"
#define EXEC(ts, pid, prog) \
	"{\"ev\":\"exec\",\"ts\":" #ts ",\"pid\":" #pid ",\"tgid\":" #pid ",\"path\":\"/bin/" prog "\",\"argv\":[\"" prog \
	"\"],\"syscall\":\"execve\"}\n"
#define SPAWN(ts, pid, child) \
	"{\"ev\":\"spawn\",\"ts\":" #ts ",\"pid\":" #pid ",\"tgid\":" #pid ",\"child\":" #child ",\"kind\":\"fork\"}\n"
#define RU(cpu, rss) \
	",\"rusage\":{\"utime_ns\":" #cpu ",\"stime_ns\":0,\"maxrss_kb\":" #rss ",\"minflt\":1,\"majflt\":0,\"nvcsw\":1," \
	"\"nivcsw\":1}"
#define EXIT(ts, pid, ru) \
	"{\"ev\":\"exit\",\"ts\":" #ts ",\"pid\":" #pid ",\"tgid\":" #pid ",\"how\":\"exit_group\",\"exited\":0" ru "}\n"
#define REAP(ts, by, child) \
	"{\"ev\":\"reap\",\"ts\":" #ts ",\"pid\":" #child ",\"tgid\":" #child ",\"child\":" #child ",\"by\":" #by \
	",\"autoreap\":false,\"zombie_ns\":1}\n"
#define END(ts, pid) \
	"{\"ev\":\"end\",\"ts\":" #ts ",\"pid\":" #pid ",\"tgid\":" #pid ",\"status\":0,\"root\":{\"exited\":0}," \
	"\"interrupted\":false,\"stops\":1}\n"

/* make runs cc a.c (1-4 s), then cc b.c (4-9 s), whose cc1 runs 5-8 s;
 * make ends at 10 s.  Each rusage includes the reaped children's, as the
 * kernel's does: make's own CPU is 6.4 - 2.5 - 3.1 = 0.8 s. */
static const char seq_log[] = START(100, "make") EXEC(1000, 100, "make")
	SPAWN(1000000000, 100, 101) EXEC(1000001000, 101, "cc")
	EXIT(4000000000, 101, RU(2500000000, 30000)) REAP(4000100000, 100, 101)
	SPAWN(4000200000, 100, 102) EXEC(4000300000, 102, "cc")
	SPAWN(5000000000, 102, 103) EXEC(5000100000, 103, "cc1")
	EXIT(8000000000, 103, RU(2900000000, 90000)) REAP(8000100000, 102, 103)
	EXIT(9000000000, 102, RU(3100000000, 90000)) REAP(9000100000, 100, 102)
	EXIT(10000000000, 100, RU(6400000000, 90000)) END(10000200000, 100);

/* make starts long (1-9 s) and short (1-3 s) together, but waits for long
 * first: short is reaped late, last, yet long is what held make up. */
static const char par_log[] = START(200, "make") EXEC(1000, 200, "make")
	SPAWN(1000000000, 200, 201) EXEC(1000001000, 201, "long")
	SPAWN(1000002000, 200, 202) EXEC(1000003000, 202, "short")
	EXIT(3000000000, 202, "") EXIT(9000000000, 201, "")
	REAP(9000100000, 200, 201) REAP(9000200000, 200, 202)
	EXIT(10000000000, 200, "") END(10000300000, 200);

/* sh runs daemonize (1-2 s), which leaves bg behind, reparented to init;
 * bg ends at 20 s, long after everyone: it did not hold anyone up. */
static const char orphan_log[] = START(300, "sh") EXEC(1000, 300, "sh")
	SPAWN(1000000000, 300, 301) EXEC(1000001000, 301, "daemonize")
	SPAWN(1500000000, 301, 302) EXEC(1500001000, 302, "bg")
	EXIT(2000000000, 301, "") REAP(2000100000, 300, 301)
	"{\"ev\":\"reparent\",\"ts\":2000000500,\"pid\":302,\"tgid\":302,\"from\":301,\"to\":1}\n"
	EXIT(5000000000, 300, "") EXIT(20000000000, 302, "") REAP(20000000100, null, 302) END(20000000200, 300);

struct path_case {
	const char *name, *log, *chain;
	int pids[4];
};

static const struct path_case cases[] = {
	{"sequential", seq_log, "make 10.000s → cc 5.000s (50 %) → cc1 3.000s (30 %)", {100, 102, 103}},
	{"parallel", par_log, "make 10.000s → long 8.000s (80 %)", {200, 201}},
	{"orphan", orphan_log, "sh 5.000s → daemonize 1.000s (20 %)", {300, 301}},
};

Test(insight, critical_path_of_known_trees)
{
	for (size_t i = 0; i < PT_N_ELEMENTS(cases); i++) {
		const struct path_case *c = &cases[i];
		const char *log = log_file(c->name, c->log);
		struct res r;
		char want[160];
		snprintf(want, sizeof(want), "critical path: %s\n", c->chain);
		report(&r, "critical-path", log);
		cr_assert(!strncmp(r.out, want, strlen(want)), "%s: want %s got:\n%s", c->name, want, r.out);
		res_free(&r);
		report(&r, "stats", log);
		cr_assert(strstr(r.out, want), "%s: the stats have no line %s:\n%s", c->name, want, r.out);
		res_free(&r);
		/* Chrome: one critical slice per link, on that link's track */
		size_t n = 0;
		while (n < 4 && c->pids[n])
			n++;
		report(&r, "chrome", log);
		cr_assert_eq(count(r.out, "\"cat\":\"critical\""), n, "%s:\n%s", c->name, r.out);
		for (size_t k = 0; k < n; k++) {
			char slice[96];
			snprintf(slice, sizeof(slice), "\"cat\":\"critical\",\"pid\":%d,", c->pids[k]);
			cr_assert(strstr(r.out, slice), "%s: no critical slice for %d", c->name, c->pids[k]);
		}
		res_free(&r);
		report(&r, "svg", log);
		cr_assert_eq(count(r.out, "<rect class=\"critical\""), n, "%s", c->name);
		cr_assert_eq(count(r.out, "| on the critical path</title>"), n, "%s", c->name);
		res_free(&r);
	}
}

/* The orphan: not on the path even though it ended last of all. */
Test(insight, an_orphan_that_outlives_everyone_is_not_on_the_path)
{
	struct res r;
	report(&r, "critical-path", log_file("orphan2", orphan_log));
	cr_assert_null(strstr(r.out, "bg"), "%s", r.out);
	res_free(&r);
}

Test(insight, rusage_columns_and_top_lists)
{
	const char *log = log_file("seq", seq_log);
	struct res r;
	report(&r, "tree", log);
	/* own CPU: the figure minus the reaped children's; a process whose
	 * peak equals a reaped child's has only a bound */
	cr_assert(strstr(r.out, "cpu  800.0ms  rss  ≤87.9M"), "%s", r.out);
	cr_assert(strstr(r.out, "cpu  200.0ms  rss  ≤87.9M"), "%s", r.out);
	cr_assert(strstr(r.out, "cpu   2.900s  rss   87.9M"), "%s", r.out);
	cr_assert(strstr(r.out, "cpu   2.500s  rss   29.3M"), "%s", r.out);
	res_free(&r);
	report(&r, "stats", log);
	const char *top = strstr(r.out, "top processes by own CPU");
	cr_assert(top, "%s", r.out);
	/* cc1 first (2.9 s), then cc a.c (2.5 s) */
	const char *l1 = strchr(strchr(top, '\n') + 1, '\n') + 1;
	cr_assert(!strncmp(l1, "103  cc1", 8), "%s", top);
	cr_assert(strstr(r.out, "top processes by wall time"));
	cr_assert(strstr(r.out, "top processes by peak RSS"));
	cr_assert(strstr(r.out, "cc           2     2.700s    1.350s   2.500s"), "CPU per program:\n%s", r.out);
	res_free(&r);
	report(&r, "chrome", log);
	cr_assert(strstr(r.out, "\"args\":{\"cpu_own_ns\":800000000,\"utime_ns\":6400000000,"), "%s", r.out);
	res_free(&r);
	report(&r, "svg", log);
	cr_assert(strstr(r.out, "| cpu 800.0ms (8% of its wall time), peak rss ≤87.9M"), "%s", r.out);
	res_free(&r);
	/* a log without rusage: no such columns */
	report(&r, "tree", log_file("par", par_log));
	cr_assert_null(strstr(r.out, "cpu "), "%s", r.out);
	res_free(&r);
}

/* ---- the compilation database of a real make build ---- */

static const char makefile[] =
	"CC = cc\n"
	"all: app util_dbg.o tool sub\n"
	"app: main.o util.o\n\t$(CC) -o app main.o util.o\n"
	"main.o: main.c\n\t$(CC) -O2 -c main.c -o main.o\n"
	"util.o: util.c\n\t$(CC) -O2 -DNDEBUG -c util.c -o util.o\n"
	"util_dbg.o: util.c\n\t$(CC) -O0 -g -c util.c -o util_dbg.o\n"
	"tool: tool.c\n\t$(CC) -O1 -o tool tool.c\n"
	"sub:\n\t$(MAKE) -s -C sub\n"
	"clean:\n\trm -f app tool *.o sub/*.o\n"
	".PHONY: all sub clean\n";

/* A project of several files, one compiled twice with different flags, a
 * source on a link line, and a subdirectory built with make -C whose
 * flags come from a response file. */
static const char *make_project(const char *name)
{
	const char *dir = pt_t_scratch(name);
	char p[512];
	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
#define PUT(file, text) (snprintf(p, sizeof(p), "%s/%s", dir, file), write_file(p, text))
	PUT("Makefile", makefile);
	PUT("main.c", "int util(void);\nint main(void) { return util(); }\n");
	PUT("util.c", "int util(void) { return 0; }\n");
	PUT("tool.c", "int main(void) { return 0; }\n");
	PUT("sub/Makefile", "lib.o: lib.c\n\tgcc @flags.rsp -c lib.c -o lib.o\n");
	PUT("sub/flags.rsp", "-DFROM_RSP '-DNAME=a b'\n-O1\n");
	PUT("sub/lib.c", "#ifndef FROM_RSP\n#error the response file was not used\n#endif\nint lib(void) { return 0; }\n");
#undef PUT
	return dir;
}

static json_object *find_entry(json_object *db, const char *dir_suffix, const char *file, const char *arg)
{
	for (size_t i = 0; i < json_object_array_length(db); i++) {
		json_object *e = json_object_array_get_idx(db, i);
		const char *d = pt_t_str(e, "directory"), *f = pt_t_str(e, "file");
		size_t dl = strlen(d), sl = strlen(dir_suffix);
		if (dl < sl || strcmp(d + dl - sl, dir_suffix) || strcmp(f, file))
			continue;
		json_object *a = pt_t_get(e, "arguments");
		for (size_t k = 0; arg && k < json_object_array_length(a); k++)
			if (!strcmp(json_object_get_string(json_object_array_get_idx(a, k)), arg))
				return e;
		if (!arg)
			return e;
	}
	return NULL;
}

static json_object *traced_build(const char *dir, const char *logname)
{
	const char *log = pt_t_scratch(logname);
	struct res r;
	run_in(&r, dir, ARGS(PT_TOOL, "-q", "--log", log, "--", "make", "-s"));
	cr_assert_eq(r.code, 0, "the traced build failed: %s", r.err);
	res_free(&r);
	report(&r, "compdb", log);
	json_object *db = json_tokener_parse(r.out);
	cr_assert(db && json_object_is_type(db, json_type_array), "compdb is not a JSON array:\n%s", r.out);
	cr_assert_str_eq(r.err, "", "no warning for a build whose files are all there");
	res_free(&r);
	return db;
}

Test(insight, compdb_of_a_make_build)
{
	const char *dir = make_project("proj");
	json_object *db = traced_build(dir, "proj.jsonl");
	/* main.c, util.c twice, tool.c, sub/lib.c; no cc1, as, collect2, ld */
	cr_assert_eq(json_object_array_length(db), 5, "%s", pt_t_json(db));
	json_object *e = find_entry(db, "/proj", "main.c", "-O2");
	cr_assert(e, "%s", pt_t_json(db));
	cr_assert_str_eq(pt_t_str(e, "output"), "main.o");
	cr_assert(find_entry(db, "/proj", "util.c", "-DNDEBUG"), "util.c with -O2 -DNDEBUG");
	cr_assert(find_entry(db, "/proj", "util.c", "-g"), "util.c again with -O0 -g");
	e = find_entry(db, "/proj", "tool.c", "-O1");
	cr_assert(e, "a source on a link line");
	cr_assert_str_eq(pt_t_str(e, "output"), "tool");
	/* make -C: the compiler's cwd is the subdirectory; @flags.rsp expanded */
	e = find_entry(db, "/proj/sub", "lib.c", "-DNAME=a b");
	cr_assert(e, "the response file's arguments, quotes undone: %s", pt_t_json(db));
	cr_assert(find_entry(db, "/proj/sub", "lib.c", "-DFROM_RSP"));
	cr_assert_null(find_entry(db, "/proj/sub", "lib.c", "@flags.rsp"));
	for (size_t i = 0; i < json_object_array_length(db); i++) {
		const char *a0 = pt_t_str(json_object_array_get_idx(db, i), "arguments.0");
		cr_assert(a0 && (!strcmp(a0, "cc") || !strcmp(a0, "gcc")), "a driver only: %s", a0 ? a0 : "?");
	}
	json_object_put(db);

	/* The response file removed since: the argument stays, with a warning. */
	char rsp[512];
	snprintf(rsp, sizeof(rsp), "%s/sub/flags.rsp", dir);
	cr_assert_eq(unlink(rsp), 0);
	struct res r;
	report(&r, "compdb", pt_t_scratch("proj.jsonl"));
	db = json_tokener_parse(r.out);
	cr_assert(db);
	cr_assert(find_entry(db, "/proj/sub", "lib.c", "@flags.rsp"), "%s", r.out);
	cr_assert(strstr(r.err, "1 response file could not be read (@flags.rsp"), "%s", r.err);
	json_object_put(db);
	res_free(&r);
}

/* bear (an LD_PRELOAD tool) on the same build: the same (directory, file)
 * entries with the same arguments, up to what bear writes differently:
 * argv[0] as a full path, "-o X" moved before the source, "-c" added to a
 * link line, and @file left unexpanded. */
static char *norm_args(json_object *e, bool drop_c)
{
	json_object *a = pt_t_get(e, "arguments");
	size_t n = json_object_array_length(a);
	const char **v = calloc(n + 1, sizeof(*v));
	cr_assert(v);
	size_t k = 0;
	for (size_t i = 1; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));
		if (drop_c && !strcmp(s, "-c"))
			continue;
		v[k++] = s;
	}
	/* sorted: the order of the options is bear's own */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j && strcmp(v[j - 1], v[j]) > 0; j--) {
			const char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	const char *a0 = json_object_get_string(json_object_array_get_idx(a, 0));
	const char *base = strrchr(a0, '/') ? strrchr(a0, '/') + 1 : a0;
	size_t len = strlen(base) + 2;
	for (size_t i = 0; i < k; i++)
		len += strlen(v[i]) + 1;
	char *out = malloc(len);
	cr_assert(out);
	strcpy(out, base);
	for (size_t i = 0; i < k; i++) {
		strcat(out, " ");
		strcat(out, v[i]);
	}
	free(v);
	return out;
}

static char *entry_key(json_object *e, bool drop_c)
{
	const char *d = pt_t_str(e, "directory"), *f = pt_t_str(e, "file");
	char *args = norm_args(e, drop_c), *key;
	if (f[0] == '/')
		cr_assert(asprintf(&key, "%s|%s|%s", d, f, args) > 0);
	else
		cr_assert(asprintf(&key, "%s|%s/%s|%s", d, d, f, args) > 0);
	free(args);
	return key;
}

Test(insight, compdb_matches_bear)
{
	if (access("/usr/bin/bear", X_OK) != 0)
		cr_skip_test("bear is not installed (apt-get install bear): no comparison");
	const char *dir = make_project("projb");
	json_object *ours = traced_build(dir, "projb.jsonl");
	struct res r;
	run_in(&r, dir, ARGS("make", "-s", "clean"));
	cr_assert_eq(r.code, 0);
	res_free(&r);
	const char *out = pt_t_scratch("bear.json");
	run_in(&r, dir, ARGS("bear", "--output", out, "--", "make", "-s"));
	cr_assert_eq(r.code, 0, "bear: %s", r.err);
	res_free(&r);
	char *text = pt_t_read_file(out, NULL);
	json_object *theirs = text ? json_tokener_parse(text) : NULL;
	free(text);
	cr_assert(theirs && json_object_is_type(theirs, json_type_array), "bear wrote no database");
	size_t n = json_object_array_length(ours);
	cr_assert_eq(json_object_array_length(theirs), n, "ours %s\nbear %s", pt_t_json(ours), pt_t_json(theirs));
	for (size_t i = 0; i < n; i++) {
		json_object *b = json_object_array_get_idx(theirs, i);
		char *bk = entry_key(b, true);
		bool found = false;
		for (size_t j = 0; j < n && !found; j++) {
			char *ok = entry_key(json_object_array_get_idx(ours, j), true);
			found = !strcmp(ok, bk);
			free(ok);
		}
		/* bear keeps the @file: ours has its contents instead */
		if (strstr(bk, "@flags.rsp"))
			cr_assert(!found && find_entry(ours, "/projb/sub", "lib.c", "-DFROM_RSP"), "%s", bk);
		else
			cr_assert(found, "bear's entry %s is not ours:\n%s", bk, pt_t_json(ours));
		free(bk);
	}
	json_object_put(ours);
	json_object_put(theirs);
}

Test(insight, compiler_driver_names)
{
	static const char *const yes[] = {"gcc", "g++", "cc", "c++", "clang", "clang++", "gcc-12", "clang-16",
					  "clang++-16", "x86_64-linux-gnu-gcc", "x86_64-linux-gnu-gcc-12",
					  "arm-none-eabi-g++", "aarch64-linux-gnu-c++"};
	static const char *const no[] = {"cc1", "cc1plus", "as", "collect2", "ld", "ld.bfd", "gcc-ar", "gcc-nm-12",
					 "clang-format", "c++filt", "lto-wrapper", "make", "ccache", "x86_64-linux-gnu-ld"};
	for (size_t i = 0; i < PT_N_ELEMENTS(yes); i++)
		cr_expect(pt_compdb_is_driver(yes[i]), "%s is a driver", yes[i]);
	for (size_t i = 0; i < PT_N_ELEMENTS(no); i++)
		cr_expect(!pt_compdb_is_driver(no[i]), "%s is not a driver", no[i]);
}
