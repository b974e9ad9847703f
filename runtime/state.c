/*
 * state.c - files under the state directory (see state.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "names.h"
#include "state.h"

static int
spath(const struct rt_ctx *c, const char *name, char *buf, size_t len)
{
	return rt_strf(buf, len, "%s/%s", c->state, name);
}

int
rt_state_put(struct rt_ctx *c, const char *name, const void *p, size_t n)
{
	char path[4096];

	if (spath(c, name, path, sizeof(path)) == -1 ||
	    rt_file_write_atomic(path, p, n, 0600) == -1)
		return rt_errf(c->err, sizeof(c->err), "%s/%s: %s", c->state,
		    name, strerror(errno));
	return 0;
}

int
rt_state_lock(struct rt_ctx *c, int wait)
{
	char path[4096];
	int fd, i;

	if (rt_mkdirs(c->state, 0700) == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", c->state,
		    strerror(errno));
	spath(c, "lock", path, sizeof(path));
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	if (wait) {
		while (flock(fd, LOCK_EX) == -1)
			if (errno != EINTR) {
				close(fd);
				return rt_errf(c->err, sizeof(c->err),
				    "lock: %s", strerror(errno));
			}
		return fd;
	}
	for (i = 0; i < 3000; i++) {
		struct timespec ts = { 0, 10000000L };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		nanosleep(&ts, NULL);
	}
	close(fd);
	return rt_errf(c->err, sizeof(c->err), "%s: another edgenet-apply "
	    "holds the lock", path);
}

void
rt_boot_id(char out[40])
{
	char *s;
	size_t n;

	strcpy(out, "-");
	if (rt_file_read("/proc/sys/kernel/random/boot_id", 128, &s,
	    &n) == 0) {
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
			s[--n] = '\0';
		if (n > 0 && n < 40 && strchr(s, ' ') == NULL)
			memcpy(out, s, n + 1);
		free(s);
	}
}

static int
hexid_ok(const char *s)
{
	size_t i;

	if (strcmp(s, "-") == 0)
		return 1;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

int
rt_applied_read(struct rt_ctx *c, struct rt_applied *a)
{
	char path[4096], *text, *line, *save = NULL, w[8], v1[72], v2[72];
	char v3[24];
	struct rt_nsid *ns;
	size_t n;

	memset(a, 0, sizeof(*a));
	strcpy(a->boot, "-");
	spath(c, "applied", path, sizeof(path));
	if (rt_file_read(path, 1 << 20, &text, &n) == -1) {
		if (errno == ENOENT)
			return 0;
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		v2[0] = v3[0] = '\0';
		if (sscanf(line, "%7s %71s %71s %23s", w, v1, v2, v3) < 2)
			continue;
		if (strcmp(w, "bundle") == 0 && hexid_ok(v1))
			rt_strf(a->bundle, sizeof(a->bundle), "%s",
			    strcmp(v1, "-") ? v1 : "");
		else if (strcmp(w, "prev") == 0 && hexid_ok(v1))
			rt_strf(a->previous, sizeof(a->previous), "%s",
			    strcmp(v1, "-") ? v1 : "");
		else if (strcmp(w, "boot") == 0)
			rt_strf(a->boot, sizeof(a->boot), "%.39s", v1);
		else if (strcmp(w, "txn") == 0)
			rt_strf(a->txn, sizeof(a->txn), "%.39s", v1);
		else if (strcmp(w, "devns") == 0) {
			/* Records before cookies have no third field:
			 * cookie 0, identity by inode number only. */
			a->devns.ino = strtoull(v1, NULL, 10);
			a->devns.cookie = strtoull(v2, NULL, 10);
		}
		else if (strcmp(w, "ns") == 0 && names_id_valid(v1,
		    strlen(v1))) {
			if (rt_vec_grow(&a->ns, &a->cap_ns, a->nns, 1,
			    sizeof(*a->ns)) == -1) {
				free(text);
				return rt_errf(c->err, sizeof(c->err),
				    "out of memory");
			}
			ns = a->ns;
			rt_strf(ns[a->nns].id, sizeof(ns->id), "%s", v1);
			ns[a->nns].ino = strtoull(v2, NULL, 10);
			ns[a->nns++].cookie = strtoull(v3, NULL, 10);
		}
	}
	free(text);
	return 0;
}

int
rt_applied_write(struct rt_ctx *c, const struct rt_applied *a)
{
	char *buf, *p;
	size_t i, cap = 512 + a->nns * 96;
	int r;

	if ((buf = malloc(cap)) == NULL)
		return rt_errf(c->err, sizeof(c->err), "out of memory");
	p = buf;
	p += sprintf(p, "edgenet-applied 1\nbundle %s\nprev %s\nboot %s\n"
	    "txn %s\ndevns %" PRIu64 " %" PRIu64 "\n",
	    a->bundle[0] ? a->bundle : "-",
	    a->previous[0] ? a->previous : "-", a->boot,
	    a->txn[0] ? a->txn : "-", a->devns.ino, a->devns.cookie);
	for (i = 0; i < a->nns; i++)
		p += sprintf(p, "ns %s %" PRIu64 " %" PRIu64 "\n",
		    a->ns[i].id, a->ns[i].ino, a->ns[i].cookie);
	r = rt_state_put(c, "applied", buf, (size_t)(p - buf));
	free(buf);
	return r;
}

void
rt_applied_free(struct rt_applied *a)
{
	free(a->ns);
	a->ns = NULL;
	a->nns = a->cap_ns = 0;
}

const struct rt_nsid *
rt_applied_ns(const struct rt_applied *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->nns; i++)
		if (strcmp(a->ns[i].id, id) == 0)
			return &a->ns[i];
	return NULL;
}

static void
rm_rf(const char *path)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) == -1)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (rt_strf(sub, sizeof(sub), "%s/%s", path,
			    de->d_name) < (int)sizeof(sub))
				rm_rf(sub);
		}
		closedir(d);
		rmdir(path);
	} else
		unlink(path);
}

static int
store_path(const struct rt_ctx *c, const char *id, char *buf, size_t len)
{
	return rt_strf(buf, len, "%s/bundles/%s.pack", c->state, id);
}

int
rt_store_put(struct rt_ctx *c, const struct rt_bundle *b)
{
	char path[4096], *pack;
	struct stat st;
	size_t n;
	int r;

	if (store_path(c, b->id, path, sizeof(path)) == -1)
		return rt_errf(c->err, sizeof(c->err), "path too long");
	if (stat(path, &st) == 0)
		return 0;	/* content-addressed: already there */
	rt_strf(path, sizeof(path), "%s/bundles", c->state);
	if (rt_mkdirs(path, 0700) == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	if (rt_bundle_pack(b, &pack, &n) == -1)
		return rt_errf(c->err, sizeof(c->err), "out of memory");
	store_path(c, b->id, path, sizeof(path));
	r = rt_file_write_atomic(path, pack, n, 0600);
	free(pack);
	if (r == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	return 0;
}

int
rt_store_get(struct rt_ctx *c, const char *id, struct rt_bundle *b)
{
	char path[4096], err[RT_ERRLEN], *text;
	size_t n;
	int r;

	if (id[0] == '\0')
		return rt_bundle_empty(b, "-");
	memset(b, 0, sizeof(*b));
	if (store_path(c, id, path, sizeof(path)) == -1 ||
	    rt_file_read(path, RT_BUNDLE_TOTAL_MAX + (1u << 20), &text,
	    &n) == -1)
		return rt_errf(c->err, sizeof(c->err), "stored bundle %s: %s",
		    id, strerror(errno));
	r = rt_bundle_unpack(text, n, b, err, sizeof(err));
	free(text);
	if (r == -1)
		return rt_errf(c->err, sizeof(c->err), "stored bundle %s: %s",
		    id, err);
	if (strcmp(b->id, id) != 0)
		return rt_errf(c->err, sizeof(c->err), "stored bundle %s: "
		    "manifest digest differs", id);
	return 0;
}

void
rt_store_gc(struct rt_ctx *c, const char *keep1, const char *keep2)
{
	char dir[4096], sub[4200];
	struct dirent *de;
	DIR *d;

	rt_strf(dir, sizeof(dir), "%s/bundles", c->state);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || (n == 69 &&
		    strcmp(de->d_name + 64, ".pack") == 0 &&
		    (strncmp(de->d_name, keep1, 64) == 0 ||
		    strncmp(de->d_name, keep2, 64) == 0)))
			continue;
		rt_strf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		rm_rf(sub);
	}
	closedir(d);
}

void
rt_state_drop_instance(struct rt_ctx *c, const char *id)
{
	char path[4096];

	if (rt_ipath(c, id, "", path, sizeof(path)) == 0)
		rm_rf(path);
}

int
rt_confirm_read(struct rt_ctx *c, struct rt_confirm *k)
{
	char path[4096], *s, from[72], to[72];
	size_t n;
	int r;

	memset(k, 0, sizeof(*k));
	spath(c, "confirm", path, sizeof(path));
	if (rt_file_read(path, 4096, &s, &n) == -1) {
		if (errno == ENOENT)
			return 0;
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	}
	r = sscanf(s, "edgenet-confirm 1\ndeadline %lld\nfrom %71s\nto %71s",
	    &k->deadline, from, to);
	free(s);
	if (r != 3 || !hexid_ok(from) || !hexid_ok(to))
		return rt_errf(c->err, sizeof(c->err), "%s: corrupt", path);
	rt_strf(k->from, sizeof(k->from), "%s", strcmp(from, "-") ? from : "");
	rt_strf(k->to, sizeof(k->to), "%s", strcmp(to, "-") ? to : "");
	return 1;
}

int
rt_confirm_write(struct rt_ctx *c, const struct rt_confirm *k)
{
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf), "edgenet-confirm 1\ndeadline %lld\n"
	    "from %s\nto %s\n", k->deadline, k->from[0] ? k->from : "-",
	    k->to[0] ? k->to : "-");
	return rt_state_put(c, "confirm", buf, (size_t)n);
}

int
rt_confirm_clear(struct rt_ctx *c)
{
	char path[4096];

	spath(c, "confirm", path, sizeof(path));
	if (unlink(path) == -1 && errno != ENOENT)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	return rt_dir_fsync(c->state);
}
