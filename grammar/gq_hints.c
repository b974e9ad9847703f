/*
 * gq_hints.c - what a GraphQL syntax error adds for the reader: a hint
 * to quote an address written bare (10.0.0.0/24 is not a GraphQL
 * token), and a note at the '{' that end of file left open.  The errors
 * that a bare address causes after the first one are not reported.
 */
#include <string.h>

#include "gq.h"

/* The byte offset of line/col in the input, or in_len. */
static size_t
gq_offset(const struct gq_state *st, unsigned line, unsigned col)
{
	size_t i = 0;
	unsigned ln = 1;

	while (ln < line && i < st->in_len) {
		const char *nl = memchr(st->in + i, '\n', st->in_len - i);

		if (nl == NULL)
			return st->in_len;
		i = (size_t)(nl - st->in) + 1;
		ln++;
	}
	i += col > 0 ? col - 1 : 0;
	return i < st->in_len ? i : st->in_len;
}

/* The length of an address-like run at p: digits, hex, '.', ':', '/'
 * with at least one '.' or ':' and a digit; 0 when it is not one. */
static size_t
gq_addr_len(const char *p, size_t max)
{
	size_t n = 0, sep = 0, dig = 0;

	while (n < max && (strchr("0123456789abcdefABCDEF.:/", p[n]) != NULL)) {
		sep += p[n] == '.' || p[n] == ':';
		dig += p[n] >= '0' && p[n] <= '9';
		n++;
	}
	return sep >= 2 && dig > 0 ? n : 0;
}

bool
gq_hint_suppressed(struct gq_state *st, unsigned line, unsigned col)
{
	return st->bare_line != 0 && line == st->bare_line &&
	    col <= st->bare_end;
}

/* The last '{' left open before offset end: strings, block strings and
 * comments skipped. */
static bool
gq_open_brace(const struct gq_state *st, size_t end, unsigned *line,
    unsigned *col)
{
	size_t depth = 0, i;
	unsigned ln = 1, c = 1, lines[64], cols[64];

	for (i = 0; i < end && i < st->in_len; i++, c++) {
		char ch = st->in[i];

		if (ch == '\n') {
			ln++;
			c = 0;
		} else if (ch == '#') {
			while (i + 1 < end && st->in[i + 1] != '\n')
				i++;
		} else if (ch == '"' && i + 2 < end &&
		    st->in[i + 1] == '"' && st->in[i + 2] == '"') {
			for (i += 3, c += 3; i + 2 < end && !(st->in[i] ==
			    '"' && st->in[i + 1] == '"' && st->in[i + 2] ==
			    '"'); i++, c++)
				if (st->in[i] == '\n') {
					ln++;
					c = 0;
				}
			i += 2;
			c += 2;
		} else if (ch == '"') {
			for (i++, c++; i < end && st->in[i] != '"' &&
			    st->in[i] != '\n'; i++, c++)
				if (st->in[i] == '\\') {
					i++;
					c++;
				}
		} else if (ch == '{') {
			if (depth < 64) {
				lines[depth] = ln;
				cols[depth] = c;
			}
			depth++;
		} else if (ch == '}' && depth > 0) {
			depth--;
		}
	}
	if (depth == 0 || depth > 64)
		return false;
	*line = lines[depth - 1];
	*col = cols[depth - 1];
	return true;
}

void
gq_hint_after(struct gq_state *st, unsigned line, unsigned col,
    const char *msg)
{
	struct loc open = { st->file, 0, 0 };
	size_t off, n;

	if (st->in == NULL)
		return;
	off = gq_offset(st, line, col);
	if ((strncmp(msg, "invalid number", 14) == 0 ||
	    strncmp(msg, "unexpected character", 20) == 0) &&
	    (n = gq_addr_len(st->in + off, st->in_len - off)) > 0) {
		diag_hint(st->d, "an address is a string in GraphQL: write "
		    "\"%.*s\"", (int)(n > 64 ? 64 : n), st->in + off);
		diag_span(st->d, col + (unsigned)n - 1);
		st->bare_line = line;
		st->bare_end = col + (unsigned)n - 1;
		return;
	}
	if (strstr(msg, "got end of file") != NULL &&
	    gq_open_brace(st, st->in_len, &open.line, &open.col))
		diag_note(st->d, &open, "the '{' opened here is not closed");
}
