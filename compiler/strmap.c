/*
 * strmap.c - open-addressing (linear probing) string -> pointer map.
 */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

/* FNV-1a, 64 bit: short keys (names), good enough spread, no state. */
static uint64_t
strmap_hash(const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	return h;
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
}

void
strmap_fini(struct strmap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static struct strmap_ent *
strmap_slot(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;
	struct strmap_ent *e;

	for (;;) {
		e = &m->v[i];
		if (e->key == NULL)
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
		if (old[i].key == NULL)
			continue;
		e = strmap_slot(m, old[i].key, old[i].len, old[i].hash);
		*e = old[i];
	}
	free(old);
}

void *
strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (m->cap == 0 || key == NULL)
		return NULL;
	return strmap_slot(m, key, len, strmap_hash(key, len))->val;
}

void *
strmap_put(struct strmap *m, const char *key, size_t len, void *val)
{
	struct strmap_ent *e;
	uint64_t h = strmap_hash(key, len);

	if (m->cap == 0)
		strmap_init(m, 0);
	e = strmap_slot(m, key, len, h);
	if (e->key != NULL)
		return e->val;
	e->key = key;
	e->len = len;
	e->hash = h;
	e->val = val;
	/* keep the load factor at or under 1/2 */
	if (++m->n * 2 > m->cap)
		strmap_grow(m);
	return NULL;
}
