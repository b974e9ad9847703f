/*
 * test_alloc.c - the pure allocator (alloc.c): lowest free aligned
 * blocks, mixed sizes, overlapping pools, bounds, marks, release, both
 * families, the LAN layout and host-range rules, and a randomized
 * comparison with a brute-force bitmap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "xalloc.h"

static struct addr
P(const char *s)
{
	struct addr a;
	const char *why = NULL;

	if (addr_parse(s, &a, &why) != 0)
		fail_msg("bad test address %s: %s", s, why);
	return a;
}

static struct addr
H(const char *s)
{
	struct addr a;
	const char *why = NULL;

	if (addr_parse_host(s, &a, &why) != 0)
		fail_msg("bad test host %s: %s", s, why);
	return a;
}

static const char *
F(const struct addr *a)
{
	static char buf[8][ADDR_STRLEN];
	static int i;

	return addr_format(a, buf[i++ % 8], ADDR_STRLEN);
}

static const char *
FH(const struct addr *a)
{
	static char buf[8][ADDR_STRLEN];
	static int i;

	return addr_format_host(a, buf[i++ % 8], ADDR_STRLEN);
}

#define ALL	0, ~(u128)0

/* Gets one block of /plen from pool and checks it is want (NULL: none). */
static void
get_is(struct alloc_space *sp, const char *pool, unsigned plen,
    const char *want)
{
	struct addr p = P(pool), out;
	int r = alloc_space_get(sp, &p, plen, ALL, &out);

	if (want == NULL) {
		if (r == 0)
			fail_msg("pool %s /%u: expected exhaustion, got %s",
			    pool, plen, F(&out));
		return;
	}
	if (r != 0)
		fail_msg("pool %s /%u: expected %s, got exhaustion", pool,
		    plen, want);
	assert_string_equal(F(&out), want);
}

static void
test_template_sequence(void **state)
{
	struct alloc_space *sp = alloc_space_new();

	get_is(sp, "10.190.0.0/16", 24, "10.190.0.0/24");
	get_is(sp, "10.190.0.0/16", 24, "10.190.1.0/24");
	get_is(sp, "10.190.0.0/16", 24, "10.190.2.0/24");
	alloc_space_free(sp);
}

static void
test_pool_one_block(void **state)
{
	struct alloc_space *sp = alloc_space_new();

	/* template equal to the pool: exactly one block */
	get_is(sp, "10.9.0.0/24", 24, "10.9.0.0/24");
	get_is(sp, "10.9.0.0/24", 24, NULL);
	get_is(sp, "10.9.0.0/24", 25, NULL);
	/* a /23 pool with /24 blocks: two */
	get_is(sp, "10.8.0.0/23", 24, "10.8.0.0/24");
	get_is(sp, "10.8.0.0/23", 24, "10.8.1.0/24");
	get_is(sp, "10.8.0.0/23", 24, NULL);
	alloc_space_free(sp);
}

static void
test_exhaust_count(void **state)
{
	struct alloc_space *sp = alloc_space_new();
	struct addr p = P("10.190.0.0/16"), out;
	int i;

	for (i = 0; i < 256; i++)
		assert_int_equal(alloc_space_get(sp, &p, 24, ALL, &out), 0);
	assert_string_equal(F(&out), "10.190.255.0/24");
	assert_int_equal(alloc_space_get(sp, &p, 24, ALL, &out), -1);
	assert_int_equal(alloc_space_get(sp, &p, 32, ALL, &out), -1);
	/* a neighbour pool is untouched */
	get_is(sp, "10.191.0.0/16", 24, "10.191.0.0/24");
	alloc_space_free(sp);
}

static void
test_mixed_sizes(void **state)
{
	struct alloc_space *sp = alloc_space_new();
	const char *pool = "10.190.0.0/16";

	get_is(sp, pool, 24, "10.190.0.0/24");
	get_is(sp, pool, 23, "10.190.2.0/23");	/* aligned, skips .1 */
	get_is(sp, pool, 24, "10.190.1.0/24");	/* fills the hole */
	get_is(sp, pool, 26, "10.190.4.0/26");
	get_is(sp, pool, 25, "10.190.4.128/25");
	get_is(sp, pool, 26, "10.190.4.64/26");
	get_is(sp, pool, 22, "10.190.8.0/22");
	get_is(sp, pool, 24, "10.190.5.0/24");
	get_is(sp, pool, 30, "10.190.6.0/30");
	get_is(sp, pool, 24, "10.190.7.0/24");
	get_is(sp, pool, 17, "10.190.128.0/17");
	get_is(sp, pool, 17, NULL);
	alloc_space_free(sp);
}

static void
test_overlapping_pools(void **state)
{
	struct alloc_space *sp = alloc_space_new();

	/* one service's pool 10.190.0.0/16, another's 10.0.0.0/8: they
	 * share address space */
	get_is(sp, "10.190.0.0/16", 24, "10.190.0.0/24");
	get_is(sp, "10.0.0.0/8", 9, "10.0.0.0/9");
	get_is(sp, "10.0.0.0/8", 9, NULL);	/* 10.128/9 holds 10.190.0/24 */
	get_is(sp, "10.0.0.0/8", 11, "10.128.0.0/11");
	/* 10.160.0.0/11 holds 10.190.0.0/24 */
	get_is(sp, "10.0.0.0/8", 11, "10.192.0.0/11");
	get_is(sp, "10.0.0.0/8", 11, "10.224.0.0/11");
	get_is(sp, "10.0.0.0/8", 16, "10.160.0.0/16");
	get_is(sp, "10.0.0.0/8", 16, "10.161.0.0/16");
	get_is(sp, "10.0.0.0/8", 12, NULL);	/* 10.176/12 holds it too */
	get_is(sp, "10.0.0.0/8", 15, "10.162.0.0/15");
	/* and the /16 pool sees the /8 pool's blocks */
	get_is(sp, "10.190.0.0/16", 24, "10.190.1.0/24");
	alloc_space_free(sp);
}

static void
test_take_put(void **state)
{
	struct alloc_space *sp = alloc_space_new();
	struct addr b = P("10.1.2.0/24"), in = P("10.1.2.128/25");
	struct addr big = P("10.1.0.0/16"), out;

	assert_int_equal(alloc_space_take(sp, &b), 0);
	assert_int_equal(alloc_space_take(sp, &b), 1);	/* idempotent */
	assert_int_equal(alloc_space_take(sp, &in), -1);	/* inside */
	assert_int_equal(alloc_space_take(sp, &big), -1);	/* around */
	assert_true(alloc_space_used(sp, &big));
	assert_true(alloc_space_used(sp, &in));
	assert_false(alloc_space_used(sp, &(struct addr){ .family = ADDR_V4,
	    .v = P("10.1.3.0/24").v, .plen = 24 }));
	assert_int_equal(alloc_space_put(sp, &in), -1);	/* not held */
	assert_int_equal(alloc_space_put(sp, &big), -1);
	assert_int_equal(alloc_space_put(sp, &b), 0);
	assert_int_equal(alloc_space_put(sp, &b), -1);	/* idempotent */
	assert_false(alloc_space_used(sp, &big));
	assert_int_equal(alloc_space_nodes(sp), 0);	/* pruned */
	assert_int_equal(alloc_space_take(sp, &big), 0);
	assert_int_equal(alloc_space_get(sp, &big, 24, ALL, &out), -1);
	alloc_space_free(sp);
}

static void
test_release_reuse(void **state)
{
	struct alloc_space *sp = alloc_space_new();
	const char *pool = "10.190.0.0/16";
	struct addr b1 = P("10.190.1.0/24");

	get_is(sp, pool, 24, "10.190.0.0/24");
	get_is(sp, pool, 24, "10.190.1.0/24");
	get_is(sp, pool, 24, "10.190.2.0/24");
	assert_int_equal(alloc_space_put(sp, &b1), 0);
	get_is(sp, pool, 25, "10.190.1.0/25");	/* lowest free again */
	get_is(sp, pool, 24, "10.190.3.0/24");
	get_is(sp, pool, 25, "10.190.1.128/25");
	alloc_space_free(sp);
}

static void
test_mark_and_bounds(void **state)
{
	struct alloc_space *sp = alloc_space_new();
	struct addr net = P("172.20.0.0/24"), out;
	u128 lo, hi;
	const char *want[] = { "172.20.0.2", "172.20.0.3", "172.20.0.4",
	    "172.20.0.10", "172.20.0.11" };
	size_t i;

	alloc_space_mark(sp, ADDR_V4, H("172.20.0.1").v, H("172.20.0.1").v);
	alloc_space_mark(sp, ADDR_V4, H("172.20.0.5").v, H("172.20.0.9").v);
	alloc_host_range(&net, &lo, &hi);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(alloc_space_get(sp, &net, 32, lo, hi, &out),
		    0);
		assert_string_equal(FH(&out), want[i]);
	}
	/* from a starting point */
	assert_int_equal(alloc_space_find(sp, &net, 32, H("172.20.0.100").v,
	    hi, &out), 0);
	assert_string_equal(FH(&out), "172.20.0.100");
	/* a marked region cannot be put back piecewise */
	assert_int_equal(alloc_space_put(sp, &(struct addr){ .family =
	    ADDR_V4, .v = H("172.20.0.6").v, .plen = 32 }), -1);
	/* fill the rest; .255 (broadcast) is never handed out */
	while (alloc_space_get(sp, &net, 32, lo, hi, &out) == 0)
		assert_true(out.v <= H("172.20.0.254").v);
	assert_string_equal(FH(&out), "172.20.0.254");
	alloc_space_free(sp);
}

static void
test_mark_merges(void **state)
{
	struct alloc_space *sp = alloc_space_new();
	struct addr a = P("10.0.0.0/30"), big = P("10.0.0.0/24"), out;

	assert_int_equal(alloc_space_take(sp, &a), 0);
	alloc_space_mark(sp, ADDR_V4, H("10.0.0.0").v, H("10.0.0.255").v);
	assert_int_equal(alloc_space_nodes(sp), 24);	/* the path only */
	assert_int_equal(alloc_space_get(sp, &big, 32, ALL, &out), -1);
	/* marking a range that is not a prefix: 10.0.1.3 - 10.0.1.12 */
	alloc_space_mark(sp, ADDR_V4, H("10.0.1.3").v, H("10.0.1.12").v);
	assert_int_equal(alloc_space_get(sp, &(struct addr){ .family =
	    ADDR_V4, .v = H("10.0.1.0").v, .plen = 24 }, 32, ALL, &out), 0);
	assert_string_equal(FH(&out), "10.0.1.0");
	assert_int_equal(alloc_space_get(sp, &(struct addr){ .family =
	    ADDR_V4, .v = H("10.0.1.0").v, .plen = 28 }, 30, ALL, &out), -1);
	assert_int_equal(alloc_space_get(sp, &(struct addr){ .family =
	    ADDR_V4, .v = H("10.0.1.0").v, .plen = 24 }, 31, ALL, &out), 0);
	assert_string_equal(F(&out), "10.0.1.14/31");
	alloc_space_free(sp);
}

static void
test_ipv6(void **state)
{
	struct alloc_space *sp = alloc_space_new();

	get_is(sp, "fd00:190::/48", 64, "fd00:190::/64");
	get_is(sp, "fd00:190::/48", 64, "fd00:190:0:1::/64");
	get_is(sp, "fd00:190::/48", 63, "fd00:190:0:2::/63");
	get_is(sp, "fd00:190::/48", 64, "fd00:190:0:4::/64");
	/* IPv4 and IPv6 are separate tries */
	get_is(sp, "0.0.0.0/0", 1, "0.0.0.0/1");
	get_is(sp, "::/0", 1, "::/1");
	get_is(sp, "::/0", 1, NULL);	/* 8000::/1 holds fd00:190:: */
	get_is(sp, "::/0", 128, "8000::/128");
	get_is(sp, "::/0", 2, NULL);
	get_is(sp, "::/0", 4, "9000::/4");
	alloc_space_free(sp);
}

static void
test_ipv6_top_and_edges(void **state)
{
	struct alloc_space *sp = alloc_space_new();
	struct addr top = P("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126");
	struct addr out;
	u128 lo, hi;

	/* the very last addresses of the space: no overflow */
	assert_int_equal(alloc_space_get(sp, &top, 127, ALL, &out), 0);
	assert_string_equal(F(&out),
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/127");
	assert_int_equal(alloc_space_get(sp, &top, 128, ALL, &out), 0);
	assert_string_equal(F(&out),
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128");
	assert_int_equal(alloc_space_get(sp, &top, 128, ALL, &out), 0);
	assert_string_equal(F(&out),
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	assert_int_equal(alloc_space_get(sp, &top, 128, ALL, &out), -1);
	/* bounds near the top */
	alloc_space_free(sp);
	sp = alloc_space_new();
	alloc_host_range(&top, &lo, &hi);
	assert_string_equal(FH(&(struct addr){ .family = ADDR_V6, .v = lo,
	    .plen = 128 }), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd");
	assert_true(hi == ~(u128)0);
	assert_int_equal(alloc_space_get(sp, &top, 128, lo, hi, &out), 0);
	assert_true(out.v == lo);
	alloc_space_mark(sp, ADDR_V6, 0, ~(u128)0);
	assert_int_equal(alloc_space_get(sp, &top, 128, lo, hi, &out), -1);
	alloc_space_free(sp);
}

static void
test_host_range(void **state)
{
	static const struct {
		const char	*net, *lo, *hi;
	} t[] = {
		{ "192.168.0.0/24", "192.168.0.1", "192.168.0.254" },
		{ "192.168.0.0/30", "192.168.0.1", "192.168.0.2" },
		{ "192.168.0.4/31", "192.168.0.4", "192.168.0.5" },
		{ "192.168.0.7/32", "192.168.0.7", "192.168.0.7" },
		{ "fd00::/64", "fd00::1", "fd00::ffff:ffff:ffff:ffff" },
		{ "fd00::/127", "fd00::", "fd00::1" },
		{ "fd00::5/128", "fd00::5", "fd00::5" },
	};
	struct addr n, a;
	u128 lo, hi;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		n = P(t[i].net);
		alloc_host_range(&n, &lo, &hi);
		a = addr_make(n.family, lo, (uint8_t)addr_bits(&n));
		assert_string_equal(FH(&a), t[i].lo);
		a.v = hi;
		assert_string_equal(FH(&a), t[i].hi);
	}
}

static void
test_lan_layout(void **state)
{
	static const struct {
		const char	*tmpl;		/* gives H */
		const char	*blk;
		unsigned	 ifplen;
		const char	*addr, *start, *end;	/* start NULL: no pool */
	} t[] = {
		/* edgenetc-input(5), "Allocation" example */
		{ "10.190.0.1/24", "10.190.0.0/24", 16, "10.190.0.1/16",
		  "10.190.0.2", "10.190.0.254" },
		{ "10.190.0.1/24", "10.190.1.0/24", 16, "10.190.1.1/16",
		  "10.190.1.2", "10.190.1.254" },
		/* H = 0: B + 1 */
		{ "10.190.0.0/24", "10.190.7.0/24", 16, "10.190.7.1/16",
		  "10.190.7.2", "10.190.7.254" },
		/* a non-zero host part is kept in every block (alignment is
		 * by the prefix, never by the written address) */
		{ "10.190.0.100/24", "10.190.3.0/24", 16, "10.190.3.100/16",
		  "10.190.3.101", "10.190.3.254" },
		{ "10.190.0.133/25", "10.190.3.128/25", 16, "10.190.3.133/16",
		  "10.190.3.134", "10.190.3.254" },
		/* /30: one pool address */
		{ "10.0.0.0/30", "10.0.0.4/30", 24, "10.0.0.5/24", "10.0.0.6",
		  "10.0.0.6" },
		/* /31 and /32: no pool */
		{ "10.0.0.0/31", "10.0.0.2/31", 24, "10.0.0.3/24", NULL, NULL },
		{ "10.0.0.0/32", "10.0.0.9/32", 24, "10.0.0.9/24", NULL, NULL },
		/* the last usable is the interface: no pool */
		{ "10.0.0.254/24", "10.0.5.0/24", 16, "10.0.5.254/16", NULL,
		  NULL },
		/* IPv6 by the same rule */
		{ "fd00:190::1/64", "fd00:190:0:5::/64", 48,
		  "fd00:190:0:5::1/48", "fd00:190:0:5::2",
		  "fd00:190:0:5:ffff:ffff:ffff:fffe" },
		{ "fd00::/127", "fd00::2/127", 64, "fd00::3/64", NULL, NULL },
		{ "fd00::/128", "fd00::7/128", 64, "fd00::7/64", NULL, NULL },
	};
	struct addr tm, b, ifa, st, en;
	bool has;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		tm = P(t[i].tmpl);
		b = P(t[i].blk);
		alloc_lan_layout(&b, addr_hostpart(&tm), (uint8_t)t[i].ifplen,
		    &ifa, &has, &st, &en);
		assert_string_equal(F(&ifa), t[i].addr);
		if (t[i].start == NULL) {
			assert_false(has);
			continue;
		}
		assert_true(has);
		assert_string_equal(FH(&st), t[i].start);
		assert_string_equal(FH(&en), t[i].end);
	}
}

static void
test_u128_str(void **state)
{
	char buf[48];

	assert_string_equal(alloc_u128_str(0, buf, sizeof(buf)), "0");
	assert_string_equal(alloc_u128_str(256, buf, sizeof(buf)), "256");
	assert_string_equal(alloc_u128_str(~(u128)0, buf, sizeof(buf)),
	    "340282366920938463463374607431768211455");
}

/*
 * Randomized: a /20 pool (4096 addresses) against a brute-force bitmap.
 * For each request the expected answer is the lowest aligned block with
 * every address free.
 */
static int
brute_lowest(const unsigned char *used, unsigned n, unsigned size)
{
	unsigned b, i;

	for (b = 0; b + size <= n; b += size) {
		for (i = 0; i < size && !used[b + i]; i++)
			;
		if (i == size)
			return (int)b;
	}
	return -1;
}

/* The lowest aligned free block of size at or after from, or -1. */
static int
brute_from(const unsigned char *used, unsigned n, unsigned size,
    unsigned from)
{
	unsigned b = (from + size - 1) & ~(size - 1), i;

	for (; b + size <= n; b += size) {
		for (i = 0; i < size && !used[b + i]; i++)
			;
		if (i == size)
			return (int)b;
	}
	return -1;
}

static void
test_random_vs_brute(void **state)
{
	enum { N = 4096, OPS = 20000 };
	struct alloc_space *sp = alloc_space_new();
	unsigned char *used = calloc(N, 1);
	struct addr pool = P("10.64.0.0/20"), held[N], out;
	unsigned n_held = 0, size, plen, i, k, op;
	u128 base = addr_network(&pool);
	int want, r;

	srand(12345);
	for (op = 0; op < OPS; op++) {
		if (n_held > 0 && rand() % 3 == 0) {
			k = (unsigned)rand() % n_held;
			assert_int_equal(alloc_space_put(sp, &held[k]), 0);
			size = (unsigned)addr_size(&held[k]);
			for (i = 0; i < size; i++)
				used[(unsigned)(held[k].v - base) + i] = 0;
			held[k] = held[--n_held];
			continue;
		}
		plen = 22 + (unsigned)rand() % 11;	/* /22 .. /32 */
		size = 1u << (32 - plen);
		want = brute_lowest(used, N, size);
		r = alloc_space_get(sp, &pool, plen, ALL, &out);
		if (want < 0) {
			assert_int_equal(r, -1);
			continue;
		}
		assert_int_equal(r, 0);
		assert_int_equal((int)(out.v - base), want);
		for (i = 0; i < size; i++)
			used[want + i] = 1;
		held[n_held++] = out;
	}
	free(used);
	alloc_space_free(sp);
}

/*
 * Runs of one size (the finger path of alloc_space_get) interleaved with
 * exact takes, marks, other sizes and other pools, against the bitmap.
 */
static void
test_random_runs(void **state)
{
	enum { N = 4096, OPS = 30000 };
	struct alloc_space *sp = alloc_space_new();
	unsigned char *used = calloc(N, 1);
	struct addr pool = P("10.64.0.0/20"), sub = P("10.64.8.0/21"), out;
	struct addr *pl;
	unsigned size, plen = 28, i, op, off, lo, next = 0;
	u128 base = addr_network(&pool);
	int want, r;

	srand(777);
	for (op = 0; op < OPS; op++) {
		r = rand() % 100;
		if (r < 3) {
			plen = 24 + (unsigned)rand() % 9;	/* new run */
			continue;
		}
		size = 1u << (32 - plen);
		if (r < 8) {
			/* an exact take anywhere, if free */
			off = ((unsigned)rand() % N) & ~(size - 1);
			for (i = 0; i < size && !used[off + i]; i++)
				;
			out = addr_make(ADDR_V4, base + off, (uint8_t)plen);
			r = alloc_space_take(sp, &out);
			/* 1 (held exactly) or -1 (overlap): not taken */
			if (i == size) {
				assert_int_equal(r, 0);
				memset(used + off, 1, size);
			} else {
				assert_int_not_equal(r, 0);
			}
			continue;
		}
		if (r < 9) {
			/* a marked range */
			off = (unsigned)rand() % N;
			i = off + (unsigned)rand() % 40;
			if (i >= N)
				i = N - 1;
			alloc_space_mark(sp, ADDR_V4, base + off, base + i);
			memset(used + off, 1, i - off + 1);
			continue;
		}
		/* mostly: the next block of the run, in the pool or the
		 * sub-pool that overlaps it; sometimes from a lower bound:
		 * the end of the last block (a watermark) or anywhere */
		pl = r < 20 ? &sub : &pool;
		off = (unsigned)(addr_network(pl) - base);
		lo = 0;
		if (r >= 60 && r < 85)
			lo = next;
		else if (r >= 85)
			lo = (unsigned)rand() % (unsigned)addr_size(pl);
		if (lo >= addr_size(pl))
			lo = 0;
		want = brute_from(used + off, (unsigned)addr_size(pl), size,
		    lo);
		r = alloc_space_get(sp, pl, plen, base + off + lo, ~(u128)0,
		    &out);
		next = 0;
		if (r == 0)
			next = (unsigned)(out.v - base) - off + size;
		if (want < 0) {
			assert_int_equal(r, -1);
			continue;
		}
		assert_int_equal(r, 0);
		assert_int_equal((int)(out.v - base), want + (int)off);
		memset(used + off + want, 1, size);
	}
	free(used);
	alloc_space_free(sp);
}

/* Sparse and proportional: a /8 into /30s and an IPv6 /32 into /64s. */
static void
test_sparse_memory(void **state)
{
	enum { N = 200000 };
	struct alloc_space *sp = alloc_space_new();
	struct addr p4 = P("10.0.0.0/8"), p6 = P("2001:db8::/32"), out;
	int i;

	for (i = 0; i < N; i++)
		assert_int_equal(alloc_space_get(sp, &p4, 30, ALL, &out), 0);
	assert_string_equal(F(&out), "10.12.52.252/30");	/* 4 * 199999 */
	for (i = 0; i < N; i++)
		assert_int_equal(alloc_space_get(sp, &p6, 64, ALL, &out), 0);
	assert_string_equal(F(&out), "2001:db8:3:d3f::/64");
	/* about one node per block, 12 bytes each, plus growth slack */
	assert_true(alloc_space_nodes(sp) < (size_t)N * 2 + 200);
	assert_true(alloc_space_bytes(sp) / (2 * N) <= 24);
	alloc_space_free(sp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_sequence),
		cmocka_unit_test(test_pool_one_block),
		cmocka_unit_test(test_exhaust_count),
		cmocka_unit_test(test_mixed_sizes),
		cmocka_unit_test(test_overlapping_pools),
		cmocka_unit_test(test_take_put),
		cmocka_unit_test(test_release_reuse),
		cmocka_unit_test(test_mark_and_bounds),
		cmocka_unit_test(test_mark_merges),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_top_and_edges),
		cmocka_unit_test(test_host_range),
		cmocka_unit_test(test_lan_layout),
		cmocka_unit_test(test_u128_str),
		cmocka_unit_test(test_random_vs_brute),
		cmocka_unit_test(test_random_runs),
		cmocka_unit_test(test_sparse_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
