/*
 * nft_print.h - a table's objects as text (nft_print.c): rules in nft's
 * own syntax, and the canonical text that decides equality with the live
 * table.  Not part of the runtime's API (see nft.h).
 */
#ifndef EDGENET_RT_NFT_PRINT_H
#define EDGENET_RT_NFT_PRINT_H

#include <stddef.h>

#include "buf.h"
#include "nft_obj.h"

/*
 * One rule in nft's own syntax when it is in the subset (as rt_nft_load
 * reads it back), else libnftnl's expression dump.  t resolves anonymous
 * set references.  Returns the length it wanted, like snprintf.
 */
int	rt_nft_rule_format(const struct rt_nft *t, const void *rule,
	    char *buf, size_t len);

/*
 * Canonical text: chain attributes, rule expressions by their attributes
 * (or as libnftnl prints them) with anonymous sets written out in full,
 * userdata in hex.  Handles, counters and the kernel's names for
 * anonymous sets play no part.  rule and chain: a new string, NULL on
 * OOM; set: appended to b (b->oom on OOM).
 */
struct nftnl_chain;
struct nftnl_rule;
struct nftnl_set;

char	*rt_nft_canon_rule(const struct rt_nft *t, const struct nftnl_rule *r);
char	*rt_nft_canon_chain(const struct nftnl_chain *c);
void	rt_nft_canon_set(struct rt_buf *b, const struct nftnl_set *s);

#endif
