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
#include <stdio.h>
#include <string.h>

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
inst_count(void *arg, const struct ledger_inst *in)
{
	return count_cb(arg, in);
}

struct copy {
	struct ledger	*to;
	int64_t		 now;
	size_t		 n_svcs, n_insts;
};

static int
copy_svc(void *arg, const struct ledger_svc *sv)
{
	struct copy *c = arg;

	c->n_svcs++;
	return c->to->ops->svc_put(c->to, sv) != 0 ? -1 : 0;
}

static int
copy_inst(void *arg, const struct ledger_inst *in)
{
	struct copy *c = arg;

	c->n_insts++;
	return c->to->ops->import_inst(c->to, in, c->now) != 0 ? -1 : 0;
}

int
cli_ledger_copy(const char *from, const char *to)
{
	struct ledger *src = NULL, *dst = NULL;
	struct copy c;
	size_t n = 0;
	int rc = 1;

	memset(&c, 0, sizeof(c));
	if (strcmp(from, to) == 0) {
		fprintf(stderr, "edgenetc ledger: copy: --from and --to are "
		    "the same ledger\n");
		return 2;
	}
	if ((src = cli_open_ledger("ledger", from)) == NULL ||
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
	c.to = dst;
	c.now = alloc_now();
	if (dst->ops->begin(dst) != 0) {
		fprintf(stderr, "edgenetc ledger: %s\n", dst->err);
		goto done;
	}
	if (src->ops->svc_scan(src, copy_svc, &c) != 0 ||
	    src->ops->inst_scan(src, true, copy_inst, &c) != 0 ||
	    dst->ops->import_done(dst) != 0 || dst->ops->commit(dst) != 0) {
		/* the message is the failing side's */
		fprintf(stderr, "edgenetc ledger: copy: %s; nothing copied\n",
		    dst->err[0] != '\0' ? dst->err : src->err);
		dst->ops->rollback(dst);
		goto done;
	}
	printf("ledger copy: %zu services, %zu generations from %s to %s\n",
	    c.n_svcs, c.n_insts, src->where, dst->where);
	rc = 0;
done:
	ledger_close(src);
	ledger_close(dst);
	return rc;
}
