/*
 * cmd_reconcile.c - edgenetc ledger reconcile: release every instance the
 * ledger holds that the given complete inventory no longer lists.
 *
 *   ledger reconcile [--ledger PATH] [--dry-run] [--cooldown S] FILE...
 *
 * Each one is released as `release` would (its blocks and addresses stay
 * out of reuse for the cooldown) and printed as one JSON line.  With
 * --dry-run the ledger is only read (and never created) and the lines
 * say what would be released.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alloc.h"
#include "cli.h"
#include "cliopt.h"
#include "cli_input.h"
#include "cmd.h"
#include "ledger.h"
#include "xalloc.h"

struct gone {
	char	*instance, *service, *device;
	int64_t	 gen;
	bool	 done;		/* released by this call, not by another */
};

struct gones {
	struct gone	*v;
	size_t		 n, cap;
};

static int
reconcile_collect(void *arg, struct ledger_inst *li)
{
	struct gones *g = arg;
	struct gone *x = XPUSH(g->v, g->n, g->cap);

	x->instance = xstrdup(li->instance);
	x->service = xstrdup(li->service != NULL ? li->service : "");
	x->device = xstrdup(li->device != NULL ? li->device : "");
	x->gen = li->gen;
	return 0;
}

static void
reconcile_print(const struct gone *x, const char *status)
{
	json_t *o;
	char *txt;

	o = json_pack("{s:s, s:s, s:s, s:I, s:s}", "instance", x->instance,
	    "service", x->service, "device", x->device, "generation",
	    (json_int_t)x->gen, "status", status);
	txt = json_dumps(o, JSON_COMPACT);
	printf("%s\n", txt);
	free(txt);
	json_decref(o);
}

static const char reconcile_usage_text[] = "usage: edgenetc ledger [--ledger PATH] "
    "reconcile [--dry-run] [--cooldown SECONDS]\n"
    "                       [--syntax S] [--vars FILE.json] FILE...\n"
    "\n"
    "FILE... is the complete inventory.  Releases every instance the "
    "ledger\nholds that no device of it lists, as release does (blocks and "
    "addresses\nstay out of reuse for --cooldown seconds, default 0), and "
    "prints each:\n"
    "  {\"instance\",\"service\",\"device\",\"generation\","
    "\"status\":\"released\"|\"would-release\"}\n"
    "--dry-run only reads the ledger (and never creates one).\n"
    "\n"
    "Exit status: 0 ok, 1 errors in the input or a failed operation, 2 "
    "usage\nerror or unreadable input.\n";

static void
reconcile_usage(FILE *fp)
{
	fputs(reconcile_usage_text, fp);
}

static int
reconcile_args(int argc, char **argv, const char **ledger, bool *dry,
    int64_t *cooldown, enum syntax *syn, const char **vars, char **files,
    int *n_files)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "cooldown", required_argument, NULL, 'c' },
		{ "syntax", required_argument, NULL, 's' },
		{ "vars", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	/* options may follow "reconcile" and the files ('-': permuted) */
	struct cli cl = { .verb = "ledger reconcile", .usage = reconcile_usage,
	    .opts = opts, .shortopts = "-" };
	int c;

	*n_files = 0;
	while ((c = cli_getopt(&cl, argc, argv)) != -1) {
		switch (c) {
		case 'l':
			*ledger = optarg;
			break;
		case 'n':
			*dry = true;
			break;
		case 'c':
			if (!cli_parse_i64(optarg, 0, cooldown) ||
			    *cooldown > INT32_MAX * 100LL)
				return cli_usage_error(&cl, "--cooldown takes "
				    "seconds >= 0");
			break;
		case 's':
			if (!cli_parse_syntax(&cl, "--syntax", optarg, syn))
				return 2;
			break;
		case 'v':
			*vars = optarg;
			break;
		default:
			return cl.rc;
		}
	}
	/* the operands, permuted to the end: "reconcile" FILE... */
	if (argc - optind < 2 || strcmp(argv[optind], "reconcile") != 0)
		return cli_usage_error(&cl, "needs the inventory's FILE... "
		    "(see 'edgenetc ledger reconcile --help')");
	for (c = optind + 1; c < argc; c++)
		files[(*n_files)++] = argv[c];
	return -1;
}

static void
gones_free(struct gones *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->v[i].instance);
		free(g->v[i].service);
		free(g->v[i].device);
	}
	free(g->v);
	memset(g, 0, sizeof(*g));
}

/*
 * One attempt in one transaction: collects the instances the input does
 * not list and releases them (dry: only collects).  An instance another
 * writer released or reissued meanwhile is not ours to report.  Returns
 * 0 committed (or read), -1 with the reason in l->err.
 */
static int
reconcile_once(struct alloc_session *s, const struct cli_input *in,
    struct ledger *l, bool dry, int64_t cooldown, struct gones *g,
    size_t *n)
{
	int64_t cur;
	size_t i;
	int r;

	*n = 0;
	if (alloc_session_begin(s) != 0)
		return -1;
	if (cli_input_stale(in, l, reconcile_collect, g) < 0)
		return -1;
	for (i = 0; i < g->n; i++) {
		if (!dry && (r = alloc_session_release(s, g->v[i].instance,
		    g->v[i].gen, cooldown, &cur)) != 0) {
			if (r < 0)
				return -1;
			continue;	/* gone meanwhile */
		}
		g->v[i].done = true;
		(*n)++;
	}
	if (dry) {
		alloc_session_rollback(s);
		return 0;
	}
	return alloc_session_commit(s);
}

int
cmd_ledger_reconcile(int argc, char **argv)
{
	const char *path = NULL, *vars = NULL;
	enum syntax syn = SYNTAX_AUTO;
	struct cli_input in;
	struct alloc_session *s = NULL;
	struct gones g = { 0 };
	struct ledger *l = NULL;
	char err[LEDGER_ERRLEN];
	int64_t cooldown = 0;
	bool dry = false;
	size_t i, n = 0, mark;
	int rc, attempt;

	char **files = xzalloc((size_t)argc * sizeof(*files));
	int n_files;

	if ((rc = reconcile_args(argc, argv, &path, &dry, &cooldown, &syn,
	    &vars, files, &n_files)) >= 0) {
		free(files);
		return rc;
	}
	rc = cli_input_load(&in, files, n_files, syn, vars, NULL);
	free(files);
	if (rc >= 0) {
		diag_print_text(&in.d, stderr);
		cli_input_fini(&in);
		return rc;
	}
	if (dry) {
		bool dflt = path == NULL;

		if (dflt)
			path = cli_default_ledger();
		if ((l = ledger_open_readonly(path, err, sizeof(err))) == NULL)
			fprintf(stderr, "edgenetc ledger reconcile: %s\n", err);
		else if (dflt)	/* l->where: a URL without its password */
			fprintf(stderr, "edgenetc ledger reconcile: using "
			    "ledger %s\n", l->where);
	} else {
		l = cli_open_ledger("ledger reconcile", path);
	}
	rc = 1;
	if (l == NULL)
		goto out;
	/* deadlocks and serialization failures: the whole call again */
	for (attempt = 0;; attempt++) {
		mark = in.d.n;
		s = alloc_session_new(l, &in.d, alloc_now());
		if (reconcile_once(s, &in, l, dry, cooldown, &g, &n) == 0)
			break;
		if (!ledger_retry_again(l, attempt)) {
			if (in.d.n == mark)	/* else said as a diagnostic */
				fprintf(stderr, "edgenetc ledger reconcile: "
				    "%s\n", l->err);
			goto out;
		}
		alloc_session_free(s);
		s = NULL;
		gones_free(&g);
		diag_rewind(&in.d, mark);
	}
	for (i = 0; i < g.n; i++)
		if (g.v[i].done)
			reconcile_print(&g.v[i], dry ? "would-release" :
			    "released");
	fprintf(stderr, "edgenetc ledger reconcile: %s %zu instance%s\n",
	    dry ? "would release" : "released", n, n == 1 ? "" : "s");
	rc = 0;
out:
	diag_print_text(&in.d, stderr);
	alloc_session_free(s);
	ledger_close(l);
	gones_free(&g);
	cli_input_fini(&in);
	return rc;
}
