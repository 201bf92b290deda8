/* Escaping of bytes the tracee controls: the one place that decides how
 * they reach a terminal, the JSON log and the report views. */
#ifndef PT_ESCAPE_H
#define PT_ESCAPE_H

#include <stdio.h>
#include <stddef.h>

/* The value of a hex digit, or -1. */
static inline int pt_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length (2..4) of the valid UTF-8 sequence at s that is safe to show as
 * is (no C1 control, surrogate, overlong, U+FFFE/U+FFFF), 1 for ASCII, 0
 * when the byte must be escaped; reads at most left bytes. */
size_t pt_utf8_safe_len(const unsigned char *s, size_t left);

/* Writes s as a C-like quoted string for a terminal: printable ASCII as is,
 * \n \t \" \\ and other bytes as \xHH, so no control byte or escape sequence
 * reaches the terminal.  Valid UTF-8 is kept when utf8 is set. */
void pt_escape_text(FILE *fp, const char *s, size_t len, int utf8);
/* The same without the surrounding quotes (symbol and file names). */
void pt_escape_text_bare(FILE *fp, const char *s, size_t len, int utf8);
/* Writes s as a JSON string, quotes included.  Invalid UTF-8 bytes become
 * "\udcXX" (the surrogateescape convention), so every byte round-trips. */
void pt_escape_json(FILE *fp, const char *s, size_t len);
struct pt_buf;
void pt_escape_json_buf(struct pt_buf *b, const char *s, size_t len);
/* Appends s (NUL-terminated) to b as safe text for the report views: printable
 * ASCII and valid UTF-8 (pt_utf8_safe_len) as is, \\ \n \t as those escapes,
 * any other byte as \xHH.  No control byte survives, and quotes are left
 * alone for the view's own quoting (pt_escape_xml, pt_escape_dot). */
void pt_escape_safe_buf(struct pt_buf *b, const char *s);
/* Writes len bytes of s for XML character data and attribute values: & < >
 * " ' as entities, every other byte as is.  Give it safe text: XML 1.0
 * forbids most control characters even as references. */
void pt_escape_xml(FILE *fp, const char *s, size_t len);
/* Writes len bytes of s as the inside of a Graphviz string: " and \ get a
 * backslash (dot reads \n, \l, \N... in labels, so the backslashes of safe
 * text are doubled again), a newline becomes dot's "\n". */
void pt_escape_dot(FILE *fp, const char *s, size_t len);
/* Writes len bytes of JSON text (made by pt_escape_json*) so that it can sit
 * inside an HTML <script> element: < > & as \u003c \u003e \u0026 and U+2028,
 * U+2029 as \u2028 \u2029, the same JSON.  No "</script>" or "<!--" a
 * string held can end the element or change how HTML parses it. */
void pt_escape_json_html(FILE *fp, const char *s, size_t len);
/* Reading our JSON back with json-c, which would turn a lone \udcXX into
 * U+FFFD: pt_json_premap rewrites every \udcXX escape of a raw line into
 * \uf7XX (same length) before parsing, and pt_unescape_surrogates turns the
 * parsed U+F780..U+F7FF back into the original bytes (in place; returns the
 * new length).  The writer never emits U+F780..U+F7FF unescaped, so the
 * mapping is exact. */
void pt_json_premap(char *line, size_t len);
size_t pt_unescape_surrogates(char *s, size_t len);

#endif
