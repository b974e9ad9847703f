/*
 * rt.h - edgenet-apply: shared runtime declarations.
 *
 * The runtime links libc, libmnl and libnftnl only.  It never aborts on
 * OOM: functions return -1 (or NULL) and leave a message in the caller's
 * error buffer.  Names follow rt_<object>_<verb>.
 */
#ifndef EDGENET_RT_H
#define EDGENET_RT_H

#include <stddef.h>
#include <stdint.h>

#ifdef UNITTESTS
#define STATIC
#else
#define STATIC static
#endif

#define RT_ERRLEN	512
#define RT_IFNAMSIZ	16	/* IFNAMSIZ: 15 characters + NUL */
#define RT_IDLEN	64	/* instance/device ids: 1..63 characters */
#define RT_DEVNS	"."	/* namespace key of the device itself */

/* Formats into err (NUL-terminated, truncated to errlen).  Returns -1. */
int	rt_errf(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* snprintf that reports truncation: 0, or -1 when buf was too small. */
int	rt_strf(char *buf, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Address or prefix: family AF_INET/AF_INET6, len = prefix length. */
struct rt_pfx {
	uint8_t	family;
	uint8_t	len;
	uint8_t	a[16];
};

/*
 * Parses "A" (full-length prefix) or "A/P" strictly: no leading zeros in
 * P, P within the family's range.  With zero_host, host bits must be zero.
 * Returns 0 or -1.
 */
int	rt_pfx_parse(const char *s, size_t n, int want_len, int zero_host,
	    struct rt_pfx *out);
/* "A/P", or "A" when !with_len.  buf needs 50 bytes. */
void	rt_pfx_format(const struct rt_pfx *, int with_len, char *buf,
	    size_t len);
int	rt_pfx_equal(const struct rt_pfx *, const struct rt_pfx *);

/*
 * Whole-file helpers.  rt_file_read: new buffer (NUL-terminated, caller
 * frees) of at most max bytes; -1 with errno on error (EFBIG when larger).
 * rt_file_write_atomic: write to PATH.tmp, fsync, rename, fsync the
 * directory.  -1 with errno.
 */
int	rt_file_read(const char *path, size_t max, char **out, size_t *len);
/* The same, path relative to the directory dfd (or AT_FDCWD). */
int	rt_file_readat(int dfd, const char *path, size_t max, char **out,
	    size_t *len);
int	rt_file_write_atomic(const char *path, const void *p, size_t n,
	    unsigned mode);
/* The same without any fsync when !sync: for files the runtime can
 * re-create from a stored bundle (see main.c: --recover). */
int	rt_file_replace(const char *path, const void *p, size_t n,
	    unsigned mode, int sync);
int	rt_dir_fsync(const char *path);
/* mkdir -p with mode; -1 with errno. */
int	rt_mkdirs(const char *path, unsigned mode);

#endif
