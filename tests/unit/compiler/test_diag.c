/* Diagnostics: the -W policy, notes and hints, the token underline and
 * the JSON fields. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"
#include "xalloc.h"

static char *
printed(struct diag_ctx *d, enum diag_format f, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	diag_print(d, fp, f, color);
	fclose(fp);
	return buf;
}

static void
test_policy(void **state)
{
	struct diag_policy p;
	struct diag_ctx d;
	struct loc l = { "f", 1, 1 };

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_true(diag_policy_add(&p, "no-gpsd-exposure"));
	assert_true(diag_policy_add(&p, "error=gpsd-no-wan"));
	assert_false(diag_policy_add(&p, "no-"));
	assert_false(diag_policy_add(&p, "error=Bad Code"));
	diag_init(&d);
	d.policy = &p;
	diag_warn(&d, &l, "gpsd-exposure", "dropped");
	diag_note(&d, &l, "a note to nothing");	/* no crash, nothing */
	diag_warn(&d, &l, "gpsd-no-wan", "now an error");
	diag_warn(&d, &l, "other", "still a warning");
	diag_err(&d, &l, "gpsd-exposure", "errors are never dropped");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.n_ignored, 1);
	assert_int_equal(d.n_err, 2);
	assert_int_equal(d.n_warn, 1);
	/* -W error: every warning not named otherwise; last switch wins */
	assert_true(diag_policy_add(&p, "error"));
	assert_true(diag_policy_add(&p, "gpsd-exposure"));
	diag_warn(&d, &l, "other", "x");
	diag_warn(&d, &l, "gpsd-exposure", "y");
	assert_int_equal(d.v[3].level, DIAG_ERROR);
	assert_int_equal(d.v[4].level, DIAG_WARNING);
	assert_true(diag_policy_add(&p, "no-error=other"));
	diag_warn(&d, &l, "other", "z");
	assert_int_equal(d.v[5].level, DIAG_WARNING);
	diag_fini(&d);
}

static void
test_underline_notes_hint(void **state)
{
	struct diag_ctx d;
	const char *f, *src;
	char *out;
	struct loc l1, l2, l3;

	(void)state;
	diag_init(&d);
	src = "name: web\nsubnet: \"10.0.0.0/255.0.0.0\"  # c\n"
	    "key: a:b, c\n";
	f = diag_src_add(&d, "in.yaml", xstrdup(src), strlen(src));
	l1 = (struct loc){ f, 2, 9 };
	l2 = (struct loc){ f, 1, 7 };
	l3 = (struct loc){ f, 3, 6 };
	diag_err(&d, &l1, "bad-address", "bad");
	diag_note(&d, &l2, "first here");
	diag_hint(&d, "write 10.0.0.0/8");
	diag_warn(&d, &l3, "w", "ipv6-ish token");
	out = printed(&d, DIAG_TEXT, false);
	assert_string_equal(out,
	    "in.yaml:2:9: error: bad [bad-address]\n"
	    "  subnet: \"10.0.0.0/255.0.0.0\"  # c\n"
	    "          ^~~~~~~~~~~~~~~~~~~~\n"
	    "in.yaml:1:7: note: first here\n"
	    "  name: web\n"
	    "        ^~~\n"
	    "  hint: write 10.0.0.0/8\n"
	    "in.yaml:3:6: warning: ipv6-ish token [w]\n"
	    "  key: a:b, c\n"
	    "       ^~~\n");
	free(out);
	out = printed(&d, DIAG_JSON, false);
	assert_non_null(strstr(out, "\"line\": 2, \"column\": 9, "
	    "\"end_line\": 2, \"end_column\": 28"));
	assert_non_null(strstr(out, "\"hint\": \"write 10.0.0.0/8\", "
	    "\"related\": [{\"file\": \"in.yaml\", \"line\": 1, "
	    "\"column\": 7, \"end_line\": 1, \"end_column\": 9, "
	    "\"message\": \"first here\"}]"));
	free(out);
	out = printed(&d, DIAG_TEXT, true);
	assert_non_null(strstr(out, "\033[1;31merror:\033[0m"));
	assert_non_null(strstr(out, "\033[1;36mnote:\033[0m"));
	free(out);
	diag_span(&d, 7);	/* the last one: the warning at 3:6 */
	out = printed(&d, DIAG_TEXT, false);
	assert_non_null(strstr(out, "       ^~\n"));
	free(out);
	diag_fini(&d);
}

static void
test_rules(void **state)
{
	const struct diag_rule *r;
	size_t i;

	(void)state;
	assert_true(diag_n_rules > 50);
	r = diag_rule_find("gpsd-exposure", &i);
	assert_non_null(r);
	assert_string_equal(diag_rules[i].code, "gpsd-exposure");
	assert_true(r->warns);
	assert_string_equal(r->level, "warning");
	r = diag_rule_find("bad-address", NULL);
	assert_non_null(r);
	assert_false(r->warns);
	assert_null(diag_rule_find("no-such-code", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_underline_notes_hint),
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
