/*
 * check.c - `edgenet-apply --check`: the live state against a bundle.
 * Reads only; every difference is one line on stdout.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "nft.h"
#include "plan.h"

struct live {
	const char	*ns;
	struct rt_nl	*nl;
	struct rt_addr	*addrs;
	size_t		 naddrs;
	struct rt_route	*routes;
	size_t		 nroutes;
};

struct chk {
	struct rt_ctx	*c;
	struct live	*v;
	size_t		 n;
	int		 drift;
};

static void
drift(struct chk *k, const char *ns, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
drift(struct chk *k, const char *ns, const char *fmt, ...)
{
	va_list ap;

	k->drift = 1;
	printf("drift: %s: ", strcmp(ns, RT_DEVNS) == 0 ? "device" : ns);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static struct live *
live_get(struct chk *k, const char *ns)
{
	struct live *v;
	size_t i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->v[i].ns, ns) == 0)
			return k->v[i].nl != NULL ? &k->v[i] : NULL;
	if ((v = realloc(k->v, (k->n + 1) * sizeof(*v))) == NULL)
		return NULL;
	k->v = v;
	v = &v[k->n++];
	memset(v, 0, sizeof(*v));
	v->ns = ns;
	if ((v->nl = rt_ctx_nl(k->c, ns)) == NULL) {
		drift(k, ns, "network namespace missing");
		return NULL;
	}
	if (rt_nl_links(v->nl, k->c->err, sizeof(k->c->err)) == -1 ||
	    rt_nl_addrs(v->nl, &v->addrs, &v->naddrs, k->c->err,
	    sizeof(k->c->err)) == -1 ||
	    rt_nl_routes(v->nl, &v->routes, &v->nroutes, k->c->err,
	    sizeof(k->c->err)) == -1) {
		drift(k, ns, "cannot read: %s", k->c->err);
		v->nl = NULL;
		return NULL;
	}
	return v;
}

static void
check_nl(struct chk *k, const struct rt_obj *o, const char *text)
{
	const struct rt_op *op = &o->op;
	const struct rt_link *l, *m;
	struct live *lv = live_get(k, o->ns), *pv;
	char val[16];
	size_t i;

	if (lv == NULL)
		return;
	if (op->kind == RT_OP_SYSCTL) {
		if (rt_ctx_sysctl(k->c, rt_ctx_ns(k->c, o->ns), op->key, NULL,
		    val, sizeof(val)) == -1 || strcmp(val, op->val) != 0)
			drift(k, o->ns, "%s: live value %s", text, val);
		return;
	}
	if (op->kind == RT_OP_DHCPC) {
		if (!rt_proc_running(k->c, o->ns, RT_PROC_DHCPC))
			drift(k, o->ns, "%s: DHCP client not running", text);
		return;
	}
	if ((l = rt_nl_link(lv->nl, op->dev)) == NULL) {
		drift(k, o->ns, "%s: link %s missing", text, op->dev);
		return;
	}
	switch (op->kind) {
	case RT_OP_VETH:
	case RT_OP_BRIDGE:
		if (strcmp(l->kind, op->kind == RT_OP_VETH ? "veth" :
		    "bridge") != 0) {
			drift(k, o->ns, "%s: link is of kind '%s'", text,
			    l->kind);
			break;
		}
		if (op->kind == RT_OP_BRIDGE)
			break;
		if ((pv = live_get(k, op->ns)) == NULL)
			break;
		m = rt_nl_link(pv->nl, op->arg);
		if (m == NULL || m->peer != l->index || l->peer != m->index ||
		    l->peer_netnsid < 0)
			drift(k, o->ns, "%s: peer %s not in namespace %s",
			    text, op->arg, op->ns);
		break;
	case RT_OP_MASTER:
		m = rt_nl_link_by_index(lv->nl, l->master);
		if (m == NULL || strcmp(m->name, op->arg) != 0)
			drift(k, o->ns, "%s: master is %s", text,
			    m != NULL ? m->name : "none");
		break;
	case RT_OP_UP:
		if (!(l->flags & IFF_UP))
			drift(k, o->ns, "%s: link is down", text);
		break;
	case RT_OP_ADDR:
		for (i = 0; i < lv->naddrs; i++)
			if (lv->addrs[i].index == l->index &&
			    rt_pfx_equal(&lv->addrs[i].a, &op->dst))
				break;
		if (i == lv->naddrs)
			drift(k, o->ns, "%s: address missing", text);
		break;
	case RT_OP_ROUTE:
		for (i = 0; i < lv->nroutes; i++) {
			const struct rt_route *r = &lv->routes[i];

			if (r->oif == l->index &&
			    rt_pfx_equal(&r->dst, &op->dst) &&
			    rt_pfx_equal(&r->gw, &op->via))
				break;
		}
		if (i == lv->nroutes)
			drift(k, o->ns, "%s: route missing", text);
		break;
	default:
		break;
	}
}

static void
check_file(struct chk *k, const struct rt_obj *o, const char *name)
{
	char path[4096], *s = NULL, *want = NULL;
	size_t n = 0, wn = o->file->len;

	want = o->file->data;
	if (o->type == RT_OBJ_DNSMASQ) {
		if (rt_dnsmasq_render(o->file->data, o->file->len, &want,
		    &wn) == -1)
			return;
		if (!rt_proc_running(k->c, o->ns, RT_PROC_DNSMASQ))
			drift(k, o->ns, "dnsmasq not running");
	}
	if (rt_ipath(k->c, o->ns, name, path, sizeof(path)) == 0 &&
	    rt_file_read(path, RT_BUNDLE_FILE_MAX, &s, &n) == 0) {
		if (n != wn || memcmp(s, want, n) != 0)
			drift(k, o->ns, "%s differs from the bundle", path);
	} else
		drift(k, o->ns, "%s missing", path);
	free(s);
	if (want != o->file->data)
		free(want);
}

static void
check_nft(struct chk *k, const char *ns, const struct rt_bfile *f)
{
	struct rt_nft *t = NULL;
	struct rt_ns *n = rt_ctx_ns(k->c, ns);
	char out[4096], *p, *e;

	if (n == NULL || n->fd == -1)
		return;
	if (f != NULL && rt_nft_load(&t, f->data, f->len, out,
	    sizeof(out)) == -1) {
		drift(k, ns, "%s: %s", f->path, out);
		return;
	}
	switch (rt_nft_diff(t, n->fd, out, sizeof(out))) {
	case 0:
		break;
	case 1:
		for (p = out; *p != '\0'; p = e + 1) {
			if ((e = strchr(p, '\n')) != NULL)
				*e = '\0';
			if (*p != '\0')
				drift(k, ns, "nft: %s", p);
			if (e == NULL)
				break;
		}
		break;
	default:
		drift(k, ns, "nft: %s", out);
	}
	rt_nft_free(t);
}

int
rt_check(struct rt_ctx *c, const struct rt_bundle *b)
{
	struct rt_objset s;
	struct chk k;
	const char *text;
	size_t i;

	memset(&k, 0, sizeof(k));
	k.c = c;
	if (rt_objset_build(&s, b, c->err, sizeof(c->err)) == -1)
		return -1;
	for (i = 0; i < s.n; i++) {
		const struct rt_obj *o = &s.v[i];

		text = strchr(o->key, '\t') + 1;
		switch (o->type) {
		case RT_OBJ_NL:
			check_nl(&k, o, text);
			break;
		case RT_OBJ_NFT:
			break;
		case RT_OBJ_DNSMASQ:
			if (live_get(&k, o->ns) != NULL)
				check_file(&k, o, "dnsmasq.conf");
			break;
		case RT_OBJ_ENV:
			check_file(&k, o, "lxc.env");
			break;
		}
	}
	check_nft(&k, RT_DEVNS, rt_bundle_file(b, "host.nft"));
	for (i = 0; i < b->nids; i++)
		if (live_get(&k, b->ids[i]) != NULL)
			check_nft(&k, b->ids[i], rt_bundle_ifile(b, b->ids[i],
			    "netns.nft"));
	for (i = 0; i < k.n; i++) {
		free(k.v[i].addrs);
		free(k.v[i].routes);
	}
	free(k.v);
	rt_objset_free(&s);
	return k.drift;
}
