/*
 * emit_dnsmasq.c - instances/<id>/dnsmasq.conf for LAN dhcp (edgenetc-input(5)).
 *
 * dnsmasq runs inside the container namespace, bound to the first LAN
 * interface only, with DNS off (port=0).  The runtime starts it with
 * --conf-file pointing here, so /etc/dnsmasq.conf is never read, and
 * supplies its own pid and lease paths on the command line (which take
 * precedence over this file's dhcp-leasefile).
 *
 * IPv6: DHCPv6 carries addresses but no routes and no prefix length;
 * both come from router advertisements, which dnsmasq sends for the
 * dhcp-range's prefix with enable-ra: M bit set, A bit clear (addresses
 * only from the pool), the prefix on-link, and the instance's link-local
 * address as default router.  With WAN disabled the instance is no
 * router (as the IPv4 side has no router option): the router lifetime is
 * 0, so clients still learn the on-link prefix and to ask DHCPv6, but
 * take no default route.
 */
#include <string.h>

#include "emit.h"

bool
emit_dnsmasq(const struct inst_plan *ip, struct buf *out)
{
	const struct service *s = ip->svc;
	char lo[ADDR_STRLEN], hi[ADDR_STRLEN], mask[ADDR_STRLEN];
	char rtr[ADDR_STRLEN];
	struct addr m;
	bool v6;

	if (s->lan.v != NETMODE_DHCP || !ip->has_pool || !ip->has_address)
		return false;
	v6 = ip->address.family == ADDR_V6;
	addr_format_host(&ip->pool_start, lo, sizeof(lo));
	addr_format_host(&ip->pool_end, hi, sizeof(hi));
	/* IPv4: the netmask of the interface prefix.  IPv6: dnsmasq takes a
	 * prefix length no shorter than 64 here. */
	m = ip->address;
	if (v6 && m.plen < 64)
		m.plen = 64;
	addr_format_mask(&m, mask, sizeof(mask));
	addr_format_host(&ip->address, rtr, sizeof(rtr));

	buf_puts(out, "# edgenetc: DHCP server of ");
	buf_put_safe(out, s->name.s, 63);
	buf_putc(out, '/');
	buf_put_safe(out, ip->inst->id.s, 63);
	buf_putc(out, '\n');
	buf_printf(out, "interface=%s\n", emit_lan_ifname(s));
	buf_puts(out, "bind-interfaces\n"
	    "except-interface=lo\n"
	    "port=0\n");
	buf_printf(out, "dhcp-range=%s,%s,%s,%s\n", lo, hi, mask,
	    EMIT_LEASE_TIME);
	/* DHCPv6 has no router option: IPv6 hosts learn routers from RAs. */
	if (emit_has_wan(s) && !v6)
		buf_printf(out, "dhcp-option=option:router,%s\n", rtr);
	if (v6) {
		buf_puts(out, "enable-ra\n");
		/* interval 0: dnsmasq's default; router lifetime 0: no
		 * default route via an instance without WAN */
		if (!emit_has_wan(s))
			buf_printf(out, "ra-param=%s,0,0\n",
			    emit_lan_ifname(s));
	}
	buf_puts(out, "dhcp-authoritative\n");
	buf_printf(out, "dhcp-leasefile=%s/instances/%s/dnsmasq.leases\n",
	    EMIT_STATE_DIR, ip->inst->id.s);
	return true;
}
