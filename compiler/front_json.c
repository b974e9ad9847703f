/*
 * front_json.c - JSON text -> vnode tree, with jansson.
 *
 * jansson validates and decodes (JSON_REJECT_DUPLICATES, JSON_ALLOW_NUL so
 * that a NUL inside a string value reaches the env check, JSON_DECODE_ANY
 * so that a scalar document gets the mapper's message).  It keeps no
 * positions, so a second, much cheaper pass over the same bytes records
 * where every value and every key starts, in document order; the walk
 * over jansson's tree then takes them in the same order.  jansson 2.14
 * iterates objects in insertion order (its hashtable keeps an ordered
 * list; tests/unit/test_front.c pins it), and with duplicates rejected,
 * insertion order is document order.
 *
 * Numbers keep the text as written (VN_INT / VN_FLOAT), from the position
 * pass, so that "007" or 1e3 reach the mapper unchanged.
 *
 * Locations are 1-based line and byte column, lines counted by '\n'.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "front.h"
#include "xalloc.h"

#define JSON_MAX_DEPTH	64

struct jpos {
	uint32_t	 line, col;
	size_t		 off, len;	/* len: numbers only */
};

struct jbuild {
	struct diag_ctx	*d;
	const char	*file;
	const char	*buf;
	size_t		 len;
	struct jpos	*pos;
	size_t		 n_pos, cap_pos, next;
	bool		 bad;		/* positions out of step: internal error */
};

/* Byte offset -> (line, column). */
static void
json_loc_offset(const char *file, const char *buf, size_t len, size_t off,
    struct loc *l)
{
	const char *p = buf, *end, *nl;
	unsigned line = 1;

	if (off > len)
		off = len;
	end = buf + off;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p = nl + 1;
	}
	l->file = file;
	l->line = line;
	l->col = (unsigned)(end - p) + 1;
}

static void
jb_push(struct jbuild *b, size_t off, size_t line, size_t ls, size_t n)
{
	struct jpos *jp;

	if (b->n_pos == b->cap_pos) {
		b->cap_pos = b->cap_pos ? b->cap_pos * 2 : 256;
		b->pos = xrealloc(b->pos, b->cap_pos * sizeof(*b->pos));
	}
	jp = &b->pos[b->n_pos++];
	jp->line = (uint32_t)line;
	jp->col = (uint32_t)(off - ls + 1);
	jp->off = off;
	jp->len = n;
}

/*
 * The position pass.  The text is valid JSON (jansson said so), so this
 * only has to find token starts: strings hold no raw newline, and every
 * token is one of { [ " t f n or a number.
 */
static void
jb_scan(struct jbuild *b)
{
	const char *s = b->buf;
	size_t i = 0, n = b->len, line = 1, ls = 0, st;

	while (i < n) {
		switch (s[i]) {
		case '\n':
			line++;
			ls = ++i;
			break;
		case ' ': case '\t': case '\r':
		case ',': case ':': case '}': case ']':
			i++;
			break;
		case '{': case '[':
			jb_push(b, i, line, ls, 1);
			i++;
			break;
		case '"':
			jb_push(b, i, line, ls, 0);
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
			break;
		case 't': case 'n':
			jb_push(b, i, line, ls, 4);
			i += 4;
			break;
		case 'f':
			jb_push(b, i, line, ls, 5);
			i += 5;
			break;
		default:
			st = i;
			while (i < n && (s[i] == '-' || s[i] == '+' ||
			    s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
			    (s[i] >= '0' && s[i] <= '9')))
				i++;
			if (i == st)	/* not JSON after all: stop */
				return;
			jb_push(b, st, line, ls, i - st);
			break;
		}
	}
}

static const struct jpos *
jb_take(struct jbuild *b, struct loc *l)
{
	static const struct jpos none;
	const struct jpos *jp;

	if (b->next >= b->n_pos) {
		b->bad = true;
		jp = &none;
	} else {
		jp = &b->pos[b->next++];
	}
	l->file = b->file;
	l->line = jp->line;
	l->col = jp->col;
	return jp;
}

/* Positions taken by a subtree, to step over one that is dropped. */
static size_t
json_count(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i, n = 1;

	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			n += 1 + json_count(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			n += json_count(v);
	}
	return n;
}

static struct vnode *
jb_walk(struct jbuild *b, json_t *j, int depth)
{
	const struct jpos *jp;
	struct vnode *v, *item;
	struct loc l, kl;
	const char *k;
	json_t *jv;
	size_t i;

	jp = jb_take(b, &l);
	if ((json_is_object(j) || json_is_array(j)) && depth >= JSON_MAX_DEPTH) {
		diag_err(b->d, &l, "too-deep", "nesting deeper than %d levels",
		    JSON_MAX_DEPTH);
		b->next += json_count(j) - 1;
		return NULL;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v = vnode_new(VN_OBJECT, &l);
		json_object_foreach(j, k, jv) {
			jb_take(b, &kl);
			item = jb_walk(b, jv, depth + 1);
			if (item != NULL)
				vnode_object_add(v, k, strlen(k), &kl, item);
		}
		return v;
	case JSON_ARRAY:
		v = vnode_new(VN_LIST, &l);
		json_array_foreach(j, i, jv) {
			item = jb_walk(b, jv, depth + 1);
			if (item != NULL)
				vnode_list_add(v, item);
		}
		return v;
	case JSON_STRING:
		return vnode_new_str(VN_STRING, &l, json_string_value(j),
		    json_string_length(j));
	case JSON_INTEGER:
	case JSON_REAL:
		if (jp->len == 0)
			b->bad = true;
		return vnode_new_str(json_is_integer(j) ? VN_INT : VN_FLOAT,
		    &l, b->buf + jp->off, jp->len);
	case JSON_TRUE:
	case JSON_FALSE:
		v = vnode_new_str(VN_BOOL, &l, json_is_true(j) ? "true" :
		    "false", json_is_true(j) ? 4 : 5);
		v->b = json_is_true(j);
		return v;
	case JSON_NULL:
	default:
		return vnode_new_str(VN_NULL, &l, "null", 4);
	}
}

/*
 * jansson's position is the byte offset just past the token it choked
 * on, and its text ends with "near '<token>'": step back over the token
 * so that the diagnostic points at its first byte.
 */
static void
json_syntax_error(struct diag_ctx *d, const char *file, const char *buf,
    size_t len, const json_error_t *e)
{
	const char *tok = NULL;
	size_t off = e->position > 0 ? (size_t)e->position : 0, tl = 0;
	struct loc l;

	if (off > len)
		off = len;
	if ((tok = strstr(e->text, " near '")) != NULL) {
		tok += 7;
		tl = strlen(tok);
		if (tl > 0 && tok[tl - 1] == '\'' && tl - 1 <= off &&
		    memcmp(buf + off - (tl - 1), tok, tl - 1) == 0)
			off -= tl - 1;
	} else {
		/* "too big integer" and the like: back over the number */
		while (off > 0 && strchr("0123456789+-.eE", buf[off - 1]) &&
		    buf[off - 1] != '\0')
			off--;
	}
	json_loc_offset(file, buf, len, off, &l);
	if (json_error_code(e) == json_error_duplicate_key && tok != NULL &&
	    tl > 0)
		diag_err(d, &l, "duplicate-key", "duplicate key %.*s",
		    (int)(tl - 1), tok);
	else
		diag_err(d, &l, "json-syntax", "%s", e->text);
}

/*
 * Returns a new tree (caller frees with vnode_free()), or NULL on a
 * syntax error (diagnostic in d).
 */
struct vnode *
front_json_parse(struct diag_ctx *d, const char *file, const char *buf,
    size_t len)
{
	struct jbuild b;
	struct vnode *root;
	json_error_t err;
	json_t *j;

	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
	    JSON_DECODE_ANY, &err);
	if (j == NULL) {
		json_syntax_error(d, file, buf, len, &err);
		return NULL;
	}
	memset(&b, 0, sizeof(b));
	b.d = d;
	b.file = file;
	b.buf = buf;
	b.len = len;
	jb_scan(&b);
	root = jb_walk(&b, j, 0);
	json_decref(j);
	free(b.pos);
	if (b.bad || b.next != b.n_pos) {
		/* cannot happen for input jansson accepted; never guess */
		diag_err(d, NULL, "internal", "%s: JSON positions out of step",
		    file);
		vnode_free(root);
		return NULL;
	}
	return root;
}
