/*
 * cli_input.c - loading, checking and planning one input (cli_input.h).
 */
#include <string.h>

#include "check.h"
#include "cli_input.h"
#include "emit.h"
#include "front_graphql.h"
#include "ledger.h"
#include "strmap.h"
#include "vnode.h"

int
cli_input_load(struct cli_input *in, char *const *files, int n,
    enum syntax syn, const char *vars)
{
	struct vnode *vv = NULL;
	bool unreadable = false;
	unsigned before;
	int i;

	memset(in, 0, sizeof(*in));
	diag_init(&in->d);
	in->f = fleet_new();
	if (vars != NULL) {
		int bad = 0;

		vv = front_graphql_vars_load(&in->d, vars, &bad);
		unreadable = bad != 0;
	}
	for (i = 0; i < n; i++) {
		before = in->d.n_err;
		if (front_load_file(in->f, &in->d, files[i], syn, vv) < 0 &&
		    in->d.n_err == before)
			unreadable = true;
	}
	vnode_free(vv);
	if (unreadable)
		return 2;
	if (in->d.n_err == 0)
		check_fleet(in->f, &in->d);
	/* What the emitters will write is checked before the ledger moves. */
	if (in->d.n_err == 0)
		emit_fleet_validate(in->f, &in->d);
	return in->d.n_err > 0 ? 1 : -1;
}

int
cli_input_plan(struct cli_input *in, struct ledger *l)
{
	if (fleet_plan_build(in->f, l, &in->d, &in->plan) < 0)
		return -1;
	in->planned = true;
	/* network_config inherited from a service's first import may have
	 * changed what the emitters write: check again. */
	return emit_fleet_validate(in->f, &in->d);
}

void
cli_input_fini(struct cli_input *in)
{
	if (in->planned)
		fleet_plan_free(&in->plan);
	in->planned = false;
	fleet_free(in->f);
	in->f = NULL;
	diag_fini(&in->d);
}

struct stale {
	struct strmap	 ids;
	ledger_inst_fn	 fn;
	void		*arg;
};

static int
stale_one(void *arg, const struct ledger_inst *li)
{
	struct stale *st = arg;

	if (strmap_get(&st->ids, li->instance, strlen(li->instance)) != NULL)
		return 0;
	return st->fn(st->arg, li);
}

int
cli_input_stale(const struct cli_input *in, struct ledger *l,
    ledger_inst_fn fn, void *arg)
{
	struct stale st = { .fn = fn, .arg = arg };
	const struct instance *it;
	size_t i, k;
	int r;

	strmap_init(&st.ids, 0);
	for (i = 0; i < in->f->n_devs; i++)
		for (k = 0; k < in->f->devs[i]->n_insts; k++) {
			it = &in->f->devs[i]->insts[k];
			if (it->id.s != NULL)
				strmap_put(&st.ids, it->id.s, strlen(it->id.s),
				    (void *)it);
		}
	r = l->ops->inst_scan(l, false, stale_one, &st);
	strmap_fini(&st.ids);
	return r;
}
