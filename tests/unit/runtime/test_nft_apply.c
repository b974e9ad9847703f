/*
 * test_nft_apply - rt_nft_apply, rt_nft_diff, rt_nft_snapshot and
 * rt_nft_delete against the kernel, in a network namespace of the test's
 * own (unshare(CLONE_NEWNET) first; skipped where that or a netfilter
 * netlink socket is not available, as under qemu-user).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "nft_print.h"
#include "rt.h"

static int	have_netns;

static const char table_a[] =
    "table inet edgenet\n"
    "delete table inet edgenet\n"
    "table inet edgenet {\n"
    "\tchain forward {\n"
    "\t\ttype filter hook forward priority filter; policy drop;\n"
    "\t\tct state established,related accept\n"
    "\t\tct state invalid drop comment \"invalid\"\n"
    "\t\toifname \"wan\" iifname vmap { \"lan\" : accept, \"eth1\" : "
    "jump lan_in }\n"
    "\t}\n"
    "\tchain lan_in {\n"
    "\t\tip saddr 10.1.2.0/24 tcp dport 53 accept\n"
    "\t}\n"
    "\tchain postrouting {\n"
    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
    "\t\toifname \"wan\" ip saddr 10.1.2.0/24 masquerade\n"
    "\t}\n"
    "}\n";

/* table_a drifted: a rule added, one gone, a policy and a chain more */
static const char table_b[] =
    "table inet edgenet {\n"
    "\tchain forward {\n"
    "\t\ttype filter hook forward priority filter; policy accept;\n"
    "\t\tct state established,related accept\n"
    "\t\ttcp dport 22 accept\n"
    "\t\toifname \"wan\" iifname vmap { \"lan\" : accept, \"eth1\" : "
    "jump lan_in }\n"
    "\t}\n"
    "\tchain lan_in {\n"
    "\t\tip saddr 10.1.2.0/24 tcp dport 53 accept\n"
    "\t}\n"
    "\tchain postrouting {\n"
    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
    "\t\toifname \"wan\" ip saddr 10.1.2.0/24 masquerade\n"
    "\t}\n"
    "\tchain extra {\n"
    "\t}\n"
    "}\n";

/* refused by the kernel only: a key twice in a verdict map */
static const char table_dup[] =
    "table inet edgenet {\n"
    "\tchain forward {\n"
    "\t\ttype filter hook forward priority filter; policy drop;\n"
    "\t\taccept\n"
    "\t\tiifname vmap { \"a\" : accept, \"a\" : drop }\n"
    "\t}\n"
    "}\n";

static struct rt_nft *
load(const char *text)
{
	char err[RT_ERRLEN];
	struct rt_nft *t;

	if (rt_nft_load(&t, text, strlen(text), err, sizeof(err)) != 0)
		fail_msg("load: %s", err);
	return t;
}

static void
apply_ok(const struct rt_nft *t, int fd, int flags)
{
	char err[RT_ERRLEN];

	if (rt_nft_apply(t, fd, flags, err, sizeof(err)) != 0)
		fail_msg("apply: %s", err);
}

/* rt_nft_diff's answer; the drift text in out */
static int
diff(const struct rt_nft *t, int fd, char *out, size_t len)
{
	int r = rt_nft_diff(t, fd, out, len);

	if (r == -1)
		fail_msg("diff: %s", out);
	return r;
}

#define NEED_NETNS()	do {						\
	if (!have_netns)						\
		skip();							\
} while (0)

static void
clean(void)
{
	char err[RT_ERRLEN];

	if (rt_nft_delete(-1, err, sizeof(err)) != 0)
		fail_msg("delete: %s", err);
}

static void
test_apply_idempotent(void **state)
{
	struct rt_nft *a = load(table_a);
	char out[2048];
	unsigned n0, n1;

	NEED_NETNS();
	clean();
	n0 = rt_nft_msgs_sent();
	apply_ok(a, -1, 0);
	n1 = rt_nft_msgs_sent();
	/* NEWTABLE DELTABLE NEWTABLE, 3 chains, set + elements, 5 rules */
	assert_int_equal(n1 - n0, 3 + 3 + 2 + 5);
	assert_int_equal(diff(a, -1, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	apply_ok(a, -1, 0);
	assert_int_equal(rt_nft_msgs_sent(), n1);
	apply_ok(a, -1, RT_NFT_FORCE);
	assert_int_equal(rt_nft_msgs_sent() - n1, n1 - n0);
	assert_int_equal(diff(a, -1, out, sizeof(out)), 0);
	rt_nft_free(a);
}

static void
test_dry_run(void **state)
{
	struct rt_nft *a = load(table_a), *b = load(table_b);
	struct rt_nft *dup = load(table_dup);
	char err[RT_ERRLEN], out[2048];
	unsigned n;

	NEED_NETNS();
	clean();
	apply_ok(a, -1, 0);
	n = rt_nft_msgs_sent();
	apply_ok(b, -1, RT_NFT_DRYRUN);
	assert_int_equal(rt_nft_msgs_sent(), n);
	assert_int_equal(diff(a, -1, out, sizeof(out)), 0);
	assert_int_equal(rt_nft_apply(dup, -1, RT_NFT_DRYRUN, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "5:3: map of the rule in chain 'forward': "
	    "File exists");
	assert_int_equal(diff(a, -1, out, sizeof(out)), 0);
	/* a dry run of no table at all changes nothing either */
	apply_ok(NULL, -1, RT_NFT_DRYRUN);
	assert_int_equal(diff(a, -1, out, sizeof(out)), 0);
	rt_nft_free(a);
	rt_nft_free(b);
	rt_nft_free(dup);
}

static void
test_refused_batch(void **state)
{
	struct rt_nft *a = load(table_a), *dup = load(table_dup);
	char err[RT_ERRLEN], out[2048];

	NEED_NETNS();
	clean();
	apply_ok(a, -1, 0);
	assert_int_equal(rt_nft_apply(dup, -1, 0, err, sizeof(err)), -1);
	assert_string_equal(err, "5:3: map of the rule in chain 'forward': "
	    "File exists");
	assert_int_equal(diff(a, -1, out, sizeof(out)), 0);
	/* also when there was no table before */
	clean();
	assert_int_equal(rt_nft_apply(dup, -1, 0, err, sizeof(err)), -1);
	assert_int_equal(diff(NULL, -1, out, sizeof(out)), 0);
	rt_nft_free(a);
	rt_nft_free(dup);
}

static void
test_drift(void **state)
{
	struct rt_nft *a = load(table_a), *b = load(table_b);
	char out[4096];

	NEED_NETNS();
	clean();
	assert_int_equal(diff(a, -1, out, sizeof(out)), 1);
	assert_string_equal(out, "table inet edgenet: missing\n");
	apply_ok(b, -1, 0);
	assert_int_equal(diff(a, -1, out, sizeof(out)), 1);
	assert_string_equal(out,
	    "chain forward: is 'type filter hook forward priority 0; policy "
	    "accept;', bundle has 'type filter hook forward priority 0; "
	    "policy drop;'\n"
	    "chain forward: missing rule (line 7): ct state invalid drop "
	    "comment \"invalid\"\n"
	    "chain forward: rule not in the bundle: tcp dport 22 accept\n"
	    "chain extra: not in the bundle\n");
	/* a short buffer gets whole lines and says it cut */
	assert_int_equal(rt_nft_diff(a, -1, out, 80), 1);
	assert_string_equal(out, "...(more)\n");
	assert_int_equal(diff(NULL, -1, out, sizeof(out)), 1);
	assert_string_equal(out, "table inet edgenet: present, the bundle "
	    "has none\n");
	rt_nft_free(a);
	rt_nft_free(b);
}

static void
test_snapshot_restore(void **state)
{
	struct rt_nft *a = load(table_a), *b = load(table_b), *s;
	char err[RT_ERRLEN], out[2048];
	unsigned n;

	NEED_NETNS();
	clean();
	assert_int_equal(rt_nft_snapshot(-1, &s, err, sizeof(err)), 0);
	assert_null(s);
	apply_ok(a, -1, 0);
	assert_int_equal(rt_nft_snapshot(-1, &s, err, sizeof(err)), 0);
	assert_non_null(s);
	/* the snapshot is the live table, and the bundle's table */
	assert_int_equal(diff(s, -1, out, sizeof(out)), 0);
	apply_ok(b, -1, 0);
	assert_int_equal(diff(a, -1, out, sizeof(out)), 1);
	apply_ok(s, -1, 0);
	assert_int_equal(diff(a, -1, out, sizeof(out)), 0);
	n = rt_nft_msgs_sent();
	apply_ok(s, -1, 0);
	assert_int_equal(rt_nft_msgs_sent(), n);
	/* printed back from the snapshot as in the file */
	{
		char text[256];
		size_t i;

		for (i = 0; i < s->n_items; i++)
			if (s->items[i].kind == RT_NFT_RULE)
				break;
		assert_true(i < s->n_items);
		rt_nft_rule_format(s, s->items[i].o, text, sizeof(text));
		assert_string_equal(text, "ct state established,related "
		    "accept");
	}
	rt_nft_free(s);
	/* no table restores to no table */
	clean();
	assert_int_equal(rt_nft_snapshot(-1, &s, err, sizeof(err)), 0);
	apply_ok(a, -1, 0);
	apply_ok(s, -1, 0);
	assert_int_equal(diff(NULL, -1, out, sizeof(out)), 0);
	rt_nft_free(a);
	rt_nft_free(b);
}

static void
test_delete(void **state)
{
	struct rt_nft *a = load(table_a), *none = load("");
	char out[2048];
	unsigned n;

	NEED_NETNS();
	clean();
	n = rt_nft_msgs_sent();
	clean();
	assert_int_equal(rt_nft_msgs_sent(), n);
	apply_ok(a, -1, 0);
	n = rt_nft_msgs_sent();
	clean();
	assert_int_equal(rt_nft_msgs_sent() - n, 2);
	assert_int_equal(diff(none, -1, out, sizeof(out)), 0);
	/* a file without a table deletes ours */
	apply_ok(a, -1, 0);
	apply_ok(none, -1, 0);
	assert_int_equal(diff(NULL, -1, out, sizeof(out)), 0);
	rt_nft_free(a);
	rt_nft_free(none);
}

/* Other tables are never touched (nft makes them, when installed). */
static void
test_foreign_tables(void **state)
{
	struct rt_nft *a = load(table_a);
	char out[2048];
	FILE *p;
	char before[4096] = "", after[4096] = "";
	size_t n;

	NEED_NETNS();
	if (system("command -v nft >/dev/null 2>&1") != 0)
		skip();
	clean();
	assert_int_equal(system("nft add table inet other && "
	    "nft add chain inet other c '{ type filter hook input priority 0; }' "
	    "&& nft add rule inet other c accept && "
	    "nft add table ip filter && nft add chain ip filter INPUT && "
	    "nft add rule ip filter INPUT tcp dport 1 drop"), 0);
	assert_non_null(p = popen("nft list ruleset", "r"));
	n = fread(before, 1, sizeof(before) - 1, p);
	before[n] = '\0';
	pclose(p);
	apply_ok(a, -1, 0);
	assert_int_equal(diff(a, -1, out, sizeof(out)), 0);
	clean();
	assert_non_null(p = popen("nft list ruleset", "r"));
	n = fread(after, 1, sizeof(after) - 1, p);
	after[n] = '\0';
	pclose(p);
	assert_string_equal(before, after);
	assert_int_equal(system("nft delete table inet other && "
	    "nft delete table ip filter"), 0);
	rt_nft_free(a);
}

/* Through a namespace descriptor: that namespace, not the caller's. */
static void
test_netns_fd(void **state)
{
	struct rt_nft *a = load(table_a);
	char err[RT_ERRLEN], out[2048], self[64], now[64];
	int fd;
	ssize_t n;

	NEED_NETNS();
	clean();
	assert_true((fd = open("/proc/self/ns/net", O_RDONLY)) >= 0);
	/* move to a new namespace; fd keeps the previous one */
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	n = readlink("/proc/self/ns/net", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	apply_ok(a, fd, 0);
	assert_int_equal(diff(a, fd, out, sizeof(out)), 0);
	assert_int_equal(diff(NULL, -1, out, sizeof(out)), 0);
	n = readlink("/proc/self/ns/net", now, sizeof(now) - 1);
	now[n] = '\0';
	assert_string_equal(self, now);
	/* a bad descriptor: an error, and still here */
	assert_int_equal(rt_nft_apply(a, 1000, 0, err, sizeof(err)), -1);
	assert_string_equal(err, "nftables: enter network namespace: Bad "
	    "file descriptor");
	n = readlink("/proc/self/ns/net", now, sizeof(now) - 1);
	now[n] = '\0';
	assert_string_equal(self, now);
	assert_int_equal(rt_nft_delete(fd, err, sizeof(err)), 0);
	assert_int_equal(diff(NULL, fd, out, sizeof(out)), 0);
	/* the sockets kept are closed, and opened again when needed */
	apply_ok(a, fd, 0);
	rt_nft_close();
	assert_int_equal(diff(a, fd, out, sizeof(out)), 0);
	assert_int_equal(diff(NULL, -1, out, sizeof(out)), 0);
	close(fd);
	rt_nft_free(a);
}

/* A verdict map larger than one netlink attribute: several messages. */
static void
test_big_map(void **state)
{
	struct rt_buf b = { .p = NULL };
	struct rt_nft *t;
	char out[2048];
	int i;

	NEED_NETNS();
	clean();
	rt_buf_printf(&b, "table inet edgenet {\nchain c {\n"
	    "iifname vmap { ");
	for (i = 0; i < 3000; i++)
		rt_buf_printf(&b, "%s\"e%08x\" : %s", i ? ", " : "", i,
		    i % 2 ? "accept" : "drop");
	rt_buf_printf(&b, " }\n}\n}\n");
	assert_false(b.oom);
	t = load(b.p);
	apply_ok(t, -1, 0);
	assert_int_equal(diff(t, -1, out, sizeof(out)), 0);
	rt_nft_free(t);
	free(b.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_idempotent),
		cmocka_unit_test(test_dry_run),
		cmocka_unit_test(test_refused_batch),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_snapshot_restore),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_foreign_tables),
		cmocka_unit_test(test_netns_fd),
		cmocka_unit_test(test_big_map),
	};
	char err[RT_ERRLEN];
	int r;

	/* never this machine's own namespace: no private one, no test */
	if (unshare(CLONE_NEWNET) == 0 &&
	    rt_nft_delete(-1, err, sizeof(err)) == 0)
		have_netns = 1;
	else
		fprintf(stderr, "test_nft_apply: no private network namespace "
		    "with nf_tables here, netlink tests skipped\n");
	r = cmocka_run_group_tests(tests, NULL, NULL);
	rt_nft_close();
	return r;
}
