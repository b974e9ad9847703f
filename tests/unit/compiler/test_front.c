/*
 * Front-ends and mapper: locations of keys and values (YAML, JSON), the
 * same model from YAML and JSON of the same spec, unknown keys with a
 * suggestion, type errors at the value, refused YAML features.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>

#include <jansson.h>

#include "check.h"
#include "front.h"
#include "xalloc.h"

/* -- helpers -------------------------------------------------------- */

struct ctx {
	struct diag_ctx	 d;
	struct fleet	*f;
};

static struct ctx *
load(const char *path, const char *text, enum syntax syn)
{
	struct ctx *c = xzalloc(sizeof(*c));

	diag_init(&c->d);
	c->f = fleet_new();
	front_load_buf(c->f, &c->d, path, text, strlen(text), syn, NULL);
	return c;
}

static void
ctx_free(struct ctx *c)
{
	fleet_free(c->f);
	diag_fini(&c->d);
	free(c);
}

/* The one diagnostic with this code; fails unless there is exactly one. */
static const struct diag *
only(const struct ctx *c, const char *code)
{
	const struct diag *g = NULL;
	size_t i, n = 0;

	for (i = 0; i < c->d.n; i++)
		if (strcmp(c->d.v[i].code, code) == 0) {
			g = &c->d.v[i];
			n++;
		}
	if (n != 1) {
		for (i = 0; i < c->d.n; i++)
			fprintf(stderr, "  %u:%u %s [%s]\n", c->d.v[i].loc.line,
			    c->d.v[i].loc.col, c->d.v[i].msg, c->d.v[i].code);
	}
	assert_int_equal(n, 1);
	return g;
}

static void
assert_at(const struct loc *l, unsigned line, unsigned col)
{
	if (l->line != line || l->col != col)
		fprintf(stderr, "  at %u:%u, want %u:%u\n", l->line, l->col,
		    line, col);
	assert_int_equal(l->line, line);
	assert_int_equal(l->col, col);
}

/* A location-free dump of the model, to compare front-ends. */
static void
dump_lstr(FILE *fp, const char *k, const struct lstr *s)
{
	if (s->s == NULL)
		return;
	fprintf(fp, "%s=", k);
	fwrite(s->s, 1, s->len, fp);
	fprintf(fp, "(%zu)\n", s->len);
}

static void
dump_addr(FILE *fp, const char *k, const struct laddr *a)
{
	char buf[ADDR_STRLEN];

	if (a->set)
		fprintf(fp, "%s=%s\n", k, addr_format(&a->a, buf, sizeof(buf)));
}

static char *
dump_fleet(const struct fleet *f)
{
	char *out = NULL, b1[ADDR_STRLEN], b2[ADDR_STRLEN];
	size_t len = 0, i, j, k;
	FILE *fp = open_memstream(&out, &len);

	for (i = 0; i < f->n_svcs; i++) {
		const struct service *s = f->svcs[i];

		dump_lstr(fp, "svc", &s->name);
		fprintf(fp, "gpsd=%d/%d\n", s->gpsd.set, s->gpsd.v);
		dump_addr(fp, "subnet", &s->subnet);
		dump_addr(fp, "tmpl", &s->tmpl);
		dump_addr(fp, "range", &s->range);
		for (j = 0; j < s->n_env; j++) {
			dump_lstr(fp, "envk", &s->env[j].key);
			dump_lstr(fp, "envv", &s->env[j].value);
		}
		fprintf(fp, "netcfg=%d wan=%s/%d lan=%s/%d masq=%d/%d\n",
		    s->has_netcfg, netmode_name(s->wan.v), s->wan.set,
		    netmode_name(s->lan.v), s->lan.set, s->masquerade.set,
		    s->masquerade.v);
		dump_lstr(fp, "wan_network", &s->wan_network);
		for (j = 0; j < s->n_ifs; j++) {
			dump_lstr(fp, "if", &s->ifs[j].name);
			dump_lstr(fp, "label", &s->ifs[j].label);
		}
		dump_lstr(fp, "customer", &s->customer_id);
		dump_lstr(fp, "image", &s->container_image);
		for (j = 0; j < s->n_images; j++) {
			dump_lstr(fp, "arch", &s->images[j].arch);
			dump_lstr(fp, "ref", &s->images[j].image_reference);
			dump_lstr(fp, "user", &s->images[j].registry_user);
			dump_lstr(fp, "pw", &s->images[j].registry_pw);
		}
		fprintf(fp, "mem=%d/%lld\n", s->has_memory_limit,
		    s->memory_limit_mb);
		for (j = 0; j < s->n_volumes; j++) {
			dump_lstr(fp, "src", &s->volumes[j].source);
			dump_lstr(fp, "dst", &s->volumes[j].target);
		}
	}
	for (i = 0; i < f->n_devs; i++) {
		const struct device *d = f->devs[i];

		dump_lstr(fp, "dev", &d->id);
		dump_lstr(fp, "arch", &d->arch);
		for (j = 0; j < d->ifaces.n; j++)
			dump_lstr(fp, "port", &d->ifaces.v[j]);
		fprintf(fp, "gpsd=%d/%u\n", d->has_gpsd, d->gpsd_port);
		for (j = 0; j < d->n_nets; j++) {
			const struct client_net *cn = &d->nets[j];

			dump_lstr(fp, "net", &cn->name);
			fprintf(fp, "default=%d/%d\n", cn->is_default.set,
			    cn->is_default.v);
			dump_lstr(fp, "bridge", &cn->bridge);
			dump_addr(fp, "subnet", &cn->subnet);
			for (k = 0; k < cn->n_reserved; k++)
				fprintf(fp, "reserved=%s-%s\n",
				    addr_format_host(&cn->reserved[k].lo, b1,
				    sizeof(b1)), addr_format_host(
				    &cn->reserved[k].hi, b2, sizeof(b2)));
		}
		for (j = 0; j < d->n_insts; j++) {
			dump_lstr(fp, "inst", &d->insts[j].id);
			dump_lstr(fp, "of", &d->insts[j].service);
		}
	}
	fclose(fp);
	return out;
}

/* -- the same spec in both syntaxes ------------------------------------ */

static const char spec_yaml[] =
"services:\n"
"  - name: pis\n"
"    access_provided_subnet: 10.190.0.1/16\n"
"    dhcp_range_template: 10.190.0.1/24\n"
"    access_gpsd_enabled: true\n"
"    env: { LOG_LEVEL: info, N: 3, F: 1.5, B: true, Q: \"a b\" }\n"
"    customer_id: c1\n"
"    container_image: img\n"
"    image_sources:\n"
"      - { arch: arm64, image_reference: r/x:1,\n"
"          authn: { registry_user: u, registry_pw: p } }\n"
"    metadata: { memory_limit_mb: 50, volumes: [ { source: data, "
"target: /data } ] }\n"
"    network_config:\n"
"      wan_configure_network: allocated\n"
"      lan_configure_network: dhcp\n"
"      masquerade: true\n"
"      wan_network: clients\n"
"      access_interfaces: [ { name: eth1, label: lan } ]\n"
"  - name: v6\n"
"    access_provided_subnet: fd00:190::1/48\n"
"    dhcp_range: fd00:190::1/64\n"
"devices:\n"
"  - id: bus-0042\n"
"    arch: armhf\n"
"    interfaces: [eth0, eth1]\n"
"    gpsd: { port: 2948 }\n"
"    client_networks:\n"
"      - name: clients\n"
"        default: true\n"
"        bridge: br-clients\n"
"        subnet: 172.20.0.1/24\n"
"        reserved: [172.20.0.100-172.20.0.200, 172.20.0.5]\n"
"    instances:\n"
"      - { id: pis-1, service: pis }\n";

static const char spec_json[] =
"{\"services\": [\n"
" {\"name\": \"pis\", \"access_provided_subnet\": \"10.190.0.1/16\",\n"
"  \"dhcp_range_template\": \"10.190.0.1/24\",\n"
"  \"access_gpsd_enabled\": true,\n"
"  \"env\": {\"LOG_LEVEL\": \"info\", \"N\": 3, \"F\": 1.5, \"B\": true,"
" \"Q\": \"a b\"},\n"
"  \"customer_id\": \"c1\", \"container_image\": \"img\",\n"
"  \"image_sources\": [{\"arch\": \"arm64\", \"image_reference\": "
"\"r/x:1\", \"authn\": {\"registry_user\": \"u\", \"registry_pw\": "
"\"p\"}}],\n"
"  \"metadata\": {\"memory_limit_mb\": 50, \"volumes\": [{\"source\": "
"\"data\", \"target\": \"/data\"}]},\n"
"  \"network_config\": {\"wan_configure_network\": \"allocated\",\n"
"   \"lan_configure_network\": \"dhcp\", \"masquerade\": true,\n"
"   \"wan_network\": \"clients\",\n"
"   \"access_interfaces\": [{\"name\": \"eth1\", \"label\": \"lan\"}]}},\n"
" {\"name\": \"v6\", \"access_provided_subnet\": \"fd00:190::1/48\",\n"
"  \"dhcp_range\": \"fd00:190::1/64\"}],\n"
"\"devices\": [{\"id\": \"bus-0042\", \"arch\": \"armhf\",\n"
" \"interfaces\": [\"eth0\", \"eth1\"], \"gpsd\": {\"port\": 2948},\n"
" \"client_networks\": [{\"name\": \"clients\", \"default\": true,\n"
"  \"bridge\": \"br-clients\", \"subnet\": \"172.20.0.1/24\",\n"
"  \"reserved\": [\"172.20.0.100-172.20.0.200\", \"172.20.0.5\"]}],\n"
" \"instances\": [{\"id\": \"pis-1\", \"service\": \"pis\"}]}]}\n";

static void
test_same_model(void **state)
{
	struct ctx *y = load("s.yaml", spec_yaml, SYNTAX_AUTO);
	struct ctx *j = load("s.json", spec_json, SYNTAX_AUTO);
	char *dy, *dj;

	assert_int_equal(y->d.n, 0);
	assert_int_equal(j->d.n, 0);
	dy = dump_fleet(y->f);
	dj = dump_fleet(j->f);
	assert_string_equal(dy, dj);
	/* and it is the model we meant */
	assert_non_null(strstr(dy, "svc=pis(3)\n"));
	assert_non_null(strstr(dy, "envk=N(1)\nenvv=3(1)\n"));
	assert_non_null(strstr(dy, "envk=B(1)\nenvv=true(4)\n"));
	assert_non_null(strstr(dy, "envv=a b(3)\n"));
	assert_non_null(strstr(dy, "netcfg=1 wan=allocated/1 lan=dhcp/1 "
	    "masq=1/1\n"));
	assert_non_null(strstr(dy, "reserved=172.20.0.100-172.20.0.200\n"
	    "reserved=172.20.0.5-172.20.0.5\n"));
	assert_non_null(strstr(dy, "gpsd=1/2948\n"));
	assert_non_null(strstr(dy, "mem=1/50\n"));
	assert_non_null(strstr(dy, "range=fd00:190::1/64\n"));
	assert_non_null(strstr(dy, "user=u(1)\npw=p(1)\n"));
	free(dy);
	free(dj);
	ctx_free(y);
	ctx_free(j);
}

/* Streamed mapping (front_load_buf) = tree first, then mapper. */
static void
test_stream_same(void **state)
{
	static const struct {
		const char	*path, *text;
	} in[] = {
		{ "s.yaml", spec_yaml },
		{ "s.json", spec_json },
		{ "d.yaml", "services: [ { name: a } ]\nservices: [ { name: b } ]\n"
		  "devices: [ { id: x, colour: red } ]\n" },
	};
	struct ctx *c;
	struct diag_ctx d;
	struct fleet *f;
	struct vnode *root;
	char *d1, *d2;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		c = load(in[i].path, in[i].text, SYNTAX_AUTO);
		diag_init(&d);
		f = fleet_new();
		root = i == 1 ? front_json_parse(&d, "x", in[i].text,
		    strlen(in[i].text)) : front_yaml_parse(&d, "x", in[i].text,
		    strlen(in[i].text));
		assert_non_null(root);
		front_map_document(f, &d, root, SYNTAX_AUTO);
		assert_int_equal(c->d.n, d.n);
		d1 = dump_fleet(c->f);
		d2 = dump_fleet(f);
		assert_string_equal(d1, d2);
		free(d1);
		free(d2);
		vnode_free(root);
		fleet_free(f);
		diag_fini(&d);
		ctx_free(c);
	}
	/* the repeated key is reported and its list not mapped */
	c = load("d.yaml", in[2].text, SYNTAX_YAML);
	assert_at(&only(c, "duplicate-key")->loc, 2, 1);
	assert_at(&only(c, "unknown-key")->loc, 3, 21);
	assert_int_equal(c->f->n_svcs, 1);
	assert_string_equal(c->f->svcs[0]->name.s, "a");
	ctx_free(c);
	/* a syntax error after streamed items leaves no model behind */
	c = load("e.yaml", "services:\n  - name: a\n  - name: b\n"
	    "devices:\n  - id: x\n  bad\n", SYNTAX_YAML);
	only(c, "yaml-syntax");
	assert_int_equal(c->f->n_svcs, 0);
	assert_int_equal(c->f->n_devs, 0);
	ctx_free(c);
}

/* -- locations -------------------------------------------------------- */

static void
test_yaml_locations(void **state)
{
	struct ctx *c = load("s.yaml", spec_yaml, SYNTAX_YAML);
	const struct service *s = c->f->svcs[0];
	const struct device *d = c->f->devs[0];

	assert_at(&s->loc, 2, 5);
	assert_at(&s->name.loc, 2, 11);
	assert_at(&s->subnet.loc, 3, 29);
	assert_at(&s->gpsd.loc, 5, 26);
	assert_at(&s->env[0].key.loc, 6, 12);
	assert_at(&s->env[0].value.loc, 6, 23);
	assert_at(&s->env[4].value.loc, 6, 55);
	assert_at(&s->netcfg_loc, 14, 7);
	assert_at(&s->wan.loc, 14, 30);
	assert_at(&s->ifs[0].loc, 18, 28);
	assert_at(&s->ifs[0].label.loc, 18, 49);
	assert_at(&s->images[0].registry_pw.loc, 11, 51);
	assert_at(&s->memory_limit_loc, 12, 34);
	assert_at(&d->loc, 23, 5);
	assert_at(&d->ifaces.v[1].loc, 25, 24);
	assert_at(&d->gpsd_loc, 26, 11);
	assert_at(&d->nets[0].reserved[1].loc, 32, 47);
	assert_at(&d->insts[0].service.loc, 34, 31);
	ctx_free(c);
}

static void
test_json_locations(void **state)
{
	struct ctx *c = load("s.json", spec_json, SYNTAX_JSON);
	const struct service *s = c->f->svcs[0];
	const struct device *d = c->f->devs[0];

	assert_at(&s->loc, 2, 2);
	assert_at(&s->name.loc, 2, 11);
	assert_at(&s->subnet.loc, 2, 44);
	assert_at(&s->gpsd.loc, 4, 26);
	assert_at(&s->env[0].key.loc, 5, 11);
	assert_at(&s->env[0].value.loc, 5, 24);
	assert_at(&s->env[1].value.loc, 5, 37);
	assert_at(&s->netcfg_loc, 9, 21);
	assert_at(&s->ifs[0].label.loc, 12, 52);
	assert_at(&d->loc, 15, 13);
	assert_at(&d->ifaces.v[1].loc, 16, 25);
	assert_at(&d->nets[0].reserved[1].loc, 19, 45);
	assert_at(&d->insts[0].service.loc, 20, 43);
	ctx_free(c);
}

/* Byte columns after multi-byte characters, a CR, and a BOM. */
static void
test_yaml_columns_bytes(void **state)
{
	struct ctx *c;

	c = load("u.yaml", "env: {\xc3\xa9\xc3\xa9: a, x: [1]}\n", SYNTAX_YAML);
	assert_at(&only(c, "wrong-type")->loc, 1, 19);
	ctx_free(c);
	c = load("b.yaml", "\xef\xbb\xbfname: x\nfoo: 1\n", SYNTAX_YAML);
	assert_at(&only(c, "unknown-key")->loc, 2, 1);
	assert_at(&c->f->svcs[0]->name.loc, 1, 10);
	ctx_free(c);
	/* a lone CR is a YAML line break but not a line for diag.c */
	c = load("r.yaml", "name: x\rfoo: 1\r\nbar: [1]\n", SYNTAX_YAML);
	assert_int_equal(c->d.n_err, 2);
	assert_at(&c->d.v[0].loc, 1, 9);
	assert_at(&c->d.v[1].loc, 2, 1);
	ctx_free(c);
}

static void
test_json_columns_bytes(void **state)
{
	struct ctx *c;

	c = load("u.json", "{\"env\": {\"\xc3\xa9\": \"a\", \"x\": [1]}}",
	    SYNTAX_JSON);
	assert_at(&only(c, "wrong-type")->loc, 1, 26);
	ctx_free(c);
}

/* -- diagnostics -------------------------------------------------------- */

static void
test_unknown_key_suggestion(void **state)
{
	static const char *const in[] = {
		"name: a\ndhcp_range_templte: 10.0.0.1/24\n",
		"{\"name\": \"a\",\n \"dhcp_range_templte\": \"10.0.0.1/24\"}",
	};
	const struct diag *g;
	struct ctx *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		c = load(i ? "k.json" : "k.yaml", in[i], SYNTAX_AUTO);
		g = only(c, "unknown-key");
		assert_at(&g->loc, 2, i ? 2 : 1);
		assert_string_equal(g->msg, "unknown key 'dhcp_range_templte' "
		    "in node service; did you mean 'dhcp_range_template'?");
		ctx_free(c);
	}
	c = load("k.yaml", "service:\n  - name: a\n", SYNTAX_YAML);
	assert_non_null(strstr(only(c, "unknown-key")->msg,
	    "did you mean 'services'?"));
	ctx_free(c);
	c = load("k.yaml", "name: a\nzzzzzzzz: 1\n", SYNTAX_YAML);
	assert_string_equal(only(c, "unknown-key")->msg,
	    "unknown key 'zzzzzzzz' in node service");
	ctx_free(c);
}

static void
test_type_errors(void **state)
{
	static const struct {
		const char	*in;
		const char	*code;
		unsigned	 line, col;
		const char	*msg;
	} cases[] = {
		{ "name: [a]\n", "wrong-type", 1, 7,
		  "expected a string, got a list" },
		{ "name:\n", "wrong-type", 1, 6, "expected a string, got null" },
		{ "access_gpsd_enabled: \"true\"\n", "wrong-type", 1, 22,
		  "expected true or false, got 'true'" },
		{ "access_gpsd_enabled: yes\n", "wrong-type", 1, 22,
		  "expected true or false, got 'yes'" },
		{ "network_config: 3\n", "wrong-type", 1, 17,
		  "expected an object, got '3'" },
		{ "network_config:\n  lan_configure_network: dchp\n", "bad-enum",
		  2, 26, "invalid value 'dchp' for lan_configure_network "
		  "(expected disabled, allocated or dhcp); did you mean "
		  "'dhcp'?" },
		{ "access_provided_subnet: 10.1/16\n", "bad-address", 1, 25,
		  NULL },
		{ "dhcp_range: \"10.0.0.1/24 \"\n", "bad-address", 1, 13, NULL },
		{ "metadata: { memory_limit_mb: 0 }\n", "out-of-range", 1, 30,
		  NULL },
		{ "metadata: { memory_limit_mb: 050 }\n", "wrong-type", 1, 30,
		  "leading zero in '050'" },
		{ "metadata: { memory_limit_mb: 1.5 }\n", "wrong-type", 1, 30,
		  "expected an integer, got '1.5'" },
		{ "metadata: { memory_limit_mb: 99999999999999999999999 }\n",
		  "out-of-range", 1, 30, NULL },
		{ "env: { A: [1] }\n", "wrong-type", 1, 11,
		  "expected a string, got a list" },
		{ "network_config: { access_interfaces: [ eth1 ] }\n",
		  "wrong-type", 1, 40, "expected an object, got 'eth1'" },
		{ "{\"access_gpsd_enabled\": 1}", "wrong-type", 1, 25,
		  "expected a boolean, got an integer" },
		{ "{\"name\": 12}", "wrong-type", 1, 10,
		  "expected a string, got an integer" },
	};
	const struct diag *g;
	struct ctx *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c = load(cases[i].in[0] == '{' ? "t.json" : "t.yaml",
		    cases[i].in, SYNTAX_AUTO);
		g = only(c, cases[i].code);
		assert_at(&g->loc, cases[i].line, cases[i].col);
		if (cases[i].msg != NULL)
			assert_string_equal(g->msg, cases[i].msg);
		ctx_free(c);
	}
}

static void
test_device_shapes(void **state)
{
	struct ctx *c;

	c = load("d.yaml", "devices:\n  - id: a\n    client_networks:\n"
	    "      - reserved: [10.0.0.9-10.0.0.1, 10.0.0.1-fd00::1, "
	    "10.0.0.0/24, 10.0.0.1-10.0.0.3]\n", SYNTAX_YAML);
	assert_int_equal(c->d.n_err, 3);
	assert_at(&c->d.v[0].loc, 4, 20);
	assert_at(&c->d.v[1].loc, 4, 39);
	assert_at(&c->d.v[2].loc, 4, 57);
	assert_int_equal(c->f->devs[0]->nets[0].n_reserved, 1);
	ctx_free(c);
	c = load("d.yaml", "devices:\n  - gpsd: { port: 70000 }\n",
	    SYNTAX_YAML);
	assert_at(&only(c, "out-of-range")->loc, 2, 19);
	ctx_free(c);
	c = load("d.yaml", "devices: [ { interfaces: [eth0, {a: 1}] } ]\n",
	    SYNTAX_YAML);
	assert_at(&only(c, "wrong-type")->loc, 1, 33);
	assert_int_equal(c->f->devs[0]->ifaces.n, 1);
	ctx_free(c);
}

static void
test_duplicates(void **state)
{
	struct ctx *c;
	char *big;
	size_t i, n;
	FILE *fp;

	c = load("d.yaml", "name: a\nname: b\n", SYNTAX_YAML);
	assert_at(&only(c, "duplicate-key")->loc, 2, 1);
	assert_string_equal(c->f->svcs[0]->name.s, "a");
	ctx_free(c);
	c = load("d.json", "{\"name\": \"a\",\n  \"name\": \"b\"}", SYNTAX_JSON);
	assert_at(&only(c, "duplicate-key")->loc, 2, 3);
	ctx_free(c);
	/* a large env map takes the sorting path */
	fp = open_memstream(&big, &n);
	fputs("env:\n", fp);
	for (i = 0; i < 100; i++)
		fprintf(fp, "  V%zu: x\n", i);
	fputs("  V42: y\n", fp);
	fclose(fp);
	c = load("e.yaml", big, SYNTAX_YAML);
	assert_at(&only(c, "duplicate-key")->loc, 102, 3);
	assert_int_equal(c->f->svcs[0]->n_env, 100);
	ctx_free(c);
	free(big);
}

static void
test_env_bytes(void **state)
{
	struct ctx *c;
	const struct service *s;

	c = load("e.json", "{\"env\": {\"A\": \"x\\u0000y\", \"C\": -1e3}}",
	    SYNTAX_JSON);
	s = c->f->svcs[0];
	assert_int_equal(c->d.n, 0);
	assert_int_equal(s->env[0].value.len, 3);
	assert_memory_equal(s->env[0].value.s, "x\0y", 3);
	assert_string_equal(s->env[1].value.s, "-1e3");
	ctx_free(c);
	c = load("e.yaml", "env: { A: 007, B: 0x1F, C: True, D: \"\" }\n",
	    SYNTAX_YAML);
	s = c->f->svcs[0];
	assert_int_equal(c->d.n, 0);
	assert_string_equal(s->env[0].value.s, "007");
	assert_string_equal(s->env[1].value.s, "0x1F");
	assert_string_equal(s->env[2].value.s, "True");
	assert_int_equal(s->env[3].value.len, 0);
	ctx_free(c);
}

static void
test_yaml_refused(void **state)
{
	struct ctx *c;
	char deep[400];
	int i, n = 0;

	c = load("a.yaml", "name: &n a\ncontainer_image: *n\n", SYNTAX_YAML);
	assert_at(&only(c, "yaml-alias")->loc, 2, 18);
	assert_null(c->f->svcs[0]->container_image.s);
	ctx_free(c);
	c = load("m.yaml", "name: a\n---\nname: b\n", SYNTAX_YAML);
	assert_at(&only(c, "yaml-multi-doc")->loc, 2, 1);
	ctx_free(c);
	n += snprintf(deep + n, sizeof(deep) - n, "env: ");
	for (i = 0; i < 100; i++)
		deep[n++] = '[';
	for (i = 0; i < 100; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	c = load("d.yaml", deep, SYNTAX_YAML);
	assert_at(&only(c, "too-deep")->loc, 1, 6 + 63);
	ctx_free(c);
	c = load("k.yaml", "? [a]\n: 1\nname: x\n", SYNTAX_YAML);
	assert_at(&only(c, "yaml-key")->loc, 1, 3);
	assert_string_equal(c->f->svcs[0]->name.s, "x");
	ctx_free(c);
	c = load("s.yaml", "name: x\n  bad: [\n", SYNTAX_YAML);
	assert_at(&only(c, "yaml-syntax")->loc, 2, 6);
	assert_int_equal(c->f->n_svcs, 0);
	ctx_free(c);
	c = load("s.yaml", "name: \xff\n", SYNTAX_YAML);
	assert_at(&only(c, "yaml-syntax")->loc, 1, 7);
	ctx_free(c);
}

static void
test_json_syntax(void **state)
{
	static const struct {
		const char	*in;
		unsigned	 line, col;
	} cases[] = {
		{ "{\"a\": 1,\n \"b\": [1, 2,]}", 2, 13 },
		{ "{\"a\": 1,\n \"b\": tru}", 2, 7 },
		{ "{\"a\": \"x\n\"}", 1, 7 },
		{ "", 1, 1 },
		{ "{\"a\": 1} x", 1, 10 },
		{ "{\"a\":\n  99999999999999999999999}", 2, 3 },
	};
	struct ctx *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c = load("j.json", cases[i].in, SYNTAX_JSON);
		assert_at(&only(c, "json-syntax")->loc, cases[i].line,
		    cases[i].col);
		ctx_free(c);
	}
}

/* The JSON front-end relies on jansson iterating in insertion order. */
static void
test_jansson_order(void **state)
{
	static const char *const want[] = { "z", "a", "m", "b", "y" };
	json_t *o = json_loads("{\"z\":1,\"a\":2,\"m\":3,\"b\":4,\"y\":5}", 0,
	    NULL);
	const char *k;
	json_t *v;
	size_t i = 0;

	json_object_foreach(o, k, v)
		assert_string_equal(k, want[i++]);
	assert_int_equal(i, 5);
	json_decref(o);
}

static struct vnode *
obj(struct vnode *o, const char *k, struct vnode *v)
{
	struct loc l = { "g.graphql", 7, 3 };

	vnode_object_add(o, k, strlen(k), &l, v);
	return o;
}

/* The GraphQL shape: a list of import inputs. */
static void
test_import_list(void **state)
{
	struct loc l = { "g.graphql", 5, 9 };
	struct vnode *root = vnode_new(VN_LIST, &l), *imp, *nsi;
	struct diag_ctx d;
	struct fleet *f = fleet_new();
	size_t i, n = 0;

	diag_init(&d);
	imp = vnode_new(VN_OBJECT, &l);
	obj(imp, "customer_id", vnode_new_str(VN_STRING, &l, "c", 1));
	nsi = vnode_new(VN_OBJECT, &l);
	obj(nsi, "name", vnode_new_str(VN_STRING, &l, "svc", 3));
	obj(nsi, "network_config", obj(vnode_new(VN_OBJECT, &l),
	    "lan_configure_network", vnode_new_str(VN_ENUM, &l, "dhcp", 4)));
	obj(nsi, "metadata", vnode_new(VN_OBJECT, &l));
	obj(imp, "node_service_input", nsi);
	vnode_list_add(root, imp);
	imp = vnode_new(VN_OBJECT, &l);
	obj(imp, "customer_id", vnode_new_str(VN_STRING, &l, "c", 1));
	vnode_list_add(root, imp);
	assert_int_equal(front_map_document(f, &d, root, SYNTAX_GRAPHQL), -1);
	assert_int_equal(f->n_svcs, 1);
	assert_string_equal(f->svcs[0]->name.s, "svc");
	assert_string_equal(f->svcs[0]->customer_id.s, "c");
	assert_int_equal(f->svcs[0]->lan.v, NETMODE_DHCP);
	for (i = 0; i < d.n; i++) {
		if (strcmp(d.v[i].code, "missing-node-service-input") == 0)
			n |= 1;
		if (strcmp(d.v[i].code, "misplaced-key") == 0)
			n |= 2;
	}
	assert_int_equal(n, 3);
	assert_int_equal(d.n, 2);
	vnode_free(root);
	fleet_free(f);
	diag_fini(&d);
}

static void
test_roots(void **state)
{
	struct ctx *c;

	c = load("e.yaml", "", SYNTAX_YAML);
	only(c, "empty-document");
	assert_int_equal(c->d.n_err, 0);
	ctx_free(c);
	c = load("l.yaml", "- a\n", SYNTAX_YAML);
	assert_at(&only(c, "bad-root")->loc, 1, 1);
	ctx_free(c);
	c = load("l.json", "\"x\"", SYNTAX_JSON);
	assert_at(&only(c, "bad-root")->loc, 1, 1);
	ctx_free(c);
	/* an import input as a JSON document */
	c = load("i.json", "{\"customer_id\": \"c\", \"node_service_input\": "
	    "{\"name\": \"s\"}}", SYNTAX_JSON);
	assert_int_equal(c->d.n, 0);
	assert_string_equal(c->f->svcs[0]->name.s, "s");
	assert_at(&c->f->svcs[0]->loc, 1, 44);
	ctx_free(c);
}

static void
test_syntax_names(void **state)
{
	enum syntax s;

	assert_int_equal(syntax_from_path("a/b.yml"), SYNTAX_YAML);
	assert_int_equal(syntax_from_path("x.JSON"), SYNTAX_JSON);
	assert_int_equal(syntax_from_path("x.gql"), SYNTAX_GRAPHQL);
	assert_int_equal(syntax_from_path("dir.yaml/x"), SYNTAX_AUTO);
	assert_int_equal(syntax_from_path("-"), SYNTAX_AUTO);
	assert_int_equal(syntax_parse("graphql", &s), 0);
	assert_int_equal(s, SYNTAX_GRAPHQL);
	assert_int_equal(syntax_parse("toml", &s), -1);
}

static void
test_unreadable(void **state)
{
	struct diag_ctx d;
	struct fleet *f = fleet_new();

	diag_init(&d);
	assert_int_equal(front_load_file(f, &d, "/nonexistent/x.yaml",
	    SYNTAX_AUTO, NULL), -1);
	assert_int_equal(d.n, 0);
	assert_int_equal(front_load_file(f, &d, "/", SYNTAX_AUTO, NULL), -1);
	assert_int_equal(d.n, 0);
	fleet_free(f);
	diag_fini(&d);
}

/*
 * Every kept crash/hazard input (testdata/bogons/) ends in an error
 * diagnostic and no sanitizer report.  Run from the top of the tree.
 */
static void
test_bogons(void **state)
{
	DIR *dir = opendir("testdata/bogons");
	struct dirent *de;
	struct diag_ctx d;
	struct fleet *f;
	struct addr a;
	const char *ext;
	char path[512], buf[300];
	size_t n = 0, len;
	FILE *fp;

	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		if ((ext = strrchr(de->d_name, '.')) == NULL)
			continue;
		snprintf(path, sizeof(path), "testdata/bogons/%s", de->d_name);
		if (strcmp(ext, ".addr") == 0) {
			assert_non_null(fp = fopen(path, "r"));
			len = fread(buf, 1, sizeof(buf) - 1, fp);
			buf[len] = '\0';
			fclose(fp);
			addr_parse(buf, &a, NULL);
			addr_parse_host(buf, &a, NULL);
			n++;
			continue;
		}
		if (strcmp(ext, ".yaml") != 0 && strcmp(ext, ".json") != 0)
			continue;
		diag_init(&d);
		f = fleet_new();
		front_load_file(f, &d, path, SYNTAX_AUTO, NULL);
		check_fleet(f, &d);
		if (d.n_err == 0)
			fprintf(stderr, "  %s: no error\n", path);
		assert_true(d.n_err > 0);
		fleet_free(f);
		diag_fini(&d);
		n++;
	}
	closedir(dir);
	assert_true(n >= 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_model),
		cmocka_unit_test(test_stream_same),
		cmocka_unit_test(test_yaml_locations),
		cmocka_unit_test(test_json_locations),
		cmocka_unit_test(test_yaml_columns_bytes),
		cmocka_unit_test(test_json_columns_bytes),
		cmocka_unit_test(test_unknown_key_suggestion),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_device_shapes),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_env_bytes),
		cmocka_unit_test(test_yaml_refused),
		cmocka_unit_test(test_json_syntax),
		cmocka_unit_test(test_jansson_order),
		cmocka_unit_test(test_import_list),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_syntax_names),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_bogons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
