/*
 * cmd.h - the verbs of edgenetc.  Each returns the process exit status:
 * 0 success, 1 errors found in the input (or a failed operation such as an
 * exhausted pool), 2 usage error or unreadable input.
 */
#ifndef EDGENETC_CMD_H
#define EDGENETC_CMD_H

int	cmd_lint(int argc, char **argv);	/* cmd_lint.c */
int	cmd_alloc(int argc, char **argv);	/* cmd_alloc.c */
int	cmd_release(int argc, char **argv);	/* cmd_release.c */
int	cmd_ledger(int argc, char **argv);	/* cmd_ledger.c: show|verify */
int	cmd_compile(int argc, char **argv);	/* cmd_compile.c */
int	cmd_explain(int argc, char **argv);	/* cmd_compile.c */
int	cmd_fmt(int argc, char **argv);		/* cmd_fmt.c */
int	cmd_diff(int argc, char **argv);	/* cmd_diff.c */
/* ledger reconcile (cmd_reconcile.c), reached through cmd_ledger */
int	cmd_ledger_reconcile(int argc, char **argv);

#endif
