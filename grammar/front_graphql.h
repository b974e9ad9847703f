/*
 * front_graphql.h - what the GraphQL front-end offers besides
 * front_graphql_parse() (front.h).
 */
#ifndef EDGENETC_FRONT_GRAPHQL_H
#define EDGENETC_FRONT_GRAPHQL_H

#include "diag.h"
#include "model.h"
#include "vnode.h"

/*
 * front_graphql_parse() + front_map_document() in one pass: each import
 * is mapped into f as soon as its mutation is parsed, so the value tree
 * of the whole document never exists at once (peak memory: the model
 * plus one operation).  Every import is mapped and checked, also after
 * a syntax error (parsing recovers); but when the front-end reported an
 * error of its own (syntax, variables, operations), what this document
 * mapped is dropped from f again, as front_graphql_parse() returns no
 * tree then.  file is the path registered with d; vars is borrowed.
 * Returns 0, or -1 when an error was reported.
 */
int		 front_graphql_load(struct fleet *f, struct diag_ctx *d,
		    const char *file, const char *buf, size_t len,
		    const struct vnode *vars);

/*
 * Reads a --vars file: a JSON object of variable values, registered with
 * d.  Returns a new tree (free with vnode_free()), or NULL: *unreadable
 * set (message on stderr) when the file could not be read, else an error
 * in d.
 */
struct vnode	*front_graphql_vars_load(struct diag_ctx *d,
		    const char *path, int *unreadable);

#endif
