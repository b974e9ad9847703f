/*
 * addr.h - family-agnostic IPv4/IPv6 prefix type.
 *
 * An address is kept as a 128-bit unsigned integer in host order (IPv4 in
 * the low 32 bits) plus a family and a prefix length, so that allocation
 * arithmetic is the same code for both families.
 */
#ifndef EDGENETC_ADDR_H
#define EDGENETC_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 u128;

#define ADDR_V4 4
#define ADDR_V6 6

/* "255.255.255.255/32" and "ffff:...:ffff/128" fit */
#define ADDR_STRLEN 48

struct addr {
	u128	v;	/* the address as written (host part kept) */
	uint8_t	family;	/* ADDR_V4 or ADDR_V6; 0 = unset */
	uint8_t	plen;	/* prefix length, 0..32 or 0..128 */
};

/*
 * Strict parse of "A/P".  Rejects "10.1/16", netmasks, leading zeros,
 * prefixes past 32/128, embedded whitespace and trailing junk.  Returns 0,
 * or -1 with a static reason in *why (may be NULL).
 */
int	 addr_parse(const char *s, struct addr *out, const char **why);
/* Strict parse of a bare host address "A"; plen is set to 32/128. */
int	 addr_parse_host(const char *s, struct addr *out, const char **why);

/* Formats "A/P" (addr_format) or "A" (addr_format_host) into buf. */
char	*addr_format(const struct addr *a, char *buf, size_t len);
char	*addr_format_host(const struct addr *a, char *buf, size_t len);
/* Dotted netmask of an IPv4 prefix ("255.255.0.0"); IPv6: "/P" digits. */
char	*addr_format_mask(const struct addr *a, char *buf, size_t len);

unsigned addr_bits(const struct addr *a);		/* 32 or 128 */
u128	 addr_mask(unsigned bits, unsigned plen);	/* network mask */
u128	 addr_network(const struct addr *a);		/* v & mask */
u128	 addr_hostpart(const struct addr *a);		/* v & ~mask */
u128	 addr_last(const struct addr *a);		/* network | ~mask */
/* Block size 2^(bits - plen); saturates at 2^128 - 1 for /0 in IPv6. */
u128	 addr_size(const struct addr *a);
/* Same family and inner's network lies within outer's network. */
bool	 addr_contains(const struct addr *outer, const struct addr *inner);
bool	 addr_contains_host(const struct addr *net, u128 host);
bool	 addr_overlaps(const struct addr *a, const struct addr *b);
/* Compare networks: family, then network value, then plen. */
int	 addr_cmp(const struct addr *a, const struct addr *b);
struct addr addr_make(uint8_t family, u128 v, uint8_t plen);

#endif
