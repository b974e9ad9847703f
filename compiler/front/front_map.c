/*
 * front_map.c - the mapper: a vnode tree (from any front-end) -> model.
 *
 * Table driven (STYLE rule 10): every object kind is a table of keys, each
 * with a field kind and the offset of its model field.  One walker checks
 * keys (unknown -> error with the nearest key, duplicate -> error), types
 * (error at the value) and shapes (addresses, enum values, ranges of
 * numbers), and stores the located values.  Semantic checks (names,
 * containment, fleet-wide rules) are check.c's.
 *
 * What a value may be, per field kind:
 *   string     VN_STRING, VN_SCALAR (a YAML plain scalar, as written)
 *   address    the same, parsed strictly by addr_parse()
 *   enum       VN_STRING, VN_SCALAR, VN_ENUM (GraphQL bare values);
 *              WAN/LAN modes are checked here, arch values by check.c
 *   bool       VN_BOOL
 *   integer    VN_INT, VN_SCALAR of decimal digits
 *   env value  VN_STRING, VN_SCALAR, VN_INT, VN_FLOAT, VN_BOOL, as written
 *   object, list: VN_OBJECT, VN_LIST; null means empty
 * A null scalar field is a type error: `name:` with the value forgotten
 * should not pass silently.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "front_int.h"
#include "xalloc.h"

#define NONE	SIZE_MAX		/* no such field */

enum fkind {
	FK_STR,		/* struct lstr */
	FK_WORD,	/* struct lstr; also a bare enum (arch: check.c) */
	FK_ADDR,	/* struct laddr */
	FK_BOOL,	/* struct lbool */
	FK_MODE,	/* struct lmode */
	FK_INT,		/* aux: struct intdef */
	FK_ENV,		/* struct env_var array */
	FK_STRLIST,	/* struct lstr_list */
	FK_RANGES,	/* struct addr_range array of struct client_net */
	FK_LIST,	/* aux: struct listdef */
	FK_SUB,		/* aux: struct subdef, mapped onto the same struct */
	FK_NSI,		/* node_service_input: the service table, nested */
};

#define KF_TOP	0x1	/* import-input key, not inside node_service_input */

/* aux of an FK_STRLIST whose values are one of a set */
struct enumdef {
	const char *const *v;
	size_t		 n;
	const char	*what;	/* "a warning code that ..." */
};

struct keydef {
	const char	*key;
	enum fkind	 kind;
	size_t		 off;
	const void	*aux;
	unsigned	 flags;
};

struct keytab {
	const char		*what;	/* for messages */
	const struct keydef	*keys;
	size_t			 n;
};

struct subdef {
	const struct keytab	*tab;
	size_t			 flag_off;	/* bool set when present */
	size_t			 loc_off;	/* struct loc of the object */
};

struct listdef {
	const struct keytab	*tab;
	size_t			 arr_off, n_off, cap_off, elsz;
	size_t			 loc_off;	/* in the element */
};

struct intdef {
	long long	 min, max;
	size_t		 flag_off, loc_off;
	bool		 is_unsigned;	/* unsigned, else long long */
};

struct mapper {
	struct fleet	*f;
	struct diag_ctx	*d;
	bool		 nsi;		/* inside node_service_input */
	bool		 take;		/* the tree is ours: take its strings */
};

#define KT(name, what, arr) \
	static const struct keytab name = { what, arr, ARRAY_SIZE(arr) }
#define FIELD(T, m)	offsetof(struct T, m)

/* -- service -------------------------------------------------------- */

static const struct keydef access_if_keys[] = {
	{ "name", FK_STR, FIELD(access_if, name), NULL, 0 },
	{ "label", FK_STR, FIELD(access_if, label), NULL, 0 },
};
KT(access_if_tab, "access interface", access_if_keys);
static const struct listdef access_if_list = { &access_if_tab,
	FIELD(service, ifs), FIELD(service, n_ifs), FIELD(service, cap_ifs),
	sizeof(struct access_if), FIELD(access_if, loc) };

static const struct keydef netcfg_keys[] = {
	{ "wan_configure_network", FK_MODE, FIELD(service, wan), NULL, 0 },
	{ "lan_configure_network", FK_MODE, FIELD(service, lan), NULL, 0 },
	{ "masquerade", FK_BOOL, FIELD(service, masquerade), NULL, 0 },
	{ "wan_network", FK_STR, FIELD(service, wan_network), NULL, 0 },
	{ "access_interfaces", FK_LIST, 0, &access_if_list, 0 },
};
KT(netcfg_tab, "network_config", netcfg_keys);
static const struct subdef netcfg_sub = { &netcfg_tab,
	FIELD(service, has_netcfg), FIELD(service, netcfg_loc) };

static const struct keydef authn_keys[] = {
	{ "registry_user", FK_STR, FIELD(image_source, registry_user), NULL,
	  0 },
	{ "registry_pw", FK_STR, FIELD(image_source, registry_pw), NULL, 0 },
};
KT(authn_tab, "authn", authn_keys);
static const struct subdef authn_sub = { &authn_tab, NONE, NONE };

static const struct keydef image_keys[] = {
	{ "arch", FK_WORD, FIELD(image_source, arch), NULL, 0 },
	{ "image_reference", FK_STR, FIELD(image_source, image_reference),
	  NULL, 0 },
	{ "authn", FK_SUB, 0, &authn_sub, 0 },
};
KT(image_tab, "image source", image_keys);
static const struct listdef image_list = { &image_tab,
	FIELD(service, images), FIELD(service, n_images),
	FIELD(service, cap_images), sizeof(struct image_source),
	FIELD(image_source, loc) };

static const struct keydef volume_keys[] = {
	{ "source", FK_STR, FIELD(volume, source), NULL, 0 },
	{ "target", FK_STR, FIELD(volume, target), NULL, 0 },
};
KT(volume_tab, "volume", volume_keys);
static const struct listdef volume_list = { &volume_tab,
	FIELD(service, volumes), FIELD(service, n_volumes),
	FIELD(service, cap_volumes), sizeof(struct volume),
	FIELD(volume, loc) };

/* 1 MB .. 1 TB: any device, and no overflow downstream */
static const struct intdef memory_int = { 1, 1LL << 20,
	FIELD(service, has_memory_limit), FIELD(service, memory_limit_loc),
	false };

static const struct keydef metadata_keys[] = {
	{ "memory_limit_mb", FK_INT, FIELD(service, memory_limit_mb),
	  &memory_int, 0 },
	{ "volumes", FK_LIST, 0, &volume_list, 0 },
};
KT(metadata_tab, "metadata", metadata_keys);
static const struct subdef metadata_sub = { &metadata_tab, NONE, NONE };

/* The warnings a service may acknowledge (SERVICE_ACKS, model.h). */
static const char *const ack_codes[] = { SERVICE_ACKS };
static const struct enumdef ack_enum = { ack_codes, ARRAY_SIZE(ack_codes),
	"a warning code that can be acknowledged" };

static const struct keydef service_keys[] = {
	{ "name", FK_STR, FIELD(service, name), NULL, 0 },
	{ "access_gpsd_enabled", FK_BOOL, FIELD(service, gpsd), NULL, 0 },
	{ "access_provided_subnet", FK_ADDR, FIELD(service, subnet), NULL, 0 },
	{ "dhcp_range_template", FK_ADDR, FIELD(service, tmpl), NULL, 0 },
	{ "dhcp_range", FK_ADDR, FIELD(service, range), NULL, 0 },
	{ "env", FK_ENV, 0, NULL, 0 },
	{ "network_config", FK_SUB, 0, &netcfg_sub, 0 },
	{ "container_image", FK_STR, FIELD(service, container_image), NULL,
	  0 },
	{ "customer_id", FK_STR, FIELD(service, customer_id), NULL, KF_TOP },
	{ "image_sources", FK_LIST, 0, &image_list, KF_TOP },
	{ "metadata", FK_SUB, 0, &metadata_sub, KF_TOP },
	{ "acknowledge", FK_STRLIST, FIELD(service, acks), &ack_enum, 0 },
};
KT(service_tab, "node service", service_keys);

/* The import input of DM_import_node_service. */
static const struct keydef import_keys[] = {
	{ "customer_id", FK_STR, FIELD(service, customer_id), NULL, 0 },
	{ "node_service_input", FK_NSI, 0, NULL, 0 },
	{ "image_sources", FK_LIST, 0, &image_list, 0 },
	{ "metadata", FK_SUB, 0, &metadata_sub, 0 },
};
KT(import_tab, "import input", import_keys);

/* -- device --------------------------------------------------------- */

static const struct intdef port_int = { 1, 65535, NONE, NONE, true };

static const struct keydef gpsd_keys[] = {
	{ "port", FK_INT, FIELD(device, gpsd_port), &port_int, 0 },
};
KT(gpsd_tab, "gpsd", gpsd_keys);
static const struct subdef gpsd_sub = { &gpsd_tab, FIELD(device, has_gpsd),
	FIELD(device, gpsd_loc) };

static const struct keydef net_keys[] = {
	{ "name", FK_STR, FIELD(client_net, name), NULL, 0 },
	{ "default", FK_BOOL, FIELD(client_net, is_default), NULL, 0 },
	{ "bridge", FK_STR, FIELD(client_net, bridge), NULL, 0 },
	{ "subnet", FK_ADDR, FIELD(client_net, subnet), NULL, 0 },
	{ "reserved", FK_RANGES, 0, NULL, 0 },
};
KT(net_tab, "client network", net_keys);
static const struct listdef net_list = { &net_tab, FIELD(device, nets),
	FIELD(device, n_nets), FIELD(device, cap_nets),
	sizeof(struct client_net), FIELD(client_net, loc) };

static const struct keydef inst_keys[] = {
	{ "id", FK_STR, FIELD(instance, id), NULL, 0 },
	{ "service", FK_STR, FIELD(instance, service), NULL, 0 },
};
KT(inst_tab, "instance", inst_keys);
static const struct listdef inst_list = { &inst_tab, FIELD(device, insts),
	FIELD(device, n_insts), FIELD(device, cap_insts),
	sizeof(struct instance), FIELD(instance, loc) };

static const struct keydef device_keys[] = {
	{ "id", FK_STR, FIELD(device, id), NULL, 0 },
	{ "arch", FK_WORD, FIELD(device, arch), NULL, 0 },
	{ "interfaces", FK_STRLIST, FIELD(device, ifaces), NULL, 0 },
	{ "gpsd", FK_SUB, 0, &gpsd_sub, 0 },
	{ "client_networks", FK_LIST, 0, &net_list, 0 },
	{ "instances", FK_LIST, 0, &inst_list, 0 },
};
KT(device_tab, "device", device_keys);

/* -- fleet ---------------------------------------------------------- */

static const char *const fleet_keys[] = { "services", "devices" };

/* -- helpers -------------------------------------------------------- */

#define AT(base, off, T)	((T *)((char *)(base) + (off)))

static int	map_object(struct mapper *, const struct vnode *,
		    const struct keytab *, void *, const char *const *, size_t);

/* "a string", "an object": the article for a type name in messages. */
static const char *
map_article(const char *noun)
{
	return strchr("aeiou", noun[0]) != NULL ? "an" : "a";
}

static int
map_wrong_type(struct mapper *m, const struct vnode *v, const char *want)
{
	const char *got = vnode_type_name(v->type);

	if (v->type == VN_VAR)
		return diag_err(m->d, &v->loc, "unbound-variable",
		    "variable $%s has no value (give it with --vars)", v->s);
	/* an untyped YAML plain scalar or a bare enum: show what it says */
	if (v->type == VN_SCALAR || v->type == VN_ENUM)
		return diag_err(m->d, &v->loc, "wrong-type",
		    "expected %s %s, got '%.64s'", map_article(want), want,
		    v->s);
	if (v->type == VN_NULL)
		return diag_err(m->d, &v->loc, "wrong-type",
		    "expected %s %s, got null", map_article(want), want);
	return diag_err(m->d, &v->loc, "wrong-type", "expected %s %s, got %s %s",
	    map_article(want), want, map_article(got), got);
}

static bool
map_is_text(const struct vnode *v)
{
	return v->type == VN_STRING || v->type == VN_SCALAR;
}

/*
 * Stores a string of the tree in the model: a copy, or, for a streamed
 * item that is freed right after mapping, the tree's own buffer when it
 * is a malloc'd one (take).
 */
static void
map_lstr(char **sp, size_t len, const struct loc *l, struct lstr *out,
    bool take)
{
	if (!take) {
		lstr_set(out, *sp, len, l);
		return;
	}
	lstr_clear(out);
	out->s = *sp;
	out->len = len;
	out->loc = *l;
	*sp = NULL;
}

/* v->s can move into the model (see map_lstr). */
static bool
map_take(const struct mapper *m, const struct vnode *v)
{
	return m->take && (v->arena == NULL || v->s_heap);
}

/* Stores v's text (v->s) in out. */
static void
map_vstr(struct mapper *m, const struct vnode *v, struct lstr *out)
{
	map_lstr((char **)&v->s, v->len, &v->loc, out, map_take(m, v));
}

static int
map_str(struct mapper *m, const struct vnode *v, struct lstr *out)
{
	if (!map_is_text(v))
		return map_wrong_type(m, v, "string");
	map_vstr(m, v, out);
	return 0;
}

/* Text of a string value without NUL, or NULL (error reported). */
static const char *
map_cstr(struct mapper *m, const struct vnode *v, const char *what)
{
	if (!map_is_text(v) && !(what == NULL && v->type == VN_ENUM)) {
		map_wrong_type(m, v, what != NULL ? what : "string");
		return NULL;
	}
	if (strlen(v->s) != v->len) {
		diag_err(m->d, &v->loc, "wrong-type", "%s contains a NUL byte",
		    what != NULL ? what : "value");
		return NULL;
	}
	return v->s;
}

static int
map_enum(struct mapper *m, const struct vnode *v, const char *key,
    const char *const *vals, size_t n, size_t *idx)
{
	const char *s, *sug;
	size_t i;

	if ((s = map_cstr(m, v, NULL)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(s, vals[i]) == 0) {
			*idx = i;
			return 0;
		}
	/* values are lower case: "DHCP" is a near miss too */
	for (i = 0, sug = NULL; i < n && sug == NULL; i++)
		if (strcasecmp(s, vals[i]) == 0)
			sug = vals[i];
	if (sug == NULL)
		sug = diag_suggest(s, vals, n);
	return diag_err(m->d, &v->loc, "bad-enum",
	    "invalid value '%.64s' for %s (expected %s, %s or %s)%s%s%s", s,
	    key, vals[0], vals[1], vals[2], sug ? "; did you mean '" : "",
	    sug ? sug : "", sug ? "'?" : "");
}

static int
map_mode(struct mapper *m, const struct vnode *v, const char *key,
    struct lmode *out)
{
	static const char *const modes[] = { "disabled", "allocated", "dhcp" };
	size_t i = 0;

	if (map_enum(m, v, key, modes, ARRAY_SIZE(modes), &i) < 0)
		return -1;
	if (netmode_parse(modes[i], &out->v) < 0)
		return -1;
	out->set = true;
	out->loc = v->loc;
	return 0;
}

static int
map_bool(struct mapper *m, const struct vnode *v, struct lbool *out)
{
	if (v->type == VN_SCALAR || v->type == VN_STRING)
		return diag_err(m->d, &v->loc, "wrong-type",
		    "expected true or false, got '%.64s'", v->s);
	if (v->type != VN_BOOL)
		return map_wrong_type(m, v, "boolean");
	out->v = v->b;
	out->set = true;
	out->loc = v->loc;
	return 0;
}

/* "10.0.0.0/255.255.255.0": say which prefix length the netmask is. */
static void
map_netmask_hint(struct mapper *m, const char *s)
{
	const char *slash = strchr(s, '/');
	unsigned b[4], len = 0, i;
	uint32_t mask;
	char tail;

	if (slash == NULL || sscanf(slash + 1, "%u.%u.%u.%u%c", &b[0], &b[1],
	    &b[2], &b[3], &tail) != 4)
		return;
	for (i = 0, mask = 0; i < 4; i++) {
		if (b[i] > 255)
			return;
		mask = mask << 8 | b[i];
	}
	while (len < 32 && (mask & (UINT32_C(1) << (31 - len))))
		len++;
	if (len < 32 && (mask << len) != 0) {
		diag_hint(m->d, "%.*s is a netmask but not a contiguous one; "
		    "write a prefix length after '/'", 20, slash + 1);
		return;
	}
	diag_hint(m->d, "a netmask is given where a prefix length is "
	    "expected: write %.*s/%u", (int)(slash - s) > 64 ? 64 :
	    (int)(slash - s), s, len);
}

static int
map_addr(struct mapper *m, const struct vnode *v, struct laddr *out)
{
	const char *s, *why = NULL;

	/* a bad value is not also "missing" to later checks */
	out->bad = true;
	out->loc = v->loc;
	if ((s = map_cstr(m, v, "address")) == NULL)
		return -1;
	if (addr_parse(s, &out->a, &why) < 0) {
		diag_err(m->d, &v->loc, "bad-address",
		    "invalid address '%.64s': %s", s, why ? why : "malformed");
		map_netmask_hint(m, s);
		return -1;
	}
	out->bad = false;
	out->set = true;
	out->loc = v->loc;
	return 0;
}

/* Decimal digits only: no sign, no leading zero (YAML 1.1 octal). */
static int
map_int(struct mapper *m, const struct vnode *v, const char *key,
    const struct intdef *id, void *field, void *base)
{
	const char *s, *p;
	long long x = 0;
	bool big = false;

	if (v->type != VN_INT && v->type != VN_SCALAR)
		return map_wrong_type(m, v, "integer");
	s = v->s;
	p = s[0] == '-' ? s + 1 : s;
	if (*p == '\0' || strspn(p, "0123456789") != strlen(p) ||
	    strlen(p) != v->len - (size_t)(p - s))
		return map_wrong_type(m, v, "integer");
	if (p[0] == '0' && p[1] != '\0')
		return diag_err(m->d, &v->loc, "wrong-type",
		    "leading zero in '%.64s'", s);
	for (; *p != '\0'; p++) {
		if (x > (LLONG_MAX - 9) / 10)
			big = true;
		else
			x = x * 10 + (*p - '0');
	}
	if (s[0] == '-')
		x = -x;
	if (big || x < id->min || x > id->max)
		return diag_err(m->d, &v->loc, "out-of-range",
		    "%s %.32s is out of range %lld..%lld", key, s, id->min,
		    id->max);
	if (id->is_unsigned)
		*(unsigned *)field = (unsigned)x;
	else
		*(long long *)field = x;
	if (id->flag_off != NONE)
		*AT(base, id->flag_off, bool) = true;
	if (id->loc_off != NONE)
		*AT(base, id->loc_off, struct loc) = v->loc;
	return 0;
}

/*
 * Reports every key after the first of the same name; sets skip[i].
 * Small objects compare pairwise; large ones (env maps) sort.
 */
struct keyref {
	const char	*k;
	size_t		 i;
};

static int
keyref_cmp(const void *pa, const void *pb)
{
	const struct keyref *a = pa, *b = pb;
	int c = strcmp(a->k, b->k);

	if (c != 0)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

static void
map_dup_report(struct mapper *m, const struct vnode *obj, size_t first,
    size_t dup, bool *skip)
{
	skip[dup] = true;
	diag_err(m->d, &obj->key_locs[dup], "duplicate-key",
	    "duplicate key '%.64s'", obj->keys[dup]);
	diag_note(m->d, &obj->key_locs[first], "first used here (this one "
	    "is kept)");
}

static void
map_dups(struct mapper *m, const struct vnode *obj, bool *skip)
{
	struct keyref *r;
	size_t i, j, first;

	if (obj->n <= 16) {
		for (i = 1; i < obj->n; i++)
			for (j = 0; j < i; j++)
				if (!skip[j] &&
				    strcmp(obj->keys[i], obj->keys[j]) == 0) {
					map_dup_report(m, obj, j, i, skip);
					break;
				}
		return;
	}
	r = xmalloc(obj->n * sizeof(*r));
	for (i = 0; i < obj->n; i++) {
		r[i].k = obj->keys[i];
		r[i].i = i;
	}
	qsort(r, obj->n, sizeof(*r), keyref_cmp);
	for (i = 1, first = 0; i < obj->n; i++) {
		if (strcmp(r[i].k, r[first].k) != 0)
			first = i;
		else
			map_dup_report(m, obj, r[first].i, r[i].i, skip);
	}
	free(r);
}

static int
map_env_value(struct mapper *m, const struct vnode *v, struct lstr *out)
{
	switch (v->type) {
	case VN_STRING:
	case VN_SCALAR:
	case VN_INT:
	case VN_FLOAT:
		map_vstr(m, v, out);
		return 0;
	case VN_BOOL:
		if (v->s != NULL)
			map_vstr(m, v, out);
		else
			lstr_set(out, v->b ? "true" : "false", v->b ? 4 : 5,
			    &v->loc);
		return 0;
	default:
		return map_wrong_type(m, v, "string");
	}
}

static int
map_env(struct mapper *m, const struct vnode *v, struct service *s)
{
	struct env_var *e;
	bool *skip;
	size_t i;
	int rc = 0;

	if (v->type == VN_NULL)
		return 0;
	if (v->type != VN_OBJECT)
		return map_wrong_type(m, v, "object");
	skip = xzalloc(v->n * sizeof(*skip) + 1);
	map_dups(m, v, skip);
	for (i = 0; i < v->n; i++) {
		if (skip[i])
			continue;
		e = XPUSH(s->env, s->n_env, s->cap_env);
		/* an arena object's keys are not malloc'd one by one */
		map_lstr(&v->keys[i], strlen(v->keys[i]), &v->key_locs[i],
		    &e->key, m->take && v->arena == NULL);
		if (map_env_value(m, v->items[i], &e->value) < 0) {
			lstr_clear(&e->key);
			s->n_env--;
			rc = -1;
		}
	}
	free(skip);
	return rc;
}

/* A value of a string list that must be one of vals (a mistyped value
 * gets the nearest one as a hint). */
static int
map_listed(struct mapper *m, const struct vnode *v, const struct enumdef *e)
{
	const char *sug;
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(v->s, e->v[i]) == 0)
			return 0;
	diag_err(m->d, &v->loc, "bad-enum", "'%.64s' is not %s", v->s,
	    e->what);
	if ((sug = diag_suggest(v->s, e->v, e->n)) != NULL)
		diag_hint(m->d, "did you mean '%s'?", sug);
	else
		diag_hint(m->d, "one of: %s%s%s", e->v[0], e->n > 1 ? ", " :
		    "", e->n > 1 ? e->v[1] : "");
	return -1;
}

static int
map_strlist(struct mapper *m, const struct vnode *v, struct lstr_list *out,
    const struct enumdef *e)
{
	size_t i;
	int rc = 0;

	if (v->type == VN_NULL)
		return 0;
	if (v->type != VN_LIST)
		return map_wrong_type(m, v, "list");
	for (i = 0; i < v->n; i++) {
		if (!map_is_text(v->items[i])) {
			rc = map_wrong_type(m, v->items[i], "string");
			continue;
		}
		if (e != NULL && map_listed(m, v->items[i], e) < 0) {
			rc = -1;
			continue;
		}
		map_str(m, v->items[i], XPUSH(out->v, out->n, out->cap));
	}
	return rc;
}

/* "A-B" or "A": an inclusive range of host addresses. */
static int
map_range(struct mapper *m, const struct vnode *v, struct addr_range *r)
{
	const char *s, *dash, *why = NULL;
	char *lo;
	int rc;

	if ((s = map_cstr(m, v, "address range")) == NULL)
		return -1;
	r->loc = v->loc;
	if (strchr(s, '/') != NULL)
		return diag_err(m->d, &v->loc, "bad-address",
		    "invalid address range '%.64s': write A-B or A, without "
		    "a prefix length", s);
	if ((dash = strchr(s, '-')) == NULL) {
		if (addr_parse_host(s, &r->lo, &why) < 0)
			return diag_err(m->d, &v->loc, "bad-address",
			    "invalid address '%.64s': %s", s,
			    why ? why : "malformed");
		r->hi = r->lo;
		return 0;
	}
	lo = xstrndup(s, (size_t)(dash - s));
	rc = addr_parse_host(lo, &r->lo, &why);
	free(lo);
	if (rc == 0)
		rc = addr_parse_host(dash + 1, &r->hi, &why);
	if (rc < 0)
		return diag_err(m->d, &v->loc, "bad-address",
		    "invalid address range '%.64s': %s", s,
		    why ? why : "malformed");
	if (r->lo.family != r->hi.family)
		return diag_err(m->d, &v->loc, "bad-address",
		    "address range '%.64s' mixes IPv4 and IPv6", s);
	if (r->lo.v > r->hi.v)
		return diag_err(m->d, &v->loc, "bad-address",
		    "address range '%.64s' ends before it starts", s);
	return 0;
}

static int
map_ranges(struct mapper *m, const struct vnode *v, struct client_net *cn)
{
	struct addr_range *r;
	size_t i;
	int rc = 0;

	if (v->type == VN_NULL)
		return 0;
	if (v->type != VN_LIST)
		return map_wrong_type(m, v, "list");
	for (i = 0; i < v->n; i++) {
		r = XPUSH(cn->reserved, cn->n_reserved, cn->cap_reserved);
		if (map_range(m, v->items[i], r) < 0) {
			memset(r, 0, sizeof(*r));
			cn->n_reserved--;
			rc = -1;
		}
	}
	return rc;
}

static int
map_list(struct mapper *m, const struct vnode *v, const struct listdef *ld,
    void *base)
{
	void **arr = AT(base, ld->arr_off, void *);
	size_t *n = AT(base, ld->n_off, size_t);
	size_t *cap = AT(base, ld->cap_off, size_t);
	char *el;
	size_t i;
	int rc = 0;

	if (v->type == VN_NULL)
		return 0;
	if (v->type != VN_LIST)
		return map_wrong_type(m, v, "list");
	for (i = 0; i < v->n; i++) {
		if (v->items[i]->type != VN_OBJECT) {
			rc = map_wrong_type(m, v->items[i], "object");
			continue;
		}
		xgrow(arr, cap, *n, ld->elsz);
		el = (char *)*arr + (*n)++ * ld->elsz;
		*AT(el, ld->loc_off, struct loc) = v->items[i]->loc;
		if (map_object(m, v->items[i], ld->tab, el, NULL, 0) < 0)
			rc = -1;
	}
	return rc;
}

static int
map_sub(struct mapper *m, const struct vnode *v, const struct subdef *sd,
    void *base)
{
	if (v->type == VN_NULL)
		return 0;
	if (v->type != VN_OBJECT)
		return map_wrong_type(m, v, "object");
	if (sd->flag_off != NONE)
		*AT(base, sd->flag_off, bool) = true;
	if (sd->loc_off != NONE)
		*AT(base, sd->loc_off, struct loc) = v->loc;
	return map_object(m, v, sd->tab, base, NULL, 0);
}

static int
map_field(struct mapper *m, const struct keydef *k, const struct vnode *v,
    void *base)
{
	void *field = (char *)base + k->off;
	bool was;
	int rc;

	switch (k->kind) {
	case FK_STR:
		return map_str(m, v, field);
	case FK_WORD:
		if (!map_is_text(v) && v->type != VN_ENUM)
			return map_wrong_type(m, v, "string");
		map_vstr(m, v, field);
		return 0;
	case FK_ADDR:
		return map_addr(m, v, field);
	case FK_BOOL:
		return map_bool(m, v, field);
	case FK_MODE:
		return map_mode(m, v, k->key, field);
	case FK_INT:
		return map_int(m, v, k->key, k->aux, field, base);
	case FK_ENV:
		return map_env(m, v, base);
	case FK_STRLIST:
		return map_strlist(m, v, field, k->aux);
	case FK_RANGES:
		return map_ranges(m, v, base);
	case FK_LIST:
		return map_list(m, v, k->aux, base);
	case FK_SUB:
		return map_sub(m, v, k->aux, base);
	case FK_NSI:
		if (v->type != VN_OBJECT)
			return map_wrong_type(m, v, "object");
		((struct service *)base)->loc = v->loc;
		was = m->nsi;
		m->nsi = true;
		rc = map_object(m, v, &service_tab, base, NULL, 0);
		m->nsi = was;
		return rc;
	}
	return -1;
}

static int
map_unknown_key(struct mapper *m, const struct vnode *obj, size_t i,
    const struct keytab *t, const char *const *extra, size_t n_extra)
{
	const char *cands[32];
	const char *key = obj->keys[i], *sug;
	size_t j, n = 0;

	for (j = 0; j < t->n && n < ARRAY_SIZE(cands); j++)
		if (!(m->nsi && (t->keys[j].flags & KF_TOP)))
			cands[n++] = t->keys[j].key;
	for (j = 0; j < n_extra && n < ARRAY_SIZE(cands); j++)
		cands[n++] = extra[j];
	sug = diag_suggest(key, cands, n);
	if (sug != NULL)
		return diag_err(m->d, &obj->key_locs[i], "unknown-key",
		    "unknown key '%.64s' in %s; did you mean '%s'?", key,
		    t->what, sug);
	return diag_err(m->d, &obj->key_locs[i], "unknown-key",
	    "unknown key '%.64s' in %s", key, t->what);
}

/*
 * Maps obj's keys through table t onto base.  extra: more names to
 * suggest for an unknown key (the fleet keys, at the top of a file).
 * Returns 0, or -1 when anything was reported; maps what it can.
 */
static int
map_object(struct mapper *m, const struct vnode *obj, const struct keytab *t,
    void *base, const char *const *extra, size_t n_extra)
{
	const struct keydef *k;
	bool sbuf[32], *skip = sbuf;
	size_t i, j;
	int rc = 0;

	if (obj->n > ARRAY_SIZE(sbuf))
		skip = xzalloc(obj->n * sizeof(*skip));
	else
		memset(sbuf, 0, sizeof(sbuf));
	map_dups(m, obj, skip);
	for (i = 0; i < obj->n; i++) {
		if (skip[i]) {
			rc = -1;
			continue;
		}
		for (j = 0, k = NULL; j < t->n; j++)
			if (strcmp(obj->keys[i], t->keys[j].key) == 0) {
				k = &t->keys[j];
				break;
			}
		if (k == NULL) {
			rc = map_unknown_key(m, obj, i, t, extra, n_extra);
			continue;
		}
		if (m->nsi && (k->flags & KF_TOP)) {
			rc = diag_err(m->d, &obj->key_locs[i], "misplaced-key",
			    "'%s' belongs in the import input, not in "
			    "node_service_input", k->key);
			continue;
		}
		if (map_field(m, k, obj->items[i], base) < 0)
			rc = -1;
	}
	if (skip != sbuf)
		free(skip);
	return rc;
}

/* An import input object; the service joins the fleet only if named one. */
static int
map_import(struct mapper *m, const struct vnode *v)
{
	struct service *s = xzalloc(sizeof(*s));
	const struct vnode *nsi = vnode_get(v, "node_service_input");
	int rc;

	s->loc = v->loc;
	rc = map_object(m, v, &import_tab, s, NULL, 0);
	if (nsi == NULL || nsi->type != VN_OBJECT) {
		/* a wrong type was reported by the walk */
		service_free(s);
		if (nsi != NULL)
			return -1;
		return diag_err(m->d, &v->loc, "missing-node-service-input",
		    "import input has no node_service_input: the service's "
		    "name and network settings are missing");
	}
	*XPUSH(m->f->svcs, m->f->n_svcs, m->f->cap_svcs) = s;
	return rc;
}

static int
map_service(struct mapper *m, const struct vnode *v, const char *const *extra,
    size_t n_extra)
{
	struct service *s;

	if (v->type != VN_OBJECT)
		return map_wrong_type(m, v, "object");
	if (vnode_get(v, "node_service_input") != NULL)
		return map_import(m, v);
	s = fleet_service_add(m->f);
	s->loc = v->loc;
	return map_object(m, v, &service_tab, s, extra, n_extra);
}

static int
map_device(struct mapper *m, const struct vnode *v)
{
	struct device *dv;

	if (v->type != VN_OBJECT)
		return map_wrong_type(m, v, "object");
	dv = fleet_device_add(m->f);
	dv->loc = v->loc;
	return map_object(m, v, &device_tab, dv, NULL, 0);
}

static int
map_each(struct mapper *m, const struct vnode *v,
    int (*fn)(struct mapper *, const struct vnode *))
{
	size_t i;
	int rc = 0;

	if (v->type == VN_NULL)
		return 0;
	if (v->type != VN_LIST)
		return map_wrong_type(m, v, "list");
	for (i = 0; i < v->n; i++)
		if (fn(m, v->items[i]) < 0)
			rc = -1;
	return rc;
}

static int
map_service1(struct mapper *m, const struct vnode *v)
{
	return map_service(m, v, NULL, 0);
}

static int
map_import_item(struct mapper *m, const struct vnode *v)
{
	if (v->type != VN_OBJECT)
		return map_wrong_type(m, v, "object");
	return map_import(m, v);
}

static int
map_fleet(struct mapper *m, const struct vnode *root)
{
	const char *sug;
	bool *skip;
	size_t i;
	int rc = 0;

	skip = xzalloc(root->n * sizeof(*skip) + 1);
	map_dups(m, root, skip);
	for (i = 0; i < root->n; i++) {
		if (skip[i]) {
			rc = -1;
		} else if (strcmp(root->keys[i], "services") == 0) {
			if (map_each(m, root->items[i], map_service1) < 0)
				rc = -1;
		} else if (strcmp(root->keys[i], "devices") == 0) {
			if (map_each(m, root->items[i], map_device) < 0)
				rc = -1;
		} else {
			sug = diag_suggest(root->keys[i], fleet_keys,
			    ARRAY_SIZE(fleet_keys));
			rc = diag_err(m->d, &root->key_locs[i], "unknown-key",
			    "unknown key '%.64s' in fleet document%s%s%s",
			    root->keys[i], sug ? "; did you mean '" : "",
			    sug ? sug : "", sug ? "'?" : "");
		}
	}
	free(skip);
	return rc;
}

int
front_stream_key(const char *key)
{
	return strcmp(key, "services") == 0 || strcmp(key, "devices") == 0;
}

int
front_map_item(struct fleet *f, struct diag_ctx *d, const char *listkey,
    struct vnode *item)
{
	/*
	 * The caller frees item right after: its malloc'd strings can move
	 * (map_take()).
	 */
	struct mapper m = { f, d, false, true };

	if (strcmp(listkey, "services") == 0)
		return map_service1(&m, item);
	if (strcmp(listkey, "import") == 0)
		return map_import_item(&m, item);
	return map_device(&m, item);
}

int
front_map_document(struct fleet *f, struct diag_ctx *d,
    const struct vnode *root, enum syntax syn)
{
	static const char *const root_extra[] = { "services", "devices",
		"node_service_input" };
	struct mapper m = { f, d, false, false };
	unsigned errs = d->n_err;

	if (root == NULL)
		return -1;
	switch (root->type) {
	case VN_NULL:
		diag_warn(d, &root->loc, "empty-document",
		    "no services or devices in this file");
		break;
	case VN_OBJECT:
		if (vnode_get(root, "services") != NULL ||
		    vnode_get(root, "devices") != NULL)
			map_fleet(&m, root);
		else
			map_service(&m, root, root_extra,
			    ARRAY_SIZE(root_extra));
		break;
	case VN_LIST:
		if (syn == SYNTAX_GRAPHQL) {
			map_each(&m, root, map_import_item);
			break;
		}
		/* FALLTHROUGH */
	default:
		diag_err(d, &root->loc, "bad-root", "expected a fleet document "
		    "(services, devices) or a node-service object, got %s %s",
		    map_article(vnode_type_name(root->type)),
		    vnode_type_name(root->type));
		break;
	}
	return d->n_err == errs ? 0 : -1;
}
