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
nl_comment(struct buf *out, const struct inst_plan *ip)
{
	buf_puts(out, "# ");
	buf_put_safe(out, ip->svc->name.s, 63);
	buf_putc(out, '/');
	buf_put_safe(out, ip->inst->id.s, 63);
	buf_putc(out, '\n');
}

static void
nl_veth(struct buf *out, const char *host, const char *peer, const char *ns)
{
	buf_printf(out, "link add name %s type veth peer name %s netns %s\n",
	    host, peer, ns);
}

/*
 * Names a host-side link after its instance and role ("edgenet pis-1
 * wan"), so that `ip link` says whose it is.  Ids and interface names
 * hold no quote, backslash or '#' (common/names.h), so the quoted alias
 * is one ip -batch argument; at most 94 characters.
 */
static void
nl_alias(struct buf *out, const char *dev, const char *id,
    const char *role, const char *port)
{
	buf_printf(out, "link set dev %s alias \"edgenet %s %s%s%s\"\n", dev,
	    id, role, port != NULL ? " " : "", port != NULL ? port : "");
}

static struct addr
nl_host(const struct addr *a)
{
	return addr_make(a->family, a->v, (uint8_t)addr_bits(a));
}

/*
 * The device's route towards a routed LAN: the instance's block, or a
 * host route to its address when it has none (a fixed subnet, where a
 * second instance on the device shares the subnet).  Stable: it depends
 * on this instance's decisions only.
 */
static void
nl_route_prefix(const struct inst_plan *ip, struct addr *out)
{
	if (ip->has_block)
		*out = addr_make(ip->block.family, addr_network(&ip->block),
		    ip->block.plen);
	else
		*out = nl_host(&ip->address);
}

/*
 * Two routed LANs with the same prefix on one device (a shared
 * dhcp_range: same block, same address) cannot both own the route: the
 * first by id keeps it, the others get none, with a warning.
 */
static bool
nl_route_taken(const struct emit_dev *ed, size_t i, const struct addr *p,
    struct diag_ctx *d)
{
	const struct inst_plan *ip = ed->ip[i], *o;
	struct addr q;
	size_t j;

	for (j = 0; j < i; j++) {
		o = ed->ip[j];
		if (!emit_lan_routed(o->svc) || !o->has_address)
			continue;
		nl_route_prefix(o, &q);
		if (addr_cmp(p, &q) != 0)
			continue;
		if (d != NULL)
			diag_warn(d, &ip->inst->loc, "route-conflict",
			    "instance '%s' has the same LAN block as '%s' on "
			    "device '%s': the device routes it to '%s' only",
			    ip->inst->id.s, o->inst->id.s, ed->dev->id.s,
			    o->inst->id.s);
		return true;
	}
	return false;
}

/*
 * An IPv6 dhcp LAN's dnsmasq sends router advertisements (emit_dnsmasq.c)
 * on the container's LAN link, and the device's own end of that link (the
 * access bridge, or the routed veth) hears them too: a device that does
 * not forward IPv6 would take a default route via the container.  Its end
 * does not listen to them.
 */
static void
nl_no_ra(const struct inst_plan *ip, const char *dev, struct buf *out)
{
	if (ip->svc->lan.v == NETMODE_DHCP && ip->has_pool &&
	    ip->has_address && ip->address.family == ADDR_V6)
		buf_printf(out, "#@ sysctl net.ipv6.conf.%s.accept_ra 0\n",
		    dev);
}

static void
nl_device_inst(const struct emit_dev *ed, size_t i, struct buf *out,
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
		nl_alias(out, nm.wan, id, "wan", NULL);
		buf_printf(out, "link set dev %s master %s\n", nm.wan,
		    ip->wan_net->bridge.s);
		buf_printf(out, "link set dev %s up\n", nm.wan);
	}
	if (!emit_has_lan(s))
		return;
	for (k = 0; k < s->n_ifs; k++) {
		const char *port = s->ifs[k].name.s;

		names_bridge(&nm, (unsigned)k, br);
		names_access(&nm, (unsigned)k, ea);
		buf_printf(out, "link add name %s type bridge\n", br);
		nl_alias(out, br, id, "bridge", port);
		if (k == 0)
			nl_no_ra(ip, br, out);
		buf_printf(out, "link set dev %s up\n", br);
		buf_printf(out, "link set dev %s master %s\n", port, br);
		buf_printf(out, "link set dev %s up\n", port);
		nl_veth(out, ea, s->ifs[k].label.s, id);
		nl_alias(out, ea, id, "access", s->ifs[k].label.s);
		buf_printf(out, "link set dev %s master %s\n", ea, br);
		buf_printf(out, "link set dev %s up\n", ea);
	}
	if (s->n_ifs > 0)
		return;
	nl_veth(out, nm.lan, "lan", id);
	nl_alias(out, nm.lan, id, "lan", NULL);
	nl_no_ra(ip, nm.lan, out);
	buf_printf(out, "link set dev %s up\n", nm.lan);
	if (!ip->has_address)
		return;
	nl_route_prefix(ip, &p);
	if (nl_route_taken(ed, i, &p, d))
		return;
	buf_printf(out, "route add %s via %s dev %s onlink\n",
	    addr_format(&p, pfx, sizeof(pfx)),
	    addr_format_host(&ip->address, via, sizeof(via)), nm.lan);
}

void
emit_netlink_device(const struct emit_dev *ed, struct buf *out,
    struct diag_ctx *d)
{
	size_t i;

	buf_puts(out, "# edgenetc: device ");
	buf_put_safe(out, ed->dev->id.s, 63);
	buf_putc(out, '\n');
	for (i = 0; i < ed->n; i++)
		nl_device_inst(ed, i, out, d);
}

static void
nl_addr(struct buf *out, const struct addr *a, const char *dev)
{
	char buf[ADDR_STRLEN];

	buf_printf(out, "address add %s dev %s%s\n",
	    addr_format(a, buf, sizeof(buf)), dev,
	    a->family == ADDR_V6 ? " nodad" : "");
}

void
emit_netlink_netns(const struct inst_plan *ip, struct buf *out)
{
	const struct service *s = ip->svc;
	const char *lan = emit_lan_ifname(s);
	char gw[ADDR_STRLEN];
	size_t k;
	bool wan = emit_has_wan(s) && ip->wan_net != NULL;

	buf_puts(out, "# edgenetc: namespace of ");
	buf_put_safe(out, s->name.s, 63);
	buf_putc(out, '/');
	buf_put_safe(out, ip->inst->id.s, 63);
	buf_puts(out, "\nlink set dev lo up\n");
	if (wan) {
		buf_puts(out, "link set dev wan up\n");
		if (s->wan.v == NETMODE_ALLOCATED && ip->has_wan)
			nl_addr(out, &ip->wan_address, "wan");
	}
	if (lan != NULL) {
		buf_printf(out, "link set dev %s up\n", lan);
		if (ip->has_address)
			nl_addr(out, &ip->address, lan);
		for (k = 1; k < s->n_ifs; k++)
			buf_printf(out, "link set dev %s up\n",
			    s->ifs[k].label.s);
	}
	if (wan && s->wan.v == NETMODE_ALLOCATED && ip->has_wan &&
	    ip->has_wan_gw)
		buf_printf(out, "route add default via %s dev wan\n",
		    addr_format_host(&ip->wan_gw, gw, sizeof(gw)));
	if (wan && lan != NULL) {
		if (ip->has_address && ip->address.family == ADDR_V6)
			buf_puts(out,
			    "#@ sysctl net.ipv6.conf.all.forwarding 1\n");
		else
			buf_puts(out, "#@ sysctl net.ipv4.ip_forward 1\n");
	}
	if (wan && s->wan.v == NETMODE_DHCP)
		buf_puts(out, "#@ dhcp-client wan\n");
}
