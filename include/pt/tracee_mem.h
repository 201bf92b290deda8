/* Bounded reads of a tracee's memory. */
#ifndef PT_TRACEE_MEM_H
#define PT_TRACEE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pt/arena.h"

/* Reads exactly len bytes at addr; 0 or -errno (-EFAULT for a partial read). */
int pt_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
/* Reads a NUL-terminated string of at most max bytes into the arena.  Sets
 * *truncated when no NUL was found within max.  0 or -errno. */
int pt_mem_read_str(pid_t pid, uint64_t addr, size_t max, struct pt_arena *a, const char **out,
		    size_t *outlen, bool *truncated);

/* A NULL-terminated pointer array of strings (argv, envp) with limits on the
 * count and on the total bytes; ptr_size is 8, or 4 for 32-bit tracees. */
struct pt_strvec {
	const char **v;
	size_t n;
	bool truncated;
};
int pt_mem_read_strvec(pid_t pid, uint64_t addr, unsigned ptr_size, size_t max_n, size_t max_bytes,
		       struct pt_arena *a, struct pt_strvec *out);

/* The page a string reader read last: an exec's path and its argv strings
 * usually sit side by side (execv(path, argv) with argv[0] == path), and
 * one process_vm_readv then serves them all.  Set len to 0 before first
 * use; the results are those of the functions above. */
struct pt_mem_chunk {
	uint64_t base;
	size_t len;
	char buf[4096];
};
int pt_mem_read_str_chunk(pid_t pid, struct pt_mem_chunk *c, uint64_t addr, size_t max, struct pt_arena *a,
			  const char **out, size_t *outlen, bool *truncated);
int pt_mem_read_strvec_chunk(pid_t pid, struct pt_mem_chunk *c, uint64_t addr, unsigned ptr_size, size_t max_n,
			     size_t max_bytes, struct pt_arena *a, struct pt_strvec *out);

#endif
