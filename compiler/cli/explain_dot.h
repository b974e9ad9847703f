/*
 * explain_dot.h - explain --format dot|svg: a Graphviz picture of one
 * device, drawn from explain's JSON (and the device's physical ports).
 */
#ifndef EDGENETC_EXPLAIN_DOT_H
#define EDGENETC_EXPLAIN_DOT_H

#include <stdio.h>

#include <jansson.h>

struct device;

/* The graph of device dv (x: explain's JSON of it) as DOT text. */
void	 explain_dot(FILE *fp, const json_t *x, const struct device *dv);
/* The same rendered by graphviz's dot -Tsvg onto standard output; -1
 * with the reason on stderr (dot missing or failing). */
int	 explain_svg(const json_t *x, const struct device *dv);

#endif
