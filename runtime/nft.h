/*
 * nft.h - the private nftables table `inet edgenet` of one namespace:
 * parse a bundle *.nft file (the subset of docs/bundle-format.md), apply
 * it in one netlink batch through libnftnl + libmnl, compare it with the
 * live table, snapshot the live table for rollback.
 *
 * Nothing here touches a table other than `inet edgenet`.  Functions never
 * abort on OOM: they return -1 and leave a message in err.  netns_fd is an
 * open /run/netns/NAME (or /proc/PID/ns/net) descriptor, or -1 for the
 * namespace of the calling thread; it is only borrowed.
 */
#ifndef EDGENET_RT_NFT_H
#define EDGENET_RT_NFT_H

#include <stddef.h>

/* A table inet edgenet as it should be (loaded) or as it was (snapshot),
 * or the absence of that table. */
struct rt_nft;

/* rt_nft_apply flags */
#define RT_NFT_DRYRUN	0x1	/* kernel validates the batch, then drops it */
#define RT_NFT_FORCE	0x2	/* replace even when the live table is equal */

/*
 * Parses a .nft file of the bundle subset (text need not be
 * NUL-terminated).  An empty file (only blanks and comments) means "no
 * table".  On success *out is new (free with rt_nft_free) and 0 is
 * returned; on error -1 with "LINE:COL: message" in err.
 */
int	rt_nft_load(struct rt_nft **out, const char *text, size_t len,
	    char *err, size_t errlen);
void	rt_nft_free(struct rt_nft *);

/*
 * Makes the live table equal to t (t == NULL or a "no table" t: delete
 * ours) in one batch: NEWTABLE, DELTABLE, NEWTABLE, chains, then sets,
 * elements and rules in file order, committed all or nothing by the
 * kernel.  Unless RT_NFT_FORCE, nothing is sent when the live table is
 * already equal (see rt_nft_diff).  RT_NFT_DRYRUN sends the batch without
 * its END message: the kernel checks every message, then discards the
 * transaction (checks the kernel only makes at commit, such as jump loops
 * and masquerade outside a nat postrouting chain, are done by rt_nft_load
 * instead).  Returns 0, or -1 with err ("LINE:COL: what: reason" when the
 * kernel refused an object of a loaded file) and the live state unchanged.
 */
int	rt_nft_apply(const struct rt_nft *t, int netns_fd, int flags,
	    char *err, size_t errlen);

/* Deletes table inet edgenet if it exists (nothing sent if not).  0/-1. */
int	rt_nft_delete(int netns_fd, char *err, size_t errlen);

/*
 * Compares t (NULL: no table) with the live table.  Returns 0 when equal,
 * 1 on drift with one line per difference in out, -1 on error (message in
 * out).  Handles, counters and kernel-chosen set names are ignored.
 */
int	rt_nft_diff(const struct rt_nft *t, int netns_fd, char *out,
	    size_t outlen);

/* One difference between t and the live table. */
struct rt_nft_delta {
	const char	*object;	/* "table inet edgenet", "chain NAME",
					   "set NAME" */
	const char	*text;		/* the difference in words */
	const char	*expected;	/* the bundle's side, NULL: nothing */
	const char	*found;		/* the live side, NULL: nothing */
	int		 rule;		/* a rule only the bundle has (1),
					   only the live table has (-1) */
};

/* Called for each difference; returns 0, or -1 to fail the comparison. */
typedef int	rt_nft_delta_fn(const struct rt_nft_delta *, void *arg);

/* rt_nft_diff_each flags */
#define RT_NFT_DIFF_RULES	0x1	/* a table or chain on one side only:
					   each of its rules too */

/*
 * rt_nft_diff with each difference given to fn (pointers valid during
 * the call only).  Returns 0 equal, 1 drift, -1 error (message in err).
 */
int	rt_nft_diff_each(const struct rt_nft *t, int netns_fd, int flags,
	    rt_nft_delta_fn *fn, void *arg, char *err, size_t errlen);

/*
 * The live table inet edgenet as a new rt_nft that rt_nft_apply can
 * re-create (chains, rules, sets with their elements; stateful objects
 * and flowtables are not kept), or *out = NULL when there is no such
 * table.  0 or -1 with err.
 */
int	rt_nft_snapshot(int netns_fd, struct rt_nft **out, char *err,
	    size_t errlen);

/*
 * Closes the netlink sockets kept, one per namespace used, since the
 * first call (closing one waits ~10 ms for the kernel to free what
 * earlier commits deleted; kept open, a run waits once).  Optional:
 * process exit closes them too.  Not thread-safe, as is this module.
 */
void	rt_nft_close(void);

/* Number of state-changing messages (NEW or DEL) sent in batches meant to
 * commit, since the process started. */
unsigned	rt_nft_msgs_sent(void);

#endif
