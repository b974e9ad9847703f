/*
 * names.c - host interface names (docs/bundle-format.md), the name and
 * identifier rules of what the emitters write, and which interfaces an
 * instance gets.
 *
 * Host names depend only on the instance id, so they are stable across
 * recompiles and independent of every other instance.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "sha256.h"

void
names_h8(const char *id, char out[9])
{
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN];

	sha256(id, strlen(id), d);
	sha256_hex(d, hex);
	memcpy(out, hex, 8);
	out[8] = '\0';
}

void
names_make(struct inst_names *n, const char *id)
{
	names_h8(id, n->h8);
	memcpy(n->wan, "ew", 2);
	memcpy(n->wan + 2, n->h8, 9);
	memcpy(n->lan, "el", 2);
	memcpy(n->lan + 2, n->h8, 9);
}

static void
names_indexed(const char *pfx, const struct inst_names *n, unsigned k,
    char out[EMIT_IFNAMSIZ])
{
	static const char hexd[] = "0123456789abcdef";

	memcpy(out, pfx, 2);
	memcpy(out + 2, n->h8, 8);
	out[10] = hexd[k & 15];
	out[11] = '\0';
}

void
names_bridge(const struct inst_names *n, unsigned k, char out[EMIT_IFNAMSIZ])
{
	names_indexed("eb", n, k, out);
}

void
names_access(const struct inst_names *n, unsigned k, char out[EMIT_IFNAMSIZ])
{
	names_indexed("ea", n, k, out);
}

/* 1..max bytes of [A-Za-z0-9] and extra, not "." or "..". */
bool
names_env_key_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

bool
emit_has_wan(const struct service *s)
{
	return s->wan.v != NETMODE_DISABLED;
}

bool
emit_has_lan(const struct service *s)
{
	return s->lan.v != NETMODE_DISABLED;
}

bool
emit_lan_routed(const struct service *s)
{
	return emit_has_lan(s) && s->n_ifs == 0;
}

const char *
emit_lan_ifname(const struct service *s)
{
	if (!emit_has_lan(s))
		return NULL;
	if (s->n_ifs > 0)
		return s->ifs[0].label.s;
	return "lan";
}
