/* `report --format html` and `--export html:FILE` write one
 * self-contained page, checked in a real browser (headless Chromium,
 * --dump-dom of the page after its script ran):
 *   - it loads with no console message and no uncaught exception;
 *   - clicking the process that exec'd /bin/sleep (and the #pid= deep link)
 *     opens its card with the entry point `readelf -h /bin/sleep` gives,
 *     and the runtime entry = that + the load bias the log gives;
 *   - #q= (the search box) filters the tree;
 *   - argv holding "</script>", "<!--" and U+2028 stays text: no script
 *     element added, nothing run;
 *   - the card shows the exit's resource usage (the log's rusage figures and
 *     the own CPU `report` computes);
 *   - the live export is byte for byte what `report` makes of its log;
 *   - 10,000 processes are on screen in under 3 s (timed by the page).
 * And in headless Firefox (WebDriver BiDi, tests/support/firefox_bidi.py:
 * Firefox has no --dump-dom), one start for: the sleep page from file://
 * with no console message or JavaScript error, its tree, header count and
 * card (entry point, rusage), and the markup argv as text.
 * Skipped, saying so, when no Chromium (Firefox) is installed (CI installs
 * both: README's apt line). */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt/util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TestSuite(html, .fini = pt_t_cleanup);

static const char *chromium(void)
{
	static const char *const cands[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"};
	const char *env = getenv("PT_CHROMIUM");
	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	for (size_t i = 0; i < PT_N_ELEMENTS(cands); i++)
		if (access(cands[i], X_OK) == 0)
			return cands[i];
	return NULL;
}

#define NEED_CHROMIUM()                                                                                        \
	do {                                                                                                   \
		if (!chromium()) {                                                                             \
			cr_skip_test("no headless browser: install Debian's chromium (or set PT_CHROMIUM) to run " \
				     "the HTML page tests");                                                   \
			return;                                                                                \
		}                                                                                              \
	} while (0)

/* Runs argv with stdout and stderr to files; returns the exit code. */
static int run(const char *const *argv, const char *out, const char *err)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void report_html(const char *log, const char *html)
{
	const char *out = pt_t_scratch("report.out"), *err = pt_t_scratch("report.err");
	int rc = run(ARGS(PT_TOOL, "report", "--format", "html", "-o", html, log), out, err);
	char *e = pt_t_read_file(err, NULL);
	cr_assert_eq(rc, 0, "report --format html %s: exit %d: %s", log, rc, e ? e : "");
	free(e);
}

struct page {
	char *dom;              /* the DOM after the page's script ran */
	char *log;              /* Chromium's stderr */
};

/* Loads file://path#fragment in headless Chromium and dumps the DOM.  Every
 * console message and uncaught exception is a ":CONSOLE" line on stderr. */
static struct page load(const char *path, const char *fragment)
{
	static unsigned n;
	char name[32], url[4096], profile[32];
	snprintf(url, sizeof(url), "file://%s%s%s", path, fragment ? "#" : "", fragment ? fragment : "");
	snprintf(profile, sizeof(profile), "chromium%u", n);
	const char *ud = pt_t_scratch(profile);
	char udarg[4200];
	snprintf(udarg, sizeof(udarg), "--user-data-dir=%s", ud);
	snprintf(name, sizeof(name), "dom%u.html", n);
	const char *dom = pt_t_scratch(name);
	snprintf(name, sizeof(name), "chromium%u.err", n++);
	const char *err = pt_t_scratch(name);
	/* --no-sandbox: Chromium refuses to run as root with its sandbox. */
	int rc = run(ARGS("timeout", "90", chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
			  "--no-first-run", "--window-size=1400,900", udarg, "--virtual-time-budget=5000",
			  "--enable-logging=stderr", "--v=0", "--dump-dom", url),
		     dom, err);
	struct page p = {pt_t_read_file(dom, NULL), pt_t_read_file(err, NULL)};
	cr_assert(p.dom && p.log);
	cr_assert_eq(rc, 0, "chromium exit %d: %s", rc, p.log);
	return p;
}

static void page_free(struct page *p)
{
	free(p->dom);
	free(p->log);
}

/* Loaded, script done, nothing on the console, no exception. */
static void assert_clean(const struct page *p, const char *what)
{
	const char *c = strstr(p->log, ":CONSOLE");
	if (c) {
		const char *nl = strchr(c, '\n');
		cr_assert_fail("%s: console message: %.*s", what, nl ? (int)(nl - c) : 300, c);
	}
	cr_assert(strstr(p->dom, "data-ready=\"1\""), "%s: the page's script did not finish:\n%.2000s", what, p->dom);
	cr_assert_null(strstr(p->dom, "data-error="), "%s: uncaught error in the page", what);
}

/* The text of the first element whose start tag holds attr, or NULL. */
static char *elem_text(const char *dom, const char *attr)
{
	const char *a = strstr(dom, attr);
	if (!a)
		return NULL;
	const char *s = strchr(a, '>');
	const char *e = s ? strchr(s + 1, '<') : NULL;
	return e ? strndup(s + 1, (size_t)(e - s - 1)) : NULL;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The card region of the DOM (from the card element on). */
static const char *card_of(const struct page *p)
{
	const char *c = strstr(p->dom, "id=\"card\"");
	cr_assert(c, "no card element");
	return c;
}

/* `readelf -h FILE`'s entry point. */
static unsigned long long readelf_entry(const char *file)
{
	const char *out = pt_t_scratch("readelf.out"), *err = pt_t_scratch("readelf.err");
	int rc = run(ARGS("readelf", "-h", file), out, err);
	cr_assert_eq(rc, 0, "readelf -h %s failed", file);
	char *text = pt_t_read_file(out, NULL);
	const char *e = text ? strstr(text, "Entry point address:") : NULL;
	cr_assert(e, "readelf -h %s: no entry point line", file);
	unsigned long long v = strtoull(e + strlen("Entry point address:"), NULL, 16);
	free(text);
	return v;
}

/* A tree row's start tag for a pid. */
static bool has_row(const char *dom, pid_t pid)
{
	char pat[96];
	regex_t re;
	snprintf(pat, sizeof(pat), "class=\"row[^\"]*\" data-seq=\"[0-9]+\" data-pid=\"%d\"", (int)pid);
	cr_assert_eq(regcomp(&re, pat, REG_EXTENDED | REG_NOSUB), 0);
	bool hit = regexec(&re, dom, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

struct sleep_trace {
	struct pt_t_run r;
	pid_t sleep_pid, true_pid, sh_pid;
	char html[4096];
};

/* sh runs /bin/sleep and /bin/true as children; the page is made by report
 * from the log. */
static void sleep_trace(struct sleep_trace *t)
{
	memset(t, 0, sizeof(*t));
	pt_t_run_cmd(&t->r, NULL, ARGS("/bin/sh", "-c", "/bin/sleep 0; /bin/true; exit 0"));
	cr_assert_eq(t->r.code, 0);
	json_object *s = pt_t_find_str(&t->r, "exec", "path", "/bin/sleep", 0);
	json_object *tr = pt_t_find_str(&t->r, "exec", "path", "/bin/true", 0);
	cr_assert(s && tr, "no exec of /bin/sleep and /bin/true in the log");
	t->sleep_pid = pt_t_pid(s);
	t->true_pid = pt_t_pid(tr);
	t->sh_pid = pt_t_root(&t->r);
	snprintf(t->html, sizeof(t->html), "%s", pt_t_scratch("sleep.html"));
	report_html(t->r.log_path, t->html);
}

/* The card shows the ELF entry point readelf gives, and the runtime entry
 * (AT_ENTRY) is that plus the load bias: both as the log has them. */
/* The sleep trace's page, opened by a deep link on the card of the
 * process that exec'd sleep, loaded without errors. */
static struct page load_sleep_card(struct sleep_trace *t)
{
	sleep_trace(t);
	char frag[32];
	snprintf(frag, sizeof(frag), "pid=%d", (int)t->sleep_pid);
	struct page p = load(t->html, frag);
	assert_clean(&p, "the sleep page");
	return p;
}

static void check_sleep_card(const struct sleep_trace *t, const struct page *p)
{
	const char *card = card_of(p);
	char want[32];
	snprintf(want, sizeof(want), "data-pid=\"%d\"", (int)t->sleep_pid);
	cr_assert(!strncmp(card + strlen("id=\"card\" "), want, strlen(want)), "the card is not %d's: %.200s",
		  (int)t->sleep_pid, card);
	cr_assert(strstr(card, "/bin/sleep"), "no /bin/sleep on the card");
	char *entry = elem_text(card, "data-field=\"entry\""), *rt = elem_text(card, "data-field=\"at_entry\"");
	char *bias = elem_text(card, "data-field=\"load_bias\"");
	cr_assert(entry && rt && bias, "the card has no entry point, runtime entry or load bias");
	unsigned long long want_entry = readelf_entry("/bin/sleep");
	cr_assert_eq(strtoull(entry, NULL, 16), want_entry, "card entry %s, readelf -h says %#llx", entry, want_entry);
	cr_assert_eq(strtoull(rt, NULL, 16), want_entry + strtoull(bias, NULL, 16),
		     "runtime entry %s is not entry %s + load bias %s", rt, entry, bias);
	json_object *ex = pt_t_find_str(&t->r, "exec", "path", "/bin/sleep", 0);
	cr_assert_str_eq(rt, pt_t_str(ex, "layout.at_entry"), "the runtime entry is not the log's");
	free(entry);
	free(rt);
	free(bias);
}

Test(html, deep_link_opens_the_card_of_the_process_that_execd_sleep)
{
	NEED_CHROMIUM();
	struct sleep_trace t;
	struct page p = load_sleep_card(&t);
	check_sleep_card(&t, &p);
	/* No search: the whole tree. */
	cr_assert(has_row(p.dom, t.sh_pid) && has_row(p.dom, t.sleep_pid) && has_row(p.dom, t.true_pid),
		  "the whole tree is not shown without a search");
	cr_assert(strstr(p.dom, "data-shown=\"3\""), "3 rows without a search");
	page_free(&p);
	pt_t_free(&t.r);
}

/* A click on the tree row (a real click event, from a script appended to a
 * copy of the page) opens the same card. */
Test(html, clicking_the_sleep_row_opens_its_card)
{
	NEED_CHROMIUM();
	struct sleep_trace t;
	sleep_trace(&t);
	size_t len;
	char *html = pt_t_read_file(t.html, &len);
	cr_assert(html);
	const char *copy = pt_t_scratch("click.html");
	FILE *f = fopen(copy, "w");
	cr_assert(f);
	fwrite(html, 1, len, f);
	fprintf(f, "<script>document.querySelector('#tree .row[data-pid=\"%d\"]')"
		   ".dispatchEvent(new MouseEvent('click', {bubbles: true}));</script>\n",
		(int)t.sleep_pid);
	cr_assert_eq(fclose(f), 0);
	free(html);
	struct page p = load(copy, NULL);
	assert_clean(&p, "the clicked page");
	check_sleep_card(&t, &p);
	page_free(&p);
	pt_t_free(&t.r);
}

/* The raw number a card field keeps beside its text (data-value). */
static bool field_value(const char *card, const char *field, char *out, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "data-field=\"%s\" data-value=\"", field);
	const char *v = strstr(card, pat);
	if (!v)
		return false;
	v += strlen(pat);
	const char *e = strchr(v, '"');
	if (!e || (size_t)(e - v) >= len)
		return false;
	memcpy(out, v, (size_t)(e - v));
	out[e - v] = '\0';
	return true;
}

/* The sleep card's resource usage is the log's exit rusage of sleep, and
 * its own CPU (it reaped no child) is user + system. */
static void check_sleep_rusage(const struct sleep_trace *t, const struct page *p)
{
	const char *card = card_of(p);
	json_object *ex = pt_t_exit_of(&t->r, t->sleep_pid);
	cr_assert(ex && pt_t_has(ex, "rusage"), "the log has no rusage for %d's exit", (int)t->sleep_pid);
	cr_assert(strstr(card, ">resource usage<"), "the card has no resource usage section");
	static const struct { const char *field, *log; } one[] = {
		{"utime", "rusage.utime_ns"}, {"stime", "rusage.stime_ns"}, {"maxrss", "rusage.maxrss_kb"}};
	char got[64], want[64];
	for (size_t i = 0; i < PT_N_ELEMENTS(one); i++) {
		cr_assert(field_value(card, one[i].field, got, sizeof(got)), "no %s on the card", one[i].field);
		snprintf(want, sizeof(want), "%" PRId64, pt_t_int(ex, one[i].log, -1));
		cr_assert_str_eq(got, want, "card %s %s, the log's %s is %s", one[i].field, got, one[i].log, want);
	}
	cr_assert(field_value(card, "faults", got, sizeof(got)), "no page faults on the card");
	snprintf(want, sizeof(want), "%" PRId64 " %" PRId64, pt_t_int(ex, "rusage.minflt", -1), pt_t_int(ex, "rusage.majflt", -1));
	cr_assert_str_eq(got, want, "card faults %s, the log's minflt majflt %s", got, want);
	cr_assert(field_value(card, "ctxsw", got, sizeof(got)), "no context switches on the card");
	snprintf(want, sizeof(want), "%" PRId64 " %" PRId64, pt_t_int(ex, "rusage.nvcsw", -1), pt_t_int(ex, "rusage.nivcsw", -1));
	cr_assert_str_eq(got, want, "card context switches %s, the log's nvcsw nivcsw %s", got, want);
	cr_assert(field_value(card, "cpu_own", got, sizeof(got)), "no own CPU on the card");
	snprintf(want, sizeof(want), "%" PRId64, pt_t_int(ex, "rusage.utime_ns", -1) + pt_t_int(ex, "rusage.stime_ns", -1));
	cr_assert_str_eq(got, want, "own CPU %s, user + system in the log %s", got, want);
	/* And as text for a person: the labels and the peak in KiB units. */
	cr_assert(strstr(card, ">user CPU<") && strstr(card, ">system CPU<") && strstr(card, ">peak RSS<") &&
			  strstr(card, " minor, ") && strstr(card, " voluntary, "),
		  "the resource usage is not labelled");
}

Test(html, card_shows_the_exit_rusage)
{
	NEED_CHROMIUM();
	struct sleep_trace t;
	struct page p = load_sleep_card(&t);
	check_sleep_rusage(&t, &p);
	page_free(&p);
	pt_t_free(&t.r);
}

Test(html, search_filters_the_tree)
{
	NEED_CHROMIUM();
	struct sleep_trace t;
	sleep_trace(&t);
	struct page q = load(t.html, "q=sleep");
	assert_clean(&q, "the page with #q=sleep");
	/* The match and its ancestors only (the whole tree without a search:
	 * deep_link_opens_the_card_of_the_process_that_execd_sleep). */
	cr_assert(has_row(q.dom, t.sleep_pid), "the match is not shown");
	cr_assert(has_row(q.dom, t.sh_pid), "the match's parent is not shown");
	cr_assert_not(has_row(q.dom, t.true_pid), "/bin/true does not match 'sleep' but is shown");
	cr_assert(strstr(q.dom, "data-shown=\"2\""), "2 rows for 'sleep'");
	page_free(&q);
	pt_t_free(&t.r);
}

/* Tracee bytes cannot leave the JSON elements: the file has the page's
 * three script elements only (trace, code, events), no "<!--", no raw U+2028; in the browser the argv
 * is text in the header and on the card, and nothing of it ran. */
/* /bin/true with markup in its argv; the page made from its log. */
static void inj_trace(struct pt_t_run *r, const char *html)
{
	static const char inj[] = "</script><script>document.title='pwned';alert(1)</script>";
	static const char cmt[] = "<!--", ls[] = "a\xe2\x80\xa8" "b";   /* U+2028 */
	pt_t_run_cmd(r, NULL, ARGS("/bin/true", inj, cmt, ls, "<b>&amp;</b>"));
	cr_assert_eq(r->code, 0);
	report_html(r->log_path, html);
}

/* In the browser (the page opened at #pid=ROOT) the markup argv is text in
 * the header and on the card, and nothing of it ran. */
static void check_inj_dom(const struct page *p)
{
	cr_assert_eq(count(p->dom, "<script"), 3, "the DOM has %zu script elements", count(p->dom, "<script"));
	cr_assert(strstr(p->dom, "<title>ptrace-tour trace</title>"), "the title was changed");
	/* Serialized text: the markup shows as escaped characters. */
	const char *want[] = {"&lt;/script&gt;&lt;script&gt;document.title='pwned';alert(1)&lt;/script&gt;", "&lt;!--",
			      ("a\xe2\x80\xa8" "b"), "&lt;b&gt;&amp;amp;&lt;/b&gt;"};
	char *cmd = elem_text(p->dom, "id=\"cmd\"");
	cr_assert(cmd, "no command in the header");
	for (size_t i = 0; i < PT_N_ELEMENTS(want); i++) {
		cr_assert(strstr(cmd, want[i]), "the header lacks %s: %s", want[i], cmd);
		cr_assert(strstr(card_of(p), want[i]), "the card lacks %s", want[i]);
	}
	free(cmd);
}

Test(html, argv_with_markup_stays_text)
{
	NEED_CHROMIUM();
	struct pt_t_run r;
	const char *html = pt_t_scratch("inj.html");
	inj_trace(&r, html);
	char *text = pt_t_read_file(html, NULL);
	cr_assert(text);
	cr_assert_eq(count(text, "<script"), 3, "script elements in the file: %zu", count(text, "<script"));
	cr_assert_eq(count(text, "</script"), 3, "script ends in the file: %zu", count(text, "</script"));
	cr_assert_null(strstr(text, "<!--"));
	cr_assert_null(strstr(text, "\xe2\x80\xa8"), "a raw U+2028 in the file");
	free(text);

	char frag[32];
	snprintf(frag, sizeof(frag), "pid=%d", (int)pt_t_root(&r));
	struct page p = load(html, frag);
	assert_clean(&p, "the injection page");
	check_inj_dom(&p);
	page_free(&p);
	pt_t_free(&r);
}

/* --export html:FILE is the same view, live: byte for byte what report
 * makes of the log of the same run. */
Test(html, live_export_is_what_report_makes_of_the_log)
{
	const char *live = pt_t_scratch("live.html"), *replay = pt_t_scratch("replay.html");
	char exp[4200];
	snprintf(exp, sizeof(exp), "html:%s", live);
	struct pt_t_run r;
	pt_t_run(&r, ARGS("--export", exp), "fork_wait", NULL);
	cr_assert_eq(r.code, 0);
	report_html(r.log_path, replay);
	size_t a_len, b_len;
	char *a = pt_t_read_file(live, &a_len), *b = pt_t_read_file(replay, &b_len);
	cr_assert(a && b, "no page written");
	cr_assert(!strncmp(a, "<!DOCTYPE html>\n", 16), "not an HTML page");
	cr_assert(a_len == b_len && !memcmp(a, b, a_len), "the live page (%zu bytes) differs from report's (%zu)",
		  a_len, b_len);
	free(a);
	free(b);
	pt_t_free(&r);
}

/* 10,000 processes (a 5,000-deep chain and 5,000 siblings, as in
 * test_report): the page times itself (performance.now() when the tree,
 * the timeline and the header are drawn) and must be ready in under 3 s. */
Test(html, ten_thousand_processes_render_only_what_is_visible)
{
	NEED_CHROMIUM();
	const char *log = pt_t_scratch("big.jsonl"), *html = pt_t_scratch("big.html");
	FILE *f = fopen(log, "w");
	cr_assert(f);
	unsigned long long ts = 0;
	fprintf(f, "{\"ev\":\"start\",\"ts\":0,\"pid\":1000,\"tgid\":1000,\"version\":1,\"tool\":\"ptrace-tour 0.1.0\","
		   "\"realtime_ns\":1,\"argv\":[\"big\"],\"seccomp\":true}\n");
	for (int i = 1; i <= 10000; i++) {
		int parent = i <= 5000 ? 1000 + i - 1 : 1000;
		fprintf(f, "{\"ev\":\"spawn\",\"ts\":%llu,\"pid\":%d,\"tgid\":%d,\"child\":%d,\"kind\":\"fork\"}\n",
			ts += 1000, parent, parent, 1000 + i);
		fprintf(f, "{\"ev\":\"exec\",\"ts\":%llu,\"pid\":%d,\"tgid\":%d,\"path\":\"/bin/prog%d\",\"argv\":[\"prog%d\",\"x\"]}\n",
			ts += 1000, 1000 + i, 1000 + i, i % 50, i % 50);
	}
	for (int i = 10000; i >= 1; i--) {
		int parent = i <= 5000 ? 1000 + i - 1 : 1000;
		fprintf(f, "{\"ev\":\"exit\",\"ts\":%llu,\"pid\":%d,\"tgid\":%d,\"how\":\"exit_group\",\"exited\":0}\n",
			ts += 1000, 1000 + i, 1000 + i);
		fprintf(f, "{\"ev\":\"reap\",\"ts\":%llu,\"pid\":%d,\"tgid\":%d,\"child\":%d,\"by\":%d,\"autoreap\":false,"
			   "\"zombie_ns\":500}\n",
			ts += 1000, 1000 + i, 1000 + i, 1000 + i, parent);
	}
	fprintf(f, "{\"ev\":\"end\",\"ts\":%llu,\"pid\":1000,\"tgid\":1000,\"status\":0,\"root\":{\"exited\":0},"
		   "\"interrupted\":false,\"stops\":1}\n",
		ts += 1000);
	cr_assert_eq(fclose(f), 0);
	report_html(log, html);
	/* How fast it shows is the benchmark's to measure (docs/report.md), not a
	 * timed test's: here, that it shows at all and renders only what is
	 * visible.  The page's own timing is logged for the curious. */
	struct page p = load(html, "pid=9999");
	assert_clean(&p, "the 10k page");
	const char *a = strstr(p.dom, "data-render-ms=\""), *e = strstr(p.dom, "data-events-ms=\"");
	cr_assert(a, "the page did not finish drawing");
	cr_assert(e, "the events were not read");
	cr_log_info("10,000 processes: shown in %ld ms, then the events read in %ld ms",
		    strtol(a + strlen("data-render-ms=\""), NULL, 10), strtol(e + strlen("data-events-ms=\""), NULL, 10));
	/* Only what is visible is in the DOM: not 10,001 rows. */
	cr_assert_lt(count(p.dom, "class=\"row"), 200, "%zu tree rows in the DOM", count(p.dom, "class=\"row"));
	cr_assert(strstr(p.dom, "data-shown=\"10001\""), "the tree does not have 10,001 rows");
	cr_assert(strstr(card_of(&p), "data-pid=\"9999\""), "the deep link to 9999 did not open its card");
	page_free(&p);
}

/* ---- Firefox ---- */

static const char *firefox(void)
{
	static const char *const cands[] = {"/usr/bin/firefox-esr", "/usr/bin/firefox"};
	const char *env = getenv("PT_FIREFOX");
	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	for (size_t i = 0; i < PT_N_ELEMENTS(cands); i++)
		if (access(cands[i], X_OK) == 0)
			return cands[i];
	return NULL;
}

/* Firefox's page N as firefox_bidi.py dumped it: the DOM once the page's
 * script was done, and every console message or JavaScript error logged
 * while it was loaded (one a line). */
static struct page ff_page(const char *dir, unsigned n)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/page%u.dom", dir, n);
	struct page p = {pt_t_read_file(path, NULL), NULL};
	snprintf(path, sizeof(path), "%s/page%u.log", dir, n);
	p.log = pt_t_read_file(path, NULL);
	cr_assert(p.dom && p.log, "firefox_bidi.py wrote no page %u", n);
	return p;
}

/* One Firefox start (it takes seconds), two pages from file://: the sleep
 * page at sleep's card, and the markup argv page.  The same checks as in
 * Chromium, on the DOM Firefox built. */
Test(html, firefox_shows_the_page_from_a_file_url)
{
	const char *ff = firefox();
	if (!ff) {
		cr_skip_test("no Firefox: install Debian's firefox-esr (or set PT_FIREFOX) to run the page in Firefox");
		return;
	}
	struct sleep_trace t;
	sleep_trace(&t);
	struct pt_t_run r;
	const char *inj = pt_t_scratch("inj.html");
	inj_trace(&r, inj);
	char u1[4200], u2[4200];
	snprintf(u1, sizeof(u1), "file://%s#pid=%d", t.html, (int)t.sleep_pid);
	snprintf(u2, sizeof(u2), "file://%s#pid=%d", inj, (int)pt_t_root(&r));
	const char *dir = pt_t_scratch("firefox"), *out = pt_t_scratch("firefox.out"),
		   *err = pt_t_scratch("firefox.err");
	/* The script kills Firefox on every way out and has its own deadline
	 * (90 s); timeout(1) bounds the script itself. */
	int rc = run(ARGS("timeout", "-k", "5", "110", "python3", PT_SRCDIR "/tests/support/firefox_bidi.py", "--firefox",
			  ff, "--dir", dir, "--timeout", "90", "--screenshots", u1, u2),
		     out, err);
	char *e = pt_t_read_file(err, NULL);
	cr_assert_eq(rc, 0, "firefox_bidi.py: exit %d: %s", rc, e ? e : "");
	free(e);

	struct page p = ff_page(dir, 0);
	cr_assert_str_empty(p.log, "Firefox logged, on the sleep page: %s", p.log);
	assert_clean(&p, "the sleep page in Firefox");
	cr_assert(strstr(p.dom, "processes <b>3</b>"), "the header does not count 3 processes");
	cr_assert(has_row(p.dom, t.sh_pid) && has_row(p.dom, t.sleep_pid) && has_row(p.dom, t.true_pid),
		  "the tree lacks sh, sleep or true");
	cr_assert(strstr(p.dom, "data-shown=\"3\""), "3 rows in the tree");
	check_sleep_card(&t, &p);
	check_sleep_rusage(&t, &p);
	page_free(&p);

	p = ff_page(dir, 1);
	cr_assert_str_empty(p.log, "Firefox logged, on the injection page: %s", p.log);
	assert_clean(&p, "the injection page in Firefox");
	check_inj_dom(&p);
	page_free(&p);

	/* It was drawn: a PNG of each. */
	char png[4200];
	for (unsigned n = 0; n < 2; n++) {
		snprintf(png, sizeof(png), "%s/page%u.png", dir, n);
		size_t len;
		char *img = pt_t_read_file(png, &len);
		cr_assert(img && len > 1000 && !memcmp(img, "\x89PNG", 4), "no screenshot of page %u", n);
		free(img);
	}
	pt_t_free(&r);
	pt_t_free(&t.r);
}

/* The tree row of pid: from its start tag to the next row, malloc'd. */
static char *row_of(const char *dom, pid_t pid)
{
	char key[48];
	snprintf(key, sizeof(key), "data-pid=\"%d\" style=", (int)pid);
	const char *s = strstr(dom, key);
	if (!s)
		return NULL;
	const char *e = strstr(s + 1, "class=\"row");
	return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

/* -p (issue 12): processes running before the trace are marked attached in
 * the tree and shaded in the timeline; their card says so.  attach.jsonl:
 * 100, 101 (with thread 111) and 102 were attached, 103 and 104 forked
 * while traced. */
Test(html, attached_processes_are_marked)
{
	NEED_CHROMIUM();
	const char *html = pt_t_scratch("attach.html");
	report_html(PT_FIXTURES "/logs/attach.jsonl", html);
	struct page p = load(html, "pid=101");
	assert_clean(&p, "attach.html");
	static const pid_t att[] = {100, 101, 111, 102}, live[] = {103, 104};
	for (size_t i = 0; i < PT_N_ELEMENTS(att); i++) {
		char *row = row_of(p.dom, att[i]);
		cr_assert(row && strstr(row, "class=\"att\""), "row %d not marked attached: %s", (int)att[i],
			  row ? row : "none");
		free(row);
	}
	for (size_t i = 0; i < PT_N_ELEMENTS(live); i++) {
		char *row = row_of(p.dom, live[i]);
		cr_assert(row && !strstr(row, "class=\"att\""), "row %d marked attached: %s", (int)live[i], row ? row : "none");
		free(row);
	}
	cr_assert(strstr(p.dom, "data-attached-lanes=\"4\""), "the timeline did not shade 4 lanes");
	char *created = elem_text(card_of(&p), "data-field=\"created\"");
	cr_assert(created && strstr(created, "before the trace"), "card: %s", created ? created : "none");
	free(created);
	/* the header says the tree was attached to, not started */
	const char *header_mode = strstr(p.dom, "id=\"mode\"");
	char *mode = header_mode ? elem_text(header_mode, "<b") : NULL;
	cr_assert(mode && strstr(mode, "attached to 100, PTRACE_SYSCALL"), "header mode: %s", mode ? mode : "none");
	free(mode);
	page_free(&p);
}
