/*
 * model.h - the one model every front-end fills and every later stage
 * reads (SPEC section 2).  Front-ends (YAML, JSON, GraphQL) produce a
 * generic value tree (vnode.h); front_map.c turns it into these structs.
 *
 * Ownership: the fleet owns everything below it; free with fleet_free().
 * Strings are NUL-terminated and owned; a string that may contain NUL in
 * the input (env values) also has its length.
 */
#ifndef EDGENETC_MODEL_H
#define EDGENETC_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "diag.h"
#include "strmap.h"

enum netmode {
	NETMODE_DISABLED = 0,	/* also the default when unset */
	NETMODE_ALLOCATED,
	NETMODE_DHCP,
};

/* A string field with where it was written. */
struct lstr {
	char		*s;		/* NULL when absent */
	size_t		 len;		/* bytes, may include NUL from input */
	struct loc	 loc;
};

struct laddr {
	struct addr	 a;
	bool		 set;
	bool		 bad;	/* given but invalid (already reported) */
	struct loc	 loc;
};

struct lbool {
	bool		 v;
	bool		 set;
	struct loc	 loc;
};

struct lmode {
	enum netmode	 v;
	bool		 set;
	struct loc	 loc;
};

struct access_if {
	struct lstr	 name;		/* physical port on the device */
	struct lstr	 label;		/* interface name inside the container */
	struct loc	 loc;
};

struct env_var {
	struct lstr	 key;
	struct lstr	 value;
};

struct image_source {
	struct lstr	 arch;		/* amd64 | armhf | arm64 */
	struct lstr	 image_reference;
	struct lstr	 registry_user;
	struct lstr	 registry_pw;
	struct loc	 loc;
};

struct volume {
	struct lstr	 source;
	struct lstr	 target;
	struct loc	 loc;
};

/* The warning codes a service may list under acknowledge. */
#define SERVICE_ACKS	"gpsd-exposure", "gpsd-no-wan"

struct lstr_list {
	struct lstr	*v;
	size_t		 n, cap;
};

struct service {
	struct lstr	 name;
	struct loc	 loc;		/* the service object itself */

	struct lbool	 gpsd;		/* access_gpsd_enabled */
	struct laddr	 subnet;	/* access_provided_subnet */
	struct laddr	 tmpl;		/* dhcp_range_template */
	struct laddr	 range;		/* dhcp_range */

	struct env_var	*env;
	size_t		 n_env, cap_env;

	/* network_config */
	bool		 has_netcfg;
	struct loc	 netcfg_loc;
	struct lmode	 wan;
	struct lmode	 lan;
	struct lbool	 masquerade;
	struct lstr	 wan_network;
	struct access_if *ifs;
	size_t		 n_ifs, cap_ifs;

	/* accepted, shape-checked, otherwise ignored */
	struct lstr	 customer_id;
	struct lstr	 container_image;
	struct image_source *images;
	size_t		 n_images, cap_images;
	bool		 has_memory_limit;
	long long	 memory_limit_mb;
	struct loc	 memory_limit_loc;
	struct volume	*volumes;
	size_t		 n_volumes, cap_volumes;

	/* acknowledge: warning codes this service accepts (not reported) */
	struct lstr_list acks;
};

/* An inclusive range of host addresses, "A-B" or a single "A". */
struct addr_range {
	struct addr	 lo, hi;	/* plen = 32/128 */
	struct loc	 loc;
};

struct client_net {
	struct lstr	 name;
	struct lbool	 is_default;
	struct lstr	 bridge;
	struct laddr	 subnet;	/* device's own address on it, A/P */
	struct addr_range *reserved;
	size_t		 n_reserved, cap_reserved;
	struct loc	 loc;
};

struct instance {
	struct lstr	 id;
	struct lstr	 service;	/* service name as written */
	struct service	*svc;		/* resolved by check, borrowed; NULL if unknown */
	struct loc	 loc;
};

struct device {
	struct lstr	 id;
	struct lstr	 arch;
	struct lstr_list ifaces;	/* physical ports */
	bool		 has_gpsd;
	unsigned	 gpsd_port;	/* default 2947 */
	struct loc	 gpsd_loc;
	struct client_net *nets;
	size_t		 n_nets, cap_nets;
	struct instance	*insts;
	size_t		 n_insts, cap_insts;
	struct loc	 loc;
};

/* An instance with the device it sits on. */
struct inst_ref {
	struct instance	*inst;
	struct device	*dev;
};

/*
 * Hash indexes of a fleet by service name, device id and instance id
 * (strmap.h), for every fleet-wide lookup (checks, allocation, CLI):
 * every present name is entered, valid or not, and the first definition
 * of a name wins.
 */
struct fleet_index {
	struct strmap	 svcs;		/* name -> struct service */
	struct strmap	 devs;		/* id -> struct device */
	struct strmap	 insts;		/* id -> struct inst_ref */
	struct inst_ref	*refs;
	size_t		 n_refs;
};

struct fleet {
	struct service	**svcs;		/* in input order */
	size_t		 n_svcs, cap_svcs;
	struct device	**devs;		/* in input order */
	size_t		 n_devs, cap_devs;
	struct fleet_index *idx;	/* fleet_index(); NULL until used */
};

struct fleet	*fleet_new(void);
void		 fleet_free(struct fleet *f);
struct service	*fleet_service_add(struct fleet *f);	/* zeroed, owned by f */
struct device	*fleet_device_add(struct fleet *f);	/* zeroed, owned by f */
void		 service_free(struct service *s);
void		 device_free(struct device *d);

/*
 * The fleet's index, built on first use once the fleet is loaded and kept
 * until fleet_free(); adding a service or a device drops it.  Borrowed.
 */
const struct fleet_index *fleet_index(struct fleet *f);
/* Lookups through the index (the first definition); NULL when absent. */
struct service	*fleet_service_find(struct fleet *f, const char *name);
struct device	*fleet_device_find(struct fleet *f, const char *id);
const struct inst_ref *fleet_instance_find(struct fleet *f, const char *id);

/* The client network an instance's WAN attaches to, or NULL. */
struct client_net *device_wan_net(const struct device *d,
		    const struct service *s);

const char	*netmode_name(enum netmode m);
/* "disabled" | "allocated" | "dhcp" -> 0, or -1 */
int		 netmode_parse(const char *s, enum netmode *out);

void		 lstr_set(struct lstr *ls, const char *s, size_t len,
		    const struct loc *l);
void		 lstr_clear(struct lstr *ls);

#endif
