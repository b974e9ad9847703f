/*
 * print.c - canonical printers of the model in YAML, JSON and GraphQL.
 *
 * One walk (print_service, print_device) drives a small event printer
 * (pr_key, pr_str, pr_obj_begin, ...) that knows each syntax's layout:
 *
 *   JSON     {"key": value, ...} one key per line, strings escaped per
 *            RFC 8259 (\uXXXX for control characters)
 *   GraphQL  the same without commas and with bare keys and enum values
 *   YAML     block style; every string double-quoted (no YAML 1.1 type
 *            surprises such as `no` or `1e3`), escaped where needed
 *            (\0 \t \n \xXX, and \N \L \P, which libyaml would otherwise
 *            read as line breaks, and \uFFFE \uFFFF, which it refuses);
 *            modes and booleans plain
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "print.h"
#include "strmap.h"
#include "xalloc.h"

#define PR_MAXDEPTH	16

enum pr_state {
	PR_LINE,	/* at the start of a line (YAML) or after a value */
	PR_AFTER_KEY,	/* just wrote "key:" */
	PR_AFTER_DASH,	/* just wrote "- " (YAML list item) */
};

struct pr_level {
	bool		 list;
	size_t		 n;		/* keys or items written */
	unsigned	 indent;	/* of the children */
};

struct pr {
	FILE		*fp;
	enum syntax	 syn;
	enum pr_state	 state;
	struct pr_level	 lv[PR_MAXDEPTH];
	int		 depth;		/* the open level, -1: none */
	unsigned	 base;		/* indent of the outermost */
};

static void
pr_indent(struct pr *p, unsigned n)
{
	while (n-- > 0)
		putc(' ', p->fp);
}

static bool
pr_is_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || strlen(s) != len ||
	    !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* A YAML key that every YAML reader takes as the same plain string. */
static bool
pr_yaml_plain_key(const char *s)
{
	static const char *const special[] = { "y", "n", "yes", "no", "on",
	    "off", "true", "false", "null" };
	size_t i;

	if (!pr_is_name(s, strlen(s)))
		return false;
	for (i = 0; i < ARRAY_SIZE(special); i++)
		if (strcasecmp(s, special[i]) == 0)
			return false;
	return true;
}

/* A double-quoted string in the current syntax. */
static void
pr_quoted(struct pr *p, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	bool yaml = p->syn == SYNTAX_YAML;
	size_t i;

	putc('"', p->fp);
	for (i = 0; i < len; i++) {
		unsigned char c = u[i];

		switch (c) {
		case '"':
			fputs("\\\"", p->fp);
			continue;
		case '\\':
			fputs("\\\\", p->fp);
			continue;
		case '\n':
			fputs("\\n", p->fp);
			continue;
		case '\t':
			fputs("\\t", p->fp);
			continue;
		case '\r':
			fputs("\\r", p->fp);
			continue;
		case '\b':
			fputs("\\b", p->fp);
			continue;
		case '\f':
			fputs("\\f", p->fp);
			continue;
		case '\0':
			fputs(yaml ? "\\0" : "\\u0000", p->fp);
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(p->fp, yaml ? "\\x%02x" : "\\u%04x", c);
			continue;
		}
		if (yaml && c == 0xc2 && i + 1 < len && u[i + 1] == 0x85) {
			fputs("\\N", p->fp);	/* U+0085 NEL */
			i++;
			continue;
		}
		if (yaml && c == 0xe2 && i + 2 < len && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
			fputs(u[i + 2] == 0xa8 ? "\\L" : "\\P", p->fp);
			i += 2;
			continue;
		}
		if (yaml && c == 0xef && i + 2 < len && u[i + 1] == 0xbb &&
		    u[i + 2] == 0xbf) {
			fputs("\\uFEFF", p->fp);	/* a BOM mid-text */
			i += 2;
			continue;
		}
		/* what YAML does not print: C1 controls, U+FFFE, U+FFFF */
		if (yaml && c == 0xc2 && i + 1 < len && u[i + 1] < 0xa0) {
			fprintf(p->fp, "\\x%02x", u[i + 1]);
			i++;
			continue;
		}
		if (yaml && c == 0xef && i + 2 < len && u[i + 1] == 0xbf &&
		    u[i + 2] >= 0xbe) {
			fprintf(p->fp, "\\uFF%02X", u[i + 2] - 0xbe + 0xfe);
			i += 2;
			continue;
		}
		putc(c, p->fp);
	}
	putc('"', p->fp);
}

static struct pr_level *
pr_top(struct pr *p)
{
	return p->depth >= 0 ? &p->lv[p->depth] : NULL;
}

/* Newline and indentation before the next child of the open level. */
static void
pr_child_break(struct pr *p, struct pr_level *l)
{
	if (p->syn == SYNTAX_JSON && l->n > 0)
		putc(',', p->fp);
	putc('\n', p->fp);
	pr_indent(p, l->indent);
}

/* Called before any value: list items get their dash or separator. */
static void
pr_value_start(struct pr *p)
{
	struct pr_level *l = pr_top(p);

	if (l == NULL || !l->list)
		return;
	if (p->syn == SYNTAX_YAML) {
		if (l->n == 0 && p->state == PR_AFTER_KEY)
			putc('\n', p->fp);
		pr_indent(p, l->indent);
		fputs("- ", p->fp);
		p->state = PR_AFTER_DASH;
	} else {
		pr_child_break(p, l);
	}
	l->n++;
}

/* A scalar written as text. */
static void
pr_scalar_begin(struct pr *p)
{
	pr_value_start(p);
	if (p->syn == SYNTAX_YAML && p->state == PR_AFTER_KEY)
		putc(' ', p->fp);
}

static void
pr_scalar_end(struct pr *p)
{
	if (p->syn == SYNTAX_YAML)
		putc('\n', p->fp);
	p->state = PR_LINE;
}

static void
pr_key(struct pr *p, const char *k)
{
	struct pr_level *l = pr_top(p);

	if (p->syn == SYNTAX_YAML) {
		if (l->n == 0 && p->state == PR_AFTER_KEY) {
			putc('\n', p->fp);
			pr_indent(p, l->indent);
		} else if (!(l->n == 0 && p->state == PR_AFTER_DASH)) {
			pr_indent(p, l->indent);
		}
		if (pr_yaml_plain_key(k))
			fputs(k, p->fp);
		else
			pr_quoted(p, k, strlen(k));
		putc(':', p->fp);
	} else {
		pr_child_break(p, l);
		if (p->syn == SYNTAX_JSON)
			pr_quoted(p, k, strlen(k));
		else
			fputs(k, p->fp);
		fputs(": ", p->fp);
	}
	l->n++;
	p->state = PR_AFTER_KEY;
}

static void
pr_open(struct pr *p, bool list)
{
	struct pr_level *l = pr_top(p), *nl;
	unsigned indent;

	pr_value_start(p);
	/* a YAML list item's keys go past its "- " */
	indent = l != NULL ? l->indent + 2 : p->base;
	if (p->depth + 1 >= PR_MAXDEPTH)
		abort();		/* the model is never this deep */
	nl = &p->lv[++p->depth];
	nl->list = list;
	nl->n = 0;
	nl->indent = indent;
	if (p->syn != SYNTAX_YAML)
		putc(list ? '[' : '{', p->fp);
}

static void
pr_close(struct pr *p)
{
	struct pr_level *l = pr_top(p);
	struct pr_level *up = p->depth > 0 ? &p->lv[p->depth - 1] : NULL;

	if (p->syn == SYNTAX_YAML) {
		if (l->n == 0) {
			if (p->state == PR_AFTER_KEY)
				putc(' ', p->fp);
			fputs(l->list ? "[]\n" : "{}\n", p->fp);
		}
	} else {
		if (l->n > 0) {
			putc('\n', p->fp);
			pr_indent(p, up != NULL ? up->indent : p->base - 2);
		}
		putc(l->list ? ']' : '}', p->fp);
	}
	p->depth--;
	p->state = PR_LINE;
}

static void
pr_str(struct pr *p, const char *s, size_t len)
{
	pr_scalar_begin(p);
	pr_quoted(p, s, len);
	pr_scalar_end(p);
}

/* An enumeration value: bare in YAML and GraphQL, a string in JSON. */
static void
pr_enum(struct pr *p, const char *s)
{
	if (p->syn == SYNTAX_JSON || !pr_is_name(s, strlen(s))) {
		pr_str(p, s, strlen(s));
		return;
	}
	pr_scalar_begin(p);
	fputs(s, p->fp);
	pr_scalar_end(p);
}

static void
pr_bool(struct pr *p, bool b)
{
	pr_scalar_begin(p);
	fputs(b ? "true" : "false", p->fp);
	pr_scalar_end(p);
}

static void
pr_int(struct pr *p, long long v)
{
	pr_scalar_begin(p);
	fprintf(p->fp, "%lld", v);
	pr_scalar_end(p);
}

/* ---- the walk ---------------------------------------------------------- */

/* A list of strings under key k, when it has any. */
static void
pr_kstrs(struct pr *p, const char *k, const struct lstr_list *l)
{
	size_t i;

	if (l->n == 0)
		return;
	pr_key(p, k);
	pr_open(p, true);
	for (i = 0; i < l->n; i++)
		pr_str(p, l->v[i].s, l->v[i].len);
	pr_close(p);
}

static void
pr_kstr(struct pr *p, const char *k, const struct lstr *ls)
{
	if (ls->s == NULL)
		return;
	pr_key(p, k);
	pr_str(p, ls->s, ls->len);
}

static void
pr_kaddr(struct pr *p, const char *k, const struct laddr *la)
{
	char buf[ADDR_STRLEN];

	if (!la->set)
		return;
	pr_key(p, k);
	addr_format(&la->a, buf, sizeof(buf));
	pr_str(p, buf, strlen(buf));
}

static void
pr_kbool(struct pr *p, const char *k, const struct lbool *lb)
{
	if (!lb->set)
		return;
	pr_key(p, k);
	pr_bool(p, lb->v);
}

static void
pr_kmode(struct pr *p, const char *k, const struct lmode *lm)
{
	if (!lm->set)
		return;
	pr_key(p, k);
	pr_enum(p, netmode_name(lm->v));
}

static int
print_env(struct pr *p, const struct service *s, struct diag_ctx *d)
{
	const struct env_var *e;
	size_t i;
	int rc = 0;

	if (s->n_env == 0)
		return 0;
	pr_key(p, "env");
	pr_open(p, false);
	for (i = 0; i < s->n_env; i++) {
		e = &s->env[i];
		if (p->syn == SYNTAX_GRAPHQL &&
		    !pr_is_name(e->key.s, e->key.len)) {
			rc = diag_err(d, &e->key.loc, "fmt-graphql",
			    "env key '%.64s' is not a GraphQL name: left out",
			    e->key.s);
			continue;
		}
		pr_key(p, e->key.s);
		pr_str(p, e->value.s, e->value.len);
	}
	pr_close(p);
	return rc;
}

static void
print_netcfg(struct pr *p, const struct service *s)
{
	size_t i;

	if (!s->has_netcfg && !s->wan.set && !s->lan.set &&
	    !s->masquerade.set && s->wan_network.s == NULL && s->n_ifs == 0)
		return;
	pr_key(p, "network_config");
	pr_open(p, false);
	pr_kmode(p, "wan_configure_network", &s->wan);
	pr_kmode(p, "lan_configure_network", &s->lan);
	pr_kbool(p, "masquerade", &s->masquerade);
	pr_kstr(p, "wan_network", &s->wan_network);
	if (s->n_ifs > 0) {
		pr_key(p, "access_interfaces");
		pr_open(p, true);
		for (i = 0; i < s->n_ifs; i++) {
			pr_open(p, false);
			pr_kstr(p, "name", &s->ifs[i].name);
			pr_kstr(p, "label", &s->ifs[i].label);
			pr_close(p);
		}
		pr_close(p);
	}
	pr_close(p);
}

/* The node_service_input fields but name (and the flat form's extras). */
static int
print_nsi_fields(struct pr *p, const struct service *s, struct diag_ctx *d)
{
	int rc;

	pr_kstr(p, "container_image", &s->container_image);
	pr_kbool(p, "access_gpsd_enabled", &s->gpsd);
	pr_kaddr(p, "access_provided_subnet", &s->subnet);
	pr_kaddr(p, "dhcp_range_template", &s->tmpl);
	pr_kaddr(p, "dhcp_range", &s->range);
	rc = print_env(p, s, d);
	print_netcfg(p, s);
	pr_kstrs(p, "acknowledge", &s->acks);
	return rc;
}

static void
print_images(struct pr *p, const struct service *s)
{
	const struct image_source *im;
	size_t i;

	if (s->n_images == 0)
		return;
	pr_key(p, "image_sources");
	pr_open(p, true);
	for (i = 0; i < s->n_images; i++) {
		im = &s->images[i];
		pr_open(p, false);
		if (im->arch.s != NULL) {
			pr_key(p, "arch");
			pr_enum(p, im->arch.s);
		}
		pr_kstr(p, "image_reference", &im->image_reference);
		if (im->registry_user.s != NULL || im->registry_pw.s != NULL) {
			pr_key(p, "authn");
			pr_open(p, false);
			pr_kstr(p, "registry_user", &im->registry_user);
			pr_kstr(p, "registry_pw", &im->registry_pw);
			pr_close(p);
		}
		pr_close(p);
	}
	pr_close(p);
}

static void
print_metadata(struct pr *p, const struct service *s)
{
	size_t i;

	if (!s->has_memory_limit && s->n_volumes == 0)
		return;
	pr_key(p, "metadata");
	pr_open(p, false);
	if (s->has_memory_limit) {
		pr_key(p, "memory_limit_mb");
		pr_int(p, s->memory_limit_mb);
	}
	if (s->n_volumes > 0) {
		pr_key(p, "volumes");
		pr_open(p, true);
		for (i = 0; i < s->n_volumes; i++) {
			pr_open(p, false);
			pr_kstr(p, "source", &s->volumes[i].source);
			pr_kstr(p, "target", &s->volumes[i].target);
			pr_close(p);
		}
		pr_close(p);
	}
	pr_close(p);
}

/* YAML and JSON: one flat object with the import input's keys too. */
static int
print_service_flat(struct pr *p, const struct service *s,
    struct diag_ctx *d)
{
	int rc;

	pr_open(p, false);
	pr_kstr(p, "name", &s->name);
	pr_kstr(p, "customer_id", &s->customer_id);
	rc = print_nsi_fields(p, s, d);
	print_images(p, s);
	print_metadata(p, s);
	pr_close(p);
	return rc;
}

/* GraphQL: the input of DM_import_node_service. */
static int
print_service_import(struct pr *p, const struct service *s,
    struct diag_ctx *d)
{
	int rc;

	pr_open(p, false);
	pr_kstr(p, "customer_id", &s->customer_id);
	pr_key(p, "node_service_input");
	pr_open(p, false);
	pr_kstr(p, "name", &s->name);
	rc = print_nsi_fields(p, s, d);
	pr_close(p);
	print_images(p, s);
	print_metadata(p, s);
	pr_close(p);
	return rc;
}

static void
print_device(struct pr *p, const struct device *dv)
{
	const struct client_net *cn;
	char lo[ADDR_STRLEN], hi[ADDR_STRLEN + 1 + ADDR_STRLEN];
	size_t i, j;

	pr_open(p, false);
	pr_kstr(p, "id", &dv->id);
	if (dv->arch.s != NULL) {
		pr_key(p, "arch");
		pr_enum(p, dv->arch.s);
	}
	pr_kstrs(p, "interfaces", &dv->ifaces);
	if (dv->has_gpsd) {
		pr_key(p, "gpsd");
		pr_open(p, false);
		if (dv->gpsd_port != 0) {
			pr_key(p, "port");
			pr_int(p, dv->gpsd_port);
		}
		pr_close(p);
	}
	if (dv->n_nets > 0) {
		pr_key(p, "client_networks");
		pr_open(p, true);
		for (i = 0; i < dv->n_nets; i++) {
			cn = &dv->nets[i];
			pr_open(p, false);
			pr_kstr(p, "name", &cn->name);
			pr_kbool(p, "default", &cn->is_default);
			pr_kstr(p, "bridge", &cn->bridge);
			pr_kaddr(p, "subnet", &cn->subnet);
			if (cn->n_reserved > 0) {
				pr_key(p, "reserved");
				pr_open(p, true);
			}
			for (j = 0; j < cn->n_reserved; j++) {
				const struct addr_range *r = &cn->reserved[j];

				addr_format_host(&r->lo, lo, sizeof(lo));
				if (r->lo.v == r->hi.v) {
					pr_str(p, lo, strlen(lo));
					continue;
				}
				snprintf(hi, sizeof(hi), "%s-", lo);
				addr_format_host(&r->hi, hi + strlen(hi),
				    sizeof(hi) - strlen(hi));
				pr_str(p, hi, strlen(hi));
			}
			if (cn->n_reserved > 0)
				pr_close(p);
			pr_close(p);
		}
		pr_close(p);
	}
	if (dv->n_insts > 0) {
		pr_key(p, "instances");
		pr_open(p, true);
		for (i = 0; i < dv->n_insts; i++) {
			pr_open(p, false);
			pr_kstr(p, "id", &dv->insts[i].id);
			pr_kstr(p, "service", &dv->insts[i].service);
			pr_close(p);
		}
		pr_close(p);
	}
	pr_close(p);
}

static int
print_fleet_doc(struct pr *p, const struct fleet *f, struct diag_ctx *d)
{
	size_t i;
	int rc = 0;

	pr_open(p, false);
	pr_key(p, "services");
	pr_open(p, true);
	for (i = 0; i < f->n_svcs; i++)
		if (print_service_flat(p, f->svcs[i], d) < 0)
			rc = -1;
	pr_close(p);
	pr_key(p, "devices");
	pr_open(p, true);
	for (i = 0; i < f->n_devs; i++)
		print_device(p, f->devs[i]);
	pr_close(p);
	pr_close(p);
	if (p->syn == SYNTAX_JSON)
		putc('\n', p->fp);
	return rc;
}

static int
print_fleet_graphql(struct pr *p, const struct fleet *f, struct diag_ctx *d)
{
	char *name, *base, **names;
	struct strmap used;
	size_t i, j;
	int rc = 0;

	if (f->n_devs > 0)
		rc = diag_err(d, &f->devs[0]->loc, "fmt-graphql",
		    "%zu device%s left out: GraphQL import mutations hold node "
		    "services only", f->n_devs, f->n_devs == 1 ? "" : "s");
	if (f->n_svcs == 0) {
		fputs("# no node services\n", p->fp);
		return rc;
	}
	names = xzalloc(f->n_svcs * sizeof(*names));
	strmap_init(&used, f->n_svcs);
	for (i = 0; i < f->n_svcs; i++) {
		/* unique operation names: suffix _2, _3... on a clash */
		base = xasprintf("import_%s",
		    f->svcs[i]->name.s != NULL ? f->svcs[i]->name.s : "");
		for (j = 0; base[j] != '\0'; j++)
			if (!isalnum((unsigned char)base[j]) && base[j] != '_')
				base[j] = '_';
		name = xstrdup(base);
		for (j = 2; strmap_get(&used, name, strlen(name)) != NULL;
		    j++) {
			free(name);
			name = xasprintf("%s_%zu", base, j);
		}
		free(base);
		names[i] = name;
		strmap_put(&used, name, strlen(name), name);
	}
	strmap_fini(&used);
	for (i = 0; i < f->n_svcs; i++) {
		fprintf(p->fp, "%smutation %s {\n"
		    "  DM_import_node_service(input: ", i > 0 ? "\n" : "",
		    names[i]);
		p->depth = -1;
		p->base = 4;
		if (print_service_import(p, f->svcs[i], d) < 0)
			rc = -1;
		fputs(")\n}\n", p->fp);
	}
	for (i = 0; i < f->n_svcs; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
print_fleet(FILE *fp, const struct fleet *f, enum syntax syn,
    struct diag_ctx *d)
{
	struct pr p;

	memset(&p, 0, sizeof(p));
	p.fp = fp;
	p.syn = syn;
	p.depth = -1;
	p.state = PR_LINE;
	switch (syn) {
	case SYNTAX_GRAPHQL:
		return print_fleet_graphql(&p, f, d);
	case SYNTAX_JSON:
		p.base = 2;
		return print_fleet_doc(&p, f, d);
	case SYNTAX_YAML:
	default:
		p.syn = SYNTAX_YAML;
		p.base = 0;
		return print_fleet_doc(&p, f, d);
	}
}
