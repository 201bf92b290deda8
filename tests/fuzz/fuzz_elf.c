/* libFuzzer: the ELF reader on arbitrary bytes.  Seed it with real binaries
 * (e.g. a corpus dir holding a copy of /bin/sleep and a static binary). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pt/arena.h"
#include "pt/elfinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pt_arena a;
	struct pt_elf_info e;
	if (pt_elf_read_mem(data, size, &a, &e) == 0 && !e.error) {
		/* touch everything the event writer would print */
		volatile size_t sink = 0;
		if (e.interp)
			sink += strlen(e.interp);
		for (size_t i = 0; i < e.nsegs; i++)
			sink += (size_t)(e.segs[i].offset + e.segs[i].filesz);
		for (size_t i = 0; i < e.nsecs; i++)
			sink += strlen(e.secs[i].name) + (size_t)e.secs[i].size;
		(void)sink;
		if (e.nsegs > PT_ELF_MAX_LOADS || e.nsecs > 4)
			__builtin_trap();
	}
	pt_arena_reset(&a);
	return 0;
}
