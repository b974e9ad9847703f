/*
 * cmd_ledger_copy.c - edgenetc ledger init and ledger copy: creating a
 * ledger's schema up front (a role that may create tables, once, so that
 * the replicas' roles need not), and moving a ledger between backends.
 *
 *   ledger --ledger WHERE init
 *   ledger copy --from WHERE --to WHERE
 *
 * A copy holds every generation ever, with its number, times and every
 * lease as it is, and every service with its first network_config; pool
 * watermarks are hints and are not copied.  The target must be empty;
 * it is written in one transaction, so a failed copy leaves it empty.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cli.h"
#include "ledger.h"

int
cli_ledger_init(const char *path)
{
	struct ledger *l;

	/* opening creates the schema, or brings it to this version */
	if ((l = cli_open_ledger("ledger", path)) == NULL)
		return 1;
	printf("ledger %s: schema %d (%s)\n", l->where, l->ops->schema(l),
	    l->ops->name);
	ledger_close(l);
	return 0;
}

static int
count_cb(void *arg, const void *x)
{
	(void)x;
	++*(size_t *)arg;
	return 1;	/* one is enough */
}

static int
svc_count(void *arg, const struct ledger_svc *sv)
{
	return count_cb(arg, sv);
}

static int
inst_count(void *arg, struct ledger_inst *in)
{
	return count_cb(arg, in);
}

int
cli_ledger_copy(const char *from, const char *to)
{
	struct ledger *src = NULL, *dst = NULL;
	size_t n = 0, n_svcs, n_insts;
	int rc = 1;

	if (strcmp(from, to) == 0) {
		fprintf(stderr, "edgenetc ledger: copy: --from and --to are "
		    "the same ledger\n");
		return 2;
	}
	if (!ledger_is_pg(from) && strcmp(from, ":memory:") != 0 &&
	    access(from, F_OK) != 0) {
		fprintf(stderr, "edgenetc ledger: %s: %s\n", from,
		    strerror(errno));
		return 1;
	}
	if ((src = cli_open_ledger_source("ledger", from)) == NULL ||
	    (dst = cli_open_ledger("ledger", to)) == NULL)
		goto done;
	if (dst->ops->svc_scan(dst, svc_count, &n) < 0 ||
	    dst->ops->inst_scan(dst, true, inst_count, &n) < 0) {
		fprintf(stderr, "edgenetc ledger: %s\n", dst->err);
		goto done;
	}
	if (n != 0) {
		fprintf(stderr, "edgenetc ledger: copy: %s is not empty; "
		    "nothing copied\n", dst->where);
		goto done;
	}
	if (ledger_copy_into(src, dst, alloc_now(), &n_svcs, &n_insts) != 0) {
		fprintf(stderr, "edgenetc ledger: copy: %s; nothing copied\n",
		    dst->err);
		goto done;
	}
	printf("ledger copy: %zu services, %zu generations from %s to %s\n",
	    n_svcs, n_insts, src->where, dst->where);
	rc = 0;
done:
	ledger_close(src);
	ledger_close(dst);
	return rc;
}
