/*
 * rtnl.h - rtnetlink through libmnl: one socket per network namespace,
 * every request acknowledged, counters of what was sent.
 */
#ifndef EDGENET_RT_RTNL_H
#define EDGENET_RT_RTNL_H

#include <stddef.h>

#include "batch.h"
#include "rt.h"

struct mnl_socket;

struct rt_stats {
	unsigned long	msgs;		/* every request sent */
	unsigned long	changes;	/* requests that modify kernel state */
	unsigned long	nft_batches;	/* nftables batches committed */
	unsigned long	spawns;		/* processes started */
	unsigned long	kills;		/* processes stopped */
	unsigned long	files;		/* files installed */
	unsigned long	linkgen;	/* bumped when links come or go */
};

struct rt_link {
	int		index;
	char		name[RT_IFNAMSIZ];
	int		master;		/* ifindex, 0 = none */
	unsigned	flags;		/* IFF_* */
	char		kind[16];	/* "veth", "bridge", "" */
	char		alias[RT_ALIASLEN];	/* IFLA_IFALIAS, "" when none */
	int		peer;		/* IFLA_LINK (veth peer ifindex) */
	int		peer_netnsid;	/* -1 when the peer is local */
};

struct rt_addr {
	int		index;
	struct rt_pfx	a;
};

struct rt_route {
	int		oif;
	unsigned	flags;		/* RTNH_F_ONLINK, ... */
	struct rt_pfx	dst;
	struct rt_pfx	gw;		/* family 0 when none */
};

struct rt_nl {
	struct mnl_socket	*sock;
	unsigned		 seq;
	unsigned		 portid;
	struct rt_stats		*stats;
	struct rt_link		*links;		/* cache of a dump */
	size_t			 nlinks;
	int			 have_links;
	unsigned long		 gen;		/* stats->linkgen of the cache */
};

/*
 * Opens a route socket inside the namespace nsfd (setns there and back to
 * homefd).  0 or -1 + message.
 */
int	rt_nl_open(struct rt_nl *nl, int nsfd, int homefd,
	    struct rt_stats *stats, char *err, size_t errlen);
void	rt_nl_close(struct rt_nl *nl);

/* Dumps links into the cache (replacing it).  0 or -1 + message. */
int	rt_nl_links(struct rt_nl *nl, char *err, size_t errlen);
/* From the cache, or asked for by name.  NULL when absent (borrowed). */
const struct rt_link *rt_nl_link(struct rt_nl *nl, const char *name);
const struct rt_link *rt_nl_link_by_index(struct rt_nl *nl, int index);
/* Forgets the cache entry of name (after it was created or deleted). */
void	rt_nl_forget(struct rt_nl *nl, const char *name);

/* Dumps: new arrays the caller frees.  0 or -1 + message. */
int	rt_nl_addrs(struct rt_nl *nl, struct rt_addr **out, size_t *n,
	    char *err, size_t errlen);
int	rt_nl_routes(struct rt_nl *nl, struct rt_route **out, size_t *n,
	    char *err, size_t errlen);

/*
 * Sends op and waits for its acknowledgement.  Creations use
 * NLM_F_CREATE|NLM_F_EXCL.  peer_nsfd is the veth peer's namespace.
 * Returns 0, or -1 with errno set to the kernel's error (ENODEV when a
 * named link does not exist) and a message in err.
 */
int	rt_nl_exec(struct rt_nl *nl, const struct rt_op *op, int peer_nsfd,
	    char *err, size_t errlen);
/* Flushes every global address of dev (the DHCP hook's deconfig). */
int	rt_nl_addr_flush(struct rt_nl *nl, const char *dev, char *err,
	    size_t errlen);

#endif
