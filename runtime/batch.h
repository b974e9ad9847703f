/*
 * batch.h - the `ip -batch` subset of docs/bundle-format.md, plus the
 * inverse verbs the journal uses (link del, link set down/nomaster,
 * address del, route del).
 */
#ifndef EDGENET_RT_BATCH_H
#define EDGENET_RT_BATCH_H

#include <stddef.h>

#include "rt.h"

enum rt_op_kind {
	RT_OP_VETH,	/* link add name DEV type veth peer name ARG netns NS */
	RT_OP_BRIDGE,	/* link add name DEV type bridge */
	RT_OP_MASTER,	/* link set dev DEV master ARG */
	RT_OP_ALIAS,	/* link set dev DEV alias "ALIAS" (IFLA_IFALIAS) */
	RT_OP_UP,	/* link set dev DEV up */
	RT_OP_ADDR,	/* address add DST dev DEV [nodad] */
	RT_OP_ROUTE,	/* route add DST|default via VIA dev DEV [onlink] */
	RT_OP_SYSCTL,	/* #@ sysctl KEY VAL */
	RT_OP_DHCPC,	/* #@ dhcp-client DEV */
	/* Inverse verbs, accepted only with RT_BATCH_INTERNAL. */
	RT_OP_LINKDEL,	/* link del dev DEV */
	RT_OP_DOWN,	/* link set dev DEV down */
	RT_OP_NOMASTER,	/* link set dev DEV nomaster */
	RT_OP_ADDRDEL,	/* address del DST dev DEV */
	RT_OP_ROUTEDEL	/* route del DST|default via VIA dev DEV [onlink] */
};

#define RT_OPF_NODAD	0x01
#define RT_OPF_ONLINK	0x02
#define RT_OPF_DEFAULT	0x04	/* route: DST is the default route */

#define RT_ALIASLEN	96	/* an alias: 1..95 characters + NUL */

struct rt_op {
	enum rt_op_kind	kind;
	unsigned	flags;
	char		dev[RT_IFNAMSIZ];
	char		arg[RT_IFNAMSIZ];	/* veth peer, master */
	char		alias[RT_ALIASLEN];	/* "" clears (internal) */
	char		ns[RT_IDLEN];		/* veth peer's namespace */
	char		key[40];		/* sysctl key */
	char		val[12];		/* sysctl value */
	struct rt_pfx	dst;			/* address, route prefix */
	struct rt_pfx	via;			/* route gateway */
};

#define RT_BATCH_INTERNAL	0x01	/* accept the inverse verbs */

/*
 * Parses one line (without its newline).  Returns 1 for a blank or comment
 * line, 0 with *op filled, -1 with a message in err.
 */
int	rt_batch_parse_line(const char *line, size_t len, int flags,
	    struct rt_op *op, char *err, size_t errlen);
/* Canonical text of op (the syntax it was parsed from); -1 if too long. */
int	rt_op_format(const struct rt_op *op, char *buf, size_t len);
/* Whether op creates a link. */
int	rt_op_is_link_create(const struct rt_op *op);

#endif
