/*
 * cmd_fmt.c - edgenetc fmt: read specs in any syntax into the model and
 * print the model canonically (print.c) in the syntax asked for.
 *
 * The model is printed only when every file loaded without errors; the
 * diagnostics (warnings, or the errors that stopped it) go to standard
 * error.  No fleet checks run: that is lint's job.  Exit: 0 printed,
 * 1 errors in the input or something that the target syntax cannot hold
 * (devices in GraphQL: the services are still printed), 2 usage error or
 * unreadable input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "front.h"
#include "front_graphql.h"
#include "print.h"

static void
fmt_usage(FILE *fp)
{
	fputs("usage: edgenetc fmt --to yaml|json|graphql "
	    "[--syntax yaml|json|graphql]\n"
	    "                    [--vars FILE.json] FILE...\n"
	    "\n"
	    "Reads node-service specs and fleet inventories (all FILEs form\n"
	    "one fleet; '-' is standard input) and prints them canonically:\n"
	    "fixed key order, set fields only, two-space indentation.\n"
	    "GraphQL output holds one DM_import_node_service mutation per\n"
	    "service; devices cannot be written as GraphQL (exit 1).\n"
	    "\n"
	    "  --to S               output syntax\n"
	    "  --syntax S           read every FILE as S, not by extension\n"
	    "  --vars FILE.json     values of GraphQL $variables\n", fp);
}

/* stderr is unbuffered: print into memory, then write once. */
static void
fmt_print_diags(struct diag_ctx *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (d->n == 0)
		return;
	if ((mem = open_memstream(&buf, &len)) == NULL) {
		diag_print_text(d, stderr);
		return;
	}
	diag_print_text(d, mem);
	fclose(mem);
	fwrite(buf, 1, len, stderr);
	free(buf);
}

int
cmd_fmt(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "syntax", required_argument, NULL, 's' },
		{ "vars", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum syntax syn = SYNTAX_AUTO, to = SYNTAX_AUTO;
	const char *vars_path = NULL;
	struct vnode *vars = NULL;
	struct diag_ctx d;
	struct fleet *f;
	int c, i, rc, unreadable = 0;
	unsigned before;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
		case 's':
			if (syntax_parse(optarg, c == 't' ? &to : &syn) < 0) {
				fprintf(stderr, "edgenetc fmt: unknown syntax "
				    "'%s' (yaml, json or graphql)\n", optarg);
				return 2;
			}
			break;
		case 'v':
			vars_path = optarg;
			break;
		case 'h':
			fmt_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "edgenetc fmt: bad option '%s'\n",
			    argv[optind - 1]);
			fmt_usage(stderr);
			return 2;
		}
	}
	if (to == SYNTAX_AUTO || optind >= argc) {
		fputs(to == SYNTAX_AUTO ? "edgenetc fmt: --to is required\n" :
		    "edgenetc fmt: no input files\n", stderr);
		fmt_usage(stderr);
		return 2;
	}
	diag_init(&d);
	f = fleet_new();
	if (vars_path != NULL)
		vars = front_graphql_vars_load(&d, vars_path, &unreadable);
	for (i = optind; i < argc; i++) {
		before = d.n_err;
		if (front_load_file(f, &d, argv[i], syn, vars) < 0 &&
		    d.n_err == before)
			unreadable = 1;
	}
	if (unreadable)
		rc = 2;
	else if (d.n_err > 0)
		rc = 1;
	else
		rc = print_fleet(stdout, f, to, &d) < 0 ? 1 : 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("edgenetc fmt: standard output");
		rc = rc ? rc : 1;
	}
	fmt_print_diags(&d);
	vnode_free(vars);
	fleet_free(f);
	diag_fini(&d);
	return rc;
}
