/* test_batch.c - the ip-batch subset: every accepted command round-trips
 * through the canonical printer; everything else is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "batch.h"

static void
roundtrip(const char *line, int flags)
{
	struct rt_op op;
	char err[128] = "", out[200];

	if (rt_batch_parse_line(line, strlen(line), flags, &op, err,
	    sizeof(err)) != 0)
		fail_msg("'%s' rejected: %s", line, err);
	assert_int_equal(rt_op_format(&op, out, sizeof(out)), 0);
	assert_string_equal(out, line);
}

static void
bad(const char *line, int flags, const char *want)
{
	struct rt_op op;
	char err[128] = "";

	if (rt_batch_parse_line(line, strlen(line), flags, &op, err,
	    sizeof(err)) != -1)
		fail_msg("'%s' accepted", line);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", line, err, want);
}

static void
test_batch_accepts(void **state)
{
	roundtrip("link add name ew1f682d78 type veth peer name wan netns "
	    "pis-1", 0);
	roundtrip("link add name eb1f682d780 type bridge", 0);
	roundtrip("link set dev eth1 master eb1f682d780", 0);
	roundtrip("link set dev lo up", 0);
	roundtrip("link set dev ew1 alias \"edgenet pis-1 wan\"", 0);
	roundtrip("link set dev ea1 alias \"edgenet x access p{1};\"", 0);
	roundtrip("address add 10.190.0.1/16 dev lan", 0);
	roundtrip("address add fd00:190::1/64 dev lan nodad", 0);
	roundtrip("route add 10.190.0.0/24 via 10.190.0.1 dev el1 onlink", 0);
	roundtrip("route add default via 172.20.0.1 dev wan", 0);
	roundtrip("route add fd00:190::/64 via fd00:190::1 dev el1 onlink", 0);
	roundtrip("route add 192.0.2.7/32 via 192.0.2.1 dev x", 0);
	roundtrip("#@ sysctl net.ipv4.ip_forward 1", 0);
	roundtrip("#@ sysctl net.ipv6.conf.all.forwarding 0", 0);
	roundtrip("#@ dhcp-client wan", 0);
}

/* accept_ra of one interface: op->dev names it (the object sits on that
 * link); keys that speak for all interfaces, or do not name one, are
 * refused. */
static void
test_batch_ifsysctl(void **state)
{
	struct rt_op op;
	char err[128];
	const char *l = "#@ sysctl net.ipv6.conf.el1f682d78.accept_ra 0";

	roundtrip(l, 0);
	roundtrip("#@ sysctl net.ipv6.conf.eb1f682d780.accept_ra 1", 0);
	/* the longest interface name fills the key exactly */
	roundtrip("#@ sysctl net.ipv6.conf.abcdefghijklmno.accept_ra 0", 0);
	roundtrip("#@ sysctl net.ipv6.conf.el1.accept_ra 2",
	    RT_BATCH_INTERNAL);
	assert_int_equal(rt_batch_parse_line(l, strlen(l), 0, &op, err,
	    sizeof(err)), 0);
	assert_string_equal(op.dev, "el1f682d78");
	assert_string_equal(op.key, "net.ipv6.conf.el1f682d78.accept_ra");
	l = "#@ sysctl net.ipv4.ip_forward 1";
	assert_int_equal(rt_batch_parse_line(l, strlen(l), 0, &op, err,
	    sizeof(err)), 0);
	assert_string_equal(op.dev, "");
	bad("#@ sysctl net.ipv6.conf.all.accept_ra 0", 0, "not allowed");
	bad("#@ sysctl net.ipv6.conf.default.accept_ra 0", 0, "not allowed");
	bad("#@ sysctl net.ipv6.conf.eth0.100.accept_ra 0", 0, "not allowed");
	bad("#@ sysctl net.ipv6.conf..accept_ra 0", 0, "not allowed");
	bad("#@ sysctl net.ipv6.conf.abcdefghijklmnop.accept_ra 0", 0,
	    "not allowed");
	bad("#@ sysctl net.ipv6.conf.el1.forwarding 1", 0, "not allowed");
	bad("#@ sysctl net.ipv6.conf.el1.accept_ra 2", 0,
	    "invalid sysctl value");
}

static void
test_batch_internal_verbs(void **state)
{
	static const char *const v[] = {
		"link del dev ew1", "link set dev eth1 down",
		"link set dev eth1 nomaster", "address del 10.0.0.1/8 dev x",
		"route del default via 10.0.0.1 dev x", NULL
	};
	size_t i;

	for (i = 0; v[i] != NULL; i++) {
		bad(v[i], 0, "unsupported");
		roundtrip(v[i], RT_BATCH_INTERNAL);
	}
	roundtrip("#@ sysctl net.ipv4.ip_forward 12", RT_BATCH_INTERNAL);
	/* an empty alias clears it: the inverse of setting one */
	roundtrip("link set dev ew1 alias \"\"", RT_BATCH_INTERNAL);
	bad("link set dev ew1 alias \"\"", 0, "invalid alias");
	bad("#@ sysctl net.ipv4.ip_forward 12", 0, "invalid sysctl value");
}

static void
test_batch_comments(void **state)
{
	struct rt_op op;
	char err[64];

	assert_int_equal(rt_batch_parse_line("", 0, 0, &op, err,
	    sizeof(err)), 1);
	assert_int_equal(rt_batch_parse_line("# x", 3, 0, &op, err,
	    sizeof(err)), 1);
	assert_int_equal(rt_batch_parse_line("#@", 2, 0, &op, err,
	    sizeof(err)), 1);
	assert_int_equal(rt_batch_parse_line("#@x", 3, 0, &op, err,
	    sizeof(err)), 1);
}

static void
test_batch_refuses(void **state)
{
	bad("link add name x type dummy", 0, "unsupported link add");
	bad("link  set dev x up", 0, "column 6: empty token");
	bad(" link set dev x up", 0, "column 1: empty token");
	bad("link set dev x up ", 0, "empty token");
	bad("link set dev\tx up", 0, "column 13: control");
	bad("link set dev x\xc3\xa9 up", 0, "non-ASCII");
	bad("link set dev abcdefghijklmnop up", 0, "invalid link name");
	bad("link set dev a/b up", 0, "invalid link name");
	bad("link set dev .. up", 0, "invalid link name");
	bad("link set dev x mtu 9000", 0, "unsupported link command");
	bad("link set dev x alias \"a # b\"", 0, "column 25: control");
	bad("link set dev x alias \"a\\b\"", 0, "backslash");
	bad("link set dev x alias \"a  b\"", 0, "invalid alias");
	bad("link set dev x alias \" a\"", 0, "invalid alias");
	bad("link set dev x alias \"a\" up", 0, "ends the line");
	bad("link set dev x alias \"a b", 0, "unterminated string");
	bad("link set dev x alias a", 0, "unsupported link command");
	bad("link set dev \"x\" up", 0, "ends the line");
	bad("address add 10.0.0.1/8 dev \"x\"", 0, "invalid link name");
	bad("link add name x type veth peer name y netns ../etc", 0,
	    "invalid namespace name");
	bad("address add 10.0.0.1 dev x", 0, "invalid address");
	bad("address add 10.0.0.1/33 dev x", 0, "invalid address");
	bad("address add 10.0.0.01/8 dev x", 0, "invalid address");
	bad("address add 10.0.0.1/08 dev x", 0, "invalid address");
	bad("address add 10.0.0.1/8 dev x nodad", 0, "option");
	bad("route add 10.0.0.1/24 via 10.0.0.1 dev x", 0, "prefix");
	bad("route add 10.0.0.0/24 via fe80::1 dev x", 0, "families");
	bad("route add 10.0.0.0/24 via 10.0.0.1/32 dev x", 0, "gateway");
	bad("route add default via 10.0.0.1 dev x metric 5", 0,
	    "unsupported route");
	bad("route add default via 10.0.0.1 dev x via", 0, "route option");
	bad("addr add 10.0.0.1/8 dev x", 0, "unsupported command");
	bad("#@ sysctl kernel.core_pattern |x", 0, "not allowed");
	bad("#@ sysctl net.ipv4.ip_forward yes", 0, "invalid sysctl value");
	bad("#@ exec /bin/sh", 0, "unknown pragma");
	bad("#@ dhcp-client a/b", 0, "invalid interface");
	bad("link set dev a b c d e f g h i j k l m", 0, "too many tokens");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_accepts),
		cmocka_unit_test(test_batch_ifsysctl),
		cmocka_unit_test(test_batch_internal_verbs),
		cmocka_unit_test(test_batch_comments),
		cmocka_unit_test(test_batch_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
