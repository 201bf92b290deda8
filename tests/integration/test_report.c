/* Issue "trace logs people can use": `ptrace-tour report` renders frozen
 * logs (tests/fixtures/logs/) exactly as the golden files say, re-emits
 * them byte for byte as jsonl, writes Chrome JSON that parses with one
 * process_name per process and one flow per fork, and SVG that is
 * well-formed XML; a live trace's --summary and --export give what report
 * gives on its log (one code path); the Chrome and SVG views show, per
 * process, the tracks, bars and marks the log calls for, counted from the
 * log itself (so regenerating a golden file cannot hide a regression);
 * malformed and cut logs give the promised messages and exit codes; 10,000
 * processes render quickly.
 *
 * PT_UPDATE_GOLDEN=1 rewrites the golden files from the current output
 * (then review the diff: docs/report.md). */
#include "support.h"
#include "pt/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define LOGS PT_FIXTURES "/logs"

TestSuite(report, .fini = pt_t_cleanup);

struct res {
	int code;               /* exit code, or -signal */
	char *out, *err;
	size_t out_len, err_len;
};

static void res_free(struct res *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Seconds the next tool() runs may take before SIGALRM ends them (0: none). */
static unsigned tool_alarm;

/* Runs `ptrace-tour args...` with stdout and stderr captured. */
static void tool(struct res *r, const char *const *args)
{
	static unsigned n;
	char name[32];
	snprintf(name, sizeof(name), "out%u", n);
	const char *out = pt_t_scratch(name);
	snprintf(name, sizeof(name), "err%u", n++);
	const char *err = pt_t_scratch(name);
	const char *argv[32] = {PT_TOOL};
	size_t k = 1;
	for (; args[k - 1] && k < 31; k++)
		argv[k] = args[k - 1];
	argv[k] = NULL;
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		if (tool_alarm)
			alarm(tool_alarm);
		execv(PT_TOOL, (char *const *)argv);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	memset(r, 0, sizeof(*r));
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
	r->out = pt_t_read_file(out, &r->out_len);
	r->err = pt_t_read_file(err, &r->err_len);
	cr_assert(r->out && r->err);
}

static void write_file(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	cr_assert_eq(fwrite(s, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* Fails with the first differing line, so a golden mismatch is readable. */
static void assert_same_text(const char *what, const char *got, size_t got_len, const char *want, size_t want_len)
{
	if (got_len == want_len && !memcmp(got, want, got_len))
		return;
	size_t line = 1, i = 0;
	while (i < got_len && i < want_len && got[i] == want[i])
		line += got[i++] == '\n';
	size_t g0 = i, w0 = i;
	while (g0 && got[g0 - 1] != '\n')
		g0--;
	while (w0 && want[w0 - 1] != '\n')
		w0--;
	int gl = (int)(strcspn(got + g0, "\n") < 300 ? strcspn(got + g0, "\n") : 300);
	int wl = (int)(strcspn(want + w0, "\n") < 300 ? strcspn(want + w0, "\n") : 300);
	cr_assert_fail("%s differs at line %zu:\n  got:  %.*s\n  want: %.*s", what, line, gl, got + g0, wl, want + w0);
}

/* report [extra] --format fmt LOGS/log must print LOGS/golden. */
static void golden(const char *log, const char *fmt, const char *extra, const char *gold)
{
	char log_path[512], gold_path[512];
	struct res r;
	snprintf(log_path, sizeof(log_path), "%s/%s", LOGS, log);
	snprintf(gold_path, sizeof(gold_path), "%s/%s", LOGS, gold);
	if (extra)
		tool(&r, ARGS("report", extra, "--format", fmt, log_path));
	else
		tool(&r, ARGS("report", "--format", fmt, log_path));
	cr_assert_eq(r.code, 0, "report --format %s %s: exit %d: %s", fmt, log, r.code, r.err);
	cr_assert_eq(r.err_len, 0, "report --format %s %s: stderr: %s", fmt, log, r.err);
	if (getenv("PT_UPDATE_GOLDEN")) {
		write_file(gold_path, r.out, r.out_len);
		res_free(&r);
		return;
	}
	size_t want_len;
	char *want = pt_t_read_file(gold_path, &want_len);
	cr_assert(want, "no golden %s (PT_UPDATE_GOLDEN=1 writes it)", gold_path);
	assert_same_text(gold, r.out, r.out_len, want, want_len);
	free(want);
	res_free(&r);
}

static const struct {
	const char *fmt, *ext;
} views[] = {
	{"tree", "tree"}, {"stats", "stats"}, {"chrome", "chrome.json"}, {"dot", "dot"}, {"svg", "svg"},
};

static void goldens(const char *name)
{
	char log[128], gold[128];
	snprintf(log, sizeof(log), "%s.jsonl", name);
	for (size_t i = 0; i < PT_N_ELEMENTS(views); i++) {
		snprintf(gold, sizeof(gold), "%s.%s", name, views[i].ext);
		golden(log, views[i].fmt, NULL, gold);
	}
}

Test(report, golden_lifecycle)
{
	goldens("lifecycle");
	golden("lifecycle.jsonl", "tree", "--threads", "lifecycle.threads.tree");
}

Test(report, golden_shell)
{
	goldens("shell");
}

Test(report, golden_make)
{
	goldens("make");
}

/* jsonl goes through the writer: reading a log and writing it again must
 * give the same bytes (exec anatomy, stacks, non-UTF-8 bytes included). */
Test(report, jsonl_reproduces_the_fixture_logs)
{
	static const char *const logs[] = {"lifecycle.jsonl", "shell.jsonl", "make.jsonl"};
	for (size_t i = 0; i < PT_N_ELEMENTS(logs); i++) {
		char path[512];
		size_t len;
		struct res r;
		snprintf(path, sizeof(path), "%s/%s", LOGS, logs[i]);
		char *log = pt_t_read_file(path, &len);
		cr_assert(log);
		tool(&r, ARGS("report", "--format", "jsonl", path));
		cr_assert_eq(r.code, 0, "%s", r.err);
		assert_same_text(logs[i], r.out, r.out_len, log, len);
		free(log);
		res_free(&r);
	}
}

/* ---- structure checks, on any log ---- */

/* Processes (the root and every spawn that is not a thread) and forks. */
static void count_log(const char *log, size_t *procs, size_t *forks)
{
	FILE *f = fopen(log, "r");
	char *line = NULL;
	size_t cap = 0;
	cr_assert(f, "%s", log);
	*procs = *forks = 0;
	while (getline(&line, &cap, f) > 0) {
		json_object *e = json_tokener_parse(line);
		if (!e)
			continue;
		if (pt_t_is(e, "start"))
			++*procs;
		if (pt_t_is(e, "spawn") && strcmp(pt_t_str(e, "kind") ? pt_t_str(e, "kind") : "", "thread")) {
			++*procs;
			++*forks;
		}
		json_object_put(e);
	}
	free(line);
	fclose(f);
}


/* What the log says about each process, read from the JSONL here and not
 * through src/report/model.c: what every graphical view must show of it.  A
 * regenerated golden file cannot hide a process, a bar or a mark that went
 * missing, since these counts do not come from the golden files. */
struct lexec {
	uint64_t ts;
	char *path;
};

struct lproc {
	int pid;
	long parent;            /* index of the parent process, -1 for the root */
	uint64_t t_start, first_exec;
	struct lexec *execs;
	size_t nexec, nthreads, nkids, nsig, nsigchld, nstop, ncont, nfailed;
	bool exited, killed, reparented;
};

struct lsum {
	struct lproc *p;        /* in order of creation: start, then the spawns */
	size_t n, cap;
	int32_t *idx;           /* pid -> 1 + index in p, 0 if none */
	uint64_t t_end;         /* the end event's ts, or the last ts */
	json_object *argv;      /* the start event's argv (owned) */
};

#define PID_LIMIT 4194304   /* PID_MAX_LIMIT on 64-bit Linux */

static struct lproc *lsum_proc(const struct lsum *s, int64_t pid)
{
	cr_assert(pid > 0 && pid <= PID_LIMIT, "pid %lld out of range", (long long)pid);
	return s->idx[pid] ? &s->p[s->idx[pid] - 1] : NULL;
}

static struct lproc *lsum_add(struct lsum *s, int64_t pid, long parent, uint64_t ts)
{
	cr_assert(!lsum_proc(s, pid), "pid %lld reused within the log: the checks below assume it is not",
		  (long long)pid);
	if (s->n == s->cap) {
		/* geometric: 10,000 processes, and ASan's realloc always copies */
		s->cap = s->cap ? 2 * s->cap : 64;
		s->p = realloc(s->p, s->cap * sizeof(*s->p));
		cr_assert(s->p);
	}
	struct lproc *p = &s->p[s->n];
	memset(p, 0, sizeof(*p));
	p->pid = (int)pid;
	p->parent = parent;
	p->t_start = ts;
	p->first_exec = UINT64_MAX;
	s->idx[pid] = (int32_t)++s->n;
	return p;
}

/* The process an event is about (its tgid); the log must have started it. */
static struct lproc *lsum_of(struct lsum *s, json_object *e, size_t line)
{
	struct lproc *p = lsum_proc(s, pt_t_tgid(e));
	cr_assert(p, "line %zu: an event of process %d, which no start or spawn made", line, (int)pt_t_tgid(e));
	return p;
}

static void lsum_read(struct lsum *s, const char *log)
{
	FILE *f = fopen(log, "r");
	char *line = NULL;
	size_t cap = 0, no = 0;
	cr_assert(f, "%s", log);
	memset(s, 0, sizeof(*s));
	s->idx = calloc(PID_LIMIT + 1, sizeof(*s->idx));
	cr_assert(s->idx);
	while (getline(&line, &cap, f) > 0) {
		json_object *e = json_tokener_parse(line);
		no++;
		if (!e)
			continue;
		uint64_t ts = (uint64_t)pt_t_int(e, "ts", 0);
		if (ts > s->t_end)
			s->t_end = ts;
		const char *kind = pt_t_kind(e);
		struct lproc *p;
		if (!strcmp(kind, "start")) {
			lsum_add(s, pt_t_pid(e), -1, ts);
			s->argv = json_object_get(pt_t_get(e, "argv"));
		} else if (!strcmp(kind, "spawn")) {
			p = lsum_of(s, e, no);
			const char *k = pt_t_str(e, "kind");
			if (k && !strcmp(k, "thread")) {
				p->nthreads++;
			} else {
				p->nkids++;
				lsum_add(s, pt_t_int(e, "child", -1), p - s->p, ts);
			}
		} else if (!strcmp(kind, "exec")) {
			p = lsum_of(s, e, no);
			p->execs = realloc(p->execs, (p->nexec + 1) * sizeof(*p->execs));
			cr_assert(p->execs);
			const char *path = pt_t_str(e, "path");
			p->execs[p->nexec++] = (struct lexec){ts, strdup(path ? path : "")};
			if (p->first_exec == UINT64_MAX)
				p->first_exec = ts;
			/* the leader's "exit" before a non-leader thread's exec did
			 * not end the process */
			p->exited = p->killed = false;
		} else if (!strcmp(kind, "exec_failed")) {
			lsum_of(s, e, no)->nfailed++;
		} else if (!strcmp(kind, "signal")) {
			p = lsum_of(s, e, no);
			p->nsig++;
			p->nsigchld += pt_t_str(e, "sig") && !strcmp(pt_t_str(e, "sig"), "SIGCHLD");
		} else if (!strcmp(kind, "stopped")) {
			lsum_of(s, e, no)->nstop++;
		} else if (!strcmp(kind, "continued")) {
			lsum_of(s, e, no)->ncont++;
		} else if (!strcmp(kind, "exit") && pt_t_pid(e) == pt_t_tgid(e)) {
			p = lsum_of(s, e, no);
			p->exited = true;
			p->killed = pt_t_has(e, "signaled");
		} else if (!strcmp(kind, "reparent")) {
			lsum_of(s, e, no)->reparented = true;
		} else if (!strcmp(kind, "end")) {
			s->t_end = ts;
		}
		json_object_put(e);
	}
	free(line);
	fclose(f);
	cr_assert(s->n > 0, "%s: no process", log);
}

static void lsum_free(struct lsum *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->p[i].nexec; k++)
			free(s->p[i].execs[k].path);
		free(s->p[i].execs);
	}
	free(s->p);
	free(s->idx);
	json_object_put(s->argv);
	memset(s, 0, sizeof(*s));
}

/* Does the process get a bar for the time before its first exec? */
static bool pre_exec_bar(const struct lproc *p)
{
	return !p->nexec || p->first_exec > p->t_start;
}

/* A Chrome "ts"/"dur" (µs with the ns kept as 3 decimals) in ns. */
static uint64_t chrome_ns(json_object *e, const char *key)
{
	json_object *v = pt_t_get(e, key);
	cr_assert(v, "no %s in %s", key, pt_t_json(e));
	double us = json_object_get_double(v);
	cr_assert(us >= 0, "%s < 0 in %s", key, pt_t_json(e));
	return (uint64_t)llround(us * 1000.0);
}

struct cproc {
	size_t names, xexec, xfork, xzombie, xthread, iexit, isig, istop, icont, ifailed, irep, fs, ff;
};

static bool has_prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

static void check_chrome(const char *log, const struct lsum *lsp)
{
	struct res r;
	const struct lsum ls = *lsp;   /* a shallow copy, read only */
	size_t procs, forks, names = 0, s = 0, f = 0;
	count_log(log, &procs, &forks);
	cr_assert_eq(ls.n, procs);
	tool(&r, ARGS("report", "--format", "chrome", log));
	cr_assert_eq(r.code, 0, "%s", r.err);
	json_object *top = json_tokener_parse(r.out);
	cr_assert(top, "the Chrome trace of %s does not parse", log);
	json_object *evs = pt_t_get(top, "traceEvents");
	cr_assert(evs && json_object_is_type(evs, json_type_array));
	cr_assert_str_eq(pt_t_str(top, "displayTimeUnit"), "ms");
	cr_assert(has_prefix(pt_t_str(top, "otherData.tool"), "ptrace-tour "), "otherData.tool: %s", pt_t_json(top));
	cr_assert(json_object_equal(pt_t_get(top, "otherData.argv"), ls.argv), "otherData.argv is not the start's argv");
	size_t n = json_object_array_length(evs);
	/* flow ids: +1 per "s", +1000 per "f"; each must end at 1001 */
	int *ids = calloc(n + 1, sizeof(*ids));
	struct cproc *cp = calloc(ls.n, sizeof(*cp));
	cr_assert(ids && cp);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(evs, i);
		const char *ph = pt_t_str(e, "ph");
		cr_assert(ph && pt_t_has(e, "pid") && pt_t_has(e, "tid"), "event %zu: %s", i, pt_t_json(e));
		/* every track is a process of the log: nothing invented */
		struct lproc *p = lsum_proc(&ls, pt_t_int(e, "pid", -1));
		cr_assert(p, "%s: event %zu is about a process not in the log: %s", log, i, pt_t_json(e));
		size_t pi = (size_t)(p - ls.p);
		struct cproc *c = &cp[pi];
		const char *name = pt_t_str(e, "name"), *cat = pt_t_str(e, "cat");
		cr_assert(name, "event %zu has no name: %s", i, pt_t_json(e));
		if (!strcmp(ph, "M") && !strcmp(name, "process_name")) {
			char want[32];
			snprintf(want, sizeof(want), "%d ", (int)pt_t_int(e, "pid", -1));
			cr_assert(!strncmp(pt_t_str(e, "args.name"), want, strlen(want)), "'PID comm': %s", pt_t_json(e));
			/* one track per process, in the order the log made them */
			cr_assert_eq(pi, names, "%s: process_name of %d comes %zu-th, the log made it %zu-th", log,
				     p->pid, names, pi);
			names++;
			c->names++;
			continue;
		}
		if (!strcmp(ph, "M"))
			continue;
		uint64_t ts = chrome_ns(e, "ts");
		cr_assert(ts >= p->t_start && ts <= ls.t_end, "%s: ts %llu ns outside %d's life [%llu, %llu]: %s", log,
			  (unsigned long long)ts, p->pid, (unsigned long long)p->t_start,
			  (unsigned long long)ls.t_end, pt_t_json(e));
		if (!strcmp(ph, "X")) {
			cr_assert(pt_t_has(e, "ts") && pt_t_has(e, "dur"), "%s", pt_t_json(e));
			uint64_t end = ts + chrome_ns(e, "dur");
			cr_assert(end <= ls.t_end + 1, "%s: slice ends after the trace: %s", log, pt_t_json(e));
			cr_assert(cat, "%s", pt_t_json(e));
			if (!strcmp(cat, "exec")) {
				/* the images in the log's order, at the log's times */
				cr_assert(c->xexec < p->nexec, "%s: more exec slices than execs of %d", log, p->pid);
				const struct lexec *x = &p->execs[c->xexec++];
				cr_assert_eq(ts, x->ts, "%s: exec slice %zu of %d at %llu ns, the log's exec at %llu", log,
					     c->xexec, p->pid, (unsigned long long)ts, (unsigned long long)x->ts);
				cr_assert_str_eq(pt_t_str(e, "args.path"), x->path, "%s: %s", log, pt_t_json(e));
			} else if (!strcmp(cat, "fork")) {
				c->xfork++;
				cr_assert_eq(ts, p->t_start, "%s: pre-exec slice of %d: %s", log, p->pid, pt_t_json(e));
			} else if (!strcmp(cat, "zombie")) {
				c->xzombie++;
			} else if (!strcmp(cat, "thread")) {
				c->xthread++;
			}
		}
		if (!strcmp(ph, "i") && cat) {
			c->iexit += !strcmp(cat, "exit");
			c->isig += !strcmp(cat, "signal");
			c->istop += !strcmp(cat, "stop") && has_prefix(name, "stopped (");
			c->icont += !strcmp(cat, "stop") && !strcmp(name, "continued");
			c->ifailed += !strcmp(cat, "exec") && has_prefix(name, "exec failed: ");
			c->irep += !strcmp(cat, "reparent");
		}
		if (!strcmp(ph, "s") || !strcmp(ph, "f")) {
			int64_t id = pt_t_int(e, "id", -1);
			cr_assert(id >= 0 && (size_t)id <= n, "%s", pt_t_json(e));
			cr_assert_str_eq(pt_t_str(e, "bp"), "e");
			ids[id] += !strcmp(ph, "s") ? 1 : 1000;
			s += !strcmp(ph, "s");
			f += !strcmp(ph, "f");
			c->fs += !strcmp(ph, "s");
			c->ff += !strcmp(ph, "f");
		}
	}
	for (size_t i = 0; i <= n; i++)
		cr_assert(ids[i] == 0 || ids[i] == 1001, "flow %zu has not one s and one f", i);
	cr_assert_eq(names, procs, "%s: %zu process_name events for %zu processes", log, names, procs);
	cr_assert_eq(s, forks, "%s: %zu flows for %zu forks", log, s, forks);
	cr_assert_eq(f, forks);
	for (size_t i = 0; i < ls.n; i++) {
		const struct lproc *p = &ls.p[i];
		const struct cproc *c = &cp[i];
		const char *why = NULL;
		if (c->names != 1)
			why = "process_name events";
		else if (c->xexec != p->nexec)
			why = "exec slices";
		else if (c->xfork != pre_exec_bar(p))
			why = "pre-exec slices";
		else if (c->xzombie != p->exited || c->iexit != p->exited)
			why = "exit instants or zombie slices";
		else if (c->xthread != p->nthreads)
			why = "thread slices";
		else if (c->isig != p->nsig)
			why = "signal instants";
		else if (c->istop != p->nstop || c->icont != p->ncont)
			why = "stop or continue instants";
		else if (c->ifailed != p->nfailed)
			why = "failed-exec instants";
		else if (c->irep != p->reparented)
			why = "reparent instants";
		else if (c->fs != p->nkids || c->ff != (p->parent >= 0))
			why = "fork flows";
		cr_assert(!why,
			  "%s: process %d: wrong number of %s: names %zu, exec %zu/%zu, pre-exec %zu, zombie %zu, exit %zu "
			  "(exited %d), threads %zu/%zu, signals %zu/%zu, stops %zu/%zu, continues %zu/%zu, failed "
			  "execs %zu/%zu, reparent %zu/%d, flows out %zu/%zu in %zu",
			  log, p->pid, why, c->names, c->xexec, p->nexec, c->xfork, c->xzombie, c->iexit, p->exited,
			  c->xthread, p->nthreads, c->isig, p->nsig, c->istop, p->nstop, c->icont, p->ncont, c->ifailed,
			  p->nfailed, c->irep, p->reparented, c->fs, p->nkids, c->ff);
	}
	free(cp);
	free(ids);
	json_object_put(top);
	res_free(&r);
}

/* The number in attribute `name` of an SVG element line, NAN if absent. */
static double svg_attr(const char *line, const char *name)
{
	char key[16];
	snprintf(key, sizeof(key), " %s=\"", name);
	const char *a = strstr(line, key);
	return a ? strtod(a + strlen(key), NULL) : NAN;
}

struct sproc {
	size_t groups, bars, zombies, red, grey, hollow, stop, cont, cross, diamond, exec_lines, labels;
	double y, last_x;
};

#define SVG_WIDTH 1200.0

static void check_svg(const char *log, const struct lsum *lsp)
{
	struct res r;
	const struct lsum ls = *lsp;   /* a shallow copy, read only */
	const char *svg = pt_t_scratch("check.svg");
	char cmd[1024];
	tool(&r, ARGS("report", "--format", "svg", "-o", svg, log));
	cr_assert_eq(r.code, 0, "%s", r.err);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '%s' >&2", svg);
	cr_assert_eq(system(cmd), 0, "the SVG of %s is not well-formed XML (%s)", log, svg);
	res_free(&r);

	size_t len;
	char *text = pt_t_read_file(svg, &len);
	cr_assert(text);
	/* past 1,000 processes the rows are packed into lanes, unlabelled */
	bool packed = ls.n > 1000;
	cr_assert(has_prefix(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""),
		  "%s: not an SVG document", log);
	cr_assert(len > 7 && !strcmp(text + len - 7, "</svg>\n"), "%s: the SVG does not end with </svg>", log);
	cr_assert(strstr(text, "<pattern id=\"zombie\""), "%s: no zombie pattern", log);
	cr_assert(strstr(text, "<g class=\"axis\""), "%s: no time axis", log);
	cr_assert(strstr(text, "<g class=\"legend\""), "%s: no legend", log);
	cr_assert(packed || (strstr(text, "<g class=\"labels\"") && strstr(text, "<g class=\"forks\"")),
		  "%s: no labels or fork lines", log);
	char sub[64];
	snprintf(sub, sizeof(sub), ">%zu process%s", ls.n, ls.n == 1 ? "" : "es");
	cr_assert(strstr(text, sub), "%s: the subtitle does not say '%s'", log, sub + 1);

	struct sproc *sp = calloc(ls.n, sizeof(*sp));
	cr_assert(sp);
	struct lproc *cur = NULL;
	size_t ngroups = 0, fork_lines = 0;
	enum { NONE, FORKS, LABELS } in = NONE;
	/* line by line (each element the renderer writes is on a line of its own) */
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		cr_assert(nl, "%s: the SVG's last line has no newline", log);
		*nl = '\0';
		if (has_prefix(line, "<g><title>")) {
			/* a process's row: "<g><title>PID ..." */
			cur = lsum_proc(&ls, strtol(line + 10, NULL, 10));
			cr_assert(cur, "%s: a row for a process not in the log: %s", log, line);
			struct sproc *c = &sp[cur - ls.p];
			cr_assert_eq((size_t)(cur - ls.p), ngroups,
				     "%s: the row of %d is drawn %zu-th, the log made it %zu-th", log, cur->pid, ngroups,
				     (size_t)(cur - ls.p));
			ngroups++;
			c->groups++;
			c->y = NAN;
			c->last_x = 0;
			continue;
		}
		if (has_prefix(line, "<g class=\"forks\"")) {
			in = FORKS;
			continue;
		}
		if (has_prefix(line, "<g class=\"labels\"")) {
			in = LABELS;
			continue;
		}
		if (!strcmp(line, "</g>")) {
			cur = NULL;
			in = NONE;
			continue;
		}
		if (in == FORKS) {
			fork_lines += has_prefix(line, "<line ");
			continue;
		}
		if (in == LABELS && has_prefix(line, "<text ")) {
			const char *t = strchr(line, '>');
			struct lproc *p = t ? lsum_proc(&ls, strtol(t + 1, NULL, 10)) : NULL;
			cr_assert(p, "%s: a label for a process not in the log: %s", log, line);
			sp[p - ls.p].labels++;
			continue;
		}
		if (!cur)
			continue;
		struct sproc *c = &sp[cur - ls.p];
		if (has_prefix(line, "<rect ")) {
			double x = svg_attr(line, "x"), w = svg_attr(line, "width");
			cr_assert(x >= 0 && x + w <= SVG_WIDTH + 0.01, "%s: a rect out of the picture: %s", log, line);
			if (strstr(line, "fill=\"url(#zombie)\"")) {
				c->zombies++;
			} else if (strstr(line, " stroke=")) {
				c->stop += !!strstr(line, "fill=\"#ff7f0e\"");
				c->cont += !!strstr(line, "fill=\"#2ca02c\"");
			} else {
				/* the lifetime bars, left to right in time order */
				c->bars++;
				cr_assert(x >= c->last_x - 0.005, "%s: the bars of %d go back in time: %s", log, cur->pid,
					  line);
				c->last_x = x;
				if (isnan(c->y))
					c->y = svg_attr(line, "y");
			}
		} else if (has_prefix(line, "<circle ")) {
			c->red += !!strstr(line, "fill=\"#d62728\"");
			c->grey += !!strstr(line, "fill=\"#777777\"");
			c->hollow += !!strstr(line, "fill=\"none\"");
		} else if (has_prefix(line, "<path ")) {
			c->cross += !!strstr(line, "stroke=\"#d62728\"");
			c->diamond += !!strstr(line, "fill=\"#ffffff\"");
		} else if (has_prefix(line, "<line ")) {
			c->exec_lines++;
		}
	}
	cr_assert_eq(ngroups, ls.n, "%s: %zu rows for %zu processes", log, ngroups, ls.n);
	size_t spawned = 0;
	for (size_t i = 0; i < ls.n; i++) {
		const struct lproc *p = &ls.p[i];
		const struct sproc *c = &sp[i];
		spawned += p->parent >= 0;
		/* rows are at least 4 px high up to 375 processes: exec lines */
		size_t want_lines = packed || ls.n > 300 ? 0 : p->nexec - (p->nexec && !pre_exec_bar(p));
		const char *why = NULL;
		if (c->groups != 1)
			why = "rows";
		else if (c->bars != p->nexec + pre_exec_bar(p))
			why = "bars";
		else if (c->zombies != p->exited)
			why = "zombie bars";
		else if (c->red != p->nsig - p->nsigchld || c->grey != (packed ? 0 : p->nsigchld))
			why = "signal marks";
		else if (c->stop != p->nstop || c->cont != p->ncont)
			why = "stop or continue marks";
		else if (c->hollow != p->nfailed)
			why = "failed-exec marks";
		else if (c->cross != (p->exited && p->killed))
			why = "killed marks";
		else if (c->diamond != p->reparented)
			why = "reparent marks";
		else if ((packed || ls.n > 300 ? c->exec_lines > p->nexec : c->exec_lines != want_lines))
			why = "exec lines";
		else if (c->labels != (packed ? 0 : ls.n <= 150 ? 1 : c->labels))
			why = "labels";
		cr_assert(!why,
			  "%s: process %d: wrong number of %s: rows %zu, bars %zu (execs %zu), zombie %zu (exited %d), "
			  "signals %zu+%zu SIGCHLD (%zu, %zu SIGCHLD), stops %zu/%zu, continues %zu/%zu, failed execs "
			  "%zu/%zu, killed %zu/%d, reparented %zu/%d, exec lines %zu, labels %zu",
			  log, p->pid, why, c->groups, c->bars, p->nexec, c->zombies, p->exited, c->red, c->grey,
			  p->nsig, p->nsigchld, c->stop, p->nstop, c->cont, p->ncont, c->hollow, p->nfailed, c->cross,
			  p->exited && p->killed, c->diamond, p->reparented, c->exec_lines, c->labels);
		/* rows in tree order: a child below its parent */
		if (!packed && p->parent >= 0)
			cr_assert(c->y > sp[p->parent].y, "%s: %d (y %.2f) is not below its parent %d (y %.2f)", log,
				  p->pid, c->y, ls.p[p->parent].pid, sp[p->parent].y);
	}
	if (!packed)
		cr_assert_eq(fork_lines, spawned, "%s: %zu fork lines for %zu forks", log, fork_lines, spawned);
	free(sp);
	free(text);
}

/* The Chrome and SVG checks, on one reading of the log. */
static void check_views(const char *log)
{
	struct lsum ls;
	lsum_read(&ls, log);
	check_chrome(log, &ls);
	check_svg(log, &ls);
	lsum_free(&ls);
}

/* Tracee bytes never reach a terminal raw. */
static void check_no_control_bytes(const char *log, const char *fmt)
{
	struct res r;
	tool(&r, ARGS("report", "--format", fmt, log));
	cr_assert_eq(r.code, 0, "%s", r.err);
	for (size_t i = 0; i < r.out_len; i++) {
		unsigned char c = (unsigned char)r.out[i];
		cr_assert(c >= 0x20 || c == '\n' || (c == '\t' && strcmp(fmt, "tree")), "%s: byte 0x%02x at %zu", fmt, c, i);
	}
	res_free(&r);
}

Test(report, chrome_svg_and_escaping_of_the_fixtures)
{
	static const char *const logs[] = {LOGS "/lifecycle.jsonl", LOGS "/shell.jsonl", LOGS "/make.jsonl"};
	for (size_t i = 0; i < PT_N_ELEMENTS(logs); i++) {
		check_views(logs[i]);
		check_no_control_bytes(logs[i], "tree");
		check_no_control_bytes(logs[i], "stats");
		check_no_control_bytes(logs[i], "dot");
	}
}

/* ---- a live trace ---- */

/* Trace a small fork tree with every view exported, then render its log:
 * the live outputs and the report outputs are the same bytes. */
Test(report, live_and_report_are_one_code_path)
{
	struct pt_t_run r;
	const char *chrome = pt_t_scratch("live.json"), *svg = pt_t_scratch("live.svg");
	const char *stats = pt_t_scratch("live.stats"), *dot = pt_t_scratch("live.dot");
	char e1[600], e2[600], e3[600], e4[600];
	snprintf(e1, sizeof(e1), "chrome:%s", chrome);
	snprintf(e2, sizeof(e2), "svg:%s", svg);
	snprintf(e3, sizeof(e3), "stats:%s", stats);
	snprintf(e4, sizeof(e4), "dot:%s", dot);
	pt_t_run_cmd(&r, ARGS("--summary", "--export", e1, "--export", e2, "--export", e3, "--export", e4),
		     ARGS("/bin/sh", "-c", "(/bin/true; /bin/echo hi) | /bin/cat >/dev/null; /bin/sleep 0.01 & wait"));
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tool exit %d", r.code);

	static const struct {
		const char *fmt;
		int which;
	} exp[] = {{"chrome", 0}, {"svg", 1}, {"stats", 2}, {"dot", 3}};
	const char *files[] = {chrome, svg, stats, dot};
	for (size_t i = 0; i < PT_N_ELEMENTS(exp); i++) {
		struct res rep;
		size_t len;
		char *live = pt_t_read_file(files[exp[i].which], &len);
		pt_t_assert(&r, live != NULL, "no --export %s file", exp[i].fmt);
		tool(&rep, ARGS("report", "--format", exp[i].fmt, r.log_path));
		pt_t_assert(&r, rep.code == 0, "report: %s", rep.err);
		assert_same_text(exp[i].fmt, rep.out, rep.out_len, live, len);
		free(live);
		res_free(&rep);
	}

	/* The summary ends the text output, as report prints it. */
	struct res tree;
	tool(&tree, ARGS("report", r.log_path));
	pt_t_assert(&r, tree.code == 0 && tree.out_len > 0 && r.out_len >= tree.out_len &&
				!memcmp(r.out + r.out_len - tree.out_len, tree.out, tree.out_len),
		    "the --summary tree is not what report prints:\n%s", tree.out);
	/* Every process of the log is in the tree. */
	pid_t root = pt_t_root(&r);
	char want[32];
	snprintf(want, sizeof(want), "%d sh -c", (int)root);
	pt_t_assert(&r, strstr(tree.out, want) != NULL, "no root line '%s' in:\n%s", want, tree.out);
	for (size_t i = 0; i < r.nev; i++) {
		if (!pt_t_is(r.ev[i], "spawn"))
			continue;
		snprintf(want, sizeof(want), "─%d ", (int)pt_t_int(r.ev[i], "child", -1));
		pt_t_assert(&r, strstr(tree.out, want) != NULL, "child '%s' missing from:\n%s", want, tree.out);
	}
	res_free(&tree);

	/* The log read back and written again is the log. */
	struct res jl;
	tool(&jl, ARGS("report", "--format", "jsonl", r.log_path));
	pt_t_assert(&r, jl.code == 0, "%s", jl.err);
	assert_same_text("jsonl of a live log", jl.out, jl.out_len, r.log, r.log_len);
	res_free(&jl);

	check_views(r.log_path);
	pt_t_free(&r);
}

/* ---- errors ---- */

static void expect(const char *const *args, int code, const char *msg)
{
	struct res r;
	tool(&r, args);
	cr_assert_eq(r.code, code, "exit %d, want %d: %s", r.code, code, r.err);
	cr_assert(strstr(r.err, msg), "stderr '%s' lacks '%s'", r.err, msg);
	cr_assert(strchr(r.err, '\n') == r.err + r.err_len - 1, "one line: '%s'", r.err);
	res_free(&r);
}

Test(report, malformed_logs_exit_2)
{
	expect(ARGS("report", LOGS "/bad/not_json.jsonl"), 2,
	       "ptrace-tour report: " LOGS "/bad/not_json.jsonl:3: not JSON (");
	expect(ARGS("report", LOGS "/bad/cut_middle.jsonl"), 2, "cut_middle.jsonl:3: not JSON (the line ends inside");
	expect(ARGS("report", LOGS "/bad/missing_field.jsonl"), 2, "missing_field.jsonl:3: spawn: missing field \"child\"");
	expect(ARGS("report", LOGS "/bad/unknown_event.jsonl"), 2, "unknown_event.jsonl:3: unknown event \"teleport\"");
	expect(ARGS("report", LOGS "/bad/version2.jsonl"), 2, "version2.jsonl:1: start: log format version 2 is not supported");
	expect(ARGS("report", LOGS "/bad/not_start.jsonl"), 2, "not_start.jsonl:1: exec: not a ptrace-tour log");
	expect(ARGS("report", LOGS "/bad/empty.jsonl"), 2, "empty.jsonl: empty log");
	expect(ARGS("report", LOGS "/bad/nonexistent.jsonl"), 2,
	       "ptrace-tour report: " LOGS "/bad/nonexistent.jsonl: No such file or directory");
}

Test(report, usage_errors_exit_2)
{
	expect(ARGS("report", "--format", "png", LOGS "/shell.jsonl"), 2, "ptrace-tour report: unknown format 'png'");
	expect(ARGS("report", "--frobnicate", LOGS "/shell.jsonl"), 2, "ptrace-tour report: unknown option '--frobnicate'");
	expect(ARGS("report", "-z", LOGS "/shell.jsonl"), 2, "unknown option '-z'");
	expect(ARGS("report"), 2, "no log given");
	expect(ARGS("report", LOGS "/shell.jsonl", LOGS "/make.jsonl"), 2, "more than one log given");
	expect(ARGS("report", LOGS "/shell.jsonl", "-o"), 2, "missing the value of '-o'");
}

/* A failed report leaves no half-written -o file behind. */
Test(report, no_output_file_on_error)
{
	const char *out = pt_t_scratch("never.svg");
	expect(ARGS("report", "--format", "svg", "-o", out, LOGS "/bad/not_json.jsonl"), 2, "not JSON");
	cr_assert(access(out, F_OK) != 0, "%s was left behind", out);
}

Test(report, cut_logs_are_rendered_with_a_warning)
{
	struct res r;
	tool(&r, ARGS("report", LOGS "/bad/cut_last_line.jsonl"));
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.err, "ptrace-tour report: " LOGS "/bad/cut_last_line.jsonl: line 5 is cut short (the tracer was "
				"killed?); rendering the rest\n");
	cr_assert(strstr(r.out, "100 demo --flag"), "%s", r.out);
	cr_assert(strstr(r.out, "─101 (fork of demo)  "), "%s", r.out);
	res_free(&r);
	tool(&r, ARGS("report", "--format", "stats", LOGS "/bad/no_end.jsonl"));
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert(strstr(r.err, "no_end.jsonl: no end event (the tracer was killed?); rendering the rest"), "%s", r.err);
	cr_assert(strstr(r.out, "the log has no end"), "%s", r.out);
	res_free(&r);
}

/* What is not a log is refused at once, in one line naming file and line,
 * exit 2: /dev/zero used to be read into memory at 1 GB/s.  The alarm
 * bounds the time (and so the memory) a regression could take. */
Test(report, not_a_log_is_refused_at_once)
{
	tool_alarm = 5;
	expect(ARGS("report", "/dev/zero"), 2, "ptrace-tour report: /dev/zero:1: a NUL byte at column 1: not a JSONL log");

	size_t len;
	char *fixture = pt_t_read_file(LOGS "/shell.jsonl", &len);
	cr_assert(fixture);
	char *nl = strchr(fixture, '\n');
	cr_assert(nl);
	static const char bad[] = "{\"ev\":\"continued\",\0\"ts\":3,\"pid\":100,\"tgid\":100}\n";
	const char *path = pt_t_scratch("nul.jsonl");
	FILE *f = fopen(path, "w");
	cr_assert(f);
	cr_assert_eq(fwrite(fixture, 1, (size_t)(nl - fixture) + 1, f), (size_t)(nl - fixture) + 1);
	cr_assert_eq(fwrite(bad, 1, sizeof(bad) - 1, f), sizeof(bad) - 1);
	cr_assert_eq(fclose(f), 0);
	free(fixture);
	char want[4200];
	snprintf(want, sizeof(want), "ptrace-tour report: %s:2: a NUL byte at column 19: not a JSONL log", path);
	expect(ARGS("report", path), 2, want);
	tool_alarm = 0;
}

/* ---- scale ---- */

/* 10,000 processes: a 5,000-deep chain and 5,000 siblings, each exec'd.
 * Every view must render it in well under the time a quadratic walk
 * would take. */
Test(report, ten_thousand_processes)
{
	const char *log = pt_t_scratch("big.jsonl");
	FILE *f = fopen(log, "w");
	cr_assert(f);
	uint64_t ts = 0;
	fprintf(f, "{\"ev\":\"start\",\"ts\":0,\"pid\":1000,\"tgid\":1000,\"version\":1,\"tool\":\"ptrace-tour 0.1.0\","
		   "\"realtime_ns\":1,\"argv\":[\"big\"],\"seccomp\":true}\n");
	for (int i = 1; i <= 10000; i++) {
		int parent = i <= 5000 ? 1000 + i - 1 : 1000;
		fprintf(f, "{\"ev\":\"spawn\",\"ts\":%llu,\"pid\":%d,\"tgid\":%d,\"child\":%d,\"kind\":\"fork\"}\n",
			(unsigned long long)(ts += 1000), parent, parent, 1000 + i);
		fprintf(f, "{\"ev\":\"exec\",\"ts\":%llu,\"pid\":%d,\"tgid\":%d,\"path\":\"/bin/prog%d\",\"argv\":[\"prog%d\",\"x\"]}\n",
			(unsigned long long)(ts += 1000), 1000 + i, 1000 + i, i % 50, i % 50);
	}
	for (int i = 10000; i >= 1; i--) {
		int parent = i <= 5000 ? 1000 + i - 1 : 1000;
		fprintf(f, "{\"ev\":\"exit\",\"ts\":%llu,\"pid\":%d,\"tgid\":%d,\"how\":\"exit_group\",\"exited\":0}\n",
			(unsigned long long)(ts += 1000), 1000 + i, 1000 + i);
		fprintf(f, "{\"ev\":\"reap\",\"ts\":%llu,\"pid\":%d,\"tgid\":%d,\"child\":%d,\"by\":%d,\"autoreap\":false,"
			   "\"zombie_ns\":500}\n",
			(unsigned long long)(ts += 1000), 1000 + i, 1000 + i, 1000 + i, parent);
	}
	fprintf(f, "{\"ev\":\"end\",\"ts\":%llu,\"pid\":1000,\"tgid\":1000,\"status\":0,\"root\":{\"exited\":0},"
		   "\"interrupted\":false,\"stops\":1}\n",
		(unsigned long long)(ts += 1000));
	cr_assert_eq(fclose(f), 0);
	for (size_t i = 0; i < PT_N_ELEMENTS(views); i++) {
		struct res r;
		uint64_t t0 = pt_t_now_ns();
		tool(&r, ARGS("report", "--format", views[i].fmt, log));
		double secs = (double)(pt_t_now_ns() - t0) / 1e9;
		cr_assert_eq(r.code, 0, "%s: %s", views[i].fmt, r.err);
		/* ~0.1 s normally; generous for sanitizers and loaded CI. */
		cr_assert_lt(secs, 20.0, "%s took %.1f s", views[i].fmt, secs);
		if (!strcmp(views[i].fmt, "tree")) {
			size_t lines = 0;
			for (size_t k = 0; k < r.out_len; k++)
				lines += r.out[k] == '\n';
			cr_assert_eq(lines, 10001, "a line per process");
			/* deep levels are drawn from a marker, not 5,000 columns wide */
			cr_assert(r.out_len < 10001 * 250, "tree output of %zu bytes", r.out_len);
		}
		res_free(&r);
	}
	check_views(log);
}

/* Every optional field the tracer writes comes back through the reader:
 * stop/continue senders, --maps=exit maps, script_argv, stacks, i386 arch. */
Test(report, jsonl_round_trip_of_optional_fields)
{
	const char *script = pt_t_scratch("rt.sh");
	FILE *f = fopen(script, "w");
	cr_assert_not_null(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	chmod(script, 0755);
	struct {
		const char *const *args;
		const char *tracee;
	} runs[] = {
		{ARGS("--maps=exit"), "stop_cont"},
		{ARGS("-k"), "spawn_worker"},
		{ARGS("-e", "trace=getpid"), "int80"},
		{NULL, script},
		{NULL, "clone_parent"},     /* reap.by_tracer */
		{NULL, "exec_bad_path"},    /* exec_failed.path_unreadable, path_addr */
	};
	for (size_t i = 0; i < PT_N_ELEMENTS(runs); i++) {
		struct pt_t_run r;
		pt_t_run(&r, runs[i].args, runs[i].tracee, NULL);
		pt_t_check_log(&r);
		struct res jl;
		tool(&jl, ARGS("report", "--format", "jsonl", r.log_path));
		pt_t_assert(&r, jl.code == 0, "%s", jl.err);
		assert_same_text(runs[i].tracee, jl.out, jl.out_len, r.log, r.log_len);
		res_free(&jl);
		pt_t_free(&r);
	}
}

/* The text of the <g> whose tooltip starts with pid (the row of that task
 * in the SVG timeline), malloc'd; NULL when there is none. */
static char *svg_row(const char *svg, pid_t pid)
{
	char key[40];
	snprintf(key, sizeof(key), "<g><title>%d ", (int)pid);
	const char *s = strstr(svg, key);
	if (!s)
		return NULL;
	const char *e = strstr(s, "</g>");
	return e ? strndup(s, (size_t)(e - s)) : NULL;
}

/* Threads are never zombies: with --threads, a thread's row has no hatched
 * zombie segment after it ended; a child process's row does. */
Test(report, svg_threads_are_not_zombies)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "threads_then_child", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tracee exit %d", r.code);
	const char *svg = pt_t_scratch("threads.svg");
	struct res o;
	tool(&o, ARGS("report", "--format", "svg", "--threads", "-o", svg, r.log_path));
	cr_assert_eq(o.code, 0, "%s", o.err);
	res_free(&o);
	char *text = pt_t_read_file(svg, NULL);
	cr_assert_not_null(text);
	size_t nthreads = 0, nchildren = 0;
	for (size_t i = 0; i < r.nev; i++) {
		json_object *e = r.ev[i];
		if (!pt_t_is(e, "spawn"))
			continue;
		pid_t child = (pid_t)pt_t_int(e, "child", -1);
		bool thread = !strcmp(pt_t_str(e, "kind"), "thread");
		char *row = svg_row(text, child);
		pt_t_assert(&r, row != NULL, "no row for %d in %s", child, svg);
		if (thread) {
			nthreads++;
			pt_t_assert(&r, !strstr(row, "url(#zombie)"), "thread %d is drawn as a zombie: %s", child, row);
		} else {
			nchildren++;
			pt_t_assert(&r, strstr(row, "url(#zombie)"), "child process %d has no zombie segment: %s", child,
				    row);
		}
		free(row);
	}
	pt_t_assert(&r, nthreads == 2 && nchildren == 1, "%zu threads, %zu children", nthreads, nchildren);
	free(text);
	pt_t_free(&r);
}

/* ---- attached processes (-p, issue 12) ---- */

/* The line of a dot node or Chrome event naming pid: from "key" to the end
 * of its line, malloc'd; NULL when absent. */
static char *line_with(const char *text, const char *key)
{
	const char *s = strstr(text, key);
	if (!s)
		return NULL;
	while (s > text && s[-1] != '\n')
		s--;
	return strndup(s, strcspn(s, "\n"));
}

/* attach.jsonl: 100 (sh), its children 101 (with thread 111) and 102 were
 * running before the trace; 103 and 104 were forked while traced.  Each
 * view marks the first three as attached, from the attach on, and only
 * them. */
static const pid_t att_pids[] = {100, 101, 102}, live_pids[] = {103, 104};

Test(report, attached_processes_are_marked_in_the_svg)
{
	struct res o;
	tool(&o, ARGS("report", "--format", "svg", LOGS "/attach.jsonl"));
	cr_assert_eq(o.code, 0, "%s", o.err);
	cr_assert(strstr(o.out, "<pattern id=\"attached\""), "no attached shade defined");
	cr_assert(strstr(o.out, ">attached</text>"), "no legend entry");
	for (size_t i = 0; i < PT_N_ELEMENTS(att_pids); i++) {
		char *row = svg_row(o.out, att_pids[i]);
		cr_assert(row, "no row for %d", (int)att_pids[i]);
		cr_assert(strstr(row, "<rect class=\"attached\"") && strstr(row, "fill=\"url(#attached)\""),
			  "%d is not shaded as attached: %s", (int)att_pids[i], row);
		cr_assert(strstr(row, "attached: running "), "%d: no attach in the tooltip", (int)att_pids[i]);
		free(row);
	}
	for (size_t i = 0; i < PT_N_ELEMENTS(live_pids); i++) {
		char *row = svg_row(o.out, live_pids[i]);
		cr_assert(row && !strstr(row, "attached"), "%d is marked attached: %s", (int)live_pids[i], row);
		free(row);
	}
	/* the shade starts at the attach, where the bar starts */
	char *row = svg_row(o.out, 101);
	const char *sh = strstr(row, "<rect class=\"attached\"");
	const char *bar = strstr(row, "<rect x=");
	cr_assert(sh && bar);
	cr_assert_float_eq(svg_attr(sh, "x"), svg_attr(bar, "x"), 0.001, "the shade does not start with the bar");
	free(row);
	res_free(&o);
	/* a log without attach events draws no shade, no legend entry */
	tool(&o, ARGS("report", "--format", "svg", LOGS "/lifecycle.jsonl"));
	cr_assert_eq(o.code, 0, "%s", o.err);
	cr_assert_null(strstr(o.out, "attached"), "a launched trace has attached marks");
	res_free(&o);
}

Test(report, attached_processes_are_marked_in_chrome)
{
	struct res o;
	tool(&o, ARGS("report", "--format", "chrome", "--threads", LOGS "/attach.jsonl"));
	cr_assert_eq(o.code, 0, "%s", o.err);
	json_object *doc = json_tokener_parse(o.out);
	cr_assert(doc, "not JSON");
	json_object *evs = pt_t_get(doc, "traceEvents");
	cr_assert(evs);
	size_t nlabels = 0, nattach = 0, nthread = 0;
	for (size_t i = 0; i < json_object_array_length(evs); i++) {
		json_object *e = json_object_array_get_idx(evs, i);
		const char *name = pt_t_str(e, "name"), *cat = pt_t_str(e, "cat"), *ph = pt_t_str(e, "ph");
		pid_t pid = (pid_t)pt_t_int(e, "pid", -1), tid = (pid_t)pt_t_int(e, "tid", -1);
		bool att = pid == 100 || pid == 101 || pid == 102;
		if (!strcmp(ph, "M") && !strcmp(name, "process_labels")) {
			cr_assert(att, "a label on %d", (int)pid);
			cr_assert_str_eq(pt_t_str(e, "args.labels"), "attached");
			nlabels++;
		}
		if (strcmp(ph, "X"))
			continue;
		if (cat && !strcmp(cat, "attach")) {
			cr_assert(att, "an attach slice on %d", (int)pid);
			cr_assert_str_eq(pt_t_str(e, "cname"), "grey", "%s", pt_t_json(e));
			cr_assert_eq(pt_t_bool(e, "args.attached"), 1);
			/* it starts at the attach event */
			cr_assert_eq(chrome_ns(e, "ts"), pid == 100 ? 150000 : pid == 101 ? 250000 : 300000, "%s", pt_t_json(e));
			cr_assert_eq(pt_t_int(e, "args.running_before_ns", 0),
				     pid == 100 ? 928673038 : pid == 101 ? 888806302 : 18860225);
			nattach++;
		} else if (cat && !strcmp(cat, "thread") && tid == 111) {
			cr_assert_eq(pt_t_bool(e, "args.attached"), 1, "thread 111: %s", pt_t_json(e));
			nthread++;
		} else {
			cr_assert(!pt_t_has(e, "args.attached") && !pt_t_has(e, "cname"), "%s", pt_t_json(e));
		}
	}
	cr_assert_eq(nlabels, 3);
	cr_assert_eq(nattach, 3);
	cr_assert_eq(nthread, 1);
	json_object_put(doc);
	res_free(&o);
}

Test(report, attached_processes_are_marked_in_dot)
{
	struct res o;
	tool(&o, ARGS("report", "--format", "dot", LOGS "/attach.jsonl"));
	cr_assert_eq(o.code, 0, "%s", o.err);
	for (size_t i = 0; i < PT_N_ELEMENTS(att_pids); i++) {
		char key[32];
		snprintf(key, sizeof(key), "[label=\"%d ", (int)att_pids[i]);
		char *n = line_with(o.out, key);
		cr_assert(n && strstr(n, "peripheries=2") && strstr(n, "\\nattached after "), "%d: %s", (int)att_pids[i],
			  n ? n : "no node");
		free(n);
	}
	for (size_t i = 0; i < PT_N_ELEMENTS(live_pids); i++) {
		char key[32];
		snprintf(key, sizeof(key), "[label=\"%d ", (int)live_pids[i]);
		char *n = line_with(o.out, key);
		cr_assert(n && !strstr(n, "peripheries") && !strstr(n, "attached"), "%d: %s", (int)live_pids[i],
			  n ? n : "no node");
		free(n);
	}
	res_free(&o);
}
