/*
 * suggest.h - "did you mean": the candidate nearest to a mistyped word,
 * shared by the compiler's diagnostics and both programs' option parsers.
 * Pure C: no allocation, no I/O.
 */
#ifndef EDGENET_SUGGEST_H
#define EDGENET_SUGGEST_H

#include <stddef.h>

/*
 * The candidate (NULL entries skipped) at the smallest Levenshtein
 * distance from word, the first of equals, if that distance is at most
 * max(2, strlen(word) / 3); else NULL.  Words and candidates of 128 bytes
 * or more never match.
 */
const char	*suggest_nearest(const char *word, const char *const *cands,
		    size_t n);

#endif
