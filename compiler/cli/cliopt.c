/*
 * cliopt.c - option parsing shared by every verb (cliopt.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliopt.h"
#include "xalloc.h"

enum {
	OPT_VERSION = 0x7f00,
	OPT_COLOR,
	OPT_DIAGNOSTICS,
};

static const struct option cli_common[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
};

static const struct option cli_diag_opts[] = {
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "diagnostics", required_argument, NULL, OPT_DIAGNOSTICS },
};

static void
cli_add(struct cli *c, size_t *n, const struct option *o)
{
	if (*n + 1 >= CLI_MAX_OPTS)
		abort();	/* a verb with too many options: a bug */
	c->all[(*n)++] = *o;
}

static void
cli_start(struct cli *c)
{
	const struct option *o;
	size_t n = 0, i;

	for (o = c->opts; o != NULL && o->name != NULL; o++)
		cli_add(c, &n, o);
	for (i = 0; i < ARRAY_SIZE(cli_common); i++)
		cli_add(c, &n, &cli_common[i]);
	if (c->diag)
		for (i = 0; i < ARRAY_SIZE(cli_diag_opts); i++)
			cli_add(c, &n, &cli_diag_opts[i]);
	memset(&c->all[n], 0, sizeof(c->all[n]));
	/* '+': stop at the first operand unless the verb takes options
	 * after operands ("ledger show --all"); ':': report a missing
	 * value as ':' */
	snprintf(c->shorts, sizeof(c->shorts), "%s:h%s%s",
	    c->shortopts != NULL && c->shortopts[0] == '-' ? "" : "+",
	    c->diag ? "W:" : "",
	    c->shortopts != NULL ? c->shortopts + (c->shortopts[0] == '-') :
	    "");
	memset(&c->dg, 0, sizeof(c->dg));
	c->dg.color = -1;
	c->started = true;
	optind = 1;
	opterr = 0;
}

int
cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "edgenetc %s: ", c->verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* The closest long option to name (a prefix of one counts), or NULL. */
static const char *
cli_nearest(const struct cli *c, const char *name, size_t len)
{
	const char *cands[CLI_MAX_OPTS];
	char word[64];
	size_t i, n = 0;

	for (i = 0; c->all[i].name != NULL; i++) {
		cands[n++] = c->all[i].name;
		if (len > 0 && strncmp(c->all[i].name, name, len) == 0)
			return c->all[i].name;
	}
	snprintf(word, sizeof(word), "%.*s", (int)(len < 63 ? len : 63), name);
	return diag_suggest(word, cands, n);
}

static int
cli_fail(struct cli *c, const char *what, const char *arg)
{
	const char *near = NULL;
	size_t len;

	if (arg[0] == '-' && arg[1] == '-') {
		len = strcspn(arg + 2, "=");
		near = cli_nearest(c, arg + 2, len);
	}
	fprintf(stderr, "edgenetc %s: %s '%s'", c->verb, what, arg);
	if (near != NULL)
		fprintf(stderr, "; did you mean '--%s'?", near);
	fprintf(stderr, " (see 'edgenetc %s --help')\n", c->verb);
	c->rc = 2;
	return CLI_EXIT;
}

/* The argv element that held long option li (its value may be the next
 * one). */
static const char *
cli_long_arg(char **argv, const struct option *o)
{
	if (o->has_arg == required_argument && optind >= 2 &&
	    optarg == argv[optind - 1])
		return argv[optind - 2];
	return argv[optind - 1];
}

/* -W names a documented code that can be a warning. */
static bool
cli_check_w(const struct cli *c, const char *sw)
{
	const char *code = sw, *cands[256];
	const struct diag_rule *r;
	size_t i, n = 0;

	if (strcmp(sw, "error") == 0 || strcmp(sw, "no-error") == 0)
		return true;
	if (strncmp(code, "no-error=", 9) == 0)
		code += 9;
	else if (strncmp(code, "error=", 6) == 0)
		code += 6;
	else if (strncmp(code, "no-", 3) == 0)
		code += 3;
	if ((r = diag_rule_find(code, NULL)) != NULL && r->warns)
		return true;
	if (r != NULL) {
		cli_usage_error(c, "-W %s: '%s' is always an error", sw, code);
		return false;
	}
	for (i = 0; i < diag_n_rules && n < ARRAY_SIZE(cands); i++)
		if (diag_rules[i].warns)
			cands[n++] = diag_rules[i].code;
	code = diag_suggest(code, cands, n);
	cli_usage_error(c, "-W %s: no warning has that code%s%s%s", sw,
	    code != NULL ? "; did you mean '" : "", code != NULL ? code : "",
	    code != NULL ? "'?" : "");
	return false;
}

static int
cli_common_opt(struct cli *c, int opt)
{
	switch (opt) {
	case 'h':
		c->usage(stdout);
		if (c->diag)
			fputs("\nDiagnostics:\n"
			    "  --diagnostics text|json|sarif  form of the "
			    "diagnostics (default text)\n"
			    "  --color auto|always|never      colour text "
			    "diagnostics (auto: on a terminal\n"
			    "                                 unless NO_COLOR "
			    "is set)\n"
			    "  -W no-CODE | error=CODE | error\n"
			    "                                 ignore a warning, "
			    "make it (or every warning)\n"
			    "                                 an error\n", stdout);
		fputs("\n  -h, --help    this text\n"
		    "  --version     the version of edgenetc\n", stdout);
		c->rc = 0;
		return CLI_EXIT;
	case OPT_VERSION:
		printf("edgenetc %s\n", EDGENETC_VERSION);
		c->rc = 0;
		return CLI_EXIT;
	case OPT_COLOR:
		if (strcmp(optarg, "auto") == 0)
			c->dg.color = -1;
		else if (strcmp(optarg, "always") == 0)
			c->dg.color = 1;
		else if (strcmp(optarg, "never") == 0)
			c->dg.color = 0;
		else {
			c->rc = cli_usage_error(c, "--color takes auto, always "
			    "or never, not '%s'", optarg);
			return CLI_EXIT;
		}
		return 0;
	case OPT_DIAGNOSTICS:
		if (!cli_parse_format(c, "--diagnostics", optarg,
		    1u << DIAG_TEXT | 1u << DIAG_JSON | 1u << DIAG_SARIF,
		    &c->dg.fmt)) {
			c->rc = 2;
			return CLI_EXIT;
		}
		return 0;
	case 'W':
		if (!cli_check_w(c, optarg)) {
			c->rc = 2;
			return CLI_EXIT;
		}
		if (!diag_policy_add(&c->dg.policy, optarg)) {
			c->rc = cli_usage_error(c, "-W takes no-CODE, "
			    "error=CODE or error, not '%s'", optarg);
			return CLI_EXIT;
		}
		return 0;
	}
	return -1;
}

int
cli_getopt(struct cli *c, int argc, char **argv)
{
	const char *arg;
	int opt, li, r;

	if (!c->started)
		cli_start(c);
	for (;;) {
		li = -1;
		opt = getopt_long(argc, argv, c->shorts, c->all, &li);
		if (opt == -1)
			return -1;
		if (opt == '?') {
			arg = argv[optind - 1];
			if (optopt != 0 && !(arg[0] == '-' && arg[1] == '-'))
				return cli_fail(c, "unknown option",
				    (char[]){ '-', (char)optopt, '\0' });
			return cli_fail(c, "unknown option", arg);
		}
		if (opt == ':') {
			arg = argv[optind - 1];
			if (optopt != 0 && !(arg[0] == '-' && arg[1] == '-')) {
				c->rc = cli_usage_error(c, "option '-%c' needs "
				    "a value", optopt);
				return CLI_EXIT;
			}
			c->rc = cli_usage_error(c, "option '%s' needs a value",
			    arg);
			return CLI_EXIT;
		}
		if (li >= 0) {
			/* getopt_long takes "--form" for "--format": no */
			arg = cli_long_arg(argv, &c->all[li]);
			if (strncmp(arg + 2, c->all[li].name,
			    strlen(c->all[li].name)) != 0 ||
			    (arg[2 + strlen(c->all[li].name)] != '\0' &&
			    arg[2 + strlen(c->all[li].name)] != '='))
				return cli_fail(c, "unknown option", arg);
		}
		r = cli_common_opt(c, opt);
		if (r == CLI_EXIT)
			return r;
		if (r < 0)
			return opt;
	}
}

bool
cli_parse_format(const struct cli *c, const char *opt, const char *s,
    unsigned allowed, enum diag_format *out)
{
	static const char *const names[] = { "text", "json", "sarif" };
	char list[32] = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if ((allowed & 1u << i) && strcmp(s, names[i]) == 0) {
			*out = (enum diag_format)i;
			return true;
		}
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (allowed & 1u << i)
			snprintf(list + strlen(list), sizeof(list) -
			    strlen(list), "%s%s", list[0] ? ", " : "",
			    names[i]);
	cli_usage_error(c, "%s takes %s, not '%s'", opt, list, s);
	return false;
}

bool
cli_parse_syntax(const struct cli *c, const char *opt, const char *s,
    enum syntax *out)
{
	if (syntax_parse(s, out) == 0)
		return true;
	cli_usage_error(c, "%s takes yaml, json or graphql, not '%s'", opt, s);
	return false;
}

void
cli_diag_init(const struct cli *c, struct diag_ctx *d)
{
	diag_init(d);
	if (c != NULL && c->diag)
		d->policy = &c->dg.policy;
}

static bool
cli_color(const struct cli *c, FILE *fp)
{
	const char *e;

	if (!c->diag || c->dg.color == 0)
		return false;
	if (c->dg.color == 1)
		return true;
	if ((e = getenv("NO_COLOR")) != NULL && *e != '\0')
		return false;
	if ((e = getenv("TERM")) != NULL && strcmp(e, "dumb") == 0)
		return false;
	return isatty(fileno(fp)) == 1;
}

void
cli_diag_print(const struct cli *c, struct diag_ctx *d, FILE *fp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	enum diag_format f = c->diag ? c->dg.fmt : DIAG_TEXT;
	bool color = f == DIAG_TEXT && cli_color(c, fp);

	if (d->n == 0 && f == DIAG_TEXT)
		return;
	/* stderr is unbuffered: print into memory, then write once */
	if (fp != stderr || (mem = open_memstream(&buf, &len)) == NULL) {
		diag_print(d, fp, f, color);
		return;
	}
	diag_print(d, mem, f, color);
	fclose(mem);
	fwrite(buf, 1, len, fp);
	free(buf);
}
