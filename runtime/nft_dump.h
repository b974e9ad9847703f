/*
 * nft_dump.h - reading the live table inet edgenet (nft_dump.c).  Not
 * part of the runtime's API: rt_nft_snapshot in nft.h is its public face.
 */
#ifndef EDGENET_RT_NFT_DUMP_H
#define EDGENET_RT_NFT_DUMP_H

#include <stddef.h>

#include "nft_obj.h"
#include "nft_sock.h"

/*
 * The live table as a new rt_nft (present == 0 when there is none), read
 * between two equal generation ids so that it is one consistent state.
 * 0, or -1 with err.
 */
int	rt_nft_live_read(struct rt_nft_sock *, struct rt_nft **out, char *err,
	    size_t errlen);

#endif
