/* Placeholder until the checks land; replaced by its owner. */
#include "check.h"

int
check_fleet(struct fleet *f, struct diag_ctx *d)
{
	return 0;
}
