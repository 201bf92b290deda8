/* Text formatting of arguments, exec anatomy and stacks. */
#include "textfmt.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "pt/escape.h"
#include "pt/tables.h"
#include "pt/util.h"

/* ---- the flag tables (syscalls/arg_flags.def, fcntl_cmds.def) ---- */

enum { AFT_OPEN = 1, AFT_ACCESS, AFT_AT, AFT_PROT, AFT_MAP, AFT_FD, AFT_SA, AFT_TIMER };

/* A row of a .def table: which table, the name printed, its value. */
struct named_value {
	uint8_t table;
	const char *name;
	uint64_t value;
};

static const struct named_value arg_flags[] = {
#define AF(table, name, value) {AFT_##table, #name, value},
#include "arg_flags.def"
#undef AF
};

enum { AVT_SIGHOW = 1, AVT_CLOCK };

static const struct named_value arg_values[] = {
#define AV(table, name, value) {AVT_##table, #name, value},
#include "arg_values.def"
#undef AV
};

enum fcntl_arg { FA_NONE, FA_INT, FA_FD, FA_OPEN, FA_SIG, FA_PTR };

static const struct {
	const char *name;
	uint64_t value;
	uint8_t arg;            /* enum fcntl_arg */
} fcntl_cmds[] = {
#define FCNTL(name, value, arg) {#name, value, FA_##arg},
#include "fcntl_cmds.def"
#undef FCNTL
};

/* strace's printflags: each flag of the table (in its order) whose bits
 * are all in v, then what is left in hex; none for 0. */
static void flags_rest(FILE *f, unsigned table, uint64_t v, bool any)
{
	for (size_t i = 0; i < PT_N_ELEMENTS(arg_flags) && v; i++)
		if (arg_flags[i].table == table && (v & arg_flags[i].value) == arg_flags[i].value) {
			fprintf(f, "%s%s", any ? "|" : "", arg_flags[i].name);
			v &= ~arg_flags[i].value;
			any = true;
		}
	if (v)
		fprintf(f, "%s%#" PRIx64, any ? "|" : "", v);
}

static void flags(FILE *f, unsigned table, uint64_t v, const char *none)
{
	if (!v)
		fputs(none, f);
	else
		flags_rest(f, table, v, false);
}

void pt_textfmt_open_flags(FILE *f, uint64_t v)
{
	static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
	fputs(acc[v & 3], f);
	flags_rest(f, AFT_OPEN, v & ~(uint64_t)3, true);
}

static void mmap_flags(FILE *f, uint64_t v)
{
	static const char *const type[] = {NULL, "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"};
	bool any = false;
	if (v & 3) {
		fputs(type[v & 3], f);
		any = true;
	}
	v &= ~(uint64_t)3;
	if (!any && !v)
		fputs("0", f);
	else
		flags_rest(f, AFT_MAP, v, any);
}

static int fcntl_index(uint64_t cmd)
{
	for (size_t i = 0; i < PT_N_ELEMENTS(fcntl_cmds); i++)
		if (fcntl_cmds[i].value == cmd)
			return (int)i;
	return -1;
}

static void fcntl_cmd(FILE *f, uint64_t v)
{
	int i = fcntl_index(v);
	if (i >= 0)
		fputs(fcntl_cmds[i].name, f);
	else
		fprintf(f, "%#" PRIx64 " /* F_??? */", v);
}

/* The argument after a fcntl command, as strace prints it (an unknown
 * command's in hex). */
static void fcntl_arg(FILE *f, uint64_t cmd, uint64_t v)
{
	int i = fcntl_index(cmd);
	switch (i < 0 ? FA_PTR : fcntl_cmds[i].arg) {
	case FA_NONE: break;
	case FA_INT: fprintf(f, "%" PRId64, (int64_t)(int)v); break;
	case FA_FD: flags(f, AFT_FD, v, "0"); break;
	case FA_OPEN: pt_textfmt_open_flags(f, v); break;
	case FA_SIG: pt_textfmt_arg(f, 'S', v, NULL, 0); break;
	case FA_PTR:
		if (!v)
			fputs("NULL", f);
		else
			fprintf(f, "%#" PRIx64, v);
		break;
	}
}

/* An enumeration by its value table, as strace prints an unknown value:
 * the number and a comment naming the table's prefix. */
static void value(FILE *f, unsigned table, uint64_t v, const char *unknown)
{
	for (size_t i = 0; i < PT_N_ELEMENTS(arg_values); i++)
		if (arg_values[i].table == table && arg_values[i].value == v) {
			fputs(arg_values[i].name, f);
			return;
		}
	fprintf(f, "%#" PRIx64 " /* %s */", v, unknown);
}

static void ptr(FILE *f, uint64_t v)
{
	if (!v)
		fputs("NULL", f);
	else
		fprintf(f, "%#" PRIx64, v);
}

static uint64_t le64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* strace's sigset: the signals without "SIG", space separated; a set
 * holding half of the 64 or more is printed as ~[the others]. */
static void sigset(FILE *f, uint64_t m)
{
	unsigned n = (unsigned)__builtin_popcountll(m);
	if (n >= 32) {
		fputc('~', f);
		m = ~m;
	}
	fputc('[', f);
	bool any = false;
	for (int i = 0; i < 64; i++)
		if (m >> i & 1) {
			char buf[32];
			const char *name = pt_signal_name(i + 1, buf, sizeof(buf));
			fprintf(f, "%s%s", any ? " " : "", strncmp(name, "SIG", 3) ? name : name + 3);
			any = true;
		}
	fputc(']', f);
}

/* x86_64's struct kernel_sigaction: handler, flags, restorer, mask. */
static void sigaction_struct(FILE *f, const uint8_t *b)
{
	uint64_t h = le64(b), fl = le64(b + 8), rest = le64(b + 16), mask = le64(b + 24);
	fputs("{sa_handler=", f);
	if (h == 0)
		fputs("SIG_DFL", f);
	else if (h == 1)
		fputs("SIG_IGN", f);
	else
		fprintf(f, "%#" PRIx64, h);
	fputs(", sa_mask=", f);
	sigset(f, mask);
	fputs(", sa_flags=", f);
	flags(f, AFT_SA, fl, "0");
	if (fl & 0x04000000)    /* SA_RESTORER */
		fprintf(f, ", sa_restorer=%#" PRIx64, rest);
	fputc('}', f);
}

/* A memory letter: decoded from the bytes read at the stop, or the
 * pointer as strace prints one it could not read. */
static void mem_arg(FILE *f, char sig, uint64_t v, const uint8_t *mem, size_t len)
{
	if (!mem || len < pt_sig_mem_size(sig)) {
		ptr(f, v);
		return;
	}
	switch (sig) {
	case 'K': case 'k': sigset(f, le64(mem)); break;
	case 'G': case 'g': sigaction_struct(f, mem); break;
	case 'N':
		fprintf(f, "{tv_sec=%" PRId64 ", tv_nsec=%" PRId64 "}", (int64_t)le64(mem), (int64_t)le64(mem + 8));
		break;
	default: ptr(f, v); break;
	}
}

void pt_textfmt_args(FILE *f, const char *sig, int nargs, const uint64_t *args, const char *const *str,
		     unsigned xstr)
{
	struct pt_ev_syscall s = {.nargs = (uint8_t)(nargs > 6 ? 6 : nargs < 0 ? 0 : nargs)};
	for (int i = 0; i < s.nargs; i++) {
		s.args[i] = args[i];
		s.str[i] = str ? str[i] : NULL;
	}
	pt_textfmt_syscall_args(f, sig, &s, xstr);
}

/* -y's "<path>" after an fd (strace: "3</etc/passwd>"). */
static void fd_path(FILE *f, const char *path, unsigned xstr)
{
	if (!path)
		return;
	fputc('<', f);
	if (xstr)
		pt_textfmt_str(f, path, SIZE_MAX, xstr);
	else
		pt_escape_text_bare(f, path, strlen(path), 1);
	fputc('>', f);
}

void pt_textfmt_syscall_args(FILE *f, const char *sig, const struct pt_ev_syscall *s, unsigned xstr)
{
	const uint64_t *args = s->args;
	int nargs = s->nargs;
	size_t siglen = sig ? strlen(sig) : 0;
	for (int i = 0; i < nargs && i < 6; i++) {
		char c = (size_t)i < siglen ? sig[i] : 'x';
		if (i > 0 && sig[i - 1] == 'C') {
			/* fcntl's third argument depends on the command */
			int k = fcntl_index(args[i - 1]);
			if (k >= 0 && fcntl_cmds[k].arg == FA_NONE)
				break;
			fputs(", ", f);
			fcntl_arg(f, args[i - 1], args[i]);
			continue;
		}
		/* open's mode only matters, and strace prints it only, with
		 * O_CREAT or O_TMPFILE (__O_TMPFILE, 020000000) */
		if (c == 'o' && i > 0 && sig[i - 1] == 'O' && !(args[i - 1] & (0100 | 020000000)))
			break;
		if (i)
			fputs(", ", f);
		if (pt_sig_mem_size(c))
			mem_arg(f, c, args[i], s->mem[i], s->mem_len[i]);
		else
			pt_textfmt_arg(f, c, args[i], s->str[i], xstr);
		if (c == 'f')
			fd_path(f, s->fd_path[i], xstr);
	}
}

void pt_textfmt_ret(FILE *f, uint32_t kinds, const struct pt_ev_syscall *s, unsigned xstr)
{
	if (kinds & PT_SK_RET_ADDR)
		fprintf(f, "%#" PRIx64, (uint64_t)s->ret);
	else
		fprintf(f, "%" PRId64, s->ret);
	if (kinds & PT_SK_RET_FD)
		fd_path(f, s->ret_path, xstr);
}

void pt_textfmt_clone3_args(FILE *f, const struct pt_ev_spawn *sp, const char *flags_str)
{
	char buf[32];
	fprintf(f, "{flags=%s, exit_signal=", flags_str && *flags_str ? flags_str : "0");
	if (sp->exit_signal > 0 && sp->exit_signal <= 64)
		fputs(pt_signal_name(sp->exit_signal, buf, sizeof(buf)), f);
	else
		fprintf(f, "%d", sp->exit_signal);
	fputs(", stack=", f);
	ptr(f, sp->stack);
	fprintf(f, ", stack_size=%#" PRIx64 "}, %" PRIu64, sp->stack_size, sp->args_size);
}

static bool plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !strchr("\t\n\r\v\f", c)) || c >= 0x7f)
			return false;
	}
	return true;
}

void pt_textfmt_str(FILE *f, const char *s, size_t max, unsigned xstr)
{
	size_t len = strlen(s);
	size_t n = len < max ? len : max;
	if (xstr >= 2 || (xstr == 1 && !plain_ascii(s, n))) {
		fputc('"', f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "\\x%02x", (unsigned char)s[i]);
		fputc('"', f);
	} else {
		/* A cut inside a UTF-8 sequence leaves a broken tail: escaped as bytes. */
		pt_escape_text(f, s, n, 1);
	}
	if (n < len)
		fputs("...", f);
}

void pt_textfmt_arg(FILE *f, char sig, uint64_t v, const char *str, unsigned xstr)
{
	switch (sig) {
	case 'd': fprintf(f, "%" PRId64, (int64_t)v); break;
	case 'u': fprintf(f, "%" PRIu64, v); break;
	case 'o': fprintf(f, "%#03" PRIo64, v); break;     /* strace: 000, 0644 */
	case 'X': fprintf(f, "%#" PRIx64, v); break;       /* strace's %#lx: 0, 0x1000 */
	case 'O': pt_textfmt_open_flags(f, v); break;
	case 'A': flags(f, AFT_ACCESS, v, "F_OK"); break;
	case 'T': flags(f, AFT_AT, v, "0"); break;
	case 'P': flags(f, AFT_PROT, v, "PROT_NONE"); break;
	case 'M': mmap_flags(f, v); break;
	case 'C': fcntl_cmd(f, v); break;
	case 'H': value(f, AVT_SIGHOW, v, "SIG_???"); break;
	case 'L': value(f, AVT_CLOCK, v, "CLOCK_???"); break;
	case 'I': flags(f, AFT_TIMER, v, "0"); break;
	case 'f':
		if ((int)v == -100)
			fputs("AT_FDCWD", f);
		else
			fprintf(f, "%d", (int)v);
		break;
	case 's':
		if (str)    /* a path: strace prints it whole whatever -s says */
			pt_textfmt_str(f, str, SIZE_MAX, xstr);
		else if (!v)
			fputs("NULL", f);
		else
			fprintf(f, "0x%" PRIx64, v);
		break;
	case 'S': {
		char buf[32];
		if (v >= 1 && v <= 64)
			fputs(pt_signal_name((int)v, buf, sizeof(buf)), f);
		else
			fprintf(f, "%" PRId64, (int64_t)v);
		break;
	}
	case 'p':
		if (!v)
			fputs("NULL", f);
		else
			fprintf(f, "0x%" PRIx64, v);
		break;
	default: fprintf(f, "0x%" PRIx64, v); break;
	}
}

static void qs(FILE *f, const char *s)
{
	pt_escape_text(f, s ? s : "", s ? strlen(s) : 0, 1);
}

static void perms(FILE *f, uint32_t pf)
{
	/* ELF p_flags: PF_X 1, PF_W 2, PF_R 4 */
	fprintf(f, "%c%c%c", pf & 4 ? 'r' : '-', pf & 2 ? 'w' : '-', pf & 1 ? 'x' : '-');
}

static const char *seg_role(uint32_t pf)
{
	return (pf & 1) ? "code" : (pf & 2) ? "data" : "rodata";
}

static bool same_region(const struct pt_map *a, const struct pt_map *b)
{
	return a->start == b->start && a->end == b->end && a->prot == b->prot && a->offset == b->offset &&
	       !strcmp(a->path ? a->path : "", b->path ? b->path : "");
}

/* Regions of a that b does not have; both maps are sorted by address. */
static size_t count_missing(const struct pt_maps *a, const struct pt_maps *b, FILE *f, char mark)
{
	size_t n = 0, j = 0;
	for (size_t i = 0; i < a->n; i++) {
		while (j < b->n && b->v[j].start < a->v[i].start)
			j++;
		bool found = false;
		for (size_t k = j; k < b->n && b->v[k].start == a->v[i].start; k++)
			if (same_region(&a->v[i], &b->v[k]))
				found = true;
		if (found == (mark == '='))
			n++;
		if (f && found == (mark == '=')) {
			const struct pt_map *r = &a->v[i];
			fprintf(f, "      %c %012" PRIx64 "-%012" PRIx64 " %c%c%c%c %08" PRIx64 " ", mark, r->start, r->end,
				r->prot & PT_PROT_R ? 'r' : '-', r->prot & PT_PROT_W ? 'w' : '-',
				r->prot & PT_PROT_X ? 'x' : '-', r->prot & PT_PROT_SHARED ? 's' : 'p', r->offset);
			qs(f, r->path);
			fputc('\n', f);
		}
	}
	return n;
}

static const char *machine_name(int m, char *buf, size_t len)
{
	static const struct {
		int em;
		const char *name;
	} names[] = {{3, "i386"}, {62, "x86-64"}, {40, "ARM"}, {183, "AArch64"}, {243, "RISC-V"}, {8, "MIPS"},
		     {21, "PowerPC64"}, {22, "s390"}};
	for (size_t i = 0; i < PT_N_ELEMENTS(names); i++)
		if (names[i].em == m)
			return names[i].name;
	snprintf(buf, len, "machine %d", m);
	return buf;
}

static void elf_table(FILE *f, const struct pt_exec_detail *d)
{
	char mbuf[24];
	const struct pt_elf_info *e = &d->elf;
	uint64_t bias = d->layout.valid ? d->layout.load_bias : 0;
	fprintf(f, "    ELF%d %s%s %s", e->elf_class, e->type == 2 ? "EXEC" : e->type == 3 ? "DYN" : "(other type)",
		e->type == 3 ? (e->interp ? " (PIE)" : " (static PIE or library)") : "",
		machine_name(e->machine, mbuf, sizeof(mbuf)));
	if (e->interp) {
		fputs(", interpreter ", f);
		qs(f, e->interp);
	} else {
		fputs(", statically linked", f);
	}
	if (d->layout.valid)
		fprintf(f, ", load bias 0x%" PRIx64, bias);
	fputc('\n', f);
	fputs("      segment  file offset  file size  mem size   vaddr      runtime address     perms  map\n", f);
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct pt_elf_seg *sg = &e->segs[i];
		fprintf(f, "      %-8s 0x%-10" PRIx64 " 0x%-8" PRIx64 " 0x%-8" PRIx64 " 0x%-8" PRIx64 " ", seg_role(sg->flags),
			sg->offset, sg->filesz, sg->memsz, sg->vaddr);
		if (d->layout.valid)
			fprintf(f, "0x%-17" PRIx64 " ", bias + sg->vaddr);
		else
			fputs("?                   ", f);
		perms(f, sg->flags);
		if (sg->map_index >= 0)
			fprintf(f, "    #%d", sg->map_index);
		fputc('\n', f);
	}
	if (e->nsecs)
		fputs("      section  file offset  size       runtime address\n", f);
	for (size_t i = 0; i < e->nsecs; i++) {
		const struct pt_elf_sec *sc = &e->secs[i];
		bool nobits = !strcmp(sc->name ? sc->name : "", ".bss");
		fprintf(f, "      %-8s ", sc->name ? sc->name : "?");
		if (nobits)
			fputs("(none)       ", f);
		else
			fprintf(f, "0x%-10" PRIx64 " ", sc->offset);
		fprintf(f, "0x%-8" PRIx64 " ", sc->size);
		if (d->layout.valid)
			fprintf(f, "0x%" PRIx64, bias + sc->addr);
		fputs(nobits ? "  (zero-filled, no file bytes)\n" : "\n", f);
	}
	fprintf(f, "      entry point 0x%" PRIx64, e->entry);
	if (d->layout.valid)
		fprintf(f, " in the file, 0x%" PRIx64 " at runtime (AT_ENTRY)", d->layout.at_entry);
	if (d->layout.valid && d->layout.at_base)
		fprintf(f, "; interpreter loaded at 0x%" PRIx64 " (AT_BASE)", d->layout.at_base);
	fputc('\n', f);
}

void pt_textfmt_exec_detail(FILE *f, const struct pt_exec_detail *d, bool verbose)
{
	if (d->interp_script) {
		fputs("    script: ", f);
		qs(f, d->interp_script);
		fputs(" (the kernel ran this interpreter", f);
		if (d->script_argv) {
			fputs(" with argv [", f);
			for (size_t i = 0; i < d->script_argc; i++) {
				if (i)
					fputs(", ", f);
				qs(f, d->script_argv[i]);
			}
			fputc(']', f);
		}
		fputs(")\n", f);
	}
	if (d->exe && d->interp_script) {
		fputs("    loaded: ", f);
		qs(f, d->exe);
		fputc('\n', f);
	}
	if (d->elf.error) {
		fputs("    ELF: cannot read: ", f);
		qs(f, d->elf.error);
		fputc('\n', f);
	} else {
		elf_table(f, d);
	}
	size_t removed = count_missing(&d->maps_before, &d->maps_after, NULL, '-');
	size_t added = count_missing(&d->maps_after, &d->maps_before, NULL, '+');
	size_t kept = count_missing(&d->maps_after, &d->maps_before, NULL, '=');
	if (d->maps_before_unseen)
		fprintf(f, "    memory map: before exec not seen (no stop at the execve's entry, as with --events-only), "
			   "%zu regions after%s\n",
			d->maps_after.n, verbose ? "" : " (-v lists them)");
	else
		fprintf(f, "    memory map: %zu regions before exec, %zu after: %zu removed, %zu added, %zu kept%s\n",
			d->maps_before.n, d->maps_after.n, removed, added, kept, verbose ? "" : " (-v lists them)");
	if (verbose) {
		count_missing(&d->maps_before, &d->maps_after, f, '-');
		count_missing(&d->maps_after, &d->maps_before, f, '+');
		count_missing(&d->maps_after, &d->maps_before, f, '=');
	}
	bool any_leak = false;
	for (size_t i = 0; i < d->nfds; i++)
		any_leak |= d->fds[i].leaked;
	if (d->nfds && (verbose || any_leak)) {
		fputs("    fds:", f);
		for (size_t i = 0; i < d->nfds; i++) {
			if (!verbose && !d->fds[i].leaked && d->fds[i].fd > 2)
				continue;
			fprintf(f, " %d=", d->fds[i].fd);
			qs(f, d->fds[i].target);
			if (d->fds[i].leaked)
				fputs(" (LEAKED across exec: no O_CLOEXEC)", f);
		}
		fputc('\n', f);
	}
	if (d->env_known && d->nenv) {
		fputs("    env:", f);
		for (size_t i = 0; i < d->nenv; i++) {
			const struct pt_env_change *c = &d->env[i];
			fputs(!c->old_val ? " +" : !c->new_val ? " -" : " ~", f);
			qs(f, c->name);
			if (c->new_val) {
				fputc('=', f);
				qs(f, c->new_val);
			}
			if (c->old_val && c->new_val) {
				fputs(" (was ", f);
				qs(f, c->old_val);
				fputc(')', f);
			}
		}
		fputc('\n', f);
	}
}

void pt_textfmt_exit_maps(FILE *f, const struct pt_maps *m, bool verbose)
{
	uint64_t total = 0, files = 0;
	for (size_t i = 0; i < m->n; i++) {
		total += m->v[i].end - m->v[i].start;
		if (m->v[i].path && m->v[i].path[0] == '/')
			files++;
	}
	fprintf(f, "    memory map at exit: %zu regions%s, %" PRIu64 " KiB, %" PRIu64 " file-backed%s\n", m->n,
		m->truncated ? " (more not kept)" : "", total / 1024, files, verbose ? "" : " (-v lists them)");
	if (!verbose)
		return;
	for (size_t i = 0; i < m->n; i++) {
		const struct pt_map *r = &m->v[i];
		fprintf(f, "      %012" PRIx64 "-%012" PRIx64 " %c%c%c%c %08" PRIx64 " ", r->start, r->end,
			r->prot & PT_PROT_R ? 'r' : '-', r->prot & PT_PROT_W ? 'w' : '-', r->prot & PT_PROT_X ? 'x' : '-',
			r->prot & PT_PROT_SHARED ? 's' : 'p', r->offset);
		qs(f, r->path);
		fputc('\n', f);
	}
}

void pt_textfmt_stack(FILE *f, const struct pt_stack *st)
{
	for (size_t i = 0; i < st->n; i++) {
		const struct pt_frame *fr = &st->frames[i];
		fprintf(f, "    #%-2zu 0x%016" PRIx64, i, fr->ip);
		if (fr->func) {
			fputc(' ', f);
			pt_escape_text_bare(f, fr->func, strlen(fr->func), 1);
			fprintf(f, "+0x%" PRIx64, fr->off);
		}
		if (fr->module) {
			fputs(" in ", f);
			pt_escape_text_bare(f, fr->module, strlen(fr->module), 1);
			fprintf(f, "+0x%" PRIx64, fr->module_off);
		}
		fputc('\n', f);
	}
	if (st->error)
		fprintf(f, "    (stack incomplete: %s)\n", st->error);
}
