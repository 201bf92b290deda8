/* Fidelity (the traced program must not notice the tracer): the terminal's
 * signals.  A terminal's ^C, ^\ (and a hangup) go to the whole foreground
 * process group, the traced program included: it is the program's to handle
 * and the trace follows until the tree ends (strace -o FILE PROG does the
 * same); so does a hangup's SIGHUP.  kill(1) of the tool alone still interrupts the trace.  ^Z stops
 * the tool with the program; continuing the job finishes the trace.
 *
 * Each test plays an interactive shell: a session leader with a pty as its
 * controlling terminal starts the tool in a process group of its own, makes
 * it the foreground group, waits for it (WUNTRACED) and, like `fg`, sends
 * SIGCONT to the group when the test says so.  The test types the INTR,
 * QUIT or SUSP character into the pty master: the line discipline then
 * signals the foreground group exactly as a real terminal does.  Every step
 * waits for a line from the tracee or the shell: no sleeps. */
#define _GNU_SOURCE
#include "support.h"
#include "pt/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct tty_run {
	int master;
	pid_t shell, tool;
	int rep;                /* the tracee's lines ("ready PID", "int N") */
	int ctl;                /* the shell's lines ("tool PID", "stopped SIG", "exited N", "signaled N") */
	int fg;                 /* a byte here makes the shell continue the stopped job */
	char rbuf[4096], cbuf[4096];
	const char *log, *out, *err;
	char *out_text, *err_text;
	int code;               /* exited N, or -SIG */
	json_object *ev[4096];
	size_t nev;
	bool tool_leads;        /* set before tty_start (initialize t): the tool is the session leader itself */
};

static struct tty_run *g_run;

static void kill_leftovers(void)
{
	if (g_run) {
		if (g_run->tool > 0)
			kill(-g_run->tool, SIGKILL);
		if (g_run->shell > 0) {
			kill(g_run->shell, SIGKILL);
			waitpid(g_run->shell, NULL, 0);
		}
	}
	pt_t_cleanup();
}

TestSuite(interrupt, .fini = kill_leftovers);

static void __attribute__((noreturn)) die(const char *what)
{
	dprintf(2, "shell: %s: %s\n", what, strerror(errno));
	_exit(251);
}

/* Becomes the tool: the terminal t on stdin, stdout and stderr into files,
 * no fd of ours but the report pipe. */
static void __attribute__((noreturn)) exec_tool(int t, const char *out, const char *err, int rep_w,
						const char *const *argv)
{
	int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o < 0 || e < 0)
		die("open");
	dup2(t, 0);
	dup2(o, 1);
	dup2(e, 2);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != rep_w)
			close(fd);
	execv(argv[0], (char *const *)argv);
	die("exec");
}

/* The shell: a session whose controlling terminal is the pty.  Its leader
 * only waits for the job-control process (the "shell" proper, which starts
 * the tool and reports on it) and dies of the hangup's SIGHUP, as a login
 * session's leader does: the kernel then sends SIGHUP to the foreground
 * group.  The shell proper is in the leader's group, so the tool's group is
 * never orphaned (^Z really stops it). */
static void __attribute__((noreturn)) shell(const char *slave, const char *const *argv, int rep_w, int ctl_w,
					    int fg_r, const char *out, const char *err, bool tool_leads)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	if (setsid() < 0)
		die("setsid");
	int t = open(slave, O_RDWR);
	if (t < 0 || ioctl(t, TIOCSCTTY, 0) < 0)
		die("the controlling terminal");
	if (tool_leads) {
		/* `ssh host ptrace-tour ...`, `tmux new-session ptrace-tour ...` */
		dprintf(ctl_w, "tool %d\n", (int)getpid());
		exec_tool(t, out, err, rep_w, argv);
	}
	pid_t sh = fork();
	if (sh < 0)
		die("fork");
	if (sh > 0) {
		for (int fd = 0; fd < 1024; fd++)
			close(fd);
		int st;
		while (waitpid(sh, &st, 0) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	/* giving the terminal away leaves us in the background */
	signal(SIGTTOU, SIG_IGN);
	pid_t tool = fork();
	if (tool < 0)
		die("fork");
	if (tool == 0) {
		setpgid(0, 0);
		if (tcsetpgrp(t, getpid()) < 0)
			die("tcsetpgrp");
		signal(SIGTTOU, SIG_DFL);
		exec_tool(t, out, err, rep_w, argv);
	}
	setpgid(tool, tool);    /* both sides, as shells do: no race with the exec */
	tcsetpgrp(t, tool);
	close(rep_w);
	dprintf(ctl_w, "tool %d\n", (int)tool);
	for (;;) {
		int st;
		pid_t w = waitpid(tool, &st, WUNTRACED);
		if (w < 0 && errno == EINTR)
			continue;
		if (w != tool)
			die("waitpid");
		if (WIFSTOPPED(st)) {
			dprintf(ctl_w, "stopped %d\n", WSTOPSIG(st));
			char c;
			if (read(fg_r, &c, 1) != 1)
				die("read fg");
			kill(-tool, SIGCONT);   /* fg */
			continue;
		}
		if (WIFEXITED(st))
			dprintf(ctl_w, "exited %d\n", WEXITSTATUS(st));
		else
			dprintf(ctl_w, "signaled %d\n", WTERMSIG(st));
		_exit(0);
	}
}

/* Waits (bounded) until buf, fed from fd, holds a complete line starting
 * with prefix; returns that line's text after the prefix. */
static const char *wait_line(struct tty_run *t, int fd, char *buf, size_t len, const char *prefix)
{
	uint64_t deadline = pt_t_now_ns() + 30 * 1000000000ull;
	size_t used = strlen(buf);
	for (;;) {
		for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (!strncmp(l, prefix, strlen(prefix)) && strchr(l, '\n')) {
				static char res[256];
				snprintf(res, sizeof res, "%.*s", (int)(strchr(l, '\n') - l - (long)strlen(prefix)),
					 l + strlen(prefix));
				/* consume it: the same line must not answer the next wait */
				memmove(l, strchr(l, '\n') + 1, strlen(strchr(l, '\n') + 1) + 1);
				return res;
			}
		uint64_t now = pt_t_now_ns();
		cr_assert(now < deadline && used + 1 < len, "no line '%s' within 30 s; got: '%s'", prefix, buf);
		struct pollfd pf = { fd, POLLIN, 0 };
		int r = poll(&pf, 1, (int)((deadline - now) / 1000000u) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		cr_assert(r > 0, "no line '%s' within 30 s; got: '%s'", prefix, buf);
		ssize_t n = read(fd, buf + used, len - 1 - used);
		cr_assert(n > 0, "EOF while waiting for '%s'; got: '%s' (tool stderr: %s)", prefix, buf,
			  t->err ? pt_t_read_file(t->err, NULL) : "");
		used += (size_t)n;
		buf[used] = 0;
	}
}

/* Starts PT_TOOL -q -o OUT --log LOG TOOL_ARGS -- tty_prog MODE FD on the
 * pty and waits until the tracee says it is ready; returns its pid. */
static pid_t tty_start(struct tty_run *t, const char *const *tool_args, const char *mode)
{
	bool tool_leads = t->tool_leads;
	memset(t, 0, sizeof *t);
	t->tool_leads = tool_leads;
	g_run = t;
	t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(t->master >= 0 && grantpt(t->master) == 0 && unlockpt(t->master) == 0, "no pty: %s",
		  strerror(errno));
	char slave[128];
	cr_assert(ptsname_r(t->master, slave, sizeof slave) == 0);
	int rep[2], ctl[2], fg[2];
	cr_assert(pipe(rep) == 0 && pipe2(ctl, O_CLOEXEC) == 0 && pipe2(fg, O_CLOEXEC) == 0);
	t->log = pt_t_scratch("tty.jsonl");
	t->out = pt_t_scratch("tty.stdout");
	t->err = pt_t_scratch("tty.stderr");
	char fdarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", rep[1]);
	const char *argv[32];
	size_t k = 0;
	argv[k++] = PT_TOOL;
	argv[k++] = "-q";
	argv[k++] = "-o";
	argv[k++] = pt_t_scratch("tty.txt");
	argv[k++] = "--log";
	argv[k++] = t->log;
	for (size_t i = 0; tool_args && tool_args[i]; i++)
		argv[k++] = tool_args[i];
	argv[k++] = "--";
	argv[k++] = pt_t_tracee_path("tty_prog");
	argv[k++] = mode;
	argv[k++] = fdarg;
	argv[k] = NULL;
	fflush(NULL);
	t->shell = fork();
	cr_assert(t->shell >= 0);
	if (t->shell == 0) {
		close(rep[0]);
		close(t->master);       /* the test's alone: closing it hangs up the terminal */
		shell(slave, argv, rep[1], ctl[1], fg[0], t->out, t->err, t->tool_leads);
	}
	close(rep[1]);
	close(ctl[1]);
	close(fg[0]);
	t->rep = rep[0];
	t->ctl = ctl[0];
	t->fg = fg[1];
	t->tool = atoi(wait_line(t, t->ctl, t->cbuf, sizeof t->cbuf, "tool "));
	return atoi(wait_line(t, t->rep, t->rbuf, sizeof t->rbuf, "ready "));
}

static void type(struct tty_run *t, const char *s)
{
	cr_assert(write(t->master, s, strlen(s)) == (ssize_t)strlen(s), "write to the pty: %s", strerror(errno));
}

/* The terminal's special characters, as the line discipline knows them. */
static const char *cc(struct tty_run *t, int which)
{
	static char s[2];
	struct termios tio;
	cr_assert(tcgetattr(t->master, &tio) == 0);
	cr_assert(tio.c_lflag & ISIG, "the pty has ISIG off");
	s[0] = (char)tio.c_cc[which];
	s[1] = 0;
	return s;
}

/* Waits for the tool's end (the shell reports it) and loads its outputs. */
static void tty_finish(struct tty_run *t)
{
	const char *how = "";
	if (t->tool_leads) {    /* our child: wait for it ourselves */
		uint64_t deadline = pt_t_now_ns() + 30 * 1000000000ull;
		int st;
		pid_t w;
		while ((w = waitpid(t->shell, &st, WNOHANG)) == 0 && pt_t_now_ns() < deadline)
			poll(NULL, 0, 5);
		cr_assert(w == t->shell, "the tool did not end within 30 s");
		how = WIFEXITED(st) ? pt_t_fmt__("exited %d", WEXITSTATUS(st)) : pt_t_fmt__("signaled %d", WTERMSIG(st));
		t->shell = 0;
	} else {
		how = wait_line(t, t->ctl, t->cbuf, sizeof t->cbuf, "");
	}
	if (!strncmp(how, "exited ", 7))
		t->code = atoi(how + 7);
	else if (!strncmp(how, "signaled ", 9))
		t->code = -atoi(how + 9);
	else
		cr_assert_fail("the shell said '%s'", how);
	int st;
	cr_assert(!t->shell || waitpid(t->shell, &st, 0) == t->shell);
	t->shell = 0;
	t->tool = 0;
	t->out_text = pt_t_read_file(t->out, NULL);
	t->err_text = pt_t_read_file(t->err, NULL);
	size_t len;
	char *log = pt_t_read_file(t->log, &len);
	cr_assert(log && len > 0, "no log; the tool's stderr: %s", t->err_text ? t->err_text : "");
	for (char *l = log, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		cr_assert(nl, "the log's last line is unterminated");
		*nl = 0;
		json_object *o = json_tokener_parse(l);
		cr_assert(o && json_object_is_type(o, json_type_object), "a log line is not a JSON object: '%s'", l);
		cr_assert(t->nev < PT_N_ELEMENTS(t->ev));
		t->ev[t->nev++] = o;
	}
	free(log);
	cr_assert(t->nev >= 2 && pt_t_is(t->ev[0], "start") && pt_t_is(t->ev[t->nev - 1], "end"),
		  "the log must start with start and end with end");
	if (t->master >= 0)
		close(t->master);
	close(t->rep);
	close(t->ctl);
	close(t->fg);
}

static void tty_free(struct tty_run *t)
{
	for (size_t i = 0; i < t->nev; i++)
		json_object_put(t->ev[i]);
	free(t->out_text);
	free(t->err_text);
	g_run = NULL;
}

static json_object *end_of(struct tty_run *t)
{
	return t->ev[t->nev - 1];
}

/* Signal events of sig for pid; with code >= 0 only those with that si_code. */
static size_t count_signals(struct tty_run *t, pid_t pid, const char *sig, int code)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nev; i++) {
		const char *s = pt_t_str(t->ev[i], "sig");
		if (pt_t_is(t->ev[i], "signal") && pt_t_pid(t->ev[i]) == pid && s && !strcmp(s, sig) &&
		    (code < 0 || pt_t_int(t->ev[i], "code", -1) == code))
			n++;
	}
	return n;
}

/* The program's own outcome, not an interruption of the trace. */
static void check_not_interrupted(struct tty_run *t, int status)
{
	json_object *end = end_of(t);
	cr_assert(t->code == status, "the tool should exit %d (the program's status), not %d; stderr: %s", status,
		  t->code, t->err_text ? t->err_text : "");
	cr_assert(pt_t_bool(end, "interrupted") == 0, "the trace must not be marked interrupted: %s", pt_t_json(end));
	cr_assert(pt_t_int(end, "status", -1) == status, "end.status: %s", pt_t_json(end));
	cr_assert(pt_t_status_exited(end, "root") == status, "end.root: %s", pt_t_json(end));
}

static void check_interrupted(struct tty_run *t, int sig, const char *signame)
{
	json_object *end = end_of(t);
	cr_assert(t->code == 128 + sig, "the tool should exit %d after %s, not %d; stderr: %s", 128 + sig, signame,
		  t->code, t->err_text ? t->err_text : "");
	cr_assert(pt_t_bool(end, "interrupted") == 1, "end.interrupted should be true: %s", pt_t_json(end));
	const char *s = pt_t_str(end, "signal");
	cr_assert(s && !strcmp(s, signame), "end.signal should be %s: %s", signame, pt_t_json(end));
}

#define SI_KERNEL_CODE 0x80

/* ^C (^\) on the terminal: the traced program's handler runs, the tool
 * exits with the program's status and the log shows the signal. */
static void tty_signal_is_the_programs(const char *const *tool_args, int which, const char *signame, int status)
{
	struct tty_run t = { .tool_leads = false };
	pid_t root = tty_start(&t, tool_args, "trap");
	type(&t, cc(&t, which));
	tty_finish(&t);
	char expect[64];
	snprintf(expect, sizeof expect, "trapped %s\n", signame);
	cr_assert(t.out_text && !strcmp(t.out_text, expect), "the program's handler should have printed '%s', got '%s'",
		  expect, t.out_text ? t.out_text : "(nothing)");
	check_not_interrupted(&t, status);
	cr_assert(count_signals(&t, root, signame, SI_KERNEL_CODE) == 1,
		  "the log should show one %s (si_code SI_KERNEL) delivered to the root %d", signame, (int)root);
	tty_free(&t);
}

Test(interrupt, tty_ctrl_c_is_the_programs)
{
	tty_signal_is_the_programs(NULL, VINTR, "SIGINT", 5);
}

Test(interrupt, tty_ctrl_c_is_the_programs_no_seccomp)
{
	tty_signal_is_the_programs(ARGS("--no-seccomp"), VINTR, "SIGINT", 5);
}

Test(interrupt, tty_quit_is_the_programs)
{
	tty_signal_is_the_programs(NULL, VQUIT, "SIGQUIT", 6);
}

/* The terminal hangs up (its master closed: a terminal window closed, an ssh
 * connection lost): SIGHUP for the foreground group, the program's too. */
Test(interrupt, tty_hangup_is_the_programs)
{
	struct tty_run t = { .tool_leads = false };
	pid_t root = tty_start(&t, NULL, "trap");
	close(t.master);
	t.master = -1;
	tty_finish(&t);
	cr_assert(t.out_text && !strcmp(t.out_text, "trapped SIGHUP\n"),
		  "the program's handler should have printed 'trapped SIGHUP', got '%s'",
		  t.out_text ? t.out_text : "(nothing)");
	check_not_interrupted(&t, 7);
	cr_assert(count_signals(&t, root, "SIGHUP", SI_KERNEL_CODE) == 1,
		  "the log should show one SIGHUP (si_code SI_KERNEL) delivered to the root %d", (int)root);
	tty_free(&t);
}

/* The tool is the session leader: a hangup signals it alone (the program,
 * in its group, gets SIGHUP only when the leader exits), so the trace is
 * interrupted rather than left waiting for a program that got nothing. */
Test(interrupt, tty_hangup_tool_session_leader_interrupts)
{
	struct tty_run t = { .tool_leads = true };
	tty_start(&t, NULL, "trap");
	close(t.master);
	t.master = -1;
	tty_finish(&t);
	check_interrupted(&t, SIGHUP, "SIGHUP");
	tty_free(&t);
}

/* A program that survives ^C: pressing it again and again never ends the
 * trace (strace -o FILE PROG alike); the program ends it. */
Test(interrupt, tty_ctrl_c_repeated_never_interrupts)
{
	struct tty_run t = { .tool_leads = false };
	pid_t root = tty_start(&t, NULL, "count");
	for (int i = 1; i <= 3; i++) {
		char want[8];
		type(&t, cc(&t, VINTR));
		snprintf(want, sizeof want, "int %d", i);
		wait_line(&t, t.rep, t.rbuf, sizeof t.rbuf, want);
	}
	type(&t, "go\n");
	tty_finish(&t);
	check_not_interrupted(&t, 0);
	cr_assert(count_signals(&t, root, "SIGINT", SI_KERNEL_CODE) == 3, "three SIGINT events expected for %d",
		  (int)root);
	tty_free(&t);
}

/* kill(1) of the tool alone (SI_USER): the program got nothing, the user
 * asked to stop the trace: interrupted as ever, the tree killed. */
static void kill_interrupts(int sig, const char *signame)
{
	struct tty_run t = { .tool_leads = false };
	tty_start(&t, NULL, "trap");
	cr_assert(kill(t.tool, sig) == 0);
	tty_finish(&t);
	check_interrupted(&t, sig, signame);
	cr_assert(!t.out_text || !strstr(t.out_text, "trapped"), "the program got no signal: '%s'", t.out_text);
	tty_free(&t);
}

Test(interrupt, kill_sigint_interrupts)
{
	kill_interrupts(SIGINT, "SIGINT");
}

/* SIGQUIT is caught like SIGINT: the log is finished, no core dump of the
 * tool, no tree left to EXITKILL. */
Test(interrupt, kill_sigquit_interrupts)
{
	kill_interrupts(SIGQUIT, "SIGQUIT");
}

/* The root moved to a process group of its own: the terminal's ^C reached
 * only the tool, which is then interrupted as by kill(1). */
Test(interrupt, tty_ctrl_c_root_in_other_pgrp_interrupts)
{
	struct tty_run t = { .tool_leads = false };
	pid_t root = tty_start(&t, NULL, "setpgid");
	type(&t, cc(&t, VINTR));
	tty_finish(&t);
	check_interrupted(&t, SIGINT, "SIGINT");
	cr_assert(count_signals(&t, root, "SIGINT", -1) == 0, "the root did not get the terminal's SIGINT");
	tty_free(&t);
}

/* ^Z stops the whole foreground group, the tool included (as under strace
 * -o FILE PROG); the shell sees the job stopped; `fg` (SIGCONT to the
 * group) continues everything and the trace ends normally. */
static void tty_ctrl_z(const char *const *tool_args)
{
	struct tty_run t = { .tool_leads = false };
	tty_start(&t, tool_args, "fork");
	type(&t, cc(&t, VSUSP));
	const char *st = wait_line(&t, t.ctl, t.cbuf, sizeof t.cbuf, "stopped ");
	cr_assert(atoi(st) == SIGTSTP, "the tool should stop with SIGTSTP, stopped by %s", st);
	cr_assert(write(t.fg, "f", 1) == 1);
	type(&t, "go\n");
	tty_finish(&t);
	cr_assert(t.out_text && !strcmp(t.out_text, "child exited 0\n"), "the program's output: '%s'",
		  t.out_text ? t.out_text : "(nothing)");
	check_not_interrupted(&t, 0);
	/* every task that the log shows stopped is shown continued after */
	for (size_t i = 0; i < t.nev; i++) {
		if (!pt_t_is(t.ev[i], "stopped"))
			continue;
		bool cont = false;
		for (size_t j = i + 1; j < t.nev && !cont; j++)
			cont = pt_t_is(t.ev[j], "continued") && pt_t_pid(t.ev[j]) == pt_t_pid(t.ev[i]);
		cr_assert(cont, "stopped without continued: %s", pt_t_json(t.ev[i]));
	}
	tty_free(&t);
}

Test(interrupt, tty_ctrl_z_then_fg)
{
	tty_ctrl_z(NULL);
}

Test(interrupt, tty_ctrl_z_then_fg_no_seccomp)
{
	tty_ctrl_z(ARGS("--no-seccomp"));
}
