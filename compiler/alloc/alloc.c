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
 * A node stores, for each of its two children, the largest order (log2
 * of the size) of a free aligned block in that child, so a descent reads
 * one node per level and never enters a subtree that cannot satisfy it;
 * the lowest free block is found by going left first.  Held blocks are
 * SLOT_FULL slots, not nodes: a dense run of n blocks costs about n nodes
 * of 12 bytes.  Nodes live in one array addressed by 32-bit indices;
 * index 0 is never used, so 0 can mean "empty".
 *
 * Invariant: a node never has two empty children (it is pruned), and
 * mf[b] always equals the free order of child b (slot_val()).
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "xalloc.h"

#define SLOT_EMPTY	0u
#define SLOT_FULL	UINT32_MAX
#define MF_NONE		0	/* no free block in the subtree */
#define MAX_DEPTH	129	/* slots on a root-to-leaf path, IPv6 */

/* Free orders are stored plus one, so that 0 (MF_NONE) sorts below every
 * order and "can hold order k" is mf > k. */
struct anode {
	uint32_t	kid[2];
	uint8_t		mf[2];	/* 1 + free order of each child, or MF_NONE */
};

/* A path from the root: the node at depth i is v[i], and the path goes
 * on into its child b[i]. */
struct apath {
	uint32_t	 v[MAX_DEPTH];
	uint8_t		 b[MAX_DEPTH];
	unsigned	 n;
};

/*
 * The path of the last block handed out by space_get_fast(), for the
 * next request of the same size in the same pool.  While nothing has
 * been freed since (frees unchanged), no aligned block below it can have
 * become free, so the next lowest free block is found by climbing from
 * it to the first ancestor with room on its right: amortized O(1) levels
 * for a run of requests instead of a descent from the root.
 */
struct finger {
	bool		 valid;
	uint8_t		 family;
	unsigned	 pplen, plen;
	u128		 net;
	u128		 from;		/* the lower bound it was found with */
	uint64_t	 rel;		/* path bits below the pool prefix */
	uint64_t	 frees;
	struct apath	 p;
};

struct alloc_space {
	struct anode	*nv;
	uint32_t	 n;		/* next never-used index */
	uint32_t	 cap;
	uint32_t	 freelist;	/* released nodes, chained by kid[0] */
	uint32_t	 n_free;
	uint32_t	 root[2];	/* IPv4, IPv6 */
	uint64_t	 frees;		/* puts and node releases so far */
	struct finger	 fg;
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

static uint8_t
node_max(const struct alloc_space *sp, uint32_t i)
{
	uint8_t a = sp->nv[i].mf[0], b = sp->nv[i].mf[1];

	return a > b ? a : b;
}

/* 1 + free order of slot s whose block has order o (MF_NONE: none). */
static uint8_t
slot_val(const struct alloc_space *sp, uint32_t s, unsigned o)
{
	if (s == SLOT_EMPTY)
		return (uint8_t)(o + 1);
	if (s == SLOT_FULL)
		return MF_NONE;
	return node_max(sp, s);
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
	/* small spaces are many (one per device: a few addresses each),
	 * so start small and double; past 1024 nodes grow by half (the
	 * benchmark counts capacity, not use) */
	cap = sp->cap == 0 ? 16 : sp->cap < 1024 ? (size_t)sp->cap * 2 :
	    (size_t)sp->cap + sp->cap / 2;
	if (cap < want)
		cap = want;
	if (cap > SLOT_FULL - 1)
		abort();	/* 4 billion nodes: far past any fleet */
	sp->nv = xrealloc(sp->nv, cap * sizeof(*sp->nv));
	sp->cap = (uint32_t)cap;
}

/* A node of order o (both children empty, free order o - 1). */
static uint32_t
node_new(struct alloc_space *sp, unsigned o)
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
	sp->nv[i].mf[0] = sp->nv[i].mf[1] = (uint8_t)o;	/* 1 + (o - 1) */
	return i;
}

static void
node_release(struct alloc_space *sp, uint32_t i)
{
	sp->frees++;
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

/*
 * The child slot of path p's deepest node towards v changed: tells every
 * ancestor, from the bottom, until one's own value does not change.
 * Nodes at depth >= fresh were just made and are always updated.
 */
static void
path_update(struct alloc_space *sp, const struct apath *p, unsigned bits,
    unsigned fresh)
{
	struct anode *nv = sp->nv, *n;
	unsigned i = p->n, b;
	uint8_t before, v;

	while (i-- > 0) {
		n = &nv[p->v[i]];
		b = p->b[i];
		before = n->mf[0] > n->mf[1] ? n->mf[0] : n->mf[1];
		v = slot_val(sp, n->kid[b], bits - i - 1);
		n->mf[b] = v;
		if (i < fresh && (n->mf[0] > n->mf[1] ? n->mf[0] :
		    n->mf[1]) == before)
			break;
	}
}

/* The slot of depth p->n: the root, or a child of the deepest node. */
static uint32_t *
path_slot(struct alloc_space *sp, unsigned fi, const struct apath *p)
{
	if (p->n == 0)
		return &sp->root[fi];
	return &sp->nv[p->v[p->n - 1]].kid[p->b[p->n - 1]];
}

/* Descends one level towards v. */
static uint32_t *
path_push(struct alloc_space *sp, struct apath *p, uint32_t node, u128 v,
    unsigned bits)
{
	unsigned b = bit_at(v, bits, p->n);

	p->v[p->n] = node;
	p->b[p->n++] = (uint8_t)b;
	return &sp->nv[node].kid[b];
}

/*
 * Walks from the root towards blk, making nodes where the path is empty,
 * down to the slot of blk itself.  Stops early at a full slot above blk
 * (then nothing was made).  Returns the slot of depth p->n; *fresh is the
 * depth of the first node made (MAX_DEPTH: none).
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
			*slot = node_new(sp, bits - p->n);
		}
		slot = path_push(sp, p, *slot, v, bits);
	}
	return slot;
}

static int
space_take_path(struct alloc_space *sp, const struct addr *blk,
    struct apath *p)
{
	unsigned bits = space_bits(blk->family), fresh;
	uint32_t *slot;

	slot = space_walk_make(sp, blk, p, &fresh);
	/* nodes are made only below an empty slot: a failure made none */
	if (p->n < blk->plen)
		return -1;
	if (*slot == SLOT_FULL)
		return 1;
	if (*slot != SLOT_EMPTY)
		return -1;
	*slot = SLOT_FULL;
	path_update(sp, p, bits, fresh);
	return 0;
}

int
alloc_space_take(struct alloc_space *sp, const struct addr *blk)
{
	struct apath p;

	return space_take_path(sp, blk, &p);
}

void
alloc_space_mark_block(struct alloc_space *sp, const struct addr *blk)
{
	unsigned bits = space_bits(blk->family), fresh;
	struct apath p;
	uint32_t *slot;

	slot = space_walk_make(sp, blk, &p, &fresh);
	if (p.n < blk->plen || *slot == SLOT_FULL)
		return;
	subtree_release(sp, *slot);
	*slot = SLOT_FULL;
	path_update(sp, &p, bits, fresh);
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
		slot = path_push(sp, &p, *slot, v, bits);
	}
	if (*slot != SLOT_FULL)
		return -1;
	*slot = SLOT_EMPTY;
	sp->frees++;
	/* prune nodes left with nothing below, then update the rest */
	while (p.n > 0) {
		i = p.v[p.n - 1];
		if (sp->nv[i].kid[0] != SLOT_EMPTY ||
		    sp->nv[i].kid[1] != SLOT_EMPTY)
			break;
		node_release(sp, i);
		p.n--;
		*path_slot(sp, fi, &p) = SLOT_EMPTY;
	}
	path_update(sp, &p, bits, 0);
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
 * decided by their free order alone, so only the two boundary paths can
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
	if (node_max(c->sp, s) <= c->k)
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

/*
 * The finger can answer a request for /plen blocks of this pool with
 * lower bound from: nothing was freed since, and the lowest free block
 * at or after from cannot lie before the finger's block (from is not
 * below the bound the finger was found with, nor past its block).
 */
static bool
finger_ok(const struct alloc_space *sp, uint8_t family, u128 net,
    unsigned pplen, unsigned plen, u128 from)
{
	const struct finger *fg = &sp->fg;
	unsigned k = space_bits(family) - plen;

	return fg->valid && fg->frees == sp->frees && fg->family == family &&
	    fg->plen == plen && fg->pplen == pplen && fg->net == net &&
	    plen > pplen && from >= fg->from &&
	    from <= (net | ((u128)fg->rel << k)) + ((u128)1 << k);
}

/*
 * The whole pool, no bounds: one descent that follows the pool's bits,
 * then goes left whenever the left child can hold the block, takes it,
 * and updates the ancestors on the way back up (usually one or two).
 * A run of requests of one size in one pool starts from the finger
 * instead (struct finger).  Needs pool->plen <= 64 and plen - pool->plen
 * <= 64 (bits kept in 64-bit words: u128 shifts in the loop cost more
 * than the rest of it).
 */
static int
space_get_fast(struct alloc_space *sp, uint8_t family, u128 net,
    unsigned pplen, unsigned plen, u128 from, u128 *out)
{
	unsigned bits = space_bits(family), k = bits - plen, d, b;
	unsigned fresh = MAX_DEPTH;
	uint64_t top = (uint64_t)((net << (128 - bits)) >> 64), rel = 0;
	uint32_t *slot = &sp->root[space_fi(family)], s;
	struct finger *fg = &sp->fg;
	struct apath *p = &fg->p;
	struct anode *nv;
	int i;

	space_reserve(sp, plen + 1);
	nv = sp->nv;	/* cannot move now; a local the stores cannot alias */
	if (finger_ok(sp, family, net, pplen, plen, from)) {
		/* climb to the deepest ancestor in the pool with room on
		 * the right of the last block, then go down from there */
		for (i = (int)plen - 1; i >= (int)pplen; i--)
			if (p->b[i] == 0 && nv[p->v[i]].mf[1] > k)
				break;
		if (i < (int)pplen) {
			fg->valid = false;
			return -1;	/* nothing free after the last block */
		}
		d = (unsigned)i;
		p->b[d] = 1;
		rel = (plen - d >= 64 ? 0 : fg->rel >> (plen - d)) << 1 | 1;
		slot = &nv[p->v[d]].kid[1];
		d++;
		goto inside;
	}
	fg->valid = false;
	if (from > net)
		return -2;	/* bounded: the caller searches */
	/* the pool's own prefix: its bits, from the top */
	for (d = 0; d < pplen; d++) {
		s = *slot;
		if (s == SLOT_EMPTY)
			goto empty;
		if (s == SLOT_FULL || (nv[s].mf[0] <= k && nv[s].mf[1] <= k))
			return -1;
		b = (unsigned)(top >> 63);
		top <<= 1;
		p->v[d] = s;
		p->b[d] = (uint8_t)b;
		slot = &nv[s].kid[b];
	}
	s = *slot;
	if (s == SLOT_FULL || (s != SLOT_EMPTY && node_max(sp, s) <= k))
		return -1;
inside:
	/* inside the pool: left first; the invariant says one side fits */
	for (; d < plen; d++) {
		s = *slot;
		if (s == SLOT_EMPTY)
			goto empty;
		b = nv[s].mf[0] > k ? 0 : 1;
		rel = rel << 1 | b;
		p->v[d] = s;
		p->b[d] = (uint8_t)b;
		slot = &nv[s].kid[b];
	}
	goto take;
empty:
	/* below an empty slot the lowest block is leftmost: the pool's
	 * bits down to its prefix, zeros below */
	fresh = d;
	for (; d < plen; d++) {
		b = 0;
		if (d < pplen) {
			b = (unsigned)(top >> 63);
			top <<= 1;
		} else {
			rel <<= 1;
		}
		s = node_new(sp, bits - d);
		*slot = s;
		p->v[d] = s;
		p->b[d] = (uint8_t)b;
		slot = &nv[s].kid[b];
	}
take:
	p->n = plen;
	if (*slot != SLOT_EMPTY)
		abort();	/* the free orders lied: never hand it out */
	*slot = SLOT_FULL;
	path_update(sp, p, bits, fresh);
	*out = plen == pplen ? net : net | ((u128)rel << k);
	fg->valid = true;
	fg->family = family;
	fg->pplen = pplen;
	fg->plen = plen;
	fg->net = net;
	fg->from = from;
	fg->rel = rel;
	fg->frees = sp->frees;
	return 0;
}

int
alloc_space_get(struct alloc_space *sp, const struct addr *pool,
    unsigned plen, u128 from, u128 to, struct addr *out)
{
	unsigned bits = space_bits(pool->family);
	u128 host = lowmask(bits - pool->plen), net = pool->v & ~host, v;
	bool fits = pool->plen <= 64 && plen - pool->plen <= 64;
	struct finger *fg = &sp->fg;
	int r;

	if (plen < pool->plen || plen > bits)
		return -1;
	if (fits && to >= (net | host)) {
		if (from < net)
			from = net;
		r = space_get_fast(sp, pool->family, net, pool->plen, plen,
		    from, &v);
		if (r == 0)
			*out = addr_make(pool->family, v, (uint8_t)plen);
		if (r != -2)
			return r;
	}
	if (alloc_space_find(sp, pool, plen, from, to, out) != 0)
		return -1;
	if (space_take_path(sp, out, &fg->p) != 0)
		abort();	/* find said it was free */
	/* a run of bounded requests goes on from here */
	fg->valid = fits && to >= (net | host) && plen > pool->plen;
	fg->family = pool->family;
	fg->pplen = pool->plen;
	fg->plen = plen;
	fg->net = net;
	fg->from = from;
	fg->rel = plen > pool->plen ?
	    (uint64_t)((out->v - net) >> (bits - plen)) : 0;
	fg->frees = sp->frees;
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
