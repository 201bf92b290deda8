/* `ptrace-tour report`: feeds a saved log, read back by the log reader,
 * to one sink of the format asked for, the same sink that renders live
 * with --summary and --export. */
#include "report_cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pt/logread.h"
#include "pt/report.h"

struct pt_sink *pt_report_cmd_sink_new(const char *format, FILE *fp, bool owns_fp, const struct pt_text_opts *o)
{
	int f = pt_report_format_from_name(format);
	if (f == PT_REPORT_HTML)
		return pt_report_html_new(fp, owns_fp, o, pt_sink_jsonl_new, pt_sink_text_new);
	if (f != PT_REPORT_JSONL)
		return pt_report_sink_new(format, fp, owns_fp, o);
	/* jsonl re-emits the log through the writer: the round trip of the reader */
	struct pt_sink *s = pt_sink_jsonl_new(fp, owns_fp);
	if (!s && owns_fp)
		fclose(fp);
	return s;
}

static const char usage[] = "usage: ptrace-tour report [--format tree|stats|chrome|dot|svg|html|jsonl] [-o OUT] [--threads] LOG";

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "ptrace-tour report: %s%s%s%s (%s)\n", what, arg ? " '" : "", arg ? arg : "", arg ? "'" : "",
		usage);
	return 2;
}

int pt_report_cmd_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"threads", no_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "tree", *out_path = NULL;
	struct pt_text_opts o = {.summary = true};
	struct pt_sinks sinks = {0};
	struct pt_logread *r = NULL;
	struct pt_event ev;
	char err[1024];
	int c, rc, status = 2;
	FILE *out = stdout;

	optind = 0;   /* 0: a full re-initialisation of GNU getopt */
	opterr = 0;   /* one line of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, ":f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': out_path = optarg; break;
		case 't': o.threads = true; break;
		case 'h': puts(usage); return 0;
		case ':': return usage_error("missing the value of", argv[optind - 1]);
		default:
			if (optopt) {
				char opt[3] = {'-', (char)optopt, 0};
				return usage_error("unknown option", opt);
			}
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (pt_report_format_from_name(format) < 0)
		return usage_error("unknown format", format);
	if (optind != argc - 1)
		return usage_error(optind == argc ? "no log given" : "more than one log given", NULL);

	const char *log_path = argv[optind];
	if ((rc = pt_logread_open(log_path, &r)) < 0) {
		fprintf(stderr, "ptrace-tour report: %s: %s\n", log_path, strerror(-rc));
		return 2;
	}
	if (out_path && strcmp(out_path, "-") && !(out = fopen(out_path, "w"))) {
		fprintf(stderr, "ptrace-tour report: cannot write '%s': %s\n", out_path, strerror(errno));
		goto out;
	}
	struct pt_sink *s = pt_report_cmd_sink_new(format, out, out != stdout, &o);
	if (!s) {
		fprintf(stderr, "ptrace-tour report: %s\n", strerror(errno));
		goto out;
	}
	pt_sink_set_label(s, "the output", out == stdout ? NULL : out_path);   /* -ENOMEM: "tree" will do */
	sinks.who = "ptrace-tour report";
	pt_sinks_add(&sinks, s);
	while (!s->err && (rc = pt_logread_next(r, &ev, err, sizeof(err))) > 0)
		pt_sinks_emit(&sinks, &ev);
	if (rc < 0) {
		fprintf(stderr, "ptrace-tour report: %s\n", err);
		goto out;
	}
	if (err[0])
		fprintf(stderr, "ptrace-tour report: %s\n", err);
	/* A failed output has said why already, in one line. */
	if (pt_sinks_finish(&sinks) < 0) {
		status = 1;
		goto out;
	}
	status = 0;
out:
	pt_sinks_destroy(&sinks);
	pt_logread_close(r);
	/* No half-written file left behind to be mistaken for a report. */
	if (status == 2 && out != stdout && out && out_path)
		unlink(out_path);
	return status;
}
