/* The JSON Lines trace log (docs/trace-format.md): one object per event.
 * Lines are gathered in our own buffer and written by whole lines with one
 * write(2) (pt_lineout), at least every 64 KiB and whenever the tracer is
 * about to block (the flush op), so even a SIGKILLed tracer never leaves
 * half a line behind and loses nothing traced before its last idle moment. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/buf.h"
#include "pt/escape.h"
#include "pt/sink.h"
#include "pt/tables.h"

struct jsonl {
	struct pt_sink base;
	struct pt_lineout out;  /* whole lines waiting to be written */
};

static void jstr(struct pt_buf *f, const char *s)
{
	if (s)
		pt_escape_json_buf(f, s, strlen(s));
	else
		pt_buf_add(f, "null", 4);
}

static void jkey(struct pt_buf *f, const char *k)
{
	pt_buf_add(f, ",\"", 2);
	pt_buf_puts(f, k);
	pt_buf_add(f, "\":", 2);
}

/* "0x..." as a JSON string */
static void jhexv(struct pt_buf *f, uint64_t v)
{
	pt_buf_putc(f, '"');
	pt_buf_hex(f, v);
	pt_buf_putc(f, '"');
}

static void jhex(struct pt_buf *f, const char *k, uint64_t v)
{
	jkey(f, k);
	jhexv(f, v);
}

static void jint(struct pt_buf *f, const char *k, int64_t v)
{
	jkey(f, k);
	pt_buf_i64(f, v);
}

static void jsig(struct pt_buf *f, const char *k, int sig)
{
	char buf[32];
	jkey(f, k);
	jstr(f, pt_signal_name(sig, buf, sizeof(buf)));
}

static void jerrno(struct pt_buf *f, int err)
{
	char buf[24];
	const char *n = pt_errno_name(err);
	if (!n) {
		snprintf(buf, sizeof(buf), "E%d", err);
		n = buf;
	}
	jkey(f, "errno");
	jstr(f, n);
}

/* "syscall":"name", and "arch" for calls made through another ABI. */
static void jsyscall(struct pt_buf *f, const char *k, int nr, unsigned arch)
{
	const char *name = pt_syscall_name(arch, nr);
	if (name) {
		jkey(f, k);
		jstr(f, name);
	}
	if (arch != PT_ARCH_X86_64)
		pt_buf_printf(f, ",\"arch\":\"%s\"", pt_arch_name(arch));
}

static void jstrv(struct pt_buf *f, const char *const *v, size_t n)
{
	pt_buf_putc(f, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			pt_buf_putc(f, ',');
		jstr(f, v[i]);
	}
	pt_buf_putc(f, ']');
}

/* {"exited":N} | {"signaled":"SIGX","core":B} | {"stopped":"SIGX"} | {"continued":true} */
static void jstatus_fields(struct pt_buf *f, struct pt_wstatus st, bool leading_comma)
{
	char buf[32];
	const char *sep = leading_comma ? "," : "";
	switch (st.kind) {
	case PT_WS_EXITED:
		pt_buf_printf(f, "%s\"exited\":%d", sep, st.code);
		break;
	case PT_WS_SIGNALED:
		pt_buf_printf(f, "%s\"signaled\":", sep);
		jstr(f, pt_signal_name(st.code, buf, sizeof(buf)));
		pt_buf_printf(f, ",\"core\":%s", st.core ? "true" : "false");
		break;
	case PT_WS_STOPPED:
		pt_buf_printf(f, "%s\"stopped\":", sep);
		jstr(f, pt_signal_name(st.code, buf, sizeof(buf)));
		break;
	case PT_WS_CONTINUED:
		pt_buf_printf(f, "%s\"continued\":true", sep);
		break;
	default:
		break;
	}
}

static void jprot(struct pt_buf *f, uint32_t prot)
{
	char p[5] = {
		prot & PT_PROT_R ? 'r' : '-', prot & PT_PROT_W ? 'w' : '-', prot & PT_PROT_X ? 'x' : '-',
		prot & PT_PROT_SHARED ? 's' : 'p', 0,
	};
	pt_buf_putc(f, '"');
	pt_buf_add(f, p, 4);
	pt_buf_putc(f, '"');
}

static void jmaps(struct pt_buf *f, const char *k, const struct pt_maps *m)
{
	jkey(f, k);
	pt_buf_putc(f, '[');
	for (size_t i = 0; i < m->n; i++) {
		const struct pt_map *r = &m->v[i];
		pt_buf_puts(f, i ? ",{\"start\":" : "{\"start\":");
		jhexv(f, r->start);
		pt_buf_puts(f, ",\"end\":");
		jhexv(f, r->end);
		pt_buf_puts(f, ",\"prot\":");
		jprot(f, r->prot);
		pt_buf_puts(f, ",\"offset\":");
		jhexv(f, r->offset);
		pt_buf_puts(f, ",\"dev\":\"");
		pt_buf_hexw(f, r->dev_major, 2);
		pt_buf_putc(f, ':');
		pt_buf_hexw(f, r->dev_minor, 2);
		pt_buf_puts(f, "\",\"inode\":");
		pt_buf_u64(f, r->inode);
		pt_buf_puts(f, ",\"path\":");
		jstr(f, r->path);
		pt_buf_putc(f, '}');
	}
	pt_buf_putc(f, ']');
	if (m->truncated) {
		pt_buf_puts(f, ",\"");
		pt_buf_puts(f, k);
		pt_buf_puts(f, "_truncated\":true");
	}
}

static void jelf(struct pt_buf *f, const struct pt_elf_info *e)
{
	jkey(f, "elf");
	if (e->error) {
		pt_buf_puts(f, "{\"error\":");
		jstr(f, e->error);
		pt_buf_putc(f, '}');
		return;
	}
	pt_buf_printf(f, "{\"class\":%d,\"type\":%d,\"machine\":%d,\"entry\":\"0x%" PRIx64 "\",\"interp\":", e->elf_class,
		e->type, e->machine, e->entry);
	jstr(f, e->interp);
	pt_buf_puts(f, ",\"load\":[");
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct pt_elf_seg *s = &e->segs[i];
		pt_buf_puts(f, i ? ",{\"offset\":" : "{\"offset\":");
		jhexv(f, s->offset);
		pt_buf_puts(f, ",\"vaddr\":");
		jhexv(f, s->vaddr);
		jhex(f, "filesz", s->filesz);
		jhex(f, "memsz", s->memsz);
		jhex(f, "align", s->align);
		jint(f, "flags", s->flags);
		jint(f, "map", s->map_index);
		pt_buf_putc(f, '}');
	}
	pt_buf_puts(f, "],\"sections\":[");
	for (size_t i = 0; i < e->nsecs; i++) {
		const struct pt_elf_sec *s = &e->secs[i];
		pt_buf_puts(f, i ? ",{\"name\":" : "{\"name\":");
		jstr(f, s->name);
		jhex(f, "offset", s->offset);
		jhex(f, "addr", s->addr);
		jhex(f, "size", s->size);
		pt_buf_putc(f, '}');
	}
	pt_buf_puts(f, "]}");
}

static void jdetail(struct pt_buf *f, const struct pt_exec_detail *d)
{
	if (d->exe) {
		jkey(f, "exe");
		jstr(f, d->exe);
	}
	if (d->cwd) {
		jkey(f, "cwd");
		jstr(f, d->cwd);
	}
	if (d->interp_script) {
		jkey(f, "script");
		jstr(f, d->interp_script);
	}
	if (d->script_argv) {
		jkey(f, "script_argv");
		jstrv(f, d->script_argv, d->script_argc);
	}
	jmaps(f, "maps_before", &d->maps_before);
	if (d->maps_before_unseen)
		pt_buf_puts(f, ",\"maps_before_unseen\":true");
	jmaps(f, "maps_after", &d->maps_after);
	jelf(f, &d->elf);
	if (d->layout.valid)
		pt_buf_printf(f,
			",\"layout\":{\"load_bias\":\"0x%" PRIx64 "\",\"at_entry\":\"0x%" PRIx64
			"\",\"at_phdr\":\"0x%" PRIx64 "\",\"at_base\":\"0x%" PRIx64 "\"}",
			d->layout.load_bias, d->layout.at_entry, d->layout.at_phdr, d->layout.at_base);
	jkey(f, "fds");
	pt_buf_putc(f, '[');
	for (size_t i = 0; i < d->nfds; i++) {
		const struct pt_fd *x = &d->fds[i];
		pt_buf_puts(f, i ? ",{\"fd\":" : "{\"fd\":");
		pt_buf_i64(f, x->fd);
		pt_buf_puts(f, ",\"target\":");
		jstr(f, x->target);
		if (x->has_info) {  /* fdinfo is read only with -v */
			jint(f, "pos", (int64_t)x->pos);
			jint(f, "flags", x->flags);
		}
		pt_buf_puts(f, x->cloexec ? ",\"cloexec\":true" : ",\"cloexec\":false");
		pt_buf_puts(f, x->leaked ? ",\"leaked\":true}" : ",\"leaked\":false}");
	}
	pt_buf_putc(f, ']');
	if (d->env_known) {
		jkey(f, "env");
		pt_buf_puts(f, "{\"added\":{");
		int n = 0;
		for (size_t i = 0; i < d->nenv; i++)
			if (!d->env[i].old_val) {
				pt_buf_puts(f, n++ ? "," : "");
				jstr(f, d->env[i].name);
				pt_buf_putc(f, ':');
				jstr(f, d->env[i].new_val);
			}
		pt_buf_puts(f, "},\"removed\":[");
		n = 0;
		for (size_t i = 0; i < d->nenv; i++)
			if (!d->env[i].new_val) {
				pt_buf_puts(f, n++ ? "," : "");
				jstr(f, d->env[i].name);
			}
		pt_buf_puts(f, "],\"changed\":{");
		n = 0;
		for (size_t i = 0; i < d->nenv; i++)
			if (d->env[i].old_val && d->env[i].new_val) {
				pt_buf_puts(f, n++ ? "," : "");
				jstr(f, d->env[i].name);
				pt_buf_puts(f, ":[");
				jstr(f, d->env[i].old_val);
				pt_buf_putc(f, ',');
				jstr(f, d->env[i].new_val);
				pt_buf_putc(f, ']');
			}
		pt_buf_puts(f, "}}");
	}
}

static void jstack(struct pt_buf *f, const struct pt_stack *st)
{
	jkey(f, "stack");
	pt_buf_putc(f, '[');
	for (size_t i = 0; i < st->n; i++) {
		const struct pt_frame *fr = &st->frames[i];
		pt_buf_printf(f, "%s{\"ip\":\"0x%" PRIx64 "\"", i ? "," : "", fr->ip);
		if (fr->func) {
			jkey(f, "func");
			jstr(f, fr->func);
			pt_buf_printf(f, ",\"off\":%" PRIu64, fr->off);
		}
		if (fr->module) {
			jkey(f, "module");
			jstr(f, fr->module);
			jhex(f, "module_off", fr->module_off);
		}
		pt_buf_putc(f, '}');
	}
	pt_buf_putc(f, ']');
	if (st->error) {
		jkey(f, "unwind_error");
		jstr(f, st->error);
	}
}

/* ---- one writer per event kind (syscalls/events.def) ---- */

static void write_start(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_start *s = &ev->u.start;
	pt_buf_printf(f, ",\"version\":%d,\"tool\":\"ptrace-tour %s\",\"realtime_ns\":%" PRIu64 ",\"argv\":", s->version,
		s->tool_version ? s->tool_version : "", s->realtime_ns);
	jstrv(f, s->argv, s->argc);
	pt_buf_printf(f, ",\"seccomp\":%s", s->seccomp ? "true" : "false");
	if (s->events_only)
		pt_buf_puts(f, ",\"mode\":\"events-only\"");
	if (s->nattach) {
		pt_buf_puts(f, ",\"attach\":[");
		for (size_t i = 0; i < s->nattach; i++)
			pt_buf_printf(f, "%s%d", i ? "," : "", (int)s->attach[i]);
		pt_buf_putc(f, ']');
	}
}

static void write_attach(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_attach *a = &ev->u.attach;
	pt_buf_printf(f, ",\"ppid\":%d,\"argv\":", (int)a->ppid);
	jstrv(f, a->argv, a->argc);
	if (a->argv_truncated)
		pt_buf_puts(f, ",\"argv_truncated\":true");
	if (a->exe) {
		jkey(f, "exe");
		jstr(f, a->exe);
	}
	if (a->cwd) {
		jkey(f, "cwd");
		jstr(f, a->cwd);
	}
	jkey(f, "state");
	jstr(f, a->state ? a->state : "unknown");
	pt_buf_printf(f, ",\"start_ticks\":%" PRIu64 ",\"age_ns\":%" PRIu64, a->start_ticks, a->age_ns);
	pt_buf_puts(f, ",\"threads\":[");
	for (size_t i = 0; i < a->nthreads; i++)
		pt_buf_printf(f, "%s%d", i ? "," : "", (int)a->threads[i]);
	pt_buf_putc(f, ']');
	if (a->zombies)
		pt_buf_printf(f, ",\"zombies\":%u", a->zombies);
}

static void write_spawn(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_spawn *s = &ev->u.spawn;
	char buf[256];
	pt_buf_printf(f, ",\"child\":%d,\"kind\":\"%s\"", (int)s->child, pt_spawn_kind_name(s->kind));
	jsyscall(f, "syscall", s->syscall, s->arch);
	if (s->flags) {
		jkey(f, "flags");
		jstr(f, pt_spawn_flags_str(s, buf, sizeof(buf)));
	}
	if (s->orphan)
		pt_buf_printf(f, ",\"orphan\":true");
	if (s->has_args) {
		pt_buf_printf(f, ",\"clone_args\":{\"size\":%" PRIu64 ",\"exit_signal\":", s->args_size);
		if (s->exit_signal > 0 && s->exit_signal <= 64) {
			char sb[32];
			jstr(f, pt_signal_name(s->exit_signal, sb, sizeof(sb)));
		} else {
			pt_buf_i64(f, s->exit_signal);
		}
		jhex(f, "stack", s->stack);
		jhex(f, "stack_size", s->stack_size);
		pt_buf_putc(f, '}');
	}
}

static void write_exec(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_exec *x = &ev->u.exec;
	jkey(f, "path");
	jstr(f, x->path);
	jkey(f, "argv");
	jstrv(f, x->argv, x->argc);
	if (x->argv_truncated)
		pt_buf_puts(f, ",\"argv_truncated\":true");
	if (x->old_pid)
		pt_buf_printf(f, ",\"old_pid\":%d", (int)x->old_pid);
	jsyscall(f, "syscall", x->syscall, x->arch);
	if (x->detail)
		jdetail(f, x->detail);
}

static void write_exec_failed(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_exec_failed *x = &ev->u.exec_failed;
	jkey(f, "path");
	jstr(f, x->path);
	if (x->path_unreadable) {
		pt_buf_puts(f, ",\"path_unreadable\":true");
		jhex(f, "path_addr", x->path_addr);
	}
	jerrno(f, x->err);
	jsyscall(f, "syscall", x->syscall, x->arch);
}

static void write_syscall(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_syscall *s = &ev->u.syscall;
	enum pt_arch table = s->arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : s->arch;
	const struct pt_syscall_desc *d = pt_syscall_desc(table, s->nr);
	jkey(f, "name");
	if (d)
		jstr(f, d->name);
	else
		pt_buf_printf(f, "\"syscall_%d\"", s->nr);
	pt_buf_printf(f, ",\"nr\":%d,\"arch\":\"%s\",\"args\":[", s->nr, pt_arch_name(s->arch));
	for (int i = 0; i < s->nargs; i++)
		pt_buf_printf(f, "%s\"0x%" PRIx64 "\"", i ? "," : "", s->args[i]);
	pt_buf_puts(f, "],\"str\":[");
	for (int i = 0; i < s->nargs; i++) {
		if (i)
			pt_buf_putc(f, ',');
		jstr(f, s->str[i]);
	}
	pt_buf_printf(f, "],\"ret\":%" PRId64, s->ret);
	if (s->err)
		jerrno(f, s->err);
	bool any_path = false, any_mem = false;
	for (int i = 0; i < s->nargs; i++) {
		any_path |= s->fd_path[i] != NULL;
		any_mem |= s->mem[i] != NULL;
	}
	if (any_path) {
		pt_buf_puts(f, ",\"fd_paths\":[");
		for (int i = 0; i < s->nargs; i++) {
			if (i)
				pt_buf_putc(f, ',');
			jstr(f, s->fd_path[i]);
		}
		pt_buf_putc(f, ']');
	}
	if (s->ret_path) {
		jkey(f, "ret_path");
		jstr(f, s->ret_path);
	}
	if (any_mem) {
		/* the bytes in hex, two digits each */
		pt_buf_puts(f, ",\"mem\":[");
		for (int i = 0; i < s->nargs; i++) {
			if (i)
				pt_buf_putc(f, ',');
			if (!s->mem[i]) {
				pt_buf_puts(f, "null");
				continue;
			}
			pt_buf_putc(f, '"');
			for (unsigned k = 0; k < s->mem_len[i]; k++)
				pt_buf_printf(f, "%02x", s->mem[i][k]);
			pt_buf_putc(f, '"');
		}
		pt_buf_putc(f, ']');
	}
	if (s->timed)
		pt_buf_printf(f, ",\"dur_ns\":%" PRIu64, s->dur_ns);
}

static void write_wait(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_wait *w = &ev->u.wait;
	static const char *const idtypes[] = {"P_ALL", "P_PID", "P_PGID", "P_PIDFD"};
	char buf[256];
	jsyscall(f, "syscall", w->syscall, w->arch);
	pt_buf_printf(f, ",\"id\":%" PRId64, w->id);
	if (w->idtype >= 0) {
		jkey(f, "idtype");
		if (w->idtype < 4)
			jstr(f, idtypes[w->idtype]);
		else
			pt_buf_printf(f, "%d", w->idtype);
	}
	jkey(f, "options");
	jstr(f, pt_wait_options_str(w->options, buf, sizeof(buf)));
	pt_buf_printf(f, ",\"ret\":%" PRId64, w->ret);
	if (w->err)
		jerrno(f, w->err);
	if (w->id_pid > 0)
		pt_buf_printf(f, ",\"id_pid\":%d", (int)w->id_pid);
	if (w->child > 0)
		pt_buf_printf(f, ",\"child\":%d", (int)w->child);
	if (w->child_ns > 0)
		pt_buf_printf(f, ",\"child_ns\":%d", (int)w->child_ns);
	if (w->status.kind != PT_WS_NONE) {
		pt_buf_puts(f, ",\"status\":{");
		jstatus_fields(f, w->status, false);
		pt_buf_putc(f, '}');
	}
	if (w->timed)
		pt_buf_printf(f, ",\"dur_ns\":%" PRIu64, w->dur_ns);
}

static void write_signal(struct pt_buf *f, const struct pt_event *ev)
{
	jsig(f, "sig", ev->u.signal.sig);
	pt_buf_printf(f, ",\"code\":%d", ev->u.signal.code);
	if (ev->u.signal.sender)
		pt_buf_printf(f, ",\"sender\":%d", (int)ev->u.signal.sender);
}

static void write_stopped(struct pt_buf *f, const struct pt_event *ev)
{
	jsig(f, "sig", ev->u.stopped.sig);
	if (ev->u.stopped.sender)
		pt_buf_printf(f, ",\"sender\":%d", (int)ev->u.stopped.sender);
}

static void write_continued(struct pt_buf *f, const struct pt_event *ev)
{
	if (ev->u.continued.sender)
		pt_buf_printf(f, ",\"sender\":%d", (int)ev->u.continued.sender);
}

static void write_exit(struct pt_buf *f, const struct pt_event *ev)
{
	pt_buf_printf(f, ",\"how\":\"%s\"", pt_exit_how_name(ev->u.exit.how));
	jstatus_fields(f, ev->u.exit.status, true);
	if (ev->u.exit.maps)
		jmaps(f, "maps", ev->u.exit.maps);
	const struct pt_rusage *r = ev->u.exit.rusage;
	if (r)
		pt_buf_printf(f,
			      ",\"rusage\":{\"utime_ns\":%" PRIu64 ",\"stime_ns\":%" PRIu64 ",\"maxrss_kb\":%" PRIu64
			      ",\"minflt\":%" PRIu64 ",\"majflt\":%" PRIu64 ",\"nvcsw\":%" PRIu64 ",\"nivcsw\":%" PRIu64 "}",
			      r->utime_ns, r->stime_ns, r->maxrss_kb, r->minflt, r->majflt, r->nvcsw, r->nivcsw);
}

static void write_reap(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_reap *r = &ev->u.reap;
	pt_buf_printf(f, ",\"child\":%d,\"by\":", (int)r->child);
	if (r->by)
		pt_buf_printf(f, "%d", (int)r->by);
	else
		pt_buf_puts(f, "null");
	if (r->by_tracer)
		pt_buf_puts(f, ",\"by_tracer\":true");
	pt_buf_printf(f, ",\"autoreap\":%s,\"zombie_ns\":%" PRIu64, r->autoreap ? "true" : "false", r->zombie_ns);
	if (r->pidns_teardown)
		pt_buf_puts(f, ",\"pidns_teardown\":true");
}

static void write_reparent(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_reparent *r = &ev->u.reparent;
	pt_buf_printf(f, ",\"from\":%d,\"to\":%d", (int)r->from, (int)r->to);
	/* only when `to` alone does not tell it (1: init, else a subreaper) */
	if (pt_reparent_role(r) != (r->to == 1 ? PT_REAPER_INIT : PT_REAPER_SUBREAPER))
		pt_buf_printf(f, ",\"to_role\":\"%s\"", pt_reaper_role_name(pt_reparent_role(r)));
}

static void write_end(struct pt_buf *f, const struct pt_event *ev)
{
	const struct pt_ev_end *e = &ev->u.end;
	pt_buf_printf(f, ",\"status\":%d,\"root\":{", e->exit_status);
	jstatus_fields(f, e->root, false);
	pt_buf_printf(f, "},\"interrupted\":%s", e->interrupted ? "true" : "false");
	if (e->by_signal)
		jsig(f, "signal", e->by_signal);
	pt_buf_printf(f, ",\"stops\":%" PRIu64, e->stops);
	if (e->detached)
		pt_buf_printf(f, ",\"detached\":true,\"left_running\":%" PRIu64, e->left_running);
}

/* A kind in events.def without its write_ function does not compile. */
static void (*const writers[PT_EV__COUNT])(struct pt_buf *f, const struct pt_event *ev) = {
#define EV(NAME, name) [PT_EV_##NAME] = write_##name,
#include "events.def"
#undef EV
};

static void write_event(struct pt_buf *f, const struct pt_event *ev)
{
	pt_buf_puts(f, "{\"ev\":\"");
	pt_buf_puts(f, pt_event_kind_name(ev->kind));
	pt_buf_putc(f, '"');
	jint(f, "ts", (int64_t)ev->ts_ns);
	jint(f, "pid", ev->pid);
	jint(f, "tgid", ev->tgid);
	if ((unsigned)ev->kind < PT_EV__COUNT)   /* else only the header, "unknown" */
		writers[ev->kind](f, ev);
	if (ev->stack)
		jstack(f, ev->stack);
	pt_buf_add(f, "}\n", 2);
}

static int jsonl_emit(struct pt_sink *s, const struct pt_event *ev)
{
	struct jsonl *j = (struct jsonl *)s;
	write_event(&j->out.buf, ev);
	if (j->out.buf.oom)
		return -ENOMEM;
	int rc = j->out.buf.len >= PT_LINEOUT_FLUSH ? pt_lineout_flush(&j->out) : 0;
	return rc > 0 ? 0 : rc;     /* interrupted: the rest goes at the next flush */
}

static int jsonl_flush(struct pt_sink *s)
{
	return pt_lineout_flush(&((struct jsonl *)s)->out);
}

static int jsonl_finish(struct pt_sink *s)
{
	return pt_lineout_finish(&((struct jsonl *)s)->out);
}

static void jsonl_destroy(struct pt_sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	pt_lineout_free(&j->out);
	free(j);
}

static const struct pt_sink_ops jsonl_ops = {
	.name = "jsonl", .emit = jsonl_emit, .finish = jsonl_finish, .destroy = jsonl_destroy, .flush = jsonl_flush,
};

struct pt_sink *pt_sink_jsonl_new(FILE *fp, bool owns_fp)
{
	struct jsonl *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	if (pt_lineout_init(&j->out, fp, owns_fp) < 0) {
		free(j);
		errno = ENOMEM;
		return NULL;
	}
	j->base.ops = &jsonl_ops;
	j->base.out = &j->out;
	return &j->base;
}
