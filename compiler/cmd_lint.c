/* Placeholder until this verb lands; replaced by its owner. */
#include <stdio.h>

#include "cmd.h"

int
cmd_lint(int argc, char **argv)
{
	fprintf(stderr, "edgenetc: %s: not built yet\n", argv[0]);
	return 2;
}
