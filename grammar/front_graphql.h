/*
 * front_graphql.h - what the GraphQL front-end offers besides
 * front_graphql_parse() (front.h).
 */
#ifndef EDGENETC_FRONT_GRAPHQL_H
#define EDGENETC_FRONT_GRAPHQL_H

#include "diag.h"
#include "vnode.h"

/*
 * Reads a --vars file: a JSON object of variable values, registered with
 * d.  Returns a new tree (free with vnode_free()), or NULL: *unreadable
 * set (message on stderr) when the file could not be read, else an error
 * in d.
 */
struct vnode	*front_graphql_vars_load(struct diag_ctx *d,
		    const char *path, int *unreadable);

#endif
