/* libFuzzer: the /proc text parsers (maps, stat, status, fdinfo, environ)
 * and auxv on arbitrary bytes.  The buffer is handed over without a NUL
 * terminator, as the parsers must not need one. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pt/arena.h"
#include "pt/envdiff.h"
#include "pt/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pt_arena a;
	const char *buf = (const char *)data;
	volatile size_t sink = 0;

	struct pt_maps m;
	if (pt_procfs_parse_maps(buf, size, &a, 64, &m) == 0) {
		if (m.n > 64)
			__builtin_trap();
		for (size_t i = 0; i < m.n; i++) {
			if (m.v[i].end < m.v[i].start)
				__builtin_trap();
			sink += strlen(m.v[i].path);
		}
	}

	struct pt_proc_stat st;
	if (pt_procfs_parse_stat(buf, size, &st) == 0)
		sink += strlen(st.comm);
	struct pt_proc_status ss;
	if (pt_procfs_parse_status(buf, size, &ss) == 0)
		sink += strlen(ss.name);
	struct pt_auxv av;
	(void)pt_procfs_parse_auxv(data, size, &av);
	(void)pt_procfs_parse_auxv32(data, size, &av);
	uint64_t pos;
	uint32_t flags;
	(void)pt_procfs_parse_fdinfo(buf, size, &pos, &flags);

	/* environ, and a diff of the two halves against each other */
	struct pt_env e1, e2;
	if (pt_procfs_parse_environ(buf, size / 2, &a, 256, &e1) == 0 &&
	    pt_procfs_parse_environ(buf + size / 2, size - size / 2, &a, 256, &e2) == 0) {
		const struct pt_env_change *ch;
		size_t n;
		if (pt_env_diff(e1.v, e1.n, e2.v, e2.n, &a, &ch, &n) == 0) {
			for (size_t i = 0; i < n; i++) {
				if (!ch[i].old_val && !ch[i].new_val)
					__builtin_trap();
				if (i && strcmp(ch[i - 1].name, ch[i].name) >= 0)
					__builtin_trap();
			}
		}
	}
	(void)sink;
	pt_arena_reset(&a);
	return 0;
}
