/*
 * Temporary: stands in for grammar/front_graphql.c until the GraphQL
 * front-end lands (its author deletes this file).
 */
#include "front.h"

struct vnode *
front_graphql_parse(struct diag_ctx *d, const char *file, const char *buf,
    size_t len, const struct vnode *vars)
{
	struct loc l = { file, 1, 1 };

	diag_err(d, &l, "graphql-unavailable", "GraphQL front-end not built");
	return NULL;
}
