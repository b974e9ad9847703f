/*
 * diff.c - comparing two compiles of a fleet (diff.h, docs/changes.md).
 *
 * Devices are matched by id.  Equal digests mean equal bundles (an
 * input's digest covers everything a bundle is made of; a bundle
 * directory's covers every file in it, by content), so only devices whose
 * digests differ are rendered or read.  Instances are matched by id
 * within a device: an instance moved to another device is removed from
 * one and added to the other.  Env values are compared but never put in
 * the report; only the word "env" is.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "emit_digest.h"
#include "emit_out.h"
#include "xalloc.h"

static int
diff_dev_cmp(const void *a, const void *b)
{
	const struct diff_dev *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
diff_view_input(struct diff_view *vw, const struct emit_dev *eds, size_t n)
{
	char (*hex)[SHA256_HEX_LEN];
	size_t i;

	memset(vw, 0, sizeof(*vw));
	vw->v = xzalloc((n + 1) * sizeof(*vw->v));
	hex = xmalloc((n + 1) * sizeof(*hex));
	emit_devs_digest(eds, n, hex);
	for (i = 0; i < n; i++) {
		vw->v[i].id = eds[i].dev->id.s;
		vw->v[i].ed = &eds[i];
		memcpy(vw->v[i].digest, hex[i], SHA256_HEX_LEN);
	}
	free(hex);
	vw->n = n;
	qsort(vw->v, n, sizeof(*vw->v), diff_dev_cmp);
}

/* The mode bits a file is compared by: permissions of a regular file,
 * type and permissions of anything else. */
static unsigned
file_mode(const struct stat *st)
{
	return S_ISREG(st->st_mode) ? (unsigned)(st->st_mode & 07777) :
	    (unsigned)(st->st_mode & (S_IFMT | 07777));
}

/*
 * Opens the regular file at dirfd/path for reading without ever
 * blocking (a FIFO is never opened) and without following a symlink.
 * Returns the descriptor, -1 on error, or -2 when path is not a regular
 * file; st gets its status either way.
 */
static int
open_reg_at(int dirfd, const char *path, struct stat *st)
{
	int fd;

	if (fstatat(dirfd, path, st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISREG(st->st_mode))
		return -2;
	fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* replaced since the fstatat */
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -2;
	}
	return fd;
}

/* What stands for a file that is not a regular one: a symlink's target,
 * else nothing (its type is in its mode). */
static void
odd_content(int dirfd, const char *path, const struct stat *st,
    struct buf *out)
{
	char t[4096];
	ssize_t r = -1;

	if (S_ISLNK(st->st_mode))
		r = readlinkat(dirfd, path, t, sizeof(t) - 1);
	if (r < 0)
		r = 0;
	out->p = xstrndup(t, (size_t)r);
	out->len = (size_t)r;
	out->cap = (size_t)r + 1;
}

/*
 * Reads the file at dirfd/path whole into bf.  A file that is not a
 * regular one is never opened: bf gets its type in mode and, for a
 * symlink, its target as content.  -1 on error (bf untouched).
 */
static int
read_at(int dirfd, const char *path, struct bundle_file *bf)
{
	struct stat st;
	ssize_t r;
	size_t off = 0;
	int fd;

	if ((fd = open_reg_at(dirfd, path, &st)) == -1)
		return -1;
	if (fd == -2) {
		odd_content(dirfd, path, &st, &bf->data);
		bf->mode = file_mode(&st);
		return 0;
	}
	bf->data.cap = (size_t)st.st_size + 1;
	bf->data.p = xmalloc(bf->data.cap);
	while (off < (size_t)st.st_size &&
	    ((r = read(fd, bf->data.p + off, (size_t)st.st_size - off)) > 0 ||
	    (r < 0 && errno == EINTR)))
		if (r > 0)
			off += (size_t)r;
	bf->data.p[off] = '\0';
	bf->data.len = off;
	bf->mode = file_mode(&st);
	close(fd);
	return 0;
}

/* One file of a bundle on disk, by digest. */
struct tree_ent {
	char		*path;
	unsigned	 mode;
	char		 hex[SHA256_HEX_LEN];
};

static int
tree_ent_cmp(const void *a, const void *b)
{
	const struct tree_ent *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* The digest of the file at dirfd/path, streamed; "!" when unreadable
 * (the same as load_tree's empty stand-in, which read_at fails). */
static void
hash_file_at(int dirfd, const char *path, struct tree_ent *te)
{
	static char chunk[65536];
	struct sha256_ctx c;
	struct stat st;
	struct buf odd;
	uint8_t d[SHA256_DIGEST_LEN];
	ssize_t r;
	int fd;

	sha256_init(&c);
	te->mode = 0;
	if ((fd = open_reg_at(dirfd, path, &st)) == -1) {
		snprintf(te->hex, sizeof(te->hex), "!");
		return;
	}
	te->mode = file_mode(&st);
	if (fd == -2) {
		odd_content(dirfd, path, &st, &odd);
		sha256_update(&c, odd.p, odd.len);
		free(odd.p);
	} else {
		while ((r = read(fd, chunk, sizeof(chunk))) > 0 ||
		    (r < 0 && errno == EINTR))
			if (r > 0)
				sha256_update(&c, chunk, (size_t)r);
		close(fd);
	}
	sha256_final(&c, d);
	sha256_hex(d, te->hex);
}

/*
 * Calls fn(bfd, path, arg) for every file below bfd/rel that is not a
 * directory (directories are descended into, symlinks are not); fn takes
 * path, relative to bfd.
 */
static void
walk_tree(int bfd, const char *rel, void (*fn)(int, char *, void *),
    void *arg)
{
	struct dirent *de;
	struct stat st;
	char *p;
	DIR *dp;
	int fd;

	fd = rel[0] != '\0' ? openat(bfd, rel, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC) : dup(bfd);
	if (fd < 0 || (dp = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = rel[0] != '\0' ? xasprintf("%s/%s", rel, de->d_name) :
		    xstrdup(de->d_name);
		if (fstatat(bfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode)) {
			walk_tree(bfd, p, fn, arg);
			free(p);
		} else {
			fn(bfd, p, arg);
		}
	}
	closedir(dp);
}

struct tree_ents {
	struct tree_ent	*v;
	size_t		 n, cap;
};

static void
hash_one(int bfd, char *p, void *arg)
{
	struct tree_ents *t = arg;
	struct tree_ent *te = XPUSH(t->v, t->n, t->cap);

	te->path = p;
	hash_file_at(bfd, p, te);
}

/*
 * The digest of a bundle directory: of every file's path, mode and
 * content, in path order.  Two bundles with equal digests hold the same
 * files with the same bytes.
 */
static void
bundle_digest_at(int dirfd, const char *name, char hex[SHA256_HEX_LEN])
{
	struct tree_ents t = { NULL, 0, 0 };
	struct tree_ent *v;
	struct sha256_ctx c;
	size_t n, i;
	uint8_t d[SHA256_DIGEST_LEN];
	char mode[16];
	int fd;

	sha256_init(&c);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd >= 0) {
		walk_tree(fd, "", hash_one, &t);
		close(fd);
	}
	v = t.v;
	n = t.n;
	if (n > 1)
		qsort(v, n, sizeof(*v), tree_ent_cmp);
	for (i = 0; i < n; i++) {
		snprintf(mode, sizeof(mode), "%o", v[i].mode);
		sha256_update(&c, v[i].path, strlen(v[i].path) + 1);
		sha256_update(&c, mode, strlen(mode) + 1);
		sha256_update(&c, v[i].hex, strlen(v[i].hex) + 1);
		free(v[i].path);
	}
	free(v);
	sha256_final(&c, d);
	sha256_hex(d, hex);
}

static bool
is_bundle_at(int dirfd, const char *name)
{
	struct stat st;
	char *m = xasprintf("%s/manifest.json", name);
	bool ok;

	ok = fstatat(dirfd, m, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode);
	free(m);
	return ok;
}

bool
diff_dir_is_bundles(const char *dir)
{
	struct dirent *de;
	struct stat st;
	bool yes = false;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return false;
	while (!yes && (de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			yes = strcmp(de->d_name, EMIT_OUT_INDEX) == 0;
		else if (fstatat(dirfd(dp), de->d_name, &st, 0) == 0 &&
		    S_ISDIR(st.st_mode))
			yes = is_bundle_at(dirfd(dp), de->d_name);
	}
	closedir(dp);
	return yes;
}

int
diff_view_bundles(struct diff_view *vw, const char *dir, char *err,
    size_t errlen)
{
	struct dirent *de;
	struct diff_dev *dv;
	size_t cap = 0;
	DIR *dp;

	memset(vw, 0, sizeof(*vw));
	if ((dp = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	vw->dir = xstrdup(dir);
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || !is_bundle_at(dirfd(dp),
		    de->d_name))
			continue;
		dv = XPUSH(vw->v, vw->n, cap);
		memset(dv, 0, sizeof(*dv));
		dv->id = xstrdup(de->d_name);
		bundle_digest_at(dirfd(dp), de->d_name, dv->digest);
	}
	closedir(dp);
	if (vw->n > 1)
		qsort(vw->v, vw->n, sizeof(*vw->v), diff_dev_cmp);
	return 0;
}

void
diff_view_free(struct diff_view *vw)
{
	size_t i;

	for (i = 0; i < vw->n; i++) {
		if (vw->v[i].loaded)
			emit_bundle_free(&vw->v[i].b);
		if (vw->dir != NULL)
			free((char *)vw->v[i].id);
	}
	free(vw->v);
	free(vw->dir);
	memset(vw, 0, sizeof(*vw));
}

static void
load_one(int bfd, char *p, void *arg)
{
	struct bundle *b = arg;
	struct bundle_file *bf = XPUSH(b->v, b->n, b->cap);

	memset(bf, 0, sizeof(*bf));
	bf->path = p;
	if (read_at(bfd, p, bf) < 0) {
		/* unreadable: different from any readable file */
		bf->data.p = xstrdup("");
		bf->data.cap = 1;
		bf->mode = 0;
	}
}

static int
bundle_file_cmp(const void *a, const void *b)
{
	const struct bundle_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static void
diff_dev_load(const struct diff_view *vw, struct diff_dev *dv)
{
	struct diag_ctx scratch;
	char *p;
	int fd;

	if (dv->loaded)
		return;
	dv->loaded = true;
	if (dv->ed != NULL) {
		/* warnings of rendering belong to compile, not to diff */
		diag_init(&scratch);
		emit_bundle_render(dv->ed, dv->digest, &dv->b, &scratch);
		diag_fini(&scratch);
		return;
	}
	memset(&dv->b, 0, sizeof(dv->b));
	p = xasprintf("%s/%s", vw->dir, dv->id);
	fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(p);
	if (fd < 0)
		return;
	walk_tree(fd, "", load_one, &dv->b);
	close(fd);
	if (dv->b.n > 1)
		qsort(dv->b.v, dv->b.n, sizeof(*dv->b.v), bundle_file_cmp);
}

/* Reports --------------------------------------------------------------- */

static json_t *
jentry(const char *key, const char *name, const char *change)
{
	json_t *o = json_object();

	json_object_set_new(o, key, json_string(name));
	json_object_set_new(o, "change", json_string(change));
	return o;
}

/* The lines of an nftables file that carry a rule (with its comment),
 * without indentation, sorted. */
static size_t
nft_lines(const struct bundle_file *bf, char ***out)
{
	const char *p, *e, *end;
	size_t n = 0, cap = 0;
	char **v = NULL;

	if (bf == NULL) {
		*out = NULL;
		return 0;
	}
	end = bf->data.p + bf->data.len;
	for (p = bf->data.p; p < end; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		while (p < e && (*p == '\t' || *p == ' '))
			p++;
		/* structure (tables, chains, hooks), not rules */
		if (p == e || *p == '#' || e[-1] == '{' || e[-1] == '}' ||
		    strncmp(p, "table ", 6) == 0 ||
		    strncmp(p, "delete table ", 13) == 0 ||
		    strncmp(p, "type ", 5) == 0)
			continue;
		*XPUSH(v, n, cap) = xstrndup(p, (size_t)(e - p));
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), str_cmp);
	*out = v;
	return n;
}

/* "+" and "-": the rule lines only in the new file and only in the old. */
static void
nft_rules(json_t *fo, const struct bundle_file *a, const struct bundle_file *b)
{
	char **x, **y;
	size_t nx = nft_lines(a, &x), ny = nft_lines(b, &y), i = 0, j = 0;
	json_t *add = json_array(), *del = json_array();
	int c;

	while (i < nx || j < ny) {
		c = i == nx ? 1 : j == ny ? -1 : strcmp(x[i], y[j]);
		if (c < 0)
			json_array_append_new(del, json_string(x[i++]));
		else if (c > 0)
			json_array_append_new(add, json_string(y[j++]));
		else
			i++, j++;
	}
	json_object_set_new(fo, "+", add);
	json_object_set_new(fo, "-", del);
	for (i = 0; i < nx; i++)
		free(x[i]);
	for (j = 0; j < ny; j++)
		free(y[j]);
	free(x);
	free(y);
}

static bool
file_same(const struct bundle_file *a, const struct bundle_file *b)
{
	return a->mode == b->mode && a->data.len == b->data.len &&
	    memcmp(a->data.p, b->data.p, a->data.len) == 0;
}

static bool
is_nft(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".nft") == 0;
}

/* The changed files of two bundles (either may be NULL: all added or
 * all removed). */
static json_t *
diff_files(const struct bundle *a, const struct bundle *b, bool rules)
{
	json_t *arr = json_array(), *fo;
	size_t na = a != NULL ? a->n : 0, nb = b != NULL ? b->n : 0;
	size_t i = 0, j = 0;
	int c;

	while (i < na || j < nb) {
		c = i == na ? 1 : j == nb ? -1 :
		    strcmp(a->v[i].path, b->v[j].path);
		fo = NULL;
		if (c < 0) {
			fo = jentry("path", a->v[i].path, "removed");
			if (rules && is_nft(a->v[i].path))
				nft_rules(fo, &a->v[i], NULL);
			i++;
		} else if (c > 0) {
			fo = jentry("path", b->v[j].path, "added");
			if (rules && is_nft(b->v[j].path))
				nft_rules(fo, NULL, &b->v[j]);
			j++;
		} else {
			if (!file_same(&a->v[i], &b->v[j])) {
				fo = jentry("path", a->v[i].path, "changed");
				if (rules && is_nft(a->v[i].path))
					nft_rules(fo, &a->v[i], &b->v[j]);
			}
			i++, j++;
		}
		if (fo != NULL)
			json_array_append_new(arr, fo);
	}
	return arr;
}

/* Instances ------------------------------------------------------------ */

static bool
laddr_same(const struct laddr *a, const struct laddr *b)
{
	return a->set == b->set && (!a->set || (a->a.v == b->a.v &&
	    a->a.family == b->a.family && a->a.plen == b->a.plen));
}

static bool
addr_same(bool sa, const struct addr *a, bool sb, const struct addr *b)
{
	return sa == sb && (!sa || (a->v == b->v && a->family == b->family &&
	    a->plen == b->plen));
}

static bool
lstr_same(const struct lstr *a, const struct lstr *b)
{
	if (a->s == NULL || b->s == NULL)
		return a->s == b->s;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Same keys with the same values, in any order. */
static bool
env_same(const struct service *a, const struct service *b)
{
	size_t i, j;

	if (a->n_env != b->n_env)
		return false;
	for (i = 0; i < a->n_env; i++) {
		for (j = 0; j < b->n_env; j++)
			if (lstr_same(&a->env[i].key, &b->env[j].key))
				break;
		if (j == b->n_env ||
		    !lstr_same(&a->env[i].value, &b->env[j].value))
			return false;
	}
	return true;
}

static bool
ifs_same(const struct service *a, const struct service *b)
{
	size_t i;

	if (a->n_ifs != b->n_ifs)
		return false;
	for (i = 0; i < a->n_ifs; i++)
		if (!lstr_same(&a->ifs[i].name, &b->ifs[i].name) ||
		    !lstr_same(&a->ifs[i].label, &b->ifs[i].label))
			return false;
	return true;
}

static const char *
net_name(const struct inst_plan *ip)
{
	return ip->wan_net != NULL ? ip->wan_net->name.s : "";
}

/*
 * Whether an instance's WAN gateway reaches its files: only an allocated
 * WAN address gets a route through it (emit_netlink.c); a DHCP WAN
 * learns its gateway from the network.
 */
static bool
wan_gw_used(const struct inst_plan *ip)
{
	return ip->svc->wan.v == NETMODE_ALLOCATED && ip->has_wan &&
	    ip->has_wan_gw;
}

#define FIELD(cond, name) \
	do { if (!(cond)) json_array_append_new(f, json_string(name)); } \
	while (0)

/* The input keys and decisions that differ between two plans of one
 * instance, as the user writes them.  A decision the instance's modes
 * leave unused (the WAN gateway of a DHCP WAN) is not compared. */
static json_t *
inst_fields(const struct inst_plan *x, const struct inst_plan *y)
{
	const struct service *a = x->svc, *b = y->svc;
	json_t *f = json_array();

	FIELD(strcmp(a->name.s, b->name.s) == 0, "service");
	FIELD(a->gpsd.v == b->gpsd.v, "access_gpsd_enabled");
	FIELD(laddr_same(&a->subnet, &b->subnet), "access_provided_subnet");
	FIELD(laddr_same(&a->tmpl, &b->tmpl), "dhcp_range_template");
	FIELD(laddr_same(&a->range, &b->range), "dhcp_range");
	FIELD(env_same(a, b), "env");
	FIELD(a->wan.v == b->wan.v, "wan_configure_network");
	FIELD(a->lan.v == b->lan.v, "lan_configure_network");
	FIELD(a->masquerade.v == b->masquerade.v, "masquerade");
	FIELD(lstr_same(&a->wan_network, &b->wan_network), "wan_network");
	FIELD(ifs_same(a, b), "access_interfaces");
	FIELD(strcmp(net_name(x), net_name(y)) == 0, "client_network");
	FIELD(addr_same(x->has_block, &x->block, y->has_block, &y->block),
	    "block");
	FIELD(addr_same(x->has_address, &x->address, y->has_address,
	    &y->address), "address");
	FIELD(addr_same(x->has_pool, &x->pool_start, y->has_pool,
	    &y->pool_start) && addr_same(x->has_pool, &x->pool_end,
	    y->has_pool, &y->pool_end), "dhcp_pool");
	FIELD(addr_same(x->has_wan, &x->wan_address, y->has_wan,
	    &y->wan_address), "wan_address");
	FIELD(addr_same(wan_gw_used(x), &x->wan_gw, wan_gw_used(y),
	    &y->wan_gw), "wan_gateway");
	return f;
}

/* Appends {"instance", "change", "fields", "recorded"} to out; fields
 * (taken) may be NULL: none.  "recorded" is true here: the caller, who
 * knows the ledger, marks what it does not hold. */
static void
inst_entry(json_t *out, const char *id, const char *change, json_t *fields)
{
	json_t *io = jentry("instance", id, change);

	json_object_set_new(io, "fields", fields != NULL ? fields :
	    json_array());
	json_object_set_new(io, "recorded", json_true());
	json_array_append_new(out, io);
}

/* True when some file under instances/<id>/ is in the files report. */
static bool
inst_files_changed(json_t *files, const char *id, json_t *names)
{
	size_t i, pl;
	char *pfx = xasprintf("instances/%s/", id);
	const char *p;
	bool any = false;

	pl = strlen(pfx);
	for (i = 0; i < json_array_size(files); i++) {
		p = json_string_value(json_object_get(json_array_get(files, i),
		    "path"));
		if (strncmp(p, pfx, pl) != 0)
			continue;
		any = true;
		if (names != NULL)
			json_array_append_new(names, json_string(
			    strcmp(p + pl, "lxc.env") == 0 ? "env" : p + pl));
	}
	free(pfx);
	return any;
}

/* A bundle's allocations.json, parsed (a new reference), or NULL. */
static json_t *
bundle_insts(const struct diff_dev *dv)
{
	size_t i;

	for (i = 0; dv != NULL && i < dv->b.n; i++)
		if (strcmp(dv->b.v[i].path, "allocations.json") == 0)
			return json_loadb(dv->b.v[i].data.p,
			    dv->b.v[i].data.len, 0, NULL);
	return NULL;
}

static json_t *
alloc_find(json_t *alloc, const char *id)
{
	json_t *arr = json_object_get(alloc, "instances"), *x;
	size_t i;

	json_array_foreach(arr, i, x)
		if (strcmp(id, json_string_value(json_object_get(x,
		    "instance")) ?: "") == 0)
			return x;
	return NULL;
}

static void
alloc_fields(json_t *x, json_t *y, json_t *f)
{
	static const char *const keys[] = { "service", "block", "address",
	    "dhcp_pool", "wan_address" };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(keys); k++)
		if (!json_equal(json_object_get(x, keys[k]),
		    json_object_get(y, keys[k])))
			json_array_append_new(f, json_string(keys[k]));
}

/* Instance ids of a bundle: instances/<id>/... paths, sorted, unique. */
static size_t
bundle_inst_ids(const struct diff_dev *dv, char ***out)
{
	char **v = NULL, *id;
	const char *p, *s;
	size_t n = 0, cap = 0, i;

	for (i = 0; dv != NULL && i < dv->b.n; i++) {
		p = dv->b.v[i].path;
		if (strncmp(p, "instances/", 10) != 0 ||
		    (s = strchr(p + 10, '/')) == NULL)
			continue;
		id = xstrndup(p + 10, (size_t)(s - p - 10));
		if (n > 0 && strcmp(v[n - 1], id) == 0)
			free(id);
		else
			*XPUSH(v, n, cap) = id;
	}
	*out = v;
	return n;
}

static void
diff_insts_bundles(const struct diff_dev *a, const struct diff_dev *b,
    json_t *files, json_t *out)
{
	char **x, **y;
	size_t nx = bundle_inst_ids(a, &x), ny = bundle_inst_ids(b, &y);
	size_t i = 0, j = 0;
	json_t *aa = bundle_insts(a), *ab = bundle_insts(b), *f;
	int c;

	while (i < nx || j < ny) {
		c = i == nx ? 1 : j == ny ? -1 : strcmp(x[i], y[j]);
		if (c < 0) {
			inst_entry(out, x[i++], "removed", NULL);
		} else if (c > 0) {
			inst_entry(out, y[j++], "added", NULL);
		} else {
			f = json_array();
			alloc_fields(alloc_find(aa, x[i]), alloc_find(ab, y[j]),
			    f);
			inst_files_changed(files, x[i], f);
			if (json_array_size(f) > 0)
				inst_entry(out, x[i], "changed", f);
			else
				json_decref(f);
			i++, j++;
		}
	}
	for (i = 0; i < nx; i++)
		free(x[i]);
	for (j = 0; j < ny; j++)
		free(y[j]);
	free(x);
	free(y);
	json_decref(aa);
	json_decref(ab);
}

static void
diff_insts_input(const struct emit_dev *a, const struct emit_dev *b,
    json_t *files, json_t *out)
{
	size_t na = a != NULL ? a->n : 0, nb = b != NULL ? b->n : 0;
	size_t i = 0, j = 0;
	const char *x, *y;
	json_t *f;
	int c;

	while (i < na || j < nb) {
		x = i < na ? a->ip[i]->inst->id.s : NULL;
		y = j < nb ? b->ip[j]->inst->id.s : NULL;
		c = x == NULL ? 1 : y == NULL ? -1 : strcmp(x, y);
		if (c < 0) {
			inst_entry(out, x, "removed", NULL);
			i++;
		} else if (c > 0) {
			inst_entry(out, y, "added", NULL);
			j++;
		} else {
			f = inst_fields(a->ip[i], b->ip[j]);
			if (json_array_size(f) > 0 ||
			    inst_files_changed(files, x, NULL))
				inst_entry(out, x, "changed", f);
			else
				json_decref(f);
			i++, j++;
		}
	}
}

/* Exposure ------------------------------------------------------------- */

/* "what\tsubject" for every exposure of a device, sorted. */
static size_t
exposures(const struct emit_dev *ed, char ***out)
{
	char **v = NULL, nb[EMIT_IFNAMSIZ];
	size_t n = 0, cap = 0, i, j, k;
	struct inst_names nm;
	bool *acc;

	*out = NULL;
	if (ed == NULL)
		return 0;
	acc = xzalloc((ed->dev->n_nets + 1) * sizeof(*acc));
	emit_gpsd_exposure(ed, acc);
	for (j = 0; j < ed->dev->n_nets; j++)
		if (acc[j])
			*XPUSH(v, n, cap) = xasprintf("gpsd\tclient network "
			    "%s", ed->dev->nets[j].name.s);
	for (i = 0; i < ed->n; i++) {
		const struct inst_plan *ip = ed->ip[i];

		for (j = 0; j < ed->dev->n_nets; j++)
			if (acc[j] && ip->wan_net == &ed->dev->nets[j])
				*XPUSH(v, n, cap) = xasprintf("gpsd\t"
				    "instance %s (client network %s)",
				    ip->inst->id.s, ed->dev->nets[j].name.s);
		if (!emit_has_lan(ip->svc))
			continue;
		names_make(&nm, ip->inst->id.s);
		for (k = 0; k < ip->svc->n_ifs; k++) {
			names_bridge(&nm, (unsigned)k, nb);
			*XPUSH(v, n, cap) = xasprintf("port\tport %s bridged "
			    "to instance %s (%s, bridge %s)",
			    ip->svc->ifs[k].name.s, ip->inst->id.s,
			    ip->svc->ifs[k].label.s, nb);
		}
	}
	free(acc);
	if (n > 1)
		qsort(v, n, sizeof(*v), str_cmp);
	*out = v;
	return n;
}

static json_t *
diff_exposure(const struct emit_dev *a, const struct emit_dev *b)
{
	char **x, **y, *t;
	size_t nx = exposures(a, &x), ny = exposures(b, &y), i = 0, j = 0;
	json_t *arr = json_array(), *e;
	int c;

	while (i < nx || j < ny) {
		c = i == nx ? 1 : j == ny ? -1 : strcmp(x[i], y[j]);
		if (c == 0) {
			i++, j++;
			continue;
		}
		t = c < 0 ? x[i++] : y[j++];
		e = json_object();
		json_object_set_new(e, "what", json_stringn(t,
		    (size_t)(strchr(t, '\t') - t)));
		json_object_set_new(e, "change", json_string(c < 0 ? "lost" :
		    "gained"));
		json_object_set_new(e, "subject", json_string(strchr(t, '\t') +
		    1));
		json_array_append_new(arr, e);
	}
	for (i = 0; i < nx; i++)
		free(x[i]);
	for (j = 0; j < ny; j++)
		free(y[j]);
	free(x);
	free(y);
	return arr;
}

/* Devices -------------------------------------------------------------- */

static json_t *
diff_device(struct diff_view *va, struct diff_dev *a, struct diff_view *vb,
    struct diff_dev *b, bool rules)
{
	const char *change = a == NULL ? "added" : b == NULL ? "removed" :
	    "changed";
	json_t *o, *files, *insts;

	if (a != NULL)
		diff_dev_load(va, a);
	if (b != NULL)
		diff_dev_load(vb, b);
	o = jentry("device", a != NULL ? a->id : b->id, change);
	files = diff_files(a != NULL ? &a->b : NULL, b != NULL ? &b->b : NULL,
	    rules);
	insts = json_array();
	if ((a == NULL || a->ed != NULL) && (b == NULL || b->ed != NULL))
		diff_insts_input(a != NULL ? a->ed : NULL,
		    b != NULL ? b->ed : NULL, files, insts);
	else
		diff_insts_bundles(a, b, files, insts);
	json_object_set_new(o, "instances", insts);
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "exposure", diff_exposure(
	    a != NULL ? a->ed : NULL, b != NULL ? b->ed : NULL));
	return o;
}

json_t *
diff_views(struct diff_view *va, struct diff_view *vb, bool rules)
{
	json_t *rep = json_object(), *devs = json_array(), *o;
	size_t i = 0, j = 0, same = 0;
	int c;

	while (i < va->n || j < vb->n) {
		c = i == va->n ? 1 : j == vb->n ? -1 :
		    strcmp(va->v[i].id, vb->v[j].id);
		if (c < 0) {
			o = diff_device(va, &va->v[i++], vb, NULL, rules);
		} else if (c > 0) {
			o = diff_device(va, NULL, vb, &vb->v[j++], rules);
		} else if (strcmp(va->v[i].digest, vb->v[j].digest) == 0) {
			same++;
			i++, j++;
			continue;
		} else {
			o = diff_device(va, &va->v[i], vb, &vb->v[j], rules);
			i++, j++;
		}
		/* a digest that moved without any visible effect (e.g. a
		 * changed tool version) still rewrites manifest.json, which
		 * diff_files reports: the device is listed */
		json_array_append_new(devs, o);
	}
	json_object_set_new(rep, "devices", devs);
	json_object_set_new(rep, "unchanged_devices", json_integer(
	    (json_int_t)same));
	return rep;
}

void
diff_json_strip_rules(json_t *rep)
{
	json_t *d, *f;
	size_t i, k;

	json_array_foreach(json_object_get(rep, "devices"), i, d)
		json_array_foreach(json_object_get(d, "files"), k, f) {
			json_object_del(f, "+");
			json_object_del(f, "-");
		}
}
