/*
 * buf.h - the compiler's growable byte buffer: every artifact, answer and
 * index is rendered into one before it is written anywhere.  Allocation
 * failure aborts (xalloc.h).
 */
#ifndef EDGENETC_BUF_H
#define EDGENETC_BUF_H

#include <stddef.h>

/* A growable byte buffer; always NUL-terminated when p != NULL. */
struct buf {
	char	*p;
	size_t	 len, cap;
};

void	 buf_add(struct buf *b, const void *p, size_t n);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_putc(struct buf *b, char c);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s with every byte outside [A-Za-z0-9 ._/:,+=>-] replaced by
 * '_', at most max bytes: text that can never end a comment or a line. */
void	 buf_put_safe(struct buf *b, const char *s, size_t max);
/* JSON string with quotes and escapes. */
void	 buf_put_json(struct buf *b, const char *s);
/* Empties b, keeping its memory. */
void	 buf_reset(struct buf *b);
void	 buf_free(struct buf *b);

#endif
