/*
 * cmd_lint.c - edgenetc lint: read every file into one fleet (a
 * directory: its input files), run the checks, print the diagnostics.
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
#include "cli_input.h"
#include "cliopt.h"
#include "cmd.h"

static void
lint_usage(FILE *fp)
{
	fputs("usage: edgenetc lint [--format text|json|sarif] "
	    "[--syntax yaml|json|graphql]\n"
	    "                     [--vars FILE.json] [-W SWITCH]... FILE...\n"
	    "\n"
	    "Checks node-service specs and fleet inventories (YAML, JSON or\n"
	    "GraphQL import mutations; FILE '-' is standard input, a directory\n"
	    "its input files).  All files form one fleet.  Diagnostics are\n"
	    "printed on standard output as\n"
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
	const char *vars_path = NULL;
	struct cli_input in;
	int c, rc;

	while ((c = cli_getopt(&cl, argc, argv)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(&cl, "--format", optarg,
			    1u << DIAG_TEXT | 1u << DIAG_JSON |
			    1u << DIAG_SARIF, &cl.dg.fmt))
				return 2;
			break;
		case 's':
			if (!cli_parse_syntax(&cl, "--syntax", optarg, &syn))
				return 2;
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
	/* the readable files are linted even when one is not */
	rc = cli_input_read(&in, argv + optind, argc - optind, syn, vars_path,
	    &cl);
	check_fleet(in.f, &in.d);
	cli_diag_print(&cl, &in.d, stdout);
	fflush(stdout);
	c = rc != 0 ? 2 : in.d.n_err > 0 ? 1 : 0;
	cli_input_fini(&in);
	return c;
}
