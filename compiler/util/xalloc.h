/*
 * xalloc.h - compiler-side allocation helpers.
 *
 * The compiler treats out-of-memory as fatal (as nftables does): every
 * x*() function either returns memory or aborts.  The runtime never uses
 * this file.
 */
#ifndef EDGENETC_XALLOC_H
#define EDGENETC_XALLOC_H

#include <stddef.h>

#ifdef UNITTESTS
#define STATIC
#else
#define STATIC static
#endif

void	*xmalloc(size_t n);
void	*xzalloc(size_t n);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Grow *arr (elements of size elsz, *cap slots) so that it can hold at
 * least n + 1 elements.  Zeroes the new slots.
 */
void	 xgrow(void *arrp, size_t *cap, size_t n, size_t elsz);

#define XPUSH(arr, n, cap) \
	(xgrow(&(arr), &(cap), (n), sizeof(*(arr))), &(arr)[(n)++])

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
