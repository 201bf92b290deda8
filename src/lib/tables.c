/* Names, numbers, classes and kinds from the syscalls/ X-macro tables, and
 * the name <-> value helpers of tables.h (event.h's are in src/event/event.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* CLONE_* in <sched.h> (also set by CMake) */
#endif

#include "pt/tables.h"
#include "pt/util.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

/* ---- syscalls ---- */

/* The short class names of the classes column of x86_64.def / i386.def. */
enum {
#define CLASS(s, name, bit) s = 1u << (bit),
#include "classes.def"
#undef CLASS
};

/* The short kind names of the kinds column. */
enum {
#define KIND(s, name, bit) s = 1u << (bit),
#include "kinds.def"
#undef KIND
};

#define SC(nr, name, classes, kinds, sig) [nr] = { #name, (classes), (kinds), sig },
static const struct pt_syscall_desc sc_x86_64[PT_SYSCALL_MAX] = {
#include "x86_64.def"
};
static const struct pt_syscall_desc sc_i386[PT_SYSCALL_MAX] = {
#include "i386.def"
};
#undef SC

/* No x32 table: x32 numbers carry __X32_SYSCALL_BIT and differ from x86_64
 * for every call with a pointer-sized struct; rather than misname them, x32
 * syscalls are reported as unknown. */
static const struct pt_syscall_desc *sc_table(enum pt_arch arch)
{
	switch (arch) {
	case PT_ARCH_X86_64:
		return sc_x86_64;
	case PT_ARCH_I386:
		return sc_i386;
	default:
		return NULL;
	}
}

const struct pt_syscall_desc *pt_syscall_desc(enum pt_arch arch, long nr)
{
	const struct pt_syscall_desc *t = sc_table(arch);

	if (!t || nr < 0 || nr >= PT_SYSCALL_MAX || !t[nr].name)
		return NULL;
	return &t[nr];
}

const char *pt_syscall_name(enum pt_arch arch, long nr)
{
	const struct pt_syscall_desc *d = pt_syscall_desc(arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : arch, nr);
	return d ? d->name : NULL;
}

long pt_syscall_nr(enum pt_arch arch, const char *name)
{
	const struct pt_syscall_desc *t = sc_table(arch);

	if (!t || !name)
		return -1;
	for (long nr = 0; nr < PT_SYSCALL_MAX; nr++)
		if (t[nr].name && strcmp(t[nr].name, name) == 0)
			return nr;
	return -1;
}

void pt_syscall_each(enum pt_arch arch, void (*fn)(long nr, const struct pt_syscall_desc *d, void *arg), void *arg)
{
	const struct pt_syscall_desc *t = sc_table(arch);

	if (!t || !fn)
		return;
	for (long nr = 0; nr < PT_SYSCALL_MAX; nr++)
		if (t[nr].name)
			fn(nr, &t[nr], arg);
}

uint32_t pt_class_mask(const char *name)
{
	static const struct {
		const char *name;
		uint32_t mask;
	} classes[] = {
#define CLASS(s, n, bit) { #n, 1u << (bit) },
#include "classes.def"
#undef CLASS
	};

	if (!name)
		return 0;
	for (size_t i = 0; i < PT_N_ELEMENTS(classes); i++)
		if (strcmp(classes[i].name, name) == 0)
			return classes[i].mask;
	return 0;
}

/* Out-of-range enum values of the *_name functions below give "unknown"
 * rather than NULL, so a caller printing them never passes NULL to %s. */
static const char unknown_name[] = "unknown";

const char *pt_arch_name(enum pt_arch arch)
{
	switch (arch) {
	case PT_ARCH_X86_64:
		return "x86_64";
	case PT_ARCH_I386:
		return "i386";
	case PT_ARCH_X32:
		return "x32";
	default:
		return unknown_name;
	}
}

/* ---- bounded string building ---- */

/* Appends into buf[len] like snprintf: the result is always NUL-terminated
 * (when len > 0) and silently truncated. */
struct sbuf {
	char *buf;
	size_t len;
	size_t pos;     /* characters written so far, <= len - 1 */
};

static void sb_puts(struct sbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (sb->len == 0)
		return;
	if (n > sb->len - 1 - sb->pos)
		n = sb->len - 1 - sb->pos;
	memcpy(sb->buf + sb->pos, s, n);
	sb->pos += n;
	sb->buf[sb->pos] = '\0';
}

static void sb_hex(struct sbuf *sb, uint64_t v)
{
	char tmp[2 + 16 + 1];

	snprintf(tmp, sizeof tmp, "%#llx", (unsigned long long)v);
	sb_puts(sb, tmp);
}

/* Exact, case-sensitive prefix check; returns the rest or NULL. */
static const char *skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* A whole decimal number 0..max, no sign, no spaces; -1 otherwise. */
static long parse_dec(const char *s, long max)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* ---- signals ---- */

/* Real-time signals are numbered from the kernel's SIGRTMIN, 32, to its
 * _NSIG, 64.  glibc's SIGRTMIN macro is a function call that returns 34
 * (glibc keeps 32 and 33 for its thread cancellation and setxid signals) and
 * other libcs pick other values, so a "SIGRTMIN+n" reads differently in
 * each program's terms; "SIGRTMIN+3" for 35 was what a glibc program calls
 * SIGRTMIN+1.  We print strace's names, which say nothing about any libc's
 * SIGRTMIN: 32 is "SIGRTMIN", 33..64 are "SIGRT_1".."SIGRT_32" (kernel
 * number - 32).  Logs written before said "SIGRTMIN+n" / "SIGRTMAX-n" in the
 * kernel's numbering: still read that way. */
#define KERNEL_SIGRTMIN 32
#define KERNEL_SIGRTMAX 64

static const struct {
	int sig;
	const char *name;
} signals[] = {
#define SIG(name) { name, #name },
#include "signals.def"
#undef SIG
};

/* Accepted by pt_signal_from_name, never printed. */
static const struct {
	int sig;
	const char *name;
} signal_aliases[] = {
	{ SIGIOT, "SIGIOT" },
	{ SIGPOLL, "SIGPOLL" },
	{ SIGCLD, "SIGCLD" },
};

const char *pt_signal_name(int sig, char *buf, size_t len)
{
	for (size_t i = 0; i < PT_N_ELEMENTS(signals); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	if (!buf || len == 0)
		return "SIG?";
	if (sig == KERNEL_SIGRTMIN)
		snprintf(buf, len, "SIGRTMIN");
	else if (sig > KERNEL_SIGRTMIN && sig <= KERNEL_SIGRTMAX)
		snprintf(buf, len, "SIGRT_%d", sig - KERNEL_SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

int pt_signal_from_name(const char *name)
{
	const char *s;
	long v;

	if (!name || !*name)
		return -1;
	if (*name >= '0' && *name <= '9')
		return (int)parse_dec(name, INT_MAX);
	/* "SIG" is optional; names are matched without regard to case. */
	s = strncasecmp(name, "SIG", 3) == 0 ? name + 3 : name;
	if (!*s)
		return -1;
	for (size_t i = 0; i < PT_N_ELEMENTS(signals); i++)
		if (strcasecmp(signals[i].name + 3, s) == 0)
			return signals[i].sig;
	for (size_t i = 0; i < PT_N_ELEMENTS(signal_aliases); i++)
		if (strcasecmp(signal_aliases[i].name + 3, s) == 0)
			return signal_aliases[i].sig;
	if (strncasecmp(s, "RT_", 3) == 0) {
		v = parse_dec(s + 3, KERNEL_SIGRTMAX - KERNEL_SIGRTMIN);
		return v < 1 ? -1 : KERNEL_SIGRTMIN + (int)v;
	}
	if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
		int base = (s[3] == 'I' || s[3] == 'i') ? KERNEL_SIGRTMIN : KERNEL_SIGRTMAX;
		int sign = base == KERNEL_SIGRTMIN ? '+' : '-';

		s += 5;
		if (!*s)
			return base;
		if (*s != sign)
			return -1;
		v = parse_dec(s + 1, KERNEL_SIGRTMAX - KERNEL_SIGRTMIN);
		if (v < 0)
			return -1;
		return sign == '+' ? base + (int)v : base - (int)v;
	}
	/* "SIG40": the form pt_signal_name prints for numbers without a name. */
	if (s != name && *s >= '0' && *s <= '9')
		return (int)parse_dec(s, INT_MAX);
	return -1;
}

/* ---- errno ---- */

static const struct {
	int err;
	const char *name;
} errnos[] = {
#define ERRNO(name) { name, #name },
#include "errno.def"
#undef ERRNO
	/* Kernel-internal codes (include/linux/errno.h) that never reach a
	 * program but that a ptrace tracer sees in the return register at the
	 * syscall-exit stop of a call interrupted by a signal. */
	{ 512, "ERESTARTSYS" },
	{ 513, "ERESTARTNOINTR" },
	{ 514, "ERESTARTNOHAND" },
	{ 515, "ENOIOCTLCMD" },
	{ 516, "ERESTART_RESTARTBLOCK" },
};

/* Other spellings of the same values, accepted by pt_errno_from_name. */
static const struct {
	int err;
	const char *name;
} errno_aliases[] = {
	{ EWOULDBLOCK, "EWOULDBLOCK" },
	{ EDEADLOCK, "EDEADLOCK" },
	{ ENOTSUP, "ENOTSUP" },
};

const char *pt_errno_name(int err)
{
	for (size_t i = 0; i < PT_N_ELEMENTS(errnos); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	return NULL;
}

int pt_errno_from_name(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < PT_N_ELEMENTS(errnos); i++)
		if (strcasecmp(errnos[i].name, name) == 0)
			return errnos[i].err;
	for (size_t i = 0; i < PT_N_ELEMENTS(errno_aliases); i++)
		if (strcasecmp(errno_aliases[i].name, name) == 0)
			return errno_aliases[i].err;
	return -1;
}

/* ---- flags ---- */

struct flag_name {
	uint64_t bit;
	const char *name;
};

static const struct flag_name clone_flags[] = {
#define FLAG(name) { (uint64_t)(name), #name },
#define FLAG3(name, value)
#include "clone_flags.def"
#undef FLAG3
#undef FLAG
};

/* clone3(2): the same bits, the clone3-only ones, and no signal byte. */
static const struct flag_name clone3_flags[] = {
#define FLAG(name) { (uint64_t)(name), #name },
#define FLAG3(name, value) { UINT64_C(value), #name },
#include "clone_flags.def"
#undef FLAG3
#undef FLAG
};

static const struct flag_name wait_options[] = {
#define FLAG(name) { (uint64_t)(unsigned)(name), #name },
#include "wait_options.def"
#undef FLAG
};

/* Accepted by pt_wait_options_parse, never printed (same value as WUNTRACED). */
static const struct flag_name wait_aliases[] = {
	{ (uint64_t)(unsigned)WSTOPPED, "WSTOPPED" },
};

/* clone(2) keeps the child's exit signal in the low byte of its flags. */
#define CLONE_SIGNAL_MASK 0xffull

/* "A|B|0x40", or "0".  Named bits in table order, then the unnamed ones as
 * one hex number. */
static void flags_str(struct sbuf *sb, uint64_t v, const struct flag_name *t, size_t n)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (t[i].bit && (v & t[i].bit) == t[i].bit) {
			if (!first)
				sb_puts(sb, "|");
			sb_puts(sb, t[i].name);
			v &= ~t[i].bit;
			first = false;
		}
	}
	if (v) {
		if (!first)
			sb_puts(sb, "|");
		sb_hex(sb, v);
	}
}

static bool flag_lookup(const char *tok, const struct flag_name *t, size_t n, uint64_t *bit)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, tok) == 0) {
			*bit = t[i].bit;
			return true;
		}
	}
	return false;
}

/* A number token of a flags string: "0", "0x1f"; anything else fails. */
static bool parse_num_token(const char *tok, uint64_t *v)
{
	const char *hex = skip_prefix(tok, "0x");
	uint64_t r = 0;

	if (!hex) {
		if (strcmp(tok, "0") != 0)
			return false;
		*v = 0;
		return true;
	}
	if (!*hex || strlen(hex) > 16)
		return false;
	for (; *hex; hex++) {
		int d;

		if (*hex >= '0' && *hex <= '9')
			d = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			d = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			d = *hex - 'A' + 10;
		else
			return false;
		r = r << 4 | (uint64_t)d;
	}
	*v = r;
	return true;
}

/* Splits s at '|' into tok (at most toklen - 1 chars); returns the rest, or
 * NULL at the end; *ok is false for an empty or over-long token. */
static const char *next_token(const char *s, char *tok, size_t toklen, bool *ok)
{
	const char *bar = strchr(s, '|');
	size_t n = bar ? (size_t)(bar - s) : strlen(s);

	*ok = n > 0 && n < toklen;
	if (*ok) {
		memcpy(tok, s, n);
		tok[n] = '\0';
	}
	return bar ? bar + 1 : NULL;
}

const char *pt_clone_flags_str(uint64_t flags, char *buf, size_t len)
{
	struct sbuf sb = { buf, len, 0 };
	uint64_t sig = flags & CLONE_SIGNAL_MASK;
	uint64_t rest = flags & ~CLONE_SIGNAL_MASK;

	if (!buf || len == 0)
		return "";
	buf[0] = '\0';
	if (flags == 0) {
		sb_puts(&sb, "0");
		return buf;
	}
	if (rest)
		flags_str(&sb, rest, clone_flags, PT_N_ELEMENTS(clone_flags));
	if (sig) {
		char tmp[32];

		if (rest)
			sb_puts(&sb, "|");
		sb_puts(&sb, pt_signal_name((int)sig, tmp, sizeof tmp));
	}
	return buf;
}

const char *pt_clone3_flags_str(uint64_t flags, char *buf, size_t len)
{
	struct sbuf sb = { buf, len, 0 };

	if (!buf || len == 0)
		return "";
	buf[0] = '\0';
	if (flags == 0)
		sb_puts(&sb, "0");
	else
		flags_str(&sb, flags, clone3_flags, PT_N_ELEMENTS(clone3_flags));
	return buf;
}

const char *pt_spawn_flags_str(const struct pt_ev_spawn *sp, char *buf, size_t len)
{
	enum pt_arch arch = sp->arch == PT_ARCH_X32 ? PT_ARCH_X86_64 : (enum pt_arch)sp->arch;
	const struct pt_syscall_desc *d = sp->syscall >= 0 ? pt_syscall_desc(arch, sp->syscall) : NULL;

	if (d && (d->kinds & PT_SK_CLONE3))
		return pt_clone3_flags_str(sp->flags, buf, len);
	return pt_clone_flags_str(sp->flags, buf, len);
}

int pt_clone_flags_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	bool have_sig = false;

	if (!s || !out || !*s)
		return -EINVAL;
	while (s) {
		char tok[64];
		bool ok;
		uint64_t bit;

		s = next_token(s, tok, sizeof tok, &ok);
		if (!ok)
			return -EINVAL;
		/* clone3's table holds every name (the printed forms of both) */
		if (flag_lookup(tok, clone3_flags, PT_N_ELEMENTS(clone3_flags), &bit)) {
			v |= bit;
		} else if (skip_prefix(tok, "SIG")) {
			int sig = pt_signal_from_name(tok);

			if (have_sig || sig <= 0 || (uint64_t)sig > CLONE_SIGNAL_MASK)
				return -EINVAL;
			v |= (uint64_t)sig;
			have_sig = true;
		} else if (parse_num_token(tok, &bit)) {
			v |= bit;
		} else {
			return -EINVAL;
		}
	}
	*out = v;
	return 0;
}

const char *pt_wait_options_str(int options, char *buf, size_t len)
{
	struct sbuf sb = { buf, len, 0 };

	if (!buf || len == 0)
		return "";
	buf[0] = '\0';
	if (options == 0)
		sb_puts(&sb, "0");
	else
		flags_str(&sb, (unsigned)options, wait_options, PT_N_ELEMENTS(wait_options));
	return buf;
}

int pt_wait_options_parse(const char *s, int *out)
{
	uint64_t v = 0;

	if (!s || !out || !*s)
		return -EINVAL;
	while (s) {
		char tok[64];
		bool ok;
		uint64_t bit;

		s = next_token(s, tok, sizeof tok, &ok);
		if (!ok)
			return -EINVAL;
		if (!flag_lookup(tok, wait_options, PT_N_ELEMENTS(wait_options), &bit) &&
		    !flag_lookup(tok, wait_aliases, PT_N_ELEMENTS(wait_aliases), &bit) &&
		    !parse_num_token(tok, &bit))
			return -EINVAL;
		if (bit > UINT_MAX)
			return -EINVAL;
		v |= bit;
	}
	*out = (int)(unsigned)v;
	return 0;
}

size_t pt_sig_mem_size(char sig)
{
	switch (sig) {
	case 'K': case 'k': return 8;     /* sigset_t as the kernel has it (_NSIG / 8) */
	case 'G': case 'g': return 32;    /* x86_64's struct kernel_sigaction */
	case 'N': return 16;              /* struct timespec */
	default: return 0;
	}
}

bool pt_sig_mem_is_output(char sig)
{
	return sig == 'k' || sig == 'g';
}
