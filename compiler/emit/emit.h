/*
 * emit.h - device bundles (edgenet-bundle(5), docs/bundle-format.md).
 *
 * The emitters read only the model (model.h) and the allocation plan
 * (plan.h).  Each one renders into an in-memory buffer; emit_bundle.c
 * collects the buffers of one device, adds allocations.json and
 * manifest.json, and writes the bundle to disk.  Nothing here reads the
 * clock or the environment: the same model and plan give the same bytes.
 */
#ifndef EDGENETC_EMIT_H
#define EDGENETC_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "diag.h"
#include "model.h"
#include "plan.h"

/* The runtime's state directory (edgenet-apply(8)); dnsmasq lease files. */
#define EMIT_STATE_DIR		"/var/lib/edgenet"
/* dnsmasq lease time written into every dhcp-range. */
#define EMIT_LEASE_TIME		"12h"
#define EMIT_GPSD_PORT		2947
/* nftables keeps at most 128 bytes of comment. */
#define EMIT_COMMENT_MAX	127
#define EMIT_IFNAMSIZ		16	/* 15 characters + NUL */

/*
 * One device's instances, sorted by instance id (strcmp).  Pointers are
 * borrowed from the fleet and the plan.
 */
struct emit_dev {
	const struct device	 *dev;
	const struct inst_plan	**ip;
	size_t			  n;
};

/* names.c ---------------------------------------------------------------- */

/* Host-side interface names of one instance (bundle-format.md). */
struct inst_names {
	char	h8[9];			/* first 8 hex digits of SHA-256(id) */
	char	wan[EMIT_IFNAMSIZ];	/* ew<h8> */
	char	lan[EMIT_IFNAMSIZ];	/* el<h8> */
};

void	 names_h8(const char *id, char out[9]);
void	 names_make(struct inst_names *n, const char *id);
/* eb<h8><k> / ea<h8><k>; k < 16. */
void	 names_bridge(const struct inst_names *n, unsigned k,
	    char out[EMIT_IFNAMSIZ]);
void	 names_access(const struct inst_names *n, unsigned k,
	    char out[EMIT_IFNAMSIZ]);
/* True for a shell identifier [A-Za-z_][A-Za-z0-9_]*. */
bool	 names_env_key_ok(const char *s);

/* Which interfaces an instance gets (edgenetc-input(5), "Network policy"). */
bool	 emit_has_wan(const struct service *s);
bool	 emit_has_lan(const struct service *s);
bool	 emit_lan_routed(const struct service *s);	/* LAN, no access ifs */
/* The name of the first LAN interface in the container ("lan", or the
 * first access interface's label); NULL without LAN. */
const char *emit_lan_ifname(const struct service *s);

/*
 * Checks everything the emitters will write for the instances of every
 * device in f before anything is allocated: every name is safe
 * (names_ifname_valid, NAMES_IF_ARTIFACT), host names do not collide with each other or with
 * the device's ports and bridges, container names are unique in their
 * namespace, there are at most 16 access interfaces, env keys are shell
 * identifiers and values hold no NUL.  Returns 0, or -1 with errors in d.
 */
int	 emit_fleet_validate(const struct fleet *f, struct diag_ctx *d);

/* Emitters ---------------------------------------------------------------- */

/* emit_nft.c: host.nft (always), netns.nft (false: no rules, no file). */
void	 emit_nft_host(const struct emit_dev *ed, struct buf *out);
bool	 emit_nft_netns(const struct inst_plan *ip, struct buf *out);
/* The client networks of a device that expose GPSd, for explain: fills
 * acc[i] (per ed->dev->nets[i]) true where the port is accepted. */
void	 emit_gpsd_exposure(const struct emit_dev *ed, bool *acc);

/* emit_dnsmasq.c: false when the instance runs no DHCP server. */
bool	 emit_dnsmasq(const struct inst_plan *ip, struct buf *out);

/* emit_netlink.c */
void	 emit_netlink_device(const struct emit_dev *ed, struct buf *out,
	    struct diag_ctx *d);
void	 emit_netlink_netns(const struct inst_plan *ip, struct buf *out);

/* emit_env.c: lxc.env, sorted by key; GPSd values replace the spec's. */
void	 emit_env(const struct inst_plan *ip, struct buf *out);
/* Appends KEY='value' with the value single-quoted. */
void	 emit_env_line(struct buf *out, const char *key, const char *val,
	    size_t len);
/* The GPSd host address for an instance (device address on its client
 * network, or the default one); false when there is none. */
bool	 emit_gpsd_host(const struct inst_plan *ip, struct addr *out);
unsigned emit_gpsd_port(const struct device *dev);

/* emit_bundle.c ----------------------------------------------------------- */

struct bundle_file {
	char		*path;		/* relative, e.g. "instances/x/lxc.env" */
	struct buf	 data;
	unsigned	 mode;		/* 0644 or 0600 */
};

struct bundle {
	const struct device	*dev;
	struct bundle_file	*v;
	size_t			 n, cap;
};

/* Renders every file of one device, manifest.json included (last). */
void	 emit_bundle_render(const struct emit_dev *ed, const char *inputs_hex,
	    struct bundle *out, struct diag_ctx *d);
void	 emit_bundle_free(struct bundle *b);
void	 emit_allocations_json(const struct emit_dev *ed, struct buf *out);
void	 emit_manifest_json(const struct bundle *b, const char *inputs_hex,
	    struct buf *out);

/* Groups a plan by device: out[i] for f->devs[i]; free with
 * emit_devs_free(). */
struct emit_dev *emit_devs_group(const struct fleet *f,
	    const struct fleet_plan *p);
void	 emit_devs_free(struct emit_dev *eds, size_t n);

#endif
