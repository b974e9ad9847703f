/*
 * rtplan.h - objects of a bundle and the steps between two bundles
 * (internal to apply.c, journal.c and check.c).
 */
#ifndef EDGENET_RT_RTPLAN_H
#define EDGENET_RT_RTPLAN_H

#include "batch.h"
#include "bundle.h"
#include "ctx.h"

struct rt_nft;

enum rt_obj_type { RT_OBJ_NL, RT_OBJ_NFT, RT_OBJ_DNSMASQ, RT_OBJ_ENV };
enum rt_obj_state { RT_KEEP, RT_ADD, RT_DEL, RT_CHANGE, RT_ENSURE };

struct rt_obj {
	enum rt_obj_type	 type;
	enum rt_obj_state	 state;
	const char		*ns;	/* RT_DEVNS or an instance id */
	struct rt_op		 op;	/* RT_OBJ_NL */
	const struct rt_bfile	*file;	/* content objects */
	unsigned		 pos;	/* order in the bundle */
	unsigned		 absent:1;	/* old: not live any more */
	unsigned		 implied:1;	/* old: goes with its link */
	unsigned		 fresh:1;	/* new: its link is created now */
	unsigned		 stale:1;	/* old veth: peer ns replaced */
	struct rt_obj		*match;	/* same key in the other set */
	const char		*key;	/* "<ns>\t<what>", in the set's keys */
};

struct rt_keychunk;

struct rt_objset {
	const struct rt_bundle	*b;
	struct rt_obj		*v;
	size_t			 n;
	struct rt_obj		**sorted;	/* by key */
	struct rt_keychunk	*keys;		/* NULL in a copy: borrowed */
};

/* Objects of bundle b (every batch line parsed and checked).  0 or -1. */
int	rt_objset_build(struct rt_objset *, const struct rt_bundle *b,
	    char *err, size_t errlen);
/* A copy of src (same bundle), without parsing it again; its keys are
 * src's, so src must outlive it.  0 or -1. */
int	rt_objset_copy(struct rt_objset *dst, const struct rt_objset *src);
void	rt_objset_free(struct rt_objset *);
struct rt_obj *rt_objset_find(const struct rt_objset *, const char *key);
/* Whether a link (ns, name) is created by some link object of s. */
int	rt_objset_makes_link(const struct rt_objset *, const char *ns,
	    const char *name);

#endif
