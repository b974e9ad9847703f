/*
 * ctx.c - namespaces and their sockets for one run.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ctx.h"

static long
env_long(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtol(s, &end, 10);
	return *end == '\0' && v > 0 ? v : 0;
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE	71	/* Linux 5.14, asm-generic */
#endif
#ifndef NS_GET_ID
#define NS_GET_ID	_IOR(0xb7, 13, uint64_t)	/* Linux 6.18 nsfs */
#endif

/*
 * The namespace's cookie: asked of nsfs (NS_GET_ID, Linux 6.18: the same
 * number as the cookie), else read from a socket made inside it.  0 when
 * the kernel has no cookies (before 5.14) or the namespace cannot be
 * entered: identity then falls back to the inode number.  -1 only when
 * we could not return to our own namespace.
 */
static int
ns_cookie(struct rt_ctx *c, struct rt_ns *ns)
{
	socklen_t len = sizeof(ns->cookie);
	int s, in = ns->fd != c->homefd;

	if (ioctl(ns->fd, NS_GET_ID, &ns->cookie) == 0 && ns->cookie != 0)
		return 0;
	ns->cookie = 0;
	if (in && setns(ns->fd, CLONE_NEWNET) == -1)
		return 0;
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (in && setns(c->homefd, CLONE_NEWNET) == -1) {
		if (s != -1)
			close(s);
		return rt_errf(c->err, sizeof(c->err), "setns back: %s",
		    strerror(errno));
	}
	if (s == -1)
		return 0;
	if (getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &ns->cookie,
	    &len) == -1 || len != sizeof(ns->cookie))
		ns->cookie = 0;
	close(s);
	return 0;
}

int
rt_ctx_ns_is(const struct rt_ns *ns, uint64_t ino, uint64_t cookie)
{
	if (ns == NULL || ns->fd == -1 || ino == 0 || ns->ino != ino)
		return 0;
	return cookie == 0 || ns->cookie == cookie;
}

int
rt_ctx_init(struct rt_ctx *c, const char *state, const char *netns_dir)
{
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->state = state;
	c->netns_dir = netns_dir;
	c->jfd = -1;
	c->homefd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (c->homefd == -1)
		return rt_errf(c->err, sizeof(c->err), "/proc/self/ns/net: %s",
		    strerror(errno));
	/* Fault injection is always compiled in: it can only make a run
	 * fail (and roll back), never change what a run does. */
	c->fail_step = env_long("EDGENET_FAIL_STEP");
	c->kill_step = env_long("EDGENET_KILL_STEP");
	n = readlink("/proc/self/exe", c->self, sizeof(c->self) - 1);
	if (n > 0)
		c->self[n] = '\0';
	return 0;
}

void
rt_ctx_fini(struct rt_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nns; i++) {
		if (c->ns[i]->nl_open)
			rt_nl_close(&c->ns[i]->nl);
		if (c->ns[i]->fd != -1 && c->ns[i]->fd != c->homefd)
			close(c->ns[i]->fd);
		free(c->ns[i]);
	}
	free(c->ns);
	c->last = NULL;
	if (c->jfd != -1)
		close(c->jfd);
	c->jfd = -1;
	if (c->homefd != -1)
		close(c->homefd);
	c->ns = NULL;
	c->nns = c->cap_ns = 0;
	c->homefd = -1;
}

struct rt_ns *
rt_ctx_ns(struct rt_ctx *c, const char *id)
{
	struct rt_ns *ns;
	struct stat st;
	char path[4096];
	size_t i;

	/* Callers go object by object, and objects come namespace by
	 * namespace. */
	if (c->last != NULL && strcmp(c->last->id, id) == 0)
		return c->last;
	for (i = 0; i < c->nns; i++)
		if (strcmp(c->ns[i]->id, id) == 0)
			return c->last = c->ns[i];
	if (rt_vec_grow(&c->ns, &c->cap_ns, c->nns, 1, sizeof(*c->ns)) ==
	    -1 || (ns = calloc(1, sizeof(*ns))) == NULL) {
		rt_errf(c->err, sizeof(c->err), "out of memory");
		return NULL;
	}
	c->ns[c->nns++] = ns;
	snprintf(ns->id, sizeof(ns->id), "%s", id);
	if (strcmp(id, RT_DEVNS) == 0)
		ns->fd = c->homefd;
	else {
		snprintf(path, sizeof(path), "%s/%s", c->netns_dir, id);
		ns->fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (ns->fd != -1 && fstat(ns->fd, &st) == 0)
		ns->ino = (uint64_t)st.st_ino;
	if (ns->fd != -1 && ns_cookie(c, ns) == -1)
		return NULL;
	return ns;
}

struct rt_nl *
rt_ctx_nl(struct rt_ctx *c, const char *id)
{
	struct rt_ns *ns;

	if ((ns = rt_ctx_ns(c, id)) == NULL)
		return NULL;
	if (ns->fd == -1) {
		rt_errf(c->err, sizeof(c->err), "network namespace %s/%s does "
		    "not exist", c->netns_dir, id);
		return NULL;
	}
	if (!ns->nl_open) {
		if (rt_nl_open(&ns->nl, ns->fd, c->homefd, &c->stats, c->err,
		    sizeof(c->err)) == -1)
			return NULL;
		ns->nl_open = 1;
	}
	return &ns->nl;
}

int
rt_ctx_sysctl(struct rt_ctx *c, struct rt_ns *ns, const char *key,
    const char *set, char *get, size_t getlen)
{
	char path[128], *p;
	ssize_t n = 0;
	int fd, e = 0;

	if (ns->fd == -1)
		return rt_errf(c->err, sizeof(c->err), "network namespace %s "
		    "does not exist", ns->id);
	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	for (p = path + 10; *p != '\0'; p++)
		if (*p == '.')
			*p = '/';
	/* /proc/sys/net shows the namespace of whoever opens it. */
	if (ns->fd != c->homefd && setns(ns->fd, CLONE_NEWNET) == -1)
		return rt_errf(c->err, sizeof(c->err), "setns %s: %s", ns->id,
		    strerror(errno));
	fd = open(path, (set != NULL ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd == -1)
		e = errno;
	if (ns->fd != c->homefd && setns(c->homefd, CLONE_NEWNET) == -1) {
		if (fd != -1)
			close(fd);
		return rt_errf(c->err, sizeof(c->err), "setns back: %s",
		    strerror(errno));
	}
	if (fd == -1) {
		rt_errf(c->err, sizeof(c->err), "%s in %s: %s", path, ns->id,
		    strerror(e));
		errno = e;	/* ENOENT: no such key (an interface gone) */
		return -1;
	}
	if (set != NULL) {
		c->stats.changes++;
		if (write(fd, set, strlen(set)) != (ssize_t)strlen(set))
			e = errno ? errno : EIO;
	} else {
		n = read(fd, get, getlen - 1);
		if (n < 0)
			e = errno;
		else {
			get[n] = '\0';
			while (n > 0 && (get[n - 1] == '\n' || get[n - 1] == ' '))
				get[--n] = '\0';
		}
	}
	close(fd);
	if (e != 0)
		return rt_errf(c->err, sizeof(c->err), "%s in %s: %s", path,
		    ns->id, strerror(e));
	return 0;
}

void
rt_ctx_log(struct rt_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	fputs("edgenet-apply: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
