/*
 * diag_out.c - diagnostics printed in the form a verb was asked for:
 * text (diag.c), JSON (diag.c) or SARIF (diag_sarif.c).
 */
#include <stdio.h>

#include "diag.h"

void
diag_print(struct diag_ctx *d, FILE *fp, enum diag_format f, bool color)
{
	if (f == DIAG_JSON)
		diag_print_json(d, fp);
	else if (f == DIAG_SARIF)
		diag_print_sarif(d, fp);
	else
		diag_print_text_color(d, fp, color);
}
