/*
 * edgenetc - network allocation and policy compiler for edge containers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"

static const struct verb {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
} verbs[] = {
	{ "lint", cmd_lint,
	  "lint [--format text|json|sarif] [--syntax yaml|json|graphql] "
	  "FILE..." },
	{ "alloc", cmd_alloc,
	  "alloc [--ledger PATH] --spec FILE --device ID --instance ID "
	  "[--service NAME]\n"
	  "       alloc [--ledger PATH] --batch FILE.jsonl" },
	{ "release", cmd_release,
	  "release [--ledger PATH] --instance ID [--cooldown SECONDS]" },
	{ "ledger", cmd_ledger, "ledger [--ledger PATH] show|verify\n"
	  "       ledger [--ledger PATH] reconcile [--dry-run] "
	  "[--cooldown S] FILE..." },
	{ "compile", cmd_compile,
	  "compile [--ledger PATH] -o OUTDIR [--prune] [--format text|json] "
	  "FILE..." },
	{ "explain", cmd_explain,
	  "explain [--ledger PATH] --device ID [--format text|json|dot|svg] "
	  "FILE..." },
	{ "diff", cmd_diff,
	  "diff [--ledger PATH] [--format text|json] OLD NEW" },
	{ "fmt", cmd_fmt, "fmt --to yaml|json|graphql [--check | -w] FILE..." },
};

static void
usage(FILE *fp)
{
	size_t i;

	fputs("usage: edgenetc COMMAND [OPTIONS]\n\n", fp);
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(fp, "  edgenetc %s\n", verbs[i].usage);
	fputs("\n  edgenetc --help | --version\n"
	    "  edgenetc COMMAND --help | --version\n"
	    "\nExit status: 0 ok (warnings allowed), 1 errors in the input or a"
	    "\nfailed operation, 2 usage error or unreadable input.\n", fp);
}

/* One line and a hint, not the whole usage again. */
static int
unknown_verb(const char *word)
{
	const char *names[sizeof(verbs) / sizeof(verbs[0])];
	const char *near;
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		names[i] = verbs[i].name;
	near = diag_suggest(word, names, i);
	fprintf(stderr, "edgenetc: unknown %s '%s'", word[0] == '-' ?
	    "option" : "command", word);
	if (near != NULL)
		fprintf(stderr, "; did you mean '%s'?", near);
	fputs(" (see 'edgenetc --help')\n", stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("edgenetc %s\n", EDGENETC_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].fn(argc - 1, argv + 1);
	return unknown_verb(argv[1]);
}
