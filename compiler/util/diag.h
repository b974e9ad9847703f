/*
 * diag.h - located diagnostics, collected and printed in GCC format.
 *
 * Every stage reports through a struct diag_ctx and keeps going; nothing
 * outside main() exits.  Diagnostics are printed sorted by (file as
 * registered, line, column, emission order), as
 *
 *   FILE:LINE:COL: error|warning: MESSAGE [CODE]
 *     <source line>
 *     ^~~~~ (under the whole offending token)
 *   FILE:LINE:COL: note: related location (first definition, ...)
 *   hint: how to fix it, when known
 *
 * or as JSON (diag_print_json) or SARIF 2.1.0 (diag_sarif.c).
 */
#ifndef EDGENETC_DIAG_H
#define EDGENETC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A source position.  line/col are 1-based; 0 means unknown.  file is
 * borrowed from the diag_ctx source table (or a string literal). */
struct loc {
	const char	*file;
	unsigned	 line;
	unsigned	 col;
};

enum diag_level {
	DIAG_WARNING,
	DIAG_ERROR,
};

/* A related location: "note: first defined here". */
struct diag_note {
	struct loc	 loc;
	char		*msg;
};

struct diag {
	enum diag_level	 level;
	struct loc	 loc;
	unsigned	 end_col;	/* last column of the token, 0: found
					 * from the source when printed */
	char		*code;
	char		*msg;
	char		*hint;		/* NULL or how to fix it */
	struct diag_note *notes;
	size_t		 n_notes;
	size_t		 seq;
};

enum diag_format {
	DIAG_TEXT,
	DIAG_JSON,
	DIAG_SARIF,
};

/* -W switches: a warning code ignored or made an error. */
enum diag_action {
	DIAG_ACT_IGNORE,
	DIAG_ACT_ERROR,
	DIAG_ACT_WARN,		/* undoes an earlier -W error */
};

#define DIAG_POLICY_MAX	64

struct diag_policy {
	struct {
		char		 code[40];
		enum diag_action act;
	}		 v[DIAG_POLICY_MAX];
	size_t		 n;
	bool		 werror;	/* -W error: every warning */
};

struct diag_src {
	char	*path;		/* owned */
	char	*buf;		/* owned, may be NULL (then no source line) */
	size_t	 len;
};

/* Where the last source line was found (lines are looked up mostly in
 * increasing order: each file is scanned about once). */
struct diag_cursor {
	const struct diag_src	*s;
	unsigned		 line;
	const char		*p;
};

struct diag_ctx {
	struct diag	*v;
	size_t		 n, cap;
	unsigned	 n_err, n_warn;
	struct diag_src	*src;
	size_t		 n_src, cap_src;
	const struct diag_policy *policy;	/* NULL: none */
	bool		 dropped;	/* the last one was ignored (-W) */
	struct diag_cursor look;	/* of diag_token_end, diag_src_line */
	unsigned	 n_ignored;
};

void	 diag_init(struct diag_ctx *d);
void	 diag_fini(struct diag_ctx *d);
/* Drops the diagnostics added since d->n was mark (work that is done
 * again, such as a ledger transaction run a second time). */
void	 diag_rewind(struct diag_ctx *d, size_t mark);

/*
 * Registers a source file; takes ownership of buf (malloc'd, may be NULL).
 * Returns the ctx-owned path string to use as loc.file.
 */
const char *diag_src_add(struct diag_ctx *d, const char *path, char *buf,
	    size_t len);
const struct diag_src *diag_src_find(const struct diag_ctx *d,
	    const char *path);

/* Both return -1 so that "return diag_err(...)" reads naturally. */
int	 diag_err(struct diag_ctx *d, const struct loc *l, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int	 diag_warn(struct diag_ctx *d, const struct loc *l, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int	 diag_vadd(struct diag_ctx *d, enum diag_level lvl,
	    const struct loc *l, const char *code, const char *fmt, va_list ap)
	    __attribute__((format(printf, 5, 0)));

/*
 * To the diagnostic added last (nothing when -W ignored it): a related
 * location, a hint, the last column of the offending token (when the
 * source-based guess would be wrong).
 */
void	 diag_note(struct diag_ctx *d, const struct loc *l, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
void	 diag_hint(struct diag_ctx *d, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 diag_span(struct diag_ctx *d, unsigned end_col);

/* "-W no-CODE", "error=CODE", "error", "CODE": into p; false when the
 * switch is malformed. */
bool	 diag_policy_add(struct diag_policy *p, const char *sw);

/* Sorts (stable) and prints; text adds source line + underline, notes,
 * hints, and SGR colours when color is set. */
void	 diag_print(struct diag_ctx *d, FILE *fp, enum diag_format f,
	    bool color);
void	 diag_print_text(struct diag_ctx *d, FILE *fp);
/* The same, with SGR colours when color. */
void	 diag_print_text_color(struct diag_ctx *d, FILE *fp, bool color);
/* [{"file","line","column","end_line","end_column","severity","message",
 *   "code","hint","related":[{"file","line","column","message"}]}, ...] */
void	 diag_print_json(struct diag_ctx *d, FILE *fp);
/* Sorts by (file as registered, line, column, emission order). */
void	 diag_sort(struct diag_ctx *d);
/* SARIF 2.1.0, one run (diag_sarif.c) */
void	 diag_print_sarif(struct diag_ctx *d, FILE *fp);
/* The last column of the token at l in its registered source (l->col
 * when unknown). */
unsigned diag_token_end(struct diag_ctx *d, const struct loc *l);
/* The line of l in its registered source: start and length, or NULL. */
const char *diag_src_line(struct diag_ctx *d, const struct loc *l,
	    size_t *len);

/* Every diagnostic code with its default level and descriptions,
 * generated from docs/diagnostics.md (diag_rules.awk). */
struct diag_rule {
	const char	*code;
	const char	*level;		/* "error" or "warning" */
	bool		 warns;		/* ever a warning (-W applies) */
	const char	*short_desc;
	const char	*full_desc;
};
extern const struct diag_rule diag_rules[];
extern const size_t diag_n_rules;
/* The rule of code, or NULL. */
const struct diag_rule *diag_rule_find(const char *code, size_t *index);

/* Levenshtein-nearest candidate within distance max(2, len/3), or NULL. */
const char *diag_suggest(const char *word, const char *const *cands,
	    size_t n);

#endif
