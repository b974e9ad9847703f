/*
 * emit_netlink.c - netlink.batch (device namespace) and
 * instances/<id>/netns.batch (container namespace), in the `ip -batch`
 * subset of docs/bundle-format.md.
 *
 * Every name follows an explicit `name` or `dev` keyword and every token
 * was checked by emit_fleet_validate(), so no line needs quoting and none
 * can carry a second command.  veth peers are created directly in the
 * container namespace (`peer name X netns ID`), so no rename is needed.
 */
#include <string.h>

#include "emit.h"
#include "xalloc.h"

static void
nl_comment(struct ebuf *out, const struct inst_plan *ip)
{
	ebuf_puts(out, "# ");
	ebuf_put_safe(out, ip->svc->name.s, 63);
	ebuf_putc(out, '/');
	ebuf_put_safe(out, ip->inst->id.s, 63);
	ebuf_putc(out, '\n');
}

static void
nl_veth(struct ebuf *out, const char *host, const char *peer, const char *ns)
{
	ebuf_printf(out, "link add name %s type veth peer name %s netns %s\n",
	    host, peer, ns);
}

/*
 * The device's route towards a routed LAN: the instance's block, or the
 * interface's network without one.
 */
static void
nl_route_prefix(const struct inst_plan *ip, struct addr *out)
{
	const struct addr *a = ip->has_block ? &ip->block : &ip->address;

	*out = addr_make(a->family, addr_network(a), a->plen);
}

static struct addr
nl_host(const struct addr *a)
{
	return addr_make(a->family, a->v, (uint8_t)addr_bits(a));
}

enum nl_route {
	NL_ROUTE_PREFIX,	/* the block */
	NL_ROUTE_HOST,		/* block shared: a host route per address */
	NL_ROUTE_NONE,		/* same address as an earlier instance */
};

/*
 * Two routed LANs with the same block on one device cannot both own the
 * block's route.  With different addresses (a fixed subnet with a second
 * instance) each gets a host route to its own address; with the same
 * address (a shared dhcp_range) the first by id keeps the route and the
 * others get none, with a warning.
 */
static enum nl_route
nl_route_kind(const struct emit_dev *ed, size_t i, struct diag_ctx *d)
{
	const struct inst_plan *ip = ed->ip[i], *o;
	struct addr p, q, h, g;
	bool other_addr = false;
	size_t j;

	nl_route_prefix(ip, &p);
	h = nl_host(&ip->address);
	for (j = 0; j < ed->n; j++) {
		o = ed->ip[j];
		if (j == i || !emit_lan_routed(o->svc) || !o->has_address)
			continue;
		nl_route_prefix(o, &q);
		if (addr_cmp(&p, &q) != 0)
			continue;
		g = nl_host(&o->address);
		if (addr_cmp(&h, &g) != 0) {
			other_addr = true;
			continue;
		}
		if (j < i) {
			if (d != NULL)
				diag_warn(d, &ip->inst->loc, "route-conflict",
				    "instance '%s' has the same LAN address "
				    "as '%s' on device '%s': the device "
				    "routes it to '%s' only", ip->inst->id.s,
				    o->inst->id.s, ed->dev->id.s,
				    o->inst->id.s);
			return NL_ROUTE_NONE;
		}
	}
	return other_addr ? NL_ROUTE_HOST : NL_ROUTE_PREFIX;
}

static void
nl_device_inst(const struct emit_dev *ed, size_t i, struct ebuf *out,
    struct diag_ctx *d)
{
	const struct inst_plan *ip = ed->ip[i];
	const struct service *s = ip->svc;
	const char *id = ip->inst->id.s;
	char br[EMIT_IFNAMSIZ], ea[EMIT_IFNAMSIZ];
	char pfx[ADDR_STRLEN], via[ADDR_STRLEN];
	struct inst_names nm;
	struct addr p;
	size_t k;

	names_make(&nm, id);
	nl_comment(out, ip);
	if (emit_has_wan(s) && ip->wan_net != NULL) {
		nl_veth(out, nm.wan, "wan", id);
		ebuf_printf(out, "link set dev %s master %s\n", nm.wan,
		    ip->wan_net->bridge.s);
		ebuf_printf(out, "link set dev %s up\n", nm.wan);
	}
	if (!emit_has_lan(s))
		return;
	for (k = 0; k < s->n_ifs; k++) {
		const char *port = s->ifs[k].name.s;

		names_bridge(&nm, (unsigned)k, br);
		names_access(&nm, (unsigned)k, ea);
		ebuf_printf(out, "link add name %s type bridge\n", br);
		ebuf_printf(out, "link set dev %s up\n", br);
		ebuf_printf(out, "link set dev %s master %s\n", port, br);
		ebuf_printf(out, "link set dev %s up\n", port);
		nl_veth(out, ea, s->ifs[k].label.s, id);
		ebuf_printf(out, "link set dev %s master %s\n", ea, br);
		ebuf_printf(out, "link set dev %s up\n", ea);
	}
	if (s->n_ifs > 0)
		return;
	nl_veth(out, nm.lan, "lan", id);
	ebuf_printf(out, "link set dev %s up\n", nm.lan);
	if (!ip->has_address)
		return;
	switch (nl_route_kind(ed, i, d)) {
	case NL_ROUTE_PREFIX:
		nl_route_prefix(ip, &p);
		break;
	case NL_ROUTE_HOST:
		p = nl_host(&ip->address);
		break;
	default:
		return;
	}
	ebuf_printf(out, "route add %s via %s dev %s onlink\n",
	    addr_format(&p, pfx, sizeof(pfx)),
	    addr_format_host(&ip->address, via, sizeof(via)), nm.lan);
}

void
emit_netlink_device(const struct emit_dev *ed, struct ebuf *out,
    struct diag_ctx *d)
{
	size_t i;

	ebuf_puts(out, "# edgenetc: device ");
	ebuf_put_safe(out, ed->dev->id.s, 63);
	ebuf_putc(out, '\n');
	for (i = 0; i < ed->n; i++)
		nl_device_inst(ed, i, out, d);
}

static void
nl_addr(struct ebuf *out, const struct addr *a, const char *dev)
{
	char buf[ADDR_STRLEN];

	ebuf_printf(out, "address add %s dev %s%s\n",
	    addr_format(a, buf, sizeof(buf)), dev,
	    a->family == ADDR_V6 ? " nodad" : "");
}

void
emit_netlink_netns(const struct inst_plan *ip, struct ebuf *out)
{
	const struct service *s = ip->svc;
	const char *lan = emit_lan_ifname(s);
	char gw[ADDR_STRLEN];
	size_t k;
	bool wan = emit_has_wan(s) && ip->wan_net != NULL;

	ebuf_puts(out, "# edgenetc: namespace of ");
	ebuf_put_safe(out, s->name.s, 63);
	ebuf_putc(out, '/');
	ebuf_put_safe(out, ip->inst->id.s, 63);
	ebuf_puts(out, "\nlink set dev lo up\n");
	if (wan) {
		ebuf_puts(out, "link set dev wan up\n");
		if (s->wan.v == NETMODE_ALLOCATED && ip->has_wan)
			nl_addr(out, &ip->wan_address, "wan");
	}
	if (lan != NULL) {
		ebuf_printf(out, "link set dev %s up\n", lan);
		if (ip->has_address)
			nl_addr(out, &ip->address, lan);
		for (k = 1; k < s->n_ifs; k++)
			ebuf_printf(out, "link set dev %s up\n",
			    s->ifs[k].label.s);
	}
	if (wan && s->wan.v == NETMODE_ALLOCATED && ip->has_wan &&
	    ip->has_wan_gw)
		ebuf_printf(out, "route add default via %s dev wan\n",
		    addr_format_host(&ip->wan_gw, gw, sizeof(gw)));
	if (wan && lan != NULL) {
		if (ip->has_address && ip->address.family == ADDR_V6)
			ebuf_puts(out,
			    "#@ sysctl net.ipv6.conf.all.forwarding 1\n");
		else
			ebuf_puts(out, "#@ sysctl net.ipv4.ip_forward 1\n");
	}
	if (wan && s->wan.v == NETMODE_DHCP)
		ebuf_puts(out, "#@ dhcp-client wan\n");
}
