/*
 * plan.c - a bundle as a set of objects keyed by what they are: a batch
 * line in its namespace, or a namespace's nft table, an instance's
 * dnsmasq config or lxc.env.  Two bundles are compared key by key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rtplan.h"

static struct rt_obj *
obj_push(struct rt_objset *s, size_t *cap, enum rt_obj_type type,
    const char *ns)
{
	struct rt_obj *o;

	if (rt_vec_grow(&s->v, cap, s->n, 1, sizeof(*s->v)) == -1)
		return NULL;
	o = &s->v[s->n];
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->ns = ns;
	o->pos = (unsigned)s->n++;
	return o;
}

/* Which commands each batch file may hold. */
static int
kind_allowed(const char *ns, enum rt_op_kind k)
{
	if (strcmp(ns, RT_DEVNS) == 0)
		return k == RT_OP_VETH || k == RT_OP_BRIDGE ||
		    k == RT_OP_MASTER || k == RT_OP_ALIAS || k == RT_OP_UP ||
		    k == RT_OP_ADDR ||
		    k == RT_OP_ROUTE || k == RT_OP_SYSCTL;
	return k == RT_OP_UP || k == RT_OP_ADDR || k == RT_OP_ROUTE ||
	    k == RT_OP_SYSCTL || k == RT_OP_DHCPC;
}

static int
parse_batch(struct rt_objset *s, size_t *cap, const struct rt_bfile *f,
    const char *ns, char *err, size_t errlen)
{
	const char *p = f->data, *end = f->data + f->len, *eol;
	char msg[256];
	struct rt_obj *o;
	struct rt_op op;
	unsigned line = 0;
	int r;

	for (; p < end; p = eol + 1) {
		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		r = rt_batch_parse_line(p, (size_t)(eol - p), 0, &op, msg,
		    sizeof(msg));
		if (r == 1)
			continue;
		if (r == -1)
			return rt_errf(err, errlen, "%s:%u: %s", f->path, line,
			    msg);
		if (!kind_allowed(ns, op.kind))
			return rt_errf(err, errlen, "%s:%u: command not allowed "
			    "in this file", f->path, line);
		if ((o = obj_push(s, cap, RT_OBJ_NL, ns)) == NULL)
			return rt_errf(err, errlen, "out of memory");
		o->op = op;
	}
	return 0;
}

static int
cmp_obj_key(const void *x, const void *y)
{
	return strcmp((*(struct rt_obj *const *)x)->key,
	    (*(struct rt_obj *const *)y)->key);
}

static int
has_id(const struct rt_bundle *b, const char *id)
{
	size_t i;

	for (i = 0; i < b->nids; i++)
		if (strcmp(b->ids[i], id) == 0)
			return 1;
	return 0;
}

/* Keys live in chunks that never move (objects point into them). */
struct rt_keychunk {
	struct rt_keychunk	*next;
	size_t			 used, cap;
	char			 data[];
};

static const char *
key_dup(struct rt_objset *s, const char *k, size_t n)
{
	struct rt_keychunk *c = s->keys;
	char *p;

	if (c == NULL || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > 16000 ? n + 1 : 16000;

		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->next = s->keys;
		c->used = 0;
		c->cap = cap;
		s->keys = c;
	}
	p = c->data + c->used;
	memcpy(p, k, n + 1);
	c->used += n + 1;
	return p;
}

static int
set_key(struct rt_objset *s, struct rt_obj *o)
{
	static const char *const names[] = { "", "nft", "dnsmasq", "env" };
	char key[RT_IDLEN + 176];
	size_t n = strlen(o->ns);

	/* "<ns>\t<what>": built by hand, it is done for every object. */
	if (n + 2 > sizeof(key))
		return -1;
	memcpy(key, o->ns, n);
	key[n++] = '\t';
	if ((o->type == RT_OBJ_NL ? rt_op_format(&o->op, key + n,
	    sizeof(key) - n) : rt_strf(key + n, sizeof(key) - n, "%s",
	    names[o->type])) == -1)
		return -1;
	return (o->key = key_dup(s, key, strlen(key))) == NULL ? -2 : 0;
}

int
rt_objset_build(struct rt_objset *s, const struct rt_bundle *b, char *err,
    size_t errlen)
{
	static const char *const cname[] = { NULL, "netns.nft",
	    "dnsmasq.conf", "lxc.env" };
	const struct rt_bfile *f;
	struct rt_obj *o;
	size_t cap = 0, i, t;
	int k;

	memset(s, 0, sizeof(*s));
	s->b = b;
	if ((f = rt_bundle_file(b, "netlink.batch")) != NULL &&
	    parse_batch(s, &cap, f, RT_DEVNS, err, errlen) == -1)
		return -1;
	for (i = 0; i < b->nids; i++)
		if ((f = rt_bundle_ifile(b, b->ids[i], "netns.batch")) !=
		    NULL && parse_batch(s, &cap, f, b->ids[i], err,
		    errlen) == -1)
			return -1;
	if ((f = rt_bundle_file(b, "host.nft")) != NULL) {
		if ((o = obj_push(s, &cap, RT_OBJ_NFT, RT_DEVNS)) == NULL)
			return rt_errf(err, errlen, "out of memory");
		o->file = f;
	}
	for (t = RT_OBJ_NFT; t <= RT_OBJ_ENV; t++)
		for (i = 0; i < b->nids; i++) {
			f = rt_bundle_ifile(b, b->ids[i], cname[t]);
			if (f == NULL)
				continue;
			if ((o = obj_push(s, &cap, (enum rt_obj_type)t,
			    b->ids[i])) == NULL)
				return rt_errf(err, errlen, "out of memory");
			o->file = f;
		}
	if (s->n > 0 && (s->sorted = calloc(s->n, sizeof(*s->sorted))) ==
	    NULL)
		return rt_errf(err, errlen, "out of memory");
	for (i = 0; i < s->n; i++) {
		o = &s->v[i];
		if ((k = set_key(s, o)) < 0)
			return rt_errf(err, errlen, k == -1 ? "object key too "
			    "long" : "out of memory");
		if (o->type == RT_OBJ_NL && o->op.kind == RT_OP_VETH &&
		    !has_id(b, o->op.ns))
			return rt_errf(err, errlen, "netlink.batch: veth %s "
			    "names namespace '%s', which is not an instance "
			    "of the bundle", o->op.dev, o->op.ns);
		s->sorted[i] = o;
	}
	if (s->n > 1)
		qsort(s->sorted, s->n, sizeof(*s->sorted), cmp_obj_key);
	for (i = 1; i < s->n; i++)
		if (strcmp(s->sorted[i - 1]->key, s->sorted[i]->key) == 0)
			return rt_errf(err, errlen, "%s: '%s' appears twice",
			    strcmp(s->sorted[i]->ns, RT_DEVNS) == 0 ?
			    "netlink.batch" : s->sorted[i]->ns,
			    strchr(s->sorted[i]->key, '\t') + 1);
	return 0;
}

int
rt_objset_copy(struct rt_objset *dst, const struct rt_objset *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	dst->b = src->b;
	if (src->n == 0)
		return 0;
	if ((dst->v = malloc(src->n * sizeof(*dst->v))) == NULL ||
	    (dst->sorted = malloc(src->n * sizeof(*dst->sorted))) == NULL) {
		rt_objset_free(dst);
		return -1;
	}
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	for (i = 0; i < src->n; i++)
		dst->sorted[i] = dst->v + (src->sorted[i] - src->v);
	dst->n = src->n;
	return 0;
}

void
rt_objset_free(struct rt_objset *s)
{
	struct rt_keychunk *c, *next;

	for (c = s->keys; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(s->v);
	free(s->sorted);
	memset(s, 0, sizeof(*s));
}

struct rt_obj *
rt_objset_find(const struct rt_objset *s, const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(key, s->sorted[mid]->key);

		if (c == 0)
			return s->sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int
rt_objset_makes_link(const struct rt_objset *s, const char *ns,
    const char *name)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->n; i++) {
		const struct rt_op *op = &s->v[i].op;

		if (s->v[i].type != RT_OBJ_NL)
			continue;
		if ((op->kind == RT_OP_VETH || op->kind == RT_OP_BRIDGE) &&
		    strcmp(ns, RT_DEVNS) == 0 && strcmp(op->dev, name) == 0)
			return 1;
		if (op->kind == RT_OP_VETH && strcmp(op->ns, ns) == 0 &&
		    strcmp(op->arg, name) == 0)
			return 1;
	}
	return 0;
}
