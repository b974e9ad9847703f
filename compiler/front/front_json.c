/*
 * front_json.c - JSON text -> vnode tree, with jansson.
 *
 * jansson validates and decodes (JSON_REJECT_DUPLICATES, JSON_ALLOW_NUL so
 * that a NUL inside a string value reaches the env check, JSON_DECODE_ANY
 * so that a scalar document gets the mapper's message).  It keeps no
 * positions, so a light scanner steps over the same bytes beside the walk
 * over jansson's tree: the walk asks for the start of each value and key
 * in document order, the scanner finds the next one (no table of them).
 * jansson 2.14 iterates objects in insertion order (its hashtable keeps an ordered
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

#include "front_int.h"
#include "xalloc.h"

#define JSON_MAX_DEPTH	64

/* A token start: where, and for numbers how long. */
struct jpos {
	size_t		 off, len;
};

struct jbuild {
	struct diag_ctx	*d;
	const char	*file;
	const char	*buf;
	size_t		 len;
	size_t		 i, line, ls;	/* scanner: offset, line, line start */
	front_item_fn	*fn;		/* streaming, may be NULL */
	void		*arg;
	/* streamed items are built in arena, rewound after each */
	struct vnode_arena *arena;
	struct vnode_arena *ar;		/* where nodes go now (NULL: heap) */
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

/* Bytes between tokens, besides '\n' (which counts lines). */
static const bool jb_skip[256] = {
	[' '] = true, [','] = true, [':'] = true, ['}'] = true,
	[']'] = true, ['\t'] = true, ['\r'] = true,
};

/*
 * Just past the string whose body starts at s[i]: the first '"' not
 * escaped, i.e. preceded by an even run of backslashes (memchr is much
 * faster than a byte loop over the text, which is mostly strings).
 */
static size_t
jb_string_end(const char *s, size_t i, size_t n)
{
	const char *q;
	size_t k;

	while (i < n && (q = memchr(s + i, '"', n - i)) != NULL) {
		i = (size_t)(q - s);
		for (k = i; k > 0 && s[k - 1] == '\\'; k--)
			;
		if ((i - k) % 2 == 0)
			return i + 1;
		i++;
	}
	return n + 1;
}

/*
 * The position scanner: steps to the next token that starts a value or a
 * key, in document order, which is the order the walk asks for them.
 * The text is valid JSON (jansson said so), so this only has to find
 * token starts: strings hold no raw newline, and every value or key
 * starts with one of { [ " t f n or a number.
 */
static void
jb_take_pos(struct jbuild *b, struct loc *l, struct jpos *jp)
{
	const char *s = b->buf;
	size_t i = b->i, n = b->len, st;

	jp->off = jp->len = 0;
	for (; i < n; i++) {
		if (s[i] == '\n') {
			b->line++;
			b->ls = i + 1;
		} else if (!jb_skip[(unsigned char)s[i]])
			break;
	}
	l->file = b->file;
	l->line = (unsigned)b->line;
	l->col = (unsigned)(i - b->ls + 1);
	jp->off = st = i;
	if (i >= n) {
		b->bad = true;
		return;
	}
	switch (s[i]) {
	case '{': case '[':
		i++;
		break;
	case '"':
		i = jb_string_end(s, i + 1, n);
		break;
	case 't': case 'n':
		i += 4;
		break;
	case 'f':
		i += 5;
		break;
	default:
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+'))
			i++;
		if (i == st)
			b->bad = true;
		jp->len = i - st;
		break;
	}
	b->i = i;
}

static void
jb_take(struct jbuild *b, struct loc *l)
{
	struct jpos jp;

	jb_take_pos(b, l, &jp);
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

static struct vnode	*jb_walk(struct jbuild *, json_t *, int);

/* A top-level services/devices array: each item goes to b->fn. */
static struct vnode *
jb_stream(struct jbuild *b, const char *key, json_t *arr)
{
	struct vnode *list, *item;
	struct loc l;
	json_t *jv;
	size_t i;

	jb_take(b, &l);
	list = vnode_new(VN_LIST, &l);
	if (b->arena == NULL)
		b->arena = vnode_arena_new();
	json_array_foreach(arr, i, jv) {
		b->ar = b->arena;
		item = jb_walk(b, jv, 2);
		b->ar = NULL;
		if (item != NULL)
			b->fn(b->arg, key, item);
		vnode_arena_rewind(b->arena);
		/* jansson's copy is done with: the model reuses its memory */
		json_array_set_new(arr, i, json_null());
	}
	return list;
}

static struct vnode *
jb_walk(struct jbuild *b, json_t *j, int depth)
{
	struct vnode *v, *item;
	struct loc l, kl;
	struct jpos jp;
	const char *k;
	json_t *jv;
	size_t i, skip;

	jb_take_pos(b, &l, &jp);
	if ((json_is_object(j) || json_is_array(j)) && depth >= JSON_MAX_DEPTH) {
		diag_err(b->d, &l, "too-deep", "nesting deeper than %d levels",
		    JSON_MAX_DEPTH);
		for (skip = json_count(j) - 1; skip > 0; skip--)
			jb_take(b, &kl);
		return NULL;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v = vnode_anew(b->ar, VN_OBJECT, &l);
		json_object_foreach(j, k, jv) {
			jb_take(b, &kl);
			if (depth == 0 && b->fn != NULL && json_is_array(jv) &&
			    front_stream_key(k))
				item = jb_stream(b, k, jv);
			else
				item = jb_walk(b, jv, depth + 1);
			if (item != NULL)
				vnode_object_add(v, k, strlen(k), &kl, item);
		}
		return v;
	case JSON_ARRAY:
		v = vnode_anew(b->ar, VN_LIST, &l);
		json_array_foreach(j, i, jv) {
			item = jb_walk(b, jv, depth + 1);
			if (item != NULL)
				vnode_list_add(v, item);
		}
		return v;
	case JSON_STRING:
		return vnode_anew_str(b->ar, VN_STRING, &l,
		    json_string_value(j),
		    json_string_length(j));
	case JSON_INTEGER:
	case JSON_REAL:
		if (jp.len == 0)
			b->bad = true;
		return vnode_anew_str(b->ar, json_is_integer(j) ? VN_INT :
		    VN_FLOAT, &l, b->buf + jp.off, jp.len);
	case JSON_TRUE:
	case JSON_FALSE:
		v = vnode_anew_str(b->ar, VN_BOOL, &l, json_is_true(j) ?
		    "true" : "false", json_is_true(j) ? 4 : 5);
		v->b = json_is_true(j);
		return v;
	case JSON_NULL:
	default:
		return vnode_anew_str(b->ar, VN_NULL, &l, "null", 4);
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
	return front_json_parse_stream(d, file, buf, len, NULL, NULL);
}

/* Same; items of the top-level services/devices arrays go to fn. */
struct vnode *
front_json_parse_stream(struct diag_ctx *d, const char *file,
    const char *buf, size_t len, front_item_fn *fn, void *arg)
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
	b.fn = fn;
	b.arg = arg;
	b.buf = buf;
	b.len = len;
	b.line = 1;
	root = jb_walk(&b, j, 0);
	json_decref(j);
	vnode_arena_free(b.arena);
	/* only closing brackets and blanks may follow the last token */
	while (b.i < len && strchr(" \t\r\n}]", buf[b.i]) != NULL &&
	    buf[b.i] != '\0')
		b.i++;
	if (b.bad || b.i != len) {
		/* cannot happen for input jansson accepted; never guess */
		diag_err(d, NULL, "internal", "%s: JSON positions out of step",
		    file);
		vnode_free(root);
		return NULL;
	}
	return root;
}
