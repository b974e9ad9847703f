/* test_json.c - the strict JSON reader of manifest.json: accepted subset
 * and pinned error positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

static void
ok(const char *text)
{
	struct rt_json *v = NULL;
	char err[128] = "";

	if (rt_json_parse(text, strlen(text), &v, err, sizeof(err)) != 0)
		fail_msg("'%s' rejected: %s", text, err);
	rt_json_free(v);
}

static void
bad(const char *text, const char *want)
{
	struct rt_json *v = NULL;
	char err[128] = "";

	if (rt_json_parse(text, strlen(text), &v, err, sizeof(err)) == 0)
		fail_msg("'%s' accepted", text);
	assert_null(v);
	assert_string_equal(err, want);
}

static void
test_json_accepts(void **state)
{
	ok("{}");
	ok("[]");
	ok(" {\"a\": [1, -2, 0, true, false, null, \"x y\"], \"b\": {}}\n");
	ok("123456789012345678");
	ok("\"edgenetc 0.1.0\"");
}

static void
test_json_errors(void **state)
{
	bad("", "1:1: unexpected end of input");
	bad("{\"a\":1,}", "1:8: expected member name");
	bad("{\"a\":1 \"b\":2}", "1:8: expected ',' or '}'");
	bad("[1 2]", "1:4: expected ',' or ']'");
	bad("{\"a\\u0041\":1}", "1:4: escape sequences are not allowed");
	bad("\"a\nb\"", "1:3: control or non-ASCII byte in string");
	bad("\"caf\xc3\xa9\"", "1:5: control or non-ASCII byte in string");
	bad("\"abc", "1:5: unterminated string");
	bad("{\"a\":1,\n \"a\":2}", "2:5: duplicate member name");
	bad("01", "1:1: leading zero in number");
	bad("1.5", "1:2: only integers are allowed");
	bad("1e3", "1:2: only integers are allowed");
	bad("-", "1:2: invalid number");
	bad("1234567890123456789", "1:19: number too large");
	bad("tru", "1:1: invalid literal");
	bad("{} x", "1:4: trailing characters after JSON value");
	bad("[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]", "1:18: nesting too deep");
}

static void
test_json_members_bounded(void **state)
{
	char buf[2048], *p = buf;
	int i;

	p += sprintf(p, "{");
	for (i = 0; i < 65; i++)
		p += sprintf(p, "%s\"k%d\":%d", i ? "," : "", i, i);
	sprintf(p, "}");
	bad(buf, "1:563: too many members in object");
}

static void
test_json_get(void **state)
{
	const char *t = "{\"format\": 1, \"files\": [{\"path\": \"x\"}]}";
	struct rt_json *v, *f;
	char err[64];

	assert_int_equal(rt_json_parse(t, strlen(t), &v, err, sizeof(err)), 0);
	assert_int_equal(rt_json_get(v, "format")->i, 1);
	f = rt_json_get(v, "files");
	assert_int_equal(f->type, RT_JSON_ARR);
	assert_int_equal(rt_json_get(f->child, "path")->slen, 1);
	assert_null(rt_json_get(v, "form"));
	assert_null(rt_json_get(f, "path"));
	rt_json_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_accepts),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_json_members_bounded),
		cmocka_unit_test(test_json_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
