/*
 * alloc.c - the pure, in-memory, sparse allocator (alloc.h).
 *
 * Each family of a space is a binary trie over the address bits.  A slot
 * (the root, or a node's child) is one of
 *
 *   SLOT_EMPTY   nothing held below: the whole aligned block is free,
 *   SLOT_FULL    the whole aligned block is held (a taken block, or a
 *                marked region),
 *   an index     a node: part of the block is held.
 *
 * A node stores the largest order (log2 of the size) of a free aligned
 * block in its subtree, so a search never enters a subtree that cannot
 * satisfy it, and the lowest free block is found by going left first.
 * Held blocks are SLOT_FULL slots, not nodes: a dense run of n blocks
 * costs about n nodes of 12 bytes.  Nodes live in one array addressed by
 * 32-bit indices; index 0 is never used, so 0 can mean "empty".
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "xalloc.h"

#define SLOT_EMPTY	0u
#define SLOT_FULL	UINT32_MAX
#define MF_NONE		0xff	/* no free block in the subtree */
#define MAX_DEPTH	129	/* slots on a root-to-leaf path, IPv6 */

struct anode {
	uint32_t	kid[2];
	uint8_t		maxfree;	/* largest free aligned order, or MF_NONE */
};

struct alloc_space {
	struct anode	*nv;
	uint32_t	 n;		/* next never-used index */
	uint32_t	 cap;
	uint32_t	 freelist;	/* released nodes, chained by kid[0] */
	uint32_t	 n_free;
	uint32_t	 root[2];	/* IPv4, IPv6 */
};

/* A path from the root: the node at depth i is path[i]. */
struct apath {
	uint32_t	 v[MAX_DEPTH];
	unsigned	 n;
};

static unsigned
space_bits(uint8_t family)
{
	return family == ADDR_V6 ? 128 : 32;
}

static unsigned
space_fi(uint8_t family)
{
	return family == ADDR_V6 ? 1 : 0;
}

/* 2^o - 1, for o in 0..128. */
static u128
lowmask(unsigned o)
{
	return o >= 128 ? ~(u128)0 : ((u128)1 << o) - 1;
}

static unsigned
bit_at(u128 v, unsigned bits, unsigned depth)
{
	return (unsigned)(v >> (bits - 1 - depth)) & 1;
}

struct alloc_space *
alloc_space_new(void)
{
	struct alloc_space *sp = xzalloc(sizeof(*sp));

	sp->n = 1;
	return sp;
}

void
alloc_space_free(struct alloc_space *sp)
{
	if (sp == NULL)
		return;
	free(sp->nv);
	free(sp);
}

size_t
alloc_space_bytes(const struct alloc_space *sp)
{
	return sizeof(*sp) + (size_t)sp->cap * sizeof(struct anode);
}

size_t
alloc_space_nodes(const struct alloc_space *sp)
{
	return (size_t)(sp->n - 1 - sp->n_free);
}

/* Makes sure k nodes can be made without moving the array. */
static void
space_reserve(struct alloc_space *sp, unsigned k)
{
	size_t want = (size_t)sp->n + k, cap;

	if ((size_t)sp->n_free >= k || want <= sp->cap)
		return;
	/* grow by half: the benchmark counts capacity, not use */
	cap = sp->cap < 1024 ? 1024 : (size_t)sp->cap + sp->cap / 2;
	if (cap < want)
		cap = want;
	if (cap > SLOT_FULL - 1)
		abort();	/* 4 billion nodes: far past any fleet */
	sp->nv = xrealloc(sp->nv, cap * sizeof(*sp->nv));
	sp->cap = (uint32_t)cap;
}

static uint32_t
node_new(struct alloc_space *sp)
{
	uint32_t i;

	if (sp->freelist != 0) {
		i = sp->freelist;
		sp->freelist = sp->nv[i].kid[0];
		sp->n_free--;
	} else {
		i = sp->n++;
	}
	sp->nv[i].kid[0] = sp->nv[i].kid[1] = SLOT_EMPTY;
	sp->nv[i].maxfree = MF_NONE;
	return i;
}

static void
node_release(struct alloc_space *sp, uint32_t i)
{
	sp->nv[i].kid[0] = sp->freelist;
	sp->freelist = i;
	sp->n_free++;
}

static void
subtree_release(struct alloc_space *sp, uint32_t s)
{
	if (s == SLOT_EMPTY || s == SLOT_FULL)
		return;
	subtree_release(sp, sp->nv[s].kid[0]);
	subtree_release(sp, sp->nv[s].kid[1]);
	node_release(sp, s);
}

/* Largest free order in slot s whose block has order o; -1 for none. */
static int
slot_mf(const struct alloc_space *sp, uint32_t s, unsigned o)
{
	if (s == SLOT_EMPTY)
		return (int)o;
	if (s == SLOT_FULL)
		return -1;
	return sp->nv[s].maxfree == MF_NONE ? -1 : sp->nv[s].maxfree;
}

/* Recomputes node i of order o; returns true when its value changed. */
static bool
node_fix(struct alloc_space *sp, uint32_t i, unsigned o)
{
	int a = slot_mf(sp, sp->nv[i].kid[0], o - 1);
	int b = slot_mf(sp, sp->nv[i].kid[1], o - 1);
	int m = a > b ? a : b;
	uint8_t v = m < 0 ? MF_NONE : (uint8_t)m;

	if (sp->nv[i].maxfree == v)
		return false;
	sp->nv[i].maxfree = v;
	return true;
}

/* The slot at depth p->n on the path of v: the root or a node's kid. */
static uint32_t *
path_slot(struct alloc_space *sp, unsigned fi, const struct apath *p,
    u128 v, unsigned bits)
{
	if (p->n == 0)
		return &sp->root[fi];
	return &sp->nv[p->v[p->n - 1]].kid[bit_at(v, bits, p->n - 1)];
}

/* Fixes the nodes of p bottom-up, from the deepest; stops early when a
 * node did not change, unless it is at depth >= fresh (just made). */
static void
path_fix(struct alloc_space *sp, const struct apath *p, unsigned bits,
    unsigned fresh)
{
	unsigned i = p->n;

	while (i-- > 0)
		if (!node_fix(sp, p->v[i], bits - i) && i < fresh)
			break;
}

/*
 * Walks from the root towards blk, making nodes where the path is empty,
 * down to the slot of blk itself.  Stops early at a full slot above blk.
 * Returns the slot of depth p->n (== blk's plen unless stopped early);
 * *fresh is the depth of the first node made.
 */
static uint32_t *
space_walk_make(struct alloc_space *sp, const struct addr *blk,
    struct apath *p, unsigned *fresh)
{
	unsigned bits = space_bits(blk->family), fi = space_fi(blk->family);
	u128 v = addr_network(blk);
	uint32_t *slot = &sp->root[fi];

	space_reserve(sp, blk->plen + 1);
	p->n = 0;
	*fresh = MAX_DEPTH;
	while (p->n < blk->plen) {
		if (*slot == SLOT_FULL)
			return slot;
		if (*slot == SLOT_EMPTY) {
			if (*fresh == MAX_DEPTH)
				*fresh = p->n;
			*slot = node_new(sp);
		}
		p->v[p->n++] = *slot;
		slot = path_slot(sp, fi, p, v, bits);
	}
	return slot;
}

/* Frees the empty nodes made by a walk that did not end in a change. */
static void
space_unmake(struct alloc_space *sp, const struct addr *blk, struct apath *p,
    unsigned fresh)
{
	unsigned bits = space_bits(blk->family), fi = space_fi(blk->family);
	u128 v = addr_network(blk);

	while (p->n > fresh) {
		node_release(sp, p->v[p->n - 1]);
		p->n--;
		*path_slot(sp, fi, p, v, bits) = SLOT_EMPTY;
	}
}

int
alloc_space_take(struct alloc_space *sp, const struct addr *blk)
{
	unsigned bits = space_bits(blk->family), fresh;
	struct apath p;
	uint32_t *slot;

	slot = space_walk_make(sp, blk, &p, &fresh);
	if (p.n < blk->plen || *slot != SLOT_EMPTY) {
		int r = (p.n == blk->plen && *slot == SLOT_FULL) ? 1 : -1;

		space_unmake(sp, blk, &p, fresh);
		return r;
	}
	*slot = SLOT_FULL;
	path_fix(sp, &p, bits, fresh);
	return 0;
}

void
alloc_space_mark_block(struct alloc_space *sp, const struct addr *blk)
{
	unsigned bits = space_bits(blk->family), fresh;
	struct apath p;
	uint32_t *slot;

	slot = space_walk_make(sp, blk, &p, &fresh);
	if (p.n < blk->plen || *slot == SLOT_FULL) {
		space_unmake(sp, blk, &p, fresh);
		return;
	}
	subtree_release(sp, *slot);
	*slot = SLOT_FULL;
	path_fix(sp, &p, bits, fresh);
}

static unsigned
u128_ctz(u128 v, unsigned bits)
{
	unsigned k = 0;

	if (v == 0)
		return bits;
	while ((v & 1) == 0) {
		v >>= 1;
		k++;
	}
	return k;
}

void
alloc_space_mark(struct alloc_space *sp, uint8_t family, u128 lo, u128 hi)
{
	unsigned bits = space_bits(family), k;
	struct addr b;

	if (lo > hi)
		return;
	for (;;) {
		/* the largest aligned block starting at lo that ends <= hi */
		k = u128_ctz(lo, bits);
		while (k > 0 && hi - lo < lowmask(k))
			k--;
		b = addr_make(family, lo, (uint8_t)(bits - k));
		alloc_space_mark_block(sp, &b);
		if (hi - lo <= lowmask(k))
			break;
		lo += lowmask(k) + 1;
	}
}

int
alloc_space_put(struct alloc_space *sp, const struct addr *blk)
{
	unsigned bits = space_bits(blk->family), fi = space_fi(blk->family);
	u128 v = addr_network(blk);
	struct apath p;
	uint32_t *slot = &sp->root[fi], i;

	p.n = 0;
	while (p.n < blk->plen) {
		if (*slot == SLOT_EMPTY || *slot == SLOT_FULL)
			return -1;
		p.v[p.n++] = *slot;
		slot = path_slot(sp, fi, &p, v, bits);
	}
	if (*slot != SLOT_FULL)
		return -1;
	*slot = SLOT_EMPTY;
	/* prune nodes left with nothing below, then fix the rest */
	while (p.n > 0) {
		i = p.v[p.n - 1];
		if (sp->nv[i].kid[0] != SLOT_EMPTY ||
		    sp->nv[i].kid[1] != SLOT_EMPTY)
			break;
		node_release(sp, i);
		p.n--;
		*path_slot(sp, fi, &p, v, bits) = SLOT_EMPTY;
	}
	path_fix(sp, &p, bits, 0);
	return 0;
}

bool
alloc_space_used(const struct alloc_space *sp, const struct addr *blk)
{
	unsigned bits = space_bits(blk->family), d;
	u128 v = addr_network(blk);
	uint32_t s = sp->root[space_fi(blk->family)];

	for (d = 0; d < blk->plen; d++) {
		if (s == SLOT_EMPTY || s == SLOT_FULL)
			break;
		s = sp->nv[s].kid[bit_at(v, bits, d)];
	}
	return s != SLOT_EMPTY;
}

struct find_ctx {
	const struct alloc_space *sp;
	unsigned	 k;		/* wanted order */
	u128		 from, to;
	u128		 out;
};

/*
 * Lowest free aligned block of order c->k inside slot s (block base/o)
 * and inside [from, to].  Subtrees entirely inside the bounds are
 * decided by their maxfree alone, so only the two boundary paths can
 * make the search back up: O(bits).
 */
static bool
space_find_rec(struct find_ctx *c, uint32_t s, u128 base, unsigned o)
{
	u128 end = base | lowmask(o), lo, hi, m, cand;

	if (end < c->from || base > c->to || s == SLOT_FULL)
		return false;
	if (s == SLOT_EMPTY) {
		lo = base > c->from ? base : c->from;
		hi = end < c->to ? end : c->to;
		m = lowmask(c->k);
		cand = (lo + m) & ~m;
		if (cand < lo || cand > hi || hi - cand < m)
			return false;
		c->out = cand;
		return true;
	}
	if (c->sp->nv[s].maxfree == MF_NONE || c->sp->nv[s].maxfree < c->k)
		return false;
	return space_find_rec(c, c->sp->nv[s].kid[0], base, o - 1) ||
	    space_find_rec(c, c->sp->nv[s].kid[1],
	    base | ((u128)1 << (o - 1)), o - 1);
}

int
alloc_space_find(const struct alloc_space *sp, const struct addr *pool,
    unsigned plen, u128 from, u128 to, struct addr *out)
{
	unsigned bits = space_bits(pool->family);
	struct find_ctx c;
	u128 plo = addr_network(pool), phi = addr_last(pool);

	if (plen < pool->plen || plen > bits)
		return -1;
	c.sp = sp;
	c.k = bits - plen;
	c.from = from > plo ? from : plo;
	c.to = to < phi ? to : phi;
	if (c.from > c.to)
		return -1;
	if (!space_find_rec(&c, sp->root[space_fi(pool->family)], 0, bits))
		return -1;
	*out = addr_make(pool->family, c.out, (uint8_t)plen);
	return 0;
}

int
alloc_space_get(struct alloc_space *sp, const struct addr *pool,
    unsigned plen, u128 from, u128 to, struct addr *out)
{
	if (alloc_space_find(sp, pool, plen, from, to, out) != 0)
		return -1;
	if (alloc_space_take(sp, out) != 0)
		abort();	/* find said it was free */
	return 0;
}

/*
 * Pure rules
 */

void
alloc_host_range(const struct addr *net, u128 *lo, u128 *hi)
{
	u128 n = addr_network(net), last = addr_last(net);
	unsigned bits = addr_bits(net);

	if (net->plen >= bits - 1) {
		*lo = n;
		*hi = last;
	} else {
		*lo = n + 1;
		*hi = net->family == ADDR_V4 ? last - 1 : last;
	}
}

void
alloc_lan_layout(const struct addr *blk, u128 hoff, uint8_t ifplen,
    struct addr *ifaddr, bool *has_pool, struct addr *start,
    struct addr *end)
{
	unsigned bits = addr_bits(blk);
	u128 n = addr_network(blk), last = addr_last(blk), ifv;

	if (hoff != 0)
		ifv = n + hoff;
	else
		ifv = last > n ? n + 1 : n;
	*ifaddr = addr_make(blk->family, ifv, ifplen);
	/* pool: ifv + 1 .. last - 1 (= blk + size - 2) */
	*has_pool = last - n >= 3 && ifv + 1 <= last - 1;
	if (*has_pool) {
		*start = addr_make(blk->family, ifv + 1, (uint8_t)bits);
		*end = addr_make(blk->family, last - 1, (uint8_t)bits);
	} else {
		memset(start, 0, sizeof(*start));
		memset(end, 0, sizeof(*end));
	}
}

char *
alloc_u128_str(u128 v, char *buf, size_t len)
{
	char tmp[48];
	size_t i = sizeof(tmp);

	tmp[--i] = '\0';
	do {
		tmp[--i] = (char)('0' + (unsigned)(v % 10));
		v /= 10;
	} while (v != 0);
	if (len > 0) {
		strncpy(buf, tmp + i, len - 1);
		buf[len - 1] = '\0';
	}
	return buf;
}
