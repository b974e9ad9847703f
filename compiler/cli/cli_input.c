/*
 * cli_input.c - loading, checking and planning one input (cli_input.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli_input.h"
#include "cliopt.h"
#include "emit.h"
#include "front_graphql.h"
#include "ledger.h"
#include "strmap.h"
#include "vnode.h"
#include "xalloc.h"

static bool
input_ext(const char *name)
{
	static const char *const ext[] = { ".yaml", ".yml", ".json",
	    ".graphql", ".gql" };
	size_t n = strlen(name), k, e;

	for (k = 0; k < ARRAY_SIZE(ext); k++) {
		e = strlen(ext[k]);
		if (n > e && strcmp(name + n - e, ext[k]) == 0)
			return true;
	}
	return false;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The files of a directory that form one input, in name order (dot
 * files left out); NULL when path is no directory.
 */
static char **
input_dir(const char *path, size_t *n)
{
	struct dirent *de;
	struct stat st;
	size_t cap = 0;
	char **v = NULL;
	DIR *dp;

	*n = 0;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    (dp = opendir(path)) == NULL)
		return NULL;
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.' && input_ext(de->d_name))
			*XPUSH(v, *n, cap) = xasprintf("%s/%s", path,
			    de->d_name);
	closedir(dp);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), name_cmp);
	return v != NULL ? v : xzalloc(sizeof(*v));
}

/* Loads one file, or every input file of a directory; false when one
 * could not be read at all. */
static bool
input_load_one(struct cli_input *in, const char *path, enum syntax syn,
    struct vnode *vv)
{
	unsigned before = in->d.n_err;
	char **v;
	size_t n, i;
	bool ok = true;

	if ((v = input_dir(path, &n)) == NULL)
		return front_load_file(in->f, &in->d, path, syn, vv) >= 0 ||
		    in->d.n_err != before;
	if (n == 0) {
		fprintf(stderr, "edgenetc: %s: no *.yaml, *.yml, *.json, "
		    "*.graphql or *.gql files in the directory\n", path);
		ok = false;
	}
	for (i = 0; i < n; i++) {
		if (!input_load_one(in, v[i], syn, vv))
			ok = false;
		free(v[i]);
	}
	free(v);
	return ok;
}

int
cli_input_read(struct cli_input *in, char *const *files, int n,
    enum syntax syn, const char *vars, const struct cli *cl)
{
	struct vnode *vv = NULL;
	bool unreadable = false;
	int i;

	memset(in, 0, sizeof(*in));
	cli_diag_init(cl, &in->d);
	in->f = fleet_new();
	if (vars != NULL) {
		int bad = 0;

		vv = front_graphql_vars_load(&in->d, vars, &bad);
		unreadable = bad != 0;
	}
	for (i = 0; i < n; i++)
		if (!input_load_one(in, files[i], syn, vv))
			unreadable = true;
	vnode_free(vv);
	return unreadable ? 2 : 0;
}

int
cli_input_load(struct cli_input *in, char *const *files, int n,
    enum syntax syn, const char *vars, const struct cli *cl)
{
	if (cli_input_read(in, files, n, syn, vars, cl) != 0)
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
	return cli_input_plan_known(in, l, NULL);
}

int
cli_input_plan_known(struct cli_input *in, struct ledger *l,
    struct alloc_known *known)
{
	return cli_input_plan_staged(in, l, known, NULL);
}

/* network_config inherited from a service's first import may have
 * changed what the emitters write: checked again. */
int
cli_input_check_again(struct cli_input *in)
{
	if (in->plan.netcfg_replaced == 0)
		return 0;
	return emit_fleet_validate(in->f, &in->d);
}

int
cli_input_plan_staged(struct cli_input *in, struct ledger *l,
    struct alloc_known *known, const struct plan_stage *stage)
{
	if (fleet_plan_build_staged(in->f, l, known, stage, &in->d,
	    &in->plan) < 0)
		return -1;
	in->planned = true;
	/* the stage checked before anything was written */
	return stage != NULL ? 0 : cli_input_check_again(in);
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
	size_t		 n;
};

/* Every instance id of the input. */
static void
stale_init(struct stale *st, const struct cli_input *in)
{
	const struct instance *it;
	size_t i, k;

	strmap_init(&st->ids, 0);
	for (i = 0; i < in->f->n_devs; i++)
		for (k = 0; k < in->f->devs[i]->n_insts; k++) {
			it = &in->f->devs[i]->insts[k];
			if (it->id.s != NULL)
				strmap_put(&st->ids, it->id.s, strlen(it->id.s),
				    (void *)it);
		}
}

static int
stale_one(void *arg, struct ledger_inst *li)
{
	struct stale *st = arg;

	if (strmap_get(&st->ids, li->instance, strlen(li->instance)) != NULL)
		return 0;
	return st->fn(st->arg, li);
}

static int
stale_count_id(void *arg, const char *id)
{
	struct stale *st = arg;

	if (strmap_get(&st->ids, id, strlen(id)) == NULL)
		st->n++;
	return 0;
}

static int
stale_count_inst(void *arg, struct ledger_inst *li)
{
	return stale_count_id(arg, li->instance);
}

int
cli_input_stale(const struct cli_input *in, struct ledger *l,
    ledger_inst_fn fn, void *arg)
{
	struct stale st = { .fn = fn, .arg = arg };
	int r;

	stale_init(&st, in);
	r = l->ops->inst_scan(l, false, stale_one, &st);
	strmap_fini(&st.ids);
	return r;
}

int
cli_input_stale_count(const struct cli_input *in, struct ledger *l,
    size_t *n)
{
	struct stale st = { 0 };
	int r;

	if (in->planned) {
		/* the plan read every live instance */
		*n = in->plan.stale;
		return 0;
	}
	stale_init(&st, in);
	r = l->ops->inst_ids != NULL ? l->ops->inst_ids(l, stale_count_id,
	    &st) : l->ops->inst_scan(l, false, stale_count_inst, &st);
	strmap_fini(&st.ids);
	*n = st.n;
	return r;
}
