/*
 * nft_parse.c - the *.nft subset of docs/bundle-format.md, read into the
 * libnftnl objects nft 1.0.6 builds for the same text (compare with
 * `nft --debug=netlink -c -f FILE`); nft_print.c prints rules back in
 * that syntax.
 *
 * What nft does for the subset, and this file with it:
 * - a match on ip/ip6 first loads meta nfproto and compares it (once per
 *   rule), tcp/udp first load meta l4proto; mixing ip with ip6, or tcp
 *   with udp, is an error ("conflicting protocols");
 * - a prefix of whole bytes loads only those bytes, a full-length one the
 *   whole address, any other one the whole address through a bitwise mask;
 * - interface names are compared as 16 bytes (IFNAMSIZ), NUL-padded;
 * - ct state loads ct state, masks it with the OR of the states and
 *   compares "not equal 0";
 * - a vmap is an anonymous constant map "__map%d" (key ifname, data
 *   verdict, size = element count) referenced by set id from a lookup;
 * - a comment is rule userdata: TLV NFTNL_UDATA_RULE_COMMENT, NUL included.
 *
 * The reader is stricter than nft where the subset is narrower (one type
 * line before the rules, names that cannot be nft keywords of the subset,
 * no wildcard interface names), so a file it accepts is accepted by nft.
 * It also refuses what the kernel refuses only at commit time (jump
 * loops, jumps nested deeper than 15, masquerade reachable from a chain
 * other than a nat postrouting one), so that a dry run catches them.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "names.h"
#include "nft_obj.h"
#include "rt.h"

#define NFT_BYTEORDER_HOST	1	/* nft's enum byteorder */
#define NFT_EXPR_VERDICT	1	/* nft's enum expr_types */
#define NFT_JUMP_DEPTH		15	/* the kernel's stack of 16 chains */
#define NFT_NAME_MAX		64	/* chain names (kernel allows 255) */
#define NFT_PRIO_FILTER		0
#define NFT_PRIO_SRCNAT		100
#define NFT_PRIO_DSTNAT		(-100)

enum tok_type {
	T_EOF, T_NL, T_WORD, T_STR, T_LBRACE, T_RBRACE, T_SEMI, T_COMMA,
	T_COLON,
};

struct tok {
	enum tok_type	 t;
	const char	*s;	/* a string's content, without quotes */
	size_t		 n;
	unsigned	 line, col;
};

struct lex {
	const char	*p, *end, *bol;
	unsigned	 line;
	struct tok	 cur;
	int		 have;
	char		*err;
	size_t		 errlen;
};

/* What one rule has seen so far, for dependencies and checks. */
struct rule_ctx {
	struct rt_nft		*t;
	struct rt_nft_obj	*obj;
	struct nftnl_rule	*r;
	const char		*chain;
	const char		*l3;	/* "ip" or "ip6" once matched */
	const char		*l4;	/* "tcp" or "udp" once matched */
};

static int
perr(struct lex *lx, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
perr(struct lex *lx, unsigned line, unsigned col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rt_errf(lx->err, lx->errlen, "%u:%u: %s", line, col, msg);
}

static int
oom(struct lex *lx)
{
	return rt_errf(lx->err, lx->errlen, "out of memory");
}

static int
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' ||
	    c == '-';
}

/* Skips blanks and comments, not newlines. */
static void
lex_skip(struct lex *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r')
			lx->p++;
		else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else
			break;
	}
}

static unsigned
lex_col(const struct lex *lx)
{
	return (unsigned)(lx->p - lx->bol) + 1;
}

static int
lex_next(struct lex *lx, struct tok *tk)
{
	static const char puncts[] = "{};,:";	/* in enum tok_type order */
	const char *punct;
	char c;

	lex_skip(lx);
	memset(tk, 0, sizeof(*tk));
	tk->line = lx->line;
	tk->col = lex_col(lx);
	tk->s = lx->p;
	if (lx->p >= lx->end) {
		tk->t = T_EOF;
		return 0;
	}
	c = *lx->p++;
	if ((punct = strchr(puncts, c)) != NULL && c != '\0') {
		tk->t = T_LBRACE + (enum tok_type)(punct - puncts);
		return 0;
	}
	switch (c) {
	case '\n':
		tk->t = T_NL;
		lx->line++;
		lx->bol = lx->p;
		return 0;
	case '"':
		tk->t = T_STR;
		tk->s = lx->p;
		while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n')
			lx->p++;
		if (lx->p >= lx->end || *lx->p != '"')
			return perr(lx, tk->line, tk->col,
			    "unterminated string");
		tk->n = (size_t)(lx->p - tk->s);
		lx->p++;
		return 0;
	}
	if (!is_word_char(c)) {
		if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
			return perr(lx, tk->line, tk->col,
			    "unexpected character '%c'", c);
		return perr(lx, tk->line, tk->col,
		    "unexpected character 0x%02x", (unsigned char)c);
	}
	tk->t = T_WORD;
	while (lx->p < lx->end && is_word_char(*lx->p))
		lx->p++;
	tk->n = (size_t)(lx->p - tk->s);
	return 0;
}

static int
peek(struct lex *lx, struct tok **tk)
{
	if (!lx->have) {
		if (lex_next(lx, &lx->cur) == -1)
			return -1;
		lx->have = 1;
	}
	*tk = &lx->cur;
	return 0;
}

static void
consume(struct lex *lx)
{
	lx->have = 0;
}

static int
tok_is(const struct tok *tk, const char *word)
{
	return tk->t == T_WORD && tk->n == strlen(word) &&
	    memcmp(tk->s, word, tk->n) == 0;
}

static const char *
tok_what(const struct tok *tk, char *buf, size_t len)
{
	switch (tk->t) {
	case T_EOF:
		return "end of file";
	case T_NL:
		return "end of line";
	case T_STR:
		return "a string";
	case T_WORD:
		snprintf(buf, len, "'%.*s'", tk->n > 32 ? 32 : (int)tk->n,
		    tk->s);
		return buf;
	default:
		snprintf(buf, len, "'%c'", *tk->s);
		return buf;
	}
}

static int
unexpected(struct lex *lx, const struct tok *tk, const char *wanted)
{
	char buf[48];

	return perr(lx, tk->line, tk->col, "expected %s, not %s", wanted,
	    tok_what(tk, buf, sizeof(buf)));
}

/* Consumes the next token when it is the word w; else an error. */
static int
expect_word(struct lex *lx, const char *w, struct tok *out)
{
	struct tok *tk;
	char want[40];

	if (peek(lx, &tk) == -1)
		return -1;
	if (!tok_is(tk, w)) {
		snprintf(want, sizeof(want), "'%s'", w);
		return unexpected(lx, tk, want);
	}
	if (out != NULL)
		*out = *tk;
	consume(lx);
	return 0;
}

static int
expect(struct lex *lx, enum tok_type t, const char *what, struct tok *out)
{
	struct tok *tk;

	if (peek(lx, &tk) == -1)
		return -1;
	if (tk->t != t)
		return unexpected(lx, tk, what);
	if (out != NULL)
		*out = *tk;
	consume(lx);
	return 0;
}

/* The end of a statement: newline or ';' (consumed), or end of file
 * when eof_ok. */
static int
expect_end(struct lex *lx, int eof_ok)
{
	struct tok *tk;

	if (peek(lx, &tk) == -1)
		return -1;
	if (tk->t == T_NL || tk->t == T_SEMI) {
		consume(lx);
		return 0;
	}
	if (tk->t == T_EOF && eof_ok)
		return 0;
	return unexpected(lx, tk, "end of line or ';'");
}

/* Reads an address or prefix directly after "saddr"/"daddr". */
static int
lex_prefix(struct lex *lx, int family, struct rt_pfx *pfx, struct tok *at)
{
	const char *s;

	lex_skip(lx);
	at->line = lx->line;
	at->col = lex_col(lx);
	s = lx->p;
	while (lx->p < lx->end && (is_word_char(*lx->p) || *lx->p == ':'))
		lx->p++;
	if (lx->p == s)
		return perr(lx, at->line, at->col, "expected an address");
	if (rt_pfx_parse(s, (size_t)(lx->p - s), 0, 0, pfx) == -1 ||
	    pfx->family != family)
		return perr(lx, at->line, at->col, "invalid %s address '%.*s'",
		    family == AF_INET ? "IPv4" : "IPv6",
		    (int)(lx->p - s > 50 ? 50 : lx->p - s), s);
	if (rt_pfx_parse(s, (size_t)(lx->p - s), 0, 1, pfx) == -1)
		return perr(lx, at->line, at->col,
		    "prefix '%.*s' has host bits set",
		    (int)(lx->p - s > 50 ? 50 : lx->p - s), s);
	return 0;
}

/*
 * Words nft 1.0.6 reads as keywords where a chain name is expected (found
 * by trying each keyword of its scanner as a chain name).
 */
static const char keywords[] =
	"accept add ah all and arp auto-merge bridge cgroup chain comment "
	"comp constant continue counter cpu create ct day dccp define "
	"delete describe device devices dnat drop dst dup dynamic ecn "
	"element elements eq esp ether exists expires export exthdr fib "
	"flags flow flowtable flush frag fwd gc-interval ge get goto gt "
	"handle hbh hook hour ibriport ibrname icmp icmpv6 igmp iif "
	"iifgroup iifname iiftype import include index inet insert interval "
	"ip ip6 ipsec jhash jump le limit list log lshift lt map mark "
	"masquerade meta meter mh missing monitor ne netdev nftrace not "
	"notrack numgen obriport obrname offload oif oifgroup oifname "
	"oiftype or osf pkttype policy position priority queue quota random "
	"redefine redirect reject rename replace reset return rshift rt rt0 "
	"rt2 rtclassid rule ruleset sctp secmark set size skgid skuid snat "
	"socket srh symhash synproxy table tcp th time timeout tproxy type "
	"typeof udp udplite undefine update vlan vmap xor ";

static int
is_keyword(const struct tok *tk)
{
	const char *p, *e;

	for (p = keywords; (e = strchr(p, ' ')) != NULL; p = e + 1)
		if ((size_t)(e - p) == tk->n && memcmp(p, tk->s, tk->n) == 0)
			return 1;
	return 0;
}

/* A chain name: [A-Za-z_.][A-Za-z0-9_./-]*, not an nft keyword. */
static int
name_check(struct lex *lx, const struct tok *tk)
{
	char c;

	if (tk->t != T_WORD)
		return unexpected(lx, tk, "a chain name");
	c = tk->s[0];
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '_' || c == '.') || is_keyword(tk))
		return perr(lx, tk->line, tk->col,
		    "invalid chain name '%.*s'", (int)tk->n, tk->s);
	if (tk->n > NFT_NAME_MAX)
		return perr(lx, tk->line, tk->col,
		    "chain name longer than %d characters", NFT_NAME_MAX);
	return 0;
}

static int
ifname_check(struct lex *lx, const struct tok *tk, char out[RT_IFNAMSIZ])
{
	if (tk->t != T_STR)
		return unexpected(lx, tk, "a quoted interface name");
	if (tk->n == 0 || tk->n >= RT_IFNAMSIZ)
		return perr(lx, tk->line, tk->col,
		    "interface name must have 1 to %d characters",
		    RT_IFNAMSIZ - 1);
	if (!names_ifname_valid(tk->s, tk->n, NAMES_IF_KERNEL) ||
	    memchr(tk->s, '*', tk->n) != NULL)
		return perr(lx, tk->line, tk->col,
		    "invalid interface name \"%.*s\"", (int)tk->n, tk->s);
	memset(out, 0, RT_IFNAMSIZ);
	memcpy(out, tk->s, tk->n);
	return 0;
}

/* Decimal without sign or leading zeros, at most max. */
static int
parse_uint(const struct tok *tk, unsigned long max, unsigned long *v)
{
	size_t i;

	*v = 0;
	if (tk->t != T_WORD || tk->n == 0 || tk->n > 10 ||
	    (tk->n > 1 && tk->s[0] == '0'))
		return -1;
	for (i = 0; i < tk->n; i++) {
		if (tk->s[i] < '0' || tk->s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long)(tk->s[i] - '0');
	}
	return *v <= max ? 0 : -1;
}

/* --- expressions, as nft 1.0.6 builds them --- */

static int
ex_add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (e == NULL)
		return -1;
	nftnl_rule_add_expr(r, e);
	return 0;
}

static int
ex_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return ex_add(r, e);
}

static int
ex_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		if (nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len) == -1) {
			nftnl_expr_free(e);
			return -1;
		}
	}
	return ex_add(r, e);
}

static int
ex_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	return ex_add(r, e);
}

static int
ex_bitwise(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	if (e != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		if (nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask,
		    len) == -1 ||
		    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero,
		    len) == -1) {
			nftnl_expr_free(e);
			return -1;
		}
	}
	return ex_add(r, e);
}

static int
ex_verdict(struct nftnl_rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT,
		    (uint32_t)verdict);
		if (chain != NULL &&
		    nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) == -1) {
			nftnl_expr_free(e);
			return -1;
		}
	}
	return ex_add(r, e);
}

/* meta nfproto / l4proto dependency, once per rule. */
static int
rule_dep(struct lex *lx, struct rule_ctx *rc, const struct tok *at,
    const char **have, const char *proto, uint32_t key, uint8_t val)
{
	if (*have != NULL && strcmp(*have, proto) != 0)
		return perr(lx, at->line, at->col,
		    "conflicting protocols specified: %s vs. %s", *have,
		    proto);
	if (*have != NULL)
		return 0;
	*have = proto;
	if (ex_meta(rc->r, key) == -1 ||
	    ex_cmp(rc->r, NFT_CMP_EQ, &val, 1) == -1)
		return oom(lx);
	return 0;
}

static int
rule_ifname(struct lex *lx, struct rule_ctx *rc, uint32_t key)
{
	char name[RT_IFNAMSIZ];
	struct tok *tk;

	if (peek(lx, &tk) == -1 || ifname_check(lx, tk, name) == -1)
		return -1;
	consume(lx);
	if (ex_meta(rc->r, key) == -1 ||
	    ex_cmp(rc->r, NFT_CMP_EQ, name, RT_IFNAMSIZ) == -1)
		return oom(lx);
	return 0;
}

/* ip|ip6 saddr|daddr PREFIX */
static int
rule_addr(struct lex *lx, struct rule_ctx *rc, const struct tok *kw)
{
	int v6 = tok_is(kw, "ip6");
	uint32_t alen = v6 ? 16 : 4, off, n;
	uint8_t mask[16], val[16];
	struct rt_pfx pfx;
	struct tok *tk, at;
	uint32_t i;

	if (peek(lx, &tk) == -1)
		return -1;
	if (tok_is(tk, "saddr"))
		off = v6 ? 8 : 12;
	else if (tok_is(tk, "daddr"))
		off = v6 ? 24 : 16;
	else
		return unexpected(lx, tk, "'saddr' or 'daddr'");
	consume(lx);
	if (lex_prefix(lx, v6 ? AF_INET6 : AF_INET, &pfx, &at) == -1)
		return -1;
	if (rule_dep(lx, rc, kw, &rc->l3, v6 ? "ip6" : "ip",
	    NFT_META_NFPROTO, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4) == -1)
		return -1;
	if (pfx.len == alen * 8 || (pfx.len % 8 == 0 && pfx.len > 0)) {
		n = pfx.len / 8;
		if (ex_payload(rc->r, NFT_PAYLOAD_NETWORK_HEADER, off,
		    n) == -1 || ex_cmp(rc->r, NFT_CMP_EQ, pfx.a, n) == -1)
			return oom(lx);
		return 0;
	}
	for (i = 0; i < alen; i++) {
		if (pfx.len >= (i + 1) * 8)
			mask[i] = 0xff;
		else if (pfx.len <= i * 8)
			mask[i] = 0;
		else
			mask[i] = (uint8_t)(0xff00 >> (pfx.len - i * 8));
		val[i] = pfx.a[i] & mask[i];
	}
	if (ex_payload(rc->r, NFT_PAYLOAD_NETWORK_HEADER, off, alen) == -1 ||
	    ex_bitwise(rc->r, mask, alen) == -1 ||
	    ex_cmp(rc->r, NFT_CMP_EQ, val, alen) == -1)
		return oom(lx);
	return 0;
}

/* tcp|udp dport N */
static int
rule_port(struct lex *lx, struct rule_ctx *rc, const struct tok *kw)
{
	int udp = tok_is(kw, "udp");
	unsigned long v;
	uint16_t port;
	struct tok *tk;

	if (expect_word(lx, "dport", NULL) == -1 || peek(lx, &tk) == -1)
		return -1;
	if (parse_uint(tk, 65535, &v) == -1)
		return perr(lx, tk->line, tk->col,
		    "expected a port number 0-65535");
	consume(lx);
	if (rule_dep(lx, rc, kw, &rc->l4, udp ? "udp" : "tcp",
	    NFT_META_L4PROTO, udp ? IPPROTO_UDP : IPPROTO_TCP) == -1)
		return -1;
	port = htons((uint16_t)v);
	if (ex_payload(rc->r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2) == -1 ||
	    ex_cmp(rc->r, NFT_CMP_EQ, &port, 2) == -1)
		return oom(lx);
	return 0;
}

/* ct state S[,S...] */
static int
rule_ct(struct lex *lx, struct rule_ctx *rc)
{
	struct nftnl_expr *e;
	uint32_t mask = 0, zero = 0;
	struct tok *tk;
	size_t i;

	if (expect_word(lx, "state", NULL) == -1)
		return -1;
	for (;;) {
		if (peek(lx, &tk) == -1)
			return -1;
		for (i = 0; i < RT_NFT_CT_STATES; i++)
			if (tok_is(tk, rt_nft_ct_states[i].name))
				break;
		if (i == RT_NFT_CT_STATES)
			return unexpected(lx, tk, "a connection state "
			    "(established, related, invalid, new)");
		mask |= rt_nft_ct_states[i].bit;
		consume(lx);
		if (peek(lx, &tk) == -1)
			return -1;
		if (tk->t != T_COMMA)
			break;
		consume(lx);
	}
	if ((e = nftnl_expr_alloc("ct")) != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	if (ex_add(rc->r, e) == -1 || ex_bitwise(rc->r, &mask, 4) == -1 ||
	    ex_cmp(rc->r, NFT_CMP_NEQ, &zero, 4) == -1)
		return oom(lx);
	return 0;
}

static int
rule_ref(struct lex *lx, struct rule_ctx *rc, const struct tok *tk)
{
	struct rt_nft_ref *refs;
	struct rt_nft_obj *o = rc->obj;

	refs = realloc(o->refs, (o->n_refs + 1) * sizeof(*refs));
	if (refs == NULL)
		return oom(lx);
	o->refs = refs;
	if ((refs[o->n_refs].name = strndup(tk->s, tk->n)) == NULL)
		return oom(lx);
	refs[o->n_refs].line = tk->line;
	refs[o->n_refs++].col = tk->col;
	return 0;
}

/* accept | drop | jump CHAIN; *chain is the jump target (in name). */
static int
parse_verdict(struct lex *lx, struct rule_ctx *rc, int *verdict,
    char name[NFT_NAME_MAX + 1])
{
	struct tok *tk;

	if (peek(lx, &tk) == -1)
		return -1;
	name[0] = '\0';
	if (tok_is(tk, "accept"))
		*verdict = NF_ACCEPT;
	else if (tok_is(tk, "drop"))
		*verdict = NF_DROP;
	else if (tok_is(tk, "jump")) {
		consume(lx);
		if (peek(lx, &tk) == -1 || name_check(lx, tk) == -1 ||
		    rule_ref(lx, rc, tk) == -1)
			return -1;
		memcpy(name, tk->s, tk->n);
		name[tk->n] = '\0';
		*verdict = NFT_JUMP;
	} else
		return unexpected(lx, tk, "accept, drop or jump");
	consume(lx);
	return 0;
}

static int
set_udata(struct nftnl_set *s)
{
	struct nftnl_udata_buf *ub;
	struct nftnl_udata *n1, *n2;
	int ok;

	if ((ub = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN)) == NULL)
		return -1;
	ok = nftnl_udata_put_u32(ub, NFTNL_UDATA_SET_KEYBYTEORDER,
	    NFT_BYTEORDER_HOST) &&
	    nftnl_udata_put_u32(ub, NFTNL_UDATA_SET_DATABYTEORDER, 0);
	if (ok && (n1 = nftnl_udata_nest_start(ub,
	    NFTNL_UDATA_SET_DATA_TYPEOF)) != NULL) {
		ok = nftnl_udata_put_u32(ub, NFTNL_UDATA_SET_TYPEOF_EXPR,
		    NFT_EXPR_VERDICT);
		if (ok && (n2 = nftnl_udata_nest_start(ub,
		    NFTNL_UDATA_SET_TYPEOF_DATA)) != NULL)
			nftnl_udata_nest_end(ub, n2);
		else
			ok = 0;
		nftnl_udata_nest_end(ub, n1);
	} else
		ok = 0;
	ok = ok && nftnl_udata_put_u32(ub, NFTNL_UDATA_SET_DATA_INTERVAL, 0);
	if (ok && nftnl_set_set_data(s, NFTNL_SET_USERDATA,
	    nftnl_udata_buf_data(ub), nftnl_udata_buf_len(ub)) == -1)
		ok = 0;
	nftnl_udata_buf_free(ub);
	return ok ? 0 : -1;
}

static struct nftnl_set *
set_new(uint32_t id)
{
	struct nftnl_set *s;

	if ((s = nftnl_set_alloc()) == NULL)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, RT_NFT_FAMILY);
	if (nftnl_set_set_str(s, NFTNL_SET_TABLE, RT_NFT_TABLE) == -1 ||
	    nftnl_set_set_str(s, NFTNL_SET_NAME, "__map%d") == -1) {
		nftnl_set_free(s);
		return NULL;
	}
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS,
	    NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_MAP);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, NFT_TYPE_IFNAME);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, RT_IFNAMSIZ);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 0);
	return s;
}

static int
set_elem_add(struct nftnl_set *s, const char key[RT_IFNAMSIZ], int verdict,
    const char *chain)
{
	struct nftnl_set_elem *e;

	if ((e = nftnl_set_elem_alloc()) == NULL)
		return -1;
	if (nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, RT_IFNAMSIZ) == -1)
		goto fail;
	nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, (uint32_t)verdict);
	if (chain[0] != '\0' &&
	    nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, chain) == -1)
		goto fail;
	nftnl_set_elem_add(s, e);
	return 0;
fail:
	nftnl_set_elem_free(e);
	return -1;
}

static int
skip_nl(struct lex *lx, struct tok **tk)
{
	for (;;) {
		if (peek(lx, tk) == -1)
			return -1;
		if ((*tk)->t != T_NL)
			return 0;
		consume(lx);
	}
}

/* iifname|oifname vmap { "IF" : VERDICT, ... }, "vmap" consumed */
static int
rule_vmap(struct lex *lx, struct rule_ctx *rc, uint32_t key)
{
	char name[RT_IFNAMSIZ], chain[NFT_NAME_MAX + 1];
	uint32_t id = ++rc->t->next_set_id, n = 0;
	struct rt_nft_obj tmp, *it;
	struct nftnl_set *s;
	struct nftnl_expr *e;
	struct tok *tk;
	size_t ri;
	int verdict;

	if (expect(lx, T_LBRACE, "'{'", NULL) == -1)
		return -1;
	/* the set goes into the batch just before the rule using it */
	ri = (size_t)(rc->obj - rc->t->items);
	if ((s = set_new(id)) == NULL ||
	    (it = rt_nft_push(rc->t, RT_NFT_SET, s)) == NULL)
		return oom(lx);
	it->line = rc->t->items[ri].line;
	it->col = rc->t->items[ri].col;
	it = rc->t->items;
	tmp = it[ri];
	it[ri] = it[rc->t->n_items - 1];
	it[rc->t->n_items - 1] = tmp;
	rc->obj = &it[rc->t->n_items - 1];
	for (;;) {
		if (skip_nl(lx, &tk) == -1 || ifname_check(lx, tk, name) == -1)
			return -1;
		consume(lx);
		if (expect(lx, T_COLON, "':'", NULL) == -1 ||
		    parse_verdict(lx, rc, &verdict, chain) == -1)
			return -1;
		if (set_elem_add(s, name, verdict, chain) == -1)
			return oom(lx);
		n++;
		if (skip_nl(lx, &tk) == -1)
			return -1;
		if (tk->t == T_RBRACE)
			break;
		if (tk->t != T_COMMA)
			return unexpected(lx, tk, "',' or '}'");
		consume(lx);
	}
	consume(lx);
	nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, n);
	if (set_udata(s) == -1 || ex_meta(rc->r, key) == -1)
		return oom(lx);
	if ((e = nftnl_expr_alloc("lookup")) != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG,
		    NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
		if (nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET,
		    "__map%d") == -1) {
			nftnl_expr_free(e);
			e = NULL;
		}
	}
	if (ex_add(rc->r, e) == -1)
		return oom(lx);
	return 0;
}

static int
rule_comment(struct lex *lx, struct rule_ctx *rc)
{
	struct nftnl_udata_buf *ub;
	char text[NFT_COMMENT_MAX + 1];
	struct tok *tk;
	size_t i;
	int r;

	if (peek(lx, &tk) == -1)
		return -1;
	if (tk->t != T_STR)
		return unexpected(lx, tk, "a quoted comment");
	if (tk->n > NFT_COMMENT_MAX)
		return perr(lx, tk->line, tk->col,
		    "comment longer than %d characters", NFT_COMMENT_MAX);
	for (i = 0; i < tk->n; i++)
		if ((unsigned char)tk->s[i] < 0x20 || tk->s[i] == 0x7f ||
		    tk->s[i] == '\\')
			return perr(lx, tk->line, tk->col + 1 + (unsigned)i,
			    "invalid character in comment");
	memcpy(text, tk->s, tk->n);
	text[tk->n] = '\0';
	consume(lx);
	if ((ub = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN)) == NULL)
		return oom(lx);
	r = nftnl_udata_put_strz(ub, NFTNL_UDATA_RULE_COMMENT, text) &&
	    nftnl_rule_set_data(rc->r, NFTNL_RULE_USERDATA,
	    nftnl_udata_buf_data(ub), nftnl_udata_buf_len(ub)) == 0;
	nftnl_udata_buf_free(ub);
	return r ? 0 : oom(lx);
}

static struct nftnl_rule *
rule_new(const char *chain)
{
	struct nftnl_rule *r;

	if ((r = nftnl_rule_alloc()) == NULL)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, RT_NFT_FAMILY);
	if (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RT_NFT_TABLE) == -1 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain) == -1) {
		nftnl_rule_free(r);
		return NULL;
	}
	return r;
}

/* The final statement; 1 when tk was one, 0 when not, -1 on error. */
static int
rule_final(struct lex *lx, struct rule_ctx *rc, struct tok *tk)
{
	char chain[NFT_NAME_MAX + 1];
	int verdict;

	if (tok_is(tk, "accept") || tok_is(tk, "drop") ||
	    tok_is(tk, "jump")) {
		if (parse_verdict(lx, rc, &verdict, chain) == -1)
			return -1;
		if (ex_verdict(rc->r, verdict, chain[0] ? chain : NULL) == -1)
			return oom(lx);
		return 1;
	}
	if (tok_is(tk, "masquerade")) {
		rc->obj->masq_col = tk->col;
		consume(lx);
		if (ex_add(rc->r, nftnl_expr_alloc("masq")) == -1)
			return oom(lx);
		return 1;
	}
	return 0;
}

/* One rule, up to and including its end of line. */
static int
parse_rule(struct lex *lx, struct rt_nft *t, const char *chain)
{
	struct rule_ctx rc = { .t = t, .chain = chain };
	struct tok *tk, kw;
	int done = 0, r;

	if ((rc.r = rule_new(chain)) == NULL ||
	    (rc.obj = rt_nft_push(t, RT_NFT_RULE, rc.r)) == NULL)
		return oom(lx);
	if (peek(lx, &tk) == -1)
		return -1;
	rc.obj->line = tk->line;
	rc.obj->col = tk->col;
	rc.obj->chain = (int)t->n_chains - 1;	/* the one being read */
	while (!done) {
		if (peek(lx, &tk) == -1)
			return -1;
		kw = *tk;
		if ((r = rule_final(lx, &rc, tk)) == -1)
			return -1;
		if (r == 1)
			break;
		if (tk->t != T_WORD)
			return unexpected(lx, tk, "a match or a verdict");
		consume(lx);
		if (tok_is(&kw, "iifname") || tok_is(&kw, "oifname")) {
			uint32_t key = tok_is(&kw, "iifname") ?
			    NFT_META_IIFNAME : NFT_META_OIFNAME;

			if (peek(lx, &tk) == -1)
				return -1;
			if (tok_is(tk, "vmap")) {
				consume(lx);
				if (rule_vmap(lx, &rc, key) == -1)
					return -1;
				done = 1;
			} else if (rule_ifname(lx, &rc, key) == -1)
				return -1;
		} else if (tok_is(&kw, "ip") || tok_is(&kw, "ip6")) {
			if (rule_addr(lx, &rc, &kw) == -1)
				return -1;
		} else if (tok_is(&kw, "tcp") || tok_is(&kw, "udp")) {
			if (rule_port(lx, &rc, &kw) == -1)
				return -1;
		} else if (tok_is(&kw, "ct")) {
			if (rule_ct(lx, &rc) == -1)
				return -1;
		} else if (tok_is(&kw, "counter")) {
			/* counts what reaches the final statement */
			if (ex_add(rc.r, nftnl_expr_alloc("counter")) == -1)
				return oom(lx);
		} else
			return unexpected(lx, &kw, "a match or a verdict");
	}
	if (peek(lx, &tk) == -1)
		return -1;
	if (tok_is(tk, "comment")) {
		consume(lx);
		if (rule_comment(lx, &rc) == -1)
			return -1;
	}
	return expect_end(lx, 0);
}

static const char *const hooks[] = {
	[NF_INET_PRE_ROUTING] = "prerouting",
	[NF_INET_LOCAL_IN] = "input",
	[NF_INET_FORWARD] = "forward",
	[NF_INET_LOCAL_OUT] = "output",
	[NF_INET_POST_ROUTING] = "postrouting",
};

/* type filter|nat hook H priority P; ("type" consumed) */
static int
parse_type(struct lex *lx, struct nftnl_chain *c)
{
	struct tok *tk, ty;
	unsigned long v;
	unsigned hook;
	int nat, prio;

	if (peek(lx, &tk) == -1)
		return -1;
	if (!tok_is(tk, "filter") && !tok_is(tk, "nat"))
		return unexpected(lx, tk, "'filter' or 'nat'");
	nat = tok_is(tk, "nat");
	ty = *tk;
	consume(lx);
	if (expect_word(lx, "hook", NULL) == -1 || peek(lx, &tk) == -1)
		return -1;
	for (hook = 0; hook < sizeof(hooks) / sizeof(hooks[0]); hook++)
		if (tok_is(tk, hooks[hook]))
			break;
	if (hook == sizeof(hooks) / sizeof(hooks[0]))
		return unexpected(lx, tk, "a hook (input, forward, output, "
		    "prerouting, postrouting)");
	if (nat && hook == NF_INET_FORWARD)
		return perr(lx, ty.line, ty.col,
		    "a nat chain cannot hook forward");
	consume(lx);
	if (expect_word(lx, "priority", NULL) == -1 || peek(lx, &tk) == -1)
		return -1;
	if (tok_is(tk, "filter"))
		prio = NFT_PRIO_FILTER;
	else if (tok_is(tk, "srcnat") && hook == NF_INET_POST_ROUTING)
		prio = NFT_PRIO_SRCNAT;
	else if (tok_is(tk, "dstnat") && hook == NF_INET_PRE_ROUTING)
		prio = NFT_PRIO_DSTNAT;
	else if (tk->t == T_WORD && tk->n > 1 && tk->s[0] == '-') {
		struct tok num = *tk;

		num.s++;
		num.n--;
		if (parse_uint(&num, 2147483648UL, &v) == -1)
			return perr(lx, tk->line, tk->col, "invalid priority");
		prio = (int)(-(long)v);
	} else if (parse_uint(tk, 2147483647UL, &v) == 0)
		prio = (int)v;
	else
		return perr(lx, tk->line, tk->col, "invalid priority%s",
		    tok_is(tk, "srcnat") || tok_is(tk, "dstnat") ?
		    " for this hook" : "");
	consume(lx);
	if (nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE,
	    nat ? "nat" : "filter") == -1)
		return oom(lx);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	return expect_end(lx, 0);
}

static int
parse_policy(struct lex *lx, struct nftnl_chain *c)
{
	struct tok *tk;

	if (peek(lx, &tk) == -1)
		return -1;
	if (tok_is(tk, "accept"))
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	else if (tok_is(tk, "drop"))
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_DROP);
	else
		return unexpected(lx, tk, "'accept' or 'drop'");
	consume(lx);
	return expect_end(lx, 0);
}

/* chain NAME { ... } ("chain" consumed) */
static int
parse_chain(struct lex *lx, struct rt_nft *t)
{
	char name[NFT_NAME_MAX + 1];
	struct nftnl_chain *c;
	struct rt_nft_obj *o;
	struct tok *tk;
	int rules = 0;

	if (peek(lx, &tk) == -1 || name_check(lx, tk) == -1)
		return -1;
	memcpy(name, tk->s, tk->n);
	name[tk->n] = '\0';
	if (rt_nft_chain_find(t, name) != NULL)
		return perr(lx, tk->line, tk->col,
		    "chain '%s' declared twice", name);
	if ((c = nftnl_chain_alloc()) == NULL ||
	    (o = rt_nft_push(t, RT_NFT_CHAIN, c)) == NULL)
		return oom(lx);
	o->line = tk->line;
	o->col = tk->col;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, RT_NFT_FAMILY);
	if (nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, RT_NFT_TABLE) == -1 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name) == -1)
		return oom(lx);
	consume(lx);
	if (expect(lx, T_LBRACE, "'{'", NULL) == -1)
		return -1;
	for (;;) {
		if (peek(lx, &tk) == -1)
			return -1;
		if (tk->t == T_NL || tk->t == T_SEMI) {
			consume(lx);
			continue;
		}
		if (tk->t == T_RBRACE) {
			consume(lx);
			break;
		}
		if (tok_is(tk, "type") || tok_is(tk, "policy")) {
			int type = tok_is(tk, "type");

			if (rules)
				return perr(lx, tk->line, tk->col,
				    "'%s' must come before the rules",
				    type ? "type" : "policy");
			if (nftnl_chain_is_set(c, type ? NFTNL_CHAIN_TYPE :
			    NFTNL_CHAIN_POLICY))
				return perr(lx, tk->line, tk->col,
				    "'%s' given twice", type ? "type" :
				    "policy");
			if (!type && !nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE))
				return perr(lx, tk->line, tk->col,
				    "policy needs a base chain (a type line "
				    "first)");
			consume(lx);
			if ((type ? parse_type(lx, c) :
			    parse_policy(lx, c)) == -1)
				return -1;
			continue;
		}
		if (tk->t == T_EOF)
			return unexpected(lx, tk, "'}'");
		rules++;
		if (parse_rule(lx, t, name) == -1)
			return -1;
	}
	return expect_end(lx, 0);
}

/* "inet edgenet" after table */
static int
parse_table_name(struct lex *lx)
{
	struct tok *tk;

	if (peek(lx, &tk) == -1)
		return -1;
	if (!tok_is(tk, "inet"))
		return perr(lx, tk->line, tk->col,
		    "only table inet edgenet is allowed");
	consume(lx);
	if (peek(lx, &tk) == -1)
		return -1;
	if (!tok_is(tk, RT_NFT_TABLE))
		return perr(lx, tk->line, tk->col,
		    "only table inet edgenet is allowed");
	consume(lx);
	return 0;
}

static int
parse_table(struct lex *lx, struct rt_nft *t)
{
	struct tok *tk;

	if (parse_table_name(lx) == -1 || peek(lx, &tk) == -1)
		return -1;
	t->present = 1;
	if (tk->t != T_LBRACE)
		return expect_end(lx, 1);
	consume(lx);
	for (;;) {
		if (peek(lx, &tk) == -1)
			return -1;
		if (tk->t == T_NL || tk->t == T_SEMI) {
			consume(lx);
			continue;
		}
		if (tk->t == T_RBRACE) {
			consume(lx);
			return expect_end(lx, 1);
		}
		if (!tok_is(tk, "chain"))
			return unexpected(lx, tk, "'chain' or '}'");
		consume(lx);
		if (parse_chain(lx, t) == -1)
			return -1;
	}
}

static int
parse_file(struct lex *lx, struct rt_nft *t)
{
	struct tok *tk;

	for (;;) {
		if (peek(lx, &tk) == -1)
			return -1;
		if (tk->t == T_EOF)
			return 0;
		if (tk->t == T_NL || tk->t == T_SEMI) {
			consume(lx);
			continue;
		}
		if (tok_is(tk, "table")) {
			consume(lx);
			if (parse_table(lx, t) == -1)
				return -1;
		} else if (tok_is(tk, "delete")) {
			consume(lx);
			if (expect_word(lx, "table", NULL) == -1 ||
			    parse_table_name(lx) == -1 ||
			    expect_end(lx, 1) == -1)
				return -1;
			rt_nft_clear(t);
			t->present = 0;
		} else
			return unexpected(lx, tk, "'table' or 'delete table'");
	}
}

/* --- what the kernel checks only at commit --- */

struct walk {
	const struct rt_nft	*t;
	struct lex		*lx;
	unsigned char		*mark;
	int			*height;	/* jumps below, -1 unknown */
	const char		*base;
};

static int
chain_index(const struct rt_nft *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_chains; i++)
		if (strcmp(nftnl_chain_get_str(t->chains[i].o,
		    NFTNL_CHAIN_NAME), name) == 0)
			return (int)i;
	return -1;
}

/* The next rule of chain ci from *i on, or NULL. */
static const struct rt_nft_obj *
chain_rule(const struct rt_nft *t, int ci, size_t *i)
{
	const struct rt_nft_obj *o;

	for (; *i < t->n_items; (*i)++) {
		o = &t->items[*i];
		if (o->kind == RT_NFT_RULE && o->chain == ci) {
			(*i)++;
			return o;
		}
	}
	return NULL;
}

static int
walk_loops(struct walk *w, int ci)
{
	const struct rt_nft_obj *o;
	size_t i = 0, k;
	int to;

	w->mark[ci] = 1;
	while ((o = chain_rule(w->t, ci, &i)) != NULL) {
		for (k = 0; k < o->n_refs; k++) {
			to = chain_index(w->t, o->refs[k].name);
			if (w->mark[to] == 1)
				return perr(w->lx, o->refs[k].line,
				    o->refs[k].col, "jump to '%s' makes a "
				    "loop", o->refs[k].name);
			if (w->mark[to] == 0 && walk_loops(w, to) == -1)
				return -1;
		}
	}
	w->mark[ci] = 2;
	return 0;
}

/* Longest run of jumps starting at chain ci (no loops by now). */
static int
walk_height(struct walk *w, int ci)
{
	const struct rt_nft_obj *o;
	size_t i = 0, k;
	int h = 0, hh;

	if (w->height[ci] >= 0)
		return w->height[ci];
	while ((o = chain_rule(w->t, ci, &i)) != NULL)
		for (k = 0; k < o->n_refs; k++) {
			hh = walk_height(w, chain_index(w->t,
			    o->refs[k].name)) + 1;
			if (hh > h)
				h = hh;
		}
	return w->height[ci] = h;
}

/* Reports the jump that goes one level too deep below base chain ci. */
static int
depth_error(struct walk *w, int ci)
{
	const struct rt_nft_obj *o;
	unsigned level = 0;
	size_t i, k;
	int to;

	for (;;) {
		i = 0;
		while ((o = chain_rule(w->t, ci, &i)) != NULL)
			for (k = 0; k < o->n_refs; k++) {
				to = chain_index(w->t, o->refs[k].name);
				if (w->height[to] + 1 != w->height[ci])
					continue;
				if (++level > NFT_JUMP_DEPTH)
					return perr(w->lx, o->refs[k].line,
					    o->refs[k].col, "jumps nested "
					    "deeper than %d below chain '%s'",
					    NFT_JUMP_DEPTH, w->base);
				ci = to;
				goto next;
			}
		return -1;
next:
		;
	}
}

static int
walk_masq(struct walk *w, int ci)
{
	const struct rt_nft_obj *o;
	size_t i = 0, k;
	int to;

	w->mark[ci] = 1;
	while ((o = chain_rule(w->t, ci, &i)) != NULL) {
		if (o->masq_col != 0)
			return perr(w->lx, o->line, o->masq_col,
			    "masquerade is only allowed in a nat postrouting "
			    "chain (reached from chain '%s')", w->base);
		for (k = 0; k < o->n_refs; k++) {
			to = chain_index(w->t, o->refs[k].name);
			if (w->mark[to] == 0 && walk_masq(w, to) == -1)
				return -1;
		}
	}
	return 0;
}

static int
check_refs(struct lex *lx, const struct rt_nft *t)
{
	size_t i, k;
	int to;

	for (i = 0; i < t->n_items; i++) {
		const struct rt_nft_obj *o = &t->items[i];

		for (k = 0; k < o->n_refs; k++) {
			if ((to = chain_index(t, o->refs[k].name)) == -1)
				return perr(lx, o->refs[k].line,
				    o->refs[k].col, "no chain '%s' in this "
				    "table", o->refs[k].name);
			if (nftnl_chain_is_set(t->chains[to].o,
			    NFTNL_CHAIN_HOOKNUM))
				return perr(lx, o->refs[k].line,
				    o->refs[k].col, "cannot jump to base "
				    "chain '%s'", o->refs[k].name);
		}
	}
	return 0;
}

/* Jump targets exist and are regular chains, no loop, at most 15 jumps
 * nested below a base chain, masquerade reached only from nat
 * postrouting chains. */
static int
check_table(struct lex *lx, const struct rt_nft *t)
{
	struct walk w = { .t = t, .lx = lx };
	const struct nftnl_chain *c;
	size_t i, n = t->n_chains;
	int r = 0;

	if (check_refs(lx, t) == -1)
		return -1;
	if (n == 0)
		return 0;
	w.mark = calloc(n, 1);
	w.height = malloc(n * sizeof(*w.height));
	if (w.mark == NULL || w.height == NULL) {
		free(w.mark);
		free(w.height);
		return oom(lx);
	}
	for (i = 0; i < n && r == 0; i++) {
		w.height[i] = -1;
		if (w.mark[i] == 0)
			r = walk_loops(&w, (int)i);
	}
	for (i = 0; i < n && r == 0; i++) {
		c = t->chains[i].o;
		if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM))
			continue;
		w.base = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
		if (walk_height(&w, (int)i) > NFT_JUMP_DEPTH) {
			r = depth_error(&w, (int)i);
			break;
		}
		if (strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE),
		    "nat") == 0 && nftnl_chain_get_u32(c,
		    NFTNL_CHAIN_HOOKNUM) == NF_INET_POST_ROUTING)
			continue;
		memset(w.mark, 0, n);
		r = walk_masq(&w, (int)i);
	}
	free(w.mark);
	free(w.height);
	return r;
}

int
rt_nft_load(struct rt_nft **out, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct lex lx = {
		.p = text, .end = text + len, .bol = text, .line = 1,
		.err = err, .errlen = errlen,
	};
	struct rt_nft *t;

	*out = NULL;
	if ((t = rt_nft_new()) == NULL)
		return rt_errf(err, errlen, "out of memory");
	if (parse_file(&lx, t) == -1 || check_table(&lx, t) == -1) {
		rt_nft_free(t);
		return -1;
	}
	*out = t;
	return 0;
}
