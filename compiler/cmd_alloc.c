/* Placeholder until this verb lands; replaced by its owner. */
#include <stdio.h>

#include "cmd.h"

int
cmd_alloc(int argc, char **argv)
{
	fprintf(stderr, "edgenetc: %s: not built yet\n", argv[0]);
	return 2;
}

int
cmd_release(int argc, char **argv)
{
	fprintf(stderr, "edgenetc: %s: not built yet\n", argv[0]);
	return 2;
}

int
cmd_ledger(int argc, char **argv)
{
	fprintf(stderr, "edgenetc: %s: not built yet\n", argv[0]);
	return 2;
}

const char *
cmd_default_ledger(void)
{
	return "edgenet-ledger.db";
}
