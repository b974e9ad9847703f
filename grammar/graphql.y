/*
 * graphql.y - GraphQL documents (October 2021 specification): operations
 * (query, mutation, subscription; name, variable definitions,
 * directives), selection sets, fields with aliases, arguments and
 * directives, and every input value form are read.  Fragments and the
 * type-system definitions and extensions (SDL) are parsed to the letter
 * of the specification too, so that a valid document is never a syntax
 * error, but are reported as not supported (gq_unsupported(), gq_sdl())
 * and go no further.
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
static bool		 gq_directive_location(const char *);

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
	const char		*kind;	/* of a type-system definition */
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
%token <name>	SCHEMA		"schema"
%token <name>	SCALAR		"scalar"
%token <name>	TYPE		"type"
%token <name>	INTERFACE	"interface"
%token <name>	UNION		"union"
%token <name>	ENUM		"enum"
%token <name>	INPUT		"input"
%token <name>	DIRECTIVE	"directive"
%token <name>	EXTEND		"extend"
%token <name>	IMPLEMENTS	"implements"
%token <name>	REPEATABLE	"repeatable"
%token		ELLIPSIS	"..."

/*
 * A '{' after a type-system definition's header always opens its fields
 * (enum values, input fields, root operation types): the definition
 * without them ends only before something else (the specification's
 * [lookahead != {]).
 */
%precedence	NO_BRACE
%precedence	'{'

%type <name>	name name_opt fragment_name not_described
%type <kind>	type_system_definition type_system_extension
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
	: operation
		{
			gq_operation_done(st, $1);
			st->vars_ok = false;
		}
	| fragment_definition	{ st->vars_ok = false; }
	| type_system_definition
		{
			gq_sdl(st, @1.first_line, @1.first_column, $1);
		}
	| description type_system_definition
		{
			gq_sdl(st, @2.first_line, @2.first_column, $2);
		}
	| type_system_extension
		{
			gq_sdl(st, @1.first_line, @1.first_column, $1);
		}
	| description not_described
		{
			/* (a lexical error in between is the first) */
			if (gq_token_errors(st) == st->desc_errors)
				gq_errorf(st, @1.first_line, @1.first_column,
				    "a description (string) goes only before "
				    "a type-system definition, not before '%s'",
				    $2);
			YYERROR;
		}
	| error
		{
			st->skip_anon = true;
			st->vars_ok = false;
		}
	;

operation
	: '{' { st->vars_ok = true; } selections '}'
		{
			$$ = gq_op_new(GQ_QUERY, NULL, LOC(@1), NULL, NULL,
			    $3);
		}
	| operation_type name_opt variable_definitions_opt directives_opt
	    selection_set
		{
			$$ = gq_op_new((enum gq_optype)$1, $2, LOC(@1), $3,
			    $4, $5);
		}
	;

operation_type
	: MUTATION		{ $$ = GQ_MUTATION; st->vars_ok = true; }
	| QUERY			{ $$ = GQ_QUERY; st->vars_ok = true; }
	| SUBSCRIPTION		{ $$ = GQ_SUBSCRIPTION; st->vars_ok = true; }
	;

/*
 * What a description may not precede: every name but the keywords that
 * start a type-system definition (before anything else, the error is
 * where that is).
 */
not_described
	: NAME | MUTATION | QUERY | SUBSCRIPTION | FRAGMENT | ON | TRUE
	| FALSE | NULL | EXTEND | IMPLEMENTS | REPEATABLE
	;

name_opt
	: %empty		{ $$ = NULL; }
	| name
	;

/* defaults and directives here are constant */
variable_definitions_opt
	: %empty		{ $$ = NULL; }
	| '(' { st->vars_ok = false; } variable_definitions ')'
		{
			$$ = $3;
			st->vars_ok = true;
		}
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
	| ELLIPSIS fragment_name directives_opt
		{
			gq_unsupported(st, @1.first_line, @1.first_column,
			    "fragment spread '...%s' is not supported: "
			    "edgenetc reads the fields written out in an "
			    "operation; write the fragment's fields here", $2);
			gq_dirs_free($3);
			$$ = NULL;
		}
	| ELLIPSIS ON name directives_opt selection_set
		{
			gq_unsupported(st, @1.first_line, @1.first_column,
			    "inline fragment '... on %s' is not supported: "
			    "edgenetc reads the fields written out in an "
			    "operation; write them here without '... on %s'",
			    $3, $3);
			gq_dirs_free($4);
			gq_sels_free($5);
			$$ = NULL;
		}
	| ELLIPSIS directives_opt selection_set
		{
			gq_unsupported(st, @1.first_line, @1.first_column,
			    "inline fragment '... { }' is not supported: "
			    "edgenetc reads the fields written out in an "
			    "operation; write them here without '...'");
			gq_dirs_free($2);
			gq_sels_free($3);
			$$ = NULL;
		}
	| error			{ $$ = NULL; }
	;

fragment_definition
	: FRAGMENT { st->vars_ok = true; } fragment_name ON name
	    directives_opt selection_set
		{
			gq_unsupported(st, @1.first_line, @1.first_column,
			    "fragment '%s' is not supported: edgenetc reads "
			    "the fields written out in an operation; write "
			    "its fields where it is spread", $3);
			gq_dirs_free($6);
			gq_sels_free($7);
		}
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
	| SCHEMA		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| SCALAR		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| TYPE			{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| INTERFACE		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| UNION			{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| ENUM			{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| INPUT			{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| DIRECTIVE		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| EXTEND		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| IMPLEMENTS		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| REPEATABLE		{ $$ = gq_enum(st, $1, LOCP(@1)); }
	| list
	| object
	;

variable
	: dollar name
		{
			if (st->vars_ok) {
				$$ = VN(VN_VAR, LOCP(@1));
				$$->s = $2;
				$$->len = strlen($2);
				st->saw_var = true;
			} else {
				$$ = VN(VN_NULL, LOCP(@1));
			}
		}
	;

/* reduced as soon as '$' is read: a misplaced variable is reported at it */
dollar
	: '$'
		{
			if (!st->vars_ok)
				gq_errorf(st, @1.first_line, @1.first_column,
				    "a variable cannot be used here: default "
				    "values and the directives of variable and "
				    "type-system definitions are constant");
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
 * Type-system definitions and extensions (SDL): parsed to the letter of
 * the specification, so that their syntax errors are found, then
 * reported as not read (definition above).  Values, directives and types
 * in them are constant and freed at once.
 */
description
	: STRING		{ st->desc_errors = gq_token_errors(st); }
	;

description_opt
	: %empty
	| description
	;

type_system_definition
	: SCHEMA sdl_directives_opt '{' root_operation_types '}'
				{ $$ = "schema"; }
	| SCALAR name sdl_directives_opt
				{ $$ = "scalar"; }
	| TYPE name implements_opt sdl_directives_opt fields_definition_opt
				{ $$ = "type"; }
	| INTERFACE name implements_opt sdl_directives_opt
	    fields_definition_opt
				{ $$ = "interface"; }
	| UNION name sdl_directives_opt union_members_opt
				{ $$ = "union"; }
	| ENUM name sdl_directives_opt enum_values_opt
				{ $$ = "enum"; }
	| INPUT name sdl_directives_opt input_fields_opt
				{ $$ = "input"; }
	| DIRECTIVE '@' name arguments_definition_opt repeatable_opt ON
	    directive_locations
				{ $$ = "directive"; }
	;

/* each needs something after the name */
type_system_extension
	: EXTEND SCHEMA sdl_directives root_operation_types_opt
				{ $$ = "extend schema"; }
	| EXTEND SCHEMA '{' root_operation_types '}'
				{ $$ = "extend schema"; }
	| EXTEND SCALAR name sdl_directives
				{ $$ = "extend scalar"; }
	| EXTEND TYPE name fields_extension
				{ $$ = "extend type"; }
	| EXTEND INTERFACE name fields_extension
				{ $$ = "extend interface"; }
	| EXTEND UNION name sdl_directives union_members_opt
				{ $$ = "extend union"; }
	| EXTEND UNION name union_members
				{ $$ = "extend union"; }
	| EXTEND ENUM name sdl_directives enum_values_opt
				{ $$ = "extend enum"; }
	| EXTEND ENUM name enum_values
				{ $$ = "extend enum"; }
	| EXTEND INPUT name sdl_directives input_fields_opt
				{ $$ = "extend input"; }
	| EXTEND INPUT name input_fields
				{ $$ = "extend input"; }
	;

fields_extension
	: implements sdl_directives_opt fields_definition_opt
	| sdl_directives fields_definition_opt
	| fields_definition
	;

root_operation_types_opt
	: %empty %prec NO_BRACE
	| '{' root_operation_types '}'
	;

root_operation_types
	: root_operation_type
	| root_operation_types root_operation_type
	;

root_operation_type
	: root_operation_kind ':' name
	;

root_operation_kind
	: QUERY | MUTATION | SUBSCRIPTION
	;

implements_opt
	: %empty
	| implements
	;

implements
	: IMPLEMENTS name
	| IMPLEMENTS '&' name
	| implements '&' name
	;

fields_definition_opt
	: %empty %prec NO_BRACE
	| fields_definition
	;

fields_definition
	: '{' field_definitions '}'
	;

field_definitions
	: field_definition
	| field_definitions field_definition
	;

field_definition
	: description_opt name arguments_definition_opt ':' sdl_type
	    sdl_directives_opt
	;

arguments_definition_opt
	: %empty
	| '(' input_value_definitions ')'
	;

input_value_definitions
	: input_value_definition
	| input_value_definitions input_value_definition
	;

input_value_definition
	: description_opt name ':' sdl_type sdl_default_opt sdl_directives_opt
	;

union_members_opt
	: %empty
	| union_members
	;

union_members
	: '=' name
	| '=' '|' name
	| union_members '|' name
	;

enum_values_opt
	: %empty %prec NO_BRACE
	| enum_values
	;

enum_values
	: '{' enum_value_definitions '}'
	;

enum_value_definitions
	: enum_value_definition
	| enum_value_definitions enum_value_definition
	;

enum_value_definition
	: description_opt enum_value_name sdl_directives_opt
	;

/* reduced as soon as the name is read, to report it there */
enum_value_name
	: name
		{
			if (strcmp($1, "true") == 0 ||
			    strcmp($1, "false") == 0 ||
			    strcmp($1, "null") == 0)
				gq_errorf(st, @1.first_line, @1.first_column,
				    "'%s' cannot name an enum value", $1);
		}
	;

input_fields_opt
	: %empty %prec NO_BRACE
	| input_fields
	;

input_fields
	: '{' input_value_definitions '}'
	;

repeatable_opt
	: %empty
	| REPEATABLE
	;

directive_locations
	: directive_location
	| '|' directive_location
	| directive_locations '|' directive_location
	;

directive_location
	: name
		{
			if (!gq_directive_location($1))
				gq_errorf(st, @1.first_line, @1.first_column,
				    "'%s' is not a directive location", $1);
		}
	;

sdl_type
	: type			{ gq_type_clear(&$1); }
	;

sdl_default_opt
	: %empty
	| '=' value		{ vnode_free($2); }
	;

sdl_directives_opt
	: %empty
	| sdl_directives
	;

sdl_directives
	: directives		{ gq_dirs_free($1); }
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
	| SCHEMA
	| SCALAR
	| TYPE
	| INTERFACE
	| UNION
	| ENUM
	| INPUT
	| DIRECTIVE
	| EXTEND
	| IMPLEMENTS
	| REPEATABLE
	;

/* every name but 'on' (as name above: no chain of reductions) */
fragment_name
	: NAME
	| MUTATION
	| QUERY
	| SUBSCRIPTION
	| FRAGMENT
	| TRUE
	| FALSE
	| NULL
	| SCHEMA
	| SCALAR
	| TYPE
	| INTERFACE
	| UNION
	| ENUM
	| INPUT
	| DIRECTIVE
	| EXTEND
	| IMPLEMENTS
	| REPEATABLE
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

static bool
gq_directive_location(const char *name)
{
	static const char *const locs[] = { "QUERY", "MUTATION",
	    "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
	    "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR",
	    "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE",
	    "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT",
	    "INPUT_FIELD_DEFINITION" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(locs); i++)
		if (strcmp(name, locs[i]) == 0)
			return true;
	return false;
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

/* The keywords of type-system definitions (names elsewhere). */
static bool
gq_sym_is_sdl(yysymbol_kind_t k)
{
	switch (k) {
	case YYSYMBOL_SCHEMA:
	case YYSYMBOL_SCALAR:
	case YYSYMBOL_TYPE:
	case YYSYMBOL_INTERFACE:
	case YYSYMBOL_UNION:
	case YYSYMBOL_ENUM:
	case YYSYMBOL_INPUT:
	case YYSYMBOL_DIRECTIVE:
	case YYSYMBOL_EXTEND:
	case YYSYMBOL_IMPLEMENTS:
	case YYSYMBOL_REPEATABLE:
		return true;
	default:
		return false;
	}
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
		return gq_sym_is_sdl(k);
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

static const char *const gq_sdl_desc[] = { "'schema'", "'scalar'",
    "'type'", "'interface'", "'union'", "'enum'", "'input'", "'directive'",
    "'extend'", "'implements'", "'repeatable'" };
_Static_assert(YYSYMBOL_REPEATABLE - YYSYMBOL_SCHEMA + 1 ==
    ARRAY_SIZE(gq_sdl_desc), "the %token order of the type-system keywords");

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
		/* "\"schema\"" -> "'schema'", as the keywords above */
		if (gq_sym_is_sdl(k))
			return gq_sdl_desc[k - YYSYMBOL_SCHEMA];
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
	bool want_brace = false, top, skip;
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
		if (exp[i] == YYTRANSLATE('{'))
			want_brace = true;
	}
	/*
	 * Where a definition starts (or after a description), a string is
	 * a description and keywords are keywords (in a value they are
	 * enum values).
	 */
	top = want_op && !want_name;
	if (top)
		want_value = false;
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
		/*
		 * What is recognised but not read goes unsaid: fragments,
		 * and where an operation may start, type-system definitions
		 * and the descriptions before them.  After a description,
		 * only the type-system keywords are said.
		 */
		skip = exp[i] == YYSYMBOL_ELLIPSIS;
		if (top && want_brace)
			skip |= exp[i] == YYSYMBOL_FRAGMENT ||
			    exp[i] == YYSYMBOL_STRING || gq_sym_is_sdl(exp[i]);
		else if (top)
			skip |= !gq_sym_is_sdl(exp[i]) ||
			    exp[i] == YYSYMBOL_EXTEND;
		if (skip)
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
	else if (got == YYSYMBOL_NAME && top && want_brace &&
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
