/*
 * plan.h - allocation decisions for a whole fleet: the contract between
 * the allocator/ledger (alloc.c, ledger_*.c, plan.c) and the emitters
 * (emit_*.c).  Emitters read only model.h and plan.h.
 */
#ifndef EDGENETC_PLAN_H
#define EDGENETC_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "diag.h"
#include "model.h"

struct ledger;
struct alloc_known;

/* One instance's decisions (edgenetc-input(5), "Allocation"); all pointers borrowed from
 * the fleet. */
struct inst_plan {
	const struct device	*dev;
	const struct instance	*inst;
	const struct service	*svc;
	const struct client_net	*wan_net;	/* NULL when WAN disabled */

	bool		 has_block;
	struct addr	 block;		/* N/P of the LAN block */
	bool		 has_address;
	struct addr	 address;	/* LAN interface address, A/P_S */
	bool		 has_pool;
	struct addr	 pool_start;	/* host addresses (plen 32/128) */
	struct addr	 pool_end;
	bool		 has_wan;
	struct addr	 wan_address;	/* WAN allocated: A/P of client net */
	bool		 has_wan_gw;
	struct addr	 wan_gw;	/* device address on the client net */
};

/* Ordered by device (input order), then instance id (strcmp). */
struct fleet_plan {
	struct inst_plan *v;
	size_t		  n, cap;
	/* live instances in the ledger that the fleet does not list */
	size_t		  stale;
	/* services whose network_config was replaced by the recorded one */
	size_t		  netcfg_replaced;
};

/*
 * Makes (or reads back from the ledger) every instance's decisions, in one
 * ledger transaction.  Returns 0, or -1 with diagnostics in d and nothing
 * recorded.  The plan borrows from f; free with fleet_plan_free().
 */
int	 fleet_plan_build(struct fleet *f, struct ledger *l, struct diag_ctx *d,
	    struct fleet_plan *out);
/* The same, borrowing known (alloc.h) read from l's content as it is:
 * for several plans on one read-only view. */
int	 fleet_plan_build_known(struct fleet *f, struct ledger *l,
	    struct alloc_known *known, struct diag_ctx *d,
	    struct fleet_plan *out);
/*
 * What a caller that writes out a plan's decisions (compile) does before
 * they are committed, so that a failure leaves the ledger as it was:
 * stage() is called with the plan once it is made, in its transaction;
 * 0 commits, anything else rolls back.  undo() follows a commit that
 * failed (the plan may be made and staged again).
 */
struct plan_stage {
	int	(*stage)(void *arg, struct fleet_plan *p);
	void	(*undo)(void *arg);
	void	 *arg;
};
/* fleet_plan_build_known with a stage (NULL: none). */
int	 fleet_plan_build_staged(struct fleet *f, struct ledger *l,
	    struct alloc_known *known, const struct plan_stage *stage,
	    struct diag_ctx *d, struct fleet_plan *out);
void	 fleet_plan_free(struct fleet_plan *p);

#endif
