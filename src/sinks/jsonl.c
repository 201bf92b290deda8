/* The JSON Lines trace log (docs/trace-format.md): one object per event.
 * Lines are gathered in our own buffer and written by whole lines with one
 * write(2) each time (the stream itself is unbuffered), so even a SIGKILLed
 * tracer never leaves half a line behind: it loses at most the lines still
 * in the buffer. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/escape.h"
#include "pt/sink.h"
#include "pt/tables.h"

#define PT_JSONL_FLUSH (64 * 1024)

struct jsonl {
	struct pt_sink base;
	FILE *out;
	bool owns;
	char *line;         /* open_memstream buffer, reused */
	size_t cap;
	FILE *mem;
	char *buf;          /* whole lines waiting to be written */
	size_t len, size;
};

static void jstr(FILE *f, const char *s)
{
	if (s)
		pt_escape_json(f, s, strlen(s));
	else
		fputs("null", f);
}

static void jkey(FILE *f, const char *k)
{
	fprintf(f, ",\"%s\":", k);
}

static void jhex(FILE *f, const char *k, uint64_t v)
{
	fprintf(f, ",\"%s\":\"0x%" PRIx64 "\"", k, v);
}

static void jsig(FILE *f, const char *k, int sig)
{
	char buf[32];
	jkey(f, k);
	jstr(f, pt_signal_name(sig, buf, sizeof(buf)));
}

static void jerrno(FILE *f, int err)
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
static void jsyscall(FILE *f, const char *k, int nr, unsigned arch)
{
	const char *name = pt_syscall_name(arch, nr);
	if (name) {
		jkey(f, k);
		jstr(f, name);
	}
	if (arch != PT_ARCH_X86_64)
		fprintf(f, ",\"arch\":\"%s\"", pt_arch_name(arch));
}

static void jstrv(FILE *f, const char *const *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		jstr(f, v[i]);
	}
	fputc(']', f);
}

/* {"exited":N} | {"signaled":"SIGX","core":B} | {"stopped":"SIGX"} | {"continued":true} */
static void jstatus_fields(FILE *f, struct pt_wstatus st, bool leading_comma)
{
	char buf[32];
	const char *sep = leading_comma ? "," : "";
	switch (st.kind) {
	case PT_WS_EXITED:
		fprintf(f, "%s\"exited\":%d", sep, st.code);
		break;
	case PT_WS_SIGNALED:
		fprintf(f, "%s\"signaled\":", sep);
		jstr(f, pt_signal_name(st.code, buf, sizeof(buf)));
		fprintf(f, ",\"core\":%s", st.core ? "true" : "false");
		break;
	case PT_WS_STOPPED:
		fprintf(f, "%s\"stopped\":", sep);
		jstr(f, pt_signal_name(st.code, buf, sizeof(buf)));
		break;
	case PT_WS_CONTINUED:
		fprintf(f, "%s\"continued\":true", sep);
		break;
	default:
		break;
	}
}

static void jprot(FILE *f, uint32_t prot)
{
	char p[5] = {
		prot & PT_PROT_R ? 'r' : '-', prot & PT_PROT_W ? 'w' : '-', prot & PT_PROT_X ? 'x' : '-',
		prot & PT_PROT_SHARED ? 's' : 'p', 0,
	};
	fprintf(f, "\"%s\"", p);
}

static void jmaps(FILE *f, const char *k, const struct pt_maps *m)
{
	jkey(f, k);
	fputc('[', f);
	for (size_t i = 0; i < m->n; i++) {
		const struct pt_map *r = &m->v[i];
		fprintf(f, "%s{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\",\"prot\":", i ? "," : "",
			r->start, r->end);
		jprot(f, r->prot);
		fprintf(f, ",\"offset\":\"0x%" PRIx64 "\",\"dev\":\"%02x:%02x\",\"inode\":%" PRIu64 ",\"path\":",
			r->offset, r->dev_major, r->dev_minor, r->inode);
		jstr(f, r->path);
		fputc('}', f);
	}
	fputc(']', f);
	if (m->truncated)
		fprintf(f, ",\"%s_truncated\":true", k);
}

static void jelf(FILE *f, const struct pt_elf_info *e)
{
	jkey(f, "elf");
	if (e->error) {
		fputs("{\"error\":", f);
		jstr(f, e->error);
		fputc('}', f);
		return;
	}
	fprintf(f, "{\"class\":%d,\"type\":%d,\"machine\":%d,\"entry\":\"0x%" PRIx64 "\",\"interp\":", e->elf_class,
		e->type, e->machine, e->entry);
	jstr(f, e->interp);
	fputs(",\"load\":[", f);
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct pt_elf_seg *s = &e->segs[i];
		fprintf(f,
			"%s{\"offset\":\"0x%" PRIx64 "\",\"vaddr\":\"0x%" PRIx64 "\",\"filesz\":\"0x%" PRIx64
			"\",\"memsz\":\"0x%" PRIx64 "\",\"align\":\"0x%" PRIx64 "\",\"flags\":%u,\"map\":%d}",
			i ? "," : "", s->offset, s->vaddr, s->filesz, s->memsz, s->align, s->flags, s->map_index);
	}
	fputs("],\"sections\":[", f);
	for (size_t i = 0; i < e->nsecs; i++) {
		const struct pt_elf_sec *s = &e->secs[i];
		fprintf(f, "%s{\"name\":", i ? "," : "");
		jstr(f, s->name);
		fprintf(f, ",\"offset\":\"0x%" PRIx64 "\",\"addr\":\"0x%" PRIx64 "\",\"size\":\"0x%" PRIx64 "\"}",
			s->offset, s->addr, s->size);
	}
	fputs("]}", f);
}

static void jdetail(FILE *f, const struct pt_exec_detail *d)
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
	jmaps(f, "maps_before", &d->maps_before);
	jmaps(f, "maps_after", &d->maps_after);
	jelf(f, &d->elf);
	if (d->layout.valid)
		fprintf(f,
			",\"layout\":{\"load_bias\":\"0x%" PRIx64 "\",\"at_entry\":\"0x%" PRIx64
			"\",\"at_phdr\":\"0x%" PRIx64 "\",\"at_base\":\"0x%" PRIx64 "\"}",
			d->layout.load_bias, d->layout.at_entry, d->layout.at_phdr, d->layout.at_base);
	jkey(f, "fds");
	fputc('[', f);
	for (size_t i = 0; i < d->nfds; i++) {
		const struct pt_fd *x = &d->fds[i];
		fprintf(f, "%s{\"fd\":%d,\"target\":", i ? "," : "", x->fd);
		jstr(f, x->target);
		fprintf(f, ",\"pos\":%" PRIu64 ",\"flags\":%u,\"cloexec\":%s,\"leaked\":%s}", x->pos, x->flags,
			x->cloexec ? "true" : "false", x->leaked ? "true" : "false");
	}
	fputc(']', f);
	if (d->env_known) {
		jkey(f, "env");
		fputs("{\"added\":{", f);
		int n = 0;
		for (size_t i = 0; i < d->nenv; i++)
			if (!d->env[i].old_val) {
				fputs(n++ ? "," : "", f);
				jstr(f, d->env[i].name);
				fputc(':', f);
				jstr(f, d->env[i].new_val);
			}
		fputs("},\"removed\":[", f);
		n = 0;
		for (size_t i = 0; i < d->nenv; i++)
			if (!d->env[i].new_val) {
				fputs(n++ ? "," : "", f);
				jstr(f, d->env[i].name);
			}
		fputs("],\"changed\":{", f);
		n = 0;
		for (size_t i = 0; i < d->nenv; i++)
			if (d->env[i].old_val && d->env[i].new_val) {
				fputs(n++ ? "," : "", f);
				jstr(f, d->env[i].name);
				fputs(":[", f);
				jstr(f, d->env[i].old_val);
				fputc(',', f);
				jstr(f, d->env[i].new_val);
				fputc(']', f);
			}
		fputs("}}", f);
	}
}

static void jstack(FILE *f, const struct pt_stack *st)
{
	jkey(f, "stack");
	fputc('[', f);
	for (size_t i = 0; i < st->n; i++) {
		const struct pt_frame *fr = &st->frames[i];
		fprintf(f, "%s{\"ip\":\"0x%" PRIx64 "\"", i ? "," : "", fr->ip);
		if (fr->func) {
			jkey(f, "func");
			jstr(f, fr->func);
			fprintf(f, ",\"off\":%" PRIu64, fr->off);
		}
		if (fr->module) {
			jkey(f, "module");
			jstr(f, fr->module);
			jhex(f, "module_off", fr->module_off);
		}
		fputc('}', f);
	}
	fputc(']', f);
	if (st->error) {
		jkey(f, "unwind_error");
		jstr(f, st->error);
	}
}

static void write_event(FILE *f, const struct pt_event *ev)
{
	char buf[256];
	fprintf(f, "{\"ev\":\"%s\",\"ts\":%" PRIu64 ",\"pid\":%d,\"tgid\":%d", pt_event_kind_name(ev->kind), ev->ts_ns,
		(int)ev->pid, (int)ev->tgid);
	switch (ev->kind) {
	case PT_EV_START: {
		const struct pt_ev_start *s = &ev->u.start;
		fprintf(f, ",\"version\":%d,\"tool\":\"ptrace-tour %s\",\"realtime_ns\":%" PRIu64 ",\"argv\":", s->version,
			s->tool_version ? s->tool_version : "", s->realtime_ns);
		jstrv(f, s->argv, s->argc);
		fprintf(f, ",\"seccomp\":%s", s->seccomp ? "true" : "false");
		break;
	}
	case PT_EV_SPAWN: {
		const struct pt_ev_spawn *s = &ev->u.spawn;
		fprintf(f, ",\"child\":%d,\"kind\":\"%s\"", (int)s->child, pt_spawn_kind_name(s->kind));
		jsyscall(f, "syscall", s->syscall, s->arch);
		if (s->flags) {
			jkey(f, "flags");
			jstr(f, pt_clone_flags_str(s->flags, buf, sizeof(buf)));
		}
		break;
	}
	case PT_EV_EXEC: {
		const struct pt_ev_exec *x = &ev->u.exec;
		jkey(f, "path");
		jstr(f, x->path);
		jkey(f, "argv");
		jstrv(f, x->argv, x->argc);
		if (x->argv_truncated)
			fputs(",\"argv_truncated\":true", f);
		if (x->old_pid)
			fprintf(f, ",\"old_pid\":%d", (int)x->old_pid);
		jsyscall(f, "syscall", x->syscall, x->arch);
		if (x->detail)
			jdetail(f, x->detail);
		break;
	}
	case PT_EV_EXEC_FAILED:
		jkey(f, "path");
		jstr(f, ev->u.exec_failed.path);
		jerrno(f, ev->u.exec_failed.err);
		jsyscall(f, "syscall", ev->u.exec_failed.syscall, ev->u.exec_failed.arch);
		break;
	case PT_EV_SYSCALL: {
		const struct pt_ev_syscall *s = &ev->u.syscall;
		enum pt_arch table = s->arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : s->arch;
		const struct pt_syscall_desc *d = pt_syscall_desc(table, s->nr);
		jkey(f, "name");
		if (d)
			jstr(f, d->name);
		else
			fprintf(f, "\"syscall_%d\"", s->nr);
		fprintf(f, ",\"nr\":%d,\"arch\":\"%s\",\"args\":[", s->nr, pt_arch_name(s->arch));
		for (int i = 0; i < s->nargs; i++)
			fprintf(f, "%s\"0x%" PRIx64 "\"", i ? "," : "", s->args[i]);
		fputs("],\"str\":[", f);
		for (int i = 0; i < s->nargs; i++) {
			if (i)
				fputc(',', f);
			jstr(f, s->str[i]);
		}
		fprintf(f, "],\"ret\":%" PRId64, s->ret);
		if (s->err)
			jerrno(f, s->err);
		break;
	}
	case PT_EV_WAIT: {
		const struct pt_ev_wait *w = &ev->u.wait;
		static const char *const idtypes[] = {"P_ALL", "P_PID", "P_PGID", "P_PIDFD"};
		jsyscall(f, "syscall", w->syscall, w->arch);
		fprintf(f, ",\"id\":%" PRId64, w->id);
		if (w->idtype >= 0) {
			jkey(f, "idtype");
			if (w->idtype < 4)
				jstr(f, idtypes[w->idtype]);
			else
				fprintf(f, "%d", w->idtype);
		}
		jkey(f, "options");
		jstr(f, pt_wait_options_str(w->options, buf, sizeof(buf)));
		fprintf(f, ",\"ret\":%" PRId64, w->ret);
		if (w->err)
			jerrno(f, w->err);
		if (w->child > 0)
			fprintf(f, ",\"child\":%d", (int)w->child);
		if (w->status.kind != PT_WS_NONE) {
			fputs(",\"status\":{", f);
			jstatus_fields(f, w->status, false);
			fputc('}', f);
		}
		break;
	}
	case PT_EV_SIGNAL:
		jsig(f, "sig", ev->u.signal.sig);
		fprintf(f, ",\"code\":%d", ev->u.signal.code);
		if (ev->u.signal.sender)
			fprintf(f, ",\"sender\":%d", (int)ev->u.signal.sender);
		break;
	case PT_EV_STOPPED:
		jsig(f, "sig", ev->u.stopped.sig);
		if (ev->u.stopped.sender)
			fprintf(f, ",\"sender\":%d", (int)ev->u.stopped.sender);
		break;
	case PT_EV_CONTINUED:
		if (ev->u.continued.sender)
			fprintf(f, ",\"sender\":%d", (int)ev->u.continued.sender);
		break;
	case PT_EV_EXIT:
		fprintf(f, ",\"how\":\"%s\"", pt_exit_how_name(ev->u.exit.how));
		jstatus_fields(f, ev->u.exit.status, true);
		if (ev->u.exit.maps)
			jmaps(f, "maps", ev->u.exit.maps);
		break;
	case PT_EV_REAP:
		fprintf(f, ",\"child\":%d,\"by\":", (int)ev->u.reap.child);
		if (ev->u.reap.by)
			fprintf(f, "%d", (int)ev->u.reap.by);
		else
			fputs("null", f);
		fprintf(f, ",\"autoreap\":%s,\"zombie_ns\":%" PRIu64, ev->u.reap.autoreap ? "true" : "false",
			ev->u.reap.zombie_ns);
		break;
	case PT_EV_REPARENT:
		fprintf(f, ",\"from\":%d,\"to\":%d", (int)ev->u.reparent.from, (int)ev->u.reparent.to);
		break;
	case PT_EV_END: {
		const struct pt_ev_end *e = &ev->u.end;
		fprintf(f, ",\"status\":%d,\"root\":{", e->exit_status);
		jstatus_fields(f, e->root, false);
		fprintf(f, "},\"interrupted\":%s", e->interrupted ? "true" : "false");
		if (e->by_signal)
			jsig(f, "signal", e->by_signal);
		fprintf(f, ",\"stops\":%" PRIu64, e->stops);
		break;
	}
	default:
		break;
	}
	if (ev->stack)
		jstack(f, ev->stack);
	fputs("}\n", f);
}

static int flush_lines(struct jsonl *j)
{
	size_t n = j->len;
	j->len = 0;
	if (n && fwrite(j->buf, 1, n, j->out) != n)
		return -EIO;
	return 0;
}

static int jsonl_emit(struct pt_sink *s, const struct pt_event *ev)
{
	struct jsonl *j = (struct jsonl *)s;
	rewind(j->mem);
	write_event(j->mem, ev);
	long n = ftell(j->mem);
	fflush(j->mem);
	if (n < 0)
		return -EIO;
	if (j->len + (size_t)n > j->size) {
		int rc = flush_lines(j);
		if (rc < 0)
			return rc;
		if ((size_t)n > j->size)    /* a huge exec event: straight through */
			return fwrite(j->line, 1, (size_t)n, j->out) == (size_t)n ? 0 : -EIO;
	}
	memcpy(j->buf + j->len, j->line, (size_t)n);
	j->len += (size_t)n;
	return 0;
}

static int jsonl_finish(struct pt_sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	int rc = flush_lines(j);
	if (rc < 0 || fflush(j->out) != 0 || ferror(j->out))
		return -EIO;
	return 0;
}

static void jsonl_destroy(struct pt_sink *s)
{
	struct jsonl *j = (struct jsonl *)s;
	fclose(j->mem);
	free(j->line);
	free(j->buf);
	if (j->owns)
		fclose(j->out);
	free(j);
}

static const struct pt_sink_ops jsonl_ops = {"jsonl", jsonl_emit, jsonl_finish, jsonl_destroy};

struct pt_sink *pt_sink_jsonl_new(FILE *fp, bool owns_fp)
{
	struct jsonl *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->mem = open_memstream(&j->line, &j->cap);
	j->size = PT_JSONL_FLUSH;
	j->buf = malloc(j->size);
	if (!j->mem || !j->buf) {
		if (j->mem)
			fclose(j->mem);
		free(j->buf);
		free(j);
		return NULL;
	}
	/* _IONBF: each fwrite of whole lines is one write(2) */
	setvbuf(fp, NULL, _IONBF, 0);
	j->base.ops = &jsonl_ops;
	j->out = fp;
	j->owns = owns_fp;
	return &j->base;
}
