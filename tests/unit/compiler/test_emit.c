/*
 * Emitters on a hand-built model and plan: host names, escaping, each
 * artifact byte for byte, allocations.json and manifest.json through
 * jansson, and the pre-allocation validation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "alloc.h"
#include "answer.h"
#include "emit.h"
#include "names.h"
#include "model.h"
#include "xalloc.h"

/* Model building ---------------------------------------------------------- */

static void
S(struct lstr *ls, const char *s)
{
	struct loc l = { "t.yaml", 1, 1 };

	lstr_set(ls, s, strlen(s), &l);
}

static struct addr
A(const char *s)
{
	struct addr a;

	assert_int_equal(addr_parse(s, &a, NULL), 0);
	return a;
}

static struct addr
H(const char *s)
{
	struct addr a;

	assert_int_equal(addr_parse_host(s, &a, NULL), 0);
	return a;
}

static void
svc_env(struct service *s, const char *k, const char *v, size_t len)
{
	struct env_var *e = XPUSH(s->env, s->n_env, s->cap_env);
	struct loc l = { "t.yaml", 1, 1 };

	S(&e->key, k);
	lstr_set(&e->value, v, len, &l);
}

static void
svc_if(struct service *s, const char *name, const char *label)
{
	struct access_if *ai = XPUSH(s->ifs, s->n_ifs, s->cap_ifs);

	S(&ai->name, name);
	S(&ai->label, label);
}

static struct client_net *
dev_net(struct device *d, const char *name, const char *br, const char *sub,
    bool def)
{
	struct client_net *cn = XPUSH(d->nets, d->n_nets, d->cap_nets);

	S(&cn->name, name);
	S(&cn->bridge, br);
	cn->subnet.a = A(sub);
	cn->subnet.set = true;
	cn->is_default.v = def;
	cn->is_default.set = true;
	return cn;
}

static struct instance *
dev_inst(struct device *d, const char *id, struct service *s)
{
	struct instance *in = XPUSH(d->insts, d->n_insts, d->cap_insts);

	S(&in->id, id);
	S(&in->service, s->name.s);
	in->svc = s;
	return in;
}

/*
 * The example: pis (GPSd, template, WAN allocated, LAN dhcp, masquerade,
 * one access interface) and cam (routed LAN allocated on a fixed subnet,
 * WAN disabled) on bus-0042 with two client networks.
 */
struct fx {
	struct fleet		*f;
	struct service		*pis, *cam;
	struct device		*dev;
	struct inst_plan	 ip[2];
	const struct inst_plan	*ipp[2];	/* sorted by id: cam-1, pis-1 */
	struct emit_dev		 ed;
};

static int
fx_setup(void **state)
{
	struct fx *x = xzalloc(sizeof(*x));
	struct instance *ipis, *icam;
	struct client_net *clients;

	x->f = fleet_new();
	x->pis = fleet_service_add(x->f);
	S(&x->pis->name, "pis");
	x->pis->gpsd.v = true;
	x->pis->subnet.a = A("10.190.0.1/16");
	x->pis->subnet.set = true;
	x->pis->tmpl.a = A("10.190.0.1/24");
	x->pis->tmpl.set = true;
	x->pis->wan.v = NETMODE_ALLOCATED;
	x->pis->lan.v = NETMODE_DHCP;
	x->pis->masquerade.v = true;
	svc_env(x->pis, "LOG_LEVEL", "info", 4);
	svc_env(x->pis, "A_QUOTE", "it's", 4);
	svc_if(x->pis, "eth1", "lan0");

	x->cam = fleet_service_add(x->f);
	S(&x->cam->name, "cam");
	x->cam->subnet.a = A("192.168.5.0/24");
	x->cam->subnet.set = true;
	x->cam->lan.v = NETMODE_ALLOCATED;

	x->dev = fleet_device_add(x->f);
	S(&x->dev->id, "bus-0042");
	S(XPUSH(x->dev->ifaces.v, x->dev->ifaces.n, x->dev->ifaces.cap),
	    "eth0");
	S(XPUSH(x->dev->ifaces.v, x->dev->ifaces.n, x->dev->ifaces.cap),
	    "eth1");
	x->dev->has_gpsd = true;
	x->dev->gpsd_port = 2947;
	clients = dev_net(x->dev, "clients", "br-clients", "172.20.0.1/24",
	    true);
	dev_net(x->dev, "guests", "br-guests", "172.21.0.1/24", false);
	/* the device's arrays are final now: take pointers */
	clients = &x->dev->nets[0];
	ipis = dev_inst(x->dev, "pis-1", x->pis);
	icam = dev_inst(x->dev, "cam-1", x->cam);
	ipis = &x->dev->insts[0];
	icam = &x->dev->insts[1];

	x->ip[0] = (struct inst_plan){
		.dev = x->dev, .inst = ipis, .svc = x->pis,
		.wan_net = clients,
		.has_block = true, .block = A("10.190.0.0/24"),
		.has_address = true, .address = A("10.190.0.1/16"),
		.has_pool = true, .pool_start = H("10.190.0.2"),
		.pool_end = H("10.190.0.254"),
		.has_wan = true, .wan_address = A("172.20.0.2/24"),
		.has_wan_gw = true, .wan_gw = H("172.20.0.1"),
	};
	x->ip[1] = (struct inst_plan){
		.dev = x->dev, .inst = icam, .svc = x->cam,
		.has_address = true, .address = A("192.168.5.1/24"),
	};
	x->ipp[0] = &x->ip[1];
	x->ipp[1] = &x->ip[0];
	x->ed = (struct emit_dev){ x->dev, x->ipp, 2 };
	*state = x;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *x = *state;

	fleet_free(x->f);
	free(x);
	return 0;
}

/* Names -------------------------------------------------------------------- */

static void
test_names(void **state)
{
	struct inst_names n;
	char b[EMIT_IFNAMSIZ], a[EMIT_IFNAMSIZ];

	names_make(&n, "pis-1");
	/* python3: hashlib.sha256(b"pis-1").hexdigest()[:8] */
	assert_string_equal(n.h8, "1f682d78");
	assert_string_equal(n.wan, "ew1f682d78");
	assert_string_equal(n.lan, "el1f682d78");
	names_bridge(&n, 0, b);
	names_access(&n, 15, a);
	assert_string_equal(b, "eb1f682d780");
	assert_string_equal(a, "ea1f682d78f");
	assert_true(strlen(a) <= 15);
	/* independent of anything but the id */
	names_make(&n, "a");
	assert_string_equal(n.h8, "ca978112");
}

static void
test_names_ok(void **state)
{
	static const char *good[] = { "eth0", "br-clients", "lan", "a.b_c-d",
	    "eth0.100", "x@y+z", "123456789012345", "{a}", NULL };
	static const char *bad[] = { "", ".", "..", "1234567890123456",
	    "a b", "a\tb", "a\nb", "a/b", "a:b", "a\"b", "a'b", "a\\b",
	    "a#b", "eth*", "a,b", "eth%d", "\xc3\xa9", "a\x7f", NULL };
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		assert_true(names_ifname_valid(good[i], strlen(good[i]), NAMES_IF_ARTIFACT));
	for (i = 0; bad[i] != NULL; i++)
		assert_false(names_ifname_valid(bad[i], strlen(bad[i]),
		    NAMES_IF_ARTIFACT));
	assert_true(names_id_valid("bus-0042", 8));
	assert_true(names_id_valid("a.b_c", 5));
	assert_false(names_id_valid("..", 2));
	assert_false(names_id_valid("a/b", 3));
	assert_false(names_id_valid("a b", 3));
	assert_true(names_env_key_ok("_A1"));
	assert_false(names_env_key_ok("1A"));
	assert_false(names_env_key_ok("A-B"));
	assert_false(names_env_key_ok("A=B"));
	assert_false(names_env_key_ok(""));
}

/* Escaping ----------------------------------------------------------------- */

static void
test_env_line(void **state)
{
	struct buf b = { 0 };

	emit_env_line(&b, "K", "it's", 4);
	emit_env_line(&b, "E", "", 0);
	emit_env_line(&b, "Q", "''", 2);
	emit_env_line(&b, "N", "a\nb $(x) `y` \\z", 15);
	assert_string_equal(b.p, "K='it'\\''s'\nE=''\nQ=''\\'''\\'''\n"
	    "N='a\nb $(x) `y` \\z'\n");
	buf_free(&b);
}

static void
test_safe_text(void **state)
{
	struct buf b = { 0 };

	buf_put_safe(&b, "a\"b\\c\nd\re;f{g}", 100);
	assert_string_equal(b.p, "a_b_c_d_e_f_g_");
	buf_free(&b);
	buf_put_safe(&b, "abcdef", 3);
	assert_string_equal(b.p, "abc");
	buf_free(&b);
	buf_put_json(&b, "a\"\\\n\x01");
	assert_string_equal(b.p, "\"a\\\"\\\\\\u000a\\u0001\"");
	buf_free(&b);
}

/* Each artifact ------------------------------------------------------------ */

static void
test_env(void **state)
{
	struct fx *x = *state;
	struct buf b = { 0 };

	emit_env(&x->ip[0], &b);
	assert_string_equal(b.p,
	    "A_QUOTE='it'\\''s'\n"
	    "CONFIG_GPSD_HOST='172.20.0.1'\n"
	    "CONFIG_GPSD_PORT='2947'\n"
	    "LOG_LEVEL='info'\n");
	buf_free(&b);
	emit_env(&x->ip[1], &b);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	/* the spec's own CONFIG_GPSD_PORT is replaced */
	svc_env(x->pis, "CONFIG_GPSD_PORT", "1", 1);
	emit_env(&x->ip[0], &b);
	assert_non_null(strstr(b.p, "CONFIG_GPSD_PORT='2947'\n"));
	assert_null(strstr(b.p, "='1'"));
	buf_free(&b);
}

static const char nft_head[] =
    "table inet edgenet\n"
    "delete table inet edgenet\n"
    "table inet edgenet {\n";

static void
test_nft_host(void **state)
{
	struct fx *x = *state;
	struct buf b = { 0 }, want = { 0 };

	emit_nft_host(&x->ed, &b);
	buf_puts(&want, nft_head);
	buf_puts(&want,
	    "\tchain input {\n"
	    "\t\ttype filter hook input priority filter; policy accept;\n"
	    "\t\tct state established,related accept comment "
	    "\"established, related: replies and their related traffic\"\n"
	    "\t\ttcp dport 2947 iifname vmap { \"br-clients\" : accept } "
	    "comment \"gpsd 2947: pis/pis-1\"\n"
	    "\t\ttcp dport 2947 iifname \"br-guests\" counter drop comment "
	    "\"gpsd 2947: closed to client network guests\"\n"
	    "\t}\n"
	    "}\n");
	assert_string_equal(b.p, want.p);
	buf_free(&b);
	buf_free(&want);

	/* no GPSd: the table is still replaced, and empty */
	x->pis->gpsd.v = false;
	emit_nft_host(&x->ed, &b);
	buf_puts(&want, nft_head);
	buf_puts(&want, "}\n");
	assert_string_equal(b.p, want.p);
	buf_free(&b);
	buf_free(&want);
}

static void
test_nft_gpsd_comment_bounded(void **state)
{
	struct fx *x = *state;
	struct inst_plan ips[40];
	const struct inst_plan *pp[40];
	struct emit_dev ed;
	struct buf b = { 0 };
	char *line, *c;
	size_t i;

	for (i = 0; i < 40; i++) {
		ips[i] = x->ip[0];
		pp[i] = &ips[i];
	}
	ed = (struct emit_dev){ x->dev, pp, 40 };
	emit_nft_host(&ed, &b);
	for (line = strtok(b.p, "\n"); line != NULL;
	    line = strtok(NULL, "\n")) {
		if ((c = strstr(line, "comment \"")) == NULL)
			continue;
		c += 9;
		assert_true(strlen(c) - 1 <= EMIT_COMMENT_MAX);
		/* the exposure's comment names who gains GPSd, bounded */
		if (strstr(line, " : accept }") != NULL)
			assert_non_null(strstr(c, " +"));
	}
	buf_free(&b);
}

static void
test_nft_netns(void **state)
{
	struct fx *x = *state;
	struct buf b = { 0 }, want = { 0 };

	assert_true(emit_nft_netns(&x->ip[0], &b));
	buf_puts(&want, nft_head);
	buf_puts(&want,
	    "\tchain forward {\n"
	    "\t\ttype filter hook forward priority filter; policy drop;\n"
	    "\t\tct state established,related accept comment "
	    "\"pis/pis-1 established, related: replies\"\n"
	    "\t\tct state invalid counter drop comment "
	    "\"pis/pis-1 invalid: dropped\"\n"
	    "\t\toifname \"wan\" iifname vmap { \"lan0\" : accept } comment "
	    "\"pis/pis-1 lan->wan\"\n"
	    "\t\tcounter drop comment \"pis/pis-1 not lan->wan: dropped\"\n"
	    "\t}\n"
	    "\tchain postrouting {\n"
	    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
	    "\t\toifname \"wan\" ip saddr 10.190.0.0/24 masquerade comment "
	    "\"pis/pis-1 masquerade\"\n"
	    "\t}\n"
	    "}\n");
	assert_string_equal(b.p, want.p);
	buf_free(&b);
	buf_free(&want);

	/* WAN disabled: no rules, no file */
	assert_false(emit_nft_netns(&x->ip[1], &b));

	/* IPv6 block, no masquerade chain without masquerade */
	x->ip[0].block = A("fd00:190:0:1::/64");
	assert_true(emit_nft_netns(&x->ip[0], &b));
	assert_non_null(strstr(b.p, "ip6 saddr fd00:190:0:1::/64 masquerade"));
	buf_free(&b);
	x->pis->masquerade.v = false;
	assert_true(emit_nft_netns(&x->ip[0], &b));
	assert_null(strstr(b.p, "postrouting"));
	assert_null(strstr(b.p, "masquerade"));
	buf_free(&b);
}

static void
test_dnsmasq(void **state)
{
	struct fx *x = *state;
	struct buf b = { 0 };

	assert_true(emit_dnsmasq(&x->ip[0], &b));
	assert_string_equal(b.p,
	    "# edgenetc: DHCP server of pis/pis-1\n"
	    "interface=lan0\n"
	    "bind-interfaces\n"
	    "except-interface=lo\n"
	    "port=0\n"
	    "dhcp-range=10.190.0.2,10.190.0.254,255.255.0.0,12h\n"
	    "dhcp-option=option:router,10.190.0.1\n"
	    "dhcp-authoritative\n"
	    "dhcp-leasefile=/var/lib/edgenet/instances/pis-1/"
	    "dnsmasq.leases\n");
	buf_free(&b);
	assert_false(emit_dnsmasq(&x->ip[1], &b));

	/* WAN disabled: no router */
	x->pis->wan.v = NETMODE_DISABLED;
	assert_true(emit_dnsmasq(&x->ip[0], &b));
	assert_null(strstr(b.p, "option:router"));
	buf_free(&b);

	/* IPv6: prefix length no shorter than 64, no router option */
	x->pis->wan.v = NETMODE_ALLOCATED;
	x->ip[0].address = A("fd00:190::1/48");
	x->ip[0].pool_start = H("fd00:190::2");
	x->ip[0].pool_end = H("fd00:190::ffff:ffff:ffff:fffe");
	assert_true(emit_dnsmasq(&x->ip[0], &b));
	assert_non_null(strstr(b.p, "dhcp-range=fd00:190::2,"
	    "fd00:190::ffff:ffff:ffff:fffe,64,12h\n"));
	assert_null(strstr(b.p, "option:router"));
	buf_free(&b);
}

static void
test_netlink(void **state)
{
	struct fx *x = *state;
	struct buf b = { 0 };

	emit_netlink_device(&x->ed, &b, NULL);
	assert_string_equal(b.p,
	    "# edgenetc: device bus-0042\n"
	    "# cam/cam-1\n"
	    "link add name el1f241866 type veth peer name lan netns cam-1\n"
	    "link set dev el1f241866 alias \"edgenet cam-1 lan\"\n"
	    "link set dev el1f241866 up\n"
	    "route add 192.168.5.1/32 via 192.168.5.1 dev el1f241866 "
	    "onlink\n"
	    "# pis/pis-1\n"
	    "link add name ew1f682d78 type veth peer name wan netns pis-1\n"
	    "link set dev ew1f682d78 alias \"edgenet pis-1 wan\"\n"
	    "link set dev ew1f682d78 master br-clients\n"
	    "link set dev ew1f682d78 up\n"
	    "link add name eb1f682d780 type bridge\n"
	    "link set dev eb1f682d780 alias \"edgenet pis-1 bridge eth1\"\n"
	    "link set dev eb1f682d780 up\n"
	    "link set dev eth1 master eb1f682d780\n"
	    "link set dev eth1 up\n"
	    "link add name ea1f682d780 type veth peer name lan0 netns pis-1\n"
	    "link set dev ea1f682d780 alias \"edgenet pis-1 access lan0\"\n"
	    "link set dev ea1f682d780 master eb1f682d780\n"
	    "link set dev ea1f682d780 up\n");
	buf_free(&b);

	emit_netlink_netns(&x->ip[0], &b);
	assert_string_equal(b.p,
	    "# edgenetc: namespace of pis/pis-1\n"
	    "link set dev lo up\n"
	    "link set dev wan up\n"
	    "address add 172.20.0.2/24 dev wan\n"
	    "link set dev lan0 up\n"
	    "address add 10.190.0.1/16 dev lan0\n"
	    "route add default via 172.20.0.1 dev wan\n"
	    "#@ sysctl net.ipv4.ip_forward 1\n");
	buf_free(&b);

	emit_netlink_netns(&x->ip[1], &b);
	assert_string_equal(b.p,
	    "# edgenetc: namespace of cam/cam-1\n"
	    "link set dev lo up\n"
	    "link set dev lan up\n"
	    "address add 192.168.5.1/24 dev lan\n");
	buf_free(&b);

	/* WAN dhcp: no address, no route, the client pragma */
	x->pis->wan.v = NETMODE_DHCP;
	x->ip[0].has_wan = x->ip[0].has_wan_gw = false;
	emit_netlink_netns(&x->ip[0], &b);
	assert_null(strstr(b.p, "dev wan\n"));
	assert_non_null(strstr(b.p, "#@ dhcp-client wan\n"));
	buf_free(&b);

	/* IPv6 addresses get nodad, IPv6 forwarding */
	x->ip[0].address = A("fd00:190::1/48");
	emit_netlink_netns(&x->ip[0], &b);
	assert_non_null(strstr(b.p,
	    "address add fd00:190::1/48 dev lan0 nodad\n"));
	assert_non_null(strstr(b.p,
	    "#@ sysctl net.ipv6.conf.all.forwarding 1\n"));
	buf_free(&b);
}

/* Routed LANs: no block -> host routes; the same block -> one route. */
static void
test_netlink_route_conflict(void **state)
{
	struct fx *x = *state;
	struct inst_plan ips[3];
	const struct inst_plan *pp[3];
	struct instance in[3];
	struct emit_dev ed;
	struct buf b = { 0 };
	struct diag_ctx d;
	char *p;
	size_t i;

	memset(in, 0, sizeof(in));
	in[0].id.s = (char *)"r1";
	in[1].id.s = (char *)"r2";
	in[2].id.s = (char *)"r3";
	for (i = 0; i < 3; i++) {
		ips[i] = x->ip[1];
		ips[i].inst = &in[i];
		pp[i] = &ips[i];
	}
	ips[1].address = A("192.168.5.2/24");
	ed = (struct emit_dev){ x->dev, pp, 3 };
	diag_init(&d);
	emit_netlink_device(&ed, &b, &d);
	assert_non_null(strstr(b.p, "route add 192.168.5.1/32 via 192.168.5.1 "
	    "dev el82f3e9c6 onlink\n"));
	assert_non_null(strstr(b.p, "route add 192.168.5.2/32 via 192.168.5.2 "
	    "dev eldb77fd01 onlink\n"));
	assert_null(strstr(b.p, "192.168.5.0/24"));
	/* r3 has r1's address: no route, a warning */
	assert_int_equal(d.n_warn, 1);
	assert_string_equal(d.v[0].code, "route-conflict");
	for (i = 0, p = b.p; (p = strstr(p, "route add")) != NULL; p++)
		i++;
	assert_int_equal(i, 2);
	diag_fini(&d);
	buf_free(&b);

	/* a shared range: the same block: the first keeps its route */
	for (i = 0; i < 3; i++) {
		ips[i].has_block = true;
		ips[i].block = A("192.168.5.0/24");
	}
	diag_init(&d);
	emit_netlink_device(&ed, &b, &d);
	assert_non_null(strstr(b.p, "route add 192.168.5.0/24 via 192.168.5.1 "
	    "dev el82f3e9c6 onlink\n"));
	assert_null(strstr(b.p, "/32"));
	for (i = 0, p = b.p; (p = strstr(p, "route add")) != NULL; p++)
		i++;
	assert_int_equal(i, 1);
	assert_int_equal(d.n_warn, 2);
	diag_fini(&d);
	buf_free(&b);
}

/* allocations.json and manifest.json ----------------------------------------- */

static void
test_allocations_json(void **state)
{
	struct fx *x = *state;
	struct buf b = { 0 };
	json_error_t err;
	json_t *j, *a;
	const char *keys[] = { "service", "instance", "device", "block",
	    "address", "dhcp_pool", "wan_address" };
	void *it;
	size_t i;

	emit_allocations_json(&x->ed, &b);
	j = json_loadb(b.p, b.len, JSON_PRESERVE_ORDER, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "device")),
	    "bus-0042");
	assert_int_equal(json_array_size(json_object_get(j, "instances")), 2);
	a = json_array_get(json_object_get(j, "instances"), 1);
	for (i = 0, it = json_object_iter(a); it != NULL;
	    it = json_object_iter_next(a, it), i++)
		assert_string_equal(json_object_iter_key(it), keys[i]);
	assert_int_equal(i, 7);
	assert_string_equal(json_string_value(json_object_get(a, "block")),
	    "10.190.0.0/24");
	assert_string_equal(json_string_value(json_object_get(a, "address")),
	    "10.190.0.1/16");
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(a, "dhcp_pool"), "start")), "10.190.0.2");
	assert_string_equal(json_string_value(json_object_get(a,
	    "wan_address")), "172.20.0.2/24");
	a = json_array_get(json_object_get(j, "instances"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "instance")),
	    "cam-1");
	assert_true(json_is_null(json_object_get(a, "block")));
	assert_true(json_is_null(json_object_get(a, "dhcp_pool")));
	assert_true(json_is_null(json_object_get(a, "wan_address")));
	json_decref(j);
	buf_free(&b);

	/* the spaced form is the same object as alloc's compact answer */
	for (i = 0; i < 2; i++) {
		json_t *want = alloc_answer_json(&x->ip[i], x->ip[i].svc->name.s,
		    x->ip[i].inst->id.s, x->dev->id.s);

		alloc_answer_put(&b, &x->ip[i], x->ip[i].svc->name.s,
		    x->ip[i].inst->id.s, x->dev->id.s, ANSWER_SPACED);
		j = json_loadb(b.p, b.len, 0, &err);
		assert_non_null(j);
		assert_true(json_equal(j, want));
		json_decref(j);
		json_decref(want);
		buf_free(&b);
	}
}

static void
test_bundle_render(void **state)
{
	struct fx *x = *state;
	struct bundle bd, bd2;
	struct buf *man;
	json_error_t err;
	json_t *j, *files, *fe;
	size_t i;
	static const char *paths[] = { "allocations.json", "host.nft",
	    "instances/cam-1/lxc.env", "instances/cam-1/netns.batch",
	    "instances/pis-1/dnsmasq.conf", "instances/pis-1/lxc.env",
	    "instances/pis-1/netns.batch", "instances/pis-1/netns.nft",
	    "netlink.batch" };

	emit_bundle_render(&x->ed, "00ff", &bd, NULL);
	assert_int_equal(bd.n, ARRAY_SIZE(paths) + 1);
	man = &bd.v[bd.n - 1].data;
	assert_string_equal(bd.v[bd.n - 1].path, "manifest.json");
	j = json_loadb(man->p, man->len, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "format")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "tool")),
	    "edgenetc " EDGENETC_VERSION);
	assert_string_equal(json_string_value(json_object_get(j,
	    "inputs_sha256")), "00ff");
	files = json_object_get(j, "files");
	assert_int_equal(json_array_size(files), ARRAY_SIZE(paths));
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		fe = json_array_get(files, i);
		assert_string_equal(json_string_value(json_object_get(fe,
		    "path")), paths[i]);
		assert_string_equal(bd.v[i].path, paths[i]);
		assert_int_equal(json_integer_value(json_object_get(fe,
		    "size")), bd.v[i].data.len);
		assert_string_equal(json_string_value(json_object_get(fe,
		    "mode")), strstr(paths[i], "lxc.env") ? "0600" : "0644");
		assert_int_equal(strlen(json_string_value(json_object_get(fe,
		    "sha256"))), 64);
	}
	json_decref(j);
	/* deterministic */
	emit_bundle_render(&x->ed, "00ff", &bd2, NULL);
	assert_int_equal(bd.n, bd2.n);
	for (i = 0; i < bd.n; i++) {
		assert_int_equal(bd.v[i].data.len, bd2.v[i].data.len);
		assert_memory_equal(bd.v[i].data.p, bd2.v[i].data.p,
		    bd.v[i].data.len);
	}
	emit_bundle_free(&bd);
	emit_bundle_free(&bd2);
}

/* Validation ---------------------------------------------------------------- */

static unsigned
validate_errors(struct fleet *f, const char *code)
{
	struct diag_ctx d;
	unsigned n = 0;
	size_t i;

	diag_init(&d);
	emit_fleet_validate(f, &d);
	for (i = 0; i < d.n; i++)
		if (d.v[i].level == DIAG_ERROR && strcmp(d.v[i].code, code) == 0)
			n++;
	diag_fini(&d);
	return n;
}

static void
test_validate(void **state)
{
	struct fx *x = *state;

	assert_int_equal(validate_errors(x->f, "ifname-collision"), 0);
	assert_int_equal(validate_errors(x->f, "unsafe-name"), 0);
	/* a label named like the WAN end */
	S(&x->pis->ifs[0].label, "wan");
	assert_int_equal(validate_errors(x->f, "ifname-collision"), 1);
	S(&x->pis->ifs[0].label, "lan\"0");
	assert_int_equal(validate_errors(x->f, "unsafe-name"), 1);
	S(&x->pis->ifs[0].label, "l*");
	assert_int_equal(validate_errors(x->f, "unsafe-name"), 1);
	S(&x->pis->ifs[0].label, "lan0");
	/* a physical port named like a generated host name */
	S(&x->dev->ifaces.v[0], "ew1f682d78");
	assert_int_equal(validate_errors(x->f, "ifname-collision"), 1);
	S(&x->dev->ifaces.v[0], "eth0");
	S(&x->dev->nets[1].bridge, "br,x");
	assert_int_equal(validate_errors(x->f, "unsafe-name"), 1);
	S(&x->dev->nets[1].bridge, "br-guests");
	/* env */
	S(&x->pis->env[0].key, "A B");
	assert_int_equal(validate_errors(x->f, "unsafe-env"), 1);
	S(&x->pis->env[0].key, "LOG_LEVEL");
	lstr_set(&x->pis->env[0].value, "a\0b", 3, NULL);
	assert_int_equal(validate_errors(x->f, "unsafe-env"), 1);
	/* ids */
	S(&x->dev->insts[0].id, "../x");
	assert_int_equal(validate_errors(x->f, "unsafe-name"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_ok),
		cmocka_unit_test(test_env_line),
		cmocka_unit_test(test_safe_text),
		cmocka_unit_test_setup_teardown(test_env, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_host, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_gpsd_comment_bounded,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_netns, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_dnsmasq, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_netlink, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_netlink_route_conflict,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_allocations_json,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bundle_render, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_validate, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
