/*
 * json.c - strict recursive-descent JSON reader (see json.h for the
 * accepted subset).  Depth-limited, so recursion is bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "rt.h"

struct jp {
	const char	*p, *start, *end;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static int
jp_fail(struct jp *j, const char *msg)
{
	const char *q;
	unsigned line = 1, col = 1;

	if (j->failed)
		return -1;
	j->failed = 1;
	for (q = j->start; q < j->p && q < j->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	return rt_errf(j->err, j->errlen, "%u:%u: %s", line, col, msg);
}

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
jp_lit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return jp_fail(j, "invalid literal");
	j->p += n;
	return 0;
}

static int
jp_str(struct jp *j, const char **s, size_t *n)
{
	const char *q;

	j->p++;		/* opening quote */
	for (q = j->p; q < j->end && *q != '"'; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == '\\') {
			j->p = q;
			return jp_fail(j, "escape sequences are not allowed");
		}
		if (c < 0x20 || c >= 0x7f) {
			j->p = q;
			return jp_fail(j, "control or non-ASCII byte in string");
		}
	}
	if (q >= j->end) {
		j->p = q;
		return jp_fail(j, "unterminated string");
	}
	*s = j->p;
	*n = (size_t)(q - j->p);
	j->p = q + 1;
	return 0;
}

static int
jp_int(struct jp *j, long long *v)
{
	int neg = 0, nd = 0;
	long long x = 0;

	if (*j->p == '-') {
		neg = 1;
		j->p++;
	}
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return jp_fail(j, "invalid number");
	if (*j->p == '0' && j->p + 1 < j->end && j->p[1] >= '0' &&
	    j->p[1] <= '9')
		return jp_fail(j, "leading zero in number");
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
		if (++nd > 18)
			return jp_fail(j, "number too large");
		x = x * 10 + (*j->p - '0');
		j->p++;
	}
	if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E'))
		return jp_fail(j, "only integers are allowed");
	*v = neg ? -x : x;
	return 0;
}

static struct rt_json *jp_value(struct jp *, int);

static struct rt_json *
jp_container(struct jp *j, struct rt_json *v, int depth)
{
	char close = v->type == RT_JSON_OBJ ? '}' : ']';
	struct rt_json **tail = &v->child, *c, *o;
	const char *key = NULL;
	size_t keylen = 0, nmemb = 0;

	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return v;
	}
	for (;;) {
		jp_ws(j);
		if (v->type == RT_JSON_OBJ) {
			if (j->p >= j->end || *j->p != '"') {
				jp_fail(j, "expected member name");
				return NULL;
			}
			if (jp_str(j, &key, &keylen) == -1)
				return NULL;
			/* Bounds the quadratic duplicate check below. */
			if (++nmemb > RT_JSON_MEMBERS) {
				jp_fail(j, "too many members in object");
				return NULL;
			}
			for (o = v->child; o != NULL; o = o->next)
				if (o->keylen == keylen &&
				    memcmp(o->key, key, keylen) == 0) {
					jp_fail(j, "duplicate member name");
					return NULL;
				}
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':') {
				jp_fail(j, "expected ':'");
				return NULL;
			}
			j->p++;
		}
		if ((c = jp_value(j, depth + 1)) == NULL)
			return NULL;
		c->key = key;
		c->keylen = keylen;
		*tail = c;
		tail = &c->next;
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return v;
		}
		jp_fail(j, v->type == RT_JSON_OBJ ? "expected ',' or '}'" :
		    "expected ',' or ']'");
		return NULL;
	}
}

static struct rt_json *
jp_value(struct jp *j, int depth)
{
	struct rt_json *v;
	int r;

	jp_ws(j);
	if (j->p >= j->end) {
		jp_fail(j, "unexpected end of input");
		return NULL;
	}
	if (depth > RT_JSON_DEPTH) {
		jp_fail(j, "nesting too deep");
		return NULL;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		jp_fail(j, "out of memory");
		return NULL;
	}
	switch (*j->p) {
	case '{':
	case '[':
		v->type = *j->p == '{' ? RT_JSON_OBJ : RT_JSON_ARR;
		if (jp_container(j, v, depth) == NULL) {
			rt_json_free(v);
			return NULL;
		}
		return v;
	case '"':
		v->type = RT_JSON_STR;
		r = jp_str(j, &v->s, &v->slen);
		break;
	case 't':
		v->type = RT_JSON_BOOL;
		v->i = 1;
		r = jp_lit(j, "true");
		break;
	case 'f':
		v->type = RT_JSON_BOOL;
		r = jp_lit(j, "false");
		break;
	case 'n':
		v->type = RT_JSON_NULL;
		r = jp_lit(j, "null");
		break;
	default:
		v->type = RT_JSON_INT;
		r = jp_int(j, &v->i);
		break;
	}
	if (r == -1) {
		free(v);
		return NULL;
	}
	return v;
}

int
rt_json_parse(const char *text, size_t len, struct rt_json **out, char *err,
    size_t errlen)
{
	struct jp j = { text, text, text + len, err, errlen, 0 };
	struct rt_json *v;

	*out = NULL;
	if ((v = jp_value(&j, 0)) == NULL)
		return -1;
	jp_ws(&j);
	if (j.p != j.end) {
		rt_json_free(v);
		return jp_fail(&j, "trailing characters after JSON value");
	}
	*out = v;
	return 0;
}

void
rt_json_free(struct rt_json *v)
{
	struct rt_json *c, *n;

	if (v == NULL)
		return;
	for (c = v->child; c != NULL; c = n) {
		n = c->next;
		rt_json_free(c);
	}
	free(v);
}

struct rt_json *
rt_json_get(const struct rt_json *obj, const char *key)
{
	struct rt_json *c;
	size_t n = strlen(key);

	if (obj == NULL || obj->type != RT_JSON_OBJ)
		return NULL;
	for (c = obj->child; c != NULL; c = c->next)
		if (c->keylen == n && memcmp(c->key, key, n) == 0)
			return c;
	return NULL;
}
