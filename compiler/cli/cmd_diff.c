/*
 * cmd_diff.c - edgenetc diff: what a change of the input does to the
 * bundles (docs/changes.md).
 *
 * Each side (a spec file, or a directory whose *.yaml, *.yml, *.json and
 * *.graphql files form one input) is loaded, checked and planned in
 * memory against its own read-only view of the ledger, so an instance
 * the ledger does not hold yet gets the decision compile would make now
 * and nothing is written.  Two directories of compile output are compared
 * bundle by bundle instead.  Exit status as diff(1): 0 same, 1 different,
 * 2 trouble.
 */
#include <errno.h>
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
#include "cmd.h"
#include "diff.h"
#include "emit.h"
#include "emit_out.h"
#include "ledger.h"
#include "sha256.h"
#include "strmap.h"
#include "xalloc.h"

struct dopts {
	const char	*ledger;
	const char	*vars;
	enum syntax	 syn;
	bool		 json;
	const char	*old, *new_;
};

struct dside {
	const char		*arg;
	struct cli_input	 in;
	struct emit_dev		*eds;
	struct diff_view	 vw;
	bool			 loaded;
};

static void
diff_usage(FILE *fp)
{
	fputs("usage: edgenetc diff [--ledger PATH] [--format text|json] "
	    "[--syntax S]\n"
	    "                     [--vars FILE.json] OLD NEW\n"
	    "\n"
	    "Compares what compile would write for two versions of a fleet: "
	    "per device,\ninstance, bundle file, and exposure (who gains or "
	    "loses GPSd reach, which\nports are bridged to which instance).  "
	    "OLD and NEW are each a spec file or\na directory whose *.yaml, "
	    "*.yml, *.json and *.graphql files form one input,\nor both "
	    "directories of compile output.  The ledger is only read (and "
	    "never\ncreated); env values are never printed.\n"
	    "\n"
	    "  --ledger PATH        allocation ledger (default: see stderr)\n"
	    "  --format F           text (default) or json\n"
	    "  --syntax S           read every FILE as yaml, json or graphql\n"
	    "  --vars FILE.json     values of GraphQL $variables\n"
	    "\n"
	    "Exit status: 0 no difference, 1 differences, 2 usage error, "
	    "unreadable\ninput or an input with errors.\n", fp);
}

static int
diff_args(int argc, char **argv, struct dopts *o)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "syntax", required_argument, NULL, 's' },
		{ "vars", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cl = { .verb = "diff", .usage = diff_usage, .opts = opts,
	    .shortopts = "+" };
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = cli_getopt(&cl, argc, argv)) != -1) {
		switch (c) {
		case 'l':
			o->ledger = optarg;
			break;
		case 'v':
			o->vars = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "text") != 0)
				return cli_usage_error(&cl, "--format takes "
				    "text or json, not '%s'", optarg);
			o->json = strcmp(optarg, "json") == 0;
			break;
		case 's':
			if (!cli_parse_syntax(&cl, "--syntax", optarg, &o->syn))
				return 2;
			break;
		default:
			return cl.rc;
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(&cl, "two inputs are needed, OLD and "
		    "NEW (see 'edgenetc diff --help')");
	o->old = argv[optind];
	o->new_ = argv[optind + 1];
	if (strcmp(o->old, "-") == 0 && strcmp(o->new_, "-") == 0)
		return cli_usage_error(&cl, "standard input can be OLD or "
		    "NEW, not both");
	return -1;
}

static void
side_free(struct dside *s)
{
	diff_view_free(&s->vw);
	if (s->eds != NULL)
		emit_devs_free(s->eds, s->in.f->n_devs);
	if (s->loaded)
		cli_input_fini(&s->in);
}

/* network_config ------------------------------------------------------- */

static bool
lstr_eq(const struct lstr *a, const struct lstr *b)
{
	if (a->s == NULL || b->s == NULL)
		return a->s == b->s;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static bool
netcfg_eq(const struct service *a, const struct service *b)
{
	size_t k;

	if (a->wan.v != b->wan.v || a->lan.v != b->lan.v ||
	    a->masquerade.v != b->masquerade.v ||
	    !lstr_eq(&a->wan_network, &b->wan_network) || a->n_ifs != b->n_ifs)
		return false;
	for (k = 0; k < a->n_ifs; k++)
		if (!lstr_eq(&a->ifs[k].name, &b->ifs[k].name) ||
		    !lstr_eq(&a->ifs[k].label, &b->ifs[k].label))
			return false;
	return true;
}

/* Gives dst src's network_config (values only; dst's locations). */
static void
netcfg_inherit(struct service *dst, const struct service *src)
{
	const struct loc *l = dst->has_netcfg ? &dst->netcfg_loc : &dst->loc;
	struct access_if *ai;
	size_t k;

	dst->wan.v = src->wan.v;
	dst->lan.v = src->lan.v;
	dst->masquerade.v = src->masquerade.v;
	if (src->wan_network.s != NULL)
		lstr_set(&dst->wan_network, src->wan_network.s,
		    src->wan_network.len, l);
	else
		lstr_clear(&dst->wan_network);
	for (k = 0; k < dst->n_ifs; k++) {
		lstr_clear(&dst->ifs[k].name);
		lstr_clear(&dst->ifs[k].label);
	}
	dst->n_ifs = 0;
	for (k = 0; k < src->n_ifs; k++) {
		ai = XPUSH(dst->ifs, dst->n_ifs, dst->cap_ifs);
		memset(ai, 0, sizeof(*ai));
		lstr_set(&ai->name, src->ifs[k].name.s, src->ifs[k].name.len,
		    l);
		lstr_set(&ai->label, src->ifs[k].label.s,
		    src->ifs[k].label.len, l);
		ai->loc = *l;
	}
}

/* NEW's network_config at ln is ignored: the first import's at lo is
 * kept. */
static void
netcfg_err_first(struct diag_ctx *d, const struct service *sn,
    const struct loc *ln, const struct loc *lo)
{
	diag_err(d, ln, "netcfg-immutable", "network_config of service '%s' "
	    "differs from its first import at %s:%u:%u; network_config is "
	    "immutable: this one is ignored and the service keeps the first",
	    sn->name.s, lo->file != NULL ? lo->file : "?", lo->line, lo->col);
}

/* NEW's network_config against the one the ledger recorded (OLD's and
 * NEW's differ): an error when NEW's is not the recorded one, pointing
 * at OLD when OLD's is. */
static void
netcfg_recorded(const struct service *so, const struct service *sn,
    const struct ledger_svc *rec, struct diag_ctx *d)
{
	const struct loc *lo = so->has_netcfg ? &so->netcfg_loc : &so->loc;
	const struct loc *ln = sn->has_netcfg ? &sn->netcfg_loc : &sn->loc;
	char *mn = alloc_netcfg_json(sn), *mo = alloc_netcfg_json(so);

	if (strcmp(mn, rec->netcfg) == 0)
		;	/* OLD's is the one ignored: the planner says so */
	else if (strcmp(mo, rec->netcfg) == 0)
		netcfg_err_first(d, sn, ln, lo);
	else
		diag_err(d, ln, "netcfg-immutable", "network_config of "
		    "service '%s' differs from its first import, recorded in "
		    "the ledger; network_config is immutable: this one is "
		    "ignored and the service keeps the first: %s", sn->name.s,
		    rec->netcfg);
	free(mn);
	free(mo);
}

/*
 * A service both sides import with different network_configs keeps the
 * first one (edgenetc-input(5), "Allocation"): NEW's is ignored, as
 * compile after compile would do, and reported at both places.  A
 * service the ledger l records is left to the planner: the recorded
 * network_config is the first import, on both sides.  -1 on a ledger
 * error (in l->err).
 */
static int
diff_netcfg(struct dside *o, struct dside *n, struct ledger *l)
{
	struct ledger_svc rec;
	struct service *sn;
	const struct service *so;
	const struct loc *lo, *ln;
	size_t i;
	int r;

	for (i = 0; i < n->in.f->n_svcs; i++) {
		sn = n->in.f->svcs[i];
		so = fleet_service_find(o->in.f, sn->name.s);
		if (so == NULL || netcfg_eq(so, sn))
			continue;
		/* recorded: the ledger's is the first import, on both
		 * sides (the planner puts it in place, and warns) */
		if ((r = l->ops->svc_get(l, sn->name.s, &rec)) < 0)
			return -1;
		if (r == 0) {
			netcfg_recorded(so, sn, &rec, &n->in.d);
			ledger_svc_fini(&rec);
			continue;
		}
		lo = so->has_netcfg ? &so->netcfg_loc : &so->loc;
		ln = sn->has_netcfg ? &sn->netcfg_loc : &sn->loc;
		netcfg_err_first(&n->in.d, sn, ln, lo);
		netcfg_inherit(sn, so);
	}
	return 0;
}

/* Sides ---------------------------------------------------------------- */

/* Loads one input side; -1 to go on, else the exit status. */
static int
side_load(struct dside *s, const struct dopts *o)
{
	int rc;

	rc = cli_input_load(&s->in, (char *const *)&s->arg, 1, o->syn,
	    o->vars, NULL);
	s->loaded = true;
	return rc >= 0 ? 2 : -1;
}

/* Plans one side on the read-only view l, which it leaves as it was. */
static int
side_plan(struct dside *s, struct ledger *l, struct alloc_known *known)
{
	if (cli_input_plan_known(&s->in, l, known) < 0)
		return 2;
	s->eds = emit_devs_group(s->in.f, &s->in.plan);
	diff_view_input(&s->vw, s->eds, s->in.f->n_devs);
	return -1;
}

struct load_job {
	struct dside		*s;
	const struct dopts	*o;
	int			 rc;
};

static void *
side_load_job(void *arg)
{
	struct load_job *j = arg;

	j->rc = side_load(j->s, j->o);
	return NULL;
}

/*
 * Loads both sides, at once: they share nothing (each its own fleet and
 * diagnostics; the front-ends keep no global state).  -1 to go on, else
 * the exit status.
 */
static int
diff_load(struct dside *a, struct dside *b, const struct dopts *o)
{
	struct load_job jb = { b, o, 2 };
	pthread_t t;
	bool two;
	int rc;

	(void)sha256_impl(0);	/* picked once, before the threads */
	two = pthread_create(&t, NULL, side_load_job, &jb) == 0;
	rc = side_load(a, o);
	if (two)
		pthread_join(t, NULL);
	else
		side_load_job(&jb);
	return rc >= 0 ? rc : jb.rc;
}

/* "edgenetc diff: ledger NAME: ERR", naming the ledger once: the
 * ledger's messages name it already (without a password). */
static void
ledger_err(const char *name, const char *err)
{
	if (name != NULL && strncmp(err, name, strlen(name)) != 0)
		fprintf(stderr, "edgenetc diff: ledger %s: %s\n", name, err);
	else
		fprintf(stderr, "edgenetc diff: ledger %s\n", err);
}

/*
 * Both sides planned against one read-only view of the ledger, whose
 * live instances are read once.  The view stays open in *lp (what it
 * holds is as it was: planning leaves it so) for the report to tell
 * decisions recorded from decisions made now.  dflt: where is the
 * default ledger, which is named on stderr.
 */
static int
diff_plan(struct dside *a, struct dside *b, const char *where, bool dflt,
    struct ledger **lp)
{
	char err[LEDGER_ERRLEN];
	struct ledger *l;
	struct alloc_known *known;
	int rc;

	*lp = NULL;
	if ((l = ledger_open_readonly(where, err, sizeof(err))) == NULL) {
		/* where may hold a password: the message names the ledger */
		ledger_err(NULL, err);
		return 2;
	}
	if (dflt)	/* l->where: a URL without its password */
		fprintf(stderr, "edgenetc diff: using ledger %s\n", l->where);
	if (diff_netcfg(a, b, l) < 0 ||
	    (known = alloc_known_read(l)) == NULL) {
		ledger_err(l->where, l->err);
		ledger_close(l);
		return 2;
	}
	rc = side_plan(a, l, known);
	if (rc < 0)
		rc = side_plan(b, l, known);
	alloc_known_free(known);
	if (rc < 0)
		*lp = l;
	else
		ledger_close(l);
	return rc;
}

/*
 * Marks "recorded": false on every instance of the report whose
 * decisions the ledger does not hold: not live there, or live on another
 * device (it moves).  An added or changed instance is NEW's, a removed
 * one OLD's; both are on the device of their entry.  -1 on a ledger
 * error.
 */
static int
diff_mark_recorded(json_t *rep, struct ledger *l)
{
	struct ledger_inst li;
	json_t *d, *x;
	const char *dev, *id;
	size_t i, k;
	int r;

	json_array_foreach(json_object_get(rep, "devices"), i, d) {
		dev = json_string_value(json_object_get(d, "device"));
		json_array_foreach(json_object_get(d, "instances"), k, x) {
			id = json_string_value(json_object_get(x, "instance"));
			if ((r = l->ops->inst_get(l, id, &li)) < 0) {
				ledger_err(l->where, l->err);
				return -1;
			}
			if (r == 0) {
				if (strcmp(li.device, dev) != 0)
					r = 1;
				ledger_inst_fini(&li);
			}
			json_object_set_new(x, "recorded", json_boolean(r == 0));
		}
	}
	return 0;
}

static json_t *
jstr(const char *v)
{
	json_t *j;

	if (v == NULL)
		return json_null();
	/* messages quote input text, which need not be UTF-8 */
	return (j = json_string(v)) != NULL ? j : json_string_nocheck(v);
}

/* What tells two diagnostics apart, as bytes (NULs included). */
static char *
diag_key(const struct diag *g, size_t *len)
{
	const char *f = g->loc.file != NULL ? g->loc.file : "";
	size_t fl = strlen(f) + 1, cl = strlen(g->code) + 1,
	    ml = strlen(g->msg);
	unsigned num[3] = { g->loc.line, g->loc.col, (unsigned)g->level };
	char *k, *p;

	*len = fl + sizeof(num) + cl + ml;
	p = k = xmalloc(*len);
	memcpy(p, f, fl);
	memcpy(p += fl, num, sizeof(num));
	memcpy(p += sizeof(num), g->code, cl);
	memcpy(p + cl, g->msg, ml);
	return k;
}

/*
 * Both sides' diagnostics as one JSON array in the shape of
 * diag_print_json(), in the order they were found, duplicates once.
 */
static json_t *
diff_diags(struct dside *a, struct dside *b)
{
	json_t *all = json_array(), *x;
	struct dside *s[2] = { a, b };
	struct strmap seen;
	const struct diag *g;
	char **keys = NULL, *key;
	size_t i, k, n = 0, cap = 0, len;

	strmap_init(&seen, 0);
	for (k = 0; k < 2; k++) {
		for (i = 0; s[k]->loaded && i < s[k]->in.d.n; i++) {
			g = &s[k]->in.d.v[i];
			key = diag_key(g, &len);
			if (strmap_put(&seen, key, len, key) != NULL) {
				free(key);
				continue;
			}
			*XPUSH(keys, n, cap) = key;
			x = json_object();
			json_object_set_new(x, "file", jstr(g->loc.file));
			json_object_set_new(x, "line", json_integer(g->loc.line));
			json_object_set_new(x, "column", json_integer(
			    g->loc.col));
			json_object_set_new(x, "severity", json_string(
			    g->level == DIAG_ERROR ? "error" : "warning"));
			json_object_set_new(x, "message", jstr(g->msg));
			json_object_set_new(x, "code", jstr(g->code));
			json_array_append_new(all, x);
		}
	}
	strmap_fini(&seen);
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return all;
}

static void
diff_print_diags(FILE *fp, json_t *diags)
{
	json_t *x;
	size_t i;

	json_array_foreach(diags, i, x)
		fprintf(fp, "%s:%lld:%lld: %s: %s [%s]\n",
		    json_string_value(json_object_get(x, "file")) ?: "edgenetc",
		    json_integer_value(json_object_get(x, "line")),
		    json_integer_value(json_object_get(x, "column")),
		    json_string_value(json_object_get(x, "severity")) ?: "",
		    json_string_value(json_object_get(x, "message")) ?: "",
		    json_string_value(json_object_get(x, "code")) ?: "");
}

/* Text ----------------------------------------------------------------- */

/*
 * s as one line of text: control characters (a newline in a bundle
 * file's name would split the line) and backslashes escaped, C style.
 */
static void
put_esc(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(s != NULL ? s : ""); *p; p++) {
		if (*p == '\\')
			fputs("\\\\", fp);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p == '\r')
			fputs("\\r", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
}

/* The string value of key in o, escaped. */
static void
put_key(FILE *fp, json_t *o, const char *key)
{
	put_esc(fp, json_string_value(json_object_get(o, key)));
}

/* lead, o's k1, sep, o's k2, values escaped. */
static void
put_pair(FILE *fp, const char *lead, json_t *o, const char *k1,
    const char *sep, const char *k2)
{
	fputs(lead, fp);
	put_key(fp, o, k1);
	fputs(sep, fp);
	put_key(fp, o, k2);
}

static void
print_rules(FILE *fp, json_t *f, const char *key, char sign)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(f, key), i, r) {
		fprintf(fp, "      %c ", sign);
		put_esc(fp, json_string_value(r));
		fputc('\n', fp);
	}
}

static void
diff_print_text(FILE *fp, json_t *rep)
{
	json_t *d, *x, *f;
	size_t i, k, j, n[3] = { 0, 0, 0 };
	const char *c;

	json_array_foreach(json_object_get(rep, "devices"), i, d) {
		c = json_string_value(json_object_get(d, "change")) ?: "";
		n[strcmp(c, "added") == 0 ? 0 : strcmp(c, "removed") == 0 ?
		    1 : 2]++;
		fputs("device ", fp);
		put_key(fp, d, "device");
		fprintf(fp, ": %s\n", c);
		json_array_foreach(json_object_get(d, "instances"), k, x) {
			put_pair(fp, "  instance ", x, "instance", ": ",
			    "change");
			json_array_foreach(json_object_get(x, "fields"), j, f) {
				fputs(j == 0 ? " (" : ", ", fp);
				put_esc(fp, json_string_value(f));
			}
			if (json_array_size(json_object_get(x, "fields")) > 0)
				fputc(')', fp);
			if (json_is_false(json_object_get(x, "recorded")))
				fputs(" (not yet recorded)", fp);
			fputc('\n', fp);
		}
		json_array_foreach(json_object_get(d, "files"), k, x) {
			put_pair(fp, "  file ", x, "path", ": ", "change");
			fputc('\n', fp);
			print_rules(fp, x, "-", '-');
			print_rules(fp, x, "+", '+');
		}
		json_array_foreach(json_object_get(d, "exposure"), k, x) {
			put_pair(fp, "  exposure ", x, "what", " ", "change");
			fputs(": ", fp);
			put_key(fp, x, "subject");
			fputc('\n', fp);
		}
	}
	fprintf(fp, "%zu device(s) differ: %zu added, %zu removed, %zu "
	    "changed; %lld unchanged\n", n[0] + n[1] + n[2], n[0], n[1], n[2],
	    json_integer_value(json_object_get(rep, "unchanged_devices")));
}

static int
diff_bundles(struct dside *a, struct dside *b)
{
	char err[512];

	if (diff_view_bundles(&a->vw, a->arg, err, sizeof(err)) < 0 ||
	    diff_view_bundles(&b->vw, b->arg, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgenetc diff: %s\n", err);
		return 2;
	}
	return -1;
}

/*
 * A missing or unreadable --vars file, said once (each side would say it
 * again as it loads).  False when it cannot be read.
 */
static bool
vars_readable(const char *path)
{
	char c;
	FILE *fp;
	bool ok;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "edgenetc: cannot read %s: %s\n", path,
		    strerror(errno));
		return false;
	}
	/* one byte: a directory opens, and fails here (EISDIR) */
	if ((ok = fread(&c, 1, 1, fp) == 1 || !ferror(fp)) == false)
		fprintf(stderr, "edgenetc: cannot read %s: %s\n", path,
		    strerror(errno));
	fclose(fp);
	return ok;
}

int
cmd_diff(int argc, char **argv)
{
	struct dopts o;
	struct dside a, b;
	struct ledger *l = NULL;
	const char *where;
	json_t *rep = NULL, *diags;
	bool ba, bb;
	int rc;

	if ((rc = diff_args(argc, argv, &o)) >= 0)
		return rc;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.arg = o.old;
	b.arg = o.new_;
	ba = diff_dir_is_bundles(o.old);
	bb = diff_dir_is_bundles(o.new_);
	if (ba != bb) {
		fprintf(stderr, "edgenetc diff: %s is %s, %s is not: compare "
		    "two inputs or two directories of bundles\n", ba ? o.old :
		    o.new_, "a directory of compile output", ba ? o.new_ :
		    o.old);
		return 2;
	}
	if (ba) {
		rc = diff_bundles(&a, &b);
	} else {
		if (o.vars != NULL && !vars_readable(o.vars))
			return 2;
		where = o.ledger != NULL ? o.ledger : cli_default_ledger();
		rc = diff_load(&a, &b, &o);
		if (rc < 0)
			rc = diff_plan(&a, &b, where, o.ledger == NULL, &l);
	}
	diags = diff_diags(&a, &b);
	if (rc < 0) {
		rep = diff_views(&a.vw, &b.vw, !o.json);
		if (l != NULL && diff_mark_recorded(rep, l) < 0) {
			json_decref(rep);
			rep = NULL;
			rc = 2;
		} else {
			rc = json_array_size(json_object_get(rep, "devices")) >
			    0 || b.in.d.n_err > 0 ? 1 : 0;
		}
	}
	if (l != NULL)
		ledger_close(l);
	if (o.json) {
		if (rep == NULL) {
			rep = json_object();
			json_object_set_new(rep, "devices", json_array());
			json_object_set_new(rep, "unchanged_devices",
			    json_integer(0));
		}
		json_object_set(rep, "diagnostics", diags);
		json_dumpf(rep, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		diff_print_diags(stderr, diags);
		if (rep != NULL)
			diff_print_text(stdout, rep);
	}
	json_decref(diags);
	json_decref(rep);
	side_free(&a);
	side_free(&b);
	return rc;
}
