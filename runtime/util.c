/*
 * util.c - small helpers shared by the runtime modules: error formatting,
 * name and prefix validation, whole-file I/O with atomic replacement.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

int
rt_errf(char *err, size_t errlen, const char *fmt, ...)
{
	char buf[RT_ERRLEN];
	va_list ap;

	/* The arguments may point into err itself. */
	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		snprintf(err, errlen, "%s", buf);
	}
	return -1;
}

int
rt_strf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
rt_pfx_parse(const char *s, size_t n, int want_len, int zero_host,
    struct rt_pfx *out)
{
	char buf[64];
	const char *slash;
	size_t alen, i;
	unsigned plen = 0, max;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(buf))
		return -1;
	slash = memchr(s, '/', n);
	if ((slash == NULL && want_len > 0) || (slash != NULL && want_len < 0))
		return -1;
	alen = slash != NULL ? (size_t)(slash - s) : n;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (memchr(buf, ':', alen) != NULL) {
		out->family = AF_INET6;
		max = 128;
	} else {
		out->family = AF_INET;
		max = 32;
	}
	if (inet_pton(out->family, buf, out->a) != 1)
		return -1;
	if (slash != NULL) {
		const char *p = slash + 1;
		size_t pl = n - alen - 1;

		if (pl == 0 || pl > 3 || (pl > 1 && p[0] == '0'))
			return -1;
		for (i = 0; i < pl; i++) {
			if (p[i] < '0' || p[i] > '9')
				return -1;
			plen = plen * 10 + (unsigned)(p[i] - '0');
		}
		if (plen > max)
			return -1;
	} else
		plen = max;
	out->len = (uint8_t)plen;
	if (zero_host) {
		for (i = 0; i < max / 8; i++) {
			unsigned bit = (unsigned)i * 8, m;

			if (bit + 8 <= plen)
				continue;
			m = bit >= plen ? 0xff : 0xffu >> (plen - bit);
			if (out->a[i] & m)
				return -1;
		}
	}
	return 0;
}

void
rt_pfx_format(const struct rt_pfx *p, int with_len, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 4];
	size_t n;

	if (inet_ntop(p->family, p->a, a, INET6_ADDRSTRLEN) == NULL)
		strcpy(a, "?");
	n = strlen(a);
	if (with_len) {		/* "/" and up to three digits */
		a[n++] = '/';
		if (p->len >= 100)
			a[n++] = (char)('0' + p->len / 100);
		if (p->len >= 10)
			a[n++] = (char)('0' + p->len / 10 % 10);
		a[n++] = (char)('0' + p->len % 10);
		a[n] = '\0';
	}
	if (len > 0) {
		if (n >= len)
			n = len - 1;
		memcpy(buf, a, n);
		buf[n] = '\0';
	}
}

int
rt_pfx_equal(const struct rt_pfx *x, const struct rt_pfx *y)
{
	return x->family == y->family && x->len == y->len &&
	    memcmp(x->a, y->a, x->family == AF_INET ? 4 : 16) == 0;
}

int
rt_file_read(const char *path, size_t max, char **out, size_t *len)
{
	return rt_file_readat(AT_FDCWD, path, max, out, len);
}

int
rt_file_readat(int dfd, const char *path, size_t max, char **out,
    size_t *len)
{
	struct stat st;
	char *p = NULL, *q;
	size_t got = 0, cap;
	ssize_t r;
	int fd, e;

	*out = NULL;
	if ((fd = openat(dfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	/* Read to EOF: /proc files report size 0. */
	cap = (size_t)st.st_size + 1 > 256 ? (size_t)st.st_size + 1 : 256;
	for (;;) {
		if (got + 1 >= cap || p == NULL) {
			if (p != NULL)
				cap *= 2;
			if ((q = realloc(p, cap)) == NULL)
				goto fail;
			p = q;
		}
		r = read(fd, p + got, cap - got - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		if ((got += (size_t)r) > max) {
			errno = EFBIG;
			goto fail;
		}
		/* The size fstat gave, read: no second read to see EOF
		 * (a file growing meanwhile is read as it was). */
		if (st.st_size > 0 && got == (size_t)st.st_size)
			break;
	}
	p[got] = '\0';
	close(fd);
	*out = p;
	*len = got;
	return 0;
fail:
	e = errno;
	free(p);
	close(fd);
	errno = e;
	return -1;
}

int
rt_dir_fsync(const char *path)
{
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

static int
rt_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t r;

	while (n > 0) {
		r = write(fd, c, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

int
rt_file_write_atomic(const char *path, const void *p, size_t n,
    unsigned mode)
{
	return rt_file_replace(path, p, n, mode, 1);
}

int
rt_file_replace(const char *path, const void *p, size_t n, unsigned mode,
    int sync)
{
	char tmp[4096], dir[4096], *sl;
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    mode);
	if (fd == -1)
		return -1;
	if (fchmod(fd, mode) == -1 || rt_write_all(fd, p, n) == -1 ||
	    (sync && fsync(fd) == -1)) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (!sync)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((sl = strrchr(dir, '/')) != NULL) {
		if (sl == dir)
			sl[1] = '\0';
		else
			*sl = '\0';
	} else
		strcpy(dir, ".");
	return rt_dir_fsync(dir);
}

int
rt_mkdirs(const char *path, unsigned mode)
{
	char buf[4096], *p;
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Usually only the last component is missing, or none. */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	memcpy(buf, path, n + 1);
	for (p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, mode) == -1 && errno != EEXIST)
				return -1;
			if (c == '\0')
				break;
			*p = c;
		}
	}
	return 0;
}
