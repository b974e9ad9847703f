/*
 * ledger.c - backend-independent part of the ledger (ledger.h): error
 * text, retries, copying between ledgers, ownership helpers.  No SQL
 * here; ledger_open.c picks a backend.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"
#include "xalloc.h"

static const char *const kind_names[] = {
	[LEASE_BLOCK] = "block",
	[LEASE_SHARED] = "shared",
	[LEASE_FIXED] = "fixed",
	[LEASE_WAN] = "wan",
};

const char *
lease_kind_name(enum lease_kind k)
{
	if ((size_t)k >= ARRAY_SIZE(kind_names) || kind_names[k] == NULL)
		return "?";
	return kind_names[k];
}

int
lease_kind_parse(const char *s, enum lease_kind *out)
{
	size_t i;

	for (i = 1; i < ARRAY_SIZE(kind_names); i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum lease_kind)i;
			return 0;
		}
	return -1;
}

int
ledger_fail_newer(struct ledger *l, int v, int known)
{
	return ledger_fail(l, "%s: ledger schema version %d is newer than "
	    "this edgenetc understands (%d); upgrade edgenetc", l->where, v,
	    known);
}

bool
ledger_retry_again(struct ledger *l, int attempt)
{
	const char *s = getenv("EDGENETC_LEDGER_TRIES");
	long tries = s != NULL && *s != '\0' ? strtol(s, NULL, 10) : 10;
	struct timespec ts;
	long us;

	if (l == NULL || !l->retry || attempt + 1 >= tries)
		return false;
	l->retry = false;
	/* 1 ms doubling to 64 ms, plus up to as much again */
	us = 1000L << (attempt < 6 ? attempt : 6);
	us += (long)((unsigned long)rand_r(&(unsigned){ (unsigned)getpid() ^
	    (unsigned)attempt * 2654435761u }) % (unsigned long)us);
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000;
	nanosleep(&ts, NULL);
	return true;
}

int
ledger_fail(struct ledger *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, sizeof(l->err), fmt, ap);
	va_end(ap);
	return -1;
}

int
ledger_lease_id_check(struct ledger *l, int64_t gen, int64_t id)
{
	if (gen <= 0 || gen > INT64_MAX / 256 - 1 || id < gen * 256 ||
	    id > gen * 256 + 255)
		return ledger_fail(l, "%s: generation %lld has no lease id "
		    "left (256 per generation)", l->where, (long long)gen);
	return 0;
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
copy_inst(void *arg, struct ledger_inst *in)
{
	struct copy *c = arg;

	c->n_insts++;
	return c->to->ops->import_inst(c->to, in, c->now) != 0 ? -1 : 0;
}

int
ledger_copy_into(struct ledger *src, struct ledger *dst, int64_t now,
    size_t *n_svcs, size_t *n_insts)
{
	struct copy c;

	memset(&c, 0, sizeof(c));
	c.to = dst;
	c.now = now;
	src->err[0] = dst->err[0] = '\0';
	if (dst->ops->begin(dst) != 0)
		return -1;
	if (src->ops->svc_scan(src, copy_svc, &c) != 0 ||
	    src->ops->inst_scan(src, true, copy_inst, &c) != 0 ||
	    dst->ops->import_done(dst) != 0 || dst->ops->commit(dst) != 0) {
		if (dst->err[0] == '\0')
			snprintf(dst->err, sizeof(dst->err), "%s", src->err);
		dst->ops->rollback(dst);
		return -1;
	}
	if (n_svcs != NULL)
		*n_svcs = c.n_svcs;
	if (n_insts != NULL)
		*n_insts = c.n_insts;
	return 0;
}

void
ledger_close(struct ledger *l)
{
	if (l == NULL)
		return;
	l->ops->close(l);
	free(l->where);
	free(l);
}

void
lease_text(const struct lease *ls, struct lease_text *t)
{
	addr_format(&ls->held, t->blk, sizeof(t->blk));
	addr_format(&ls->pool, t->pool, sizeof(t->pool));
	t->has_addr = ls->address.family != 0;
	if (t->has_addr)
		addr_format(&ls->address, t->addr, sizeof(t->addr));
	t->has_pool = ls->has_pool;
	if (t->has_pool) {
		addr_format_host(&ls->pool_start, t->ps, sizeof(t->ps));
		addr_format_host(&ls->pool_end, t->pe, sizeof(t->pe));
	}
}

int
ledger_parse_addr(struct ledger *l, const char *s, const char *col, bool host,
    struct addr *out, bool *present)
{
	const char *why;
	int r;

	memset(out, 0, sizeof(*out));
	if (present != NULL)
		*present = s != NULL;
	if (s == NULL)
		return present != NULL ? 0 : ledger_fail(l, "%s: missing "
		    "address in column %s", l->where, col);
	r = host ? addr_parse_host(s, out, &why) : addr_parse(s, out, &why);
	if (r != 0)
		return ledger_fail(l, "%s: bad address '%s' in column %s: %s",
		    l->where, s, col, why);
	return 0;
}

void
lease_fini(struct lease *ls)
{
	free(ls->scope);
	ls->scope = NULL;
}

void
ledger_inst_fini(struct ledger_inst *in)
{
	size_t i;

	for (i = 0; i < in->n_leases; i++)
		lease_fini(&in->leases[i]);
	free(in->leases);
	free(in->instance);
	free(in->service);
	free(in->device);
	memset(in, 0, sizeof(*in));
}

void
ledger_svc_fini(struct ledger_svc *sv)
{
	free(sv->name);
	free(sv->netcfg);
	memset(sv, 0, sizeof(*sv));
}

void
ledger_inst_add_lease(struct ledger_inst *in, const struct lease *ls)
{
	struct lease *n;

	/* most generations hold one or two leases: start with two */
	if (in->cap_leases == 0) {
		in->leases = xmalloc(2 * sizeof(*in->leases));
		in->cap_leases = 2;
	}
	n = XPUSH(in->leases, in->n_leases, in->cap_leases);

	*n = *ls;
	n->scope = ls->scope != NULL ? xstrdup(ls->scope) : NULL;
	n->instance = n->service = n->device = NULL;
}
