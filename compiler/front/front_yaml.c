/*
 * front_yaml.c - YAML text -> vnode tree, with libyaml's event parser.
 *
 * Typing (YAML 1.2 core schema, no YAML 1.1 yes/no/on/off):
 *   plain "", ~, null, Null, NULL          -> VN_NULL
 *   plain true/True/TRUE/false/False/FALSE -> VN_BOOL
 *   other plain scalars                    -> VN_SCALAR (the mapper decides)
 *   quoted, literal, folded, or !!str      -> VN_STRING
 *
 * Refused, each with a diagnostic: aliases (no expansion bombs),
 * non-scalar mapping keys, keys holding NUL, and a second document.  Those
 * drop the offending node and keep going so that the mapper can report
 * everything else.  A syntax error, or nesting deeper than YAML_MAX_DEPTH,
 * stops the parse and returns NULL.
 *
 * Locations are 1-based line and byte column, lines counted by '\n' (the
 * same view diag.c uses to print the caret).  libyaml counts characters
 * and treats CR, NEL, LS and PS as line breaks too, so for input that is
 * not plain ASCII, or holds a CR, marks are converted through a cursor
 * that walks the buffer forward (events arrive in document order).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "front_int.h"
#include "xalloc.h"

/*
 * Nesting past this stops the parse.  Specs nest 5 deep; and libyaml's
 * scanner costs O(flow depth) per token (its simple-key stack), so that
 * "[[[[..." a million deep would take hours if it were allowed to go on.
 */
#define YAML_MAX_DEPTH	64

struct yframe {
	struct vnode	*node;		/* VN_LIST or VN_OBJECT */
	char		*key;		/* pending key (mapping) */
	size_t		 keylen;
	struct loc	 keyloc;
	bool		 have_key;
	bool		 drop_value;	/* the key was refused: drop its value */
	bool		 stream;	/* root key whose list items stream */
};

struct ybuild {
	struct diag_ctx	*d;
	const char	*file;
	const unsigned char *buf;
	size_t		 len;
	/* mark -> (line, byte column) cursor, used when slow */
	bool		 slow;
	size_t		 base;		/* bytes before libyaml's input (BOM) */
	size_t		 ci, bi, ls;
	unsigned	 line;

	front_item_fn	*fn;		/* streaming, may be NULL */
	void		*arg;
	/*
	 * Streamed items are built in this arena, rewound after each: no
	 * malloc and free per node (see yb_arena()).
	 */
	struct vnode_arena *arena;
	struct yframe	 st[YAML_MAX_DEPTH];
	int		 depth;
	struct vnode	*root;
	bool		 have_root;
	unsigned	 docs;
};

/* Input that libyaml and diag.c count the same way needs no cursor. */
static bool
yaml_needs_cursor(const unsigned char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t w, x;
	size_t i = 0;

	/* eight bytes at a time: any high bit, or any byte equal to CR */
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		x = w ^ (ones * '\r');
		if (((w | ((x - ones) & ~x)) & high) != 0)
			return true;
	}
	for (; i < n; i++)
		if (p[i] >= 0x80 || p[i] == '\r')
			return true;
	return false;
}

static unsigned
utf8_width(unsigned char c)
{
	if (c < 0xc0)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return 4;
}

/* Byte offset -> (line, column), lines by '\n'. */
static void
yb_loc_offset(struct ybuild *b, size_t off, struct loc *l)
{
	size_t i, ls = 0;
	unsigned line = 1;

	if (off > b->len)
		off = b->len;
	for (i = 0; i < off; i++)
		if (b->buf[i] == '\n') {
			line++;
			ls = i + 1;
		}
	l->file = b->file;
	l->line = line;
	l->col = (unsigned)(off - ls + 1);
}

static void
yb_loc(struct ybuild *b, const yaml_mark_t *m, struct loc *l)
{
	l->file = b->file;
	if (!b->slow) {
		l->line = (unsigned)m->line + 1;
		l->col = (unsigned)m->column + 1;
		return;
	}
	if (m->index < b->ci) {
		b->ci = b->ls = 0;
		b->bi = b->base;
		b->line = 1;
	}
	while (b->ci < m->index && b->bi < b->len) {
		if (b->buf[b->bi] == '\n') {
			b->line++;
			b->ls = b->bi + 1;
		}
		b->bi += utf8_width(b->buf[b->bi]);
		b->ci++;
	}
	if (b->bi > b->len)
		b->bi = b->len;
	l->line = b->line;
	l->col = (unsigned)(b->bi - b->ls + 1);
}

static bool
yaml_is_null(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '~') ||
	    (n == 4 && (strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0));
}

static int
yaml_bool(const char *s, size_t n)
{
	if (n == 4 && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0))
		return 1;
	if (n == 5 && (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
	    strcmp(s, "FALSE") == 0))
		return 0;
	return -1;
}

/*
 * The arena for a node made now: inside a streamed item (the root's
 * frame streams, the list under it is open), else NULL (on the heap).
 * Such a node ends up in the item handed to fn, or in the arena's
 * rewind on an error path; never in a heap node.
 */
static struct vnode_arena *
yb_arena(const struct ybuild *b)
{
	if (b->depth < 2 || !b->st[0].stream ||
	    b->st[1].node->type != VN_LIST)
		return NULL;
	return b->arena;
}

/*
 * A scalar event -> vnode.  Takes the event's value buffer (libyaml
 * allocates it with malloc and frees it in yaml_event_delete, which
 * accepts NULL) to save a copy per scalar; an arena node hands it to the
 * arena (vnode_arena_own).  Copying it into the arena instead, and
 * letting libyaml free it at once, costs less in instructions but much
 * more in time: glibc's fastbin consolidation, which a free next to the
 * top chunk sets off, then has thousands more chunks to walk.
 */
static struct vnode *
yb_scalar(struct ybuild *b, yaml_event_t *ev)
{
	struct vnode_arena *a = yb_arena(b);
	struct vnode *v;
	struct loc l;
	char *s = (char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	int bv;

	yb_loc(b, &ev->start_mark, &l);
	v = vnode_anew(a, VN_SCALAR, &l);
	v->s = s;
	v->len = n;
	ev->data.scalar.value = NULL;
	if (a != NULL)
		vnode_arena_own(a, v);
	if (tag != NULL && strcmp(tag, YAML_STR_TAG) == 0)
		v->type = VN_STRING;
	else if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		v->type = VN_STRING;
	else if (yaml_is_null(s, n))
		v->type = VN_NULL;
	else if ((bv = yaml_bool(s, n)) >= 0) {
		v->type = VN_BOOL;
		v->b = bv == 1;
	}
	return v;
}

/* A pending key is the mapping's: its arena's, or malloc'd. */
static void
yb_key_free(struct yframe *fr)
{
	if (fr->node->arena == NULL)
		free(fr->key);
}

/* Hands a finished node to the enclosing collection (or makes it root). */
static void
yb_attach(struct ybuild *b, struct vnode *v)
{
	struct yframe *fr;

	if (b->depth == 0) {
		if (b->have_root)
			vnode_free(b->root);
		b->root = v;
		b->have_root = true;
		return;
	}
	fr = &b->st[b->depth - 1];
	if (fr->node->type == VN_LIST) {
		if (b->depth == 2 && b->st[0].stream) {
			b->fn(b->arg, b->st[0].key, v);
			/* the item is mapped: its nodes go */
			vnode_arena_rewind(b->arena);
		} else
			vnode_list_add(fr->node, v);
		return;
	}
	if (!fr->have_key) {
		fr->have_key = true;
		fr->drop_value = false;
		fr->keyloc = v->loc;
		if (v->type == VN_LIST || v->type == VN_OBJECT) {
			diag_err(b->d, &v->loc, "yaml-key",
			    "a mapping key must be a scalar, not a %s",
			    vnode_type_name(v->type));
			fr->drop_value = true;
		} else if (strlen(v->s) != v->len) {
			diag_err(b->d, &v->loc, "bad-key",
			    "key contains a NUL byte");
			fr->drop_value = true;
		} else {
			fr->key = v->s;
			fr->keylen = v->len;
			/* an arena node's text stays the arena's to free */
			if (v->arena == NULL)
				v->s = NULL;
			/* a repeated key stays in the tree for the mapper */
			fr->stream = b->fn != NULL && b->depth == 1 &&
			    front_stream_key(fr->key) &&
			    vnode_get(fr->node, fr->key) == NULL;
		}
		vnode_free(v);
		return;
	}
	fr->have_key = false;
	fr->stream = false;
	if (fr->drop_value || fr->key == NULL) {
		vnode_free(v);
		yb_key_free(fr);
	} else {
		vnode_object_add_take(fr->node, fr->key, &fr->keyloc, v);
	}
	fr->key = NULL;
}

/* A refused node (alias): drop it, and its key when it is a value. */
static void
yb_drop(struct ybuild *b)
{
	struct yframe *fr;

	if (b->depth == 0)
		return;
	fr = &b->st[b->depth - 1];
	if (fr->node->type != VN_OBJECT)
		return;
	if (!fr->have_key) {
		fr->have_key = true;
		fr->drop_value = true;
		fr->key = NULL;
	} else {
		fr->have_key = false;
		yb_key_free(fr);
		fr->key = NULL;
	}
}

static void
yb_syntax_error(struct ybuild *b, yaml_parser_t *p)
{
	struct loc l, cl;

	if (p->error == YAML_READER_ERROR) {
		yb_loc_offset(b, b->base + p->problem_offset, &l);
		if (p->problem_value != -1)
			diag_err(b->d, &l, "yaml-syntax", "%s (byte 0x%02X)",
			    p->problem, (unsigned)p->problem_value & 0xff);
		else
			diag_err(b->d, &l, "yaml-syntax", "%s", p->problem);
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		diag_err(b->d, NULL, "yaml-syntax", "%s: out of memory",
		    b->file);
		return;
	}
	if (p->problem != NULL && strstr(p->problem, "tab") != NULL) {
		/* libyaml: "found a tab character that violates
		 * indentation" and the like */
		yb_loc(b, &p->problem_mark, &l);
		diag_err(b->d, &l, "yaml-syntax", "a tab in the indentation: "
		    "YAML indents with spaces only");
		diag_span(b->d, l.col);
		diag_hint(b->d, "replace the tabs at the start of the line "
		    "with spaces");
		return;
	}
	if (p->context != NULL) {
		yb_loc(b, &p->context_mark, &cl);
		yb_loc(b, &p->problem_mark, &l);
		diag_err(b->d, &l, "yaml-syntax", "%s %s at line %u column %u",
		    p->problem != NULL ? p->problem : "syntax error",
		    p->context, cl.line, cl.col);
	} else {
		yb_loc(b, &p->problem_mark, &l);
		diag_err(b->d, &l, "yaml-syntax", "%s",
		    p->problem != NULL ? p->problem : "syntax error");
	}
}

/* Returns 0, or -1 to stop parsing (nesting past YAML_MAX_DEPTH). */
static int
yb_open(struct ybuild *b, yaml_event_t *ev, enum vn_type t)
{
	struct loc l;

	yb_loc(b, &ev->start_mark, &l);
	if (b->depth == YAML_MAX_DEPTH)
		return diag_err(b->d, &l, "too-deep",
		    "nesting deeper than %d levels", YAML_MAX_DEPTH);
	memset(&b->st[b->depth], 0, sizeof(b->st[0]));
	b->st[b->depth].node = vnode_anew(yb_arena(b), t, &l);
	b->depth++;
	return 0;
}

static void
yb_close(struct ybuild *b)
{
	struct yframe *fr;

	if (b->depth == 0)
		return;
	fr = &b->st[--b->depth];
	yb_key_free(fr);
	fr->key = NULL;
	yb_attach(b, fr->node);
}

/* Returns 1 to go on, 0 at the end, -1 on a syntax error. */
static int
yb_event(struct ybuild *b, yaml_parser_t *p, yaml_event_t *ev)
{
	struct loc l;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->docs++ > 0) {
			yb_loc(b, &ev->start_mark, &l);
			diag_err(b->d, &l, "yaml-multi-doc",
			    "a file holds one YAML document; split the others "
			    "into their own files");
			return 0;
		}
		break;
	case YAML_STREAM_END_EVENT:
		return 0;
	case YAML_ALIAS_EVENT:
		yb_loc(b, &ev->start_mark, &l);
		diag_err(b->d, &l, "yaml-alias",
		    "YAML aliases are not supported; write the value out");
		yb_drop(b);
		break;
	case YAML_SCALAR_EVENT:
		yb_attach(b, yb_scalar(b, ev));
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (yb_open(b, ev, ev->type == YAML_SEQUENCE_START_EVENT ?
		    VN_LIST : VN_OBJECT) < 0)
			return -1;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		yb_close(b);
		break;
	default:
		break;
	}
	return 1;
}

static void
yb_fini(struct ybuild *b)
{
	while (b->depth > 0) {
		struct yframe *fr = &b->st[--b->depth];

		yb_key_free(fr);
		vnode_free(fr->node);
	}
}

/*
 * Returns a new tree (caller frees with vnode_free()): the document's
 * root, or a VN_NULL at 1:1 for a file without a document.  NULL on a
 * syntax error (diagnostic in d).
 */
struct vnode *
front_yaml_parse(struct diag_ctx *d, const char *file, const char *buf,
    size_t len)
{
	return front_yaml_parse_stream(d, file, buf, len, NULL, NULL);
}

/* Same; items of the top-level services/devices lists go to fn. */
struct vnode *
front_yaml_parse_stream(struct diag_ctx *d, const char *file,
    const char *buf, size_t len, front_item_fn *fn, void *arg)
{
	struct ybuild *b = xzalloc(sizeof(*b));
	yaml_parser_t p;
	yaml_event_t ev;
	struct vnode *root = NULL;
	struct loc l;
	int r = 1;

	b->d = d;
	b->file = file;
	b->fn = fn;
	b->arg = arg;
	b->buf = (const unsigned char *)buf;
	b->len = len;
	b->slow = yaml_needs_cursor(b->buf, len);
	b->line = 1;
	if (fn != NULL)
		b->arena = vnode_arena_new();
	/*
	 * libyaml skips a UTF-8 BOM only when it guesses the encoding, and
	 * guessing would also take UTF-16: hand it the bytes after the BOM.
	 */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		b->base = b->bi = 3;
	if (!yaml_parser_initialize(&p)) {
		free(b);
		diag_err(d, NULL, "yaml-syntax", "%s: out of memory", file);
		return NULL;
	}
	yaml_parser_set_input_string(&p, b->buf + b->base, len - b->base);
	/* explicit: no UTF-16 */
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (r > 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			yb_syntax_error(b, &p);
			r = -1;
			break;
		}
		r = yb_event(b, &p, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	yb_fini(b);
	vnode_arena_free(b->arena);
	if (r == 0) {
		if (b->have_root) {
			root = b->root;
		} else {
			l.file = file;
			l.line = l.col = 1;
			root = vnode_new_str(VN_NULL, &l, "", 0);
		}
	} else {
		vnode_free(b->root);
	}
	free(b);
	return root;
}
