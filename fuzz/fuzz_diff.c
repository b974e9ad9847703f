/*
 * libFuzzer harness: diff's invariants on two fleets.  The input is two
 * YAML fleets separated by a line "---8<---"; each valid one is checked,
 * planned (on an empty ledger in memory) and grouped by device, and then
 *   - diff of a fleet with a second compile of itself is empty;
 *   - diff(OLD, NEW) and diff(NEW, OLD) list the same devices and
 *     instances with added and removed swapped, and the same files and
 *     exposure with added/removed and gained/lost swapped.
 * A broken invariant aborts.  Seeds: fuzz/corpus/fuzz_diff/ (the pairs of
 * testdata/changes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "diff.h"
#include "emit.h"
#include "front.h"
#include "plan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP	"\n---8<---\n"

struct side {
	struct diag_ctx		 d;
	struct fleet		*f;
	struct fleet_plan	 plan;
	struct emit_dev		*eds;
	struct diff_view	 vw;
	bool			 ok;
};

static void
side_make(struct side *s, const char *p, size_t n)
{
	memset(s, 0, sizeof(*s));
	diag_init(&s->d);
	s->f = fleet_new();
	if (front_load_buf(s->f, &s->d, "fuzz.yaml", p, n, SYNTAX_YAML,
	    NULL) != 0 || s->d.n_err > 0)
		return;
	check_fleet(s->f, &s->d);
	if (s->d.n_err > 0 || emit_fleet_validate(s->f, &s->d) < 0)
		return;
	if (fleet_plan_build(s->f, NULL, &s->d, &s->plan) != 0)
		return;
	s->eds = emit_devs_group(s->f, &s->plan);
	diff_view_input(&s->vw, s->eds, s->f->n_devs);
	s->ok = true;
}

static void
side_free(struct side *s)
{
	diff_view_free(&s->vw);
	if (s->eds != NULL)
		emit_devs_free(s->eds, s->f->n_devs);
	if (s->ok)
		fleet_plan_free(&s->plan);
	fleet_free(s->f);
	diag_fini(&s->d);
}

static const char *
flip(const char *c)
{
	static const char *const pairs[][2] = {
		{ "added", "removed" }, { "removed", "added" },
		{ "gained", "lost" }, { "lost", "gained" },
		{ "changed", "changed" },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (strcmp(c, pairs[i][0]) == 0)
			return pairs[i][1];
	abort();
}

/* rep with every "change" swapped, instance fields dropped (a changed
 * instance names the same fields either way, but keep it simple). */
static void
swap_changes(json_t *v)
{
	json_t *x, *c;
	const char *k;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			swap_changes(x);
	} else if (json_is_object(v)) {
		if ((c = json_object_get(v, "change")) != NULL)
			json_object_set_new(v, "change", json_string(flip(
			    json_string_value(c))));
		json_object_foreach(v, k, x)
			swap_changes(x);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *sep;
	struct side a, b, a2;
	json_t *ab, *ba, *aa;

	sep = memmem(p, size, SEP, strlen(SEP));
	if (sep == NULL)
		return 0;
	side_make(&a, p, (size_t)(sep - p));
	side_make(&b, sep + strlen(SEP), size - (size_t)(sep - p) -
	    strlen(SEP));
	side_make(&a2, p, (size_t)(sep - p));
	if (a.ok && a2.ok) {
		aa = diff_views(&a.vw, &a2.vw, true);
		if (json_array_size(json_object_get(aa, "devices")) != 0)
			abort();
		json_decref(aa);
	}
	if (a.ok && b.ok) {
		ab = diff_views(&a.vw, &b.vw, false);
		ba = diff_views(&b.vw, &a.vw, false);
		swap_changes(ba);
		if (!json_equal(ab, ba))
			abort();
		json_decref(ab);
		json_decref(ba);
	}
	side_free(&a);
	side_free(&b);
	side_free(&a2);
	return 0;
}
