/*
 * bundle.c - read and verify a device bundle (docs/bundle-format.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "bundle.h"
#include "json.h"
#include "names.h"
#include "sha256.h"

static const char *const rt_top_files[] = {
	"allocations.json", "host.nft", "netlink.batch", NULL
};
static const char *const rt_inst_files[] = {
	"dnsmasq.conf", "lxc.env", "netns.batch", "netns.nft", NULL
};

static int
in_list(const char *const *l, const char *s, size_t n)
{
	for (; *l != NULL; l++)
		if (strlen(*l) == n && memcmp(*l, s, n) == 0)
			return 1;
	return 0;
}

/* Accepts exactly the layout's paths; fills the id span for instances. */
static int
path_valid(const char *p, size_t n, const char **id, size_t *idlen)
{
	const char *s, *f;

	*id = NULL;
	if (in_list(rt_top_files, p, n))
		return 1;
	if (n < 10 || memcmp(p, "instances/", 10) != 0)
		return 0;
	s = p + 10;
	if ((f = memchr(s, '/', n - 10)) == NULL)
		return 0;
	if (!names_id_valid(s, (size_t)(f - s)))
		return 0;
	*id = s;
	*idlen = (size_t)(f - s);
	f++;
	return in_list(rt_inst_files, f, n - (size_t)(f - p));
}

static int
hex_decode(const char *s, size_t n, uint8_t out[32])
{
	size_t i;

	if (n != 64)
		return -1;
	for (i = 0; i < 64; i++) {
		int c = s[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return 0;
}

static int
add_id(struct rt_bundle *b, const char *id, size_t n)
{
	if (b->nids > 0 && strlen(b->ids[b->nids - 1]) == n &&
	    memcmp(b->ids[b->nids - 1], id, n) == 0)
		return 0;	/* files are sorted: same instance */
	if (rt_vec_grow(&b->ids, &b->cap_ids, b->nids, 1,
	    sizeof(*b->ids)) == -1)
		return -1;
	if ((b->ids[b->nids] = strndup(id, n)) == NULL)
		return -1;
	b->nids++;
	return 0;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int
parse_file_entry(const struct rt_json *e, struct rt_bundle *b, size_t k,
    char *err, size_t errlen)
{
	const struct rt_json *path, *sha, *size, *mode, *m;
	struct rt_bfile *f = &b->files[k];
	const char *id;
	size_t idlen = 0, i;
	unsigned md = 0;

	if (e->type != RT_JSON_OBJ)
		return rt_errf(err, errlen, "files[%zu]: not an object", k);
	for (m = e->child; m != NULL; m = m->next)
		if (!in_list((const char *const[]){ "path", "sha256", "size",
		    "mode", NULL }, m->key, m->keylen))
			return rt_errf(err, errlen, "files[%zu]: unknown key "
			    "'%.*s'", k, (int)m->keylen, m->key);
	path = rt_json_get(e, "path");
	sha = rt_json_get(e, "sha256");
	size = rt_json_get(e, "size");
	mode = rt_json_get(e, "mode");
	if (path == NULL || path->type != RT_JSON_STR || sha == NULL ||
	    sha->type != RT_JSON_STR || size == NULL ||
	    size->type != RT_JSON_INT || mode == NULL ||
	    mode->type != RT_JSON_STR)
		return rt_errf(err, errlen, "files[%zu]: needs path, sha256, "
		    "size and mode", k);
	if (!path_valid(path->s, path->slen, &id, &idlen))
		return rt_errf(err, errlen, "files[%zu]: path '%.*s' is not "
		    "part of the bundle layout", k,
		    (int)(path->slen > 100 ? 100 : path->slen), path->s);
	if (hex_decode(sha->s, sha->slen, f->sha) == -1)
		return rt_errf(err, errlen, "files[%zu]: bad sha256", k);
	if (size->i < 0 || size->i > (long long)RT_BUNDLE_FILE_MAX)
		return rt_errf(err, errlen, "files[%zu]: bad size", k);
	if (mode->slen != 4 || mode->s[0] != '0')
		return rt_errf(err, errlen, "files[%zu]: bad mode", k);
	for (i = 1; i < 4; i++) {
		if (mode->s[i] < '0' || mode->s[i] > '7')
			return rt_errf(err, errlen, "files[%zu]: bad mode", k);
		md = md * 8 + (unsigned)(mode->s[i] - '0');
	}
	if ((f->path = strndup(path->s, path->slen)) == NULL)
		return rt_errf(err, errlen, "out of memory");
	f->len = (size_t)size->i;
	f->mode = md;
	if (k > 0 && strcmp(b->files[k - 1].path, f->path) >= 0)
		return rt_errf(err, errlen, "files[%zu]: '%s' out of order or "
		    "repeated", k, f->path);
	if (id != NULL && add_id(b, id, idlen) == -1)
		return rt_errf(err, errlen, "out of memory");
	return 0;
}

int
rt_manifest_parse(const char *text, size_t len, struct rt_bundle *b,
    char *err, size_t errlen)
{
	static const char *const keys[] = { "format", "tool", "device",
	    "inputs_sha256", "files", NULL };
	struct rt_json *root = NULL, *v, *e;
	char jerr[128];
	uint8_t dummy[32];
	size_t n = 0, k, i;
	int r = -1;

	if (rt_json_parse(text, len, &root, jerr, sizeof(jerr)) == -1)
		return rt_errf(err, errlen, "manifest.json:%s", jerr);
	if (root->type != RT_JSON_OBJ) {
		rt_errf(err, errlen, "manifest.json: not an object");
		goto out;
	}
	for (v = root->child; v != NULL; v = v->next)
		if (!in_list(keys, v->key, v->keylen)) {
			rt_errf(err, errlen, "manifest.json: unknown key '%.*s'",
			    (int)v->keylen, v->key);
			goto out;
		}
	if ((v = rt_json_get(root, "format")) == NULL ||
	    v->type != RT_JSON_INT || v->i != 1) {
		rt_errf(err, errlen, "manifest.json: format must be 1");
		goto out;
	}
	if ((v = rt_json_get(root, "tool")) == NULL || v->type != RT_JSON_STR) {
		rt_errf(err, errlen, "manifest.json: tool missing");
		goto out;
	}
	if ((v = rt_json_get(root, "device")) == NULL ||
	    v->type != RT_JSON_STR || !names_id_valid(v->s, v->slen)) {
		rt_errf(err, errlen, "manifest.json: bad device id");
		goto out;
	}
	memcpy(b->device, v->s, v->slen);
	b->device[v->slen] = '\0';
	if ((v = rt_json_get(root, "inputs_sha256")) == NULL ||
	    v->type != RT_JSON_STR || hex_decode(v->s, v->slen, dummy) == -1) {
		rt_errf(err, errlen, "manifest.json: bad inputs_sha256");
		goto out;
	}
	if ((v = rt_json_get(root, "files")) == NULL || v->type != RT_JSON_ARR) {
		rt_errf(err, errlen, "manifest.json: files must be an array");
		goto out;
	}
	for (e = v->child; e != NULL; e = e->next)
		n++;
	if (n > 4096) {
		rt_errf(err, errlen, "manifest.json: too many files");
		goto out;
	}
	if (n > 0 && (b->files = calloc(n, sizeof(*b->files))) == NULL) {
		rt_errf(err, errlen, "out of memory");
		goto out;
	}
	for (e = v->child, k = 0; e != NULL; e = e->next, k++) {
		b->nfiles = k + 1;
		if (parse_file_entry(e, b, k, err, errlen) == -1)
			goto out;
	}
	if (b->nids > 1)
		qsort(b->ids, b->nids, sizeof(*b->ids), cmp_str);
	for (i = 0; rt_top_files[i] != NULL; i++)
		if (rt_bundle_file(b, rt_top_files[i]) == NULL) {
			rt_errf(err, errlen, "manifest.json: %s is not listed",
			    rt_top_files[i]);
			goto out;
		}
	for (i = 0; i < b->nids; i++)
		if (rt_bundle_ifile(b, b->ids[i], "lxc.env") == NULL) {
			rt_errf(err, errlen, "manifest.json: instances/%s/"
			    "lxc.env is not listed", b->ids[i]);
			goto out;
		}
	r = 0;
out:
	rt_json_free(root);
	return r;
}

static int
cmp_path(const void *k, const void *e)
{
	return strcmp(k, ((const struct rt_bfile *)e)->path);
}

const struct rt_bfile *
rt_bundle_file(const struct rt_bundle *b, const char *path)
{
	if (b->nfiles == 0)
		return NULL;
	return bsearch(path, b->files, b->nfiles, sizeof(*b->files), cmp_path);
}

const struct rt_bfile *
rt_bundle_ifile(const struct rt_bundle *b, const char *id, const char *name)
{
	char p[256];

	if (snprintf(p, sizeof(p), "instances/%s/%s", id, name) >=
	    (int)sizeof(p))
		return NULL;
	return rt_bundle_file(b, p);
}

/* Whether rel (a directory) is a prefix of some listed path. */
static int
dir_listed(const struct rt_bundle *b, const char *rel)
{
	size_t i, n = strlen(rel);

	for (i = 0; i < b->nfiles; i++)
		if (strncmp(b->files[i].path, rel, n) == 0 &&
		    b->files[i].path[n] == '/')
			return 1;
	return 0;
}

/* Takes data (a new buffer of len bytes) as f's contents if its size and
 * digest match the manifest; frees it otherwise. */
static int
bfile_take(struct rt_bfile *f, char *data, size_t len, size_t *total,
    char *err, size_t errlen)
{
	char hex[65];
	uint8_t d[32];

	if (len != f->len) {
		free(data);
		return rt_errf(err, errlen, "bundle: %s: size %zu, manifest "
		    "says %zu (tampered?)", f->path, len, f->len);
	}
	if ((*total += len) > RT_BUNDLE_TOTAL_MAX) {
		free(data);
		return rt_errf(err, errlen, "bundle: too large");
	}
	sha256(data, len, d);
	if (memcmp(d, f->sha, 32) != 0) {
		free(data);
		sha256_hex(d, hex);
		return rt_errf(err, errlen, "bundle: %s: sha256 %s does not "
		    "match the manifest (tampered?)", f->path, hex);
	}
	f->data = data;
	return 0;
}

static int
bundle_manifest(struct rt_bundle *b, char *err, size_t errlen)
{
	uint8_t d[32];

	if (rt_manifest_parse(b->manifest, b->manifest_len, b, err,
	    errlen) == -1)
		return -1;
	sha256(b->manifest, b->manifest_len, d);
	sha256_hex(d, b->id);
	return 0;
}

/*
 * Reads the directory tree in one pass: every regular file the manifest
 * lists is read (relative to its directory's descriptor, no path walked
 * twice) and verified; anything else is refused.  rel: "" or
 * "instances" or "instances/<id>".
 */
static int
walk(struct rt_bundle *b, int dfd, const char *rel, int depth,
    size_t *total, char *err, size_t errlen)
{
	char sub[1024], *data;
	struct rt_bfile *f;
	struct dirent *de;
	struct stat st;
	size_t len;
	DIR *d;
	int r = 0, type, fd;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return rt_errf(err, errlen, "bundle: %s: %s", *rel ? rel : ".",
		    strerror(errno));
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name) >= (int)sizeof(sub)) {
			r = rt_errf(err, errlen, "bundle: path too long");
			break;
		}
		type = de->d_type;
		if (type == DT_UNKNOWN) {	/* file systems without d_type */
			if (fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1) {
				r = rt_errf(err, errlen, "bundle: %s: %s", sub,
				    strerror(errno));
				break;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR :
			    S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR) {
			if (depth >= 2 || !dir_listed(b, sub))
				r = rt_errf(err, errlen, "bundle: directory "
				    "'%s' is not in the manifest", sub);
			else if ((fd = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
				r = rt_errf(err, errlen, "bundle: %s: %s", sub,
				    strerror(errno));
			else
				r = walk(b, fd, sub, depth + 1, total, err,
				    errlen);
		} else if (type != DT_REG) {
			r = rt_errf(err, errlen, "bundle: '%s' is not a "
			    "regular file", sub);
		} else if (strcmp(sub, "manifest.json") == 0) {
			continue;
		} else if ((f = (struct rt_bfile *)rt_bundle_file(b, sub)) ==
		    NULL) {
			r = rt_errf(err, errlen, "bundle: file '%s' is not in "
			    "the manifest", sub);
		} else if (rt_file_readat(dirfd(d), de->d_name,
		    RT_BUNDLE_FILE_MAX, &data, &len) == -1) {
			/* O_NOFOLLOW: a symbolic link put in its place
			 * since readdir fails here (ELOOP). */
			r = rt_errf(err, errlen, "bundle: %s: %s", sub,
			    strerror(errno));
		} else
			r = bfile_take(f, data, len, total, err, errlen);
	}
	closedir(d);
	return r;
}

int
rt_bundle_load(const char *dir, struct rt_bundle *b, char *err,
    size_t errlen)
{
	size_t i, total = 0;
	int dfd;

	memset(b, 0, sizeof(*b));
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return rt_errf(err, errlen, "%s: %s", dir, strerror(errno));
	if (rt_file_readat(dfd, "manifest.json", RT_BUNDLE_FILE_MAX,
	    &b->manifest, &b->manifest_len) == -1) {
		rt_errf(err, errlen, "%s/manifest.json: %s", dir,
		    strerror(errno));
		close(dfd);
		return -1;
	}
	if (bundle_manifest(b, err, errlen) == -1) {
		close(dfd);
		return -1;
	}
	if (walk(b, dfd, "", 0, &total, err, errlen) == -1)
		return -1;
	for (i = 0; i < b->nfiles; i++)
		if (b->files[i].data == NULL)
			return rt_errf(err, errlen, "bundle: %s: missing",
			    b->files[i].path);
	return 0;
}

/* One record of a pack: "LEN\n" then LEN bytes then "\n". */
static char *
pack_next(const char **p, const char *end, size_t *len)
{
	const char *q = *p;
	size_t n = 0;
	char *data;

	if (q >= end || *q < '0' || *q > '9')
		return NULL;
	for (; q < end && *q >= '0' && *q <= '9'; q++)
		if ((n = n * 10 + (size_t)(*q - '0')) > RT_BUNDLE_FILE_MAX)
			return NULL;
	if (q >= end || *q++ != '\n' || (size_t)(end - q) < n + 1 ||
	    q[n] != '\n' || (data = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(data, q, n);
	data[n] = '\0';
	*len = n;
	*p = q + n + 1;
	return data;
}

int
rt_bundle_pack(const struct rt_bundle *b, char **out, size_t *len)
{
	size_t i, cap = b->manifest_len + 64;
	char *p;

	for (i = 0; i < b->nfiles; i++)
		cap += b->files[i].len + 24;
	if ((p = *out = malloc(cap)) == NULL)
		return -1;
	p += sprintf(p, "edgenet-pack 1\n%zu\n", b->manifest_len);
	memcpy(p, b->manifest, b->manifest_len);
	p += b->manifest_len;
	*p++ = '\n';
	for (i = 0; i < b->nfiles; i++) {
		p += sprintf(p, "%zu\n", b->files[i].len);
		memcpy(p, b->files[i].data, b->files[i].len);
		p += b->files[i].len;
		*p++ = '\n';
	}
	*len = (size_t)(p - *out);
	return 0;
}

int
rt_bundle_unpack(const char *text, size_t len, struct rt_bundle *b,
    char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	size_t i, n, total = 0;
	char *data;

	memset(b, 0, sizeof(*b));
	if (len < 15 || memcmp(p, "edgenet-pack 1\n", 15) != 0)
		return rt_errf(err, errlen, "not a bundle pack");
	p += 15;
	if ((b->manifest = pack_next(&p, end, &b->manifest_len)) == NULL)
		return rt_errf(err, errlen, "pack: bad manifest record");
	if (bundle_manifest(b, err, errlen) == -1)
		return -1;
	for (i = 0; i < b->nfiles; i++) {
		if ((data = pack_next(&p, end, &n)) == NULL)
			return rt_errf(err, errlen, "pack: bad record for %s",
			    b->files[i].path);
		if (bfile_take(&b->files[i], data, n, &total, err,
		    errlen) == -1)
			return -1;
	}
	if (p != end)
		return rt_errf(err, errlen, "pack: trailing data");
	return 0;
}

int
rt_bundle_empty(struct rt_bundle *b, const char *device)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->device, sizeof(b->device), "%s", device);
	return 0;
}

void
rt_bundle_free(struct rt_bundle *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nfiles; i++) {
		free(b->files[i].path);
		free(b->files[i].data);
	}
	for (i = 0; i < b->nids; i++)
		free(b->ids[i]);
	free(b->files);
	free(b->ids);
	free(b->manifest);
	memset(b, 0, sizeof(*b));
}
