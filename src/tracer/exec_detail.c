/* The exec anatomy: what the memory looked like before and after, how the
 * new map follows from the ELF file, what the new program inherited. */
#include "exec_detail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pt/elfinfo.h"
#include "pt/envdiff.h"
#include "pt/execstack.h"
#include "pt/procfs.h"
#include "pt/tracee_mem.h"

#define PT_SCRIPT_LINE_MAX 256
#define PT_SCRIPT_PATH_MAX 4096   /* the longest path exec.c reads */

void pt_exec_detail_on_entry(struct pt_tracer *T, struct pt_task *t)
{
	struct pt_exec_pending *x = t->exec;
	(void)T;
	if (!x)
		return;
	/* The old image is still there: after the exec nothing of it remains. */
	if (pt_procfs_read_maps(t->tid, &x->arena, &x->maps_before) < 0)
		x->maps_before = (struct pt_maps){0};
	/* The env diff compares the environment this image was started with
	 * (what /proc/PID/environ shows) with the new image's.  The first is
	 * known from this image's own exec, or from the image it was forked
	 * from; /proc only when neither was seen (the root's first exec, a
	 * process running before -p). */
	x->old_env_read = false;
	if ((!t->proc || !t->proc->env) && pt_procfs_read_environ(t->tid, &x->arena, &x->old_env) == 0)
		x->old_env_read = true;
}

/* For "#!" files the kernel ran the interpreter named on the first line:
 * read that line from the file the kernel opened, found the way it found
 * it: a relative path from the caller's cwd, or from execveat's dirfd; an
 * empty path with AT_EMPTY_PATH (fexecve) is the dirfd itself.  Read at the
 * exec event, where those fds are still open: the kernel refuses to run a
 * script through a close-on-exec one (its interpreter could not open it).
 * One open of a /proc path through the magic link, not two. */
static const char *script_line(pid_t pid, const struct pt_exec_pending *x, struct pt_arena *a)
{
	char buf[PT_SCRIPT_LINE_MAX];
	char where[64 + PT_SCRIPT_PATH_MAX];
	const char *path = x->path, *open_path = where;
	int fd = -1, n = 0;
	const char *line = NULL;
	if (!path)
		return NULL;
	if (!*path && (x->at_flags & AT_EMPTY_PATH) && x->dirfd >= 0)
		n = snprintf(where, sizeof(where), "/proc/%d/fd/%d", (int)pid, x->dirfd);
	else if (!*path)
		return NULL;
	else if (path[0] == '/')
		open_path = path;
	else if (x->dirfd == AT_FDCWD)
		n = snprintf(where, sizeof(where), "/proc/%d/cwd/%s", (int)pid, path);
	else if (x->dirfd >= 0)
		n = snprintf(where, sizeof(where), "/proc/%d/fd/%d/%s", (int)pid, x->dirfd, path);
	else
		return NULL;
	if (n < 0 || (size_t)n >= sizeof(where))
		return NULL;
	fd = open(open_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		goto out;
	ssize_t got = read(fd, buf, sizeof(buf));
	if (got < 2 || buf[0] != '#' || buf[1] != '!')
		goto out;
	const char *nl = memchr(buf, '\n', (size_t)got);
	line = pt_arena_strndup(a, buf, nl ? (size_t)(nl - buf) : (size_t)got);
out:
	if (fd >= 0)
		close(fd);
	return line;
}

/* The new image's initial stack block, from the stack pointer to the top
 * of its mapping (at most PT_XS_BLOCK_MAX bytes): one ptrace request and
 * one process_vm_readv instead of three /proc files.  0 or -errno (the
 * caller then reads /proc). */
#define PT_XS_BLOCK_MAX (PT_PROCFS_ENV_MAX_BYTES + 512 * 1024)

static int read_exec_stack(pid_t tid, const struct pt_maps *maps, struct pt_arena *a, struct pt_exec_stack *xs)
{
	struct __ptrace_syscall_info si;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(si), &si) < 0)
		return -errno;
	uint64_t sp = si.stack_pointer, end = 0;
	for (size_t i = 0; i < maps->n; i++)
		if (maps->v[i].start <= sp && sp < maps->v[i].end) {
			end = maps->v[i].end;
			break;
		}
	if (!end)
		return -ENOENT;
	size_t len = end - sp > PT_XS_BLOCK_MAX ? PT_XS_BLOCK_MAX : (size_t)(end - sp);
	void *buf = pt_arena_alloc(a, len);
	if (!buf)
		return -ENOMEM;
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)sp, len};
	ssize_t got = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (got <= 0)
		return got < 0 ? -errno : -EFAULT;
	return pt_exec_stack_parse(buf, (size_t)got, sp, 8, PT_PROCFS_ENV_MAX_ENTRIES, PT_PROCFS_ENV_MAX_BYTES, a,
				   xs);
}

/* argv as the caller passed it and as the kernel put it on the new stack:
 * equal unless the kernel rewrote it (a "#!" script, binfmt_misc), which
 * always adds an entry. */
static bool same_argv(const struct pt_exec_pending *x, const struct pt_xs_vec *v)
{
	if (!x->argv || x->argv_truncated || v->status != PT_XS_OK || v->truncated || v->n != x->argc)
		return false;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(x->argv[i], v->v[i]))
			return false;
	return true;
}

const struct pt_exec_detail *pt_exec_detail_on_event(struct pt_tracer *T, struct pt_task *t,
						     const struct pt_xs_vec **argv)
{
	struct pt_arena *a = &T->arena;
	struct pt_exec_detail *d = pt_arena_alloc(a, sizeof(*d));
	struct pt_exec_pending *x = t->exec;
	char exe_link[32];
	struct pt_auxv auxv;
	struct pt_exec_stack *xs = pt_arena_alloc(a, sizeof(*xs));
	*argv = NULL;
	if (!d || !xs)
		return NULL;
	/* the test exec.c makes: an entry stop leaves a path or an argv */
	if (x && (x->path || x->argv || x->argv_truncated))
		d->maps_before = x->maps_before;
	else
		d->maps_before_unseen = true;
	if (pt_procfs_readlink(t->tid, "exe", a, &d->exe) < 0)
		d->exe = NULL;
	if (pt_procfs_readlink(t->tid, "cwd", a, &d->cwd) < 0)
		d->cwd = NULL;
	if (pt_procfs_read_maps(t->tid, a, &d->maps_after) < 0)
		d->maps_after = (struct pt_maps){0};
	/* /proc/PID/exe opens the very file that was mapped, even if the path
	 * was replaced or deleted since. */
	snprintf(exe_link, sizeof(exe_link), "/proc/%d/exe", (int)t->tid);
	pt_elf_cache_get(T->elf_cache, exe_link, a, &d->elf);
	/* The stack block of a 64-bit image; a 32-bit one (pointers of 4
	 * bytes, an ABI this is not tested on) reads /proc as before. */
	if (d->elf.error || d->elf.elf_class != 64 || read_exec_stack(t->tid, &d->maps_after, a, xs) < 0) {
		memset(xs, 0, sizeof(*xs));
		xs->argv.status = xs->env.status = xs->auxv_status = PT_XS_OUTSIDE;
	}
	if (xs->argv.status == PT_XS_OK)
		*argv = &xs->argv;
	if (x && !same_argv(x, &xs->argv))
		d->interp_script = script_line(t->tid, x, a);
	/* The kernel rewrote argv for a script ([interpreter, optional arg,
	 * script path, args...]): the new stack (or /proc/PID/cmdline) holds
	 * exactly that. */
	struct pt_env cmdline;
	if (d->interp_script && xs->argv.status == PT_XS_OK) {
		d->script_argv = xs->argv.v;
		d->script_argc = xs->argv.n;
	} else if (d->interp_script && pt_procfs_read_cmdline(t->tid, a, &cmdline) == 0) {
		d->script_argv = cmdline.v;
		d->script_argc = cmdline.n;
	}
	/* auxv pairs have the tracee's word size. */
	bool auxv_ok = false;
	if (!d->elf.error && xs->auxv_status == PT_XS_OK) {
		auxv = xs->auxv;
		auxv_ok = true;
	} else if (!d->elf.error) {
		auxv_ok = (d->elf.elf_class == 64 ? pt_procfs_read_auxv(t->tid, &auxv)
						  : pt_procfs_read_auxv32(t->tid, &auxv)) == 0;
	}
	pt_elf_place(&d->elf, auxv_ok ? &auxv : NULL, &d->maps_after, d->exe, &d->layout);
	/* The env diff: the environment the old image was started with (the
	 * process's env image, or /proc at the entry) against the new one. */
	struct pt_env new_env = {0};
	bool new_ok = false;
	if (xs->env.status == PT_XS_OK) {
		new_env = (struct pt_env){xs->env.v, xs->env.n, xs->env.truncated};
		new_ok = true;
	} else {
		new_ok = pt_procfs_read_environ(t->tid, a, &new_env) == 0;
	}
	const char *const *old_v = NULL;
	size_t old_n = 0;
	bool old_ok = false;
	if (t->proc && t->proc->env) {
		old_v = t->proc->env->v;
		old_n = t->proc->env->n;
		old_ok = true;
	} else if (x && x->old_env_read) {
		old_v = x->old_env.v;
		old_n = x->old_env.n;
		old_ok = true;
	}
	if (new_ok && old_ok && pt_env_diff(old_v, old_n, new_env.v, new_env.n, a, &d->env, &d->nenv) == 0)
		d->env_known = true;
	if (x)
		x->old_env_read = false;
	if (t->proc) {
		/* this image's start environment, for its next exec and its
		 * children's; unknown (NULL) when it could not be read */
		pt_env_image_unref(t->proc->env);
		t->proc->env = new_ok ? pt_env_image_new(new_env.v, new_env.n) : NULL;
	}
	/* fdinfo (pos, flags) costs an open, a read and a close per fd, each a
	 * cold /proc lookup of a new pid: only when -v asks for it.  cloexec
	 * and leaked need none of it right after an exec. */
	if ((T->opt->text.verbose ? pt_procfs_read_fds(t->tid, a, PT_PROCFS_FDS_MAX, &d->fds, &d->nfds)
				  : pt_procfs_read_fds_after_exec(t->tid, a, PT_PROCFS_FDS_MAX, &d->fds, &d->nfds)) < 0) {
		d->fds = NULL;
		d->nfds = 0;
	}
	return d;
}

void pt_exec_detail_on_exit(struct pt_tracer *T, struct pt_task *t)
{
	(void)T;
	if (!pt_task_exec_pending(t))
		return;
	struct pt_maps *m = pt_arena_alloc(&t->exec->arena, sizeof(*m));
	if (m && pt_procfs_read_maps(t->tid, &t->exec->arena, m) == 0)
		t->exec->exit_maps = m;
}
