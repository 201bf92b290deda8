/* Escaping of tracee-controlled bytes for terminals and for JSON. */
#include "pt/escape.h"

#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one.
 * Rejects overlongs, surrogates and code points past U+10FFFF, so that what
 * we pass through is exactly what a strict JSON reader accepts. */
static size_t utf8_seq_len(const unsigned char *s, size_t left)
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
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls (U+0080..U+009F) act as terminal controls too. */
	if (cp >= 0x80 && cp < 0xa0)
		return 0;
	return n;
}

void pt_escape_text(FILE *fp, const char *str, size_t len, int utf8)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', fp);
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
		size_t n = (utf8 && c >= 0x80) ? utf8_seq_len(s + i, len - i) : 0;
		if (n > 1) {
			fwrite(s + i, 1, n, fp);
			i += n;
		} else {
			fprintf(fp, "\\x%02x", c);
			i++;
		}
	}
	fputc('"', fp);
}

void pt_escape_json(FILE *fp, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', fp);
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			fputc('\\', fp);
			fputc(c, fp);
			i++;
		} else if (c >= 0x20 && c < 0x7f) {
			fputc(c, fp);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", fp); break;
			case '\t': fputs("\\t", fp); break;
			case '\r': fputs("\\r", fp); break;
			default: fprintf(fp, "\\u%04x", c); break;
			}
			i++;
		} else {
			size_t n = utf8_seq_len(s + i, len - i);
			if (n > 1) {
				fwrite(s + i, 1, n, fp);
				i += n;
			} else {
				fprintf(fp, "\\udc%02x", c);
				i++;
			}
		}
	}
	fputc('"', fp);
}

size_t pt_unescape_surrogates(char *str, size_t len)
{
	unsigned char *s = (unsigned char *)str;
	size_t w = 0;
	for (size_t r = 0; r < len;) {
		/* U+DC80..U+DCFF encoded as UTF-8 (ED B2 80 .. ED B3 BF). */
		if (r + 2 < len && s[r] == 0xed && (s[r + 1] == 0xb2 || s[r + 1] == 0xb3) &&
		    (s[r + 2] & 0xc0) == 0x80) {
			s[w++] = (unsigned char)(((s[r + 1] & 0x03) << 6) | (s[r + 2] & 0x3f));
			r += 3;
		} else {
			s[w++] = s[r++];
		}
	}
	if (w < len)
		s[w] = 0;
	return w;
}
