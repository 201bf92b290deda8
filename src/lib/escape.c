/* The only escaper: every byte the tracee controls goes through one of
 * these on its way to a terminal, a JSON log, or a report view (safe text,
 * then XML or Graphviz quoting). */
#include "pt/escape.h"

#include "pt/buf.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

size_t pt_utf8_safe_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlongs, surrogates and code points past U+10FFFF are not UTF-8;
	 * C1 controls (U+0080..U+009F) act as terminal controls, and XML 1.0
	 * forbids U+FFFE/U+FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp < 0xa0 || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

void pt_escape_text_bare(FILE *fp, const char *str, size_t len, int utf8)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		switch (c) {
		case '"': fputs("\\\"", fp); i++; continue;
		case '\\': fputs("\\\\", fp); i++; continue;
		case '\n': fputs("\\n", fp); i++; continue;
		case '\t': fputs("\\t", fp); i++; continue;
		case '\r': fputs("\\r", fp); i++; continue;
		default: break;
		}
		if (c >= 0x20 && c < 0x7f) {
			fputc(c, fp);
			i++;
			continue;
		}
		size_t n = (utf8 && c >= 0x80) ? pt_utf8_safe_len(s + i, len - i) : 0;
		if (n > 1) {
			fwrite(s + i, 1, n, fp);
			i += n;
		} else {
			fprintf(fp, "\\x%02x", c);
			i++;
		}
	}
}

void pt_escape_text(FILE *fp, const char *str, size_t len, int utf8)
{
	fputc('"', fp);
	pt_escape_text_bare(fp, str, len, utf8);
	fputc('"', fp);
}

void pt_escape_safe_buf(struct pt_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char hex[8];
	while (*s) {
		size_t run = 0;
		while (s[run] >= 0x20 && s[run] < 0x7f && s[run] != '\\')
			run++;
		pt_buf_add(b, (const char *)s, run);
		s += run;
		if (!*s)
			break;
		/* the NUL ends the sequence check early, so strnlen's bound is enough */
		size_t n = *s >= 0x80 ? pt_utf8_safe_len(s, strnlen((const char *)s, 4)) : 0;
		if (n) {
			pt_buf_add(b, (const char *)s, n);
			s += n;
			continue;
		}
		switch (*s) {
		case '\\': pt_buf_puts(b, "\\\\"); break;
		case '\n': pt_buf_puts(b, "\\n"); break;
		case '\t': pt_buf_puts(b, "\\t"); break;
		default:
			snprintf(hex, sizeof(hex), "\\x%02x", *s);
			pt_buf_puts(b, hex);
			break;
		}
		s++;
	}
}

void pt_escape_xml(FILE *fp, const char *str, size_t len)
{
	static const char *const ent[256] = {['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
					     ['\''] = "&apos;"};
	for (size_t i = 0; i < len; i++) {
		const char *e = ent[(unsigned char)str[i]];
		if (e)
			fputs(e, fp);
		else
			fputc(str[i], fp);
	}
}

void pt_escape_dot(FILE *fp, const char *str, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = str[i];
		if (c == '\n') {
			fputs("\\n", fp);
			continue;
		}
		if (c == '"' || c == '\\')
			fputc('\\', fp);
		fputc(c, fp);
	}
}

void pt_escape_json_buf(struct pt_buf *b, const char *str, size_t len)
{
	static const char hexdig[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	pt_buf_putc(b, '"');
	size_t run = 0;     /* start of the bytes to copy as they are */
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		size_t n = 0;
		if (c >= 0x80) {
			n = pt_utf8_safe_len(s + i, len - i);
			/* U+F780..U+F7FF (EF 9E/9F xx) is where our reader maps the
			 * \udcXX escapes (see pt_json_premap): written as escaped
			 * bytes too, so a genuine one still round-trips. */
			if (n == 3 && c == 0xef && (s[i + 1] == 0x9e || s[i + 1] == 0x9f))
				n = 0;
			if (n > 1) {
				i += n;
				continue;
			}
		}
		pt_buf_add(b, str + run, i - run);
		char esc[6] = {'\\', 'u', '0', '0', hexdig[c >> 4], hexdig[c & 15]};
		switch (c) {
		case '"': pt_buf_add(b, "\\\"", 2); break;
		case '\\': pt_buf_add(b, "\\\\", 2); break;
		case '\n': pt_buf_add(b, "\\n", 2); break;
		case '\t': pt_buf_add(b, "\\t", 2); break;
		case '\r': pt_buf_add(b, "\\r", 2); break;
		default:
			if (c >= 0x80) {    /* not UTF-8: surrogateescape */
				esc[2] = 'd';
				esc[3] = 'c';
			}
			pt_buf_add(b, esc, 6);
			break;
		}
		i++;
		run = i;
	}
	pt_buf_add(b, str + run, len - run);
	pt_buf_putc(b, '"');
}

void pt_escape_json(FILE *fp, const char *s, size_t len)
{
	struct pt_buf b = {0};
	pt_escape_json_buf(&b, s, len);
	fwrite(b.s, 1, b.len, fp);
	pt_buf_free(&b);
}

/* "<", ">" and "&" only occur inside the strings of our JSON, where
 * \u003c etc. mean the same; U+2028/2029 are valid in JSON strings but were
 * line terminators to older JavaScript. */
void pt_escape_json_html(FILE *f, const char *s, size_t len)
{
	size_t from = 0;
	for (size_t i = 0; i < len; i++) {
		const char *rep = NULL;
		size_t skip = 1;
		unsigned char c = (unsigned char)s[i];
		if (c == '<')
			rep = "\\u003c";
		else if (c == '>')
			rep = "\\u003e";
		else if (c == '&')
			rep = "\\u0026";
		else if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
			 ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			rep = (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
			skip = 3;
		}
		if (!rep)
			continue;
		fwrite(s + from, 1, i - from, f);
		fputs(rep, f);
		i += skip - 1;
		from = i + 1;
	}
	fwrite(s + from, 1, len - from, f);
}

void pt_json_premap(char *s, size_t len)
{
	/* Just past the last \uD800..\uDBFF escape.  Found scanning forward,
	 * escape by escape: looking back at the 6 bytes before an escape would
	 * take the text "\\ud83d" (an escaped backslash) for one. */
	size_t high_end = SIZE_MAX;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '\\')
			continue;
		int v = 0;     /* the value of \uXXXX, -1 for any other escape */
		for (size_t k = i + 2; k < i + 6 && v >= 0; k++) {
			int d = k < len ? pt_hex_digit(s[k]) : -1;
			v = d < 0 ? -1 : v << 4 | d;
		}
		if (s[i + 1] != 'u' || v < 0) {
			i++;    /* skip the escaped char, so "\\\\udc80" stays text */
			continue;
		}
		/* \udcXX with XX >= 0x80: one raw byte of the original, unless it
		 * ends a surrogate pair (\ud83d\udc80 from another writer). */
		if (v >= 0xdc80 && v <= 0xdcff && i != high_end) {
			s[i + 2] = 'f';
			s[i + 3] = '7';
		} else if (v >= 0xd800 && v <= 0xdbff) {
			high_end = i + 6;
		}
		i += 5;
	}
}

size_t pt_unescape_surrogates(char *str, size_t len)
{
	unsigned char *s = (unsigned char *)str;
	size_t w = 0;
	for (size_t r = 0; r < len;) {
		/* U+F780..U+F7FF as UTF-8: EF 9E 80 .. EF 9F BF -> byte 0x80..0xFF */
		if (r + 2 < len && s[r] == 0xef && (s[r + 1] == 0x9e || s[r + 1] == 0x9f) &&
		    (s[r + 2] & 0xc0) == 0x80) {
			s[w++] = (unsigned char)(0x80 | ((s[r + 1] & 0x01) << 6) | (s[r + 2] & 0x3f));
			r += 3;
		} else {
			s[w++] = s[r++];
		}
	}
	if (w < len)
		s[w] = 0;
	return w;
}
