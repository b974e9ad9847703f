/*
 * nft_dump.c - the live table inet edgenet read back over netlink
 * (nft_dump.h): for drift, and as the snapshot an apply restores on
 * failure.  Anonymous sets are renamed "__map%d" and referenced by set id
 * again, so that the snapshot can be sent as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "buf.h"
#include "nft.h"
#include "nft_dump.h"
#include "rt.h"

struct dump {
	struct rt_nft		*t;
	struct nftnl_set	**sets;
	size_t			 n_sets, cap_sets;
	struct nftnl_rule	**rules;
	size_t			 n_rules, cap_rules;
	int			 oom;
};

static int
table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nftnl_table *tb;
	const void *u;
	uint32_t len;

	if ((tb = nftnl_table_alloc()) == NULL) {
		d->oom = 1;
		return MNL_CB_ERROR;
	}
	if (nftnl_table_nlmsg_parse(nlh, tb) == 0 &&
	    strcmp(nftnl_table_get_str(tb, NFTNL_TABLE_NAME),
	    RT_NFT_TABLE) == 0) {
		d->t->present = 1;
		d->t->table_flags = nftnl_table_get_u32(tb, NFTNL_TABLE_FLAGS);
		if (nftnl_table_is_set(tb, NFTNL_TABLE_USERDATA)) {
			u = nftnl_table_get_data(tb, NFTNL_TABLE_USERDATA,
			    &len);
			free(d->t->udata);
			if ((d->t->udata = malloc(len ? len : 1)) == NULL)
				d->oom = 1;
			else {
				memcpy(d->t->udata, u, len);
				d->t->udata_len = len;
			}
		}
	}
	nftnl_table_free(tb);
	return d->oom ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Copies what re-creates the chain; drops handle, use, counters. */
static struct nftnl_chain *
chain_copy(const struct nftnl_chain *c)
{
	static const uint16_t str[] = {
		NFTNL_CHAIN_TABLE, NFTNL_CHAIN_NAME, NFTNL_CHAIN_TYPE,
		NFTNL_CHAIN_DEV,
	};
	static const uint16_t u32[] = {
		NFTNL_CHAIN_FAMILY, NFTNL_CHAIN_HOOKNUM, NFTNL_CHAIN_PRIO,
		NFTNL_CHAIN_POLICY,
	};
	struct nftnl_chain *n;
	const void *u;
	uint32_t len, fl;
	size_t i;

	if ((n = nftnl_chain_alloc()) == NULL)
		return NULL;
	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if (nftnl_chain_is_set(c, str[i]) && nftnl_chain_set_str(n,
		    str[i], nftnl_chain_get_str(c, str[i])) == -1)
			goto fail;
	for (i = 0; i < sizeof(u32) / sizeof(u32[0]); i++)
		if (nftnl_chain_is_set(c, u32[i]))
			nftnl_chain_set_u32(n, u32[i],
			    nftnl_chain_get_u32(c, u32[i]));
	/* NFT_CHAIN_BASE is the kernel's own mark of a base chain */
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_FLAGS) &&
	    (fl = nftnl_chain_get_u32(c, NFTNL_CHAIN_FLAGS) &
	    ~(uint32_t)NFT_CHAIN_BASE) != 0)
		nftnl_chain_set_u32(n, NFTNL_CHAIN_FLAGS, fl);
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_USERDATA)) {
		u = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len);
		if (nftnl_chain_set_data(n, NFTNL_CHAIN_USERDATA, u,
		    len) == -1)
			goto fail;
	}
	/* an ingress hook's devices */
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEVICES) &&
	    nftnl_chain_set_data(n, NFTNL_CHAIN_DEVICES,
	    nftnl_chain_get_array(c, NFTNL_CHAIN_DEVICES), 0) == -1)
		goto fail;
	return n;
fail:
	nftnl_chain_free(n);
	return NULL;
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nftnl_chain *c, *n = NULL;

	if ((c = nftnl_chain_alloc()) == NULL)
		goto oom;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    nftnl_chain_is_set(c, NFTNL_CHAIN_TABLE) &&
	    strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
	    RT_NFT_TABLE) == 0) {
		if ((n = chain_copy(c)) == NULL ||
		    rt_nft_push(d->t, RT_NFT_CHAIN, n) == NULL)
			goto oom;
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
oom:
	if (c != NULL)
		nftnl_chain_free(c);
	d->oom = 1;
	return MNL_CB_ERROR;
}

/* Keeps a set or a rule of our table from a dump, without its handle. */
static int
keep_cb(const struct nlmsghdr *nlh, struct dump *d, enum rt_nft_kind kind)
{
	struct rt_nft_obj o = { .kind = kind };
	const char *table = NULL;
	int r = MNL_CB_OK;

	if (kind == RT_NFT_SET) {
		if ((o.o = nftnl_set_alloc()) != NULL &&
		    nftnl_set_nlmsg_parse(nlh, o.o) == 0 &&
		    nftnl_set_is_set(o.o, NFTNL_SET_TABLE))
			table = nftnl_set_get_str(o.o, NFTNL_SET_TABLE);
	} else if ((o.o = nftnl_rule_alloc()) != NULL &&
	    nftnl_rule_nlmsg_parse(nlh, o.o) == 0 &&
	    nftnl_rule_is_set(o.o, NFTNL_RULE_TABLE))
		table = nftnl_rule_get_str(o.o, NFTNL_RULE_TABLE);
	if (o.o == NULL)
		r = MNL_CB_ERROR;
	else if (table != NULL && strcmp(table, RT_NFT_TABLE) == 0) {
		if (kind == RT_NFT_SET) {
			nftnl_set_unset(o.o, NFTNL_SET_HANDLE);
			if ((r = rt_vec_grow(&d->sets, &d->cap_sets,
			    d->n_sets, 1, sizeof(*d->sets))) == 0)
				d->sets[d->n_sets++] = o.o;
		} else {
			nftnl_rule_unset(o.o, NFTNL_RULE_HANDLE);
			nftnl_rule_unset(o.o, NFTNL_RULE_POSITION);
			if ((r = rt_vec_grow(&d->rules, &d->cap_rules,
			    d->n_rules, 1, sizeof(*d->rules))) == 0)
				d->rules[d->n_rules++] = o.o;
		}
		if (r == 0)
			return MNL_CB_OK;
		r = MNL_CB_ERROR;
	}
	rt_nft_obj_free(&o);
	d->oom |= r == MNL_CB_ERROR;
	return r;
}

static int
set_cb(const struct nlmsghdr *nlh, void *data)
{
	return keep_cb(nlh, data, RT_NFT_SET);
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	return keep_cb(nlh, data, RT_NFT_RULE);
}

static int
elem_cb(const struct nlmsghdr *nlh, void *data)
{
	return nftnl_set_elems_nlmsg_parse(nlh, data) == -1 ? MNL_CB_ERROR :
	    MNL_CB_OK;
}

static int
gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *g;

	if ((g = nftnl_gen_alloc()) == NULL)
		return MNL_CB_ERROR;
	if (nftnl_gen_nlmsg_parse(nlh, g) == 0)
		*(uint32_t *)data = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return MNL_CB_OK;
}

/* A GET request for our table's objects in nl's receive buffer. */
static struct nlmsghdr *
get_req(struct rt_nft_sock *nl, char *buf, uint16_t type, uint16_t flags,
    uint16_t attr, const char *set)
{
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(buf, type, RT_NFT_FAMILY, flags,
	    ++nl->seq);
	if (attr != 0)
		mnl_attr_put_strz(nlh, attr, RT_NFT_TABLE);
	if (set != NULL)
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	return nlh;
}

static int
gen_get(struct rt_nft_sock *nl, uint32_t *gen)
{
	char buf[256];

	*gen = 0;
	return rt_nft_sock_talk(nl, get_req(nl, buf, NFT_MSG_GETGEN, NLM_F_ACK, 0,
	    NULL), gen_cb, gen) < 0 ? -1 : 0;
}

/*
 * A lookup in an anonymous set: the set gets a template name and an id
 * and goes into the batch just before the first rule using it; the lookup
 * is replaced by one naming the set by that id (libnftnl would leak the
 * old name if the set name were just overwritten).  Returns the
 * expression to keep, NULL on OOM.
 */
static struct nftnl_expr *
lookup_ref(struct dump *d, struct nftnl_expr *e)
{
	static const uint16_t u32[] = {
		NFTNL_EXPR_LOOKUP_SREG, NFTNL_EXPR_LOOKUP_DREG,
		NFTNL_EXPR_LOOKUP_FLAGS,
	};
	struct nftnl_expr *n;
	const char *name;
	char tmpl[64];
	size_t i, k;

	if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "lookup") != 0 ||
	    !nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_SET))
		return e;
	name = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	for (i = 0; i < d->n_sets; i++)
		if (d->sets[i] != NULL && strcmp(nftnl_set_get_str(d->sets[i],
		    NFTNL_SET_NAME), name) == 0)
			break;
	/* a named set, queued already, or one we do not know */
	if (i == d->n_sets || !(nftnl_set_get_u32(d->sets[i],
	    NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS))
		return e;
	/* "__map12" -> "__map%d" */
	k = strlen(name);
	while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
		k--;
	snprintf(tmpl, sizeof(tmpl), "%.*s%%d", (int)(k > 40 ? 40 : k), name);
	if ((n = nftnl_expr_alloc("lookup")) == NULL)
		return NULL;
	for (k = 0; k < sizeof(u32) / sizeof(u32[0]); k++)
		if (nftnl_expr_is_set(e, u32[k]))
			nftnl_expr_set_u32(n, u32[k],
			    nftnl_expr_get_u32(e, u32[k]));
	nftnl_expr_set_u32(n, NFTNL_EXPR_LOOKUP_SET_ID, ++d->t->next_set_id);
	nftnl_set_set_u32(d->sets[i], NFTNL_SET_ID, d->t->next_set_id);
	if (nftnl_expr_set_str(n, NFTNL_EXPR_LOOKUP_SET, tmpl) == -1 ||
	    nftnl_set_set_str(d->sets[i], NFTNL_SET_NAME, tmpl) == -1) {
		nftnl_expr_free(n);
		return NULL;
	}
	if (rt_nft_push(d->t, RT_NFT_SET, d->sets[i]) == NULL) {
		d->sets[i] = NULL;
		nftnl_expr_free(n);
		return NULL;
	}
	d->sets[i] = NULL;
	nftnl_expr_free(e);
	return n;
}

/* The rule's expressions again, with its lookups in anonymous sets
 * rewritten by lookup_ref. */
static int
rule_refs(struct dump *d, struct nftnl_rule *r)
{
	struct rt_nft_exprs l;
	struct nftnl_expr *n;
	size_t i;
	int ret = 0;

	if (rt_nft_exprs_get(&l, r) == -1)
		return -1;
	for (i = 0; i < l.n; i++)
		nftnl_rule_del_expr(l.e[i]);
	for (i = 0; i < l.n; i++) {
		if (ret == 0 && (n = lookup_ref(d, l.e[i])) != NULL) {
			nftnl_rule_add_expr(r, n);
			continue;
		}
		if (ret == 0)
			ret = -1;	/* OOM: l.e[i] kept by lookup_ref */
		nftnl_rule_add_expr(r, l.e[i]);
	}
	return ret;
}

/* Named sets after the chains, then rules with their anonymous sets. */
static int
dump_assemble(struct dump *d)
{
	struct rt_nft_obj *o, *c;
	struct nftnl_rule *r;
	struct nftnl_set *s;
	size_t i;

	for (i = 0; i < d->n_sets; i++) {
		if (nftnl_set_get_u32(d->sets[i], NFTNL_SET_FLAGS) &
		    NFT_SET_ANONYMOUS)
			continue;
		nftnl_set_set_u32(d->sets[i], NFTNL_SET_ID,
		    ++d->t->next_set_id);
		s = d->sets[i];
		d->sets[i] = NULL;
		if (rt_nft_push(d->t, RT_NFT_SET, s) == NULL)
			return -1;
	}
	for (i = 0; i < d->n_rules; i++) {
		r = d->rules[i];
		if (rule_refs(d, r) == -1)
			return -1;
		d->rules[i] = NULL;
		c = rt_nft_chain_find(d->t, nftnl_rule_get_str(r,
		    NFTNL_RULE_CHAIN));
		if ((o = rt_nft_push(d->t, RT_NFT_RULE, r)) == NULL)
			return -1;
		o->chain = c != NULL ? (int)(c - d->t->chains) : -1;
	}
	return 0;
}

static void
dump_free(struct dump *d)
{
	size_t i;

	/* libnftnl's _free functions are not NULL-safe */
	for (i = 0; i < d->n_sets; i++)
		if (d->sets[i] != NULL)
			nftnl_set_free(d->sets[i]);
	for (i = 0; i < d->n_rules; i++)
		if (d->rules[i] != NULL)
			nftnl_rule_free(d->rules[i]);
	free(d->sets);
	free(d->rules);
	d->sets = NULL;
	d->rules = NULL;
	d->n_sets = d->n_rules = 0;
}

/* One pass over the live table into d->t; -1 with errno. */
static int
dump_once(struct rt_nft_sock *nl, struct dump *d)
{
	char buf[512];
	size_t i;
	int r;

	r = rt_nft_sock_talk(nl, get_req(nl, buf, NFT_MSG_GETTABLE, NLM_F_ACK,
	    NFTA_TABLE_NAME, NULL), table_cb, d);
	if (r < 0)
		return errno == ENOENT ? 0 : -1;
	if (rt_nft_sock_talk(nl, get_req(nl, buf, NFT_MSG_GETCHAIN, NLM_F_DUMP,
	    NFTA_CHAIN_TABLE, NULL), chain_cb, d) < 0 ||
	    rt_nft_sock_talk(nl, get_req(nl, buf, NFT_MSG_GETSET, NLM_F_DUMP,
	    NFTA_SET_TABLE, NULL), set_cb, d) < 0)
		return -1;
	for (i = 0; i < d->n_sets; i++)
		if (rt_nft_sock_talk(nl, get_req(nl, buf, NFT_MSG_GETSETELEM,
		    NLM_F_DUMP, NFTA_SET_ELEM_LIST_TABLE,
		    nftnl_set_get_str(d->sets[i], NFTNL_SET_NAME)), elem_cb,
		    d->sets[i]) < 0)
			return -1;
	if (rt_nft_sock_talk(nl, get_req(nl, buf, NFT_MSG_GETRULE, NLM_F_DUMP,
	    NFTA_RULE_TABLE, NULL), rule_cb, d) < 0)
		return -1;
	if (dump_assemble(d) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
rt_nft_live_read(struct rt_nft_sock *nl, struct rt_nft **out, char *err,
    size_t errlen)
{
	struct dump d = { .t = NULL };
	uint32_t g1, g2;
	int tries;

	*out = NULL;
	for (tries = 0; tries < 5; tries++) {
		if ((d.t = rt_nft_new()) == NULL)
			return rt_errf(err, errlen, "out of memory");
		if (gen_get(nl, &g1) == -1 || dump_once(nl, &d) == -1 ||
		    gen_get(nl, &g2) == -1) {
			int e = d.oom ? ENOMEM : errno;

			dump_free(&d);
			rt_nft_free(d.t);
			return rt_errf(err, errlen, "nftables: reading table "
			    "inet %s: %s", RT_NFT_TABLE, strerror(e));
		}
		dump_free(&d);
		if (g1 == g2) {
			*out = d.t;
			return 0;
		}
		rt_nft_free(d.t);
	}
	return rt_errf(err, errlen, "nftables: ruleset kept changing while "
	    "being read");
}

int
rt_nft_snapshot(int netns_fd, struct rt_nft **out, char *err,
    size_t errlen)
{
	struct rt_nft *t;
	struct rt_nft_sock *nl;

	*out = NULL;
	if ((nl = rt_nft_sock_get(netns_fd, err, errlen)) == NULL)
		return -1;
	if (rt_nft_live_read(nl, &t, err, errlen) == -1) {
		rt_nft_sock_drop(nl);
		return -1;
	}
	if (!t->present)
		rt_nft_free(t);
	else
		*out = t;
	return 0;
}

