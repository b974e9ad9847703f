/*
 * state.h - the runtime's state directory:
 *
 *   lock                flock(2) held by every run that changes anything
 *   applied             what is live: bundle id, previous bundle id, boot
 *                       id and namespace identities (atomic rename = commit)
 *   bundles/<id>/       verified copies of the applied and previous bundles
 *   journal             inverse steps of the apply in progress (see exec.c)
 *   confirm             a pending --confirm revert: deadline and target
 *   instances/<id>/     lxc.env, dnsmasq.conf/.pid/.leases, udhcpc.pid
 */
#ifndef EDGENET_RT_STATE_H
#define EDGENET_RT_STATE_H

#include <stdint.h>

#include "bundle.h"
#include "ctx.h"

struct rt_nsid {
	char		id[RT_IDLEN];
	uint64_t	ino;		/* nsfs inode number */
	uint64_t	cookie;		/* SO_NETNS_COOKIE, 0 if unknown */
};

struct rt_applied {
	char		 bundle[65];	/* "" = nothing applied */
	char		 previous[65];	/* "" = none */
	char		 boot[40];
	char		 txn[40];	/* the apply that wrote this record */
	struct rt_nsid	 devns;		/* our own namespace (id unused) */
	struct rt_nsid	*ns;
	size_t		 nns, cap_ns;
};

/* Takes STATE/lock (creating STATE).  wait: block, else give up after
 * 30 s.  Returns the fd (keep it open) or -1 + err. */
int	rt_state_lock(struct rt_ctx *, int wait);
/* Writes STATE/name atomically (mode 0600).  0 or -1 + err. */
int	rt_state_put(struct rt_ctx *, const char *name, const void *p,
	    size_t n);
/* Missing file = nothing applied.  0 or -1 + err. */
int	rt_applied_read(struct rt_ctx *, struct rt_applied *);
int	rt_applied_write(struct rt_ctx *, const struct rt_applied *);
void	rt_applied_free(struct rt_applied *);
/* Recorded identity of namespace id, NULL if none. */
const struct rt_nsid *rt_applied_ns(const struct rt_applied *,
	    const char *id);
/* /proc/sys/kernel/random/boot_id. */
void	rt_boot_id(char out[40]);

/* Copies a verified bundle to STATE/bundles/<id> (no-op if present). */
int	rt_store_put(struct rt_ctx *, const struct rt_bundle *);
/* Loads and re-verifies STATE/bundles/<id>; id "" gives an empty bundle. */
int	rt_store_get(struct rt_ctx *, const char *id, struct rt_bundle *);
/* Removes stored bundles other than keep1 and keep2. */
void	rt_store_gc(struct rt_ctx *, const char *keep1, const char *keep2);
/* rm -r of STATE/instances/<id>. */
void	rt_state_drop_instance(struct rt_ctx *, const char *id);

/* Pending --confirm: revert to bundle `to` ("" = tear down) at deadline
 * unless confirmed; `from` is the bundle it guards. */
struct rt_confirm {
	long long	deadline;	/* CLOCK_REALTIME seconds */
	char		from[65];
	char		to[65];
};
/* 1 if pending (filled), 0 if none, -1 + err. */
int	rt_confirm_read(struct rt_ctx *, struct rt_confirm *);
int	rt_confirm_write(struct rt_ctx *, const struct rt_confirm *);
int	rt_confirm_clear(struct rt_ctx *);

#endif
