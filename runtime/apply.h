/*
 * apply.h - moving the device from one bundle to another, all or nothing.
 *
 * The plan compares the bundle that is live (the applied record) with the
 * target, object by object (one object per batch line, nft file, dnsmasq
 * config, lxc.env), and turns the difference into steps.  Each step has an
 * inverse written to the journal before any change; a failed step undoes
 * the earlier ones in reverse, and --recover replays the inverses of a run
 * that was killed.
 */
#ifndef EDGENET_RT_APPLY_H
#define EDGENET_RT_APPLY_H

#include "bundle.h"
#include "ctx.h"
#include "state.h"

#define RT_APPLY_DRYRUN	0x1	/* plan, pre-flight, validate; change nothing */
#define RT_APPLY_PRINT	0x2	/* print the planned steps on stdout */
#define RT_APPLY_REPAIR	0x4	/* check every live object, redo drifted */

/*
 * Makes the live state go from old (what rec says is live) to new, then
 * records new as applied with previous as its predecessor.  0, or -1 with
 * ctx->err and the device as it was.
 */
int	rt_apply(struct rt_ctx *, const struct rt_bundle *old,
	    const struct rt_bundle *new, const struct rt_applied *rec,
	    const char *previous, int flags);
/* Undoes a killed run from STATE/journal, if any.  1 done, 0 none, -1. */
int	rt_recover(struct rt_ctx *);
/* Compares the live state with b; prints the drift.  0, 1 drift, -1. */
int	rt_check(struct rt_ctx *, const struct rt_bundle *b);

#endif
