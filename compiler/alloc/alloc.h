/*
 * alloc.h - address allocation (edgenetc-input(5), "Allocation").
 *
 * Two layers:
 *
 *  1. alloc_space_*: a pure, in-memory, sparse allocator.  One space holds
 *     both families; each family is a binary trie over the address bits
 *     whose nodes exist only along held paths, and each node stores the
 *     largest free aligned order in its subtree.  "Lowest free aligned
 *     /P block inside pool N/Q" is one descent: O(address bits), no
 *     enumeration of candidates, memory proportional to what is held.
 *     A pool is a view (a subtree) of the space, so pools that overlap
 *     share their address space: a block held through one pool is used
 *     in every pool that contains it.
 *
 *  2. alloc_session_*: the rules of edgenetc-input(5), "Allocation" on top of a ledger (ledger.h):
 *     template blocks, shared ranges, fixed subnets and WAN addresses,
 *     read back or decided, recorded in the ledger.  Implemented in
 *     plan.c; fleet_plan_build() and the alloc verb use it.
 *
 * The pure rule helpers (alloc_host_range, alloc_lan_layout) are shared by
 * both and by the tests.
 */
#ifndef EDGENETC_ALLOC_H
#define EDGENETC_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "diag.h"
#include "model.h"
#include "plan.h"

struct alloc_space;

/* A new empty space; free with alloc_space_free() (NULL-safe). */
struct alloc_space *alloc_space_new(void);
void	 alloc_space_free(struct alloc_space *sp);

/*
 * Holds the block blk (its network / plen).  Returns 0 when taken, 1 when
 * exactly this block was already held (idempotent), -1 when it overlaps
 * something else that is held (nothing changes).
 */
int	 alloc_space_take(struct alloc_space *sp, const struct addr *blk);

/*
 * Releases a block taken with alloc_space_take() or alloc_space_get().
 * Returns 0, or -1 when exactly this block is not held (for example a
 * part of a larger held block, or a block covered by alloc_space_mark()).
 */
int	 alloc_space_put(struct alloc_space *sp, const struct addr *blk);

/*
 * Marks every address of [lo, hi] (host values of family) as used,
 * merging with whatever is held there already.  For reservations and for
 * loading ledger state; marked regions cannot be put back piecewise.
 */
void	 alloc_space_mark(struct alloc_space *sp, uint8_t family, u128 lo,
	    u128 hi);
void	 alloc_space_mark_block(struct alloc_space *sp, const struct addr *blk);

/* True when any address of blk is held or marked. */
bool	 alloc_space_used(const struct alloc_space *sp, const struct addr *blk);

/*
 * The lowest free aligned /plen block inside pool (its network / plen)
 * whose first address is >= from and whose last is <= to.  find only
 * looks; get also takes it.  Returns 0 with *out = network/plen, or -1
 * when there is none (the pool is exhausted within the bounds).
 * Requires pool->plen <= plen <= addr bits.
 */
int	 alloc_space_find(const struct alloc_space *sp, const struct addr *pool,
	    unsigned plen, u128 from, u128 to, struct addr *out);
int	 alloc_space_get(struct alloc_space *sp, const struct addr *pool,
	    unsigned plen, u128 from, u128 to, struct addr *out);

/* Bytes held by the space (its node arena's capacity and itself). */
size_t	 alloc_space_bytes(const struct alloc_space *sp);
/* Trie nodes in use (for tests and the benchmark). */
size_t	 alloc_space_nodes(const struct alloc_space *sp);

/*
 * Pure rules
 */

/*
 * The usable host addresses of subnet net, inclusive:
 *   one address (/32, /128):        [N, N]
 *   two addresses (/31, /127):      [N, N+1]  (RFC 3021, RFC 6164)
 *   IPv4 otherwise:                 [N+1, last-1] (no network, broadcast)
 *   IPv6 otherwise:                 [N+1, last] (no subnet-router anycast)
 */
void	 alloc_host_range(const struct addr *net, u128 *lo, u128 *hi);

/*
 * The LAN layout of block blk (network/plen) for a template or range
 * whose host offset is hoff (H_T or H_R): the interface address is
 * blk + hoff, or blk + 1 when hoff is 0 (blk itself for a one-address
 * block), with prefix length ifplen.  The DHCP pool runs from the
 * interface address + 1 to blk + size - 2; *has_pool is false when that
 * is empty (blocks of two addresses or fewer, or a large hoff).
 */
void	 alloc_lan_layout(const struct addr *blk, u128 hoff, uint8_t ifplen,
	    struct addr *ifaddr, bool *has_pool, struct addr *start,
	    struct addr *end);

/* Decimal text of v into buf (at least 40 bytes); returns buf. */
char	*alloc_u128_str(u128 v, char *buf, size_t len);

/*
 * Ledger-backed sessions (plan.c)
 */

struct ledger;
struct alloc_session;
struct json_t;

/*
 * A session over an open ledger, for one transaction: begin, any number
 * of alloc_session_instance(), then commit or rollback.  now is the
 * clock (seconds) for created/released times and cooldowns.
 * The session borrows l and d.
 */
struct alloc_session *alloc_session_new(struct ledger *l, struct diag_ctx *d,
	    int64_t now);
void	 alloc_session_free(struct alloc_session *s);
/* The clock for sessions: EDGENETC_NOW (seconds, for tests) or time(). */
int64_t	 alloc_now(void);
int	 alloc_session_begin(struct alloc_session *s);
int	 alloc_session_commit(struct alloc_session *s);
void	 alloc_session_rollback(struct alloc_session *s);
/*
 * A ledger's live instances with their leases, read in one pass
 * (ledger.h inst_live), for sessions to borrow: a whole fleet's plan then
 * asks the ledger only about instances it does not hold yet.  NULL with
 * the error in l->err.
 */
struct alloc_known;
struct alloc_known *alloc_known_read(struct ledger *l);
/* The same, read outside any session (a read of its own), remembering
 * the ledger's data version: a session uses it only when no other writer
 * committed since.  NULL when the backend cannot tell, or on error. */
struct alloc_known *alloc_known_snapshot(struct ledger *l);
void	 alloc_known_free(struct alloc_known *k);
/*
 * After begin: the session takes an instance's recorded generation from
 * k (borrowed; read from the ledger's content as it is in this
 * transaction, or a snapshot still current), or from the ledger read now
 * when k is NULL or a stale snapshot.  unasked() is then the number of live instances no
 * alloc_session_instance() asked for: the input's stale leases once the
 * whole input was planned.
 */
int	 alloc_session_preload(struct alloc_session *s, struct alloc_known *k);
size_t	 alloc_session_unasked(const struct alloc_session *s);
/* Whether the ledger failed in this session (a lost connection, an
 * aborted transaction): nothing more it asks can succeed. */
bool	 alloc_session_broken(const struct alloc_session *s);
/* A service's network_config as the ledger records it (canonical JSON;
 * free it). */
char	*alloc_netcfg_json(const struct service *svc);
/* The number of services whose network_config the session replaced by
 * the one recorded at their first import. */
size_t	 alloc_session_netcfg_replaced(const struct alloc_session *s);

/*
 * Makes or reads back every decision of one instance (LAN and WAN, both
 * families) and fills *out.  svc is the service as loaded (its
 * network_config may be replaced by the one recorded at its first
 * import, with a warning).  dev may be NULL when the device is not in
 * the loaded spec: device-scoped decisions then come from the ledger
 * only, and no WAN address is allocated.  inst may be NULL.  Returns 0,
 * or -1 with an error in the session's diag context (nothing of this
 * instance is recorded once the caller rolls back).
 */
int	 alloc_session_instance(struct alloc_session *s, struct service *svc,
	    const struct device *dev, const char *device_id,
	    const struct instance *inst, const char *instance_id,
	    struct inst_plan *out);

/*
 * Records (or checks against the ledger) every service of f up front:
 * network_config immutability, and every dhcp_range reserved before any
 * template block is chosen.  0 or -1.
 */
int	 alloc_session_fleet(struct alloc_session *s, struct fleet *f);

/*
 * Releases the live generation of instance (only if it is gen, when gen
 * is not 0); its leases stay out of reuse for cooldown seconds.  *cur
 * receives the live generation (0 if none).  Returns 0 released, 1
 * nothing live (idempotent), 2 stale (gen is not the live generation:
 * nothing changes), -1 on a ledger error (diagnostic added).
 */
int	 alloc_session_release(struct alloc_session *s, const char *instance,
	    int64_t gen, int64_t cooldown, int64_t *cur);

#endif
