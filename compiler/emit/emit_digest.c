/*
 * emit_digest.c - the digest of what one device sees (emit_digest.h).
 *
 * A canonical serialisation, hashed as it is produced: every field is a
 * tag byte, then its value as a length-prefixed byte string or a fixed
 * width number, so no two different inputs serialise alike.  Instances
 * come in the order of the emit_dev (by id); lists whose order reaches
 * the bundle (ports, client networks, access interfaces) keep the order
 * they were written in; env entries are sorted by key, as lxc.env is.
 * Nothing that the front-ends only carry along (locations, comments,
 * customer ids, images, volumes) is included.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit_digest.h"
#include "xalloc.h"

/* Bump when the serialisation below changes meaning. */
#define DIGEST_SCHEME	"edgenetc device inputs 1"
/* The bundle format the emitters write (docs/bundle-format.md). */
#define DIGEST_BUNDLE_FORMAT	1

struct dg {
	struct sha256_ctx	c;
	uint8_t			buf[4096];
	size_t			n;
};

static void
dg_put(struct dg *g, const void *p, size_t len)
{
	const uint8_t *s = p;
	size_t k;

	while (len > 0) {
		if (g->n == sizeof(g->buf)) {
			sha256_update(&g->c, g->buf, g->n);
			g->n = 0;
		}
		k = sizeof(g->buf) - g->n;
		if (k > len)
			k = len;
		memcpy(g->buf + g->n, s, k);
		g->n += k;
		s += k;
		len -= k;
	}
}

static void
dg_u64(struct dg *g, char tag, uint64_t v)
{
	uint8_t b[9];
	int i;

	b[0] = (uint8_t)tag;
	for (i = 0; i < 8; i++)
		b[1 + i] = (uint8_t)(v >> (8 * (7 - i)));
	dg_put(g, b, sizeof(b));
}

static void
dg_bytes(struct dg *g, char tag, const char *s, size_t len)
{
	if (s == NULL) {
		dg_u64(g, (char)(tag | 0x80), 0);	/* absent, not empty */
		return;
	}
	dg_u64(g, tag, len);
	dg_put(g, s, len);
}

static void
dg_str(struct dg *g, char tag, const char *s)
{
	dg_bytes(g, tag, s, s != NULL ? strlen(s) : 0);
}

static void
dg_lstr(struct dg *g, char tag, const struct lstr *ls)
{
	dg_bytes(g, tag, ls->s, ls->len > 0 || ls->s == NULL ? ls->len :
	    strlen(ls->s));
}

static void
dg_addr(struct dg *g, char tag, bool set, const struct addr *a)
{
	uint8_t b[19];
	int i;

	if (!set) {
		dg_u64(g, (char)(tag | 0x80), 0);
		return;
	}
	b[0] = (uint8_t)tag;
	b[1] = a->family;
	b[2] = a->plen;
	for (i = 0; i < 16; i++)
		b[3 + i] = (uint8_t)(a->v >> (8 * (15 - i)));
	dg_put(g, b, sizeof(b));
}

static int
dg_env_cmp(const void *a, const void *b)
{
	const struct env_var *x = *(const struct env_var *const *)a;
	const struct env_var *y = *(const struct env_var *const *)b;

	return strcmp(x->key.s != NULL ? x->key.s : "",
	    y->key.s != NULL ? y->key.s : "");
}

/* The service as its instance runs it (network_config as planned). */
static void
dg_service(struct dg *g, const struct service *s)
{
	const struct env_var **env;
	size_t i;

	dg_lstr(g, 'S', &s->name);
	dg_u64(g, 'g', s->gpsd.v);
	dg_addr(g, 's', s->subnet.set, &s->subnet.a);
	dg_addr(g, 't', s->tmpl.set, &s->tmpl.a);
	dg_addr(g, 'r', s->range.set, &s->range.a);
	env = xmalloc((s->n_env + 1) * sizeof(*env));
	for (i = 0; i < s->n_env; i++)
		env[i] = &s->env[i];
	qsort(env, s->n_env, sizeof(*env), dg_env_cmp);
	dg_u64(g, 'E', s->n_env);
	for (i = 0; i < s->n_env; i++) {
		dg_lstr(g, 'k', &env[i]->key);
		dg_lstr(g, 'v', &env[i]->value);
	}
	free(env);
	dg_u64(g, 'w', s->wan.v);
	dg_u64(g, 'l', s->lan.v);
	dg_u64(g, 'm', s->masquerade.v);
	dg_lstr(g, 'n', &s->wan_network);
	dg_u64(g, 'A', s->n_ifs);
	for (i = 0; i < s->n_ifs; i++) {
		dg_lstr(g, 'p', &s->ifs[i].name);
		dg_lstr(g, 'q', &s->ifs[i].label);
	}
}

static void
dg_decisions(struct dg *g, const struct inst_plan *ip)
{
	dg_str(g, 'N', ip->wan_net != NULL ? ip->wan_net->name.s : NULL);
	dg_addr(g, 'b', ip->has_block, &ip->block);
	dg_addr(g, 'a', ip->has_address, &ip->address);
	dg_addr(g, '<', ip->has_pool, &ip->pool_start);
	dg_addr(g, '>', ip->has_pool, &ip->pool_end);
	dg_addr(g, 'W', ip->has_wan, &ip->wan_address);
	dg_addr(g, 'G', ip->has_wan_gw, &ip->wan_gw);
}

static void
dg_device(struct dg *g, const struct device *dev)
{
	size_t i, k;

	dg_lstr(g, 'D', &dev->id);
	dg_lstr(g, 'a', &dev->arch);
	dg_u64(g, 'I', dev->ifaces.n);
	for (i = 0; i < dev->ifaces.n; i++)
		dg_lstr(g, 'i', &dev->ifaces.v[i]);
	dg_u64(g, 'g', dev->has_gpsd);
	dg_u64(g, 'P', dev->gpsd_port);
	dg_u64(g, 'C', dev->n_nets);
	for (i = 0; i < dev->n_nets; i++) {
		const struct client_net *cn = &dev->nets[i];

		dg_lstr(g, 'c', &cn->name);
		dg_u64(g, 'd', cn->is_default.v);
		dg_lstr(g, 'B', &cn->bridge);
		dg_addr(g, 's', cn->subnet.set, &cn->subnet.a);
		dg_u64(g, 'R', cn->n_reserved);
		for (k = 0; k < cn->n_reserved; k++) {
			dg_addr(g, '[', true, &cn->reserved[k].lo);
			dg_addr(g, ']', true, &cn->reserved[k].hi);
		}
	}
}

void
emit_dev_digest(const struct emit_dev *ed, char hex[SHA256_HEX_LEN])
{
	struct dg *g = xmalloc(sizeof(*g));
	uint8_t d[SHA256_DIGEST_LEN];
	size_t i;

	sha256_init(&g->c);
	g->n = 0;
	dg_str(g, 'V', DIGEST_SCHEME);
	dg_str(g, 'T', EDGENETC_VERSION);
	dg_u64(g, 'F', DIGEST_BUNDLE_FORMAT);
	dg_device(g, ed->dev);
	dg_u64(g, 'X', ed->n);
	for (i = 0; i < ed->n; i++) {
		const struct inst_plan *ip = ed->ip[i];

		dg_lstr(g, 'x', &ip->inst->id);
		dg_service(g, ip->svc);
		dg_decisions(g, ip);
	}
	sha256_update(&g->c, g->buf, g->n);
	sha256_final(&g->c, d);
	sha256_hex(d, hex);
	free(g);
}

struct dg_job {
	const struct emit_dev	*eds;
	size_t			 lo, hi;
	char			(*hex)[SHA256_HEX_LEN];
};

static void *
dg_job_run(void *arg)
{
	struct dg_job *j = arg;
	size_t i;

	for (i = j->lo; i < j->hi; i++)
		emit_dev_digest(&j->eds[i], j->hex[i]);
	return NULL;
}

void
emit_devs_digest(const struct emit_dev *eds, size_t n,
    char (*hex)[SHA256_HEX_LEN])
{
	struct dg_job a = { eds, 0, n / 2, hex }, b = { eds, n / 2, n, hex };
	pthread_t t;

	(void)sha256_impl(0);	/* picked once, before the threads */
	if (n < 512 || pthread_create(&t, NULL, dg_job_run, &b) != 0) {
		a.hi = n;
		dg_job_run(&a);
		return;
	}
	dg_job_run(&a);
	pthread_join(t, NULL);
}
