/* Text formatting shared by the text sink and the report views. */
#ifndef PT_TEXTFMT_H
#define PT_TEXTFMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pt/event.h"

/* One syscall argument by its signature char (syscalls/README.md). */
void pt_textfmt_arg(FILE *f, char sig, uint64_t v, const char *str);
/* The exec anatomy block: ELF/maps table, maps diff, fds, env changes. */
void pt_textfmt_exec_detail(FILE *f, const struct pt_exec_detail *d, bool verbose);
/* Indented stack frames under an event. */
void pt_textfmt_stack(FILE *f, const struct pt_stack *st);

#endif
