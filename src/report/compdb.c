/* A JSON Compilation Database (report --format compdb, the
 * compile_commands.json of clang tools) from the execs of C/C++ compiler
 * drivers: one entry per source file a driver was asked to compile, with
 * the exec's cwd (its exec event's "cwd") as the directory.
 *
 * A driver is gcc, g++, cc, c++, clang or clang++ by name, with a cross
 * prefix ("x86_64-linux-gnu-gcc") and a version suffix ("gcc-12",
 * "clang++-16") allowed; the programs a driver runs itself (cc1, cc1plus,
 * as, collect2, ld) are not drivers and are left out.  A driver compiles
 * when it is given a source file and not only asked to preprocess (-E) or
 * list dependencies (-M, -MM): "-c", "-S" or a link line with sources.
 *
 * Response files (@file) are expanded from the file named relative to the
 * exec's cwd, read when the report is made: a build that deleted its
 * response files leaves the "@file" argument as it was, and the report
 * says so on stderr.  docs/report.md has the details. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "pt/escape.h"
#include "pt/util.h"

/* A response file larger than this is not expanded (GCC's own limit is the
 * memory it has: a build's are a few KiB). */
#define RSP_MAX (1u << 20)
/* @file inside @file, as GCC allows; deeper is a loop. */
#define RSP_DEPTH 4
#define ARGS_MAX (1u << 16)

struct entry {
	const char *dir, *file, *output;
	const char *const *argv;
	size_t argc;
};

struct compdb {
	struct pt_view v;
	struct entry *e;
	size_t n, cap;
	size_t no_cwd, cut, rsp_missing;
	const char *rsp_first;          /* the first response file that could not be read */
};

/* The driver names, after the cross prefix and version suffix are gone. */
static const char *const drivers[] = {"gcc", "g++", "cc", "c++", "clang", "clang++"};

bool pt_compdb_is_driver(const char *name)
{
	size_t len = strlen(name);
	/* "-12", "-12.2", "-16.0.6": a version suffix */
	size_t v = len;
	while (v && ((name[v - 1] >= '0' && name[v - 1] <= '9') || name[v - 1] == '.'))
		v--;
	if (v < len && v && name[v - 1] == '-' && name[v] != '.')
		len = v - 1;
	for (size_t i = 0; i < PT_N_ELEMENTS(drivers); i++) {
		size_t dl = strlen(drivers[i]);
		if (len < dl || memcmp(name + len - dl, drivers[i], dl))
			continue;
		if (len == dl || name[len - dl - 1] == '-')
			return true;
	}
	return false;
}

/* Options whose value is the next argument: that argument is no source. */
static bool takes_value(const char *a)
{
	static const char *const opts[] = {
		"-o", "-x", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-iprefix",
		"-iwithprefix", "-iwithprefixbefore", "-isysroot", "-MF", "-MT", "-MQ", "-L", "-l", "-T", "-u",
		"-Xlinker", "-Xassembler", "-Xpreprocessor", "-Xclang", "-aux-info", "--param", "-target", "-arch",
		"-z", "-e", "-specs", "--sysroot", "-B", "-G", "-A", "-dumpbase", "-dumpdir", "-dumpbase-ext",
	};
	for (size_t i = 0; i < PT_N_ELEMENTS(opts); i++)
		if (!strcmp(a, opts[i]))
			return true;
	return false;
}

static bool is_source(const char *a)
{
	static const char *const ext[] = {"c", "cc", "cp", "cxx", "cpp", "CPP", "c++", "C", "m", "mm", "M",
					  "i", "ii", "mi", "mii", "s", "S", "sx", "cu", "h", "hh", "hpp"};
	const char *dot = strrchr(a, '.');
	if (!dot || dot == a || strchr(dot, '/'))
		return false;
	for (size_t i = 0; i < PT_N_ELEMENTS(ext); i++)
		if (!strcmp(dot + 1, ext[i]))
			return true;
	return false;
}

/* ---- response files ---- */

struct args {
	const char **v;
	size_t n, cap;
	bool oom;
};

static void push(struct args *a, const char *s)
{
	if (a->oom || a->n >= ARGS_MAX)
		return;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		const char **v = realloc(a->v, cap * sizeof(*v));
		if (!v) {
			a->oom = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = s;
}

/* The whole file, NUL-terminated, or NULL. */
static char *read_small(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *buf = NULL;
	size_t n = 0;
	if (fd < 0)
		return NULL;
	if (!(buf = malloc(RSP_MAX + 1)))
		goto fail;
	for (;;) {
		ssize_t r = read(fd, buf + n, RSP_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > RSP_MAX)
			goto fail;
	}
	close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static void expand(struct compdb *c, struct args *out, const char *arg, const char *dir, int depth);

/* GCC's response-file syntax (libiberty buildargv): arguments separated by
 * white space; '...' and "..." quote; a backslash escapes the next byte. */
static void split(struct compdb *c, struct args *out, const char *s, size_t len, const char *dir, int depth)
{
	struct pt_arena *ar = &c->v.m.arena;
	char *tok = pt_arena_alloc(ar, len + 1);
	if (!tok) {
		out->oom = true;
		return;
	}
	size_t i = 0;
	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
			i++;
		if (i >= len)
			break;
		size_t k = 0;
		char q = 0;
		for (; i < len; i++) {
			char ch = s[i];
			if (ch == '\\' && i + 1 < len) {
				tok[k++] = s[++i];
			} else if (q) {
				if (ch == q)
					q = 0;
				else
					tok[k++] = ch;
			} else if (ch == '\'' || ch == '"') {
				q = ch;
			} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
				break;
			} else {
				tok[k++] = ch;
			}
		}
		tok[k] = 0;
		const char *t = pt_arena_strdup(ar, tok);
		if (!t) {
			out->oom = true;
			return;
		}
		expand(c, out, t, dir, depth + 1);
	}
}

static void expand(struct compdb *c, struct args *out, const char *arg, const char *dir, int depth)
{
	if (arg[0] != '@' || !arg[1] || depth >= RSP_DEPTH) {
		push(out, arg);
		return;
	}
	struct pt_buf path = {0};
	if (arg[1] != '/' && dir)
		pt_buf_printf(&path, "%s/", dir);
	pt_buf_puts(&path, arg + 1);
	size_t len = 0;
	char *text = path.s && !path.oom ? read_small(path.s, &len) : NULL;
	pt_buf_free(&path);
	if (!text) {
		/* GCC too keeps an @file it cannot read as an argument. */
		c->rsp_missing++;
		if (!c->rsp_first)
			c->rsp_first = arg;
		push(out, arg);
		return;
	}
	split(c, out, text, len, dir, depth);
	free(text);
}

/* ---- entries ---- */

static int add(struct compdb *c, const char *dir, const char *file, const char *output, const char *const *argv,
	       size_t argc)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct entry *e = realloc(c->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		c->e = e;
		c->cap = cap;
	}
	c->e[c->n++] = (struct entry){dir, file, output, argv, argc};
	return 0;
}

/* "dir/a.c" -> "a.o" (-c) or "a.s" (-S): where GCC puts it without -o. */
static const char *default_output(struct pt_arena *ar, const char *src, char ext)
{
	const char *base = pt_basename(src);
	const char *dot = strrchr(base, '.');
	size_t n = dot ? (size_t)(dot - base) : strlen(base);
	char *o = pt_arena_alloc(ar, n + 3);
	if (!o)
		return NULL;
	memcpy(o, base, n);
	o[n] = '.';
	o[n + 1] = ext;
	o[n + 2] = 0;
	return o;
}

static int on_exec(struct compdb *c, const struct pt_event *ev)
{
	const struct pt_ev_exec *x = &ev->u.exec;
	struct pt_arena *ar = &c->v.m.arena;
	const char *path = x->path && *x->path ? x->path : x->argc && x->argv[0] ? x->argv[0] : "";
	if (!x->argc || !pt_compdb_is_driver(pt_basename(path)))
		return 0;
	const char *dir = x->detail ? x->detail->cwd : NULL;
	struct args a = {0};
	int rc = -ENOMEM;
	for (size_t i = 0; i < x->argc && x->argv[i]; i++) {
		const char *s = pt_arena_strdup(ar, x->argv[i]);
		if (!s)
			goto out;
		if (i == 0)
			push(&a, s);
		else
			expand(c, &a, s, dir, 0);
	}
	if (a.oom)
		goto out;
	bool compile = false, assemble_only = false, preprocess = false;
	const char *output = NULL;
	size_t nsrc = 0;
	for (size_t i = 1; i < a.n; i++) {
		const char *s = a.v[i];
		if (!strcmp(s, "-c"))
			compile = true;
		else if (!strcmp(s, "-S"))
			assemble_only = true;
		else if (!strcmp(s, "-E") || !strcmp(s, "-M") || !strcmp(s, "-MM"))
			preprocess = true;
		else if (!strcmp(s, "-o") && i + 1 < a.n)
			output = a.v[++i];
		else if (takes_value(s))
			i++;
		else if (s[0] != '-' && is_source(s))
			nsrc++;
	}
	if (!nsrc || preprocess) {
		rc = 0;
		goto out;
	}
	if (!dir) {
		c->no_cwd++;
		rc = 0;
		goto out;
	}
	c->cut += x->argv_truncated;
	const char **argv = pt_arena_alloc(ar, (a.n + 1) * sizeof(*argv));
	if (!argv)
		goto out;
	memcpy(argv, a.v, a.n * sizeof(*argv));
	argv[a.n] = NULL;
	const char *d = pt_arena_strdup(ar, dir);
	if (!d)
		goto out;
	for (size_t i = 1; i < a.n; i++) {
		const char *s = a.v[i];
		if (takes_value(s)) {
			i++;
			continue;
		}
		if (s[0] == '-' || !is_source(s))
			continue;
		const char *o = output;
		if (compile || assemble_only) {
			if (!output || nsrc > 1)
				o = default_output(ar, s, compile ? 'o' : 's');
			if (!o)
				goto out;
		}
		if ((rc = add(c, d, s, o, argv, a.n)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(a.v);
	return rc;
}

static int on_event(struct pt_view *v, const struct pt_event *ev)
{
	return ev->kind == PT_EV_EXEC ? on_exec((struct compdb *)v, ev) : 0;
}

static void jstr(FILE *f, const char *s)
{
	pt_escape_json(f, s, strlen(s));
}

static int render(struct pt_view *v)
{
	struct compdb *c = (struct compdb *)v;
	FILE *f = v->out;
	fputc('[', f);
	for (size_t i = 0; i < c->n; i++) {
		const struct entry *e = &c->e[i];
		fputs(i ? ",\n  {\n    \"arguments\": [" : "\n  {\n    \"arguments\": [", f);
		for (size_t k = 0; k < e->argc; k++) {
			fputs(k ? ", " : "", f);
			jstr(f, e->argv[k]);
		}
		fputs("],\n    \"directory\": ", f);
		jstr(f, e->dir);
		fputs(",\n    \"file\": ", f);
		jstr(f, e->file);
		if (e->output) {
			fputs(",\n    \"output\": ", f);
			jstr(f, e->output);
		}
		fputs("\n  }", f);
	}
	fputs(c->n ? "\n]\n" : "]\n", f);
	/* Warnings go to stderr: the database itself must stay valid JSON. */
	if (c->no_cwd)
		fprintf(stderr, "ptrace-tour: compdb: %zu compiler run%s left out: the log has no cwd for %s "
				"(written with --maps=none?)\n",
			c->no_cwd, c->no_cwd == 1 ? "" : "s", c->no_cwd == 1 ? "it" : "them");
	if (c->rsp_missing) {
		struct pt_buf b = {0};
		pt_buf_safe(&b, c->rsp_first, 80);
		fprintf(stderr, "ptrace-tour: compdb: %zu response file%s could not be read (%s...; removed after the "
				"build?): kept as the @file argument\n",
			c->rsp_missing, c->rsp_missing == 1 ? "" : "s", b.s ? b.s : "");
		pt_buf_free(&b);
	}
	if (c->cut)
		fprintf(stderr, "ptrace-tour: compdb: %zu compiler command line%s cut short in the log\n", c->cut,
			c->cut == 1 ? " was" : "s were");
	return 0;
}

static void cleanup(struct pt_view *v)
{
	free(((struct compdb *)v)->e);
}

static const struct pt_sink_ops compdb_ops = {"compdb", pt_view_emit, pt_view_finish, pt_view_destroy, NULL};

struct pt_sink *pt_view_compdb_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	struct pt_view *v = pt_view_new(sizeof(struct compdb), &compdb_ops, fp, owns_fp, o);
	if (!v)
		return NULL;
	v->on_event = on_event;
	v->render = render;
	v->cleanup = cleanup;
	return &v->base;
}
