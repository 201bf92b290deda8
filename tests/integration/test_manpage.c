/* The man page: the same options as --help, rendered by groff without a
 * warning; cmake --install puts the binary, the man page and the docs in
 * the GNUInstallDirs places. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

TestSuite(manpage, .fini = pt_t_cleanup);

#define MAX_OPTS 128

struct optset {
	char *v[MAX_OPTS];
	size_t n;
};

static void add(struct optset *s, const char *o, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && !strncmp(s->v[i], o, len))
			return;
	cr_assert_lt(s->n, MAX_OPTS);
	s->v[s->n++] = strndup(o, len);
}

static void optset_free(struct optset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
}

static bool has(const struct optset *s, const char *o)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], o))
			return true;
	return false;
}

/* The options named in a tag ("-t, -tt, -ttt", "--maps=exec|...", "-e
 * trace=SET", "-o FILE"): each word starting with '-' up to a '=', and
 * after -e its qualifier ("-e trace"). */
static void tag_options(struct optset *s, const char *tag)
{
	const char *p = tag;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, " ,=");
		if (*p == '-' && len > 1) {
			if (len == 2 && !strncmp(p, "-e", 2)) {
				const char *q = p + 2 + strspn(p + 2, " ");
				char buf[64];
				snprintf(buf, sizeof(buf), "-e %.*s", (int)strcspn(q, "= "), q);
				add(s, buf, strlen(buf));
				p = q;
				len = strcspn(p, " ,");
			} else {
				add(s, p, len);
			}
		}
		p += len;
		while (*p && *p != ' ' && *p != ',')
			p++;
	}
}

static struct optset help_options(void)
{
	struct optset s = {0};
	FILE *f = popen(PT_TOOL " --help", "r");
	cr_assert_not_null(f);
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "  -", 3))
			continue;
		/* the option column ends at the first run of two spaces */
		char *gap = strstr(line + 2, "  ");
		if (gap)
			*gap = 0;
		tag_options(&s, line + 2);
	}
	cr_assert_eq(pclose(f), 0);
	return s;
}

/* The roff source's OPTIONS section: the line after each .TP is a tag. */
static struct optset man_options(void)
{
	struct optset s = {0};
	FILE *f = fopen(PT_SRCDIR "/docs/ptrace-tour.1", "r");
	cr_assert_not_null(f);
	char line[512];
	bool in_options = false, tag_next = false;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, ".SH ", 4)) {
			in_options = !strcmp(line, ".SH OPTIONS");
			continue;
		}
		if (!strncmp(line, ".SS ", 4) && in_options && strstr(line, "not honoured"))
			in_options = false;
		if (!in_options)
			continue;
		if (!strcmp(line, ".TP")) {
			tag_next = true;
			continue;
		}
		if (!tag_next)
			continue;
		tag_next = false;
		/* ".BR \-t ", " \-tt" -> "-t, -tt": drop the macro, quotes, \- and \fR */
		char plain[512];
		size_t n = 0;
		const char *p = strchr(line, ' ');
		for (p = p ? p + 1 : line; *p && n < sizeof(plain) - 1; p++) {
			if (*p == '"')
				continue;
			if (p[0] == '\\' && p[1] == '-') {
				plain[n++] = '-';
				p++;
			} else if (p[0] == '\\' && p[1] == 'f') {
				p += 2;
			} else {
				plain[n++] = *p;
			}
		}
		plain[n] = 0;
		tag_options(&s, plain);
	}
	fclose(f);
	return s;
}

Test(manpage, lists_the_options_of_help)
{
	struct optset help = help_options(), man = man_options();
	cr_assert_geq(help.n, 30, "parsed %zu options from --help", help.n);
	for (size_t i = 0; i < help.n; i++)
		cr_expect(has(&man, help.v[i]), "--help lists '%s', the man page does not", help.v[i]);
	for (size_t i = 0; i < man.n; i++)
		cr_expect(has(&help, man.v[i]), "the man page lists '%s', --help does not", man.v[i]);
	cr_assert(has(&help, "-e trace") && has(&help, "-ff") && has(&help, "--maps"), "the parser sees them");
	optset_free(&help);
	optset_free(&man);
}

static int sh(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, len - 1, p);
	out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(manpage, groff_renders_it_without_warnings)
{
	char out[8192];
	if (sh("command -v groff >/dev/null", out, sizeof(out)) != 0)
		cr_skip_test("groff is not installed");
	int rc = sh("groff -man -Tutf8 -ww -z " PT_SRCDIR "/docs/ptrace-tour.1 2>&1", out, sizeof(out));
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert_str_eq(out, "", "groff warned");
	rc = sh("groff -man -Tutf8 -P-cbou " PT_SRCDIR "/docs/ptrace-tour.1 2>/dev/null | grep -c -x -e 'EXIT STATUS' -e EXAMPLES -e 'SEE ALSO'",
		out, sizeof(out));
	cr_assert_eq(atoi(out), 3, "the sections render: %s", out);
}

Test(manpage, cmake_install_into_destdir)
{
	char cmd[2048], out[8192];
	const char *dest = pt_t_scratch("dest");
	snprintf(cmd, sizeof(cmd), "DESTDIR=%s cmake --install %s --prefix /usr 2>&1", dest, PT_BINDIR);
	int rc = sh(cmd, out, sizeof(out));
	cr_assert_eq(rc, 0, "%s", out);
	const char *files[] = {"/usr/bin/ptrace-tour", "/usr/share/man/man1/ptrace-tour.1",
			       "/usr/share/doc/ptrace-tour/README.md", "/usr/share/doc/ptrace-tour/trace-format.md",
			       "/usr/share/doc/ptrace-tour/report.md"};
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char path[1024];
		struct stat st;
		snprintf(path, sizeof(path), "%s%s", dest, files[i]);
		cr_assert_eq(stat(path, &st), 0, "%s missing after install: %s", files[i], out);
		if (i == 0)
			cr_assert(st.st_mode & S_IXUSR, "the binary is executable");
	}
	snprintf(cmd, sizeof(cmd), "%s/usr/bin/ptrace-tour --version", dest);
	cr_assert_eq(sh(cmd, out, sizeof(out)), 0);
	cr_assert(!strncmp(out, "ptrace-tour ", 12), "%s", out);
}
