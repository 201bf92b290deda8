/* Helpers shared by the Criterion tests (see support.h). */
#include "support.h"
#include "pt/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Everything a run owns; r's pointers alias these.  Kept in a global list so
 * pt_t_cleanup() can free runs whose test body was cut short by a failed
 * assertion (r itself may then be a dead stack frame: never touched). */
struct pt_t_priv {
	struct pt_t_priv *next;
	char *dir, *log_path, *out_path, *stdout_path, *stderr_path;
	char *cmdline;          /* the tool's argv, for messages */
	pid_t pid;
	bool done;
	bool keep;              /* a failure was reported: keep the files */
	json_object **ev;
	size_t nev;
	size_t *line_off;       /* start of line i in log */
	size_t *line_len;
	char *log, *out, *stdout_text, *stderr_text;
	char *dump;
};

static struct pt_t_priv *g_runs;
static char *g_scratch;          /* scratch directory, created on demand */

struct strnode {
	struct strnode *next;
	char s[];
};
static struct strnode *g_strings;   /* formatted messages, scratch paths */

static char *keep_string(const char *s, size_t len)
{
	struct strnode *n = malloc(sizeof *n + len + 1);
	if (!n)
		abort();
	memcpy(n->s, s, len);
	n->s[len] = 0;
	n->next = g_strings;
	g_strings = n;
	return n->s;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

const char *pt_t_fmt__(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	char *k = keep_string(s, strlen(s));
	free(s);
	return k;
}

uint64_t pt_t_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static bool keep_files(void)
{
	const char *k = getenv("PT_TEST_KEEP");
	return k && *k && strcmp(k, "0") != 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *make_tmpdir(const char *what)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	char *tmpl = xasprintf("%s/pt-%s-XXXXXX", base, what);
	if (!mkdtemp(tmpl))
		cr_assert_fail("mkdtemp(%s): %s", tmpl, strerror(errno));
	return tmpl;
}

const char *pt_t_scratch(const char *name)
{
	if (!g_scratch)
		g_scratch = make_tmpdir("scratch");
	char *p = xasprintf("%s/%s", g_scratch, name);
	char *k = keep_string(p, strlen(p));
	free(p);
	return k;
}

char *pt_t_read_file(const char *path, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (lenp)
		*lenp = 0;
	if (fd < 0)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		abort();
	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}

size_t pt_t_count_lines(const char *path, const char *prefix)
{
	size_t len, n = 0, plen = strlen(prefix);
	char *s = pt_t_read_file(path, &len);
	if (!s)
		return 0;
	for (char *p = s; p < s + len;) {
		char *nl = memchr(p, '\n', (size_t)(s + len - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(s + len - p);
		if (l >= plen && memcmp(p, prefix, plen) == 0)
			n++;
		p += l + 1;
	}
	free(s);
	return n;
}

/* ---- runs ---- */

static void priv_free(struct pt_t_priv *p)
{
	if (p->pid > 0) {
		/* Tracees left over by a failed test are still in the tool's
		 * process group (unless they changed it). */
		kill(-p->pid, SIGKILL);
		if (!p->done) {
			kill(p->pid, SIGKILL);
			while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
	}
	if (p->keep || keep_files())
		fprintf(stderr, "ptrace-tour test: kept %s\n", p->dir);
	else
		rm_tree(p->dir);
	for (size_t i = 0; i < p->nev; i++)
		if (p->ev[i])
			json_object_put(p->ev[i]);
	free(p->ev);
	free(p->line_off);
	free(p->line_len);
	free(p->log);
	free(p->out);
	free(p->stdout_text);
	free(p->stderr_text);
	free(p->dump);
	free(p->dir);
	free(p->log_path);
	free(p->out_path);
	free(p->stdout_path);
	free(p->stderr_path);
	free(p->cmdline);
	free(p);
}

void pt_t_free(struct pt_t_run *r)
{
	if (!r->priv)
		return;
	for (struct pt_t_priv **pp = &g_runs; *pp; pp = &(*pp)->next) {
		if (*pp == r->priv) {
			*pp = r->priv->next;
			break;
		}
	}
	priv_free(r->priv);
	memset(r, 0, sizeof *r);
}

void pt_t_cleanup(void)
{
	while (g_runs) {
		struct pt_t_priv *p = g_runs;
		g_runs = p->next;
		priv_free(p);
	}
	if (g_scratch) {
		if (keep_files())
			fprintf(stderr, "ptrace-tour test: kept %s\n", g_scratch);
		else
			rm_tree(g_scratch);
		free(g_scratch);
		g_scratch = NULL;
	}
	while (g_strings) {
		struct strnode *n = g_strings;
		g_strings = n->next;
		free(n);
	}
}

const char *pt_t_tracee_path(const char *tracee)
{
	static char buf[4096];
	if (strchr(tracee, '/'))
		snprintf(buf, sizeof buf, "%s", tracee);
	else
		snprintf(buf, sizeof buf, "%s/%s", PT_TRACEES, tracee);
	return buf;
}

static size_t count_args(const char *const *a)
{
	size_t n = 0;
	while (a && a[n])
		n++;
	return n;
}

static int open_out(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		cr_assert_fail("open(%s): %s", path, strerror(errno));
	return fd;
}

pid_t pt_t_spawn_cmd(struct pt_t_run *r, const char *const *tool_args, const char *const *cmd)
{
	memset(r, 0, sizeof *r);
	struct pt_t_priv *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->next = g_runs;
	g_runs = p;
	r->priv = p;

	p->dir = make_tmpdir("run");
	p->log_path = xasprintf("%s/log.jsonl", p->dir);
	p->out_path = xasprintf("%s/out.txt", p->dir);
	p->stdout_path = xasprintf("%s/stdout", p->dir);
	p->stderr_path = xasprintf("%s/stderr", p->dir);
	r->dir = p->dir;
	r->log_path = p->log_path;
	r->out_path = p->out_path;
	r->stdout_path = p->stdout_path;
	r->stderr_path = p->stderr_path;

	size_t nt = count_args(tool_args), nc = count_args(cmd);
	const char **argv = calloc(nt + nc + 8, sizeof *argv);
	if (!argv)
		abort();
	size_t k = 0;
	argv[k++] = PT_TOOL;
	for (size_t i = 0; i < nt; i++)
		argv[k++] = tool_args[i];
	argv[k++] = "--log";
	argv[k++] = p->log_path;
	argv[k++] = "-o";
	argv[k++] = p->out_path;
	argv[k++] = "--";
	for (size_t i = 0; i < nc; i++)
		argv[k++] = cmd[i];
	argv[k] = NULL;

	size_t cl = 1;
	for (size_t i = 0; i < k; i++)
		cl += strlen(argv[i]) + 3;
	p->cmdline = calloc(1, cl);
	if (!p->cmdline)
		abort();
	for (size_t i = 0; i < k; i++) {
		if (i)
			strcat(p->cmdline, " ");
		bool q = strpbrk(argv[i], " \t'\"$") != NULL || !*argv[i];
		if (q)
			strcat(p->cmdline, "'");
		strcat(p->cmdline, argv[i]);
		if (q)
			strcat(p->cmdline, "'");
	}

	int fd_out = open_out(p->stdout_path);
	int fd_err = open_out(p->stderr_path);
	int fd_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert(fd_in >= 0, "open /dev/null: %s", strerror(errno));

	fflush(NULL);
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		static const int sigs[] = { SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT };
		for (size_t i = 0; i < PT_N_ELEMENTS(sigs); i++)
			signal(sigs[i], SIG_DFL);
		setpgid(0, 0);
		dup2(fd_in, 0);
		dup2(fd_out, 1);
		dup2(fd_err, 2);
		execv(PT_TOOL, (char *const *)argv);
		static const char msg[] = "pt_t_spawn: cannot exec " PT_TOOL "\n";
		if (write(2, msg, sizeof msg - 1) < 0) {
			/* nothing to do */
		}
		_exit(250);
	}
	setpgid(pid, pid);   /* also in the parent: no race with a kill(-pid) */
	close(fd_in);
	close(fd_out);
	close(fd_err);
	free(argv);
	p->pid = pid;
	r->pid = pid;
	return pid;
}

pid_t pt_t_spawn(struct pt_t_run *r, const char *const *tool_args, const char *tracee,
		 const char *const *tracee_args)
{
	size_t n = count_args(tracee_args);
	const char **cmd = calloc(n + 2, sizeof *cmd);
	if (!cmd)
		abort();
	char *path = xstrdup(pt_t_tracee_path(tracee));
	cmd[0] = path;
	for (size_t i = 0; i < n; i++)
		cmd[i + 1] = tracee_args[i];
	pid_t pid = pt_t_spawn_cmd(r, tool_args, cmd);
	free(cmd);
	free(path);
	return pid;
}

static void load_log(struct pt_t_run *r)
{
	struct pt_t_priv *p = r->priv;
	struct stat st;
	if (stat(p->log_path, &st) < 0) {
		r->log_missing = true;
		return;
	}
	p->log = pt_t_read_file(p->log_path, &r->log_len);
	if (!p->log) {
		r->log_missing = true;
		return;
	}
	r->log = p->log;
	size_t lines = 0;
	for (size_t i = 0; i < r->log_len; i++)
		if (p->log[i] == '\n')
			lines++;
	if (r->log_len && p->log[r->log_len - 1] != '\n') {
		lines++;
		r->log_unterminated = true;
	}
	p->ev = calloc(lines + 1, sizeof *p->ev);
	p->line_off = calloc(lines + 1, sizeof *p->line_off);
	p->line_len = calloc(lines + 1, sizeof *p->line_len);
	if (!p->ev || !p->line_off || !p->line_len)
		abort();
	size_t off = 0, n = 0;
	while (off < r->log_len) {
		char *nl = memchr(p->log + off, '\n', r->log_len - off);
		size_t len = nl ? (size_t)(nl - (p->log + off)) : r->log_len - off;
		p->line_off[n] = off;
		p->line_len[n] = len;
		json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
		if (!tok)
			abort();
		json_object *o = json_tokener_parse_ex(tok, p->log + off, (int)len);
		bool ok = o && json_tokener_get_error(tok) == json_tokener_success &&
			  json_object_is_type(o, json_type_object);
		if (ok) {
			/* nothing but blanks may follow the object on its line */
			for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
				if (!strchr(" \t\r", p->log[off + i]))
					ok = false;
		}
		json_tokener_free(tok);
		if (!ok) {
			if (o)
				json_object_put(o);
			o = NULL;
			r->nbad++;
			if (!r->first_bad)
				r->first_bad = n + 1;
		}
		p->ev[n++] = o;
		off += len + 1;
	}
	p->nev = n;
	r->ev = p->ev;
	r->nev = n;
}

static void load_outputs(struct pt_t_run *r)
{
	struct pt_t_priv *p = r->priv;
	p->out = pt_t_read_file(p->out_path, &r->out_len);
	p->stdout_text = pt_t_read_file(p->stdout_path, &r->stdout_len);
	p->stderr_text = pt_t_read_file(p->stderr_path, &r->stderr_len);
	r->out = p->out;
	r->stdout_text = p->stdout_text;
	r->stderr_text = p->stderr_text;
	load_log(r);
}

int pt_t_wait(struct pt_t_run *r, int timeout_s)
{
	struct pt_t_priv *p = r->priv;
	cr_assert(p && p->pid > 0, "pt_t_wait without pt_t_spawn");
	if (timeout_s <= 0)
		timeout_s = PT_T_TIMEOUT;
	uint64_t deadline = pt_t_now_ns() + (uint64_t)timeout_s * 1000000000u;
	int st = 0;
	bool timed_out = false;
	for (;;) {
		pid_t w = waitpid(p->pid, &st, WNOHANG);
		if (w == p->pid)
			break;
		if (w < 0 && errno != EINTR)
			cr_assert_fail("waitpid(%d): %s", (int)p->pid, strerror(errno));
		if (pt_t_now_ns() > deadline) {
			timed_out = true;
			kill(-p->pid, SIGKILL);
			kill(p->pid, SIGKILL);
			while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
				;
			break;
		}
		sleep_ms(2);
	}
	p->done = true;
	r->done = true;
	r->raw_status = st;
	if (WIFEXITED(st)) {
		r->exited = true;
		r->exit_code = WEXITSTATUS(st);
		r->code = r->exit_code;
	} else if (WIFSIGNALED(st)) {
		r->term_sig = WTERMSIG(st);
		r->code = -r->term_sig;
	}
	load_outputs(r);
	if (timed_out)
		pt_t_fail(r, "ptrace-tour did not finish within %d s: SIGKILLed it", timeout_s);
	if (!r->exited && r->term_sig != SIGTERM && r->term_sig != SIGINT && r->term_sig != r->expect_sig)
		pt_t_fail(r, "ptrace-tour died of signal %d (%s)", r->term_sig,
			  strsignal(r->term_sig));
	if (r->exited && r->exit_code == 250 && r->stderr_text &&
	    strstr(r->stderr_text, "pt_t_spawn: cannot exec"))
		pt_t_fail(r, "could not execute %s", PT_TOOL);
	return r->code;
}

int pt_t_run_cmd(struct pt_t_run *r, const char *const *tool_args, const char *const *cmd)
{
	pt_t_spawn_cmd(r, tool_args, cmd);
	return pt_t_wait(r, 0);
}

int pt_t_run(struct pt_t_run *r, const char *const *tool_args, const char *tracee,
	     const char *const *tracee_args)
{
	pt_t_spawn(r, tool_args, tracee, tracee_args);
	return pt_t_wait(r, 0);
}

/* ---- reading events ---- */

json_object *pt_t_get(json_object *e, const char *path)
{
	if (!e || !path)
		return NULL;
	if (!*path)
		return e;
	json_object *cur = e;
	const char *s = path;
	char seg[128];
	while (cur && *s) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		if (n >= sizeof seg)
			return NULL;
		memcpy(seg, s, n);
		seg[n] = 0;
		s += n + (dot ? 1 : 0);
		if (json_object_is_type(cur, json_type_object)) {
			json_object *next = NULL;
			if (!json_object_object_get_ex(cur, seg, &next))
				return NULL;
			cur = next;
		} else if (json_object_is_type(cur, json_type_array)) {
			char *end;
			unsigned long idx = strtoul(seg, &end, 10);
			if (*end || !*seg || idx >= json_object_array_length(cur))
				return NULL;
			cur = json_object_array_get_idx(cur, idx);
		} else {
			return NULL;
		}
	}
	return cur;
}

bool pt_t_has(json_object *e, const char *path)
{
	json_object *o = NULL;
	if (!e || !path)
		return false;
	/* a present null counts as present */
	if (!strchr(path, '.'))
		return json_object_object_get_ex(e, path, &o);
	return pt_t_get(e, path) != NULL;
}

int64_t pt_t_int(json_object *e, const char *path, int64_t dflt)
{
	json_object *o = pt_t_get(e, path);
	if (!o)
		return dflt;
	if (json_object_is_type(o, json_type_int))
		return json_object_get_int64(o);
	if (json_object_is_type(o, json_type_double)) {
		double d = json_object_get_double(o);
		if (d == (double)(int64_t)d)
			return (int64_t)d;
	}
	return dflt;
}

const char *pt_t_str(json_object *e, const char *path)
{
	json_object *o = pt_t_get(e, path);
	if (!o || !json_object_is_type(o, json_type_string))
		return NULL;
	return json_object_get_string(o);
}

int pt_t_bool(json_object *e, const char *path)
{
	json_object *o = pt_t_get(e, path);
	if (!o || !json_object_is_type(o, json_type_boolean))
		return -1;
	return json_object_get_boolean(o) ? 1 : 0;
}

const char *pt_t_kind(json_object *e)
{
	const char *k = pt_t_str(e, "ev");
	return k ? k : "";
}

bool pt_t_is(json_object *e, const char *kind)
{
	return e && (!kind || strcmp(pt_t_kind(e), kind) == 0);
}

pid_t pt_t_pid(json_object *e)
{
	return (pid_t)pt_t_int(e, "pid", -1);
}

pid_t pt_t_tgid(json_object *e)
{
	return (pid_t)pt_t_int(e, "tgid", -1);
}

const char *pt_t_json(json_object *e)
{
	if (!e)
		return "(null)";
	return json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE);
}

static json_object *status_obj(json_object *e, const char *path)
{
	json_object *o = (path && *path) ? pt_t_get(e, path) : e;
	return (o && json_object_is_type(o, json_type_object)) ? o : NULL;
}

int pt_t_status_exited(json_object *e, const char *path)
{
	json_object *o = status_obj(e, path);
	return o ? (int)pt_t_int(o, "exited", -1) : -1;
}

const char *pt_t_status_signaled(json_object *e, const char *path)
{
	return pt_t_str(status_obj(e, path), "signaled");
}

const char *pt_t_status_stopped(json_object *e, const char *path)
{
	return pt_t_str(status_obj(e, path), "stopped");
}

bool pt_t_status_continued(json_object *e, const char *path)
{
	return pt_t_bool(status_obj(e, path), "continued") == 1;
}

long pt_t_find_idx(const struct pt_t_run *r, size_t from, const char *kind, pt_t_pred pred,
		   const void *arg)
{
	for (size_t i = from; i < r->nev; i++) {
		json_object *e = r->ev[i];
		if (!e || !pt_t_is(e, kind))
			continue;
		if (pred && !pred(e, arg))
			continue;
		return (long)i;
	}
	return -1;
}

json_object *pt_t_find(const struct pt_t_run *r, const char *kind, pt_t_pred pred,
		       const void *arg, size_t nth)
{
	size_t from = 0;
	for (;;) {
		long i = pt_t_find_idx(r, from, kind, pred, arg);
		if (i < 0)
			return NULL;
		if (nth-- == 0)
			return r->ev[i];
		from = (size_t)i + 1;
	}
}

size_t pt_t_count_if(const struct pt_t_run *r, const char *kind, pt_t_pred pred,
		     const void *arg)
{
	size_t n = 0;
	for (long i = pt_t_find_idx(r, 0, kind, pred, arg); i >= 0;
	     i = pt_t_find_idx(r, (size_t)i + 1, kind, pred, arg))
		n++;
	return n;
}

long pt_t_index_of(const struct pt_t_run *r, json_object *e)
{
	for (size_t i = 0; e && i < r->nev; i++)
		if (r->ev[i] == e)
			return (long)i;
	return -1;
}

static bool pred_pid(json_object *e, const void *arg)
{
	pid_t pid = *(const pid_t *)arg;
	return pid <= 0 || pt_t_pid(e) == pid;
}

size_t pt_t_count(const struct pt_t_run *r, const char *kind, pid_t pid)
{
	return pt_t_count_if(r, kind, pred_pid, &pid);
}

json_object *pt_t_nth(const struct pt_t_run *r, const char *kind, pid_t pid, size_t nth)
{
	return pt_t_find(r, kind, pred_pid, &pid, nth);
}

struct kv_int {
	const char *key;
	int64_t val;
};

static bool pred_int(json_object *e, const void *arg)
{
	const struct kv_int *kv = arg;
	json_object *o = pt_t_get(e, kv->key);
	return o && (json_object_is_type(o, json_type_int) ||
		     json_object_is_type(o, json_type_double)) &&
	       pt_t_int(e, kv->key, 0) == kv->val;
}

json_object *pt_t_find_int(const struct pt_t_run *r, const char *kind, const char *key,
			   int64_t val, size_t nth)
{
	struct kv_int kv = { key, val };
	return pt_t_find(r, kind, pred_int, &kv, nth);
}

size_t pt_t_count_int(const struct pt_t_run *r, const char *kind, const char *key, int64_t val)
{
	struct kv_int kv = { key, val };
	return pt_t_count_if(r, kind, pred_int, &kv);
}

struct pid_kv_int {
	pid_t pid;
	struct kv_int kv;
};

static bool pred_pid_int(json_object *e, const void *arg)
{
	const struct pid_kv_int *m = arg;
	return pt_t_pid(e) == m->pid && pred_int(e, &m->kv);
}

json_object *pt_t_find_pid_int(const struct pt_t_run *r, const char *kind, pid_t pid,
			       const char *key, int64_t val, size_t nth)
{
	struct pid_kv_int m = { pid, { key, val } };
	return pt_t_find(r, kind, pred_pid_int, &m, nth);
}

size_t pt_t_count_pid_int(const struct pt_t_run *r, const char *kind, pid_t pid,
			  const char *key, int64_t val)
{
	struct pid_kv_int m = { pid, { key, val } };
	return pt_t_count_if(r, kind, pred_pid_int, &m);
}

struct kv_str {
	const char *key;
	const char *val;
};

static bool pred_str(json_object *e, const void *arg)
{
	const struct kv_str *kv = arg;
	const char *s = pt_t_str(e, kv->key);
	return s && strcmp(s, kv->val) == 0;
}

json_object *pt_t_find_str(const struct pt_t_run *r, const char *kind, const char *key,
			   const char *val, size_t nth)
{
	struct kv_str kv = { key, val };
	return pt_t_find(r, kind, pred_str, &kv, nth);
}

size_t pt_t_count_str(const struct pt_t_run *r, const char *kind, const char *key,
		      const char *val)
{
	struct kv_str kv = { key, val };
	return pt_t_count_if(r, kind, pred_str, &kv);
}

json_object *pt_t_start(const struct pt_t_run *r)
{
	return (r->nev && pt_t_is(r->ev[0], "start")) ? r->ev[0] : NULL;
}

json_object *pt_t_end(const struct pt_t_run *r)
{
	return (r->nev && pt_t_is(r->ev[r->nev - 1], "end")) ? r->ev[r->nev - 1] : NULL;
}

pid_t pt_t_root(const struct pt_t_run *r)
{
	json_object *s = pt_t_start(r);
	return s ? pt_t_pid(s) : -1;
}

static const char *base_name(const char *s)
{
	const char *b = strrchr(s, '/');
	return b ? b + 1 : s;
}

static bool pred_exec_named(json_object *e, const void *arg)
{
	const char *base = arg;
	const char *path = pt_t_str(e, "path");
	const char *a0 = pt_t_str(e, "argv.0");
	return (path && strcmp(base_name(path), base) == 0) ||
	       (a0 && strcmp(base_name(a0), base) == 0);
}

json_object *pt_t_exec_named(const struct pt_t_run *r, const char *base)
{
	return pt_t_find(r, "exec", pred_exec_named, base, 0);
}

/* A minimal reader of the raw JSON text, for the strings json-c cannot give
 * back byte-exact (json-c turns a lone "\udcXX" into U+FFFD). */
static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && strchr(" \t\r\n", *s))
		s++;
	return s;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool hex4(const char *s, const char *end, unsigned *out)
{
	unsigned v = 0;
	if (end - s < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return false;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return true;
}

static size_t put_utf8(unsigned char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Parses the string at *ps ('"' expected); out (may be NULL) receives the
 * bytes, with \udc80..\udcff mapped back to single bytes.  Returns false on
 * malformed input. */
static bool raw_string(const char **ps, const char *end, unsigned char *out, size_t *outlen)
{
	const char *s = *ps;
	size_t n = 0;
	if (s >= end || *s != '"')
		return false;
	s++;
	while (s < end && *s != '"') {
		unsigned char tmp[4];
		size_t k = 0;
		if (*s != '\\') {
			tmp[k++] = (unsigned char)*s++;
		} else {
			s++;
			if (s >= end)
				return false;
			char c = *s++;
			switch (c) {
			case '"': tmp[k++] = '"'; break;
			case '\\': tmp[k++] = '\\'; break;
			case '/': tmp[k++] = '/'; break;
			case 'b': tmp[k++] = '\b'; break;
			case 'f': tmp[k++] = '\f'; break;
			case 'n': tmp[k++] = '\n'; break;
			case 'r': tmp[k++] = '\r'; break;
			case 't': tmp[k++] = '\t'; break;
			case 'u': {
				unsigned cp, lo;
				if (!hex4(s, end, &cp))
					return false;
				s += 4;
				if (cp >= 0xdc80 && cp <= 0xdcff) {
					tmp[k++] = (unsigned char)(cp & 0xff);
				} else if (cp >= 0xd800 && cp <= 0xdbff && end - s >= 6 && s[0] == '\\' &&
					   s[1] == 'u' && hex4(s + 2, end, &lo) && lo >= 0xdc00 &&
					   lo <= 0xdfff) {
					s += 6;
					k = put_utf8(tmp, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
				} else {
					k = put_utf8(tmp, cp);
				}
				break;
			}
			default:
				return false;
			}
		}
		if (out)
			memcpy(out + n, tmp, k);
		n += k;
	}
	if (s >= end)
		return false;
	*ps = s + 1;
	if (outlen)
		*outlen = n;
	return true;
}

static bool raw_skip_value(const char **ps, const char *end, int depth)
{
	const char *s = skip_ws(*ps, end);
	if (s >= end || depth > 64)
		return false;
	if (*s == '"') {
		if (!raw_string(&s, end, NULL, NULL))
			return false;
	} else if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';
		bool obj = *s == '{';
		s = skip_ws(s + 1, end);
		if (s < end && *s == close) {
			*ps = s + 1;
			return true;
		}
		for (;;) {
			if (obj) {
				s = skip_ws(s, end);
				if (!raw_string(&s, end, NULL, NULL))
					return false;
				s = skip_ws(s, end);
				if (s >= end || *s != ':')
					return false;
				s++;
			}
			if (!raw_skip_value(&s, end, depth + 1))
				return false;
			s = skip_ws(s, end);
			if (s < end && *s == ',') {
				s++;
				continue;
			}
			if (s < end && *s == close) {
				s++;
				break;
			}
			return false;
		}
	} else {
		while (s < end && !strchr(",}] \t\r\n", *s))
			s++;
	}
	*ps = s;
	return true;
}

char *pt_t_argv_bytes(const struct pt_t_run *r, json_object *exec, size_t idx, size_t *len)
{
	long li = pt_t_index_of(r, exec);
	if (li < 0)
		return NULL;
	const struct pt_t_priv *p = r->priv;
	const char *s = p->log + p->line_off[li];
	const char *end = s + p->line_len[li];
	s = skip_ws(s, end);
	if (s >= end || *s != '{')
		return NULL;
	s++;
	for (;;) {
		s = skip_ws(s, end);
		const char *key = s;
		size_t klen;
		if (!raw_string(&s, end, NULL, &klen))
			return NULL;
		bool is_argv = klen == 4 && memcmp(key, "\"argv\"", 6) == 0;
		s = skip_ws(s, end);
		if (s >= end || *s != ':')
			return NULL;
		s = skip_ws(s + 1, end);
		if (is_argv) {
			if (s >= end || *s != '[')
				return NULL;
			s++;
			for (size_t i = 0;; i++) {
				s = skip_ws(s, end);
				if (s >= end || *s != '"')
					return NULL;
				if (i == idx) {
					const char *t = s;
					size_t n;
					if (!raw_string(&t, end, NULL, &n))
						return NULL;
					unsigned char *buf = malloc(n + 1);
					if (!buf)
						abort();
					raw_string(&s, end, buf, &n);
					buf[n] = 0;
					if (len)
						*len = n;
					return (char *)buf;
				}
				if (!raw_string(&s, end, NULL, NULL))
					return NULL;
				s = skip_ws(s, end);
				if (s >= end || *s != ',')
					return NULL;
				s++;
			}
		}
		if (!raw_skip_value(&s, end, 0))
			return NULL;
		s = skip_ws(s, end);
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		return NULL;
	}
}

size_t pt_t_children(const struct pt_t_run *r, pid_t pid, bool threads, pid_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nev; i++) {
		json_object *e = r->ev[i];
		if (!pt_t_is(e, "spawn"))
			continue;
		pid_t parent = pt_t_has(e, "tgid") ? pt_t_tgid(e) : pt_t_pid(e);
		if (parent != pid)
			continue;
		const char *kind = pt_t_str(e, "kind");
		if (!threads && kind && strcmp(kind, "thread") == 0)
			continue;
		if (n < max && out)
			out[n] = (pid_t)pt_t_int(e, "child", -1);
		n++;
	}
	return n;
}

json_object *pt_t_spawn_of(const struct pt_t_run *r, pid_t child)
{
	return pt_t_find_int(r, "spawn", "child", child, 0);
}

json_object *pt_t_exit_of(const struct pt_t_run *r, pid_t pid)
{
	json_object *last = NULL;
	for (size_t i = 0; i < r->nev; i++)
		if (pt_t_is(r->ev[i], "exit") && pt_t_pid(r->ev[i]) == pid)
			last = r->ev[i];
	return last;
}

static int cmp_pid(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

size_t pt_t_distinct_pids(const struct pt_t_run *r)
{
	int64_t *v = calloc(2 * r->nev + 1, sizeof *v);
	if (!v)
		abort();
	size_t n = 0;
	for (size_t i = 0; i < r->nev; i++) {
		json_object *e = r->ev[i];
		if (!e)
			continue;
		if (pt_t_has(e, "pid"))
			v[n++] = pt_t_int(e, "pid", -1);
		if (pt_t_is(e, "spawn") && pt_t_has(e, "child"))
			v[n++] = pt_t_int(e, "child", -1);
	}
	qsort(v, n, sizeof *v, cmp_pid);
	size_t d = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			d++;
	free(v);
	return d;
}

/* ---- diagnostics ---- */

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	sb_add(b, s, strlen(s));
	free(s);
}

/* Appends text with control bytes (other than \n) shown as \xHH, at most max bytes. */
static void sb_text(struct sbuf *b, const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || (c >= 0x20 && c != 0x7f))
			sb_add(b, (const char *)&c, 1);
		else
			sb_printf(b, "\\x%02x", c);
	}
	if (len > max)
		sb_printf(b, "... (%zu more bytes)", len - max);
}

#define DUMP_LINE_MAX 400
#define DUMP_ALL_LINES 120
#define DUMP_HEAD 40
#define DUMP_TAIL 80

const char *pt_t_dump(struct pt_t_run *r)
{
	struct pt_t_priv *p = r->priv;
	if (!p)
		return "(no run)";
	p->keep = true;
	free(p->dump);
	struct sbuf b = { 0 };
	sb_printf(&b, "---- run: %s\n", p->cmdline);
	if (!r->done)
		sb_printf(&b, "---- tool: still running (pid %d)\n", (int)r->pid);
	else if (r->exited)
		sb_printf(&b, "---- tool: exited %d\n", r->exit_code);
	else
		sb_printf(&b, "---- tool: killed by signal %d\n", r->term_sig);
	sb_printf(&b, "---- files kept in %s (log.jsonl, out.txt, stdout, stderr)\n", p->dir);
	if (r->stderr_text && r->stderr_len) {
		sb_printf(&b, "---- tool stderr:\n");
		sb_text(&b, r->stderr_text, r->stderr_len, 4000);
		sb_add(&b, "\n", 1);
	}
	if (r->log_missing) {
		sb_printf(&b, "---- no log written\n");
	} else {
		sb_printf(&b, "---- log: %zu lines, %zu unparsable (first: line %zu)%s\n", r->nev,
			  r->nbad, r->first_bad, r->log_unterminated ? ", last line unterminated" : "");
		for (size_t i = 0; i < r->nev; i++) {
			if (r->nev > DUMP_ALL_LINES && i == DUMP_HEAD) {
				sb_printf(&b, "     ... %zu lines left out ...\n",
					  r->nev - DUMP_HEAD - DUMP_TAIL);
				i = r->nev - DUMP_TAIL;
			}
			sb_printf(&b, "%5zu: ", i + 1);
			sb_text(&b, p->log + p->line_off[i], p->line_len[i], DUMP_LINE_MAX);
			sb_add(&b, "\n", 1);
		}
	}
	p->dump = b.s;
	return p->dump ? p->dump : "";
}

void pt_t_check_log(struct pt_t_run *r)
{
	pt_t_assert(r, !r->log_missing, "no log file was written");
	pt_t_assert(r, r->nbad == 0, "%zu log lines do not parse as JSON objects (first: line %zu)",
		    r->nbad, r->first_bad);
	pt_t_assert(r, !r->log_unterminated, "the last log line is not terminated by a newline");
	pt_t_assert(r, r->nev >= 2, "the log has %zu lines", r->nev);
	json_object *s = pt_t_start(r);
	pt_t_assert(r, s != NULL, "the first line is not a start event");
	pt_t_assert(r, pt_t_int(s, "version", -1) == 1, "start.version is not 1");
	json_object *e = pt_t_end(r);
	pt_t_assert(r, e != NULL, "the last line is not an end event");
	pt_t_assert(r, pt_t_count(r, "start", 0) == 1, "more than one start event");
	pt_t_assert(r, pt_t_count(r, "end", 0) == 1, "more than one end event");
	if (r->exited)
		pt_t_assert(r, pt_t_int(e, "status", -1) == r->exit_code,
			    "end.status %lld but the tool exited %d",
			    (long long)pt_t_int(e, "status", -1), r->exit_code);
}

struct pt_t_untraced pt_t_run_untraced(const char *tracee, const char *arg)
{
	struct pt_t_untraced u = {-1, NULL};
	char name[128];
	snprintf(name, sizeof(name), "untraced-%s-%s.out", tracee, arg ? arg : "");
	const char *path = pt_t_scratch(name);
	const char *exe = pt_t_tracee_path(tracee);
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork");
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int devnull = open("/dev/null", O_WRONLY);
		if (fd < 0 || devnull < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(devnull, 2);
		execl(exe, tracee, arg, (char *)NULL);
		_exit(127);
	}
	int st;
	cr_assert(waitpid(pid, &st, 0) == pid, "waitpid");
	u.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	u.out = pt_t_read_file(path, NULL);
	cr_assert(u.out != NULL, "no output from the untraced run of %s", tracee);
	return u;
}
