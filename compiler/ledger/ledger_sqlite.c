/*
 * ledger_sqlite.c - the embedded SQLite ledger backend (ledger.h).  The
 * only file in the project with SQL in it.
 *
 * Durability and concurrency: WAL journal, synchronous=FULL (an answer
 * printed after commit survives a crash of the process or the machine),
 * every write transaction is BEGIN IMMEDIATE (it takes the write lock up
 * front, so two allocators never decide on the same snapshot), and a
 * busy handler (sq_busy) makes concurrent callers wait for each other
 * instead of failing.  EDGENETC_LEDGER_BUSY_MS overrides the timeout
 * (default 60000); EDGENETC_LEDGER_SYNC=normal trades the machine-crash
 * guarantee for speed.  The WAL file is kept between processes and
 * checkpointed only when it has grown (sq_checkpoint).
 *
 * The schema is versioned with PRAGMA user_version; migrations[] holds
 * one step per version and is applied in one transaction at open.  A
 * store newer than this program is refused.
 *
 * Addresses are kept twice: as text ("10.190.0.0/24", what a human or
 * another backend reads) and, for range queries, as big-endian blobs
 * lo/hi of the family's width, 4 bytes for IPv4 and 16 for IPv6 (SQLite
 * compares blobs with memcmp, which is numeric order for fixed-width
 * big-endian, and family comes first in every key).  Schema 1 had 16
 * bytes for both; migration 2 cuts IPv4 ones to 4 (a fifth of the bytes
 * a batch allocation writes).  The watermark and service blobs stay 16.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "ledger.h"
#include "xalloc.h"

#define BUSY_MS_DEFAULT	60000
#define WAL_CKPT_BYTES	(256L << 10)	/* see sq_open() */

/* Version n is reached by running migrations[n - 1]. */
static const char *const migrations[] = {
	/* 1: initial schema */
	"CREATE TABLE service ("
	"  name TEXT PRIMARY KEY,"
	"  netcfg TEXT NOT NULL,"
	"  range_family INTEGER,"
	"  range_net BLOB,"
	"  range_plen INTEGER,"
	"  created INTEGER NOT NULL"
	");"
	"CREATE TABLE instance ("
	"  gen INTEGER PRIMARY KEY,"
	"  instance TEXT NOT NULL,"
	"  service TEXT NOT NULL,"
	"  device TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  released INTEGER,"
	"  reusable_at INTEGER"
	");"
	"CREATE UNIQUE INDEX instance_live ON instance(instance)"
	"  WHERE released IS NULL;"
	"CREATE TABLE lease ("
	"  id INTEGER PRIMARY KEY,"	/* gen * 256 + n: see LEASE_ID */
	"  gen INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  scope TEXT NOT NULL,"
	"  family INTEGER NOT NULL,"
	"  lo BLOB NOT NULL,"
	"  hi BLOB NOT NULL,"
	"  pool TEXT NOT NULL,"
	"  tplen INTEGER NOT NULL,"
	"  block TEXT NOT NULL,"
	"  address TEXT,"
	"  pool_start TEXT,"
	"  pool_end TEXT,"
	"  created INTEGER NOT NULL,"
	"  released INTEGER,"
	"  reusable_at INTEGER,"
	"  active INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE INDEX lease_space ON lease(scope, family, lo, hi)"
	"  WHERE active = 1;"
	"CREATE TABLE watermark ("
	"  family INTEGER NOT NULL,"
	"  region BLOB NOT NULL,"
	"  region_hi BLOB NOT NULL,"
	"  plen INTEGER NOT NULL,"
	"  tplen INTEGER NOT NULL,"
	"  next BLOB,"
	"  PRIMARY KEY (family, region, plen, tplen)"
	") WITHOUT ROWID;"
	"CREATE INDEX lease_cooling ON lease(reusable_at)"
	"  WHERE active = 1 AND released IS NOT NULL;",
	/* 2: IPv4 lease ranges as 4-byte blobs (space_be) */
	"UPDATE lease SET lo = substr(lo, 13, 4), hi = substr(hi, 13, 4)"
	"  WHERE family = 4 AND length(lo) = 16;",
};

#define SCHEMA_VERSION	((int)ARRAY_SIZE(migrations))

/*
 * A lease's id is its generation * 256 + its number within it, so the
 * leases of a generation are a rowid range: no index on gen to keep up.
 */
#define LEASE_OF(g)	"l.id BETWEEN " g " * 256 AND " g " * 256 + 255"

#define LEASE_COLS \
	"l.gen, l.kind, l.scope, l.family, l.pool, l.tplen, l.block, " \
	"l.address, l.pool_start, l.pool_end, l.created, l.released, " \
	"l.reusable_at, i.instance, i.service, i.device "

enum q {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_EXPIRE,
	Q_INST_GET, Q_LEASES_LIVE, Q_INST_ADD, Q_INST_SETDEV,
	Q_INST_REL, Q_LEASE_REL_GEN, Q_LEASE_REL_KIND, Q_LEASE_MAXID,
	Q_SCAN_IN, Q_SCAN_BELOW, Q_SCAN_ALL, Q_RANGES_IN, Q_RANGES_BELOW,
	Q_HINT_GET, Q_HINT_PUT, Q_HINT_DROP, Q_FREED_GEN, Q_FREED_EXPIRE,
	Q_SVC_GET, Q_SVC_PUT, Q_SVC_SCAN, Q_INST_LIVE, Q_INST_EVERY,
	Q_INST_IDS, Q_GENS_LIVE, Q_LEASES_BY_ID, Q_DATA_VERSION, Q__N
};

static const char *const sql[Q__N] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_EXPIRE] = "UPDATE lease SET active = 0 WHERE active = 1 AND "
	    "released IS NOT NULL AND reusable_at <= ?1",
	[Q_INST_GET] = "SELECT gen, instance, service, device, created, "
	    "released, reusable_at FROM instance "
	    "WHERE instance = ?1 AND released IS NULL",
	[Q_LEASES_LIVE] = "SELECT " LEASE_COLS "FROM lease l JOIN instance i "
	    "ON i.gen = l.gen WHERE " LEASE_OF("?1") " AND l.released IS NULL "
	    "ORDER BY l.id",
	/* ignored (changes() == 0) when a live generation exists */
	[Q_INST_ADD] = "INSERT OR IGNORE INTO instance (instance, service, "
	    "device, created) VALUES (?1, ?2, ?3, ?4)",
	[Q_INST_SETDEV] = "UPDATE instance SET device = ?2 WHERE gen = ?1",
	[Q_INST_REL] = "UPDATE instance SET released = ?2, reusable_at = ?3 "
	    "WHERE gen = ?1 AND released IS NULL",
	[Q_LEASE_REL_GEN] = "UPDATE lease AS l SET released = ?2, "
	    "reusable_at = ?3, active = (?3 > ?2) "
	    "WHERE " LEASE_OF("?1") " AND released IS NULL",
	[Q_LEASE_REL_KIND] = "UPDATE lease AS l SET released = ?3, "
	    "reusable_at = ?3, active = 0 "
	    "WHERE " LEASE_OF("?1") " AND kind = ?2 AND released IS NULL",
	/* the next lease id of a generation (inserts: sq_ins_sql) */
	[Q_LEASE_MAXID] = "SELECT coalesce(max(l.id) + 1, ?1 * 256) FROM "
	    "lease l WHERE " LEASE_OF("?1"),
	[Q_SCAN_IN] = "SELECT " LEASE_COLS "FROM lease l JOIN instance i "
	    "ON i.gen = l.gen WHERE l.active = 1 AND l.scope = ?1 AND "
	    "l.family = ?2 AND l.lo BETWEEN ?3 AND ?4",
	/* the lease starting below lo that may reach into the range: active
	 * leases do not overlap, so only the nearest one can */
	[Q_SCAN_BELOW] = "SELECT " LEASE_COLS "FROM lease l JOIN instance i "
	    "ON i.gen = l.gen WHERE l.active = 1 AND l.scope = ?1 AND "
	    "l.family = ?2 AND l.hi >= ?3 AND l.lo = (SELECT max(lo) FROM "
	    "lease WHERE active = 1 AND scope = ?1 AND family = ?2 AND "
	    "lo < ?3)",
	[Q_SCAN_ALL] = "SELECT " LEASE_COLS "FROM lease l JOIN instance i "
	    "ON i.gen = l.gen WHERE l.active = 1 "
	    "ORDER BY l.scope, l.family, l.lo, l.hi, l.id",
	/* the same two, from the covering index alone */
	[Q_RANGES_IN] = "SELECT lo, hi FROM lease WHERE active = 1 AND "
	    "scope = ?1 AND family = ?2 AND lo BETWEEN ?3 AND ?4",
	[Q_RANGES_BELOW] = "SELECT lo, hi FROM lease WHERE active = 1 AND "
	    "scope = ?1 AND family = ?2 AND hi >= ?3 AND lo = (SELECT max(lo) "
	    "FROM lease WHERE active = 1 AND scope = ?1 AND family = ?2 AND "
	    "lo < ?3)",
	[Q_HINT_GET] = "SELECT next FROM watermark WHERE family = ?1 AND "
	    "region = ?2 AND plen = ?3 AND tplen = ?4",
	[Q_HINT_PUT] = "INSERT OR REPLACE INTO watermark (family, region, "
	    "region_hi, plen, tplen, next) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* every hint whose pool overlaps [?2, ?3] */
	[Q_HINT_DROP] = "DELETE FROM watermark WHERE family = ?1 AND "
	    "region <= ?3 AND region_hi >= ?2",
	/* fleet-wide leases about to stop being active */
	[Q_FREED_GEN] = "SELECT family, lo, hi FROM lease l WHERE "
	    LEASE_OF("?1") " AND released IS NULL AND active = 1 AND "
	    "scope = ''",
	[Q_FREED_EXPIRE] = "SELECT family, lo, hi FROM lease "
	    "INDEXED BY lease_cooling WHERE active = 1 AND "
	    "released IS NOT NULL AND reusable_at <= ?1 AND scope = ''",
	[Q_SVC_GET] = "SELECT name, netcfg, range_family, range_net, "
	    "range_plen, created FROM service WHERE name = ?1",
	[Q_SVC_PUT] = "INSERT INTO service (name, netcfg, range_family, "
	    "range_net, range_plen, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT (name) DO UPDATE SET "
	    "range_family = excluded.range_family, "
	    "range_net = excluded.range_net, "
	    "range_plen = excluded.range_plen",
	[Q_SVC_SCAN] = "SELECT name, netcfg, range_family, range_net, "
	    "range_plen, created FROM service ORDER BY name",
	/* one pass: each generation's rows, its leases in id order (a
	 * generation without leases is one row of NULL lease columns) */
	[Q_INST_LIVE] = "SELECT " LEASE_COLS ", i.gen, i.created, "
	    "i.released, i.reusable_at FROM instance i LEFT JOIN lease l ON "
	    LEASE_OF("i.gen") " AND l.released IS NULL "
	    "WHERE i.released IS NULL ORDER BY i.instance, i.gen, l.id",
	[Q_INST_EVERY] = "SELECT " LEASE_COLS ", i.gen, i.created, "
	    "i.released, i.reusable_at FROM instance i LEFT JOIN lease l ON "
	    LEASE_OF("i.gen") " ORDER BY i.instance, i.gen, l.id",
	[Q_INST_IDS] = "SELECT instance FROM instance WHERE released IS NULL "
	    "ORDER BY instance",
	/* inst_live: two scans in rowid order, merged */
	[Q_GENS_LIVE] = "SELECT gen, instance, service, device, created, "
	    "released, reusable_at FROM instance WHERE released IS NULL "
	    "ORDER BY gen",
	[Q_LEASES_BY_ID] = "SELECT l.gen, l.kind, l.scope, l.family, l.pool, "
	    "l.tplen, l.block, l.address, l.pool_start, l.pool_end, "
	    "l.created, l.released, l.reusable_at, NULL, NULL, NULL "
	    "FROM lease l WHERE l.released IS NULL ORDER BY l.id",
	[Q_DATA_VERSION] = "PRAGMA data_version",
};

/*
 * New leases are not inserted one statement each: lease_add() queues
 * them (struct pend) and they are written PEND_MAX rows per INSERT, or
 * one by one when fewer are queued, before any other statement runs
 * (sq_stmt) and before the commit.  A statement per row costs its
 * setup, its cursors' descent from the root of the table and of the
 * lease_space index, and its teardown; one statement of 32 rows keeps
 * the cursors where the last row went, and allocation appends.  The
 * queue is invisible to everything but the next statement, which
 * writes it first: every read sees every lease added before it.  A
 * failed write is reported by the call that wrote the queue, and the
 * transaction is then rolled back by the caller as for any error.
 * Hence OR FAIL: under the default ABORT a multi-row VALUES keeps a
 * statement journal to undo its own earlier rows, for nothing, since
 * the whole transaction goes.  The constraints are the same.
 */
#define PEND_MAX	32
#define LEASE_INS_COLS	14

static const char lease_ins_head[] = "INSERT OR FAIL INTO lease (id, gen, "
    "kind, scope, family, lo, hi, pool, tplen, block, address, pool_start, "
    "pool_end, created) VALUES ";

struct pend {
	int64_t		 id, gen, created;
	const char	*kind;		/* static */
	char		*scope;		/* owned; NULL: fleet-wide */
	int		 family, tplen, width;	/* width: of lo, hi */
	unsigned char	 lo[16], hi[16];
	struct lease_text t;
};

static bool sq_configured;

struct sq {
	sqlite3		*db;
	sqlite3_stmt	*st[Q__N];
	bool		 in_tx;
	long		 busy_ms;
	struct timespec	 busy_since;
	uint64_t	 rnd;
	/* the next lease id of generation id_gen, when known (0: none): a
	 * generation added or written to in this transaction */
	int64_t		 id_gen, id_next;
	sqlite3_stmt	*ins1, *insn;	/* 1 and PEND_MAX rows */
	struct pend	 pend[PEND_MAX];
	size_t		 n_pend;
	bool		 mem;		/* in memory: no WAL, no checkpoint */
};

static struct sq *
sq_of(struct ledger *l)
{
	return l->impl;
}

static int
sq_fail(struct ledger *l, const char *what)
{
	struct sq *q = sq_of(l);

	return ledger_fail(l, "%s: %s: %s", l->where, what,
	    q != NULL && q->db != NULL ? sqlite3_errmsg(q->db) : "?");
}

static int	sq_flush(struct ledger *l);
static void	sq_discard(struct sq *q);

/*
 * The prepared statement id, reset.  Queued leases are written first
 * (or, for a rollback, dropped), except before the statements that never
 * read them: BEGIN and the instance insert.
 */
static sqlite3_stmt *
sq_stmt(struct ledger *l, enum q id)
{
	struct sq *q = sq_of(l);

	if (id == Q_ROLLBACK)
		sq_discard(q);
	else if (q->n_pend != 0 && id != Q_BEGIN && id != Q_INST_ADD &&
	    sq_flush(l) != 0)
		return NULL;

	if (q->st[id] == NULL &&
	    sqlite3_prepare_v3(q->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
	    &q->st[id], NULL) != SQLITE_OK) {
		sq_fail(l, "prepare");
		return NULL;
	}
	/* no sqlite3_clear_bindings(): every caller binds every parameter
	 * (NULL explicitly), and a kept binding keeps its buffer */
	sqlite3_reset(q->st[id]);
	return q->st[id];
}

/* Runs a statement that returns no rows. */
static int
sq_done(struct ledger *l, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_fail(l, what);
	return 0;
}

static void
u128_be(u128 v, unsigned char out[16])
{
	int i;

	for (i = 15; i >= 0; i--) {
		out[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static u128
be_u128(const unsigned char *p, int n)
{
	u128 v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Bytes of a lease range blob (lo, hi) of family. */
#define SPACE_LEN(fam)	((fam) == ADDR_V4 ? 4 : 16)

/* v as a lease range blob of family into out; returns its length. */
static int
space_be(uint8_t family, u128 v, unsigned char out[16])
{
	unsigned char b[16];
	int n = SPACE_LEN(family);

	u128_be(v, b);
	memcpy(out, b + 16 - n, (size_t)n);
	return n;
}

static void
bind_space(sqlite3_stmt *st, int i, uint8_t family, u128 v)
{
	unsigned char b[16];
	int n = space_be(family, v, b);

	sqlite3_bind_blob(st, i, b, n, SQLITE_TRANSIENT);
}

static void
bind_u128(sqlite3_stmt *st, int i, u128 v)
{
	unsigned char b[16];

	u128_be(v, b);
	sqlite3_bind_blob(st, i, b, sizeof(b), SQLITE_TRANSIENT);
}


static const char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : NULL;
}

/* Parses an address column; -1 when present but not an address. */
static int
col_addr(struct ledger *l, sqlite3_stmt *st, int i, bool host,
    struct addr *out, bool *present)
{
	return ledger_parse_addr(l, col_text(st, i), sqlite3_column_name(st,
	    i), host, out, present);
}

/* Reads a row of LEASE_COLS; ls->scope is set to a borrowed string. */
static int
sq_read_lease(struct ledger *l, sqlite3_stmt *st, struct lease *ls)
{
	const char *kind = col_text(st, 1), *scope = col_text(st, 2);
	bool has_end;

	memset(ls, 0, sizeof(*ls));
	ls->gen = sqlite3_column_int64(st, 0);
	if (kind == NULL || lease_kind_parse(kind, &ls->kind) != 0)
		return ledger_fail(l, "%s: lease of generation %lld has bad "
		    "kind '%s'", l->where, (long long)ls->gen,
		    kind ? kind : "(null)");
	ls->scope = (scope != NULL && scope[0] != '\0') ? (char *)scope :
	    NULL;
	if (col_addr(l, st, 4, false, &ls->pool, NULL) != 0 ||
	    col_addr(l, st, 6, false, &ls->held, NULL) != 0 ||
	    col_addr(l, st, 7, false, &ls->address, NULL) != 0 ||
	    col_addr(l, st, 8, true, &ls->pool_start, &ls->has_pool) != 0 ||
	    col_addr(l, st, 9, true, &ls->pool_end, &has_end) != 0)
		return -1;
	if (ls->has_pool != has_end)
		return ledger_fail(l, "%s: lease of generation %lld has "
		    "half a DHCP pool", l->where, (long long)ls->gen);
	ls->tplen = (uint8_t)sqlite3_column_int(st, 5);
	ls->created = sqlite3_column_int64(st, 10);
	ls->released = sqlite3_column_int64(st, 11);
	ls->reusable_at = sqlite3_column_int64(st, 12);
	ls->instance = col_text(st, 13);
	ls->service = col_text(st, 14);
	ls->device = col_text(st, 15);
	return 0;
}

static int
sq_exec(struct ledger *l, const char *s, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(sq_of(l)->db, s, NULL, NULL, &msg) != SQLITE_OK) {
		ledger_fail(l, "%s: %s: %s", l->where, what,
		    msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
sq_user_version(struct ledger *l, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(sq_of(l)->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return sq_fail(l, "read schema version");
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sq_fail(l, "read schema version");
	return 0;
}

/*
 * Brings the schema to SCHEMA_VERSION (or to target, for tests) in one
 * write transaction, so that two processes opening a new file at once do
 * not both create it: the second waits, then sees the new version.
 */
STATIC int
ledger_sqlite_migrate(struct ledger *l, int target)
{
	char buf[64];
	int v, i;

	if (sq_exec(l, "BEGIN IMMEDIATE", "begin migration") != 0)
		return -1;
	if (sq_user_version(l, &v) != 0)
		goto fail;
	if (v > SCHEMA_VERSION) {
		ledger_fail_newer(l, v, SCHEMA_VERSION);
		goto fail;
	}
	for (i = v; i < target; i++) {
		if (sq_exec(l, migrations[i], "migrate schema") != 0)
			goto fail;
		snprintf(buf, sizeof(buf), "PRAGMA user_version = %d", i + 1);
		if (sq_exec(l, buf, "set schema version") != 0)
			goto fail;
	}
	return sq_exec(l, "COMMIT", "commit migration");
fail:
	sqlite3_exec(sq_of(l)->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static long
env_long(const char *name, long def, long min, long max)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return def;
	return v;
}

/*
 * Waits for the write lock in short, jittered steps: SQLite's own busy
 * handler sleeps up to 100 ms at a time, which makes eight concurrent
 * allocators mostly sleep.  Gives up after the timeout.
 */
static int
sq_busy(void *arg, int n)
{
	struct sq *q = arg;
	struct timespec ts;
	long step;

	if (n == 0)
		clock_gettime(CLOCK_MONOTONIC, &q->busy_since);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((ts.tv_sec - q->busy_since.tv_sec) * 1000 +
	    (ts.tv_nsec - q->busy_since.tv_nsec) / 1000000 >= q->busy_ms)
		return 0;
	/* 50 us doubling to 2 ms, plus jitter so waiters do not march */
	step = 50000L << (n < 6 ? n : 5);
	q->rnd = q->rnd * 6364136223846793005ULL + 1442695040888963407ULL;
	step += (long)((q->rnd >> 33) % (uint64_t)step);
	ts.tv_sec = 0;
	ts.tv_nsec = step;
	nanosleep(&ts, NULL);
	return 1;
}

/*
 * Puts the store in WAL mode (a no-op once it is: the mode is kept in the
 * file).  Callers that race on a new file meet SQLITE_BUSY here without
 * SQLite consulting the busy handler (switching the journal mode needs
 * the file to itself), or are told the old mode: they wait as the busy
 * handler would and ask again, up to the busy timeout.
 */
static int
sq_wal(struct ledger *l)
{
	struct sq *q = sq_of(l);
	sqlite3_stmt *st;
	const unsigned char *mode;
	int n = 0, rc, wal;

	for (;;) {
		wal = 0;
		rc = sqlite3_prepare_v2(q->db, "PRAGMA journal_mode = WAL", -1,
		    &st, NULL);
		if (rc == SQLITE_OK) {
			if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				mode = sqlite3_column_text(st, 0);
				wal = mode != NULL &&
				    strcmp((const char *)mode, "wal") == 0;
				rc = SQLITE_OK;
			}
			sqlite3_finalize(st);
		}
		if (wal)
			return 0;
		if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY &&
		    (rc & 0xff) != SQLITE_LOCKED)
			return sq_fail(l, "set WAL journal");
		if (!sq_busy(q, n++))
			return ledger_fail(l, "%s: set WAL journal: %s",
			    l->where, rc != SQLITE_OK ? sqlite3_errmsg(q->db) :
			    "the store stays in another journal mode");
	}
}

static int	sq_open_copy(struct ledger *l, const char *where);

static int
sq_open(struct ledger *l, const char *where)
{
	struct sq *q = xzalloc(sizeof(*q));
	const char *sync = getenv("EDGENETC_LEDGER_SYNC");
	bool mem = strcmp(where, ":memory:") == 0 || l->readonly;
	char buf[192];
	int v, one = 1;

	l->impl = q;
	/*
	 * edgenetc is single-threaded: no mutexes and no memory statistics
	 * (a global mutex on every malloc).  Refused, harmlessly, if the
	 * library was initialized already.
	 */
	if (!sq_configured) {
		sq_configured = true;
		sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	q->mem = mem;
	if (sqlite3_open_v2(mem ? ":memory:" : where, &q->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		sq_fail(l, "open");
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	q->busy_ms = env_long("EDGENETC_LEDGER_BUSY_MS", BUSY_MS_DEFAULT, 0,
	    INT_MAX);
	q->rnd = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL;
	sqlite3_busy_handler(q->db, sq_busy, q);
	if (l->readonly && sq_open_copy(l, where) != 0)
		goto fail;
	/*
	 * Keep the WAL file between processes and checkpoint it only when it
	 * has grown (sq_close): each CLI call would otherwise checkpoint,
	 * fsync and delete the WAL on exit and recreate it (and fsync its
	 * directory) on the next start, four fsyncs per call.  A new process
	 * rebuilds the WAL index by reading the whole WAL, so it must stay
	 * small: SQLite's automatic checkpoints cannot restart the WAL across
	 * processes (the rebuilt index forgets what was copied back).
	 */
	sqlite3_file_control(q->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (!mem && sq_wal(l) != 0)
		goto fail;
	snprintf(buf, sizeof(buf), "PRAGMA synchronous = %s; "
	    "PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -16384; "
	    "PRAGMA temp_store = MEMORY",
	    sync != NULL && strcmp(sync, "normal") == 0 ? "NORMAL" : "FULL");
	if (sq_exec(l, buf, "configure") != 0)
		goto fail;
	/* only a store that needs it takes the write lock to migrate */
	if (sq_user_version(l, &v) != 0)
		goto fail;
	if (v != SCHEMA_VERSION &&
	    ledger_sqlite_migrate(l, SCHEMA_VERSION) != 0)
		goto fail;
	return 0;
fail:
	sqlite3_close(q->db);
	free(q);
	l->impl = NULL;
	return -1;
}

/*
 * Read-only (l->readonly): copies the store, opened read-only and never
 * created, into the in-memory database q->db (left empty when there is
 * no store), so that the allocator can work on it and nothing reaches
 * the file.
 */
/* "file:" URI of path (percent-encoding what a URI would read), for
 * sqlite3_open_v2 with SQLITE_OPEN_URI; immutable: ?immutable=1. */
static char *
sq_uri(const char *path, bool immutable)
{
	struct buf b = { NULL, 0, 0 };
	const unsigned char *p;

	buf_puts(&b, "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20 ||
		    *p >= 0x7f)
			buf_printf(&b, "%%%02X", *p);
		else
			buf_putc(&b, (char)*p);
	if (immutable)
		buf_puts(&b, "?immutable=1");
	return b.p;
}

/* True when path has no WAL file, or an empty one. */
static bool
sq_no_wal(const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	struct stat st;
	bool none = stat(wal, &st) < 0 ? errno == ENOENT : st.st_size == 0;

	free(wal);
	return none;
}

static int
sq_open_copy(struct ledger *l, const char *where)
{
	struct sq *q = sq_of(l);
	sqlite3 *src = NULL;
	sqlite3_backup *bk;
	struct stat st;
	char *uri;
	bool immutable = false;
	int rc, n = 0;

	if (stat(where, &st) < 0 && errno == ENOENT)
		return 0;	/* nothing recorded yet */
	uri = sq_uri(where, false);
again:
	if (sqlite3_open_v2(uri, &src, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
		ledger_fail(l, "%s: open read-only: %s", where,
		    src != NULL ? sqlite3_errmsg(src) : "?");
		sqlite3_close(src);
		free(uri);
		return -1;
	}
	sqlite3_busy_handler(src, sq_busy, q);
	if ((bk = sqlite3_backup_init(q->db, "main", src, "main")) == NULL) {
		sqlite3_close(src);
		free(uri);
		return sq_fail(l, "copy");
	}
	while ((rc = sqlite3_backup_step(bk, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		if (!sq_busy(q, n++))
			break;
	sqlite3_backup_finish(bk);
	/*
	 * A store in WAL mode is read through its -shm file, which a reader
	 * that may not write the directory cannot make.  With no WAL (or
	 * an empty one) the database file is all there is: it is read as
	 * immutable.
	 */
	if ((rc & 0xff) == SQLITE_READONLY && !immutable &&
	    sq_no_wal(where)) {
		sqlite3_close(src);
		src = NULL;
		free(uri);
		uri = sq_uri(where, true);
		immutable = true;
		n = 0;
		goto again;
	}
	free(uri);
	if (rc != SQLITE_DONE) {
		ledger_fail(l, "%s: read: %s", where, sqlite3_errstr(rc));
		sqlite3_close(src);
		return -1;
	}
	sqlite3_close(src);
	return 0;
}

/*
 * Copies the WAL back into the database and truncates it, when it is
 * larger than WAL_CKPT_BYTES (or always, with force).  Never waits: when
 * another process is reading or writing, a later one will do it.
 */
static void
sq_checkpoint(struct ledger *l, bool force)
{
	struct sq *q = sq_of(l);
	struct stat st;
	char *wal;

	if (q->mem)
		return;
	wal = xasprintf("%s-wal", l->where);
	if (force || (stat(wal, &st) == 0 && st.st_size > WAL_CKPT_BYTES)) {
		sqlite3_busy_handler(q->db, NULL, NULL);
		sqlite3_wal_checkpoint_v2(q->db, "main",
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		sqlite3_busy_handler(q->db, sq_busy, q);
	}
	free(wal);
}

static void
sq_close(struct ledger *l)
{
	struct sq *q = sq_of(l);
	int i;

	if (q == NULL)
		return;
	sq_discard(q);
	if (q->in_tx)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < Q__N; i++)
		sqlite3_finalize(q->st[i]);
	sqlite3_finalize(q->ins1);
	sqlite3_finalize(q->insn);
	sq_checkpoint(l, false);
	sqlite3_close(q->db);
	free(q);
	l->impl = NULL;
}

static int
sq_simple(struct ledger *l, enum q id, const char *what)
{
	sqlite3_stmt *st = sq_stmt(l, id);

	if (st == NULL)
		return -1;
	return sq_done(l, st, what);
}

static int
sq_begin(struct ledger *l)
{
	sq_of(l)->id_gen = 0;
	if (sq_simple(l, Q_BEGIN, "begin transaction") != 0)
		return -1;
	sq_of(l)->in_tx = true;
	return 0;
}

static int
sq_commit(struct ledger *l)
{
	sq_of(l)->id_gen = 0;
	/* sq_stmt() writes the queued leases first */
	if (sq_simple(l, Q_COMMIT, "commit") != 0) {
		sq_discard(sq_of(l));
		sqlite3_exec(sq_of(l)->db, "ROLLBACK", NULL, NULL, NULL);
		sq_of(l)->in_tx = false;
		return -1;
	}
	sq_of(l)->in_tx = false;
	return 0;
}

static int
sq_rollback(struct ledger *l)
{
	sq_of(l)->in_tx = false;
	sq_of(l)->id_gen = 0;
	return sq_simple(l, Q_ROLLBACK, "rollback");
}

/* Drops the watermark of every pool that overlaps [lo, hi]. */
static int
sq_hint_drop(struct ledger *l, uint8_t family, u128 lo, u128 hi)
{
	sqlite3_stmt *st = sq_stmt(l, Q_HINT_DROP);

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, family);
	bind_u128(st, 2, lo);
	bind_u128(st, 3, hi);
	return sq_done(l, st, "drop pool watermarks");
}

/*
 * Space is about to be freed: the leases the prepared statement q (bound
 * to i64 a) returns.  Their pools' watermarks become wrong, drop them.
 */
static int
sq_hint_freed(struct ledger *l, enum q q, int64_t a)
{
	sqlite3_stmt *st;
	unsigned char lo[16], hi[16];
	uint8_t fam;
	int rc, w;

	/* collected first: sq_hint_drop() must not run inside this scan
	 * of the same table it deletes from (it is another table, but
	 * keep each statement's use simple) */
	struct freed { uint8_t fam; u128 lo, hi; } *v = NULL;
	size_t n = 0, cap = 0, i;

	if ((st = sq_stmt(l, q)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fam = (uint8_t)sqlite3_column_int(st, 0);
		w = SPACE_LEN(fam);
		if (sqlite3_column_bytes(st, 1) != w ||
		    sqlite3_column_bytes(st, 2) != w)
			continue;
		memcpy(lo, sqlite3_column_blob(st, 1), (size_t)w);
		memcpy(hi, sqlite3_column_blob(st, 2), (size_t)w);
		*XPUSH(v, n, cap) = (struct freed){ fam, be_u128(lo, w),
		    be_u128(hi, w) };
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return sq_fail(l, "read freed leases");
	}
	for (i = 0; i < n; i++)
		if (sq_hint_drop(l, v[i].fam, v[i].lo, v[i].hi) != 0) {
			free(v);
			return -1;
		}
	free(v);
	return 0;
}

static int
sq_expire(struct ledger *l, int64_t now)
{
	sqlite3_stmt *st;

	if (sq_hint_freed(l, Q_FREED_EXPIRE, now) != 0)
		return -1;
	if ((st = sq_stmt(l, Q_EXPIRE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	return sq_done(l, st, "expire cooldowns");
}

static int
sq_hint_get(struct ledger *l, const struct addr *pool, unsigned tplen,
    bool *full, u128 *next)
{
	sqlite3_stmt *st = sq_stmt(l, Q_HINT_GET);
	int rc, r = 1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, pool->family);
	bind_u128(st, 2, addr_network(pool));
	sqlite3_bind_int(st, 3, pool->plen);
	sqlite3_bind_int(st, 4, (int)tplen);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r = 0;
		*full = sqlite3_column_type(st, 0) == SQLITE_NULL;
		if (!*full && sqlite3_column_bytes(st, 0) == 16)
			*next = be_u128(sqlite3_column_blob(st, 0), 16);
		else if (!*full)
			r = 1;	/* unreadable: as if there were none */
	} else if (rc != SQLITE_DONE) {
		r = sq_fail(l, "read pool watermark");
	}
	sqlite3_reset(st);
	return r;
}

static int
sq_hint_put(struct ledger *l, const struct addr *pool, unsigned tplen,
    bool full, u128 next)
{
	sqlite3_stmt *st = sq_stmt(l, Q_HINT_PUT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, pool->family);
	bind_u128(st, 2, addr_network(pool));
	bind_u128(st, 3, addr_last(pool));
	sqlite3_bind_int(st, 4, pool->plen);
	sqlite3_bind_int(st, 5, (int)tplen);
	if (full)
		sqlite3_bind_null(st, 6);
	else
		bind_u128(st, 6, next);
	return sq_done(l, st, "record pool watermark");
}

/* A generation from the columns gen, then instance, service, device
 * from name, then created, released, reusable_at from times. */
static void
sq_read_inst_at(sqlite3_stmt *st, int gen, int name, int times,
    struct ledger_inst *in)
{
	memset(in, 0, sizeof(*in));
	in->gen = sqlite3_column_int64(st, gen);
	in->instance = xstrdup(col_text(st, name) ? col_text(st, name) : "");
	in->service = xstrdup(col_text(st, name + 1) ? col_text(st,
	    name + 1) : "");
	in->device = xstrdup(col_text(st, name + 2) ? col_text(st,
	    name + 2) : "");
	in->created = sqlite3_column_int64(st, times);
	in->released = sqlite3_column_int64(st, times + 1);
	in->reusable_at = sqlite3_column_int64(st, times + 2);
}

/* A row of Q_INST_GET or Q_GENS_LIVE. */
static void
sq_read_inst(sqlite3_stmt *st, struct ledger_inst *in)
{
	sq_read_inst_at(st, 0, 1, 4, in);
}

static int
sq_load_leases(struct ledger *l, struct ledger_inst *in)
{
	sqlite3_stmt *st = sq_stmt(l, Q_LEASES_LIVE);
	struct lease ls;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, in->gen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_read_lease(l, st, &ls) != 0) {
			sqlite3_reset(st);
			return -1;
		}
		ledger_inst_add_lease(in, &ls);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_fail(l, "read leases");
	return 0;
}

static int
sq_inst_get(struct ledger *l, const char *instance, struct ledger_inst *out)
{
	sqlite3_stmt *st = sq_stmt(l, Q_INST_GET);
	int rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, instance, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return sq_fail(l, "read instance");
	}
	sq_read_inst(st, out);
	sqlite3_reset(st);
	if (sq_load_leases(l, out) != 0) {
		ledger_inst_fini(out);
		return -1;
	}
	return 0;
}

static int
sq_inst_add(struct ledger *l, const char *instance, const char *service,
    const char *device, int64_t now, int64_t *gen)
{
	sqlite3_stmt *st = sq_stmt(l, Q_INST_ADD);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, instance, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	if (sq_done(l, st, "record instance") != 0)
		return -1;
	if (sqlite3_changes(sq_of(l)->db) == 0)
		return 1;
	*gen = sqlite3_last_insert_rowid(sq_of(l)->db);
	/* a new generation has no leases yet */
	sq_of(l)->id_gen = *gen;
	sq_of(l)->id_next = *gen * 256;
	return 0;
}

static int
sq_inst_set_device(struct ledger *l, int64_t gen, const char *device)
{
	sqlite3_stmt *st = sq_stmt(l, Q_INST_SETDEV);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, gen);
	sqlite3_bind_text(st, 2, device, -1, SQLITE_STATIC);
	return sq_done(l, st, "move instance");
}

static int
sq_inst_release(struct ledger *l, int64_t gen, int64_t now, int64_t cooldown)
{
	sqlite3_stmt *st;

	/* without a cooldown the space is free now (else at expire) */
	if (cooldown <= 0 && sq_hint_freed(l, Q_FREED_GEN, gen) != 0)
		return -1;
	if ((st = sq_stmt(l, Q_INST_REL)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, gen);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now + cooldown);
	if (sq_done(l, st, "release instance") != 0)
		return -1;
	if ((st = sq_stmt(l, Q_LEASE_REL_GEN)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, gen);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now + cooldown);
	return sq_done(l, st, "release leases");
}

static int
sq_lease_release(struct ledger *l, int64_t gen, enum lease_kind kind,
    int64_t now)
{
	sqlite3_stmt *st = sq_stmt(l, Q_LEASE_REL_KIND);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, gen);
	sqlite3_bind_text(st, 2, lease_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return sq_done(l, st, "release lease");
}

static void
sq_discard(struct sq *q)
{
	size_t i;

	for (i = 0; i < q->n_pend; i++)
		free(q->pend[i].scope);
	q->n_pend = 0;
	q->id_gen = 0;
}

/* "INSERT ... VALUES (?, ...)" with n rows of LEASE_INS_COLS. */
static char *
sq_ins_sql(size_t n)
{
	size_t row = 2 + 2 * LEASE_INS_COLS, len, i, j;
	char *sqltext, *p;

	len = sizeof(lease_ins_head) + n * (row + 1);
	sqltext = p = xmalloc(len);
	p += snprintf(p, len, "%s", lease_ins_head);
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		*p++ = '(';
		for (j = 0; j < LEASE_INS_COLS; j++) {
			if (j > 0)
				*p++ = ',';
			*p++ = '?';
		}
		*p++ = ')';
	}
	*p = '\0';
	return sqltext;
}

static sqlite3_stmt *
sq_ins_stmt(struct ledger *l, size_t n)
{
	struct sq *q = sq_of(l);
	sqlite3_stmt **st = n == 1 ? &q->ins1 : &q->insn;
	char *text;
	int rc;

	if (*st == NULL) {
		text = sq_ins_sql(n);
		rc = sqlite3_prepare_v3(q->db, text, -1,
		    SQLITE_PREPARE_PERSISTENT, st, NULL);
		free(text);
		if (rc != SQLITE_OK) {
			sq_fail(l, "prepare");
			return NULL;
		}
	}
	sqlite3_reset(*st);
	return *st;
}

/* Binds row pd at parameter base + 1 (its buffers outlive the step). */
static void
sq_bind_pend(sqlite3_stmt *st, int base, const struct pend *pd)
{
	sqlite3_bind_int64(st, base + 1, pd->id);
	sqlite3_bind_int64(st, base + 2, pd->gen);
	sqlite3_bind_text(st, base + 3, pd->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, base + 4, pd->scope != NULL ? pd->scope : "",
	    -1, SQLITE_STATIC);
	sqlite3_bind_int(st, base + 5, pd->family);
	sqlite3_bind_blob(st, base + 6, pd->lo, pd->width, SQLITE_STATIC);
	sqlite3_bind_blob(st, base + 7, pd->hi, pd->width, SQLITE_STATIC);
	sqlite3_bind_text(st, base + 8, pd->t.pool, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, base + 9, pd->tplen);
	sqlite3_bind_text(st, base + 10, pd->t.blk, -1, SQLITE_STATIC);
	if (pd->t.has_addr)
		sqlite3_bind_text(st, base + 11, pd->t.addr, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 11);
	if (pd->t.has_pool) {
		sqlite3_bind_text(st, base + 12, pd->t.ps, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, base + 13, pd->t.pe, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, base + 12);
		sqlite3_bind_null(st, base + 13);
	}
	sqlite3_bind_int64(st, base + 14, pd->created);
}

/* Writes the queued leases: a full queue in one statement, else one
 * statement each.  On failure nothing queued is kept. */
static int
sq_flush(struct ledger *l)
{
	struct sq *q = sq_of(l);
	size_t i, j, n;
	sqlite3_stmt *st;

	for (i = 0; i < q->n_pend; i += n) {
		n = q->n_pend - i == PEND_MAX ? PEND_MAX : 1;
		if ((st = sq_ins_stmt(l, n)) == NULL) {
			sq_discard(q);
			return -1;
		}
		for (j = 0; j < n; j++)
			sq_bind_pend(st, (int)j * LEASE_INS_COLS,
			    &q->pend[i + j]);
		if (sq_done(l, st, "record lease") != 0) {
			sq_discard(q);
			return -1;
		}
	}
	for (i = 0; i < q->n_pend; i++)
		free(q->pend[i].scope);
	q->n_pend = 0;
	return 0;
}

/* The id of the next lease of generation gen. */
static int
sq_lease_id(struct ledger *l, int64_t gen, int64_t *id)
{
	struct sq *q = sq_of(l);
	sqlite3_stmt *st;
	int rc;

	/* known without a lookup when the generation was written in this
	 * transaction (most often: added just before) */
	if (q->id_gen == gen && q->id_next != 0) {
		*id = q->id_next;
	} else {
		if ((st = sq_stmt(l, Q_LEASE_MAXID)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, gen);
		rc = sqlite3_step(st);
		*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return sq_fail(l, "read lease ids");
	}
	return ledger_lease_id_check(l, gen, *id);
}

static int
sq_lease_add(struct ledger *l, const struct lease *ls)
{
	struct sq *q = sq_of(l);
	struct pend *pd;
	int64_t id;

	if (q->n_pend == PEND_MAX && sq_flush(l) != 0)
		return -1;
	if (sq_lease_id(l, ls->gen, &id) != 0)
		return -1;
	pd = &q->pend[q->n_pend];
	pd->id = id;
	pd->gen = ls->gen;
	pd->created = ls->created;
	pd->kind = lease_kind_name(ls->kind);
	pd->scope = ls->scope != NULL ? xstrdup(ls->scope) : NULL;
	pd->family = ls->held.family;
	pd->tplen = ls->tplen;
	pd->width = space_be(ls->held.family, addr_network(&ls->held),
	    pd->lo);
	space_be(ls->held.family, addr_last(&ls->held), pd->hi);
	lease_text(ls, &pd->t);
	q->n_pend++;
	q->id_gen = ls->gen;
	q->id_next = id + 1;
	return 0;
}

/* A lease query over (scope, family, lo[, hi]) with its parameters. */
static sqlite3_stmt *
sq_space_stmt(struct ledger *l, enum q id, const char *scope, uint8_t family,
    u128 lo, const u128 *hi)
{
	sqlite3_stmt *st = sq_stmt(l, id);

	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, scope != NULL ? scope : "", -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, family);
	bind_space(st, 3, family, lo);
	if (hi != NULL)
		bind_space(st, 4, family, *hi);
	return st;
}

static int
sq_scan_stmt(struct ledger *l, sqlite3_stmt *st, ledger_lease_fn fn,
    void *arg)
{
	struct lease ls;
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_read_lease(l, st, &ls) != 0) {
			r = -1;
			break;
		}
		if ((r = fn(arg, &ls)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail(l, "scan leases");
	return r;
}

static int
sq_lease_scan(struct ledger *l, const char *scope, uint8_t family, u128 lo,
    u128 hi, ledger_lease_fn fn, void *arg)
{
	sqlite3_stmt *st;
	int r;

	if ((st = sq_space_stmt(l, Q_SCAN_IN, scope, family, lo, &hi)) ==
	    NULL)
		return -1;
	if ((r = sq_scan_stmt(l, st, fn, arg)) != 0)
		return r;
	if ((st = sq_space_stmt(l, Q_SCAN_BELOW, scope, family, lo, NULL)) ==
	    NULL)
		return -1;
	return sq_scan_stmt(l, st, fn, arg);
}

static int
sq_ranges_stmt(struct ledger *l, sqlite3_stmt *st, uint8_t family,
    ledger_range_fn fn, void *arg)
{
	const unsigned char *a, *b;
	int rc, r = 0, w = SPACE_LEN(family);

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a = sqlite3_column_blob(st, 0);
		b = sqlite3_column_blob(st, 1);
		if (a == NULL || b == NULL || sqlite3_column_bytes(st, 0) != w ||
		    sqlite3_column_bytes(st, 1) != w) {
			r = ledger_fail(l, "%s: a lease has a bad range",
			    l->where);
			break;
		}
		if ((r = fn(arg, family, be_u128(a, w), be_u128(b, w))) != 0)
			break;
	}
	sqlite3_reset(st);
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail(l, "scan lease ranges");
	return r;
}

static int
sq_lease_ranges(struct ledger *l, const char *scope, uint8_t family, u128 lo,
    u128 hi, ledger_range_fn fn, void *arg)
{
	sqlite3_stmt *st;
	int r;

	if ((st = sq_space_stmt(l, Q_RANGES_IN, scope, family, lo, &hi)) ==
	    NULL)
		return -1;
	if ((r = sq_ranges_stmt(l, st, family, fn, arg)) != 0)
		return r;
	if ((st = sq_space_stmt(l, Q_RANGES_BELOW, scope, family, lo,
	    NULL)) == NULL)
		return -1;
	return sq_ranges_stmt(l, st, family, fn, arg);
}

static int
sq_lease_scan_all(struct ledger *l, ledger_lease_fn fn, void *arg)
{
	sqlite3_stmt *st = sq_stmt(l, Q_SCAN_ALL);

	if (st == NULL)
		return -1;
	return sq_scan_stmt(l, st, fn, arg);
}

static int
sq_read_svc(struct ledger *l, sqlite3_stmt *st, struct ledger_svc *sv)
{
	const void *b;
	int n;

	memset(sv, 0, sizeof(*sv));
	sv->name = xstrdup(col_text(st, 0) ? col_text(st, 0) : "");
	sv->netcfg = xstrdup(col_text(st, 1) ? col_text(st, 1) : "{}");
	sv->created = sqlite3_column_int64(st, 5);
	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		return 0;
	b = sqlite3_column_blob(st, 3);
	n = sqlite3_column_bytes(st, 3);
	if (b == NULL || n != 16) {
		ledger_svc_fini(sv);
		return ledger_fail(l, "%s: service has a bad dhcp_range",
		    l->where);
	}
	sv->has_range = true;
	sv->range = addr_make((uint8_t)sqlite3_column_int(st, 2),
	    be_u128(b, n), (uint8_t)sqlite3_column_int(st, 4));
	return 0;
}

static int
sq_svc_get(struct ledger *l, const char *name, struct ledger_svc *out)
{
	sqlite3_stmt *st = sq_stmt(l, Q_SVC_GET);
	int rc, r;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = sq_read_svc(l, st, out);
	else if (rc == SQLITE_DONE)
		r = 1;
	else
		r = sq_fail(l, "read service");
	sqlite3_reset(st);
	return r;
}

static int
sq_svc_put(struct ledger *l, const struct ledger_svc *sv)
{
	struct ledger_svc old;
	sqlite3_stmt *st;
	int r;

	/* a reservation that goes away frees space */
	if ((r = sq_svc_get(l, sv->name, &old)) < 0)
		return -1;
	if (r == 0) {
		if (old.has_range && (!sv->has_range ||
		    addr_cmp(&old.range, &sv->range) != 0))
			r = sq_hint_drop(l, old.range.family,
			    addr_network(&old.range), addr_last(&old.range));
		else
			r = 0;
		ledger_svc_fini(&old);
		if (r != 0)
			return -1;
	}
	if ((st = sq_stmt(l, Q_SVC_PUT)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, sv->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sv->netcfg, -1, SQLITE_STATIC);
	if (sv->has_range) {
		sqlite3_bind_int(st, 3, sv->range.family);
		bind_u128(st, 4, addr_network(&sv->range));
		sqlite3_bind_int(st, 5, sv->range.plen);
	} else {
		sqlite3_bind_null(st, 3);
		sqlite3_bind_null(st, 4);
		sqlite3_bind_null(st, 5);
	}
	sqlite3_bind_int64(st, 6, sv->created);
	return sq_done(l, st, "record service");
}

static int
sq_svc_scan(struct ledger *l, ledger_svc_fn fn, void *arg)
{
	sqlite3_stmt *st = sq_stmt(l, Q_SVC_SCAN);
	struct ledger_svc sv;
	int rc, r = 0;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_read_svc(l, st, &sv) != 0) {
			r = -1;
			break;
		}
		r = fn(arg, &sv);
		ledger_svc_fini(&sv);
		if (r != 0)
			break;
	}
	sqlite3_reset(st);
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail(l, "scan services");
	return r;
}

static int
sq_inst_scan(struct ledger *l, bool all, ledger_inst_fn fn, void *arg)
{
	sqlite3_stmt *st;
	struct ledger_inst in;
	struct lease ls;
	bool have = false;
	int rc, r = 0;

	/* our own statement: fn may use the ledger */
	if (sqlite3_prepare_v2(sq_of(l)->db, sql[all ? Q_INST_EVERY :
	    Q_INST_LIVE], -1, &st, NULL) != SQLITE_OK)
		return sq_fail(l, "prepare");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (have && sqlite3_column_int64(st, 16) != in.gen) {
			r = fn(arg, &in);
			ledger_inst_fini(&in);
			have = false;
			if (r != 0)
				break;
		}
		if (!have) {
			/* the lease columns first (instance, service and
			 * device among them), then the generation's */
			sq_read_inst_at(st, 16, 13, 17, &in);
			have = true;
		}
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;	/* no lease */
		if ((r = sq_read_lease(l, st, &ls)) != 0)
			break;
		ledger_inst_add_lease(&in, &ls);
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sq_fail(l, "scan instances");
	sqlite3_finalize(st);
	if (r == 0 && have)
		r = fn(arg, &in);
	if (have)
		ledger_inst_fini(&in);
	return r;
}

/*
 * Every live generation with its live leases, in generation order: the
 * instance and lease tables each read once in rowid order and merged (a
 * lease's id is its generation * 256 + n), no lookup per generation.
 */
static int
sq_inst_live(struct ledger *l, ledger_inst_fn fn, void *arg)
{
	sqlite3_stmt *gs = sq_stmt(l, Q_GENS_LIVE);
	sqlite3_stmt *ls_st = sq_stmt(l, Q_LEASES_BY_ID);
	struct ledger_inst in;
	struct lease ls;
	int rc, lrc, r = 0;

	if (gs == NULL || ls_st == NULL)
		return -1;
	lrc = sqlite3_step(ls_st);
	while (r == 0 && (rc = sqlite3_step(gs)) == SQLITE_ROW) {
		sq_read_inst(gs, &in);
		/* leases of generations released since: none are live,
		 * but never attach them to the wrong one */
		while (lrc == SQLITE_ROW &&
		    sqlite3_column_int64(ls_st, 0) < in.gen)
			lrc = sqlite3_step(ls_st);
		while (r == 0 && lrc == SQLITE_ROW &&
		    sqlite3_column_int64(ls_st, 0) == in.gen) {
			if ((r = sq_read_lease(l, ls_st, &ls)) == 0) {
				ledger_inst_add_lease(&in, &ls);
				lrc = sqlite3_step(ls_st);
			}
		}
		if (r == 0 && lrc != SQLITE_ROW && lrc != SQLITE_DONE)
			r = sq_fail(l, "scan leases");
		if (r == 0)
			r = fn(arg, &in);
		ledger_inst_fini(&in);
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sq_fail(l, "scan instances");
	sqlite3_reset(gs);
	sqlite3_reset(ls_st);
	return r;
}

static int
sq_data_version(struct ledger *l, int64_t *v)
{
	sqlite3_stmt *st = sq_stmt(l, Q_DATA_VERSION);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sq_fail(l, "read data version");
}

static int
sq_inst_ids(struct ledger *l, ledger_id_fn fn, void *arg)
{
	sqlite3_stmt *st = sq_stmt(l, Q_INST_IDS);
	int rc, r = 0;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = fn(arg, (const char *)sqlite3_column_text(st, 0))) != 0)
			break;
	sqlite3_reset(st);
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail(l, "scan instances");
	return r;
}

static int
sq_integrity(struct ledger *l, void (*fn)(void *, const char *), void *arg)
{
	sqlite3_stmt *st;
	const char *s;
	int rc, n = 0;

	if (sqlite3_prepare_v2(sq_of(l)->db, "PRAGMA integrity_check", -1,
	    &st, NULL) != SQLITE_OK)
		return sq_fail(l, "integrity check");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = col_text(st, 0);
		if (s != NULL && strcmp(s, "ok") != 0) {
			fn(arg, s);
			n++;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_fail(l, "integrity check");
	if (sqlite3_prepare_v2(sq_of(l)->db, "SELECT id FROM lease l WHERE "
	    "l.id / 256 != l.gen OR NOT EXISTS (SELECT 1 FROM instance i "
	    "WHERE i.gen = l.gen)", -1, &st, NULL) != SQLITE_OK)
		return sq_fail(l, "lease check");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(arg, "a lease does not belong to a generation that exists");
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_fail(l, "lease check");
	if (sqlite3_prepare_v2(sq_of(l)->db, "SELECT id FROM lease WHERE "
	    "typeof(lo) != 'blob' OR typeof(hi) != 'blob' OR "
	    "length(lo) != length(hi) OR "
	    "length(lo) != CASE family WHEN 4 THEN 4 ELSE 16 END", -1, &st,
	    NULL) != SQLITE_OK)
		return sq_fail(l, "lease range check");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(arg, "a lease's range is not stored at its family's width");
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_fail(l, "lease range check");
	return n;
}

static int
sq_schema(struct ledger *l)
{
	int v;

	if (sq_user_version(l, &v) != 0)
		return -1;
	return v;
}

/*
 * ledger copy: one generation as it is.  Its leases are queued as new
 * ones (ids gen * 256 + n, in order) and their release states set after.
 */
static int
sq_import_inst(struct ledger *l, const struct ledger_inst *in, int64_t now)
{
	struct sq *q = sq_of(l);
	const struct lease *ls;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (sqlite3_prepare_v2(q->db, "INSERT INTO instance (gen, instance, "
	    "service, device, created, released, reusable_at) VALUES (?1, "
	    "?2, ?3, ?4, ?5, ?6, ?7)", -1, &st, NULL) != SQLITE_OK)
		return sq_fail(l, "prepare");
	sqlite3_bind_int64(st, 1, in->gen);
	sqlite3_bind_text(st, 2, in->instance, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, in->service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, in->created);
	if (in->released != 0) {
		sqlite3_bind_int64(st, 6, in->released);
		sqlite3_bind_int64(st, 7, in->reusable_at);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_fail(l, "copy instance");
	q->id_gen = in->gen;
	q->id_next = in->gen * 256;
	for (i = 0; i < in->n_leases; i++)
		if (sq_lease_add(l, &in->leases[i]) != 0)
			return -1;
	if (sq_flush(l) != 0)
		return -1;
	if (sqlite3_prepare_v2(q->db, "UPDATE lease SET released = ?2, "
	    "reusable_at = ?3, active = ?4 WHERE id = ?1", -1, &st,
	    NULL) != SQLITE_OK)
		return sq_fail(l, "prepare");
	for (i = 0, rc = SQLITE_DONE; i < in->n_leases && rc == SQLITE_DONE;
	    i++) {
		ls = &in->leases[i];
		if (ls->released == 0)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, in->gen * 256 + (int64_t)i);
		sqlite3_bind_int64(st, 2, ls->released);
		sqlite3_bind_int64(st, 3, ls->reusable_at);
		sqlite3_bind_int(st, 4, ls->reusable_at > now &&
		    ls->reusable_at > ls->released);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_fail(l, "copy lease");
	return 0;
}

static int
sq_import_done(struct ledger *l)
{
	(void)l;	/* the next generation is max(gen) + 1 already */
	return 0;
}

const struct ledger_ops ledger_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.expire = sq_expire,
	.inst_get = sq_inst_get,
	.inst_add = sq_inst_add,
	.inst_set_device = sq_inst_set_device,
	.inst_release = sq_inst_release,
	.lease_add = sq_lease_add,
	.lease_release = sq_lease_release,
	.lease_scan = sq_lease_scan,
	.lease_scan_all = sq_lease_scan_all,
	.lease_ranges = sq_lease_ranges,
	.hint_get = sq_hint_get,
	.hint_put = sq_hint_put,
	.svc_get = sq_svc_get,
	.svc_put = sq_svc_put,
	.svc_scan = sq_svc_scan,
	.inst_scan = sq_inst_scan,
	.inst_live = sq_inst_live,
	.data_version = sq_data_version,
	.inst_ids = sq_inst_ids,
	.integrity = sq_integrity,
	.schema = sq_schema,
	.import_inst = sq_import_inst,
	.import_done = sq_import_done,
};
