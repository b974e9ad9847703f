/*
 * test_ledger.c - edgenetc-input(5), "Allocation" through allocation sessions on a real SQLite
 * ledger: template blocks, shared ranges, fixed subnets, WAN addresses,
 * idempotency, exhaustion that records nothing, release, cooldown, stale
 * release, network_config immutability, changed subnets and templates,
 * moves, fleet plans, schema versions.
 *
 * With EDGENETC_TEST_LEDGER_URL (a PostgreSQL database that the test may
 * empty: tests/run.sh gives one on its private cluster) every test runs
 * on the PostgreSQL backend instead, with the same expected answers;
 * the tests of SQLite's own storage are skipped there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "alloc.h"
#include "answer.h"
#include "check.h"
#include "front.h"
#include "ledger.h"
#include "xalloc.h"

struct fx {
	char		 dir[64];
	char		 path[512];
	struct ledger	*l;
	struct diag_ctx	 d;
	struct fleet	*f[8];
	int		 n_f;
	int64_t		 now;
};

static const char *
pg_url(void)
{
	const char *u = getenv("EDGENETC_TEST_LEDGER_URL");

	return u != NULL && *u != '\0' ? u : NULL;
}

/* Runs sql on the test database (PostgreSQL mode); 0 or -1. */
static int
pg_sql(const char *sql)
{
	PGconn *c = PQconnectdb(pg_url());
	PGresult *r;
	int rc = -1;

	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ||
		    PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
		if (rc != 0)
			fprintf(stderr, "%s\n", PQresultErrorMessage(r));
		PQclear(r);
	} else {
		fprintf(stderr, "%s\n", PQerrorMessage(c));
	}
	PQfinish(c);
	return rc;
}

static int
setup(void **state)
{
	struct fx *x = xzalloc(sizeof(*x));
	char err[LEDGER_ERRLEN];

	snprintf(x->dir, sizeof(x->dir), "/tmp/edgenetc-tl.XXXXXX");
	if (mkdtemp(x->dir) == NULL)
		return -1;
	snprintf(x->path, sizeof(x->path), "%s/ledger.db", x->dir);
	if (pg_url() != NULL) {
		/* every test on an empty ledger */
		snprintf(x->path, sizeof(x->path), "%s", pg_url());
		if (pg_sql("DROP TABLE IF EXISTS lease, instance, service, "
		    "watermark, edgenetc_meta") != 0)
			return -1;
	}
	x->l = ledger_open(x->path, err, sizeof(err));
	if (x->l == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	diag_init(&x->d);
	x->now = 1000;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;
	char p[sizeof(x->path) + 8];
	int i;

	ledger_close(x->l);
	for (i = 0; i < x->n_f; i++)
		fleet_free(x->f[i]);
	diag_fini(&x->d);
	snprintf(p, sizeof(p), "%s-wal", x->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", x->path);
	unlink(p);
	unlink(x->path);
	rmdir(x->dir);
	free(x);
	return 0;
}

/* A checked fleet from YAML text; owned by the fixture. */
static struct fleet *
load(struct fx *x, const char *yaml)
{
	struct fleet *f = fleet_new();

	if (front_load_buf(f, &x->d, "t.yaml", yaml, strlen(yaml),
	    SYNTAX_YAML, NULL) != 0 || check_fleet(f, &x->d) != 0) {
		diag_print_text(&x->d, stderr);
		fail_msg("test fleet does not load");
	}
	x->f[x->n_f++] = f;
	return f;
}

static bool
has_diag(struct fx *x, const char *code, const char *part)
{
	size_t i;

	for (i = 0; i < x->d.n; i++)
		if (strcmp(x->d.v[i].code, code) == 0 &&
		    (part == NULL || strstr(x->d.v[i].msg, part) != NULL))
			return true;
	return false;
}

static struct service *
svc(struct fleet *f, const char *name)
{
	struct service *s = fleet_service_find(f, name);

	assert_non_null(s);
	return s;
}

/* One instance in one session; the answer as compact JSON (static). */
static const char *
alloc1(struct fx *x, struct fleet *f, const char *service, const char *dev,
    const char *inst)
{
	static char buf[4][512];
	static int bi;
	struct alloc_session *s = alloc_session_new(x->l, &x->d, x->now);
	struct device *dv = fleet_device_find(f, dev);
	struct inst_plan p;
	char *t;
	json_t *o;
	char *r = buf[bi++ % 4];

	assert_int_equal(alloc_session_begin(s), 0);
	if (alloc_session_instance(s, svc(f, service), dv, dev, NULL, inst,
	    &p) != 0) {
		alloc_session_free(s);	/* rolls back */
		if (getenv("TEST_VERBOSE") != NULL)
			diag_print_text(&x->d, stderr);
		return NULL;
	}
	assert_int_equal(alloc_session_commit(s), 0);
	alloc_session_free(s);
	o = alloc_answer_json(&p, service, inst, dev);
	/* without the three names, which the caller knows */
	json_object_del(o, "service");
	json_object_del(o, "instance");
	json_object_del(o, "device");
	t = json_dumps(o, JSON_COMPACT);
	snprintf(r, 512, "%s", t);
	free(t);
	json_decref(o);
	return r;
}

static int
release1(struct fx *x, const char *inst, int64_t gen, int64_t cooldown)
{
	struct alloc_session *s = alloc_session_new(x->l, &x->d, x->now);
	int64_t cur;
	int r;

	assert_int_equal(alloc_session_begin(s), 0);
	r = alloc_session_release(s, inst, gen, cooldown, &cur);
	assert_int_equal(alloc_session_commit(s), 0);
	alloc_session_free(s);
	return r;
}

static int64_t
gen_of(struct fx *x, const char *inst)
{
	struct ledger_inst li;
	int64_t g;

	if (x->l->ops->inst_get(x->l, inst, &li) != 0)
		return 0;
	g = li.gen;
	ledger_inst_fini(&li);
	return g;
}

static const char pis_yaml[] =
"services:\n"
"  - name: pis\n"
"    access_provided_subnet: 10.190.0.1/16\n"
"    dhcp_range_template: 10.190.0.1/24\n"
"    network_config:\n"
"      wan_configure_network: allocated\n"
"      lan_configure_network: dhcp\n"
"      masquerade: true\n"
"devices:\n"
"  - id: bus-1\n"
"    interfaces: [eth0]\n"
"    client_networks:\n"
"      - name: clients\n"
"        default: true\n"
"        bridge: br-clients\n"
"        subnet: 172.20.0.1/24\n"
"        reserved: [172.20.0.3-172.20.0.4, 172.20.0.6]\n"
"    instances:\n"
"      - { id: pis-1, service: pis }\n"
"      - { id: pis-2, service: pis }\n"
"      - { id: pis-3, service: pis }\n";

#define POOL(a, b) "\"dhcp_pool\":{\"start\":\"" a "\",\"end\":\"" b "\"}"

static void
test_spec_example(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x, pis_yaml);

	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-1"),
	    "{\"block\":\"10.190.0.0/24\",\"address\":\"10.190.0.1/16\","
	    POOL("10.190.0.2", "10.190.0.254")
	    ",\"wan_address\":\"172.20.0.2/24\"}");
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-2"),
	    "{\"block\":\"10.190.1.0/24\",\"address\":\"10.190.1.1/16\","
	    POOL("10.190.1.2", "10.190.1.254")
	    ",\"wan_address\":\"172.20.0.5/24\"}");
	/* WAN skips the device (.1), reserved .3-.4 and .6 */
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-3"),
	    "{\"block\":\"10.190.2.0/24\",\"address\":\"10.190.2.1/16\","
	    POOL("10.190.2.2", "10.190.2.254")
	    ",\"wan_address\":\"172.20.0.7/24\"}");
	/* idempotent: the same answer again, nothing new recorded */
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-2"),
	    "{\"block\":\"10.190.1.0/24\",\"address\":\"10.190.1.1/16\","
	    POOL("10.190.1.2", "10.190.1.254")
	    ",\"wan_address\":\"172.20.0.5/24\"}");
	assert_int_equal(gen_of(x, "pis-2"), 2);
	/* a device not in the spec: LAN only, no WAN address */
	assert_string_equal(alloc1(x, f, "pis", "bus-9", "pis-9"),
	    "{\"block\":\"10.190.3.0/24\",\"address\":\"10.190.3.1/16\","
	    POOL("10.190.3.2", "10.190.3.254") ",\"wan_address\":null}");
	assert_int_equal(x->d.n_err, 0);
}

static void
test_template_alignment(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: a\n"
	    "    access_provided_subnet: 10.50.0.0/16\n"
	    "    dhcp_range_template: 10.50.0.133/25\n"
	    "    network_config: { lan_configure_network: dhcp }\n"
	    "  - name: b\n"
	    "    access_provided_subnet: 10.50.0.0/16\n"
	    "    dhcp_range_template: 10.50.0.0/23\n"
	    "    network_config: { lan_configure_network: allocated }\n");

	assert_string_equal(alloc1(x, f, "a", "d", "a1"),
	    "{\"block\":\"10.50.0.0/25\",\"address\":\"10.50.0.5/16\","
	    POOL("10.50.0.6", "10.50.0.126") ",\"wan_address\":null}");
	/* mixed sizes in one pool: the /23 is aligned, after the /25 */
	assert_string_equal(alloc1(x, f, "b", "d", "b1"),
	    "{\"block\":\"10.50.2.0/23\",\"address\":\"10.50.2.1/16\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "a", "d", "a2"),
	    "{\"block\":\"10.50.0.128/25\",\"address\":\"10.50.0.133/16\","
	    POOL("10.50.0.134", "10.50.0.254") ",\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "a", "d", "a3"),
	    "{\"block\":\"10.50.1.0/25\",\"address\":\"10.50.1.5/16\","
	    POOL("10.50.1.6", "10.50.1.126") ",\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "b", "d", "b2"),
	    "{\"block\":\"10.50.4.0/23\",\"address\":\"10.50.4.1/16\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
}

static void
test_fixed_subnet(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: zero\n"
	    "    access_provided_subnet: 192.168.0.0/24\n"
	    "    network_config: { lan_configure_network: allocated }\n"
	    "  - name: hundred\n"
	    "    access_provided_subnet: 192.168.7.100/24\n"
	    "    network_config: { lan_configure_network: dhcp }\n"
	    "  - name: tiny\n"
	    "    access_provided_subnet: 192.168.9.0/31\n"
	    "    network_config: { lan_configure_network: allocated }\n");

	/* the platform's two examples */
	assert_string_equal(alloc1(x, f, "zero", "d1", "z1"),
	    "{\"block\":null,\"address\":\"192.168.0.1/24\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "hundred", "d1", "h1"),
	    "{\"block\":null,\"address\":\"192.168.7.100/24\","
	    POOL("192.168.7.101", "192.168.7.254") ",\"wan_address\":null}");
	/* a second instance on the same device: the next free address */
	assert_string_equal(alloc1(x, f, "zero", "d1", "z2"),
	    "{\"block\":null,\"address\":\"192.168.0.2/24\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "hundred", "d1", "h2"),
	    "{\"block\":null,\"address\":\"192.168.7.101/24\","
	    POOL("192.168.7.102", "192.168.7.254") ",\"wan_address\":null}");
	/* another device starts over */
	assert_string_equal(alloc1(x, f, "hundred", "d2", "h3"),
	    "{\"block\":null,\"address\":\"192.168.7.100/24\","
	    POOL("192.168.7.101", "192.168.7.254") ",\"wan_address\":null}");
	/* /31: both addresses usable (RFC 3021), then exhausted */
	assert_string_equal(alloc1(x, f, "tiny", "d1", "t1"),
	    "{\"block\":null,\"address\":\"192.168.9.0/31\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "tiny", "d1", "t2"),
	    "{\"block\":null,\"address\":\"192.168.9.1/31\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_null(alloc1(x, f, "tiny", "d1", "t3"));
	assert_true(has_diag(x, "alloc-exhausted", "subnet 192.168.9.0/31 on "
	    "device 'd1' exhausted: 2 of 2 addresses in use"));
}

static void
test_fixed_wraps(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: s\n"
	    "    access_provided_subnet: 192.168.0.254/30\n"
	    "    network_config: { lan_configure_network: allocated }\n");

	/* hosts .253 .254; from .254 up, then wrap to the first host */
	assert_string_equal(alloc1(x, f, "s", "d", "a"),
	    "{\"block\":null,\"address\":\"192.168.0.254/30\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "s", "d", "b"),
	    "{\"block\":null,\"address\":\"192.168.0.253/30\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_null(alloc1(x, f, "s", "d", "c"));
	x->d.n_err = 0;
}

static void
test_shared_range(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: tpl\n"
	    "    access_provided_subnet: 10.190.0.1/16\n"
	    "    dhcp_range_template: 10.190.0.1/24\n"
	    "    network_config: { lan_configure_network: dhcp }\n"
	    "  - name: shared\n"
	    "    access_provided_subnet: 10.190.0.1/16\n"
	    "    dhcp_range: 10.190.1.1/24\n"
	    "    network_config: { lan_configure_network: dhcp }\n"
	    "  - name: bare\n"
	    "    dhcp_range: 10.77.0.0/24\n"
	    "    network_config: { lan_configure_network: allocated }\n");
	struct alloc_session *s = alloc_session_new(x->l, &x->d, x->now);

	/* every service of the fleet reserves its range up front */
	assert_int_equal(alloc_session_begin(s), 0);
	assert_int_equal(alloc_session_fleet(s, f), 0);
	assert_int_equal(alloc_session_commit(s), 0);
	alloc_session_free(s);
	assert_string_equal(alloc1(x, f, "tpl", "d1", "t1"),
	    "{\"block\":\"10.190.0.0/24\",\"address\":\"10.190.0.1/16\","
	    POOL("10.190.0.2", "10.190.0.254") ",\"wan_address\":null}");
	/* 10.190.1.0/24 is the shared range: skipped */
	assert_string_equal(alloc1(x, f, "tpl", "d1", "t2"),
	    "{\"block\":\"10.190.2.0/24\",\"address\":\"10.190.2.1/16\","
	    POOL("10.190.2.2", "10.190.2.254") ",\"wan_address\":null}");
	/* every instance of the shared service uses the same block */
	assert_string_equal(alloc1(x, f, "shared", "d1", "s1"),
	    "{\"block\":\"10.190.1.0/24\",\"address\":\"10.190.1.1/16\","
	    POOL("10.190.1.2", "10.190.1.254") ",\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "shared", "d2", "s2"),
	    "{\"block\":\"10.190.1.0/24\",\"address\":\"10.190.1.1/16\","
	    POOL("10.190.1.2", "10.190.1.254") ",\"wan_address\":null}");
	/* without access_provided_subnet the prefix is the range's */
	assert_string_equal(alloc1(x, f, "bare", "d1", "b1"),
	    "{\"block\":\"10.77.0.0/24\",\"address\":\"10.77.0.1/24\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_int_equal(x->d.n_err, 0);
}

static void
test_range_conflict(void **state)
{
	struct fx *x = *state;
	struct fleet *f1 = load(x,
	    "services:\n"
	    "  - name: tpl\n"
	    "    access_provided_subnet: 10.190.0.1/16\n"
	    "    dhcp_range_template: 10.190.0.1/24\n"
	    "    network_config: { lan_configure_network: dhcp }\n");
	struct fleet *f2 = load(x,
	    "services:\n"
	    "  - name: late\n"
	    "    access_provided_subnet: 10.190.0.1/16\n"
	    "    dhcp_range: 10.190.0.129/25\n"
	    "    network_config: { lan_configure_network: dhcp }\n");

	assert_non_null(alloc1(x, f1, "tpl", "d", "t1"));
	/* a range declared later over an allocated block is refused */
	assert_null(alloc1(x, f2, "late", "d", "l1"));
	assert_true(has_diag(x, "alloc-range-conflict", "dhcp_range "
	    "10.190.0.129/25 of service 'late' overlaps block "
	    "10.190.0.0/24 of instance 't1' (service 'tpl')"));
	assert_int_equal(gen_of(x, "l1"), 0);
	x->d.n_err = 0;
}

static void
test_wan_edges(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: w\n"
	    "    network_config: { wan_configure_network: allocated }\n"
	    "devices:\n"
	    "  - id: d30\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 172.16.0.1/30 } ]\n"
	    "  - id: d31\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 172.16.0.5/31 } ]\n"
	    "  - id: d6\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 'fd00:20::1/64', reserved: ['fd00:20::2'] } ]\n"
	    "  - id: d127\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 'fd00:21::1/127' } ]\n");

	/* /30: hosts .1 .2; .1 is the device */
	assert_string_equal(alloc1(x, f, "w", "d30", "a"),
	    "{\"block\":null,\"address\":null,\"dhcp_pool\":null,"
	    "\"wan_address\":\"172.16.0.2/30\"}");
	assert_null(alloc1(x, f, "w", "d30", "b"));
	assert_true(has_diag(x, "alloc-exhausted", "client network 'n' "
	    "(172.16.0.0/30) on device 'd30' exhausted: 2 of 2 host "
	    "addresses in use"));
	/* /31: both addresses are hosts, .5 is the device */
	assert_string_equal(alloc1(x, f, "w", "d31", "c"),
	    "{\"block\":null,\"address\":null,\"dhcp_pool\":null,"
	    "\"wan_address\":\"172.16.0.4/31\"}");
	/* IPv6: ::1 device, ::2 reserved */
	assert_string_equal(alloc1(x, f, "w", "d6", "e"),
	    "{\"block\":null,\"address\":null,\"dhcp_pool\":null,"
	    "\"wan_address\":\"fd00:20::3/64\"}");
	/* /127: fd00:21:: and ::1; ::1 is the device */
	assert_string_equal(alloc1(x, f, "w", "d127", "g"),
	    "{\"block\":null,\"address\":null,\"dhcp_pool\":null,"
	    "\"wan_address\":\"fd00:21::/127\"}");
	x->d.n_err = 0;
}

static void
test_ipv6_template(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: v6\n"
	    "    access_provided_subnet: 'fd00:190::1/48'\n"
	    "    dhcp_range_template: 'fd00:190::1/64'\n"
	    "    network_config: { lan_configure_network: dhcp }\n"
	    "  - name: one\n"
	    "    access_provided_subnet: 'fd00:191::/64'\n"
	    "    dhcp_range_template: 'fd00:191::/64'\n"
	    "    network_config: { lan_configure_network: allocated }\n");

	assert_string_equal(alloc1(x, f, "v6", "d", "a"),
	    "{\"block\":\"fd00:190::/64\",\"address\":\"fd00:190::1/48\","
	    POOL("fd00:190::2", "fd00:190::ffff:ffff:ffff:fffe")
	    ",\"wan_address\":null}");
	assert_string_equal(alloc1(x, f, "v6", "d", "b"),
	    "{\"block\":\"fd00:190:0:1::/64\","
	    "\"address\":\"fd00:190:0:1::1/48\","
	    POOL("fd00:190:0:1::2", "fd00:190:0:1:ffff:ffff:ffff:fffe")
	    ",\"wan_address\":null}");
	/* template equal to the pool: one block */
	assert_non_null(alloc1(x, f, "one", "d", "o1"));
	assert_null(alloc1(x, f, "one", "d", "o2"));
	assert_true(has_diag(x, "alloc-exhausted", "pool fd00:191::/64 "
	    "(template /64) exhausted: 1 of 1 blocks in use"));
	x->d.n_err = 0;
}

static void
test_exhaustion_records_nothing(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: small\n"
	    "    access_provided_subnet: 10.9.0.1/23\n"
	    "    dhcp_range_template: 10.9.0.1/24\n"
	    "    network_config: { lan_configure_network: dhcp,\n"
	    "        wan_configure_network: allocated }\n"
	    "devices:\n"
	    "  - id: d\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 172.16.0.1/24 } ]\n");

	assert_non_null(alloc1(x, f, "small", "d", "a"));
	assert_non_null(alloc1(x, f, "small", "d", "b"));
	assert_null(alloc1(x, f, "small", "d", "c"));
	assert_true(has_diag(x, "alloc-exhausted", "pool 10.9.0.0/23 "
	    "(template /24) exhausted: 2 of 2 blocks in use"));
	assert_int_equal(gen_of(x, "c"), 0);
	/* c held nothing: after a release it gets a's block and address */
	x->d.n_err = 0;
	assert_int_equal(release1(x, "a", 0, 0), 0);
	assert_string_equal(alloc1(x, f, "small", "d", "c"),
	    "{\"block\":\"10.9.0.0/24\",\"address\":\"10.9.0.1/23\","
	    POOL("10.9.0.2", "10.9.0.254")
	    ",\"wan_address\":\"172.16.0.2/24\"}");
}

static void
test_release_cooldown(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x, pis_yaml);

	x->now = 1000;
	assert_non_null(alloc1(x, f, "pis", "bus-1", "pis-1"));
	assert_non_null(alloc1(x, f, "pis", "bus-1", "pis-2"));
	assert_int_equal(release1(x, "pis-1", 0, 100), 0);
	assert_int_equal(release1(x, "pis-1", 0, 100), 1);	/* idempotent */
	assert_int_equal(release1(x, "nobody", 0, 0), 1);
	/* within the cooldown the block and WAN address are not reused */
	x->now = 1050;
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-3"),
	    "{\"block\":\"10.190.2.0/24\",\"address\":\"10.190.2.1/16\","
	    POOL("10.190.2.2", "10.190.2.254")
	    ",\"wan_address\":\"172.20.0.7/24\"}");
	/* after it, they are */
	x->now = 1100;
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-4"),
	    "{\"block\":\"10.190.0.0/24\",\"address\":\"10.190.0.1/16\","
	    POOL("10.190.0.2", "10.190.0.254")
	    ",\"wan_address\":\"172.20.0.2/24\"}");
}

static void
test_stale_release(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x, pis_yaml);
	const char *a1;
	int64_t g1, g2;

	a1 = alloc1(x, f, "pis", "bus-1", "pis-1");
	assert_non_null(a1);
	g1 = gen_of(x, "pis-1");
	assert_int_equal(release1(x, "pis-1", g1, 0), 0);
	/* reissued: same block, new generation */
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-1"), a1);
	g2 = gen_of(x, "pis-1");
	assert_true(g2 > g1);
	/* a late release of the old generation frees nothing */
	assert_int_equal(release1(x, "pis-1", g1, 0), 2);
	assert_int_equal(gen_of(x, "pis-1"), g2);
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-2"),
	    "{\"block\":\"10.190.1.0/24\",\"address\":\"10.190.1.1/16\","
	    POOL("10.190.1.2", "10.190.1.254")
	    ",\"wan_address\":\"172.20.0.5/24\"}");
	assert_int_equal(release1(x, "pis-1", g2, 0), 0);
}

static void
test_netcfg_immutable(void **state)
{
	struct fx *x = *state;
	struct fleet *f1 = load(x, pis_yaml);
	struct fleet *f2 = load(x,
	    "services:\n"
	    "  - name: pis\n"
	    "    access_provided_subnet: 10.190.0.1/16\n"
	    "    dhcp_range_template: 10.190.0.1/24\n"
	    "    network_config:\n"
	    "      wan_configure_network: dhcp\n"
	    "      lan_configure_network: allocated\n");
	struct service *s2 = svc(f2, "pis");

	assert_non_null(alloc1(x, f1, "pis", "bus-1", "pis-1"));
	assert_false(has_diag(x, "netcfg-immutable", NULL));
	/* the later import inherits the first network_config */
	assert_string_equal(alloc1(x, f2, "pis", "bus-7", "pis-7"),
	    "{\"block\":\"10.190.1.0/24\",\"address\":\"10.190.1.1/16\","
	    POOL("10.190.1.2", "10.190.1.254") ",\"wan_address\":null}");
	assert_true(has_diag(x, "netcfg-immutable", "network_config of "
	    "service 'pis' differs from the one of its first import"));
	assert_int_equal(s2->lan.v, NETMODE_DHCP);
	assert_int_equal(s2->wan.v, NETMODE_ALLOCATED);
	assert_true(s2->masquerade.v);
	assert_int_equal(x->d.n_err, 0);
}

static void
test_subnet_change(void **state)
{
	struct fx *x = *state;
	struct fleet *f1 = load(x, pis_yaml);
	struct fleet *f2 = load(x,
	    "services:\n"
	    "  - name: pis\n"
	    "    access_provided_subnet: 10.191.0.1/16\n"
	    "    dhcp_range_template: 10.191.0.1/25\n"
	    "    network_config:\n"
	    "      wan_configure_network: allocated\n"
	    "      lan_configure_network: dhcp\n"
	    "      masquerade: true\n");
	const char *a;

	a = alloc1(x, f1, "pis", "bus-1", "pis-1");
	assert_non_null(a);
	/* existing instances keep their blocks; the change is reported */
	assert_string_equal(alloc1(x, f2, "pis", "bus-1", "pis-1"), a);
	assert_true(has_diag(x, "alloc-outside-subnet", "instance 'pis-1' "
	    "keeps block 10.190.0.0/24, which lies outside service 'pis''s "
	    "access_provided_subnet 10.191.0.1/16"));
	/* new instances follow the new subnet and template */
	assert_string_equal(alloc1(x, f2, "pis", "bus-2", "pis-2"),
	    "{\"block\":\"10.191.0.0/25\",\"address\":\"10.191.0.1/16\","
	    POOL("10.191.0.2", "10.191.0.126") ",\"wan_address\":null}");
	assert_int_equal(x->d.n_err, 0);
}

static void
test_overlapping_services(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: narrow\n"
	    "    access_provided_subnet: 10.190.0.0/16\n"
	    "    dhcp_range_template: 10.190.0.0/24\n"
	    "    network_config: { lan_configure_network: allocated }\n"
	    "  - name: wide\n"
	    "    access_provided_subnet: 10.0.0.0/8\n"
	    "    dhcp_range_template: 10.0.0.0/9\n"
	    "    network_config: { lan_configure_network: allocated }\n");

	/* separate sessions: the second reads the first from the ledger */
	assert_non_null(alloc1(x, f, "narrow", "d", "n1"));
	assert_string_equal(alloc1(x, f, "wide", "d", "w1"),
	    "{\"block\":\"10.0.0.0/9\",\"address\":\"10.0.0.1/8\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_null(alloc1(x, f, "wide", "d", "w2"));
	assert_true(has_diag(x, "alloc-exhausted", "pool 10.0.0.0/8 "
	    "(template /9) exhausted: 2 of 2 blocks in use"));
	assert_string_equal(alloc1(x, f, "narrow", "d", "n2"),
	    "{\"block\":\"10.190.1.0/24\",\"address\":\"10.190.1.1/16\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	x->d.n_err = 0;
}

static void
test_move_device(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: m\n"
	    "    access_provided_subnet: 10.1.0.0/16\n"
	    "    dhcp_range_template: 10.1.0.0/24\n"
	    "    network_config: { lan_configure_network: allocated,\n"
	    "        wan_configure_network: allocated }\n"
	    "devices:\n"
	    "  - id: a\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 172.16.0.1/24 } ]\n"
	    "  - id: b\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 172.17.0.1/24 } ]\n");

	assert_string_equal(alloc1(x, f, "m", "a", "i"),
	    "{\"block\":\"10.1.0.0/24\",\"address\":\"10.1.0.1/16\","
	    "\"dhcp_pool\":null,\"wan_address\":\"172.16.0.2/24\"}");
	assert_string_equal(alloc1(x, f, "m", "b", "i"),
	    "{\"block\":\"10.1.0.0/24\",\"address\":\"10.1.0.1/16\","
	    "\"dhcp_pool\":null,\"wan_address\":\"172.17.0.2/24\"}");
	assert_true(has_diag(x, "alloc-moved", NULL));
	/* the old device's address is free again */
	assert_string_equal(alloc1(x, f, "m", "a", "j"),
	    "{\"block\":\"10.1.1.0/24\",\"address\":\"10.1.1.1/16\","
	    "\"dhcp_pool\":null,\"wan_address\":\"172.16.0.2/24\"}");
}

static const char plan_yaml[] =
"services:\n"
"  - name: v4\n"
"    access_provided_subnet: 10.190.0.1/16\n"
"    dhcp_range_template: 10.190.0.1/24\n"
"    network_config: { lan_configure_network: dhcp,\n"
"        wan_configure_network: allocated }\n"
"  - name: v6\n"
"    access_provided_subnet: 'fd00:1::/64'\n"
"    dhcp_range_template: 'fd00:1::/64'\n"
"    network_config: { lan_configure_network: allocated }\n"
"devices:\n"
"  - id: zz\n"
"    client_networks: [ { name: n, default: true, bridge: br0,\n"
"        subnet: 172.16.0.1/24 } ]\n"
"    instances:\n"
"      - { id: c, service: v4 }\n"
"      - { id: a, service: v4 }\n"
"  - id: aa\n"
"    client_networks: [ { name: n, default: true, bridge: br0,\n"
"        subnet: 172.16.0.1/24 } ]\n"
"    instances:\n"
"      - { id: b, service: v4 }\n";

/* An instance plan as text, for comparisons (static buffers, two). */
static const char *
plan_text(const struct inst_plan *ip)
{
	static char buf[2][600];
	static int bi;
	char *r = buf[bi++ % 2], *t;
	char g[ADDR_STRLEN];
	json_t *o;

	o = alloc_answer_json(ip, ip->svc->name.s, ip->inst->id.s,
	    ip->dev->id.s);
	t = json_dumps(o, JSON_COMPACT);
	snprintf(r, 600, "%s gw=%s net=%p", t, ip->has_wan_gw ?
	    addr_format_host(&ip->wan_gw, g, sizeof(g)) : "-",
	    (const void *)ip->wan_net);
	free(t);
	json_decref(o);
	return r;
}

static void
test_plan_build(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x, plan_yaml);
	struct fleet_plan p, q;
	char b[ADDR_STRLEN];
	size_t i;

	assert_int_equal(fleet_plan_build(f, x->l, &x->d, &p), 0);
	assert_int_equal(p.n, 3);
	/* device input order, then instance id */
	assert_string_equal(p.v[0].inst->id.s, "a");
	assert_string_equal(p.v[1].inst->id.s, "c");
	assert_string_equal(p.v[2].inst->id.s, "b");
	assert_string_equal(addr_format(&p.v[0].block, b, sizeof(b)),
	    "10.190.0.0/24");
	assert_string_equal(addr_format(&p.v[1].block, b, sizeof(b)),
	    "10.190.1.0/24");
	assert_string_equal(addr_format(&p.v[2].block, b, sizeof(b)),
	    "10.190.2.0/24");
	assert_true(p.v[0].has_wan_gw);
	assert_string_equal(addr_format_host(&p.v[0].wan_gw, b, sizeof(b)),
	    "172.16.0.1");
	assert_string_equal(addr_format(&p.v[0].wan_address, b, sizeof(b)),
	    "172.16.0.2/24");
	assert_string_equal(addr_format(&p.v[1].wan_address, b, sizeof(b)),
	    "172.16.0.3/24");
	assert_string_equal(addr_format(&p.v[2].wan_address, b, sizeof(b)),
	    "172.16.0.2/24");	/* another device */
	assert_ptr_equal(p.v[2].wan_net, &f->devs[1]->nets[0]);
	/* stable: building again gives the same plan */
	assert_int_equal(fleet_plan_build(f, x->l, &x->d, &q), 0);
	assert_int_equal(p.n, q.n);
	for (i = 0; i < p.n; i++)
		assert_string_equal(plan_text(&p.v[i]), plan_text(&q.v[i]));
	fleet_plan_free(&p);
	fleet_plan_free(&q);
	/* without a ledger: decided in memory, the same answers */
	assert_int_equal(fleet_plan_build(f, NULL, &x->d, &q), 0);
	assert_string_equal(addr_format(&q.v[1].block, b, sizeof(b)),
	    "10.190.1.0/24");
	fleet_plan_free(&q);
}

/*
 * A snapshot of the live instances read outside a session (what compile
 * reads while the input parses) is used only while no other writer has
 * committed: here another connection releases 'c' and gives its block
 * to 'z' in between, and planning with the stale snapshot must not hand
 * 'c' that block again.
 */
static void
test_snapshot_stale(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x, plan_yaml);
	struct fleet *g = load(x,
	    "services:\n"
	    "  - name: v4\n"
	    "    access_provided_subnet: 10.190.0.1/16\n"
	    "    dhcp_range_template: 10.190.0.1/24\n"
	    "    network_config: { lan_configure_network: dhcp,\n"
	    "        wan_configure_network: allocated }\n"
	    "devices:\n"
	    "  - id: yy\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 172.16.0.1/24 } ]\n"
	    "    instances:\n"
	    "      - { id: z, service: v4 }\n");
	struct alloc_known *k;
	struct alloc_session *s;
	struct ledger *l2;
	struct fleet_plan p;
	char err[LEDGER_ERRLEN], b[ADDR_STRLEN];
	int64_t cur;

	if (pg_url() != NULL)
		skip();	/* no data version: PostgreSQL never snapshots */
	assert_int_equal(fleet_plan_build(f, x->l, &x->d, &p), 0);
	/* a holds 10.190.0.0/24, c 10.190.1.0/24, b 10.190.2.0/24 */
	assert_string_equal(p.v[1].inst->id.s, "c");
	assert_string_equal(addr_format(&p.v[1].block, b, sizeof(b)),
	    "10.190.1.0/24");
	fleet_plan_free(&p);
	assert_non_null(k = alloc_known_snapshot(x->l));
	/* a fresh snapshot gives the same plan */
	assert_int_equal(fleet_plan_build_known(f, x->l, k, &x->d, &p), 0);
	assert_string_equal(addr_format(&p.v[1].block, b, sizeof(b)),
	    "10.190.1.0/24");
	fleet_plan_free(&p);
	/* another writer: c released, z takes its block */
	assert_non_null(l2 = ledger_open(x->path, err, sizeof(err)));
	s = alloc_session_new(l2, &x->d, x->now);
	assert_int_equal(alloc_session_begin(s), 0);
	assert_int_equal(alloc_session_release(s, "c", 0, 0, &cur), 0);
	assert_int_equal(alloc_session_commit(s), 0);
	alloc_session_free(s);
	assert_int_equal(fleet_plan_build(g, l2, &x->d, &p), 0);
	assert_string_equal(addr_format(&p.v[0].block, b, sizeof(b)),
	    "10.190.1.0/24");
	fleet_plan_free(&p);
	ledger_close(l2);
	/* the snapshot still says c holds 10.190.1.0/24: not believed */
	assert_int_equal(fleet_plan_build_known(f, x->l, k, &x->d, &p), 0);
	assert_string_equal(p.v[1].inst->id.s, "c");
	assert_string_equal(addr_format(&p.v[1].block, b, sizeof(b)),
	    "10.190.3.0/24");
	fleet_plan_free(&p);
	alloc_known_free(k);
}

static void
test_plan_partial_failure(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: v4\n"
	    "    access_provided_subnet: 10.190.0.1/16\n"
	    "    dhcp_range_template: 10.190.0.1/24\n"
	    "    network_config: { lan_configure_network: dhcp,\n"
	    "        wan_configure_network: allocated }\n"
	    "  - name: v6\n"
	    "    access_provided_subnet: 'fd00:1::/64'\n"
	    "    dhcp_range_template: 'fd00:1::/64'\n"
	    "    network_config: { lan_configure_network: allocated }\n"
	    "devices:\n"
	    "  - id: d\n"
	    "    client_networks: [ { name: n, default: true, bridge: br0,\n"
	    "        subnet: 172.16.0.1/24 } ]\n"
	    "    instances:\n"
	    "      - { id: p1, service: v4 }\n"
	    "      - { id: p2, service: v6 }\n"
	    "      - { id: p3, service: v6 }\n");
	struct fleet_plan p;

	/* IPv4 instance and the first IPv6 one fit, the second IPv6 one
	 * does not: nothing at all is recorded */
	assert_int_equal(fleet_plan_build(f, x->l, &x->d, &p), -1);
	assert_int_equal(p.n, 0);
	assert_true(has_diag(x, "alloc-exhausted", "pool fd00:1::/64 "
	    "(template /64) exhausted: 1 of 1 blocks in use"));
	assert_int_equal(gen_of(x, "p1"), 0);
	assert_int_equal(gen_of(x, "p2"), 0);
	/* not even the services */
	{
		struct ledger_svc sv;

		assert_int_equal(x->l->ops->svc_get(x->l, "v4", &sv), 1);
	}
	x->d.n_err = 0;
}

static void
test_schema(void **state)
{
	struct fx *x = *state;
	char err[LEDGER_ERRLEN];
	struct ledger *l2;
	sqlite3 *db;

	if (pg_url() != NULL) {
		assert_int_equal(x->l->ops->schema(x->l), 1);
		assert_string_equal(x->l->ops->name, "postgresql");
		assert_int_equal(ledger_pg_migrate(x->l, 1), 0);
		l2 = ledger_open(x->path, err, sizeof(err));
		assert_non_null(l2);
		assert_int_equal(l2->ops->schema(l2), 1);
		ledger_close(l2);
		assert_int_equal(pg_sql("UPDATE edgenetc_meta SET value = "
		    "'99' WHERE key = 'schema'"), 0);
		assert_null(ledger_open(x->path, err, sizeof(err)));
		assert_non_null(strstr(err, "schema version 99 is newer"));
		assert_int_equal(pg_sql("UPDATE edgenetc_meta SET value = "
		    "'1' WHERE key = 'schema'"), 0);
		return;
	}
	assert_int_equal(x->l->ops->schema(x->l), 2);
	/* migrating again is a no-op */
	assert_int_equal(ledger_sqlite_migrate(x->l, 2), 0);
	/* a second connection sees the same store */
	l2 = ledger_open(x->path, err, sizeof(err));
	assert_non_null(l2);
	assert_int_equal(l2->ops->schema(l2), 2);
	ledger_close(l2);
	/* a store from a newer edgenetc is refused */
	assert_int_equal(sqlite3_open(x->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(ledger_open(x->path, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 99 is newer"));
	/* the PostgreSQL form goes to that backend: a server that is not
	 * there, named without the password */
	assert_null(ledger_open("postgresql://u:secret@/x?host=/nonexistent",
	    err, sizeof(err)));
	assert_non_null(strstr(err, "postgresql://u@/x?host=/nonexistent"));
	assert_null(strstr(err, "secret"));
}

/*
 * A read-only view of a PostgreSQL ledger: the same answers as the
 * ledger (released leases in their cooldown still held), changes stay in
 * the view, and a database without the schema is an empty ledger that
 * is not created.
 */
static void
test_pg_view(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x, pis_yaml);
	char err[LEDGER_ERRLEN], want[512];
	struct ledger *real, *v;

	if (pg_url() == NULL)
		skip();
	x->now = 1000;
	assert_non_null(alloc1(x, f, "pis", "bus-1", "pis-1"));
	assert_non_null(alloc1(x, f, "pis", "bus-1", "pis-2"));
	assert_int_equal(release1(x, "pis-1", 0, 100), 0);
	x->now = 1050;
	/* a view answers as the ledger will: pis-1's block still cools */
	real = x->l;
	v = ledger_pg_view(x->path, err, sizeof(err));
	assert_non_null(v);
	assert_non_null(strstr(v->where, "postgresql://"));
	x->l = v;
	snprintf(want, sizeof(want), "%s", alloc1(x, f, "pis", "bus-1",
	    "pis-3"));
	assert_non_null(strstr(want, "10.190.2.0/24"));
	assert_int_equal(gen_of(x, "pis-3") != 0, 1);
	ledger_close(v);
	x->l = real;
	assert_int_equal(gen_of(x, "pis-3"), 0);	/* not in the ledger */
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-3"), want);
	/* no schema: empty, and nothing created */
	assert_int_equal(pg_sql("DROP TABLE lease, instance, service, "
	    "watermark, edgenetc_meta"), 0);
	v = ledger_pg_view(x->path, err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(v->ops->schema(v), 2);	/* the view's own */
	ledger_close(v);
	assert_int_equal(pg_sql("SELECT 1 FROM edgenetc_meta"), -1);
}

/* The server's name in messages: never the password. */
static void
test_pg_describe(void **state)
{
	static const char *const cases[][2] = {
		{ "postgresql://u:pw@db.example:5433/fleet?sslmode=require",
		  "postgresql://u@db.example:5433/fleet?sslmode=require" },
		{ "postgres://db.example/fleet?password=pw&user=u",
		  "postgresql://u@db.example/fleet" },
		{ "postgresql:///fleet?host=/run/pg&options=-csearch_path%3Df1",
		  "postgresql:///fleet?host=/run/pg&options=-csearch_path=f1" },
		{ "postgresql://u:pw@[::1]:5433/fleet",
		  "postgresql://u@[::1]:5433/fleet" },
		{ "postgresql://u:pw@h1:1,[fe80::1]:2,h3/fleet",
		  "postgresql://u@h1:1,[fe80::1]:2,h3/fleet" },
		{ "postgresql://h1,h2:7/fleet", "postgresql://h1,h2:7/fleet" },
		{ "postgresql:///fleet?host=h1,h2&port=7",
		  "postgresql://h1:7,h2:7/fleet" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = ledger_pg_describe(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		assert_null(strstr(s, "pw"));
		free(s);
	}
}

static void
test_service_changed(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: one\n"
	    "    access_provided_subnet: 10.1.0.0/16\n"
	    "    dhcp_range_template: 10.1.0.0/24\n"
	    "    network_config: { lan_configure_network: allocated }\n"
	    "  - name: two\n"
	    "    access_provided_subnet: 10.2.0.0/16\n"
	    "    dhcp_range_template: 10.2.0.0/24\n"
	    "    network_config: { lan_configure_network: allocated }\n");
	int64_t g;

	assert_non_null(alloc1(x, f, "one", "d", "i"));
	g = gen_of(x, "i");
	assert_string_equal(alloc1(x, f, "two", "d", "i"),
	    "{\"block\":\"10.2.0.0/24\",\"address\":\"10.2.0.1/16\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	assert_true(has_diag(x, "alloc-service-changed", NULL));
	assert_true(gen_of(x, "i") > g);
}

/* The batch answer text is exactly jansson's compact dump of the
 * answer object, for every shape of answer. */
static void
test_answer_text(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x, plan_yaml);
	struct fleet_plan p;
	struct inst_plan ip;
	char *a, *b;
	json_t *o;
	size_t i;

	assert_int_equal(fleet_plan_build(f, x->l, &x->d, &p), 0);
	for (i = 0; i < p.n + 2; i++) {
		if (i < p.n) {
			ip = p.v[i];
		} else {
			/* all null; then IPv6 everywhere */
			memset(&ip, 0, sizeof(ip));
			if (i == p.n + 1) {
				ip.has_block = ip.has_address = true;
				ip.has_pool = ip.has_wan = true;
				addr_parse("fd00:1::/64", &ip.block, NULL);
				addr_parse("fd00:1::1/48", &ip.address, NULL);
				addr_parse_host("fd00:1::2", &ip.pool_start,
				    NULL);
				addr_parse_host("fd00:1::ffff", &ip.pool_end,
				    NULL);
				addr_parse("fd00:2::5/64", &ip.wan_address,
				    NULL);
			}
		}
		o = alloc_answer_json(&ip, "svc", "inst.1", "dev-1");
		a = json_dumps(o, JSON_COMPACT);
		b = alloc_answer_text(&ip, "svc", "inst.1", "dev-1");
		assert_string_equal(a, b);
		free(a);
		free(b);
		json_decref(o);
	}
	fleet_plan_free(&p);
}

struct lcount {
	size_t	 n, block, wan;
	u128	 last_block;
	bool	 ordered;
};

static int
lcount_cb(void *arg, const struct lease *ls)
{
	struct lcount *c = arg;

	c->n++;
	if (ls->kind == LEASE_BLOCK) {
		c->block++;
		/* fleet leases come first, by address */
		if (c->block > 1 && addr_network(&ls->held) <= c->last_block)
			c->ordered = false;
		c->last_block = addr_network(&ls->held);
	} else if (ls->kind == LEASE_WAN) {
		c->wan++;
		/* held on the device */
		assert_non_null(ls->scope);
		assert_string_equal(ls->scope, ls->device);
	}
	return 0;
}

static struct lcount
lcount_all(struct ledger *l)
{
	struct lcount c;

	memset(&c, 0, sizeof(c));
	c.ordered = true;
	assert_int_equal(l->ops->lease_scan_all(l, lcount_cb, &c), 0);
	return c;
}


static void
count_problem_cb(void *arg, const char *problem)
{
	(void)problem;
	(*(int *)arg)++;
}

/*
 * A schema 1 store (IPv4 ranges as 16-byte blobs) is migrated at open:
 * its leases are read back, new allocations go after them, and the
 * integrity check passes.
 */
static void
test_migrate_v1(void **state)
{
	struct fx *x = *state;

	if (pg_url() != NULL)
		skip();	/* SQLite's own storage */
	struct fleet *f = load(x, pis_yaml);
	struct fleet *f6 = load(x,
	    "services:\n"
	    "  - name: six\n"
	    "    access_provided_subnet: fd00:1::1/48\n"
	    "    dhcp_range_template: fd00:1::1/64\n"
	    "    network_config: { lan_configure_network: allocated }\n");
	char err[LEDGER_ERRLEN];
	unsigned char b[16];
	sqlite3_stmt *st, *up;
	struct lcount c;
	sqlite3 *db;
	int n = 0, problems = 0;

	assert_non_null(alloc1(x, f, "pis", "bus-1", "pis-1"));
	assert_non_null(alloc1(x, f, "pis", "bus-1", "pis-2"));
	assert_non_null(alloc1(x, f6, "six", "bus-1", "six-1"));
	ledger_close(x->l);
	/* back to schema 1: every range blob 16 bytes */
	assert_int_equal(sqlite3_open(x->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, lo, hi FROM "
	    "lease WHERE family = 4", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE lease SET lo = ?1, "
	    "hi = ?2 WHERE id = ?3", -1, &up, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_int_equal(sqlite3_column_bytes(st, 1), 4);
		memset(b, 0, sizeof(b));
		memcpy(b + 12, sqlite3_column_blob(st, 1), 4);
		sqlite3_bind_blob(up, 1, b, 16, SQLITE_TRANSIENT);
		memcpy(b + 12, sqlite3_column_blob(st, 2), 4);
		sqlite3_bind_blob(up, 2, b, 16, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 3, sqlite3_column_int64(st, 0));
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
		sqlite3_reset(up);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	/* pis-1 and pis-2: a block and a WAN address each */
	assert_int_equal(n, 4);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1; COMMIT",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	x->l = ledger_open(x->path, err, sizeof(err));
	assert_non_null(x->l);
	assert_int_equal(x->l->ops->schema(x->l), 2);
	assert_int_equal(x->l->ops->integrity(x->l, count_problem_cb,
	    &problems), 0);
	assert_int_equal(problems, 0);
	c = lcount_all(x->l);
	assert_int_equal(c.n, 5);
	/* the old answers read back, new ones go past them */
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-2"),
	    "{\"block\":\"10.190.1.0/24\",\"address\":\"10.190.1.1/16\","
	    "\"dhcp_pool\":{\"start\":\"10.190.1.2\",\"end\":"
	    "\"10.190.1.254\"},\"wan_address\":\"172.20.0.5/24\"}");
	assert_string_equal(alloc1(x, f, "pis", "bus-1", "pis-3"),
	    "{\"block\":\"10.190.2.0/24\",\"address\":\"10.190.2.1/16\","
	    "\"dhcp_pool\":{\"start\":\"10.190.2.2\",\"end\":"
	    "\"10.190.2.254\"},\"wan_address\":\"172.20.0.7/24\"}");
	assert_string_equal(alloc1(x, f6, "six", "bus-1", "six-2"),
	    "{\"block\":\"fd00:1:0:1::/64\",\"address\":\"fd00:1:0:1::1/48\","
	    "\"dhcp_pool\":null,\"wan_address\":null}");
	/* a range stored at the wrong width is reported */
	assert_int_equal(sqlite3_open(x->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE lease SET lo = zeroblob(16) "
	    "WHERE id = (SELECT min(id) FROM lease WHERE family = 4)", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(x->l->ops->integrity(x->l, count_problem_cb,
	    &problems), 1);
}

/*
 * The SQLite backend queues new leases and writes them many rows per
 * statement: every read in the transaction sees the queued ones, a
 * commit keeps them all, a rollback none, and the answers are those of
 * one lease at a time.
 */
static void
test_queued_leases(void **state)
{
	struct fx *x = *state;
	struct fleet *f = load(x,
	    "services:\n"
	    "  - name: big\n"
	    "    access_provided_subnet: 10.0.0.1/16\n"
	    "    dhcp_range_template: 10.0.0.1/29\n"
	    "    network_config:\n"
	    "      wan_configure_network: allocated\n"
	    "      lan_configure_network: dhcp\n"
	    "devices:\n"
	    "  - id: dev-1\n"
	    "    interfaces: [eth0]\n"
	    "    client_networks:\n"
	    "      - name: clients\n"
	    "        default: true\n"
	    "        bridge: br-clients\n"
	    "        subnet: 172.20.0.1/24\n");
	struct device *dv = fleet_device_find(f, "dev-1");
	struct alloc_session *s;
	struct ledger_inst li;
	struct inst_plan p;
	struct lcount c;
	char id[32], want[64];
	char err[LEDGER_ERRLEN];
	struct ledger *l2;
	int i;

	s = alloc_session_new(x->l, &x->d, x->now);
	assert_int_equal(alloc_session_begin(s), 0);
	for (i = 0; i < 70; i++) {
		snprintf(id, sizeof(id), "i-%d", i);
		assert_int_equal(alloc_session_instance(s, svc(f, "big"), dv,
		    "dev-1", NULL, id, &p), 0);
		snprintf(want, sizeof(want), "10.0.%d.%d/29", i * 8 / 256,
		    i * 8 % 256);
		assert_string_equal(addr_format(&p.block, id, sizeof(id)),
		    want);
		if (i == 40) {
			/* 82 leases: two statements of 32 written, 18
			 * queued; the scan sees all of them */
			c = lcount_all(x->l);
			assert_int_equal(c.n, 82);
			assert_int_equal(c.block, 41);
			assert_int_equal(c.wan, 41);
			/* and so does reading one back */
			assert_int_equal(x->l->ops->inst_get(x->l, "i-40",
			    &li), 0);
			assert_int_equal(li.n_leases, 2);
			assert_int_equal(li.leases[0].kind, LEASE_BLOCK);
			assert_int_equal(li.leases[1].kind, LEASE_WAN);
			ledger_inst_fini(&li);
		}
	}
	/* asking again inside the transaction: the same answer */
	assert_int_equal(alloc_session_instance(s, svc(f, "big"), dv,
	    "dev-1", NULL, "i-3", &p), 0);
	assert_string_equal(addr_format(&p.block, id, sizeof(id)),
	    "10.0.0.24/29");
	assert_int_equal(alloc_session_commit(s), 0);
	alloc_session_free(s);

	/* another connection sees all 140 */
	l2 = ledger_open(x->path, err, sizeof(err));
	assert_non_null(l2);
	c = lcount_all(l2);
	assert_int_equal(c.n, 140);
	assert_int_equal(c.block, 70);
	assert_int_equal(c.wan, 70);
	assert_true(c.ordered);
	ledger_close(l2);

	/* 40 more (a full queue written, some queued), then a rollback:
	 * none of them is kept, and the next allocation continues */
	s = alloc_session_new(x->l, &x->d, x->now);
	assert_int_equal(alloc_session_begin(s), 0);
	for (i = 70; i < 110; i++) {
		snprintf(id, sizeof(id), "i-%d", i);
		assert_int_equal(alloc_session_instance(s, svc(f, "big"), dv,
		    "dev-1", NULL, id, &p), 0);
	}
	alloc_session_rollback(s);
	alloc_session_free(s);
	c = lcount_all(x->l);
	assert_int_equal(c.n, 140);
	assert_int_equal(gen_of(x, "i-75"), 0);
	assert_string_equal(alloc1(x, f, "big", "dev-1", "i-70"),
	    "{\"block\":\"10.0.2.48/29\",\"address\":\"10.0.2.49/16\","
	    "\"dhcp_pool\":{\"start\":\"10.0.2.50\",\"end\":\"10.0.2.54\"},"
	    "\"wan_address\":\"172.20.0.72/24\"}");
	assert_int_equal(lcount_all(x->l).n, 142);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spec_example, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_template_alignment, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fixed_subnet, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fixed_wraps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shared_range, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_range_conflict, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wan_edges, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_template, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion_records_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_cooldown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_release, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_netcfg_immutable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_subnet_change, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overlapping_services,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_device, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_plan_build, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_plan_partial_failure,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_stale, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_changed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_answer_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queued_leases, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, setup,
		    teardown),
		cmocka_unit_test(test_pg_describe),
		cmocka_unit_test_setup_teardown(test_pg_view, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
