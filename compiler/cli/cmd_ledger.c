/*
 * cmd_ledger.c - edgenetc ledger: show and verify what the ledger holds
 * (reconcile: cmd_reconcile.c).
 *
 *   ledger [--ledger PATH] show [--all] | verify | reconcile ...
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
#include "cliopt.h"
#include "cmd.h"
#include "fsutil.h"
#include "front.h"
#include "ledger.h"
#include "strmap.h"
#include "xalloc.h"


/*
 * ledger show | verify
 */

struct show {
	struct ledger	*l;
	json_t		*svcs;		/* array */
	json_t		*insts;		/* array */
	struct strmap	 lan_dhcp;	/* service -> (void *)1 */
	char		**names;
	size_t		 n_names, cap_names;
};

static json_t *
jtime(int64_t t)
{
	return t != 0 ? json_integer(t) : json_null();
}

static int
show_svc(void *arg, const struct ledger_svc *sv)
{
	struct show *sh = arg;
	json_t *o, *nc;
	json_error_t err;
	char buf[ADDR_STRLEN];
	const char *lan;

	nc = json_loads(sv->netcfg, 0, &err);
	if (nc == NULL)
		nc = json_string(sv->netcfg);
	lan = json_string_value(json_object_get(nc, "lan_configure_network"));
	if (lan != NULL && strcmp(lan, "dhcp") == 0) {
		char *k = xstrdup(sv->name);

		*XPUSH(sh->names, sh->n_names, sh->cap_names) = k;
		strmap_put(&sh->lan_dhcp, k, strlen(k), (void *)1);
	}
	o = json_pack("{s:s, s:o, s:o, s:o}", "name", sv->name,
	    "network_config", nc, "dhcp_range", sv->has_range ?
	    json_string(addr_format(&sv->range, buf, sizeof(buf))) :
	    json_null(), "created", jtime(sv->created));
	json_array_append_new(sh->svcs, o);
	return 0;
}

static json_t *
show_lease(const struct lease *ls)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], c[ADDR_STRLEN], d[ADDR_STRLEN];
	char e[ADDR_STRLEN];
	json_t *pool = json_null();

	if (ls->has_pool)
		pool = json_pack("{s:s, s:s}", "start", addr_format_host(
		    &ls->pool_start, d, sizeof(d)), "end", addr_format_host(
		    &ls->pool_end, e, sizeof(e)));
	return json_pack("{s:s, s:o, s:s, s:s, s:i, s:s, s:o, s:o, s:o, s:o}",
	    "kind", lease_kind_name(ls->kind),
	    "scope", ls->scope != NULL ? json_string(ls->scope) : json_null(),
	    "block", addr_format(&ls->held, a, sizeof(a)),
	    "pool", addr_format(&ls->pool, b, sizeof(b)),
	    "template", (int)ls->tplen,
	    "address", addr_format(&ls->address, c, sizeof(c)),
	    "dhcp_pool", pool,
	    "created", jtime(ls->created),
	    "released", jtime(ls->released),
	    "reusable_at", jtime(ls->reusable_at));
}

static int
show_inst(void *arg, struct ledger_inst *in)
{
	struct show *sh = arg;
	struct inst_plan p;
	const struct lease *ls;
	json_t *o, *leases = json_array();
	bool dhcp;
	size_t i;

	memset(&p, 0, sizeof(p));
	dhcp = strmap_get(&sh->lan_dhcp, in->service,
	    strlen(in->service)) != NULL;
	for (i = 0; i < in->n_leases; i++) {
		ls = &in->leases[i];
		json_array_append_new(leases, show_lease(ls));
		if (ls->released != 0)
			continue;
		if (ls->kind == LEASE_WAN) {
			p.has_wan = true;
			p.wan_address = ls->address;
			continue;
		}
		if (ls->kind != LEASE_FIXED) {
			p.has_block = true;
			p.block = ls->held;
		}
		p.has_address = true;
		p.address = ls->address;
		if (dhcp && ls->has_pool) {
			p.has_pool = true;
			p.pool_start = ls->pool_start;
			p.pool_end = ls->pool_end;
		}
	}
	o = alloc_answer_json(&p, in->service, in->instance, in->device);
	json_object_set_new(o, "generation", json_integer(in->gen));
	json_object_set_new(o, "created", jtime(in->created));
	json_object_set_new(o, "released", jtime(in->released));
	json_object_set_new(o, "reusable_at", jtime(in->reusable_at));
	json_object_set_new(o, "leases", leases);
	json_array_append_new(sh->insts, o);
	return 0;
}

static int
ledger_show(struct ledger *l, bool all)
{
	struct show sh;
	json_t *o;
	size_t i;
	int rc = 0;

	memset(&sh, 0, sizeof(sh));
	sh.l = l;
	sh.svcs = json_array();
	sh.insts = json_array();
	strmap_init(&sh.lan_dhcp, 0);
	if (l->ops->svc_scan(l, show_svc, &sh) != 0 ||
	    l->ops->inst_scan(l, all, show_inst, &sh) != 0) {
		fprintf(stderr, "edgenetc ledger: %s\n", l->err);
		rc = 1;
	}
	o = json_pack("{s:s, s:s, s:i, s:o, s:o}", "ledger", l->where,
	    "backend", l->ops->name, "schema", l->ops->schema(l),
	    "services", sh.svcs, "instances", sh.insts);
	if (rc == 0) {
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	}
	json_decref(o);
	for (i = 0; i < sh.n_names; i++)
		free(sh.names[i]);
	free(sh.names);
	strmap_fini(&sh.lan_dhcp);
	return rc;
}

struct verify {
	unsigned	 problems;
	size_t		 n_leases;
	struct lease	 prev;		/* the lease reaching highest so far */
	char		 prev_scope[72];
	char		 prev_inst[72];
	bool		 have_prev;
};

static void
verify_problem(void *arg, const char *msg)
{
	struct verify *v = arg;

	v->problems++;
	printf("problem: %s\n", msg);
}

static void
verify_lease_shape(struct verify *v, const struct lease *ls)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], msg[512];
	const char *who = ls->instance ? ls->instance : "?";
	bool fleet = ls->kind == LEASE_BLOCK || ls->kind == LEASE_SHARED;
	unsigned bits = addr_bits(&ls->held);

	addr_format(&ls->held, a, sizeof(a));
	addr_format(&ls->pool, b, sizeof(b));
	msg[0] = '\0';
	if (!addr_contains(&ls->pool, &ls->held))
		snprintf(msg, sizeof(msg), "%s %s of instance '%s' is not "
		    "inside its pool %s", lease_kind_name(ls->kind), a, who, b);
	else if (fleet != (ls->scope == NULL))
		snprintf(msg, sizeof(msg), "%s %s of instance '%s' has the "
		    "wrong scope", lease_kind_name(ls->kind), a, who);
	else if (!fleet && (ls->held.plen != bits || ls->address.v !=
	    ls->held.v))
		snprintf(msg, sizeof(msg), "%s address %s of instance '%s' "
		    "does not match its address", lease_kind_name(ls->kind),
		    a, who);
	else if (!fleet && ls->device != NULL &&
	    strcmp(ls->scope, ls->device) != 0)
		snprintf(msg, sizeof(msg), "%s address %s of instance '%s' is "
		    "held on device '%s', but the instance is on '%s'",
		    lease_kind_name(ls->kind), a, who, ls->scope, ls->device);
	else if (ls->kind == LEASE_BLOCK && ls->held.plen != ls->tplen)
		snprintf(msg, sizeof(msg), "block %s of instance '%s' is not "
		    "a /%u", a, who, ls->tplen);
	else if (fleet && !addr_contains_host(&ls->held, ls->address.v))
		snprintf(msg, sizeof(msg), "interface address of instance "
		    "'%s' is outside its block %s", who, a);
	else if (ls->has_pool && (!addr_contains_host(fleet ? &ls->held :
	    &ls->pool, ls->pool_start.v) || !addr_contains_host(fleet ?
	    &ls->held : &ls->pool, ls->pool_end.v) ||
	    ls->pool_start.v > ls->pool_end.v))
		snprintf(msg, sizeof(msg), "DHCP pool of instance '%s' is not "
		    "inside %s", who, fleet ? a : b);
	if (msg[0] != '\0')
		verify_problem(v, msg);
}

static int
verify_lease(void *arg, const struct lease *ls)
{
	struct verify *v = arg;
	const char *scope = ls->scope != NULL ? ls->scope : "";
	char a[ADDR_STRLEN], b[ADDR_STRLEN], msg[512];
	bool same_group;

	v->n_leases++;
	verify_lease_shape(v, ls);
	same_group = v->have_prev && strcmp(v->prev_scope, scope) == 0 &&
	    v->prev.held.family == ls->held.family;
	if (same_group && addr_network(&ls->held) <= addr_last(&v->prev.held) &&
	    !(ls->kind == LEASE_SHARED && v->prev.kind == LEASE_SHARED &&
	    addr_cmp(&ls->held, &v->prev.held) == 0)) {
		snprintf(msg, sizeof(msg), "%s %s of instance '%s' overlaps "
		    "%s %s of instance '%s'%s%s", lease_kind_name(ls->kind),
		    addr_format(&ls->held, a, sizeof(a)), ls->instance ?
		    ls->instance : "?", lease_kind_name(v->prev.kind),
		    addr_format(&v->prev.held, b, sizeof(b)), v->prev_inst,
		    *scope ? " on device " : "", scope);
		verify_problem(v, msg);
	}
	if (!same_group || addr_last(&ls->held) > addr_last(&v->prev.held)) {
		v->prev = *ls;
		v->prev.scope = NULL;
		snprintf(v->prev_scope, sizeof(v->prev_scope), "%s", scope);
		snprintf(v->prev_inst, sizeof(v->prev_inst), "%s",
		    ls->instance ? ls->instance : "?");
		v->have_prev = true;
	}
	return 0;
}

static int
ledger_verify(struct ledger *l)
{
	struct verify v;
	int n;

	memset(&v, 0, sizeof(v));
	if ((n = l->ops->integrity(l, verify_problem, &v)) < 0 ||
	    l->ops->lease_scan_all(l, verify_lease, &v) != 0) {
		fprintf(stderr, "edgenetc ledger: %s\n", l->err);
		return 1;
	}
	if (v.problems != 0) {
		printf("ledger %s: %u problem(s)\n", l->where, v.problems);
		return 1;
	}
	printf("ledger %s: ok (%zu active leases, schema %d)\n", l->where,
	    v.n_leases, l->ops->schema(l));
	return 0;
}

static void
ledger_usage(FILE *fp)
{
	fputs("usage: edgenetc ledger [--ledger PATH] "
	    "show [--all] | verify | init\n"
	    "       edgenetc ledger copy --from PATH|URL --to PATH|URL\n"
	    "\n"
	    "  show     the ledger as JSON: services with their first\n"
	    "           network_config, live instances with their answer and\n"
	    "           leases (--all: every generation ever)\n"
	    "  verify   integrity: no overlapping active blocks or addresses,\n"
	    "           every block inside its pool; exit 1 on a problem\n"
	    "  reconcile [--dry-run] [--cooldown S] FILE...\n"
	    "           release the instances the inventory no longer lists\n"
	    "  init     create the ledger's schema (or bring it to this\n"
	    "           version) and say which it is\n"
	    "  copy     every generation and service of one ledger into an\n"
	    "           empty one (SQLite and PostgreSQL, either way)\n"
	    "\n"
	    "PATH is a SQLite file, or a postgresql:// URL (libpq's).\n",
	    fp);
}

int
cmd_ledger(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	/* options may follow the subcommand: "ledger show --all" */
	struct cli cl = { .verb = "ledger", .usage = ledger_usage,
	    .opts = opts, .shortopts = "-" };
	static const char *const subs[] = { "show", "verify", "reconcile",
	    "init", "copy" };
	const char *path = NULL, *what, *near, *from = NULL, *to = NULL;
	struct ledger *l;
	bool all = false;
	int c, rc, i;

	/* the subcommand is the first word that is no option or value */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ledger") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		if (strcmp(argv[i], "reconcile") == 0)
			return cmd_ledger_reconcile(argc, argv);
		break;
	}
	while ((c = cli_getopt(&cl, argc, argv)) != -1) {
		switch (c) {
		case 'l':
			path = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		default:
			return cl.rc;
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(&cl, "takes one of show, verify, init "
		    "or copy (see 'edgenetc ledger --help')");
	what = argv[optind];
	if (strcmp(what, "copy") == 0) {
		if (from == NULL || to == NULL || path != NULL)
			return cli_usage_error(&cl, "copy takes --from and "
			    "--to, and no --ledger");
		return cli_ledger_copy(from, to);
	}
	if (from != NULL || to != NULL)
		return cli_usage_error(&cl, "--from and --to are for copy");
	if (strcmp(what, "init") == 0)
		return cli_ledger_init(path);
	if (strcmp(what, "show") != 0 && strcmp(what, "verify") != 0) {
		near = diag_suggest(what, subs, ARRAY_SIZE(subs));
		return cli_usage_error(&cl, "unknown subcommand '%s'%s%s%s",
		    what, near != NULL ? "; did you mean '" : "",
		    near != NULL ? near : "", near != NULL ? "'?" : "");
	}
	if (path != NULL && strcmp(path, ":memory:") != 0 &&
	    !ledger_is_pg(path) && access(path, F_OK) != 0) {
		fprintf(stderr, "edgenetc ledger: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	if ((l = cli_open_ledger_source("ledger", path)) == NULL)
		return 1;
	rc = strcmp(what, "show") == 0 ? ledger_show(l, all) :
	    ledger_verify(l);
	ledger_close(l);
	return rc;
}
