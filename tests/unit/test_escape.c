/* Escaping of tracee-controlled bytes. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "pt/buf.h"
#include "pt/escape.h"
#include "pt/util.h"

static char *capture(void (*fn)(FILE *, const char *, size_t), const char *s, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	fn(f, s, len);
	fclose(f);
	return buf;
}

static void text_utf8(FILE *f, const char *s, size_t len)
{
	pt_escape_text(f, s, len, 1);
}

Test(escape, text_neutralises_terminal_controls)
{
	const char in[] = "a\x1b[31mred\x07\n\t\"\\\x9b" "b";
	char *out = capture(text_utf8, in, sizeof(in) - 1);
	for (const char *p = out; *p; p++)
		cr_assert((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f, "raw control byte in %s", out);
	cr_assert(strstr(out, "\\x1b[31mred\\x07\\n\\t\\\"\\\\\\x9bb"), "%s", out);
	free(out);
}

Test(escape, text_keeps_valid_utf8_and_escapes_c1)
{
	const char in[] = "h\xc3\xa9llo \xc2\x9b";   /* é, then U+009B (CSI): a terminal control */
	char *out = capture(text_utf8, in, sizeof(in) - 1);
	cr_assert_str_eq(out, "\"h\xc3\xa9llo \\xc2\\x9b\"");
	free(out);
}

Test(escape, json_is_valid_and_round_trips_every_byte)
{
	char in[256];
	for (int i = 0; i < 255; i++)
		in[i] = (char)(i + 1);      /* every byte but NUL, including invalid UTF-8 */
	char *out = capture(pt_escape_json, in, 255);
	pt_json_premap(out, strlen(out));
	json_object *o = json_tokener_parse(out);
	cr_assert_not_null(o, "not JSON: %s", out);
	cr_assert(json_object_is_type(o, json_type_string));
	size_t len = (size_t)json_object_get_string_len(o);
	char *back = malloc(len + 1);
	memcpy(back, json_object_get_string(o), len + 1);
	len = pt_unescape_surrogates(back, len);
	cr_assert_eq(len, 255);
	cr_assert_arr_eq(back, in, 255);
	free(back);
	json_object_put(o);
	free(out);
}

Test(escape, json_escapes_what_json_requires)
{
	const char in[] = "q\"b\\n\n\x01\x7f";
	char *out = capture(pt_escape_json, in, sizeof(in) - 1);
	cr_assert_str_eq(out, "\"q\\\"b\\\\n\\n\\u0001\\u007f\"");
	free(out);
}

Test(escape, json_round_trips_genuine_private_use_and_escaped_backslashes)
{
	/* U+F780 (EF 9E 80) is where escapes land in our reader: it must survive,
	 * and so must the text backslash-u-d-c-8-0 (an escaped backslash). */
	const char in[] = "x\xef\x9e\x80y\\udc80z\x80";
	char *out = capture(pt_escape_json, in, sizeof(in) - 1);
	pt_json_premap(out, strlen(out));
	json_object *o = json_tokener_parse(out);
	cr_assert_not_null(o, "not JSON: %s", out);
	size_t len = (size_t)json_object_get_string_len(o);
	char *back = malloc(len + 1);
	memcpy(back, json_object_get_string(o), len + 1);
	len = pt_unescape_surrogates(back, len);
	cr_assert_eq(len, sizeof(in) - 1);
	cr_assert_arr_eq(back, in, len);
	free(back);
	json_object_put(o);
	free(out);
}

Test(escape, premap_leaves_surrogate_pairs_alone)
{
	char line[] = "\"\\ud83d\\udc80\"";     /* U+1F480 escaped as a pair */
	pt_json_premap(line, strlen(line));
	json_object *o = json_tokener_parse(line);
	cr_assert_not_null(o);
	cr_assert_str_eq(json_object_get_string(o), "\xf0\x9f\x92\x80");
	json_object_put(o);
}

/* Found with tests/fuzz/fuzz_escape: the text backslash-u-d-8-3-d (an
 * escaped backslash, so no high surrogate) followed by a byte that is not
 * UTF-8.  premap took "\\ud83d\udc80" for a surrogate pair and left the
 * \udc80 to json-c, which made it U+FFFD: the byte was lost. */
Test(escape, json_round_trips_surrogate_lookalike_text_before_a_raw_byte)
{
	static const char *const ins[] = {"\\ud83d\x80", "a\\uDBFF\xff", "\\\\ud83d\x80", "\\ud83d\\udc80\x80"};
	for (size_t i = 0; i < PT_N_ELEMENTS(ins); i++) {
		const char *in = ins[i];
		char *out = capture(pt_escape_json, in, strlen(in));
		pt_json_premap(out, strlen(out));
		json_object *o = json_tokener_parse(out);
		cr_assert_not_null(o, "not JSON: %s", out);
		size_t len = (size_t)json_object_get_string_len(o);
		char *back = malloc(len + 1);
		memcpy(back, json_object_get_string(o), len + 1);
		len = pt_unescape_surrogates(back, len);
		cr_assert(len == strlen(in) && !memcmp(back, in, len), "input %zu did not round-trip (%s)", i, out);
		free(back);
		json_object_put(o);
		free(out);
	}
}

/* ---- the report views' escapers (moved from model.c, svg.c and dot.c;
 * the expected strings are what those wrote) ---- */

static char *safe(const char *s)
{
	struct pt_buf b = {0};
	pt_escape_safe_buf(&b, s);
	cr_assert(!b.oom);
	char *out = strdup(b.s ? b.s : "");
	pt_buf_free(&b);
	return out;
}

Test(escape, safe_text_escapes_controls_and_backslashes_only)
{
	/* ESC, BEL, DEL, CR, a C1 control (U+009B), a lone continuation byte
	 * and an overlong '/': hex; quotes stay for the view's own quoting. */
	char *out = safe("a\x1b[31m\x07\x7f\r\n\t\\\"'\xc2\x9b\x80\xc0\xafz");
	cr_assert_str_eq(out, "a\\x1b[31m\\x07\\x7f\\x0d\\n\\t\\\\\"'\\xc2\\x9b\\x80\\xc0\\xafz");
	for (const char *p = out; *p; p++)
		cr_assert((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f, "raw control byte in %s", out);
	free(out);
}

Test(escape, safe_text_keeps_valid_utf8_and_stops_at_a_cut_sequence)
{
	char *out = safe("h\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x92\x80");
	cr_assert_str_eq(out, "h\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x92\x80");
	free(out);
	/* a sequence the NUL cuts short is not read past the NUL */
	out = safe("x\xe2\x80");
	cr_assert_str_eq(out, "x\\xe2\\x80");
	free(out);
	out = safe("");
	cr_assert_str_eq(out, "");
	free(out);
}

static void xml(FILE *f, const char *s, size_t len)
{
	pt_escape_xml(f, s, len);
}

static void dot(FILE *f, const char *s, size_t len)
{
	pt_escape_dot(f, s, len);
}

Test(escape, xml_escapes_the_five_entities_and_nothing_else)
{
	const char in[] = "<a href=\"x\">&amp; it's</a> \\x07 \xc3\xa9";
	char *out = capture(xml, in, sizeof(in) - 1);
	cr_assert_str_eq(out, "&lt;a href=&quot;x&quot;&gt;&amp;amp; it&apos;s&lt;/a&gt; \\x07 \xc3\xa9");
	free(out);
	out = capture(xml, "", 0);
	cr_assert_str_eq(out, "");
	free(out);
}

Test(escape, dot_doubles_backslashes_quotes_and_writes_newlines_as_dot_escapes)
{
	const char in[] = "12 sh\n\"a b\" c\\\\x1b\nexited 0\n";
	char *out = capture(dot, in, sizeof(in) - 1);
	cr_assert_str_eq(out, "12 sh\\n\\\"a b\\\" c\\\\\\\\x1b\\nexited 0\\n");
	free(out);
}

/* JSON for an HTML <script> element: the markup characters and the JS line
 * separators become \u escapes, the JSON still parses to the same string,
 * and a cut sequence at the end is left alone. */
Test(escape, json_html_hides_markup_and_line_separators)
{
	const char in[] = "</script><!--a&b\xe2\x80\xa8\xe2\x80\xa9 \xe2\x80\xa7\xc3\xa9";
	char *buf = NULL;
	size_t n = 0;
	struct pt_buf b = {0};
	pt_escape_json_buf(&b, in, sizeof(in) - 1);
	FILE *f = open_memstream(&buf, &n);
	pt_escape_json_html(f, b.s, b.len);
	fclose(f);
	cr_assert_str_eq(buf, "\"\\u003c/script\\u003e\\u003c!--a\\u0026b\\u2028\\u2029 \xe2\x80\xa7\xc3\xa9\"");
	json_object *o = json_tokener_parse(buf);
	cr_assert_not_null(o);
	cr_assert_str_eq(json_object_get_string(o), in);
	json_object_put(o);
	free(buf);
	pt_buf_free(&b);
	buf = capture(pt_escape_json_html, "x\xe2\x80", 3);
	cr_assert_str_eq(buf, "x\xe2\x80");
	free(buf);
}
