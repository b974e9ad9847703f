/*
 * live.c - the live state of namespaces against bundle objects.
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "live.h"

struct live_ns {
	const char	*ns;
	struct rt_nl	*nl;		/* NULL: unreadable */
	struct rt_addr	*addrs;
	size_t		 naddrs;
	struct rt_route	*routes;
	size_t		 nroutes;
	char		 err[160];
};

struct rt_live {
	struct rt_ctx	*c;
	struct live_ns	**v;
	size_t		 n, cap;
};

struct rt_live *
rt_live_new(struct rt_ctx *c)
{
	struct rt_live *l = calloc(1, sizeof(*l));

	if (l != NULL)
		l->c = c;
	return l;
}

void
rt_live_free(struct rt_live *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i]->addrs);
		free(l->v[i]->routes);
		free(l->v[i]);
	}
	free(l->v);
	free(l);
}

static struct live_ns *
live_ns(struct rt_live *l, const char *ns)
{
	struct live_ns *x;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i]->ns, ns) == 0)
			return l->v[i];
	if (rt_vec_grow(&l->v, &l->cap, l->n, 1, sizeof(*l->v)) == -1 ||
	    (x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	l->v[l->n++] = x;
	x->ns = ns;
	if ((x->nl = rt_ctx_nl(l->c, ns)) == NULL ||
	    rt_nl_links(x->nl, l->c->err, sizeof(l->c->err)) == -1 ||
	    rt_nl_addrs(x->nl, &x->addrs, &x->naddrs, l->c->err,
	    sizeof(l->c->err)) == -1 ||
	    rt_nl_routes(x->nl, &x->routes, &x->nroutes, l->c->err,
	    sizeof(l->c->err)) == -1) {
		rt_strf(x->err, sizeof(x->err), "%s", l->c->err);
		x->nl = NULL;
	}
	return x;
}

static int
live_veth(struct rt_live *l, const struct rt_op *op, const struct rt_link *d,
    char *why, size_t len)
{
	struct live_ns *p = live_ns(l, op->ns);
	const struct rt_link *m;

	if (p == NULL || p->nl == NULL) {
		rt_strf(why, len, "namespace %s unreadable", op->ns);
		return 0;
	}
	m = rt_nl_link(p->nl, op->arg);
	if (m == NULL || m->peer != d->index || d->peer != m->index ||
	    d->peer_netnsid < 0) {
		rt_strf(why, len, "peer %s not in namespace %s", op->arg,
		    op->ns);
		return 0;
	}
	return 1;
}

int
rt_live_nl(struct rt_live *l, const struct rt_obj *o, char *why,
    size_t len)
{
	const struct rt_op *op = &o->op;
	struct live_ns *x = live_ns(l, o->ns);
	const struct rt_link *d, *m;
	size_t i;

	why[0] = '\0';
	if (x == NULL || x->nl == NULL) {
		rt_strf(why, len, "%s", x != NULL ? x->err : "out of memory");
		return -1;
	}
	if ((d = rt_nl_link(x->nl, op->dev)) == NULL) {
		rt_strf(why, len, "link %s missing", op->dev);
		return 0;
	}
	switch (op->kind) {
	case RT_OP_VETH:
	case RT_OP_BRIDGE:
		if (strcmp(d->kind, op->kind == RT_OP_VETH ? "veth" :
		    "bridge") != 0) {
			rt_strf(why, len, "link is of kind '%s'", d->kind);
			return 0;
		}
		return op->kind == RT_OP_VETH ? live_veth(l, op, d, why, len) :
		    1;
	case RT_OP_MASTER:
		m = rt_nl_link_by_index(x->nl, d->master);
		if (m != NULL && strcmp(m->name, op->arg) == 0)
			return 1;
		rt_strf(why, len, "master is %s", m != NULL ? m->name :
		    "none");
		return 0;
	case RT_OP_ALIAS:
		if (strcmp(d->alias, op->alias) == 0)
			return 1;
		rt_strf(why, len, "alias is '%s'", d->alias);
		return 0;
	case RT_OP_UP:
		if (d->flags & IFF_UP)
			return 1;
		rt_strf(why, len, "link is down");
		return 0;
	case RT_OP_ADDR:
		for (i = 0; i < x->naddrs; i++)
			if (x->addrs[i].index == d->index &&
			    rt_pfx_equal(&x->addrs[i].a, &op->dst))
				return 1;
		rt_strf(why, len, "address missing");
		return 0;
	case RT_OP_ROUTE:
		for (i = 0; i < x->nroutes; i++) {
			const struct rt_route *r = &x->routes[i];

			if (r->oif == d->index &&
			    rt_pfx_equal(&r->dst, &op->dst) &&
			    rt_pfx_equal(&r->gw, &op->via))
				return 1;
		}
		rt_strf(why, len, "route missing");
		return 0;
	default:
		return 1;	/* sysctl, dhcp client: checked elsewhere */
	}
}
