/*
 * diag.c - collect diagnostics, print them GCC-style (with the source
 * line, the offending token underlined, notes and hints, coloured on
 * request) or as JSON; -W switches (struct diag_policy) applied as they
 * are collected.
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
		free(d->v[i].hint);
		for (size_t j = 0; j < d->v[i].n_notes; j++)
			free(d->v[i].notes[j].msg);
		free(d->v[i].notes);
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

	d->look.s = NULL;	/* the table may have moved */
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

static char *diag_vfmt(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

static char *
diag_vfmt(const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	return s;
}

/* What -W says of a warning with this code (the last switch naming it
 * wins; -W error applies to codes no switch names). */
static enum diag_level
diag_policy_level(const struct diag_policy *p, const char *code, bool *drop)
{
	size_t i;

	*drop = false;
	for (i = p->n; i-- > 0;) {
		if (strcmp(p->v[i].code, code) != 0)
			continue;
		if (p->v[i].act == DIAG_ACT_IGNORE)
			*drop = true;
		return p->v[i].act == DIAG_ACT_ERROR ? DIAG_ERROR :
		    DIAG_WARNING;
	}
	return p->werror ? DIAG_ERROR : DIAG_WARNING;
}

bool
diag_policy_add(struct diag_policy *p, const char *sw)
{
	enum diag_action act = DIAG_ACT_WARN;
	const char *code = sw;
	size_t len;

	if (strcmp(sw, "error") == 0) {
		p->werror = true;
		return true;
	}
	if (strcmp(sw, "no-error") == 0) {
		p->werror = false;
		return true;
	}
	if (strncmp(sw, "no-error=", 9) == 0) {
		code = sw + 9;
	} else if (strncmp(sw, "no-", 3) == 0) {
		act = DIAG_ACT_IGNORE;
		code = sw + 3;
	} else if (strncmp(sw, "error=", 6) == 0) {
		act = DIAG_ACT_ERROR;
		code = sw + 6;
	}
	len = strlen(code);
	if (len == 0 || len >= sizeof(p->v[0].code) ||
	    strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") != len ||
	    p->n == DIAG_POLICY_MAX)
		return false;
	memcpy(p->v[p->n].code, code, len + 1);
	p->v[p->n++].act = act;
	return true;
}

int
diag_vadd(struct diag_ctx *d, enum diag_level lvl, const struct loc *l,
    const char *code, const char *fmt, va_list ap)
{
	struct diag *g;
	bool drop = false;

	if (code == NULL)
		code = "";
	if (lvl == DIAG_WARNING && d->policy != NULL)
		lvl = diag_policy_level(d->policy, code, &drop);
	d->dropped = drop;
	if (drop) {
		d->n_ignored++;
		return -1;
	}
	g = XPUSH(d->v, d->n, d->cap);
	memset(g, 0, sizeof(*g));
	g->level = lvl;
	if (l != NULL)
		g->loc = *l;
	g->code = xstrdup(code);
	g->seq = d->n - 1;
	g->msg = diag_vfmt(fmt, ap);
	if (lvl == DIAG_ERROR)
		d->n_err++;
	else
		d->n_warn++;
	return -1;
}

static struct diag *
diag_last(struct diag_ctx *d)
{
	return d->n == 0 || d->dropped ? NULL : &d->v[d->n - 1];
}

void
diag_note(struct diag_ctx *d, const struct loc *l, const char *fmt, ...)
{
	struct diag *g = diag_last(d);
	struct diag_note *n;
	size_t cap;
	va_list ap;

	if (g == NULL)
		return;
	cap = g->n_notes;
	n = XPUSH(g->notes, g->n_notes, cap);
	memset(n, 0, sizeof(*n));
	if (l != NULL)
		n->loc = *l;
	va_start(ap, fmt);
	n->msg = diag_vfmt(fmt, ap);
	va_end(ap);
}

void
diag_hint(struct diag_ctx *d, const char *fmt, ...)
{
	struct diag *g = diag_last(d);
	va_list ap;

	if (g == NULL)
		return;
	free(g->hint);
	va_start(ap, fmt);
	g->hint = diag_vfmt(fmt, ap);
	va_end(ap);
}

void
diag_span(struct diag_ctx *d, unsigned end_col)
{
	struct diag *g = diag_last(d);

	if (g != NULL && end_col >= g->loc.col)
		g->end_col = end_col;
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

void
diag_sort(struct diag_ctx *d)
{
	if (d->n < 2)
		return;		/* qsort(NULL, 0, ...) is undefined */
	/* qsort_r: no global sort context, so diag stays reentrant */
	qsort_r(d->v, d->n, sizeof(d->v[0]), diag_cmp, d);
}

/* The start of line l->line of its source and its length without the
 * newline, or NULL. */
static const char *
diag_find_line(const struct diag_ctx *d, const struct loc *l,
    struct diag_cursor *cur, size_t *len)
{
	const struct diag_src *s = diag_src_find(d, l->file);
	const char *p, *end, *eol;
	unsigned line = 1;
	size_t w;

	if (s == NULL || s->buf == NULL || l->line == 0)
		return NULL;
	p = s->buf;
	end = s->buf + s->len;
	if (cur != NULL && cur->s == s && cur->line <= l->line) {
		p = cur->p;
		line = cur->line;
	}
	while (line < l->line && p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			return NULL;
		p = eol + 1;
		line++;
	}
	if (cur != NULL) {
		cur->s = s;
		cur->line = line;
		cur->p = p;
	}
	if (line != l->line || p >= end)
		return NULL;
	eol = memchr(p, '\n', (size_t)(end - p));
	if (eol == NULL)
		eol = end;
	w = (size_t)(eol - p);
	if (w > 0 && p[w - 1] == '\r')
		w--;
	*len = w;
	return p;
}

const char *
diag_src_line(struct diag_ctx *d, const struct loc *l, size_t *len)
{
	return diag_find_line(d, l, &d->look, len);
}

/* The last column of the token that starts at col in line p (w bytes):
 * a quoted string to its closing quote, else a run of bytes up to a
 * blank, a bracket, a comma, '#' or a ':' that ends a YAML key. */
static unsigned
diag_token_end_in(const char *p, size_t w, unsigned col)
{
	size_t i, k;
	char q;

	if (col == 0 || (size_t)col > w)
		return col;
	i = col - 1;
	q = p[i];
	if (q == '"' || q == '\'') {
		for (k = i + 1; k < w; k++) {
			if (q == '"' && p[k] == '\\') {
				k++;
				continue;
			}
			if (p[k] == q)
				return (unsigned)k + 1;
		}
		return (unsigned)w;
	}
	for (k = i; k < w; k++) {
		unsigned char c = (unsigned char)p[k];

		if (c == ' ' || c == '\t' || c == ',' || c == '#' ||
		    strchr("[]{}()\"'", c) != NULL)
			break;
		if (c == ':' && (k + 1 == w || p[k + 1] == ' ' ||
		    p[k + 1] == '\t'))
			break;
	}
	return k > i ? (unsigned)k : col;
}

unsigned
diag_token_end(struct diag_ctx *d, const struct loc *l)
{
	const char *p;
	size_t w;

	if ((p = diag_find_line(d, l, &d->look, &w)) == NULL)
		return l->col;
	return diag_token_end_in(p, w, l->col);
}

/* SGR sequences, as gcc prints them */
#define C_BOLD	"\033[1m"
#define C_ERR	"\033[1;31m"
#define C_WARN	"\033[1;35m"
#define C_NOTE	"\033[1;36m"
#define C_MARK	"\033[1;32m"
#define C_OFF	"\033[0m"

/* Prints the source line of l with the token at l underlined: ^~~~. */
static void
diag_print_source(const struct diag_ctx *d, const struct loc *l,
    unsigned end_col, FILE *fp, struct diag_cursor *cur, bool color)
{
	char line[DIAG_WIDTH + 1];
	const char *p;
	unsigned col;
	size_t i, w, skip;

	if ((p = diag_find_line(d, l, cur, &w)) == NULL)
		return;
	if (end_col < l->col)
		end_col = diag_token_end_in(p, w, l->col);
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
	/* never echo control bytes to a terminal; one write per line */
	for (i = 0; i < w; i++) {
		unsigned char c = (unsigned char)p[i];

		line[i] = c == '\t' || (c >= 0x20 && c != 0x7f) ? (char)c : '?';
	}
	line[i++] = '\n';
	fwrite(line, 1, i, fp);
	if (l->col == 0)
		return;
	fputs(skip ? "     " : "  ", fp);
	for (i = 0, col = (unsigned)skip + 1; col < l->col &&
	    (size_t)(col - 1) < skip + w; col++)
		line[i++] = p[col - 1 - skip] == '\t' ? '\t' : ' ';
	fwrite(line, 1, i, fp);
	if (color)
		fputs(C_MARK, fp);
	i = 0;
	line[i++] = '^';
	for (col = l->col + 1; col <= end_col &&
	    (size_t)(col - 1) < skip + w; col++)
		line[i++] = '~';
	fwrite(line, 1, i, fp);
	if (color)
		fputs(C_OFF, fp);
	fputc('\n', fp);
}

/* Messages may quote hostile input: print control bytes escaped. */
static void
diag_put_safe(const char *s, FILE *fp)
{
	size_t n;

	for (;;) {
		/* the run of printable bytes in one write */
		for (n = 0; (unsigned char)s[n] >= 0x20 && s[n] != 0x7f; n++)
			;
		fwrite(s, 1, n, fp);
		s += n;
		if (*s == '\0')
			return;
		fprintf(fp, "\\x%02x", (unsigned char)*s++);
	}
}

static void
diag_put_where(const struct loc *l, FILE *fp, bool color)
{
	if (color)
		fputs(C_BOLD, fp);
	if (l->file != NULL) {
		diag_put_safe(l->file, fp);
		if (l->line > 0)
			fprintf(fp, ":%u:%u", l->line, l->col);
		fputc(':', fp);
	} else {
		fputs("edgenetc:", fp);
	}
	if (color)
		fputs(C_OFF, fp);
	fputc(' ', fp);
}

static void
diag_put_level(const char *what, const char *sgr, FILE *fp, bool color)
{
	if (color)
		fprintf(fp, "%s%s:" C_OFF " ", sgr, what);
	else
		fprintf(fp, "%s: ", what);
}

void
diag_print_text_color(struct diag_ctx *d, FILE *fp, bool color)
{
	struct diag_cursor cur = { NULL, 0, NULL };
	struct diag_cursor ncur = { NULL, 0, NULL };
	size_t i, j;

	diag_sort(d);
	for (i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		diag_put_where(&g->loc, fp, color);
		if (g->level == DIAG_ERROR)
			diag_put_level("error", C_ERR, fp, color);
		else
			diag_put_level("warning", C_WARN, fp, color);
		diag_put_safe(g->msg, fp);
		if (g->code[0] != '\0')
			fprintf(fp, " [%s]", g->code);
		fputc('\n', fp);
		diag_print_source(d, &g->loc, g->end_col, fp, &cur, color);
		for (j = 0; j < g->n_notes; j++) {
			diag_put_where(&g->notes[j].loc, fp, color);
			diag_put_level("note", C_NOTE, fp, color);
			diag_put_safe(g->notes[j].msg, fp);
			fputc('\n', fp);
			diag_print_source(d, &g->notes[j].loc, 0, fp, &ncur,
			    color);
		}
		if (g->hint != NULL) {
			fputs("  ", fp);
			diag_put_level("hint", C_MARK, fp, color);
			diag_put_safe(g->hint, fp);
			fputc('\n', fp);
		}
	}
}

void
diag_print_text(struct diag_ctx *d, FILE *fp)
{
	diag_print_text_color(d, fp, false);
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

static void
diag_json_where(struct diag_ctx *d, const struct loc *l,
    unsigned end_col, FILE *fp)
{
	fputs("\"file\": ", fp);
	if (l->file != NULL)
		diag_json_str(l->file, fp);
	else
		fputs("null", fp);
	if (end_col < l->col)
		end_col = diag_token_end(d, l);
	fprintf(fp, ", \"line\": %u, \"column\": %u, \"end_line\": %u, "
	    "\"end_column\": %u", l->line, l->col, l->line, end_col);
}

void
diag_print_json(struct diag_ctx *d, FILE *fp)
{
	size_t i, j;

	diag_sort(d);
	fputs("[", fp);
	for (i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		fputs(i ? ",\n {" : "\n {", fp);
		diag_json_where(d, &g->loc, g->end_col, fp);
		fputs(", \"severity\": ", fp);
		diag_json_str(g->level == DIAG_ERROR ? "error" : "warning", fp);
		fputs(", \"message\": ", fp);
		diag_json_str(g->msg, fp);
		fputs(", \"code\": ", fp);
		diag_json_str(g->code, fp);
		fputs(", \"hint\": ", fp);
		if (g->hint != NULL)
			diag_json_str(g->hint, fp);
		else
			fputs("null", fp);
		fputs(", \"related\": [", fp);
		for (j = 0; j < g->n_notes; j++) {
			fputs(j ? ", {" : "{", fp);
			diag_json_where(d, &g->notes[j].loc, 0, fp);
			fputs(", \"message\": ", fp);
			diag_json_str(g->notes[j].msg, fp);
			fputc('}', fp);
		}
		fputs("]}", fp);
	}
	fputs(d->n ? "\n]\n" : "]\n", fp);
}

const char *
diag_suggest(const char *word, const char *const *cands, size_t n)
{
	return suggest_nearest(word, cands, n);
}
