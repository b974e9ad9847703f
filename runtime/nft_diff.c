/*
 * nft_diff.c - a table as it should be against the live one (nft_diff.h):
 * equality is decided on the canonical text of both sides (nft_print.h),
 * each difference reported with the bundle's side and the live side.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/set.h>

#include "nft_diff.h"
#include "nft_dump.h"
#include "nft_print.h"
#include "rt.h"

struct crule {
	char		*text;
	const void	*rule;
	unsigned	 line;
	int		 matched;
};

/* The canonical rules of one chain. */
static int
canon_rules(const struct rt_nft *t, int chain, struct crule **out,
    size_t *n)
{
	struct crule *v = NULL;
	size_t i, cap = 0;

	*n = 0;
	for (i = 0; i < t->n_items; i++) {
		const struct rt_nft_obj *o = &t->items[i];

		if (o->kind != RT_NFT_RULE || o->chain != chain)
			continue;
		if (rt_vec_grow(&v, &cap, *n, 1, sizeof(*v)) == -1)
			goto oom;
		v[*n].rule = o->o;
		v[*n].line = o->line;
		v[*n].matched = 0;
		if ((v[*n].text = rt_nft_canon_rule(t, o->o)) == NULL)
			goto oom;
		(*n)++;
	}
	*out = v;
	return 0;
oom:
	while (*n > 0)
		free(v[--*n].text);
	free(v);
	*out = NULL;
	return -1;
}

static void
drift(struct rt_nft_drift *d, const char *object, const char *expected,
    const char *found, int rule, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* One difference: object, the words for it, and both sides. */
static void
drift(struct rt_nft_drift *d, const char *object, const char *expected,
    const char *found, int rule, const char *fmt, ...)
{
	struct rt_nft_delta x = {
		.object = object, .expected = expected, .found = found,
		.rule = rule,
	};
	char text[1024];
	va_list ap;

	d->n++;
	if (d->fn == NULL || d->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	x.text = text;
	if (d->fn(&x, d->arg) == -1)
		d->failed = 1;
}

static void
drift_rule(struct rt_nft_drift *d, const struct rt_nft *t, const char *object,
    const struct crule *r, int side)
{
	char text[512];

	if (d->fn == NULL) {
		d->n++;
		return;
	}
	rt_nft_rule_format(t, r->rule, text, sizeof(text));
	if (side > 0 && r->line != 0)
		drift(d, object, text, NULL, 1, "missing rule (line %u): %s",
		    r->line, text);
	else if (side > 0)
		drift(d, object, text, NULL, 1, "missing rule: %s", text);
	else
		drift(d, object, NULL, text, -1, "rule not in the bundle: %s",
		    text);
}

/* The rules of chain wc of want and lc of live (-1: no such chain). */
static int
diff_rules(struct rt_nft_drift *d, const char *chain,
    const struct rt_nft *want, const struct rt_nft *live, int wc, int lc)
{
	struct crule *w = NULL, *l = NULL;
	size_t nw = 0, nl = 0, i, j;
	int same = 1, r = -1;
	char object[80];

	rt_strf(object, sizeof(object), "chain %s", chain);
	if ((wc >= 0 && canon_rules(want, wc, &w, &nw) == -1) ||
	    (lc >= 0 && canon_rules(live, lc, &l, &nl) == -1))
		goto out;
	if (nw != nl)
		same = 0;
	for (i = 0; i < nw && same; i++)
		if (strcmp(w[i].text, l[i].text) != 0)
			same = 0;
	if (!same) {
		for (i = 0; i < nw; i++)
			for (j = 0; j < nl; j++)
				if (!l[j].matched &&
				    strcmp(w[i].text, l[j].text) == 0) {
					w[i].matched = l[j].matched = 1;
					break;
				}
		for (i = 0; i < nw; i++)
			if (!w[i].matched)
				drift_rule(d, want, object, &w[i], 1);
		for (j = 0; j < nl; j++)
			if (!l[j].matched)
				drift_rule(d, live, object, &l[j], -1);
		if (nw == nl) {
			for (i = 0; i < nw && w[i].matched; i++)
				;
			if (i == nw)
				drift(d, object, "the bundle's order",
				    "another order", 0,
				    "rules in a different order");
		}
	}
	r = 0;
out:
	for (i = 0; i < nw; i++)
		free(w[i].text);
	for (j = 0; j < nl; j++)
		free(l[j].text);
	free(w);
	free(l);
	return r;
}

static int
diff_chains(struct rt_nft_drift *d, const struct rt_nft *want,
    const struct rt_nft *live)
{
	const struct rt_nft_obj *lc;
	char *a = NULL, *b = NULL, object[80];
	const char *name;
	size_t i;
	int order = want->n_chains == live->n_chains;

	for (i = 0; i < want->n_chains; i++) {
		name = nftnl_chain_get_str(want->chains[i].o,
		    NFTNL_CHAIN_NAME);
		rt_strf(object, sizeof(object), "chain %s", name);
		if ((a = rt_nft_canon_chain(want->chains[i].o)) == NULL)
			goto oom;
		if ((lc = rt_nft_chain_find(live, name)) == NULL) {
			drift(d, object, a, NULL, 0, "missing");
			order = 0;
			free(a);
			a = NULL;
			if ((d->flags & RT_NFT_DIFF_RULES) && diff_rules(d,
			    name, want, live, (int)i, -1) == -1)
				return -1;
			continue;
		}
		if (order && lc != &live->chains[i])
			order = 2;
		if ((b = rt_nft_canon_chain(lc->o)) == NULL)
			goto oom;
		if (strcmp(a, b) != 0)
			drift(d, object, a, b, 0, "is '%s', bundle has '%s'",
			    b, a);
		free(a);
		free(b);
		a = b = NULL;
		if (diff_rules(d, name, want, live, (int)i,
		    (int)(lc - live->chains)) == -1)
			return -1;
	}
	for (i = 0; i < live->n_chains; i++) {
		name = nftnl_chain_get_str(live->chains[i].o,
		    NFTNL_CHAIN_NAME);
		if (rt_nft_chain_find(want, name) != NULL)
			continue;
		rt_strf(object, sizeof(object), "chain %s", name);
		if ((b = rt_nft_canon_chain(live->chains[i].o)) == NULL)
			goto oom;
		drift(d, object, NULL, b, 0, "not in the bundle");
		free(b);
		b = NULL;
		order = 0;
		if ((d->flags & RT_NFT_DIFF_RULES) && diff_rules(d, name,
		    want, live, -1, (int)i) == -1)
			return -1;
	}
	if (order == 2)
		drift(d, "table inet " RT_NFT_TABLE, "the bundle's order of "
		    "chains", "another order", 0,
		    "chains in a different order");
	return 0;
oom:
	free(a);
	free(b);
	return -1;
}

/* Named sets: not in the subset, but part of the table. */
static int
diff_sets(struct rt_nft_drift *d, const struct rt_nft *want,
    const struct rt_nft *live)
{
	const struct rt_nft *side[2] = { want, live };
	const struct rt_nft_obj *o, *other;
	struct rt_buf x = { 0 }, y = { 0 };
	const char *name;
	char object[80];
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < side[k]->n_items; i++) {
			o = &side[k]->items[i];
			if (o->kind != RT_NFT_SET || (nftnl_set_get_u32(o->o,
			    NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS))
				continue;
			name = nftnl_set_get_str(o->o, NFTNL_SET_NAME);
			rt_strf(object, sizeof(object), "set %s", name);
			other = rt_nft_set_find_name(side[1 - k], name);
			if (other == NULL) {
				drift(d, object, k == 0 ? "present" : NULL,
				    k == 0 ? NULL : "present", 0, "%s",
				    k == 0 ? "missing" : "not in the bundle");
				continue;
			}
			if (k == 1)
				continue;
			rt_nft_canon_set(&x, o->o);
			rt_nft_canon_set(&y, other->o);
			if (x.oom || y.oom) {
				rt_buf_free(&x);
				rt_buf_free(&y);
				return -1;
			}
			if (x.len != y.len || memcmp(x.p, y.p, x.len) != 0)
				drift(d, object, "the bundle's elements",
				    "other elements", 0, "differs");
			x.len = y.len = 0;
		}
	rt_buf_free(&x);
	rt_buf_free(&y);
	return 0;
}

/* Reports the differences between want and live to d. */
static int
diff_tables(struct rt_nft_drift *d, const struct rt_nft *want,
    const struct rt_nft *live)
{
	static const struct rt_nft none = { .present = 1 };
	const char *table = "table inet " RT_NFT_TABLE;
	int wp = want != NULL && want->present;

	if (!wp && !live->present)
		return 0;
	if (!live->present) {
		drift(d, table, "present", NULL, 0, "missing");
		live = &none;
	} else if (!wp) {
		drift(d, table, NULL, "present", 0,
		    "present, the bundle has none");
		want = &none;
	} else if (want->table_flags != live->table_flags ||
	    want->udata_len != live->udata_len ||
	    (want->udata_len > 0 && memcmp(want->udata, live->udata,
	    want->udata_len) != 0))
		drift(d, table, "the bundle's flags and comment",
		    "other flags or comment", 0, "flags or comment differ");
	if (want == &none || live == &none) {
		/* the whole table on one side: its chains and rules */
		if (!(d->flags & RT_NFT_DIFF_RULES))
			return 0;
	}
	if (diff_chains(d, want, live) == -1 ||
	    diff_sets(d, want, live) == -1)
		return -1;
	return 0;
}

int
rt_nft_diff_live(struct rt_nft_sock *nl, const struct rt_nft *want,
    struct rt_nft_drift *d, char *err, size_t errlen)
{
	struct rt_nft *live;
	int r;

	if (rt_nft_live_read(nl, &live, err, errlen) == -1)
		return -1;
	r = diff_tables(d, want, live);
	rt_nft_free(live);
	if (r == -1 || d->failed)
		return rt_errf(err, errlen, "out of memory");
	return d->n > 0;
}

int
rt_nft_diff_each(const struct rt_nft *t, int netns_fd, int flags,
    rt_nft_delta_fn *fn, void *arg, char *err, size_t errlen)
{
	struct rt_nft_drift d = { .fn = fn, .arg = arg, .flags = flags };
	struct rt_nft_sock *nl;
	int r;

	if ((nl = rt_nft_sock_get(netns_fd, err, errlen)) == NULL)
		return -1;
	if ((r = rt_nft_diff_live(nl, t, &d, err, errlen)) == -1)
		rt_nft_sock_drop(nl);
	return r;
}

/* rt_nft_diff's lines: "OBJECT: TEXT". */
static int
diff_line(const struct rt_nft_delta *x, void *arg)
{
	struct rt_buf *b = arg;

	rt_buf_printf(b, "%s: %s\n", x->object, x->text);
	return b->oom ? -1 : 0;
}

int
rt_nft_diff(const struct rt_nft *t, int netns_fd, char *out, size_t outlen)
{
	struct rt_buf b = { 0 };
	int r;

	if (outlen > 0)
		out[0] = '\0';
	r = rt_nft_diff_each(t, netns_fd, 0, diff_line, &b, out, outlen);
	if (r == 1 && outlen > 0) {
		const char *p = b.p, *q, *end = b.p + b.len;
		size_t keep = b.len;

		/* too long: whole lines only, and say so */
		if (keep >= outlen)
			for (keep = 0; (q = memchr(p, '\n',
			    (size_t)(end - p))) != NULL &&
			    (size_t)(q + 1 - b.p) + 11 <= outlen; p = q + 1)
				keep = (size_t)(q + 1 - b.p);
		snprintf(out, outlen, "%.*s%s", (int)keep, b.p,
		    keep < b.len ? "...(more)\n" : "");
	}
	rt_buf_free(&b);
	return r;
}
