/*
 * check.c - service and fleet checks (SPEC sections 2-4).
 *
 * One pass over the services, then one over the devices and their
 * instances.  Fleet-wide uniqueness and lookups go through hash maps
 * (strmap.h) so a fleet of 10,000 devices checks in linear time.  Every
 * diagnostic is located at the value that is wrong, and has a stable code
 * listed in docs/diagnostics.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "names.h"
#include "strmap.h"
#include "xalloc.h"

#define MAX_ACCESS_IFS	16	/* bundle names use one hex digit */
#define IFNAMSIZ_	16	/* kernel IFNAMSIZ, with the NUL */
#define NAME_MAX_	63
#define GPSD_DEFAULT_PORT 2947
#define EXPOSURE_NAMES	8	/* instance names listed per warning */
#define SUGGEST_MAX	64	/* unknown names that get a suggestion */
#define QBUF_N		6
#define QBUF_LEN	80

/* Per-device indexes, cleared for each device (O(1), memory kept). */
struct devix {
	struct strmap	 ports;		/* port name -> lstr in ifaces */
	struct strmap	 nets;		/* net name -> client_net */
	struct strmap	 claims;	/* port name -> instance */
	struct client_net *def;		/* the default network */
	size_t		*net_of;	/* instance index -> net index + 1 */
	size_t		 cap_net_of;
	bool		*told;		/* per net: missing bridge reported */
	size_t		 cap_told;
};

struct check {
	struct fleet	*f;
	struct diag_ctx	*d;
	const struct fleet_index *idx;	/* the fleet's (model.h) */
	const char	**svc_names;	/* for suggestions, built lazily */
	size_t		 n_svc_names;
	unsigned	 n_suggest;
	struct strmap	 m1, m2;	/* scratch, per service */
	struct devix	 x;		/* per device */
	char		 qbuf[QBUF_N][QBUF_LEN];
	unsigned	 qi;
};

/*
 * Name rules
 */

bool
check_env_key_ok(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len == 0)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_' || (i > 0 && c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

bool
check_arch_ok(const char *s, size_t len)
{
	static const char *const archs[] = { "amd64", "armhf", "arm64" };
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < ARRAY_SIZE(archs); i++)
		if (len == strlen(archs[i]) && memcmp(s, archs[i], len) == 0)
			return true;
	return false;
}

/*
 * Helpers for messages
 */

/*
 * Length of the UTF-8 sequence at s if it is a C1 control or a character
 * that changes how a terminal shows the rest of the line (bidi overrides
 * and isolates, marks, zero-width, BOM), else 0.
 */
static size_t
check_invisible(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len >= 2 && u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
		return 2;
	if (len < 3)
		return 0;
	if (u[0] == 0xe2 && u[1] == 0x80 && ((u[2] >= 0x8b && u[2] <= 0x8f) ||
	    (u[2] >= 0xa8 && u[2] <= 0xae)))
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x81 && u[2] >= 0xa0 && u[2] <= 0xaf)
		return 3;
	if (u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;
	return 0;
}

/*
 * A printable, bounded copy of s for a message: control bytes, NUL and
 * invisible characters become \xNN, long values are cut with "...".
 * Rotates over QBUF_N buffers so one message can quote several values.
 */
static const char *
check_q(struct check *c, const char *s, size_t len)
{
	char *buf = c->qbuf[c->qi++ % QBUF_N];
	size_t i, o = 0, lim = QBUF_LEN - 8;

	if (s == NULL)
		return "(none)";
	for (i = 0; i < len && o < lim; i++) {
		unsigned char ch = (unsigned char)s[i];
		size_t k, n = check_invisible(s + i, len - i);

		if (ch < 0x20 || ch == 0x7f || n > 0) {
			for (k = 0; k < (n ? n : 1) && o < lim; k++) {
				snprintf(buf + o, QBUF_LEN - o, "\\x%02x",
				    (unsigned char)s[i + k]);
				o += 4;
			}
			i += n ? n - 1 : 0;
		} else {
			buf[o++] = (char)ch;
		}
	}
	if (i < len) {
		/* do not cut a UTF-8 sequence in half */
		while (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0xc0)
			o--;
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static const char *
check_qs(struct check *c, const struct lstr *ls)
{
	return check_q(c, ls->s, ls->len);
}

static const char *
check_addr(struct check *c, const struct addr *a)
{
	char *buf = c->qbuf[c->qi++ % QBUF_N];

	return addr_format(a, buf, QBUF_LEN);
}

static const char *
check_host(struct check *c, int family, u128 v)
{
	char *buf = c->qbuf[c->qi++ % QBUF_N];
	struct addr a = addr_make((uint8_t)family, v,
	    family == ADDR_V6 ? 128 : 32);

	return addr_format_host(&a, buf, QBUF_LEN);
}

static bool
lstr_eq(const struct lstr *ls, const char *s)
{
	size_t n = strlen(s);

	return ls->s != NULL && ls->len == n && memcmp(ls->s, s, n) == 0;
}

/* The service acknowledges this warning (its acknowledge list). */
static bool
check_acked(const struct service *s, const char *code)
{
	size_t i;

	for (i = 0; i < s->acks.n; i++)
		if (lstr_eq(&s->acks.v[i], code))
			return true;
	return false;
}

/*
 * Service checks
 */

/* Offset of the interface address in a block: H, or 1 when H = 0. */
static u128
check_iface_off(const struct addr *a)
{
	u128 h = addr_hostpart(a);

	return h != 0 ? h : 1;
}

/*
 * The block a (written as A/P) must hold the interface address and, for
 * LAN dhcp, at least one pool address: pool = interface + 1 .. block +
 * size - 2 (SPEC 3).
 */
static void
check_block_room(struct check *c, const struct service *s,
    const struct laddr *la, const char *field)
{
	u128 size = addr_size(&la->a), off = check_iface_off(&la->a);

	if (off >= size) {
		diag_err(c->d, &la->loc, "block-too-small",
		    "%s %s leaves no interface address: a /%u block holds "
		    "a single address", field, check_addr(c, &la->a),
		    la->a.plen);
		return;
	}
	if (s->lan.v != NETMODE_DHCP)
		return;
	if (size < 3 || off > size - 3)
		diag_err(c->d, &la->loc, "block-too-small",
		    "%s %s leaves no DHCP pool address: the pool runs from "
		    "the interface address + 1 to the last usable address "
		    "of the /%u block", field, check_addr(c, &la->a),
		    la->a.plen);
}

/* The LAN interface address of a fixed subnet or shared range must not
 * be the IPv4 broadcast address of the interface's subnet. */
static void
check_broadcast(struct check *c, const struct laddr *blk,
    const struct addr *ifnet, const char *field)
{
	u128 ifaddr = addr_network(&blk->a) + check_iface_off(&blk->a);
	struct addr n = *ifnet;

	if (n.family != ADDR_V4 || n.plen > 30)
		return;
	if (ifaddr == addr_last(&n))
		diag_err(c->d, &blk->loc, "lan-address-broadcast",
		    "%s %s puts the LAN interface on %s, the broadcast "
		    "address of %s", field, check_addr(c, &blk->a),
		    check_host(c, n.family, ifaddr), check_addr(c, &n));
}

static void
check_service_addrs(struct check *c, const struct service *s)
{
	const struct laddr *S = &s->subnet, *T = &s->tmpl, *R = &s->range;
	bool lan = s->lan.v != NETMODE_DISABLED;

	if (T->set && R->set)
		diag_err(c->d, &R->loc, "template-and-range",
		    "dhcp_range and dhcp_range_template are mutually "
		    "exclusive: use one shared block or one block per "
		    "instance");
	if (!lan) {
		const struct laddr *first = S->set ? S : T->set ? T : R;

		if (first->set)
			diag_warn(c->d, &first->loc, "lan-disabled-unused",
			    "%s has no effect: lan_configure_network is "
			    "disabled", first == S ? "access_provided_subnet" :
			    first == T ? "dhcp_range_template" : "dhcp_range");
	} else if (!S->set && !R->set && !S->bad && !R->bad) {
		diag_err(c->d, s->lan.set ? &s->lan.loc : &s->loc,
		    "lan-without-subnet",
		    "lan_configure_network %s needs access_provided_subnet",
		    netmode_name(s->lan.v));
	}
	if (T->set) {
		if (!S->set) {
			if (!S->bad)
				diag_err(c->d, &T->loc,
				    "template-without-subnet",
				    "dhcp_range_template needs "
				    "access_provided_subnet (the subnet the "
				    "blocks are allocated from)");
		} else if (T->a.family != S->a.family) {
			diag_err(c->d, &T->loc, "family-mismatch",
			    "dhcp_range_template %s and access_provided_subnet "
			    "%s are of different address families",
			    check_addr(c, &T->a), check_addr(c, &S->a));
		} else if (T->a.plen < S->a.plen) {
			diag_err(c->d, &T->loc, "template-prefix-too-short",
			    "dhcp_range_template /%u is larger than "
			    "access_provided_subnet %s: the template prefix "
			    "must be at least /%u", T->a.plen,
			    check_addr(c, &S->a), S->a.plen);
		} else if (!addr_contains(&S->a, &T->a)) {
			diag_err(c->d, &T->loc, "template-outside-subnet",
			    "dhcp_range_template %s is not inside "
			    "access_provided_subnet %s", check_addr(c, &T->a),
			    check_addr(c, &S->a));
		}
		if (lan)
			check_block_room(c, s, T, "dhcp_range_template");
	}
	if (R->set) {
		if (S->set && R->a.family != S->a.family) {
			diag_err(c->d, &R->loc, "family-mismatch",
			    "dhcp_range %s and access_provided_subnet %s are "
			    "of different address families",
			    check_addr(c, &R->a), check_addr(c, &S->a));
		} else if (S->set && !addr_contains(&S->a, &R->a)) {
			diag_err(c->d, &R->loc, "range-outside-subnet",
			    "dhcp_range %s is not inside "
			    "access_provided_subnet %s", check_addr(c, &R->a),
			    check_addr(c, &S->a));
		} else if (lan && !T->set) {
			check_block_room(c, s, R, "dhcp_range");
			check_broadcast(c, R, S->set ? &S->a : &R->a,
			    "dhcp_range");
		}
	}
	if (S->set && lan && !T->set && !R->set) {
		check_block_room(c, s, S, "access_provided_subnet");
		check_broadcast(c, S, &S->a, "access_provided_subnet");
	}
}

static void
check_service_modes(struct check *c, const struct service *s)
{
	bool wan = s->wan.v != NETMODE_DISABLED;
	bool lan = s->lan.v != NETMODE_DISABLED;

	if (s->masquerade.v && (!wan || !lan))
		diag_warn(c->d, &s->masquerade.loc, "masquerade-no-effect",
		    "masquerade has no effect: %s", !wan && !lan ?
		    "LAN and WAN are disabled" : !wan ? "WAN is disabled" :
		    "LAN is disabled");
	if (s->wan_network.s != NULL && !wan)
		diag_warn(c->d, &s->wan_network.loc, "wan-network-unused",
		    "wan_network has no effect: wan_configure_network is "
		    "disabled");
	if (s->wan_network.s != NULL && !names_id_valid(s->wan_network.s,
	    s->wan_network.len))
		diag_err(c->d, &s->wan_network.loc, "invalid-network-name",
		    "wan_network '%s' is not a valid client network name "
		    "(1-63 of A-Z a-z 0-9 . _ -)",
		    check_qs(c, &s->wan_network));
	if (s->gpsd.v && !wan && !check_acked(s, "gpsd-no-wan"))
		diag_warn(c->d, &s->gpsd.loc, "gpsd-no-wan",
		    "access_gpsd_enabled with wan_configure_network disabled: "
		    "the container has no path to GPSd (CONFIG_GPSD_HOST and "
		    "CONFIG_GPSD_PORT are still written)");
}

static void
check_service_ifs(struct check *c, const struct service *s)
{
	struct strmap *labels = &c->m1, *names = &c->m2;
	const char *why;
	const struct access_if *ai, *prev;
	size_t i;

	if (s->n_ifs == 0)
		return;
	if (s->lan.v == NETMODE_DISABLED)
		diag_warn(c->d, &s->ifs[0].loc, "access-interfaces-unused",
		    "access_interfaces have no effect: lan_configure_network "
		    "is disabled");
	if (s->n_ifs > MAX_ACCESS_IFS)
		diag_err(c->d, &s->ifs[MAX_ACCESS_IFS].loc,
		    "too-many-access-interfaces",
		    "service '%s' has %zu access interfaces; at most %d are "
		    "supported", check_qs(c, &s->name), s->n_ifs,
		    MAX_ACCESS_IFS);
	strmap_clear(labels);
	strmap_clear(names);
	for (i = 0; i < s->n_ifs; i++) {
		ai = &s->ifs[i];
		if (ai->name.s == NULL) {
			diag_err(c->d, &ai->loc, "missing-field",
			    "access interface has no name");
		} else if ((why = names_ifname_why(ai->name.s,
		    ai->name.len, NAMES_IF_ARTIFACT)) != NULL) {
			diag_err(c->d, &ai->name.loc, "invalid-ifname",
			    "access interface name '%s' is not a valid "
			    "interface name: %s", check_qs(c, &ai->name), why);
		} else if ((prev = strmap_put(names, ai->name.s,
		    ai->name.len, (void *)ai)) != NULL) {
			diag_err(c->d, &ai->name.loc,
			    "duplicate-access-interface",
			    "port '%s' is listed twice in access_interfaces",
			    check_qs(c, &ai->name));
			diag_note(c->d, &prev->name.loc, "first listed here");
		}
		if (ai->label.s == NULL) {
			diag_err(c->d, &ai->loc, "missing-field",
			    "access interface has no label (its name inside "
			    "the container)");
		} else if ((why = names_ifname_why(ai->label.s,
		    ai->label.len, NAMES_IF_ARTIFACT)) != NULL) {
			diag_err(c->d, &ai->label.loc, "invalid-label",
			    "label '%s' is not a valid interface name: %s",
			    check_qs(c, &ai->label), why);
		} else if (lstr_eq(&ai->label, "lo") ||
		    lstr_eq(&ai->label, "wan")) {
			diag_err(c->d, &ai->label.loc, "reserved-label",
			    "label '%s' is reserved inside the container",
			    check_qs(c, &ai->label));
		} else if ((prev = strmap_put(labels, ai->label.s,
		    ai->label.len, (void *)ai)) != NULL) {
			diag_err(c->d, &ai->label.loc, "duplicate-label",
			    "label '%s' is used twice in this service",
			    check_qs(c, &ai->label));
			diag_note(c->d, &prev->label.loc, "first used here");
		}
	}
}

/* Names a POSIX shell gives meaning to, or bash makes read-only: setting
 * them from lxc.env changes how the sourcing shell behaves. */
static bool
check_env_special(const struct lstr *k)
{
	static const char *const special[] = {
		"IFS", "PATH", "ENV", "CDPATH", "PS1", "PS2", "PS4",
		"OPTIND", "OPTARG", "PPID", "LINENO", "UID", "EUID",
		"SHELLOPTS", "BASHOPTS", "BASH_ENV", "GROUPS",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(special); i++)
		if (lstr_eq(k, special[i]))
			return true;
	return false;
}

static void
check_service_env(struct check *c, const struct service *s)
{
	const struct env_var *e, *prev;
	struct strmap *keys = &c->m1;
	size_t i;

	if (s->n_env == 0)
		return;
	strmap_clear(keys);
	for (i = 0; i < s->n_env; i++) {
		e = &s->env[i];
		if (!check_env_key_ok(e->key.s, e->key.len)) {
			diag_err(c->d, &e->key.loc, "invalid-env-key",
			    "env key '%s' is not a shell variable name "
			    "([A-Za-z_][A-Za-z0-9_]*)", check_qs(c, &e->key));
		} else if (s->gpsd.v && (lstr_eq(&e->key, "CONFIG_GPSD_HOST") ||
		    lstr_eq(&e->key, "CONFIG_GPSD_PORT"))) {
			diag_warn(c->d, &e->key.loc, "reserved-env-key",
			    "env key '%s' is set by the platform when "
			    "access_gpsd_enabled is true; this value is "
			    "replaced", check_qs(c, &e->key));
		} else if ((prev = strmap_put(keys, e->key.s, e->key.len,
		    (void *)e)) != NULL) {
			diag_warn(c->d, &e->key.loc, "duplicate-env-key",
			    "env key '%s' is set twice; the last value wins",
			    check_qs(c, &e->key));
			diag_note(c->d, &prev->key.loc, "first set here");
		} else if (check_env_special(&e->key)) {
			diag_warn(c->d, &e->key.loc, "env-shell-special",
			    "env key '%s' has a special meaning to the shell "
			    "that sources lxc.env", check_qs(c, &e->key));
		}
		if (e->value.s != NULL &&
		    memchr(e->value.s, '\0', e->value.len) != NULL)
			diag_err(c->d, &e->value.loc, "env-value-nul",
			    "env value of '%s' contains a NUL byte, which no "
			    "shell variable can hold", check_qs(c, &e->key));
	}
}

static void
check_service_misc(struct check *c, const struct service *s)
{
	const struct image_source *im;
	size_t i;

	for (i = 0; i < s->n_images; i++) {
		im = &s->images[i];
		if (im->arch.s == NULL)
			diag_err(c->d, &im->loc, "missing-field",
			    "image source has no arch (amd64, armhf or "
			    "arm64)");
		else if (!check_arch_ok(im->arch.s, im->arch.len))
			diag_err(c->d, &im->arch.loc, "invalid-arch",
			    "arch '%s' is not one of amd64, armhf, arm64",
			    check_qs(c, &im->arch));
	}
	if (s->has_memory_limit && s->memory_limit_mb <= 0)
		diag_err(c->d, &s->memory_limit_loc, "invalid-memory-limit",
		    "memory_limit_mb must be a positive number of MB, not "
		    "%lld", s->memory_limit_mb);
}

/*
 * A service name, device id or instance id: present and valid.  Returns
 * what the fleet index holds for the name when that is another
 * definition (obj is a duplicate), else NULL.  The index holds every
 * name, valid or not, so references to an invalid one still resolve and
 * one bad name gives one diagnostic, not one per reference.
 */
static const void *
check_name(struct check *c, const struct lstr *ls, const struct loc *obj,
    const char *what, const char *code, const struct strmap *m,
    const void *self)
{
	const void *first;

	if (ls->s == NULL) {
		diag_err(c->d, obj, "missing-field", "%s is missing", what);
		return NULL;
	}
	first = strmap_get(m, ls->s, ls->len);
	if (!names_id_valid(ls->s, ls->len)) {
		diag_err(c->d, &ls->loc, code, "%s '%s' must be 1-63 of A-Z "
		    "a-z 0-9 . _ - (and not '.' or '..')", what,
		    check_qs(c, ls));
		return NULL;
	}
	return first == self ? NULL : first;
}

static void
check_service(struct check *c, struct service *s)
{
	const struct service *prev;

	prev = check_name(c, &s->name, &s->loc, "service name",
	    "invalid-service-name", &c->idx->svcs, s);
	if (prev != NULL) {
		diag_err(c->d, &s->name.loc, "duplicate-service",
		    "service '%s' is defined twice", check_qs(c, &s->name));
		diag_note(c->d, &prev->name.loc, "first defined (imported) "
		    "here");
	}
	check_service_addrs(c, s);
	check_service_modes(c, s);
	check_service_ifs(c, s);
	check_service_env(c, s);
	check_service_misc(c, s);
}

/*
 * Device checks
 */


static void
check_net_reserved(struct check *c, const struct client_net *cn)
{
	const struct addr_range *r;
	const struct addr *sn = &cn->subnet.a;
	size_t i;

	for (i = 0; i < cn->n_reserved; i++) {
		r = &cn->reserved[i];
		if (!cn->subnet.set) {
			diag_warn(c->d, &r->loc, "reserved-without-subnet",
			    "reserved range has no effect: client network "
			    "'%s' has no subnet", check_qs(c, &cn->name));
			continue;
		}
		if (r->lo.family != sn->family || r->hi.family != sn->family) {
			diag_err(c->d, &r->loc, "family-mismatch",
			    "reserved range and subnet %s are of different "
			    "address families", check_addr(c, sn));
			continue;
		}
		if (r->lo.v > r->hi.v) {
			diag_err(c->d, &r->loc, "reserved-range-order",
			    "reserved range %s-%s ends before it starts",
			    check_host(c, r->lo.family, r->lo.v),
			    check_host(c, r->hi.family, r->hi.v));
			continue;
		}
		if (!addr_contains_host(sn, r->lo.v) ||
		    !addr_contains_host(sn, r->hi.v))
			diag_err(c->d, &r->loc, "reserved-outside-subnet",
			    "reserved range %s-%s is not inside subnet %s",
			    check_host(c, r->lo.family, r->lo.v),
			    check_host(c, r->hi.family, r->hi.v),
			    check_addr(c, sn));
	}
}

static void
check_net(struct check *c, struct device *dv, struct devix *x,
    struct client_net *cn)
{
	const struct client_net *prev;
	const struct lstr *port;
	const char *why;
	u128 h;

	if (cn->name.s == NULL)
		diag_err(c->d, &cn->loc, "missing-field",
		    "client network has no name");
	else if (!names_id_valid(cn->name.s, cn->name.len))
		diag_err(c->d, &cn->name.loc, "invalid-network-name",
		    "client network name '%s' must be 1-63 of A-Z a-z 0-9 . "
		    "_ -", check_qs(c, &cn->name));
	else if ((prev = strmap_put(&x->nets, cn->name.s, cn->name.len,
	    cn)) != NULL) {
		diag_err(c->d, &cn->name.loc, "duplicate-network",
		    "client network '%s' is defined twice on device '%s'",
		    check_qs(c, &cn->name), check_qs(c, &dv->id));
		diag_note(c->d, &prev->name.loc, "first defined here");
	}
	if (cn->is_default.v) {
		if (x->def != NULL) {
			diag_err(c->d, &cn->is_default.loc,
			    "multiple-default-networks",
			    "device '%s' has more than one default client "
			    "network ('%s' is already the default)",
			    check_qs(c, &dv->id), check_qs(c, &x->def->name));
			diag_note(c->d, &x->def->is_default.loc,
			    "'%s' made the default here",
			    check_qs(c, &x->def->name));
		} else {
			x->def = cn;
		}
	}
	if (cn->bridge.s != NULL) {
		if ((why = names_ifname_why(cn->bridge.s, cn->bridge.len, NAMES_IF_ARTIFACT)) !=
		    NULL)
			diag_err(c->d, &cn->bridge.loc, "invalid-ifname",
			    "bridge '%s' is not a valid interface name: %s",
			    check_qs(c, &cn->bridge), why);
		else if ((port = strmap_get(&x->ports, cn->bridge.s,
		    cn->bridge.len)) != NULL)
			diag_err(c->d, &cn->bridge.loc, "bridge-is-port",
			    "bridge '%s' has the name of a physical port of "
			    "device '%s'", check_qs(c, &cn->bridge),
			    check_qs(c, &dv->id));
	}
	if (cn->subnet.set) {
		h = addr_hostpart(&cn->subnet.a);
		if (h == 0 && addr_size(&cn->subnet.a) > 1)
			diag_err(c->d, &cn->subnet.loc, "client-subnet-host",
			    "client network subnet %s must carry the device's "
			    "own address (a non-zero host part, e.g. %s/%u)",
			    check_addr(c, &cn->subnet.a),
			    check_host(c, cn->subnet.a.family,
			    addr_network(&cn->subnet.a) + 1),
			    cn->subnet.a.plen);
		else if (cn->subnet.a.family == ADDR_V4 &&
		    cn->subnet.a.plen <= 30 &&
		    cn->subnet.a.v == addr_last(&cn->subnet.a))
			diag_err(c->d, &cn->subnet.loc, "client-subnet-host",
			    "client network subnet %s: the device's address "
			    "is the broadcast address",
			    check_addr(c, &cn->subnet.a));
	}
	check_net_reserved(c, cn);
}

static void
check_device_head(struct check *c, struct device *dv, struct devix *x)
{
	const struct device *prev;
	const struct lstr *p, *pp;
	const char *why;
	size_t i;

	prev = check_name(c, &dv->id, &dv->loc, "device id",
	    "invalid-device-id", &c->idx->devs, dv);
	if (prev != NULL) {
		diag_err(c->d, &dv->id.loc, "duplicate-device",
		    "device '%s' is defined twice", check_qs(c, &dv->id));
		diag_note(c->d, &prev->id.loc, "first defined here");
	}
	if (dv->arch.s != NULL && !check_arch_ok(dv->arch.s, dv->arch.len))
		diag_err(c->d, &dv->arch.loc, "invalid-arch",
		    "arch '%s' is not one of amd64, armhf, arm64",
		    check_qs(c, &dv->arch));
	if (dv->has_gpsd && (dv->gpsd_port == 0 || dv->gpsd_port > 65535))
		diag_err(c->d, &dv->gpsd_loc, "invalid-gpsd-port",
		    "gpsd port %u is not in 1..65535", dv->gpsd_port);
	for (i = 0; i < dv->ifaces.n; i++) {
		p = &dv->ifaces.v[i];
		if ((why = names_ifname_why(p->s, p->len, NAMES_IF_ARTIFACT)) != NULL)
			diag_err(c->d, &p->loc, "invalid-ifname",
			    "port '%s' is not a valid interface name: %s",
			    check_qs(c, p), why);
		else if ((pp = strmap_put(&x->ports, p->s, p->len,
		    (void *)p)) != NULL)
		{
			diag_err(c->d, &p->loc, "duplicate-port",
			    "port '%s' is listed twice", check_qs(c, p));
			diag_note(c->d, &pp->loc, "first listed here");
		}
	}
	for (i = 0; i < dv->n_nets; i++)
		check_net(c, dv, x, &dv->nets[i]);
}

static void
check_unknown_service(struct check *c, const struct instance *in)
{
	const char *near = NULL;
	size_t i;

	if (c->n_suggest < SUGGEST_MAX && in->service.len < 100) {
		c->n_suggest++;
		if (c->svc_names == NULL) {
			c->svc_names = xzalloc((c->f->n_svcs + 1) *
			    sizeof(*c->svc_names));
			for (i = 0; i < c->f->n_svcs; i++)
				c->svc_names[i] = c->f->svcs[i]->name.s;
			c->n_svc_names = c->f->n_svcs;
		}
		near = diag_suggest(in->service.s, c->svc_names,
		    c->n_svc_names);
	}
	if (near != NULL)
		diag_err(c->d, &in->service.loc, "unknown-service",
		    "instance '%s' names unknown service '%s'; did you mean "
		    "'%s'?", check_qs(c, &in->id), check_qs(c, &in->service),
		    check_q(c, near, strlen(near)));
	else
		diag_err(c->d, &in->service.loc, "unknown-service",
		    "instance '%s' names unknown service '%s'",
		    check_qs(c, &in->id), check_qs(c, &in->service));
}

static void
check_inst_ports(struct check *c, struct device *dv, struct devix *x,
    struct instance *in)
{
	const struct service *s = in->svc;
	const struct access_if *ai;
	const struct instance *other;
	size_t i;

	for (i = 0; i < s->n_ifs; i++) {
		ai = &s->ifs[i];
		if (ai->name.s == NULL ||
		    names_ifname_why(ai->name.s, ai->name.len, NAMES_IF_ARTIFACT) != NULL)
			continue;	/* reported on the service */
		if (strmap_get(&x->ports, ai->name.s, ai->name.len) == NULL) {
			diag_err(c->d, &in->loc, "unknown-port",
			    "instance '%s': access interface '%s' of service "
			    "'%s' is not a port of device '%s'",
			    check_qs(c, &in->id), check_qs(c, &ai->name),
			    check_qs(c, &s->name), check_qs(c, &dv->id));
			continue;
		}
		other = strmap_put(&x->claims, ai->name.s, ai->name.len, in);
		if (other != NULL && other != in) {
			diag_err(c->d, &in->loc, "port-conflict",
			    "instance '%s' and instance '%s' both "
			    "bridge port '%s' of device '%s'",
			    check_qs(c, &in->id), check_qs(c, &other->id),
			    check_qs(c, &ai->name), check_qs(c, &dv->id));
			diag_note(c->d, &other->loc, "instance '%s' is here",
			    check_qs(c, &other->id));
		}
	}
}

/* Resolves the instance's WAN network and checks what it needs from it;
 * returns it or NULL. */
static struct client_net *
check_inst_wan(struct check *c, struct device *dv, struct devix *x,
    struct instance *in)
{
	const struct service *s = in->svc;
	struct client_net *cn;

	if (s->wan.v == NETMODE_DISABLED)
		return NULL;
	if (s->wan_network.s != NULL) {
		cn = strmap_get(&x->nets, s->wan_network.s, s->wan_network.len);
		if (cn == NULL) {
			diag_err(c->d, &in->loc, "unknown-wan-network",
			    "instance '%s': wan_network '%s' of service '%s' "
			    "is not a client network of device '%s'",
			    check_qs(c, &in->id), check_qs(c, &s->wan_network),
			    check_qs(c, &s->name), check_qs(c, &dv->id));
			return NULL;
		}
	} else if ((cn = x->def) == NULL) {
		diag_err(c->d, &in->loc, "no-default-network",
		    "instance '%s': service '%s' has WAN %s but device '%s' "
		    "has no client network marked 'default: true' (or set "
		    "wan_network)", check_qs(c, &in->id), check_qs(c, &s->name),
		    netmode_name(s->wan.v), check_qs(c, &dv->id));
		return NULL;
	}
	if (cn->bridge.s == NULL && !x->told[cn - dv->nets]) {
		x->told[cn - dv->nets] = true;
		diag_err(c->d, &cn->loc, "missing-bridge",
		    "client network '%s' has no bridge, but instance '%s' "
		    "attaches its WAN to it", check_qs(c, &cn->name),
		    check_qs(c, &in->id));
	}
	if (s->wan.v == NETMODE_ALLOCATED && !cn->subnet.set)
		diag_err(c->d, &in->loc, "wan-allocated-no-subnet",
		    "instance '%s': WAN allocated needs a subnet on client "
		    "network '%s' of device '%s'", check_qs(c, &in->id),
		    check_qs(c, &cn->name), check_qs(c, &dv->id));
	if (s->gpsd.v && !cn->subnet.set)
		diag_err(c->d, &in->loc, "gpsd-no-host-address",
		    "instance '%s': GPSd access needs the device's address on "
		    "client network '%s' (it has no subnet)",
		    check_qs(c, &in->id), check_qs(c, &cn->name));
	return cn;
}

static void
check_instance(struct check *c, struct device *dv, struct devix *x,
    size_t idx)
{
	struct instance *in = &dv->insts[idx];
	const struct inst_ref *prev;
	struct client_net *cn;

	prev = check_name(c, &in->id, &in->loc, "instance id",
	    "invalid-instance-id", &c->idx->insts, NULL);
	if (prev != NULL && prev->inst == in)
		prev = NULL;
	if (prev != NULL) {
		diag_err(c->d, &in->id.loc, "duplicate-instance",
		    "instance id '%s' is used twice in the fleet",
		    check_qs(c, &in->id));
		diag_note(c->d, &prev->inst->id.loc, "first used here, on "
		    "device '%s'", check_qs(c, &prev->dev->id));
	}
	in->svc = NULL;
	if (in->service.s == NULL) {
		diag_err(c->d, &in->loc, "missing-field",
		    "instance '%s' names no service", check_qs(c, &in->id));
		return;
	}
	in->svc = strmap_get(&c->idx->svcs, in->service.s, in->service.len);
	if (in->svc == NULL) {
		check_unknown_service(c, in);
		return;
	}
	check_inst_ports(c, dv, x, in);
	cn = check_inst_wan(c, dv, x, in);
	if (cn != NULL)
		x->net_of[idx] = (size_t)(cn - dv->nets) + 1;
	if (in->svc->gpsd.v && !dv->has_gpsd)
		diag_warn(c->d, &in->loc, "gpsd-not-on-device",
		    "instance '%s' has GPSd access but device '%s' declares "
		    "no gpsd; assuming GPSd on port %d", check_qs(c, &in->id),
		    check_qs(c, &dv->id), GPSD_DEFAULT_PORT);
}

static const char *
check_more(struct check *c, size_t more)
{
	char *buf = c->qbuf[c->qi++ % QBUF_N];

	if (more == 0)
		return "";
	snprintf(buf, QBUF_LEN, " and %zu more", more);
	return buf;
}

/*
 * GPSd exposure (SPEC 4): the device's firewall opens the GPSd port to
 * the whole client network, so every other instance attached to it (and
 * every client on it) gains access.  Instances are grouped by network
 * with a counting sort over net_of[], then each GPSd instance's warning
 * names up to EXPOSURE_NAMES of the others.
 */
static void
check_gpsd_exposure(struct check *c, struct device *dv, struct devix *x)
{
	size_t *start, *order, i, j, k, n = dv->n_insts, shown, nn;
	struct instance *in, *o;
	struct client_net *cn;
	const char *q;
	char *list;
	size_t cap, len, ql;
	unsigned port;
	bool any = false;

	for (i = 0; i < n && !any; i++)
		any = x->net_of[i] != 0 && dv->insts[i].svc->gpsd.v;
	if (!any)
		return;
	start = xzalloc((dv->n_nets + 2) * sizeof(*start));
	order = xmalloc((n ? n : 1) * sizeof(*order));
	for (i = 0; i < n; i++)
		start[x->net_of[i] + 1]++;
	for (k = 1; k <= dv->n_nets + 1; k++)
		start[k] += start[k - 1];
	for (i = 0; i < n; i++)
		order[start[x->net_of[i]]++] = i;
	/* start[k] now is the end of group k; group k begins at start[k-1] */
	port = dv->has_gpsd ? dv->gpsd_port : GPSD_DEFAULT_PORT;
	cap = 256;
	list = xmalloc(cap);
	for (k = 1; k <= dv->n_nets; k++) {
		cn = &dv->nets[k - 1];
		nn = start[k] - start[k - 1];
		for (i = start[k - 1]; i < start[k]; i++) {
			in = &dv->insts[order[i]];
			if (!in->svc->gpsd.v ||
			    check_acked(in->svc, "gpsd-exposure"))
				continue;
			len = 0;
			list[0] = '\0';
			shown = 0;
			/* stops after EXPOSURE_NAMES: linear in the network's
			 * size even when every instance on it has GPSd */
			for (j = start[k - 1]; j < start[k] &&
			    shown < EXPOSURE_NAMES; j++) {
				o = &dv->insts[order[j]];
				if (o == in)
					continue;
				q = check_qs(c, &o->id);
				ql = strlen(q) + 8;

				if (len + ql >= cap) {
					cap = (len + ql) * 2;
					list = xrealloc(list, cap);
				}
				len += (size_t)snprintf(list + len, cap - len,
				    "%s'%s'", shown ? ", " : "", q);
				shown++;
			}
			diag_warn(c->d, &in->loc, "gpsd-exposure",
			    "instance '%s': GPSd (TCP port %u) is opened to "
			    "all of client network '%s' on device '%s': every "
			    "client of that network gains GPSd access%s%s%s",
			    check_qs(c, &in->id), port, check_qs(c, &cn->name),
			    check_qs(c, &dv->id), shown == 0 ?
			    " (no other instance is attached to it)" :
			    shown > 1 ? ", and so do instances " :
			    ", and so does instance ", list,
			    check_more(c, nn - 1 - shown));
		}
	}
	free(list);
	free(order);
	free(start);
}

static void
check_device(struct check *c, struct device *dv)
{
	struct devix *x = &c->x;
	size_t i;

	strmap_clear(&x->ports);
	strmap_clear(&x->nets);
	strmap_clear(&x->claims);
	x->def = NULL;
	if (dv->n_insts > x->cap_net_of) {
		x->cap_net_of = dv->n_insts;
		free(x->net_of);
		x->net_of = xmalloc(x->cap_net_of * sizeof(*x->net_of));
	}
	if (dv->n_insts > 0)
		memset(x->net_of, 0, dv->n_insts * sizeof(*x->net_of));
	if (dv->n_nets > x->cap_told) {
		x->cap_told = dv->n_nets;
		free(x->told);
		x->told = xmalloc(x->cap_told);
	}
	if (dv->n_nets > 0)
		memset(x->told, 0, dv->n_nets);
	check_device_head(c, dv, x);
	for (i = 0; i < dv->n_insts; i++)
		check_instance(c, dv, x, i);
	check_gpsd_exposure(c, dv, x);
}

int
check_fleet(struct fleet *f, struct diag_ctx *d)
{
	struct check c;
	unsigned errs = d->n_err;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.f = f;
	c.d = d;
	c.idx = fleet_index(f);
	strmap_init(&c.m1, 0);
	strmap_init(&c.m2, 0);
	strmap_init(&c.x.ports, 0);
	strmap_init(&c.x.nets, 0);
	strmap_init(&c.x.claims, 0);
	for (i = 0; i < f->n_svcs; i++)
		check_service(&c, f->svcs[i]);
	for (i = 0; i < f->n_devs; i++)
		check_device(&c, f->devs[i]);
	strmap_fini(&c.m1);
	strmap_fini(&c.m2);
	strmap_fini(&c.x.ports);
	strmap_fini(&c.x.nets);
	strmap_fini(&c.x.claims);
	free(c.x.net_of);
	free(c.x.told);
	free(c.svc_names);
	return d->n_err > errs ? -1 : 0;
}
