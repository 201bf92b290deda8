/* Command line parsing. */
#include "pt/options.h"

#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pt/event.h"
#include "pt/report.h"
#include "pt/util.h"

static const char usage_text[] =
	"usage: ptrace-tour [OPTIONS] [--] PROG [ARGS...]\n"
	"       ptrace-tour [OPTIONS] -p PID[,PID...]\n"
	"       ptrace-tour report [--format tree|stats|chrome|dot|svg|html|jsonl|critical-path|compdb] [-o OUT] [--threads] LOG\n"
	"\n"
	"Output:\n"
	"  -o FILE              text output to FILE (default: stderr)\n"
	"  -ff                  with -o FILE: each process's text to FILE.PID\n"
	"  --log FILE           JSON Lines trace log (docs/trace-format.md)\n"
	"  --export FMT:FILE    also render a report format (as report --format) to FILE\n"
	"                       (repeatable)\n"
	"  --text               the full text on stderr even with --log or --export\n"
	"                       (which otherwise print only the summary)\n"
	"  -t, -tt, -ttt        prefix lines with wall time, with microseconds, or epoch\n"
	"  -r                   prefix lines with the time since the previous line\n"
	"  -s N                 print at most N bytes of each argv string (default 32)\n"
	"  -x, -xx              a string with a non-ASCII byte, or every string, in hex\n"
	"  -y, --decode-fds=path  fd arguments and results with their paths (/proc/PID/fd)\n"
	"  -T                   the time spent in each reported syscall, as <seconds>\n"
	"  -q                   no process-tree summary at the end\n"
	"  -qq                  neither the summary nor the \"+++ exited\" lines\n"
	"  -c                   a table of syscall times, counts and errors instead of\n"
	"                       the lines (times the reported syscalls, as -T)\n"
	"  --summary            print the summary even with -o or --log only\n"
	"  --threads            show threads in the summary instead of folding them\n"
	"  --explain            explain each lifecycle event in plain words\n"
	"  -v, --verbose        list every region of the exec maps diff and every fd;\n"
	"                       the log gets each fd's offset and open flags (fdinfo)\n"
	"  --stats              print ptrace stop counters at the end (stderr)\n"
	"\n"
	"Tracing:\n"
	"  -p, --attach PID[,PID...]  attach to running processes (repeatable): every\n"
	"                       thread and every live descendant; SIGINT, SIGTERM or\n"
	"                       SIGHUP detaches and leaves them running untraced;\n"
	"                       no seccomp filter (syscall stops, or --events-only)\n"
	"  --no-descendants     with -p: only PID's own threads (new children are\n"
	"                       still followed)\n"
	"  -e trace=SET         syscalls to report: names and %process %signal %file\n"
	"                       %desc %network %memory %ipc %creds %clock %all (the %\n"
	"                       may be left out), /REGEX, ?name; !name excludes\n"
	"                       (default: %process)\n"
	"  -e signal=SET        signal lines to show: names or numbers, all, none, !SIG\n"
	"  -e event=SET         lifecycle lines to show: spawn exec exec_failed wait\n"
	"                       signal stop exit reap reparent, all, none, !name\n"
	"  -f                   accepted for strace's sake: the whole tree is always followed\n"
	"  --seccomp-bpf        accepted for strace's sake: the seccomp filter is the default\n"
	"  --no-seccomp         stop at every syscall (PTRACE_SYSCALL) instead of a\n"
	"                       seccomp-bpf filter; allows detaching on interrupt\n"
	"  --events-only        only fork/vfork/clone/exec/exit events, signals and\n"
	"                       group-stops: no filter and no syscall stop, so the\n"
	"                       program runs at full speed; not seen: syscalls,\n"
	"                       failed execs, waits and who reaps a zombie (no reap\n"
	"                       events but ours), the path passed to execve (the exec's\n"
	"                       path is /proc/PID/exe) and CLONE_UNTRACED children;\n"
	"                       -e trace=, -y, -T and -c are refused with it;\n"
	"                       allows detaching\n"
	"  --maps=exec|exit|none  memory maps at exec (default), also at exit, or never\n"
	"  -k, --stack          user stack at spawn, exec, exit and traced syscalls\n"
	"  --stack-depth N      frames per stack (default 32)\n"
	"  --kill-on-exit       kill the traced tree if ptrace-tour itself dies\n"
	"                       (always so in seccomp mode)\n"
	"  -h, --help           this text\n"
	"  -V, --version        the version\n";

const char *pt_options_usage(void)
{
	return usage_text;
}

/* A strace flag we cannot honour: one line with the reason, no --help hint. */
static int refuse(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EOPNOTSUPP;
}

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void set_bit(struct pt_syscall_set *s, unsigned arch, long nr, bool on)
{
	if (nr < 0 || nr >= PT_SYSCALL_MAX)
		return;
	if (on)
		s->bits[arch][nr >> 3] |= (uint8_t)(1u << (nr & 7));
	else
		s->bits[arch][nr >> 3] &= (uint8_t)~(1u << (nr & 7));
}

struct class_ctx {
	struct pt_syscall_set *set;
	unsigned arch;
	uint32_t mask;          /* 0 = every syscall */
	bool on;
};

static void apply_class(long nr, const struct pt_syscall_desc *d, void *arg)
{
	struct class_ctx *c = arg;
	if (!c->mask || (d->classes & c->mask))
		set_bit(c->set, c->arch, nr, c->on);
}

struct regex_ctx {
	struct pt_syscall_set *set;
	unsigned arch;
	const regex_t *re;
	bool on;
	bool *found;
};

static void apply_regex(long nr, const struct pt_syscall_desc *d, void *arg)
{
	struct regex_ctx *c = arg;
	if (!regexec(c->re, d->name, 0, NULL, 0)) {
		set_bit(c->set, c->arch, nr, c->on);
		*c->found = true;
	}
}

static int apply_name(struct pt_syscall_set *set, const char *name, bool on)
{
	bool found = false;
	for (unsigned arch = 0; arch < PT_ARCH__COUNT; arch++) {
		long nr = pt_syscall_nr(arch, name);
		if (nr >= 0) {
			set_bit(set, arch, nr, on);
			found = true;
		}
	}
	return found ? 0 : -ENOENT;
}

void pt_options_add_lifecycle(struct pt_syscall_set *set)
{
	static const char *const always[] = {"execve", "execveat", "wait4", "waitid", "waitpid"};
	for (size_t i = 0; i < PT_N_ELEMENTS(always); i++)
		apply_name(set, always[i], true);
}

int pt_options_parse_trace(const char *spec, struct pt_syscall_set *set, char *err, size_t errlen)
{
	char buf[1024];
	if (strlen(spec) >= sizeof(buf))
		return fail(err, errlen, "-e trace: value too long");
	strcpy(buf, spec);
	if (buf[0] == '!') {
		/* strace: a set that starts with an exclusion is "all but" */
		for (unsigned arch = 0; arch < PT_ARCH__COUNT; arch++) {
			struct class_ctx c = {set, arch, 0, true};
			pt_syscall_each(arch, apply_class, &c);
		}
	}
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool on = true;
		if (*tok == '!') {
			on = false;
			tok++;
		}
		if (!strcmp(tok, "all") || !strcmp(tok, "%all")) {
			for (unsigned arch = 0; arch < PT_ARCH__COUNT; arch++) {
				struct class_ctx c = {set, arch, 0, on};
				pt_syscall_each(arch, apply_class, &c);
			}
		} else if (!strcmp(tok, "none")) {
			memset(set, 0, sizeof(*set));
		} else if (*tok == '%') {
			uint32_t mask = pt_class_mask(tok + 1);
			if (!mask)
				return fail(err, errlen, "-e trace: unknown syscall class '%s'", tok);
			for (unsigned arch = 0; arch < PT_ARCH__COUNT; arch++) {
				struct class_ctx c = {set, arch, mask, on};
				pt_syscall_each(arch, apply_class, &c);
			}
		} else if (!*tok) {
			return fail(err, errlen, "-e trace: empty syscall name");
		} else if (pt_class_mask(tok)) {
			/* strace's older spelling of a class, without the '%'
			 * (trace=file); a class name wins over i386's ipc and
			 * signal syscalls, as in strace. */
			uint32_t mask = pt_class_mask(tok);
			for (unsigned arch = 0; arch < PT_ARCH__COUNT; arch++) {
				struct class_ctx c = {set, arch, mask, on};
				pt_syscall_each(arch, apply_class, &c);
			}
		} else if (*tok == '/') {
			/* strace: /REGEX, the syscalls whose name it matches */
			regex_t re;
			if (regcomp(&re, tok + 1, REG_EXTENDED | REG_NOSUB))
				return fail(err, errlen, "-e trace: bad regular expression '%s'", tok + 1);
			bool found = false;
			for (unsigned arch = 0; arch < PT_ARCH__COUNT; arch++) {
				struct regex_ctx c = {set, arch, &re, on, &found};
				pt_syscall_each(arch, apply_regex, &c);
			}
			regfree(&re);
			if (!found)
				return fail(err, errlen, "-e trace: no syscall matches '%s'", tok);
		} else if (*tok == '?') {
			/* strace: ?name is no error when unknown */
			apply_name(set, tok + 1, on);
		} else if (apply_name(set, tok, on) < 0) {
			return fail(err, errlen, "-e trace: unknown syscall '%s'", tok);
		}
	}
	return 0;
}

/* Signals 1..64 by name ("SIGINT", "INT", "SIGRTMIN", "SIGRT_3") or number. */
static int signal_from_name(const char *tok)
{
	char *end;
	long v = strtol(tok, &end, 10);
	if (*tok && !*end)
		return v >= 1 && v <= 64 ? (int)v : -1;
	for (int sig = 1; sig <= 64; sig++) {
		char buf[32];
		const char *n = pt_signal_name(sig, buf, sizeof(buf));
		if (!strcasecmp(n, tok) || (!strncmp(n, "SIG", 3) && !strcasecmp(n + 3, tok)))
			return sig;
	}
	return -1;
}

int pt_options_parse_signals(const char *spec, uint64_t *mask, char *err, size_t errlen)
{
	char buf[1024];
	if (strlen(spec) >= sizeof(buf))
		return fail(err, errlen, "-e signal: value too long");
	strcpy(buf, spec);
	*mask = buf[0] == '!' ? UINT64_MAX : 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool on = *tok != '!';
		tok += !on;
		uint64_t bits;
		if (!strcmp(tok, "all") || !strcmp(tok, "%all")) {
			bits = UINT64_MAX;
		} else if (!strcmp(tok, "none")) {
			bits = UINT64_MAX;
			on = !on;
		} else {
			int sig = signal_from_name(tok);
			if (sig < 0)
				return fail(err, errlen, "-e signal: unknown signal '%s'", tok);
			bits = 1ull << (sig - 1);
		}
		*mask = on ? *mask | bits : *mask & ~bits;
	}
	return 0;
}

/* -e event= names: the lifecycle kinds of events.def, "stop" for both
 * halves of a group-stop.  start, end and syscall lines are not chosen here. */
static const struct {
	const char *name;
	uint32_t bits;
} event_names[] = {
	{"spawn", 1u << PT_EV_SPAWN},
	{"exec", 1u << PT_EV_EXEC},
	{"exec_failed", 1u << PT_EV_EXEC_FAILED},
	{"wait", 1u << PT_EV_WAIT},
	{"signal", 1u << PT_EV_SIGNAL},
	{"stop", 1u << PT_EV_STOPPED | 1u << PT_EV_CONTINUED},
	{"exit", 1u << PT_EV_EXIT},
	{"reap", 1u << PT_EV_REAP},
	{"reparent", 1u << PT_EV_REPARENT},
};

int pt_options_parse_events(const char *spec, uint32_t *mask, char *err, size_t errlen)
{
	char buf[1024];
	if (strlen(spec) >= sizeof(buf))
		return fail(err, errlen, "-e event: value too long");
	strcpy(buf, spec);
	uint32_t all = 0;
	for (size_t i = 0; i < PT_N_ELEMENTS(event_names); i++)
		all |= event_names[i].bits;
	uint32_t keep = UINT32_MAX & ~all;      /* the kinds this option does not choose */
	uint32_t m = buf[0] == '!' ? all : 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool on = *tok != '!';
		tok += !on;
		uint32_t bits = 0;
		if (!strcmp(tok, "all")) {
			bits = all;
		} else if (!strcmp(tok, "none")) {
			bits = all;
			on = !on;
		} else {
			for (size_t i = 0; i < PT_N_ELEMENTS(event_names); i++)
				if (!strcmp(tok, event_names[i].name))
					bits = event_names[i].bits;
			if (!bits)
				return fail(err, errlen,
					    "-e event: unknown event '%s' (spawn, exec, exec_failed, wait, signal, "
					    "stop, exit, reap, reparent)", tok);
		}
		m = on ? m | bits : m & ~bits;
	}
	*mask = m | keep;
	return 0;
}

/* -p's value: "12" or "12,34" (strace's comma list). */
static int parse_pids(const char *s, struct pt_options *o, char *err, size_t errlen)
{
	const char *p = s;
	for (;;) {
		char *end;
		errno = 0;
		long v = *p >= '0' && *p <= '9' ? strtol(p, &end, 10) : -1;
		if (v <= 0 || errno || v > INT32_MAX || (*end && *end != ','))
			return fail(err, errlen, "-p: expected a process id, got '%s'", s);
		bool dup = false;
		for (size_t i = 0; i < o->nattach; i++)
			dup |= o->attach[i] == (pid_t)v;
		if (!dup) {
			if (o->nattach == PT_MAX_ATTACH)
				return fail(err, errlen, "-p: at most %d processes", PT_MAX_ATTACH);
			o->attach[o->nattach++] = (pid_t)v;
		}
		if (!*end)
			return 0;
		p = end + 1;
	}
}

enum {
	OPT_LOG = 1000, OPT_NO_SECCOMP, OPT_KILL_ON_EXIT, OPT_STATS, OPT_SUMMARY, OPT_NO_SUMMARY,
	OPT_THREADS, OPT_EXPLAIN, OPT_MAPS, OPT_STACK_DEPTH, OPT_EXPORT, OPT_TRACE, OPT_SECCOMP_BPF,
	OPT_TEXT, OPT_DECODE_FDS,
	OPT_EVENTS_ONLY, OPT_NO_DESCENDANTS,
};

static const struct option long_opts[] = {
	{"output", required_argument, NULL, 'o'},
	{"log", required_argument, NULL, OPT_LOG},
	{"export", required_argument, NULL, OPT_EXPORT},
	{"trace", required_argument, NULL, OPT_TRACE},
	{"no-seccomp", no_argument, NULL, OPT_NO_SECCOMP},
	{"seccomp-bpf", no_argument, NULL, OPT_SECCOMP_BPF},
	{"text", no_argument, NULL, OPT_TEXT},
	{"decode-fds", optional_argument, NULL, OPT_DECODE_FDS},
	{"events-only", no_argument, NULL, OPT_EVENTS_ONLY},
	{"attach", required_argument, NULL, 'p'},
	{"no-descendants", no_argument, NULL, OPT_NO_DESCENDANTS},
	{"kill-on-exit", no_argument, NULL, OPT_KILL_ON_EXIT},
	{"stats", no_argument, NULL, OPT_STATS},
	{"summary", no_argument, NULL, OPT_SUMMARY},
	{"no-summary", no_argument, NULL, OPT_NO_SUMMARY},
	{"threads", no_argument, NULL, OPT_THREADS},
	{"explain", no_argument, NULL, OPT_EXPLAIN},
	{"maps", required_argument, NULL, OPT_MAPS},
	{"stack", no_argument, NULL, 'k'},
	{"stack-depth", required_argument, NULL, OPT_STACK_DEPTH},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* What getopt's loop counts or notes for the checks after it. */
struct seen {
	bool trace_given, seccomp_bpf;
	int tcount, fcount, qcount, xcount;     /* -t -tt -ttt, -f -ff, -q -qq, -x -xx */
};

/* -e VALUE: signal=SET, event=SET, trace=SET (t=SET, or a bare SET, as strace). */
static int parse_e(const char *arg, struct pt_options *o, struct seen *st, char *err, size_t errlen)
{
	o->e_given = true;
	if (!strncmp(arg, "signal=", 7) || !strncmp(arg, "signals=", 8)) {
		uint64_t shown;
		int rc = pt_options_parse_signals(strchr(arg, '=') + 1, &shown, err, errlen);
		if (rc == 0)
			o->text.signals_hidden = ~shown;
		return rc;
	}
	if (!strncmp(arg, "event=", 6)) {
		uint32_t shown;
		int rc = pt_options_parse_events(arg + 6, &shown, err, errlen);
		if (rc == 0)
			o->text.events_hidden = ~shown;
		return rc;
	}
	if (!strncmp(arg, "t=", 2))
		arg += 2;
	else if (!strncmp(arg, "trace=", 6))
		arg += 6;
	else if (strchr(arg, '='))
		return refuse(err, errlen, "-e %.*s: not supported (ptrace-tour knows trace=, signal= and event=)",
			      (int)(strchr(arg, '=') - arg), arg);
	st->trace_given = true;
	return pt_options_parse_trace(arg, &o->trace, err, errlen);
}

/* A whole decimal number in [lo, hi], for -s and --stack-depth; what
 * names it in the error line ("a string size "). */
static int parse_count(const char *opt, const char *what, const char *arg, unsigned long lo, unsigned long hi,
		       unsigned *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (errno || *end || !*arg || *arg == '-' || v < lo || v > hi)
		return fail(err, errlen, "%s: expected %s%lu..%lu, got '%s'", opt, what, lo, hi, arg);
	*out = (unsigned)v;
	return 0;
}

static int parse_maps(const char *arg, struct pt_options *o, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum pt_maps_mode mode;
	} modes[] = {{"exec", PT_MAPS_EXEC}, {"exit", PT_MAPS_EXIT}, {"none", PT_MAPS_NONE}};
	for (size_t i = 0; i < PT_N_ELEMENTS(modes); i++)
		if (!strcmp(arg, modes[i].name)) {
			o->maps = modes[i].mode;
			return 0;
		}
	return fail(err, errlen, "--maps: expected exec, exit or none, got '%s'", arg);
}

/* --export FORMAT:FILE, FORMAT from the one list of pt/report.h. */
static int parse_export(const char *arg, struct pt_options *o, char *err, size_t errlen)
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg || !colon[1])
		return fail(err, errlen, "--export: expected FORMAT:FILE, got '%s'", arg);
	size_t flen = (size_t)(colon - arg);
	const char *fmt = NULL;
	char known[64] = "";    /* "tree, stats, ..." for the error line */
	for (unsigned i = 0; i < PT_REPORT__COUNT; i++) {
		const char *name = pt_report_format_name(i);
		if (strlen(name) == flen && !strncmp(arg, name, flen))
			fmt = name;
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", i ? ", " : "", name);
	}
	if (!fmt)
		return fail(err, errlen, "--export: unknown format '%.*s' (%s)", (int)flen, arg, known);
	if (o->nexports == PT_MAX_EXPORTS)
		return fail(err, errlen, "--export: at most %d exports", PT_MAX_EXPORTS);
	o->exports[o->nexports].format = fmt;
	o->exports[o->nexports].path = colon + 1;
	o->nexports++;
	return 0;
}

/* After the loop: the counted flags, the combinations that cannot be
 * honoured, and what follows from the rest. */
static int settle(struct pt_options *o, const struct seen *st, int argc, char *const argv[], char *err,
		  size_t errlen)
{
	if (st->seccomp_bpf && !o->seccomp)
		return fail(err, errlen, "--seccomp-bpf and --no-seccomp contradict each other");
	if (st->fcount >= 2) {
		if (!o->out_path)
			return fail(err, errlen, "-ff: needs -o FILE (each process writes FILE.PID)");
		o->follow_forks_split = true;
		o->text.no_pid = true;
	}
	o->quiet = st->qcount >= 1;
	o->text.no_exit_lines = st->qcount >= 2;
	o->text.xstr = (uint8_t)(st->xcount > 2 ? 2 : st->xcount);
	/* -c implies the timing, as strace's -c shows time columns */
	o->timing = o->text.show_time || o->count;
	static const enum pt_ts_mode ts_by_count[] = {PT_TS_NONE, PT_TS_TIME, PT_TS_TIME_US, PT_TS_EPOCH};
	if (st->tcount)
		o->text.ts = ts_by_count[st->tcount > 3 ? 3 : st->tcount];
	/* No syscall stop at all: a syscall set, fd paths, syscall times or a
	 * syscall table would be promises not kept. */
	const char *syscall_flag = st->trace_given ? "-e trace=" : o->decode_fds ? "-y" : o->text.show_time ? "-T"
				 : o->count ? "-c" : NULL;
	if (o->events_only && syscall_flag)
		return fail(err, errlen, "%s cannot be used with --events-only (it stops at no syscall)", syscall_flag);
	if (o->events_only)
		o->seccomp = false;
	if (!st->trace_given)
		pt_options_parse_trace("%process", &o->trace, err, errlen);
	pt_options_add_lifecycle(&o->trace);

	if (o->nattach && optind < argc)
		return fail(err, errlen, "-p and a program to run cannot be combined ('%s')", argv[optind]);
	if (o->no_descendants && !o->nattach)
		return fail(err, errlen, "--no-descendants needs -p PID");
	/* A filter cannot be removed from a running process: attach mode
	 * stops at syscalls with PTRACE_SYSCALL (or not at all). */
	if (o->nattach)
		o->seccomp = false;
	if (!o->nattach && optind >= argc)
		return fail(err, errlen, "no program to trace (usage: ptrace-tour [OPTIONS] -- PROG [ARGS...])");
	o->argv = o->nattach ? NULL : argv + optind;
	o->argc = o->nattach ? 0 : argc - optind;
	/* -c replaces the lines by its table, as in strace: the summary tree
	 * only when asked for. */
	o->text.summary = o->summary == 1 || (o->summary == -1 && !o->quiet && !o->count);
	o->text.show_maps = o->maps != PT_MAPS_NONE;
	o->text.exit_maps = o->maps == PT_MAPS_EXIT;
	o->full_text = o->out_path || o->text.verbose || o->text_given || o->e_given;
	return 0;
}

int pt_options_parse(int argc, char *const argv[], struct pt_options *o, enum pt_cmd *cmd,
		     char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->seccomp = true;
	o->summary = -1;
	o->stack_depth = 32;
	o->text.strsize = 32;       /* strace's default */
	*cmd = PT_CMD_TRACE;
	struct seen st = {0};

	optind = 0;     /* GNU getopt: full reinitialisation, so tests can parse twice */
	opterr = 0;
	int c, rc = 0;
	/* '+': stop at the first non-option, which is the traced program. */
	while (rc == 0 && (c = getopt_long(argc, argv, "+:o:e:s:trqkvhVfxcyTp:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o': o->out_path = optarg; break;
		case OPT_LOG: o->log_path = optarg; break;
		case 'e': rc = parse_e(optarg, o, &st, err, errlen); break;
		case OPT_TRACE:
			st.trace_given = true;
			rc = pt_options_parse_trace(optarg, &o->trace, err, errlen);
			break;
		case 'f': st.fcount++; break;
		case 'q': st.qcount++; break;
		case 'x': st.xcount++; break;
		case 't': st.tcount++; break;
		case 'c': o->count = true; break;
		case 's': rc = parse_count("-s", "a string size ", optarg, 1, 1048576, &o->text.strsize, err, errlen); break;
		case OPT_DECODE_FDS:
			/* strace's other kinds (socket, dev, pidfd) would need
			 * more than the readlink of /proc/PID/fd/N */
			if (optarg && strcmp(optarg, "path") != 0)
				rc = refuse(err, errlen, "--decode-fds=%s: not supported: only 'path' (as -y)", optarg);
			o->decode_fds = true;
			break;
		case 'y': o->decode_fds = true; break;
		case 'T': o->text.show_time = true; break;
		case OPT_SECCOMP_BPF: st.seccomp_bpf = true; break;
		case OPT_TEXT: o->text_given = true; break;
		case 'r': o->text.ts = PT_TS_RELATIVE; break;
		case 'k': o->stack = true; break;
		case 'v': o->text.verbose = true; break;
		case 'h': *cmd = PT_CMD_HELP; return 0;
		case 'V': *cmd = PT_CMD_VERSION; return 0;
		case OPT_NO_SECCOMP: o->seccomp = false; break;
		case OPT_EVENTS_ONLY: o->events_only = true; break;
		case OPT_NO_DESCENDANTS: o->no_descendants = true; break;
		case 'p': rc = parse_pids(optarg, o, err, errlen); break;
		case OPT_KILL_ON_EXIT: o->kill_on_exit = true; break;
		case OPT_STATS: o->stats = true; break;
		case OPT_SUMMARY: o->summary = 1; break;
		case OPT_NO_SUMMARY: o->summary = 0; break;
		case OPT_THREADS: o->text.threads = true; break;
		case OPT_EXPLAIN: o->text.explain = true; break;
		case OPT_MAPS: rc = parse_maps(optarg, o, err, errlen); break;
		case OPT_STACK_DEPTH: rc = parse_count("--stack-depth", "", optarg, 1, 256, &o->stack_depth, err,
						 errlen);
			break;
		case OPT_EXPORT: rc = parse_export(optarg, o, err, errlen); break;
		case ':':
			return fail(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt && optopt < 256)
				return fail(err, errlen, "unknown option '-%c'", optopt);
			return fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
		}
	}
	return rc < 0 ? rc : settle(o, &st, argc, argv, err, errlen);
}
