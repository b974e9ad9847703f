/*
 * emit_nft.c - host.nft and instances/<id>/netns.nft (edgenetc-input(5), "Network policy").
 *
 * Each file replaces the private table `inet edgenet` of one namespace
 * whole: "table X" (create if missing), "delete table X", "table X {...}"
 * in one nft transaction, so no other table is touched and no stale rule
 * survives.  Only the subset of docs/bundle-format.md is written.
 *
 * Device namespace: the GPSd port, accepted from the whole client network
 * of every instance with GPSd enabled (the platform's documented
 * exposure) and dropped from the device's other client networks, in one
 * verdict map keyed by bridge name: one lookup per packet, however many
 * instances the device runs.
 *
 * Container namespace (LAN and WAN both present): forward policy drop,
 * established/related accepted first, invalid dropped, LAN->WAN accepted
 * through a verdict map on the input interface; with masquerade, source
 * NAT for the LAN block leaving by wan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "xalloc.h"

static void
nft_begin(struct buf *out)
{
	buf_puts(out, "table inet edgenet\n"
	    "delete table inet edgenet\n"
	    "table inet edgenet {\n");
}

static void
nft_comment(struct buf *out, const char *text)
{
	buf_puts(out, " comment \"");
	buf_put_safe(out, text, EMIT_COMMENT_MAX);
	buf_puts(out, "\"\n");
}

/* "SERVICE/INSTANCE" + suffix, as a comment. */
static void
nft_inst_comment(struct buf *out, const struct inst_plan *ip,
    const char *what)
{
	struct buf c = { 0 };

	buf_put_safe(&c, ip->svc->name.s, 63);
	buf_putc(&c, '/');
	buf_put_safe(&c, ip->inst->id.s, 63);
	if (what != NULL) {
		buf_putc(&c, ' ');
		buf_puts(&c, what);
	}
	nft_comment(out, c.p);
	buf_free(&c);
}

/* gpsd-enabled instances attached to a client network of the device */
static bool
nft_gpsd_exposes(const struct inst_plan *ip)
{
	return ip->svc->gpsd.v && ip->wan_net != NULL;
}

void
emit_gpsd_exposure(const struct emit_dev *ed, bool *acc)
{
	const struct device *dev = ed->dev;
	size_t i, j;

	for (j = 0; j < dev->n_nets; j++)
		acc[j] = false;
	for (i = 0; i < ed->n; i++) {
		if (!nft_gpsd_exposes(ed->ip[i]))
			continue;
		for (j = 0; j < dev->n_nets; j++)
			if (ed->ip[i]->wan_net == &dev->nets[j])
				acc[j] = true;
	}
}

/*
 * "gpsd PORT: svc/inst svc/inst ...", cut to the comment limit with
 * " +N" naming how many were left out.
 */
static void
nft_gpsd_comment(const struct emit_dev *ed, unsigned port, struct buf *c)
{
	size_t i, left = 0, remaining = 0, need, reserve;

	for (i = 0; i < ed->n; i++)
		if (nft_gpsd_exposes(ed->ip[i]))
			remaining++;
	buf_printf(c, "gpsd %u:", port);
	for (i = 0; i < ed->n; i++) {
		const struct inst_plan *ip = ed->ip[i];

		if (!nft_gpsd_exposes(ip))
			continue;
		need = 2 + strlen(ip->svc->name.s) + strlen(ip->inst->id.s);
		/* room for " +NNNNNN" unless this is the last one */
		reserve = remaining > 1 ? 8 : 0;
		remaining--;
		if (left > 0 || c->len + need + reserve > EMIT_COMMENT_MAX) {
			left++;
			continue;
		}
		buf_putc(c, ' ');
		buf_put_safe(c, ip->svc->name.s, 63);
		buf_putc(c, '/');
		buf_put_safe(c, ip->inst->id.s, 63);
	}
	if (left > 0)
		buf_printf(c, " +%zu", left);
}

void
emit_nft_host(const struct emit_dev *ed, struct buf *out)
{
	const struct device *dev = ed->dev;
	struct buf c = { 0 };
	bool *acc, any = false;
	size_t j, n = 0;
	unsigned port = emit_gpsd_port(dev);

	nft_begin(out);
	acc = xzalloc((dev->n_nets + 1) * sizeof(*acc));
	emit_gpsd_exposure(ed, acc);
	for (j = 0; j < dev->n_nets; j++)
		any = any || acc[j];
	if (any) {
		nft_gpsd_comment(ed, port, &c);
		buf_puts(out, "\tchain input {\n"
		    "\t\ttype filter hook input priority filter; "
		    "policy accept;\n"
		    "\t\tct state established,related accept");
		nft_comment(out, "established, related: replies and their "
		    "related traffic");
		/* exposed networks accepted (the comment names who gains
		 * GPSd), closed ones dropped, each with a counter */
		buf_printf(out, "\t\ttcp dport %u iifname vmap { ", port);
		for (j = 0; j < dev->n_nets; j++) {
			if (dev->nets[j].bridge.s == NULL || !acc[j])
				continue;
			buf_printf(out, "%s\"%s\" : accept", n++ > 0 ? ", " : "",
			    dev->nets[j].bridge.s);
		}
		buf_puts(out, " }");
		nft_comment(out, c.p);
		for (j = 0; j < dev->n_nets; j++) {
			if (dev->nets[j].bridge.s == NULL || acc[j])
				continue;
			buf_printf(out, "\t\ttcp dport %u iifname \"%s\" counter "
			    "drop", port, dev->nets[j].bridge.s);
			buf_reset(&c);
			buf_printf(&c, "gpsd %u: closed to client network ",
			    port);
			buf_put_safe(&c, dev->nets[j].name.s != NULL ?
			    dev->nets[j].name.s : dev->nets[j].bridge.s, 63);
			nft_comment(out, c.p);
		}
		buf_puts(out, "\t}\n");
	}
	buf_puts(out, "}\n");
	buf_free(&c);
	free(acc);
}

/* The LAN block as N/P: the allocated block, else the interface's
 * network. */
static bool
nft_lan_block(const struct inst_plan *ip, struct addr *out)
{
	if (ip->has_block) {
		*out = addr_make(ip->block.family, addr_network(&ip->block),
		    ip->block.plen);
		return true;
	}
	if (ip->has_address) {
		*out = addr_make(ip->address.family,
		    addr_network(&ip->address), ip->address.plen);
		return true;
	}
	return false;
}

bool
emit_nft_netns(const struct inst_plan *ip, struct buf *out)
{
	const struct service *s = ip->svc;
	char blk[ADDR_STRLEN];
	struct addr b;
	size_t k;

	if (!emit_has_wan(s) || !emit_has_lan(s))
		return false;
	nft_begin(out);
	buf_puts(out, "\tchain forward {\n"
	    "\t\ttype filter hook forward priority filter; policy drop;\n"
	    "\t\tct state established,related accept");
	nft_inst_comment(out, ip, "established, related: replies");
	buf_puts(out, "\t\tct state invalid counter drop");
	nft_inst_comment(out, ip, "invalid: dropped");
	buf_puts(out, "\t\toifname \"wan\" iifname vmap { ");
	if (s->n_ifs == 0)
		buf_puts(out, "\"lan\" : accept");
	for (k = 0; k < s->n_ifs; k++)
		buf_printf(out, "%s\"%s\" : accept", k > 0 ? ", " : "",
		    s->ifs[k].label.s);
	buf_puts(out, " }");
	nft_inst_comment(out, ip, "lan->wan");
	buf_puts(out, "\t\tcounter drop");
	nft_inst_comment(out, ip, "not lan->wan: dropped");
	buf_puts(out, "\t}\n");
	if (s->masquerade.v && nft_lan_block(ip, &b)) {
		addr_format(&b, blk, sizeof(blk));
		buf_printf(out, "\tchain postrouting {\n"
		    "\t\ttype nat hook postrouting priority srcnat; "
		    "policy accept;\n"
		    "\t\toifname \"wan\" %s saddr %s masquerade",
		    b.family == ADDR_V6 ? "ip6" : "ip", blk);
		nft_inst_comment(out, ip, "masquerade");
		buf_puts(out, "\t}\n");
	}
	buf_puts(out, "}\n");
	return true;
}
