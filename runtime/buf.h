/*
 * buf.h - growable memory for the whole runtime: a byte or text buffer
 * (struct rt_buf) and the growth of any array (rt_vec_grow), both by
 * doubling.  Nothing here aborts: an allocation that fails returns -1 (a
 * buffer remembers it in oom, so a run of appends is checked once).
 */
#ifndef EDGENET_RT_BUF_H
#define EDGENET_RT_BUF_H

#include <stddef.h>

/* Bytes or text; { 0 } is an empty buffer.  p is NUL-terminated after
 * every text append while !oom.  The owner frees p (rt_buf_free). */
struct rt_buf {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

/*
 * Makes room for `more` elements after the first n of the array whose
 * pointer is at vp (any T **, NULL when empty) and whose capacity is
 * *cap, for elements of size sz.  0, or -1 on OOM with the array as it
 * was.
 */
int	rt_vec_grow(void *vp, size_t *cap, size_t n, size_t more, size_t sz);

/* Room for `more` bytes after len; -1 (and oom set) on OOM. */
int	rt_buf_reserve(struct rt_buf *, size_t more);
void	rt_buf_put(struct rt_buf *, const void *p, size_t n);
void	rt_buf_puts(struct rt_buf *, const char *s);
void	rt_buf_printf(struct rt_buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* n bytes as lower-case hex. */
void	rt_buf_hex(struct rt_buf *, const void *p, size_t n);
/* The text as a new string (the buffer emptied), or NULL on OOM (the
 * buffer freed). */
char	*rt_buf_take(struct rt_buf *);
void	rt_buf_free(struct rt_buf *);

#endif
