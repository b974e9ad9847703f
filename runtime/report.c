/*
 * report.c - --check and --dry-run output, text or JSON (report.h).
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "rt.h"

/* A JSON string, or null. */
static void
jstr(const char *s)
{
	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* "KEY": VALUE, with a comma before all but the first. */
static void
jkey(const char *key, const char *val, int first)
{
	printf("%s\"%s\": ", first ? "" : ", ", key);
	jstr(val);
}

static const char *
ns_text(const char *ns)
{
	return strcmp(ns, RT_DEVNS) == 0 ? "device" : ns;
}

void
rt_report_begin(struct rt_report *r, const char *bundle, const char *list)
{
	r->n = 0;
	r->rules = -1;
	if (!r->json)
		return;
	putchar('{');
	jkey("bundle", bundle, 1);
	printf(", \"%s\": [", list);
}

static void
item_open(struct rt_report *r)
{
	if (r->rules >= 0)
		fputs(r->rules > 0 ? "]}" : "}", stdout);
	r->rules = -1;
	printf("%s\n  {", r->n++ ? "," : "");
}

void
rt_report_drift(struct rt_report *r, const char *ns, const char *object,
    const char *expected, const char *found, const char *text)
{
	if (!r->json) {
		printf("drift: %s: %s\n", ns_text(ns), text);
		r->n++;
		return;
	}
	item_open(r);
	jkey("namespace", ns_text(ns), 1);
	jkey("object", object, 0);
	jkey("expected", expected, 0);
	jkey("found", found, 0);
	putchar('}');
}

void
rt_report_step(struct rt_report *r, const char *action, const char *ns,
    const char *object)
{
	if (!r->json) {
		printf("%s %s: %s\n", action, ns_text(ns), object);
		r->n++;
		return;
	}
	item_open(r);
	jkey("action", action, 1);
	jkey("namespace", ns_text(ns), 0);
	jkey("object", object, 0);
	r->rules = 0;	/* closed by the next item */
}

void
rt_report_rule(struct rt_report *r, int added, const char *chain,
    const char *rule)
{
	if (!r->json) {
		printf("  %c chain %s: %s\n", added ? '+' : '-', chain, rule);
		return;
	}
	printf("%s{", r->rules++ ? ", " : ", \"rules\": [");
	jkey("change", added ? "add" : "remove", 1);
	jkey("chain", chain, 0);
	jkey("rule", rule, 0);
	putchar('}');
}

void
rt_report_end(struct rt_report *r)
{
	if (!r->json)
		return;
	if (r->rules >= 0)
		fputs(r->rules > 0 ? "]}" : "}", stdout);
	r->rules = -1;
	fputs(r->n ? "\n]}\n" : "]}\n", stdout);
}
