/*
 * cli.h - what every verb of edgenetc shares.
 */
#ifndef EDGENETC_CLI_H
#define EDGENETC_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct ledger;

/*
 * The ledger used without --ledger: $EDGENETC_LEDGER, else
 * $XDG_STATE_HOME/edgenetc/ledger.db, else
 * $HOME/.local/state/edgenetc/ledger.db, else ./edgenet-ledger.db.
 * Returns a static buffer.  Read-only verbs use it as it is.
 */
const char *cli_default_ledger(void);
/* The same, for verbs that write: its directory is made (0700) when
 * missing, so that the store can be created. */
const char *cli_default_ledger_rw(void);
/* Opens path, or the default ledger (saying which on stderr) when path is
 * NULL; NULL with the reason on stderr ("edgenetc VERB: ..."). */
struct ledger *cli_open_ledger(const char *verb, const char *path);
/* The same for a ledger only read (show, verify, copy --from): a
 * PostgreSQL one is read in one snapshot and never created. */
struct ledger *cli_open_ledger_source(const char *verb, const char *path);
/* True for a device or instance id; otherwise says why on stderr. */
bool	 cli_id_ok(const char *verb, const char *what, const char *s);
/* A decimal integer >= min, the whole of s. */
bool	 cli_parse_i64(const char *s, int64_t min, int64_t *out);

/* ledger init and ledger copy (cmd_ledger_copy.c); exit statuses. */
int	 cli_ledger_init(const char *path);
int	 cli_ledger_copy(const char *from, const char *to);

#endif
