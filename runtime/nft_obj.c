/*
 * nft_obj.c - a table inet edgenet as libnftnl objects: chains, then sets
 * and rules in the order they are sent (nft_obj.h).
 */
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_conntrack_common.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#include "buf.h"
#include "nft_obj.h"

const struct rt_nft_ct_state rt_nft_ct_states[RT_NFT_CT_STATES] = {
	{ "invalid", NF_CT_STATE_INVALID_BIT },
	{ "established", NF_CT_STATE_BIT(IP_CT_ESTABLISHED) },
	{ "related", NF_CT_STATE_BIT(IP_CT_RELATED) },
	{ "new", NF_CT_STATE_BIT(IP_CT_NEW) },
};

struct rt_nft *
rt_nft_new(void)
{
	return calloc(1, sizeof(struct rt_nft));
}

void
rt_nft_obj_free(struct rt_nft_obj *o)
{
	size_t i;

	/* libnftnl's _free functions are not NULL-safe */
	if (o->o != NULL && o->kind == RT_NFT_CHAIN)
		nftnl_chain_free(o->o);
	else if (o->o != NULL && o->kind == RT_NFT_SET)
		nftnl_set_free(o->o);
	else if (o->o != NULL)
		nftnl_rule_free(o->o);
	for (i = 0; i < o->n_refs; i++)
		free(o->refs[i].name);
	free(o->refs);
}

void
rt_nft_clear(struct rt_nft *t)
{
	size_t i;

	for (i = 0; i < t->n_chains; i++)
		rt_nft_obj_free(&t->chains[i]);
	for (i = 0; i < t->n_items; i++)
		rt_nft_obj_free(&t->items[i]);
	t->n_chains = t->n_items = 0;
}

void
rt_nft_free(struct rt_nft *t)
{
	if (t == NULL)
		return;
	rt_nft_clear(t);
	free(t->chains);
	free(t->items);
	free(t->udata);
	free(t);
}

struct rt_nft_obj *
rt_nft_push(struct rt_nft *t, enum rt_nft_kind kind, void *o)
{
	struct rt_nft_obj **v, *p, tmp = { .kind = kind, .o = o, .chain = -1 };
	size_t *n, *cap;

	if (kind == RT_NFT_CHAIN) {
		v = &t->chains;
		n = &t->n_chains;
		cap = &t->cap_chains;
	} else {
		v = &t->items;
		n = &t->n_items;
		cap = &t->cap_items;
	}
	if (rt_vec_grow(v, cap, *n, 1, sizeof(**v)) == -1) {
		rt_nft_obj_free(&tmp);
		return NULL;
	}
	p = &(*v)[(*n)++];
	*p = tmp;
	return p;
}

struct rt_nft_obj *
rt_nft_chain_find(const struct rt_nft *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_chains; i++)
		if (strcmp(nftnl_chain_get_str(t->chains[i].o,
		    NFTNL_CHAIN_NAME), name) == 0)
			return &t->chains[i];
	return NULL;
}

const struct rt_nft_obj *
rt_nft_set_find(const struct rt_nft *t, uint32_t id)
{
	size_t i;

	for (i = 0; i < t->n_items; i++)
		if (t->items[i].kind == RT_NFT_SET &&
		    nftnl_set_is_set(t->items[i].o, NFTNL_SET_ID) &&
		    nftnl_set_get_u32(t->items[i].o, NFTNL_SET_ID) == id)
			return &t->items[i];
	return NULL;
}

const struct rt_nft_obj *
rt_nft_set_find_name(const struct rt_nft *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_items; i++)
		if (t->items[i].kind == RT_NFT_SET &&
		    strcmp(nftnl_set_get_str(t->items[i].o, NFTNL_SET_NAME),
		    name) == 0)
			return &t->items[i];
	return NULL;
}

static int
collect(struct nftnl_expr *e, void *data)
{
	struct rt_nft_exprs *x = data;

	if (x->n == sizeof(x->e) / sizeof(x->e[0]))
		return -1;
	x->e[x->n++] = e;
	return 0;
}

int
rt_nft_exprs_get(struct rt_nft_exprs *x, const void *rule)
{
	x->n = x->i = 0;
	return nftnl_expr_foreach((struct nftnl_rule *)rule, collect, x);
}

