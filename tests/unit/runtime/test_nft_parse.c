/*
 * test_nft_parse - the *.nft subset read into the expressions nft 1.0.6
 * builds.  The expected dumps below were printed by
 * `nft --debug=netlink -c -f` (nftables 1.0.6) for each rule inside
 * "table inet edgenet { chain c { RULE } chain o { } }"; values are in
 * host byte order where nft prints them so (little-endian hosts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#include "nft_print.h"
#include "rt.h"

static const struct {
	const char	*rule;
	const char	*exprs;
} golden[] = {
	{ "iifname \"lan\" accept",
	    "[ meta load iifname => reg 1 ]\n"
	    "[ cmp eq reg 1 0x006e616c 0x00000000 0x00000000 0x00000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "oifname \"abcdefghijklmno\" drop",
	    "[ meta load oifname => reg 1 ]\n"
	    "[ cmp eq reg 1 0x64636261 0x68676665 0x6c6b6a69 0x006f6e6d ]\n"
	    "[ immediate reg 0 drop ]\n" },
	{ "ip saddr 10.0.0.0/8 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000002 ]\n"
	    "[ payload load 1b @ network header + 12 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000000a ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip saddr 10.1.2.0/24 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000002 ]\n"
	    "[ payload load 3b @ network header + 12 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0002010a ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip saddr 10.1.2.128/25 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000002 ]\n"
	    "[ payload load 4b @ network header + 12 => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0x80ffffff ) ^ 0x00000000 ]\n"
	    "[ cmp eq reg 1 0x8002010a ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip daddr 0.0.0.0/0 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000002 ]\n"
	    "[ payload load 4b @ network header + 16 => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0x00000000 ) ^ 0x00000000 ]\n"
	    "[ cmp eq reg 1 0x00000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip daddr 192.168.1.1 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000002 ]\n"
	    "[ payload load 4b @ network header + 16 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0101a8c0 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip6 saddr fd00::/64 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000000a ]\n"
	    "[ payload load 8b @ network header + 8 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x000000fd 0x00000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip6 saddr fc00::/7 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000000a ]\n"
	    "[ payload load 16b @ network header + 8 => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0x000000fe 0x00000000 "
	    "0x00000000 0x00000000 ) ^ 0x00000000 0x00000000 "
	    "0x00000000 0x00000000 ]\n"
	    "[ cmp eq reg 1 0x000000fc 0x00000000 0x00000000 0x00000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip6 daddr fd00:1:2:3::/127 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000000a ]\n"
	    "[ payload load 16b @ network header + 24 => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0xffffffff 0xffffffff "
	    "0xffffffff 0xfeffffff ) ^ 0x00000000 0x00000000 "
	    "0x00000000 0x00000000 ]\n"
	    "[ cmp eq reg 1 0x010000fd 0x03000200 0x00000000 0x00000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip6 daddr ::/0 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000000a ]\n"
	    "[ payload load 16b @ network header + 24 => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0x00000000 0x00000000 "
	    "0x00000000 0x00000000 ) ^ 0x00000000 0x00000000 "
	    "0x00000000 0x00000000 ]\n"
	    "[ cmp eq reg 1 0x00000000 0x00000000 0x00000000 0x00000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip6 daddr fd00::1 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000000a ]\n"
	    "[ payload load 16b @ network header + 24 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x000000fd 0x00000000 0x00000000 0x01000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "tcp dport 22 accept",
	    "[ meta load l4proto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000006 ]\n"
	    "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00001600 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "udp dport 65535 drop",
	    "[ meta load l4proto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000011 ]\n"
	    "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000ffff ]\n"
	    "[ immediate reg 0 drop ]\n" },
	{ "ct state established,related accept",
	    "[ ct load state => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]\n"
	    "[ cmp neq reg 1 0x00000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ct state invalid drop",
	    "[ ct load state => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0x00000001 ) ^ 0x00000000 ]\n"
	    "[ cmp neq reg 1 0x00000000 ]\n"
	    "[ immediate reg 0 drop ]\n" },
	{ "ct state invalid,established,related,new accept",
	    "[ ct load state => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0x0000000f ) ^ 0x00000000 ]\n"
	    "[ cmp neq reg 1 0x00000000 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip saddr 10.0.0.0/24 ip daddr 10.0.1.1 tcp dport 53 accept",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000002 ]\n"
	    "[ payload load 3b @ network header + 12 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000000a ]\n"
	    "[ payload load 4b @ network header + 16 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0101000a ]\n"
	    "[ meta load l4proto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000006 ]\n"
	    "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00003500 ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "tcp dport 80 ip saddr 10.0.0.1 iifname \"a\" ip daddr "
	    "10.0.0.2 accept",
	    "[ meta load l4proto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000006 ]\n"
	    "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00005000 ]\n"
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000002 ]\n"
	    "[ payload load 4b @ network header + 12 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0100000a ]\n"
	    "[ meta load iifname => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000061 0x00000000 0x00000000 0x00000000 ]\n"
	    "[ payload load 4b @ network header + 16 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0200000a ]\n"
	    "[ immediate reg 0 accept ]\n" },
	{ "ip6 saddr fd00::/64 udp dport 547 oifname \"wan\" ct state "
	    "new drop",
	    "[ meta load nfproto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000000a ]\n"
	    "[ payload load 8b @ network header + 8 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x000000fd 0x00000000 ]\n"
	    "[ meta load l4proto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000011 ]\n"
	    "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00002302 ]\n"
	    "[ meta load oifname => reg 1 ]\n"
	    "[ cmp eq reg 1 0x006e6177 0x00000000 0x00000000 0x00000000 ]\n"
	    "[ ct load state => reg 1 ]\n"
	    "[ bitwise reg 1 = ( reg 1 & 0x00000008 ) ^ 0x00000000 ]\n"
	    "[ cmp neq reg 1 0x00000000 ]\n"
	    "[ immediate reg 0 drop ]\n" },
	{ "jump o",
	    "[ immediate reg 0 jump -> o ]\n" },
	{ "iifname vmap { \"a\" : accept, \"b\" : drop, \"c\" : jump o }",
	    "[ meta load iifname => reg 1 ]\n"
	    "[ lookup reg 1 set __map%d dreg 0 ]\n" },
	{ "tcp dport 2947 oifname vmap { \"wan\" : accept }",
	    "[ meta load l4proto => reg 1 ]\n"
	    "[ cmp eq reg 1 0x00000006 ]\n"
	    "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	    "[ cmp eq reg 1 0x0000830b ]\n"
	    "[ meta load oifname => reg 1 ]\n"
	    "[ lookup reg 1 set __map%d dreg 0 ]\n" },
	{ "masquerade",
	    "[ masq ]\n" },
};

/* Loads text; fails the test with the message when it does not load. */
static struct rt_nft *
load_ok(const char *text)
{
	char err[RT_ERRLEN] = "";
	struct rt_nft *t = NULL;

	if (rt_nft_load(&t, text, strlen(text), err, sizeof(err)) != 0)
		fail_msg("load: %s\n%s", err, text);
	assert_non_null(t);
	return t;
}

static void
load_err(const char *text, const char *want)
{
	char err[RT_ERRLEN] = "";
	struct rt_nft *t = (struct rt_nft *)&err;

	if (rt_nft_load(&t, text, strlen(text), err, sizeof(err)) != -1)
		fail_msg("loaded, wanted \"%s\":\n%s", want, text);
	assert_null(t);
	if (strcmp(err, want) != 0)
		fail_msg("got \"%s\", wanted \"%s\" for:\n%s", err, want, text);
}

/* "table inet edgenet { chain c { RULE } chain o { } }" */
static char *
wrap(const char *rule)
{
	char *s;

	assert_true(asprintf(&s, "table inet edgenet {\nchain c {\n%s\n}\n"
	    "chain o {\n}\n}\n", rule) > 0);
	return s;
}

static int
dump_cb(struct nftnl_expr *e, void *data)
{
	struct rt_buf *b = data;
	char tmp[512];

	nftnl_expr_snprintf(tmp, sizeof(tmp), e, NFTNL_OUTPUT_DEFAULT, 0);
	rt_buf_printf(b, "[ %s %s]\n", nftnl_expr_get_str(e,
	    NFTNL_EXPR_NAME), tmp);
	return 0;
}

/* The expressions of a rule, as nft --debug=netlink prints them. */
static char *
exprs(const struct nftnl_rule *r)
{
	struct rt_buf b = { .p = NULL };

	rt_buf_printf(&b, "%s", "");
	nftnl_expr_foreach((struct nftnl_rule *)r, dump_cb, &b);
	assert_false(b.oom);
	return b.p;
}

/* The only rule of t. */
static const struct nftnl_rule *
only_rule(const struct rt_nft *t)
{
	const struct nftnl_rule *r = NULL;
	size_t i;

	for (i = 0; i < t->n_items; i++)
		if (t->items[i].kind == RT_NFT_RULE) {
			assert_null(r);
			r = t->items[i].o;
		}
	assert_non_null(r);
	return r;
}

static void
test_golden(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		char *text = wrap(golden[i].rule), *got;
		struct rt_nft *t = load_ok(text);

		got = exprs(only_rule(t));
		if (strcmp(got, golden[i].exprs) != 0)
			fail_msg("%s:\ngot\n%swanted\n%s", golden[i].rule, got,
			    golden[i].exprs);
		free(got);
		rt_nft_free(t);
		free(text);
	}
}

/* Printing a rule back gives the text, which loads to the same
 * expressions. */
static void
test_format_roundtrip(void **state)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		char *text = wrap(golden[i].rule), *again, *a, *b;
		struct rt_nft *t = load_ok(text), *u;

		rt_nft_rule_format(t, only_rule(t), buf, sizeof(buf));
		assert_string_equal(buf, golden[i].rule);
		again = wrap(buf);
		u = load_ok(again);
		a = exprs(only_rule(t));
		b = exprs(only_rule(u));
		assert_string_equal(a, b);
		free(a);
		free(b);
		rt_nft_free(u);
		rt_nft_free(t);
		free(again);
		free(text);
	}
}

static void
test_format_other(void **state)
{
	static const char *const same[][2] = {
		{ "ct state related , established accept",
		    "ct state established,related accept" },
		{ "ip daddr 10.0.0.1/32 drop", "ip daddr 10.0.0.1 drop" },
		{ "accept comment \"x y\"", "accept comment \"x y\"" },
		{ "accept comment \"\"", "accept comment \"\"" },
		{ "iifname vmap {\n\"a\":accept,\n\"b\" : drop\n}",
		    "iifname vmap { \"a\" : accept, \"b\" : drop }" },
	};
	struct nftnl_expr *e;
	struct nftnl_rule *r;
	char buf[1024];
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char *text = wrap(same[i][0]);
		struct rt_nft *t = load_ok(text);

		rt_nft_rule_format(t, only_rule(t), buf, sizeof(buf));
		assert_string_equal(buf, same[i][1]);
		rt_nft_free(t);
		free(text);
	}
	/* a dependency without what needs it is not nft's: dump */
	{
		static const uint8_t v4 = NFPROTO_IPV4;

		assert_non_null(r = nftnl_rule_alloc());
		assert_non_null(e = nftnl_expr_alloc("meta"));
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFPROTO);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
		nftnl_rule_add_expr(r, e);
		assert_non_null(e = nftnl_expr_alloc("cmp"));
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &v4, 1);
		nftnl_rule_add_expr(r, e);
		assert_non_null(e = nftnl_expr_alloc("immediate"));
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
		nftnl_rule_add_expr(r, e);
		rt_nft_rule_format(NULL, r, buf, sizeof(buf));
		assert_string_equal(buf, "[ meta load nfproto => reg 1 ] "
		    "[ cmp eq reg 1 0x00000002 ] [ immediate reg 0 accept ]");
		nftnl_rule_free(r);
	}
	/* outside the subset: the expression dump */
	assert_non_null(r = nftnl_rule_alloc());
	assert_non_null(e = nftnl_expr_alloc("counter"));
	nftnl_rule_add_expr(r, e);
	rt_nft_rule_format(NULL, r, buf, sizeof(buf));
	assert_string_equal(buf, "[ counter pkts 0 bytes 0 ]");
	nftnl_rule_free(r);
}

/* The anonymous map of a vmap, as nft 1.0.6 sends it. */
static void
test_vmap_set(void **state)
{
	static const uint8_t udata[] = {
		0x00, 0x04, 0x01, 0x00, 0x00, 0x00,	/* key byteorder host */
		0x01, 0x04, 0x00, 0x00, 0x00, 0x00,	/* data byteorder */
		0x04, 0x08, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x06, 0x04, 0x00, 0x00, 0x00, 0x00,	/* data interval */
	};
	char *text = wrap("iifname vmap { \"lan\" : jump o, "
	    "\"eb12345678\" : accept, \"x\" : drop } comment \"m\"");
	struct rt_nft *t = load_ok(text);
	const char *keys[] = { "lan", "eb12345678", "x" };
	const int verdicts[] = { NFT_JUMP, NF_ACCEPT, NF_DROP };
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;
	struct nftnl_set *s;
	const void *p;
	uint32_t len;
	size_t k = 0;

	assert_int_equal(t->n_items, 2);
	assert_int_equal(t->items[0].kind, RT_NFT_SET);
	assert_int_equal(t->items[1].kind, RT_NFT_RULE);
	s = t->items[0].o;
	assert_string_equal(nftnl_set_get_str(s, NFTNL_SET_NAME), "__map%d");
	assert_string_equal(nftnl_set_get_str(s, NFTNL_SET_TABLE), "edgenet");
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_FAMILY), NFPROTO_INET);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_FLAGS),
	    NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_MAP);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_KEY_TYPE), 41);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN), 16);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE),
	    NFT_DATA_VERDICT);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_DATA_LEN), 0);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_DESC_SIZE), 3);
	p = nftnl_set_get_data(s, NFTNL_SET_USERDATA, &len);
	assert_int_equal(len, sizeof(udata));
	assert_memory_equal(p, udata, len);
	assert_ptr_equal(rt_nft_set_find(t, nftnl_set_get_u32(s,
	    NFTNL_SET_ID)), &t->items[0]);
	assert_non_null(it = nftnl_set_elems_iter_create(s));
	for (e = nftnl_set_elems_iter_next(it); e != NULL;
	    e = nftnl_set_elems_iter_next(it), k++) {
		char key[16] = { 0 };

		assert_true(k < 3);
		strcpy(key, keys[k]);
		p = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
		assert_int_equal(len, 16);
		assert_memory_equal(p, key, 16);
		assert_int_equal((int)nftnl_set_elem_get_u32(e,
		    NFTNL_SET_ELEM_VERDICT), verdicts[k]);
		assert_int_equal(nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN),
		    k == 0);
	}
	nftnl_set_elems_iter_destroy(it);
	assert_int_equal(k, 3);
	p = nftnl_rule_get_data(t->items[1].o, NFTNL_RULE_USERDATA, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(p, "\x00\x02m", 4);
	rt_nft_free(t);
	free(text);
}

static void
test_comment_udata(void **state)
{
	char *text = wrap("iifname \"lan\" oifname \"wan\" accept "
	    "comment \"lan to wan\"");
	struct rt_nft *t = load_ok(text);
	const void *p;
	uint32_t len;

	p = nftnl_rule_get_data(only_rule(t), NFTNL_RULE_USERDATA, &len);
	assert_int_equal(len, 13);
	assert_memory_equal(p, "\x00\x0blan to wan", 13);
	assert_false(nftnl_rule_is_set(t->items[0].o, NFTNL_RULE_POSITION));
	rt_nft_free(t);
	free(text);
}

static void
test_chains(void **state)
{
	static const struct {
		const char	*decl;
		const char	*type;
		int		 hook, prio, policy;	/* policy -1: none */
	} c[] = {
		{ "type filter hook input priority filter; policy drop;",
		    "filter", NF_INET_LOCAL_IN, 0, NF_DROP },
		{ "type filter hook forward priority -5; policy accept;",
		    "filter", NF_INET_FORWARD, -5, NF_ACCEPT },
		{ "type filter hook output priority 2147483647",
		    "filter", NF_INET_LOCAL_OUT, 2147483647, -1 },
		{ "type filter hook prerouting priority -2147483648",
		    "filter", NF_INET_PRE_ROUTING, -2147483647 - 1, -1 },
		{ "type nat hook prerouting priority dstnat; policy accept;",
		    "nat", NF_INET_PRE_ROUTING, -100, NF_ACCEPT },
		{ "type nat hook postrouting priority srcnat\npolicy accept",
		    "nat", NF_INET_POST_ROUTING, 100, NF_ACCEPT },
		{ "type nat hook input priority 100", "nat", NF_INET_LOCAL_IN,
		    100, -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *text;
		struct rt_nft *t;
		const struct nftnl_chain *ch;

		assert_true(asprintf(&text, "table inet edgenet {\n"
		    "chain base.x-1 {\n%s\njump reg\n}\nchain reg {\n}\n}\n",
		    c[i].decl) > 0);
		t = load_ok(text);
		assert_int_equal(t->n_chains, 2);
		ch = t->chains[0].o;
		assert_string_equal(nftnl_chain_get_str(ch, NFTNL_CHAIN_NAME),
		    "base.x-1");
		assert_string_equal(nftnl_chain_get_str(ch, NFTNL_CHAIN_TYPE),
		    c[i].type);
		assert_int_equal(nftnl_chain_get_u32(ch, NFTNL_CHAIN_HOOKNUM),
		    c[i].hook);
		assert_int_equal(nftnl_chain_get_s32(ch, NFTNL_CHAIN_PRIO),
		    c[i].prio);
		if (c[i].policy < 0)
			assert_false(nftnl_chain_is_set(ch,
			    NFTNL_CHAIN_POLICY));
		else
			assert_int_equal(nftnl_chain_get_u32(ch,
			    NFTNL_CHAIN_POLICY), c[i].policy);
		ch = t->chains[1].o;
		assert_false(nftnl_chain_is_set(ch, NFTNL_CHAIN_HOOKNUM));
		assert_false(nftnl_chain_is_set(ch, NFTNL_CHAIN_TYPE));
		rt_nft_free(t);
		free(text);
	}
}

static void
test_table_states(void **state)
{
	struct rt_nft *t;

	t = load_ok("");
	assert_false(t->present);
	rt_nft_free(t);
	t = load_ok("# nothing\n\n  ;\n");
	assert_false(t->present);
	rt_nft_free(t);
	t = load_ok("table inet edgenet");
	assert_true(t->present);
	assert_int_equal(t->n_chains, 0);
	rt_nft_free(t);
	t = load_ok("table inet edgenet\ndelete table inet edgenet\n");
	assert_false(t->present);
	rt_nft_free(t);
	/* delete drops what came before it */
	t = load_ok("table inet edgenet {\nchain a {\naccept\n}\n}\n"
	    "delete table inet edgenet\n"
	    "table inet edgenet {\nchain b {\ndrop\n}\n}\n");
	assert_true(t->present);
	assert_int_equal(t->n_chains, 1);
	assert_int_equal(t->n_items, 1);
	assert_string_equal(nftnl_chain_get_str(t->chains[0].o,
	    NFTNL_CHAIN_NAME), "b");
	rt_nft_free(t);
	/* two blocks add up, as in nft */
	t = load_ok("table inet edgenet {\nchain a {\n}\n}\n"
	    "table inet edgenet {\nchain b {\njump a\n}\n}\n");
	assert_int_equal(t->n_chains, 2);
	rt_nft_free(t);
	/* positions of objects, for the kernel's errors */
	t = load_ok("table inet edgenet {\n  chain a {\n\taccept\n  }\n}\n");
	assert_int_equal(t->chains[0].line, 2);
	assert_int_equal(t->chains[0].col, 9);
	assert_int_equal(t->items[0].line, 3);
	assert_int_equal(t->items[0].col, 2);
	rt_nft_free(t);
	/* not NUL-terminated: only len bytes are read */
	{
		char err[RT_ERRLEN];
		const char text[] = "table inet edgenet@@@";

		assert_int_equal(rt_nft_load(&t, text, 18, err, sizeof(err)),
		    0);
		assert_true(t->present);
		rt_nft_free(t);
	}
}

static void
test_errors(void **state)
{
	static const char *const rule[][2] = {
		{ "iifname \"abcdefghijklmnop\" accept",
		    "3:9: interface name must have 1 to 15 characters" },
		{ "iifname \"\" accept",
		    "3:9: interface name must have 1 to 15 characters" },
		{ "iifname \"a*\" accept",
		    "3:9: invalid interface name \"a*\"" },
		{ "oifname \"a b\" accept",
		    "3:9: invalid interface name \"a b\"" },
		{ "ip saddr 10.0.0.1/24 accept",
		    "3:10: prefix '10.0.0.1/24' has host bits set" },
		{ "ip saddr fd00::1 accept",
		    "3:10: invalid IPv4 address 'fd00::1'" },
		{ "ip6 daddr 10.0.0.1 accept",
		    "3:11: invalid IPv6 address '10.0.0.1'" },
		{ "ip saddr 10.0.0.0/33 accept",
		    "3:10: invalid IPv4 address '10.0.0.0/33'" },
		{ "ip saddr accept", "3:10: invalid IPv4 address 'accept'" },
		{ "ip saddr", "3:9: expected an address" },
		{ "ip sport 1 accept",
		    "3:4: expected 'saddr' or 'daddr', not 'sport'" },
		{ "tcp dport 65536 accept",
		    "3:11: expected a port number 0-65535" },
		{ "tcp dport 022 accept",
		    "3:11: expected a port number 0-65535" },
		{ "tcp dport -1 accept",
		    "3:11: expected a port number 0-65535" },
		{ "ip saddr 1.2.3.4 ip6 daddr ::1 accept",
		    "3:18: conflicting protocols specified: ip vs. ip6" },
		{ "tcp dport 1 udp dport 2 accept",
		    "3:13: conflicting protocols specified: tcp vs. udp" },
		{ "ct state bogus accept", "3:10: expected a connection state "
		    "(established, related, invalid, new), not 'bogus'" },
		{ "ct state new, accept", "3:15: expected a connection state "
		    "(established, related, invalid, new), not 'accept'" },
		{ "iifname \"a\"",
		    "3:12: expected a match or a verdict, not end of line" },
		{ "meta mark 1 accept",
		    "3:1: expected a match or a verdict, not 'meta'" },
		{ "accept drop",
		    "3:8: expected end of line or ';', not 'drop'" },
		{ "accept comment \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
		    "3:16: comment longer than 128 characters" },
		{ "accept comment \"a\\b\"", "3:18: invalid character in "
		    "comment" },
		{ "accept comment \"a\tb\"", "3:18: invalid character in "
		    "comment" },
		{ "accept comment x",
		    "3:16: expected a quoted comment, not 'x'" },
		{ "accept comment \"x", "3:16: unterminated string" },
		{ "iifname vmap { }",
		    "3:16: expected a quoted interface name, not '}'" },
		{ "iifname vmap { \"a\" : accept, }",
		    "3:30: expected a quoted interface name, not '}'" },
		{ "iifname vmap { \"a\" accept }", "3:20: expected ':', not "
		    "'accept'" },
		{ "iifname vmap { \"a\" : reject }",
		    "3:22: expected accept, drop "
		    "or jump, not 'reject'" },
		{ "iifname vmap \"a\"", "3:14: expected '{', not a string" },
		{ "iifname lan accept",
		    "3:9: expected a quoted interface name, not 'lan'" },
		{ "jump", "3:5: expected a chain name, not end of line" },
		{ "jump nowhere", "3:6: no chain 'nowhere' in this table" },
		{ "jump c", "3:6: jump to 'c' makes a loop" },
		{ "accept @", "3:8: unexpected character '@'" },
		{ "accept \001", "3:8: unexpected character 0x01" },
	};
	static const char *const file[][2] = {
		{ "table ip edgenet",
		    "1:7: only table inet edgenet is allowed" },
		{ "table inet other",
		    "1:12: only table inet edgenet is allowed" },
		{ "tabel inet edgenet",
		    "1:1: expected 'table' or 'delete table', not 'tabel'" },
		{ "delete table inet edgenet x",
		    "1:27: expected end of line or ';', not 'x'" },
		{ "delete chain inet edgenet x",
		    "1:8: expected 'table', not 'chain'" },
		{ "table inet edgenet { chain c { } }",
		    "1:34: expected end of line or ';', not '}'" },
		{ "table inet edgenet {\nchain c {\naccept }\n}\n",
		    "3:8: expected end of line or ';', not '}'" },
		{ "table inet edgenet {\nchain c {\n",
		    "3:1: expected '}', not end of file" },
		{ "table inet edgenet {\nset s {\n}\n}\n",
		    "2:1: expected 'chain' or '}', not 'set'" },
		{ "table inet edgenet {\nchain counter {\n}\n}",
		    "2:7: invalid chain name 'counter'" },
		{ "table inet edgenet {\nchain 1a {\n}\n}",
		    "2:7: invalid chain name '1a'" },
		{ "table inet edgenet {\nchain \"c\" {\n}\n}",
		    "2:7: expected a chain name, not a string" },
		{ "table inet edgenet {\nchain "
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaa {\n}\n}",
		    "2:7: chain name longer than 64 characters" },
		/* found by rt_fuzz_nft: read past the end */
		{ "table inet edgenet {\nchain c {\njump ",
		    "3:6: expected a chain name, not end of file" },
		{ "table inet edgenet {\nchain c {\n}\nchain c {\n}\n}",
		    "4:7: chain 'c' declared twice" },
		{ "table inet edgenet {\nchain c {\npolicy drop\n}\n}",
		    "3:1: policy needs a base chain (a type line first)" },
		{ "table inet edgenet {\nchain c {\naccept\n"
		    "type filter hook input priority 0\n}\n}",
		    "4:1: 'type' must come before the rules" },
		{ "table inet edgenet {\nchain c {\ntype filter hook input "
		    "priority 0\ntype filter hook input priority 0\n}\n}",
		    "4:1: 'type' given twice" },
		{ "table inet edgenet {\nchain c {\ntype nat hook forward "
		    "priority 0\n}\n}",
		        "3:6: a nat chain cannot hook forward" },
		{ "table inet edgenet {\nchain c {\ntype filter hook input "
		    "priority srcnat\n}\n}",
		        "3:33: invalid priority for this hook" },
		{ "table inet edgenet {\nch"
		    "ain c {\ntype filter hook postrouting "
		    "priority dstnat\n}\n}",
		        "3:39: invalid priority for this hook" },
		{ "table inet edgenet {\nchain c {\ntype filter hook input "
		    "priority 2147483648\n}\n}", "3:33: invalid priority" },
		{ "table inet edgenet {\nchain c {\ntype filter hook input "
		    "priority -2147483649\n}\n}", "3:33: invalid priority" },
		{ "table inet edgenet {\nchain c {\ntype filter hook ingress "
		    "priority 0\n}\n}",
		        "3:18: expected a hook (input, forward, "
		    "output, prerouting, postrouting), not 'ingress'" },
		{ "table inet edgenet {\nchain c {\ntype route hook input "
		    "priority 0\n}\n}", "3:6: expected 'filter' or 'nat', not "
		    "'route'" },
		{ "table inet edgenet {\nchain c { type filter hook input "
		    "priority 0; policy reject; }\n}",
		    "2:53: expected 'accept' or 'drop', not 'reject'" },
	};
	size_t i;

	for (i = 0; i < sizeof(rule) / sizeof(rule[0]); i++) {
		char *text = wrap(rule[i][0]);

		load_err(text, rule[i][1]);
		free(text);
	}
	for (i = 0; i < sizeof(file) / sizeof(file[0]); i++)
		load_err(file[i][0], file[i][1]);
	{
		const char nul[] = "table inet edgenet\n\0";
		char err[RT_ERRLEN];
		struct rt_nft *t;

		assert_int_equal(rt_nft_load(&t, nul, sizeof(nul) - 1, err,
		    sizeof(err)), -1);
		assert_string_equal(err, "2:1: unexpected character 0x00");
	}
}

/* What the kernel checks only at commit time, checked on load. */
static void
test_commit_checks(void **state)
{
	char *deep, *p;
	size_t i, len = 0;

	load_err("table inet edgenet {\nchain a {\njump b\n}\nchain b {\n"
	    "jump a\n}\n}", "6:6: jump to 'a' makes a loop");
	/* loops are refused even where no base chain reaches them */
	load_err("table inet edgenet {\nchain a {\njump b\n}\nchain b {\n"
	    "iifname vmap { \"x\" : jump c }\n}\nchain c {\njump a\n}\n}",
	    "9:6: jump to 'a' makes a loop");
	load_err("table inet edgenet {\nchain a {\ntype filter hook input "
	    "priority 0\njump b\n}\nchain b {\ntype filter hook output "
	    "priority 0\n}\n}", "4:6: cannot jump to base chain 'b'");
	load_err("table inet edgenet {\nchain a {\ntype filter hook forward "
	    "priority 0\njump b\n}\nchain b {\nip saddr 10.0.0.0/8 "
	    "masquerade\n}\n}", "7:21: masquerade is only allowed in a nat "
	    "postrouting chain (reached from chain 'a')");
	load_err("table inet edgenet {\nchain a {\ntype nat hook prerouting "
	    "priority dstnat\nmasquerade\n}\n}", "4:1: masquerade is only "
	    "allowed in a nat postrouting chain (reached from chain 'a')");
	/* allowed: from nat postrouting, or reached from no base chain */
	rt_nft_free(load_ok("table inet edgenet {\nchain a {\ntype nat hook "
	    "postrouting priority srcnat\njump b\n}\nchain b {\nmasquerade\n"
	    "}\nchain c {\nmasquerade\n}\n}"));
	/* 15 jumps below a base chain work, 16 do not (kernel: EMLINK) */
	for (i = 15; i <= 16; i++) {
		size_t k;

		deep = NULL;
		len = 0;
		{
			FILE *f = open_memstream(&deep, &len);

			assert_non_null(f);
			fprintf(f, "table inet edgenet {\nchain base {\ntype "
			    "filter hook input priority 0\njump c1\n}\n");
			for (k = 1; k <= i; k++) {
				fprintf(f, "chain c%zu {\n", k);
				if (k < i)
					fprintf(f, "jump c%zu\n", k + 1);
				fprintf(f, "}\n");
			}
			fprintf(f, "}\n");
			fclose(f);
		}
		if (i == 15)
			rt_nft_free(load_ok(deep));
		else {
			p = strstr(deep, "jump c16");
			assert_non_null(p);
			load_err(deep, "49:6: jumps nested deeper th"
			    "an 15 below "
			    "chain 'base'");
		}
		free(deep);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_format_other),
		cmocka_unit_test(test_vmap_set),
		cmocka_unit_test(test_comment_udata),
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_table_states),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_commit_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
