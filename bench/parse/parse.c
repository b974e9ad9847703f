/*
 * bench/parse.c - time one front-end stage on one file (driven by
 * bench/parse, which runs every syntax and stage in its own process so
 * that each peak RSS is its own).
 *
 *   parse SYNTAX STAGE FILE
 *
 * SYNTAX: yaml | json | graphql.  STAGE:
 *   floor   the library or scanner alone: libyaml's event parser,
 *           jansson's json_loadb, the GraphQL flex scanner (tokens only)
 *   tree    the front-end: text -> vnode tree (front_*_parse)
 *   load    the whole way to the model: front_load_buf, what lint and
 *           compile run (YAML and JSON stream their services and devices
 *           lists, GraphQL maps each import as soon as it is parsed)
 *   stream  GraphQL only: front_graphql_load called directly (the load
 *           stage's path without front_load_buf's copy of the buffer)
 *
 * Prints one line: syntax stage bytes median_seconds MB/s peak_rss_kB
 * base_rss_kB (peak: after the first run, the one that starts from a
 * fresh heap; base: after reading the file, before that run).
 * Runs at least 5 times and at least 1 s; the median is reported.  Time
 * is the process's CPU time (CLOCK_PROCESS_CPUTIME_ID): the work is
 * single-threaded, and on a shared, oversubscribed machine wall time
 * mostly measures the other tenants.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <yaml.h>

#include "front.h"
#include "front_graphql.h"
#include "gq.h"
#include "xalloc.h"

#define YYSTYPE GQ_STYPE
#define YYLTYPE GQ_LTYPE
#include "graphql.tab.h"
#include "graphql.yy.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int
floor_yaml(const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int done = 0, rc = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = -1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

static int
floor_json(const char *buf, size_t len)
{
	json_error_t err;
	json_t *j;

	/* the flags front_json.c uses */
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
	    JSON_DECODE_ANY, &err);
	if (j == NULL)
		return -1;
	json_decref(j);
	return 0;
}

static int
floor_graphql(const char *buf, size_t len, struct diag_ctx *d)
{
	struct gq_state st;
	yyscan_t scanner;
	GQ_STYPE val;
	GQ_LTYPE loc;
	int tok;

	memset(&st, 0, sizeof(st));
	st.d = d;
	st.file = "bench.graphql";
	st.line = st.col = 1;
	if (gq_lex_init_extra(&st, &scanner) != 0)
		return -1;
	st.in = buf;
	st.in_len = len;
	/* token values are in st's arena */
	while ((tok = gq_lex(&val, &loc, scanner)) > 0)
		;
	gq_lex_destroy(scanner);
	free(st.bbuf);
	gq_arena_free(&st);
	return st.n_errors > 0 || tok < 0 ? -1 : 0;
}

static int
run_once(enum syntax syn, const char *stage, const char *buf, size_t len)
{
	struct diag_ctx d;
	struct vnode *v = NULL;
	struct fleet *f;
	int rc = 0;

	diag_init(&d);
	if (strcmp(stage, "floor") == 0) {
		rc = syn == SYNTAX_YAML ? floor_yaml(buf, len) :
		    syn == SYNTAX_JSON ? floor_json(buf, len) :
		    floor_graphql(buf, len, &d);
	} else if (strcmp(stage, "tree") == 0) {
		v = syn == SYNTAX_YAML ? front_yaml_parse(&d, "b", buf, len) :
		    syn == SYNTAX_JSON ? front_json_parse(&d, "b", buf, len) :
		    front_graphql_parse(&d, "b", buf, len, NULL);
		rc = v == NULL ? -1 : 0;
		vnode_free(v);
	} else if (strcmp(stage, "stream") == 0) {
		f = fleet_new();
		rc = front_graphql_load(f, &d, "b", buf, len, NULL);
		fleet_free(f);
	} else {
		f = fleet_new();
		rc = front_load_buf(f, &d, "b", buf, len, syn, NULL);
		fleet_free(f);
	}
	if (rc != 0 || d.n_err > 0) {
		diag_print_text(&d, stderr);
		rc = -1;
	}
	diag_fini(&d);
	return rc;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	double t[64], t0, total = 0, med;
	enum syntax syn;
	size_t len = 0, cap = 0, r;
	long base, peak = 0;
	char *buf = NULL;
	FILE *fp;
	int n = 0;

	if (argc != 4 || syntax_parse(argv[1], &syn) < 0 ||
	    (strcmp(argv[2], "floor") != 0 && strcmp(argv[2], "tree") != 0 &&
	    strcmp(argv[2], "load") != 0 && !(strcmp(argv[2], "stream") == 0 &&
	    syn == SYNTAX_GRAPHQL))) {
		fputs("usage: parse yaml|json|graphql floor|tree|load FILE\n"
		    "       parse graphql stream FILE\n", stderr);
		return 2;
	}
	if ((fp = fopen(argv[3], "rb")) == NULL) {
		perror(argv[3]);
		return 2;
	}
	do {
		xgrow(&buf, &cap, len + 1 + (1 << 20), 1);
		r = fread(buf + len, 1, cap - len - 1, fp);
		len += r;
	} while (r > 0);
	fclose(fp);
	buf[len] = '\0';
	base = rss_kb();
	while (n < 5 || (total < 1.0 && n < (int)(sizeof(t) / sizeof(t[0])))) {
		t0 = now();
		if (run_once(syn, argv[2], buf, len) != 0)
			return 1;
		t[n] = now() - t0;
		total += t[n++];
		if (n == 1)
			peak = rss_kb();
	}
	qsort(t, (size_t)n, sizeof(t[0]), dbl_cmp);
	med = t[n / 2];
	printf("%s %s %zu %.4f %.1f %ld %ld\n", argv[1], argv[2], len, med,
	    (double)len / 1e6 / med, peak, base);
	free(buf);
	return 0;
}
