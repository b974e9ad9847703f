/*
 * cmd_lint.c - edgenetc lint: load every file into one fleet, run the
 * checks, print the diagnostics.
 *
 * Diagnostics go to standard output (text or JSON) so that they can be
 * piped and diffed; usage errors and unreadable files go to standard
 * error.  Exit: 0 clean or warnings only, 1 errors, 2 usage error or an
 * unreadable input (the readable ones are still linted and printed).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cliopt.h"
#include "cmd.h"
#include "front.h"
#include "front_graphql.h"

static void
lint_usage(FILE *fp)
{
	fputs("usage: edgenetc lint [--format text|json|sarif] "
	    "[--syntax yaml|json|graphql]\n"
	    "                     [--vars FILE.json] [-W SWITCH]... FILE...\n"
	    "\n"
	    "Checks node-service specs and fleet inventories (YAML, JSON or\n"
	    "GraphQL import mutations; FILE '-' is standard input).  All files\n"
	    "form one fleet.  Diagnostics are printed on standard output as\n"
	    "  FILE:LINE:COL: error|warning: MESSAGE [CODE]\n"
	    "with the source line, the token underlined, notes and hints;\n"
	    "with --format json as a JSON array, with --format sarif as\n"
	    "SARIF 2.1.0 (--diagnostics is the same as --format here).\n"
	    "\n"
	    "  --format text|json|sarif  output format (default text)\n"
	    "  --syntax S           read every FILE as S instead of by extension\n"
	    "  --vars FILE.json     values of GraphQL $variables\n"
	    "\n"
	    "Exit status: 0 no errors (warnings allowed), 1 errors found,\n"
	    "2 usage error or unreadable input.\n", fp);
}

int
cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "syntax", required_argument, NULL, 's' },
		{ "vars", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cl = { .verb = "lint", .usage = lint_usage, .opts = opts,
	    .diag = true };
	enum syntax syn = SYNTAX_AUTO;
	struct vnode *vars = NULL;
	const char *vars_path = NULL;
	struct diag_ctx d;
	struct fleet *f;
	int c, i, unreadable = 0;
	unsigned before;

	while ((c = cli_getopt(&cl, argc, argv)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(&cl, "--format", optarg,
			    1u << DIAG_TEXT | 1u << DIAG_JSON |
			    1u << DIAG_SARIF, &cl.dg.fmt))
				return 2;
			break;
		case 's':
			if (syntax_parse(optarg, &syn) < 0) {
				fprintf(stderr, "edgenetc lint: unknown syntax "
				    "'%s' (yaml, json or graphql)\n", optarg);
				return 2;
			}
			break;
		case 'v':
			vars_path = optarg;
			break;
		default:
			return cl.rc;
		}
	}
	if (optind >= argc) {
		return cli_usage_error(&cl, "no input files (see 'edgenetc "
		    "lint --help')");
	}
	cli_diag_init(&cl, &d);
	f = fleet_new();
	if (vars_path != NULL)
		vars = front_graphql_vars_load(&d, vars_path, &unreadable);
	for (i = optind; i < argc; i++) {
		before = d.n_err;
		/* -1 without a new error: the file could not be read */
		if (front_load_file(f, &d, argv[i], syn, vars) < 0 &&
		    d.n_err == before)
			unreadable = 1;
	}
	check_fleet(f, &d);
	cli_diag_print(&cl, &d, stdout);
	fflush(stdout);
	c = unreadable ? 2 : d.n_err > 0 ? 1 : 0;
	vnode_free(vars);
	fleet_free(f);
	diag_fini(&d);
	return c;
}
