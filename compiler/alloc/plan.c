/*
 * plan.c - a fleet's decisions: every instance of every device through
 * one allocation session (plan.h).
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ledger.h"
#include "xalloc.h"

static int
inst_cmp(const void *a, const void *b)
{
	const struct instance *x = *(const struct instance *const *)a;
	const struct instance *y = *(const struct instance *const *)b;

	return strcmp(x->id.s ? x->id.s : "", y->id.s ? y->id.s : "");
}

static int
plan_device(struct alloc_session *s, struct device *dev,
    struct fleet_plan *out)
{
	struct instance **v;
	struct inst_plan *p;
	size_t i;
	int r = 0;

	if (dev->n_insts == 0 || dev->id.s == NULL)
		return 0;
	v = xmalloc(dev->n_insts * sizeof(*v));
	for (i = 0; i < dev->n_insts; i++)
		v[i] = &dev->insts[i];
	qsort(v, dev->n_insts, sizeof(*v), inst_cmp);
	for (i = 0; i < dev->n_insts; i++) {
		if (v[i]->svc == NULL || v[i]->id.s == NULL ||
		    v[i]->svc->name.s == NULL)
			continue;	/* reported by check_fleet */
		p = XPUSH(out->v, out->n, out->cap);
		if (alloc_session_instance(s, v[i]->svc, dev, dev->id.s, v[i],
		    v[i]->id.s, p) != 0)
			r = -1;
		if (alloc_session_broken(s))
			break;
	}
	free(v);
	return r;
}

int
fleet_plan_build(struct fleet *f, struct ledger *l, struct diag_ctx *d,
    struct fleet_plan *out)
{
	return fleet_plan_build_known(f, l, NULL, d, out);
}

int
fleet_plan_build_known(struct fleet *f, struct ledger *l,
    struct alloc_known *known, struct diag_ctx *d, struct fleet_plan *out)
{
	return fleet_plan_build_staged(f, l, known, NULL, d, out);
}

int
fleet_plan_build_staged(struct fleet *f, struct ledger *l,
    struct alloc_known *known, const struct plan_stage *stage,
    struct diag_ctx *d, struct fleet_plan *out)
{
	struct ledger *own = NULL;
	struct alloc_session *s;
	char err[LEDGER_ERRLEN];
	size_t i, n, mark;
	int r = 0, attempt;
	bool stage_failed = false;

	memset(out, 0, sizeof(*out));
	if (l == NULL) {
		/* no ledger: decide from scratch, remember nothing */
		if ((own = ledger_open(":memory:", err, sizeof(err))) == NULL)
			return diag_err(d, NULL, "ledger", "ledger: %s", err);
		l = own;
	}
	/* one entry per instance: sized once (a large fleet's plan is
	 * most of compile's memory) */
	for (i = 0, n = 0; i < f->n_devs; i++)
		n += f->devs[i]->n_insts;
	for (attempt = 0;; attempt++) {
		if (n > 0 && out->cap < n) {
			out->v = xrealloc(out->v, n * sizeof(*out->v));
			out->cap = n;
		}
		mark = d->n;
		r = 0;
		s = alloc_session_new(l, d, alloc_now());
		if (alloc_session_begin(s) != 0 ||
		    alloc_session_preload(s, known) != 0) {
			r = -1;
		} else {
			if (alloc_session_fleet(s, f) != 0)
				r = -1;
			for (i = 0; i < f->n_devs && r == 0; i++)
				if (plan_device(s, f->devs[i], out) != 0)
					r = -1;
			/* keep going after an error to report every
			 * exhausted pool, not after the ledger failed */
			for (; i < f->n_devs && !alloc_session_broken(s);
			    i++)
				(void)plan_device(s, f->devs[i], out);
			out->stale = alloc_session_unasked(s);
			out->netcfg_replaced =
			    alloc_session_netcfg_replaced(s);
			/* a read-only view keeps nothing: the plan is all
			 * its callers read, and the view stays as it was
			 * for the next plan (diff plans both sides on it) */
			if (r == 0 && stage != NULL && !l->readonly &&
			    stage->stage(stage->arg, out) != 0) {
				r = -1;
				stage_failed = true;
				alloc_session_rollback(s);
			} else if (r == 0 && !l->readonly) {
				if ((r = alloc_session_commit(s)) != 0 &&
				    stage != NULL)
					stage->undo(stage->arg);
			} else {
				alloc_session_rollback(s);
			}
		}
		alloc_session_free(s);
		/* a conflict with another replica: run it all again (a
		 * stage that failed is not one) */
		if (r == 0 || stage_failed || !ledger_retry_again(l, attempt))
			break;
		diag_rewind(d, mark);
		fleet_plan_free(out);
	}
	ledger_close(own);
	if (r != 0)
		fleet_plan_free(out);
	return r;
}

void
fleet_plan_free(struct fleet_plan *p)
{
	if (p == NULL)
		return;
	free(p->v);
	memset(p, 0, sizeof(*p));
}
