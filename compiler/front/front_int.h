/*
 * front_int.h - internals shared by the YAML/JSON front-ends, the mapper
 * and front.c (not for other stages: they use front.h).
 *
 * Streaming: a fleet document's top-level `services` and `devices` lists
 * can be mapped one item at a time while the file is parsed, so that the
 * value tree of the whole file never exists at once (the tree costs ~15x
 * the text; the model a fraction of that).  The item is handed to the
 * callback, which owns it from then on; the list in the returned tree
 * stays empty, so front_map_document() on it checks only the rest.
 */
#ifndef EDGENETC_FRONT_INT_H
#define EDGENETC_FRONT_INT_H

#include "front.h"

/*
 * listkey: "services" or "devices", or "import" (a GraphQL import's input
 * object); item: owned by the callee.
 */
typedef void	 front_item_fn(void *arg, const char *listkey,
		    struct vnode *item);

struct vnode	*front_yaml_parse_stream(struct diag_ctx *d, const char *file,
		    const char *buf, size_t len, front_item_fn *fn, void *arg);
struct vnode	*front_json_parse_stream(struct diag_ctx *d, const char *file,
		    const char *buf, size_t len, front_item_fn *fn, void *arg);
/*
 * GraphQL: each import's input object as soon as its mutation is parsed
 * (and had no error); the returned list stays empty.  NULL when the
 * front-end reported an error.  vars is borrowed.
 */
struct vnode	*front_graphql_parse_stream(struct diag_ctx *d,
		    const char *file, const char *buf, size_t len,
		    const struct vnode *vars, front_item_fn *fn, void *arg);

/* Maps one item of a fleet document's list listkey, or one import; moves
 * strings out of item (the caller frees it next). */
int		 front_map_item(struct fleet *f, struct diag_ctx *d,
		    const char *listkey, struct vnode *item);

/*
 * Frees the services and devices mapped into f past the first n_svcs and
 * n_devs: a file with a syntax error holds no model (its items were mapped
 * as they streamed, so the mapper's diagnostics on them stay).
 */
void		 front_drop(struct fleet *f, size_t n_svcs, size_t n_devs);

/* "services" / "devices": the lists that may stream. */
int		 front_stream_key(const char *key);

/*
 * vnode_object_add() without the copy: takes key (NUL-terminated) as
 * well as item: malloc'd for a heap obj, for an arena obj text that lives
 * as long as the arena's nodes.  For front-ends that own their key text.
 */
void		 vnode_object_add_take(struct vnode *obj, char *key,
		    const struct loc *keyloc, struct vnode *item);

#endif
