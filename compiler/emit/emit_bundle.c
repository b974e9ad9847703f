/*
 * emit_bundle.c - one device's bundle in memory: the files of every
 * emitter, allocations.json and manifest.json (docs/bundle-format.md).
 * emit_out.c writes bundles to OUTDIR.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "emit.h"
#include "sha256.h"
#include "xalloc.h"

/* Grouping a plan by device ------------------------------------------------ */

struct devidx {
	const struct device	*dev;
	size_t			 i;
};

static int
devidx_cmp(const void *a, const void *b)
{
	const struct devidx *x = a, *y = b;

	if ((uintptr_t)x->dev != (uintptr_t)y->dev)
		return (uintptr_t)x->dev < (uintptr_t)y->dev ? -1 : 1;
	return 0;
}

static int
ip_id_cmp(const void *a, const void *b)
{
	const struct inst_plan *const *x = a, *const *y = b;

	return strcmp((*x)->inst->id.s, (*y)->inst->id.s);
}

struct emit_dev *
emit_devs_group(const struct fleet *f, const struct fleet_plan *p)
{
	struct emit_dev *eds;
	struct devidx *idx, key, *hit;
	size_t *slot, i;

	eds = xzalloc((f->n_devs + 1) * sizeof(*eds));
	idx = xzalloc((f->n_devs + 1) * sizeof(*idx));
	slot = xzalloc((p->n + 1) * sizeof(*slot));
	for (i = 0; i < f->n_devs; i++) {
		eds[i].dev = f->devs[i];
		idx[i] = (struct devidx){ f->devs[i], i };
	}
	qsort(idx, f->n_devs, sizeof(*idx), devidx_cmp);
	for (i = 0; i < p->n; i++) {
		key.dev = p->v[i].dev;
		hit = bsearch(&key, idx, f->n_devs, sizeof(*idx), devidx_cmp);
		slot[i] = hit != NULL ? hit->i : SIZE_MAX;
		if (hit != NULL)
			eds[hit->i].n++;
	}
	for (i = 0; i < f->n_devs; i++) {
		eds[i].ip = xzalloc((eds[i].n + 1) * sizeof(*eds[i].ip));
		eds[i].n = 0;
	}
	for (i = 0; i < p->n; i++)
		if (slot[i] != SIZE_MAX)
			eds[slot[i]].ip[eds[slot[i]].n++] = &p->v[i];
	for (i = 0; i < f->n_devs; i++)
		qsort(eds[i].ip, eds[i].n, sizeof(*eds[i].ip), ip_id_cmp);
	free(slot);
	free(idx);
	return eds;
}

void
emit_devs_free(struct emit_dev *eds, size_t n)
{
	size_t i;

	if (eds == NULL)
		return;
	for (i = 0; i < n; i++)
		free(eds[i].ip);
	free(eds);
}

/* allocations.json and manifest.json --------------------------------------- */

void
emit_allocations_json(const struct emit_dev *ed, struct buf *out)
{
	size_t i;

	buf_puts(out, "{\n  \"device\": ");
	buf_put_json(out, ed->dev->id.s);
	buf_puts(out, ",\n  \"instances\": [");
	for (i = 0; i < ed->n; i++) {
		buf_puts(out, i > 0 ? ",\n    " : "\n    ");
		alloc_answer_put(out, ed->ip[i], ed->ip[i]->svc->name.s,
		    ed->ip[i]->inst->id.s, ed->ip[i]->dev->id.s, ANSWER_SPACED);
	}
	buf_puts(out, ed->n > 0 ? "\n  ]\n}\n" : "]\n}\n");
}

static int
bundle_file_cmp(const void *a, const void *b)
{
	const struct bundle_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void
emit_manifest_json(const struct bundle *b, const char *inputs_hex,
    struct buf *out)
{
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN];
	size_t i;

	buf_printf(out, "{\n  \"format\": 1,\n  \"tool\": \"edgenetc %s\",\n"
	    "  \"device\": \"%s\",\n  \"inputs_sha256\": \"%s\",\n"
	    "  \"files\": [", EDGENETC_VERSION, b->dev->id.s, inputs_hex);
	for (i = 0; i < b->n; i++) {
		const struct bundle_file *bf = &b->v[i];

		sha256(bf->data.p != NULL ? bf->data.p : "", bf->data.len, d);
		sha256_hex(d, hex);
		buf_printf(out, "%s    {\"path\": \"%s\", \"sha256\": \"%s\", "
		    "\"size\": %zu, \"mode\": \"%04o\"}", i > 0 ? ",\n" : "\n",
		    bf->path, hex, bf->data.len, bf->mode);
	}
	buf_puts(out, b->n > 0 ? "\n  ]\n}\n" : "]\n}\n");
}

/* Rendering ---------------------------------------------------------------- */

static struct buf *
bundle_add(struct bundle *b, unsigned mode, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static struct buf *
bundle_add(struct bundle *b, unsigned mode, const char *fmt, ...)
{
	struct bundle_file *bf;
	va_list ap;
	char path[PATH_MAX];

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	bf = XPUSH(b->v, b->n, b->cap);
	bf->path = xstrdup(path);
	bf->mode = mode;
	/* an empty file still has a buffer, so p is never NULL */
	buf_add(&bf->data, NULL, 0);
	return &bf->data;
}

static void
bundle_drop_last(struct bundle *b)
{
	b->n--;
	free(b->v[b->n].path);
	buf_free(&b->v[b->n].data);
	memset(&b->v[b->n], 0, sizeof(b->v[b->n]));
}

void
emit_bundle_render(const struct emit_dev *ed, const char *inputs_hex,
    struct bundle *b, struct diag_ctx *d)
{
	struct buf man = { 0 };
	size_t i;

	memset(b, 0, sizeof(*b));
	b->dev = ed->dev;
	emit_allocations_json(ed, bundle_add(b, 0644, "allocations.json"));
	emit_nft_host(ed, bundle_add(b, 0644, "host.nft"));
	emit_netlink_device(ed, bundle_add(b, 0644, "netlink.batch"), d);
	for (i = 0; i < ed->n; i++) {
		const struct inst_plan *ip = ed->ip[i];
		const char *id = ip->inst->id.s;

		emit_netlink_netns(ip, bundle_add(b, 0644,
		    "instances/%s/netns.batch", id));
		if (!emit_nft_netns(ip, bundle_add(b, 0644,
		    "instances/%s/netns.nft", id)))
			bundle_drop_last(b);
		if (!emit_dnsmasq(ip, bundle_add(b, 0644,
		    "instances/%s/dnsmasq.conf", id)))
			bundle_drop_last(b);
		emit_env(ip, bundle_add(b, 0600, "instances/%s/lxc.env", id));
	}
	qsort(b->v, b->n, sizeof(*b->v), bundle_file_cmp);
	emit_manifest_json(b, inputs_hex, &man);
	buf_add(bundle_add(b, 0644, "manifest.json"), man.p, man.len);
	buf_free(&man);
}

void
emit_bundle_free(struct bundle *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].path);
		buf_free(&b->v[i].data);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}
