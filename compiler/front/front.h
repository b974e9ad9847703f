/*
 * front.h - loading input files into the model.
 */
#ifndef EDGENETC_FRONT_H
#define EDGENETC_FRONT_H

#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "vnode.h"

enum syntax {
	SYNTAX_AUTO = 0,	/* by extension */
	SYNTAX_YAML,
	SYNTAX_JSON,
	SYNTAX_GRAPHQL,
};

int	 syntax_parse(const char *s, enum syntax *out);	/* "yaml"... */
enum syntax syntax_from_path(const char *path);	/* SYNTAX_AUTO if unknown */

/*
 * Reads path ("-" = stdin), registers it with d, parses it with the
 * syntax's front-end and maps it into f.  Returns 0 on success, -1 when
 * the file could not be read (exit 2) or did not parse into a model
 * (diagnostics in d).  vars (GraphQL variables, may be NULL) is borrowed.
 */
int	 front_load_file(struct fleet *f, struct diag_ctx *d, const char *path,
	    enum syntax syn, const struct vnode *vars);
/* Same, from a buffer that the caller keeps ownership of. */
int	 front_load_buf(struct fleet *f, struct diag_ctx *d, const char *path,
	    const char *buf, size_t len, enum syntax syn,
	    const struct vnode *vars);

/* Front-ends: text -> vnode tree; NULL with diagnostics on error. */
struct vnode	*front_yaml_parse(struct diag_ctx *d, const char *file,
		    const char *buf, size_t len);
struct vnode	*front_json_parse(struct diag_ctx *d, const char *file,
		    const char *buf, size_t len);
/* A GraphQL document -> VN_LIST of input objects of each
 * DM_import_node_service mutation, normalized (see front_graphql.c). */
struct vnode	*front_graphql_parse(struct diag_ctx *d, const char *file,
		    const char *buf, size_t len, const struct vnode *vars);

/*
 * The mapper: a fleet document (services/devices), a single node-service
 * object, or a list of import inputs (GraphQL) -> model.  Unknown keys are
 * errors with a nearest-key suggestion.  Returns 0 or -1 (errors in d);
 * maps as much as it can either way.
 */
int	 front_map_document(struct fleet *f, struct diag_ctx *d,
	    const struct vnode *root, enum syntax syn);

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
int	 front_graphql_load(struct fleet *f, struct diag_ctx *d,
	    const char *file, const char *buf, size_t len,
	    const struct vnode *vars);

#endif
