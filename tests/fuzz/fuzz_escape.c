/* libFuzzer: the escapers (src/lib/escape.c) on arbitrary bytes.  The JSON
 * escape must round-trip exactly as the log reader undoes it (premap, json-c,
 * unescape: every byte back, NULs and invalid UTF-8 included), and the
 * terminal escape must let no control byte through. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/buf.h"
#include "pt/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void json_round_trip(const uint8_t *data, size_t size)
{
	struct pt_buf b = {0};
	pt_escape_json_buf(&b, (const char *)data, size);
	if (b.oom || !b.s)
		goto out;
	/* one JSON string on one line: the writer's output is a log line */
	if (memchr(b.s, '\n', b.len))
		__builtin_trap();
	pt_json_premap(b.s, b.len);
	json_tokener *tok = json_tokener_new();
	if (!tok)
		goto out;
	json_object *o = json_tokener_parse_ex(tok, b.s, (int)b.len);
	if (!o || json_tokener_get_parse_end(tok) != b.len || !json_object_is_type(o, json_type_string))
		__builtin_trap();
	size_t n = (size_t)json_object_get_string_len(o);
	char *back = malloc(n + 1);
	if (back) {
		memcpy(back, json_object_get_string(o), n + 1);
		n = pt_unescape_surrogates(back, n);
		if (n != size || (size && memcmp(back, data, size)))
			__builtin_trap();
		free(back);
	}
	json_object_put(o);
	json_tokener_free(tok);
out:
	pt_buf_free(&b);
}

static void text_is_safe(const uint8_t *data, size_t size, int utf8)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return;
	pt_escape_text(f, (const char *)data, size, utf8);
	if (fclose(f) != 0)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f || (!utf8 && c >= 0x80))
			__builtin_trap();
		/* C1 controls (U+0080..U+009F) act on terminals too */
		if (c == 0xc2 && i + 1 < len && (unsigned char)out[i + 1] < 0xa0)
			__builtin_trap();
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_round_trip(data, size);
	text_is_safe(data, size, 1);
	text_is_safe(data, size, 0);
	return 0;
}
