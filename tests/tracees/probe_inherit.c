/* probe_inherit OUT [REF]: writes to OUT ("-": stdout) one "key: value" line
 * for everything a process inherits from whoever started it: signal
 * dispositions (1..64) and mask, pending signals, open fds with their
 * targets and flags, rlimits, umask, environment, cwd/root, process group,
 * session, controlling terminal, nice, scheduling, affinity, capabilities,
 * no_new_privs, seccomp, personality, interval timers, prctl state, ids,
 * namespaces, cgroup, ...
 *
 * test_fidelity runs it untraced and traced from the same parent state and
 * compares the two outputs line by line: a traced program must not notice
 * the tracer.  Values that name this very process (pid, ppid) are left out;
 * pgid, sid and the terminal's foreground group are printed as "ref" when
 * they equal REF (the launcher's pid), so the untraced and traced runs print
 * the same thing.
 *
 * Everything is gathered before OUT is opened, so OUT is not among the fds. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static char out[1 << 20];
static size_t outlen;
static long ref = -1;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void put(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out + outlen, sizeof out - outlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		outlen += (size_t)n < sizeof out - outlen ? (size_t)n : sizeof out - outlen - 1;
}

/* A pid-like value: "ref" when it is the launcher's pid. */
static void put_pid(const char *key, long v)
{
	if (v == ref)
		put("%s: ref\n", key);
	else if (v == getpid())
		put("%s: self\n", key);
	else
		put("%s: %ld\n", key, v);
}

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t r;
	while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return (ssize_t)n;
}

static void put_link(const char *key, const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof buf - 1);
	if (n < 0)
		put("%s: error %s\n", key, strerror(errno));
	else
		put("%s: %.*s\n", key, (int)n, buf);
}

/* Each line of a file, prefixed with key. */
static void put_file_lines(const char *key, const char *path)
{
	static char buf[65536];
	if (read_file(path, buf, sizeof buf) < 0) {
		put("%s: error %s\n", key, strerror(errno));
		return;
	}
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		put("%s: %s\n", key, l);
}

struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static void signals(void)
{
	/* Raw syscalls: glibc refuses signals 32 and 33. */
	for (int sig = 1; sig <= 64; sig++) {
		struct k_sigaction ka;
		if (syscall(SYS_rt_sigaction, sig, NULL, &ka, 8) < 0) {
			put("sig %d: error %s\n", sig, strerror(errno));
			continue;
		}
		const char *d = ka.handler == SIG_DFL ? "DFL" : ka.handler == SIG_IGN ? "IGN" : "handler";
		put("sig %d: %s flags %#lx mask %#llx\n", sig, d, ka.flags, (unsigned long long)ka.mask);
	}
	uint64_t mask;
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8) == 0)
		put("sigmask: %#llx\n", (unsigned long long)mask);
	stack_t ss;
	if (sigaltstack(NULL, &ss) == 0)
		put("sigaltstack: flags %#x size %zu\n", (unsigned)ss.ss_flags, ss.ss_size);
}

/* The inherited lines of /proc/self/status (not the ones naming this
 * process or counting its memory). */
static void status(void)
{
	static const char *const keys[] = {
		"State", "Umask", "Uid", "Gid", "Groups", "Kthread", "TracerPid", "SigPnd", "ShdPnd",
		"SigBlk", "SigIgn", "SigCgt", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
		"NoNewPrivs", "Seccomp", "Seccomp_filters", "Speculation_Store_Bypass",
		"SpeculationIndirectBranch", "Cpus_allowed", "Cpus_allowed_list", "Mems_allowed",
		"Mems_allowed_list", "THP_enabled", "untag_mask", "x86_Thread_features",
		"x86_Thread_features_locked", "CoreDumping",
	};
	static char buf[16384];
	if (read_file("/proc/self/status", buf, sizeof buf) < 0) {
		put("status: error %s\n", strerror(errno));
		return;
	}
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(l, ':');
		if (!colon)
			continue;
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			if (strlen(keys[i]) == (size_t)(colon - l) && !strncmp(l, keys[i], (size_t)(colon - l))) {
				char *v = colon + 1;
				while (*v == ' ' || *v == '\t')
					v++;
				put("status %s: %s\n", keys[i], v);
			}
	}
}

static void fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		put("fds: error %s\n", strerror(errno));
		return;
	}
	int self = dirfd(d);
	int list[1024];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < sizeof list / sizeof *list) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd != self)
			list[n++] = fd;
	}
	closedir(d);
	/* in fd order: readdir order is not specified */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && list[j - 1] > list[j]; j--) {
			int t = list[j];
			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		char path[64], target[4096], info[4096];
		snprintf(path, sizeof path, "/proc/self/fd/%d", list[i]);
		ssize_t t = readlink(path, target, sizeof target - 1);
		target[t < 0 ? 0 : t] = 0;
		snprintf(path, sizeof path, "/proc/self/fdinfo/%d", list[i]);
		const char *flags = "?";
		if (read_file(path, info, sizeof info) >= 0) {
			char *f = strstr(info, "flags:");
			if (f) {
				f += 6;
				while (*f == '\t' || *f == ' ')
					f++;
				f[strcspn(f, "\n")] = 0;
				flags = f;
			}
		}
		put("fd %d: %s flags %s fd_flags %d\n", list[i], target, flags, fcntl(list[i], F_GETFD));
	}
}

static void limits(void)
{
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit rl;
		if (getrlimit((__rlimit_resource_t)r, &rl) < 0)
			put("rlimit %d: error %s\n", r, strerror(errno));
		else
			put("rlimit %d: %llu %llu\n", r, (unsigned long long)rl.rlim_cur,
			    (unsigned long long)rl.rlim_max);
	}
}

static void ids_and_session(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	put("uids: %u %u %u\ngids: %u %u %u\n", ru, eu, su, rg, eg, sg);
	gid_t groups[256];
	int ng = getgroups(256, groups);
	put("groups:");
	for (int i = 0; i < ng; i++)
		put(" %u", groups[i]);
	put("\n");
	put_pid("pgid", getpgrp());
	put_pid("sid", getsid(0));
	/* The controlling terminal and its foreground group, from stat (the
	 * fields after the last ')': state ppid pgrp session tty_nr tpgid). */
	char buf[4096];
	if (read_file("/proc/self/stat", buf, sizeof buf) > 0) {
		char *p = strrchr(buf, ')');
		char state;
		int ppid, pgrp, sess, tty_nr, tpgid;
		if (p && sscanf(p + 1, " %c %d %d %d %d %d", &state, &ppid, &pgrp, &sess, &tty_nr, &tpgid) == 6) {
			put("stat tty_nr: %d\n", tty_nr);
			put_pid("stat tpgid", tpgid);
		}
		/* exit_signal is field 38: the 36th after the ')' */
		unsigned long long v = 0;
		char *q = p ? p + 2 : NULL;
		for (int i = 3; q && i < 38; i++)
			q = strchr(q, ' ') ? strchr(q, ' ') + 1 : NULL;
		if (q && sscanf(q, "%llu", &v) == 1)
			put("stat exit_signal: %llu\n", v);
	}
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0) {
		put("tty: none (%s)\n", strerror(errno));
	} else {
		char name[256];
		put("tty: %s\n", ttyname_r(tty, name, sizeof name) == 0 ? name : "?");
		put_pid("tty fg pgrp", tcgetpgrp(tty));
		put_pid("tty sid", tcgetsid(tty));
		close(tty);
	}
	put_link("cwd", "/proc/self/cwd");
	put_link("root", "/proc/self/root");
	put_link("exe", "/proc/self/exe");
}

static void sched_and_more(void)
{
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	put("nice: %d%s\n", nice, errno ? " (error)" : "");
	struct sched_param sp = {0};
	sched_getparam(0, &sp);
	put("sched: policy %d priority %d\n", sched_getscheduler(0), sp.sched_priority);
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set) == 0) {
		put("affinity:");
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				put(" %d", c);
		put("\n");
	}
	put("ioprio: %ld\n", syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0));
	put_file_lines("oom_score_adj", "/proc/self/oom_score_adj");
	put_file_lines("loginuid", "/proc/self/loginuid");
	put_file_lines("sessionid", "/proc/self/sessionid");
	put_file_lines("cgroup", "/proc/self/cgroup");
	put_file_lines("attr current", "/proc/self/attr/current");
	mode_t m = umask(0);
	umask(m);
	put("umask: %04o\n", (unsigned)m);
	put("personality: %#x\n", (unsigned)personality(0xffffffff));
	put("AT_SECURE: %lu\n", getauxval(AT_SECURE));
	static const struct {
		const char *name;
		int which;
	} timers[] = {{"ITIMER_REAL", ITIMER_REAL}, {"ITIMER_VIRTUAL", ITIMER_VIRTUAL}, {"ITIMER_PROF", ITIMER_PROF}};
	for (size_t i = 0; i < sizeof timers / sizeof *timers; i++) {
		struct itimerval it;
		getitimer(timers[i].which, &it);
		put("itimer %s: interval %ld.%06ld armed %d\n", timers[i].name, (long)it.it_interval.tv_sec,
		    (long)it.it_interval.tv_usec, it.it_value.tv_sec || it.it_value.tv_usec);
	}
	static const char *const ns[] = {"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
					 "time", "time_for_children", "user", "uts"};
	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
		char path[64], key[64];
		snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i]);
		snprintf(key, sizeof key, "ns %s", ns[i]);
		put_link(key, path);
	}
}

static void prctls(void)
{
	static const struct {
		const char *name;
		int op;
		unsigned long arg;
		bool ptr;       /* the value comes back through an int pointer */
	} q[] = {
		{"PR_GET_DUMPABLE", PR_GET_DUMPABLE, 0, false},
		{"PR_GET_PDEATHSIG", PR_GET_PDEATHSIG, 0, true},
		{"PR_GET_CHILD_SUBREAPER", PR_GET_CHILD_SUBREAPER, 0, true},
		{"PR_GET_KEEPCAPS", PR_GET_KEEPCAPS, 0, false},
		{"PR_GET_SECUREBITS", PR_GET_SECUREBITS, 0, false},
		{"PR_GET_NO_NEW_PRIVS", PR_GET_NO_NEW_PRIVS, 0, false},
		{"PR_GET_THP_DISABLE", PR_GET_THP_DISABLE, 0, false},
		{"PR_GET_TIMERSLACK", PR_GET_TIMERSLACK, 0, false},
		{"PR_GET_TSC", PR_GET_TSC, 0, true},
		{"PR_MCE_KILL_GET", PR_MCE_KILL_GET, 0, false},
		{"PR_GET_SPECULATION_CTRL SSB", PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, false},
		{"PR_GET_SPECULATION_CTRL IB", PR_GET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH, false},
		{"PR_GET_IO_FLUSHER", PR_GET_IO_FLUSHER, 0, false},
	};
	for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
		int v = 0;
		long r = q[i].ptr ? prctl(q[i].op, &v, 0, 0, 0) : prctl(q[i].op, q[i].arg, 0, 0, 0);
		if (r < 0)
			put("prctl %s: error %s\n", q[i].name, strerror(errno));
		else
			put("prctl %s: %ld\n", q[i].name, q[i].ptr ? (long)v : r);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe_inherit OUT [REF]\n");
		return 2;
	}
	if (argc > 2)
		ref = atol(argv[2]);
	/* fds first: nothing of ours is open yet */
	fds();
	signals();
	status();
	limits();
	ids_and_session();
	sched_and_more();
	prctls();
	for (int i = 0; i < argc; i++)
		put("argv %d: %s\n", i, i == 2 ? "REF" : argv[i]);
	for (char **e = environ; *e; e++)
		put("env: %s\n", *e);
	int fd = strcmp(argv[1], "-") ? open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (size_t off = 0; off < outlen;) {
		ssize_t w = write(fd, out + off, outlen - off);
		if (w <= 0) {
			perror("write");
			return 1;
		}
		off += (size_t)w;
	}
	return 0;
}
