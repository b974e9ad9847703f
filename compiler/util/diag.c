/*
 * diag.c - collect diagnostics, print them GCC-style (with the source
 * line and a caret) or as JSON.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "suggest.h"
#include "xalloc.h"

#define DIAG_WIDTH 200

void
diag_init(struct diag_ctx *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_fini(struct diag_ctx *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].code);
		free(d->v[i].msg);
	}
	free(d->v);
	for (i = 0; i < d->n_src; i++) {
		free(d->src[i].path);
		free(d->src[i].buf);
	}
	free(d->src);
	memset(d, 0, sizeof(*d));
}

void
diag_rewind(struct diag_ctx *d, size_t mark)
{
	while (d->n > mark) {
		d->n--;
		if (d->v[d->n].level == DIAG_ERROR)
			d->n_err--;
		else if (d->v[d->n].level == DIAG_WARNING)
			d->n_warn--;
		free(d->v[d->n].code);
		free(d->v[d->n].msg);
	}
}

const char *
diag_src_add(struct diag_ctx *d, const char *path, char *buf, size_t len)
{
	struct diag_src *s = XPUSH(d->src, d->n_src, d->cap_src);

	s->path = xstrdup(path);
	s->buf = buf;
	s->len = len;
	return s->path;
}

const struct diag_src *
diag_src_find(const struct diag_ctx *d, const char *path)
{
	size_t i;

	if (path == NULL)
		return NULL;
	/* loc.file normally is the registered pointer itself */
	for (i = 0; i < d->n_src; i++)
		if (d->src[i].path == path)
			return &d->src[i];
	for (i = 0; i < d->n_src; i++)
		if (strcmp(d->src[i].path, path) == 0)
			return &d->src[i];
	return NULL;
}

int
diag_vadd(struct diag_ctx *d, enum diag_level lvl, const struct loc *l,
    const char *code, const char *fmt, va_list ap)
{
	struct diag *g = XPUSH(d->v, d->n, d->cap);
	va_list aq;
	int n;

	g->level = lvl;
	if (l != NULL)
		g->loc = *l;
	g->code = xstrdup(code != NULL ? code : "");
	g->seq = d->n - 1;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	g->msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	vsnprintf(g->msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	if (lvl == DIAG_ERROR)
		d->n_err++;
	else
		d->n_warn++;
	return -1;
}

int
diag_err(struct diag_ctx *d, const struct loc *l, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, l, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
diag_warn(struct diag_ctx *d, const struct loc *l, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_WARNING, l, code, fmt, ap);
	va_end(ap);
	return -1;
}

static size_t
diag_file_rank(const struct diag_ctx *d, const char *file)
{
	size_t i;

	if (file == NULL)
		return (size_t)-1;
	for (i = 0; i < d->n_src; i++)
		if (d->src[i].path == file || strcmp(d->src[i].path, file) == 0)
			return i;
	return d->n_src;
}

static int
diag_cmp(const void *pa, const void *pb, void *arg)
{
	const struct diag_ctx *ctx = arg;
	const struct diag *a = pa, *b = pb;
	size_t ra, rb;

	ra = diag_file_rank(ctx, a->loc.file);
	rb = diag_file_rank(ctx, b->loc.file);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == ctx->n_src && a->loc.file != NULL &&
	    b->loc.file != NULL && strcmp(a->loc.file, b->loc.file) != 0)
		return strcmp(a->loc.file, b->loc.file);
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.col != b->loc.col)
		return a->loc.col < b->loc.col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void
diag_sort(struct diag_ctx *d)
{
	if (d->n < 2)
		return;		/* qsort(NULL, 0, ...) is undefined */
	/* qsort_r: no global sort context, so diag stays reentrant */
	qsort_r(d->v, d->n, sizeof(d->v[0]), diag_cmp, d);
}

/* Where the previous source line was found: diagnostics are printed in
 * line order, so each file is scanned once, not once per diagnostic. */
struct diag_cursor {
	const struct diag_src	*s;
	unsigned		 line;
	const char		*p;
};

/* Prints the source line of l with a caret under its column. */
static void
diag_print_source(const struct diag_ctx *d, const struct loc *l, FILE *fp,
    struct diag_cursor *cur)
{
	const struct diag_src *s = diag_src_find(d, l->file);
	const char *p, *end, *eol;
	unsigned line = 1, col;
	size_t i, w, skip;

	if (s == NULL || s->buf == NULL || l->line == 0)
		return;
	p = s->buf;
	end = s->buf + s->len;
	if (cur->s == s && cur->line <= l->line) {
		p = cur->p;
		line = cur->line;
	}
	while (line < l->line && p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			return;
		p = eol + 1;
		line++;
	}
	cur->s = s;
	cur->line = line;
	cur->p = p;
	if (line != l->line || p >= end)
		return;
	eol = memchr(p, '\n', (size_t)(end - p));
	if (eol == NULL)
		eol = end;
	w = (size_t)(eol - p);
	if (w > 0 && p[w - 1] == '\r')
		w--;
	/* a long line is shown as a window of DIAG_WIDTH bytes around the
	 * column, so the caret always points at the right byte */
	skip = 0;
	if (l->col > DIAG_WIDTH / 2 && w > DIAG_WIDTH)
		skip = l->col - 1 - DIAG_WIDTH / 2;
	if (skip > w)
		skip = w;
	p += skip;
	w -= skip;
	if (w > DIAG_WIDTH)
		w = DIAG_WIDTH;
	fputs(skip ? "  ..." : "  ", fp);
	/* never echo control bytes to a terminal */
	for (i = 0; i < w; i++) {
		unsigned char c = (unsigned char)p[i];

		fputc(c == '\t' || (c >= 0x20 && c != 0x7f) ? c : '?', fp);
	}
	fputc('\n', fp);
	if (l->col == 0)
		return;
	fputs(skip ? "     " : "  ", fp);
	for (col = (unsigned)skip + 1; col < l->col &&
	    (size_t)(col - 1) < skip + w; col++)
		fputc(p[col - 1 - skip] == '\t' ? '\t' : ' ', fp);
	fputs("^\n", fp);
}

/* Messages may quote hostile input: print control bytes escaped. */
static void
diag_put_safe(const char *s, FILE *fp)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
}

void
diag_print_text(struct diag_ctx *d, FILE *fp)
{
	struct diag_cursor cur = { NULL, 0, NULL };
	size_t i;

	diag_sort(d);
	for (i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		if (g->loc.file != NULL) {
			diag_put_safe(g->loc.file, fp);
			if (g->loc.line > 0)
				fprintf(fp, ":%u:%u", g->loc.line, g->loc.col);
			fputs(": ", fp);
		} else {
			fputs("edgenetc: ", fp);
		}
		fputs(g->level == DIAG_ERROR ? "error: " : "warning: ", fp);
		diag_put_safe(g->msg, fp);
		if (g->code[0] != '\0')
			fprintf(fp, " [%s]", g->code);
		fputc('\n', fp);
		diag_print_source(d, &g->loc, fp, &cur);
	}
}

static void
diag_json_str(const char *s, FILE *fp)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

void
diag_print_json(struct diag_ctx *d, FILE *fp)
{
	size_t i;

	diag_sort(d);
	fputs("[", fp);
	for (i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		fputs(i ? ",\n {" : "\n {", fp);
		fputs("\"file\": ", fp);
		if (g->loc.file != NULL)
			diag_json_str(g->loc.file, fp);
		else
			fputs("null", fp);
		fprintf(fp, ", \"line\": %u, \"column\": %u, \"severity\": ",
		    g->loc.line, g->loc.col);
		diag_json_str(g->level == DIAG_ERROR ? "error" : "warning", fp);
		fputs(", \"message\": ", fp);
		diag_json_str(g->msg, fp);
		fputs(", \"code\": ", fp);
		diag_json_str(g->code, fp);
		fputs("}", fp);
	}
	fputs(d->n ? "\n]\n" : "]\n", fp);
}

const char *
diag_suggest(const char *word, const char *const *cands, size_t n)
{
	return suggest_nearest(word, cands, n);
}
