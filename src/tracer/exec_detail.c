/* The exec anatomy: what the memory looked like before and after, how the
 * new map follows from the ELF file, what the new program inherited. */
#include "exec_detail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pt/elfinfo.h"
#include "pt/envdiff.h"
#include "pt/procfs.h"
#include "pt/tracee_mem.h"

#define PT_SCRIPT_LINE_MAX 256
#define PT_SCRIPT_PATH_MAX 4096   /* the longest path exec.c reads */

void pt_exec_detail_on_entry(struct pt_tracer *T, struct pt_task *t, uint64_t envp, unsigned ptr_size)
{
	struct pt_exec_pending *x = t->exec;
	struct pt_env old_env;
	struct pt_strvec new_env;
	(void)T;
	if (!x)
		return;
	/* The old image is still there: after the exec nothing of it remains. */
	if (pt_procfs_read_maps(t->tid, &x->arena, &x->maps_before) < 0)
		x->maps_before = (struct pt_maps){0};
	/* /proc/PID/environ is the block the current image was started with;
	 * envp is what the caller hands the next one. */
	if (pt_procfs_read_environ(t->tid, &x->arena, &old_env) == 0 &&
	    pt_mem_read_strvec(t->tid, envp, ptr_size, PT_PROCFS_ENV_MAX_ENTRIES, PT_PROCFS_ENV_MAX_BYTES, &x->arena,
			       &new_env) == 0 &&
	    pt_env_diff(old_env.v, old_env.n, new_env.v, new_env.n, &x->arena, &x->env, &x->nenv) == 0)
		x->env_known = true;
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

const struct pt_exec_detail *pt_exec_detail_on_event(struct pt_tracer *T, struct pt_task *t)
{
	struct pt_arena *a = &T->arena;
	struct pt_exec_detail *d = pt_arena_alloc(a, sizeof(*d));
	struct pt_exec_pending *x = t->exec;
	char exe_link[32];
	struct pt_auxv auxv;
	if (!d)
		return NULL;
	if (x) {
		d->maps_before = x->maps_before;
		d->env = x->env;
		d->nenv = x->nenv;
		d->env_known = x->env_known;
		d->interp_script = script_line(t->tid, x, a);
	}
	/* The kernel rewrote argv for a script ([interpreter, optional arg,
	 * script path, args...]); /proc/PID/cmdline now holds exactly that. */
	struct pt_env cmdline;
	if (d->interp_script && pt_procfs_read_cmdline(t->tid, a, &cmdline) == 0) {
		d->script_argv = cmdline.v;
		d->script_argc = cmdline.n;
	}
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
	/* auxv pairs have the tracee's word size. */
	bool auxv_ok = !d->elf.error && (d->elf.elf_class == 64 ? pt_procfs_read_auxv(t->tid, &auxv) == 0
								  : pt_procfs_read_auxv32(t->tid, &auxv) == 0);
	pt_elf_place(&d->elf, auxv_ok ? &auxv : NULL, &d->maps_after, d->exe, &d->layout);
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
