/*
 * model.c - construction, destruction and lookups of the fleet model
 * (model.h).  Every object below a fleet is owned by it.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

static const char *const netmode_names[] = {
	[NETMODE_DISABLED] = "disabled",
	[NETMODE_ALLOCATED] = "allocated",
	[NETMODE_DHCP] = "dhcp",
};

struct fleet *
fleet_new(void)
{
	return xzalloc(sizeof(struct fleet));
}

void
lstr_set(struct lstr *ls, const char *s, size_t len, const struct loc *l)
{
	free(ls->s);
	ls->s = xstrndup(s, len);
	ls->len = len;
	if (l != NULL)
		ls->loc = *l;
	else
		memset(&ls->loc, 0, sizeof(ls->loc));
}

void
lstr_clear(struct lstr *ls)
{
	free(ls->s);
	ls->s = NULL;
	ls->len = 0;
}

static void
lstr_list_free(struct lstr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		lstr_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void
service_free(struct service *s)
{
	size_t i;

	if (s == NULL)
		return;
	lstr_clear(&s->name);
	for (i = 0; i < s->n_env; i++) {
		lstr_clear(&s->env[i].key);
		lstr_clear(&s->env[i].value);
	}
	free(s->env);
	lstr_clear(&s->wan_network);
	for (i = 0; i < s->n_ifs; i++) {
		lstr_clear(&s->ifs[i].name);
		lstr_clear(&s->ifs[i].label);
	}
	free(s->ifs);
	lstr_clear(&s->customer_id);
	lstr_clear(&s->container_image);
	for (i = 0; i < s->n_images; i++) {
		lstr_clear(&s->images[i].arch);
		lstr_clear(&s->images[i].image_reference);
		lstr_clear(&s->images[i].registry_user);
		lstr_clear(&s->images[i].registry_pw);
	}
	free(s->images);
	for (i = 0; i < s->n_volumes; i++) {
		lstr_clear(&s->volumes[i].source);
		lstr_clear(&s->volumes[i].target);
	}
	free(s->volumes);
	lstr_list_free(&s->acks);
	free(s);
}

void
device_free(struct device *d)
{
	struct client_net *cn;
	size_t i;

	if (d == NULL)
		return;
	lstr_clear(&d->id);
	lstr_clear(&d->arch);
	lstr_list_free(&d->ifaces);
	for (i = 0; i < d->n_nets; i++) {
		cn = &d->nets[i];
		lstr_clear(&cn->name);
		lstr_clear(&cn->bridge);
		free(cn->reserved);
	}
	free(d->nets);
	for (i = 0; i < d->n_insts; i++) {
		lstr_clear(&d->insts[i].id);
		lstr_clear(&d->insts[i].service);
	}
	free(d->insts);
	free(d);
}

static void
fleet_index_drop(struct fleet *f)
{
	if (f->idx == NULL)
		return;
	strmap_fini(&f->idx->svcs);
	strmap_fini(&f->idx->devs);
	strmap_fini(&f->idx->insts);
	free(f->idx->refs);
	free(f->idx);
	f->idx = NULL;
}

void
fleet_free(struct fleet *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n_svcs; i++)
		service_free(f->svcs[i]);
	free(f->svcs);
	for (i = 0; i < f->n_devs; i++)
		device_free(f->devs[i]);
	free(f->devs);
	fleet_index_drop(f);
	free(f);
}

struct service *
fleet_service_add(struct fleet *f)
{
	struct service *s = xzalloc(sizeof(*s));

	fleet_index_drop(f);
	*XPUSH(f->svcs, f->n_svcs, f->cap_svcs) = s;
	return s;
}

struct device *
fleet_device_add(struct fleet *f)
{
	struct device *d = xzalloc(sizeof(*d));

	d->gpsd_port = 2947;
	fleet_index_drop(f);
	*XPUSH(f->devs, f->n_devs, f->cap_devs) = d;
	return d;
}

const struct fleet_index *
fleet_index(struct fleet *f)
{
	struct fleet_index *x;
	struct device *dv;
	struct instance *in;
	size_t i, j, n = 0;

	if (f->idx != NULL)
		return f->idx;
	for (i = 0; i < f->n_devs; i++)
		n += f->devs[i]->n_insts;
	x = f->idx = xzalloc(sizeof(*x));
	strmap_init(&x->svcs, f->n_svcs);
	strmap_init(&x->devs, f->n_devs);
	strmap_init(&x->insts, n);
	x->refs = xzalloc((n ? n : 1) * sizeof(*x->refs));
	for (i = 0; i < f->n_svcs; i++)
		if (f->svcs[i]->name.s != NULL)
			(void)strmap_put(&x->svcs, f->svcs[i]->name.s,
			    f->svcs[i]->name.len, f->svcs[i]);
	for (i = 0; i < f->n_devs; i++) {
		dv = f->devs[i];
		if (dv->id.s != NULL)
			(void)strmap_put(&x->devs, dv->id.s, dv->id.len, dv);
		for (j = 0; j < dv->n_insts; j++) {
			in = &dv->insts[j];
			if (in->id.s == NULL)
				continue;
			x->refs[x->n_refs].inst = in;
			x->refs[x->n_refs].dev = dv;
			if (strmap_put(&x->insts, in->id.s, in->id.len,
			    &x->refs[x->n_refs]) == NULL)
				x->n_refs++;
		}
	}
	return x;
}

struct service *
fleet_service_find(struct fleet *f, const char *name)
{
	if (name == NULL)
		return NULL;
	return strmap_get(&fleet_index(f)->svcs, name, strlen(name));
}

struct device *
fleet_device_find(struct fleet *f, const char *id)
{
	if (id == NULL)
		return NULL;
	return strmap_get(&fleet_index(f)->devs, id, strlen(id));
}

const struct inst_ref *
fleet_instance_find(struct fleet *f, const char *id)
{
	if (id == NULL)
		return NULL;
	return strmap_get(&fleet_index(f)->insts, id, strlen(id));
}

/*
 * The service's wan_network when set (NULL if the device has no network
 * of that name), else the first network marked default.  There is no
 * fallback to a lone unmarked network: SPEC 2.1 names the default one.
 */
struct client_net *
device_wan_net(const struct device *d, const struct service *s)
{
	size_t i;

	if (s != NULL && s->wan_network.s != NULL) {
		for (i = 0; i < d->n_nets; i++)
			if (d->nets[i].name.s != NULL &&
			    strcmp(d->nets[i].name.s, s->wan_network.s) == 0)
				return &d->nets[i];
		return NULL;
	}
	for (i = 0; i < d->n_nets; i++)
		if (d->nets[i].is_default.v)
			return &d->nets[i];
	return NULL;
}

const char *
netmode_name(enum netmode m)
{
	if ((size_t)m >= ARRAY_SIZE(netmode_names))
		return "?";
	return netmode_names[m];
}

int
netmode_parse(const char *s, enum netmode *out)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < ARRAY_SIZE(netmode_names); i++)
		if (strcmp(s, netmode_names[i]) == 0) {
			*out = (enum netmode)i;
			return 0;
		}
	return -1;
}
