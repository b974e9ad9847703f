/*
 * addr.c - strict parsing, formatting and arithmetic of IPv4/IPv6
 * prefixes as 128-bit integers.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

unsigned
addr_bits(const struct addr *a)
{
	return a->family == ADDR_V6 ? 128 : 32;
}

u128
addr_mask(unsigned bits, unsigned plen)
{
	u128 all = bits == 128 ? ~(u128)0 : (((u128)1 << bits) - 1);

	if (plen == 0)
		return 0;
	if (plen >= bits)
		return all;
	return all & ~((((u128)1) << (bits - plen)) - 1);
}

u128
addr_network(const struct addr *a)
{
	return a->v & addr_mask(addr_bits(a), a->plen);
}

u128
addr_hostpart(const struct addr *a)
{
	unsigned bits = addr_bits(a);

	return a->v & ~addr_mask(bits, a->plen) & addr_mask(bits, bits);
}

u128
addr_last(const struct addr *a)
{
	unsigned bits = addr_bits(a);

	return addr_network(a) | (~addr_mask(bits, a->plen) &
	    addr_mask(bits, bits));
}

u128
addr_size(const struct addr *a)
{
	unsigned host = addr_bits(a) - a->plen;

	if (host >= 128)
		return ~(u128)0;
	return (u128)1 << host;
}

struct addr
addr_make(uint8_t family, u128 v, uint8_t plen)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	a.family = family;
	a.v = v;
	a.plen = plen;
	return a;
}

bool
addr_contains(const struct addr *outer, const struct addr *inner)
{
	if (outer->family != inner->family || inner->plen < outer->plen)
		return false;
	return (inner->v & addr_mask(addr_bits(outer), outer->plen)) ==
	    addr_network(outer);
}

bool
addr_contains_host(const struct addr *net, u128 host)
{
	return (host & addr_mask(addr_bits(net), net->plen)) ==
	    addr_network(net);
}

bool
addr_overlaps(const struct addr *a, const struct addr *b)
{
	return addr_contains(a, b) || addr_contains(b, a);
}

int
addr_cmp(const struct addr *a, const struct addr *b)
{
	u128 na, nb;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	na = addr_network(a);
	nb = addr_network(b);
	if (na != nb)
		return na < nb ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return 0;
}

/*
 * inet_pton() is already strict for IPv4 in glibc (four parts, no leading
 * zeros, decimal only) but we do not rely on the libc: check the shape
 * ourselves first, so "1.2.3.04" and "1.2.3" fail everywhere.
 */
static int
addr_parse_v4(const char *s, size_t n, u128 *out, const char **why)
{
	unsigned parts = 0, val = 0, digits = 0;
	uint32_t v = 0;
	size_t i;

	for (i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '.';

		if (c >= '0' && c <= '9') {
			if (digits > 0 && val == 0) {
				*why = "leading zero in an IPv4 address";
				return -1;
			}
			val = val * 10 + (unsigned)(c - '0');
			if (++digits > 3 || val > 255) {
				*why = "IPv4 address part out of range";
				return -1;
			}
		} else if (c == '.') {
			if (digits == 0) {
				*why = "empty part in an IPv4 address";
				return -1;
			}
			if (++parts > 4) {
				*why = "too many parts in an IPv4 address";
				return -1;
			}
			v = (v << 8) | val;
			val = 0;
			digits = 0;
		} else {
			*why = "invalid character in an IPv4 address";
			return -1;
		}
	}
	if (parts != 4) {
		*why = "an IPv4 address needs four parts (a.b.c.d)";
		return -1;
	}
	*out = v;
	return 0;
}

static int
addr_parse_v6(const char *s, size_t n, u128 *out, const char **why)
{
	char buf[64];
	unsigned char b[16];
	u128 v = 0;
	size_t i;

	if (n >= sizeof(buf)) {
		*why = "IPv6 address too long";
		return -1;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
			*why = "invalid character in an IPv6 address";
			return -1;
		}
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, b) != 1) {
		*why = "malformed IPv6 address";
		return -1;
	}
	for (i = 0; i < 16; i++)
		v = (v << 8) | b[i];
	*out = v;
	return 0;
}

static int
addr_parse_host_n(const char *s, size_t n, struct addr *out,
    const char **why)
{
	memset(out, 0, sizeof(*out));
	if (n == 0) {
		*why = "empty address";
		return -1;
	}
	if (memchr(s, ':', n) != NULL) {
		out->family = ADDR_V6;
		out->plen = 128;
		return addr_parse_v6(s, n, &out->v, why);
	}
	out->family = ADDR_V4;
	out->plen = 32;
	return addr_parse_v4(s, n, &out->v, why);
}

int
addr_parse_host(const char *s, struct addr *out, const char **why)
{
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	return addr_parse_host_n(s, strlen(s), out, why);
}

int
addr_parse(const char *s, struct addr *out, const char **why)
{
	const char *slash, *p, *dummy;
	unsigned plen = 0;

	if (why == NULL)
		why = &dummy;
	slash = strchr(s, '/');
	if (slash == NULL) {
		*why = "expected an address with a prefix length, A/P";
		return -1;
	}
	if (addr_parse_host_n(s, (size_t)(slash - s), out, why) == -1)
		return -1;
	p = slash + 1;
	if (*p == '\0') {
		*why = "missing prefix length after '/'";
		return -1;
	}
	if (p[0] == '0' && p[1] != '\0') {
		*why = "leading zero in the prefix length";
		return -1;
	}
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			*why = strchr(slash + 1, '.') != NULL ?
			    "netmasks are not accepted; use a prefix length" :
			    "invalid character in the prefix length";
			return -1;
		}
		plen = plen * 10 + (unsigned)(*p - '0');
		if (plen > addr_bits(out)) {
			*why = out->family == ADDR_V6 ?
			    "prefix length past 128" : "prefix length past 32";
			return -1;
		}
	}
	out->plen = (uint8_t)plen;
	return 0;
}

/* Decimal digits of v < 1000 at p; returns the end. */
static char *
addr_put_dec(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/*
 * IPv4 without printf: answers of batch allocations are formatted on
 * the hot path.  len must hold "255.255.255.255/32".
 */
static char *
addr_format_v4(const struct addr *a, bool with_plen, char *buf)
{
	uint32_t v = (uint32_t)a->v;
	char *p = buf;

	p = addr_put_dec(p, v >> 24);
	*p++ = '.';
	p = addr_put_dec(p, (v >> 16) & 0xff);
	*p++ = '.';
	p = addr_put_dec(p, (v >> 8) & 0xff);
	*p++ = '.';
	p = addr_put_dec(p, v & 0xff);
	if (with_plen) {
		*p++ = '/';
		p = addr_put_dec(p, a->plen);
	}
	*p = '\0';
	return buf;
}

char *
addr_format_host(const struct addr *a, char *buf, size_t len)
{
	unsigned char b[16];
	int i;

	if (a->family == ADDR_V6) {
		for (i = 15; i >= 0; i--)
			b[i] = (unsigned char)(a->v >> (8 * (15 - i)));
		if (inet_ntop(AF_INET6, b, buf, (socklen_t)len) == NULL)
			snprintf(buf, len, "?");
	} else if (len >= sizeof("255.255.255.255/32")) {
		addr_format_v4(a, false, buf);
	} else {
		uint32_t v = (uint32_t)a->v;

		snprintf(buf, len, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255,
		    (v >> 8) & 255, v & 255);
	}
	return buf;
}

char *
addr_format(const struct addr *a, char *buf, size_t len)
{
	size_t n;

	if (a->family == ADDR_V4 && len >= sizeof("255.255.255.255/32"))
		return addr_format_v4(a, true, buf);
	addr_format_host(a, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, "/%u", a->plen);
	return buf;
}

char *
addr_format_mask(const struct addr *a, char *buf, size_t len)
{
	struct addr m;

	if (a->family == ADDR_V6) {
		snprintf(buf, len, "%u", a->plen);
		return buf;
	}
	m = addr_make(ADDR_V4, addr_mask(32, a->plen), 32);
	return addr_format_host(&m, buf, len);
}
