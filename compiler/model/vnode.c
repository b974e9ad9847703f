/*
 * vnode.c - the generic located value tree (vnode.h), on the heap or in
 * an arena.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VN_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define VN_ASAN 1
#endif
#ifdef VN_ASAN
/*
 * Rewound or unused arena memory is poisoned, so that a pointer kept past
 * a rewind fails under ASan as a freed malloc block would.
 */
#include <sanitizer/asan_interface.h>
#define VN_POISON(p, n)		ASAN_POISON_MEMORY_REGION((p), (n))
#define VN_UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define VN_POISON(p, n)		((void)(p), (void)(n))
#define VN_UNPOISON(p, n)	((void)(p), (void)(n))
#endif

#include "front_int.h"
#include "vnode.h"
#include "xalloc.h"

static const char *const vn_type_names[] = {
	[VN_NULL] = "null",
	[VN_BOOL] = "boolean",
	[VN_INT] = "integer",
	[VN_FLOAT] = "number",
	[VN_STRING] = "string",
	[VN_SCALAR] = "scalar",
	[VN_ENUM] = "enum value",
	[VN_VAR] = "variable",
	[VN_LIST] = "list",
	[VN_OBJECT] = "object",
};

/* ---- arenas ------------------------------------------------------------ */

struct vn_blk {
	struct vn_blk	*next;
	size_t		 used, cap;
	/* the data follows, 8-aligned */
};

struct vnode_arena {
	struct vn_blk	*head, *cur;
	/* nodes whose s is malloc'd (vnode_arena_own) */
	struct vnode	**owned;
	size_t		 n_owned, cap_owned;
};

/* A block's data: 64 KB blocks less malloc's and our headers. */
#define VN_BLK_DATA	(64 * 1024 - 64)
#define VN_ALIGN(n)	(((n) + 7) & ~(size_t)7)

static char *
vn_blk_data(struct vn_blk *b)
{
	return (char *)b + VN_ALIGN(sizeof(*b));
}

/* Frees the malloc'd strings still held by owned nodes. */
static void
vn_owned_free(struct vnode_arena *a)
{
	size_t i;

	for (i = 0; i < a->n_owned; i++)
		free(a->owned[i]->s);
	a->n_owned = 0;
}

void
vnode_arena_own(struct vnode_arena *a, struct vnode *v)
{
	*XPUSH(a->owned, a->n_owned, a->cap_owned) = v;
	v->s_heap = true;
}

struct vnode_arena *
vnode_arena_new(void)
{
	return xzalloc(sizeof(struct vnode_arena));
}

void
vnode_arena_free(struct vnode_arena *a)
{
	struct vn_blk *b, *next;

	if (a == NULL)
		return;
	vn_owned_free(a);
	free(a->owned);
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		VN_UNPOISON(vn_blk_data(b), b->cap);
		free(b);
	}
	free(a);
}

void
vnode_arena_rewind(struct vnode_arena *a)
{
	struct vn_blk *b, *end = a->cur != NULL ? a->cur->next : NULL;

	vn_owned_free(a);
	/* the blocks past cur were poisoned by an earlier rewind */
	for (b = a->head; b != end; b = b->next) {
		VN_POISON(vn_blk_data(b), b->used);
		b->used = 0;
	}
	a->cur = a->head;
}

/* vnode_arena_alloc() when the current block is full: the next one. */
static void *
vn_alloc_slow(struct vnode_arena *a, size_t n)
{
	struct vn_blk *b = a->cur, *nb;
	size_t cap;
	char *p;

	while (b == NULL || b->cap - b->used < n) {
		if (b != NULL && b->next != NULL) {
			/* a block kept by a rewind */
			b = b->next;
			b->used = 0;
			continue;
		}
		cap = n > VN_BLK_DATA ? n : VN_BLK_DATA;
		nb = xmalloc(VN_ALIGN(sizeof(*nb)) + cap);
		nb->next = NULL;
		nb->used = 0;
		nb->cap = cap;
		VN_POISON(vn_blk_data(nb), cap);
		if (b != NULL)
			b->next = nb;
		else
			a->head = nb;
		b = nb;
	}
	a->cur = b;
	p = vn_blk_data(b) + b->used;
	b->used += n;
	VN_UNPOISON(p, n);
	return p;
}

/* Inlined into this file's callers: a bump of the current block. */
static inline void *
vn_alloc(struct vnode_arena *a, size_t n)
{
	struct vn_blk *b = a->cur;
	char *p;

	n = VN_ALIGN(n);
	if (b == NULL || b->cap - b->used < n)
		return vn_alloc_slow(a, n);
	p = vn_blk_data(b) + b->used;
	b->used += n;
	VN_UNPOISON(p, n);
	return p;
}

void *
vnode_arena_alloc(struct vnode_arena *a, size_t n)
{
	return vn_alloc(a, n);
}

char *
vnode_arena_strdup(struct vnode_arena *a, const char *s, size_t len)
{
	char *p = vn_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* A copy of s in arena a, or on the heap without one. */
static char *
vn_strdup(struct vnode_arena *a, const char *s, size_t len)
{
	return a != NULL ? vnode_arena_strdup(a, s, len) : xstrndup(s, len);
}

/* ---- nodes ------------------------------------------------------------- */

/* Returns a new zeroed node; caller frees with vnode_free(). */
struct vnode *
vnode_new(enum vn_type t, const struct loc *l)
{
	return vnode_anew(NULL, t, l);
}

/* Same, with a copy of s[0..len) (NUL-terminated, len kept). */
struct vnode *
vnode_new_str(enum vn_type t, const struct loc *l, const char *s,
    size_t len)
{
	return vnode_anew_str(NULL, t, l, s, len);
}

struct vnode *
vnode_anew(struct vnode_arena *a, enum vn_type t, const struct loc *l)
{
	struct vnode *v;

	if (a == NULL) {
		v = xzalloc(sizeof(*v));
	} else {
		v = vn_alloc(a, sizeof(*v));
		memset(v, 0, sizeof(*v));
		v->arena = a;
	}
	v->type = t;
	if (l != NULL)
		v->loc = *l;
	return v;
}

struct vnode *
vnode_anew_str(struct vnode_arena *a, enum vn_type t, const struct loc *l,
    const char *s, size_t len)
{
	struct vnode *v = vnode_anew(a, t, l);

	if (s == NULL) {
		s = "";
		len = 0;
	}
	v->s = vn_strdup(a, s, len);
	v->len = len;
	return v;
}

struct vnode *
vnode_copy(struct vnode_arena *a, const struct vnode *v)
{
	struct vnode *c;
	size_t i;

	if (v == NULL)
		return NULL;
	c = vnode_anew(a, v->type, &v->loc);
	c->b = v->b;
	if (v->s != NULL) {
		c->s = vn_strdup(a, v->s, v->len);
		c->len = v->len;
	}
	for (i = 0; i < v->n; i++) {
		if (v->type == VN_OBJECT)
			vnode_object_add(c, v->keys[i], strlen(v->keys[i]),
			    &v->key_locs[i], vnode_copy(a, v->items[i]));
		else
			vnode_list_add(c, vnode_copy(a, v->items[i]));
	}
	return c;
}

/*
 * NULL-safe.  Recursion depth is the tree's depth, which every front-end
 * caps (front_yaml.c, front_json.c, the GraphQL grammar).
 */
void
vnode_free(struct vnode *v)
{
	size_t i;

	if (v == NULL)
		return;
	if (v->arena != NULL) {
		if (v->arena_owner)
			vnode_arena_free(v->arena);
		return;
	}
	for (i = 0; i < v->n; i++) {
		vnode_free(v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->key_locs);
	free(v->s);
	free(v);
}

/*
 * An arena node's arrays grow by a fresh copy (the old one stays in the
 * arena until it is rewound: at most as much again).  Lists and objects
 * start with room for 4.
 */
static void
vn_arena_grow(struct vnode *v, bool keys)
{
	size_t cap = v->cap ? v->cap * 2 : 4, n = v->n;
	struct vnode **items;
	char **k;
	struct loc *kl;

	items = vn_alloc(v->arena, cap * sizeof(*items));
	if (n > 0)
		memcpy(items, v->items, n * sizeof(*items));
	v->items = items;
	if (keys) {
		k = vn_alloc(v->arena, cap * sizeof(*k));
		kl = vn_alloc(v->arena, cap * sizeof(*kl));
		if (n > 0) {
			memcpy(k, v->keys, n * sizeof(*k));
			memcpy(kl, v->key_locs, n * sizeof(*kl));
		}
		v->keys = k;
		v->key_locs = kl;
	}
	v->cap = cap;
}

void
vnode_list_add(struct vnode *list, struct vnode *item)
{
	size_t cap = list->cap;

	if (list->arena != NULL) {
		if (list->n >= cap)
			vn_arena_grow(list, false);
	} else {
		xgrow(&list->items, &cap, list->n, sizeof(*list->items));
		list->cap = cap;
	}
	list->items[list->n++] = item;
}

void
vnode_object_add(struct vnode *obj, const char *key, size_t keylen,
    const struct loc *keyloc, struct vnode *item)
{
	vnode_object_add_take(obj, vn_strdup(obj->arena, key, keylen), keyloc,
	    item);
}

void
vnode_object_add_take(struct vnode *obj, char *key, const struct loc *keyloc,
    struct vnode *item)
{
	size_t cap = obj->cap;

	if (obj->n >= cap && obj->arena != NULL) {
		vn_arena_grow(obj, true);
	} else if (obj->n >= cap) {
		/* keys and key_locs grow in step with items */
		xgrow(&obj->items, &cap, obj->n, sizeof(*obj->items));
		obj->keys = xrealloc(obj->keys, cap * sizeof(*obj->keys));
		obj->key_locs = xrealloc(obj->key_locs,
		    cap * sizeof(*obj->key_locs));
		obj->cap = cap;
	}
	obj->keys[obj->n] = key;
	if (keyloc != NULL)
		obj->key_locs[obj->n] = *keyloc;
	else
		memset(&obj->key_locs[obj->n], 0, sizeof(struct loc));
	obj->items[obj->n++] = item;
}

struct vnode *
vnode_get(const struct vnode *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->type != VN_OBJECT || obj->keys == NULL)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

const char *
vnode_type_name(enum vn_type t)
{
	if ((size_t)t >= ARRAY_SIZE(vn_type_names))
		return "?";
	return vn_type_names[t];
}
