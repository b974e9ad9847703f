/*
 * json.h - a small strict JSON reader for manifest.json.
 *
 * Accepts RFC 8259 JSON except: strings may not contain escapes ('\\'),
 * control characters or bytes >= 0x80; numbers are integers (no fraction,
 * exponent or leading zeros, at most 18 digits); objects may not repeat a
 * key; nesting is limited to RT_JSON_DEPTH and objects to RT_JSON_MEMBERS
 * members.  Strings point into the input
 * text, which must outlive the tree.
 */
#ifndef EDGENET_RT_JSON_H
#define EDGENET_RT_JSON_H

#include <stddef.h>

#define RT_JSON_DEPTH	16
#define RT_JSON_MEMBERS	64	/* per object */

enum rt_json_type {
	RT_JSON_NULL, RT_JSON_BOOL, RT_JSON_INT, RT_JSON_STR, RT_JSON_ARR,
	RT_JSON_OBJ
};

struct rt_json {
	enum rt_json_type	 type;
	const char		*key;	/* member name (in an object) */
	size_t			 keylen;
	const char		*s;	/* RT_JSON_STR */
	size_t			 slen;
	long long		 i;	/* RT_JSON_INT, RT_JSON_BOOL */
	struct rt_json		*child;	/* first element/member */
	struct rt_json		*next;	/* next sibling */
};

/*
 * Parses text[0..len).  On success *out is a new tree (free with
 * rt_json_free) and 0 is returned; on error -1 and err holds
 * "LINE:COL: message".
 */
int		 rt_json_parse(const char *text, size_t len, struct rt_json **out,
		    char *err, size_t errlen);
void		 rt_json_free(struct rt_json *);
/* Member of an object by name, or NULL (borrowed). */
struct rt_json	*rt_json_get(const struct rt_json *obj, const char *key);

#endif
