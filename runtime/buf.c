/*
 * buf.c - growable buffers and arrays (buf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int
rt_vec_grow(void *vp, size_t *cap, size_t n, size_t more, size_t sz)
{
	size_t ncap;
	void *p;

	if (n + more <= *cap)
		return 0;
	if (n + more < n || sz == 0)
		return -1;
	ncap = *cap ? *cap : 16;
	while (ncap < n + more) {
		if (ncap > ((size_t)-1 >> 1) / sz)
			return -1;
		ncap *= 2;
	}
	/* vp may point at any T *: copy the pointer, do not cast it */
	memcpy(&p, vp, sizeof(p));
	if ((p = realloc(p, ncap * sz)) == NULL)
		return -1;
	memcpy(vp, &p, sizeof(p));
	*cap = ncap;
	return 0;
}

int
rt_buf_reserve(struct rt_buf *b, size_t more)
{
	if (b->oom)
		return -1;
	if (rt_vec_grow(&b->p, &b->cap, b->len, more, 1) == -1) {
		b->oom = 1;
		return -1;
	}
	return 0;
}

void
rt_buf_put(struct rt_buf *b, const void *p, size_t n)
{
	if (rt_buf_reserve(b, n + 1) == -1)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
rt_buf_puts(struct rt_buf *b, const char *s)
{
	rt_buf_put(b, s, strlen(s));
}

void
rt_buf_printf(struct rt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* one pass when it fits, as it mostly does */
	if (rt_buf_reserve(b, 64) == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (rt_buf_reserve(b, (size_t)n + 1) == -1)
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
rt_buf_hex(struct rt_buf *b, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = p;
	size_t i;

	if (rt_buf_reserve(b, 2 * n + 1) == -1)
		return;
	for (i = 0; i < n; i++) {
		b->p[b->len++] = hex[u[i] >> 4];
		b->p[b->len++] = hex[u[i] & 15];
	}
	b->p[b->len] = '\0';
}

char *
rt_buf_take(struct rt_buf *b)
{
	char *s;

	if (rt_buf_reserve(b, 1) == -1) {
		rt_buf_free(b);
		return NULL;
	}
	b->p[b->len] = '\0';
	s = b->p;
	memset(b, 0, sizeof(*b));
	return s;
}

void
rt_buf_free(struct rt_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
