/*
 * GraphQL front-end: scanner and parser edge cases (strings, escapes,
 * block strings, Unicode, numbers, keywords as names, nesting, variables,
 * positions of syntax errors and recovery), and the canonical printers
 * (print.c) round-tripping through every front-end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "front.h"
#include "front_graphql.h"
#include "print.h"
#include "xalloc.h"

size_t	gq_utf8_len(const unsigned char *, size_t);	/* STATIC */

/* -- helpers -------------------------------------------------------- */

struct gp {
	struct diag_ctx	 d;
	struct vnode	*v;	/* the list of import inputs, or NULL */
	struct vnode	*vars;
};

static struct gp *
gp_parse_vars(const char *text, size_t len, const char *vars_json)
{
	struct gp *g = xzalloc(sizeof(*g));
	const char *file, *vfile;

	diag_init(&g->d);
	if (vars_json != NULL) {
		vfile = diag_src_add(&g->d, "vars.json", NULL, 0);
		g->vars = front_json_parse(&g->d, vfile, vars_json,
		    strlen(vars_json));
		assert_non_null(g->vars);
	}
	file = diag_src_add(&g->d, "t.graphql", NULL, 0);
	g->v = front_graphql_parse(&g->d, file, text, len, g->vars);
	return g;
}

static struct gp *
gp_parse(const char *text)
{
	return gp_parse_vars(text, strlen(text), NULL);
}

static void
gp_free(struct gp *g)
{
	vnode_free(g->v);
	vnode_free(g->vars);
	diag_fini(&g->d);
	free(g);
}

static void
gp_show(const struct gp *g)
{
	size_t i;

	for (i = 0; i < g->d.n; i++)
		fprintf(stderr, "  %u:%u %s [%s]\n", g->d.v[i].loc.line,
		    g->d.v[i].loc.col, g->d.v[i].msg, g->d.v[i].code);
}

/* The input object of the only import, asserting a clean parse. */
static struct vnode *
gp_input(struct gp *g)
{
	if (g->v == NULL || g->d.n_err > 0)
		gp_show(g);
	assert_non_null(g->v);
	assert_int_equal(g->d.n_err, 0);
	assert_int_equal(g->v->type, VN_LIST);
	assert_int_equal(g->v->n, 1);
	assert_int_equal(g->v->items[0]->type, VN_OBJECT);
	return g->v->items[0];
}

/* A document importing { x: <value text> }: returns the value of x. */
static struct gp *
gp_value(const char *value)
{
	char *doc = xasprintf("mutation { DM_import_node_service(input: "
	    "{ x: %s }) }", value);
	struct gp *g = gp_parse(doc);

	free(doc);
	return g;
}

static struct vnode *
gp_x(struct gp *g)
{
	struct vnode *x = vnode_get(gp_input(g), "x");

	assert_non_null(x);
	return x;
}

static void
assert_str(const struct vnode *v, const char *want, size_t len)
{
	assert_int_equal(v->type, VN_STRING);
	assert_int_equal(v->len, len);
	assert_memory_equal(v->s, want, len);
}

/* Exactly one error, at line:col, whose message contains part. */
static void
assert_one_error(struct gp *g, unsigned line, unsigned col,
    const char *part)
{
	size_t i, n = 0;

	for (i = 0; i < g->d.n; i++) {
		if (g->d.v[i].level != DIAG_ERROR)
			continue;
		n++;
		if (g->d.v[i].loc.line != line || g->d.v[i].loc.col != col ||
		    strstr(g->d.v[i].msg, part) == NULL) {
			gp_show(g);
			fail_msg("want %u:%u '%s'", line, col, part);
		}
	}
	if (n != 1)
		gp_show(g);
	assert_int_equal(n, 1);
	assert_null(g->v);
}

/* -- strings ----------------------------------------------------------- */

static void
test_string_escapes(void **state)
{
	struct gp *g = gp_value("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t.\"");

	(void)state;
	assert_str(gp_x(g), "q\" b\\ s/ \b\f\n\r\t.", 15);
	gp_free(g);
}

static void
test_string_unicode(void **state)
{
	struct gp *g;

	(void)state;
	/* BMP, surrogate pair, braced form, raw UTF-8 */
	g = gp_value("\"\\u00e9|\\uD83D\\uDE8C|\\u{1F68C}|\\u{41}|\xc3\xa9\"");
	assert_str(gp_x(g), "\xc3\xa9|\xf0\x9f\x9a\x8c|\xf0\x9f\x9a\x8c|A|"
	    "\xc3\xa9", 17);
	gp_free(g);

	/* an escaped NUL is kept, and counted in len */
	g = gp_value("\"a\\u0000b\"");
	assert_str(gp_x(g), "a\0b", 3);
	gp_free(g);
}

static void
test_string_errors(void **state)
{
	struct gp *g;

	(void)state;
	/* the value starts at column 47 */
	g = gp_value("\"ab\\qc\"");
	assert_one_error(g, 1, 50, "invalid escape '\\q'");
	gp_free(g);
	g = gp_value("\"\\uDC00\"");
	assert_one_error(g, 1, 48, "low surrogate");
	gp_free(g);
	g = gp_value("\"\\uD800x\"");
	assert_one_error(g, 1, 48, "high surrogate");
	gp_free(g);
	g = gp_value("\"\\u{110000}\"");
	assert_one_error(g, 1, 48, "Unicode scalar value");
	gp_free(g);
	g = gp_value("\"\\u{}\"");
	assert_one_error(g, 1, 48, "Unicode escape");
	gp_free(g);
	g = gp_value("\"\\u12\"");
	assert_one_error(g, 1, 48, "4 hex digits");
	gp_free(g);
	/* overlong, surrogate and truncated UTF-8 */
	g = gp_value("\"ok \xc0\xaf\"");
	assert_one_error(g, 1, 51, "invalid UTF-8");
	gp_free(g);
	g = gp_value("\"\xed\xa0\x80\"");
	assert_one_error(g, 1, 48, "invalid UTF-8");
	gp_free(g);
	g = gp_value("\"\xe2\x82\"");
	assert_one_error(g, 1, 48, "invalid UTF-8");
	gp_free(g);
}

static void
test_string_unterminated(void **state)
{
	struct gp *g = gp_parse("mutation {\n  DM_import_node_service(input: "
	    "{ a: \"open\n b: 1 }) }");

	(void)state;
	assert_one_error(g, 2, 38, "unterminated string");
	gp_free(g);
}

static void
test_utf8_len(void **state)
{
	static const struct {
		const char	*s;
		size_t		 want;
	} t[] = {
		{ "A", 1 }, { "\xc3\xa9", 2 }, { "\xe2\x82\xac", 3 },
		{ "\xf0\x9f\x9a\x8c", 4 }, { "\xf4\x8f\xbf\xbf", 4 },
		{ "\xc0\x80", 0 }, { "\xc1\xbf", 0 }, { "\xe0\x9f\xbf", 0 },
		{ "\xed\xa0\x80", 0 }, { "\xf0\x8f\xbf\xbf", 0 },
		{ "\xf4\x90\x80\x80", 0 }, { "\xf5\x80\x80\x80", 0 },
		{ "\x80", 0 }, { "\xc3", 0 }, { "\xe2\x28\xa1", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++)
		assert_int_equal(gq_utf8_len((const unsigned char *)t[i].s,
		    strlen(t[i].s)), t[i].want);
}

/* -- block strings ----------------------------------------------------- */

static void
test_block_string(void **state)
{
	struct gp *g;

	(void)state;
	/* common indent removed, first line kept, blank edges dropped */
	g = gp_value("\"\"\"\n\n    Hello,\n      World!\n\n    Yours,\n"
	    "      GraphQL.\n  \n\"\"\"");
	assert_str(gp_x(g), "Hello,\n  World!\n\nYours,\n  GraphQL.", 34);
	gp_free(g);

	/* \""" is an escaped triple quote; other backslashes are raw */
	g = gp_value("\"\"\"a \\\"\"\" b \\n \\u0041 \"\" \"\"\"");
	assert_str(gp_x(g), "a \"\"\" b \\n \\u0041 \"\" ", 21);
	gp_free(g);

	/* CRLF and CR end lines; tabs count as indentation */
	g = gp_value("\"\"\"first\r\n\t  x\r\t  y\r\n\"\"\"");
	assert_str(gp_x(g), "first\nx\ny", 9);
	gp_free(g);

	g = gp_value("\"\"\"\"\"\"");
	assert_str(gp_x(g), "", 0);
	gp_free(g);

	/* quotes and \" short of a triple quote are text as they are */
	g = gp_value("\"\"\"a \"\" b \\\" c \\\"\" d\"\"\"");
	assert_str(gp_x(g), "a \"\" b \\\" c \\\"\" d", 17);
	gp_free(g);

	/* a block string's lines move the position */
	g = gp_parse("mutation { DM_import_node_service(input: { a: \"\"\"\n"
	    "x\n\"\"\" b: ! }) }");
	assert_one_error(g, 3, 8, "expected a value");
	gp_free(g);
}

/* -- other values ------------------------------------------------------ */

static void
test_numbers(void **state)
{
	static const char *const ints[] = { "0", "-0", "42", "-17",
	    "9223372036854775808" };
	static const char *const floats[] = { "1.5", "-0.25", "1e3", "1E-3",
	    "6.02e+23" };
	static const char *const bad[] = { "0123", "1.", "1.e3", "12abc",
	    "1.5.2", "1e", "00" };
	static const char *const bad_signed[] = { "1.5e+", "1e-", "1e+5x",
	    "1.5e-3abc", "1e+5.0", "-2E+1_", "1e+5e+5" };
	struct gp *g;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ints); i++) {
		g = gp_value(ints[i]);
		assert_int_equal(gp_x(g)->type, VN_INT);
		assert_string_equal(gp_x(g)->s, ints[i]);
		gp_free(g);
	}
	for (i = 0; i < ARRAY_SIZE(floats); i++) {
		g = gp_value(floats[i]);
		assert_int_equal(gp_x(g)->type, VN_FLOAT);
		assert_string_equal(gp_x(g)->s, floats[i]);
		gp_free(g);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		g = gp_value(bad[i]);
		assert_one_error(g, 1, 47, "invalid number");
		gp_free(g);
	}
	/*
	 * a signed exponent without digits, or with a name character or
	 * '.' after them, is one malformed number (never a number and a
	 * name: { a: 1e+5x: 2 } is not { a: 1e+5, x: 2 })
	 */
	for (i = 0; i < ARRAY_SIZE(bad_signed); i++) {
		g = gp_value(bad_signed[i]);
		assert_one_error(g, 1, 47, "invalid number");
		gp_free(g);
	}
	/* a sign after a whole number starts the next one */
	g = gp_value("[1e-2-3 4+]");
	assert_int_equal(g->d.n_err, 1);
	assert_int_equal(g->d.v[0].loc.col, 56);
	assert_non_null(strstr(g->d.v[0].msg, "unexpected character '+'"));
	gp_free(g);
	/* ".." is two stray dots, not a short "..." */
	g = gp_value("1 ..");
	assert_int_equal(g->d.n_err, 2);
	assert_int_equal(g->d.v[0].loc.col, 49);
	assert_int_equal(g->d.v[1].loc.col, 50);
	assert_non_null(strstr(g->d.v[1].msg, "unexpected character '.'"));
	gp_free(g);
}

static void
test_keywords_as_names(void **state)
{
	struct gp *g = gp_parse("mutation { DM_import_node_service(input: {"
	    " true: query, null: mutation, on: on, fragment: true,"
	    " query: null, mutation: false, e: amd64 }) }");
	struct vnode *in = gp_input(g);

	(void)state;
	assert_int_equal(in->n, 7);
	assert_int_equal(vnode_get(in, "true")->type, VN_ENUM);
	assert_string_equal(vnode_get(in, "true")->s, "query");
	assert_string_equal(vnode_get(in, "null")->s, "mutation");
	assert_string_equal(vnode_get(in, "on")->s, "on");
	assert_int_equal(vnode_get(in, "fragment")->type, VN_BOOL);
	assert_true(vnode_get(in, "fragment")->b);
	assert_int_equal(vnode_get(in, "query")->type, VN_NULL);
	assert_int_equal(vnode_get(in, "mutation")->type, VN_BOOL);
	assert_false(vnode_get(in, "mutation")->b);
	assert_int_equal(vnode_get(in, "e")->type, VN_ENUM);
	gp_free(g);
}

static void
test_nested(void **state)
{
	struct gp *g = gp_value("[[], [[1]], {}, {a: [{b: {c: \"d\"}}]}, "
	    "[null true]]");
	struct vnode *x = gp_x(g), *c;

	(void)state;
	assert_int_equal(x->type, VN_LIST);
	assert_int_equal(x->n, 5);
	assert_int_equal(x->items[0]->type, VN_LIST);
	assert_int_equal(x->items[0]->n, 0);
	assert_int_equal(x->items[1]->items[0]->items[0]->type, VN_INT);
	assert_int_equal(x->items[2]->type, VN_OBJECT);
	assert_int_equal(x->items[2]->n, 0);
	c = vnode_get(vnode_get(vnode_get(x->items[3], "a")->items[0], "b"),
	    "c");
	assert_str(c, "d", 1);
	/* the value starts at 47, then "[[], [[1]], {}, {a: [{b: {c: " */
	assert_int_equal(c->loc.col, 47 + 29);
	assert_int_equal(x->items[4]->n, 2);
	gp_free(g);
}

static void
test_depth_limit(void **state)
{
	char doc[512];
	struct gp *g;
	int n;

	(void)state;
	/* mutation {, (, and the input's { are 3 levels */
	for (n = 60; n <= 62; n++) {
		snprintf(doc, sizeof(doc), "mutation { DM_import_node_service("
		    "input: { x: %.*s%.*s }) }", n, "[[[[[[[[[[[[[[[[[[[[[[["
		    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
		    n, "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		    "]]]]]]]]]]]]]]]]]]]]]]]");
		g = gp_parse(doc);
		if (n + 3 <= 64)
			gp_input(g);
		else
			assert_one_error(g, 1, 47 + 64 - 3, "nesting deeper");
		gp_free(g);
	}
}

/* -- documents --------------------------------------------------------- */

static void
test_comments_commas_positions(void **state)
{
	struct gp *g = gp_parse("\xef\xbb\xbf# comment, with \"quotes\"\r\n"
	    "mutation ,,named, { # another\r"
	    "  DM_import_node_service(input: {,, name: \"\xc3\xa9t\xc3\xa9\","
	    " k: v,,,\n}) }\n");
	struct vnode *in = gp_input(g);

	(void)state;
	assert_int_equal(in->n, 2);
	/* BOM not counted; \r\n and \r each end one line */
	assert_int_equal(in->loc.line, 3);
	assert_int_equal(in->loc.col, 33);
	/* columns count characters: "été" is 5 columns with its quotes */
	assert_int_equal(in->key_locs[1].line, 3);
	assert_int_equal(in->key_locs[1].col, 50);
	gp_free(g);
}

static void
test_aliases_and_operations(void **state)
{
	struct gp *g = gp_parse(
	    "query q { DM_import_node_service(input: {a: 1}) }\n"
	    "mutation m1 { a: DM_import_node_service(input: {n: 1})"
	    "  b: DM_import_node_service(input: {n: 2}) { id }"
	    "  other(x: 1) }\n"
	    "mutation m2($v: Int) { DM_import_node_service(input: {n: 3})"
	    " @skip(if: false) }\n");

	(void)state;
	assert_non_null(g->v);
	assert_int_equal(g->d.n_err, 0);
	assert_int_equal(g->v->n, 3);
	assert_string_equal(vnode_get(g->v->items[2], "n")->s, "3");
	/* query ignored, other field ignored, $v unused */
	assert_int_equal(g->d.n_warn, 3);
	gp_free(g);
}

static void
test_syntax_recovery(void **state)
{
	struct gp *g = gp_parse("mutation a {\n"
	    "  DM_import_node_service(input: { x 1, y: 2 })\n"
	    "}\n"
	    "mutation b { DM_import_node_service(input: { z: [1 2 }) }\n");
	size_t i;

	(void)state;
	assert_null(g->v);
	assert_int_equal(g->d.n_err, 2);
	for (i = 0; i < g->d.n; i++)
		assert_string_equal(g->d.v[i].code, "graphql-syntax");
	assert_int_equal(g->d.v[0].loc.line, 2);
	assert_int_equal(g->d.v[0].loc.col, 37);
	assert_string_equal(g->d.v[0].msg, "expected ':', got number 1");
	assert_int_equal(g->d.v[1].loc.line, 4);
	assert_int_equal(g->d.v[1].loc.col, 54);
	gp_free(g);
}

static void
test_too_many_errors(void **state)
{
	char *doc = xzalloc(1000);
	struct gp *g;

	(void)state;
	memset(doc, ';', 999);
	g = gp_parse(doc);
	assert_null(g->v);
	/* 50 errors and one "giving up" */
	assert_int_equal(g->d.n_err, 51);
	assert_non_null(strstr(g->d.v[50].msg, "too many errors"));
	gp_free(g);
	free(doc);
}

static void
test_binary_junk(void **state)
{
	static const char junk[] = "mutation\0{\xff\xfe\x01 \"\0\" }";
	struct gp *g = gp_parse_vars(junk, sizeof(junk) - 1, NULL);

	(void)state;
	assert_null(g->v);
	assert_true(g->d.n_err > 0);
	gp_free(g);
}

/* -- variables --------------------------------------------------------- */

static void
test_variables(void **state)
{
	static const char doc[] =
	    "mutation m($s: String!, $o: Obj = {k: [1, {z: null}]},"
	    " $l: [Int], $n: String) {\n"
	    "  DM_import_node_service(input: { s: $s, o: $o, l: [$n, $l],"
	    " gone: $n })\n}\n";
	struct gp *g = gp_parse_vars(doc, strlen(doc),
	    "{\"s\": \"from \\u00e9 vars\", \"l\": [3]}");
	struct vnode *in = gp_input(g), *o, *l;

	(void)state;
	assert_str(vnode_get(in, "s"), "from \xc3\xa9 vars", 12);
	/* the value keeps its own position (in vars.json) */
	assert_string_equal(vnode_get(in, "s")->loc.file, "vars.json");
	o = vnode_get(in, "o");
	assert_int_equal(o->type, VN_OBJECT);
	assert_int_equal(vnode_get(o, "k")->n, 2);
	assert_int_equal(o->loc.line, 1);
	/* $n is not provided: null in a list, the field left out */
	l = vnode_get(in, "l");
	assert_int_equal(l->items[0]->type, VN_NULL);
	assert_int_equal(l->items[1]->type, VN_LIST);
	assert_null(vnode_get(in, "gone"));
	assert_int_equal(in->n, 3);
	assert_int_equal(g->d.n_warn, 2);
	gp_free(g);
}

static void
test_variable_errors(void **state)
{
	static const char doc[] = "mutation m($i: In!) "
	    "{ DM_import_node_service(input: $i) }";
	static const struct {
		const char	*doc;
		unsigned	 col;
	} consts[] = {
		{ "mutation m($a: Int, $b: Int = $a) {\n"
		  "  DM_import_node_service(input: { s: $b }) }", 31 },
		{ "mutation m($a: Int, $b: [Int] = [1, $\n"
		  "  a]) { DM_import_node_service(input: { s: $b }) }", 37 },
		{ "mutation m($a: Int @d(x: {y: $a})) {\n"
		  "  DM_import_node_service(input: { s: $a }) }", 30 },
	};
	struct gp *g;
	size_t i;

	(void)state;
	g = gp_parse("mutation m($s: String!) {\n"
	    "  DM_import_node_service(input: { s: $s }) }");
	assert_one_error(g, 2, 38, "has no value");
	gp_free(g);
	g = gp_parse("mutation m {\n"
	    "  DM_import_node_service(input: { s: $nope }) }");
	assert_one_error(g, 2, 38, "not defined by operation 'm'");
	gp_free(g);
	/* constant values: a syntax error at the '$' */
	for (i = 0; i < ARRAY_SIZE(consts); i++) {
		g = gp_parse(consts[i].doc);
		assert_one_error(g, 1, consts[i].col,
		    "variable cannot be used here");
		gp_free(g);
	}
	g = gp_parse_vars(doc, strlen(doc), "{\"i\": [1]}");
	/* reported where the value is: in vars.json */
	assert_one_error(g, 1, 7, "must be an object, not a list");
	gp_free(g);
}

static void
test_input_from_variable(void **state)
{
	static const char doc[] = "mutation m($in: Input!) "
	    "{ DM_import_node_service(input: $in) }";
	struct gp *g = gp_parse_vars(doc, strlen(doc),
	    "{\"in\": {\"node_service_input\": {\"name\": \"v\"}}}");
	struct vnode *in = gp_input(g);

	(void)state;
	assert_non_null(vnode_get(in, "node_service_input"));
	gp_free(g);
}

/* -- printers ---------------------------------------------------------- */

static char *
fmt(struct fleet *f, enum syntax syn, int *rc, struct diag_ctx *d)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	assert_non_null(fp);
	*rc = print_fleet(fp, f, syn, d);
	fclose(fp);
	return out;
}

static struct fleet *
load(struct diag_ctx *d, const char *path, const char *text)
{
	struct fleet *f = fleet_new();

	assert_int_equal(front_load_buf(f, d, path, text, strlen(text),
	    SYNTAX_AUTO, NULL), 0);
	return f;
}

static const char roundtrip_yaml[] =
    "services:\n"
    "  - name: rt\n"
    "    customer_id: \"no\"\n"
    "    container_image: \"1e3\"\n"
    "    access_gpsd_enabled: false\n"
    "    access_provided_subnet: 10.9.0.1/16\n"
    "    dhcp_range: 10.9.1.1/24\n"
    "    env:\n"
    "      TABS: \"a\\tb\\x01\\u2028\\u0085 \\\\ \\\" \\u00e9\"\n"
    "      Q: \"'single' #hash: colon\"\n"
    "      EMPTY: \"\"\n"
    "    network_config: {}\n"
    "    image_sources:\n"
    "      - { arch: armhf, authn: { registry_pw: \"p\\\"w\" } }\n"
    "    metadata: { memory_limit_mb: 64, volumes: [ { source: d } ] }\n"
    "devices:\n"
    "  - id: dev\n"
    "    gpsd: {}\n"
    "    client_networks:\n"
    "      - { name: n, default: false, reserved: [ 10.0.0.5, "
    "10.0.0.7-10.0.0.9, \"fd00::1-fd00::ff\" ] }\n"
    "    instances: [ { id: i, service: rt } ]\n";

static void
test_print_roundtrip(void **state)
{
	static const enum syntax syns[] = { SYNTAX_YAML, SYNTAX_JSON,
	    SYNTAX_GRAPHQL };
	static const char *const paths[] = { "p.yaml", "p.json", "p.graphql" };
	struct diag_ctx d;
	struct fleet *f, *f2;
	char *canon, *out, *again;
	size_t i;
	int rc;

	(void)state;
	diag_init(&d);
	f = load(&d, "in.yaml", roundtrip_yaml);
	canon = fmt(f, SYNTAX_JSON, &rc, &d);
	assert_int_equal(rc, 0);
	for (i = 0; i < ARRAY_SIZE(syns); i++) {
		out = fmt(f, syns[i], &rc, &d);
		/* GraphQL cannot hold the device */
		assert_int_equal(rc, syns[i] == SYNTAX_GRAPHQL ? -1 : 0);
		f2 = load(&d, paths[i], out);
		if (syns[i] == SYNTAX_GRAPHQL) {
			assert_int_equal(f2->n_devs, 0);
			assert_int_equal(f2->n_svcs, 1);
			/* the one device of f is the only difference */
			f2->devs = f->devs;
			f2->n_devs = f->n_devs;
		}
		again = fmt(f2, SYNTAX_JSON, &rc, &d);
		if (strcmp(canon, again) != 0)
			fprintf(stderr, "%s\n---\n%s\n---\n%s\n", out, canon,
			    again);
		assert_string_equal(canon, again);
		if (syns[i] == SYNTAX_GRAPHQL) {
			f2->devs = NULL;
			f2->n_devs = 0;
		}
		fleet_free(f2);
		free(again);
		free(out);
	}
	/* only the expected "device left out" error */
	assert_int_equal(d.n_err, 1);
	assert_string_equal(d.v[0].code, "fmt-graphql");
	free(canon);
	fleet_free(f);
	diag_fini(&d);
}

static void
test_print_yaml_quoting(void **state)
{
	struct diag_ctx d;
	struct fleet *f;
	char *out;
	int rc;

	(void)state;
	diag_init(&d);
	f = load(&d, "in.json", "{\"services\": [{\"name\": \"x\", \"env\": "
	    "{\"no\": \"\\u2029\", \"A\": \"\\u0000\\u007f\", "
	    "\"B\": \"\\u0080\\uffff\"}}]}");
	out = fmt(f, SYNTAX_YAML, &rc, &d);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "services:\n"
	    "  - name: \"x\"\n"
	    "    env:\n"
	    "      \"no\": \"\\P\"\n"
	    "      A: \"\\0\\x7f\"\n"
	    "      B: \"\\x80\\uFFFF\"\n"
	    "devices: []\n");
	free(out);
	out = fmt(f, SYNTAX_GRAPHQL, &rc, &d);
	assert_string_equal(out,
	    "mutation import_x {\n"
	    "  DM_import_node_service(input: {\n"
	    "    node_service_input: {\n"
	    "      name: \"x\"\n"
	    "      env: {\n"
	    "        no: \"\xe2\x80\xa9\"\n"
	    "        A: \"\\u0000\\u007f\"\n"
	    "        B: \"\xc2\x80\xef\xbf\xbf\"\n"
	    "      }\n"
	    "    }\n"
	    "  })\n"
	    "}\n");
	free(out);
	fleet_free(f);
	diag_fini(&d);
}

static void
test_print_graphql_names(void **state)
{
	struct diag_ctx d;
	struct fleet *f;
	char *out;
	int rc;

	(void)state;
	diag_init(&d);
	f = load(&d, "in.yaml", "services:\n  - { name: a-b }\n"
	    "  - { name: a.b }\n  - { name: a_b }\n"
	    "  - { name: c, env: { \"not-a-name\": v } }\n");
	out = fmt(f, SYNTAX_GRAPHQL, &rc, &d);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(out, "mutation import_a_b {"));
	assert_non_null(strstr(out, "mutation import_a_b_2 {"));
	assert_non_null(strstr(out, "mutation import_a_b_3 {"));
	assert_null(strstr(out, "not-a-name"));
	assert_int_equal(d.n_err, 1);
	free(out);
	fleet_free(f);
	f = fleet_new();
	out = fmt(f, SYNTAX_GRAPHQL, &rc, &d);
	assert_string_equal(out, "# no node services\n");
	free(out);
	out = fmt(f, SYNTAX_JSON, &rc, &d);
	assert_string_equal(out,
	    "{\n  \"services\": [],\n  \"devices\": []\n}\n");
	free(out);
	fleet_free(f);
	diag_fini(&d);
}

/* The streaming load builds the same model as parse + map. */
static void
test_streaming_load(void **state)
{
	static const char doc[] =
	    "mutation a { DM_import_node_service(input: { customer_id: \"c\","
	    " node_service_input: { name: \"a\", env: { K: \"v\" },"
	    " network_config: { lan_configure_network: dhcp } } }) }\n"
	    "mutation b($n: String = \"b\") { x: DM_import_node_service("
	    "input: { node_service_input: { name: $n } })"
	    " DM_import_node_service(input: { metadata: {} }) }\n";
	static const char broken[] = "mutation a { DM_import_node_service("
	    "input: { node_service_input: { name: \"a\" } }) }"
	    " mutation b { DM_import_node_service(input: { ! }) }"
	    " mutation c { DM_import_node_service(input: { node_service_input:"
	    " { name: \"c\", access_provided_subnet: \"10.0.0.256/24\" } }) }";
	struct diag_ctx d1, d2;
	struct fleet *f1, *f2;
	char *p1, *p2;
	const char *file;
	int rc;

	(void)state;
	diag_init(&d1);
	diag_init(&d2);
	f1 = fleet_new();
	f2 = fleet_new();
	assert_int_equal(front_load_buf(f1, &d1, "t.graphql", doc, strlen(doc),
	    SYNTAX_GRAPHQL, NULL), -1);
	file = diag_src_add(&d2, "t.graphql", NULL, 0);
	assert_int_equal(front_graphql_load(f2, &d2, file, doc, strlen(doc),
	    NULL), -1);
	/* the same services, and the same one error (no node_service_input) */
	assert_int_equal(f1->n_svcs, 2);
	assert_int_equal(f2->n_svcs, 2);
	p1 = fmt(f1, SYNTAX_JSON, &rc, &d1);
	p2 = fmt(f2, SYNTAX_JSON, &rc, &d2);
	assert_string_equal(p1, p2);
	assert_int_equal(d1.n_err, 1);
	assert_int_equal(d2.n_err, 1);
	assert_string_equal(d2.v[0].code, "missing-node-service-input");
	free(p1);
	free(p2);
	fleet_free(f1);
	fleet_free(f2);
	diag_fini(&d1);
	diag_fini(&d2);

	/*
	 * Streaming maps and checks the clean mutations before and after a
	 * syntax error (the bad address in c is reported), but the broken
	 * one is not mapped (no follow-on errors from what recovery kept of
	 * it), and a file with a syntax error leaves nothing in the model,
	 * as a YAML or JSON file with one does.
	 */
	diag_init(&d2);
	f2 = fleet_new();
	file = diag_src_add(&d2, "t.graphql", NULL, 0);
	assert_int_equal(front_graphql_load(f2, &d2, file, broken,
	    strlen(broken), NULL), -1);
	assert_int_equal(f2->n_svcs, 0);
	assert_int_equal(d2.n_err, 2);
	assert_string_equal(d2.v[0].code, "graphql-syntax");
	assert_int_equal(d2.v[0].loc.col, 130);
	assert_string_equal(d2.v[1].code, "bad-address");
	fleet_free(f2);
	diag_fini(&d2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_string_unicode),
		cmocka_unit_test(test_string_errors),
		cmocka_unit_test(test_string_unterminated),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_block_string),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_keywords_as_names),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_comments_commas_positions),
		cmocka_unit_test(test_aliases_and_operations),
		cmocka_unit_test(test_syntax_recovery),
		cmocka_unit_test(test_too_many_errors),
		cmocka_unit_test(test_binary_junk),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_variable_errors),
		cmocka_unit_test(test_input_from_variable),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_print_yaml_quoting),
		cmocka_unit_test(test_print_graphql_names),
		cmocka_unit_test(test_streaming_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
