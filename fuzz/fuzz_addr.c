/*
 * libFuzzer harness: addr_parse() and addr_parse_host().  Whatever
 * parses must format and parse back to the same value (a round trip),
 * and the arithmetic on it must not trip the sanitizers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_roundtrip(const struct addr *a, bool host)
{
	char buf[ADDR_STRLEN];
	struct addr b;

	if (host)
		addr_format_host(a, buf, sizeof(buf));
	else
		addr_format(a, buf, sizeof(buf));
	if ((host ? addr_parse_host(buf, &b, NULL) :
	    addr_parse(buf, &b, NULL)) < 0)
		abort();
	if (a->v != b.v || a->family != b.family || a->plen != b.plen)
		abort();
	if (!host) {
		addr_format_mask(a, buf, sizeof(buf));
		if (!addr_contains(a, a) || addr_cmp(a, &b) != 0)
			abort();
		if ((addr_network(a) | addr_hostpart(a)) != a->v)
			abort();
		if (addr_last(a) < addr_network(a) || addr_size(a) == 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr a;
	const char *why;
	char *s;

	if (size > 256)
		return 0;
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (addr_parse(s, &a, &why) == 0)
		fuzz_roundtrip(&a, false);
	else if (why == NULL)
		abort();
	if (addr_parse_host(s, &a, &why) == 0)
		fuzz_roundtrip(&a, true);
	else if (why == NULL)
		abort();
	free(s);
	return 0;
}
