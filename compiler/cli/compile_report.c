/*
 * compile_report.c - what a compile did to each bundle (compile_report.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "compile_report.h"
#include "xalloc.h"

static const char *const change_names[CREP__N] = {
	[CREP_NEW] = "new",
	[CREP_CHANGED] = "changed",
	[CREP_UNCHANGED] = "unchanged",
	[CREP_REMOVED] = "removed",
	[CREP_KEPT] = "kept",
};

void
compile_report_init(struct compile_report *r)
{
	memset(r, 0, sizeof(*r));
	r->tty = isatty(STDERR_FILENO) == 1;
	clock_gettime(CLOCK_MONOTONIC, &r->start);
}

void
compile_report_add(struct compile_report *r, const char *id,
    enum crep_change change, const char *man_hex)
{
	struct crep_dev *d = XPUSH(r->v, r->n, r->cap);

	d->id = xstrdup(id);
	d->change = change;
	snprintf(d->man, sizeof(d->man), "%s", man_hex != NULL ? man_hex :
	    "");
	r->count[change]++;
}

static long
ms_since(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 +
	    (b->tv_nsec - a->tv_nsec) / 1000000;
}

void
compile_report_progress(struct compile_report *r, size_t done, size_t total)
{
	struct timespec now;

	if (!r->tty || (done & 63) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ms_since(&r->start, &now) < 1000 ||
	    (r->progress && ms_since(&r->last, &now) < 100))
		return;
	r->last = now;
	r->progress = true;
	fprintf(stderr, "\rcompiling: %zu/%zu devices", done, total);
	fflush(stderr);
}

void
compile_report_print(struct compile_report *r, size_t n_input, bool json,
    FILE *err, FILE *out)
{
	json_t *o, *arr, *d;
	size_t i;

	if (r->progress)
		fputs("\r\033[K", err);
	r->progress = false;
	fprintf(err, "compiled %zu devices: %zu changed, %zu new, %zu "
	    "unchanged, %zu removed", n_input, r->count[CREP_CHANGED],
	    r->count[CREP_NEW], r->count[CREP_UNCHANGED],
	    r->count[CREP_REMOVED]);
	if (r->count[CREP_KEPT] > 0)
		fprintf(err, ", %zu kept", r->count[CREP_KEPT]);
	fputc('\n', err);
	if (!json)
		return;
	o = json_object();
	arr = json_array();
	for (i = 0; i < r->n; i++) {
		d = json_object();
		json_object_set_new(d, "device", json_string(r->v[i].id));
		json_object_set_new(d, "change", json_string(
		    change_names[r->v[i].change]));
		json_object_set_new(d, "bundle_sha256", r->v[i].man[0] !=
		    '\0' ? json_string(r->v[i].man) : json_null());
		json_array_append_new(arr, d);
	}
	json_object_set_new(o, "devices", arr);
	json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(o);
}

void
compile_report_fini(struct compile_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].id);
	free(r->v);
	memset(r, 0, sizeof(*r));
}
