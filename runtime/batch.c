/*
 * batch.c - parser and printer for the ip-batch subset (bundle-format.md).
 * Tokens are separated by exactly one space; every token is validated, so
 * a line that parses cannot smuggle anything past the runtime.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "batch.h"
#include "names.h"

#define MAXTOK	12

struct tok {
	const char	*s;
	size_t		 n;
};

static int
tok_is(const struct tok *t, const char *w)
{
	return t->n == strlen(w) && memcmp(t->s, w, t->n) == 0;
}

static int
tok_ifname(const struct tok *t, char *dst, const char *what, char *err,
    size_t errlen)
{
	if (!names_ifname_valid(t->s, t->n, NAMES_IF_KERNEL))
		return rt_errf(err, errlen, "invalid %s name '%.*s'", what,
		    (int)(t->n > 20 ? 20 : t->n), t->s);
	memcpy(dst, t->s, t->n);
	dst[t->n] = '\0';
	return 0;
}

/*
 * Splits at single spaces.  A token that starts with '"' runs to the next
 * '"' (spaces included) and must end the line: the alias of `link set`,
 * which holds no quote, backslash or '#' (ip -batch reads '#' as a
 * comment even between quotes).
 */
static int
tok_split(const char *line, size_t len, struct tok *t, char *err,
    size_t errlen)
{
	size_t i, start = 0;
	int n = 0, q = 0;

	for (i = 0; i <= len; i++) {
		if (i == start && i < len && line[i] == '"')
			q = 1;
		else if (q && i < len && line[i] == '"') {
			if (i + 1 != len)
				return rt_errf(err, errlen, "column %zu: a quoted "
				    "string ends the line", i + 2);
			q = 0;
			continue;
		}
		if (i < len && (line[i] != ' ' || q)) {
			unsigned char c = (unsigned char)line[i];

			if (c < (q ? 0x20 : 0x21) || c >= 0x7f || (q &&
			    (c == '\\' || c == '#' || c == '\'')))
				return rt_errf(err, errlen,
				    "column %zu: control, tab, non-ASCII byte%s",
				    i + 1, q ? ", quote, backslash or '#'" : "");
			continue;
		}
		if (q)
			return rt_errf(err, errlen, "unterminated string");
		if (i == start)
			return rt_errf(err, errlen,
			    "column %zu: empty token (tokens are separated by "
			    "one space)", i + 1);
		if (n == MAXTOK)
			return rt_errf(err, errlen, "too many tokens");
		t[n].s = line + start;
		t[n].n = i - start;
		n++;
		start = i + 1;
	}
	return n;
}

/* net.ipv6.conf.IF.accept_ra, IF an interface name without dots (the
 * key is a path under /proc/sys with dots for slashes) and not one of
 * the keys that speak for every interface. */
static int
sysctl_ifkey(const struct tok *k, char *dev)
{
	static const char pre[] = "net.ipv6.conf.", suf[] = ".accept_ra";
	const size_t np = sizeof(pre) - 1, ns = sizeof(suf) - 1;
	size_t n;

	if (k->n <= np + ns || memcmp(k->s, pre, np) != 0 ||
	    memcmp(k->s + k->n - ns, suf, ns) != 0)
		return -1;
	n = k->n - np - ns;
	if (!names_ifname_valid(k->s + np, n, NAMES_IF_KERNEL) ||
	    memchr(k->s + np, '.', n) != NULL ||
	    (n == 3 && memcmp(k->s + np, "all", 3) == 0) ||
	    (n == 7 && memcmp(k->s + np, "default", 7) == 0))
		return -1;
	memcpy(dev, k->s + np, n);
	dev[n] = '\0';
	return 0;
}

static int
parse_pragma(struct tok *t, int n, struct rt_op *op, int flags, char *err,
    size_t errlen)
{
	size_t i;

	if (n == 3 && tok_is(&t[0], "sysctl")) {
		/* Only the keys the bundle format defines: forwarding, and
		 * accept_ra of one interface (which op->dev then names). */
		if (!tok_is(&t[1], "net.ipv4.ip_forward") &&
		    !tok_is(&t[1], "net.ipv6.conf.all.forwarding") &&
		    sysctl_ifkey(&t[1], op->dev) == -1)
			return rt_errf(err, errlen, "sysctl key '%.*s' is not "
			    "allowed", (int)(t[1].n > 40 ? 40 : t[1].n),
			    t[1].s);
		if (t[2].n < 1 || t[2].n >= sizeof(op->val) ||
		    (!(flags & RT_BATCH_INTERNAL) && !tok_is(&t[2], "0") &&
		    !tok_is(&t[2], "1")))
			return rt_errf(err, errlen, "invalid sysctl value");
		for (i = 0; i < t[2].n; i++)
			if (t[2].s[i] < '0' || t[2].s[i] > '9')
				return rt_errf(err, errlen,
				    "invalid sysctl value");
		if (t[1].n >= sizeof(op->key))
			return rt_errf(err, errlen, "sysctl key too long");
		op->kind = RT_OP_SYSCTL;
		memcpy(op->key, t[1].s, t[1].n);
		memcpy(op->val, t[2].s, t[2].n);
		return 0;
	}
	if (n == 2 && tok_is(&t[0], "dhcp-client")) {
		op->kind = RT_OP_DHCPC;
		return tok_ifname(&t[1], op->dev, "interface", err, errlen);
	}
	return rt_errf(err, errlen, "unknown pragma '%.*s'",
	    (int)(t[0].n > 20 ? 20 : t[0].n), t[0].s);
}

static int
parse_link(struct tok *t, int n, struct rt_op *op, int internal, char *err,
    size_t errlen)
{
	if (n >= 6 && tok_is(&t[1], "add") && tok_is(&t[2], "name") &&
	    tok_is(&t[4], "type")) {
		if (tok_ifname(&t[3], op->dev, "link", err, errlen) == -1)
			return -1;
		if (n == 6 && tok_is(&t[5], "bridge")) {
			op->kind = RT_OP_BRIDGE;
			return 0;
		}
		if (n == 11 && tok_is(&t[5], "veth") &&
		    tok_is(&t[6], "peer") && tok_is(&t[7], "name") &&
		    tok_is(&t[9], "netns")) {
			if (tok_ifname(&t[8], op->arg, "peer", err,
			    errlen) == -1)
				return -1;
			if (!names_id_valid(t[10].s, t[10].n))
				return rt_errf(err, errlen,
				    "invalid namespace name");
			memcpy(op->ns, t[10].s, t[10].n);
			op->kind = RT_OP_VETH;
			return 0;
		}
		return rt_errf(err, errlen, "unsupported link add");
	}
	if (n == 5 && tok_is(&t[1], "set") && tok_is(&t[2], "dev")) {
		if (tok_ifname(&t[3], op->dev, "link", err, errlen) == -1)
			return -1;
		if (tok_is(&t[4], "up")) {
			op->kind = RT_OP_UP;
			return 0;
		}
		if (internal && tok_is(&t[4], "down")) {
			op->kind = RT_OP_DOWN;
			return 0;
		}
		if (internal && tok_is(&t[4], "nomaster")) {
			op->kind = RT_OP_NOMASTER;
			return 0;
		}
	}
	if (n == 6 && tok_is(&t[1], "set") && tok_is(&t[2], "dev") &&
	    tok_is(&t[4], "alias") && t[5].s[0] == '"') {
		/* "edgenet ID ROLE": one space between words */
		if (t[5].n < (internal ? 2 : 3) || t[5].n > RT_ALIASLEN + 1 ||
		    t[5].s[1] == ' ' || t[5].s[t[5].n - 2] == ' ' ||
		    memmem(t[5].s, t[5].n, "  ", 2) != NULL)
			return rt_errf(err, errlen, "invalid alias");
		op->kind = RT_OP_ALIAS;
		memcpy(op->alias, t[5].s + 1, t[5].n - 2);
		return tok_ifname(&t[3], op->dev, "link", err, errlen);
	}
	if (n == 6 && tok_is(&t[1], "set") && tok_is(&t[2], "dev") &&
	    tok_is(&t[4], "master")) {
		op->kind = RT_OP_MASTER;
		if (tok_ifname(&t[3], op->dev, "link", err, errlen) == -1)
			return -1;
		return tok_ifname(&t[5], op->arg, "master", err, errlen);
	}
	if (internal && n == 4 && tok_is(&t[1], "del") &&
	    tok_is(&t[2], "dev")) {
		op->kind = RT_OP_LINKDEL;
		return tok_ifname(&t[3], op->dev, "link", err, errlen);
	}
	return rt_errf(err, errlen, "unsupported link command");
}

static int
parse_address(struct tok *t, int n, struct rt_op *op, int internal,
    char *err, size_t errlen)
{
	int del = internal && tok_is(&t[1], "del");

	if ((n != 5 && n != 6) || (!tok_is(&t[1], "add") && !del) ||
	    !tok_is(&t[3], "dev"))
		return rt_errf(err, errlen, "unsupported address command");
	op->kind = del ? RT_OP_ADDRDEL : RT_OP_ADDR;
	if (rt_pfx_parse(t[2].s, t[2].n, 1, 0, &op->dst) == -1)
		return rt_errf(err, errlen, "invalid address '%.*s'",
		    (int)(t[2].n > 50 ? 50 : t[2].n), t[2].s);
	if (tok_ifname(&t[4], op->dev, "link", err, errlen) == -1)
		return -1;
	if (n == 6) {
		if (!tok_is(&t[5], "nodad") || op->dst.family != AF_INET6)
			return rt_errf(err, errlen,
			    "unsupported address option");
		op->flags |= RT_OPF_NODAD;
	}
	return 0;
}

static int
parse_route(struct tok *t, int n, struct rt_op *op, int internal,
    char *err, size_t errlen)
{
	int del = internal && tok_is(&t[1], "del");

	if ((n != 7 && n != 8) || (!tok_is(&t[1], "add") && !del) ||
	    !tok_is(&t[3], "via") || !tok_is(&t[5], "dev"))
		return rt_errf(err, errlen, "unsupported route command");
	op->kind = del ? RT_OP_ROUTEDEL : RT_OP_ROUTE;
	if (rt_pfx_parse(t[4].s, t[4].n, -1, 0, &op->via) == -1)
		return rt_errf(err, errlen, "invalid gateway '%.*s'",
		    (int)(t[4].n > 50 ? 50 : t[4].n), t[4].s);
	if (tok_is(&t[2], "default")) {
		op->flags |= RT_OPF_DEFAULT;
		op->dst.family = op->via.family;
		op->dst.len = 0;
	} else if (rt_pfx_parse(t[2].s, t[2].n, 0, 1, &op->dst) == -1)
		return rt_errf(err, errlen, "invalid route prefix '%.*s'",
		    (int)(t[2].n > 50 ? 50 : t[2].n), t[2].s);
	if (op->dst.family != op->via.family)
		return rt_errf(err, errlen, "route prefix and gateway are of "
		    "different families");
	if (tok_ifname(&t[6], op->dev, "link", err, errlen) == -1)
		return -1;
	if (n == 8) {
		if (!tok_is(&t[7], "onlink"))
			return rt_errf(err, errlen, "unsupported route option");
		op->flags |= RT_OPF_ONLINK;
	}
	return 0;
}

int
rt_batch_parse_line(const char *line, size_t len, int flags,
    struct rt_op *op, char *err, size_t errlen)
{
	struct tok t[MAXTOK];
	int n, internal = flags & RT_BATCH_INTERNAL;

	memset(op, 0, sizeof(*op));
	if (len == 0)
		return 1;
	if (line[0] == '#') {
		if (len < 3 || line[1] != '@' || line[2] != ' ')
			return 1;	/* a comment to ip, to us too */
		if ((n = tok_split(line + 3, len - 3, t, err, errlen)) == -1)
			return -1;
		return parse_pragma(t, n, op, flags, err, errlen);
	}
	if ((n = tok_split(line, len, t, err, errlen)) == -1)
		return -1;
	if (n >= 4 && tok_is(&t[0], "link"))
		return parse_link(t, n, op, internal, err, errlen);
	if (n >= 2 && tok_is(&t[0], "address"))
		return parse_address(t, n, op, internal, err, errlen);
	if (n >= 2 && tok_is(&t[0], "route"))
		return parse_route(t, n, op, internal, err, errlen);
	return rt_errf(err, errlen, "unsupported command '%.*s'",
	    (int)(t[0].n > 20 ? 20 : t[0].n), t[0].s);
}

/* Appends strings to buf (NUL-terminated); a key is made for every object
 * of every run, so no printf here. */
static void
cat(char *buf, size_t len, size_t *n, int *ovf, const char *const *v)
{
	size_t k;

	for (; *v != NULL; v++) {
		k = strlen(*v);
		if (*n + k >= len) {
			*ovf = 1;
			return;
		}
		memcpy(buf + *n, *v, k + 1);
		*n += k;
	}
}
#define CAT(...)	cat(buf, len, &n, &ovf, (const char *const[]){ \
			    __VA_ARGS__, NULL })

int
rt_op_format(const struct rt_op *op, char *buf, size_t len)
{
	char d[64] = "", v[64] = "";
	const char *add;
	size_t n = 0;
	int ovf = 0;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	/* Addresses only where the command has them. */
	if (op->kind == RT_OP_ADDR || op->kind == RT_OP_ADDRDEL ||
	    op->kind == RT_OP_ROUTE || op->kind == RT_OP_ROUTEDEL) {
		if (op->flags & RT_OPF_DEFAULT)
			strcpy(d, "default");
		else
			rt_pfx_format(&op->dst, 1, d, sizeof(d));
	}
	if (op->kind == RT_OP_ROUTE || op->kind == RT_OP_ROUTEDEL)
		rt_pfx_format(&op->via, 0, v, sizeof(v));
	add = op->kind == RT_OP_ADDR || op->kind == RT_OP_ROUTE ? "add" : "del";
	switch (op->kind) {
	case RT_OP_VETH:
		CAT("link add name ", op->dev, " type veth peer name ",
		    op->arg, " netns ", op->ns);
		break;
	case RT_OP_BRIDGE:
		CAT("link add name ", op->dev, " type bridge");
		break;
	case RT_OP_MASTER:
		CAT("link set dev ", op->dev, " master ", op->arg);
		break;
	case RT_OP_ALIAS:
		CAT("link set dev ", op->dev, " alias \"", op->alias, "\"");
		break;
	case RT_OP_UP:
	case RT_OP_DOWN:
	case RT_OP_NOMASTER:
		CAT("link set dev ", op->dev, " ", op->kind == RT_OP_UP ?
		    "up" : op->kind == RT_OP_DOWN ? "down" : "nomaster");
		break;
	case RT_OP_LINKDEL:
		CAT("link del dev ", op->dev);
		break;
	case RT_OP_ADDR:
	case RT_OP_ADDRDEL:
		CAT("address ", add, " ", d, " dev ", op->dev,
		    (op->flags & RT_OPF_NODAD) ? " nodad" : "");
		break;
	case RT_OP_ROUTE:
	case RT_OP_ROUTEDEL:
		CAT("route ", add, " ", d, " via ", v, " dev ", op->dev,
		    (op->flags & RT_OPF_ONLINK) ? " onlink" : "");
		break;
	case RT_OP_SYSCTL:
		CAT("#@ sysctl ", op->key, " ", op->val);
		break;
	case RT_OP_DHCPC:
		CAT("#@ dhcp-client ", op->dev);
		break;
	default:
		ovf = 1;
	}
	return ovf ? -1 : 0;
}
#undef CAT

int
rt_op_is_link_create(const struct rt_op *op)
{
	return op->kind == RT_OP_VETH || op->kind == RT_OP_BRIDGE;
}
