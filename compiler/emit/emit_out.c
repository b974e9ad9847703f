/*
 * emit_out.c - writing device bundles to OUTDIR (emit_out.h).
 *
 * Writing: every device goes into one fresh directory next to OUTDIR
 * (same file system, so rename works); only when all devices are written
 * is each OUTDIR/<id> put in place with one rename (an atomic exchange
 * when a previous bundle is there).  A failed compile removes the
 * temporary directory and leaves OUTDIR as it was.
 *
 * OUTDIR/.edgenetc-bundles lists the device directories compile put in
 * OUTDIR.  A listed device that is no longer in the input has its
 * directory moved into the temporary directory (one rename, after the new
 * bundles are on disk) and removed with it; nothing that is not listed is
 * ever removed.  The list is rewritten by rename, first as a superset
 * (old and new devices) before any bundle moves, then as exactly the
 * input's devices, so a crash never leaves a directory compile wrote
 * unlisted.  OUTDIR is locked (flock) from begin to commit.
 */

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit_out.h"
#include "fsutil.h"
#include "names.h"
#include "sha256.h"
#include "xalloc.h"

/* Names in the temporary directory that no device id can take ('+' is
 * not in [A-Za-z0-9._-]). */
#define OUT_GONE	"+gone"		/* bundles moved out of OUTDIR */
#define OUT_NEWINDEX	"+index"

/* A device of the list: its id, and the digests of its inputs and of
 * its manifest.json ("" when not known). */
struct out_ent {
	char	*id;
	char	 in[SHA256_HEX_LEN];
	char	 man[SHA256_HEX_LEN];
};

struct emit_out {
	mode_t	 um;		/* the caller's umask, to know when to fchmod */
	char	*outdir;
	int	 outfd;
	char	*tmpdir;
	int	 tmpfd;
	char	**ids;		/* devices written into tmpdir */
	size_t	 n_ids, cap_ids;
	size_t	 n_same;	/* devices whose bundle was already there */
	struct out_ent *devs;	/* every device of the input */
	size_t	 n_devs, cap_devs;
	struct out_ent *owned;	/* devices listed in EMIT_OUT_INDEX */
	size_t	 n_owned, cap_owned;
	struct buf index;	/* its bytes as they are on disk */
	bool	 has_index;
	bool	 has_gone;	/* OUT_GONE made */
	bool	 ready;		/* emit_out_ready passed */
	bool	 changed;	/* OUTDIR itself changed: sync it */
};

static int
ent_cmp(const void *a, const void *b)
{
	const struct out_ent *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static const struct out_ent *
ent_find(const struct out_ent *v, size_t n, const char *id)
{
	struct out_ent key = { .id = (char *)id };

	return n > 0 ? bsearch(&key, v, n, sizeof(*v), ent_cmp) : NULL;
}

static bool
hex_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return n == SHA256_HEX_LEN - 1;
}

/* "ID" or "ID INPUTS_SHA256 MANIFEST_SHA256" into e; false if neither. */
static bool
out_index_line(const char *p, size_t n, struct out_ent *e)
{
	const char *sp = memchr(p, ' ', n);
	size_t hl = SHA256_HEX_LEN - 1;

	memset(e, 0, sizeof(*e));
	if (sp != NULL) {
		if ((size_t)(p + n - sp) != 2 * hl + 2 ||
		    !hex_ok(sp + 1, hl) || sp[1 + hl] != ' ' ||
		    !hex_ok(sp + 2 + hl, hl))
			return false;
		memcpy(e->in, sp + 1, hl);
		memcpy(e->man, sp + 2 + hl, hl);
		n = (size_t)(sp - p);
	}
	e->id = xstrndup(p, n);
	if (strlen(e->id) != n || !names_id_valid(e->id, strlen(e->id)) ||
	    strcmp(e->id, EMIT_OUT_INDEX) == 0) {
		free(e->id);
		e->id = NULL;
		return false;
	}
	return true;
}

/*
 * Reads OUTDIR/EMIT_OUT_INDEX into o->owned (sorted, unique); absent is
 * an empty list.  Anything but a regular file of comments, blank lines
 * and device ids is refused: the list decides what compile removes.
 */
static int
out_index_read(struct emit_out *o, struct diag_ctx *d)
{
	const char *p, *end, *eol;
	char buf[8192];
	struct out_ent e;
	struct stat st;
	unsigned ln = 0;
	size_t i, n;
	ssize_t r;
	int fd;

	fd = openat(o->outfd, EMIT_OUT_INDEX, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		diag_err(d, NULL, "output", "%s/%s: %s", o->outdir,
		    EMIT_OUT_INDEX, fd < 0 || !S_ISREG(st.st_mode) ?
		    "not a regular file" : strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0 ||
	    (r < 0 && errno == EINTR))
		if (r > 0)
			buf_add(&o->index, buf, (size_t)r);
	close(fd);
	if (r < 0)
		return diag_err(d, NULL, "output", "%s/%s: %s", o->outdir,
		    EMIT_OUT_INDEX, strerror(errno));
	buf_add(&o->index, NULL, 0);
	o->has_index = true;
	end = o->index.p + o->index.len;
	for (p = o->index.p; p < end; p = eol + 1) {
		ln++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (eol == p || *p == '#')
			continue;
		if (!out_index_line(p, (size_t)(eol - p), &e))
			return diag_err(d, NULL, "output", "%s/%s:%u: not a "
			    "device id (the file lists the bundles compile "
			    "wrote; remove it to forget them)", o->outdir,
			    EMIT_OUT_INDEX, ln);
		*XPUSH(o->owned, o->n_owned, o->cap_owned) = e;
	}
	if (o->n_owned > 1)
		qsort(o->owned, o->n_owned, sizeof(*o->owned), ent_cmp);
	for (i = n = 0; i < o->n_owned; i++) {
		if (n > 0 && strcmp(o->owned[n - 1].id, o->owned[i].id) == 0)
			free(o->owned[i].id);
		else
			o->owned[n++] = o->owned[i];
	}
	o->n_owned = n;
	return 0;
}

/*
 * Removes what compiles that were killed left beside OUTDIR: temporary
 * directories named as ours (.BASE.tmp-XXXXXX).  Called with OUTDIR
 * locked, before ours is made: any such directory is a leftover.
 */
static void
out_leftovers(const char *parent, const char *base)
{
	char *pre = xasprintf(".%s.tmp-", base), *path;
	size_t n = strlen(pre);
	struct dirent *e;
	DIR *dir;

	if ((dir = opendir(parent)) == NULL) {
		free(pre);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, pre, n) != 0 ||
		    strlen(e->d_name) != n + 6)
			continue;
		path = xasprintf("%s/%s", parent, e->d_name);
		fs_rm_tree(path);
		free(path);
	}
	closedir(dir);
	free(pre);
}

struct emit_out *
emit_out_begin(const char *outdir, struct diag_ctx *d)
{
	struct emit_out *o;
	char *real, *dup1, *dup2, *tmpl, *parent, *base;
	struct stat st;

	if (fs_mkdir_p(outdir, 0755) < 0 || stat(outdir, &st) < 0 ||
	    !S_ISDIR(st.st_mode)) {
		diag_err(d, NULL, "output", "cannot create directory '%s': %s",
		    outdir, strerror(errno));
		return NULL;
	}
	o = xzalloc(sizeof(*o));
	o->um = umask(022);
	umask(o->um);
	o->outdir = xstrdup(outdir);
	o->tmpfd = -1;
	o->outfd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->outfd < 0) {
		diag_err(d, NULL, "output", "%s: %s", outdir, strerror(errno));
		emit_out_abort(o);
		return NULL;
	}
	/* one compile at a time writes OUTDIR, its list and beside it */
	while (flock(o->outfd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		diag_err(d, NULL, "output", "cannot lock '%s': %s", outdir,
		    strerror(errno));
		emit_out_abort(o);
		return NULL;
	}
	/* beside OUTDIR however it is named (out/., ., a symlink) */
	if ((real = realpath(outdir, NULL)) == NULL)
		real = xstrdup(outdir);
	dup1 = xstrdup(real);
	dup2 = xstrdup(real);
	parent = dirname(dup1);
	base = basename(dup2);
	out_leftovers(parent, base);
	tmpl = xasprintf("%s/.%s.tmp-XXXXXX", parent, base);
	free(dup1);
	free(dup2);
	free(real);
	if (mkdtemp(tmpl) == NULL) {
		diag_err(d, NULL, "output", "cannot create a temporary "
		    "directory next to '%s': %s", outdir, strerror(errno));
		free(tmpl);
		emit_out_abort(o);
		return NULL;
	}
	o->tmpdir = tmpl;
	o->tmpfd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->tmpfd < 0) {
		diag_err(d, NULL, "output", "%s: %s", tmpl, strerror(errno));
		emit_out_abort(o);
		return NULL;
	}
	if (out_index_read(o, d) < 0) {
		emit_out_abort(o);
		return NULL;
	}
	return o;
}

static int
out_write_file(int dirfd, const struct bundle_file *bf, mode_t um, bool sync)
{
	const char *p = bf->data.p;
	size_t left = bf->data.len;
	ssize_t w;
	int fd;

	fd = openat(dirfd, bf->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    (mode_t)bf->mode);
	if (fd < 0)
		return -1;
	/* the mode must not depend on the caller's umask */
	if ((bf->mode & um) != 0 && fchmod(fd, (mode_t)bf->mode) < 0)
		goto fail;
	while (left > 0) {
		w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		left -= (size_t)w;
	}
	if (sync && fsync(fd) < 0)
		goto fail;
	return close(fd);
fail:
	close(fd);
	return -1;
}

/* Counts every entry below the directory dfd (closed here); -1 on
 * error. */
static long
out_count_tree(int dfd)
{
	struct dirent *de;
	long n = 0, sub;
	DIR *dp;
	int fd;

	if ((dp = fdopendir(dfd)) == NULL) {
		close(dfd);
		return -1;
	}
	while (n >= 0 && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		if (de->d_type != DT_DIR)
			continue;
		fd = openat(dirfd(dp), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || (sub = out_count_tree(fd)) < 0)
			n = -1;
		else
			n += sub;
	}
	closedir(dp);
	return n;
}

/* True when fd holds exactly bf's bytes, as a regular file of its mode. */
static bool
out_file_same(int fd, const struct bundle_file *bf)
{
	char buf[8192];
	struct stat st;
	size_t off = 0;
	ssize_t r;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 07777) != bf->mode ||
	    (size_t)st.st_size != bf->data.len)
		return false;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		if (off + (size_t)r > bf->data.len ||
		    memcmp(buf, bf->data.p + off, (size_t)r) != 0)
			return false;
		off += (size_t)r;
	}
	return r == 0 && off == bf->data.len;
}

/*
 * True when OUTDIR/<id> already holds exactly this bundle: the same
 * files with the same bytes and modes, and nothing else.  Recompiling
 * then reads instead of writing, swapping and deleting a whole tree.
 */
static bool
out_device_same(struct emit_out *o, const struct bundle *b)
{
	const char *last = NULL, *slash;
	size_t i, dirs = 0, lastl = 0, dl;
	int dfd, fd;
	bool same = true;

	dfd = openat(o->outfd, b->dev->id.s, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return false;
	for (i = 0; same && i < b->n; i++) {
		slash = strrchr(b->v[i].path, '/');
		dl = slash != NULL ? (size_t)(slash - b->v[i].path) : 0;
		if (slash != NULL && (last == NULL || lastl != dl ||
		    strncmp(last, b->v[i].path, dl) != 0)) {
			/* instances/ with the first, then instances/<id> */
			dirs += last == NULL ? 2 : 1;
			last = b->v[i].path;
			lastl = dl;
		}
		fd = openat(dfd, b->v[i].path, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC);
		same = fd >= 0 && out_file_same(fd, &b->v[i]);
		if (fd >= 0)
			close(fd);
	}
	/* the files, instances/ and each instances/<id>, nothing more */
	return same && out_count_tree(dfd) == (long)(b->n + dirs);
}

/* Adds id to the input's devices, with its digests. */
static void
out_dev_add(struct emit_out *o, const char *id, const char *in,
    const char *man)
{
	struct out_ent *e = XPUSH(o->devs, o->n_devs, o->cap_devs);

	memset(e, 0, sizeof(*e));
	e->id = xstrdup(id);
	snprintf(e->in, sizeof(e->in), "%s", in);
	snprintf(e->man, sizeof(e->man), "%s", man);
}

bool
emit_out_unchanged(struct emit_out *o, const char *id, const char *inputs_hex,
    char man_hex[SHA256_HEX_LEN])
{
	const struct out_ent *e = ent_find(o->owned, o->n_owned, id);
	struct stat st;

	if (e == NULL || e->in[0] == '\0' || strcmp(e->in, inputs_hex) != 0 ||
	    fstatat(o->outfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode))
		return false;
	out_dev_add(o, id, e->in, e->man);
	snprintf(man_hex, SHA256_HEX_LEN, "%s", e->man);
	o->n_same++;
	return true;
}

int
emit_out_device(struct emit_out *o, const struct bundle *b,
    const char *inputs_hex, char man_hex[SHA256_HEX_LEN], struct diag_ctx *d)
{
	const char *id = b->dev->id.s;
	const char *last = NULL, *slash;
	const struct bundle_file *man = &b->v[b->n - 1];
	char dir[PATH_MAX];
	uint8_t dg[SHA256_DIGEST_LEN];
	size_t i, dl, lastl = 0;
	struct stat st;
	bool had;
	int dfd;

	/* (A device named EMIT_OUT_INDEX was refused by compile_plan.) */
	sha256(man->data.p, man->data.len, dg);
	sha256_hex(dg, man_hex);
	out_dev_add(o, id, inputs_hex, man_hex);
	had = fstatat(o->outfd, id, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (out_device_same(o, b)) {
		o->n_same++;
		return EMIT_OUT_SAME;
	}
	if (mkdirat(o->tmpfd, id, 0755) < 0 ||
	    (dfd = openat(o->tmpfd, id, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return diag_err(d, NULL, "output", "%s/%s: %s", o->tmpdir, id,
		    strerror(errno));
	/* "instances" only when there is one: an empty directory is not in
	 * the manifest (and git cannot keep one in a golden bundle) */
	for (i = 0; i < b->n; i++) {
		const struct bundle_file *bf = &b->v[i];

		/* files are sorted by path: make each instance dir once */
		slash = strrchr(bf->path, '/');
		if (slash != NULL) {
			dl = (size_t)(slash - bf->path);
			if (last == NULL || lastl != dl ||
			    strncmp(last, bf->path, dl) != 0) {
				snprintf(dir, sizeof(dir), "%.*s", (int)dl,
				    bf->path);
				if (last == NULL &&
				    mkdirat(dfd, "instances", 0755) < 0)
					goto fail;
				if (mkdirat(dfd, dir, 0755) < 0 &&
				    errno != EEXIST)
					goto fail;
				last = bf->path;
				lastl = dl;
			}
		}
		if (out_write_file(dfd, bf, o->um, false) < 0)
			goto fail;
	}
	close(dfd);
	*XPUSH(o->ids, o->n_ids, o->cap_ids) = xstrdup(id);
	return had ? EMIT_OUT_CHANGED : EMIT_OUT_NEW;
fail:
	diag_err(d, NULL, "output", "%s/%s: %s", o->tmpdir, id,
	    strerror(errno));
	close(dfd);
	return -1;
}

/* The list as written: a header, then the entries of v (sorted by id,
 * each id once), with their digests when known. */
static void
out_index_render(const struct out_ent *v, size_t n, struct buf *out)
{
	size_t i;

	buf_puts(out, "# edgenetc compile: the device bundles it wrote in "
	    "this directory,\n# with the digests of their inputs and of "
	    "their manifest.json.\n# A compile --prune removes those that "
	    "are no longer in its input.\n");
	for (i = 0; i < n; i++) {
		buf_puts(out, v[i].id);
		if (v[i].in[0] != '\0' && v[i].man[0] != '\0')
			buf_printf(out, " %s %s", v[i].in, v[i].man);
		buf_putc(out, '\n');
	}
}

/*
 * Makes OUTDIR's list the entries v (sorted) with one rename, unless it
 * already is (or there is no list and nothing to list).
 */
static int
out_index_put(struct emit_out *o, const struct out_ent *v, size_t n,
    bool *changed, struct diag_ctx *d)
{
	char name[] = OUT_NEWINDEX;
	struct bundle_file bf = { .path = name, .mode = 0644 };
	int rc = 0;

	if (n == 0 && !o->has_index)
		return 0;
	out_index_render(v, n, &bf.data);
	if (o->has_index && bf.data.len == o->index.len &&
	    memcmp(bf.data.p, o->index.p, bf.data.len) == 0) {
		buf_free(&bf.data);
		return 0;
	}
	if (out_write_file(o->tmpfd, &bf, o->um, true) < 0 ||
	    renameat(o->tmpfd, name, o->outfd, EMIT_OUT_INDEX) < 0) {
		rc = diag_err(d, NULL, "output", "%s/%s: %s", o->outdir,
		    EMIT_OUT_INDEX, strerror(errno));
		buf_free(&bf.data);
		return rc;
	}
	buf_free(&o->index);
	o->index = bf.data;
	o->has_index = true;
	*changed = true;
	return 0;
}

/*
 * The union of the listed devices and the input's, sorted by id.  For a
 * device in both, old (the list's entry, true of what is on disk until
 * its bundle is swapped) or new; a device only in the input has no
 * digests in the old form, one only in the list is left out unless
 * keep.  Entries borrow their ids.
 */
static struct out_ent *
out_merge(const struct emit_out *o, bool old, bool keep, size_t *n)
{
	struct out_ent *v = xzalloc((o->n_owned + o->n_devs + 1) *
	    sizeof(*v));
	size_t i = 0, j = 0, k = 0;
	int c;

	while (i < o->n_owned || j < o->n_devs) {
		c = i == o->n_owned ? 1 : j == o->n_devs ? -1 :
		    strcmp(o->owned[i].id, o->devs[j].id);
		if (c < 0) {
			if (keep)
				v[k++] = o->owned[i];
			i++;
		} else if (c > 0 || !old) {
			v[k] = o->devs[j++];
			if (old)
				v[k].in[0] = v[k].man[0] = '\0';
			k++;
			if (c == 0)
				i++;
		} else {
			v[k++] = o->owned[i++];
			j++;
		}
	}
	*n = k;
	return v;
}

/* OUT_GONE/<id> in the temporary directory, made on first use. */
static char *
out_gone(struct emit_out *o, const char *id)
{
	if (!o->has_gone && mkdirat(o->tmpfd, OUT_GONE, 0700) == 0)
		o->has_gone = true;
	return xasprintf("%s/%s", OUT_GONE, id);
}

/* True when OUTDIR/id is a directory (not a link) with a regular
 * manifest.json: a bundle. */
static bool
out_is_bundle(int outfd, const char *id)
{
	struct stat st;
	bool ok;
	int fd;

	fd = openat(outfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = fstatat(fd, "manifest.json", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode);
	close(fd);
	return ok;
}

/*
 * The listed bundles whose device is not in the input: with prune each is
 * moved out of OUTDIR (into OUT_GONE, removed with the temporary
 * directory), else it stays and stays listed.  fn hears of each.  A
 * listed name that is no bundle any more is left alone and forgotten.
 */
static int
out_prune(struct emit_out *o, bool prune, emit_out_gone_fn fn, void *arg,
    bool *changed, FILE *notes, struct diag_ctx *d)
{
	struct stat st;
	char *to;
	size_t i, k = 0;

	for (i = 0; i < o->n_owned; i++) {
		struct out_ent *e = &o->owned[i];

		if (ent_find(o->devs, o->n_devs, e->id) != NULL) {
			free(e->id);
			continue;
		}
		if (!out_is_bundle(o->outfd, e->id)) {
			if (notes != NULL && fstatat(o->outfd, e->id, &st,
			    AT_SYMLINK_NOFOLLOW) == 0)
				fprintf(notes, "edgenetc compile: %s/%s left "
				    "alone: listed in %s but not a bundle\n",
				    o->outdir, e->id, EMIT_OUT_INDEX);
			free(e->id);
			continue;
		}
		if (!prune) {
			if (fn != NULL)
				fn(arg, e->id, false, e->man);
			o->owned[k++] = *e;
			continue;
		}
		to = out_gone(o, e->id);
		if (renameat(o->outfd, e->id, o->tmpfd, to) < 0) {
			free(to);
			for (; i < o->n_owned; i++)
				o->owned[k++] = o->owned[i];
			o->n_owned = k;
			return diag_err(d, NULL, "output", "cannot remove "
			    "%s/%s: %s", o->outdir, e->id, strerror(errno));
		}
		free(to);
		*changed = true;
		if (fn != NULL)
			fn(arg, e->id, true, e->man);
		if (notes != NULL)
			fprintf(notes, "edgenetc compile: removed %s/%s: device "
			    "no longer in the input\n", o->outdir, e->id);
		free(e->id);
	}
	/* what is left of the list: the kept bundles */
	o->n_owned = k;
	return 0;
}

int
emit_out_ready(struct emit_out *o, struct diag_ctx *d)
{
	struct out_ent *all;
	size_t i, n_all;
	int rc = 0;

	/* The new bundles reach the disk before any of them is in place. */
	if (o->n_ids > 0 && syncfs(o->tmpfd) < 0) {
		diag_err(d, NULL, "output", "sync %s: %s", o->tmpdir,
		    strerror(errno));
		emit_out_abort(o);
		return -1;
	}
	/* Nothing compile did not write is replaced: OUTDIR/<id> must be
	 * missing, listed, or (no list yet) a bundle. */
	for (i = 0; i < o->n_ids; i++) {
		struct stat st;
		const char *id = o->ids[i];

		if (fstatat(o->outfd, id, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    (o->has_index ? ent_find(o->owned, o->n_owned, id) !=
		    NULL : out_is_bundle(o->outfd, id)))
			continue;
		rc = diag_err(d, NULL, "output", "%s/%s is in the way: "
		    "compile did not write it (%s); move it away and compile "
		    "again", o->outdir, id, o->has_index ? "not listed in "
		    EMIT_OUT_INDEX : "no bundle");
	}
	if (rc != 0) {
		emit_out_abort(o);
		return -1;
	}
	/* Listed first: every bundle there is and will be (never fewer),
	 * with the digests of what is on disk now. */
	o->changed = o->n_ids > 0;
	if (o->n_devs > 1)
		qsort(o->devs, o->n_devs, sizeof(*o->devs), ent_cmp);
	all = out_merge(o, true, true, &n_all);
	rc = out_index_put(o, all, n_all, &o->changed, d);
	free(all);
	if (rc != 0) {
		emit_out_abort(o);
		return -1;
	}
	o->ready = true;
	return 0;
}

int
emit_out_commit(struct emit_out *o, bool prune, emit_out_gone_fn fn,
    void *arg, struct diag_ctx *d, FILE *notes)
{
	struct out_ent *all;
	char *old;
	size_t i, n_all;
	bool changed;
	int rc = 0;

	if (!o->ready && emit_out_ready(o, d) != 0)
		return -1;
	changed = o->changed;
	for (i = 0; rc == 0 && i < o->n_ids; i++) {
		const char *id = o->ids[i];

		if (renameat2(o->tmpfd, id, o->outfd, id,
		    RENAME_NOREPLACE) == 0)
			continue;
		if (errno == EEXIST || errno == ENOTEMPTY) {
			/* swap in one step; the previous bundle lands in the
			 * temporary directory and goes with it */
			if (renameat2(o->tmpfd, id, o->outfd, id,
			    RENAME_EXCHANGE) == 0)
				continue;
		}
		if (errno == EINVAL) {
			/* no renameat2 flags here: move the old aside */
			old = out_gone(o, id);
			if (renameat(o->outfd, id, o->tmpfd, old) == 0 &&
			    renameat(o->tmpfd, id, o->outfd, id) == 0) {
				free(old);
				continue;
			}
			free(old);
		}
		rc = diag_err(d, NULL, "output", "cannot put %s/%s in place: "
		    "%s", o->outdir, id, strerror(errno));
	}
	if (rc == 0)
		rc = out_prune(o, prune, fn, arg, &changed, notes, d);
	/* then exactly the input's devices and the kept ones */
	if (rc == 0) {
		all = out_merge(o, false, true, &n_all);
		rc = out_index_put(o, all, n_all, &changed, d);
		free(all);
	}
	if (changed && fsync(o->outfd) < 0 && rc == 0)
		rc = diag_err(d, NULL, "output", "sync %s: %s", o->outdir,
		    strerror(errno));
	emit_out_abort(o);
	return rc;
}

void
emit_out_abort(struct emit_out *o)
{
	size_t i;

	if (o == NULL)
		return;
	if (o->tmpfd >= 0)
		close(o->tmpfd);
	/* gone before OUTDIR is unlocked: the next compile's is its own */
	if (o->tmpdir != NULL)
		fs_rm_tree(o->tmpdir);
	if (o->outfd >= 0)
		close(o->outfd);
	for (i = 0; i < o->n_ids; i++)
		free(o->ids[i]);
	free(o->ids);
	for (i = 0; i < o->n_devs; i++)
		free(o->devs[i].id);
	free(o->devs);
	for (i = 0; i < o->n_owned; i++)
		free(o->owned[i].id);
	free(o->owned);
	buf_free(&o->index);
	free(o->tmpdir);
	free(o->outdir);
	free(o);
}
