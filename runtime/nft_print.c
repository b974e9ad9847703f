/*
 * nft_print.c - a table's objects as text (nft_print.h): rules printed
 * back in the syntax of the bundle subset (what rt_nft_load reads), and
 * the canonical text both sides of a comparison are reduced to.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "names.h"
#include "nft_print.h"
#include "rt.h"

/* --- rules in nft's syntax --- */

static const char *
ename(const struct rt_nft_exprs *x, size_t k)
{
	return x->i + k < x->n ?
	    nftnl_expr_get_str(x->e[x->i + k], NFTNL_EXPR_NAME) : "";
}

static const void *
cmp_data(const struct nftnl_expr *e, uint32_t op, uint32_t *len)
{
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) != op ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG) != NFT_REG_1)
		return NULL;
	return nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, len);
}

static int
meta_is(const struct rt_nft_exprs *x, uint32_t key)
{
	return strcmp(ename(x, 0), "meta") == 0 &&
	    nftnl_expr_get_u32(x->e[x->i], NFTNL_EXPR_META_KEY) == key &&
	    nftnl_expr_get_u32(x->e[x->i], NFTNL_EXPR_META_DREG) == NFT_REG_1;
}

/* An interface name as 16 NUL-padded bytes, printable. */
static int
ifname_ok(const char *d, uint32_t len)
{
	const char *nul;

	if (len != RT_IFNAMSIZ || (nul = memchr(d, '\0', len)) == NULL ||
	    !names_ifname_valid(d, (size_t)(nul - d), NAMES_IF_KERNEL) ||
	    strchr(d, '*') != NULL)
		return 0;
	while (nul < d + len)
		if (*nul++ != '\0')
			return 0;
	return 1;
}

static int
fmt_verdict(struct rt_buf *f, uint32_t v, const char *chain)
{
	if (v == NF_ACCEPT)
		rt_buf_printf(f, "accept");
	else if (v == NF_DROP)
		rt_buf_printf(f, "drop");
	else if (v == (uint32_t)NFT_JUMP && chain != NULL)
		rt_buf_printf(f, "jump %s", chain);
	else
		return -1;
	return 0;
}

struct vmap_fmt {
	struct rt_buf	*f;
	int		 n, bad;
};

static int
fmt_elem(struct nftnl_set_elem *e, void *data)
{
	struct vmap_fmt *v = data;
	const char *key;
	uint32_t len;

	key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
	if (key == NULL || !ifname_ok(key, len)) {
		v->bad = 1;
		return -1;
	}
	rt_buf_printf(v->f, "%s\"%s\" : ", v->n++ ? ", " : "", key);
	if (fmt_verdict(v->f, nftnl_set_elem_get_u32(e,
	    NFTNL_SET_ELEM_VERDICT), nftnl_set_elem_is_set(e,
	    NFTNL_SET_ELEM_CHAIN) ? nftnl_set_elem_get_str(e,
	    NFTNL_SET_ELEM_CHAIN) : NULL) == -1)
		v->bad = 1;
	return v->bad ? -1 : 0;
}

/* lookup of an anonymous verdict map keyed by interface name */
static int
fmt_vmap(const struct rt_nft *t, struct rt_buf *f,
    const struct rt_nft_exprs *x,
    const char *dir)
{
	const struct nftnl_expr *e = x->e[x->i + 1];
	const struct rt_nft_obj *so;
	struct vmap_fmt v = { .f = f };
	uint32_t flags;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_SET_ID) ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG) != NFT_REG_1 ||
	    !nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG) ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) != NFT_REG_VERDICT ||
	    (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS) &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) != 0))
		return -1;
	so = rt_nft_set_find(t, nftnl_expr_get_u32(e,
	    NFTNL_EXPR_LOOKUP_SET_ID));
	if (so == NULL)
		return -1;
	flags = nftnl_set_get_u32(so->o, NFTNL_SET_FLAGS);
	if (!(flags & NFT_SET_ANONYMOUS) || !(flags & NFT_SET_MAP) ||
	    nftnl_set_get_u32(so->o, NFTNL_SET_KEY_TYPE) != NFT_TYPE_IFNAME ||
	    nftnl_set_get_u32(so->o, NFTNL_SET_DATA_TYPE) != NFT_DATA_VERDICT)
		return -1;
	rt_buf_printf(f, "%s vmap { ", dir);
	if (nftnl_set_elem_foreach(so->o, fmt_elem, &v) == -1 || v.bad ||
	    v.n == 0)
		return -1;
	rt_buf_printf(f, " }");
	return 0;
}

/* payload load (+ bitwise) + cmp eq of an address */
static int
fmt_addr(struct rt_buf *f, const struct rt_nft_exprs *x, const char *proto)
{
	const struct nftnl_expr *p = x->e[x->i], *b = NULL, *c;
	int v6 = strcmp(proto, "ip6") == 0;
	uint32_t alen = v6 ? 16 : 4, off, len, dlen, mlen, plen, i;
	const uint8_t *d, *m;
	uint8_t a[16] = { 0 };
	char s[INET6_ADDRSTRLEN];

	if (nftnl_expr_get_u32(p, NFTNL_EXPR_PAYLOAD_BASE) !=
	    NFT_PAYLOAD_NETWORK_HEADER ||
	    nftnl_expr_get_u32(p, NFTNL_EXPR_PAYLOAD_DREG) != NFT_REG_1)
		return -1;
	off = nftnl_expr_get_u32(p, NFTNL_EXPR_PAYLOAD_OFFSET);
	len = nftnl_expr_get_u32(p, NFTNL_EXPR_PAYLOAD_LEN);
	if (off != (v6 ? 8u : 12u) && off != (v6 ? 24u : 16u))
		return -1;
	if (strcmp(ename(x, 1), "bitwise") == 0)
		b = x->e[x->i + 1];
	if (strcmp(ename(x, b ? 2 : 1), "cmp") != 0)
		return -1;
	c = x->e[x->i + (b ? 2 : 1)];
	if ((d = cmp_data(c, NFT_CMP_EQ, &dlen)) == NULL || dlen != len ||
	    len == 0 || len > alen)
		return -1;
	memcpy(a, d, len);
	plen = len * 8;
	if (b != NULL) {
		if (len != alen || nftnl_expr_get_u32(b,
		    NFTNL_EXPR_BITWISE_LEN) != alen ||
		    (m = nftnl_expr_get(b, NFTNL_EXPR_BITWISE_MASK,
		    &mlen)) == NULL || mlen != alen)
			return -1;
		/* a contiguous mask of a length nft would not write as
		 * whole bytes */
		for (plen = 0; plen < alen * 8 &&
		    (m[plen / 8] & (0x80 >> (plen % 8))); plen++)
			;
		for (i = plen; i < alen * 8; i++)
			if (m[i / 8] & (0x80 >> (i % 8)))
				return -1;
		if (plen % 8 == 0 && plen > 0)
			return -1;
		for (i = 0; i < alen; i++)
			if (a[i] & ~m[i])
				return -1;
	}
	inet_ntop(v6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	rt_buf_printf(f, "%s %s %s", proto,
	    off == (v6 ? 8u : 12u) ? "saddr" : "daddr", s);
	if (plen != alen * 8)
		rt_buf_printf(f, "/%u", plen);
	return b ? 3 : 2;
}

static int
fmt_ct(struct rt_buf *f, const struct rt_nft_exprs *x)
{
	const struct nftnl_expr *ct = x->e[x->i];
	const struct nftnl_expr *b, *c;
	const uint32_t *m, *z;
	uint32_t len, bits, n = 0;
	size_t i;

	if (strcmp(ename(x, 1), "bitwise") != 0 ||
	    strcmp(ename(x, 2), "cmp") != 0 ||
	    nftnl_expr_get_u32(ct, NFTNL_EXPR_CT_KEY) != NFT_CT_STATE ||
	    nftnl_expr_get_u32(ct, NFTNL_EXPR_CT_DREG) != NFT_REG_1 ||
	    nftnl_expr_is_set(ct, NFTNL_EXPR_CT_DIR))
		return -1;
	b = x->e[x->i + 1];
	c = x->e[x->i + 2];
	if ((m = nftnl_expr_get(b, NFTNL_EXPR_BITWISE_MASK, &len)) == NULL ||
	    len != 4 || (z = cmp_data(c, NFT_CMP_NEQ, &len)) == NULL ||
	    len != 4 || *z != 0)
		return -1;
	bits = *m;
	rt_buf_printf(f, "ct state ");
	for (i = 0; i < RT_NFT_CT_STATES; i++) {
		if (!(bits & rt_nft_ct_states[i].bit))
			continue;
		rt_buf_printf(f, "%s%s", n++ ? "," : "", rt_nft_ct_states[i].name);
		bits &= ~rt_nft_ct_states[i].bit;
	}
	return bits != 0 || n == 0 ? -1 : 3;
}

/* One match or final at x->i; returns how many expressions it took. */
static int
fmt_one(const struct rt_nft *t, struct rt_buf *f,
    const struct rt_nft_exprs *x,
    const char **l3, const char **l4)
{
	const struct nftnl_expr *e = x->e[x->i];
	const char *name = ename(x, 0), *d;
	uint32_t len, key;
	const uint8_t *u;

	if (strcmp(name, "meta") == 0) {
		key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
		if (!meta_is(x, key))
			return -1;
		if ((key == NFT_META_NFPROTO || key == NFT_META_L4PROTO) &&
		    strcmp(ename(x, 1), "cmp") == 0) {
			const char **have = key == NFT_META_NFPROTO ? l3 : l4;

			u = cmp_data(x->e[x->i + 1], NFT_CMP_EQ, &len);
			/* a dependency only right before what needs it */
			if (u == NULL || len != 1 || *have != NULL ||
			    strcmp(ename(x, 2), "payload") != 0 ||
			    nftnl_expr_get_u32(x->e[x->i + 2],
			    NFTNL_EXPR_PAYLOAD_BASE) !=
			    (key == NFT_META_NFPROTO ?
			    NFT_PAYLOAD_NETWORK_HEADER :
			    NFT_PAYLOAD_TRANSPORT_HEADER))
				return -1;
			if (key == NFT_META_NFPROTO)
				*have = *u == NFPROTO_IPV4 ? "ip" :
				    *u == NFPROTO_IPV6 ? "ip6" : NULL;
			else
				*have = *u == IPPROTO_TCP ? "tcp" :
				    *u == IPPROTO_UDP ? "udp" : NULL;
			return *have == NULL ? -1 : 2;
		}
		if (key != NFT_META_IIFNAME && key != NFT_META_OIFNAME)
			return -1;
		if (strcmp(ename(x, 1), "lookup") == 0 && x->i + 2 == x->n)
			return fmt_vmap(t, f, x, key == NFT_META_IIFNAME ?
			    "iifname" : "oifname") == -1 ? -1 : 2;
		if (strcmp(ename(x, 1), "cmp") != 0 ||
		    (d = cmp_data(x->e[x->i + 1], NFT_CMP_EQ, &len)) == NULL ||
		    !ifname_ok(d, len))
			return -1;
		rt_buf_printf(f, "%s \"%s\"",
		    key == NFT_META_IIFNAME ? "iifname" : "oifname", d);
		return 2;
	}
	if (strcmp(name, "payload") == 0) {
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE) ==
		    NFT_PAYLOAD_TRANSPORT_HEADER) {
			if (*l4 == NULL || nftnl_expr_get_u32(e,
			    NFTNL_EXPR_PAYLOAD_OFFSET) != 2 ||
			    nftnl_expr_get_u32(e,
			    NFTNL_EXPR_PAYLOAD_LEN) != 2 ||
			    strcmp(ename(x, 1), "cmp") != 0 ||
			    (u = cmp_data(x->e[x->i + 1], NFT_CMP_EQ,
			    &len)) == NULL || len != 2)
				return -1;
			rt_buf_printf(f, "%s dport %u", *l4,
			    (unsigned)u[0] << 8 | u[1]);
			return 2;
		}
		return *l3 == NULL ? -1 : fmt_addr(f, x, *l3);
	}
	if (strcmp(name, "ct") == 0)
		return fmt_ct(f, x);
	if (strcmp(name, "counter") == 0 && x->i + 1 < x->n) {
		rt_buf_printf(f, "counter");
		return 1;
	}
	if (x->i + 1 != x->n)
		return -1;
	if (strcmp(name, "immediate") == 0) {
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG) !=
		    NFT_REG_VERDICT || fmt_verdict(f, nftnl_expr_get_u32(e,
		    NFTNL_EXPR_IMM_VERDICT), nftnl_expr_is_set(e,
		    NFTNL_EXPR_IMM_CHAIN) ? nftnl_expr_get_str(e,
		    NFTNL_EXPR_IMM_CHAIN) : NULL) == -1)
			return -1;
		return 1;
	}
	if (strcmp(name, "masq") == 0 && !nftnl_expr_is_set(e,
	    NFTNL_EXPR_MASQ_FLAGS) && !nftnl_expr_is_set(e,
	    NFTNL_EXPR_MASQ_REG_PROTO_MIN)) {
		rt_buf_printf(f, "masquerade");
		return 1;
	}
	return -1;
}

static int
fmt_comment(struct rt_buf *f, const struct nftnl_rule *r)
{
	const uint8_t *u;
	uint32_t len;
	size_t i;

	if (!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
		return 0;
	u = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	/* exactly one TLV: type comment, NUL-terminated printable text */
	if (len < 3 || u[0] != NFTNL_UDATA_RULE_COMMENT ||
	    (uint32_t)u[1] + 2 != len || u[len - 1] != '\0' ||
	    u[1] - 1 > NFT_COMMENT_MAX)
		return -1;
	for (i = 2; i < len - 1; i++)
		if (u[i] < 0x20 || u[i] == 0x7f || u[i] == '"' ||
		    u[i] == '\\')
			return -1;
	rt_buf_printf(f, " comment \"%s\"", (const char *)u + 2);
	return 0;
}

static int
fmt_rule(const struct rt_nft *t, struct rt_buf *f,
    const struct nftnl_rule *r)
{
	struct rt_nft_exprs x;
	const char *l3 = NULL, *l4 = NULL;
	size_t start;
	int k;

	if (rt_nft_exprs_get(&x, r) == -1 || x.n == 0)
		return -1;
	while (x.i < x.n) {
		start = f->len;
		if ((k = fmt_one(t, f, &x, &l3, &l4)) == -1)
			return -1;
		/* dependencies print nothing */
		if (f->len > start && x.i + (size_t)k < x.n)
			rt_buf_printf(f, " ");
		x.i += (size_t)k;
	}
	/* the last expression must have been a final statement */
	if (strcmp(nftnl_expr_get_str(x.e[x.n - 1], NFTNL_EXPR_NAME),
	    "immediate") != 0 && strcmp(nftnl_expr_get_str(x.e[x.n - 1],
	    NFTNL_EXPR_NAME), "masq") != 0 && strcmp(nftnl_expr_get_str(
	    x.e[x.n - 1], NFTNL_EXPR_NAME), "lookup") != 0)
		return -1;
	return fmt_comment(f, r);
}

static int
dump_expr(struct nftnl_expr *e, void *data)
{
	struct rt_buf *f = data;
	char tmp[512];

	nftnl_expr_snprintf(tmp, sizeof(tmp), e, NFTNL_OUTPUT_DEFAULT, 0);
	rt_buf_printf(f, "%s[ %s %s]", f->len ? " " : "",
	    nftnl_expr_get_str(e, NFTNL_EXPR_NAME), tmp);
	return 0;
}

int
rt_nft_rule_format(const struct rt_nft *t, const void *rule, char *buf,
    size_t len)
{
	struct rt_buf f = { .p = NULL };
	int n;

	if (fmt_rule(t, &f, rule) == -1) {
		/* not in the subset: libnftnl's dump of the expressions */
		f.len = 0;
		nftnl_expr_foreach((struct nftnl_rule *)rule, dump_expr, &f);
	}
	n = snprintf(buf, len, "%.*s", (int)f.len, f.oom ? "" : f.p);
	free(f.p);
	return n;
}


/* --- canonical text --- */

static void
canon_udata(struct rt_buf *b, const char *what, const void *u, uint32_t len)
{
	rt_buf_printf(b, " %s ", what);
	rt_buf_hex(b, u, len);
}

static int
canon_elem(struct nftnl_set_elem *e, void *data)
{
	static const uint16_t bin[] = {
		NFTNL_SET_ELEM_KEY, NFTNL_SET_ELEM_KEY_END,
		NFTNL_SET_ELEM_DATA, NFTNL_SET_ELEM_USERDATA,
	};
	struct rt_buf *b = data;
	const void *p;
	uint32_t len;
	size_t i;

	rt_buf_printf(b, "\n  elem");
	for (i = 0; i < sizeof(bin) / sizeof(bin[0]); i++)
		if (nftnl_set_elem_is_set(e, bin[i])) {
			p = nftnl_set_elem_get(e, bin[i], &len);
			rt_buf_printf(b, " %u:", bin[i]);
			rt_buf_hex(b, p, len);
		}
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT))
		rt_buf_printf(b, " verdict %d",
		    (int)nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN))
		rt_buf_printf(b, " chain %s", nftnl_set_elem_get_str(e,
		    NFTNL_SET_ELEM_CHAIN));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS))
		rt_buf_printf(b, " flags %u", nftnl_set_elem_get_u32(e,
		    NFTNL_SET_ELEM_FLAGS));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT))
		rt_buf_printf(b, " timeout %llu", (unsigned long long)
		    nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_OBJREF))
		rt_buf_printf(b, " objref %s", nftnl_set_elem_get_str(e,
		    NFTNL_SET_ELEM_OBJREF));
	return 0;
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Set attributes, then its elements sorted (the kernel lists them in
 * its own order). */
void
rt_nft_canon_set(struct rt_buf *b, const struct nftnl_set *s)
{
	static const uint16_t u32[] = {
		NFTNL_SET_FLAGS, NFTNL_SET_KEY_TYPE, NFTNL_SET_KEY_LEN,
		NFTNL_SET_DATA_TYPE, NFTNL_SET_OBJ_TYPE, NFTNL_SET_POLICY,
		NFTNL_SET_DESC_SIZE, NFTNL_SET_GC_INTERVAL,
	};
	struct rt_buf e = { 0 };
	char *p, **lines = NULL;
	size_t i, n = 0, k;
	const void *u;
	uint32_t len;

	for (i = 0; i < sizeof(u32) / sizeof(u32[0]); i++)
		if (nftnl_set_is_set(s, u32[i]))
			rt_buf_printf(b, " %u:%x", u32[i],
			    nftnl_set_get_u32(s, u32[i]));
	/* the kernel keeps a verdict's size, nft sends 0 */
	if (nftnl_set_is_set(s, NFTNL_SET_DATA_LEN) &&
	    nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE) != NFT_DATA_VERDICT)
		rt_buf_printf(b, " dlen %u", nftnl_set_get_u32(s,
		    NFTNL_SET_DATA_LEN));
	if (nftnl_set_is_set(s, NFTNL_SET_TIMEOUT))
		rt_buf_printf(b, " timeout %llu", (unsigned long long)
		    nftnl_set_get_u64(s, NFTNL_SET_TIMEOUT));
	if (nftnl_set_is_set(s, NFTNL_SET_USERDATA)) {
		u = nftnl_set_get_data(s, NFTNL_SET_USERDATA, &len);
		canon_udata(b, "udata", u, len);
	}
	nftnl_set_elem_foreach((struct nftnl_set *)s, canon_elem, &e);
	if (e.oom || e.len == 0) {
		b->oom |= e.oom;
		free(e.p);
		return;
	}
	e.p[e.len] = '\0';
	/* each element starts with "\n" */
	for (p = e.p; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	if ((lines = malloc(n * sizeof(*lines))) == NULL) {
		b->oom = 1;
		free(e.p);
		return;
	}
	for (p = e.p, k = 0; (p = strchr(p, '\n')) != NULL; k++) {
		*p++ = '\0';
		lines[k] = p;
	}
	qsort(lines, n, sizeof(*lines), line_cmp);
	for (k = 0; k < n; k++)
		rt_buf_printf(b, "\n  %s", lines[k]);
	free(lines);
	free(e.p);
}

struct canon_ctx {
	const struct rt_nft	*t;
	struct rt_buf		*b;
};

/*
 * The expressions of the subset, by their attributes (what libnftnl
 * prints of them, without printf): each attribute set, in hex; one whose
 * absence means 0 counts as 0 either way.  -1 for any other expression.
 */
static int
canon_attrs(struct rt_buf *b, const struct nftnl_expr *e,
    const char *name)
{
	static const struct {
		const char	*name;
		uint16_t	 zero;	/* absent means 0 */
	} known[] = {
		{ "meta", 0 }, { "cmp", 0 }, { "payload", 0 },
		{ "bitwise", NFTNL_EXPR_BITWISE_OP }, { "ct", 0 },
		{ "immediate", 0 }, { "masq", NFTNL_EXPR_MASQ_FLAGS },
	};
	static const uint32_t zero;
	char tag[] = " ?:";
	const void *p;
	uint32_t len;
	uint16_t a;
	size_t k;

	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (strcmp(name, known[k].name) == 0)
			break;
	if (k == sizeof(known) / sizeof(known[0]))
		return -1;
	/* short and hot: no printf */
	rt_buf_put(b, "[", 1);
	rt_buf_put(b, name, strlen(name));
	for (a = NFTNL_EXPR_BASE; a < NFTNL_EXPR_BASE + 12; a++) {
		if (nftnl_expr_is_set(e, a))
			p = nftnl_expr_get(e, a, &len);
		else if (a == known[k].zero) {
			p = &zero;
			len = sizeof(zero);
		} else
			continue;
		tag[1] = (char)('a' + a);
		rt_buf_put(b, tag, 3);
		if (p != NULL)
			rt_buf_hex(b, p, len);
	}
	rt_buf_put(b, "] ", 2);
	return 0;
}

static int
canon_expr(struct nftnl_expr *e, void *data)
{
	struct canon_ctx *c = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	const struct rt_nft_obj *so = NULL;
	char tmp[1024];

	if (strcmp(name, "lookup") == 0) {
		if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_SET_ID))
			so = rt_nft_set_find(c->t, nftnl_expr_get_u32(e,
			    NFTNL_EXPR_LOOKUP_SET_ID));
		rt_buf_printf(c->b, "[ lookup reg %u dreg %d flags %u ",
		    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG),
		    nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG) ?
		    (int)nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) : -1,
		    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS));
		if (so != NULL && (nftnl_set_get_u32(so->o,
		    NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS)) {
			rt_buf_printf(c->b, "{");
			rt_nft_canon_set(c->b, so->o);
			rt_buf_printf(c->b, " } ]");
		} else
			rt_buf_printf(c->b, "@%s ]", nftnl_expr_get_str(e,
			    NFTNL_EXPR_LOOKUP_SET));
		return 0;
	}
	/* a counter's packets and bytes are state, not configuration */
	if (strcmp(name, "counter") == 0) {
		rt_buf_printf(c->b, "[ counter ] ");
		return 0;
	}
	if (canon_attrs(c->b, e, name) == 0)
		return 0;
	nftnl_expr_snprintf(tmp, sizeof(tmp), e, NFTNL_OUTPUT_DEFAULT, 0);
	rt_buf_printf(c->b, "[ %s %s] ", name, tmp);
	return 0;
}

/* The canonical text of a rule (new string, NULL on OOM). */
char *
rt_nft_canon_rule(const struct rt_nft *t, const struct nftnl_rule *r)
{
	struct rt_buf b = { 0 };
	struct canon_ctx c = { .t = t, .b = &b };
	const void *u;
	uint32_t len;

	nftnl_expr_foreach((struct nftnl_rule *)r, canon_expr, &c);
	if (nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
		u = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
		canon_udata(&b, "udata", u, len);
	}
	return rt_buf_take(&b);
}

char *
rt_nft_canon_chain(const struct nftnl_chain *c)
{
	static const char *const hook[] = {
		"prerouting", "input", "forward", "output", "postrouting",
	};
	struct rt_buf b = { 0 };
	const char *const *dev;
	uint32_t h, len;
	const void *u;

	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		h = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		rt_buf_printf(&b, "type %s hook ", nftnl_chain_is_set(c,
		    NFTNL_CHAIN_TYPE) ? nftnl_chain_get_str(c,
		    NFTNL_CHAIN_TYPE) : "?");
		if (h < sizeof(hook) / sizeof(hook[0]))
			rt_buf_printf(&b, "%s", hook[h]);
		else
			rt_buf_printf(&b, "%u", h);
		/* no policy given means accept */
		rt_buf_printf(&b, " priority %d; policy %s;",
		    nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO),
		    nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
		    nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP ?
		    "drop" : "accept");
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV))
			rt_buf_printf(&b, " device %s",
			    nftnl_chain_get_str(c, NFTNL_CHAIN_DEV));
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEVICES))
			for (dev = nftnl_chain_get_array(c,
			    NFTNL_CHAIN_DEVICES); *dev != NULL; dev++)
				rt_buf_printf(&b, " device %s", *dev);
	} else
		rt_buf_printf(&b, "regular chain");
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_FLAGS) &&
	    (nftnl_chain_get_u32(c, NFTNL_CHAIN_FLAGS) & ~NFT_CHAIN_BASE))
		rt_buf_printf(&b, " flags 0x%x", nftnl_chain_get_u32(c,
		    NFTNL_CHAIN_FLAGS) & ~NFT_CHAIN_BASE);
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_USERDATA)) {
		u = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len);
		canon_udata(&b, "udata", u, len);
	}
	return rt_buf_take(&b);
}

