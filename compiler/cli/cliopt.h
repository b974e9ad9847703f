/*
 * cliopt.h - option parsing shared by every verb of edgenetc.
 *
 * cli_getopt() wraps getopt_long() so that every verb behaves alike:
 * -h/--help prints the verb's usage on stdout, --version the version;
 * an unknown option, a missing value or an abbreviated long option is one
 * line on stderr with a "did you mean" hint (getopt_long's acceptance of
 * unambiguous prefixes is refused: scripts written against a prefix
 * break when a new option shares it).  Verbs that print diagnostics
 * also get --color, --diagnostics and -W (struct cli_diag).
 */
#ifndef EDGENETC_CLIOPT_H
#define EDGENETC_CLIOPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "front.h"

/* cli_getopt() returned this: the verb returns cli.rc (help or
 * --version printed: 0; a usage error reported: 2). */
#define CLI_EXIT	0x7ff0

#define CLI_MAX_OPTS	32

/* How a verb's diagnostics are printed (when cli.diag is set). */
struct cli_diag {
	enum diag_format	fmt;	/* --diagnostics (default text) */
	int			color;	/* --color: -1 auto, 0 never, 1 always */
	struct diag_policy	policy;	/* -W */
};

struct cli {
	const char		*verb;		/* "lint" */
	void			(*usage)(FILE *);	/* the verb's help */
	const char		*shortopts;	/* the verb's, or NULL */
	const struct option	*opts;		/* the verb's, NULL-ended */
	bool			 diag;		/* takes --color etc. */
	struct cli_diag		 dg;
	int			 rc;		/* with CLI_EXIT */
	/* private */
	struct option		 all[CLI_MAX_OPTS];
	char			 shorts[64];
	bool			 started;
};

/* Like getopt_long(argc, argv, ...) over the verb's options and the
 * shared ones; -1 at the first operand ("+" mode unless the verb's
 * shortopts begin with '-' or hold no '+'). */
int	 cli_getopt(struct cli *c, int argc, char **argv);
/* "edgenetc VERB: " + message on stderr; returns 2. */
int	 cli_usage_error(const struct cli *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Starts a diag_ctx that follows the verb's -W switches. */
void	 cli_diag_init(const struct cli *c, struct diag_ctx *d);
/* Prints d's diagnostics to fp in the verb's --diagnostics form and
 * colour, in one write when fp is stderr. */
void	 cli_diag_print(const struct cli *c, struct diag_ctx *d, FILE *fp);
/* text, json or sarif (only those in allowed, a mask of 1 << fmt). */
bool	 cli_parse_format(const struct cli *c, const char *opt,
	    const char *s, unsigned allowed, enum diag_format *out);
/* yaml, json or graphql for the option opt (--syntax, --to); false
 * after a usage error. */
bool	 cli_parse_syntax(const struct cli *c, const char *opt,
	    const char *s, enum syntax *out);

#endif
