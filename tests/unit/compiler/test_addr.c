/* Address parsing and arithmetic: a table of valid and invalid inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"

static const struct {
	const char	*in;
	const char	*canon;		/* NULL: must be rejected */
} parse_cases[] = {
	{ "10.190.0.1/16", "10.190.0.1/16" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "255.255.255.255/32", "255.255.255.255/32" },
	{ "192.168.0.100/24", "192.168.0.100/24" },
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "fd00:190::1/48", "fd00:190::1/48" },
	{ "FD00:0190:0000::1/64", "fd00:190::1/64" },
	{ "::/0", "::/0" },
	{ "::1/128", "::1/128" },
	{ "2001:db8::/32", "2001:db8::/32" },
	{ "::ffff:10.0.0.1/128", "::ffff:10.0.0.1/128" },
	{ "10.1/16", NULL },
	{ "10.0.0.0/255.255.0.0", NULL },
	{ "10.0.0.01/8", NULL },
	{ "010.0.0.1/8", NULL },
	{ "10.0.0.1/08", NULL },
	{ "10.0.0.1/33", NULL },
	{ "10.0.0.1/", NULL },
	{ "10.0.0.1", NULL },
	{ "/24", NULL },
	{ "10.0.0.1/24 ", NULL },
	{ " 10.0.0.1/24", NULL },
	{ "10.0.0.1/24x", NULL },
	{ "10.0.0.256/24", NULL },
	{ "10.0.0.1.5/24", NULL },
	{ "10..0.1/24", NULL },
	{ "1.2.3.4/-1", NULL },
	{ "0x0a.0.0.1/8", NULL },
	{ "fd00::1/129", NULL },
	{ "fd00:::1/64", NULL },
	{ "fd00::1::2/64", NULL },
	{ "fd00::g/64", NULL },
	{ "fd00::1%eth0/64", NULL },
	{ "12345::/16", NULL },
	{ "", NULL },
	{ "/", NULL },
	{ "10.0.0.1/99999999999999999999", NULL },
};

static void
test_parse_table(void **state)
{
	char buf[ADDR_STRLEN];
	struct addr a;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		int rc = addr_parse(parse_cases[i].in, &a, &why);

		if (parse_cases[i].canon == NULL) {
			if (rc != -1)
				fail_msg("accepted '%s'", parse_cases[i].in);
			assert_non_null(why);
			continue;
		}
		if (rc != 0)
			fail_msg("rejected '%s': %s", parse_cases[i].in, why);
		assert_string_equal(addr_format(&a, buf, sizeof(buf)),
		    parse_cases[i].canon);
	}
}

static void
test_host(void **state)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse_host("172.20.0.100", &a, NULL), 0);
	assert_int_equal(a.plen, 32);
	assert_string_equal(addr_format_host(&a, buf, sizeof(buf)),
	    "172.20.0.100");
	assert_int_equal(addr_parse_host("172.20.0.100/24", &a, NULL), -1);
	assert_int_equal(addr_parse_host("fd00::5", &a, NULL), 0);
	assert_int_equal(a.plen, 128);
	assert_int_equal(a.family, ADDR_V6);
}

static void
test_arith_v4(void **state)
{
	struct addr s, t, b;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse("10.190.0.1/16", &s, NULL), 0);
	assert_int_equal(addr_parse("10.190.0.1/24", &t, NULL), 0);
	assert_true(addr_network(&s) == 0x0abe0000);
	assert_true(addr_hostpart(&s) == 1);
	assert_true(addr_last(&s) == 0x0abeffff);
	assert_true(addr_size(&t) == 256);
	assert_true(addr_contains(&s, &t));
	assert_false(addr_contains(&t, &s));
	assert_true(addr_overlaps(&s, &t));
	assert_string_equal(addr_format_mask(&s, buf, sizeof(buf)),
	    "255.255.0.0");
	assert_int_equal(addr_parse("10.191.0.0/24", &b, NULL), 0);
	assert_false(addr_contains(&s, &b));
	assert_false(addr_overlaps(&t, &b));
	assert_int_equal(addr_parse("0.0.0.0/0", &b, NULL), 0);
	assert_true(addr_size(&b) == (u128)1 << 32);
	assert_true(addr_contains(&b, &s));
	assert_true(addr_last(&b) == 0xffffffffu);
	assert_int_equal(addr_parse("1.2.3.4/32", &b, NULL), 0);
	assert_true(addr_size(&b) == 1);
	assert_true(addr_hostpart(&b) == 0);
}

static void
test_arith_v6(void **state)
{
	struct addr p, t, v4;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse("fd00:190::1/48", &p, NULL), 0);
	assert_int_equal(addr_parse("fd00:190::1/64", &t, NULL), 0);
	assert_true(addr_contains(&p, &t));
	assert_true(addr_hostpart(&t) == 1);
	assert_true(addr_size(&t) == (u128)1 << 64);
	assert_string_equal(addr_format_mask(&t, buf, sizeof(buf)), "64");
	assert_int_equal(addr_parse("::/0", &p, NULL), 0);
	assert_true(addr_size(&p) == ~(u128)0);
	assert_true(addr_last(&p) == ~(u128)0);
	assert_int_equal(addr_parse("10.0.0.0/8", &v4, NULL), 0);
	assert_false(addr_contains(&p, &v4));	/* families never mix */
	assert_int_not_equal(addr_cmp(&p, &v4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_arith_v4),
		cmocka_unit_test(test_arith_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
