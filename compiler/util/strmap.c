/*
 * strmap.c - open-addressing (linear probing) string -> pointer map.
 */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

/* FNV-1a, 64 bit, folded to 32: short keys (names), no state. */
static uint32_t
strmap_hash(const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * Keys are compared on their first UINT32_MAX bytes: inputs are far
 * smaller (the front-ends refuse such files long before).
 */
static uint32_t
strmap_len(size_t len)
{
	return len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
}

void
strmap_init(struct strmap *m, size_t hint)
{
	size_t cap = 16;

	while (cap < hint * 2)
		cap *= 2;
	m->v = xzalloc(cap * sizeof(*m->v));
	m->cap = cap;
	m->n = 0;
	m->gen = 1;		/* zeroed slots (gen 0) are empty */
}

void
strmap_fini(struct strmap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

void
strmap_clear(struct strmap *m)
{
	m->n = 0;
	if (++m->gen == 0) {
		memset(m->v, 0, m->cap * sizeof(*m->v));
		m->gen = 1;
	}
}

static struct strmap_ent *
strmap_slot(const struct strmap *m, const char *key, uint32_t len,
    uint32_t h)
{
	size_t mask = m->cap - 1, i = h & mask;
	struct strmap_ent *e;

	for (;;) {
		e = &m->v[i];
		if (e->gen != m->gen)
			return e;
		if (e->hash == h && e->len == len &&
		    memcmp(e->key, key, len) == 0)
			return e;
		i = (i + 1) & mask;
	}
}

static void
strmap_grow(struct strmap *m)
{
	struct strmap_ent *old = m->v, *e;
	size_t oldcap = m->cap, i;

	m->cap = oldcap * 2;
	m->v = xzalloc(m->cap * sizeof(*m->v));
	for (i = 0; i < oldcap; i++) {
		if (old[i].gen != m->gen)
			continue;
		e = strmap_slot(m, old[i].key, old[i].len, old[i].hash);
		*e = old[i];
	}
	free(old);
}

void *
strmap_get(const struct strmap *m, const char *key, size_t len)
{
	struct strmap_ent *e;

	if (m->cap == 0 || key == NULL)
		return NULL;
	e = strmap_slot(m, key, strmap_len(len), strmap_hash(key, len));
	return e->gen == m->gen ? e->val : NULL;
}

void *
strmap_put(struct strmap *m, const char *key, size_t len, void *val)
{
	struct strmap_ent *e;
	uint32_t h = strmap_hash(key, len), l = strmap_len(len);

	if (m->cap == 0)
		strmap_init(m, 0);
	e = strmap_slot(m, key, l, h);
	if (e->gen == m->gen)
		return e->val;
	e->key = key;
	e->len = l;
	e->hash = h;
	e->val = val;
	e->gen = m->gen;
	/* keep the load factor at or under 1/2 */
	if (++m->n * 2 > m->cap)
		strmap_grow(m);
	return NULL;
}
