/* Text formatting of arguments, exec anatomy and stacks. */
#include "pt/textfmt.h"

#include <inttypes.h>
#include <string.h>

#include "pt/escape.h"

void pt_textfmt_arg(FILE *f, char sig, uint64_t v, const char *str)
{
	switch (sig) {
	case 'd': fprintf(f, "%" PRId64, (int64_t)v); break;
	case 'u': fprintf(f, "%" PRIu64, v); break;
	case 'o': fprintf(f, "0%" PRIo64, v); break;
	case 'f':
		if ((int)v == -100)
			fputs("AT_FDCWD", f);
		else
			fprintf(f, "%d", (int)v);
		break;
	case 's':
		if (str)
			pt_escape_text(f, str, strlen(str), 1);
		else if (!v)
			fputs("NULL", f);
		else
			fprintf(f, "0x%" PRIx64, v);
		break;
	case 'p':
		if (!v)
			fputs("NULL", f);
		else
			fprintf(f, "0x%" PRIx64, v);
		break;
	default: fprintf(f, "0x%" PRIx64, v); break;
	}
}

void pt_textfmt_exec_detail(FILE *f, const struct pt_exec_detail *d)
{
	(void)f;
	(void)d;
}

void pt_textfmt_stack(FILE *f, const struct pt_stack *st)
{
	for (size_t i = 0; i < st->n; i++) {
		const struct pt_frame *fr = &st->frames[i];
		fprintf(f, "    #%-2zu 0x%016" PRIx64, i, fr->ip);
		if (fr->func) {
			fputc(' ', f);
			pt_escape_text(f, fr->func, strlen(fr->func), 1);
			fprintf(f, "+0x%" PRIx64, fr->off);
		}
		if (fr->module) {
			fputs(" in ", f);
			pt_escape_text(f, fr->module, strlen(fr->module), 1);
			fprintf(f, "+0x%" PRIx64, fr->module_off);
		}
		fputc('\n', f);
	}
	if (st->error)
		fprintf(f, "    (stack incomplete: %s)\n", st->error);
}
