/* Text formatting shared by the text sink and the report views. */
#ifndef PT_TEXTFMT_H
#define PT_TEXTFMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pt/event.h"

/* How strings are written (-x, -xx, -s): xstr 0 escapes only what must
 * be (pt_escape_text), 1 writes a string holding any byte outside
 * printable ASCII (and \t \n \r \v \f) all in \xHH, 2 every string;
 * max cuts after that many bytes and adds "..." as strace does
 * (SIZE_MAX: whole). */
void pt_textfmt_str(FILE *f, const char *s, size_t max, unsigned xstr);
/* One syscall argument by its signature char (syscalls/README.md). */
void pt_textfmt_arg(FILE *f, char sig, uint64_t v, const char *str, unsigned xstr);
/* A syscall's arguments by its signature (syscalls/README.md), as strace
 * prints them: flags by name from syscalls/arg_flags.def, open's mode only
 * with O_CREAT/O_TMPFILE, fcntl's third argument by its command
 * (syscalls/fcntl_cmds.def) or not at all.  Runs only for printed lines. */
void pt_textfmt_args(FILE *f, const char *sig, int nargs, const uint64_t *args, const char *const *str,
		     unsigned xstr);
/* The same from a syscall event: with -y's fd paths ("3</etc/passwd>")
 * and the memory letters (K k G g N) decoded from the bytes the event
 * carries (a pointer when it carries none). */
void pt_textfmt_syscall_args(FILE *f, const char *sig, const struct pt_ev_syscall *s, unsigned xstr);
/* Its result: in hex for PT_SK_RET_ADDR (mmap), with -y's path for PT_SK_RET_FD. */
void pt_textfmt_ret(FILE *f, uint32_t kinds, const struct pt_ev_syscall *s, unsigned xstr);
/* clone3's first two arguments as strace prints them:
 * "{flags=..., exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88". */
void pt_textfmt_clone3_args(FILE *f, const struct pt_ev_spawn *sp, const char *flags_str);
/* open flags: the access mode, then the O_* flags ("O_RDONLY|O_CLOEXEC"). */
void pt_textfmt_open_flags(FILE *f, uint64_t v);
/* The maps summary under an exit line (--maps=exit); verbose lists them. */
void pt_textfmt_exit_maps(FILE *f, const struct pt_maps *m, bool verbose);
/* The exec anatomy block: ELF/maps table, maps diff, fds, env changes. */
void pt_textfmt_exec_detail(FILE *f, const struct pt_exec_detail *d, bool verbose);
/* Indented stack frames under an event. */
void pt_textfmt_stack(FILE *f, const struct pt_stack *st);

#endif
