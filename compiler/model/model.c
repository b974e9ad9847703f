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
	free(f);
}

struct service *
fleet_service_add(struct fleet *f)
{
	struct service *s = xzalloc(sizeof(*s));

	*XPUSH(f->svcs, f->n_svcs, f->cap_svcs) = s;
	return s;
}

struct device *
fleet_device_add(struct fleet *f)
{
	struct device *d = xzalloc(sizeof(*d));

	d->gpsd_port = 2947;
	*XPUSH(f->devs, f->n_devs, f->cap_devs) = d;
	return d;
}

struct service *
fleet_service_find(const struct fleet *f, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < f->n_svcs; i++)
		if (f->svcs[i]->name.s != NULL &&
		    strcmp(f->svcs[i]->name.s, name) == 0)
			return f->svcs[i];
	return NULL;
}

struct device *
fleet_device_find(const struct fleet *f, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < f->n_devs; i++)
		if (f->devs[i]->id.s != NULL &&
		    strcmp(f->devs[i]->id.s, id) == 0)
			return f->devs[i];
	return NULL;
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
