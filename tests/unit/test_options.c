/* Command line parsing: pure, so tested without tracing anything. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pt/options.h"
#include "pt/util.h"

static int parse(struct pt_options *o, enum pt_cmd *cmd, char *err, size_t errlen, int argc, char **argv)
{
	return pt_options_parse(argc, argv, o, cmd, err, errlen);
}

#define PARSE(o, cmd, err, ...)                                                                   \
	({                                                                                        \
		static char *argv_[] = {"ptrace-tour", __VA_ARGS__, NULL}; /* o.argv points here */ \
		parse(o, cmd, err, sizeof(err), (int)(PT_N_ELEMENTS(argv_)) - 1, argv_); \
	})

Test(options, program_after_double_dash)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "-o", "out.txt", "--log", "l.jsonl", "--", "ls", "-l"), 0, "%s", err);
	cr_assert_str_eq(o.out_path, "out.txt");
	cr_assert_str_eq(o.log_path, "l.jsonl");
	cr_assert_eq(o.argc, 2);
	cr_assert_str_eq(o.argv[0], "ls");
	cr_assert_str_eq(o.argv[1], "-l");
	cr_assert(o.seccomp);
}

Test(options, program_without_double_dash_keeps_its_options)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "-q", "ls", "-o", "x"), 0, "%s", err);
	cr_assert_null(o.out_path, "-o after PROG belongs to PROG");
	cr_assert_eq(o.argc, 3);
	cr_assert(o.quiet);
	cr_assert_not(o.text.summary);
}

Test(options, timestamps)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "-t", "true"), 0);
	cr_assert_eq(o.text.ts, PT_TS_TIME);
	cr_assert_eq(PARSE(&o, &cmd, err, "-tt", "true"), 0);
	cr_assert_eq(o.text.ts, PT_TS_TIME_US);
	cr_assert_eq(PARSE(&o, &cmd, err, "-ttt", "true"), 0);
	cr_assert_eq(o.text.ts, PT_TS_EPOCH);
	cr_assert_eq(PARSE(&o, &cmd, err, "-r", "true"), 0);
	cr_assert_eq(o.text.ts, PT_TS_RELATIVE);
}

Test(options, default_trace_set_is_process_plus_lifecycle)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "true"), 0);
	const char *in[] = {"execve", "execveat", "wait4", "waitid", "kill", "tgkill", "clone", "exit_group"};
	for (size_t i = 0; i < PT_N_ELEMENTS(in); i++)
		cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, in[i])), "%s", in[i]);
	cr_assert_not(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "openat")));
	cr_assert(pt_set_has(&o.trace, PT_ARCH_I386, pt_syscall_nr(PT_ARCH_I386, "waitpid")));
}

Test(options, trace_classes_names_and_negation)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=%file,!openat,getpid", "true"), 0, "%s", err);
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "unlink")));
	cr_assert_not(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "openat")));
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "getpid")));
	cr_assert_not(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "kill")),
		      "-e replaces the default %%process set");
	/* exec and wait are reported whatever -e says */
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "wait4")));
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=%all", "true"), 0);
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "getppid")));
	cr_assert_eq(PARSE(&o, &cmd, err, "--trace=%signal", "true"), 0);
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "rt_sigaction")));
}

Test(options, errors_are_one_line_and_name_the_problem)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "--bogus", "true"), -EINVAL);
	cr_assert(strstr(err, "--bogus"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-Z", "true"), -EINVAL);
	cr_assert(strstr(err, "-Z"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=nosuchcall", "true"), -EINVAL);
	cr_assert(strstr(err, "nosuchcall"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=%nosuchclass", "true"), -EINVAL);
	cr_assert(strstr(err, "%nosuchclass"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "--maps=sometimes", "true"), -EINVAL);
	cr_assert(strstr(err, "sometimes"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "--export", "png:x", "true"), -EINVAL);
	cr_assert(strstr(err, "png"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "--stack-depth", "0", "true"), -EINVAL);
	cr_assert_eq(PARSE(&o, &cmd, err, "-q"), -EINVAL);
	cr_assert(strstr(err, "no program"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "true", "-o"), 0, "options after PROG are PROG's");
	cr_assert_eq(PARSE(&o, &cmd, err, "-o"), -EINVAL);
	cr_assert(strstr(err, "-o"), "%s", err);
	cr_assert_null(strchr(err, '\n'));
}

Test(options, exports_maps_and_help)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "--export", "svg:a.svg", "--export=chrome:b.json", "--maps=none", "true"),
		     0, "%s", err);
	cr_assert_eq(o.nexports, 2);
	cr_assert_str_eq(o.exports[0].format, "svg");
	cr_assert_str_eq(o.exports[1].path, "b.json");
	cr_assert_eq(o.maps, PT_MAPS_NONE);
	cr_assert_eq(PARSE(&o, &cmd, err, "--help"), 0);
	cr_assert_eq(cmd, PT_CMD_HELP);
	cr_assert_eq(PARSE(&o, &cmd, err, "-V"), 0);
	cr_assert_eq(cmd, PT_CMD_VERSION);
}

Test(options, strace_flags)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "-f", "--seccomp-bpf", "true"), 0, "%s", err);
	cr_assert_not(o.follow_forks_split);
	cr_assert(o.seccomp);
	cr_assert_eq(o.text.strsize, 32, "strace's default -s");
	cr_assert_eq(PARSE(&o, &cmd, err, "-ff", "-o", "out", "-s", "7", "-xx", "-qq", "-c", "true"), 0, "%s", err);
	cr_assert(o.follow_forks_split);
	cr_assert(o.text.no_pid);
	cr_assert_eq(o.text.strsize, 7);
	cr_assert_eq(o.text.xstr, 2);
	cr_assert(o.quiet);
	cr_assert(o.text.no_exit_lines);
	cr_assert(o.count);
	cr_assert_not(o.text.summary, "-c prints its table instead");
	cr_assert_eq(PARSE(&o, &cmd, err, "-f", "-f", "-o", "out", "-x", "-q", "true"), 0, "%s", err);
	cr_assert(o.follow_forks_split, "-f -f is -ff");
	cr_assert_eq(o.text.xstr, 1);
	cr_assert_not(o.text.no_exit_lines);
	cr_assert_eq(PARSE(&o, &cmd, err, "--maps=exit", "true"), 0, "%s", err);
	cr_assert(o.text.exit_maps);
}

Test(options, flags_that_cannot_be_honoured_say_why)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "-ff", "true"), -EINVAL);
	cr_assert(strstr(err, "-ff") && strstr(err, "-o FILE"), "%s", err);
	/* -y, --decode-fds=path and -T are honoured now: accepted and set */
	cr_assert_eq(PARSE(&o, &cmd, err, "-y", "true"), 0, "%s", err);
	cr_assert(o.decode_fds && !o.timing && !o.text.show_time);
	cr_assert_eq(PARSE(&o, &cmd, err, "--decode-fds=path", "true"), 0, "%s", err);
	cr_assert(o.decode_fds);
	cr_assert_eq(PARSE(&o, &cmd, err, "--decode-fds", "true"), 0, "%s", err);
	cr_assert(o.decode_fds);
	cr_assert_eq(PARSE(&o, &cmd, err, "-T", "true"), 0, "%s", err);
	cr_assert(o.text.show_time && o.timing && !o.decode_fds);
	/* -c times the calls too (its time columns), without -T's suffix */
	cr_assert_eq(PARSE(&o, &cmd, err, "-c", "true"), 0, "%s", err);
	cr_assert(o.count && o.timing && !o.text.show_time);
	cr_assert_eq(PARSE(&o, &cmd, err, "true"), 0, "%s", err);
	cr_assert(!o.timing && !o.decode_fds, "neither is on unless asked");
	cr_assert_eq(PARSE(&o, &cmd, err, "--decode-fds=socket", "true"), -EOPNOTSUPP);
	cr_assert(strstr(err, "--decode-fds=socket: not supported:"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "--seccomp-bpf", "--no-seccomp", "true"), -EINVAL);
	cr_assert(strstr(err, "contradict"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-s", "-1", "true"), -EINVAL);
	cr_assert(strstr(err, "-s"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "abbrev=none", "true"), -EOPNOTSUPP);
	cr_assert(strstr(err, "-e abbrev: not supported"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "signal=SIGNOPE", "true"), -EINVAL);
	cr_assert(strstr(err, "SIGNOPE"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "event=forks", "true"), -EINVAL);
	cr_assert(strstr(err, "forks"), "%s", err);
	cr_assert_null(strchr(err, '\n'));
}

Test(options, trace_class_without_percent_and_all_but)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=file", "true"), 0, "%s", err);
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "openat")));
	cr_assert_not(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "kill")));
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=!openat", "true"), 0, "%s", err);
	cr_assert_not(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "openat")));
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "getppid")),
		  "a set that starts with ! is everything else (strace)");
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=/^(open|unlink)at$,?nosuchcall", "true"), 0, "%s", err);
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "openat")));
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "unlinkat")));
	cr_assert_not(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "open")));
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=/^nomatch", "true"), -EINVAL);
	cr_assert(strstr(err, "no syscall matches"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "openat", "true"), 0, "%s", err);
	cr_assert(pt_set_has(&o.trace, PT_ARCH_X86_64, pt_syscall_nr(PT_ARCH_X86_64, "openat")), "-e SET is trace=SET");
}

Test(options, signal_and_event_sets)
{
	uint64_t sigs;
	uint32_t evs;
	char err[256];
	cr_assert_eq(pt_options_parse_signals("SIGINT,term,9,SIGRTMIN", &sigs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sigs, 1ull << (2 - 1) | 1ull << (15 - 1) | 1ull << (9 - 1) | 1ull << (32 - 1));
	cr_assert_eq(pt_options_parse_signals("!SIGCHLD", &sigs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sigs, ~(1ull << (17 - 1)));
	cr_assert_eq(pt_options_parse_signals("none", &sigs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sigs, 0);
	cr_assert_eq(pt_options_parse_events("exec,stop", &evs, err, sizeof(err)), 0, "%s", err);
	cr_assert(evs & 1u << PT_EV_EXEC);
	cr_assert(evs & 1u << PT_EV_STOPPED && evs & 1u << PT_EV_CONTINUED);
	cr_assert_not(evs & 1u << PT_EV_WAIT);
	cr_assert(evs & 1u << PT_EV_SYSCALL && evs & 1u << PT_EV_START, "not chosen by -e event=");
	cr_assert_eq(pt_options_parse_events("!wait", &evs, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(evs & 1u << PT_EV_WAIT);
	cr_assert(evs & 1u << PT_EV_SPAWN && evs & 1u << PT_EV_REAP);
}

Test(options, full_text_rule)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "--log", "x", "true"), 0, "%s", err);
	cr_assert_not(o.full_text, "--log alone keeps the terminal to the summary");
	cr_assert_eq(PARSE(&o, &cmd, err, "--log", "x", "--text", "true"), 0, "%s", err);
	cr_assert(o.full_text);
	cr_assert_eq(PARSE(&o, &cmd, err, "--log", "x", "-v", "true"), 0, "%s", err);
	cr_assert(o.full_text);
	cr_assert_eq(PARSE(&o, &cmd, err, "--log", "x", "-o", "y", "true"), 0, "%s", err);
	cr_assert(o.full_text);
	cr_assert_eq(PARSE(&o, &cmd, err, "--log", "x", "-e", "trace=openat", "true"), 0, "%s", err);
	cr_assert(o.full_text);
}

Test(options, events_only)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "--events-only", "ls"), 0, "%s", err);
	cr_assert(o.events_only);
	cr_assert_not(o.seccomp, "--events-only loads no filter");
	cr_assert_not(o.kill_on_exit, "--events-only can be detached");
	cr_assert_eq(PARSE(&o, &cmd, err, "--events-only", "-e", "trace=openat", "ls"), -EINVAL);
	cr_assert(strstr(err, "--events-only") && !strchr(err, '\n'), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-e", "trace=openat", "--events-only", "ls"), -EINVAL);
	/* the syscall-describing flags too: nothing for them to describe */
	cr_assert_eq(PARSE(&o, &cmd, err, "--events-only", "-y", "ls"), -EINVAL);
	cr_assert(strstr(err, "-y cannot be used with --events-only"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "--decode-fds", "--events-only", "ls"), -EINVAL);
	cr_assert(strstr(err, "-y cannot be used with --events-only"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "--events-only", "-T", "ls"), -EINVAL);
	cr_assert(strstr(err, "-T cannot be used with --events-only"), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "-c", "--events-only", "ls"), -EINVAL);
	cr_assert(strstr(err, "-c cannot be used with --events-only"), "%s", err);
}

Test(options, attach_pids)
{
	struct pt_options o;
	enum pt_cmd cmd;
	char err[256];
	cr_assert_eq(PARSE(&o, &cmd, err, "-p", "12,34", "--attach", "56", "-p", "12"), 0, "%s", err);
	cr_assert_eq(o.nattach, 3, "duplicates are dropped");
	cr_assert_eq(o.attach[0], 12);
	cr_assert_eq(o.attach[1], 34);
	cr_assert_eq(o.attach[2], 56);
	cr_assert_null(o.argv);
	cr_assert_not(o.seccomp, "attach mode loads no filter");
	cr_assert_not(o.no_descendants);
	cr_assert_eq(PARSE(&o, &cmd, err, "-p", "7", "--no-descendants", "--events-only"), 0, "%s", err);
	cr_assert(o.no_descendants && o.events_only);
	const char *bad[] = {"", "0", "-3", "12,", ",12", "1x", "99999999999", "12,,3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char v[32];
		snprintf(v, sizeof(v), "%s", bad[i]);
		char *av[] = {"ptrace-tour", "-p", v, NULL};
		cr_assert_eq(parse(&o, &cmd, err, sizeof(err), 3, av), -EINVAL, "-p '%s' accepted", bad[i]);
		cr_assert(strstr(err, "-p") && !strchr(err, '\n'), "%s", err);
	}
	cr_assert_eq(PARSE(&o, &cmd, err, "-p", "12", "--", "ls"), -EINVAL);
	cr_assert(strstr(err, "-p and a program") && !strchr(err, '\n'), "%s", err);
	cr_assert_eq(PARSE(&o, &cmd, err, "--no-descendants", "ls"), -EINVAL);
}
