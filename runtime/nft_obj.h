/*
 * nft_obj.h - the bottom layer of the nftables code: a table as libnftnl
 * objects, what the parser (nft_parse.c), the printers (nft_print.c) and
 * the netlink side (nft_sock.c, nft_dump.c, nft_diff.c, nft_batch.c)
 * share.  Not part of the runtime's API: see nft.h.
 *
 * A struct rt_nft holds libnftnl objects ready to be put in a batch:
 * chains first (the kernel must know every chain before a rule jumps to
 * it), then sets (with their elements) and rules in the order nft sends
 * them.  Anonymous sets are named "__map%d" and referenced by set id, as
 * nft does, so the kernel picks the real name.
 */
#ifndef EDGENET_RT_NFT_OBJ_H
#define EDGENET_RT_NFT_OBJ_H

#include <stddef.h>
#include <stdint.h>

#include "nft.h"

#define RT_NFT_TABLE	"edgenet"
#define RT_NFT_FAMILY	1		/* NFPROTO_INET */
#define NFT_TYPE_IFNAME	41		/* nft's datatype id for ifname */
#define NFT_COMMENT_MAX	128		/* nft refuses longer comments */

enum rt_nft_kind {
	RT_NFT_CHAIN,
	RT_NFT_SET,
	RT_NFT_RULE,
};

/* A chain a rule jumps to, and where the file names it. */
struct rt_nft_ref {
	char		*name;
	unsigned	 line, col;
};

struct rt_nft_obj {
	enum rt_nft_kind	 kind;
	void			*o;	/* nftnl_chain, nftnl_set, nftnl_rule */
	int			 chain;	/* a rule's index in chains[] */
	unsigned		 line, col;	/* 0 for a snapshot */
	struct rt_nft_ref	*refs;	/* jump targets of a rule */
	size_t			 n_refs;
	unsigned		 masq_col;	/* column of masquerade, or 0 */
};

struct rt_nft {
	int			 present;	/* the table exists */
	uint32_t		 table_flags;
	void			*udata;		/* table userdata, or NULL */
	uint32_t		 udata_len;
	struct rt_nft_obj	*chains;
	size_t			 n_chains, cap_chains;
	struct rt_nft_obj	*items;		/* sets and rules, in order */
	size_t			 n_items, cap_items;
	uint32_t		 next_set_id;
};

struct rt_nft	*rt_nft_new(void);
/* Appends an object (taken over, also on failure); returns the slot or
 * NULL on OOM. */
struct rt_nft_obj *rt_nft_push(struct rt_nft *, enum rt_nft_kind, void *o);
/* Frees what o holds (not o itself). */
void	rt_nft_obj_free(struct rt_nft_obj *o);
/* Drops every chain, set and rule (delete table). */
void	rt_nft_clear(struct rt_nft *);
/* The chain named name, or NULL. */
struct rt_nft_obj *rt_nft_chain_find(const struct rt_nft *, const char *);
/* The set with this id (NFTNL_SET_ID), or NULL. */
const struct rt_nft_obj *rt_nft_set_find(const struct rt_nft *, uint32_t id);
/* The set named name, or NULL. */
const struct rt_nft_obj *rt_nft_set_find_name(const struct rt_nft *,
	    const char *name);

/* The ct states of the subset, with their bits in ct state. */
struct rt_nft_ct_state {
	const char	*name;
	uint32_t	 bit;
};
#define RT_NFT_CT_STATES	4
extern const struct rt_nft_ct_state rt_nft_ct_states[RT_NFT_CT_STATES];

struct nftnl_expr;

/* The expressions of a rule in an array (the kernel allows 128). */
struct rt_nft_exprs {
	struct nftnl_expr	*e[256];
	size_t			 n, i;
};

/* Fills x with the expressions of rule; -1 when there are too many. */
int	rt_nft_exprs_get(struct rt_nft_exprs *x, const void *rule);

#endif
