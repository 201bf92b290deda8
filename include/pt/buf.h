/* A growable string with cheap appenders, always NUL-terminated.  The JSONL
 * writer formats lines here instead of through stdio (which dominated the
 * tracer's cost); the report views build their text with it. */
#ifndef PT_BUF_H
#define PT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pt_buf {
	char *s;
	size_t len, cap;
	bool oom;           /* an allocation failed: the content is incomplete */
};

/* Makes room for n more bytes and the NUL; sets oom on failure. */
bool pt_buf_reserve(struct pt_buf *b, size_t n);
void pt_buf_free(struct pt_buf *b);

static inline void pt_buf_add(struct pt_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap && !pt_buf_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static inline void pt_buf_puts(struct pt_buf *b, const char *s)
{
	pt_buf_add(b, s, strlen(s));
}

static inline void pt_buf_putc(struct pt_buf *b, char c)
{
	pt_buf_add(b, &c, 1);
}

void pt_buf_printf(struct pt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pt_buf_u64(struct pt_buf *b, uint64_t v);
void pt_buf_i64(struct pt_buf *b, int64_t v);
/* "0x1f" (no quotes) */
void pt_buf_hex(struct pt_buf *b, uint64_t v);
/* v in hex, zero-padded to width digits, no prefix */
void pt_buf_hexw(struct pt_buf *b, uint64_t v, int width);

#endif
