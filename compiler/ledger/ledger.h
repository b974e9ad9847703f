/*
 * ledger.h - where allocation decisions are kept (edgenetc-input(5), "Allocation").
 *
 * The ledger is a small ops table so that backends can be swapped without
 * touching the allocator: ledger_sqlite.c (embedded SQLite, the default)
 * and ledger_pg.c (PostgreSQL, for fleets served by several orchestrator
 * replicas); they are the only files with SQL.  A backend stores:
 *
 *   services   name, the canonical JSON of its first network_config (never
 *              changes), the latest dhcp_range seen (a reservation);
 *   instances  one row per generation: instance id, service, device,
 *              created, released and reusable_at times.  The generation
 *              is a ledger-wide, never reused number; an instance has at
 *              most one live (not released) generation;
 *   leases     what a generation holds: kind, scope (fleet-wide or one
 *              device), family, the held block, the pool it came from,
 *              the interface or WAN address, the DHCP pool, times.
 *
 * A lease is *active* while it is live or within its cooldown: active
 * leases are what the allocator must not hand out again.  Active leases
 * of one scope and family never overlap, except SHARED leases of the same
 * range (ledger verify checks this).
 *
 * Every call returns 0 (or a documented positive value) on success and -1
 * on failure with a message in l->err.  All writes happen between begin()
 * (an exclusive write transaction that waits for other writers) and
 * commit()/rollback().
 */
#ifndef EDGENETC_LEDGER_H
#define EDGENETC_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define LEDGER_ERRLEN	512

enum lease_kind {
	LEASE_BLOCK = 1,	/* template block, fleet-wide */
	LEASE_SHARED,		/* the service's dhcp_range, fleet-wide, shared */
	LEASE_FIXED,		/* fixed-subnet LAN address, on one device */
	LEASE_WAN,		/* WAN address, on one device */
};

struct lease {
	int64_t		 gen;
	enum lease_kind	 kind;
	char		*scope;		/* NULL: fleet-wide; else a device id */
	struct addr	 held;		/* the held block, network/plen */
	struct addr	 pool;		/* the pool or subnet, network/plen */
	uint8_t		 tplen;		/* BLOCK: template prefix; else held */
	struct addr	 address;	/* interface or WAN address, A/P */
	bool		 has_pool;
	struct addr	 pool_start;	/* DHCP pool, host addresses */
	struct addr	 pool_end;
	int64_t		 created;
	int64_t		 released;	/* 0 = live */
	int64_t		 reusable_at;	/* end of the cooldown; 0 = none */
	/* filled by scans only (borrowed, valid during the callback) */
	const char	*instance;
	const char	*service;
	const char	*device;
};

/* One generation of an instance, with its leases (all owned). */
struct ledger_inst {
	int64_t		 gen;
	char		*instance;
	char		*service;
	char		*device;
	int64_t		 created;
	int64_t		 released;	/* 0 = live */
	int64_t		 reusable_at;
	struct lease	*leases;
	size_t		 n_leases, cap_leases;
};

struct ledger_svc {
	char		*name;
	char		*netcfg;	/* canonical JSON of the first import */
	bool		 has_range;
	struct addr	 range;		/* dhcp_range, network/plen */
	int64_t		 created;
};

struct ledger;

typedef int	(*ledger_lease_fn)(void *arg, const struct lease *ls);
/* May keep in's content: it then leaves *in zeroed (the scan's
 * ledger_inst_fini() frees nothing). */
typedef int	(*ledger_inst_fn)(void *arg, struct ledger_inst *in);
typedef int	(*ledger_svc_fn)(void *arg, const struct ledger_svc *sv);
typedef int	(*ledger_range_fn)(void *arg, uint8_t family, u128 lo, u128 hi);
typedef int	(*ledger_id_fn)(void *arg, const char *instance);

struct ledger_ops {
	const char	*name;
	/* where: a path (SQLite), ":memory:", or a backend URL */
	int	(*open)(struct ledger *l, const char *where);
	void	(*close)(struct ledger *l);
	int	(*begin)(struct ledger *l);
	int	(*commit)(struct ledger *l);
	int	(*rollback)(struct ledger *l);
	/* Retires released leases whose cooldown ended by now. */
	int	(*expire)(struct ledger *l, int64_t now);

	/* The live generation of instance: 0 found (*out filled, free with
	 * ledger_inst_fini), 1 none.  Only its live leases are loaded. */
	int	(*inst_get)(struct ledger *l, const char *instance,
		    struct ledger_inst *out);
	/* A new live generation; *gen receives its number.  Returns 1 (and
	 * adds nothing) when the instance has a live generation already. */
	int	(*inst_add)(struct ledger *l, const char *instance,
		    const char *service, const char *device, int64_t now,
		    int64_t *gen);
	int	(*inst_set_device)(struct ledger *l, int64_t gen,
		    const char *device);
	/* Releases the generation and all its leases; they stay active
	 * until now + cooldown. */
	int	(*inst_release)(struct ledger *l, int64_t gen, int64_t now,
		    int64_t cooldown);
	int	(*lease_add)(struct ledger *l, const struct lease *ls);
	/* Releases the live leases of kind of generation gen (no cooldown). */
	int	(*lease_release)(struct ledger *l, int64_t gen,
		    enum lease_kind kind, int64_t now);
	/*
	 * Calls fn for every active lease of scope (NULL = fleet-wide) and
	 * family that overlaps [lo, hi], in no particular order.  fn returns
	 * 0 to go on, else the scan stops and returns that value.
	 */
	int	(*lease_scan)(struct ledger *l, const char *scope, uint8_t family,
		    u128 lo, u128 hi, ledger_lease_fn fn, void *arg);
	/* Every active lease, ordered by scope (fleet first), family, lo. */
	int	(*lease_scan_all)(struct ledger *l, ledger_lease_fn fn,
		    void *arg);
	/* Like lease_scan, but only the held ranges [lo, hi]: what the
	 * allocator loads, without reading or parsing the rest. */
	int	(*lease_ranges)(struct ledger *l, const char *scope,
		    uint8_t family, u128 lo, u128 hi, ledger_range_fn fn,
		    void *arg);

	/*
	 * Pool watermarks: for pool (network/plen) and block size /tplen,
	 * no free aligned block starts below next (or, full, there is none
	 * in the pool).  A hint that lets an allocation read only the leases
	 * past it instead of the whole pool.  The backend must drop every
	 * watermark whose pool overlaps space that is freed: a fleet-wide
	 * lease that stops being active (release without cooldown, expire)
	 * or a service's dhcp_range that changes.  0 found, 1 none.
	 */
	int	(*hint_get)(struct ledger *l, const struct addr *pool,
		    unsigned tplen, bool *full, u128 *next);
	int	(*hint_put)(struct ledger *l, const struct addr *pool,
		    unsigned tplen, bool full, u128 next);

	/* 0 found (*out filled, free with ledger_svc_fini), 1 none. */
	int	(*svc_get)(struct ledger *l, const char *name,
		    struct ledger_svc *out);
	/* Inserts the service, or updates only its range (the first
	 * network_config is kept). */
	int	(*svc_put)(struct ledger *l, const struct ledger_svc *sv);
	int	(*svc_scan)(struct ledger *l, ledger_svc_fn fn, void *arg);
	/* Instances ordered by id then generation, with their leases:
	 * live ones only, or every generation ever (all). */
	int	(*inst_scan)(struct ledger *l, bool all, ledger_inst_fn fn,
		    void *arg);
	/* The live generations with their leases, like inst_scan(false)
	 * but in no particular order, read the fastest way the backend has
	 * (a whole fleet's plan).  Optional: NULL means callers use
	 * inst_scan.  fn must not use the ledger. */
	int	(*inst_live)(struct ledger *l, ledger_inst_fn fn, void *arg);
	/* A number that changes whenever another connection or process
	 * commits to the store: what was read before is still true while
	 * it stays the same.  Optional: NULL means never known unchanged. */
	int	(*data_version)(struct ledger *l, int64_t *v);
	/* The ids of the live instances, in id order, without loading their
	 * leases (compile's stale-lease count).  Optional: NULL means
	 * callers use inst_scan. */
	int	(*inst_ids)(struct ledger *l, ledger_id_fn fn, void *arg);
	/* The backend's own storage check; problems as text lines through
	 * fn.  Returns the number of problems, or -1. */
	int	(*integrity)(struct ledger *l,
		    void (*fn)(void *arg, const char *problem), void *arg);
	/* Schema version of the open store. */
	int	(*schema)(struct ledger *l);

	/* ledger copy, into an empty ledger inside one transaction: writes
	 * a generation as it is (its number, times and every lease, active
	 * or not: a released lease is active while its cooldown lasts past
	 * now);
	 * import_done() then sets what follows from them (the next
	 * generation number, ...). */
	int	(*import_inst)(struct ledger *l, const struct ledger_inst *in,
		    int64_t now);
	int	(*import_done)(struct ledger *l);
};

struct ledger {
	const struct ledger_ops *ops;
	void		*impl;
	char		*where;		/* for messages: never a password */
	/*
	 * Set before open(): the backend never creates, migrates or writes
	 * the store.  Every op still works, on a private view that starts
	 * as the store's content (empty when there is no store) and is
	 * dropped at close: what explain and diff plan against.
	 */
	bool		 readonly;
	char		 err[LEDGER_ERRLEN];
	/* the last failure may not happen again: run the whole
	 * transaction again (a deadlock, a serialization failure, a
	 * conflict that another replica's commit caused) */
	bool		 retry;
	/* the last commit was sent and its answer lost (the connection
	 * dropped): it may have taken effect; asking again is safe, an
	 * instance's allocation is idempotent */
	bool		 in_doubt;
};

extern const struct ledger_ops ledger_sqlite_ops;
extern const struct ledger_ops ledger_pg_ops;

/* A PostgreSQL connection URL (postgresql:// or postgres://)? */
bool		 ledger_is_pg(const char *where);

/*
 * A private view of the PostgreSQL ledger at where: its content copied
 * into an in-memory ledger that may be changed freely and is dropped at
 * close (what explain and diff plan against).  Nothing is written to
 * the server, which may be a standby; a database without the schema is
 * an empty ledger.  l->where names the server.  NULL with err on
 * failure.
 */
struct ledger	*ledger_pg_view(const char *where, char *err, size_t errlen);
/*
 * The PostgreSQL ledger at where as it is, to read from (ledger show,
 * verify, copy --from): every read sees one snapshot; nothing is
 * created or written.  A database without the schema is refused, as a
 * missing SQLite file is.  NULL with err on failure.
 */
struct ledger	*ledger_pg_source(const char *where, char *err, size_t errlen);
/* ledger_pg.c: pg's open() that never creates, migrates or writes. */
int		 ledger_pg_open_readonly(struct ledger *l, const char *where);

/*
 * Opens the ledger at where and picks the backend from its form
 * ("postgresql://..." or "postgres://...": PostgreSQL, ledger_pg.c;
 * anything else is a SQLite file path or ":memory:").  Returns a new
 * ledger, or NULL with a message in err.
 */
struct ledger	*ledger_open(const char *where, char *err, size_t errlen);
void		 ledger_close(struct ledger *l);	/* NULL-safe */
/* Like ledger_open, with l->readonly set: a missing store is an empty
 * one, nothing is ever written to where. */
struct ledger	*ledger_open_readonly(const char *where, char *err,
		    size_t errlen);

/*
 * After a failed transaction: true when l->retry says another attempt
 * may succeed and fewer than EDGENETC_LEDGER_TRIES (default 10) were
 * made (attempt counts from 0); then waits a short, growing, jittered
 * time first.  The caller runs the whole transaction again.
 */
bool	 ledger_retry_again(struct ledger *l, int attempt);

/*
 * Copies every service and every generation of src into dst (ledger
 * copy), inside one transaction of dst: dst is unchanged on failure.
 * Released leases whose cooldown ends by now are copied inactive.
 * Counts what was copied when n_svcs/n_insts are not NULL.  Returns 0,
 * or -1 with the message in dst->err (a failure of src: in src->err).
 */
int	 ledger_copy_into(struct ledger *src, struct ledger *dst, int64_t now,
	    size_t *n_svcs, size_t *n_insts);

/* "schema version v is newer than this edgenetc understands (known)". */
int	 ledger_fail_newer(struct ledger *l, int v, int known);

/* Sets l->err; returns -1. */
int	 ledger_fail(struct ledger *l, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* 0 when id is a lease id of generation gen (gen * 256 + 0..255, the
 * next one a backend would give), else -1 with l->err. */
int	 ledger_lease_id_check(struct ledger *l, int64_t gen, int64_t id);

/* A lease's addresses as the backends store them: "A/P" text, and the
 * DHCP pool's ends as bare addresses. */
struct lease_text {
	bool		 has_addr, has_pool;
	char		 blk[ADDR_STRLEN], pool[ADDR_STRLEN], addr[ADDR_STRLEN];
	char		 ps[ADDR_STRLEN], pe[ADDR_STRLEN];
};

void	 lease_text(const struct lease *ls, struct lease_text *t);
/*
 * Parses s, the stored text of an address in column col ("A/P", or "A"
 * with host) into *out.  s NULL: 0 with *present false when present is
 * given, else an error.  -1 with l->err on a bad address.
 */
int	 ledger_parse_addr(struct ledger *l, const char *s, const char *col,
	    bool host, struct addr *out, bool *present);

void	 ledger_inst_fini(struct ledger_inst *in);
void	 ledger_svc_fini(struct ledger_svc *sv);
void	 lease_fini(struct lease *ls);
/* Appends a deep copy of ls (strings duplicated) to in->leases. */
void	 ledger_inst_add_lease(struct ledger_inst *in, const struct lease *ls);

#ifdef UNITTESTS
/* ledger_sqlite.c: bring an open store's schema to version target. */
int	 ledger_sqlite_migrate(struct ledger *l, int target);
/* ledger_pg.c: the same; and the password-free name of a server. */
int	 ledger_pg_migrate(struct ledger *l, int target);
char	*ledger_pg_describe(const char *where);
#endif

const char	*lease_kind_name(enum lease_kind k);
/* "block" | "shared" | "fixed" | "wan" -> 0, else -1 */
int		 lease_kind_parse(const char *s, enum lease_kind *out);

#endif
