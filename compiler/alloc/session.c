/*
 * session.c - the allocation rules (edgenetc-input(5), "Allocation") on
 * top of the ledger: allocation sessions (alloc.h).
 *
 * A session is one ledger transaction.  It keeps two kinds of in-memory
 * allocator spaces (alloc.c), filled from the ledger on first use:
 *
 *   the fleet space  template blocks and shared ranges of every service,
 *                    both families.  Every service's dhcp_range is marked
 *                    at begin; leases are read per request, only past the
 *                    pool's watermark for the block size (ledger.h
 *                    hint_get), and each part of the space only once.
 *   device spaces    one per device: fixed-subnet LAN addresses and WAN
 *                    addresses held on it, plus the device's own address
 *                    and reserved ranges of each of its client networks.
 *
 * Every decision is written to the ledger as it is made; nothing is
 * visible to anyone else until the session commits (which also writes
 * the moved watermarks), and a rollback leaves the ledger exactly as
 * before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "alloc.h"
#include "ledger.h"
#include "strmap.h"
#include "xalloc.h"

struct devspace {
	char			*id;
	struct alloc_space	*sp;
	bool			 reserved;	/* client networks marked */
};

struct svcstate {
	const struct service	*svc;		/* key: &svc (pointer bytes) */
	bool			 range_ok;	/* dhcp_range checked */
};

/* A part of the fleet space whose leases have been read. */
struct ivl {
	uint8_t		 family;
	u128		 lo, hi;
};

/* A pool watermark (ledger.h hint_get), as read and as moved since. */
struct hint {
	struct addr	 pool;		/* network/plen */
	unsigned	 tplen;
	bool		 full;
	u128		 next;
	bool		 dirty;
};

struct alloc_session {
	struct ledger		*l;
	struct diag_ctx		*d;
	int64_t			 now;
	bool			 in_tx;
	bool			 broken;	/* the ledger failed */
	struct alloc_space	*fleet;
	struct ivl		*loaded;	/* fleet ranges read */
	size_t			 n_loaded, cap_loaded;
	struct hint		*hints;
	size_t			 n_hints, cap_hints;
	bool			 no_hints;	/* a reservation moved */
	struct strmap		 devs;		/* id -> struct devspace */
	struct devspace		**dv;
	size_t			 n_dv, cap_dv;
	struct strmap		 svcs;		/* &svc -> struct svcstate */
	struct svcstate		**sv;
	size_t			 n_sv, cap_sv;
	/* alloc_session_preload: every live generation, read in one pass */
	struct alloc_known	*known;
	bool			 own_known;
	uint8_t			*taken;		/* known->v[i] asked for */
	size_t			 n_taken;
	size_t			 n_netcfg;	/* network_configs replaced */
};

#define QLEN	ADDR_STRLEN

static const char *
fmt_addr(const struct addr *a, char *buf)
{
	return addr_format(a, buf, QLEN);
}

static struct addr
host_of(uint8_t family, u128 v)
{
	return addr_make(family, v, family == ADDR_V6 ? 128 : 32);
}

static struct addr
net_of(const struct addr *a)
{
	return addr_make(a->family, addr_network(a), a->plen);
}

int64_t
alloc_now(void)
{
	const char *s = getenv("EDGENETC_NOW");
	char *end;
	long long v;

	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v > 0)
			return v;
	}
	return (int64_t)time(NULL);
}

/*
 * Sessions
 */

struct alloc_session *
alloc_session_new(struct ledger *l, struct diag_ctx *d, int64_t now)
{
	struct alloc_session *s = xzalloc(sizeof(*s));

	s->l = l;
	s->d = d;
	s->now = now;
	s->fleet = alloc_space_new();
	strmap_init(&s->devs, 0);
	strmap_init(&s->svcs, 0);
	return s;
}

void
alloc_session_free(struct alloc_session *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->in_tx)
		alloc_session_rollback(s);
	alloc_space_free(s->fleet);
	free(s->loaded);
	free(s->hints);
	for (i = 0; i < s->n_dv; i++) {
		alloc_space_free(s->dv[i]->sp);
		free(s->dv[i]->id);
		free(s->dv[i]);
	}
	free(s->dv);
	for (i = 0; i < s->n_sv; i++)
		free(s->sv[i]);
	free(s->sv);
	if (s->own_known)
		alloc_known_free(s->known);
	free(s->taken);
	strmap_fini(&s->devs);
	strmap_fini(&s->svcs);
	free(s);
}

static int
sess_ledger_err(struct alloc_session *s)
{
	s->broken = true;
	return diag_err(s->d, NULL, "ledger", "ledger: %s", s->l->err);
}

static int
sess_mark_resv(void *arg, const struct ledger_svc *sv)
{
	struct alloc_session *s = arg;

	if (sv->has_range)
		alloc_space_mark_block(s->fleet, &sv->range);
	return 0;
}

int
alloc_session_begin(struct alloc_session *s)
{
	if (s->l->ops->begin(s->l) != 0)
		return sess_ledger_err(s);
	s->in_tx = true;
	/* released leases whose cooldown ended become free again; every
	 * service's dhcp_range is reserved for the whole session */
	if (s->l->ops->expire(s->l, s->now) != 0 ||
	    s->l->ops->svc_scan(s->l, sess_mark_resv, s) != 0) {
		sess_ledger_err(s);
		alloc_session_rollback(s);
		return -1;
	}
	return 0;
}

/*
 * Known instances: a ledger's live generations, read in one pass
 */

struct alloc_known {
	struct ledger_inst	*v;
	size_t			 n, cap;
	struct strmap		 ids;		/* instance -> &v[i] */
	bool			 versioned;	/* read outside a session */
	int64_t			 version;	/* ledger data_version then */
	bool			 consume;	/* one session: free as used */
};

static int
known_keep(void *arg, struct ledger_inst *in)
{
	struct alloc_known *k = arg;

	*XPUSH(k->v, k->n, k->cap) = *in;
	memset(in, 0, sizeof(*in));
	return 0;
}

struct alloc_known *
alloc_known_read(struct ledger *l)
{
	struct alloc_known *k = xzalloc(sizeof(*k));
	size_t i;
	int r;

	r = l->ops->inst_live != NULL ? l->ops->inst_live(l, known_keep, k) :
	    l->ops->inst_scan(l, false, known_keep, k);
	strmap_init(&k->ids, k->n);
	for (i = 0; i < k->n; i++)
		strmap_put(&k->ids, k->v[i].instance, strlen(k->v[i].instance),
		    &k->v[i]);
	if (r != 0) {
		alloc_known_free(k);
		return NULL;
	}
	return k;
}

struct alloc_known *
alloc_known_snapshot(struct ledger *l)
{
	struct alloc_known *k;
	int64_t v;

	/* the version first: a commit from now on makes it stale */
	if (l->ops->data_version == NULL || l->ops->data_version(l, &v) != 0 ||
	    (k = alloc_known_read(l)) == NULL)
		return NULL;
	k->versioned = true;
	k->version = v;
	k->consume = true;
	return k;
}

void
alloc_known_free(struct alloc_known *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->n; i++)
		ledger_inst_fini(&k->v[i]);
	free(k->v);
	strmap_fini(&k->ids);
	free(k);
}

int
alloc_session_preload(struct alloc_session *s, struct alloc_known *k)
{
	int64_t v;

	/* a snapshot another writer has committed past is read again */
	if (k != NULL && k->versioned && (s->l->ops->data_version(s->l,
	    &v) != 0 || v != k->version))
		k = NULL;
	if (k == NULL) {
		if ((k = alloc_known_read(s->l)) == NULL)
			return sess_ledger_err(s);
		k->consume = true;
		s->own_known = true;
	}
	s->known = k;
	s->taken = xzalloc(k->n + 1);
	return 0;
}

/*
 * Frees what a session has used of a known instance read for it alone
 * (the peak of a large plan is then the plan, not the plan and every
 * lease); its id stays, as the map's key.
 */
static void
known_consume(struct alloc_known *k, const struct ledger_inst *cur)
{
	struct ledger_inst *in = &k->v[cur - k->v];
	char *id = in->instance;

	in->instance = NULL;
	ledger_inst_fini(in);
	in->instance = id;
}

/* The live generation of instance, when preloaded and not asked for. */
static const struct ledger_inst *
sess_known(struct alloc_session *s, const char *instance)
{
	struct ledger_inst *in;

	if (s->known == NULL || (in = strmap_get(&s->known->ids, instance,
	    strlen(instance))) == NULL || s->taken[in - s->known->v])
		return NULL;
	s->taken[in - s->known->v] = 1;
	s->n_taken++;
	/* no service: used up by an earlier try of this plan; the ledger
	 * has it */
	return in->service != NULL ? in : NULL;
}

bool
alloc_session_broken(const struct alloc_session *s)
{
	return s->broken;
}

size_t
alloc_session_unasked(const struct alloc_session *s)
{
	return s->known != NULL ? s->known->n - s->n_taken : 0;
}

size_t
alloc_session_netcfg_replaced(const struct alloc_session *s)
{
	return s->n_netcfg;
}

int
alloc_session_commit(struct alloc_session *s)
{
	struct hint *h;
	size_t i;

	for (i = 0; i < s->n_hints && !s->no_hints; i++) {
		h = &s->hints[i];
		if (h->dirty && s->l->ops->hint_put(s->l, &h->pool, h->tplen,
		    h->full, h->next) != 0) {
			sess_ledger_err(s);
			alloc_session_rollback(s);
			return -1;
		}
	}
	s->in_tx = false;
	if (s->l->ops->commit(s->l) != 0)
		return sess_ledger_err(s);
	return 0;
}

/*
 * Space was freed in this session: the watermarks read before are no
 * longer true (the ledger dropped its copies), forget them.
 */
static void
sess_freed(struct alloc_session *s)
{
	s->n_hints = 0;
}

/* The watermark of pool for /tplen blocks: from the session, else from
 * the ledger, else the pool's first address. */
static struct hint *
sess_hint(struct alloc_session *s, const struct addr *pool, unsigned tplen)
{
	struct hint *h;
	size_t i;
	int r;

	for (i = 0; i < s->n_hints; i++) {
		h = &s->hints[i];
		if (h->tplen == tplen && addr_cmp(&h->pool, pool) == 0)
			return h;
	}
	h = XPUSH(s->hints, s->n_hints, s->cap_hints);
	memset(h, 0, sizeof(*h));
	h->pool = *pool;
	h->tplen = tplen;
	r = s->no_hints ? 1 : s->l->ops->hint_get(s->l, pool, tplen,
	    &h->full, &h->next);
	if (r < 0) {
		s->n_hints--;
		sess_ledger_err(s);
		return NULL;
	}
	if (r == 1 || (!h->full && !addr_contains_host(pool, h->next))) {
		h->full = false;
		h->next = addr_network(pool);
	}
	return h;
}

void
alloc_session_rollback(struct alloc_session *s)
{
	if (!s->in_tx)
		return;
	s->in_tx = false;
	s->l->ops->rollback(s->l);
}

static int
sess_mark_range(void *arg, uint8_t family, u128 lo, u128 hi)
{
	alloc_space_mark(arg, family, lo, hi);
	return 0;
}

/*
 * Reads the active leases overlapping [lo, hi] of family into the fleet
 * space, except the parts read before.
 */
static int
sess_fleet_load(struct alloc_session *s, uint8_t family, u128 lo, u128 hi)
{
	const struct ivl *v;
	size_t i;

	for (i = 0; i < s->n_loaded && lo <= hi; i++) {
		v = &s->loaded[i];
		if (v->family != family || v->hi < lo || v->lo > hi)
			continue;
		if (v->lo <= lo && v->hi >= hi)
			return 0;
		if (v->lo > lo) {
			/* the part before v, then what is after it */
			if (sess_fleet_load(s, family, lo, v->lo - 1) != 0)
				return -1;
		}
		if (v->hi >= hi)
			return 0;
		lo = v->hi + 1;
		i = (size_t)-1;	/* start over with the rest */
	}
	if (s->l->ops->lease_ranges(s->l, NULL, family, lo, hi,
	    sess_mark_range, s->fleet) != 0)
		return sess_ledger_err(s);
	*XPUSH(s->loaded, s->n_loaded, s->cap_loaded) =
	    (struct ivl){ family, lo, hi };
	return 0;
}

static int
sess_scan_all(struct alloc_session *s, const char *scope, uint8_t family,
    struct alloc_space *sp)
{
	u128 hi = family == ADDR_V6 ? ~(u128)0 : 0xffffffffu;

	return s->l->ops->lease_ranges(s->l, scope, family, 0, hi,
	    sess_mark_range, sp);
}

/* The device's space: its held addresses, and (once dev is known) its own
 * addresses and reserved ranges on every client network. */
static struct devspace *
sess_dev(struct alloc_session *s, const char *id, const struct device *dev)
{
	struct devspace *ds;
	const struct client_net *cn;
	size_t i, j;

	ds = strmap_get(&s->devs, id, strlen(id));
	if (ds == NULL) {
		ds = xzalloc(sizeof(*ds));
		ds->id = xstrdup(id);
		ds->sp = alloc_space_new();
		if (sess_scan_all(s, id, ADDR_V4, ds->sp) != 0 ||
		    sess_scan_all(s, id, ADDR_V6, ds->sp) != 0) {
			sess_ledger_err(s);
			alloc_space_free(ds->sp);
			free(ds->id);
			free(ds);
			return NULL;
		}
		strmap_put(&s->devs, ds->id, strlen(ds->id), ds);
		*XPUSH(s->dv, s->n_dv, s->cap_dv) = ds;
	}
	if (dev != NULL && !ds->reserved) {
		ds->reserved = true;
		for (i = 0; i < dev->n_nets; i++) {
			cn = &dev->nets[i];
			if (cn->subnet.set)
				alloc_space_mark(ds->sp, cn->subnet.a.family,
				    cn->subnet.a.v, cn->subnet.a.v);
			for (j = 0; j < cn->n_reserved; j++)
				if (cn->reserved[j].lo.family != 0 &&
				    cn->reserved[j].lo.family ==
				    cn->reserved[j].hi.family)
					alloc_space_mark(ds->sp,
					    cn->reserved[j].lo.family,
					    cn->reserved[j].lo.v,
					    cn->reserved[j].hi.v);
		}
	}
	return ds;
}

/*
 * network_config immutability (edgenetc-input(5), "Allocation")
 */

char *
alloc_netcfg_json(const struct service *svc)
{
	json_t *o = json_object(), *ifs = json_array(), *i;
	char *s, *r;
	size_t k;

	json_object_set_new(o, "wan_configure_network",
	    json_string(netmode_name(svc->wan.v)));
	json_object_set_new(o, "lan_configure_network",
	    json_string(netmode_name(svc->lan.v)));
	json_object_set_new(o, "masquerade", json_boolean(svc->masquerade.v));
	json_object_set_new(o, "wan_network", svc->wan_network.s != NULL ?
	    json_stringn(svc->wan_network.s, svc->wan_network.len) :
	    json_null());
	for (k = 0; k < svc->n_ifs; k++) {
		i = json_object();
		json_object_set_new(i, "name", svc->ifs[k].name.s != NULL ?
		    json_stringn(svc->ifs[k].name.s, svc->ifs[k].name.len) :
		    json_null());
		json_object_set_new(i, "label", svc->ifs[k].label.s != NULL ?
		    json_stringn(svc->ifs[k].label.s, svc->ifs[k].label.len) :
		    json_null());
		json_array_append_new(ifs, i);
	}
	json_object_set_new(o, "access_interfaces", ifs);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		abort();
	r = xstrdup(s);
	free(s);
	return r;
}

static void
netcfg_set_str(struct lstr *ls, json_t *v, const struct loc *l)
{
	if (json_is_string(v))
		lstr_set(ls, json_string_value(v), json_string_length(v), l);
	else
		lstr_clear(ls);
}

/* Replaces svc's network_config with the recorded one. */
static int
netcfg_apply(struct service *svc, const char *text)
{
	json_t *o, *ifs, *it;
	json_error_t err;
	enum netmode wan, lan;
	const struct loc *l = svc->has_netcfg ? &svc->netcfg_loc : &svc->loc;
	struct access_if *ai;
	size_t k;

	o = json_loads(text, 0, &err);
	if (o == NULL)
		return -1;
	if (!json_is_string(json_object_get(o, "wan_configure_network")) ||
	    !json_is_string(json_object_get(o, "lan_configure_network")) ||
	    netmode_parse(json_string_value(json_object_get(o,
	    "wan_configure_network")), &wan) != 0 ||
	    netmode_parse(json_string_value(json_object_get(o,
	    "lan_configure_network")), &lan) != 0) {
		json_decref(o);
		return -1;
	}
	svc->wan.v = wan;
	svc->lan.v = lan;
	svc->wan.set = svc->lan.set = true;
	svc->wan.loc = svc->lan.loc = *l;
	svc->masquerade.v = json_is_true(json_object_get(o, "masquerade"));
	svc->masquerade.set = true;
	svc->masquerade.loc = *l;
	netcfg_set_str(&svc->wan_network, json_object_get(o, "wan_network"),
	    l);
	for (k = 0; k < svc->n_ifs; k++) {
		lstr_clear(&svc->ifs[k].name);
		lstr_clear(&svc->ifs[k].label);
	}
	svc->n_ifs = 0;
	ifs = json_object_get(o, "access_interfaces");
	json_array_foreach(ifs, k, it) {
		ai = XPUSH(svc->ifs, svc->n_ifs, svc->cap_ifs);
		memset(ai, 0, sizeof(*ai));
		netcfg_set_str(&ai->name, json_object_get(it, "name"), l);
		netcfg_set_str(&ai->label, json_object_get(it, "label"), l);
		ai->loc = *l;
	}
	json_decref(o);
	return 0;
}

/*
 * Records the service on first sight, or checks it against the record:
 * a different network_config is replaced by the recorded one (with a
 * warning), and the dhcp_range reservation follows the latest spec.
 */
static int
sess_service_sync(struct alloc_session *s, struct service *svc)
{
	struct ledger_svc rec, put;
	const struct loc *l = svc->has_netcfg ? &svc->netcfg_loc : &svc->loc;
	char *mine;
	bool known, need_put;
	int r;

	memset(&put, 0, sizeof(put));
	r = s->l->ops->svc_get(s->l, svc->name.s, &rec);
	if (r < 0)
		return sess_ledger_err(s);
	known = r == 0;
	mine = alloc_netcfg_json(svc);
	r = 0;
	if (known && strcmp(rec.netcfg, mine) != 0) {
		diag_warn(s->d, l, "netcfg-immutable",
		    "network_config of service '%s' differs from the one of "
		    "its first import, which is kept (network_config is "
		    "immutable): %s", svc->name.s, rec.netcfg);
		s->n_netcfg++;
		if (netcfg_apply(svc, rec.netcfg) != 0)
			r = diag_err(s->d, l, "ledger", "ledger: the recorded "
			    "network_config of service '%s' cannot be read: "
			    "%s", svc->name.s, rec.netcfg);
	}
	put.name = svc->name.s;
	put.netcfg = known ? rec.netcfg : mine;
	put.created = known ? rec.created : s->now;
	if (svc->range.set) {
		put.has_range = true;
		put.range = net_of(&svc->range.a);
		alloc_space_mark_block(s->fleet, &put.range);
	}
	need_put = !known || rec.has_range != put.has_range ||
	    (put.has_range && addr_cmp(&rec.range, &put.range) != 0);
	/* the old reservation stays marked in this session's fleet space:
	 * watermarks computed now could skip space it no longer holds */
	if (known && need_put && rec.has_range)
		s->no_hints = true;
	if (r == 0 && need_put && s->l->ops->svc_put(s->l, &put) != 0)
		r = sess_ledger_err(s);
	if (known)
		ledger_svc_fini(&rec);
	free(mine);
	return r;
}

static struct svcstate *
sess_service(struct alloc_session *s, struct service *svc)
{
	struct svcstate *st;

	st = strmap_get(&s->svcs, (const char *)&svc, sizeof(svc));
	if (st != NULL)
		return st;
	if (sess_service_sync(s, svc) != 0)
		return NULL;
	st = xzalloc(sizeof(*st));
	st->svc = svc;
	strmap_put(&s->svcs, (const char *)&st->svc, sizeof(st->svc), st);
	*XPUSH(s->sv, s->n_sv, s->cap_sv) = st;
	return st;
}

int
alloc_session_fleet(struct alloc_session *s, struct fleet *f)
{
	size_t i;
	int r = 0;

	for (i = 0; i < f->n_svcs && !s->broken; i++)
		if (f->svcs[i]->name.s != NULL &&
		    sess_service(s, f->svcs[i]) == NULL)
			r = -1;
	return r;
}

/*
 * Decisions
 */

struct decide {
	struct alloc_session	*s;
	struct service		*svc;
	const struct device	*dev;
	const char		*device_id;
	const struct instance	*inst;
	const char		*instance_id;
	int64_t			 gen;
};

static const struct loc *
dc_loc(const struct decide *c, const struct laddr *field)
{
	if (c->inst != NULL)
		return &c->inst->loc;
	if (field != NULL && field->set)
		return &field->loc;
	return &c->svc->loc;
}

/* "N of N" for an exhausted pool of count slots. */
static int
dc_exhausted(struct decide *c, const struct laddr *field, const char *what,
    u128 count, const char *unit)
{
	char n[48];

	alloc_u128_str(count, n, sizeof(n));
	return diag_err(c->s->d, dc_loc(c, field), "alloc-exhausted",
	    "%s exhausted: %s of %s %s in use (instance '%s', service "
	    "'%s', device '%s')", what, n, n, unit, c->instance_id,
	    c->svc->name.s, c->device_id);
}

static int
dc_record(struct decide *c, struct lease *ls)
{
	ls->gen = c->gen;
	ls->created = c->s->now;
	if (c->s->l->ops->lease_add(c->s->l, ls) != 0)
		return sess_ledger_err(c->s);
	return 0;
}

/*
 * The lowest free aligned /P_T block of the pool, reading only the leases
 * past the pool's watermark for that size.  The watermark then moves past
 * the block: no free block of that size starts below it any more.
 */
static int
dc_template(struct decide *c, struct lease *ls)
{
	const struct addr *S = &c->svc->subnet.a, *T = &c->svc->tmpl.a;
	struct addr pool = net_of(S), blk;
	struct hint *h;
	char pb[QLEN], what[160];
	u128 end;

	if ((h = sess_hint(c->s, &pool, T->plen)) == NULL)
		return -1;
	if (!h->full) {
		if (sess_fleet_load(c->s, pool.family, h->next,
		    addr_last(&pool)) != 0)
			return -1;
		if (alloc_space_get(c->s->fleet, &pool, T->plen, h->next,
		    ~(u128)0, &blk) == 0)
			goto found;
		h->full = h->dirty = true;
	}
	snprintf(what, sizeof(what), "pool %s (template /%u)",
	    fmt_addr(&pool, pb), T->plen);
	return dc_exhausted(c, &c->svc->tmpl, what, (u128)1 <<
	    (T->plen - S->plen > 127 ? 127 : T->plen - S->plen), "blocks");
found:
	end = addr_last(&blk);
	h->dirty = true;
	if (end >= addr_last(&pool))
		h->full = true;
	else
		h->next = end + 1;
	ls->kind = LEASE_BLOCK;
	ls->held = blk;
	ls->pool = pool;
	ls->tplen = T->plen;
	alloc_lan_layout(&blk, addr_hostpart(T), S->plen, &ls->address,
	    &ls->has_pool, &ls->pool_start, &ls->pool_end);
	return dc_record(c, ls);
}

struct conflict {
	struct addr	 blk;
	bool		 found;
	char		 what[256];
};

static int
dc_conflict_cb(void *arg, const struct lease *ls)
{
	struct conflict *cf = arg;
	char b[QLEN];

	if (ls->kind == LEASE_SHARED && addr_cmp(&ls->held, &cf->blk) == 0)
		return 0;
	cf->found = true;
	snprintf(cf->what, sizeof(cf->what), "%s %s of instance '%s' "
	    "(service '%s')", lease_kind_name(ls->kind),
	    fmt_addr(&ls->held, b), ls->instance ? ls->instance : "?",
	    ls->service ? ls->service : "?");
	return 1;
}

static int
dc_shared(struct decide *c, struct svcstate *st, struct lease *ls)
{
	const struct laddr *S = &c->svc->subnet, *R = &c->svc->range;
	struct conflict cf;
	char rb[QLEN];
	int r;

	memset(&cf, 0, sizeof(cf));
	cf.blk = net_of(&R->a);
	if (!st->range_ok) {
		r = c->s->l->ops->lease_scan(c->s->l, NULL, cf.blk.family,
		    addr_network(&cf.blk), addr_last(&cf.blk), dc_conflict_cb,
		    &cf);
		if (r < 0)
			return sess_ledger_err(c->s);
		if (cf.found)
			return diag_err(c->s->d, dc_loc(c, R),
			    "alloc-range-conflict", "dhcp_range %s of "
			    "service '%s' overlaps %s, allocated earlier",
			    fmt_addr(&R->a, rb), c->svc->name.s, cf.what);
		st->range_ok = true;
	}
	alloc_space_mark_block(c->s->fleet, &cf.blk);
	ls->kind = LEASE_SHARED;
	ls->held = cf.blk;
	ls->pool = S->set ? net_of(&S->a) : cf.blk;
	ls->tplen = R->a.plen;
	alloc_lan_layout(&cf.blk, addr_hostpart(&R->a),
	    S->set ? S->a.plen : R->a.plen, &ls->address, &ls->has_pool,
	    &ls->pool_start, &ls->pool_end);
	return dc_record(c, ls);
}

/* Lowest free host of net in [lo, hi] of the device space, trying
 * [start, hi] first and then wrapping to [lo, start - 1]. */
static int
dc_host(struct devspace *ds, const struct addr *net, u128 start, u128 lo,
    u128 hi, struct addr *out)
{
	unsigned bits = addr_bits(net);

	if (start < lo || start > hi)
		start = lo;
	if (alloc_space_get(ds->sp, net, bits, start, hi, out) == 0)
		return 0;
	if (start > lo &&
	    alloc_space_get(ds->sp, net, bits, lo, start - 1, out) == 0)
		return 0;
	return -1;
}

static int
dc_fixed(struct decide *c, struct lease *ls)
{
	const struct addr *S = &c->svc->subnet.a;
	struct addr net = net_of(S), x, blk;
	struct devspace *ds;
	u128 lo, hi, start;
	char nb[QLEN], what[200];

	if ((ds = sess_dev(c->s, c->device_id, c->dev)) == NULL)
		return -1;
	alloc_host_range(S, &lo, &hi);
	start = addr_hostpart(S) != 0 ? S->v : lo;
	if (dc_host(ds, &net, start, lo, hi, &x) != 0) {
		snprintf(what, sizeof(what), "subnet %s on device '%s'",
		    fmt_addr(&net, nb), c->device_id);
		return dc_exhausted(c, &c->svc->subnet, what, hi - lo + 1,
		    "addresses");
	}
	ls->kind = LEASE_FIXED;
	ls->scope = (char *)c->device_id;
	ls->held = x;
	ls->pool = net;
	ls->tplen = x.plen;
	/* the layout of the whole subnet around the address found (x is
	 * past the network address whenever the subnet has a pool) */
	blk = net;
	alloc_lan_layout(&blk, x.v - net.v, S->plen, &ls->address,
	    &ls->has_pool, &ls->pool_start, &ls->pool_end);
	ls->address = addr_make(S->family, x.v, S->plen);
	return dc_record(c, ls);
}

static int
dc_wan(struct decide *c, const struct client_net *cn, struct lease *ls)
{
	const struct addr *C = &cn->subnet.a;
	struct addr net = net_of(C), x;
	struct devspace *ds;
	u128 lo, hi;
	char nb[QLEN], what[200];

	if ((ds = sess_dev(c->s, c->device_id, c->dev)) == NULL)
		return -1;
	alloc_host_range(C, &lo, &hi);
	if (dc_host(ds, &net, lo, lo, hi, &x) != 0) {
		snprintf(what, sizeof(what), "client network '%s' (%s) on "
		    "device '%s'", cn->name.s ? cn->name.s : "?",
		    fmt_addr(&net, nb), c->device_id);
		return dc_exhausted(c, &cn->subnet, what, hi - lo + 1,
		    "host addresses");
	}
	ls->kind = LEASE_WAN;
	ls->scope = (char *)c->device_id;
	ls->held = x;
	ls->pool = net;
	ls->tplen = x.plen;
	ls->address = addr_make(C->family, x.v, C->plen);
	return dc_record(c, ls);
}

/* The live LAN or WAN lease of li; without the device's own ones when
 * the instance moved (no_dev). */
static const struct lease *
find_lease(const struct ledger_inst *li, bool lan, bool no_dev)
{
	size_t i;

	for (i = 0; li != NULL && i < li->n_leases; i++)
		if ((li->leases[i].kind == LEASE_WAN) != lan &&
		    (!no_dev || li->leases[i].scope == NULL))
			return &li->leases[i];
	return NULL;
}

/*
 * Reconciles the recorded generation with the instance as asked now:
 * *found becomes false when it is released (another service), *no_dev
 * true when its device addresses are (it moved).
 */
static int
dc_existing(struct decide *c, const struct ledger_inst *li, bool *found,
    bool *no_dev)
{
	struct alloc_session *s = c->s;
	struct ledger *l = s->l;

	if (strcmp(li->service, c->svc->name.s) != 0) {
		diag_warn(s->d, dc_loc(c, NULL), "alloc-service-changed",
		    "instance '%s' was allocated for service '%s' and now "
		    "runs service '%s': its decisions are released and made "
		    "again", c->instance_id, li->service, c->svc->name.s);
		if (l->ops->inst_release(l, li->gen, s->now, 0) != 0)
			return sess_ledger_err(s);
		sess_freed(s);
		*found = false;
		return 0;
	}
	c->gen = li->gen;
	if (strcmp(li->device, c->device_id) != 0) {
		diag_warn(s->d, dc_loc(c, NULL), "alloc-moved",
		    "instance '%s' moved from device '%s' to '%s': it keeps "
		    "its fleet-wide block; its device addresses are made "
		    "again", c->instance_id, li->device, c->device_id);
		if (l->ops->lease_release(l, li->gen, LEASE_FIXED,
		    s->now) != 0 ||
		    l->ops->lease_release(l, li->gen, LEASE_WAN, s->now) != 0 ||
		    l->ops->inst_set_device(l, li->gen, c->device_id) != 0)
			return sess_ledger_err(s);
		*no_dev = true;
	}
	return 0;
}

/* The LAN subnet a recorded LAN lease should lie in now. */
static const struct laddr *
lan_home(const struct service *svc)
{
	return svc->subnet.set ? &svc->subnet : &svc->range;
}

static void
fill_lan(struct inst_plan *out, const struct service *svc,
    const struct lease *ls)
{
	if (ls->kind != LEASE_FIXED) {
		out->has_block = true;
		out->block = ls->held;
	}
	out->has_address = true;
	out->address = ls->address;
	if (svc->lan.v == NETMODE_DHCP && ls->has_pool) {
		out->has_pool = true;
		out->pool_start = ls->pool_start;
		out->pool_end = ls->pool_end;
	}
}

static int
dc_lan(struct decide *c, struct svcstate *st, const struct lease *have,
    struct inst_plan *out)
{
	struct service *svc = c->svc;
	const struct laddr *home = lan_home(svc);
	struct lease ls;
	char a[QLEN], b[QLEN];

	if (svc->lan.v == NETMODE_DISABLED || (!svc->subnet.set &&
	    !svc->range.set))
		return 0;
	if (have != NULL) {
		if (!addr_contains(&home->a, &have->held))
			diag_warn(c->s->d, dc_loc(c, home),
			    "alloc-outside-subnet", "instance '%s' keeps "
			    "%s %s, which lies outside service '%s''s %s %s",
			    c->instance_id, have->kind == LEASE_FIXED ?
			    "address" : "block", fmt_addr(&have->held, a),
			    svc->name.s, home == &svc->subnet ?
			    "access_provided_subnet" : "dhcp_range",
			    fmt_addr(&home->a, b));
		fill_lan(out, svc, have);
		return 0;
	}
	memset(&ls, 0, sizeof(ls));
	if (svc->tmpl.set && svc->range.set)
		return diag_err(c->s->d, dc_loc(c, &svc->range),
		    "template-and-range", "service '%s' sets both "
		    "dhcp_range and dhcp_range_template", svc->name.s);
	if (svc->tmpl.set) {
		if (!svc->subnet.set || svc->tmpl.a.family !=
		    svc->subnet.a.family || svc->tmpl.a.plen <
		    svc->subnet.a.plen)
			return diag_err(c->s->d, dc_loc(c, &svc->tmpl),
			    "template-outside-subnet", "service '%s': "
			    "dhcp_range_template does not fit "
			    "access_provided_subnet", svc->name.s);
		if (dc_template(c, &ls) != 0)
			return -1;
	} else if (svc->range.set) {
		if (dc_shared(c, st, &ls) != 0)
			return -1;
	} else if (dc_fixed(c, &ls) != 0) {
		return -1;
	}
	fill_lan(out, svc, &ls);
	return 0;
}

static int
dc_wan_decide(struct decide *c, const struct lease *have,
    struct inst_plan *out)
{
	const struct client_net *cn = out->wan_net;
	struct lease ls;
	char a[QLEN], b[QLEN];

	if (c->svc->wan.v != NETMODE_ALLOCATED)
		return 0;
	if (have != NULL && cn != NULL && cn->subnet.set &&
	    !addr_contains(&cn->subnet.a, &have->held)) {
		diag_warn(c->s->d, dc_loc(c, NULL), "alloc-wan-renumbered",
		    "instance '%s': its WAN address %s is not on client "
		    "network '%s' (%s) of device '%s' any more; a new one is "
		    "allocated", c->instance_id, fmt_addr(&have->address, a),
		    cn->name.s ? cn->name.s : "?",
		    fmt_addr(&cn->subnet.a, b), c->device_id);
		if (c->s->l->ops->lease_release(c->s->l, c->gen, LEASE_WAN,
		    c->s->now) != 0)
			return sess_ledger_err(c->s);
		have = NULL;
	}
	if (have == NULL) {
		if (cn == NULL || !cn->subnet.set)
			return 0;	/* the client network is not known */
		memset(&ls, 0, sizeof(ls));
		if (dc_wan(c, cn, &ls) != 0)
			return -1;
		out->wan_address = ls.address;
	} else {
		out->wan_address = have->address;
	}
	out->has_wan = true;
	return 0;
}

int
alloc_session_instance(struct alloc_session *s, struct service *svc,
    const struct device *dev, const char *device_id,
    const struct instance *inst, const char *instance_id,
    struct inst_plan *out)
{
	struct decide c;
	struct ledger_inst own;
	const struct ledger_inst *cur = NULL;
	struct svcstate *st;
	bool found, no_dev = false;
	int r;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.svc = svc;
	c.dev = dev;
	c.device_id = device_id;
	c.inst = inst;
	c.instance_id = instance_id;
	if ((st = sess_service(s, svc)) == NULL)
		return -1;
	out->dev = dev;
	out->inst = inst;
	out->svc = svc;
	if (dev != NULL && svc->wan.v != NETMODE_DISABLED)
		out->wan_net = device_wan_net(dev, svc);
	if (out->wan_net != NULL && out->wan_net->subnet.set) {
		out->has_wan_gw = true;
		out->wan_gw = host_of(out->wan_net->subnet.a.family,
		    out->wan_net->subnet.a.v);
	}
	/* most requests are new instances: try to add it first, and read
	 * the live generation only when there is one (or take it from what
	 * was preloaded) */
	memset(&own, 0, sizeof(own));
	if ((cur = sess_known(s, instance_id)) != NULL) {
		r = 1;
	} else {
		r = s->l->ops->inst_add(s->l, instance_id, svc->name.s,
		    device_id, s->now, &c.gen);
		if (r < 0)
			return sess_ledger_err(s);
	}
	found = r == 1;
	if (found) {
		if (cur == NULL) {
			if (s->l->ops->inst_get(s->l, instance_id, &own) != 0)
				return sess_ledger_err(s);
			cur = &own;
		}
		if (dc_existing(&c, cur, &found, &no_dev) != 0) {
			ledger_inst_fini(&own);
			return -1;
		}
		if (!found) {
			cur = NULL;
			if (s->l->ops->inst_add(s->l, instance_id, svc->name.s,
			    device_id, s->now, &c.gen) != 0) {
				ledger_inst_fini(&own);
				return sess_ledger_err(s);
			}
		}
	}
	r = dc_lan(&c, st, find_lease(cur, true, no_dev), out);
	if (r == 0)
		r = dc_wan_decide(&c, find_lease(cur, false, no_dev), out);
	ledger_inst_fini(&own);
	if (cur != NULL && cur != &own && s->known->consume)
		known_consume(s->known, cur);
	return r;
}

int
alloc_session_release(struct alloc_session *s, const char *instance,
    int64_t gen, int64_t cooldown, int64_t *cur)
{
	struct ledger_inst li;
	int r;

	*cur = 0;
	r = s->l->ops->inst_get(s->l, instance, &li);
	if (r < 0)
		return sess_ledger_err(s);
	if (r == 1)
		return 1;
	*cur = li.gen;
	ledger_inst_fini(&li);
	if (gen != 0 && gen != *cur)
		return 2;
	if (s->l->ops->inst_release(s->l, *cur, s->now, cooldown) != 0)
		return sess_ledger_err(s);
	sess_freed(s);
	return 0;
}
