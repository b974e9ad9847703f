/* test_manifest.c - manifest.json against the bundle layout, and the
 * dnsmasq directive list and rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bundle.h"
#include "ctx.h"
#include "names.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define F(p, m) "{\"path\": \"" p "\", \"sha256\": \"" H64 "\", \"size\": 3, " \
	"\"mode\": \"" m "\"}"
#define TOP F("allocations.json", "0644") ", " F("host.nft", "0644") ", " \
	F("instances/a.b/lxc.env", "0600") ", " \
	F("instances/a/lxc.env", "0600") ", " \
	F("instances/a/netns.batch", "0644") ", " F("netlink.batch", "0644")

static int
parse(const char *files, struct rt_bundle *b, char *err, size_t len)
{
	char text[4096];

	snprintf(text, sizeof(text), "{\"format\": 1, \"tool\": \"edgenetc "
	    "0.1.0\", \"device\": \"bus-0042\", \"inputs_sha256\": \"" H64
	    "\", \"files\": [%s]}", files);
	memset(b, 0, sizeof(*b));
	return rt_manifest_parse(text, strlen(text), b, err, len);
}

static void
bad(const char *files, const char *want)
{
	struct rt_bundle b;
	char err[256] = "";

	if (parse(files, &b, err, sizeof(err)) == 0)
		fail_msg("accepted: %s", files);
	if (strstr(err, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err, want);
	rt_bundle_free(&b);
}

static void
test_manifest_ok(void **state)
{
	struct rt_bundle b;
	char err[256] = "";

	if (parse(TOP, &b, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(b.device, "bus-0042");
	assert_int_equal(b.nfiles, 6);
	assert_int_equal(b.nids, 2);
	assert_string_equal(b.ids[0], "a");	/* sorted by strcmp */
	assert_string_equal(b.ids[1], "a.b");
	assert_int_equal(rt_bundle_ifile(&b, "a.b", "lxc.env")->mode, 0600);
	assert_null(rt_bundle_ifile(&b, "a", "dnsmasq.conf"));
	assert_non_null(rt_bundle_file(&b, "host.nft"));
	rt_bundle_free(&b);
}

static void
test_manifest_refuses(void **state)
{
	bad(F("allocations.json", "0644"), "host.nft is not listed");
	bad(F("host.nft", "0644") ", " F("allocations.json", "0644"),
	    "out of order");
	bad(TOP ", " F("netlink.batch", "0644"), "out of order or repeated");
	bad(F("../etc/passwd", "0644"), "not part of the bundle layout");
	bad(F("instances/../x/lxc.env", "0644"), "layout");
	bad(F("instances/a/extra", "0644"), "layout");
	bad(F("instances/a/b/lxc.env", "0644"), "layout");
	bad(F("/allocations.json", "0644"), "layout");
	bad(F("allocations.json", "644"), "bad mode");
	bad(F("allocations.json", "0648"), "bad mode");
	bad("{\"path\": \"host.nft\", \"sha256\": \"00\", \"size\": 1, "
	    "\"mode\": \"0644\"}", "bad sha256");
	bad("{\"path\": \"host.nft\", \"sha256\": \"" H64 "\", \"size\": -1, "
	    "\"mode\": \"0644\"}", "bad size");
	bad("{\"path\": \"host.nft\", \"sha256\": \"" H64 "\", \"size\": 1, "
	    "\"mode\": \"0644\", \"owner\": \"root\"}", "unknown key 'owner'");
	bad("{\"path\": \"host.nft\"}", "needs path, sha256, size and mode");
	bad("1", "not an object");
	bad(F("allocations.json", "0644") ", " F("host.nft", "0644") ", "
	    F("instances/a/netns.batch", "0644") ", "
	    F("netlink.batch", "0644"), "instances/a/lxc.env is not listed");
}

static void
test_manifest_top(void **state)
{
	struct rt_bundle b;
	char err[256];
	const char *t = "{\"format\": 1, \"tool\": \"x\", \"device\": \"..\", "
	    "\"inputs_sha256\": \"" H64 "\", \"files\": []}";

	memset(&b, 0, sizeof(b));
	assert_int_equal(rt_manifest_parse(t, strlen(t), &b, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "bad device id"));
	rt_bundle_free(&b);
	t = "{\"format\": 1, \"extra\": 1}";
	assert_int_equal(rt_manifest_parse(t, strlen(t), &b, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown key 'extra'"));
	rt_bundle_free(&b);
}

static void
test_dnsmasq_lint_render(void **state)
{
	const char *conf = "# c\ninterface=lan\nbind-interfaces\n"
	    "dhcp-leasefile=/var/lib/x\ndhcp-authoritative\n";
	char err[128], *out;
	size_t n;

	assert_int_equal(rt_dnsmasq_lint(conf, strlen(conf), err,
	    sizeof(err)), 0);
	assert_int_equal(rt_dnsmasq_render(conf, strlen(conf), &out, &n), 0);
	assert_string_equal(out, "# c\ninterface=lan\nbind-interfaces\n"
	    "dhcp-authoritative\n");
	free(out);
	assert_int_equal(rt_dnsmasq_lint("dhcp-script=/bin/sh\n", 20, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "dnsmasq.conf:1: directive 'dhcp-script' "
	    "is not allowed in a bundle");
	assert_int_equal(rt_dnsmasq_lint("port=0\nconf-dir=/etc\n", 21, err,
	    sizeof(err)), -1);
	assert_int_equal(rt_dnsmasq_lint("port=0\r\n", 8, err, sizeof(err)),
	    -1);
	assert_int_equal(rt_dnsmasq_lint("interfaces=x\n", 13, err,
	    sizeof(err)), -1);
}

static void
test_names_prefixes(void **state)
{
	struct rt_pfx p;
	char buf[64];

	assert_true(names_id_valid("bus-0042", 8));
	assert_false(names_id_valid("..", 2));
	assert_false(names_id_valid("a/b", 3));
	assert_false(names_id_valid("", 0));
	assert_true(names_ifname_valid("eb1f682d780", 11, NAMES_IF_KERNEL));
	assert_false(names_ifname_valid("0123456789abcdef", 16,
	    NAMES_IF_KERNEL));
	assert_false(names_ifname_valid("a:b", 3, NAMES_IF_KERNEL));
	/* the compiler's rule is the stricter one */
	assert_true(names_ifname_valid("a*b", 3, NAMES_IF_KERNEL));
	assert_false(names_ifname_valid("a*b", 3, NAMES_IF_ARTIFACT));
	assert_string_equal(names_ifname_why("a,b", 3, NAMES_IF_ARTIFACT),
	    "contains a quote, backslash, '#', '%', '*' or ','");
	assert_string_equal(names_ifname_why("a b", 3, NAMES_IF_KERNEL),
	    "contains whitespace");
	assert_string_equal(names_ifname_why("..", 2, NAMES_IF_ARTIFACT),
	    "'.' and '..' are not interface names");
	assert_false(names_id_valid("a b", 3));
	assert_true(names_id_valid("A.b_c-9", 7));
	assert_int_equal(rt_pfx_parse("fd00:190::1/48", 14, 1, 0, &p), 0);
	assert_int_equal(p.len, 48);
	rt_pfx_format(&p, 1, buf, sizeof(buf));
	assert_string_equal(buf, "fd00:190::1/48");
	assert_int_equal(rt_pfx_parse("fd00:190::/48", 13, 1, 1, &p), 0);
	assert_int_equal(rt_pfx_parse("fd00:190::1/48", 14, 1, 1, &p), -1);
	assert_int_equal(rt_pfx_parse("10.1.0.0/15", 11, 1, 1, &p), -1);
	assert_int_equal(rt_pfx_parse("10.0.0.0/0", 10, 1, 1, &p), -1);
	assert_int_equal(rt_pfx_parse("0.0.0.0/0", 9, 1, 1, &p), 0);
	assert_int_equal(rt_pfx_parse("10.0.0.1/", 9, 1, 0, &p), -1);
	assert_int_equal(rt_pfx_parse("10.0.0.1/8x", 11, 1, 0, &p), -1);
	assert_int_equal(rt_pfx_parse("::/129", 6, 1, 0, &p), -1);
	assert_int_equal(rt_pfx_parse("10.0.0.1", 8, 0, 0, &p), 0);
	assert_int_equal(p.len, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_ok),
		cmocka_unit_test(test_manifest_refuses),
		cmocka_unit_test(test_manifest_top),
		cmocka_unit_test(test_dnsmasq_lint_render),
		cmocka_unit_test(test_names_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
