/*
 * nft_diff.h - the live table against the one a bundle wants
 * (nft_diff.c); rt_nft_diff and rt_nft_diff_each of nft.h are its
 * public face.  Not part of the runtime's API.
 */
#ifndef EDGENET_RT_NFT_DIFF_H
#define EDGENET_RT_NFT_DIFF_H

#include <stddef.h>

#include "nft_obj.h"
#include "nft_sock.h"

/* Where the differences go: fn (NULL: only counted in n). */
struct rt_nft_drift {
	rt_nft_delta_fn	*fn;
	void		*arg;
	int		 flags;		/* RT_NFT_DIFF_* */
	int		 n;		/* differences seen */
	int		 failed;	/* fn or an allocation failed */
};

/* 0 same, 1 drift (reported to d), -1 error (message in err). */
int	rt_nft_diff_live(struct rt_nft_sock *, const struct rt_nft *want,
	    struct rt_nft_drift *d, char *err, size_t errlen);

#endif
