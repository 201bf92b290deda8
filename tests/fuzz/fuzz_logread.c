/* libFuzzer: the log reader (src/report/logread.c) on arbitrary bytes read as a
 * JSONL log.  Every message is one line; whatever it accepts is written
 * again by the jsonl sink, and that log must be read back whole and written
 * to the same bytes (report --format jsonl is a fixed point).  Seed it with
 * single lines of the logs in tests/fixtures/logs behind their start line. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/logread.h"
#include "pt/sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the log in buf and writes what it accepts as JSONL into *out.
 * Returns the number of events; *rc the reader's last return. */
static size_t pass(const char *buf, size_t size, char **out, size_t *outlen, int *rc)
{
	size_t nev = 0;
	*out = NULL;
	*outlen = 0;
	*rc = 0;
	FILE *in = fmemopen((void *)buf, size, "r");
	FILE *o = open_memstream(out, outlen);
	struct pt_logread *r = NULL;
	struct pt_sink *s = NULL;
	if (!in || !o || pt_logread_open_fp(in, "fuzz", &r) < 0 || !(s = pt_sink_jsonl_new(o, false)))
		goto done;
	for (;;) {
		struct pt_event ev;
		char err[256];
		memset(err, 'x', sizeof(err));
		*rc = pt_logread_next(r, &ev, err, sizeof(err));
		/* the message: NUL-terminated in err, one line */
		const char *nul = memchr(err, 0, sizeof(err));
		if (!nul || memchr(err, '\n', (size_t)(nul - err)))
			__builtin_trap();
		if (*rc < 0 && !err[0])
			__builtin_trap();
		if (*rc <= 0)
			break;
		s->ops->emit(s, &ev);
		nev++;
	}
	s->ops->finish(s);
done:
	if (s)
		s->ops->destroy(s);
	pt_logread_close(r);
	if (in)
		fclose(in);
	if (o)
		fclose(o);
	return nev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out1, *out2;
	size_t len1, len2;
	int rc1, rc2;
	if (!size)
		return 0;    /* fmemopen needs a buffer */
	size_t n1 = pass((const char *)data, size, &out1, &len1, &rc1);
	if (n1 && out1) {
		size_t n2 = pass(out1, len1, &out2, &len2, &rc2);
		if (rc2 < 0 || n2 != n1 || !out2 || len2 != len1 || memcmp(out1, out2, len1))
			__builtin_trap();
		free(out2);
	}
	free(out1);
	return 0;
}
