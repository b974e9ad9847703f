/*
 * rt_fuzz_manifest - the strict JSON reader (runtime/json.c) and the
 * manifest.json schema and layout checks (runtime/bundle.c), plus the
 * dnsmasq directive check, on arbitrary bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "ctx.h"
#include "json.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_bundle b;
	struct rt_json *v = NULL;
	char err[RT_ERRLEN], *out;
	size_t i, n;

	if (rt_json_parse((const char *)data, size, &v, err,
	    sizeof(err)) == 0 && v == NULL)
		abort();
	rt_json_free(v);
	memset(&b, 0, sizeof(b));
	if (rt_manifest_parse((const char *)data, size, &b, err,
	    sizeof(err)) == 0) {
		/* Accepted: sorted, unique, within the layout. */
		for (i = 1; i < b.nfiles; i++)
			if (strcmp(b.files[i - 1].path, b.files[i].path) >= 0)
				abort();
		for (i = 0; i < b.nids; i++)
			if (!names_id_valid(b.ids[i], strlen(b.ids[i])) ||
			    rt_bundle_ifile(&b, b.ids[i], "lxc.env") == NULL)
				abort();
	}
	rt_bundle_free(&b);
	if (rt_dnsmasq_lint((const char *)data, size, err, sizeof(err)) == 0 &&
	    rt_dnsmasq_render((const char *)data, size, &out, &n) == 0) {
		/* No directive line names a lease file (comments may). */
		if (n > size || strncmp(out, "dhcp-leasefile", 14) == 0 ||
		    memmem(out, n, "\ndhcp-leasefile", 15) != NULL)
			abort();
		free(out);
	}
	return 0;
}
