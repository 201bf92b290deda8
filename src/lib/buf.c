/* Growable string and number formatting without stdio. */
#include "pt/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool pt_buf_reserve(struct pt_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void pt_buf_free(struct pt_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void pt_buf_printf(struct pt_buf *b, const char *fmt, ...)
{
	va_list ap;
	if (!pt_buf_reserve(b, 128))
		return;
	/* Usually fits: format once, straight into the free space. */
	va_start(ap, fmt);
	int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->s[b->len] = 0;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!pt_buf_reserve(b, (size_t)n)) {
			b->s[b->len] = 0;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void pt_buf_u64(struct pt_buf *b, uint64_t v)
{
	char tmp[20];
	int i = 20;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	pt_buf_add(b, tmp + i, (size_t)(20 - i));
}

void pt_buf_i64(struct pt_buf *b, int64_t v)
{
	if (v < 0) {
		pt_buf_putc(b, '-');
		pt_buf_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		pt_buf_u64(b, (uint64_t)v);
	}
}

void pt_buf_hexw(struct pt_buf *b, uint64_t v, int width)
{
	static const char hexdig[] = "0123456789abcdef";
	char tmp[16];
	int i = 16;
	do {
		tmp[--i] = hexdig[v & 15];
		v >>= 4;
	} while (v || 16 - i < width);
	pt_buf_add(b, tmp + i, (size_t)(16 - i));
}

void pt_buf_hex(struct pt_buf *b, uint64_t v)
{
	pt_buf_add(b, "0x", 2);
	pt_buf_hexw(b, v, 1);
}
