/*
 * emit_env.c - instances/<id>/lxc.env (edgenetc-input(5), "Network policy").
 *
 * One KEY='value' line per variable, sorted by key (strcmp): the order of
 * a map in the input is not part of its meaning, and YAML, JSON and
 * GraphQL inputs must give the same bytes.  Inside single quotes a POSIX
 * shell takes every byte literally except the closing quote, so a value's
 * quotes are written as '\'' (close, escaped quote, reopen) and nothing
 * else needs escaping: newlines, $, backticks and backslashes are kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "xalloc.h"

void
emit_env_line(struct buf *out, const char *key, const char *val, size_t len)
{
	size_t i, start = 0;

	buf_puts(out, key);
	buf_puts(out, "='");
	for (i = 0; i < len; i++) {
		if (val[i] != '\'')
			continue;
		buf_add(out, val + start, i - start);
		buf_puts(out, "'\\''");
		start = i + 1;
	}
	buf_add(out, val + start, len - start);
	buf_puts(out, "'\n");
}

unsigned
emit_gpsd_port(const struct device *dev)
{
	if (dev->has_gpsd && dev->gpsd_port != 0)
		return dev->gpsd_port;
	return EMIT_GPSD_PORT;
}

bool
emit_gpsd_host(const struct inst_plan *ip, struct addr *out)
{
	const struct client_net *cn = ip->wan_net;

	/* WAN disabled: the instance has no path to GPSd (check warns), but
	 * the variables still name the device's default client network. */
	if (cn == NULL)
		cn = device_wan_net(ip->dev, ip->svc);
	if (cn == NULL || !cn->subnet.set)
		return false;
	*out = cn->subnet.a;
	return true;
}

struct env_ent {
	const char	*key;
	const char	*val;
	size_t		 len;
	size_t		 idx;		/* input order, to keep the last */
};

static int
env_ent_cmp(const void *a, const void *b)
{
	const struct env_ent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void
emit_env(const struct inst_plan *ip, struct buf *out)
{
	const struct service *s = ip->svc;
	struct env_ent *v;
	char host[ADDR_STRLEN], port[12];
	struct addr ha;
	size_t i, n = 0;
	bool gpsd = s->gpsd.v, has_host = false;

	v = xzalloc((s->n_env + 2) * sizeof(*v));
	if (gpsd) {
		has_host = emit_gpsd_host(ip, &ha);
		if (has_host) {
			addr_format_host(&ha, host, sizeof(host));
			v[n++] = (struct env_ent){ "CONFIG_GPSD_HOST", host,
			    strlen(host), 0 };
		}
		snprintf(port, sizeof(port), "%u", emit_gpsd_port(ip->dev));
		v[n++] = (struct env_ent){ "CONFIG_GPSD_PORT", port,
		    strlen(port), 0 };
	}
	for (i = 0; i < s->n_env; i++) {
		const struct env_var *e = &s->env[i];

		/* The compiler's own GPSd values win over the spec's
		 * (lint warns: reserved-env-key). */
		if (gpsd && (strcmp(e->key.s, "CONFIG_GPSD_PORT") == 0 ||
		    (has_host && strcmp(e->key.s, "CONFIG_GPSD_HOST") == 0)))
			continue;
		v[n++] = (struct env_ent){ e->key.s, e->value.s,
		    e->value.len, i };
	}
	qsort(v, n, sizeof(*v), env_ent_cmp);
	for (i = 0; i < n; i++) {
		/* The map keeps the last of two equal keys. */
		if (i + 1 < n && strcmp(v[i].key, v[i + 1].key) == 0)
			continue;
		emit_env_line(out, v[i].key, v[i].val, v[i].len);
	}
	free(v);
}
