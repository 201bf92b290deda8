/* The initial stack of a new image, as the kernel left it at
 * PTRACE_EVENT_EXEC (src/inspect/execstack.c): from the stack pointer up,
 * argc, the argv pointers and a NULL, the envp pointers and a NULL, the
 * auxv pairs up to AT_NULL; above them the strings (argv's, envp's, then
 * the AT_EXECFN path) up to the top of the stack mapping.
 *
 * One process_vm_readv of that block gives argv, envp, auxv and execfn,
 * instead of opening /proc/PID/cmdline, environ and auxv.  The parser takes
 * the block as a buffer (tested without a live process).  Nothing in it is
 * trusted: every pointer is checked against the block, every string must
 * end inside it.  A piece whose pointers or strings are not all inside is
 * reported as such (the caller reads it from /proc instead); nothing is
 * ever read outside [buf, buf + len). */
#ifndef PT_EXECSTACK_H
#define PT_EXECSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/procfs.h"

enum pt_xs_status {
	PT_XS_OK = 0,
	PT_XS_OUTSIDE,      /* a pointer or a string reaches past the block: fall back */
	PT_XS_BAD,          /* malformed (the pointer arrays themselves do not fit): fall back */
};

struct pt_xs_vec {
	const char *const *v;   /* n strings, NULL-terminated; in the arena */
	size_t n;
	bool truncated;         /* cut at max_n entries or max_bytes bytes (like pt_mem_read_strvec) */
	enum pt_xs_status status;
};

struct pt_exec_stack {
	struct pt_xs_vec argv, env;
	struct pt_auxv auxv;
	enum pt_xs_status auxv_status;
	const char *execfn;     /* AT_EXECFN's string, NULL when absent or outside */
};

/* buf holds len bytes of the tracee's memory from address base (= the
 * stack pointer at the exec event); word is the tracee's pointer size (8,
 * or 4 for a 32-bit image).  argv and env are each cut at max_n entries
 * and max_bytes bytes of strings.  Strings are copied into the arena.
 * 0 (each piece then has its own status), -EINVAL for a bad word size or
 * a block without even argc, -ENOMEM. */
int pt_exec_stack_parse(const void *buf, size_t len, uint64_t base, unsigned word, size_t max_n,
			size_t max_bytes, struct pt_arena *a, struct pt_exec_stack *out);

#endif
