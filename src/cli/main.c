/* ptrace-tour: options -> sinks -> pt_trace_run() -> exit status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pt/options.h"
#include "pt/report.h"
#include "pt/sink.h"
#include "pt/tracer.h"
#include "report_cmd.h"

static FILE *open_out(const char *path, const char *what)
{
	FILE *f = fopen(path, "we");    /* O_CLOEXEC: never leak our files into the tracee */
	if (!f)
		fprintf(stderr, "ptrace-tour: cannot write %s '%s': %s\n", what, path, strerror(errno));
	return f;
}

static bool is_dev_null(FILE *f)
{
	struct stat st, null;
	return fstat(fileno(f), &st) == 0 && stat("/dev/null", &null) == 0 && S_ISCHR(st.st_mode) &&
	       st.st_rdev == null.st_rdev;
}

/* what and path name the sink in its error line ("the log 'x.jsonl'"). */
static int add_sink(struct pt_sinks *ss, struct pt_sink *s, const char *what, const char *path)
{
	if (!s) {
		fprintf(stderr, "ptrace-tour: out of memory\n");
		return -1;
	}
	pt_sink_set_label(s, what, path);   /* -ENOMEM: the default name will do */
	pt_sinks_add(ss, s);
	return 0;
}

/* The outputs of a trace, as sinks (README, "Output volume").  Every
 * output is opened before the trace starts, so a bad path fails at once
 * instead of after the program ran.  *text_left: a FILE no sink owns, for
 * the caller to close after the sinks are done; *terse: the lines went to
 * a log or an export only. */
static int open_outputs(const struct pt_options *o, struct pt_sinks *sinks, FILE **text_left, bool *terse)
{
	FILE *text = stderr;
	if (o->out_path && !(text = open_out(o->out_path, "the output file")))
		return -1;
	/* -o /dev/null (the usual companion of --log): formatting text nobody
	 * reads was a sizeable part of the tracer's time. */
	bool discard = is_dev_null(text);
	/* A trace kept in a log or an export is not also poured on the
	 * terminal; -o, -v, -e or --text bring the lines. */
	*terse = (o->log_path || o->nexports) && !o->full_text;
	if (o->follow_forks_split) {
		/* -ff: FILE.PID for each process; FILE itself gets the summary */
		if (add_sink(sinks, pt_sink_split_new(o->out_path, &o->text), "the output", o->out_path) < 0)
			return -1;
	} else if (!discard && !*terse && !o->count &&
		   add_sink(sinks, pt_sink_text_new(text, text != stderr, &o->text), "the output", o->out_path) < 0) {
		return -1;
	}
	if (o->count && !discard && add_sink(sinks, pt_sink_count_new(text, false), "the -c table", o->out_path) < 0)
		return -1;
	if (discard && text != stderr)
		fclose(text);
	else if (text != stderr && (o->follow_forks_split || o->count))
		*text_left = text;   /* no text sink owns it: the table and the summary write it */
	if (o->log_path) {
		FILE *log = open_out(o->log_path, "the log");
		if (!log || add_sink(sinks, pt_sink_jsonl_new(log, true), "the log", o->log_path) < 0)
			return -1;
	}
	/* In -o FILE mode the summary writes the text sink's FILE through
	 * stdio: it must come after the text sink, which the fan-out finishes
	 * first, so the text sink's last whole-line write and its cut-back
	 * bookkeeping (pt_lineout.good) are done before stdio writes there. */
	if (o->text.summary && !discard &&
	    add_sink(sinks, pt_report_sink_new("tree", text, false, &o->text), "the summary", o->out_path) < 0)
		return -1;
	for (size_t i = 0; i < o->nexports; i++) {
		FILE *f = open_out(o->exports[i].path, "the export");
		if (!f ||
		    add_sink(sinks, pt_report_cmd_sink_new(o->exports[i].format, f, true, &o->text), "the export",
			     o->exports[i].path) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[512];
	char path[4096];
	struct pt_sinks sinks = {0};
	FILE *text_left = NULL;
	int status = 1;

	/* Before anything takes an fd. */
	int rc = pt_launch_fill_std_fds();
	if (rc < 0) {
		fprintf(stderr, "ptrace-tour: cannot set up the standard fds: %s\n", strerror(-rc));
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "report"))
		return pt_report_cmd_main(argc - 1, argv + 1);
	/* Before anything changes a disposition: what the traced program gets. */
	if ((rc = pt_launch_save_inherited()) < 0) {
		fprintf(stderr, "ptrace-tour: cannot read the signal mask: %s\n", strerror(-rc));
		return 1;
	}
	/* An output past RLIMIT_FSIZE must fail its write with EFBIG (the
	 * sink cuts back to a whole line and says so), not kill us with the
	 * tree unfinished.  The program gets the disposition we started with
	 * (launch.c), like every other. */
	signal(SIGXFSZ, SIG_IGN);

	if ((rc = pt_options_parse(argc, argv, &o, &cmd, err, sizeof(err))) < 0) {
		fprintf(stderr, "ptrace-tour: %s\n%s", err, rc == -EINVAL ? PT_OPTIONS_HINT "\n" : "");
		return 2;
	}
	if (cmd == PT_CMD_HELP) {
		fputs(pt_options_usage(), stdout);
		return 0;
	}
	if (cmd == PT_CMD_VERSION) {
		printf("ptrace-tour %s\n", PT_VERSION);
		return 0;
	}
	rc = o.nattach ? 0 : pt_launch_resolve(o.argv[0], path, sizeof(path));
	if (rc == -ENOENT) {
		fprintf(stderr, "ptrace-tour: %s: command not found\n", o.argv[0]);
		return 127;
	}
	if (rc < 0) {
		fprintf(stderr, "ptrace-tour: %s: %s\n", o.argv[0], strerror(-rc));
		return 126;
	}

	bool terse = false;
	if (open_outputs(&o, &sinks, &text_left, &terse) < 0)
		goto out;

	int exit_status = 0;
	rc = pt_trace_run(&o, &sinks, o.nattach ? NULL : path, &exit_status, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "ptrace-tour: %s\n", err);
		pt_sinks_finish(&sinks);
		goto out;
	}
	/* An output that failed said so on stderr when it failed.  The exit
	 * status stays the traced program's (strace-like, README): scripts
	 * wrap `ptrace-tour -- cmd` to learn how cmd did. */
	pt_sinks_finish(&sinks);
	if (terse && !o.quiet)
		fprintf(stderr, "ptrace-tour: every line is in %s%s%s (-o FILE or --text prints them)\n",
			o.log_path ? "the log " : "the export ", o.log_path ? o.log_path : o.exports[0].path,
			o.log_path ? ", `ptrace-tour report` renders it" : "");
	status = exit_status;
out:
	pt_sinks_destroy(&sinks);
	if (text_left)
		fclose(text_left);
	return status;
}
