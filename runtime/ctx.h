/*
 * ctx.h - the state of one edgenet-apply run: namespaces (with one
 * rtnetlink socket each), counters, fault injection, paths.
 */
#ifndef EDGENET_RT_CTX_H
#define EDGENET_RT_CTX_H

#include <stdint.h>

#include "rt.h"
#include "rtnl.h"

struct rt_ns {
	char		id[RT_IDLEN];	/* RT_DEVNS or an instance id */
	int		fd;		/* -1: the namespace does not exist */
	uint64_t	ino;		/* nsfs inode number (reusable) */
	uint64_t	cookie;		/* SO_NETNS_COOKIE; 0: kernel has none */
	int		nl_open;
	struct rt_nl	nl;
};

struct rt_ctx {
	const char	*state;		/* --state-dir */
	const char	*netns_dir;	/* --netns-dir */
	int		 homefd;	/* our own network namespace */
	int		 jfd;		/* STATE/journal for appends, or -1 */
	struct rt_ns	**ns;		/* stable pointers */
	size_t		 nns, cap_ns;
	struct rt_ns	*last;		/* the last one looked up */
	struct rt_stats	 stats;
	int		 dryrun;
	int		 quiet;
	struct rt_report *report;	/* --check, --dry-run output */
	long		 step;		/* steps started in this run */
	long		 fail_step;	/* EDGENET_FAIL_STEP */
	long		 kill_step;	/* EDGENET_KILL_STEP */
	char		 self[1024];	/* our executable, for the DHCP hook */
	char		 err[RT_ERRLEN];
};

int		 rt_ctx_init(struct rt_ctx *, const char *state,
		    const char *netns_dir);
void		 rt_ctx_fini(struct rt_ctx *);
/* The namespace id (opened on first use; fd -1 if missing); NULL on OOM
 * or when we could not return to our own namespace. */
struct rt_ns	*rt_ctx_ns(struct rt_ctx *, const char *id);
/* Its rtnetlink socket; NULL + ctx->err if the namespace is missing. */
struct rt_nl	*rt_ctx_nl(struct rt_ctx *, const char *id);
/* Is ns the namespace recorded as (ino, cookie)?  An inode number can be
 * reused by a namespace created after the recorded one died; the cookie
 * cannot (while the machine is up).  cookie 0: compare inodes only. */
int		 rt_ctx_ns_is(const struct rt_ns *, uint64_t ino,
		    uint64_t cookie);
/* Reads or writes /proc/sys/<key> inside namespace ns.  0 or -1 + err. */
int		 rt_ctx_sysctl(struct rt_ctx *, struct rt_ns *ns,
		    const char *key, const char *set, char *get, size_t getlen);
/* Prints a progress/diagnostic line to stderr unless quiet. */
void		 rt_ctx_log(struct rt_ctx *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* proc.c: dnsmasq and the DHCP client, one of each per instance. */
enum rt_proc { RT_PROC_DNSMASQ, RT_PROC_DHCPC };

/* STATE/instances/<id>/<name>.  -1 if too long. */
int	rt_ipath(const struct rt_ctx *, const char *id, const char *name,
	    char *buf, size_t len);
/* pid of our running process of that kind, or 0. */
int	rt_proc_running(struct rt_ctx *, const char *id, enum rt_proc);
/*
 * Starts it inside the instance's namespace.  dnsmasq: with our config,
 * pid and lease files, waiting for its startup verdict.  DHCP client:
 * busybox udhcpc on dev, its hook being this program.  0 or -1 + err.
 */
int	rt_proc_start(struct rt_ctx *, const char *id, enum rt_proc,
	    const char *dev);
/* Stops ours (never another process): TERM, then KILL after 2 s.  0/-1. */
int	rt_proc_stop(struct rt_ctx *, const char *id, enum rt_proc);
/* `dnsmasq --test --conf-file=PATH`.  0 or -1 + err with its output. */
int	rt_dnsmasq_test(struct rt_ctx *, const char *path);
/* Checks the directives against the bundle format's list and writes the
 * file dnsmasq will read (dhcp-leasefile removed: ours wins).  0/-1. */
int	rt_dnsmasq_install(struct rt_ctx *, const char *id, const char *text,
	    size_t len, const char *path);
/* The config as installed: new buffer, caller frees.  0 or -1 (OOM). */
int	rt_dnsmasq_render(const char *text, size_t len, char **out,
	    size_t *outlen);
int	rt_dnsmasq_lint(const char *text, size_t len, char *err,
	    size_t errlen);

#endif
