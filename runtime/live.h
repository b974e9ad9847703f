/*
 * live.h - what the kernel has now, per namespace (one dump of links,
 * addresses and routes each, on first use), and whether a bundle object
 * is live as the bundle describes it.  Used by --check, and by apply to
 * re-create old objects that drifted away.
 */
#ifndef EDGENET_RT_LIVE_H
#define EDGENET_RT_LIVE_H

#include "rtplan.h"

struct rt_live;

struct rt_live	*rt_live_new(struct rt_ctx *);
void		 rt_live_free(struct rt_live *);
/*
 * 1 when o (a batch line) is live, 0 when not, -1 when its namespace
 * cannot be read; why says what differs.
 */
int		 rt_live_nl(struct rt_live *, const struct rt_obj *o, char *why,
		    size_t whylen);

#endif
