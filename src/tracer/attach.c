/* Attaching to a running tree (-p PID): every thread of each PID and,
 * unless --no-descendants, of every live descendant is seized with
 * PTRACE_SEIZE, re-reading /proc until no new task appears (tasks are
 * created while we attach: those made by a task we hold already are
 * auto-attached and announced by its fork event, like any other).  Then
 * each process's `attach` event, parents first, before any live event (the
 * loop has not waited yet, so every stop is still queued).
 *
 * No seccomp filter: it could not be removed at the detach, and a process
 * keeping it would get ENOSYS from every trapped call.  So the tasks step
 * through syscalls with PTRACE_SYSCALL (each is interrupted once to enter
 * that mode), or, with --events-only, stop at events only. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emit.h"
#include "pt/procfs.h"
#include "pt/util.h"
#include "tracer_int.h"

/* Bound of one /proc listing (threads of a process, children of a thread). */
#define PT_ATTACH_LIST_MAX 65536

struct aproc {
	pid_t tgid;
	bool skip;                  /* not seized: gone, or not ours to seize */
	struct pt_proc_stat st;     /* read before seizing it: a stopped process turns 't' once seized */
};

struct pt_attach_walk {
	struct pt_tracer *T;
	struct aproc *v;            /* every process found, parents before children */
	size_t n, cap;
	pid_t *buf, *kids;          /* scratch for listings */
	pid_t *seized;              /* every tid seized, for the undo of a failure */
	size_t nseized, capseized;
	char *err;
	size_t errlen;
};

static int push_seized(struct pt_attach_walk *w, pid_t tid)
{
	if (w->nseized == w->capseized) {
		size_t ncap = w->capseized ? w->capseized * 2 : 64;
		pid_t *nv = realloc(w->seized, ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		w->seized = nv;
		w->capseized = ncap;
	}
	w->seized[w->nseized++] = tid;
	return 0;
}

static int push_proc(struct pt_attach_walk *w, const struct aproc *a)
{
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 16;
		struct aproc *nv = realloc(w->v, ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		w->v = nv;
		w->cap = ncap;
	}
	w->v[w->n++] = *a;
	return 0;
}

static bool queued(const struct pt_attach_walk *w, pid_t tgid)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].tgid == tgid)
			return true;
	return false;
}

/* /proc/sys/kernel/yama/ptrace_scope, -1 without Yama. */
static int read_yama(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int v = -1;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* One line saying why pid could not be seized: errno e, the Yama
 * ptrace_scope (-1 without Yama) and the TracerPid of its status (-1 when
 * unreadable).  Pure, so each cause is tested without changing the sysctl
 * (it is global, and 3 cannot be undone until a reboot).  An EPERM is
 * blamed on another tracer first (that holds whatever Yama says), then on
 * Yama when it restricts anything, else on the usual cause. */
void pt_attach_why(char *buf, size_t len, pid_t pid, int e, int yama_scope, pid_t tracer_pid)
{
	static const char *const yama_why[] = {
		[1] = "only a process's ancestors may attach to it; 0 allows your own processes, or run as root",
		[2] = "only a process with CAP_SYS_PTRACE may attach: run as root",
		[3] = "attaching is disabled until the next reboot",
	};
	if (e == ESRCH)
		snprintf(buf, len, "cannot attach to %d: no such process", (int)pid);
	else if (e == EPERM && tracer_pid > 0)
		snprintf(buf, len, "cannot attach to %d: permission denied: it is already traced by process %d",
			 (int)pid, (int)tracer_pid);
	else if (e == EPERM && yama_scope > 0)
		snprintf(buf, len, "cannot attach to %d: permission denied by Yama: sysctl kernel.yama.ptrace_scope is %d (%s)",
			 (int)pid, yama_scope, yama_scope <= 3 ? yama_why[yama_scope] : "an unknown restriction");
	else if (e == EPERM)
		snprintf(buf, len, "cannot attach to %d: permission denied (another user's process, or a setuid one?)",
			 (int)pid);
	else
		snprintf(buf, len, "cannot attach to %d: %s", (int)pid, strerror(e));
}

static void explain_failure(struct pt_attach_walk *w, pid_t pid, int e)
{
	struct pt_proc_status ps;
	pid_t tracer = -1;
	if (e == EPERM && pt_procfs_read_status(pid, &ps) == 0)
		tracer = ps.tracer_pid;
	pt_attach_why(w->err, w->errlen, pid, e, e == EPERM ? read_yama() : -1, tracer);
}

/* Seizes tid of process p: 0; 1 when it is not ours to seize (gone, or
 * auto-attached already through a fork we follow); -errno. */
static int seize_task(struct pt_attach_walk *w, struct pt_proc *p, pid_t tid, bool threaded, bool stopped)
{
	struct pt_tracer *T = w->T;
	struct pt_proc_status ps;
	/* a threaded process tells exit from exit_group (see spawn.c) */
	unsigned long opts = T->popts | (threaded ? PTRACE_O_TRACEEXIT : 0);
	if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)opts) < 0) {
		int e = errno;
		if (e == ESRCH)
			return 1;
		if (e == EPERM && pt_procfs_read_status(tid, &ps) == 0 && ps.tracer_pid == T->self)
			return 1;
		return -e;
	}
	struct pt_task *t = pt_task_add(&T->tasks, tid);
	if (!t || push_seized(w, tid) < 0)
		return -ENOMEM;
	pt_task_attach(t, p);
	/* A group-stopped one stays stopped: the seize turned its stop into a
	 * trap, which the loop answers with PTRACE_LISTEN, without a
	 * `stopped` event (the attach event says so). */
	t->flags = PT_T_STARTED | PT_T_ANNOUNCED | PT_T_ATTACHED | (stopped ? PT_T_STOPPED : 0);
	if (threaded)
		p->exit_events = true;
	/* Into syscall-stepping mode: the loop restarts its PTRACE_EVENT_STOP
	 * with PTRACE_SYSCALL.  A syscall it is blocked in is restarted (as
	 * for any stop), unseen by the program. */
	if (!T->opt->events_only && !stopped)
		ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
	return 0;
}

/* Every thread of w->v[ai], until a listing shows none we do not hold.
 * 0; 1 when the process is not ours to seize; -errno (a -p PID's failure:
 * the message is in w->err). */
static int seize_process(struct pt_attach_walk *w, size_t ai, bool fatal)
{
	struct pt_tracer *T = w->T;
	struct aproc *a = &w->v[ai];
	pid_t tgid = a->tgid;
	bool stopped = a->st.state == 'T';
	struct pt_proc *p = pt_proc_add(&T->tasks, tgid, a->st.ppid);
	if (!p)
		return -ENOMEM;
	for (bool first = true;; first = false) {
		size_t n = 0, added = 0;
		int rc = pt_procfs_read_tasks(tgid, w->buf, PT_ATTACH_LIST_MAX, &n);
		if (rc < 0 && rc != -E2BIG)
			return first ? 1 : 0;
		/* the leader first: its failure is the process's */
		for (size_t i = 1; i < n; i++)
			if (w->buf[i] == tgid) {
				w->buf[i] = w->buf[0];
				w->buf[0] = tgid;
			}
		for (size_t i = 0; i < n; i++) {
			pid_t tid = w->buf[i];
			if (pt_task_find(&T->tasks, tid))
				continue;
			rc = seize_task(w, p, tid, n > 1 || p->exit_events, stopped);
			if (rc == -ENOMEM)
				return rc;
			if (rc < 0 && fatal) {
				explain_failure(w, tid, -rc);
				return rc;
			}
			if (first && i == 0 && rc != 0)
				return rc < 0 ? rc : 1;
			if (rc < 0)
				fprintf(stderr, "ptrace-tour: cannot attach to thread %d of %d: %s; not traced\n", (int)tid,
					(int)tgid, strerror(-rc));
			added += rc == 0;
		}
		if (!added)
			return 0;
	}
}

/* The live children of every thread of w->v[ai], queued, until a listing
 * shows none we do not know. */
static int queue_children(struct pt_attach_walk *w, size_t ai)
{
	pid_t tgid = w->v[ai].tgid;
	for (;;) {
		size_t ntid = 0, added = 0;
		if (pt_procfs_read_tasks(tgid, w->buf, PT_ATTACH_LIST_MAX, &ntid) < 0 && !ntid)
			return 0;
		for (size_t i = 0; i < ntid; i++) {
			size_t nk = 0;
			(void)pt_procfs_read_children(tgid, w->buf[i], w->kids, PT_ATTACH_LIST_MAX, &nk);
			for (size_t k = 0; k < nk; k++) {
				struct aproc a = {.tgid = w->kids[k]};
				if (queued(w, a.tgid) || pt_proc_find(&w->T->tasks, a.tgid))
					continue;
				/* gone meanwhile, or a zombie: nothing to attach to */
				if (pt_procfs_read_stat(a.tgid, &a.st) < 0 || a.st.state == 'Z' || a.st.state == 'X')
					continue;
				if (push_proc(w, &a) < 0)
					return -ENOMEM;
				added++;
			}
		}
		if (!added)
			return 0;
	}
}

/* Children of tgid that are zombies now (its attach event's `zombies`). */
static unsigned count_zombies(struct pt_attach_walk *w, pid_t tgid)
{
	unsigned z = 0;
	size_t ntid = 0;
	struct pt_proc_stat st;
	(void)pt_procfs_read_tasks(tgid, w->buf, PT_ATTACH_LIST_MAX, &ntid);
	for (size_t i = 0; i < ntid; i++) {
		size_t nk = 0;
		(void)pt_procfs_read_children(tgid, w->buf[i], w->kids, PT_ATTACH_LIST_MAX, &nk);
		for (size_t k = 0; k < nk; k++)
			z += pt_procfs_read_stat(w->kids[k], &st) == 0 && st.state == 'Z';
	}
	return z;
}

/* A failure after some tasks were seized: let every one go, and the
 * children they made meanwhile (auto-attached, known by their stops and by
 * their parents' fork events only). */
static void undo(struct pt_attach_walk *w)
{
	struct pt_tracer *T = w->T;
	size_t left = 0, extra = 0;
	for (size_t i = 0; i < w->nseized; i++) {
		/* gone: only its death report is left to collect */
		if (ptrace(PTRACE_INTERRUPT, w->seized[i], NULL, NULL) == 0 || errno != ESRCH)
			left++;
		else
			w->seized[i] = 0;
	}
	while (left || extra) {
		int st;
		pid_t pid = waitpid(-1, &st, __WALL);
		if (pid < 0)
			break;
		bool known = false;
		for (size_t i = 0; i < w->nseized; i++)
			if (w->seized[i] == pid) {
				known = true;
				if (!WIFSTOPPED(st) || ptrace(PTRACE_DETACH, pid, NULL, NULL) == 0 || errno == ESRCH)
					w->seized[i] = 0;
			}
		if (WIFSTOPPED(st)) {
			int ev = st >> 16;
			unsigned long msg = 0;
			if ((ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK || ev == PTRACE_EVENT_CLONE) &&
			    ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) == 0 && msg)
				extra++;
			if (!known) {
				/* a child seen before or after its parent's event */
				ptrace(PTRACE_DETACH, pid, NULL, NULL);
				if (extra)
					extra--;
				continue;
			}
			if (ev || WSTOPSIG(st) == (SIGTRAP | 0x80))
				ptrace(PTRACE_DETACH, pid, NULL, NULL);
			else    /* a signal for it: pass it on */
				ptrace(PTRACE_DETACH, pid, NULL, (void *)(long)WSTOPSIG(st));
		}
		if (known)
			left--;
	}
	pt_tasks_free(&T->tasks);
	(void)pt_tasks_init(&T->tasks);
}

/* Whether pid is us or one of our ancestors: we would stop the process
 * waiting for us. */
static bool self_or_ancestor(pid_t pid)
{
	pid_t p = getpid();
	for (int depth = 0; p > 0 && depth < 4096; depth++) {
		struct pt_proc_stat st;
		if (p == pid)
			return true;
		if (pt_procfs_read_stat(p, &st) < 0)
			break;
		p = st.ppid;
	}
	return false;
}

static void walk_free(struct pt_attach_walk *w)
{
	if (!w)
		return;
	free(w->v);
	free(w->buf);
	free(w->kids);
	free(w->seized);
	free(w);
}

int pt_attach_seize(struct pt_tracer *T, struct pt_attach_walk **out, char *err, size_t errlen)
{
	const struct pt_options *o = T->opt;
	struct pt_attach_walk *w = calloc(1, sizeof(*w));
	int rc = -ENOMEM;
	*out = NULL;
	if (!w || !(w->buf = malloc(PT_ATTACH_LIST_MAX * sizeof(*w->buf))) ||
	    !(w->kids = malloc(PT_ATTACH_LIST_MAX * sizeof(*w->kids)))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	w->T = T;
	w->err = err;
	w->errlen = errlen;
	/* What can be checked before anything is seized. */
	for (size_t i = 0; i < o->nattach; i++) {
		struct aproc a = {.tgid = o->attach[i]};
		rc = -EINVAL;
		if (self_or_ancestor(a.tgid)) {
			snprintf(err, errlen, "cannot attach to %d: it is ptrace-tour itself or its ancestor", (int)a.tgid);
			goto fail;
		}
		if (pt_procfs_read_stat(a.tgid, &a.st) < 0) {
			snprintf(err, errlen, "cannot attach to %d: no such process", (int)a.tgid);
			rc = -ESRCH;
			goto fail;
		}
		/* /proc/TID exists for a thread too, with its own pid in stat */
		if (a.st.state == 'Z' || a.st.state == 'X') {
			snprintf(err, errlen, "cannot attach to %d: it is a zombie (it has exited)", (int)a.tgid);
			goto fail;
		}
		struct pt_proc_status ps;
		if (pt_procfs_read_status(a.tgid, &ps) == 0 && ps.tgid != a.tgid) {
			snprintf(err, errlen, "cannot attach to %d: it is a thread of process %d (give that one)",
				 (int)a.tgid, (int)ps.tgid);
			goto fail;
		}
		if (queued(w, a.tgid))
			continue;
		if ((rc = push_proc(w, &a)) < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	size_t nroots = w->n;
	for (size_t i = 0; i < w->n; i++) {
		bool root = i < nroots;
		/* a -p PID that a walk reached first is seized already */
		if (pt_proc_find(&T->tasks, w->v[i].tgid)) {
			w->v[i].skip = true;
			continue;
		}
		/* a descendant: read as late as possible, it may have stopped or exec'd */
		if (!root && pt_procfs_read_stat(w->v[i].tgid, &w->v[i].st) < 0) {
			w->v[i].skip = true;
			continue;
		}
		rc = seize_process(w, i, root);
		if (rc == -ENOMEM) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if (rc < 0 && root)
			goto fail;
		if (rc < 0)
			fprintf(stderr, "ptrace-tour: cannot attach to %d (a child of %d): %s; not traced\n",
				(int)w->v[i].tgid, (int)w->v[i].st.ppid, strerror(-rc));
		if (rc != 0) {      /* not ours: skipped, and so are its descendants */
			struct pt_proc *p = pt_proc_find(&T->tasks, w->v[i].tgid);
			if (p && !p->ntasks)
				pt_proc_remove(&T->tasks, p);
			w->v[i].skip = true;
			if (root) {
				snprintf(err, errlen, "cannot attach to %d: no such process", (int)w->v[i].tgid);
				rc = -ESRCH;
				goto fail;
			}
			continue;
		}
		if (!o->no_descendants && (rc = queue_children(w, i)) < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	*out = w;
	return 0;
fail:
	if (w && w->nseized)
		undo(w);
	walk_free(w);
	return rc < 0 ? rc : -EINVAL;
}

static void emit_one(struct pt_tracer *T, struct pt_attach_walk *w, const struct aproc *a)
{
	struct pt_event ev = {.kind = PT_EV_ATTACH};
	struct pt_ev_attach *x = &ev.u.attach;
	struct pt_env cmd;
	size_t ntid = 0;
	struct timespec bt;
	long hz = sysconf(_SC_CLK_TCK);
	x->ppid = a->st.ppid;
	x->state = pt_procfs_state_name(a->st.state);
	x->start_ticks = a->st.starttime;
	/* stat's start time counts from boot, like CLOCK_BOOTTIME */
	if (hz > 0 && clock_gettime(CLOCK_BOOTTIME, &bt) == 0) {
		uint64_t now = (uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec;
		uint64_t started = a->st.starttime * (1000000000ull / (uint64_t)hz);
		x->age_ns = now > started ? now - started : 0;
	}
	x->zombies = count_zombies(w, a->tgid);
	if (pt_procfs_read_cmdline(a->tgid, &T->arena, &cmd) == 0) {
		x->argv = cmd.v;
		x->argc = cmd.n;
		x->argv_truncated = cmd.truncated;
	}
	(void)pt_procfs_readlink(a->tgid, "exe", &T->arena, &x->exe);
	(void)pt_procfs_readlink(a->tgid, "cwd", &T->arena, &x->cwd);
	/* the threads we seized (one made since is told by its spawn) */
	(void)pt_procfs_read_tasks(a->tgid, w->buf, PT_ATTACH_LIST_MAX, &ntid);
	pid_t *th = pt_arena_alloc(&T->arena, (ntid + 1) * sizeof(*th));
	for (size_t i = 0; th && i < ntid; i++) {
		struct pt_task *t = pt_task_find(&T->tasks, w->buf[i]);
		if (w->buf[i] != a->tgid && t && (t->flags & PT_T_ATTACHED))
			th[x->nthreads++] = w->buf[i];
	}
	x->threads = th;
	pt_tracer_emit(T, &ev, a->tgid, a->tgid);
}

void pt_attach_emit(struct pt_tracer *T, struct pt_attach_walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (!w->v[i].skip)
			emit_one(T, w, &w->v[i]);
	walk_free(w);
}
