/*
 * cmd_compile.c - edgenetc compile and edgenetc explain.
 *
 * compile: load every file into one fleet, check it, check that every
 * name and env entry can be written into an artifact (before anything is
 * allocated), make or read back the allocations in the ledger, render
 * each device's bundle and write them all through a temporary directory
 * (emit_bundle.c).  Diagnostics go to standard error in the lint format.
 *
 * explain: the same up to rendering, for one device, and prints the
 * decisions and why: pools, blocks, addresses, host names, routes,
 * forwarding, GPSd exposure.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alloc.h"
#include "cli.h"
#include "cli_input.h"
#include "cliopt.h"
#include "compile_report.h"
#include "emit_out.h"
#include "cmd.h"
#include "explain_dot.h"
#include "emit.h"
#include "emit_digest.h"
#include "ledger.h"
#include "plan.h"
#include "sha256.h"
#include "strmap.h"
#include "xalloc.h"

struct copts {
	const char	*verb;
	const char	*ledger;
	const char	*outdir;
	const char	*device;
	enum syntax	 syn;
	const char	*vars;		/* --vars: GraphQL $variables */
	bool		 json;		/* --format json */
	char		 graph;		/* explain: --format dot 'd', svg 's' */
	bool		 prune;		/* compile --prune */
	struct cli	 cli;		/* --diagnostics, --color, -W */
	char		**files;
	int		 n_files;
};

static void
compile_usage(FILE *fp, bool explain);

static void
explain_usage(FILE *fp)
{
	compile_usage(fp, true);
}

static void
compile_usage_c(FILE *fp)
{
	compile_usage(fp, false);
}

static void
compile_usage(FILE *fp, bool explain)
{
	if (explain)
		fputs("usage: edgenetc explain [--ledger PATH] --device ID "
		    "[--format text|json|dot|svg]\n"
		    "                        [--syntax S] [--vars FILE.json] "
		    "FILE...\n"
		    "\n"
		    "Prints, for one device, every decision compile makes and "
		    "why: which\npool and block each instance gets, its "
		    "addresses, host interface\nnames, routes, forwarding and "
		    "masquerade, and who can reach GPSd.\nThe ledger is only "
		    "read (and never created): an instance it does\nnot hold "
		    "yet gets the decision compile would make now.\n"
		    "--format dot prints the device as a Graphviz graph (ports,"
		    "\nbridges, veth pairs, namespaces, client networks, routes,"
		    "\nmasquerade and GPSd reach); --format svg renders it with "
		    "dot.\n", fp);
	else
		fputs("usage: edgenetc compile [--ledger PATH] -o OUTDIR "
		    "[--prune] [--format text|json]\n"
		    "                        [--syntax S] [--vars FILE.json] "
		    "FILE...\n"
		    "\n"
		    "Writes one bundle per device to OUTDIR/<device-id>/ "
		    "(edgenet-bundle(5)),\nwith allocations taken from and "
		    "recorded in the ledger.  A device whose\ninputs did not "
		    "change keeps its bundle untouched.  Bundles an earlier\n"
		    "compile wrote to OUTDIR for devices no longer in the input "
		    "are kept,\nwith a warning, or removed with --prune (OUTDIR/"
		    EMIT_OUT_INDEX " lists them;\nnothing else is touched).  "
		    "A summary goes to stderr; --format json\nprints each "
		    "device's change on stdout.  A failed compile leaves OUTDIR\n"
		    "and the ledger as they were.\n", fp);
	fputs("\n"
	    "  --ledger PATH        allocation ledger (default: see stderr)\n"
	    "  --syntax S           read every FILE as yaml, json or graphql\n"
	    "  --vars FILE.json     values of GraphQL $variables\n"
	    "\n"
	    "Exit status: 0 ok (warnings allowed), 1 errors in the input or a\n"
	    "failed operation, 2 usage error or unreadable input.\n", fp);
}

/* Returns -1 to go on, else the exit status. */
static int
compile_args(int argc, char **argv, struct copts *o, bool explain)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "device", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "syntax", required_argument, NULL, 's' },
		{ "vars", required_argument, NULL, 'v' },
		{ "prune", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli *cl = &o->cli;
	static char ebuf[1 << 16];
	int c;

	/* stderr is unbuffered: a fleet's diagnostics would cost one write
	 * per character.  Set before anything is written to it; flushed
	 * after the diagnostics and at exit. */
	setvbuf(stderr, ebuf, _IOFBF, sizeof(ebuf));
	memset(o, 0, sizeof(*o));
	o->verb = explain ? "explain" : "compile";
	cl->verb = o->verb;
	cl->usage = explain ? explain_usage : compile_usage_c;
	cl->opts = opts;
	cl->shortopts = "o:";
	cl->diag = true;
	while ((c = cli_getopt(cl, argc, argv)) != -1) {
		switch (c) {
		case 'l':
			o->ledger = optarg;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'v':
			o->vars = optarg;
			break;
		case 'p':
			if (explain)
				goto bad;
			o->prune = true;
			break;
		case 'f':
			if (explain && (strcmp(optarg, "dot") == 0 ||
			    strcmp(optarg, "svg") == 0)) {
				o->graph = optarg[0];
				o->json = false;
				break;
			}
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "text") != 0)
				return cli_usage_error(cl, "--format takes "
				    "text, json%s, not '%s'", explain ?
				    ", dot, svg" : "", optarg);
			o->json = strcmp(optarg, "json") == 0;
			o->graph = 0;
			break;
		case 's':
			if (!cli_parse_syntax(cl, "--syntax", optarg, &o->syn))
				return 2;
			break;
		default:
			return cl->rc;
		bad:
			return cli_usage_error(cl, "--prune is compile's, not "
			    "explain's");
		}
	}
	o->files = argv + optind;
	o->n_files = argc - optind;
	if (o->n_files <= 0 || (!explain && o->outdir == NULL) ||
	    (explain && o->device == NULL) || (explain && o->outdir != NULL) ||
	    (!explain && o->device != NULL)) {
		return cli_usage_error(cl, "%s (see 'edgenetc %s --help')",
		    o->n_files <= 0 ? "no input files" : explain ?
		    "--device ID is required" : "-o OUTDIR is required",
		    o->verb);
	}
	return -1;
}

struct cstate {
	struct cli_input	 in;
	struct diag_ctx		*d;	/* &in.d */
	struct fleet		*f;	/* in.f */
	struct ledger		*l;
	/* explain: the device's instances the ledger does not hold yet */
	struct strmap		 unrecorded;
	/* compile: writes the bundles before the plan is committed */
	const struct plan_stage	*stage;
};

static void
compile_fini(struct cstate *st)
{
	ledger_close(st->l);
	strmap_fini(&st->unrecorded);
	cli_input_fini(&st->in);
}

static void
compile_print_diags(struct cstate *st, const struct copts *o)
{
	cli_diag_print(&o->cli, st->d, stderr);
	fflush(stderr);
}

/* Notes which instances of device id the ledger does not hold yet
 * (before planning adds them to explain's private view of it). */
static int
explain_unrecorded(struct cstate *st, const char *id)
{
	const struct device *dev = fleet_device_find(st->f, id);
	struct ledger_inst li;
	const char *iid;
	size_t k;
	int r;

	strmap_init(&st->unrecorded, 0);
	for (k = 0; dev != NULL && k < dev->n_insts; k++) {
		if ((iid = dev->insts[k].id.s) == NULL)
			continue;
		if ((r = st->l->ops->inst_get(st->l, iid, &li)) < 0)
			return -1;
		if (r == 0 && strcmp(li.device, id) != 0)
			r = 1;	/* recorded on another device: moves */
		if (r == 0)
			ledger_inst_fini(&li);
		else
			strmap_put(&st->unrecorded, iid, strlen(iid),
			    (void *)iid);
	}
	return 0;
}

/*
 * Load, check, validate, open the ledger and plan.  Returns -1 to go on,
 * else the exit status (diagnostics printed).
 */
/*
 * What compile reads of the ledger while the input parses, on a second
 * thread: the store opened and its live instances read (alloc.h
 * alloc_known_snapshot).  Only an SQLite store that exists: nothing is
 * created for an input that turns out bad, and the session reads the
 * instances again if another writer commits in between.
 */
struct prefetch {
	const char		*where;
	struct ledger		*l;
	struct alloc_known	*known;
	pthread_t		 t;
	bool			 running;
};

static void *
prefetch_job(void *arg)
{
	struct prefetch *p = arg;
	char err[LEDGER_ERRLEN];

	if ((p->l = ledger_open(p->where, err, sizeof(err))) != NULL)
		p->known = alloc_known_snapshot(p->l);
	return NULL;
}

static void
prefetch_start(struct prefetch *p, const char *where)
{
	struct stat sb;

	memset(p, 0, sizeof(*p));
	p->where = where;
	if (ledger_is_pg(where) || stat(where, &sb) < 0 || !S_ISREG(sb.st_mode))
		return;
	p->running = pthread_create(&p->t, NULL, prefetch_job, p) == 0;
}

/* Waits for the prefetch; its ledger, or NULL. */
static struct ledger *
prefetch_join(struct prefetch *p)
{
	if (p->running)
		pthread_join(p->t, NULL);
	p->running = false;
	return p->l;
}

static void
prefetch_drop(struct prefetch *p)
{
	prefetch_join(p);
	alloc_known_free(p->known);
	ledger_close(p->l);
	memset(p, 0, sizeof(*p));
}

/*
 * Load, check, validate, open the ledger and plan.  Returns -1 to go on,
 * else the exit status (diagnostics printed).
 */
static int
compile_plan(struct cstate *st, const struct copts *o)
{
	char err[LEDGER_ERRLEN];
	const char *where = o->ledger;
	struct prefetch pf;
	int rc;
	size_t i;

	/* explain never writes the ledger nor creates one (nor its
	 * directory) */
	if (where == NULL)
		where = o->device != NULL ? cli_default_ledger() :
		    cli_default_ledger_rw();
	memset(&pf, 0, sizeof(pf));
	if (o->device == NULL && o->outdir != NULL)
		prefetch_start(&pf, where);
	rc = cli_input_load(&st->in, o->files, o->n_files, o->syn, o->vars,
	    &o->cli);
	st->d = &st->in.d;
	st->f = st->in.f;
	for (i = 0; rc < 0 && o->outdir != NULL && i < st->f->n_devs; i++)
		if (strcmp(st->f->devs[i]->id.s, EMIT_OUT_INDEX) == 0) {
			diag_err(st->d, &st->f->devs[i]->id.loc, "output",
			    "device id '%s' is reserved for the list of "
			    "bundles in OUTDIR", EMIT_OUT_INDEX);
			rc = 1;
		}
	if (rc >= 0) {
		prefetch_drop(&pf);
		compile_print_diags(st, o);
		return rc;
	}
	if ((st->l = prefetch_join(&pf)) != NULL)
		pf.l = NULL;
	else if ((st->l = (o->device != NULL ? ledger_open_readonly :
	    ledger_open)(where, err, sizeof(err))) == NULL) {
		prefetch_drop(&pf);
		compile_print_diags(st, o);
		/* err names the ledger, a URL without its password */
		fprintf(stderr, "edgenetc %s: %s\n", o->verb, err);
		return 1;
	}
	if (o->ledger == NULL)	/* l->where: without a password */
		fprintf(stderr, "edgenetc %s: using ledger %s\n", o->verb,
		    st->l->where);
	if (o->device != NULL && explain_unrecorded(st, o->device) < 0) {
		compile_print_diags(st, o);
		fprintf(stderr, "edgenetc %s: %s\n", o->verb, st->l->err);
		return 1;
	}
	rc = cli_input_plan_staged(&st->in, st->l, pf.known, st->stage);
	prefetch_drop(&pf);
	if (rc < 0) {
		compile_print_diags(st, o);
		return 1;
	}
	return -1;
}

static void
compile_gone(void *arg, const char *id, bool removed, const char *man_hex)
{
	compile_report_add(arg, id, removed ? CREP_REMOVED : CREP_KEPT,
	    man_hex);
}

/*
 * One warning for the bundles kept for devices no longer in the input,
 * one for the ledger's instances the input no longer lists.
 */
static void
compile_warn_gone(struct cstate *st, const struct compile_report *r)
{
	size_t i, n = 0, stale = 0;
	char *names = xstrdup(""), *t;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].change != CREP_KEPT || n++ >= 5)
			continue;
		t = xasprintf("%s%s'%s'", names, n > 1 ? ", " : "",
		    r->v[i].id);
		free(names);
		names = t;
	}
	if (n > 0)
		diag_warn(st->d, NULL, "device-not-in-input", "%zu bundle%s in "
		    "OUTDIR %s of device%s no longer in the input (%s%s): "
		    "kept; compile --prune removes %s", n, n == 1 ? "" : "s",
		    n == 1 ? "is" : "are", n == 1 ? "" : "s", names,
		    n > 5 ? ", ..." : "", n == 1 ? "it" : "them");
	free(names);
	if (cli_input_stale_count(&st->in, st->l, &stale) < 0)
		diag_warn(st->d, NULL, "ledger", "cannot look for stale "
		    "leases: %s", st->l->err);
	else if (stale > 0)
		diag_warn(st->d, NULL, "stale-leases", "%zu instance%s held in "
		    "the ledger %s not in the input; see edgenetc ledger "
		    "reconcile", stale, stale == 1 ? "" : "s", stale == 1 ?
		    "is" : "are");
}

/* compile's stage (plan.h): the bundles written aside, ready to be put
 * in place once the ledger has their decisions */
struct cwrite {
	struct cstate		*st;
	const struct copts	*o;
	struct compile_report	*r;
	struct emit_out		*out;
};

/*
 * Writes every device's bundle into a temporary directory beside OUTDIR,
 * or leaves it when its inputs digest is listed unchanged, and checks
 * that they can be put in place.  Returns 0 or -1 (errors in st->d,
 * nothing left behind).
 */
static int
compile_stage(void *arg, struct fleet_plan *plan)
{
	struct cwrite *cw = arg;
	struct cstate *st = cw->st;
	struct compile_report *r = cw->r;
	struct emit_dev *eds;
	struct emit_out *out;
	struct bundle b;
	char (*hexes)[SHA256_HEX_LEN], *hex, man[SHA256_HEX_LEN];
	const char *id;
	size_t i;
	int w = 0;

	if (cli_input_check_again(&st->in) < 0)
		return -1;
	compile_report_fini(r);	/* a plan made again starts over */
	compile_report_init(r);
	if ((out = emit_out_begin(cw->o->outdir, st->d)) == NULL)
		return -1;
	eds = emit_devs_group(st->f, plan);
	hexes = xmalloc((st->f->n_devs + 1) * sizeof(*hexes));
	emit_devs_digest(eds, st->f->n_devs, hexes);
	for (i = 0; w >= 0 && i < st->f->n_devs; i++) {
		compile_report_progress(r, i, st->f->n_devs);
		id = eds[i].dev->id.s;
		hex = hexes[i];
		if (emit_out_unchanged(out, id, hex, man)) {
			compile_report_add(r, id, CREP_UNCHANGED, man);
			continue;
		}
		emit_bundle_render(&eds[i], hex, &b, st->d);
		w = emit_out_device(out, &b, hex, man, st->d);
		emit_bundle_free(&b);
		if (w > 0)
			compile_report_add(r, id, w == EMIT_OUT_NEW ? CREP_NEW :
			    w == EMIT_OUT_CHANGED ? CREP_CHANGED :
			    CREP_UNCHANGED, man);
	}
	emit_devs_free(eds, st->f->n_devs);
	free(hexes);
	if (w < 0 || st->d->n_err > 0) {
		emit_out_abort(out);
		return -1;
	}
	if (emit_out_ready(out, st->d) != 0)
		return -1;
	cw->out = out;
	return 0;
}

static void
compile_unstage(void *arg)
{
	struct cwrite *cw = arg;

	emit_out_abort(cw->out);
	cw->out = NULL;
}

int
cmd_compile(int argc, char **argv)
{
	struct copts o;
	struct cstate st;
	struct compile_report r;
	struct cwrite cw;
	struct plan_stage stage;
	int rc;

	if ((rc = compile_args(argc, argv, &o, false)) >= 0)
		return rc;
	memset(&st, 0, sizeof(st));
	compile_report_init(&r);
	cw.st = &st;
	cw.o = &o;
	cw.r = &r;
	cw.out = NULL;
	stage.stage = compile_stage;
	stage.undo = compile_unstage;
	stage.arg = &cw;
	st.stage = &stage;
	if ((rc = compile_plan(&st, &o)) >= 0) {
		compile_report_fini(&r);
		compile_fini(&st);
		return rc;
	}
	/* the ledger holds the decisions: the bundles go in place (a
	 * failure now leaves OUTDIR as it was; compiling again writes the
	 * same bundles) */
	rc = emit_out_commit(cw.out, o.prune, compile_gone, &r, st.d,
	    stderr) < 0 ? 1 : 0;
	if (rc == 0)
		compile_warn_gone(&st, &r);
	compile_print_diags(&st, &o);
	if (rc == 0)
		compile_report_print(&r, st.f->n_devs, o.json, stderr, stdout);
	compile_report_fini(&r);
	compile_fini(&st);
	return rc;
}

/* explain ------------------------------------------------------------------ */

static const char *
fmt_a(const struct addr *a, char *buf)
{
	return addr_format(a, buf, ADDR_STRLEN);
}

static const char *
fmt_h(const struct addr *a, char *buf)
{
	return addr_format_host(a, buf, ADDR_STRLEN);
}

static json_t *
jaddr(bool set, const struct addr *a, bool host)
{
	char buf[ADDR_STRLEN];

	if (!set)
		return json_null();
	return json_string(host ? fmt_h(a, buf) : fmt_a(a, buf));
}

static void
jset(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v);
}

/* Why the LAN block and address are what they are (edgenetc-input(5), "Allocation"). */
static char *
explain_lan_rule(const struct service *s, const struct inst_plan *ip)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (s->tmpl.set)
		return xasprintf("template %s inside access_provided_subnet "
		    "%s: the lowest free aligned /%u block of the subnet that "
		    "no instance of the fleet holds and no dhcp_range "
		    "reserves; kept for this instance in the ledger",
		    fmt_a(&s->tmpl.a, a), fmt_a(&s->subnet.a, b),
		    s->tmpl.a.plen);
	if (s->range.set)
		return xasprintf("shared dhcp_range %s: every instance of "
		    "service '%s' uses this one block; it is reserved so that "
		    "templates skip it", fmt_a(&s->range.a, a), s->name.s);
	if (s->subnet.set)
		return xasprintf("fixed subnet %s: its own address when the "
		    "host part is non-zero, else the first host; a further "
		    "instance of the service on this device takes the next "
		    "free address", fmt_a(&s->subnet.a, a));
	return xstrdup("no subnet");
}

static char *
explain_wan_rule(const struct inst_plan *ip)
{
	const struct client_net *cn = ip->wan_net;
	char a[ADDR_STRLEN];

	if (ip->svc->wan.v == NETMODE_DHCP)
		return xasprintf("dhcp: a DHCP client runs on wan; the address "
		    "comes from the client network '%s'", cn->name.s);
	return xasprintf("the lowest free host address of client network "
	    "'%s' (%s) on this device, skipping the network and broadcast "
	    "addresses, the device's own address, reserved ranges and "
	    "addresses other instances hold", cn->name.s,
	    fmt_a(&cn->subnet.a, a));
}

/* The netlink.batch lines that mention name (a host interface). */
static json_t *
explain_lines(const struct buf *batch, const char *prefix, const char *name)
{
	json_t *arr = json_array();
	const char *p = batch->p, *eol;
	char *line;

	while (p != NULL && *p != '\0') {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		line = xstrndup(p, (size_t)(eol - p));
		if (strncmp(line, prefix, strlen(prefix)) == 0 &&
		    strstr(line, name) != NULL)
			json_array_append_new(arr, json_string(line));
		free(line);
		p = *eol != '\0' ? eol + 1 : eol;
	}
	return arr;
}

static json_t *
explain_inst(const struct emit_dev *ed, size_t i, const struct bundle *b,
    const struct strmap *unrecorded)
{
	const struct inst_plan *ip = ed->ip[i];
	const struct service *s = ip->svc;
	const struct buf *batch = NULL;
	struct inst_names nm;
	char nb[EMIT_IFNAMSIZ], na[EMIT_IFNAMSIZ], *why;
	json_t *o, *w, *l, *g, *arr, *files;
	struct addr gh;
	size_t k, j;

	names_make(&nm, ip->inst->id.s);
	for (k = 0; k < b->n; k++)
		if (strcmp(b->v[k].path, "netlink.batch") == 0)
			batch = &b->v[k].data;
	o = json_object();
	jset(o, "instance", json_string(ip->inst->id.s));
	jset(o, "service", json_string(s->name.s));
	/* false: decided now as compile would, not held by the ledger yet */
	jset(o, "recorded", json_boolean(strmap_get(unrecorded,
	    ip->inst->id.s, strlen(ip->inst->id.s)) == NULL));

	w = json_object();
	jset(w, "mode", json_string(netmode_name(s->wan.v)));
	if (emit_has_wan(s) && ip->wan_net != NULL) {
		jset(w, "client_network", json_string(ip->wan_net->name.s));
		jset(w, "bridge", json_string(ip->wan_net->bridge.s));
		jset(w, "host_veth", json_string(nm.wan));
		jset(w, "address", jaddr(ip->has_wan, &ip->wan_address,
		    false));
		jset(w, "gateway", jaddr(ip->has_wan_gw, &ip->wan_gw, true));
		why = explain_wan_rule(ip);
		jset(w, "why", json_string(why));
		free(why);
	}
	jset(o, "wan", w);

	l = json_object();
	jset(l, "mode", json_string(netmode_name(s->lan.v)));
	if (emit_has_lan(s)) {
		jset(l, "interface", json_string(emit_lan_ifname(s)));
		jset(l, "routed", json_boolean(s->n_ifs == 0));
		if (s->n_ifs == 0)
			jset(l, "host_veth", json_string(nm.lan));
		arr = json_array();
		for (k = 0; k < s->n_ifs; k++) {
			json_t *ai = json_object();

			names_bridge(&nm, (unsigned)k, nb);
			names_access(&nm, (unsigned)k, na);
			jset(ai, "port", json_string(s->ifs[k].name.s));
			jset(ai, "label", json_string(s->ifs[k].label.s));
			jset(ai, "bridge", json_string(nb));
			jset(ai, "host_veth", json_string(na));
			json_array_append_new(arr, ai);
		}
		jset(l, "access_interfaces", arr);
		jset(l, "block", jaddr(ip->has_block, &ip->block, false));
		jset(l, "address", jaddr(ip->has_address, &ip->address,
		    false));
		if (ip->has_pool) {
			json_t *p = json_object();

			jset(p, "start", jaddr(true, &ip->pool_start, true));
			jset(p, "end", jaddr(true, &ip->pool_end, true));
			jset(l, "dhcp_pool", p);
		} else {
			jset(l, "dhcp_pool", json_null());
		}
		why = explain_lan_rule(s, ip);
		jset(l, "why", json_string(why));
		free(why);
		if (s->n_ifs == 0 && batch != NULL)
			jset(l, "device_routes", explain_lines(batch,
			    "route add", nm.lan));
	}
	jset(o, "lan", l);
	jset(o, "forwarding", json_boolean(emit_has_wan(s) &&
	    emit_has_lan(s)));
	jset(o, "masquerade", json_boolean(emit_has_wan(s) &&
	    emit_has_lan(s) && s->masquerade.v));

	g = json_object();
	jset(g, "enabled", json_boolean(s->gpsd.v));
	if (s->gpsd.v) {
		jset(g, "host", emit_gpsd_host(ip, &gh) ?
		    jaddr(true, &gh, true) : json_null());
		jset(g, "port", json_integer(emit_gpsd_port(ip->dev)));
		if (ip->wan_net != NULL) {
			jset(g, "open_to_client_network",
			    json_string(ip->wan_net->name.s));
			arr = json_array();
			for (j = 0; j < ed->n; j++)
				if (j != i && ed->ip[j]->wan_net ==
				    ip->wan_net)
					json_array_append_new(arr, json_string(
					    ed->ip[j]->inst->id.s));
			jset(g, "also_reachable_by", arr);
		} else {
			jset(g, "open_to_client_network", json_null());
		}
	}
	jset(o, "gpsd", g);

	files = json_array();
	for (k = 0; k < b->n; k++) {
		char *pfx = xasprintf("instances/%s/", ip->inst->id.s);

		if (strncmp(b->v[k].path, pfx, strlen(pfx)) == 0)
			json_array_append_new(files,
			    json_string(b->v[k].path));
		free(pfx);
	}
	jset(o, "files", files);
	return o;
}

static json_t *
explain_device(const struct emit_dev *ed, const struct bundle *b,
    const struct strmap *unrecorded)
{
	const struct device *dev = ed->dev;
	json_t *o, *nets, *insts;
	bool *acc, any = false;
	size_t i, j;

	acc = xzalloc((dev->n_nets + 1) * sizeof(*acc));
	emit_gpsd_exposure(ed, acc);
	for (j = 0; j < dev->n_nets; j++)
		any = any || acc[j];
	o = json_object();
	jset(o, "device", json_string(dev->id.s));
	jset(o, "gpsd_port", json_integer(emit_gpsd_port(dev)));
	nets = json_array();
	for (j = 0; j < dev->n_nets; j++) {
		const struct client_net *cn = &dev->nets[j];
		json_t *n = json_object(), *who = json_array();

		jset(n, "name", json_string(cn->name.s));
		jset(n, "bridge", cn->bridge.s != NULL ?
		    json_string(cn->bridge.s) : json_null());
		jset(n, "address", jaddr(cn->subnet.set, &cn->subnet.a,
		    false));
		jset(n, "default", json_boolean(cn->is_default.v));
		for (i = 0; i < ed->n; i++)
			if (ed->ip[i]->wan_net == cn)
				json_array_append_new(who, json_string(
				    ed->ip[i]->inst->id.s));
		jset(n, "instances", who);
		/* host.nft has a GPSd rule only when some instance of the
		 * device enables GPSd */
		jset(n, "gpsd", json_string(acc[j] ? "accepted" : any ?
		    "dropped" : "not filtered"));
		json_array_append_new(nets, n);
	}
	jset(o, "client_networks", nets);
	insts = json_array();
	for (i = 0; i < ed->n; i++)
		json_array_append_new(insts, explain_inst(ed, i, b,
		    unrecorded));
	jset(o, "instances", insts);
	free(acc);
	return o;
}

static const char *
js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "none";
}

static void
explain_print_list(FILE *fp, json_t *arr)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		fprintf(fp, "%s%s", i > 0 ? ", " : "",
		    json_string_value(json_array_get(arr, i)));
	if (json_array_size(arr) == 0)
		fputs("none", fp);
}

static void
explain_print_text(FILE *fp, json_t *dj)
{
	json_t *nets = json_object_get(dj, "client_networks");
	json_t *insts = json_object_get(dj, "instances"), *x, *w, *l, *g, *a;
	size_t i, k;

	fprintf(fp, "device %s: %zu instance(s)\n", js(dj, "device"),
	    json_array_size(insts));
	for (i = 0; i < json_array_size(nets); i++) {
		x = json_array_get(nets, i);
		fprintf(fp, "  client network %s: bridge %s, device address "
		    "%s%s; GPSd port %lld %s; instances: ", js(x, "name"),
		    js(x, "bridge"), js(x, "address"),
		    json_is_true(json_object_get(x, "default")) ?
		    " (default)" : "",
		    json_integer_value(json_object_get(dj, "gpsd_port")),
		    js(x, "gpsd"));
		explain_print_list(fp, json_object_get(x, "instances"));
		fputc('\n', fp);
	}
	for (i = 0; i < json_array_size(insts); i++) {
		x = json_array_get(insts, i);
		w = json_object_get(x, "wan");
		l = json_object_get(x, "lan");
		g = json_object_get(x, "gpsd");
		fprintf(fp, "\ninstance %s (service %s)%s\n", js(x, "instance"),
		    js(x, "service"), json_is_false(json_object_get(x,
		    "recorded")) ? ": not yet recorded in the ledger, decided "
		    "as compile would now" : "");
		fprintf(fp, "  WAN %s", js(w, "mode"));
		if (json_object_get(w, "client_network") != NULL) {
			fprintf(fp, " on client network %s (bridge %s), host "
			    "veth %s, container interface wan\n",
			    js(w, "client_network"), js(w, "bridge"),
			    js(w, "host_veth"));
			if (strcmp(js(w, "mode"), "allocated") == 0)
				fprintf(fp, "    address %s, default route "
				    "via %s\n", js(w, "address"),
				    js(w, "gateway"));
			fprintf(fp, "    why: %s\n", js(w, "why"));
		} else {
			fputs(": no WAN interface\n", fp);
		}
		fprintf(fp, "  LAN %s", js(l, "mode"));
		if (json_object_get(l, "interface") != NULL) {
			if (json_is_true(json_object_get(l, "routed")))
				fprintf(fp, ", routed: container interface "
				    "lan, host veth %s\n", js(l,
				    "host_veth"));
			else
				fprintf(fp, ", bridged to physical ports:\n");
			a = json_object_get(l, "access_interfaces");
			for (k = 0; k < json_array_size(a); k++) {
				json_t *ai = json_array_get(a, k);

				fprintf(fp, "    port %s -> bridge %s <- veth "
				    "%s -> container %s\n", js(ai, "port"),
				    js(ai, "bridge"), js(ai, "host_veth"),
				    js(ai, "label"));
			}
			fprintf(fp, "    block %s, address %s on %s",
			    js(l, "block"), js(l, "address"),
			    js(l, "interface"));
			a = json_object_get(l, "dhcp_pool");
			if (json_is_object(a))
				fprintf(fp, ", DHCP pool %s - %s", js(a,
				    "start"), js(a, "end"));
			fprintf(fp, "\n    why: %s\n", js(l, "why"));
			a = json_object_get(l, "device_routes");
			for (k = 0; k < json_array_size(a); k++)
				fprintf(fp, "    device: %s\n",
				    json_string_value(json_array_get(a, k)));
		} else {
			fputs(": no LAN interface\n", fp);
		}
		if (json_is_true(json_object_get(x, "forwarding")))
			fprintf(fp, "  forwarding LAN -> WAN (and replies), "
			    "nothing else; %s\n", json_is_true(
			    json_object_get(x, "masquerade")) ?
			    "masquerade of the LAN block leaving by wan" :
			    "no masquerade: LAN addresses leave unchanged");
		if (json_is_true(json_object_get(g, "enabled"))) {
			fprintf(fp, "  GPSd: CONFIG_GPSD_HOST=%s "
			    "CONFIG_GPSD_PORT=%lld", js(g, "host"),
			    json_integer_value(json_object_get(g, "port")));
			if (json_object_get(g, "also_reachable_by") != NULL) {
				fprintf(fp, "; port open to the whole client "
				    "network %s: every client on it, and the "
				    "instances ", js(g,
				    "open_to_client_network"));
				explain_print_list(fp, json_object_get(g,
				    "also_reachable_by"));
				fputc('\n', fp);
			} else {
				fputs("; WAN disabled: no path to GPSd\n", fp);
			}
		}
		fputs("  files: ", fp);
		explain_print_list(fp, json_object_get(x, "files"));
		fputc('\n', fp);
	}
}

int
cmd_explain(int argc, char **argv)
{
	struct copts o;
	struct cstate st;
	struct emit_dev *eds;
	struct bundle b;
	char hex[SHA256_HEX_LEN];
	json_t *dj;
	size_t i;
	int rc;

	if ((rc = compile_args(argc, argv, &o, true)) >= 0)
		return rc;
	memset(&st, 0, sizeof(st));
	if ((rc = compile_plan(&st, &o)) >= 0) {
		compile_fini(&st);
		return rc;
	}
	for (i = 0; i < st.f->n_devs; i++)
		if (strcmp(st.f->devs[i]->id.s, o.device) == 0)
			break;
	if (i == st.f->n_devs) {
		compile_print_diags(&st, &o);
		fprintf(stderr, "edgenetc explain: no device '%s' in the "
		    "input\n", o.device);
		compile_fini(&st);
		return 1;
	}
	eds = emit_devs_group(st.f, &st.in.plan);
	emit_dev_digest(&eds[i], hex);
	emit_bundle_render(&eds[i], hex, &b, st.d);
	dj = explain_device(&eds[i], &b, &st.unrecorded);
	compile_print_diags(&st, &o);
	rc = 0;
	if (o.graph == 'd') {
		explain_dot(stdout, dj, st.f->devs[i]);
	} else if (o.graph == 's') {
		rc = explain_svg(dj, st.f->devs[i]) < 0 ? 1 : 0;
	} else if (o.json) {
		json_dumpf(dj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		explain_print_text(stdout, dj);
	}
	json_decref(dj);
	emit_bundle_free(&b);
	emit_devs_free(eds, st.f->n_devs);
	compile_fini(&st);
	return rc;
}
