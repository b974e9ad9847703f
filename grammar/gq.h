/*
 * gq.h - internals of the GraphQL front-end shared by the flex scanner
 * (graphql.l), the bison parser (graphql.y) and front_graphql.c.
 *
 * The parser builds a small syntax tree per operation; argument and input
 * values are vnodes from the start, so that an import's input object is
 * handed to the mapper as is.  Each operation is processed and freed as
 * soon as it is reduced (gq_operation_done), so memory stays proportional
 * to the largest operation, not to the document.
 */
#ifndef EDGENETC_GQ_H
#define EDGENETC_GQ_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "front_int.h"
#include "strmap.h"
#include "vnode.h"

/*
 * Nesting of (), [] and {} deeper than this is an error (as in the YAML
 * and JSON front-ends); it also keeps every recursive walk shallow.
 */
#define GQ_MAX_DEPTH	64
/* Lexical and syntax errors reported per file before giving up. */
#define GQ_MAX_ERRORS	50
/*
 * Hex digits of a \u{...} escape, leading zeros included.  The
 * specification sets no limit (the value must be a Unicode scalar
 * value); 8 is the reference implementation's (graphql-js), so that the
 * two accept the same documents.
 */
#define GQ_MAX_HEX	8

/*
 * A decoded string token: bytes (may contain NUL), NUL-terminated, in the
 * state's arena.
 */
struct gq_str {
	char		*s;
	size_t		 len;
};

/* @name(args) */
struct gq_dir {
	char		*name;
	struct loc	 loc;
	struct vnode	*args;		/* VN_OBJECT or NULL */
};

struct gq_dirs {
	struct gq_dir	*v;
	size_t		 n, cap;
};

struct gq_sels;

/* A field selection: alias: name(args) @dirs { sels } */
struct gq_field {
	char		*alias;		/* NULL when none */
	char		*name;
	struct loc	 loc;		/* of the alias or name */
	struct vnode	*args;		/* VN_OBJECT or NULL */
	struct gq_dirs	*dirs;		/* NULL when none */
	struct gq_sels	*sels;		/* NULL when none */
};

struct gq_sels {
	struct gq_field	**v;
	size_t		 n, cap;
};

/* A type reference as written, e.g. "[String!]!". */
struct gq_type {
	char		*text;
	bool		 nonnull;	/* outermost is T! */
};

/* $name: type = default @dirs */
struct gq_vardef {
	char		*name;
	struct loc	 loc;
	struct gq_type	 type;
	struct vnode	*defval;	/* NULL when none */
	bool		 used;
};

struct gq_vardefs {
	struct gq_vardef *v;
	size_t		 n, cap;
};

enum gq_optype {
	GQ_QUERY,
	GQ_MUTATION,
	GQ_SUBSCRIPTION,
};

struct gq_op {
	enum gq_optype	 type;
	char		*name;		/* NULL when anonymous */
	struct loc	 loc;
	struct gq_vardefs *vars;	/* NULL when none */
	struct gq_dirs	*dirs;
	struct gq_sels	*sels;
};

/* Names seen so far, for the unique-operation-name rule. */
struct gq_opname {
	char		*name;		/* NULL: anonymous */
	struct loc	 loc;
};

/* Parser + scanner state (the scanner's extra data). */
struct gq_state {
	struct diag_ctx	*d;
	const char	*file;
	const struct vnode *vars;	/* --vars, borrowed, may be NULL */
	struct vnode	*out;		/* VN_LIST of import inputs */
	front_item_fn	*fn;		/* streaming: each import, now */
	void		*fn_arg;

	/* the input (read by the scanner's YY_INPUT, in chunks) */
	const char	*in;
	size_t		 in_len, in_pos;

	/* scanner position: next character to read */
	unsigned	 line, col;
	unsigned	 depth;
	bool		 too_deep;
	/* block string being read */
	char		*bbuf;
	size_t		 blen, bcap;
	unsigned	 bline, bcol;
	/*
	 * The last token's text, for "got ..." in syntax errors (it points
	 * into the scanner's buffer: valid until the next token is read),
	 * and the position just past it (where "end of file" is reported).
	 */
	const char	*last;
	size_t		 last_len;
	unsigned	 end_line, end_col;
	/* gq_token_errors() then, and after the last description */
	unsigned	 end_errors, desc_errors;
	bool		 skip_anon;	/* after top-level recovery */
	bool		 saw_var;	/* $x in this operation */
	/*
	 * $variables may be used here: in an operation or fragment, but not
	 * in its variable definitions, nor anywhere in a type-system
	 * definition (constant values).
	 */
	bool		 vars_ok;
	/* type-system definitions: the first one, and how many */
	struct loc	 sdl_at;
	const char	*sdl_kind;
	unsigned	 n_sdl;

	unsigned	 n_errors;	/* lexical + syntax + semantic */
	unsigned	 n_comment_errors; /* of those, bad UTF-8 in comments */
	unsigned	 bare_line, bare_end;	/* a bare address (gq_hints.c) */
	unsigned	 n_errors_op;	/* n_errors after the last operation */
	bool		 gave_up;
	struct gq_opname *ops;
	size_t		 n_ops, cap_ops;
	bool		 anon_seen;
	struct strmap	 opnames;	/* name -> index + 1 in ops */
	struct strmap	 varmap;	/* this operation's vardefs */
	/*
	 * Names, numbers, strings and the value trees of the operation
	 * being parsed (see gq_name_dup()).  Streaming, it is rewound after
	 * each operation; else it ends up owned by the returned list.
	 */
	struct vnode_arena *arena;
	bool		 keep_arena;	/* never rewound */
};

/*
 * Errors but those in comments (which are no tokens): an error reported
 * after a token was read comes before one about that token's neighbour.
 */
static inline unsigned
gq_token_errors(const struct gq_state *st)
{
	return st->n_errors - st->n_comment_errors;
}

/* graphql.l helpers implemented in front_graphql.c */
/*
 * A copy of s[0..len) in st->arena: it lives until the current operation
 * is done (streaming) or as long as the returned tree.
 */
char	*gq_name_dup(struct gq_state *st, const char *s, size_t len);
void	 gq_arena_free(struct gq_state *st);
unsigned gq_string_decode(struct gq_state *st, const char *text, size_t len,
	    unsigned line, unsigned col, struct gq_str *out);
int	 gq_block_string(struct gq_state *st, const char *raw, size_t len,
	    unsigned line, unsigned col, struct gq_str *out);
/* Reports the first bad UTF-8 of a block string's raw text starting at
 * line:col; -1 when there is one. */
int	 gq_block_utf8(struct gq_state *st, const char *raw, size_t len,
	    unsigned line, unsigned col);
/* gq_hints.c: hints and notes for the error just reported at line:col,
 * and whether an error there follows from one already reported. */
void	 gq_hint_after(struct gq_state *st, unsigned line, unsigned col,
	    const char *msg);
bool	 gq_hint_suppressed(struct gq_state *st, unsigned line,
	    unsigned col);
void	 gq_errorf(struct gq_state *st, unsigned line, unsigned col,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Reports bad UTF-8 in a comment's text[0..len) starting at line:col. */
void	 gq_comment(struct gq_state *st, const char *text, size_t len,
	    unsigned line, unsigned col);
/*
 * Valid GraphQL that is not read (docs/graphql.md): a fragment, reported
 * at once, or a type-system definition of kind ("type", "extend
 * schema", ...), reported once per document, at the first.
 */
void	 gq_unsupported(struct gq_state *st, unsigned line, unsigned col,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	 gq_sdl(struct gq_state *st, unsigned line, unsigned col,
	    const char *kind);

#ifdef UNITTESTS
size_t	 gq_utf8_len(const unsigned char *s, size_t avail);
#endif

/* AST helpers used by graphql.y */
void	 gq_dirs_free(struct gq_dirs *ds);
void	 gq_field_free(struct gq_field *f);
void	 gq_sels_free(struct gq_sels *s);
void	 gq_vardefs_free(struct gq_vardefs *vs);
void	 gq_type_clear(struct gq_type *t);
void	 gq_op_free(struct gq_op *op);
/* Takes ownership of op: extracts imports into st->out, then frees it. */
void	 gq_operation_done(struct gq_state *st, struct gq_op *op);

#endif
