/*
 * rt_fuzz_nft - rt_nft_load on arbitrary bytes (no netlink).  Whatever
 * loads must print back (rules through rt_nft_rule_format) into a text
 * that loads to the same libnftnl objects; anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#include "nft_print.h"
#include "rt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const hooks[] = {
	"prerouting", "input", "forward", "output", "postrouting",
};

/* The table as subset text. */
static void
print_table(const struct rt_nft *t, struct rt_buf *b)
{
	char rule[8192];
	size_t i, k;

	if (!t->present)
		return;
	rt_buf_printf(b, "table inet edgenet {\n");
	for (i = 0; i < t->n_chains; i++) {
		const struct nftnl_chain *c = t->chains[i].o;
		const char *name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);

		rt_buf_printf(b, "chain %s {\n", name);
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM))
			rt_buf_printf(b, "type %s hook %s priority %d\n",
			    nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE),
			    hooks[nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM)],
			    nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO));
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY))
			rt_buf_printf(b, "policy %s\n", nftnl_chain_get_u32(c,
			    NFTNL_CHAIN_POLICY) ? "accept" : "drop");
		for (k = 0; k < t->n_items; k++) {
			if (t->items[k].kind != RT_NFT_RULE ||
			    strcmp(nftnl_rule_get_str(t->items[k].o,
			    NFTNL_RULE_CHAIN), name) != 0)
				continue;
			rt_nft_rule_format(t, t->items[k].o, rule,
			    sizeof(rule));
			rt_buf_printf(b, "%s\n", rule);
		}
		rt_buf_printf(b, "}\n");
	}
	rt_buf_printf(b, "}\n");
}

/* Every object as libnftnl prints it. */
static void
dump_table(const struct rt_nft *t, struct rt_buf *b)
{
	static char tmp[1 << 20];
	size_t i;

	rt_buf_printf(b, "present %d\n", t->present);
	for (i = 0; i < t->n_chains; i++) {
		nftnl_chain_snprintf(tmp, sizeof(tmp), t->chains[i].o,
		    NFTNL_OUTPUT_DEFAULT, 0);
		rt_buf_printf(b, "%s\n", tmp);
	}
	for (i = 0; i < t->n_items; i++) {
		if (t->items[i].kind == RT_NFT_SET)
			nftnl_set_snprintf(tmp, sizeof(tmp), t->items[i].o,
			    NFTNL_OUTPUT_DEFAULT, 0);
		else
			nftnl_rule_snprintf(tmp, sizeof(tmp), t->items[i].o,
			    NFTNL_OUTPUT_DEFAULT, 0);
		rt_buf_printf(b, "%s\n", tmp);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_buf text = { .p = NULL }, d1 = { .p = NULL },
	    d2 = { .p = NULL };
	struct rt_nft *t, *u;
	char err[RT_ERRLEN];

	if (rt_nft_load(&t, (const char *)data, size, err, sizeof(err)) != 0)
		return 0;
	print_table(t, &text);
	rt_buf_printf(&text, "%s", "");
	if (text.oom || rt_nft_load(&u, text.p, text.len, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "printed back, does not load: %s\n%s\n", err,
		    text.p);
		abort();
	}
	dump_table(t, &d1);
	dump_table(u, &d2);
	if (d1.oom || d2.oom || strcmp(d1.p, d2.p) != 0) {
		fprintf(stderr, "printed back, loads differently:\n%s\n"
		    "--- first\n%s--- again\n%s", text.p, d1.p, d2.p);
		abort();
	}
	free(text.p);
	free(d1.p);
	free(d2.p);
	rt_nft_free(u);
	rt_nft_free(t);
	return 0;
}
