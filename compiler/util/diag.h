/*
 * diag.h - located diagnostics, collected and printed in GCC format.
 *
 * Every stage reports through a struct diag_ctx and keeps going; nothing
 * outside main() exits.  Diagnostics are printed sorted by (file as
 * registered, line, column, emission order), as
 *
 *   FILE:LINE:COL: error|warning: MESSAGE [CODE]
 *     <source line>
 *     <caret>
 */
#ifndef EDGENETC_DIAG_H
#define EDGENETC_DIAG_H

#include <stdarg.h>
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

struct diag {
	enum diag_level	 level;
	struct loc	 loc;
	char		*code;
	char		*msg;
	size_t		 seq;
};

struct diag_src {
	char	*path;		/* owned */
	char	*buf;		/* owned, may be NULL (then no source line) */
	size_t	 len;
};

struct diag_ctx {
	struct diag	*v;
	size_t		 n, cap;
	unsigned	 n_err, n_warn;
	struct diag_src	*src;
	size_t		 n_src, cap_src;
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

/* Sorts (stable) and prints; text adds source line + caret. */
void	 diag_print_text(struct diag_ctx *d, FILE *fp);
/* [{"file","line","column","severity","message","code"}, ...] */
void	 diag_print_json(struct diag_ctx *d, FILE *fp);

/* Levenshtein-nearest candidate within distance max(2, len/3), or NULL. */
const char *diag_suggest(const char *word, const char *const *cands,
	    size_t n);

#endif
