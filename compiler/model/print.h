/*
 * print.h - canonical printers of the model (edgenetc fmt).
 *
 * The same walk over a fleet prints YAML, JSON or GraphQL: fixed key
 * order (the order of edgenetc-input(5)), fields that are set only,
 * lists in input order, two-space indentation, one key per line.  The
 * output parses back (with any front-end) into an identical model, and
 * printing is deterministic, so `fmt --to json` doubles as a canonical
 * dump for comparing models.
 */
#ifndef EDGENETC_PRINT_H
#define EDGENETC_PRINT_H

#include <stdio.h>

#include "diag.h"
#include "front.h"
#include "model.h"

/*
 * Prints f in syntax syn (YAML, JSON or GraphQL) to fp.  GraphQL holds
 * only import mutations: each service becomes one
 * `mutation import_<name> { DM_import_node_service(input: {...}) }`, and
 * devices, which the platform's API has no mutation for here, are left
 * out with an error in d.  Env keys that are not GraphQL names are left
 * out the same way.  Returns 0, or -1 when something was left out.
 */
int	print_fleet(FILE *fp, const struct fleet *f, enum syntax syn,
	    struct diag_ctx *d);

#endif
