/*
 * vnode.c - the generic located value tree (vnode.h).
 */
#include <stdlib.h>
#include <string.h>

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

/* Returns a new zeroed node; caller frees with vnode_free(). */
struct vnode *
vnode_new(enum vn_type t, const struct loc *l)
{
	struct vnode *v = xzalloc(sizeof(*v));

	v->type = t;
	if (l != NULL)
		v->loc = *l;
	return v;
}

/* Same, with a copy of s[0..len) (NUL-terminated, len kept). */
struct vnode *
vnode_new_str(enum vn_type t, const struct loc *l, const char *s,
    size_t len)
{
	struct vnode *v = vnode_new(t, l);

	v->s = xstrndup(s != NULL ? s : "", s != NULL ? len : 0);
	v->len = s != NULL ? len : 0;
	return v;
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

void
vnode_list_add(struct vnode *list, struct vnode *item)
{
	size_t cap = list->cap;

	xgrow(&list->items, &cap, list->n, sizeof(*list->items));
	list->cap = cap;
	list->items[list->n++] = item;
}

void
vnode_object_add(struct vnode *obj, const char *key, size_t keylen,
    const struct loc *keyloc, struct vnode *item)
{
	vnode_object_add_take(obj, xstrndup(key, keylen), keyloc, item);
}

void
vnode_object_add_take(struct vnode *obj, char *key, const struct loc *keyloc,
    struct vnode *item)
{
	size_t cap = obj->cap;

	if (obj->n >= cap) {
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
