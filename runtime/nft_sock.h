/*
 * nft_sock.h - netfilter netlink sockets, one per network namespace,
 * kept open for the whole run (nft_sock.c).  Used by the dump and the
 * batch; not part of the runtime's API (see nft.h).
 */
#ifndef EDGENET_RT_NFT_SOCK_H
#define EDGENET_RT_NFT_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>

/* The largest nf_tables message (a set element list) plus a page. */
#define NL_MSG_MAX	(65535 + 4096)

struct rt_nft_sock {
	struct rt_nft_sock	*next;
	dev_t			 dev;	/* the namespace */
	ino_t			 ino;
	struct mnl_socket	*sock;
	uint32_t		 portid;
	uint32_t		 seq;
	char			*rbuf;	/* NL_MSG_MAX bytes, shared by all */
};

/* The socket of the namespace of netns_fd (-1: the calling thread's),
 * borrowed; NULL with err. */
struct rt_nft_sock *rt_nft_sock_get(int netns_fd, char *err, size_t errlen);
/* Forgets a socket that saw an error: it may hold stale answers. */
void	rt_nft_sock_drop(struct rt_nft_sock *);
/* Sends one request and runs cb on every answer until done or error:
 * mnl_cb_run's answer, or -1 with errno. */
int	rt_nft_sock_talk(struct rt_nft_sock *, struct nlmsghdr *req,
	    mnl_cb_t cb, void *data);

#endif
