/*
 * nft_sock.c - netfilter netlink sockets, one per namespace, kept
 * (nft_sock.h).
 *
 * Sockets are kept open until rt_nft_close(): closing a netfilter socket
 * waits for the kernel to free what earlier commits deleted (an RCU grace
 * period, ~10 ms), once per close.  Kept open, the whole run pays it once.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nft.h"
#include "nft_sock.h"
#include "rt.h"

static struct rt_nft_sock	*nl_cache;
static char			*nl_rbuf;

static void
nl_free(struct rt_nft_sock *nl)
{
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	free(nl);
}

void
rt_nft_sock_drop(struct rt_nft_sock *nl)
{
	struct rt_nft_sock **pp;

	for (pp = &nl_cache; *pp != NULL; pp = &(*pp)->next)
		if (*pp == nl) {
			*pp = nl->next;
			break;
		}
	nl_free(nl);
}

void
rt_nft_close(void)
{
	struct rt_nft_sock *nl;

	while ((nl = nl_cache) != NULL) {
		nl_cache = nl->next;
		nl_free(nl);
	}
	free(nl_rbuf);
	nl_rbuf = NULL;
}

/* A new netfilter socket, created in the namespace netns_fd (a socket
 * keeps the namespace it was created in). */
static int
nl_open(struct rt_nft_sock *nl, int netns_fd, char *err, size_t errlen)
{
	int self = -1, e;

	if (netns_fd >= 0) {
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self == -1)
			self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self == -1)
			return rt_errf(err, errlen, "nftables: own network "
			    "namespace: %s", strerror(errno));
		if (setns(netns_fd, CLONE_NEWNET) == -1) {
			e = errno;
			close(self);
			return rt_errf(err, errlen, "nftables: enter network "
			    "namespace: %s", strerror(e));
		}
	}
	nl->sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	e = errno;
	if (self >= 0) {
		if (setns(self, CLONE_NEWNET) == -1) {
			/* still in the other namespace: say so loudly */
			e = errno;
			close(self);
			return rt_errf(err, errlen, "nftables: cannot return "
			    "to the original network namespace: %s",
			    strerror(e));
		}
		close(self);
	}
	if (nl->sock == NULL)
		return rt_errf(err, errlen, "nftables: netlink socket: %s",
		    strerror(e));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) == -1)
		return rt_errf(err, errlen, "nftables: netlink socket: %s",
		    strerror(errno));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

/* The socket of the namespace of netns_fd (-1: the calling thread's). */
struct rt_nft_sock *
rt_nft_sock_get(int netns_fd, char *err, size_t errlen)
{
	struct stat st;
	struct rt_nft_sock *nl;
	int r;

	if (netns_fd >= 0)
		r = fstat(netns_fd, &st);
	else if ((r = stat("/proc/thread-self/ns/net", &st)) == -1)
		r = stat("/proc/self/ns/net", &st);
	if (r == -1) {
		rt_errf(err, errlen, "nftables: %s network namespace: %s",
		    netns_fd >= 0 ? "enter" : "own", strerror(errno));
		return NULL;
	}
	for (nl = nl_cache; nl != NULL; nl = nl->next)
		if (nl->dev == st.st_dev && nl->ino == st.st_ino)
			return nl;
	if (nl_rbuf == NULL && (nl_rbuf = malloc(NL_MSG_MAX)) == NULL) {
		rt_errf(err, errlen, "out of memory");
		return NULL;
	}
	if ((nl = calloc(1, sizeof(*nl))) == NULL) {
		rt_errf(err, errlen, "out of memory");
		return NULL;
	}
	if (nl_open(nl, netns_fd, err, errlen) == -1) {
		nl_free(nl);
		return NULL;
	}
	nl->dev = st.st_dev;
	nl->ino = st.st_ino;
	nl->rbuf = nl_rbuf;
	nl->next = nl_cache;
	nl_cache = nl;
	return nl;
}

int
rt_nft_sock_talk(struct rt_nft_sock *nl, struct nlmsghdr *req, mnl_cb_t cb,
    void *data)
{
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, NL_MSG_MAX);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		r = mnl_cb_run(nl->rbuf, (size_t)n, req->nlmsg_seq, nl->portid,
		    cb, data);
		if (r <= MNL_CB_STOP)
			return r;
	}
}

