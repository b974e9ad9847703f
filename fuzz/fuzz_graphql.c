/*
 * libFuzzer harness: GraphQL front-end (scanner, parser, variables) +
 * mapper + checks + diagnostics printing, and the canonical printers:
 * whatever loads without errors must print as GraphQL and read back into
 * the same services (compared as canonical JSON), and the value tree
 * (front_graphql_parse + front_map_document) must build the same model as
 * the streaming load that lint uses (front_load_buf), or the harness
 * aborts.
 * Any crash, leak, hang or sanitizer report is a bug; every input found
 * is kept in testdata/bogons/graphql/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "front.h"
#include "print.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Variables every input may use: $s, $o, $n, $l. */
static const char fuzz_vars[] = "{\"s\": \"10.1.0.1/16\", \"n\": null, "
    "\"o\": {\"name\": \"v\", \"env\": {\"A\": \"b\"}}, \"l\": [1, \"x\"]}";

static char *
fuzz_print(const struct fleet *f, enum syntax syn, struct diag_ctx *d,
    int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		abort();
	*rc = print_fleet(fp, f, syn, d);
	fclose(fp);
	return out;
}

/* The value tree of a clean document maps to the same model. */
static void
fuzz_tree(struct fleet *f, const uint8_t *data, size_t size,
    const struct vnode *vars)
{
	struct diag_ctx d;
	struct fleet *g = fleet_new();
	struct vnode *root;
	const char *file;
	char *want, *got;
	int rc;

	diag_init(&d);
	file = diag_src_add(&d, "tree.graphql", NULL, 0);
	root = front_graphql_parse(&d, file, (const char *)data, size, vars);
	if (root == NULL ||
	    front_map_document(g, &d, root, SYNTAX_GRAPHQL) != 0)
		abort();
	vnode_free(root);
	want = fuzz_print(f, SYNTAX_JSON, &d, &rc);
	got = fuzz_print(g, SYNTAX_JSON, &d, &rc);
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "%s\n---\n%s", want, got);
		abort();
	}
	free(want);
	free(got);
	fleet_free(g);
	diag_fini(&d);
}

/* A model that loaded cleanly survives GraphQL and back unchanged. */
static void
fuzz_roundtrip(struct fleet *f)
{
	struct diag_ctx d;
	struct fleet *g;
	char *gql, *want, *got;
	int rc;

	diag_init(&d);
	gql = fuzz_print(f, SYNTAX_GRAPHQL, &d, &rc);
	if (rc == 0 && f->n_svcs > 0) {
		g = fleet_new();
		if (front_load_buf(g, &d, "again.graphql", gql, strlen(gql),
		    SYNTAX_GRAPHQL, NULL) != 0) {
			diag_print_text(&d, stderr);
			fprintf(stderr, "%s", gql);
			abort();
		}
		want = fuzz_print(f, SYNTAX_JSON, &d, &rc);
		got = fuzz_print(g, SYNTAX_JSON, &d, &rc);
		if (strcmp(want, got) != 0) {
			fprintf(stderr, "%s\n---\n%s", want, got);
			abort();
		}
		free(want);
		free(got);
		fleet_free(g);
	}
	free(gql);
	diag_fini(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct diag_ctx vd;
	static struct vnode *vars;
	static FILE *null;
	struct diag_ctx d;
	struct fleet *f;
	int rc;

	if (null == NULL) {
		if ((null = fopen("/dev/null", "w")) == NULL)
			return 0;
		diag_init(&vd);
		vars = front_json_parse(&vd, "vars.json", fuzz_vars,
		    strlen(fuzz_vars));
	}
	diag_init(&d);
	f = fleet_new();
	rc = front_load_buf(f, &d, "fuzz.graphql", (const char *)data, size,
	    SYNTAX_GRAPHQL, vars);
	/* (a GraphQL document holds no devices) */
	if (rc == 0 && d.n_err == 0) {
		fuzz_roundtrip(f);
		fuzz_tree(f, data, size, vars);
	}
	if (rc == 0 || f->n_svcs + f->n_devs > 0)
		check_fleet(f, &d);
	diag_print_text(&d, null);
	fleet_free(f);
	diag_fini(&d);
	return 0;
}
