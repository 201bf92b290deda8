/* The log reader (src/report/logread.c): fixed lines of every event kind parsed
 * into struct pt_event, the exact round trip of bytes that are not UTF-8
 * through the writer and back, and the errors and warnings for logs that
 * are malformed, of another version, or cut short. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "pt/logread.h"
#include "pt/sink.h"
#include "pt/tables.h"
#include "pt/util.h"

#define START                                                                                      \
	"{\"ev\":\"start\",\"ts\":0,\"pid\":100,\"tgid\":100,\"version\":1,\"tool\":\"ptrace-tour "   \
	"0.1.0\",\"realtime_ns\":1700000000000000000,\"argv\":[\"./demo\",\"-x\"],\"seccomp\":true}\n"

/* The reader under test and the stream it reads; closed by the fini. */
static struct {
	struct pt_logread *r;
	FILE *fp;
	char *text;
	char err[512];
} g;

static void close_reader(void)
{
	pt_logread_close(g.r);
	if (g.fp)
		fclose(g.fp);
	free(g.text);
	memset(&g, 0, sizeof(g));
}

TestSuite(logread, .fini = close_reader);

static void open_text(const char *text)
{
	close_reader();
	g.text = strdup(text);
	cr_assert(g.text);
	g.fp = fmemopen(g.text, strlen(g.text), "r");
	cr_assert(g.fp);
	cr_assert_eq(pt_logread_open_fp(g.fp, "t.jsonl", &g.r), 0);
}

static int next(struct pt_event *ev)
{
	return pt_logread_next(g.r, ev, g.err, sizeof(g.err));
}

/* START, then line: returns the event of line (valid until the next read). */
static void read_line(const char *line, struct pt_event *ev)
{
	char *text;
	cr_assert(asprintf(&text, "%s%s\n", START, line) > 0);
	open_text(text);
	free(text);
	cr_assert_eq(next(ev), 1, "start: %s", g.err);
	int rc = next(ev);
	cr_assert_eq(rc, 1, "rc %d: %s", rc, g.err);
}

Test(logread, start)
{
	struct pt_event ev;
	open_text(START);
	cr_assert_eq(next(&ev), 1, "%s", g.err);
	cr_assert_eq(ev.kind, PT_EV_START);
	cr_assert_eq(ev.ts_ns, 0);
	cr_assert_eq(ev.pid, 100);
	cr_assert_eq(ev.u.start.version, 1);
	cr_assert_str_eq(ev.u.start.tool_version, "0.1.0");
	cr_assert_eq(ev.u.start.realtime_ns, 1700000000000000000ull);
	cr_assert_eq(ev.u.start.argc, 2);
	cr_assert_str_eq(ev.u.start.argv[1], "-x");
	cr_assert(ev.u.start.seccomp);
	cr_assert_eq(next(&ev), 0);
	cr_assert(strstr(g.err, "no end event"), "%s", g.err);
}

Test(logread, spawn)
{
	struct pt_event ev;
	read_line("{\"ev\":\"spawn\",\"ts\":12,\"pid\":100,\"tgid\":100,\"child\":101,\"kind\":\"thread\",\"syscall\":"
		  "\"clone3\",\"flags\":\"CLONE_VM|CLONE_THREAD|SIGCHLD\"}",
		  &ev);
	cr_assert_eq(ev.kind, PT_EV_SPAWN);
	cr_assert_eq(ev.ts_ns, 12);
	cr_assert_eq(ev.u.spawn.child, 101);
	cr_assert_eq(ev.u.spawn.kind, PT_SPAWN_THREAD);
	cr_assert_eq(ev.u.spawn.syscall, pt_syscall_nr(PT_ARCH_X86_64, "clone3"));
	cr_assert_eq(ev.u.spawn.flags, 0x100ull | 0x10000ull | 17);
	read_line("{\"ev\":\"spawn\",\"ts\":1,\"pid\":100,\"tgid\":100,\"child\":102,\"kind\":\"vfork\"}", &ev);
	cr_assert_eq(ev.u.spawn.kind, PT_SPAWN_VFORK);
	cr_assert_eq(ev.u.spawn.syscall, -1, "absent: -1");
	cr_assert_eq(ev.u.spawn.flags, 0);
}

Test(logread, exec_with_anatomy)
{
	struct pt_event ev;
	read_line("{\"ev\":\"exec\",\"ts\":5,\"pid\":100,\"tgid\":100,\"path\":\"/bin/true\",\"argv\":[\"true\",\"a b\"],"
		  "\"old_pid\":103,\"syscall\":\"execveat\",\"exe\":\"/usr/bin/true\",\"cwd\":\"/tmp\","
		  "\"script\":\"#!/bin/sh\","
		  "\"maps_before\":[],\"maps_after\":[{\"start\":\"0x1000\",\"end\":\"0x3000\",\"prot\":\"r-xs\","
		  "\"offset\":\"0x200\",\"dev\":\"fe:01\",\"inode\":77,\"path\":\"/usr/bin/true\"}],\"maps_after_truncated\":true,"
		  "\"elf\":{\"class\":64,\"type\":3,\"machine\":62,\"entry\":\"0x4760\",\"interp\":null,"
		  "\"load\":[{\"offset\":\"0x0\",\"vaddr\":\"0x0\",\"filesz\":\"0x10\",\"memsz\":\"0x20\",\"align\":\"0x1000\","
		  "\"flags\":5,\"map\":0}],\"sections\":[{\"name\":\".text\",\"offset\":\"0x40\",\"addr\":\"0x40\","
		  "\"size\":\"0x8\"}]},"
		  "\"layout\":{\"load_bias\":\"0x5000\",\"at_entry\":\"0x9760\",\"at_phdr\":\"0x5040\",\"at_base\":\"0x0\"},"
		  "\"fds\":[{\"fd\":5,\"target\":\"pipe:[9]\",\"pos\":3,\"flags\":2048,\"cloexec\":false,\"leaked\":true}],"
		  "\"env\":{\"added\":{\"A\":\"1\"},\"removed\":[\"B\"],\"changed\":{\"C\":[\"x\",\"y\"]}}}",
		  &ev);
	const struct pt_ev_exec *x = &ev.u.exec;
	cr_assert_eq(ev.kind, PT_EV_EXEC);
	cr_assert_str_eq(x->path, "/bin/true");
	cr_assert_eq(x->argc, 2);
	cr_assert_str_eq(x->argv[1], "a b");
	cr_assert_eq(x->old_pid, 103);
	cr_assert_eq(x->syscall, pt_syscall_nr(PT_ARCH_X86_64, "execveat"));
	const struct pt_exec_detail *d = x->detail;
	cr_assert(d);
	cr_assert_str_eq(d->exe, "/usr/bin/true");
	cr_assert_str_eq(d->cwd, "/tmp");
	cr_assert_str_eq(d->interp_script, "#!/bin/sh");
	cr_assert_eq(d->maps_before.n, 0);
	cr_assert_eq(d->maps_after.n, 1);
	cr_assert(d->maps_after.truncated);
	const struct pt_map *m = &d->maps_after.v[0];
	cr_assert_eq(m->start, 0x1000);
	cr_assert_eq(m->end, 0x3000);
	cr_assert_eq(m->offset, 0x200);
	cr_assert_eq(m->prot, PT_PROT_R | PT_PROT_X | PT_PROT_SHARED);
	cr_assert_eq(m->dev_major, 0xfe);
	cr_assert_eq(m->dev_minor, 1);
	cr_assert_eq(m->inode, 77);
	cr_assert_null(d->elf.error);
	cr_assert_eq(d->elf.elf_class, 64);
	cr_assert_eq(d->elf.entry, 0x4760);
	cr_assert_null(d->elf.interp);
	cr_assert_eq(d->elf.nsegs, 1);
	cr_assert_eq(d->elf.segs[0].memsz, 0x20);
	cr_assert_eq(d->elf.segs[0].flags, 5);
	cr_assert_eq(d->elf.segs[0].map_index, 0);
	cr_assert_eq(d->elf.nsecs, 1);
	cr_assert_str_eq(d->elf.secs[0].name, ".text");
	cr_assert(d->layout.valid);
	cr_assert_eq(d->layout.at_entry, 0x9760);
	cr_assert_eq(d->nfds, 1);
	cr_assert_str_eq(d->fds[0].target, "pipe:[9]");
	cr_assert_eq(d->fds[0].flags, 2048);
	cr_assert(d->fds[0].leaked);
	cr_assert(d->env_known);
	cr_assert_eq(d->nenv, 3);
	cr_assert(!d->env[0].old_val && !strcmp(d->env[0].new_val, "1"), "added");
	cr_assert(d->env[1].old_val && !d->env[1].new_val && !strcmp(d->env[1].name, "B"), "removed");
	cr_assert_str_eq(d->env[2].old_val, "x");
	cr_assert_str_eq(d->env[2].new_val, "y");

	read_line("{\"ev\":\"exec\",\"ts\":5,\"pid\":100,\"tgid\":100,\"path\":\"/bin/true\",\"argv\":[],"
		  "\"elf\":{\"error\":\"not an ELF file\"}}",
		  &ev);
	cr_assert_str_eq(ev.u.exec.detail->elf.error, "not an ELF file");
	read_line("{\"ev\":\"exec\",\"ts\":5,\"pid\":100,\"tgid\":100,\"path\":\"/bin/true\",\"argv\":[\"true\"]}", &ev);
	cr_assert_null(ev.u.exec.detail, "--maps=none: no anatomy");
	cr_assert_eq(ev.u.exec.old_pid, 0);
}

Test(logread, exec_failed_syscall_and_stack)
{
	struct pt_event ev;
	read_line("{\"ev\":\"exec_failed\",\"ts\":5,\"pid\":100,\"tgid\":100,\"path\":\"/x\",\"errno\":\"ENOENT\","
		  "\"syscall\":\"execve\"}",
		  &ev);
	cr_assert_eq(ev.kind, PT_EV_EXEC_FAILED);
	cr_assert_eq(ev.u.exec_failed.err, ENOENT);
	cr_assert_eq(ev.u.exec_failed.syscall, 59);
	/* The writer prints errnos without a name as E<n>. */
	read_line("{\"ev\":\"exec_failed\",\"ts\":5,\"pid\":100,\"tgid\":100,\"path\":\"/x\",\"errno\":\"E4000\"}", &ev);
	cr_assert_eq(ev.u.exec_failed.err, 4000);

	read_line("{\"ev\":\"syscall\",\"ts\":9,\"pid\":101,\"tgid\":100,\"name\":\"openat\",\"nr\":257,\"arch\":\"x86_64\","
		  "\"args\":[\"0xffffffffffffff9c\",\"0x7ffd1000\",\"0x0\"],\"str\":[null,\"/etc/passwd\",null],"
		  "\"ret\":-2,\"errno\":\"ENOENT\",\"stack\":[{\"ip\":\"0x7f0000001234\",\"func\":\"open64\",\"off\":4,"
		  "\"module\":\"/lib/libc.so.6\",\"module_off\":\"0x1234\"},{\"ip\":\"0x401000\"}],"
		  "\"unwind_error\":\"no unwind info\"}",
		  &ev);
	const struct pt_ev_syscall *s = &ev.u.syscall;
	cr_assert_eq(ev.pid, 101);
	cr_assert_eq(ev.tgid, 100);
	cr_assert_eq(s->nr, 257);
	cr_assert_eq(s->arch, PT_ARCH_X86_64);
	cr_assert_eq(s->nargs, 3);
	cr_assert_eq(s->args[0], 0xffffffffffffff9cull, "64-bit values as hex strings");
	cr_assert_null(s->str[0]);
	cr_assert_str_eq(s->str[1], "/etc/passwd");
	cr_assert_eq(s->ret, -2);
	cr_assert_eq(s->err, ENOENT);
	cr_assert(ev.stack);
	cr_assert_eq(ev.stack->n, 2);
	cr_assert_eq(ev.stack->frames[0].ip, 0x7f0000001234ull);
	cr_assert_str_eq(ev.stack->frames[0].func, "open64");
	cr_assert_eq(ev.stack->frames[0].off, 4);
	cr_assert_eq(ev.stack->frames[0].module_off, 0x1234);
	cr_assert_null(ev.stack->frames[1].func);
	cr_assert_str_eq(ev.stack->error, "no unwind info");
	read_line("{\"ev\":\"syscall\",\"ts\":9,\"pid\":101,\"tgid\":100,\"name\":\"waitpid\",\"nr\":7,\"arch\":\"i386\","
		  "\"args\":[],\"ret\":0}",
		  &ev);
	cr_assert_eq(ev.u.syscall.arch, PT_ARCH_I386);
	cr_assert_null(ev.stack);
}

Test(logread, wait)
{
	struct pt_event ev;
	read_line("{\"ev\":\"wait\",\"ts\":1,\"pid\":100,\"tgid\":100,\"syscall\":\"wait4\",\"id\":-1,"
		  "\"options\":\"WNOHANG|WUNTRACED\",\"ret\":101,\"child\":101,\"status\":{\"signaled\":\"SIGSEGV\","
		  "\"core\":true}}",
		  &ev);
	const struct pt_ev_wait *w = &ev.u.wait;
	cr_assert_eq(w->syscall, 61);
	cr_assert_eq(w->id, -1);
	cr_assert_eq(w->idtype, -1, "wait4: no idtype");
	cr_assert_eq(w->options, 1 | 2);
	cr_assert_eq(w->child, 101);
	cr_assert_eq(w->status.kind, PT_WS_SIGNALED);
	cr_assert_eq(w->status.code, 11);
	cr_assert(w->status.core);
	read_line("{\"ev\":\"wait\",\"ts\":1,\"pid\":100,\"tgid\":100,\"syscall\":\"waitid\",\"id\":7,\"idtype\":\"P_PGID\","
		  "\"options\":\"WEXITED|WSTOPPED\",\"ret\":0,\"child\":7,\"status\":{\"stopped\":\"SIGTSTP\"}}",
		  &ev);
	cr_assert_eq(ev.u.wait.idtype, 2);
	cr_assert_eq(ev.u.wait.status.kind, PT_WS_STOPPED);
	cr_assert_eq(ev.u.wait.status.code, 20);
	read_line("{\"ev\":\"wait\",\"ts\":1,\"pid\":100,\"tgid\":100,\"syscall\":\"wait4\",\"id\":-1,\"options\":\"0\","
		  "\"ret\":-10,\"errno\":\"ECHILD\"}",
		  &ev);
	cr_assert_eq(ev.u.wait.err, ECHILD);
	cr_assert_eq(ev.u.wait.child, 0);
	cr_assert_eq(ev.u.wait.status.kind, PT_WS_NONE);
	read_line("{\"ev\":\"wait\",\"ts\":1,\"pid\":100,\"tgid\":100,\"syscall\":\"waitid\",\"id\":0,\"idtype\":3,"
		  "\"options\":\"WCONTINUED\",\"ret\":0,\"child\":9,\"status\":{\"continued\":true}}",
		  &ev);
	cr_assert_eq(ev.u.wait.idtype, 3);
	cr_assert_eq(ev.u.wait.status.kind, PT_WS_CONTINUED);
}

/* A waiter in a nested pid namespace; its namespace's init adopting and
 * reaping; an old log without the new fields. */
Test(logread, pid_namespaces)
{
	struct pt_event ev;
	read_line("{\"ev\":\"wait\",\"ts\":1,\"pid\":100,\"tgid\":100,\"syscall\":\"wait4\",\"id\":2,\"id_pid\":4321,"
		  "\"options\":\"0\",\"ret\":2,\"child\":4321,\"child_ns\":2,\"status\":{\"exited\":0}}",
		  &ev);
	cr_assert_eq(ev.u.wait.id, 2);
	cr_assert_eq(ev.u.wait.id_pid, 4321);
	cr_assert_eq(ev.u.wait.ret, 2);
	cr_assert_eq(ev.u.wait.child, 4321);
	cr_assert_eq(ev.u.wait.child_ns, 2);
	read_line("{\"ev\":\"wait\",\"ts\":1,\"pid\":100,\"tgid\":100,\"syscall\":\"wait4\",\"id\":-1,"
		  "\"options\":\"0\",\"ret\":101,\"child\":101,\"status\":{\"exited\":0}}",
		  &ev);
	cr_assert_eq(ev.u.wait.child_ns, 0);
	cr_assert_eq(ev.u.wait.id_pid, 0);
	read_line("{\"ev\":\"reparent\",\"ts\":1,\"pid\":101,\"tgid\":101,\"from\":100,\"to\":4321,"
		  "\"to_role\":\"pidns-init\"}",
		  &ev);
	cr_assert_eq(ev.u.reparent.to, 4321);
	cr_assert_eq(pt_reparent_role(&ev.u.reparent), PT_REAPER_PIDNS_INIT);
	read_line("{\"ev\":\"reparent\",\"ts\":1,\"pid\":101,\"tgid\":101,\"from\":100,\"to\":1}", &ev);
	cr_assert_eq(pt_reparent_role(&ev.u.reparent), PT_REAPER_INIT, "absent: 1 is init");
	read_line("{\"ev\":\"reparent\",\"ts\":1,\"pid\":101,\"tgid\":101,\"from\":100,\"to\":77}", &ev);
	cr_assert_eq(pt_reparent_role(&ev.u.reparent), PT_REAPER_SUBREAPER, "absent: another pid is a subreaper");
	read_line("{\"ev\":\"reap\",\"ts\":1,\"pid\":101,\"tgid\":101,\"child\":101,\"by\":4321,\"autoreap\":false,"
		  "\"zombie_ns\":5,\"pidns_teardown\":true}",
		  &ev);
	cr_assert_eq(ev.u.reap.by, 4321);
	cr_assert(ev.u.reap.pidns_teardown);
}

Test(logread, signals_exit_reap_reparent_end)
{
	struct pt_event ev;
	read_line("{\"ev\":\"signal\",\"ts\":1,\"pid\":100,\"tgid\":100,\"sig\":\"SIGRTMIN+3\",\"code\":-6,\"sender\":5}", &ev);
	cr_assert_eq(ev.u.signal.sig, 35);     /* older logs: the kernel's numbering */
	cr_assert_eq(ev.u.signal.code, -6);
	cr_assert_eq(ev.u.signal.sender, 5);
	read_line("{\"ev\":\"signal\",\"ts\":1,\"pid\":100,\"tgid\":100,\"sig\":\"SIGRT_3\",\"code\":-6}", &ev);
	cr_assert_eq(ev.u.signal.sig, 35);     /* strace's name, what we write */
	read_line("{\"ev\":\"stopped\",\"ts\":1,\"pid\":100,\"tgid\":100,\"sig\":\"SIGTTIN\"}", &ev);
	cr_assert_eq(ev.kind, PT_EV_STOPPED);
	cr_assert_eq(ev.u.stopped.sig, 21);
	read_line("{\"ev\":\"continued\",\"ts\":1,\"pid\":100,\"tgid\":100}", &ev);
	cr_assert_eq(ev.kind, PT_EV_CONTINUED);
	read_line("{\"ev\":\"exit\",\"ts\":1,\"pid\":101,\"tgid\":100,\"how\":\"by_other\",\"exited\":7}", &ev);
	cr_assert_eq(ev.u.exit.how, PT_EXIT_BY_OTHER);
	cr_assert_eq(ev.u.exit.status.kind, PT_WS_EXITED);
	cr_assert_eq(ev.u.exit.status.code, 7);
	cr_assert_null(ev.u.exit.rusage, "an older log: no rusage");
	read_line("{\"ev\":\"exit\",\"ts\":1,\"pid\":100,\"tgid\":100,\"how\":\"exit_group\",\"exited\":0,"
		  "\"rusage\":{\"utime_ns\":3000000,\"stime_ns\":1000000,\"maxrss_kb\":2048,\"minflt\":90,"
		  "\"majflt\":1,\"nvcsw\":4,\"nivcsw\":3}}",
		  &ev);
	cr_assert_not_null(ev.u.exit.rusage);
	cr_assert_eq(ev.u.exit.rusage->utime_ns, 3000000);
	cr_assert_eq(ev.u.exit.rusage->stime_ns, 1000000);
	cr_assert_eq(ev.u.exit.rusage->maxrss_kb, 2048);
	cr_assert_eq(ev.u.exit.rusage->minflt, 90);
	cr_assert_eq(ev.u.exit.rusage->majflt, 1);
	cr_assert_eq(ev.u.exit.rusage->nvcsw, 4);
	cr_assert_eq(ev.u.exit.rusage->nivcsw, 3);
	read_line("{\"ev\":\"exit\",\"ts\":1,\"pid\":100,\"tgid\":100,\"how\":\"signal\",\"signaled\":\"SIGABRT\",\"core\":true}",
		  &ev);
	cr_assert_eq(ev.u.exit.how, PT_EXIT_SIGNAL);
	cr_assert_eq(ev.u.exit.status.code, 6);
	cr_assert(ev.u.exit.status.core);
	read_line("{\"ev\":\"reap\",\"ts\":1,\"pid\":101,\"tgid\":101,\"child\":101,\"by\":null,\"autoreap\":true,"
		  "\"zombie_ns\":123}",
		  &ev);
	cr_assert_eq(ev.u.reap.child, 101);
	cr_assert_eq(ev.u.reap.by, 0, "null: not seen");
	cr_assert(ev.u.reap.autoreap);
	cr_assert_eq(ev.u.reap.zombie_ns, 123);
	read_line("{\"ev\":\"reparent\",\"ts\":1,\"pid\":101,\"tgid\":101,\"from\":100,\"to\":1}", &ev);
	cr_assert_eq(ev.u.reparent.from, 100);
	cr_assert_eq(ev.u.reparent.to, 1);
	read_line("{\"ev\":\"end\",\"ts\":1,\"pid\":100,\"tgid\":100,\"status\":143,\"root\":{\"signaled\":\"SIGTERM\","
		  "\"core\":false},\"interrupted\":true,\"signal\":\"SIGTERM\",\"stops\":99}",
		  &ev);
	cr_assert_eq(ev.u.end.exit_status, 143);
	cr_assert_eq(ev.u.end.root.kind, PT_WS_SIGNALED);
	cr_assert(ev.u.end.interrupted);
	cr_assert_eq(ev.u.end.by_signal, 15);
	cr_assert_eq(ev.u.end.stops, 99);
	cr_assert_eq(next(&ev), 0);
	cr_assert_str_eq(g.err, "", "a complete log: no warning");
}

Test(logread, blank_lines_and_unknown_fields_are_skipped)
{
	struct pt_event ev;
	open_text(START "\n   \n{\"ev\":\"continued\",\"ts\":3,\"pid\":100,\"tgid\":100,\"future\":[1,2]}\n");
	cr_assert_eq(next(&ev), 1);
	cr_assert_eq(next(&ev), 1, "%s", g.err);
	cr_assert_eq(ev.kind, PT_EV_CONTINUED);
	cr_assert_eq(pt_logread_line(g.r), 4);
}

/* ---- bytes: the writer's escapes come back exactly ---- */

/* Writes an exec event with argv through the real writer, reads it back. */
static void round_trip(const char *const *argv, size_t argc)
{
	/* A real file: the writer makes its stream unbuffered, which a
	 * memstream does not survive. */
	FILE *tmp = tmpfile();
	cr_assert(tmp);
	struct pt_sink *w = pt_sink_jsonl_new(tmp, false);
	struct pt_event ev = {.kind = PT_EV_START, .pid = 100, .tgid = 100};
	const char *sargv[] = {"demo"};
	ev.u.start = (struct pt_ev_start){.version = 1, .tool_version = "0.1.0", .argv = sargv, .argc = 1};
	cr_assert(w->ops->emit(w, &ev) == 0);
	ev = (struct pt_event){.kind = PT_EV_EXEC, .ts_ns = 5, .pid = 100, .tgid = 100};
	ev.u.exec = (struct pt_ev_exec){.path = argv[0], .argv = argv, .argc = argc, .syscall = 59};
	cr_assert(w->ops->emit(w, &ev) == 0);
	cr_assert(w->ops->finish(w) == 0);
	w->ops->destroy(w);
	long len = ftell(tmp);
	char *buf = calloc(1, (size_t)len + 1);
	cr_assert(len > 0 && buf);
	rewind(tmp);
	cr_assert_eq(fread(buf, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	open_text(buf);
	free(buf);
	cr_assert_eq(next(&ev), 1, "%s", g.err);
	cr_assert_eq(next(&ev), 1, "%s", g.err);
	cr_assert_eq(ev.u.exec.argc, argc);
	for (size_t i = 0; i < argc; i++)
		cr_assert(!strcmp(ev.u.exec.argv[i], argv[i]), "argv[%zu] differs", i);
	cr_assert_str_eq(ev.u.exec.path, argv[0]);
}

Test(logread, non_utf8_round_trip)
{
	static char every[256];
	for (int i = 1; i < 256; i++)
		every[i - 1] = (char)i;
	const char *argv[] = {
		"/tmp/bad\xff\x80name",
		every,                         /* every byte value but NUL */
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",   /* valid UTF-8 stays text */
		"\\udc80 is text, not an escape",
		"\xef\x9e\x80 U+F780, the premap range",
		"\xed\xb2\x80 an encoded surrogate",
		"esc\x1b[31m\n\t\x7f",
		"",
	};
	round_trip(argv, PT_N_ELEMENTS(argv));
}

/* ---- errors and warnings ---- */

static void expect_error(const char *text, const char *what)
{
	struct pt_event ev;
	int rc;
	open_text(text);
	while ((rc = next(&ev)) > 0)
		;
	cr_assert_lt(rc, 0, "expected an error with \"%s\"", what);
	cr_assert(strstr(g.err, what), "message '%s' lacks '%s'", g.err, what);
	cr_assert(!strchr(g.err, '\n'), "one line: '%s'", g.err);
}

Test(logread, errors_name_the_file_and_line)
{
	static const struct {
		const char *line, *what;
	} cases[] = {
		{"this is not json", "t.jsonl:2: not JSON (a line must be one JSON object)"},
		{"{\"ev\":\"exit\" \"ts\":1}", "t.jsonl:2: not JSON (object value separator"},
		{"{\"ev\":\"exit\",\"ts\":1,\"pid\":1,\"tgid\":1,\"how\":\"exit\",\"exited\":0} trailing", "text after the object"},
		{"[1,2]", "t.jsonl:2: not JSON"},
		{"{\"ev\":\"teleport\",\"ts\":1,\"pid\":1,\"tgid\":1}", "t.jsonl:2: unknown event \"teleport\""},
		{"{\"ts\":1,\"pid\":1,\"tgid\":1}", "t.jsonl:2: missing field \"ev\""},
		{"{\"ev\":\"spawn\",\"ts\":1,\"pid\":1,\"tgid\":1,\"kind\":\"fork\"}", "t.jsonl:2: spawn: missing field \"child\""},
		{"{\"ev\":\"exec\",\"ts\":1,\"pid\":1,\"tgid\":1,\"argv\":[]}", "exec: missing field \"path\""},
		{"{\"ev\":\"exit\",\"ts\":1,\"pid\":1,\"tgid\":1,\"how\":\"exit\"}", "exit: missing the status"},
		{"{\"ev\":\"exit\",\"ts\":\"1\",\"pid\":1,\"tgid\":1,\"how\":\"exit\",\"exited\":0}", "field \"ts\" is not an integer"},
		{"{\"ev\":\"exit\",\"ts\":1,\"pid\":-4,\"tgid\":1,\"how\":\"exit\",\"exited\":0}", "field \"pid\" is out of range"},
		{"{\"ev\":\"exit\",\"ts\":1,\"pid\":1,\"tgid\":1,\"how\":\"vanished\",\"exited\":0}", "unknown exit kind"},
		{"{\"ev\":\"signal\",\"ts\":1,\"pid\":1,\"tgid\":1,\"sig\":\"SIGNOPE\"}", "unknown signal \"SIGNOPE\""},
		{"{\"ev\":\"exec_failed\",\"ts\":1,\"pid\":1,\"tgid\":1,\"path\":\"/x\",\"errno\":\"EWHAT\"}", "unknown errno"},
		{"{\"ev\":\"spawn\",\"ts\":1,\"pid\":1,\"tgid\":1,\"child\":2,\"kind\":\"fork\",\"flags\":\"CLONE_NOPE\"}",
		 "unknown clone flags"},
		{"{\"ev\":\"spawn\",\"ts\":1,\"pid\":1,\"tgid\":1,\"child\":2,\"kind\":\"spork\"}", "unknown spawn kind"},
		{"{\"ev\":\"wait\",\"ts\":1,\"pid\":1,\"tgid\":1,\"id\":-1,\"options\":\"WHENEVER\",\"ret\":0}", "unknown wait options"},
		{"{\"ev\":\"reparent\",\"ts\":1,\"pid\":1,\"tgid\":1,\"from\":1,\"to\":2,\"to_role\":\"godparent\"}",
		 "unknown reaper role \"godparent\""},
		{"{\"ev\":\"syscall\",\"ts\":1,\"pid\":1,\"tgid\":1,\"nr\":1,\"arch\":\"x86_64\",\"args\":[\"12\"],\"ret\":0}",
		 "not a hex string"},
		{"{\"ev\":\"syscall\",\"ts\":1,\"pid\":1,\"tgid\":1,\"nr\":1,\"arch\":\"pdp11\",\"args\":[],\"ret\":0}", "unknown arch"},
		{"{\"ev\":\"exit\",\"ts\":1,\"pid\":1,\"tgid\":1,\"how\":\"exit\",\"exited\":0", "the line ends inside the object"},
	};
	for (size_t i = 0; i < PT_N_ELEMENTS(cases); i++) {
		char *text;
		/* A line after the bad one: a cut line in the middle is an error. */
		cr_assert(asprintf(&text, "%s%s\n{\"ev\":\"continued\",\"ts\":3,\"pid\":100,\"tgid\":100}\n", START,
				   cases[i].line) > 0);
		expect_error(text, cases[i].what);
		free(text);
	}
}

Test(logread, version_and_first_line)
{
	expect_error("{\"ev\":\"start\",\"ts\":0,\"pid\":1,\"tgid\":1,\"version\":2,\"shiny\":true}\n",
		     "t.jsonl:1: start: log format version 2 is not supported (this ptrace-tour reads version 1)");
	expect_error("{\"ev\":\"start\",\"ts\":0,\"pid\":1,\"tgid\":1,\"argv\":[]}\n", "missing field \"version\"");
	expect_error("{\"ev\":\"continued\",\"ts\":3,\"pid\":100,\"tgid\":100}\n", "t.jsonl:1: continued: not a ptrace-tour log");
	expect_error("", "t.jsonl: empty log");
	expect_error("{\"ev\":\"start\",\"ts\":0,\"pid\":1", "t.jsonl:1: the line is cut short");
}

Test(logread, cut_last_line_is_a_warning)
{
	struct pt_event ev;
	open_text(START "{\"ev\":\"continued\",\"ts\":3,\"pid\":100,\"tgid\":100}\n{\"ev\":\"exit\",\"ts\":4,\"pid\":1");
	cr_assert_eq(next(&ev), 1);
	cr_assert_eq(next(&ev), 1, "%s", g.err);
	cr_assert_eq(ev.kind, PT_EV_CONTINUED);
	cr_assert_eq(next(&ev), 0, "%s", g.err);
	cr_assert_str_eq(g.err, "t.jsonl: line 3 is cut short (the tracer was killed?); rendering the rest");
	cr_assert_eq(next(&ev), 0, "the end stays the end");
	cr_assert_str_eq(g.err, "", "the warning is given once");
}

Test(logread, complete_last_line_without_newline_is_fine)
{
	struct pt_event ev;
	open_text(START "{\"ev\":\"end\",\"ts\":4,\"pid\":100,\"tgid\":100,\"status\":0,\"root\":{\"exited\":0},"
			"\"interrupted\":false,\"stops\":3}");
	cr_assert_eq(next(&ev), 1);
	cr_assert_eq(next(&ev), 1, "%s", g.err);
	cr_assert_eq(ev.kind, PT_EV_END);
	cr_assert_eq(next(&ev), 0);
	cr_assert_str_eq(g.err, "");
}

Test(logread, missing_file)
{
	struct pt_logread *r = NULL;
	cr_assert_eq(pt_logread_open("/nonexistent/trace.jsonl", &r), -ENOENT);
	cr_assert_null(r);
}

/* ---- bounds: what is not a log is refused at once, in one line ---- */

/* An endless line of 'x': a huge file without a newline, or a pipe. */
static ssize_t endless_x(void *cookie, char *buf, size_t n)
{
	*(size_t *)cookie += n;
	memset(buf, 'x', n);
	return (ssize_t)n;
}

Test(logread, overlong_line_is_refused_within_the_bound)
{
	static size_t served;
	struct pt_event ev;
	close_reader();
	g.fp = fopencookie(&served, "r", (cookie_io_functions_t){.read = endless_x});
	cr_assert(g.fp);
	cr_assert_eq(pt_logread_open_fp(g.fp, "t.jsonl", &g.r), 0);
	cr_assert_eq(next(&ev), -EINVAL, "%s", g.err);
	cr_assert_str_eq(g.err, "t.jsonl:1: line longer than 134217728 bytes (128 MiB): not a JSONL log");
	cr_assert_eq(PT_LOGREAD_LINE_MAX, 128u << 20, "docs/report.md names the bound");
	/* Read no further than the bound and one read-ahead. */
	cr_assert_leq(served, PT_LOGREAD_LINE_MAX + (1u << 20), "read %zu bytes", served);
}

Test(logread, nul_byte_is_refused)
{
	static const char text[] = START "{\"ev\":\"continued\",\"ts\":3,\0\"pid\":100,\"tgid\":100}\n";
	struct pt_event ev;
	close_reader();
	g.fp = fmemopen((void *)text, sizeof(text) - 1, "r");
	cr_assert(g.fp);
	cr_assert_eq(pt_logread_open_fp(g.fp, "t.jsonl", &g.r), 0);
	cr_assert_eq(next(&ev), 1, "%s", g.err);
	cr_assert_eq(next(&ev), -EINVAL, "%s", g.err);
	cr_assert_str_eq(g.err, "t.jsonl:2: a NUL byte at column 26: not a JSONL log");
}

/* ---- every kind: writer -> reader -> writer is a fixed point ---- */

/* One event of each kind with every optional field the writer can print
 * set, built from events.def: a kind without its sample_ does not compile. */
static const pid_t rt_pids[] = {7, 8};
static const char *const rt_argv[] = {"/bin/demo", "-x", "caf\xc3\xa9 \xff"};
static const struct pt_frame rt_frames[] = {
	{.ip = 0x401000, .off = 16, .func = "main", .module = "/bin/demo", .module_off = 0x1000},
	{.ip = 0x7f0000001234},
};
static const struct pt_stack rt_stack = {.frames = rt_frames, .n = 2, .error = "no unwind info"};
static const struct pt_map rt_maps[] = {
	{.start = 0x400000, .end = 0x401000, .offset = 0, .prot = PT_PROT_R | PT_PROT_X, .dev_major = 8,
	 .dev_minor = 1, .inode = 42, .path = "/bin/demo"},
	{.start = 0x7ffd0000, .end = 0x7ffe0000, .prot = PT_PROT_R | PT_PROT_W | PT_PROT_SHARED, .path = ""},
};
static const struct pt_maps rt_exit_maps = {.v = rt_maps, .n = 2, .truncated = true};
static const struct pt_elf_seg rt_segs[] = {
	{.offset = 0, .vaddr = 0x400000, .filesz = 0x800, .memsz = 0x1000, .align = 0x1000, .flags = 5, .map_index = 0},
};
static const struct pt_elf_sec rt_secs[] = {{.name = ".text", .offset = 0x100, .addr = 0x400100, .size = 0x80}};
static const struct pt_fd rt_fds[] = {
	{.fd = 0, .target = "/dev/null", .pos = 0, .flags = 0100000, .cloexec = false},
	{.fd = 5, .target = "pipe:[123]", .pos = 7, .flags = 02000001, .cloexec = false, .leaked = true},
};
static const struct pt_env_change rt_env[] = {
	{.name = "NEW", .new_val = "1"},
	{.name = "GONE", .old_val = ""},
	{.name = "PATH", .old_val = "/bin", .new_val = "/usr/bin:/bin"},
};
static const char *const rt_script_argv[] = {"/bin/sh", "./script"};
static const struct pt_exec_detail rt_detail = {
	.exe = "/bin/demo", .cwd = "/tmp", .interp_script = "/bin/sh", .script_argv = rt_script_argv,
	.script_argc = 2, .maps_before = {.v = rt_maps, .n = 1}, .maps_after = {.v = rt_maps, .n = 2},
	.maps_before_unseen = true,
	.elf = {.elf_class = 64, .type = 3, .machine = 62, .entry = 0x401000, .interp = "/lib64/ld.so",
		.segs = rt_segs, .nsegs = 1, .secs = rt_secs, .nsecs = 1},
	.layout = {.valid = true, .load_bias = 0x555555554000, .at_entry = 0x555555555000, .at_phdr = 0x40,
		   .at_base = 0x7f0000000000},
	.fds = rt_fds, .nfds = 2, .env = rt_env, .nenv = 3, .env_known = true,
};

static void sample_start(struct pt_event *ev)
{
	ev->u.start = (struct pt_ev_start){.version = PT_TRACE_FORMAT_VERSION, .tool_version = "0.1.0",
					   .realtime_ns = 1700000000000000000ull, .argv = rt_argv, .argc = 3,
					   .seccomp = true, .events_only = true, .attach = rt_pids, .nattach = 2};
}

static void sample_attach(struct pt_event *ev)
{
	ev->u.attach = (struct pt_ev_attach){.ppid = 1, .argv = rt_argv, .argc = 3, .argv_truncated = true,
					     .exe = "/usr/bin/x", .cwd = "/tmp", .state = "stopped",
					     .start_ticks = 12345, .age_ns = 987654321, .threads = rt_pids,
					     .nthreads = 2, .zombies = 3};
}

static void sample_spawn(struct pt_event *ev)
{
	ev->u.spawn = (struct pt_ev_spawn){.child = 101, .kind = PT_SPAWN_CLONE, .syscall = 56,
					   .arch = PT_ARCH_X86_64, .flags = 0x100 | 0x200 | SIGCHLD, .orphan = true,
					   /* clone3's struct clone_args fields */
					   .has_args = true, .args_size = 88, .exit_signal = SIGCHLD,
					   .stack = 0x7f0000001000, .stack_size = 0x9000};
	ev->stack = &rt_stack;
}

static void sample_exec(struct pt_event *ev)
{
	ev->u.exec = (struct pt_ev_exec){.path = rt_argv[0], .argv = rt_argv, .argc = 3, .argv_truncated = true,
					 .old_pid = 102, .syscall = 59, .detail = &rt_detail};
}

static void sample_exec_failed(struct pt_event *ev)
{
	ev->u.exec_failed = (struct pt_ev_exec_failed){.path = "", .path_unreadable = true, .path_addr = 0xdead,
						       .err = EFAULT, .syscall = 11, .arch = PT_ARCH_I386};
}

static void sample_syscall(struct pt_event *ev)
{
	/* -y's paths (one tracee-controlled with a newline), -T's time, and
	 * the bytes of a memory argument */
	static const uint8_t mem[] = {0x02, 0x40, 0, 0, 0, 0, 0, 0x80};
	ev->u.syscall = (struct pt_ev_syscall){.nr = 257, .nargs = 4, .args = {(uint64_t)-100, 0x1000, 0, 0},
					       .str = {NULL, "/etc/missing"}, .ret = -ENOENT, .err = ENOENT,
					       .fd_path = {"/tmp/a\nb"}, .ret_path = "/etc/x",
					       .mem = {NULL, NULL, mem}, .mem_len = {0, 0, sizeof(mem)},
					       .timed = true, .dur_ns = 123456};
}

static void sample_wait(struct pt_event *ev)
{
	ev->u.wait = (struct pt_ev_wait){.syscall = 247, .id = 5, .idtype = 1, .options = WEXITED | WNOHANG,
					 .ret = 0, .child = 101, .child_ns = 5, .id_pid = 101,
					 .status = {PT_WS_SIGNALED, true, SIGSEGV}, .timed = true, .dur_ns = 0};
}

static void sample_signal(struct pt_event *ev)
{
	ev->u.signal = (struct pt_ev_signal){.sig = SIGCHLD, .code = 1, .sender = 101};
}

static void sample_stopped(struct pt_event *ev)
{
	ev->u.stopped = (struct pt_ev_stopped){.sig = SIGTSTP, .sender = 100};
}

static void sample_continued(struct pt_event *ev)
{
	ev->u.continued = (struct pt_ev_continued){.sender = 100};
}

static const struct pt_rusage rt_rusage = {.utime_ns = 1234567000, .stime_ns = 89000, .maxrss_kb = 4096,
					    .minflt = 321, .majflt = 2, .nvcsw = 17, .nivcsw = 5};

static void sample_exit(struct pt_event *ev)
{
	ev->u.exit = (struct pt_ev_exit){.status = {PT_WS_SIGNALED, false, SIGKILL}, .how = PT_EXIT_SIGNAL,
					 .maps = &rt_exit_maps, .rusage = &rt_rusage};
}

static void sample_reap(struct pt_event *ev)
{
	ev->u.reap = (struct pt_ev_reap){.child = 101, .by = 100, .by_tracer = true, .zombie_ns = 12345,
					 .pidns_teardown = true};
}

static void sample_reparent(struct pt_event *ev)
{
	ev->u.reparent = (struct pt_ev_reparent){.from = 100, .to = 7, .to_role = PT_REAPER_PIDNS_INIT};
}

static void sample_end(struct pt_event *ev)
{
	ev->u.end = (struct pt_ev_end){.exit_status = 137, .root = {PT_WS_SIGNALED, false, SIGKILL},
				       .interrupted = true, .by_signal = SIGINT, .stops = 42, .detached = true,
				       .left_running = 5};
}

static void (*const samples[PT_EV__COUNT])(struct pt_event *ev) = {
#define EV(NAME, name) [PT_EV_##NAME] = sample_##name,
#include "events.def"
#undef EV
};

/* Everything the JSONL sink wrote for the events fed by feed(). */
static char *write_all(void (*feed)(struct pt_sink *w, void *arg), void *arg)
{
	FILE *tmp = tmpfile();
	cr_assert(tmp);
	struct pt_sink *w = pt_sink_jsonl_new(tmp, false);
	cr_assert(w);
	feed(w, arg);
	cr_assert_eq(w->ops->finish(w), 0);
	w->ops->destroy(w);
	long len = ftell(tmp);
	char *buf = calloc(1, (size_t)len + 1);
	cr_assert(len > 0 && buf);
	rewind(tmp);
	cr_assert_eq(fread(buf, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	return buf;
}

static void feed_samples(struct pt_sink *w, void *arg)
{
	(void)arg;
	for (int k = 0; k < PT_EV__COUNT; k++) {
		struct pt_event ev = {.kind = (enum pt_ev_kind)k, .ts_ns = (uint64_t)k * 1000, .pid = 100 + k,
				      .tgid = 100};
		samples[k](&ev);
		cr_assert_eq(w->ops->emit(w, &ev), 0, "%s", pt_event_kind_name(k));
	}
}

/* Reads the open log and writes every event again. */
static void feed_read(struct pt_sink *w, void *arg)
{
	int *kinds = arg;
	struct pt_event ev;
	int rc, n = 0;
	while ((rc = next(&ev)) > 0) {
		cr_assert_lt(n, PT_EV__COUNT);
		kinds[n++] = ev.kind;
		cr_assert_eq(w->ops->emit(w, &ev), 0);
	}
	cr_assert_eq(rc, 0, "%s", g.err);
	cr_assert_str_eq(g.err, "", "a complete log: no warning");
	cr_assert_eq(n, PT_EV__COUNT, "read %d events of %d", n, PT_EV__COUNT);
}

Test(logread, every_kind_round_trips_through_the_writer)
{
	int kinds[PT_EV__COUNT];
	char *first = write_all(feed_samples, NULL);
	open_text(first);
	char *again = write_all(feed_read, kinds);
	for (int k = 0; k < PT_EV__COUNT; k++)
		cr_expect_eq(kinds[k], k, "event %d read back as %s", k, pt_event_kind_name(kinds[k]));
	/* Byte for byte: a field the reader dropped or misread is missing or
	 * different in the second writing. */
	const char *a = first, *b = again;
	for (int line = 1; *a || *b; line++) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
		cr_assert(la == lb && !memcmp(a, b, la), "line %d differs:\n  wrote %.*s\n  again %.*s", line, (int)la, a,
			  (int)lb, b);
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	free(first);
	free(again);
}
