/*
 * vnode.h - the generic located value tree shared by the three
 * front-ends.  YAML (front_yaml.c), JSON (front_json.c) and GraphQL
 * (grammar/) each build a vnode tree; front_map.c maps it onto the model
 * with one set of key tables, so all syntaxes get the same checks and the
 * same diagnostics.
 *
 * A tree lives either on the heap (vnode_new(), vnode_free() frees each
 * node) or in an arena (vnode_anew(): the node, its arrays, keys and text
 * are carved out of the arena's blocks, vnode_free() does nothing, and the
 * arena is rewound or freed at once).  A tree is all one or all the other:
 * nodes added to an arena node must be from the same arena.  Parsing makes
 * tens of nodes per service; one malloc and free each was half the work.
 */
#ifndef EDGENETC_VNODE_H
#define EDGENETC_VNODE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum vn_type {
	VN_NULL,
	VN_BOOL,	/* JSON/GraphQL true/false, YAML plain true/false */
	VN_INT,		/* s holds the digits as written */
	VN_FLOAT,	/* s holds the text as written */
	VN_STRING,	/* quoted string; s/len (len may count embedded NUL) */
	VN_SCALAR,	/* YAML plain scalar, untyped: the mapper decides */
	VN_ENUM,	/* GraphQL bare enum value, e.g. allocated */
	VN_VAR,		/* GraphQL $variable not resolved; s = name */
	VN_LIST,
	VN_OBJECT,
};

struct vnode_arena;

struct vnode {
	enum vn_type	 type;
	bool		 b;		/* VN_BOOL */
	bool		 arena_owner;	/* vnode_free() frees the arena */
	/* arena node whose s is malloc'd (vnode_arena_own): it may move */
	bool		 s_heap;
	struct loc	 loc;		/* where the value starts */
	char		*s;		/* scalars: owned text */
	size_t		 len;
	/* NULL: on the heap; else the arena holding all of this node */
	struct vnode_arena *arena;
	/* VN_LIST: items; VN_OBJECT: items + keys (parallel) */
	struct vnode	**items;
	char		**keys;
	struct loc	*key_locs;
	size_t		 n, cap;
};

struct vnode	*vnode_new(enum vn_type t, const struct loc *l);
struct vnode	*vnode_new_str(enum vn_type t, const struct loc *l,
		    const char *s, size_t len);
/* NULL-safe; does nothing for an arena node (see arena_owner). */
void		 vnode_free(struct vnode *v);
/* Appends; takes ownership of item (and a copy of key). */
void		 vnode_list_add(struct vnode *list, struct vnode *item);
void		 vnode_object_add(struct vnode *obj, const char *key,
		    size_t keylen, const struct loc *keyloc, struct vnode *item);
/* First value of key in obj, or NULL. */
struct vnode	*vnode_get(const struct vnode *obj, const char *key);
const char	*vnode_type_name(enum vn_type t);

/*
 * Arenas.  Allocation never fails (aborts on OOM, as xalloc).  Rewinding
 * forgets everything allocated so far and keeps the blocks for reuse.
 */
struct vnode_arena *vnode_arena_new(void);
void		 vnode_arena_free(struct vnode_arena *a);	/* NULL-safe */
void		 vnode_arena_rewind(struct vnode_arena *a);
/* n bytes aligned for any vnode member (8). */
void		*vnode_arena_alloc(struct vnode_arena *a, size_t n);
/* A NUL-terminated copy of s[0..len). */
char		*vnode_arena_strdup(struct vnode_arena *a, const char *s,
		    size_t len);
/* vnode_new() / vnode_new_str() in arena a (a NULL: on the heap). */
struct vnode	*vnode_anew(struct vnode_arena *a, enum vn_type t,
		    const struct loc *l);
struct vnode	*vnode_anew_str(struct vnode_arena *a, enum vn_type t,
		    const struct loc *l, const char *s, size_t len);
/*
 * v (in a) holds a malloc'd s: the arena frees it when it is rewound or
 * freed, unless it was moved out (v->s set to NULL) before.  Saves a copy
 * of text a library already malloc'd (libyaml's scalars).
 */
void		 vnode_arena_own(struct vnode_arena *a, struct vnode *v);
/* A deep copy of v in arena a (NULL: on the heap). */
struct vnode	*vnode_copy(struct vnode_arena *a, const struct vnode *v);

#endif
