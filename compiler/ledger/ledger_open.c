/*
 * ledger_open.c - opening a ledger: the backend a path or URL selects
 * (ledger.h), and read-only views.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "xalloc.h"

bool
ledger_is_pg(const char *where)
{
	return strncmp(where, "postgres://", 11) == 0 ||
	    strncmp(where, "postgresql://", 13) == 0;
}

static struct ledger *
ledger_open_mode(const char *where, bool readonly, char *err, size_t errlen)
{
	struct ledger *l;

	l = xzalloc(sizeof(*l));
	l->ops = ledger_is_pg(where) ? &ledger_pg_ops : &ledger_sqlite_ops;
	l->where = xstrdup(where);
	l->readonly = readonly;
	if (l->ops->open(l, where) != 0) {
		snprintf(err, errlen, "%s", l->err);
		free(l->where);
		free(l);
		return NULL;
	}
	return l;
}

struct ledger *
ledger_pg_view(const char *where, char *err, size_t errlen)
{
	struct ledger src, *mem;

	memset(&src, 0, sizeof(src));
	src.ops = &ledger_pg_ops;
	src.where = xstrdup(where);
	if (ledger_pg_open_readonly(&src, where) != 0) {
		snprintf(err, errlen, "%s", src.err);
		free(src.where);
		return NULL;
	}
	if ((mem = ledger_open(":memory:", err, errlen)) != NULL &&
	    src.ops->schema(&src) > 0 &&
	    ledger_copy_into(&src, mem, 0, NULL, NULL) != 0) {
		/* now 0: released leases stay active until the view's own
		 * sessions expire them */
		snprintf(err, errlen, "%s", mem->err);
		ledger_close(mem);
		mem = NULL;
	}
	if (mem != NULL) {
		free(mem->where);
		mem->where = xstrdup(src.where);
	}
	src.ops->close(&src);
	free(src.where);
	return mem;
}

struct ledger *
ledger_pg_source(const char *where, char *err, size_t errlen)
{
	struct ledger *l = xzalloc(sizeof(*l));

	l->ops = &ledger_pg_ops;
	l->where = xstrdup(where);
	l->readonly = true;
	if (ledger_pg_open_readonly(l, where) != 0) {
		snprintf(err, errlen, "%s", l->err);
		free(l->where);
		free(l);
		return NULL;
	}
	if (l->ops->schema(l) == 0) {
		snprintf(err, errlen, "%s: no ledger there (no edgenetc tables "
		    "in the connection's schema)", l->where);
		ledger_close(l);
		return NULL;
	}
	return l;
}

struct ledger *
ledger_open(const char *where, char *err, size_t errlen)
{
	return ledger_open_mode(where, false, err, errlen);
}

struct ledger *
ledger_open_readonly(const char *where, char *err, size_t errlen)
{
	/* a server is never written to: a copy of it in memory */
	if (ledger_is_pg(where))
		return ledger_pg_view(where, err, errlen);
	return ledger_open_mode(where, true, err, errlen);
}
