/*
 * cmd_release.c - edgenetc release: an instance's decisions freed, its
 * blocks reusable after the cooldown.
 *
 *   release [--ledger PATH] --instance ID [--cooldown S] [--generation G]
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
 * release
 */

static void
release_usage(FILE *fp)
{
	fputs("usage: edgenetc release [--ledger PATH] "
	    "--instance ID [--cooldown SECONDS]\n"
	    "                        [--generation G]\n"
	    "\n"
	    "Frees every decision of the instance's live generation.  Its\n"
	    "blocks and addresses stay out of reuse for --cooldown seconds\n"
	    "(default 0).  With --generation, releases only if G is still the\n"
	    "live generation (a stale release changes nothing).  Releasing\n"
	    "what is not allocated is not an error.  Prints\n"
	    "  {\"instance\",\"status\":\"released\"|\"not-allocated\"|"
	    "\"stale\",\"generation\"}\n", fp);
}

int
cmd_release(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "instance", required_argument, NULL, 'i' },
		{ "cooldown", required_argument, NULL, 'c' },
		{ "generation", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cl = { .verb = "release", .usage = release_usage,
	    .opts = opts, .diag = true };
	const char *ledger = NULL, *instance = NULL;
	const char *status[] = { "released", "not-allocated", "stale" };
	int64_t cooldown = 0, gen = 0, cur;
	struct diag_ctx d;
	struct ledger *l;
	struct alloc_session *s;
	json_t *o;
	char *txt;
	size_t mark;
	int c, r, rc = 1, attempt;

	while ((c = cli_getopt(&cl, argc, argv)) != -1) {
		switch (c) {
		case 'l':
			ledger = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 'c':
			if (!cli_parse_i64(optarg, 0, &cooldown) ||
			    cooldown > INT32_MAX * 100LL) {
				fprintf(stderr, "edgenetc release: --cooldown "
				    "takes seconds >= 0\n");
				return 2;
			}
			break;
		case 'g':
			if (!cli_parse_i64(optarg, 1, &gen)) {
				fprintf(stderr, "edgenetc release: "
				    "--generation takes a number >= 1\n");
				return 2;
			}
			break;
		default:
			return cl.rc;
		}
	}
	if (optind != argc || instance == NULL)
		return cli_usage_error(&cl, optind != argc ? "unexpected "
		    "argument '%s'" : "--instance is required%s",
		    optind != argc ? argv[optind] : "");
	if (!cli_id_ok("release", "instance", instance))
		return 2;
	if ((l = cli_open_ledger("release", ledger)) == NULL)
		return 1;
	cli_diag_init(&cl, &d);
	for (attempt = 0;; attempt++) {
		mark = d.n;
		s = alloc_session_new(l, &d, alloc_now());
		r = -1;
		if (alloc_session_begin(s) == 0) {
			r = alloc_session_release(s, instance, gen, cooldown,
			    &cur);
			if (r >= 0 && alloc_session_commit(s) != 0)
				r = -1;
		}
		if (r >= 0 || !ledger_retry_again(l, attempt))
			break;
		alloc_session_free(s);
		diag_rewind(&d, mark);
	}
	{
		if (r >= 0) {
			rc = 0;
			o = json_pack("{s:s, s:s, s:o}", "instance", instance,
			    "status", status[r], "generation", cur != 0 ?
			    json_integer(cur) : json_null());
			txt = json_dumps(o, JSON_COMPACT);
			printf("%s\n", txt);
			free(txt);
			json_decref(o);
			if (r == 2)
				fprintf(stderr, "edgenetc release: stale: "
				    "generation %lld of instance '%s' is not "
				    "the live one (%lld); nothing released\n",
				    (long long)gen, instance, (long long)cur);
		}
	}
	cli_diag_print(&cl, &d, stderr);
	alloc_session_free(s);
	ledger_close(l);
	diag_fini(&d);
	return rc;
}
