/*
 * cli_input.h - one input (a fleet in one or more files) loaded, checked
 * and planned, as compile, explain and diff take it.
 */
#ifndef EDGENETC_CLI_INPUT_H
#define EDGENETC_CLI_INPUT_H

#include <stdbool.h>

#include "diag.h"
#include "ledger.h"
#include "front.h"
#include "model.h"
#include "plan.h"

struct cli_input {
	struct diag_ctx		 d;
	struct fleet		*f;
	struct fleet_plan	 plan;
	bool			 planned;
};

struct cli;
/*
 * Reads files (with GraphQL $variables from vars, may be NULL) into
 * in->f, nothing checked; a directory stands for its *.yaml, *.yml,
 * *.json, *.graphql and *.gql files, in name order, and "-" for
 * standard input.  Returns 0, or 2 when a file could not be read at
 * all (the others are read still); diagnostics are in in->d, nothing
 * printed.  cl (may be NULL): the verb's -W switches apply to in->d.
 * in is initialised here; release it with cli_input_fini() in every
 * case.
 */
int	 cli_input_read(struct cli_input *in, char *const *files, int n,
	    enum syntax syn, const char *vars, const struct cli *cl);
/*
 * cli_input_read(), then checks the fleet and what the emitters will
 * write.  Returns -1 to go on, else the exit status: 2 unreadable
 * input, 1 errors (all in in->d).
 */
int	 cli_input_load(struct cli_input *in, char *const *files, int n,
	    enum syntax syn, const char *vars, const struct cli *cl);
/* Plans every instance against l; then checks again what network_config
 * inherited from a first import changes.  Returns 0 or -1 (errors in
 * in->d). */
int	 cli_input_plan(struct cli_input *in, struct ledger *l);
/* The same, borrowing known (alloc.h), read from l as it is now. */
int	 cli_input_plan_known(struct cli_input *in, struct ledger *l,
	    struct alloc_known *known);
/* The same with a stage (plan.h) that is given the plan before it is
 * committed; the stage calls cli_input_check_again itself. */
int	 cli_input_plan_staged(struct cli_input *in, struct ledger *l,
	    struct alloc_known *known, const struct plan_stage *stage);
/* What network_config inherited from a first import changes, checked
 * again once planned.  0 or -1 (errors in in->d). */
int	 cli_input_check_again(struct cli_input *in);
void	 cli_input_fini(struct cli_input *in);
/*
 * Calls fn for every live instance of the ledger l that no device of the
 * loaded input lists (in id order; the record is borrowed for the call).
 * fn returns 0 to go on.  Returns 0, fn's non-zero value, or -1 with
 * the reason in l->err.
 */
int	 cli_input_stale(const struct cli_input *in, struct ledger *l,
	    ledger_inst_fn fn, void *arg);
/* How many such instances there are: 0, or -1 with l->err. */
int	 cli_input_stale_count(const struct cli_input *in, struct ledger *l,
	    size_t *n);

#endif
