/*
 * nft_batch.c - a table applied in one netlink batch (rt_nft_apply,
 * rt_nft_delete of nft.h).
 *
 * The batch is what nft sends for a bundle file: NEWTABLE (creates the
 * table when missing), DELTABLE, NEWTABLE, every chain, then anonymous
 * sets with their elements and rules in order, then END.  The kernel
 * commits it whole or not at all; without END (dry run) it checks every
 * message and drops the transaction.  No message asks for an ACK, as with
 * nft: the kernel handles the batch inside sendmsg(), so what it has to
 * say (errors only) is queued on the socket when sendmsg() returns.
 * Nothing is sent when the live table already equals the wanted one
 * (nft_diff.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "buf.h"
#include "nft_diff.h"
#include "rt.h"

static unsigned	nft_msgs_sent;

unsigned
rt_nft_msgs_sent(void)
{
	return nft_msgs_sent;
}

struct batch {
	struct rt_buf		 b;
	uint32_t		 seq0;	/* seq of the first message */
	const struct rt_nft_obj	**obj;	/* by seq - seq0 */
	const struct rt_nft_obj	*items_end;
	size_t			 n, cap;
	unsigned		 changes;
};

/* Starts a message for object o (NULL: table); NULL on OOM. */
static struct nlmsghdr *
batch_msg(struct batch *bt, struct rt_nft_sock *nl, uint16_t type, uint16_t flags,
    const struct rt_nft_obj *o)
{
	if (rt_buf_reserve(&bt->b, 2 * NL_MSG_MAX) == -1 ||
	    rt_vec_grow(&bt->obj, &bt->cap, bt->n, 1, sizeof(*bt->obj)) == -1)
		return NULL;
	bt->obj[bt->n++] = o;
	if (type != NFNL_MSG_BATCH_BEGIN && type != NFNL_MSG_BATCH_END)
		bt->changes++;
	switch (type) {
	case NFNL_MSG_BATCH_BEGIN:
		bt->seq0 = nl->seq + 1;
		return nftnl_batch_begin(bt->b.p + bt->b.len, ++nl->seq);
	case NFNL_MSG_BATCH_END:
		return nftnl_batch_end(bt->b.p + bt->b.len, ++nl->seq);
	}
	return nftnl_nlmsg_build_hdr(bt->b.p + bt->b.len, type, RT_NFT_FAMILY,
	    flags, ++nl->seq);
}

static void
batch_done(struct batch *bt, struct nlmsghdr *nlh)
{
	bt->b.len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static int
batch_table(struct batch *bt, struct rt_nft_sock *nl, uint16_t type, int flags)
{
	struct nlmsghdr *nlh;

	if ((nlh = batch_msg(bt, nl, type, 0, NULL)) == NULL)
		return -1;
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, RT_NFT_TABLE);
	if (flags >= 0)
		mnl_attr_put_u32(nlh, NFTA_TABLE_FLAGS, htonl((uint32_t)flags));
	batch_done(bt, nlh);
	return 0;
}

/* NEWSETELEM messages, split where a list would outgrow its 16-bit
 * attribute length, as nft does. */
static int
batch_elems(struct batch *bt, struct rt_nft_sock *nl, const struct rt_nft_obj *o)
{
	struct nftnl_set *s = o->o;
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;
	struct nlmsghdr *nlh = NULL;
	struct nlattr *list = NULL, *one;
	int i = 0, in_msg = 0;

	if ((it = nftnl_set_elems_iter_create(s)) == NULL)
		return -1;
	/* libnftnl's iter_next returns the current element, then moves */
	e = nftnl_set_elems_iter_next(it);
	while (e != NULL) {
		if (nlh == NULL) {
			nlh = batch_msg(bt, nl, NFT_MSG_NEWSETELEM,
			    NLM_F_CREATE, o);
			if (nlh == NULL) {
				nftnl_set_elems_iter_destroy(it);
				return -1;
			}
			mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE,
			    RT_NFT_TABLE);
			mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET,
			    nftnl_set_get_str(s, NFTNL_SET_NAME));
			if (nftnl_set_is_set(s, NFTNL_SET_ID))
				mnl_attr_put_u32(nlh,
				    NFTA_SET_ELEM_LIST_SET_ID,
				    htonl(nftnl_set_get_u32(s, NFTNL_SET_ID)));
			list = mnl_attr_nest_start(nlh,
			    NFTA_SET_ELEM_LIST_ELEMENTS);
			in_msg = 0;
		}
		one = nftnl_set_elem_nlmsg_build(nlh, e, ++i);
		if ((char *)one + one->nla_len - (char *)list > UINT16_MAX) {
			if (in_msg == 0) {
				/* one element alone is too large */
				nftnl_set_elems_iter_destroy(it);
				return -1;
			}
			nlh->nlmsg_len -= one->nla_len;
			mnl_attr_nest_end(nlh, list);
			batch_done(bt, nlh);
			nlh = NULL;
			continue;	/* this element again, in a new one */
		}
		in_msg++;
		e = nftnl_set_elems_iter_next(it);
	}
	nftnl_set_elems_iter_destroy(it);
	if (nlh != NULL) {
		mnl_attr_nest_end(nlh, list);
		batch_done(bt, nlh);
	}
	return 0;
}

static int
batch_obj(struct batch *bt, struct rt_nft_sock *nl, const struct rt_nft_obj *o)
{
	struct nlmsghdr *nlh;

	switch (o->kind) {
	case RT_NFT_CHAIN:
		if ((nlh = batch_msg(bt, nl, NFT_MSG_NEWCHAIN, NLM_F_CREATE,
		    o)) == NULL)
			return -1;
		nftnl_chain_nlmsg_build_payload(nlh, o->o);
		break;
	case RT_NFT_SET:
		if ((nlh = batch_msg(bt, nl, NFT_MSG_NEWSET, NLM_F_CREATE,
		    o)) == NULL)
			return -1;
		nftnl_set_nlmsg_build_payload(nlh, o->o);
		batch_done(bt, nlh);
		return batch_elems(bt, nl, o);
	case RT_NFT_RULE:
		if ((nlh = batch_msg(bt, nl, NFT_MSG_NEWRULE,
		    NLM_F_CREATE | NLM_F_APPEND, o)) == NULL)
			return -1;
		nftnl_rule_nlmsg_build_payload(nlh, o->o);
		break;
	default:
		return -1;
	}
	batch_done(bt, nlh);
	return 0;
}

/* The whole batch for t (NULL or !present: just delete the table). */
static int
batch_build(struct batch *bt, struct rt_nft_sock *nl, const struct rt_nft *t,
    int dryrun)
{
	size_t i;

	struct nlmsghdr *nlh;

	if ((nlh = batch_msg(bt, nl, NFNL_MSG_BATCH_BEGIN, 0, NULL)) == NULL)
		return -1;
	batch_done(bt, nlh);
	/* NEWTABLE first, so that DELTABLE never fails on a missing one */
	if (batch_table(bt, nl, NFT_MSG_NEWTABLE, 0) == -1 ||
	    batch_table(bt, nl, NFT_MSG_DELTABLE, -1) == -1)
		return -1;
	if (t != NULL && t->present) {
		if (t->items != NULL)
			bt->items_end = t->items + t->n_items;
		if (batch_table(bt, nl, NFT_MSG_NEWTABLE,
		    (int)t->table_flags) == -1)
			return -1;
		for (i = 0; i < t->n_chains; i++)
			if (batch_obj(bt, nl, &t->chains[i]) == -1)
				return -1;
		for (i = 0; i < t->n_items; i++)
			if (batch_obj(bt, nl, &t->items[i]) == -1)
				return -1;
	}
	if (!dryrun) {
		if ((nlh = batch_msg(bt, nl, NFNL_MSG_BATCH_END, 0,
		    NULL)) == NULL)
			return -1;
		batch_done(bt, nlh);
	}
	return 0;
}

/* What the kernel refused, as "LINE:COL: rule in chain X: reason". */
static int
batch_error(const struct batch *bt, uint32_t seq, int e, char *err,
    size_t errlen)
{
	const struct rt_nft_obj *o = NULL, *r;
	const char *what = "rule", *where = "";
	char pos[32] = "";

	if (seq >= bt->seq0 && seq - bt->seq0 < bt->n)
		o = bt->obj[seq - bt->seq0];
	if (o == NULL)
		return rt_errf(err, errlen, "nftables: table inet %s: %s",
		    RT_NFT_TABLE, strerror(e));
	if (o->line != 0)
		snprintf(pos, sizeof(pos), "%u:%u: ", o->line, o->col);
	if (o->kind == RT_NFT_CHAIN)
		return rt_errf(err, errlen, "%schain '%s': %s", pos,
		    nftnl_chain_get_str(o->o, NFTNL_CHAIN_NAME), strerror(e));
	/* a set belongs to the rule after it */
	for (r = o; r->kind == RT_NFT_SET && r + 1 < bt->items_end; r++)
		;
	if (o->kind == RT_NFT_SET)
		what = nftnl_set_get_u32(o->o, NFTNL_SET_FLAGS) &
		    NFT_SET_ANONYMOUS ? "map of the rule" : "set";
	if (r->kind == RT_NFT_RULE)
		where = nftnl_rule_get_str(r->o, NFTNL_RULE_CHAIN);
	return rt_errf(err, errlen, "%s%s in chain '%s': %s", pos, what,
	    where, strerror(e));
}

/*
 * Sends the batch, then reads what the kernel queued while handling it:
 * only errors, as no message asks for an ACK.  The first error wins.
 */
static int
batch_send(struct batch *bt, struct rt_nft_sock *nl, char *err, size_t errlen)
{
	int fd = mnl_socket_get_fd(nl->sock), sz, first = 0;
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *me;
	uint32_t fseq = 0;
	ssize_t n;

	/* the kernel wants the whole batch in one message */
	sz = (int)bt->b.len + 65536;
	if (bt->b.len > 100000 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (mnl_socket_sendto(nl->sock, bt->b.p, bt->b.len) < 0)
		return rt_errf(err, errlen, "nftables: sending the batch: %s",
		    strerror(errno));
	for (;;) {
		n = recv(fd, nl->rbuf, NL_MSG_MAX, MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == -1) {
			/* ENOBUFS: more errors than the socket could keep */
			if (first == 0)
				first = errno;
			break;
		}
		if (n == 0)
			break;
		nlh = (const struct nlmsghdr *)nl->rbuf;
		for (; mnl_nlmsg_ok(nlh, (int)n);
		    nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			me = mnl_nlmsg_get_payload(nlh);
			if (me->error != 0 && first == 0) {
				first = -me->error;
				fseq = nlh->nlmsg_seq;
			}
		}
	}
	if (first != 0)
		return batch_error(bt, fseq, first, err, errlen);
	return 0;
}

static int
nft_apply(struct rt_nft_sock *nl, const struct rt_nft *t, int flags, char *err,
    size_t errlen)
{
	struct batch bt = { .b = { 0 } };
	struct rt_nft_drift d = { .fn = NULL };
	int dry = flags & RT_NFT_DRYRUN, r;

	if (!(flags & (RT_NFT_FORCE | RT_NFT_DRYRUN)) &&
	    (r = rt_nft_diff_live(nl, t, &d, err, errlen)) <= 0)
		return r;
	if (batch_build(&bt, nl, t, dry) == -1)
		r = rt_errf(err, errlen, "out of memory");
	else {
		r = batch_send(&bt, nl, err, errlen);
		if (!dry)
			nft_msgs_sent += bt.changes;
	}
	rt_buf_free(&bt.b);
	free(bt.obj);
	return r;
}

int
rt_nft_apply(const struct rt_nft *t, int netns_fd, int flags, char *err,
    size_t errlen)
{
	struct rt_nft_sock *nl;
	int r;

	if ((nl = rt_nft_sock_get(netns_fd, err, errlen)) == NULL)
		return -1;
	/* an error the kernel gave leaves the socket clean; others may not */
	if ((r = nft_apply(nl, t, flags, err, errlen)) == -1)
		rt_nft_sock_drop(nl);
	return r;
}

int
rt_nft_delete(int netns_fd, char *err, size_t errlen)
{
	return rt_nft_apply(NULL, netns_fd, 0, err, errlen);
}

