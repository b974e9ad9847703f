/*
 * rtnl.c - rtnetlink requests and dumps with libmnl.
 *
 * Requests mirror what iproute2 sends for the same `ip` command (protocol
 * boot for routes, IFA_LOCAL and IFA_ADDRESS for IPv4 addresses, ...), so
 * the kernel state is the same as after `ip -batch`.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "buf.h"
#include "rtnl.h"

/* Dumps the kernel marks interrupted are read again, this many times. */
#define NL_DUMP_TRIES	8
#define NLBUF	(MNL_SOCKET_BUFFER_SIZE < 16384 ? 16384 : MNL_SOCKET_BUFFER_SIZE)

int
rt_nl_open(struct rt_nl *nl, int nsfd, int homefd, struct rt_stats *stats,
    char *err, size_t errlen)
{
	int e;

	memset(nl, 0, sizeof(*nl));
	nl->stats = stats;
	if (nsfd != homefd && setns(nsfd, CLONE_NEWNET) == -1)
		return rt_errf(err, errlen, "setns: %s", strerror(errno));
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	e = errno;
	if (nl->sock != NULL && mnl_socket_bind(nl->sock, 0,
	    MNL_SOCKET_AUTOPID) == -1) {
		e = errno;
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
	}
	if (nsfd != homefd && setns(homefd, CLONE_NEWNET) == -1)
		return rt_errf(err, errlen, "setns back: %s", strerror(errno));
	if (nl->sock == NULL)
		return rt_errf(err, errlen, "netlink socket: %s", strerror(e));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return 0;
}

void
rt_nl_close(struct rt_nl *nl)
{
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	free(nl->links);
	memset(nl, 0, sizeof(*nl));
}

/* Sends nlh and runs cb over the replies until the ACK or end of dump. */
/*
 * The kernel marked a dump interrupted (NLM_F_DUMP_INTR: the table
 * changed while it was read, e.g. addresses still settling after new
 * links).  Reads the rest of it, so that the socket holds nothing of it
 * for the next request, and fails with EINTR: the caller dumps again.
 */
static int
nl_drain(struct rt_nl *nl, char *buf, unsigned seq)
{
	const struct nlmsghdr *h;
	ssize_t n;
	int len;

	for (;;) {
		if ((n = mnl_socket_recvfrom(nl->sock, buf, NLBUF)) < 0)
			return -1;
		len = (int)n;
		for (h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len);
		    h = mnl_nlmsg_next(h, &len))
			if (h->nlmsg_seq == seq && (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR)) {
				errno = EINTR;
				return -1;
			}
	}
}

static int
nl_talk(struct rt_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
    char *buf)
{
	unsigned seq = ++nl->seq;
	ssize_t n;
	int r;

	nlh->nlmsg_seq = seq;
	nl->stats->msgs++;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, NLBUF);
		if (n < 0)
			return -1;
		r = mnl_cb_run(buf, (size_t)n, seq, nl->portid, cb, data);
		if (r == MNL_CB_ERROR && errno == EINTR &&
		    (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
			return nl_drain(nl, buf, seq);
		if (r <= MNL_CB_STOP)
			return r == MNL_CB_ERROR ? -1 : 0;
	}
}

struct link_dump {
	struct rt_link	*v;
	size_t		 n, cap;
	int		 oom;
};

static int
link_info_cb(const struct nlattr *a, void *data)
{
	struct rt_link *l = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int
link_attr_cb(const struct nlattr *a, void *data)
{
	struct rt_link *l = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(l->name, sizeof(l->name), "%s",
			    mnl_attr_get_str(a));
		break;
	case IFLA_IFALIAS:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(l->alias, sizeof(l->alias), "%s",
			    mnl_attr_get_str(a));
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			l->master = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			l->peer = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINK_NETNSID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			l->peer_netnsid = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) >= 0)
			mnl_attr_parse_nested(a, link_info_cb, l);
		break;
	}
	return MNL_CB_OK;
}

static int
link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_dump *d = data;
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct rt_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return MNL_CB_OK;
	memset(&l, 0, sizeof(l));
	l.index = ifm->ifi_index;
	l.flags = ifm->ifi_flags;
	l.peer_netnsid = -1;
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, &l);
	if (rt_vec_grow(&d->v, &d->cap, d->n, 1, sizeof(*d->v)) == -1) {
		d->oom = 1;
		return MNL_CB_ERROR;
	}
	d->v[d->n++] = l;
	return MNL_CB_OK;
}

int
rt_nl_links(struct rt_nl *nl, char *err, size_t errlen)
{
	struct link_dump d = { NULL, 0, 0, 0 };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	char *buf;
	int r, tries = 0;

	if ((buf = malloc(NLBUF)) == NULL)
		return rt_errf(err, errlen, "out of memory");
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	while ((r = nl_talk(nl, nlh, link_cb, &d, buf)) == -1 &&
	    errno == EINTR && tries++ < NL_DUMP_TRIES) {
		free(d.v);
		memset(&d, 0, sizeof(d));
	}
	free(buf);
	if (r == -1) {
		free(d.v);
		return rt_errf(err, errlen, "link dump: %s",
		    d.oom ? "out of memory" : strerror(errno));
	}
	free(nl->links);
	nl->links = d.v;
	nl->nlinks = d.n;
	nl->have_links = 1;
	nl->gen = nl->stats->linkgen;
	return 0;
}

static const struct rt_link *
link_cached(struct rt_nl *nl, const char *name)
{
	size_t i;

	for (i = 0; i < nl->nlinks; i++)
		if (strcmp(nl->links[i].name, name) == 0)
			return &nl->links[i];
	return NULL;
}

const struct rt_link *
rt_nl_link(struct rt_nl *nl, const char *name)
{
	struct link_dump d;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	const struct rt_link *l;
	char *buf;
	int r;

	if (nl->gen != nl->stats->linkgen) {
		/* A link came or went, maybe a veth peer seen from here. */
		nl->nlinks = 0;
		nl->have_links = 0;
		nl->gen = nl->stats->linkgen;
	}
	if ((l = link_cached(nl, name)) != NULL)
		return l;
	if (nl->have_links)
		return NULL;	/* a full dump is authoritative */
	if ((buf = malloc(NLBUF)) == NULL)
		return NULL;
	memset(&d, 0, sizeof(d));
	d.v = nl->links;
	d.n = d.cap = nl->nlinks;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = nl_talk(nl, nlh, link_cb, &d, buf);
	free(buf);
	nl->links = d.v;
	nl->nlinks = d.n;
	if (r == -1)
		return NULL;
	return link_cached(nl, name);
}

const struct rt_link *
rt_nl_link_by_index(struct rt_nl *nl, int index)
{
	size_t i;

	for (i = 0; i < nl->nlinks; i++)
		if (nl->links[i].index == index)
			return &nl->links[i];
	return NULL;
}

void
rt_nl_forget(struct rt_nl *nl, const char *name)
{
	size_t i;

	for (i = 0; i < nl->nlinks; i++)
		if (strcmp(nl->links[i].name, name) == 0) {
			nl->links[i] = nl->links[--nl->nlinks];
			break;
		}
	/* After a change the dump no longer answers for absent names. */
	nl->have_links = 0;
}

struct arr {
	void	*v;
	size_t	 n, cap, sz;
	int	 oom;
};

static void *
arr_push(struct arr *a)
{
	void *v;

	if (rt_vec_grow(&a->v, &a->cap, a->n, 1, a->sz) == -1) {
		a->oom = 1;
		return NULL;
	}
	v = (char *)a->v + a->n++ * a->sz;
	memset(v, 0, a->sz);
	return v;
}

static void
pfx_set(struct rt_pfx *p, int family, const void *a, unsigned len)
{
	p->family = (uint8_t)family;
	p->len = (uint8_t)len;
	memcpy(p->a, a, family == AF_INET ? 4 : 16);
}

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct arr *a = data;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *at, *local = NULL, *addr = NULL;
	struct rt_addr *r;
	size_t alen;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	mnl_attr_for_each(at, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_payload_len(at) != alen)
			continue;
		if (mnl_attr_get_type(at) == IFA_LOCAL)
			local = at;
		else if (mnl_attr_get_type(at) == IFA_ADDRESS)
			addr = at;
	}
	if (local == NULL)
		local = addr;
	if (local == NULL)
		return MNL_CB_OK;
	if ((r = arr_push(a)) == NULL)
		return MNL_CB_ERROR;
	r->index = (int)ifa->ifa_index;
	pfx_set(&r->a, ifa->ifa_family, mnl_attr_get_payload(local),
	    ifa->ifa_prefixlen);
	return MNL_CB_OK;
}

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct arr *a = data;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *at;
	struct rt_route *r, tmp;
	unsigned table;
	size_t alen;
	static const uint8_t zero[16];

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	alen = rtm->rtm_family == AF_INET ? 4 : 16;
	memset(&tmp, 0, sizeof(tmp));
	table = rtm->rtm_table;
	tmp.flags = rtm->rtm_flags;
	pfx_set(&tmp.dst, rtm->rtm_family, zero, rtm->rtm_dst_len);
	mnl_attr_for_each(at, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(at)) {
		case RTA_TABLE:
			if (mnl_attr_get_payload_len(at) == 4)
				table = mnl_attr_get_u32(at);
			break;
		case RTA_OIF:
			if (mnl_attr_get_payload_len(at) == 4)
				tmp.oif = (int)mnl_attr_get_u32(at);
			break;
		case RTA_DST:
			if (mnl_attr_get_payload_len(at) == alen)
				pfx_set(&tmp.dst, rtm->rtm_family,
				    mnl_attr_get_payload(at), rtm->rtm_dst_len);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(at) == alen)
				pfx_set(&tmp.gw, rtm->rtm_family,
				    mnl_attr_get_payload(at), alen * 8);
			break;
		}
	}
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	if ((r = arr_push(a)) == NULL)
		return MNL_CB_ERROR;
	*r = tmp;
	return MNL_CB_OK;
}

static int
nl_dump(struct rt_nl *nl, int type, size_t hdrlen, mnl_cb_t cb,
    struct arr *a, const char *what, char *err, size_t errlen)
{
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	char *buf;
	int r, tries = 0;

	if ((buf = malloc(NLBUF)) == NULL)
		return rt_errf(err, errlen, "out of memory");
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	g->rtgen_family = AF_UNSPEC;
	while ((r = nl_talk(nl, nlh, cb, a, buf)) == -1 && errno == EINTR &&
	    tries++ < NL_DUMP_TRIES && !a->oom) {
		free(a->v);
		a->v = NULL;
		a->n = a->cap = 0;
	}
	free(buf);
	if (r == -1) {
		free(a->v);
		a->v = NULL;
		return rt_errf(err, errlen, "%s dump: %s", what,
		    a->oom ? "out of memory" : strerror(errno));
	}
	return 0;
}

int
rt_nl_addrs(struct rt_nl *nl, struct rt_addr **out, size_t *n, char *err,
    size_t errlen)
{
	struct arr a = { NULL, 0, 0, sizeof(struct rt_addr), 0 };

	if (nl_dump(nl, RTM_GETADDR, sizeof(struct ifaddrmsg), addr_cb, &a,
	    "address", err, errlen) == -1)
		return -1;
	*out = a.v;
	*n = a.n;
	return 0;
}

int
rt_nl_routes(struct rt_nl *nl, struct rt_route **out, size_t *n, char *err,
    size_t errlen)
{
	struct arr a = { NULL, 0, 0, sizeof(struct rt_route), 0 };

	if (nl_dump(nl, RTM_GETROUTE, sizeof(struct rtmsg), route_cb, &a,
	    "route", err, errlen) == -1)
		return -1;
	*out = a.v;
	*n = a.n;
	return 0;
}

static int
need_link(struct rt_nl *nl, const char *name, int *index, char *err,
    size_t errlen)
{
	const struct rt_link *l = rt_nl_link(nl, name);

	if (l == NULL) {
		rt_errf(err, errlen, "link %s does not exist", name);
		errno = ENODEV;
		return -1;
	}
	*index = l->index;
	return 0;
}

static void
put_veth(struct nlmsghdr *nlh, const struct rt_op *op, int peer_nsfd)
{
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pifm;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, op->dev);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND,
	    op->kind == RT_OP_VETH ? "veth" : "bridge");
	if (op->kind == RT_OP_VETH) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
		/* VETH_INFO_PEER carries an ifinfomsg, then attributes. */
		pifm = (struct ifinfomsg *)((char *)nlh + nlh->nlmsg_len);
		memset(pifm, 0, sizeof(*pifm));
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
		mnl_attr_put_strz(nlh, IFLA_IFNAME, op->arg);
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
		mnl_attr_nest_end(nlh, peer);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
}

static int
put_addr(struct rt_nl *nl, struct nlmsghdr *nlh, const struct rt_op *op,
    char *err, size_t errlen)
{
	struct ifaddrmsg *ifa;
	size_t alen = op->dst.family == AF_INET ? 4 : 16;
	int index;

	if (need_link(nl, op->dev, &index, err, errlen) == -1)
		return -1;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = op->dst.family;
	ifa->ifa_prefixlen = op->dst.len;
	ifa->ifa_index = (unsigned)index;
	if (op->flags & RT_OPF_NODAD)
		ifa->ifa_flags |= IFA_F_NODAD;
	/* iproute2's default scope: host for 127/8, else global. */
	if (op->dst.family == AF_INET && op->dst.a[0] == 127)
		ifa->ifa_scope = RT_SCOPE_HOST;
	mnl_attr_put(nlh, IFA_LOCAL, alen, op->dst.a);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, op->dst.a);
	return 0;
}

static int
put_route(struct rt_nl *nl, struct nlmsghdr *nlh, const struct rt_op *op,
    char *err, size_t errlen)
{
	struct rtmsg *rtm;
	size_t alen = op->via.family == AF_INET ? 4 : 16;
	int index;

	if (need_link(nl, op->dev, &index, err, errlen) == -1)
		return -1;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = op->via.family;
	rtm->rtm_dst_len = op->dst.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	if (op->kind == RT_OP_ROUTE) {
		rtm->rtm_protocol = RTPROT_BOOT;
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
		rtm->rtm_type = RTN_UNICAST;
	} else
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	if (op->flags & RT_OPF_ONLINK)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (op->dst.len > 0)
		mnl_attr_put(nlh, RTA_DST, alen, op->dst.a);
	mnl_attr_put(nlh, RTA_GATEWAY, alen, op->via.a);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	return 0;
}

int
rt_nl_exec(struct rt_nl *nl, const struct rt_op *op, int peer_nsfd,
    char *err, size_t errlen)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	char *buf, text[200];
	int index, master, r = -1, e;

	if ((buf = malloc(NLBUF)) == NULL)
		return rt_errf(err, errlen, "out of memory");
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	switch (op->kind) {
	case RT_OP_VETH:
	case RT_OP_BRIDGE:
		nlh->nlmsg_type = RTM_NEWLINK;
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_family = AF_UNSPEC;
		put_veth(nlh, op, peer_nsfd);
		rt_nl_forget(nl, op->dev);
		break;
	case RT_OP_MASTER:
	case RT_OP_NOMASTER:
	case RT_OP_ALIAS:
	case RT_OP_UP:
	case RT_OP_DOWN:
	case RT_OP_LINKDEL:
		if (need_link(nl, op->dev, &index, err, errlen) == -1)
			goto out;
		master = 0;
		if (op->kind == RT_OP_MASTER &&
		    need_link(nl, op->arg, &master, err, errlen) == -1)
			goto out;
		nlh->nlmsg_type = op->kind == RT_OP_LINKDEL ? RTM_DELLINK :
		    RTM_NEWLINK;
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_family = AF_UNSPEC;
		ifm->ifi_index = index;
		if (op->kind == RT_OP_UP || op->kind == RT_OP_DOWN) {
			ifm->ifi_change = IFF_UP;
			ifm->ifi_flags = op->kind == RT_OP_UP ? IFF_UP : 0;
		} else if (op->kind == RT_OP_ALIAS)
			/* what ip sends: the text without its NUL; empty
			 * clears the alias */
			mnl_attr_put(nlh, IFLA_IFALIAS, strlen(op->alias),
			    op->alias);
		else if (op->kind != RT_OP_LINKDEL)
			mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
		/* Only the name -> index map is used after a change: it
		 * stays right unless the link goes. */
		if (op->kind == RT_OP_LINKDEL)
			rt_nl_forget(nl, op->dev);
		break;
	case RT_OP_ADDR:
	case RT_OP_ADDRDEL:
		nlh->nlmsg_type = op->kind == RT_OP_ADDR ? RTM_NEWADDR :
		    RTM_DELADDR;
		if (op->kind == RT_OP_ADDR)
			nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		if (put_addr(nl, nlh, op, err, errlen) == -1)
			goto out;
		break;
	case RT_OP_ROUTE:
	case RT_OP_ROUTEDEL:
		nlh->nlmsg_type = op->kind == RT_OP_ROUTE ? RTM_NEWROUTE :
		    RTM_DELROUTE;
		if (op->kind == RT_OP_ROUTE)
			nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		if (put_route(nl, nlh, op, err, errlen) == -1)
			goto out;
		break;
	default:
		errno = EINVAL;
		rt_errf(err, errlen, "not a netlink operation");
		goto out;
	}
	nl->stats->changes++;
	r = nl_talk(nl, nlh, NULL, NULL, buf);
	/* A deleted veth takes its peer, in a namespace unknown here. */
	if (op->kind == RT_OP_LINKDEL)
		nl->stats->linkgen++;
	if (r == -1) {
		e = errno;
		if (rt_op_format(op, text, sizeof(text)) == -1)
			strcpy(text, "?");
		rt_errf(err, errlen, "%s: %s", text, strerror(e));
		errno = e;
	}
out:
	e = errno;
	free(buf);
	errno = e;
	return r;
}

int
rt_nl_addr_flush(struct rt_nl *nl, const char *dev, char *err,
    size_t errlen)
{
	struct rt_addr *a = NULL;
	struct rt_op op;
	size_t n = 0, i;
	int index, r = 0;

	if (need_link(nl, dev, &index, err, errlen) == -1 ||
	    rt_nl_addrs(nl, &a, &n, err, errlen) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (a[i].index != index || (a[i].a.family == AF_INET6 &&
		    a[i].a.a[0] == 0xfe && (a[i].a.a[1] & 0xc0) == 0x80))
			continue;	/* other link, or IPv6 link-local */
		memset(&op, 0, sizeof(op));
		op.kind = RT_OP_ADDRDEL;
		snprintf(op.dev, sizeof(op.dev), "%s", dev);
		op.dst = a[i].a;
		if (rt_nl_exec(nl, &op, -1, err, errlen) == -1 &&
		    errno != EADDRNOTAVAIL)
			r = -1;
	}
	free(a);
	return r;
}
