/*
 * nft_obj.h - what nft.c (netlink side) and nft_parse.c (the .nft subset)
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
/* Drops every chain, set and rule (delete table). */
void	rt_nft_clear(struct rt_nft *);
/* The chain named name, or NULL. */
struct rt_nft_obj *rt_nft_chain_find(const struct rt_nft *, const char *);
/* The set with this id (NFTNL_SET_ID), or NULL. */
const struct rt_nft_obj *rt_nft_set_find(const struct rt_nft *, uint32_t id);

/* A growable text or byte buffer; oom sticks once an allocation failed. */
struct rt_nft_buf {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

int	rt_nft_buf_reserve(struct rt_nft_buf *, size_t more);
/* Appends, always NUL-terminated when !oom. */
void	rt_nft_buf_printf(struct rt_nft_buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

struct nftnl_expr;

/* The expressions of a rule in an array (the kernel allows 128). */
struct rt_nft_exprs {
	struct nftnl_expr	*e[256];
	size_t			 n, i;
};

/* Fills x with the expressions of rule; -1 when there are too many. */
int	rt_nft_exprs_get(struct rt_nft_exprs *x, const void *rule);

/*
 * One rule in nft's own syntax when it is in the subset (as rt_nft_load
 * reads it back), else libnftnl's expression dump.  t resolves anonymous
 * set references.  Returns the length it wanted, like snprintf.
 */
int	rt_nft_rule_format(const struct rt_nft *t, const void *rule,
	    char *buf, size_t len);

#endif
