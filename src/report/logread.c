/* The JSONL log reader.  Each line is parsed by json-c (a maintained parser:
 * the log holds tracee-controlled text, and a hand-written parser is one
 * more place for bugs), then mapped back to struct pt_event through the
 * same name tables the writer used (tables.h), so that writing the events
 * again reproduces the log (report --format jsonl).  Bytes that are not
 * UTF-8 come back exactly through pt_json_premap/pt_unescape_surrogates
 * (escape.h). */
#include "pt/logread.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pt/arena.h"
#include "pt/escape.h"
#include "pt/util.h"
#include "pt/tables.h"

struct pt_logread {
	FILE *fp;
	bool owns;
	char *name;
	char *line;
	size_t cap;
	char rbuf[64 * 1024];   /* read ahead: lines are cut out of it */
	size_t rpos, rlen;
	unsigned long lineno;
	unsigned long nevents;
	unsigned long cut;      /* the number of a last line cut short, or 0 */
	bool saw_end;
	bool done;
	json_tokener *tok;
	json_object *obj;       /* the current line, freed at the next call */
	struct pt_arena arena;  /* the current event's strings and arrays */
};

/* Decoding state of one line: the first error wins, so the field getters
 * need no error checks at every call. */
struct pctx {
	struct pt_logread *r;
	const char *what;       /* the event kind, prefixed to messages */
	char *err;
	size_t errlen;
	int rc;
};

static void perr(struct pctx *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void perr(struct pctx *c, int rc, const char *fmt, ...)
{
	if (c->rc)
		return;
	c->rc = rc;
	int n = snprintf(c->err, c->errlen, "%s:%lu: %s%s", c->r->name, c->r->lineno, c->what, *c->what ? ": " : "");
	if (n < 0 || (size_t)n >= c->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void *alloc(struct pctx *c, size_t size)
{
	void *p = pt_arena_alloc(&c->r->arena, size ? size : 1);
	if (!p)
		perr(c, -ENOMEM, "out of memory");
	return p;
}

static const char *const type_names[] = {
	[json_type_null] = "null", [json_type_boolean] = "a boolean", [json_type_double] = "a number",
	[json_type_int] = "an integer", [json_type_object] = "an object", [json_type_array] = "an array",
	[json_type_string] = "a string",
};

/* The member key of o when it has type t.  NULL when absent or null (an
 * error if req) or of another type (always an error). */
static json_object *member(struct pctx *c, json_object *o, const char *key, json_type t, bool req)
{
	json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v) {
		if (req)
			perr(c, -EINVAL, "missing field \"%s\"", key);
		return NULL;
	}
	if (!json_object_is_type(v, t)) {
		perr(c, -EINVAL, "field \"%s\" is not %s", key, type_names[t]);
		return NULL;
	}
	return v;
}

static int64_t get_int(struct pctx *c, json_object *o, const char *key, bool req, int64_t min, int64_t max,
		       int64_t dflt)
{
	json_object *v = member(c, o, key, json_type_int, req);
	if (!v)
		return dflt;
	int64_t x = json_object_get_int64(v);
	if (x < min || x > max) {
		perr(c, -EINVAL, "field \"%s\" is out of range (%" PRId64 ")", key, x);
		return dflt;
	}
	return x;
}

static uint64_t get_u64(struct pctx *c, json_object *o, const char *key, bool req)
{
	json_object *v = member(c, o, key, json_type_int, req);
	if (!v)
		return 0;
	if (json_object_get_int64(v) < 0) {
		perr(c, -EINVAL, "field \"%s\" is negative", key);
		return 0;
	}
	return json_object_get_uint64(v);
}

static pid_t get_pid(struct pctx *c, json_object *o, const char *key, bool req)
{
	return (pid_t)get_int(c, o, key, req, 0, INT_MAX, 0);
}

/* An optional array of pids (NULL, *n 0 when absent). */
static const pid_t *get_pids(struct pctx *c, json_object *o, const char *key, size_t *n)
{
	json_object *a = member(c, o, key, json_type_array, false);
	*n = 0;
	if (!a)
		return NULL;
	size_t len = json_object_array_length(a);
	pid_t *v = alloc(c, (len + 1) * sizeof(*v));
	for (size_t i = 0; v && i < len; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		int64_t x = e && json_object_is_type(e, json_type_int) ? json_object_get_int64(e) : -1;
		if (x <= 0 || x > INT_MAX) {
			perr(c, -EINVAL, "field \"%s\" holds something that is not a pid", key);
			return NULL;
		}
		v[i] = (pid_t)x;
	}
	*n = v ? len : 0;
	return v;
}

static bool get_bool(struct pctx *c, json_object *o, const char *key)
{
	json_object *v = member(c, o, key, json_type_boolean, false);
	return v && json_object_get_boolean(v);
}

/* A copy in the arena with the escaped bytes restored (pt_json_premap). */
static const char *dup_str(struct pctx *c, json_object *v)
{
	size_t n = (size_t)json_object_get_string_len(v);
	char *s = pt_arena_alloc(&c->r->arena, n + 1);
	if (!s) {
		perr(c, -ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(s, json_object_get_string(v), n);
	pt_unescape_surrogates(s, n);
	return s;
}

static const char *get_str(struct pctx *c, json_object *o, const char *key, bool req)
{
	json_object *v = member(c, o, key, json_type_string, req);
	return v ? dup_str(c, v) : NULL;
}

/* A name field looked up as is (names are ASCII). */
static const char *get_name(struct pctx *c, json_object *o, const char *key, bool req)
{
	json_object *v = member(c, o, key, json_type_string, req);
	return v ? json_object_get_string(v) : NULL;
}

/* A string array; NULL elements are allowed only when nulls is set. */
static const char **get_strv(struct pctx *c, json_object *a, const char *key, bool nulls, size_t *n)
{
	size_t len = json_object_array_length(a);
	const char **v = alloc(c, (len + 1) * sizeof(*v));
	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		if (!e && nulls)
			continue;
		if (!json_object_is_type(e, json_type_string)) {
			perr(c, -EINVAL, "field \"%s\" holds something other than strings", key);
			return NULL;
		}
		v[i] = dup_str(c, e);
	}
	*n = len;
	return v;
}

static uint64_t parse_hex(struct pctx *c, const char *s, const char *key)
{
	char *end;
	if (strncmp(s, "0x", 2) != 0 || !s[2] || strlen(s) > 18)
		goto bad;
	errno = 0;
	uint64_t v = strtoull(s + 2, &end, 16);
	if (*end || errno)
		goto bad;
	return v;
bad:
	perr(c, -EINVAL, "field \"%s\" is not a hex string (\"0x...\")", key);
	return 0;
}

static uint64_t get_hex(struct pctx *c, json_object *o, const char *key, bool req)
{
	const char *s = get_name(c, o, key, req);
	return s ? parse_hex(c, s, key) : 0;
}

static int get_sig(struct pctx *c, json_object *o, const char *key, bool req)
{
	const char *s = get_name(c, o, key, req);
	if (!s)
		return 0;
	int sig = pt_signal_from_name(s);
	if (sig <= 0)
		perr(c, -EINVAL, "field \"%s\": unknown signal \"%.32s\"", key, s);
	return sig > 0 ? sig : 0;
}

/* "ENOENT", or "E<n>" for a number without a name (what the writer prints). */
static int get_errno(struct pctx *c, json_object *o, bool req)
{
	const char *s = get_name(c, o, "errno", req);
	if (!s)
		return 0;
	int e = pt_errno_from_name(s);
	if (e > 0)
		return e;
	char *end;
	long n = s[0] == 'E' && s[1] >= '0' && s[1] <= '9' ? strtol(s + 1, &end, 10) : -1;
	if (n <= 0 || n > 4095 || *end) {
		perr(c, -EINVAL, "unknown errno \"%.32s\"", s);
		return 0;
	}
	return (int)n;
}

/* A syscall name as an x86_64 number; -1 when absent.  An unknown name is
 * not an error: the number is informative and a newer table may know it. */
/* "arch" (absent: x86_64) and the syscall named in that ABI's table. */
static int get_syscall(struct pctx *c, json_object *o, const char *key, uint8_t *arch)
{
	const char *a = get_name(c, o, "arch", false);
	*arch = PT_ARCH_X86_64;
	if (a) {
		unsigned i = 0;
		while (i < PT_ARCH__COUNT && strcmp(a, pt_arch_name(i)))
			i++;
		if (i == PT_ARCH__COUNT)
			perr(c, -EINVAL, "unknown arch \"%.32s\"", a);
		else
			*arch = (uint8_t)i;
	}
	const char *s = get_name(c, o, key, false);
	return s ? (int)pt_syscall_nr(*arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : *arch, s) : -1;
}

/* {"exited":N} | {"signaled":"SIGX","core":B} | {"stopped":"SIGX"} | {"continued":true} */
static struct pt_wstatus get_status(struct pctx *c, json_object *o, bool req)
{
	struct pt_wstatus st = {PT_WS_NONE, false, 0};
	json_object *v;
	if (o && json_object_object_get_ex(o, "exited", &v)) {
		st.kind = PT_WS_EXITED;
		st.code = (int)get_int(c, o, "exited", true, 0, 255, 0);
	} else if (o && json_object_object_get_ex(o, "signaled", &v)) {
		st.kind = PT_WS_SIGNALED;
		st.code = get_sig(c, o, "signaled", true);
		st.core = get_bool(c, o, "core");
	} else if (o && json_object_object_get_ex(o, "stopped", &v)) {
		st.kind = PT_WS_STOPPED;
		st.code = get_sig(c, o, "stopped", true);
	} else if (o && json_object_object_get_ex(o, "continued", &v)) {
		st.kind = PT_WS_CONTINUED;
	} else if (req) {
		perr(c, -EINVAL, "missing the status (\"exited\" or \"signaled\")");
	}
	return st;
}

/* ---- exec anatomy ---- */

static uint32_t parse_prot(struct pctx *c, const char *s)
{
	if (strlen(s) != 4) {
		perr(c, -EINVAL, "field \"prot\" is not like \"r-xp\"");
		return 0;
	}
	return (s[0] == 'r' ? PT_PROT_R : 0) | (s[1] == 'w' ? PT_PROT_W : 0) | (s[2] == 'x' ? PT_PROT_X : 0) |
	       (s[3] == 's' ? PT_PROT_SHARED : 0);
}

/* The objects of an array member (absent: n = 0). */
static json_object *objects(struct pctx *c, json_object *o, const char *key, size_t *n)
{
	json_object *a = member(c, o, key, json_type_array, false);
	*n = a ? json_object_array_length(a) : 0;
	for (size_t i = 0; i < *n; i++)
		if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_object)) {
			perr(c, -EINVAL, "field \"%s\" holds something other than objects", key);
			*n = 0;
		}
	return a;
}

static void get_maps(struct pctx *c, json_object *o, const char *key, struct pt_maps *m)
{
	size_t n;
	json_object *a = objects(c, o, key, &n);
	struct pt_map *v = alloc(c, n * sizeof(*v));
	char tkey[32];
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		unsigned maj = 0, min = 0;
		const char *dev = get_name(c, e, "dev", true);
		const char *prot = get_name(c, e, "prot", true);
		v[i].start = get_hex(c, e, "start", true);
		v[i].end = get_hex(c, e, "end", true);
		v[i].offset = get_hex(c, e, "offset", true);
		v[i].prot = prot ? parse_prot(c, prot) : 0;
		if (dev && sscanf(dev, "%x:%x", &maj, &min) != 2)
			perr(c, -EINVAL, "field \"dev\" is not like \"08:01\"");
		v[i].dev_major = maj;
		v[i].dev_minor = min;
		v[i].inode = get_u64(c, e, "inode", true);
		v[i].path = get_str(c, e, "path", true);
	}
	m->v = v;
	m->n = n;
	snprintf(tkey, sizeof(tkey), "%s_truncated", key);
	m->truncated = get_bool(c, o, tkey);
}

static void get_elf(struct pctx *c, json_object *o, struct pt_elf_info *e)
{
	json_object *j = member(c, o, "elf", json_type_object, false);
	size_t n;
	if (!j)
		return;
	if ((e->error = get_str(c, j, "error", false)))
		return;
	e->elf_class = (int)get_int(c, j, "class", true, 0, 64, 0);
	e->type = (int)get_int(c, j, "type", true, 0, 0xffff, 0);
	e->machine = (int)get_int(c, j, "machine", true, 0, 0xffff, 0);
	e->entry = get_hex(c, j, "entry", true);
	e->interp = get_str(c, j, "interp", false);
	json_object *a = objects(c, j, "load", &n);
	struct pt_elf_seg *segs = alloc(c, n * sizeof(*segs));
	for (size_t i = 0; segs && i < n; i++) {
		json_object *s = json_object_array_get_idx(a, i);
		segs[i].offset = get_hex(c, s, "offset", true);
		segs[i].vaddr = get_hex(c, s, "vaddr", true);
		segs[i].filesz = get_hex(c, s, "filesz", true);
		segs[i].memsz = get_hex(c, s, "memsz", true);
		segs[i].align = get_hex(c, s, "align", true);
		segs[i].flags = (uint32_t)get_int(c, s, "flags", true, 0, UINT32_MAX, 0);
		segs[i].map_index = (int)get_int(c, s, "map", true, -1, INT_MAX, -1);
	}
	e->segs = segs;
	e->nsegs = segs ? n : 0;
	a = objects(c, j, "sections", &n);
	struct pt_elf_sec *secs = alloc(c, n * sizeof(*secs));
	for (size_t i = 0; secs && i < n; i++) {
		json_object *s = json_object_array_get_idx(a, i);
		secs[i].name = get_str(c, s, "name", true);
		secs[i].offset = get_hex(c, s, "offset", true);
		secs[i].addr = get_hex(c, s, "addr", true);
		secs[i].size = get_hex(c, s, "size", true);
	}
	e->secs = secs;
	e->nsecs = secs ? n : 0;
}

static void get_fds(struct pctx *c, json_object *o, struct pt_exec_detail *d)
{
	size_t n;
	json_object *a = objects(c, o, "fds", &n);
	struct pt_fd *v = alloc(c, n * sizeof(*v));
	for (size_t i = 0; v && i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		v[i].fd = (int)get_int(c, e, "fd", true, 0, INT_MAX, 0);
		v[i].target = get_str(c, e, "target", true);
		v[i].has_info = json_object_object_get_ex(e, "pos", NULL);
		v[i].pos = get_u64(c, e, "pos", false);
		v[i].flags = (uint32_t)get_int(c, e, "flags", false, 0, UINT32_MAX, 0);
		v[i].cloexec = get_bool(c, e, "cloexec");
		v[i].leaked = get_bool(c, e, "leaked");
	}
	d->fds = v;
	d->nfds = v ? n : 0;
}

static const char *dup_key(struct pctx *c, const char *k)
{
	size_t n = strlen(k);
	char *s = pt_arena_strndup(&c->r->arena, k, n);
	if (!s)
		perr(c, -ENOMEM, "out of memory");
	else
		pt_unescape_surrogates(s, n);
	return s;
}

/* {"added":{NAME:VAL}, "removed":[NAME], "changed":{NAME:[OLD,NEW]}}, kept
 * in that order so the writer prints it back the same. */
static void get_env(struct pctx *c, json_object *o, struct pt_exec_detail *d)
{
	json_object *env = member(c, o, "env", json_type_object, false);
	if (!env)
		return;
	json_object *added = member(c, env, "added", json_type_object, false);
	json_object *removed = member(c, env, "removed", json_type_array, false);
	json_object *changed = member(c, env, "changed", json_type_object, false);
	size_t n = (added ? (size_t)json_object_object_length(added) : 0) +
		   (removed ? json_object_array_length(removed) : 0) +
		   (changed ? (size_t)json_object_object_length(changed) : 0);
	struct pt_env_change *v = alloc(c, n * sizeof(*v));
	size_t k = 0;
	if (!v)
		return;
	if (added) {
		json_object_object_foreach(added, key, val) {
			if (!json_object_is_type(val, json_type_string)) {
				perr(c, -EINVAL, "env.added: a value is not a string");
				return;
			}
			v[k].name = dup_key(c, key);
			v[k++].new_val = dup_str(c, val);
		}
	}
	for (size_t i = 0; removed && i < json_object_array_length(removed); i++) {
		json_object *e = json_object_array_get_idx(removed, i);
		if (!json_object_is_type(e, json_type_string)) {
			perr(c, -EINVAL, "env.removed: a name is not a string");
			return;
		}
		v[k].name = dup_str(c, e);
		v[k++].old_val = "";   /* the log keeps no old value: non-NULL marks "removed" */
	}
	if (changed) {
		json_object_object_foreach(changed, key, val) {
			json_object *a = val, *ov, *nv;
			if (!json_object_is_type(a, json_type_array) || json_object_array_length(a) != 2 ||
			    !json_object_is_type(ov = json_object_array_get_idx(a, 0), json_type_string) ||
			    !json_object_is_type(nv = json_object_array_get_idx(a, 1), json_type_string)) {
				perr(c, -EINVAL, "env.changed: a value is not [OLD, NEW]");
				return;
			}
			v[k].name = dup_key(c, key);
			v[k].old_val = dup_str(c, ov);
			v[k++].new_val = dup_str(c, nv);
		}
	}
	d->env = v;
	d->nenv = k;
	d->env_known = true;
}

static const struct pt_exec_detail *get_detail(struct pctx *c, json_object *o)
{
	static const char *const keys[] = {"exe", "cwd", "script", "maps_before", "maps_after",
					   "elf", "layout", "fds", "env"};
	bool any = false;
	for (size_t i = 0; i < PT_N_ELEMENTS(keys) && !any; i++)
		any = json_object_object_get_ex(o, keys[i], NULL);
	if (!any)
		return NULL;
	struct pt_exec_detail *d = alloc(c, sizeof(*d));
	if (!d)
		return NULL;
	d->exe = get_str(c, o, "exe", false);
	d->cwd = get_str(c, o, "cwd", false);
	d->interp_script = get_str(c, o, "script", false);
	json_object *sa = member(c, o, "script_argv", json_type_array, false);
	if (sa)
		d->script_argv = get_strv(c, sa, "script_argv", false, &d->script_argc);
	get_maps(c, o, "maps_before", &d->maps_before);
	d->maps_before_unseen = get_bool(c, o, "maps_before_unseen");
	get_maps(c, o, "maps_after", &d->maps_after);
	get_elf(c, o, &d->elf);
	json_object *l = member(c, o, "layout", json_type_object, false);
	if (l) {
		d->layout.valid = true;
		d->layout.load_bias = get_hex(c, l, "load_bias", true);
		d->layout.at_entry = get_hex(c, l, "at_entry", true);
		d->layout.at_phdr = get_hex(c, l, "at_phdr", true);
		d->layout.at_base = get_hex(c, l, "at_base", true);
	}
	get_fds(c, o, d);
	get_env(c, o, d);
	return d;
}

/* ---- events ---- */

static void p_start(struct pctx *c, json_object *o, struct pt_event *ev)
{
	struct pt_ev_start *s = &ev->u.start;
	static const char prefix[] = "ptrace-tour ";
	s->version = PT_TRACE_FORMAT_VERSION;   /* checked before anything else */
	s->tool_version = get_str(c, o, "tool", false);
	if (s->tool_version && !strncmp(s->tool_version, prefix, sizeof(prefix) - 1))
		s->tool_version += sizeof(prefix) - 1;
	s->realtime_ns = get_u64(c, o, "realtime_ns", false);
	json_object *a = member(c, o, "argv", json_type_array, true);
	if (a)
		s->argv = get_strv(c, a, "argv", false, &s->argc);
	s->seccomp = get_bool(c, o, "seccomp");
	const char *mode = get_name(c, o, "mode", false);
	s->events_only = mode && !strcmp(mode, "events-only");
	s->attach = get_pids(c, o, "attach", &s->nattach);
}

static void p_attach(struct pctx *c, json_object *o, struct pt_event *ev)
{
	struct pt_ev_attach *x = &ev->u.attach;
	x->ppid = get_pid(c, o, "ppid", true);
	json_object *a = member(c, o, "argv", json_type_array, true);
	if (a)
		x->argv = get_strv(c, a, "argv", false, &x->argc);
	x->argv_truncated = get_bool(c, o, "argv_truncated");
	x->exe = get_str(c, o, "exe", false);
	x->cwd = get_str(c, o, "cwd", false);
	x->state = get_name(c, o, "state", true);
	x->start_ticks = get_u64(c, o, "start_ticks", false);
	x->age_ns = get_u64(c, o, "age_ns", false);
	x->threads = get_pids(c, o, "threads", &x->nthreads);
	x->zombies = (unsigned)get_int(c, o, "zombies", false, 0, INT_MAX, 0);
}

/* One "mem" element: null, or the bytes in hex (at most PT_SC_MEM_MAX). */
static void get_mem(struct pctx *c, json_object *v, const uint8_t **out, uint16_t *len)
{
	if (!v)
		return;
	const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	size_t n = s ? strlen(s) : 0;
	if (!s || n % 2 || n / 2 > PT_SC_MEM_MAX || strspn(s, "0123456789abcdef") != n) {
		perr(c, -EINVAL, "field \"mem\" holds something other than hex bytes (at most %d)", PT_SC_MEM_MAX);
		return;
	}
	uint8_t *b = alloc(c, n / 2 + 1);
	if (!b)
		return;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned x;
		sscanf(s + 2 * i, "%2x", &x);
		b[i] = (uint8_t)x;
	}
	*out = b;
	*len = (uint16_t)(n / 2);
}

static void p_spawn(struct pctx *c, json_object *o, struct pt_event *ev)
{
	struct pt_ev_spawn *s = &ev->u.spawn;
	const char *kind = get_name(c, o, "kind", true);
	const char *flags = get_name(c, o, "flags", false);
	s->child = get_pid(c, o, "child", true);
	int k = kind ? pt_spawn_kind_from_name(kind) : 0;
	if (k < 0)
		perr(c, -EINVAL, "unknown spawn kind \"%.32s\"", kind);
	s->kind = (uint8_t)(k < 0 ? 0 : k);
	s->syscall = get_syscall(c, o, "syscall", &s->arch);
	if (flags && pt_clone_flags_parse(flags, &s->flags) < 0)
		perr(c, -EINVAL, "unknown clone flags \"%.64s\"", flags);
	s->orphan = get_bool(c, o, "orphan");
	json_object *ca = member(c, o, "clone_args", json_type_object, false);
	if (ca) {
		s->has_args = true;
		s->args_size = get_u64(c, ca, "size", true);
		json_object *es = NULL;
		if (json_object_object_get_ex(ca, "exit_signal", &es) && es && json_object_is_type(es, json_type_int))
			s->exit_signal = (int)get_int(c, ca, "exit_signal", true, INT_MIN, INT_MAX, 0);
		else
			s->exit_signal = get_sig(c, ca, "exit_signal", true);
		s->stack = get_hex(c, ca, "stack", true);
		s->stack_size = get_hex(c, ca, "stack_size", true);
	}
}

static void p_exec(struct pctx *c, json_object *o, struct pt_event *ev)
{
	struct pt_ev_exec *x = &ev->u.exec;
	x->path = get_str(c, o, "path", true);
	json_object *a = member(c, o, "argv", json_type_array, true);
	if (a)
		x->argv = get_strv(c, a, "argv", false, &x->argc);
	x->argv_truncated = get_bool(c, o, "argv_truncated");
	x->old_pid = get_pid(c, o, "old_pid", false);
	x->syscall = get_syscall(c, o, "syscall", &x->arch);
	x->detail = get_detail(c, o);
}

static void p_exec_failed(struct pctx *c, json_object *o, struct pt_event *ev)
{
	ev->u.exec_failed.path = get_str(c, o, "path", true);
	ev->u.exec_failed.path_unreadable = get_bool(c, o, "path_unreadable");
	ev->u.exec_failed.path_addr = get_hex(c, o, "path_addr", false);
	ev->u.exec_failed.err = get_errno(c, o, true);
	ev->u.exec_failed.syscall = get_syscall(c, o, "syscall", &ev->u.exec_failed.arch);
}

static void p_syscall(struct pctx *c, json_object *o, struct pt_event *ev)
{
	struct pt_ev_syscall *s = &ev->u.syscall;
	const char *arch = get_name(c, o, "arch", true);
	s->nr = (int)get_int(c, o, "nr", true, 0, PT_SYSCALL_MAX - 1, 0);
	s->arch = PT_ARCH__COUNT;
	for (unsigned i = 0; arch && i < PT_ARCH__COUNT; i++)
		if (!strcmp(arch, pt_arch_name(i)))
			s->arch = (uint8_t)i;
	if (arch && s->arch == PT_ARCH__COUNT)
		perr(c, -EINVAL, "unknown arch \"%.32s\"", arch);
	json_object *args = member(c, o, "args", json_type_array, true);
	size_t n = args ? json_object_array_length(args) : 0;
	if (n > 6)
		perr(c, -EINVAL, "more than 6 syscall arguments");
	for (size_t i = 0; i < n && i < 6; i++) {
		json_object *v = json_object_array_get_idx(args, i);
		if (!json_object_is_type(v, json_type_string))
			perr(c, -EINVAL, "field \"args\" holds something other than hex strings");
		else
			s->args[i] = parse_hex(c, json_object_get_string(v), "args");
	}
	s->nargs = (uint8_t)(n > 6 ? 6 : n);
	json_object *str = member(c, o, "str", json_type_array, false);
	size_t ns = 0;
	const char **sv = str ? get_strv(c, str, "str", true, &ns) : NULL;
	for (size_t i = 0; sv && i < ns && i < 6; i++)
		s->str[i] = sv[i];
	s->ret = get_int(c, o, "ret", true, INT64_MIN, INT64_MAX, 0);
	s->err = get_errno(c, o, false);
	json_object *paths = member(c, o, "fd_paths", json_type_array, false);
	size_t np = 0;
	const char **pv = paths ? get_strv(c, paths, "fd_paths", true, &np) : NULL;
	if (np > 6)
		perr(c, -EINVAL, "more than 6 fd paths");
	for (size_t i = 0; pv && i < np && i < 6; i++)
		s->fd_path[i] = pv[i];
	s->ret_path = get_str(c, o, "ret_path", false);
	json_object *mem = member(c, o, "mem", json_type_array, false);
	size_t nm = mem ? json_object_array_length(mem) : 0;
	if (nm > 6)
		perr(c, -EINVAL, "more than 6 memory arguments");
	for (size_t i = 0; i < nm && i < 6; i++)
		get_mem(c, json_object_array_get_idx(mem, i), &s->mem[i], &s->mem_len[i]);
	json_object *dur = member(c, o, "dur_ns", json_type_int, false);
	s->timed = dur != NULL;
	s->dur_ns = get_u64(c, o, "dur_ns", false);
}

static void p_wait(struct pctx *c, json_object *o, struct pt_event *ev)
{
	static const char *const idtypes[] = {"P_ALL", "P_PID", "P_PGID", "P_PIDFD"};
	struct pt_ev_wait *w = &ev->u.wait;
	const char *opts = get_name(c, o, "options", true);
	json_object *idt = NULL;
	w->syscall = get_syscall(c, o, "syscall", &w->arch);
	json_object *dur = member(c, o, "dur_ns", json_type_int, false);
	w->timed = dur != NULL;
	w->dur_ns = get_u64(c, o, "dur_ns", false);
	w->id = get_int(c, o, "id", true, INT64_MIN, INT64_MAX, 0);
	w->idtype = -1;
	if (json_object_object_get_ex(o, "idtype", &idt) && json_object_is_type(idt, json_type_int)) {
		w->idtype = (int)get_int(c, o, "idtype", true, 0, INT_MAX, 0);
	} else if (idt) {
		const char *s = get_name(c, o, "idtype", true);
		for (int i = 0; s && i < 4; i++)
			if (!strcmp(s, idtypes[i]))
				w->idtype = i;
		if (s && w->idtype < 0)
			perr(c, -EINVAL, "unknown idtype \"%.32s\"", s);
	}
	if (opts && pt_wait_options_parse(opts, &w->options) < 0)
		perr(c, -EINVAL, "unknown wait options \"%.64s\"", opts);
	w->ret = get_int(c, o, "ret", true, INT64_MIN, INT64_MAX, 0);
	w->err = get_errno(c, o, false);
	w->child = get_pid(c, o, "child", false);
	w->child_ns = get_pid(c, o, "child_ns", false);
	w->id_pid = get_pid(c, o, "id_pid", false);
	w->status = get_status(c, member(c, o, "status", json_type_object, false), false);
}

static void p_signal(struct pctx *c, json_object *o, struct pt_event *ev)
{
	ev->u.signal.sig = get_sig(c, o, "sig", true);
	ev->u.signal.code = (int)get_int(c, o, "code", false, INT_MIN, INT_MAX, 0);
	ev->u.signal.sender = get_pid(c, o, "sender", false);
}

static void p_stopped(struct pctx *c, json_object *o, struct pt_event *ev)
{
	ev->u.stopped.sig = get_sig(c, o, "sig", true);
	ev->u.stopped.sender = get_pid(c, o, "sender", false);
}

static void p_continued(struct pctx *c, json_object *o, struct pt_event *ev)
{
	ev->u.continued.sender = get_pid(c, o, "sender", false);
}

static void p_exit(struct pctx *c, json_object *o, struct pt_event *ev)
{
	const char *how = get_name(c, o, "how", true);
	int h = how ? pt_exit_how_from_name(how) : 0;
	if (h < 0)
		perr(c, -EINVAL, "unknown exit kind \"%.32s\"", how);
	ev->u.exit.how = (uint8_t)(h < 0 ? 0 : h);
	ev->u.exit.status = get_status(c, o, true);
	if (json_object_object_get_ex(o, "maps", NULL)) {     /* --maps=exit */
		struct pt_maps *m = alloc(c, sizeof(*m));
		if (m) {
			get_maps(c, o, "maps", m);
			ev->u.exit.maps = m;
		}
	}
	json_object *r = member(c, o, "rusage", json_type_object, false);
	struct pt_rusage *u = r ? alloc(c, sizeof(*u)) : NULL;
	if (u) {
		u->utime_ns = get_u64(c, r, "utime_ns", true);
		u->stime_ns = get_u64(c, r, "stime_ns", true);
		u->maxrss_kb = get_u64(c, r, "maxrss_kb", true);
		u->minflt = get_u64(c, r, "minflt", true);
		u->majflt = get_u64(c, r, "majflt", true);
		u->nvcsw = get_u64(c, r, "nvcsw", true);
		u->nivcsw = get_u64(c, r, "nivcsw", true);
		ev->u.exit.rusage = u;
	}
}

static void p_reap(struct pctx *c, json_object *o, struct pt_event *ev)
{
	ev->u.reap.child = get_pid(c, o, "child", true);
	ev->u.reap.by = get_pid(c, o, "by", false);     /* null: not seen */
	ev->u.reap.by_tracer = get_bool(c, o, "by_tracer");
	ev->u.reap.autoreap = get_bool(c, o, "autoreap");
	ev->u.reap.zombie_ns = get_u64(c, o, "zombie_ns", false);
	ev->u.reap.pidns_teardown = get_bool(c, o, "pidns_teardown");
}

static void p_reparent(struct pctx *c, json_object *o, struct pt_event *ev)
{
	ev->u.reparent.from = get_pid(c, o, "from", true);
	ev->u.reparent.to = get_pid(c, o, "to", true);
	const char *role = get_name(c, o, "to_role", false);
	int r = role ? pt_reaper_role_from_name(role) : PT_REAPER_UNSPEC;
	if (r < 0)
		perr(c, -EINVAL, "unknown reaper role \"%.32s\"", role);
	ev->u.reparent.to_role = (uint8_t)(r < 0 ? PT_REAPER_UNSPEC : r);
}

static void p_end(struct pctx *c, json_object *o, struct pt_event *ev)
{
	struct pt_ev_end *e = &ev->u.end;
	e->exit_status = (int)get_int(c, o, "status", true, INT_MIN, INT_MAX, 0);
	e->root = get_status(c, member(c, o, "root", json_type_object, false), false);
	e->interrupted = get_bool(c, o, "interrupted");
	e->by_signal = get_sig(c, o, "signal", false);
	e->stops = get_u64(c, o, "stops", false);
	e->detached = get_bool(c, o, "detached");
	e->left_running = get_u64(c, o, "left_running", false);
}

typedef void (*parse_fn)(struct pctx *c, json_object *o, struct pt_event *ev);

/* A kind in events.def without its p_ function does not compile. */
static const parse_fn parsers[PT_EV__COUNT] = {
#define EV(NAME, name) [PT_EV_##NAME] = p_##name,
#include "events.def"
#undef EV
};

static void p_stack(struct pctx *c, json_object *o, struct pt_event *ev)
{
	size_t n;
	json_object *a = objects(c, o, "stack", &n);
	const char *uerr = get_str(c, o, "unwind_error", false);
	if (!a && !uerr)
		return;
	struct pt_stack *st = alloc(c, sizeof(*st));
	struct pt_frame *fr = alloc(c, n * sizeof(*fr));
	if (!st || !fr)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(a, i);
		fr[i].ip = get_hex(c, f, "ip", true);
		fr[i].func = get_str(c, f, "func", false);
		fr[i].off = get_u64(c, f, "off", false);
		fr[i].module = get_str(c, f, "module", false);
		fr[i].module_off = get_hex(c, f, "module_off", false);
	}
	st->frames = fr;
	st->n = n;
	st->error = uerr;
	ev->stack = st;
}

/* A short printable copy of tracee-or-file-controlled text for a message. */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t i = 0;
	for (; s[i] && i + 1 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = 0;
	return buf;
}

static int decode(struct pt_logread *r, json_object *o, struct pt_event *ev, char *err, size_t errlen)
{
	struct pctx c = {r, "", err, errlen, 0};
	char buf[40];
	const char *name = get_name(&c, o, "ev", true);
	if (!name)
		return c.rc;
	int kind = pt_event_kind_from_name(name);
	if (kind < 0) {
		perr(&c, -EINVAL, "unknown event \"%s\"", printable(name, buf, sizeof(buf)));
		return c.rc;
	}
	c.what = pt_event_kind_name(kind);
	if (r->nevents == 0 && kind != PT_EV_START) {
		perr(&c, -EINVAL, "not a ptrace-tour log: the first event is not \"start\"");
		return c.rc;
	}
	/* Before any other field: a newer format may have changed them. */
	if (kind == PT_EV_START) {
		int64_t v = get_int(&c, o, "version", true, INT_MIN, INT_MAX, 0);
		if (!c.rc && v != PT_TRACE_FORMAT_VERSION)
			perr(&c, -ENOTSUP, "log format version %" PRId64 " is not supported (this ptrace-tour reads version %d)",
			     v, PT_TRACE_FORMAT_VERSION);
		if (c.rc)
			return c.rc;
	}
	ev->kind = (enum pt_ev_kind)kind;
	ev->ts_ns = get_u64(&c, o, "ts", true);
	ev->pid = get_pid(&c, o, "pid", true);
	ev->tgid = get_pid(&c, o, "tgid", true);
	parsers[kind](&c, o, ev);
	p_stack(&c, o, ev);
	if (c.rc)
		return c.rc;
	r->nevents++;
	if (kind == PT_EV_END)
		r->saw_end = true;
	return 1;
}

static int at_end(struct pt_logread *r, char *err, size_t errlen)
{
	bool first = !r->done;
	r->done = true;
	if (r->nevents == 0) {
		if (r->cut)
			snprintf(err, errlen, "%s:%lu: the line is cut short and there is nothing before it", r->name,
				 r->cut);
		else
			snprintf(err, errlen, "%s: empty log (no events)", r->name);
		return -EINVAL;
	}
	if (!first)
		return 0;
	if (r->cut)
		snprintf(err, errlen, "%s: line %lu is cut short (the tracer was killed?); rendering the rest", r->name,
			 r->cut);
	else if (!r->saw_end)
		snprintf(err, errlen, "%s: no end event (the tracer was killed?); rendering the rest", r->name);
	return 0;
}

/* The next line, with its '\n' when it has one, into r->line (NUL
 * terminated): 1, 0 at the end of the input, or <0 with err set.  Bounded:
 * no line may be longer than PT_LOGREAD_LINE_MAX or hold a NUL byte (the
 * writer escapes every byte below 0x20), so /dev/zero or a binary file is
 * refused at once instead of being read into memory until it runs out. */
static int read_line(struct pt_logread *r, size_t *lenp, char *err, size_t errlen)
{
	size_t len = 0;
	for (;;) {
		if (r->rpos == r->rlen) {
			r->rpos = 0;
			r->rlen = fread(r->rbuf, 1, sizeof(r->rbuf), r->fp);
			if (!r->rlen) {
				if (ferror(r->fp)) {
					snprintf(err, errlen, "%s: %s", r->name, strerror(errno ? errno : EIO));
					return -EIO;
				}
				*lenp = len;
				return len ? 1 : 0;
			}
		}
		const char *p = r->rbuf + r->rpos;
		size_t avail = r->rlen - r->rpos;
		const char *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) + 1 : avail;
		const char *nul = memchr(p, 0, take);
		if (nul) {
			snprintf(err, errlen, "%s:%lu: a NUL byte at column %zu: not a JSONL log", r->name, r->lineno + 1,
				 len + (size_t)(nul - p) + 1);
			return -EINVAL;
		}
		if (take > PT_LOGREAD_LINE_MAX - len) {
			snprintf(err, errlen, "%s:%lu: line longer than %u bytes (128 MiB): not a JSONL log", r->name,
				 r->lineno + 1, PT_LOGREAD_LINE_MAX);
			return -EINVAL;
		}
		if (len + take + 1 > r->cap) {
			size_t cap = r->cap ? r->cap : 4096;
			while (cap < len + take + 1)
				cap *= 2;
			char *l = realloc(r->line, cap);
			if (!l) {
				snprintf(err, errlen, "%s:%lu: %s", r->name, r->lineno + 1, strerror(ENOMEM));
				return -ENOMEM;
			}
			r->line = l;
			r->cap = cap;
		}
		memcpy(r->line + len, p, take);
		len += take;
		r->line[len] = 0;
		r->rpos += take;
		if (nl) {
			*lenp = len;
			return 1;
		}
	}
}

int pt_logread_next(struct pt_logread *r, struct pt_event *ev, char *err, size_t errlen)
{
	err[0] = 0;
	memset(ev, 0, sizeof(*ev));
	json_object_put(r->obj);
	r->obj = NULL;
	pt_arena_reset(&r->arena);
	if (r->done)
		return at_end(r, err, errlen);
	for (;;) {
		size_t len;
		int rc = read_line(r, &len, err, errlen);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return at_end(r, err, errlen);
		r->lineno++;
		bool complete = r->line[len - 1] == '\n';
		while (len && strchr(" \t\r\n", r->line[len - 1]))
			len--;
		if (!len)
			continue;     /* blank lines carry nothing */
		/* json-c would decode a lone \udcXX (a byte that is not UTF-8,
		 * docs/trace-format.md) to U+FFFD: premapped so dup_str() can
		 * restore the byte. */
		pt_json_premap(r->line, len);
		json_tokener_reset(r->tok);
		json_object *o = json_tokener_parse_ex(r->tok, r->line, (int)len);
		enum json_tokener_error je = json_tokener_get_error(r->tok);
		if (!o && je == json_tokener_continue && !complete) {
			/* Only the last line can lack its newline: a tracer killed
			 * mid-write.  Everything before it is still worth seeing. */
			r->cut = r->lineno;
			return at_end(r, err, errlen);
		}
		if (!o && je == json_tokener_success)
			je = json_tokener_error_parse_null;   /* "null": a value, but nothing */
		if (!o) {
			size_t at = strspn(r->line, " \t");
			if (r->line[at] != '{')
				snprintf(err, errlen, "%s:%lu: not JSON (a line must be one JSON object)", r->name,
					 r->lineno);
			else if (je == json_tokener_continue)
				snprintf(err, errlen, "%s:%lu: not JSON (the line ends inside the object)", r->name,
					 r->lineno);
			else
				snprintf(err, errlen, "%s:%lu: not JSON (%s, column %zu)", r->name, r->lineno,
					 json_tokener_error_desc(je), json_tokener_get_parse_end(r->tok) + 1);
			return -EINVAL;
		}
		r->obj = o;
		size_t end = json_tokener_get_parse_end(r->tok);
		if (end < len) {
			snprintf(err, errlen, "%s:%lu: not JSON (text after the object)", r->name, r->lineno);
			return -EINVAL;
		}
		if (!json_object_is_type(o, json_type_object)) {
			snprintf(err, errlen, "%s:%lu: not JSON (a value, but not an object)", r->name, r->lineno);
			return -EINVAL;
		}
		return decode(r, o, ev, err, errlen);
	}
}

unsigned long pt_logread_line(const struct pt_logread *r)
{
	return r->lineno;
}

int pt_logread_open_fp(FILE *fp, const char *name, struct pt_logread **out)
{
	struct pt_logread *r = calloc(1, sizeof(*r));
	int rc = -ENOMEM;
	if (!r)
		goto out;
	pt_arena_init(&r->arena);
	r->fp = fp;
	r->name = strdup(name);
	r->tok = json_tokener_new();
	if (!r->name || !r->tok)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	if (r) {
		json_tokener_free(r->tok);
		free(r->name);
		free(r);
	}
	return rc;
}

int pt_logread_open(const char *path, struct pt_logread **out)
{
	bool std = !strcmp(path, "-");
	FILE *fp = std ? stdin : fopen(path, "r");
	if (!fp)
		return -errno;
	int rc = pt_logread_open_fp(fp, std ? "<stdin>" : path, out);
	if (rc < 0 && !std)
		fclose(fp);
	if (rc == 0 && !std)
		(*out)->owns = true;
	return rc;
}

void pt_logread_close(struct pt_logread *r)
{
	if (!r)
		return;
	json_object_put(r->obj);
	json_tokener_free(r->tok);
	pt_arena_free(&r->arena);
	if (r->owns)
		fclose(r->fp);
	free(r->line);
	free(r->name);
	free(r);
}
