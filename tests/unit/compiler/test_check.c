/*
 * check.c: every check fires with its code at the offending value's
 * location, and stays quiet on valid input.  Models are built in C.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "names.h"
#include "model.h"
#include "xalloc.h"

#define F "t.yaml"

/*
 * Model building.  Every value gets its own line so that a diagnostic's
 * location names the value it is about.
 */

static struct loc
L(unsigned line)
{
	struct loc l = { F, line, 3 };

	return l;
}

static void
S(struct lstr *ls, const char *s, unsigned line)
{
	struct loc l = L(line);

	lstr_set(ls, s, strlen(s), &l);
}

static void
A(struct laddr *la, const char *s, unsigned line)
{
	const char *why = NULL;

	if (addr_parse(s, &la->a, &why) != 0)
		fail_msg("bad test address %s: %s", s, why);
	la->set = true;
	la->loc = L(line);
}

static void
B(struct lbool *lb, bool v, unsigned line)
{
	lb->v = v;
	lb->set = true;
	lb->loc = L(line);
}

static void
M(struct lmode *lm, enum netmode v, unsigned line)
{
	lm->v = v;
	lm->set = true;
	lm->loc = L(line);
}

static struct access_if *
add_if(struct service *s, const char *name, const char *label,
    unsigned line)
{
	struct access_if *ai = XPUSH(s->ifs, s->n_ifs, s->cap_ifs);

	ai->loc = L(line);
	if (name != NULL)
		S(&ai->name, name, line);
	if (label != NULL)
		S(&ai->label, label, line + 1);
	return ai;
}

static struct env_var *
add_env(struct service *s, const char *k, const char *v, size_t vlen,
    unsigned line)
{
	struct env_var *e = XPUSH(s->env, s->n_env, s->cap_env);
	struct loc l = L(line + 1);

	S(&e->key, k, line);
	lstr_set(&e->value, v, vlen, &l);
	return e;
}

static struct client_net *
add_net(struct device *d, const char *name, const char *bridge,
    const char *subnet, bool def, unsigned line)
{
	struct client_net *cn = XPUSH(d->nets, d->n_nets, d->cap_nets);

	cn->loc = L(line);
	if (name != NULL)
		S(&cn->name, name, line);
	if (bridge != NULL)
		S(&cn->bridge, bridge, line + 1);
	if (subnet != NULL)
		A(&cn->subnet, subnet, line + 2);
	if (def)
		B(&cn->is_default, true, line + 3);
	return cn;
}

static void
add_reserved(struct client_net *cn, const char *lo, const char *hi,
    unsigned line)
{
	struct addr_range *r = XPUSH(cn->reserved, cn->n_reserved,
	    cn->cap_reserved);

	assert_int_equal(addr_parse_host(lo, &r->lo, NULL), 0);
	assert_int_equal(addr_parse_host(hi, &r->hi, NULL), 0);
	r->loc = L(line);
}

static struct instance *
add_inst(struct device *d, const char *id, const char *svc, unsigned line)
{
	struct instance *in = XPUSH(d->insts, d->n_insts, d->cap_insts);

	in->loc = L(line);
	if (id != NULL)
		S(&in->id, id, line);
	if (svc != NULL)
		S(&in->service, svc, line + 1);
	return in;
}

static void
add_port(struct device *d, const char *name, unsigned line)
{
	S(XPUSH(d->ifaces.v, d->ifaces.n, d->ifaces.cap), name, line);
}

static struct service *
add_svc(struct fleet *f, const char *name, unsigned line)
{
	struct service *s = fleet_service_add(f);

	s->loc = L(line);
	S(&s->name, name, line);
	return s;
}

static struct device *
add_dev(struct fleet *f, const char *id, unsigned line)
{
	struct device *d = fleet_device_add(f);

	d->loc = L(line);
	S(&d->id, id, line);
	S(&d->arch, "arm64", line + 1);
	add_port(d, "eth0", line + 2);
	add_port(d, "eth1", line + 3);
	add_port(d, "eth2", line + 4);
	return d;
}

/*
 * The base fleet: service "pis" (template, WAN allocated, LAN dhcp,
 * masquerade), device "bus-1" with a default client network and one
 * instance.  Lines: service 10-29, device 100-, instance 200.
 */
struct t {
	struct fleet	*f;
	struct diag_ctx	 d;
	struct service	*s;
	struct device	*dv;
	struct client_net *cn;
	struct instance	*in;
	int		 rc;
};

static int
setup(void **state)
{
	struct t *t = xzalloc(sizeof(*t));

	t->f = fleet_new();
	diag_init(&t->d);
	t->s = add_svc(t->f, "pis", 10);
	A(&t->s->subnet, "10.190.0.1/16", 11);
	A(&t->s->tmpl, "10.190.0.1/24", 12);
	M(&t->s->wan, NETMODE_ALLOCATED, 13);
	M(&t->s->lan, NETMODE_DHCP, 14);
	B(&t->s->masquerade, true, 15);
	t->s->has_netcfg = true;
	t->dv = add_dev(t->f, "bus-1", 100);
	t->cn = add_net(t->dv, "clients", "br-clients", "172.20.0.1/24", true,
	    110);
	t->in = add_inst(t->dv, "pis-1", "pis", 200);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct t *t = *state;

	fleet_free(t->f);
	diag_fini(&t->d);
	free(t);
	return 0;
}

static void
run(struct t *t)
{
	t->rc = check_fleet(t->f, &t->d);
}

/* Number of diagnostics with code at line (0 = any line). */
static int
count(const struct t *t, const char *code, unsigned line)
{
	size_t i;
	int n = 0;

	for (i = 0; i < t->d.n; i++)
		if (strcmp(t->d.v[i].code, code) == 0 &&
		    (line == 0 || t->d.v[i].loc.line == line))
			n++;
	return n;
}

static const struct diag *
find(const struct t *t, const char *code)
{
	size_t i;

	for (i = 0; i < t->d.n; i++)
		if (strcmp(t->d.v[i].code, code) == 0)
			return &t->d.v[i];
	return NULL;
}

static void
dump(const struct t *t)
{
	size_t i;

	for (i = 0; i < t->d.n; i++)
		print_message("  %u:%u %s [%s] %s\n", t->d.v[i].loc.line,
		    t->d.v[i].loc.col,
		    t->d.v[i].level == DIAG_ERROR ? "error" : "warning",
		    t->d.v[i].code, t->d.v[i].msg);
}

/* Exactly one diagnostic in total: code, at line, of level. */
static void
expect_only(struct t *t, const char *code, unsigned line,
    enum diag_level lvl)
{
	const struct diag *g;

	if (t->d.n != 1 || count(t, code, line) != 1) {
		dump(t);
		fail_msg("expected exactly one [%s] at line %u", code, line);
	}
	g = find(t, code);
	assert_int_equal(g->level, lvl);
	assert_string_equal(g->loc.file, F);
	assert_int_equal(g->loc.col, 3);
	assert_int_equal(t->rc, lvl == DIAG_ERROR ? -1 : 0);
}

static void
expect_clean(struct t *t)
{
	if (t->d.n != 0) {
		dump(t);
		fail_msg("expected no diagnostics");
	}
	assert_int_equal(t->rc, 0);
}

static void
expect_msg(struct t *t, const char *code, const char *needle)
{
	const struct diag *g = find(t, code);

	assert_non_null(g);
	if (strstr(g->msg, needle) == NULL)
		fail_msg("[%s] '%s' lacks '%s'", code, g->msg, needle);
}

/* The first note of the code's diagnostic is at line and says needle. */
static void
expect_note(struct t *t, const char *code, unsigned line, const char *needle)
{
	const struct diag *g = find(t, code);

	assert_non_null(g);
	assert_true(g->n_notes >= 1);
	assert_int_equal(g->notes[0].loc.line, line);
	if (strstr(g->notes[0].msg, needle) == NULL)
		fail_msg("[%s] note '%s' lacks '%s'", code, g->notes[0].msg,
		    needle);
}

/*
 * Valid input
 */

static void
test_base_clean(void **state)
{
	struct t *t = *state;

	run(t);
	expect_clean(t);
	assert_ptr_equal(t->in->svc, t->s);
}

static void
test_every_mode_clean(void **state)
{
	struct t *t = *state;
	struct service *s;
	struct device *dv;
	struct client_net *up;

	/* shared range, LAN allocated, WAN dhcp, access interfaces */
	s = add_svc(t->f, "cam", 20);
	A(&s->subnet, "192.168.10.1/24", 21);
	A(&s->range, "192.168.10.0/25", 22);
	M(&s->wan, NETMODE_DHCP, 23);
	M(&s->lan, NETMODE_ALLOCATED, 24);
	add_if(s, "eth1", "lan", 25);
	add_if(s, "eth2", "lan2", 27);
	S(&s->wan_network, "uplink", 29);
	/* range without subnet, dhcp, IPv6 template service */
	s = add_svc(t->f, "v6", 30);
	A(&s->subnet, "fd00:190::1/48", 31);
	A(&s->tmpl, "fd00:190::1/64", 32);
	M(&s->lan, NETMODE_DHCP, 33);
	s = add_svc(t->f, "rng", 40);
	A(&s->range, "10.50.0.1/24", 41);
	M(&s->lan, NETMODE_DHCP, 42);
	/* fixed subnet, two instances on one device, env, gpsd-free */
	s = add_svc(t->f, "fix", 50);
	A(&s->subnet, "192.168.0.100/24", 51);
	M(&s->lan, NETMODE_ALLOCATED, 52);
	add_env(s, "LOG_LEVEL", "info", 4, 53);
	add_env(s, "_x9", "quote ' \" $ `\n", 14, 55);
	/* point-to-point /31 LAN allocated is fine */
	s = add_svc(t->f, "p2p", 60);
	A(&s->subnet, "10.9.9.0/31", 61);
	M(&s->lan, NETMODE_ALLOCATED, 62);
	s = add_svc(t->f, "bare", 70);

	dv = add_dev(t->f, "bus-2", 300);
	add_net(dv, "clients", "br-clients", "172.20.0.1/24", true, 310);
	up = add_net(dv, "uplink", "br-up", "10.1.0.254/16", false, 320);
	add_reserved(up, "10.1.0.1", "10.1.0.99", 330);
	add_reserved(up, "10.1.255.255", "10.1.255.255", 331);
	add_inst(dv, "cam-1", "cam", 400);
	add_inst(dv, "v6-1", "v6", 402);
	add_inst(dv, "rng-1", "rng", 404);
	add_inst(dv, "fix-1", "fix", 406);
	add_inst(dv, "fix-2", "fix", 408);
	add_inst(dv, "p2p-1", "p2p", 410);
	add_inst(dv, "bare-1", "bare", 412);
	add_inst(dv, "pis-2", "pis", 414);
	dv->has_gpsd = true;
	dv->gpsd_port = 65535;
	run(t);
	expect_clean(t);
}

/*
 * Service addresses
 */

static void
test_template_outside(void **state)
{
	struct t *t = *state;

	A(&t->s->tmpl, "10.191.0.1/24", 12);
	run(t);
	expect_only(t, "template-outside-subnet", 12, DIAG_ERROR);
	expect_msg(t, "template-outside-subnet", "10.190.0.1/16");
}

static void
test_template_prefix(void **state)
{
	struct t *t = *state;

	A(&t->s->tmpl, "10.0.0.1/8", 12);
	run(t);
	expect_only(t, "template-prefix-too-short", 12, DIAG_ERROR);
}

static void
test_template_equal_prefix(void **state)
{
	struct t *t = *state;

	/* P_T == P_S: one block, the whole subnet */
	A(&t->s->tmpl, "10.190.0.1/16", 12);
	run(t);
	expect_clean(t);
}

static void
test_template_family(void **state)
{
	struct t *t = *state;

	A(&t->s->tmpl, "fd00::1/64", 12);
	run(t);
	expect_only(t, "family-mismatch", 12, DIAG_ERROR);
}

static void
test_template_without_subnet(void **state)
{
	struct t *t = *state;

	t->s->subnet.set = false;
	M(&t->s->lan, NETMODE_ALLOCATED, 14);
	run(t);
	/* and the LAN has no subnet either */
	assert_int_equal(count(t, "template-without-subnet", 12), 1);
	assert_int_equal(count(t, "lan-without-subnet", 14), 1);
	assert_int_equal(t->d.n, 2);
}

static void
test_template_and_range(void **state)
{
	struct t *t = *state;

	A(&t->s->range, "10.190.5.0/24", 16);
	run(t);
	expect_only(t, "template-and-range", 16, DIAG_ERROR);
}

static void
test_range_outside(void **state)
{
	struct t *t = *state;

	t->s->tmpl.set = false;
	A(&t->s->range, "10.200.0.1/24", 16);
	run(t);
	expect_only(t, "range-outside-subnet", 16, DIAG_ERROR);
}

static void
test_range_larger_than_subnet(void **state)
{
	struct t *t = *state;

	t->s->tmpl.set = false;
	A(&t->s->range, "10.0.0.1/8", 16);
	run(t);
	expect_only(t, "range-outside-subnet", 16, DIAG_ERROR);
}

static void
test_range_family(void **state)
{
	struct t *t = *state;

	t->s->tmpl.set = false;
	A(&t->s->range, "fd00::1/64", 16);
	run(t);
	expect_only(t, "family-mismatch", 16, DIAG_ERROR);
}

static const struct {
	const char	*subnet, *tmpl;
	enum netmode	 lan;
	bool		 ok;
} block_cases[] = {
	{ "10.0.0.1/8", "10.0.0.1/30", NETMODE_DHCP, true },	/* pool .2 */
	{ "10.0.0.1/8", "10.0.0.0/30", NETMODE_DHCP, true },	/* H=0 -> +1 */
	{ "10.0.0.1/8", "10.0.0.2/30", NETMODE_DHCP, false },	/* pool empty */
	{ "10.0.0.1/8", "10.0.0.3/30", NETMODE_DHCP, false },
	{ "10.0.0.1/8", "10.0.0.1/31", NETMODE_DHCP, false },
	{ "10.0.0.1/8", "10.0.0.0/31", NETMODE_DHCP, false },
	{ "10.0.0.1/8", "10.0.0.1/32", NETMODE_DHCP, false },
	{ "10.0.0.1/8", "10.0.0.253/24", NETMODE_DHCP, true },
	{ "10.0.0.1/8", "10.0.0.254/24", NETMODE_DHCP, false },
	{ "10.0.0.1/8", "10.0.0.255/24", NETMODE_DHCP, false },
	{ "10.0.0.1/8", "10.0.0.1/31", NETMODE_ALLOCATED, true },
	{ "10.0.0.1/8", "10.0.0.0/32", NETMODE_ALLOCATED, false },
	{ "fd00::1/48", "fd00::1/126", NETMODE_DHCP, true },
	{ "fd00::1/48", "fd00::1/127", NETMODE_DHCP, false },
	{ "fd00::1/48", "fd00::/128", NETMODE_DHCP, false },
	{ "fd00::1/48", "fd00::1/128", NETMODE_ALLOCATED, false },
	{ "fd00::1/48", "fd00::1/64", NETMODE_DHCP, true },
	{ "::1/0", "::1/0", NETMODE_DHCP, true },
	{ "0.0.0.1/0", "0.0.0.1/0", NETMODE_DHCP, true },
};

static void
test_block_too_small(void **state)
{
	struct t *t = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(block_cases); i++) {
		diag_fini(&t->d);
		diag_init(&t->d);
		A(&t->s->subnet, block_cases[i].subnet, 11);
		A(&t->s->tmpl, block_cases[i].tmpl, 12);
		M(&t->s->lan, block_cases[i].lan, 14);
		run(t);
		print_message("case %zu: %s %s\n", i, block_cases[i].subnet,
		    block_cases[i].tmpl);
		if (block_cases[i].ok)
			expect_clean(t);
		else
			expect_only(t, "block-too-small", 12, DIAG_ERROR);
	}
}

static void
test_range_block_too_small(void **state)
{
	struct t *t = *state;

	t->s->tmpl.set = false;
	A(&t->s->range, "10.190.0.1/31", 16);
	run(t);
	expect_only(t, "block-too-small", 16, DIAG_ERROR);
}

static void
test_fixed_subnet_too_small(void **state)
{
	struct t *t = *state;

	t->s->tmpl.set = false;
	A(&t->s->subnet, "10.190.0.7/32", 11);
	M(&t->s->lan, NETMODE_ALLOCATED, 14);
	run(t);
	expect_only(t, "block-too-small", 11, DIAG_ERROR);
}

static void
test_fixed_subnet_dhcp_pool(void **state)
{
	struct t *t = *state;

	t->s->tmpl.set = false;
	A(&t->s->subnet, "192.168.0.254/24", 11);
	run(t);
	expect_only(t, "block-too-small", 11, DIAG_ERROR);
}

static void
test_fixed_subnet_broadcast(void **state)
{
	struct t *t = *state;

	t->s->tmpl.set = false;
	A(&t->s->subnet, "192.168.0.255/24", 11);
	M(&t->s->lan, NETMODE_ALLOCATED, 14);
	run(t);
	expect_only(t, "lan-address-broadcast", 11, DIAG_ERROR);
}

static void
test_lan_without_subnet(void **state)
{
	struct t *t = *state;

	t->s->subnet.set = false;
	t->s->tmpl.set = false;
	run(t);
	expect_only(t, "lan-without-subnet", 14, DIAG_ERROR);
}

static void
test_lan_range_only(void **state)
{
	struct t *t = *state;

	/* dhcp_range alone gives the LAN its prefix (SPEC 3) */
	t->s->subnet.set = false;
	t->s->tmpl.set = false;
	A(&t->s->range, "10.77.0.1/24", 16);
	run(t);
	expect_clean(t);
}

static void
test_lan_disabled_unused(void **state)
{
	struct t *t = *state;

	M(&t->s->lan, NETMODE_DISABLED, 14);
	t->s->masquerade.v = false;
	run(t);
	expect_only(t, "lan-disabled-unused", 11, DIAG_WARNING);
}

/*
 * Service modes
 */

static void
test_masquerade(void **state)
{
	struct t *t = *state;

	M(&t->s->wan, NETMODE_DISABLED, 13);
	run(t);
	expect_only(t, "masquerade-no-effect", 15, DIAG_WARNING);
	expect_msg(t, "masquerade-no-effect", "WAN is disabled");
}

static void
test_masquerade_lan(void **state)
{
	struct t *t = *state;

	t->s->subnet.set = t->s->tmpl.set = false;
	t->s->lan.v = NETMODE_DISABLED;
	run(t);
	expect_only(t, "masquerade-no-effect", 15, DIAG_WARNING);
	expect_msg(t, "masquerade-no-effect", "LAN is disabled");
}

static void
test_wan_network_unused(void **state)
{
	struct t *t = *state;

	t->s->masquerade.v = false;
	M(&t->s->wan, NETMODE_DISABLED, 13);
	S(&t->s->wan_network, "clients", 17);
	run(t);
	expect_only(t, "wan-network-unused", 17, DIAG_WARNING);
}

static void
test_gpsd_no_wan(void **state)
{
	struct t *t = *state;

	t->s->masquerade.v = false;
	M(&t->s->wan, NETMODE_DISABLED, 13);
	B(&t->s->gpsd, true, 18);
	t->dv->has_gpsd = true;
	run(t);
	expect_only(t, "gpsd-no-wan", 18, DIAG_WARNING);
}

/*
 * Names
 */

static const struct {
	const char	*s;
	size_t		 len;
	bool		 ok;
} ident_cases[] = {
	{ "a", 1, true },
	{ "A.b_c-9", 7, true },
	{ "...", 3, true },
	{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123",
	  63, true },
	{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234",
	  64, false },
	{ "", 0, false },
	{ ".", 1, false },
	{ "..", 2, false },
	{ "a b", 3, false },
	{ "a/b", 3, false },
	{ "a:b", 3, false },
	{ "caf\xc3\xa9", 5, false },
	{ "a\0b", 3, false },
	{ "a\n", 2, false },
};

static void
test_ident_rules(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ident_cases); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(names_id_valid(ident_cases[i].s,
		    ident_cases[i].len), ident_cases[i].ok);
	}
}

static const struct {
	const char	*s;
	size_t		 len;
	bool		 ok;
} ifname_cases[] = {
	{ "eth0", 4, true },
	{ "br-clients", 10, true },
	{ "eth0.100", 8, true },
	{ "a@b+c", 5, true },
	{ "abcdefghijklmno", 15, true },
	{ "abcdefghijklmnop", 16, false },
	{ "", 0, false },
	{ ".", 1, false },
	{ "..", 2, false },
	{ "...", 3, true },
	{ "a/b", 3, false },
	{ "a:b", 3, false },
	{ "a b", 3, false },
	{ "a\tb", 3, false },
	{ "a\nb", 3, false },
	{ "a\x01", 2, false },
	{ "a\x7f", 2, false },
	{ "a\0b", 3, false },
	{ "a\"b", 3, false },
	{ "a'b", 3, false },
	{ "a\\b", 3, false },
	{ "a#b", 3, false },
	{ "eth%d", 5, false },
	{ "a*", 2, false },
	{ "a,b", 3, false },
	{ "^`{|}~@+-_.", 11, true },
	{ "a!$&()+;<=>?[]", 14, true },
	{ "\xc3\xa9th0", 5, false },
};

static void
test_ifname_rules(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ifname_cases); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(names_ifname_why(ifname_cases[i].s,
		    ifname_cases[i].len, NAMES_IF_ARTIFACT) == NULL, ifname_cases[i].ok);
	}
}

static void
test_env_key_rules(void **state)
{
	assert_true(check_env_key_ok("A", 1));
	assert_true(check_env_key_ok("_", 1));
	assert_true(check_env_key_ok("a_B9", 4));
	assert_false(check_env_key_ok("9A", 2));
	assert_false(check_env_key_ok("", 0));
	assert_false(check_env_key_ok("A-B", 3));
	assert_false(check_env_key_ok("A B", 3));
	assert_false(check_env_key_ok("A\0B", 3));
	assert_false(check_env_key_ok("A=B", 3));
	assert_true(check_arch_ok("amd64", 5));
	assert_true(check_arch_ok("armhf", 5));
	assert_true(check_arch_ok("arm64", 5));
	assert_false(check_arch_ok("arm", 3));
	assert_false(check_arch_ok("x86_64", 6));
	assert_false(check_arch_ok("amd64\0", 6));
}

static void
test_service_name(void **state)
{
	struct t *t = *state;

	S(&t->s->name, "pis/1", 10);
	S(&t->in->service, "pis/1", 201);
	run(t);
	expect_only(t, "invalid-service-name", 10, DIAG_ERROR);
	/* the instance still resolves: no cascade of unknown-service */
	assert_ptr_equal(t->in->svc, t->s);
}

static void
test_service_name_missing(void **state)
{
	struct t *t = *state;

	lstr_clear(&t->s->name);
	add_svc(t->f, "pis", 30);
	run(t);
	expect_only(t, "missing-field", 10, DIAG_ERROR);
}

static void
test_message_escapes(void **state)
{
	struct t *t = *state;
	char name[300];
	const struct diag *g;

	memset(name, 'x', sizeof(name));
	name[0] = '\n';
	name[1] = '\x1b';
	name[sizeof(name) - 1] = '\0';
	S(&t->s->name, name, 10);
	run(t);
	g = find(t, "invalid-service-name");
	assert_non_null(g);
	assert_non_null(strstr(g->msg, "'\\x0a\\x1bxxx"));
	assert_non_null(strstr(g->msg, "xxx...'"));
	assert_true(strlen(g->msg) < 200);
	assert_null(strchr(g->msg, '\n'));
}

static void
test_access_interfaces(void **state)
{
	struct t *t = *state;

	add_if(t->s, "eth1", "lan", 20);
	add_if(t->s, "eth2", "lan", 22);		/* duplicate label */
	add_if(t->s, "eth1", "x", 24);		/* duplicate port */
	add_if(t->s, "eth0/x", "lo", 26);	/* bad name, reserved */
	add_if(t->s, "eth0", "wan", 28);	/* reserved */
	add_if(t->s, "eth0", "a b", 30);	/* bad label (and dup port) */
	add_if(t->s, NULL, NULL, 32);
	run(t);
	assert_int_equal(count(t, "duplicate-label", 23), 1);
	assert_int_equal(count(t, "duplicate-access-interface", 24), 1);
	assert_int_equal(count(t, "invalid-ifname", 26), 1);
	assert_int_equal(count(t, "reserved-label", 27), 1);
	assert_int_equal(count(t, "reserved-label", 29), 1);
	assert_int_equal(count(t, "duplicate-access-interface", 30), 1);
	assert_int_equal(count(t, "invalid-label", 31), 1);
	assert_int_equal(count(t, "missing-field", 32), 2);
	/* the instance uses eth1, eth2, eth0 once each: all are ports */
	assert_int_equal(count(t, "unknown-port", 0), 0);
	assert_int_equal(count(t, "port-conflict", 0), 0);
	assert_int_equal(t->d.n, 9);
	assert_int_equal(t->rc, -1);
}

static void
test_too_many_access_interfaces(void **state)
{
	struct t *t = *state;
	char name[16];
	unsigned i;

	for (i = 0; i < 17; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		add_if(t->s, name, name, 20 + 2 * i);
		add_port(t->dv, name, 150 + i);
	}
	run(t);
	expect_only(t, "too-many-access-interfaces", 20 + 2 * 16, DIAG_ERROR);
}

static void
test_access_interfaces_unused(void **state)
{
	struct t *t = *state;

	t->s->subnet.set = t->s->tmpl.set = false;
	t->s->lan.v = NETMODE_DISABLED;
	t->s->masquerade.v = false;
	add_if(t->s, "eth1", "lan", 20);
	run(t);
	expect_only(t, "access-interfaces-unused", 20, DIAG_WARNING);
}

/*
 * env
 */

static void
test_env(void **state)
{
	struct t *t = *state;

	add_env(t->s, "9LIVES", "x", 1, 20);
	add_env(t->s, "A-B", "x", 1, 22);
	add_env(t->s, "", "x", 1, 24);
	add_env(t->s, "OK", "a\0b", 3, 26);		/* NUL in value */
	add_env(t->s, "OK", "again", 5, 28);		/* duplicate */
	add_env(t->s, "IFS", ":", 1, 30);
	add_env(t->s, "CONFIG_GPSD_HOST", "h", 1, 32);	/* gpsd off: fine */
	run(t);
	assert_int_equal(count(t, "invalid-env-key", 20), 1);
	assert_int_equal(count(t, "invalid-env-key", 22), 1);
	assert_int_equal(count(t, "invalid-env-key", 24), 1);
	assert_int_equal(count(t, "env-value-nul", 27), 1);
	assert_int_equal(count(t, "duplicate-env-key", 28), 1);
	assert_int_equal(count(t, "env-shell-special", 30), 1);
	assert_int_equal(t->d.n, 6);
}

static void
test_env_key_nul(void **state)
{
	struct t *t = *state;
	struct env_var *e = add_env(t->s, "A", "x", 1, 20);
	struct loc l = L(20);

	lstr_set(&e->key, "A\0B", 3, &l);
	run(t);
	expect_only(t, "invalid-env-key", 20, DIAG_ERROR);
}

static void
test_env_reserved_gpsd(void **state)
{
	struct t *t = *state;

	B(&t->s->gpsd, true, 18);
	t->dv->has_gpsd = true;
	add_env(t->s, "CONFIG_GPSD_PORT", "1", 1, 20);
	run(t);
	assert_int_equal(count(t, "reserved-env-key", 20), 1);
	assert_int_equal(count(t, "gpsd-exposure", 200), 1);
	assert_int_equal(t->d.n, 2);
	assert_int_equal(t->rc, 0);
}

/*
 * Accepted, shape-checked fields
 */

static void
test_image_arch(void **state)
{
	struct t *t = *state;
	struct image_source *im;

	im = XPUSH(t->s->images, t->s->n_images, t->s->cap_images);
	im->loc = L(40);
	S(&im->arch, "amd64", 41);
	im = XPUSH(t->s->images, t->s->n_images, t->s->cap_images);
	im->loc = L(42);
	S(&im->arch, "x86", 43);
	im = XPUSH(t->s->images, t->s->n_images, t->s->cap_images);
	im->loc = L(44);
	run(t);
	assert_int_equal(count(t, "invalid-arch", 43), 1);
	assert_int_equal(count(t, "missing-field", 44), 1);
	assert_int_equal(t->d.n, 2);
}

static void
test_memory_limit(void **state)
{
	struct t *t = *state;

	t->s->has_memory_limit = true;
	t->s->memory_limit_mb = 0;
	t->s->memory_limit_loc = L(45);
	run(t);
	expect_only(t, "invalid-memory-limit", 45, DIAG_ERROR);
}

/*
 * Devices and client networks
 */

static void
test_device_fields(void **state)
{
	struct t *t = *state;

	S(&t->dv->arch, "riscv", 101);
	add_port(t->dv, "eth0", 105);			/* duplicate */
	add_port(t->dv, "this-is-too-long0", 106);
	t->dv->has_gpsd = true;
	t->dv->gpsd_port = 70000;
	t->dv->gpsd_loc = L(107);
	run(t);
	assert_int_equal(count(t, "invalid-arch", 101), 1);
	assert_int_equal(count(t, "duplicate-port", 105), 1);
	assert_int_equal(count(t, "invalid-ifname", 106), 1);
	assert_int_equal(count(t, "invalid-gpsd-port", 107), 1);
	assert_int_equal(t->d.n, 4);
}

static void
test_gpsd_port_zero(void **state)
{
	struct t *t = *state;

	t->dv->has_gpsd = true;
	t->dv->gpsd_port = 0;
	t->dv->gpsd_loc = L(107);
	run(t);
	expect_only(t, "invalid-gpsd-port", 107, DIAG_ERROR);
}

static void
test_device_id(void **state)
{
	struct t *t = *state;
	struct device *dv;

	dv = add_dev(t->f, "..", 300);
	(void)dv;
	add_dev(t->f, "bus-1", 400);
	run(t);
	assert_int_equal(count(t, "invalid-device-id", 300), 1);
	assert_int_equal(count(t, "duplicate-device", 400), 1);
	expect_note(t, "duplicate-device", 100, "first defined here");
	assert_int_equal(t->d.n, 2);
}

static void
test_client_net_fields(void **state)
{
	struct t *t = *state;
	struct client_net *cn;

	add_net(t->dv, "bad name", "br-x", "10.0.0.1/24", false, 120);
	add_net(t->dv, "clients", "br-y", "10.1.0.1/24", false, 130);
	add_net(t->dv, "n3", "br:3", "10.2.0.0/24", false, 140);
	add_net(t->dv, "n4", "eth0", "10.3.0.255/24", false, 150);
	cn = add_net(t->dv, "n5", "br-5", "10.5.0.1/24", false, 160);
	add_reserved(cn, "10.5.0.20", "10.5.0.10", 164);
	add_reserved(cn, "10.5.0.200", "10.5.1.3", 165);
	add_reserved(cn, "fd00::1", "fd00::2", 166);
	add_reserved(cn, "10.5.0.2", "10.5.0.254", 167);	/* fine */
	cn = add_net(t->dv, "n6", "br-6", NULL, false, 170);
	add_reserved(cn, "10.5.0.2", "10.5.0.254", 174);
	add_net(t->dv, NULL, NULL, NULL, true, 180);
	run(t);
	assert_int_equal(count(t, "invalid-network-name", 120), 1);
	assert_int_equal(count(t, "duplicate-network", 130), 1);
	assert_int_equal(count(t, "invalid-ifname", 141), 1);
	assert_int_equal(count(t, "client-subnet-host", 142), 1);
	assert_int_equal(count(t, "bridge-is-port", 151), 1);
	assert_int_equal(count(t, "client-subnet-host", 152), 1);
	assert_int_equal(count(t, "reserved-range-order", 164), 1);
	assert_int_equal(count(t, "reserved-outside-subnet", 165), 1);
	assert_int_equal(count(t, "family-mismatch", 166), 1);
	assert_int_equal(count(t, "reserved-without-subnet", 174), 1);
	assert_int_equal(count(t, "missing-field", 180), 1);
	assert_int_equal(count(t, "multiple-default-networks", 183), 1);
	assert_int_equal(t->d.n, 12);
}

static void
test_client_net_v6_host(void **state)
{
	struct t *t = *state;

	add_net(t->dv, "v6", "br-v6", "fd00:1::/64", false, 120);
	add_net(t->dv, "v6b", "br-v6b", "fd00:2::1/64", false, 130);
	run(t);
	expect_only(t, "client-subnet-host", 122, DIAG_ERROR);
}

/*
 * Instances
 */

static void
test_instance_ids(void **state)
{
	struct t *t = *state;
	struct device *dv;

	add_inst(t->dv, "pis/2", "pis", 210);
	dv = add_dev(t->f, "bus-2", 300);
	add_net(dv, "clients", "br-clients", "172.20.0.1/24", true, 310);
	add_inst(dv, "pis-1", "pis", 320);
	add_inst(dv, NULL, "pis", 330);
	run(t);
	assert_int_equal(count(t, "invalid-instance-id", 210), 1);
	assert_int_equal(count(t, "duplicate-instance", 320), 1);
	expect_note(t, "duplicate-instance", 200, "device 'bus-1'");
	assert_int_equal(count(t, "missing-field", 330), 1);
	assert_int_equal(t->d.n, 3);
}

static void
test_unknown_service(void **state)
{
	struct t *t = *state;

	add_inst(t->dv, "x-1", "pss", 210);
	add_inst(t->dv, "x-2", "zzzzzzzz", 220);
	add_inst(t->dv, "x-3", NULL, 230);
	run(t);
	assert_int_equal(count(t, "unknown-service", 211), 1);
	assert_int_equal(count(t, "unknown-service", 221), 1);
	assert_int_equal(count(t, "missing-field", 230), 1);
	assert_int_equal(t->d.n, 3);
	expect_msg(t, "unknown-service", "did you mean 'pis'?");
	assert_null(strstr(t->d.v[1].msg, "did you mean"));
}

static void
test_ports(void **state)
{
	struct t *t = *state;
	struct service *s;

	add_if(t->s, "eth1", "lan", 20);
	add_if(t->s, "eth9", "lan9", 22);
	s = add_svc(t->f, "cam", 40);
	A(&s->subnet, "192.168.1.1/24", 41);
	M(&s->lan, NETMODE_ALLOCATED, 42);
	add_if(s, "eth1", "lan", 43);
	add_if(s, "eth2", "lan2", 45);
	add_inst(t->dv, "cam-1", "cam", 210);
	run(t);
	assert_int_equal(count(t, "unknown-port", 200), 1);
	expect_msg(t, "unknown-port", "'eth9'");
	assert_int_equal(count(t, "port-conflict", 210), 1);
	expect_msg(t, "port-conflict", "'pis-1'");
	expect_msg(t, "port-conflict", "'eth1'");
	assert_int_equal(t->d.n, 2);
}

static void
test_wan_network(void **state)
{
	struct t *t = *state;
	struct service *s;
	struct device *dv;

	S(&t->s->wan_network, "uplnk", 17);
	s = add_svc(t->f, "w", 40);
	M(&s->wan, NETMODE_DHCP, 41);
	dv = add_dev(t->f, "bus-2", 300);
	add_net(dv, "clients", "br-clients", "172.20.0.1/24", false, 310);
	add_inst(dv, "w-1", "w", 320);
	run(t);
	assert_int_equal(count(t, "unknown-wan-network", 200), 1);
	assert_int_equal(count(t, "no-default-network", 320), 1);
	assert_int_equal(t->d.n, 2);
}

static void
test_wan_needs(void **state)
{
	struct t *t = *state;

	lstr_clear(&t->cn->bridge);
	t->cn->subnet.set = false;
	B(&t->s->gpsd, true, 18);
	t->dv->has_gpsd = true;
	run(t);
	assert_int_equal(count(t, "missing-bridge", 110), 1);
	assert_int_equal(count(t, "wan-allocated-no-subnet", 200), 1);
	assert_int_equal(count(t, "gpsd-no-host-address", 200), 1);
	assert_int_equal(count(t, "gpsd-exposure", 200), 1);
	assert_int_equal(t->d.n, 4);
}

static void
test_wan_dhcp_no_subnet_ok(void **state)
{
	struct t *t = *state;

	t->cn->subnet.set = false;
	M(&t->s->wan, NETMODE_DHCP, 13);
	run(t);
	expect_clean(t);
}

/*
 * GPSd
 */

static void
test_gpsd_not_on_device(void **state)
{
	struct t *t = *state;

	B(&t->s->gpsd, true, 18);
	run(t);
	assert_int_equal(count(t, "gpsd-not-on-device", 200), 1);
	assert_int_equal(count(t, "gpsd-exposure", 200), 1);
	expect_msg(t, "gpsd-exposure", "TCP port 2947");
	assert_int_equal(t->d.n, 2);
	assert_int_equal(t->rc, 0);
}

static void
test_gpsd_exposure(void **state)
{
	struct t *t = *state;
	struct service *s;
	const struct diag *g;

	B(&t->s->gpsd, true, 18);
	t->dv->has_gpsd = true;
	t->dv->gpsd_port = 3000;
	add_net(t->dv, "other", "br-other", "172.21.0.1/24", false, 120);
	s = add_svc(t->f, "apc", 40);
	M(&s->wan, NETMODE_DHCP, 41);
	s = add_svc(t->f, "apc-o", 50);
	M(&s->wan, NETMODE_DHCP, 51);
	S(&s->wan_network, "other", 52);
	s = add_svc(t->f, "nowan", 60);
	add_inst(t->dv, "apc-1", "apc", 210);
	add_inst(t->dv, "apc-o-1", "apc-o", 220);
	add_inst(t->dv, "nowan-1", "nowan", 230);
	add_inst(t->dv, "pis-2", "pis", 240);
	run(t);
	assert_int_equal(count(t, "gpsd-exposure", 200), 1);
	assert_int_equal(count(t, "gpsd-exposure", 240), 1);
	assert_int_equal(t->d.n, 2);
	g = find(t, "gpsd-exposure");
	assert_int_equal(g->level, DIAG_WARNING);
	expect_msg(t, "gpsd-exposure", "TCP port 3000");
	expect_msg(t, "gpsd-exposure", "client network 'clients'");
	expect_msg(t, "gpsd-exposure", "every client of that network");
	expect_msg(t, "gpsd-exposure", "instances 'apc-1', 'pis-2'");
	assert_null(strstr(g->msg, "apc-o-1"));
	assert_null(strstr(g->msg, "nowan-1"));
	assert_null(strstr(g->msg, "more"));
}

static void
test_gpsd_exposure_alone(void **state)
{
	struct t *t = *state;

	B(&t->s->gpsd, true, 18);
	t->dv->has_gpsd = true;
	run(t);
	expect_only(t, "gpsd-exposure", 200, DIAG_WARNING);
	expect_msg(t, "gpsd-exposure", "no other instance");
}

static void
test_gpsd_exposure_many(void **state)
{
	struct t *t = *state;
	char id[16];
	unsigned i;

	B(&t->s->gpsd, true, 18);
	t->dv->has_gpsd = true;
	for (i = 0; i < 12; i++) {
		snprintf(id, sizeof(id), "pis-x%u", i);
		add_inst(t->dv, id, "pis", 210 + 2 * i);
	}
	run(t);
	assert_int_equal(count(t, "gpsd-exposure", 0), 13);
	expect_msg(t, "gpsd-exposure", "'pis-x0', 'pis-x1'");
	expect_msg(t, "gpsd-exposure", " and 4 more");
}

/* Every instance of a crowded network has GPSd: still linear. */
static void
test_gpsd_exposure_crowd(void **state)
{
	struct t *t = *state;
	char id[16];
	unsigned i;

	B(&t->s->gpsd, true, 18);
	t->dv->has_gpsd = true;
	for (i = 0; i < 30000; i++) {
		snprintf(id, sizeof(id), "c%u", i);
		add_inst(t->dv, id, "pis", 300);
	}
	run(t);
	assert_int_equal(count(t, "gpsd-exposure", 0), 30001);
	expect_msg(t, "gpsd-exposure", " and 29992 more");
}

/*
 * Scale: linear, not quadratic (a regression guard, not a benchmark).
 */
static void
test_scale(void **state)
{
	struct t *t = *state;
	struct device *dv;
	struct service *s;
	char buf[32];
	unsigned i;

	for (i = 0; i < 2000; i++) {
		snprintf(buf, sizeof(buf), "svc%u", i);
		s = add_svc(t->f, buf, 1000);
		M(&s->wan, NETMODE_DHCP, 1001);
	}
	for (i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "dev%u", i);
		dv = add_dev(t->f, buf, 2000);
		add_net(dv, "clients", "br-clients", "172.20.0.1/24", true,
		    2010);
		snprintf(buf, sizeof(buf), "i%u", i);
		add_inst(dv, buf, "svc7", 2020);
	}
	run(t);
	expect_clean(t);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_base_clean),
		T(test_every_mode_clean),
		T(test_template_outside),
		T(test_template_prefix),
		T(test_template_equal_prefix),
		T(test_template_family),
		T(test_template_without_subnet),
		T(test_template_and_range),
		T(test_range_outside),
		T(test_range_larger_than_subnet),
		T(test_range_family),
		T(test_block_too_small),
		T(test_range_block_too_small),
		T(test_fixed_subnet_too_small),
		T(test_fixed_subnet_dhcp_pool),
		T(test_fixed_subnet_broadcast),
		T(test_lan_without_subnet),
		T(test_lan_range_only),
		T(test_lan_disabled_unused),
		T(test_masquerade),
		T(test_masquerade_lan),
		T(test_wan_network_unused),
		T(test_gpsd_no_wan),
		cmocka_unit_test(test_ident_rules),
		cmocka_unit_test(test_ifname_rules),
		cmocka_unit_test(test_env_key_rules),
		T(test_service_name),
		T(test_service_name_missing),
		T(test_message_escapes),
		T(test_access_interfaces),
		T(test_too_many_access_interfaces),
		T(test_access_interfaces_unused),
		T(test_env),
		T(test_env_key_nul),
		T(test_env_reserved_gpsd),
		T(test_image_arch),
		T(test_memory_limit),
		T(test_device_fields),
		T(test_gpsd_port_zero),
		T(test_device_id),
		T(test_client_net_fields),
		T(test_client_net_v6_host),
		T(test_instance_ids),
		T(test_unknown_service),
		T(test_ports),
		T(test_wan_network),
		T(test_wan_needs),
		T(test_wan_dhcp_no_subnet_ok),
		T(test_gpsd_not_on_device),
		T(test_gpsd_exposure),
		T(test_gpsd_exposure_alone),
		T(test_gpsd_exposure_many),
		T(test_gpsd_exposure_crowd),
		T(test_scale),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
