/*
 * rt_fuzz_batch - the runtime's ip-batch subset parser (runtime/batch.c)
 * and the object set built from a bundle's batch files (runtime/plan.c).
 * Every accepted line must print canonically and re-parse to the same
 * operation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "bundle.h"
#include "rtplan.h"

static void
roundtrip(const char *line, size_t len, int flags)
{
	struct rt_op a, b;
	char err[RT_ERRLEN], text[200];

	if (rt_batch_parse_line(line, len, flags, &a, err, sizeof(err)) != 0)
		return;
	if (rt_op_format(&a, text, sizeof(text)) != 0)
		abort();
	if (rt_batch_parse_line(text, strlen(text), flags, &b, err,
	    sizeof(err)) != 0 || memcmp(&a, &b, sizeof(a)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *eol;
	struct rt_bfile files[3];
	struct rt_bundle b;
	struct rt_objset s;
	char *ids[1] = { "pis-1" }, *text, err[RT_ERRLEN];

	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		roundtrip(p, (size_t)(eol - p), 0);
		roundtrip(p, (size_t)(eol - p), RT_BATCH_INTERNAL);
	}
	/* The same bytes as both batch files of a one-instance bundle. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&b, 0, sizeof(b));
	memset(files, 0, sizeof(files));
	files[0].path = "instances/pis-1/netns.batch";
	files[1].path = "netlink.batch";
	files[0].data = files[1].data = text;
	files[0].len = files[1].len = size;
	b.files = files;
	b.nfiles = 2;
	b.ids = ids;
	b.nids = 1;
	if (rt_objset_build(&s, &b, err, sizeof(err)) == 0) {
		size_t i;

		for (i = 0; i < s.n; i++)
			if (rt_objset_find(&s, s.v[i].key) != &s.v[i])
				abort();
	}
	rt_objset_free(&s);
	free(text);
	return 0;
}
