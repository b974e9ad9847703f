/*
 * diag_sarif.c - diagnostics as SARIF 2.1.0 (one run of edgenetc): every
 * documented code is a rule of tool.driver, each diagnostic a result
 * with its region (start and end, columns in bytes as in the text form),
 * its notes as relatedLocations, its hint as a property, and a
 * fingerprint that does not depend on the line number.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "diag.h"
#include "sha256.h"
#include "xalloc.h"

#ifndef EDGENETC_DOCS_URL
#define EDGENETC_DOCS_URL \
	"file:///usr/share/doc/edgenetc/diagnostics.md"
#endif

const struct diag_rule *
diag_rule_find(const char *code, size_t *index)
{
	size_t i;

	for (i = 0; i < diag_n_rules; i++)
		if (strcmp(diag_rules[i].code, code) == 0) {
			if (index != NULL)
				*index = i;
			return &diag_rules[i];
		}
	return NULL;
}

/* A relative URI reference for path: percent-encoded, relative to the
 * working directory when under it. */
static char *
sarif_uri(const char *path)
{
	char cwd[PATH_MAX];
	const char *p = path;
	size_t n, i, o = 0;
	char *u;

	if (strcmp(path, "<stdin>") == 0)
		p = "stdin";
	else if (path[0] == '/' && getcwd(cwd, sizeof(cwd)) != NULL &&
	    strncmp(path, cwd, (n = strlen(cwd))) == 0 && path[n] == '/')
		p = path + n + 1;
	n = strlen(p);
	u = xmalloc(3 * n + 8);
	if (p[0] == '/') {
		memcpy(u, "file://", 7);
		o = 7;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c) != NULL)
			u[o++] = (char)c;
		else
			o += (size_t)sprintf(u + o, "%%%02X", c);
	}
	u[o] = '\0';
	return u;
}

static json_t *
sarif_text(const char *s)
{
	return json_pack("{s:s}", "text", s);
}

static json_t *
sarif_physical(struct diag_ctx *d, const struct loc *l,
    unsigned end_col)
{
	json_t *region, *phys;
	char *uri;

	if (l->file == NULL)
		return NULL;
	uri = sarif_uri(l->file);
	phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", uri);
	free(uri);
	if (l->line > 0) {
		region = json_pack("{s:I}", "startLine", (json_int_t)l->line);
		if (l->col > 0) {
			if (end_col < l->col)
				end_col = diag_token_end(d, l);
			json_object_set_new(region, "startColumn",
			    json_integer(l->col));
			json_object_set_new(region, "endLine",
			    json_integer(l->line));
			/* SARIF's endColumn is the column after the region */
			json_object_set_new(region, "endColumn",
			    json_integer((json_int_t)end_col + 1));
		}
		json_object_set_new(phys, "region", region);
	}
	return phys;
}

/* code, file and the text of the source line: moving the line keeps it */
static void
sarif_fingerprint(struct diag_ctx *d, const struct diag *g,
    char hex[SHA256_HEX_LEN])
{
	struct sha256_ctx c;
	uint8_t dg[SHA256_DIGEST_LEN];
	const char *line;
	size_t len = 0;

	sha256_init(&c);
	sha256_update(&c, g->code, strlen(g->code) + 1);
	if (g->loc.file != NULL)
		sha256_update(&c, g->loc.file, strlen(g->loc.file) + 1);
	line = diag_src_line(d, &g->loc, &len);
	if (line != NULL) {
		while (len > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		sha256_update(&c, line, len);
	} else {
		sha256_update(&c, g->msg, strlen(g->msg));
	}
	sha256_final(&c, dg);
	sha256_hex(dg, hex);
}

static json_t *
sarif_rules(void)
{
	json_t *rules = json_array();
	char uri[256];
	size_t i;

	for (i = 0; i < diag_n_rules; i++) {
		const struct diag_rule *r = &diag_rules[i];

		snprintf(uri, sizeof(uri), "%s#%s", EDGENETC_DOCS_URL,
		    r->code);
		json_array_append_new(rules, json_pack(
		    "{s:s, s:o, s:o, s:s, s:{s:s}}",
		    "id", r->code,
		    "shortDescription", sarif_text(r->short_desc),
		    "fullDescription", sarif_text(r->full_desc),
		    "helpUri", uri,
		    "defaultConfiguration", "level", r->level));
	}
	return rules;
}

static json_t *
sarif_result(struct diag_ctx *d, const struct diag *g,
    json_t *seen)
{
	char hex[SHA256_HEX_LEN], fp[SHA256_HEX_LEN + 24];
	json_t *res, *phys, *rel;
	json_int_t k;
	size_t idx, j;

	res = json_object();
	if (g->code[0] != '\0') {
		json_object_set_new(res, "ruleId", json_string(g->code));
		if (diag_rule_find(g->code, &idx) != NULL)
			json_object_set_new(res, "ruleIndex",
			    json_integer((json_int_t)idx));
	}
	json_object_set_new(res, "level", json_string(
	    g->level == DIAG_ERROR ? "error" : "warning"));
	json_object_set_new(res, "message", sarif_text(g->msg));
	if ((phys = sarif_physical(d, &g->loc, g->end_col)) != NULL)
		json_object_set_new(res, "locations", json_pack("[{s:o}]",
		    "physicalLocation", phys));
	if (g->n_notes > 0) {
		rel = json_array();
		for (j = 0; j < g->n_notes; j++) {
			json_t *r = json_pack("{s:I, s:o}", "id",
			    (json_int_t)j + 1, "message",
			    sarif_text(g->notes[j].msg));

			phys = sarif_physical(d, &g->notes[j].loc, 0);
			if (phys != NULL)
				json_object_set_new(r, "physicalLocation",
				    phys);
			json_array_append_new(rel, r);
		}
		json_object_set_new(res, "relatedLocations", rel);
	}
	/* the same finding twice on equal lines: ":1", ":2", ... */
	sarif_fingerprint(d, g, hex);
	k = json_integer_value(json_object_get(seen, hex)) + 1;
	json_object_set_new(seen, hex, json_integer(k));
	snprintf(fp, sizeof(fp), "%s:%lld", hex, (long long)k);
	json_object_set_new(res, "partialFingerprints",
	    json_pack("{s:s}", "edgenetcLineHash/v1", fp));
	if (g->hint != NULL)
		json_object_set_new(res, "properties",
		    json_pack("{s:s}", "hint", g->hint));
	return res;
}

void
diag_print_sarif(struct diag_ctx *d, FILE *fp)
{
	json_t *top, *results, *seen;
	size_t i;

	diag_sort(d);
	results = json_array();
	seen = json_object();
	for (i = 0; i < d->n; i++)
		json_array_append_new(results, sarif_result(d, &d->v[i],
		    seen));
	json_decref(seen);
	top = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, "
	    "s:s, s:o}]}",
	    "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
	    "version", "2.1.0",
	    "runs",
	    "tool", "driver",
	    "name", "edgenetc",
	    "version", EDGENETC_VERSION,
	    "informationUri", EDGENETC_DOCS_URL,
	    "rules", sarif_rules(),
	    "columnKind", "unicodeCodePoints",
	    "results", results);
	json_dumpf(top, fp, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	fputc('\n', fp);
	json_decref(top);
}
