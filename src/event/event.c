/* What event.h declares about events: the names of kinds and of their
 * enums (what the JSONL log and the outputs print), and wait statuses
 * (decoded, encoded and printed).  Above lib (signal names come from its
 * tables), below everything that makes or reads events. */
#include "pt/event.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "pt/tables.h"

/* Out-of-range enum values of the *_name functions below give "unknown"
 * rather than NULL, so a caller printing them never passes NULL to %s. */
static const char unknown_name[] = "unknown";

/* ---- event.h names ---- */

static const char *const ev_names[PT_EV__COUNT] = {
#define EV(NAME, name) [PT_EV_##NAME] = #name,
#include "events.def"
#undef EV
};

static const char *const spawn_names[PT_SPAWN__COUNT] = {
	[PT_SPAWN_FORK] = "fork",
	[PT_SPAWN_VFORK] = "vfork",
	[PT_SPAWN_CLONE] = "clone",
	[PT_SPAWN_THREAD] = "thread",
};

static const char *const exit_how_names[PT_EXIT__COUNT] = {
	[PT_EXIT_GROUP] = "exit_group",
	[PT_EXIT_THREAD] = "exit",
	[PT_EXIT_SIGNAL] = "signal",
	[PT_EXIT_BY_OTHER] = "by_other",
};

static int name_index(const char *const *names, size_t n, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *pt_event_kind_name(enum pt_ev_kind kind)
{
	return (unsigned)kind < PT_EV__COUNT ? ev_names[kind] : unknown_name;
}

int pt_event_kind_from_name(const char *name)
{
	return name_index(ev_names, PT_EV__COUNT, name);
}

const char *pt_spawn_kind_name(unsigned kind)
{
	return kind < PT_SPAWN__COUNT ? spawn_names[kind] : unknown_name;
}

int pt_spawn_kind_from_name(const char *name)
{
	return name_index(spawn_names, PT_SPAWN__COUNT, name);
}

const char *pt_exit_how_name(unsigned how)
{
	return how < PT_EXIT__COUNT ? exit_how_names[how] : unknown_name;
}

int pt_exit_how_from_name(const char *name)
{
	return name_index(exit_how_names, PT_EXIT__COUNT, name);
}

/* [PT_REAPER_UNSPEC] never reaches a log: writers resolve it first. */
static const char *const reaper_role_names[PT_REAPER__COUNT] = {
	[PT_REAPER_UNSPEC] = "?", [PT_REAPER_INIT] = "init", [PT_REAPER_SUBREAPER] = "subreaper",
	[PT_REAPER_PIDNS_INIT] = "pidns-init",
};

const char *pt_reaper_role_name(unsigned role)
{
	return role < PT_REAPER__COUNT ? reaper_role_names[role] : unknown_name;
}

int pt_reaper_role_from_name(const char *name)
{
	int r = name_index(reaper_role_names, PT_REAPER__COUNT, name);
	return r == PT_REAPER_UNSPEC ? -1 : r;
}

const char *pt_reaper_role_text(unsigned role)
{
	switch (role) {
	case PT_REAPER_INIT: return "init";
	case PT_REAPER_PIDNS_INIT: return "init of its pid namespace";
	case PT_REAPER_SUBREAPER: return "subreaper";
	default: return unknown_name;
	}
}

enum pt_reaper_role pt_reparent_role(const struct pt_ev_reparent *r)
{
	if (r->to_role != PT_REAPER_UNSPEC && r->to_role < PT_REAPER__COUNT)
		return (enum pt_reaper_role)r->to_role;
	return r->to == 1 ? PT_REAPER_INIT : PT_REAPER_SUBREAPER;
}

/* ---- wait statuses ---- */

struct pt_wstatus pt_wstatus_from_raw(int raw)
{
	struct pt_wstatus st = { PT_WS_NONE, false, 0 };

	if (WIFEXITED(raw)) {
		st.kind = PT_WS_EXITED;
		st.code = WEXITSTATUS(raw);
	} else if (WIFSIGNALED(raw)) {
		st.kind = PT_WS_SIGNALED;
		st.code = WTERMSIG(raw);
		st.core = WCOREDUMP(raw) != 0;
	} else if (WIFSTOPPED(raw)) {
		/* A ptrace event stop's extra bits (raw >> 16) are not kept. */
		st.kind = PT_WS_STOPPED;
		st.code = WSTOPSIG(raw);
	} else if (WIFCONTINUED(raw)) {
		st.kind = PT_WS_CONTINUED;
	}
	return st;
}

/* PT_WS_NONE gives -1, a value no wait status has (it decodes back to
 * PT_WS_NONE); 0 would read back as "exited 0". */
int pt_wstatus_to_raw(struct pt_wstatus st)
{
	switch (st.kind) {
	case PT_WS_EXITED:
		return W_EXITCODE(st.code & 0xff, 0);
	case PT_WS_SIGNALED:
		return (st.code & 0x7f) | (st.core ? WCOREFLAG : 0);
	case PT_WS_STOPPED:
		return W_STOPCODE(st.code & 0xff);
	case PT_WS_CONTINUED:
		return 0xffff;  /* __W_CONTINUED */
	default:
		return -1;
	}
}

/* As bash reports it: N for exit(N), 128+sig for a signal death and for a
 * stop (a stopped foreground job), 0 for anything else. */
int pt_wstatus_shell_code(struct pt_wstatus st)
{
	switch (st.kind) {
	case PT_WS_EXITED:
		return st.code & 0xff;
	case PT_WS_SIGNALED:
	case PT_WS_STOPPED:
		return 128 + st.code;
	default:
		return 0;
	}
}

const char *pt_wstatus_str(struct pt_wstatus st, char *buf, size_t len)
{
	char sig[32];

	if (!buf || len == 0)
		return "";
	switch ((enum pt_ws_kind)st.kind) {
	case PT_WS_EXITED:
		snprintf(buf, len, "exited %d", st.code);
		break;
	case PT_WS_SIGNALED:
		snprintf(buf, len, "killed by %s%s", pt_signal_name(st.code, sig, sizeof(sig)),
			 st.core ? PT_WS_CORE_DUMPED : "");
		break;
	case PT_WS_STOPPED:
		snprintf(buf, len, "stopped by %s", pt_signal_name(st.code, sig, sizeof(sig)));
		break;
	case PT_WS_CONTINUED:
		snprintf(buf, len, "continued");
		break;
	case PT_WS_NONE:
	default:        /* st.kind is a byte: a value no status has */
		snprintf(buf, len, "?");
		break;
	}
	return buf;
}
