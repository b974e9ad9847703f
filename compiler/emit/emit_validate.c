/*
 * emit_validate.c - everything the emitters will write, checked before
 * anything is allocated: every name and env entry can be written into an
 * artifact as is, and no host or container interface names collide.  A
 * compile that would produce an unsafe or colliding artifact stops before
 * the ledger moves.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "names.h"
#include "xalloc.h"

struct nameref {
	const char		*name;
	const struct loc	*loc;
	const char		*what;
};

static int
nameref_cmp(const void *a, const void *b)
{
	const struct nameref *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Sorts v and reports every name seen twice; -1 if any. */
static int
names_dups(struct nameref *v, size_t n, const char *where,
    struct diag_ctx *d)
{
	struct nameref t;
	size_t i, j;
	int rc = 0;

	if (n < 2)
		return 0;	/* and no qsort of a NULL array */
	if (n > 24) {
		qsort(v, n, sizeof(*v), nameref_cmp);
	} else {
		/* the common, short lists: an insertion sort is cheaper */
		for (i = 1; i < n; i++) {
			t = v[i];
			for (j = i; j > 0 && nameref_cmp(&v[j - 1], &t) > 0;
			    j--)
				v[j] = v[j - 1];
			v[j] = t;
		}
	}
	for (i = 1; i < n; i++) {
		if (strcmp(v[i - 1].name, v[i].name) != 0)
			continue;
		rc = diag_err(d, v[i].loc, "ifname-collision",
		    "interface name '%s' of %s collides with %s %s",
		    v[i].name, v[i].what, v[i - 1].what, where);
	}
	return rc;
}

static int
names_need_safe(struct diag_ctx *d, const struct loc *l, const char *s,
    const char *what)
{
	if (s != NULL &&
	    names_ifname_valid(s, strlen(s), NAMES_IF_ARTIFACT))
		return 0;
	return diag_err(d, l, "unsafe-name",
	    "%s cannot be written into the bundle: interface names are 1-15 "
	    "printable ASCII characters without whitespace, quotes, "
	    "backslash, '#', '*', ',', '%%', '/' or ':'", what);
}

/* Container namespace: lo, wan, lan and the labels must differ. */
static int
names_check_netns(const struct instance *in, const struct service *s,
    struct diag_ctx *d)
{
	struct nameref v[20];
	size_t n = 0, k;
	int rc = 0;

	v[n++] = (struct nameref){ "lo", &in->loc, "the loopback" };
	if (emit_has_wan(s))
		v[n++] = (struct nameref){ "wan", &s->wan.loc,
		    "the WAN interface" };
	if (!emit_has_lan(s))
		return names_dups(v, n, "in the container", d);
	if (s->n_ifs > 16)
		return diag_err(d, &s->ifs[16].loc, "too-many-access-interfaces",
		    "service '%s' has %zu access interfaces; at most 16 fit "
		    "the host naming scheme", s->name.s, s->n_ifs);
	if (s->n_ifs == 0)
		v[n++] = (struct nameref){ "lan", &s->lan.loc,
		    "the routed LAN interface" };
	for (k = 0; k < s->n_ifs; k++) {
		const struct access_if *ai = &s->ifs[k];

		if (names_need_safe(d, &ai->label.loc, ai->label.s,
		    "access interface label") < 0 ||
		    names_need_safe(d, &ai->name.loc, ai->name.s,
		    "access interface name") < 0) {
			rc = -1;
			continue;
		}
		v[n++] = (struct nameref){ ai->label.s, &ai->label.loc,
		    "an access interface label" };
	}
	if (names_dups(v, n, "in the container", d) < 0)
		rc = -1;
	return rc;
}

static int
names_check_env(const struct service *s, struct diag_ctx *d)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->n_env; i++) {
		const struct env_var *e = &s->env[i];

		if (!names_env_key_ok(e->key.s))
			rc = diag_err(d, &e->key.loc, "unsafe-env",
			    "env key is not a shell identifier");
		else if (e->value.s == NULL ||
		    memchr(e->value.s, '\0', e->value.len) != NULL)
			rc = diag_err(d, &e->value.loc, "unsafe-env",
			    "env value of '%s' holds a NUL byte, which no "
			    "shell variable can", e->key.s);
	}
	return rc;
}

/* One device: container namespaces, then the host namespace's names. */
static int
names_check_device(const struct device *dev, struct diag_ctx *d)
{
	struct nameref *v = NULL;
	size_t n = 0, cap = 0, i, k;
	char (*gen)[EMIT_IFNAMSIZ];
	size_t ngen = 0;
	int rc = 0;

	/* Generated names need storage while the array points at them:
	 * at most 2 + 2 * 16 per instance. */
	gen = xzalloc((dev->n_insts * 34 + 1) * sizeof(*gen));
	for (i = 0; i < dev->ifaces.n; i++) {
		if (names_need_safe(d, &dev->ifaces.v[i].loc,
		    dev->ifaces.v[i].s, "device interface name") < 0) {
			rc = -1;
			continue;
		}
		*XPUSH(v, n, cap) = (struct nameref){ dev->ifaces.v[i].s,
		    &dev->ifaces.v[i].loc, "a physical port" };
	}
	for (i = 0; i < dev->n_nets; i++) {
		const struct client_net *cn = &dev->nets[i];

		if (cn->bridge.s == NULL)
			continue;
		if (names_need_safe(d, &cn->bridge.loc, cn->bridge.s,
		    "client network bridge") < 0) {
			rc = -1;
			continue;
		}
		*XPUSH(v, n, cap) = (struct nameref){ cn->bridge.s,
		    &cn->bridge.loc, "a client network bridge" };
	}
	for (i = 0; i < dev->n_insts; i++) {
		const struct instance *in = &dev->insts[i];
		const struct service *s = in->svc;
		struct inst_names nm;

		if (s == NULL)
			continue;
		if (in->id.s == NULL || !names_id_valid(in->id.s, in->id.len)) {
			rc = diag_err(d, &in->id.loc, "unsafe-name",
			    "instance id cannot name a namespace or a "
			    "directory: ids are 1-63 characters of "
			    "[A-Za-z0-9._-], not '.' or '..'");
			continue;
		}
		if (names_check_netns(in, s, d) < 0 ||
		    names_check_env(s, d) < 0) {
			rc = -1;
			continue;
		}
		names_make(&nm, in->id.s);
		if (emit_has_wan(s)) {
			memcpy(gen[ngen], nm.wan, EMIT_IFNAMSIZ);
			*XPUSH(v, n, cap) = (struct nameref){ gen[ngen++],
			    &in->loc, "a WAN veth" };
		}
		if (emit_lan_routed(s)) {
			memcpy(gen[ngen], nm.lan, EMIT_IFNAMSIZ);
			*XPUSH(v, n, cap) = (struct nameref){ gen[ngen++],
			    &in->loc, "a routed LAN veth" };
		}
		for (k = 0; emit_has_lan(s) && k < s->n_ifs; k++) {
			names_bridge(&nm, (unsigned)k, gen[ngen]);
			*XPUSH(v, n, cap) = (struct nameref){ gen[ngen++],
			    &in->loc, "an access bridge" };
			names_access(&nm, (unsigned)k, gen[ngen]);
			*XPUSH(v, n, cap) = (struct nameref){ gen[ngen++],
			    &in->loc, "an access veth" };
		}
	}
	if (rc == 0 && names_dups(v, n, "on the device", d) < 0)
		rc = -1;
	free(v);
	free(gen);
	return rc;
}

int
emit_fleet_validate(const struct fleet *f, struct diag_ctx *d)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < f->n_devs; i++) {
		const struct device *dev = f->devs[i];

		if (dev->id.s == NULL ||
		    !names_id_valid(dev->id.s, dev->id.len)) {
			rc = diag_err(d, &dev->id.loc, "unsafe-name",
			    "device id cannot be a bundle directory: ids are "
			    "1-63 characters of [A-Za-z0-9._-], not '.' or "
			    "'..'");
			continue;
		}
		if (names_check_device(dev, d) < 0)
			rc = -1;
	}
	return rc;
}
