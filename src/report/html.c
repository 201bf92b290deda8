/* One self-contained HTML page (report --format html, --export html:FILE):
 * the trace as JSON in <script type="application/json"> elements, and the
 * page's own script and style (src/report/web/, compiled in by
 * cmake/embed.cmake) that render it in the browser, offline.
 *
 * The C side stays small: each event goes out as the log's own JSON line
 * (through the JSONL writer, so the page sees every field the log has) and
 * --explain's sentences for it (through the text writer; both are output's,
 * passed in by the caller since report links no output), tagged with the
 * task it belongs to in the model (pids are reused, so the page must not
 * guess); at the end the model's tasks in tree order.  The page builds the
 * cards, the tree and the timeline from those.
 *
 * Events go to a temporary file as they come (memory stays that of the
 * model) and are copied after the script at the end.  Everything inside
 * the JSON elements passes pt_escape_json_html(): JSON strings may hold any
 * tracee byte, and "</script>", "<!--" or U+2028 must not end the element
 * or confuse the HTML parser. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "pt/escape.h"
#include "pt/hash.h"
#include "pt/report.h"
#include "pt/tables.h"
#include "pt/util.h"

extern const unsigned char pt_web_page_js[], pt_web_page_css[];
extern const size_t pt_web_page_js_len, pt_web_page_css_len;

struct tpl {
	struct pt_hnode node;
	uint32_t id;
	char s[];
};

struct html {
	struct pt_view v;
	struct pt_sink *jsonl, *text;   /* the writers, into memory */
	FILE *jfp, *tfp;
	char *jmem, *tmem;
	size_t jsize, tsize;
	FILE *evfp;                     /* the events' JSON, until the end (a temporary file) */
	struct pt_buf start, end;       /* the start and end events' JSON, for the header */
	uint64_t nev, ntasks;
	struct pt_buf b;                /* one event's JSON, then the tasks */
	struct pt_buf tb;               /* a sentence's template */
	/* --explain's sentences differ mostly in their numbers: each is sent
	 * as a template (numbers cut out) and its numbers, the templates once
	 * (a 10,000-process page is a third of the size). */
	struct pt_arena arena;          /* the templates */
	struct pt_hash tpl;             /* by pt_hash_str of the text */
	struct tpl **tpl_list;          /* by id */
	size_t ntpl, tpl_cap;
};

#define TPL_HOLE '\x01'                /* where a number was: never in the text (escaped) */

static void head(struct html *h)
{
	FILE *f = h->v.out;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
	      "<title>ptrace-tour trace</title>\n<style>\n", f);
	fwrite(pt_web_page_css, 1, pt_web_page_css_len, f);
	fputs("</style>\n</head>\n<body>\n<noscript>This page needs JavaScript to show the trace.</noscript>\n"
	      "<script type=\"application/json\" id=\"pt-trace\">\n{\"format\":\"ptrace-tour-html\",\"version\":1", f);
}

/* What a memory stream got since the last call, then rewound for the next:
 * one event's worth, never the whole trace. */
static size_t take(FILE *fp, const char **s, char *mem)
{
	off_t end = ftello(fp);
	*s = mem;
	fseeko(fp, 0, SEEK_SET);
	return end > 0 ? (size_t)end : 0;
}

/* One event through a writer, written out at once. */
static int pass(struct pt_sink *w, const struct pt_event *ev)
{
	int rc = w->ops->emit(w, ev);
	if (rc == 0 && w->ops->flush)
		rc = w->ops->flush(w);
	return rc < 0 ? rc : 0;
}

/* The id of a template, added if new; -ENOMEM. */
static int64_t template_id(struct html *h, const char *t)
{
	uint32_t key = pt_hash_str(t);
	for (struct pt_hnode *n = pt_hash_find(&h->tpl, key); n; n = pt_hash_find_next(n)) {
		struct tpl *e = pt_container_of(n, struct tpl, node);
		if (!strcmp(e->s, t))
			return e->id;
	}
	if (h->ntpl == h->tpl_cap) {
		size_t cap = h->tpl_cap ? h->tpl_cap * 2 : 64;
		struct tpl **list = realloc(h->tpl_list, cap * sizeof(*list));
		if (!list)
			return -ENOMEM;
		h->tpl_list = list;
		h->tpl_cap = cap;
	}
	size_t len = strlen(t);
	struct tpl *e = pt_arena_alloc(&h->arena, sizeof(*e) + len + 1);
	if (!e || pt_hash_add(&h->tpl, &e->node, key) < 0)
		return -ENOMEM;
	memcpy(e->s, t, len + 1);
	e->id = (uint32_t)h->ntpl;
	h->tpl_list[h->ntpl] = e;
	return (int64_t)h->ntpl++;
}

/* One sentence as [template id, its numbers...]; a number with a leading
 * zero ("0.085" has "085") stays a string. */
static int sentence(struct html *h, const char *s, size_t n)
{
	struct pt_buf *b = &h->b, *t = &h->tb;
	t->len = 0;
	pt_buf_puts(b, "[0");   /* the id, written over below */
	size_t idpos = b->len - 1;
	for (size_t i = 0; i < n;) {
		if (s[i] < '0' || s[i] > '9') {
			size_t j = i;
			while (j < n && (s[j] < '0' || s[j] > '9'))
				j++;
			pt_buf_add(t, s + i, j - i);
			i = j;
			continue;
		}
		size_t j = i;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		pt_buf_putc(t, TPL_HOLE);
		pt_buf_putc(b, ',');
		if (s[i] == '0' && j - i > 1) {
			pt_buf_putc(b, '"');
			pt_buf_add(b, s + i, j - i);
			pt_buf_putc(b, '"');
		} else {
			pt_buf_add(b, s + i, j - i);
		}
		i = j;
	}
	pt_buf_putc(b, ']');
	if (t->oom || b->oom)
		return -ENOMEM;
	int64_t id = template_id(h, t->len ? t->s : "");
	if (id < 0)
		return (int)id;
	/* Put the id in place of the "0". */
	char num[24];
	int w = snprintf(num, sizeof(num), "%lld", (long long)id);
	size_t tail = b->len - idpos - 1;
	if (!pt_buf_reserve(b, (size_t)w))
		return -ENOMEM;
	memmove(b->s + idpos + w, b->s + idpos + 1, tail);
	memcpy(b->s + idpos, num, (size_t)w);
	b->len += (size_t)w - 1;
	b->s[b->len] = 0;
	return 0;
}

static int html_emit(struct pt_sink *s, const struct pt_event *ev)
{
	struct html *h = (struct html *)s;
	struct pt_mproc *before = pt_model_find(&h->v.m, ev->pid);
	int rc = pt_view_emit(s, ev);
	if (rc < 0)
		return rc;
	/* The task the event is about: a reaped task leaves the pid table. */
	struct pt_mproc *t = pt_model_find(&h->v.m, ev->pid);
	if (!t || (before && ev->kind == PT_EV_REAP))
		t = before;
	if ((rc = pass(h->jsonl, ev)) < 0 || (rc = pass(h->text, ev)) < 0)
		return rc;
	if (fflush(h->jfp) || fflush(h->tfp))
		return -ENOMEM;
	const char *line, *text;
	size_t llen = take(h->jfp, &line, h->jmem), tlen = take(h->tfp, &text, h->tmem);
	while (llen && line[llen - 1] == '\n')
		llen--;
	if (ev->kind == PT_EV_START || ev->kind == PT_EV_END) {
		struct pt_buf *keep = ev->kind == PT_EV_START ? &h->start : &h->end;
		keep->len = 0;
		pt_buf_add(keep, line, llen);
		if (keep->oom)
			return -ENOMEM;
	}

	struct pt_buf *b = &h->b;
	b->len = 0;
	pt_buf_puts(b, h->nev++ ? ",[" : "[");
	pt_buf_i64(b, t ? (int64_t)t->seq : -1);
	pt_buf_putc(b, ',');
	pt_buf_add(b, line, llen);
	/* --explain's sentences: the text writer's "    = ..." lines. */
	bool any = false;
	for (const char *p = text, *e = text + tlen; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
		if (n > 6 && !memcmp(p, "    = ", 6)) {
			pt_buf_puts(b, any ? "," : ",[");
			if ((rc = sentence(h, p + 6, n - 6)) < 0)
				return rc;
			any = true;
		}
		p += n + 1;
	}
	pt_buf_puts(b, any ? "]]\n" : "]\n");
	if (b->oom)
		return -ENOMEM;
	pt_escape_json_html(h->evfp, b->s, b->len);
	return ferror(h->evfp) ? -(errno ? errno : EIO) : 0;
}

static void jstr(struct pt_buf *b, const char *s)
{
	if (s)
		pt_escape_json_buf(b, s, strlen(s));
	else
		pt_buf_puts(b, "null");
}

/* The tasks are rows of values under one list of column names (a third of
 * the size of an object per task), in tree order. */
static const char task_cols[] =
	"[\"seq\",\"pid\",\"tgid\",\"depth\",\"thread\",\"parent\",\"spawner\",\"kind\",\"attached\",\"t_start\",\"t_end\","
	"\"t_gone\",\"exited\",\"status\",\"reaped\",\"autoreap\",\"reaper\",\"zombie_ns\",\"reparent\",\"comm\","
	"\"fork_comm\",\"nfailed\",\"images\",\"marks\",\"ru\"]";

/* One task, from the model: what the views share (tree order, lifetime,
 * zombie time, images, marks); the details come from its events. */
static int task_json(struct pt_mproc *p, size_t depth, const bool *last, void *arg)
{
	(void)last;
	struct html *h = arg;
	struct pt_buf *b = &h->b;
	const struct pt_model *m = &h->v.m;
	char st[128];
	b->len = 0;
	pt_buf_printf(b, "%s[%u,%d,%d,%zu,%d,", h->ntasks++ ? "," : "", p->seq, (int)p->pid, (int)p->tgid, depth,
		      p->is_thread);
	pt_buf_i64(b, p->parent ? (int64_t)p->parent->seq : -1);
	pt_buf_printf(b, ",%d,\"%s\",%d,", (int)p->spawner, p->spawned ? pt_spawn_kind_name(p->spawn_kind) : "",
		      p->attached);
	pt_buf_u64(b, p->t_start);
	pt_buf_putc(b, ',');
	pt_buf_u64(b, pt_mproc_end(m, p));
	pt_buf_putc(b, ',');
	pt_buf_u64(b, pt_mproc_gone(m, p));
	pt_buf_printf(b, ",%d,", p->exited);
	jstr(b, pt_fmt_status(m, p, st, sizeof(st)));
	pt_buf_printf(b, ",%d,%d,%d,", p->reaped, p->autoreap, (int)p->reaper);
	pt_buf_u64(b, p->zombie_ns);
	if (p->reparented) {
		pt_buf_printf(b, ",[%d,%d,", (int)p->reparent_from, (int)p->reparent_to);
		jstr(b, pt_reaper_role_text(p->reparent_role));
		pt_buf_putc(b, ',');
		pt_buf_u64(b, p->t_reparent);
		pt_buf_puts(b, "],");
	} else {
		pt_buf_puts(b, ",0,");
	}
	jstr(b, pt_mproc_comm(p));
	pt_buf_putc(b, ',');
	jstr(b, p->fork_comm);
	pt_buf_printf(b, ",%zu,[", p->nfailed);
	/* Images: [ts, comm, path, argv (as the model keeps it: capped), cut];
	 * the rest of each exec is in its event. */
	for (const struct pt_mimage *im = p->images; im; im = im->next) {
		pt_buf_puts(b, im == p->images ? "[" : ",[");
		pt_buf_u64(b, im->ts);
		pt_buf_putc(b, ',');
		jstr(b, im->comm);
		pt_buf_putc(b, ',');
		jstr(b, im->path);
		pt_buf_puts(b, ",[");
		for (size_t i = 0; i < im->argc; i++) {
			if (i)
				pt_buf_putc(b, ',');
			jstr(b, im->argv[i]);
		}
		pt_buf_printf(b, "],%d]", im->argv_cut);
	}
	pt_buf_puts(b, "],[");
	for (const struct pt_mmark *k = p->marks; k; k = k->next) {
		static const char *const kinds[PT_MARK__COUNT] = {"signal", "stop", "cont", "exec_failed"};
		char sb[32];
		pt_buf_puts(b, k == p->marks ? "[" : ",[");
		pt_buf_u64(b, k->ts);
		pt_buf_printf(b, ",\"%s\",", k->kind < PT_MARK__COUNT ? kinds[k->kind] : "?");
		if (k->kind == PT_MARK_EXEC_FAILED)
			jstr(b, pt_errno_name(k->code));
		else
			jstr(b, k->code ? pt_signal_name(k->code, sb, sizeof(sb)) : NULL);
		pt_buf_printf(b, ",%d]", (int)k->sender);
	}
	/* Resource usage as the tree and stats give it (the exit event has the
	 * kernel's figures, reaped children included): [own CPU ns, peak RSS
	 * KiB, that peak is only a bound], or 0 without rusage or for a thread. */
	uint64_t cpu, kb;
	bool bound;
	if (pt_mproc_cpu(p, &cpu) && pt_mproc_rss(p, &kb, &bound)) {
		pt_buf_puts(b, "],[");
		pt_buf_u64(b, cpu);
		pt_buf_putc(b, ',');
		pt_buf_u64(b, kb);
		pt_buf_printf(b, ",%d]]\n", bound);
	} else {
		pt_buf_puts(b, "],0]\n");
	}
	if (b->oom)
		return -ENOMEM;
	pt_escape_json_html(h->v.out, b->s, b->len);
	return 0;
}

/* The page: the summary and the tasks (what the first view needs) in one
 * JSON element, the script, then the events in a second JSON element, so
 * the tree and the timeline are drawn before the browser has even read
 * the events (the script parses them once the document is loaded). */
static int html_render(struct pt_view *v)
{
	struct html *h = (struct html *)v;
	const struct pt_model *m = &v->m;
	FILE *f = v->out;
	head(h);
	struct pt_buf *b = &h->b;
	b->len = 0;
	pt_buf_puts(b, ",\n\"start\":");
	pt_buf_add(b, h->start.len ? h->start.s : "null", h->start.len ? h->start.len : 4);
	pt_buf_puts(b, ",\n\"end\":");
	pt_buf_add(b, h->end.len ? h->end.s : "null", h->end.len ? h->end.len : 4);
	pt_buf_printf(b, ",\n\"counts\":{\"events\":%" PRIu64 ",\"exec\":%" PRIu64 ",\"exec_failed\":%" PRIu64
			 ",\"signal\":%" PRIu64 "}",
		      m->nevents, m->kind_count[PT_EV_EXEC], m->kind_count[PT_EV_EXEC_FAILED],
		      m->kind_count[PT_EV_SIGNAL]);
	pt_buf_puts(b, ",\n\"explain_templates\":[");
	for (size_t i = 0; i < h->ntpl; i++) {
		if (i)
			pt_buf_puts(b, ",\n");
		jstr(b, h->tpl_list[i]->s);
	}
	pt_buf_puts(b, "],\n\"t_first\":");
	pt_buf_u64(b, m->t_first);
	pt_buf_puts(b, ",\"t_last\":");
	pt_buf_u64(b, m->t_last);
	pt_buf_printf(b, ",\n\"task_cols\":%s,\n\"tasks\":[\n", task_cols);
	if (b->oom)
		return -ENOMEM;
	pt_escape_json_html(f, b->s, b->len);
	int rc = m->ntasks ? pt_model_walk(m, true, task_json, h) : 0;
	if (rc < 0)
		return rc;
	fputs("]}\n</script>\n<script>\n", f);
	fwrite(pt_web_page_js, 1, pt_web_page_js_len, f);
	fputs("</script>\n<script type=\"application/json\" id=\"pt-events\">\n[\n", f);
	/* The events as they were written (made safe already). */
	char buf[65536];
	size_t n;
	if (fflush(h->evfp) || fseeko(h->evfp, 0, SEEK_SET))
		return -(errno ? errno : EIO);
	while ((n = fread(buf, 1, sizeof(buf), h->evfp)) > 0)
		fwrite(buf, 1, n, f);
	if (ferror(h->evfp))
		return -EIO;
	fputs("]\n</script>\n</body>\n</html>\n", f);
	return 0;
}

static void html_cleanup(struct pt_view *v)
{
	struct html *h = (struct html *)v;
	if (h->jsonl)
		h->jsonl->ops->destroy(h->jsonl);
	if (h->text)
		h->text->ops->destroy(h->text);
	if (h->jfp)
		fclose(h->jfp);
	if (h->tfp)
		fclose(h->tfp);
	free(h->jmem);
	free(h->tmem);
	pt_buf_free(&h->b);
	pt_buf_free(&h->tb);
	pt_buf_free(&h->start);
	pt_buf_free(&h->end);
	if (h->evfp)
		fclose(h->evfp);
	pt_hash_free(&h->tpl);
	free(h->tpl_list);
	pt_arena_free(&h->arena);
}

static const struct pt_sink_ops html_ops = {
	.name = "html",
	.emit = html_emit,
	.finish = pt_view_finish,
	.destroy = pt_view_destroy,
};

struct pt_sink *pt_report_html_new(FILE *fp, bool owns_fp, const struct pt_text_opts *o,
				   struct pt_sink *(*jsonl_new)(FILE *fp, bool owns_fp),
				   struct pt_sink *(*text_new)(FILE *fp, bool owns_fp, const struct pt_text_opts *o))
{
	struct html *h = (struct html *)pt_view_new(sizeof(struct html), &html_ops, fp, owns_fp, o);
	if (!h)
		return NULL;
	h->v.render = html_render;
	h->v.cleanup = html_cleanup;
	pt_arena_init(&h->arena);
	/* The explanations only: no anatomy, no timestamps, no summary. */
	struct pt_text_opts to = {.explain = true};
	errno = 0;
	if (!(h->evfp = tmpfile()) || !(h->jfp = open_memstream(&h->jmem, &h->jsize)) ||
	    !(h->tfp = open_memstream(&h->tmem, &h->tsize)) || !(h->jsonl = jsonl_new(h->jfp, false)) ||
	    !(h->text = text_new(h->tfp, false, &to))) {
		int e = errno ? errno : ENOMEM;
		pt_view_destroy(&h->v.base);
		errno = e;
		return NULL;
	}
	return &h->v.base;
}
