/*
 * front_graphql.c - GraphQL documents -> the import inputs as vnodes.
 *
 * front_graphql_parse() runs the flex scanner and bison parser (graphql.l,
 * graphql.y) over a buffer.  Every mutation operation's
 * DM_import_node_service(input: {...}) field contributes its input object,
 * keys exactly as written (customer_id, node_service_input, metadata,
 * image_sources), to the returned VN_LIST, or is handed to a
 * front_item_fn as soon as its operation is parsed (streaming); front_map.c
 * maps either onto the model with the same tables as YAML and JSON.  The
 * front-end knows nothing of the model.  Variables ($x) are replaced by
 * their value from --vars or by their default.  Queries,
 * subscriptions and other mutation fields are reported and ignored;
 * fragments and type-system definitions are parsed and refused
 * (graphql-unsupported, docs/graphql.md).
 *
 * Also here: string and block string decoding for the scanner (with exact
 * positions for bad escapes and bad UTF-8), and the syntax tree's free
 * functions.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front.h"
#include "front_graphql.h"
#include "front_int.h"
#include "gq.h"
#include "xalloc.h"

#define YYSTYPE GQ_STYPE
#define YYLTYPE GQ_LTYPE
#include "graphql.tab.h"
#include "graphql.yy.h"

#define IMPORT_FIELD	"DM_import_node_service"

static void	*gq_arena_alloc(struct gq_state *, size_t);

void
gq_errorf(struct gq_state *st, unsigned line, unsigned col, const char *fmt,
    ...)
{
	struct loc l = { st->file, line, col };
	va_list ap;

	if (st->gave_up)
		return;
	if (++st->n_errors > GQ_MAX_ERRORS) {
		diag_err(st->d, &l, "graphql-syntax",
		    "too many errors, giving up on this file");
		st->gave_up = true;
		return;
	}
	if (gq_hint_suppressed(st, line, col)) {
		st->n_errors--;
		return;
	}
	va_start(ap, fmt);
	diag_vadd(st->d, DIAG_ERROR, &l, "graphql-syntax", fmt, ap);
	va_end(ap);
	gq_hint_after(st, line, col, st->d->v[st->d->n - 1].msg);
}

/* Semantic errors after parsing: counted, never capped. */
static void
gq_semerr(struct gq_state *st, const struct loc *l, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
gq_semerr(struct gq_state *st, const struct loc *l, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	st->n_errors++;
	va_start(ap, fmt);
	diag_vadd(st->d, DIAG_ERROR, l, code, fmt, ap);
	va_end(ap);
}

/* ---- valid GraphQL that is not read ----------------------------------- */

void
gq_unsupported(struct gq_state *st, unsigned line, unsigned col,
    const char *fmt, ...)
{
	struct loc l = { st->file, line, col };
	va_list ap;

	st->n_errors++;
	va_start(ap, fmt);
	diag_vadd(st->d, DIAG_ERROR, &l, "graphql-unsupported", fmt, ap);
	va_end(ap);
}

/* Counted now, reported once by gq_sdl_report(): a schema is all SDL. */
void
gq_sdl(struct gq_state *st, unsigned line, unsigned col, const char *kind)
{
	st->n_errors++;
	if (st->n_sdl++ > 0)
		return;
	st->sdl_at.file = st->file;
	st->sdl_at.line = line;
	st->sdl_at.col = col;
	st->sdl_kind = kind;
}

static void
gq_sdl_report(struct gq_state *st)
{
	char more[64] = "";

	if (st->n_sdl == 0)
		return;
	if (st->n_sdl > 1)
		snprintf(more, sizeof(more), " (the first of %u)", st->n_sdl);
	diag_err(st->d, &st->sdl_at, "graphql-unsupported",
	    "'%s' is a type-system definition%s, which edgenetc does not "
	    "read: a document holds query, mutation and subscription "
	    "operations (%s mutations are read)", st->sdl_kind, more,
	    IMPORT_FIELD);
}

/* ---- strings ---------------------------------------------------------- */

static size_t
gq_utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs,
 * no surrogates, nothing past U+10FFFF), or 0.
 */
STATIC size_t
gq_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static int
gq_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s (avail bytes), or -1. */
static long
gq_hex4(const char *s, size_t avail)
{
	long v = 0;
	int i, h;

	if (avail < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((h = gq_hex(s[i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Decodes an escape sequence at s[0] == '\\' into out; returns the number
 * of input bytes consumed (at least 2, or 1 at the very end), and *wrote
 * the output bytes.  Reports bad escapes at (line, col).
 */
static size_t
gq_escape(struct gq_state *st, const char *s, size_t avail, unsigned line,
    unsigned col, char *out, size_t *wrote)
{
	long cp, lo;
	size_t i;
	int h;

	*wrote = 0;
	if (avail < 2) {
		/* a lone backslash just before an unterminated string's end */
		out[(*wrote)++] = '\\';
		return 1;
	}
	switch (s[1]) {
	case '"': case '\\': case '/':
		out[(*wrote)++] = s[1];
		return 2;
	case 'b': out[(*wrote)++] = '\b'; return 2;
	case 'f': out[(*wrote)++] = '\f'; return 2;
	case 'n': out[(*wrote)++] = '\n'; return 2;
	case 'r': out[(*wrote)++] = '\r'; return 2;
	case 't': out[(*wrote)++] = '\t'; return 2;
	case 'u':
		break;
	default:
		if ((unsigned char)s[1] >= 0x20 && (unsigned char)s[1] < 0x7f)
			gq_errorf(st, line, col, "invalid escape '\\%c'", s[1]);
		else
			gq_errorf(st, line, col, "invalid escape");
		out[(*wrote)++] = s[1];
		return 2;
	}
	if (avail > 2 && s[2] == '{') {
		/*
		 * \u{X...}: the value is what counts (a Unicode scalar
		 * value), leading zeros are free, up to GQ_MAX_HEX digits
		 */
		cp = 0;
		for (i = 3; i < avail && s[i] != '}'; i++) {
			if ((h = gq_hex(s[i])) < 0 || i >= 3 + GQ_MAX_HEX)
				break;
			cp = cp * 16 + h;
		}
		if (i == 3 || i >= avail || s[i] != '}' || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff)) {
			gq_errorf(st, line, col,
			    "invalid Unicode escape (want \\u{X} with 1 to %d "
			    "hex digits naming a Unicode scalar value)",
			    GQ_MAX_HEX);
			return i < avail && s[i] == '}' ? i + 1 : i;
		}
		*wrote = gq_utf8_put(out, (uint32_t)cp);
		return i + 1;
	}
	if ((cp = gq_hex4(s + 2, avail - 2)) < 0) {
		gq_errorf(st, line, col,
		    "invalid Unicode escape (want \\uXXXX with 4 hex digits)");
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (avail >= 12 && s[6] == '\\' && s[7] == 'u' &&
		    (lo = gq_hex4(s + 8, avail - 8)) >= 0xdc00 &&
		    lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			*wrote = gq_utf8_put(out, (uint32_t)cp);
			return 12;
		}
		gq_errorf(st, line, col, "invalid Unicode escape '\\u%.4s' "
		    "(a high surrogate not followed by a low one)", s + 2);
		return 6;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		gq_errorf(st, line, col, "invalid Unicode escape '\\u%.4s' "
		    "(a low surrogate without a high one)", s + 2);
		return 6;
	}
	*wrote = gq_utf8_put(out, (uint32_t)cp);
	return 6;
}

void
gq_comment(struct gq_state *st, const char *text, size_t len,
    unsigned line, unsigned col)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t i, n;

	for (i = 0; i < len; i += n, col++) {
		n = u[i] < 0x80 ? 1 : gq_utf8_len(u + i, len - i);
		if (n == 0) {
			gq_errorf(st, line, col, "invalid UTF-8 in comment");
			st->n_comment_errors++;
			return;
		}
	}
}

/*
 * text[0..len) is a string's body without its quotes, starting at (line,
 * col).  Sets out to a new decoded copy; reports bad escapes and bad
 * UTF-8 at their own column.  Returns the column just past the body.
 */
unsigned
gq_string_decode(struct gq_state *st, const char *text, size_t len,
    unsigned line, unsigned col, struct gq_str *out)
{
	const unsigned char *u = (const unsigned char *)text;
	char *buf = gq_arena_alloc(st, len + 1);
	size_t i = 0, o = 0, n, w;
	bool bad_utf8 = false;

	while (i < len) {
		if (u[i] == '\\') {
			n = gq_escape(st, text + i, len - i, line, col,
			    buf + o, &w);
			i += n;
			o += w;
			col += (unsigned)n;
			continue;
		}
		if (u[i] < 0x80) {
			buf[o++] = text[i++];
			col++;
			continue;
		}
		n = gq_utf8_len(u + i, len - i);
		if (n == 0) {
			if (!bad_utf8)
				gq_errorf(st, line, col,
				    "invalid UTF-8 in string");
			bad_utf8 = true;
			n = 1;
		}
		memcpy(buf + o, text + i, n);
		o += n;
		i += n;
		col++;
	}
	buf[o] = '\0';
	out->s = buf;
	out->len = o;
	return col;
}

static bool
gq_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

static size_t
gq_indent(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	return i;
}

/* Splits raw at \r\n, \n and \r; returns the number of lines. */
static size_t
gq_lines(const char *raw, size_t len, size_t **startp, size_t **lenp)
{
	size_t *start = NULL, *llen = NULL, n = 0, cap = 0, i, b = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && raw[i] != '\n' && raw[i] != '\r')
			continue;
		xgrow(&start, &cap, n, sizeof(*start));
		llen = xrealloc(llen, cap * sizeof(*llen));
		start[n] = b;
		llen[n++] = i - b;
		if (i < len && raw[i] == '\r' && i + 1 < len &&
		    raw[i + 1] == '\n')
			i++;
		b = i + 1;
	}
	*startp = start;
	*lenp = llen;
	return n;
}

/*
 * A block string's raw text (\""" already replaced) -> its value, by the
 * GraphQL BlockStringValue algorithm: drop the common indentation of all
 * lines but the first, drop leading and trailing blank lines, join with
 * \n.  Reports bad UTF-8 at its position.
 */
int
gq_block_utf8(struct gq_state *st, const char *raw, size_t len,
    unsigned line, unsigned col)
{
	const unsigned char *u = (const unsigned char *)raw;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = u[i] < 0x80 ? 1 : gq_utf8_len(u + i, len - i);
		if (n == 0) {
			gq_errorf(st, line, col, "invalid UTF-8 in string");
			return -1;
		}
		if (raw[i] == '\n' || (raw[i] == '\r' &&
		    (i + 1 >= len || raw[i + 1] != '\n'))) {
			line++;
			col = 1;
		} else if (raw[i] != '\r') {
			col++;
		}
	}
	return 0;
}

int
gq_block_string(struct gq_state *st, const char *raw, size_t len,
    unsigned line, unsigned col, struct gq_str *out)
{
	size_t *start, *llen, nl, i, common = SIZE_MAX, ind, first, last, o;
	char *buf;
	int rc;

	if (raw == NULL)
		raw = "";
	rc = gq_block_utf8(st, raw, len, line, col);
	nl = gq_lines(raw, len, &start, &llen);
	for (i = 1; i < nl; i++) {
		ind = gq_indent(raw + start[i], llen[i]);
		if (ind < llen[i] && ind < common)
			common = ind;
	}
	if (common != SIZE_MAX)
		for (i = 1; i < nl; i++) {
			ind = common < llen[i] ? common : llen[i];
			start[i] += ind;
			llen[i] -= ind;
		}
	for (first = 0; first < nl &&
	    gq_is_blank(raw + start[first], llen[first]); first++)
		;
	for (last = nl; last > first &&
	    gq_is_blank(raw + start[last - 1], llen[last - 1]); last--)
		;
	buf = gq_arena_alloc(st, len + 1);
	o = 0;
	for (i = first; i < last; i++) {
		if (i > first)
			buf[o++] = '\n';
		memcpy(buf + o, raw + start[i], llen[i]);
		o += llen[i];
	}
	buf[o] = '\0';
	free(start);
	free(llen);
	out->s = buf;
	out->len = o;
	return rc;
}

/* ---- names ------------------------------------------------------------- */

/*
 * Names (keys, fields, arguments, variables, keywords), numbers, decoded
 * strings and the value nodes all live in one arena (vnode.h): keys and
 * enum values go into the tree as they are, without a copy.  Streaming,
 * the arena is rewound after each operation: by then nothing of that
 * operation is read again (the parser's lookahead is a keyword or
 * punctuation whose value nobody reads; "got ..." messages use
 * st->last).
 */
static void *
gq_arena_alloc(struct gq_state *st, size_t n)
{
	if (st->arena == NULL)
		st->arena = vnode_arena_new();
	return vnode_arena_alloc(st->arena, n);
}

char *
gq_name_dup(struct gq_state *st, const char *s, size_t len)
{
	if (st->arena == NULL)
		st->arena = vnode_arena_new();
	return vnode_arena_strdup(st->arena, s, len);
}

void
gq_arena_free(struct gq_state *st)
{
	vnode_arena_free(st->arena);
	st->arena = NULL;
}

/* ---- syntax tree ------------------------------------------------------ */

void
gq_dirs_free(struct gq_dirs *ds)
{
	size_t i;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->n; i++)
		vnode_free(ds->v[i].args);
	free(ds->v);
	free(ds);
}

void
gq_field_free(struct gq_field *f)
{
	if (f == NULL)
		return;
	vnode_free(f->args);
	gq_dirs_free(f->dirs);
	gq_sels_free(f->sels);
	free(f);
}

void
gq_sels_free(struct gq_sels *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		gq_field_free(s->v[i]);
	free(s->v);
	free(s);
}

void
gq_type_clear(struct gq_type *t)
{
	free(t->text);
	t->text = NULL;
}

void
gq_vardefs_free(struct gq_vardefs *vs)
{
	size_t i;

	if (vs == NULL)
		return;
	for (i = 0; i < vs->n; i++) {
		gq_type_clear(&vs->v[i].type);
		vnode_free(vs->v[i].defval);
	}
	free(vs->v);
	free(vs);
}

void
gq_op_free(struct gq_op *op)
{
	if (op == NULL)
		return;
	gq_vardefs_free(op->vars);
	gq_dirs_free(op->dirs);
	gq_sels_free(op->sels);
	free(op);
}

/* ---- operations ------------------------------------------------------- */

static const char *
gq_op_kind(enum gq_optype t)
{
	return t == GQ_MUTATION ? "mutation" : t == GQ_QUERY ? "query" :
	    "subscription";
}

static struct gq_vardef *
gq_vardef_find(struct gq_state *st, const char *name)
{
	return strmap_get(&st->varmap, name, strlen(name));
}

static const char *
gq_op_label(const struct gq_op *op)
{
	return op->name != NULL ? op->name : "(anonymous)";
}

/* Removes obj's i-th key and value. */
static void
gq_object_del(struct vnode *obj, size_t i)
{
	vnode_free(obj->items[i]);
	if (obj->arena == NULL)
		free(obj->keys[i]);
	memmove(&obj->items[i], &obj->items[i + 1],
	    (obj->n - i - 1) * sizeof(*obj->items));
	memmove(&obj->keys[i], &obj->keys[i + 1],
	    (obj->n - i - 1) * sizeof(*obj->keys));
	memmove(&obj->key_locs[i], &obj->key_locs[i + 1],
	    (obj->n - i - 1) * sizeof(*obj->key_locs));
	obj->n--;
}

/*
 * Replaces every VN_VAR under *slot by a copy of its value: --vars first,
 * then the variable's default.  A nullable variable without either is
 * "not provided" (GraphQL): the object field holding it is left out, a
 * list item becomes null, with a warning.  Returns 0, 1 when *slot itself
 * is such a variable (the caller drops it), or -1 after reporting a
 * variable that is undefined, or non-null and missing.
 */
static int
gq_resolve(struct gq_state *st, struct gq_op *op, struct vnode **slot)
{
	struct vnode *v = *slot, *val = NULL;
	struct gq_vardef *vd;
	size_t i;
	int rc = 0, r;

	if (v == NULL)
		return 0;
	if (v->type == VN_LIST || v->type == VN_OBJECT) {
		for (i = 0; i < v->n; i++) {
			r = gq_resolve(st, op, &v->items[i]);
			if (r < 0)
				rc = -1;
			if (r <= 0)
				continue;
			if (v->type == VN_OBJECT) {
				gq_object_del(v, i--);
			} else {
				val = vnode_anew(v->arena, VN_NULL,
				    &v->items[i]->loc);
				vnode_free(v->items[i]);
				v->items[i] = val;
			}
		}
		return rc;
	}
	if (v->type != VN_VAR)
		return 0;
	if ((vd = gq_vardef_find(st, v->s)) == NULL) {
		gq_semerr(st, &v->loc, "graphql-variable",
		    "variable '$%s' is not defined by operation '%s'", v->s,
		    gq_op_label(op));
		return -1;
	}
	vd->used = true;
	if (st->vars != NULL)
		val = vnode_get(st->vars, v->s);
	if (val == NULL)
		val = vd->defval;
	if (val == NULL && vd->type.nonnull) {
		gq_semerr(st, &v->loc, "unbound-variable",
		    "variable '$%s' of type %s has no value: give it in --vars "
		    "FILE.json or a default in the operation", v->s,
		    vd->type.text);
		return -1;
	}
	if (val == NULL) {
		diag_warn(st->d, &v->loc, "unbound-variable",
		    "variable '$%s' has no value (no --vars entry, no "
		    "default): treated as not provided", v->s);
		return 1;
	}
	if (val->type == VN_NULL && vd->type.nonnull) {
		gq_semerr(st, &v->loc, "graphql-variable",
		    "variable '$%s' of non-null type %s is null", v->s,
		    vd->type.text);
		return -1;
	}
	/* variable values are copied into each use */
	*slot = vnode_copy(v->arena, val);
	vnode_free(v);
	return 0;
}

/*
 * Argument names must be unique (input object fields too, but the mapper
 * reports those, as it does for YAML).  Returns -1 after reporting.
 */
static int
gq_args_unique(struct gq_state *st, const struct vnode *args)
{
	struct strmap seen;
	size_t i, j;
	int rc = 0;

	if (args->n <= 8) {
		/* the usual one or two: no map */
		for (i = 1; i < args->n; i++)
			for (j = 0; j < i; j++)
				if (strcmp(args->keys[i], args->keys[j]) == 0) {
					rc = -1;
					gq_semerr(st, &args->key_locs[i],
					    "duplicate-key",
					    "duplicate argument '%s'",
					    args->keys[i]);
					break;
				}
		return rc;
	}
	strmap_init(&seen, args->n);
	for (i = 0; i < args->n; i++)
		if (strmap_put(&seen, args->keys[i], strlen(args->keys[i]),
		    (void *)(uintptr_t)1) != NULL) {
			rc = -1;
			gq_semerr(st, &args->key_locs[i], "duplicate-key",
			    "duplicate argument '%s'", args->keys[i]);
		}
	strmap_fini(&seen);
	return rc;
}

/*
 * @skip(if: B) and @include(if: B) as the GraphQL spec defines them;
 * other directives are reported and ignored.  Returns true when the
 * field is to be left out.
 */
static bool
gq_field_skipped(struct gq_state *st, struct gq_op *op, struct gq_field *f)
{
	struct vnode *cond;
	bool skip = false;
	size_t i;

	if (f->dirs == NULL)
		return false;
	for (i = 0; i < f->dirs->n; i++) {
		struct gq_dir *dir = &f->dirs->v[i];
		bool is_skip = strcmp(dir->name, "skip") == 0;

		if (!is_skip && strcmp(dir->name, "include") != 0) {
			diag_warn(st->d, &dir->loc, "graphql-ignored",
			    "directive '@%s' ignored", dir->name);
			continue;
		}
		if (dir->args != NULL && gq_resolve(st, op, &dir->args) < 0)
			continue;
		cond = vnode_get(dir->args, "if");
		if (cond == NULL || cond->type != VN_BOOL ||
		    dir->args->n != 1) {
			gq_semerr(st, &dir->loc, "graphql-argument",
			    "@%s takes one argument, if: Boolean!", dir->name);
			continue;
		}
		if (cond->b == is_skip)
			skip = true;
	}
	return skip;
}

static void
gq_import_field(struct gq_state *st, struct gq_op *op, struct gq_field *f)
{
	static const char *const args[] = { "input" };
	struct vnode *a = f->args, *in;
	const char *sugg;
	size_t i, slot = 0;
	bool found = false;
	int rc = 0, r;

	if (a != NULL && gq_args_unique(st, a) != 0)
		rc = -1;
	for (i = 0; a != NULL && i < a->n; i++) {
		if (strcmp(a->keys[i], "input") == 0) {
			if (!found)
				slot = i;
			found = true;
			continue;
		}
		sugg = diag_suggest(a->keys[i], args, ARRAY_SIZE(args));
		gq_semerr(st, &a->key_locs[i], "graphql-argument",
		    "unknown argument '%s' of %s%s", a->keys[i],
		    IMPORT_FIELD, sugg != NULL ? "; did you mean 'input'?" :
		    "");
		rc = -1;
	}
	if (!found) {
		gq_semerr(st, &f->loc, "graphql-argument",
		    "%s needs an 'input' argument", IMPORT_FIELD);
		return;
	}
	/* without a $variable in the operation there is nothing to walk */
	r = st->saw_var ? gq_resolve(st, op, &a->items[slot]) : 0;
	if (r < 0)
		return;
	in = a->items[slot];
	if (r > 0) {
		gq_semerr(st, &in->loc, "graphql-argument",
		    "%s needs an 'input' argument", IMPORT_FIELD);
		return;
	}
	if (in->type != VN_OBJECT) {
		gq_semerr(st, &in->loc, "graphql-argument",
		    "the 'input' of %s must be an object, not %s%s",
		    IMPORT_FIELD, in->type == VN_NULL ? "" :
		    strchr("aeiou", vnode_type_name(in->type)[0]) != NULL ?
		    "an " : "a ", vnode_type_name(in->type));
		return;
	}
	if (rc != 0)
		return;
	a->items[slot] = NULL;
	if (st->fn == NULL) {
		vnode_list_add(st->out, in);
		return;
	}
	/*
	 * Streaming: hand it over now.  Not when this operation had an error
	 * (syntax, say): what recovery kept of it would only give follow-on
	 * errors.  (in is in the arena, rewound next.)
	 */
	if (st->n_errors == st->n_errors_op)
		st->fn(st->fn_arg, "import", in);
}

/* Operation names are unique; an anonymous operation stands alone. */
static void
gq_op_name_check(struct gq_state *st, const struct gq_op *op)
{
	struct gq_opname *on;
	void *prev = NULL;

	if (op->name == NULL ? st->n_ops > 0 : st->anon_seen)
		gq_semerr(st, &op->loc, "graphql-operation",
		    "an anonymous operation must be the only one in the "
		    "document");
	else if (op->name != NULL && (prev = strmap_get(&st->opnames,
	    op->name, strlen(op->name))) != NULL)
		gq_semerr(st, &op->loc, "graphql-operation",
		    "operation name '%s' already used at line %u", op->name,
		    st->ops[(uintptr_t)prev - 1].loc.line);
	on = XPUSH(st->ops, st->n_ops, st->cap_ops);
	on->name = op->name != NULL ? xstrdup(op->name) : NULL;
	on->loc = op->loc;
	if (op->name == NULL)
		st->anon_seen = true;
	else if (prev == NULL)
		strmap_put(&st->opnames, on->name, strlen(on->name),
		    (void *)(uintptr_t)st->n_ops);
}

static void
gq_operation(struct gq_state *st, struct gq_op *op)
{
	bool after_error = st->skip_anon;
	struct gq_field *f;
	size_t i;

	st->skip_anon = false;
	/* most likely the rest of a definition we lost track of */
	if (after_error && op->name == NULL)
		return;
	gq_op_name_check(st, op);
	if (op->type != GQ_MUTATION) {
		diag_warn(st->d, &op->loc, "graphql-ignored",
		    "%s '%s' ignored: only %s mutations are read",
		    gq_op_kind(op->type), gq_op_label(op), IMPORT_FIELD);
		return;
	}
	strmap_clear(&st->varmap);
	for (i = 0; op->vars != NULL && i < op->vars->n; i++) {
		struct gq_vardef *vd = &op->vars->v[i];

		if (strmap_put(&st->varmap, vd->name, strlen(vd->name), vd) !=
		    NULL)
			gq_semerr(st, &vd->loc, "graphql-variable",
			    "variable '$%s' is defined twice", vd->name);
	}
	if (op->dirs != NULL)
		for (i = 0; i < op->dirs->n; i++)
			diag_warn(st->d, &op->dirs->v[i].loc, "graphql-ignored",
			    "directive '@%s' ignored", op->dirs->v[i].name);
	for (i = 0; i < op->sels->n; i++) {
		f = op->sels->v[i];
		if (gq_field_skipped(st, op, f))
			continue;
		if (strcmp(f->name, IMPORT_FIELD) == 0)
			gq_import_field(st, op, f);
		else
			diag_warn(st->d, &f->loc, "graphql-ignored",
			    "mutation field '%s' ignored: only %s is read",
			    f->name, IMPORT_FIELD);
	}
	for (i = 0; op->vars != NULL && i < op->vars->n; i++)
		if (!op->vars->v[i].used)
			diag_warn(st->d, &op->vars->v[i].loc,
			    "graphql-variable", "variable '$%s' is never used",
			    op->vars->v[i].name);
}

void
gq_operation_done(struct gq_state *st, struct gq_op *op)
{
	gq_operation(st, op);
	gq_op_free(op);
	st->n_errors_op = st->n_errors;
	if (!st->keep_arena && st->arena != NULL)
		vnode_arena_rewind(st->arena);
	st->saw_var = false;
}

/* ---- entry point ------------------------------------------------------ */

/*
 * Runs the scanner and parser over buf.  Without fn, the imports collect
 * in the returned list; with fn, each goes to fn as soon as its operation
 * is done, and the list comes back empty.  *n_errors: the errors the
 * front-end itself reported.
 */
static struct vnode *
gq_run(struct diag_ctx *d, const char *file, const char *buf, size_t len,
    const struct vnode *vars, front_item_fn *fn, void *arg,
    unsigned *n_errors)
{
	struct loc top = { file, 1, 1 };
	struct gq_state st;
	yyscan_t scanner;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.d = d;
	st.file = file;
	st.vars = vars != NULL && vars->type == VN_OBJECT ? vars : NULL;
	st.fn = fn;
	st.fn_arg = arg;
	st.line = 1;
	st.col = 1;
	st.arena = vnode_arena_new();
	if (fn != NULL) {
		st.out = vnode_new(VN_LIST, &top);
	} else {
		/* the returned list owns the arena */
		st.keep_arena = true;
		st.out = vnode_anew(st.arena, VN_LIST, &top);
		st.out->arena_owner = true;
	}
	strmap_init(&st.opnames, 0);
	strmap_init(&st.varmap, 0);
	/* a byte order mark is not part of the text's columns */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (gq_lex_init_extra(&st, &scanner) != 0)
		abort();
	st.in = buf;
	st.in_len = len;
	gq_parse(scanner, &st);
	gq_lex_destroy(scanner);
	gq_sdl_report(&st);
	free(st.bbuf);
	for (i = 0; i < st.n_ops; i++)
		free(st.ops[i].name);
	free(st.ops);
	strmap_fini(&st.opnames);
	strmap_fini(&st.varmap);
	if (fn != NULL)
		gq_arena_free(&st);
	*n_errors = st.n_errors;
	return st.out;
}

/*
 * Returns a new VN_LIST (caller frees with vnode_free()) holding each
 * import's input object in document order, or NULL when the document has
 * errors (all reported in d).  file must be the path registered with d;
 * vars (a VN_OBJECT or NULL) is borrowed.
 */
struct vnode *
front_graphql_parse(struct diag_ctx *d, const char *file, const char *buf,
    size_t len, const struct vnode *vars)
{
	return front_graphql_parse_stream(d, file, buf, len, vars, NULL,
	    NULL);
}

struct vnode *
front_graphql_parse_stream(struct diag_ctx *d, const char *file,
    const char *buf, size_t len, const struct vnode *vars,
    front_item_fn *fn, void *arg)
{
	struct vnode *out;
	unsigned n_errors;

	out = gq_run(d, file, buf, len, vars, fn, arg, &n_errors);
	if (n_errors > 0) {
		vnode_free(out);
		return NULL;
	}
	return out;
}

struct vnode *
front_graphql_vars_load(struct diag_ctx *d, const char *path,
    int *unreadable)
{
	struct vnode *v;
	const char *file;
	char *buf = NULL;
	size_t len = 0, cap = 0, r;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL) {
		fprintf(stderr, "edgenetc: cannot read %s: %s\n", path,
		    strerror(errno));
		*unreadable = 1;
		return NULL;
	}
	do {
		xgrow(&buf, &cap, len + 65536, 1);
		r = fread(buf + len, 1, cap - len, fp);
		len += r;
	} while (r > 0);
	if (ferror(fp)) {
		fprintf(stderr, "edgenetc: cannot read %s: %s\n", path,
		    strerror(errno));
		fclose(fp);
		free(buf);
		*unreadable = 1;
		return NULL;
	}
	fclose(fp);
	file = diag_src_add(d, path, buf, len);
	v = front_json_parse(d, file, buf, len);
	if (v != NULL && v->type != VN_OBJECT) {
		diag_err(d, &v->loc, "bad-vars",
		    "--vars must hold a JSON object of variable values");
		vnode_free(v);
		v = NULL;
	}
	return v;
}
