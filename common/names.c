/*
 * names.c - id and interface-name rules (names.h).
 */
#include <string.h>

#include "names.h"

static bool
names_dots(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' &&
	    s[1] == '.');
}

bool
names_id_valid(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len == 0 || len > NAMES_ID_MAX || names_dots(s, len))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return false;
	}
	return true;
}

const char *
names_ifname_why(const char *s, size_t len, enum names_if rule)
{
	size_t i;

	if (s == NULL || len == 0)
		return "empty name";
	if (len > NAMES_IFNAME_MAX)
		return "longer than 15 characters";
	if (names_dots(s, len))
		return "'.' and '..' are not interface names";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '/')
			return "contains '/'";
		if (c == ':')
			return "contains ':'";
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\v' || c == '\f')
			return "contains whitespace";
		if (c < 0x20 || c == 0x7f)
			return "contains a control character";
		if (c >= 0x80)
			return "contains a non-ASCII byte";
		if (c == '"' || c == '\\')
			return rule == NAMES_IF_KERNEL ? "contains a quote or "
			    "backslash" : "contains a quote, backslash, '#', "
			    "'%', '*' or ','";
		if (rule == NAMES_IF_ARTIFACT && c != 0 &&
		    strchr("'#%*,", c) != NULL)
			return "contains a quote, backslash, '#', '%', '*' or "
			    "','";
	}
	return NULL;
}

bool
names_ifname_valid(const char *s, size_t len, enum names_if rule)
{
	return names_ifname_why(s, len, rule) == NULL;
}
