/* Names, classes and kinds from the syscalls/ X-macro tables. */
#ifndef PT_TABLES_H
#define PT_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/event.h"

enum pt_class_bit {
#define CLASS(s, name, bit) PT_CLASS_BIT_##s = bit,
#include "classes.def"
#undef CLASS
};

/* What a syscall means to the tracer (syscalls/kinds.def): PT_SK_EXEC,
 * PT_SK_WAIT, ...  Bits of struct pt_syscall_desc.kinds. */
enum pt_sc_kind {
#define KIND(s, name, bit) PT_SK_##name = 1u << (bit),
#include "kinds.def"
#undef KIND
};

#define PT_SYSCALL_MAX 1024     /* covers every x86_64 and i386 number in use */

struct pt_syscall_desc {
	const char *name;
	uint32_t classes;       /* 1u << PT_CLASS_BIT_* */
	uint32_t kinds;         /* PT_SK_* bits */
	const char *sig;        /* argument signature, see syscalls/README.md */
};

/* The memory letters of a signature (syscalls/README.md): the bytes the
 * argument's pointer is read for (0: not a memory letter), and whether the
 * kernel writes them (read at a successful exit, else at the entry). */
size_t pt_sig_mem_size(char sig);
bool pt_sig_mem_is_output(char sig);

/* NULL when nr is not a known syscall of arch. */
const struct pt_syscall_desc *pt_syscall_desc(enum pt_arch arch, long nr);
/* The name of nr in arch (x32 uses x86_64's names), or NULL. */
const char *pt_syscall_name(enum pt_arch arch, long nr);
/* Syscall number of name in arch, or -1. */
long pt_syscall_nr(enum pt_arch arch, const char *name);
/* Calls fn for every known syscall of arch. */
void pt_syscall_each(enum pt_arch arch, void (*fn)(long nr, const struct pt_syscall_desc *d, void *arg), void *arg);
/* Class bit mask of a class name without the '%', or 0 if unknown. */
uint32_t pt_class_mask(const char *name);
const char *pt_arch_name(enum pt_arch arch);

/* "SIGKILL"; real-time ones as strace names them: 32 "SIGRTMIN", 35
 * "SIGRT_3" (kernel number - 32); unknown numbers print as "SIG<n>" into buf. */
const char *pt_signal_name(int sig, char *buf, size_t len);
/* Accepts "SIGKILL", "KILL", "SIGRT_3", "SIGRTMIN+3" (kernel numbering, as
 * older logs wrote it), "SIG40" or a number; -1 if unknown. */
int pt_signal_from_name(const char *name);
/* "ENOENT"; NULL if unknown. */
const char *pt_errno_name(int err);
int pt_errno_from_name(const char *name);

/* Symbolic flags "A|B|0x40" into buf; returns buf. */
const char *pt_clone_flags_str(uint64_t flags, char *buf, size_t len);
/* clone3's 64-bit flags: no exit-signal byte (0x80 is CLONE_NEWTIME). */
const char *pt_clone3_flags_str(uint64_t flags, char *buf, size_t len);
/* A spawn event's flags, as clone3's when its syscall is clone3. */
const char *pt_spawn_flags_str(const struct pt_ev_spawn *sp, char *buf, size_t len);
const char *pt_wait_options_str(int options, char *buf, size_t len);
/* Parses the strings above back (for the log reader); -EINVAL on an unknown name. */
int pt_clone_flags_parse(const char *s, uint64_t *out);
int pt_wait_options_parse(const char *s, int *out);

#endif
