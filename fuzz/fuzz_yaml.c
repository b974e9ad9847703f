/*
 * libFuzzer harness: YAML front-end + mapper + checks + diagnostics
 * printing.  Any crash, leak, hang or sanitizer report is a bug; every
 * input found is kept in testdata/bogons/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "front.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct diag_ctx d;
	struct fleet *f;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		return 0;
	diag_init(&d);
	f = fleet_new();
	if (front_load_buf(f, &d, "fuzz.yaml", (const char *)data, size,
	    SYNTAX_YAML, NULL) == 0 || f->n_svcs + f->n_devs > 0)
		check_fleet(f, &d);
	diag_print_text(&d, null);
	fleet_free(f);
	diag_fini(&d);
	return 0;
}
