/*
 * check.h - service and fleet checks (SPEC sections 2-4).
 */
#ifndef EDGENETC_CHECK_H
#define EDGENETC_CHECK_H

#include "diag.h"
#include "model.h"

/*
 * Checks every service, device and instance of f, resolves each
 * instance's service (instance->svc), and reports into d.  Returns 0 when
 * no error was found (warnings allowed), -1 otherwise.
 */
int	check_fleet(struct fleet *f, struct diag_ctx *d);

#endif
