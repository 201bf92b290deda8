/* Escaping of bytes the tracee controls. */
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
/* Reading our JSON back with json-c, which would turn a lone \udcXX into
 * U+FFFD: pt_json_premap rewrites every \udcXX escape of a raw line into
 * \uf7XX (same length) before parsing, and pt_unescape_surrogates turns the
 * parsed U+F780..U+F7FF back into the original bytes (in place; returns the
 * new length).  The writer never emits U+F780..U+F7FF unescaped, so the
 * mapping is exact. */
void pt_json_premap(char *line, size_t len);
size_t pt_unescape_surrogates(char *s, size_t len);

#endif
