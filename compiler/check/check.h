/*
 * check.h - service and fleet checks (edgenetc-input(5)).
 *
 * Every diagnostic has a stable code; docs/diagnostics.md lists them.
 */
#ifndef EDGENETC_CHECK_H
#define EDGENETC_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/*
 * Checks every service, device and instance of f, resolves each
 * instance's service (instance->svc), and reports into d.  Returns 0 when
 * no error was found (warnings allowed), -1 otherwise.
 */
int	check_fleet(struct fleet *f, struct diag_ctx *d);

/*
 * Name rules, shared with whoever needs them (emitters, mapper).  Each
 * takes the string with its length (the input may hold NUL bytes).
 */
/* A POSIX shell variable name: [A-Za-z_][A-Za-z0-9_]*. */
bool	check_env_key_ok(const char *s, size_t len);
/* amd64 | armhf | arm64 */
bool	check_arch_ok(const char *s, size_t len);

#endif
