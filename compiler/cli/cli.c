/*
 * cli.c - what every verb shares: the default ledger and how a verb opens
 * a ledger, and the checks of option values (cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "alloc.h"
#include "answer.h"
#include "check.h"
#include "cli.h"
#include "names.h"
#include "fsutil.h"
#include "front.h"
#include "ledger.h"
#include "strmap.h"
#include "xalloc.h"


/*
 * The default ledger
 */

/*
 * $EDGENETC_LEDGER, else $XDG_STATE_HOME/edgenetc/ledger.db, else
 * $HOME/.local/state/edgenetc/ledger.db, else ./edgenet-ledger.db.
 */
const char *
cli_default_ledger(void)
{
	static char buf[PATH_MAX];
	const char *e;

	if ((e = getenv("EDGENETC_LEDGER")) != NULL && *e != '\0')
		snprintf(buf, sizeof(buf), "%s", e);
	else if ((e = getenv("XDG_STATE_HOME")) != NULL && *e == '/')
		snprintf(buf, sizeof(buf), "%s/edgenetc/ledger.db", e);
	else if ((e = getenv("HOME")) != NULL && *e == '/')
		snprintf(buf, sizeof(buf), "%s/.local/state/edgenetc/ledger.db",
		    e);
	else
		snprintf(buf, sizeof(buf), "edgenet-ledger.db");
	return buf;
}

const char *
cli_default_ledger_rw(void)
{
	const char *path = cli_default_ledger();
	char dir[PATH_MAX];

	if (ledger_is_pg(path))
		return path;
	snprintf(dir, sizeof(dir), "%s", path);
	/* ledger_open() reports what fails */
	(void)fs_mkdir_p(dirname(dir), 0700);
	return path;
}

/* source: only read; a PostgreSQL ledger as ledger_pg_source opens it */
static struct ledger *
cli_open_ledger_mode(const char *verb, const char *path, bool source)
{
	char err[LEDGER_ERRLEN];
	struct ledger *l;
	const char *where = path;

	if (where == NULL)
		where = source ? cli_default_ledger() : cli_default_ledger_rw();
	if (source && ledger_is_pg(where))
		l = ledger_pg_source(where, err, sizeof(err));
	else
		l = ledger_open(where, err, sizeof(err));
	if (l == NULL)
		fprintf(stderr, "edgenetc %s: %s\n", verb, err);
	else if (path == NULL)	/* l->where: a URL without its password */
		fprintf(stderr, "edgenetc %s: using ledger %s\n", verb,
		    l->where);
	return l;
}

struct ledger *
cli_open_ledger(const char *verb, const char *path)
{
	return cli_open_ledger_mode(verb, path, false);
}

struct ledger *
cli_open_ledger_source(const char *verb, const char *path)
{
	return cli_open_ledger_mode(verb, path, true);
}

bool
cli_id_ok(const char *verb, const char *what, const char *s)
{
	if (s != NULL && names_id_valid(s, strlen(s)))
		return true;
	fprintf(stderr, "edgenetc %s: %s '%s' must be 1-63 of "
	    "A-Z a-z 0-9 . _ -\n", verb, what, s != NULL ? s : "");
	return false;
}

bool
cli_parse_i64(const char *s, int64_t min, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min)
		return false;
	*out = v;
	return true;
}
