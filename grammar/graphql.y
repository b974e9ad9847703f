/*
 * graphql.y - GraphQL executable documents, as far as import mutations
 * use them: operations (query, mutation, subscription; name, variable
 * definitions, directives), selection sets, fields with aliases,
 * arguments and directives, and every input value form.  Fragments are
 * not part of the language accepted here.
 *
 * Pure and reentrant (no globals).  Each operation is handed to
 * gq_operation_done() as soon as it is reduced.  Names, numbers, strings
 * and values are in the state's arena (gq.h): keys and enum values go
 * into the value tree without a copy, and a value dropped on an error
 * path goes with the arena.  Error recovery resumes
 * at the next object field, argument, selection or definition, so one run
 * reports every independent syntax error of a file.
 */
%code requires {
#include "gq.h"

/* Only where a token or rule starts is ever used. */
struct gq_yloc {
	unsigned	 first_line;
	unsigned	 first_column;
};
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
}

%code provides {
int	gq_lex(GQ_STYPE *, GQ_LTYPE *, yyscan_t);
}

%code {
#include <stdlib.h>
#include <string.h>

#include "front_int.h"
#include "xalloc.h"

static struct loc	 gq_loc(const struct gq_state *, const GQ_LTYPE *);
void			 gq_error(const GQ_LTYPE *, yyscan_t,
			    struct gq_state *, const char *);
static struct gq_op	*gq_op_new(enum gq_optype, char *, struct loc,
			    struct gq_vardefs *, struct gq_dirs *,
			    struct gq_sels *);
static struct vnode	*gq_enum(struct gq_state *, char *,
			    const struct loc *);

#define YYLLOC_DEFAULT(cur, rhs, n) do { \
	(cur) = YYRHSLOC((rhs), (n) ? 1 : 0); \
} while (0)
#define LOC(l) gq_loc(st, &(l))
#define LOCP(l) (&(struct loc){ st->file, (unsigned)(l).first_line, \
	(unsigned)(l).first_column })
/* a value node in the arena */
#define VN(t, l) vnode_anew(st->arena, (t), (l))
}

%define api.pure full
%define api.prefix {gq_}
%define api.token.prefix {T_}
%define parse.error custom
%define parse.lac full
%locations
%define api.location.type {struct gq_yloc}
%param {yyscan_t scanner}
%parse-param {struct gq_state *st}

%union {
	char			*str;	/* numbers, in the arena */
	char			*name;	/* in the arena */
	struct gq_str		 sv;	/* in the arena */
	struct vnode		*vn;
	struct gq_field		*field;
	struct gq_sels		*sels;
	struct gq_dir		*dir;
	struct gq_dirs		*dirs;
	struct gq_vardef	*vd;
	struct gq_vardefs	*vds;
	struct gq_type		 type;
	struct gq_op		*op;
	int			 optype;
}

%token <name>	NAME		"name"
%token <str>	INT		"integer"
%token <str>	FLOAT		"float"
%token <sv>	STRING		"string"
%token <name>	MUTATION	"mutation"
%token <name>	QUERY		"query"
%token <name>	SUBSCRIPTION	"subscription"
%token <name>	FRAGMENT	"fragment"
%token <name>	ON		"on"
%token <name>	TRUE		"true"
%token <name>	FALSE		"false"
%token <name>	NULL		"null"
%token		ELLIPSIS	"..."

%type <name>	name name_opt
%type <vn>	value list values object object_fields arguments arguments_opt
%type <vn>	variable default_opt
%type <field>	field selection
%type <sels>	selection_set selection_set_opt selections
%type <dir>	directive
%type <dirs>	directives directives_opt
%type <vd>	variable_definition
%type <vds>	variable_definitions variable_definitions_opt
%type <type>	type type_base
%type <op>	operation
%type <optype>	operation_type

%destructor { vnode_free($$); } <vn>
%destructor { gq_field_free($$); } <field>
%destructor { gq_sels_free($$); } <sels>
%destructor { vnode_free($$->args); free($$); } <dir>
%destructor { gq_dirs_free($$); } <dirs>
%destructor {
	gq_type_clear(&$$->type);
	vnode_free($$->defval);
	free($$);
} <vd>
%destructor { gq_vardefs_free($$); } <vds>
%destructor { gq_type_clear(&$$); } <type>
%destructor { gq_op_free($$); } <op>

%start document

%%

document
	: definition
	| document definition
	;

definition
	: operation		{ gq_operation_done(st, $1); }
	| error			{ st->skip_anon = true; }
	;

operation
	: selection_set
		{
			$$ = gq_op_new(GQ_QUERY, NULL, LOC(@1), NULL, NULL,
			    $1);
		}
	| operation_type name_opt variable_definitions_opt directives_opt
	    selection_set
		{
			$$ = gq_op_new((enum gq_optype)$1, $2, LOC(@1), $3,
			    $4, $5);
		}
	;

operation_type
	: MUTATION		{ $$ = GQ_MUTATION; }
	| QUERY			{ $$ = GQ_QUERY; }
	| SUBSCRIPTION		{ $$ = GQ_SUBSCRIPTION; }
	;

name_opt
	: %empty		{ $$ = NULL; }
	| name
	;

variable_definitions_opt
	: %empty		{ $$ = NULL; }
	| '(' variable_definitions ')'	{ $$ = $2; }
	;

variable_definitions
	: variable_definition
		{
			$$ = xzalloc(sizeof(*$$));
			*XPUSH($$->v, $$->n, $$->cap) = *$1;
			free($1);
		}
	| variable_definitions variable_definition
		{
			$$ = $1;
			*XPUSH($$->v, $$->n, $$->cap) = *$2;
			free($2);
		}
	;

variable_definition
	: '$' name ':' type default_opt directives_opt
		{
			$$ = xzalloc(sizeof(*$$));
			$$->name = $2;
			$$->loc = LOC(@1);
			$$->type = $4;
			$$->defval = $5;
			gq_dirs_free($6);
		}
	;

type
	: type_base
	| type_base '!'
		{
			$$ = $1;
			$$.text = xasprintf("%s!", $1.text);
			free($1.text);
			$$.nonnull = true;
		}
	;

type_base
	: name
		{
			$$.text = xstrdup($1);
			$$.nonnull = false;
		}
	| '[' type ']'
		{
			$$.text = xasprintf("[%s]", $2.text);
			$$.nonnull = false;
			gq_type_clear(&$2);
		}
	;

default_opt
	: %empty		{ $$ = NULL; }
	| '=' value		{ $$ = $2; }
	;

directives_opt
	: %empty		{ $$ = NULL; }
	| directives
	;

directives
	: directive
		{
			$$ = xzalloc(sizeof(*$$));
			*XPUSH($$->v, $$->n, $$->cap) = *$1;
			free($1);
		}
	| directives directive
		{
			$$ = $1;
			*XPUSH($$->v, $$->n, $$->cap) = *$2;
			free($2);
		}
	;

directive
	: '@' name arguments_opt
		{
			$$ = xzalloc(sizeof(*$$));
			$$->name = $2;
			$$->loc = LOC(@1);
			$$->args = $3;
		}
	;

selection_set_opt
	: %empty		{ $$ = NULL; }
	| selection_set
	;

selection_set
	: '{' selections '}'	{ $$ = $2; }
	;

selections
	: selection
		{
			$$ = xzalloc(sizeof(*$$));
			if ($1 != NULL)
				*XPUSH($$->v, $$->n, $$->cap) = $1;
		}
	| selections selection
		{
			$$ = $1;
			if ($2 != NULL)
				*XPUSH($$->v, $$->n, $$->cap) = $2;
		}
	;

selection
	: field
	| error			{ $$ = NULL; }
	;

field
	: name arguments_opt directives_opt selection_set_opt
		{
			$$ = xzalloc(sizeof(*$$));
			$$->name = $1;
			$$->loc = LOC(@1);
			$$->args = $2;
			$$->dirs = $3;
			$$->sels = $4;
		}
	| name ':' name arguments_opt directives_opt selection_set_opt
		{
			$$ = xzalloc(sizeof(*$$));
			$$->alias = $1;
			$$->name = $3;
			$$->loc = LOC(@1);
			$$->args = $4;
			$$->dirs = $5;
			$$->sels = $6;
		}
	;

arguments_opt
	: %empty		{ $$ = NULL; }
	| '(' arguments ')'	{ $$ = $2; $$->loc = LOC(@1); }
	;

arguments
	: name ':' value
		{
			$$ = VN(VN_OBJECT, NULL);
			vnode_object_add_take($$, $1, LOCP(@1), $3);
		}
	| error
		{
			$$ = VN(VN_OBJECT, NULL);
		}
	| arguments name ':' value
		{
			$$ = $1;
			vnode_object_add_take($$, $2, LOCP(@2), $4);
		}
	| arguments error	{ $$ = $1; }
	;

value
	: variable
	| INT
		{
			$$ = VN(VN_INT, LOCP(@1));
			$$->s = $1;
			$$->len = strlen($1);
		}
	| FLOAT
		{
			$$ = VN(VN_FLOAT, LOCP(@1));
			$$->s = $1;
			$$->len = strlen($1);
		}
	| STRING
		{
			$$ = VN(VN_STRING, LOCP(@1));
			$$->s = $1.s;
			$$->len = $1.len;
		}
	| TRUE
		{
			$$ = VN(VN_BOOL, LOCP(@1));
			$$->b = true;
		}
	| FALSE
		{
			$$ = VN(VN_BOOL, LOCP(@1));
			$$->b = false;
		}
	| NULL
		{
			$$ = VN(VN_NULL, LOCP(@1));
		}
	/* enum values: names but true, false and null */
	| NAME			{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| MUTATION		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| QUERY			{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| SUBSCRIPTION		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| FRAGMENT		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| ON			{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| list
	| object
	;

variable
	: '$' name
		{
			$$ = VN(VN_VAR, LOCP(@1));
			$$->s = $2;
			$$->len = strlen($2);
			st->saw_var = true;
		}
	;

list
	: '[' ']'		{ $$ = VN(VN_LIST, LOCP(@1)); }
	| '[' values ']'	{ $$ = $2; $$->loc = LOC(@1); }
	;

values
	: value
		{
			$$ = VN(VN_LIST, NULL);
			vnode_list_add($$, $1);
		}
	| values value		{ $$ = $1; vnode_list_add($$, $2); }
	;

object
	: '{' '}'		{ $$ = VN(VN_OBJECT, LOCP(@1)); }
	| '{' object_fields '}'	{ $$ = $2; $$->loc = LOC(@1); }
	;

object_fields
	: name ':' value
		{
			$$ = VN(VN_OBJECT, NULL);
			vnode_object_add_take($$, $1, LOCP(@1), $3);
		}
	| error			{ $$ = VN(VN_OBJECT, NULL); }
	| object_fields name ':' value
		{
			$$ = $1;
			vnode_object_add_take($$, $2, LOCP(@2), $4);
		}
	| object_fields error	{ $$ = $1; }
	;

/*
 * Every name-like token, each reduced straight to name (no chain through
 * an enum_value rule: a reduction per key is a measurable share of the
 * parse).
 */
name
	: NAME
	| MUTATION
	| QUERY
	| SUBSCRIPTION
	| FRAGMENT
	| ON
	| TRUE
	| FALSE
	| NULL
	;

%%

static struct loc
gq_loc(const struct gq_state *st, const GQ_LTYPE *l)
{
	struct loc r;

	r.file = st->file;
	r.line = (unsigned)l->first_line;
	r.col = (unsigned)l->first_column;
	return r;
}

static struct gq_op *
gq_op_new(enum gq_optype type, char *name, struct loc l,
    struct gq_vardefs *vars, struct gq_dirs *dirs, struct gq_sels *sels)
{
	struct gq_op *op = xzalloc(sizeof(*op));

	op->type = type;
	op->name = name;
	op->loc = l;
	op->vars = vars;
	op->dirs = dirs;
	op->sels = sels;
	return op;
}

/* An enum value: the name's text (in the arena) is the node's. */
static struct vnode *
gq_enum(struct gq_state *st, char *name, const struct loc *l)
{
	struct vnode *v = vnode_anew(st->arena, VN_ENUM, l);

	v->s = name;
	v->len = strlen(name);
	return v;
}

/* Only reached for "memory exhausted" (the parser stack limit). */
void
gq_error(const GQ_LTYPE *l, yyscan_t scanner, struct gq_state *st,
    const char *msg)
{
	(void)scanner;
	gq_errorf(st, (unsigned)l->first_line, (unsigned)l->first_column, "%s",
	    msg);
}

static bool
gq_sym_is_name(yysymbol_kind_t k)
{
	switch (k) {
	case YYSYMBOL_NAME:
	case YYSYMBOL_MUTATION:
	case YYSYMBOL_QUERY:
	case YYSYMBOL_SUBSCRIPTION:
	case YYSYMBOL_FRAGMENT:
	case YYSYMBOL_ON:
	case YYSYMBOL_TRUE:
	case YYSYMBOL_FALSE:
	case YYSYMBOL_NULL:
		return true;
	default:
		return false;
	}
}

static bool
gq_sym_is_value(yysymbol_kind_t k)
{
	switch (k) {
	case YYSYMBOL_INT:
	case YYSYMBOL_FLOAT:
	case YYSYMBOL_STRING:
		return true;
	default:
		return k == YYTRANSLATE('[') || k == YYTRANSLATE('{') ||
		    k == YYTRANSLATE('$') || gq_sym_is_name(k);
	}
}

/* "'{'" for punctuation and keywords, "a name", "a string", ... */
static const char *
gq_sym_desc(yysymbol_kind_t k)
{
	switch (k) {
	case YYSYMBOL_YYEOF:
		return "end of file";
	case YYSYMBOL_NAME:
		return "a name";
	case YYSYMBOL_INT:
		return "an integer";
	case YYSYMBOL_FLOAT:
		return "a float";
	case YYSYMBOL_STRING:
		return "a string";
	case YYSYMBOL_ELLIPSIS:
		return "'...'";
	case YYSYMBOL_MUTATION:
		return "'mutation'";
	case YYSYMBOL_QUERY:
		return "'query'";
	case YYSYMBOL_SUBSCRIPTION:
		return "'subscription'";
	case YYSYMBOL_FRAGMENT:
		return "'fragment'";
	case YYSYMBOL_ON:
		return "'on'";
	case YYSYMBOL_TRUE:
		return "'true'";
	case YYSYMBOL_FALSE:
		return "'false'";
	case YYSYMBOL_NULL:
		return "'null'";
	default:
		return yysymbol_name(k);
	}
}

/* What the lookahead token is, quoting its text where it helps. */
static char *
gq_got_desc(const char *last, size_t len, yysymbol_kind_t k)
{
	const char *more = len > 32 ? "..." : "";
	int n = len > 32 ? 32 : (int)len;

	switch (k) {
	case YYSYMBOL_YYEOF:
		return xstrdup("end of file");
	case YYSYMBOL_NAME:
		return xasprintf("name '%.*s%s'", n, last, more);
	case YYSYMBOL_INT:
	case YYSYMBOL_FLOAT:
		return xasprintf("number %.*s%s", n, last, more);
	case YYSYMBOL_STRING:
		return xasprintf("string %.*s%s", n, last, more);
	default:
		return xstrdup(gq_sym_desc(k));
	}
}

/*
 * "expected ':', got string "x"": the expected tokens, with every token
 * that may start a value folded into "a value" and every name-like
 * keyword into "a name".
 */
static int
yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner,
    struct gq_state *st)
{
	static const char *const ops[] = { "mutation", "query",
	    "subscription" };
	yysymbol_kind_t exp[YYNTOKENS], got = yypcontext_token(ctx);
	const GQ_LTYPE *l = yypcontext_location(ctx);
	const char *parts[YYNTOKENS], *hint = "", *sugg;
	bool want_value = false, want_name = false, want_op = false;
	char *gotd, *msg, last[40];
	size_t n = 0, len = 0;
	int i, ne;

	(void)scanner;
	/* the lookahead's text, still in the scanner's buffer */
	len = st->last_len < sizeof(last) ? st->last_len : sizeof(last) - 1;
	if (len > 0)
		memcpy(last, st->last, len);
	last[len] = '\0';
	len = 0;
	ne = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
	if (ne < 0)
		return ne;
	for (i = 0; i < ne; i++) {
		if (exp[i] == YYSYMBOL_STRING)
			want_value = true;
		if (exp[i] == YYSYMBOL_NAME)
			want_name = true;
		if (exp[i] == YYSYMBOL_MUTATION)
			want_op = true;
	}
	if (want_value)
		parts[n++] = "a value";
	else if (want_name)
		parts[n++] = "a name";
	for (i = 0; i < ne; i++) {
		if (exp[i] == YYSYMBOL_YYEOF && ne > 1)
			continue;
		if (want_value && gq_sym_is_value(exp[i]))
			continue;
		if (want_name && gq_sym_is_name(exp[i]))
			continue;
		parts[n++] = gq_sym_desc(exp[i]);
	}
	msg = xstrdup("expected ");
	for (i = 0; i < (int)n; i++) {
		const char *sep = i == 0 ? "" :
		    i == (int)n - 1 ? " or " : ", ";

		len = strlen(msg);
		msg = xrealloc(msg, len + strlen(sep) + strlen(parts[i]) + 1);
		strcpy(msg + len, sep);
		strcat(msg, parts[i]);
	}
	if (n == 0) {
		free(msg);
		msg = xstrdup("unexpected");
	}
	if (got == YYSYMBOL_STRING && want_name)
		hint = " (names are not quoted in GraphQL)";
	else if (got == YYSYMBOL_NAME && want_op && !want_name &&
	    (sugg = diag_suggest(last, ops, ARRAY_SIZE(ops))) != NULL)
		hint = sugg == ops[0] ? " (did you mean 'mutation'?)" :
		    sugg == ops[1] ? " (did you mean 'query'?)" :
		    " (did you mean 'subscription'?)";
	gotd = gq_got_desc(last, st->last_len, got);
	gq_errorf(st, (unsigned)l->first_line, (unsigned)l->first_column,
	    "%s, got %s%s", msg, gotd, hint);
	free(gotd);
	free(msg);
	return 0;
}
