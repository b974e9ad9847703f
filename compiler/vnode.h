/*
 * vnode.h - the generic located value tree shared by the three
 * front-ends.  YAML (front_yaml.c), JSON (front_json.c) and GraphQL
 * (grammar/) each build a vnode tree; front_map.c maps it onto the model
 * with one set of key tables, so all syntaxes get the same checks and the
 * same diagnostics.
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

struct vnode {
	enum vn_type	 type;
	struct loc	 loc;		/* where the value starts */
	char		*s;		/* scalars: owned text */
	size_t		 len;
	bool		 b;		/* VN_BOOL */
	/* VN_LIST: items; VN_OBJECT: items + keys (parallel) */
	struct vnode	**items;
	char		**keys;
	struct loc	*key_locs;
	size_t		 n, cap;
};

struct vnode	*vnode_new(enum vn_type t, const struct loc *l);
struct vnode	*vnode_new_str(enum vn_type t, const struct loc *l,
		    const char *s, size_t len);
void		 vnode_free(struct vnode *v);
/* Appends; takes ownership of item (and a copy of key). */
void		 vnode_list_add(struct vnode *list, struct vnode *item);
void		 vnode_object_add(struct vnode *obj, const char *key,
		    size_t keylen, const struct loc *keyloc, struct vnode *item);
/* First value of key in obj, or NULL. */
struct vnode	*vnode_get(const struct vnode *obj, const char *key);
const char	*vnode_type_name(enum vn_type t);

#endif
