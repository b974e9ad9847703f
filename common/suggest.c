/*
 * suggest.c - the nearest candidate to a mistyped word (suggest.h).
 */
#include <string.h>

#include "suggest.h"

#define SUGGEST_MAX	128

/* Levenshtein distance of a and b; more than cap when too long. */
static size_t
suggest_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[SUGGEST_MAX], prev, tmp;

	if (la >= SUGGEST_MAX || lb >= SUGGEST_MAX)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev :
			    1 + (prev < row[j] ?
			    (prev < row[j - 1] ? prev : row[j - 1]) :
			    (row[j] < row[j - 1] ? row[j] : row[j - 1]));
			prev = tmp;
		}
	}
	return row[lb];
}

const char *
suggest_nearest(const char *word, const char *const *cands, size_t n)
{
	size_t i, best = (size_t)-1, dist, len = strlen(word);
	size_t max = len / 3 > 2 ? len / 3 : 2;
	const char *pick = NULL;

	for (i = 0; i < n; i++) {
		if (cands[i] == NULL)
			continue;
		dist = suggest_distance(word, cands[i], max);
		if (dist <= max && dist < best) {
			best = dist;
			pick = cands[i];
		}
	}
	return pick;
}
