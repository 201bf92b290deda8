/* The layers link only downward (docs/architecture.md, "Modules").  Private
 * include directories stop a layer from including another's private
 * headers; this stops it from calling another layer's functions through a
 * public header: each library's undefined symbols (nm -u) must be defined by
 * itself or by a library it may link, never by a layer above or beside it. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/util.h"

enum layer { L_LIB, L_INSPECT, L_EVENT, L_TRACER, L_OUTPUT, L_REPORT, L_CLI, L__COUNT };

#define B(l) (1u << (l))
static const struct {
	const char *name;
	const char *path;
	unsigned may_link;   /* the layers below it, transitively (CMakeLists.txt) */
} layers[L__COUNT] = {
	[L_LIB]     = {"pt_lib", PT_LIB_LIB, 0},
	[L_INSPECT] = {"pt_inspect", PT_LIB_INSPECT, B(L_LIB)},
	[L_EVENT]   = {"pt_event", PT_LIB_EVENT, B(L_LIB)},
	[L_TRACER]  = {"pt_tracer", PT_LIB_TRACER, B(L_INSPECT) | B(L_EVENT) | B(L_LIB)},
	[L_OUTPUT]  = {"pt_output", PT_LIB_OUTPUT, B(L_EVENT) | B(L_LIB)},
	[L_REPORT]  = {"pt_report", PT_LIB_REPORT, B(L_EVENT) | B(L_LIB)},
	[L_CLI]     = {"pt_cli", PT_LIB_CLI,
		       B(L_TRACER) | B(L_REPORT) | B(L_OUTPUT) | B(L_INSPECT) | B(L_EVENT) | B(L_LIB)},
};

struct syms {
	char **v;
	size_t n, cap;
};

static void syms_add(struct syms *s, const char *name)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		cr_assert(s->v);
	}
	s->v[s->n++] = strdup(name);
}

static bool syms_has(const struct syms *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

static void syms_free(struct syms *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct syms){0};
}

/* The symbols nm lists for an archive: defined globals, or undefined ones. */
static void nm_read(const char *path, bool undefined, struct syms *out)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "nm -g %s '%s' 2>/dev/null", undefined ? "-u" : "--defined-only", path);
	FILE *p = popen(cmd, "r");
	cr_assert(p, "popen nm");
	char line[1024];
	while (fgets(line, sizeof(line), p)) {
		char type[8], name[900];
		/* "U name" (undefined) or "0000000000000000 T name"; archive member
		 * headers ("file.o:") and blank lines do not match. */
		if (undefined ? sscanf(line, " %7s %899s", type, name) == 2
			      : sscanf(line, "%*s %7s %899s", type, name) == 2)
			syms_add(out, name);
	}
	pclose(p);
}

Test(layers, each_library_calls_only_the_layers_it_may_link)
{
	struct syms def[L__COUNT] = {0};
	for (int l = 0; l < L__COUNT; l++) {
		nm_read(layers[l].path, false, &def[l]);
		if (def[l].n == 0)
			cr_skip_test("nm lists no symbols of %s (an LTO build nm cannot read?)", layers[l].path);
	}
	int bad = 0;
	for (int l = 0; l < L__COUNT; l++) {
		struct syms und = {0};
		nm_read(layers[l].path, true, &und);
		for (size_t i = 0; i < und.n; i++) {
			const char *s = und.v[i];
			if (syms_has(&def[l], s))
				continue;
			for (int m = 0; m < L__COUNT; m++) {
				if (m == l || !syms_has(&def[m], s))
					continue;
				if (!(layers[l].may_link & B(m))) {
					cr_log_error("%s uses %s of %s, a layer it may not link", layers[l].name, s,
						     layers[m].name);
					bad++;
				}
			}
		}
		syms_free(&und);
	}
	for (int l = 0; l < L__COUNT; l++)
		syms_free(&def[l]);
	cr_assert_eq(bad, 0, "%d calls against the layering (see the log above)", bad);
}

/* The check itself: the tracer's own functions are found defined, and a
 * library's calls into a lower layer are seen as such (so a silent nm, or a
 * parser that reads nothing, cannot pass the test above). */
Test(layers, the_symbol_tables_are_read)
{
	struct syms tracer = {0}, tracer_und = {0}, lib = {0};
	nm_read(layers[L_TRACER].path, false, &tracer);
	nm_read(layers[L_TRACER].path, true, &tracer_und);
	nm_read(layers[L_LIB].path, false, &lib);
	if (tracer.n == 0) {
		syms_free(&tracer_und);
		syms_free(&lib);
		cr_skip_test("nm lists no symbols of %s (an LTO build nm cannot read?)", layers[L_TRACER].path);
	}
	bool run = syms_has(&tracer, "pt_trace_run"), desc = syms_has(&lib, "pt_syscall_desc"),
	     used = syms_has(&tracer_und, "pt_syscall_desc");
	syms_free(&tracer);
	syms_free(&tracer_und);
	syms_free(&lib);
	cr_assert(run, "pt_trace_run not found defined in pt_tracer");
	cr_assert(desc, "pt_syscall_desc not found defined in pt_lib");
	cr_assert(used, "the tracer's use of pt_lib is not seen");
}
