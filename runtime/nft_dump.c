/*
 * nft.c - table inet edgenet over netlink: one batch per apply, dumps for
 * snapshot and drift.
 *
 * The batch is what nft sends for a bundle file: NEWTABLE (creates the
 * table when missing), DELTABLE, NEWTABLE, every chain, then anonymous
 * sets with their elements and rules in order, then END.  The kernel
 * commits it whole or not at all; without END (dry run) it checks every
 * message and drops the transaction.  No message asks for an ACK, as with
 * nft: the kernel handles the batch inside sendmsg(), so what it has to
 * say (errors only) is queued on the socket when sendmsg() returns.
 *
 * Equality with the live table is decided on a canonical text of both
 * sides: chain attributes, rule expressions by their attributes (or as
 * libnftnl prints them) with anonymous sets written out in full, userdata
 * in hex.  Handles, counters and the kernel's names for anonymous sets
 * play no part.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "nft_obj.h"
#include "rt.h"

/* The largest nf_tables message (a set element list) plus a page. */
#define NL_MSG_MAX	(65535 + 4096)

static unsigned	nft_msgs_sent;

unsigned
rt_nft_msgs_sent(void)
{
	return nft_msgs_sent;
}

/* --- the object --- */

struct rt_nft *
rt_nft_new(void)
{
	return calloc(1, sizeof(struct rt_nft));
}

static void
obj_free(struct rt_nft_obj *o)
{
	size_t i;

	/* libnftnl's _free functions are not NULL-safe */
	if (o->o != NULL && o->kind == RT_NFT_CHAIN)
		nftnl_chain_free(o->o);
	else if (o->o != NULL && o->kind == RT_NFT_SET)
		nftnl_set_free(o->o);
	else if (o->o != NULL)
		nftnl_rule_free(o->o);
	for (i = 0; i < o->n_refs; i++)
		free(o->refs[i].name);
	free(o->refs);
}

void
rt_nft_clear(struct rt_nft *t)
{
	size_t i;

	for (i = 0; i < t->n_chains; i++)
		obj_free(&t->chains[i]);
	for (i = 0; i < t->n_items; i++)
		obj_free(&t->items[i]);
	t->n_chains = t->n_items = 0;
}

void
rt_nft_free(struct rt_nft *t)
{
	if (t == NULL)
		return;
	rt_nft_clear(t);
	free(t->chains);
	free(t->items);
	free(t->udata);
	free(t);
}

struct rt_nft_obj *
rt_nft_push(struct rt_nft *t, enum rt_nft_kind kind, void *o)
{
	struct rt_nft_obj **v, *p, tmp = { .kind = kind, .o = o, .chain = -1 };
	size_t *n, *cap, ncap;

	if (kind == RT_NFT_CHAIN) {
		v = &t->chains;
		n = &t->n_chains;
		cap = &t->cap_chains;
	} else {
		v = &t->items;
		n = &t->n_items;
		cap = &t->cap_items;
	}
	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 16;
		if ((p = realloc(*v, ncap * sizeof(*p))) == NULL) {
			obj_free(&tmp);
			return NULL;
		}
		*v = p;
		*cap = ncap;
	}
	p = &(*v)[(*n)++];
	*p = tmp;
	return p;
}

struct rt_nft_obj *
rt_nft_chain_find(const struct rt_nft *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_chains; i++)
		if (strcmp(nftnl_chain_get_str(t->chains[i].o,
		    NFTNL_CHAIN_NAME), name) == 0)
			return &t->chains[i];
	return NULL;
}

const struct rt_nft_obj *
rt_nft_set_find(const struct rt_nft *t, uint32_t id)
{
	size_t i;

	for (i = 0; i < t->n_items; i++)
		if (t->items[i].kind == RT_NFT_SET &&
		    nftnl_set_is_set(t->items[i].o, NFTNL_SET_ID) &&
		    nftnl_set_get_u32(t->items[i].o, NFTNL_SET_ID) == id)
			return &t->items[i];
	return NULL;
}

static const struct rt_nft_obj *
set_find_name(const struct rt_nft *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_items; i++)
		if (t->items[i].kind == RT_NFT_SET &&
		    strcmp(nftnl_set_get_str(t->items[i].o, NFTNL_SET_NAME),
		    name) == 0)
			return &t->items[i];
	return NULL;
}

/* --- growable text and byte buffers --- */

int
rt_nft_buf_reserve(struct rt_nft_buf *b, size_t more)
{
	size_t ncap;
	char *p;

	if (b->oom)
		return -1;
	if (b->len + more <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + more)
		ncap *= 2;
	if ((p = realloc(b->p, ncap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = ncap;
	return 0;
}

void
rt_nft_buf_printf(struct rt_nft_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* one pass when it fits, as it mostly does */
	if (rt_nft_buf_reserve(b, 64) == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (rt_nft_buf_reserve(b, (size_t)n + 1) == -1)
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void
buf_put(struct rt_nft_buf *b, const char *s, size_t n)
{
	if (rt_nft_buf_reserve(b, n + 1) == -1)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_hex(struct rt_nft_buf *b, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = p;
	size_t i;

	if (rt_nft_buf_reserve(b, 2 * n + 1) == -1)
		return;
	for (i = 0; i < n; i++) {
		b->p[b->len++] = hex[u[i] >> 4];
		b->p[b->len++] = hex[u[i] & 15];
	}
	b->p[b->len] = '\0';
}

/* A new NUL-terminated string of b (b emptied), or NULL on OOM. */
static char *
buf_take(struct rt_nft_buf *b)
{
	char *s;

	if (rt_nft_buf_reserve(b, 1) == -1) {
		free(b->p);
		memset(b, 0, sizeof(*b));
		return NULL;
	}
	b->p[b->len] = '\0';
	s = b->p;
	memset(b, 0, sizeof(*b));
	return s;
}

/* --- netlink sockets, one per namespace, kept --- */

/*
 * Sockets are kept open until rt_nft_close(): closing a netfilter socket
 * waits for the kernel to free what earlier commits deleted (an RCU grace
 * period, ~10 ms), once per close.  Kept open, the whole run pays it once.
 */
struct nl {
	struct nl		*next;
	dev_t			 dev;	/* the namespace */
	ino_t			 ino;
	struct mnl_socket	*sock;
	uint32_t		 portid;
	uint32_t		 seq;
	char			*rbuf;	/* shared by all */
};

static struct nl	*nl_cache;
static char		*nl_rbuf;

static void
nl_free(struct nl *nl)
{
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	free(nl);
}

/* Forgets a socket that saw an error: it may hold stale answers. */
static void
nl_drop(struct nl *nl)
{
	struct nl **pp;

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
	struct nl *nl;

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
nl_open(struct nl *nl, int netns_fd, char *err, size_t errlen)
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
static struct nl *
nl_get(int netns_fd, char *err, size_t errlen)
{
	struct stat st;
	struct nl *nl;
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

/* Sends one request and runs cb on every answer until done or error. */
static int
nl_talk(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
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

/* --- reading the live table --- */

struct dump {
	struct rt_nft		*t;
	struct nftnl_set	**sets;
	size_t			 n_sets;
	struct nftnl_rule	**rules;
	size_t			 n_rules;
	int			 oom;
};

static int
push_ptr(void *vp, size_t *n, void *p)
{
	void ***v = vp, **nv;

	if ((*n & (*n - 1)) == 0) {	/* 0, 1, 2, 4...: grow */
		if ((nv = realloc(*v, (*n ? *n * 2 : 1) *
		    sizeof(*nv))) == NULL)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = p;
	return 0;
}

static int
table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nftnl_table *tb;
	const void *u;
	uint32_t len;

	if ((tb = nftnl_table_alloc()) == NULL) {
		d->oom = 1;
		return MNL_CB_ERROR;
	}
	if (nftnl_table_nlmsg_parse(nlh, tb) == 0 &&
	    strcmp(nftnl_table_get_str(tb, NFTNL_TABLE_NAME),
	    RT_NFT_TABLE) == 0) {
		d->t->present = 1;
		d->t->table_flags = nftnl_table_get_u32(tb, NFTNL_TABLE_FLAGS);
		if (nftnl_table_is_set(tb, NFTNL_TABLE_USERDATA)) {
			u = nftnl_table_get_data(tb, NFTNL_TABLE_USERDATA,
			    &len);
			free(d->t->udata);
			if ((d->t->udata = malloc(len ? len : 1)) == NULL)
				d->oom = 1;
			else {
				memcpy(d->t->udata, u, len);
				d->t->udata_len = len;
			}
		}
	}
	nftnl_table_free(tb);
	return d->oom ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Copies what re-creates the chain; drops handle, use, counters. */
static struct nftnl_chain *
chain_copy(const struct nftnl_chain *c)
{
	static const uint16_t str[] = {
		NFTNL_CHAIN_TABLE, NFTNL_CHAIN_NAME, NFTNL_CHAIN_TYPE,
		NFTNL_CHAIN_DEV,
	};
	static const uint16_t u32[] = {
		NFTNL_CHAIN_FAMILY, NFTNL_CHAIN_HOOKNUM, NFTNL_CHAIN_PRIO,
		NFTNL_CHAIN_POLICY,
	};
	struct nftnl_chain *n;
	const void *u;
	uint32_t len, fl;
	size_t i;

	if ((n = nftnl_chain_alloc()) == NULL)
		return NULL;
	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if (nftnl_chain_is_set(c, str[i]) && nftnl_chain_set_str(n,
		    str[i], nftnl_chain_get_str(c, str[i])) == -1)
			goto fail;
	for (i = 0; i < sizeof(u32) / sizeof(u32[0]); i++)
		if (nftnl_chain_is_set(c, u32[i]))
			nftnl_chain_set_u32(n, u32[i],
			    nftnl_chain_get_u32(c, u32[i]));
	/* NFT_CHAIN_BASE is the kernel's own mark of a base chain */
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_FLAGS) &&
	    (fl = nftnl_chain_get_u32(c, NFTNL_CHAIN_FLAGS) &
	    ~(uint32_t)NFT_CHAIN_BASE) != 0)
		nftnl_chain_set_u32(n, NFTNL_CHAIN_FLAGS, fl);
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_USERDATA)) {
		u = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len);
		if (nftnl_chain_set_data(n, NFTNL_CHAIN_USERDATA, u,
		    len) == -1)
			goto fail;
	}
	/* an ingress hook's devices */
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEVICES) &&
	    nftnl_chain_set_data(n, NFTNL_CHAIN_DEVICES,
	    nftnl_chain_get_array(c, NFTNL_CHAIN_DEVICES), 0) == -1)
		goto fail;
	return n;
fail:
	nftnl_chain_free(n);
	return NULL;
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nftnl_chain *c, *n = NULL;

	if ((c = nftnl_chain_alloc()) == NULL)
		goto oom;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    nftnl_chain_is_set(c, NFTNL_CHAIN_TABLE) &&
	    strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
	    RT_NFT_TABLE) == 0) {
		if ((n = chain_copy(c)) == NULL ||
		    rt_nft_push(d->t, RT_NFT_CHAIN, n) == NULL)
			goto oom;
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
oom:
	if (c != NULL)
		nftnl_chain_free(c);
	d->oom = 1;
	return MNL_CB_ERROR;
}

/* Keeps a set or a rule of our table from a dump, without its handle. */
static int
keep_cb(const struct nlmsghdr *nlh, struct dump *d, enum rt_nft_kind kind)
{
	struct rt_nft_obj o = { .kind = kind };
	const char *table = NULL;
	int r = MNL_CB_OK;

	if (kind == RT_NFT_SET) {
		if ((o.o = nftnl_set_alloc()) != NULL &&
		    nftnl_set_nlmsg_parse(nlh, o.o) == 0 &&
		    nftnl_set_is_set(o.o, NFTNL_SET_TABLE))
			table = nftnl_set_get_str(o.o, NFTNL_SET_TABLE);
	} else if ((o.o = nftnl_rule_alloc()) != NULL &&
	    nftnl_rule_nlmsg_parse(nlh, o.o) == 0 &&
	    nftnl_rule_is_set(o.o, NFTNL_RULE_TABLE))
		table = nftnl_rule_get_str(o.o, NFTNL_RULE_TABLE);
	if (o.o == NULL)
		r = MNL_CB_ERROR;
	else if (table != NULL && strcmp(table, RT_NFT_TABLE) == 0) {
		if (kind == RT_NFT_SET) {
			nftnl_set_unset(o.o, NFTNL_SET_HANDLE);
			r = push_ptr(&d->sets, &d->n_sets, o.o);
		} else {
			nftnl_rule_unset(o.o, NFTNL_RULE_HANDLE);
			nftnl_rule_unset(o.o, NFTNL_RULE_POSITION);
			r = push_ptr(&d->rules, &d->n_rules, o.o);
		}
		if (r == 0)
			return MNL_CB_OK;
		r = MNL_CB_ERROR;
	}
	obj_free(&o);
	d->oom |= r == MNL_CB_ERROR;
	return r;
}

static int
set_cb(const struct nlmsghdr *nlh, void *data)
{
	return keep_cb(nlh, data, RT_NFT_SET);
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	return keep_cb(nlh, data, RT_NFT_RULE);
}

static int
elem_cb(const struct nlmsghdr *nlh, void *data)
{
	return nftnl_set_elems_nlmsg_parse(nlh, data) == -1 ? MNL_CB_ERROR :
	    MNL_CB_OK;
}

static int
gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *g;

	if ((g = nftnl_gen_alloc()) == NULL)
		return MNL_CB_ERROR;
	if (nftnl_gen_nlmsg_parse(nlh, g) == 0)
		*(uint32_t *)data = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return MNL_CB_OK;
}

/* A GET request for our table's objects in nl's receive buffer. */
static struct nlmsghdr *
get_req(struct nl *nl, char *buf, uint16_t type, uint16_t flags,
    uint16_t attr, const char *set)
{
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(buf, type, RT_NFT_FAMILY, flags,
	    ++nl->seq);
	if (attr != 0)
		mnl_attr_put_strz(nlh, attr, RT_NFT_TABLE);
	if (set != NULL)
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	return nlh;
}

static int
gen_get(struct nl *nl, uint32_t *gen)
{
	char buf[256];

	*gen = 0;
	return nl_talk(nl, get_req(nl, buf, NFT_MSG_GETGEN, NLM_F_ACK, 0,
	    NULL), gen_cb, gen) < 0 ? -1 : 0;
}

/*
 * A lookup in an anonymous set: the set gets a template name and an id
 * and goes into the batch just before the first rule using it; the lookup
 * is replaced by one naming the set by that id (libnftnl would leak the
 * old name if the set name were just overwritten).  Returns the
 * expression to keep, NULL on OOM.
 */
static struct nftnl_expr *
lookup_ref(struct dump *d, struct nftnl_expr *e)
{
	static const uint16_t u32[] = {
		NFTNL_EXPR_LOOKUP_SREG, NFTNL_EXPR_LOOKUP_DREG,
		NFTNL_EXPR_LOOKUP_FLAGS,
	};
	struct nftnl_expr *n;
	const char *name;
	char tmpl[64];
	size_t i, k;

	if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "lookup") != 0 ||
	    !nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_SET))
		return e;
	name = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	for (i = 0; i < d->n_sets; i++)
		if (d->sets[i] != NULL && strcmp(nftnl_set_get_str(d->sets[i],
		    NFTNL_SET_NAME), name) == 0)
			break;
	/* a named set, queued already, or one we do not know */
	if (i == d->n_sets || !(nftnl_set_get_u32(d->sets[i],
	    NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS))
		return e;
	/* "__map12" -> "__map%d" */
	k = strlen(name);
	while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
		k--;
	snprintf(tmpl, sizeof(tmpl), "%.*s%%d", (int)(k > 40 ? 40 : k), name);
	if ((n = nftnl_expr_alloc("lookup")) == NULL)
		return NULL;
	for (k = 0; k < sizeof(u32) / sizeof(u32[0]); k++)
		if (nftnl_expr_is_set(e, u32[k]))
			nftnl_expr_set_u32(n, u32[k],
			    nftnl_expr_get_u32(e, u32[k]));
	nftnl_expr_set_u32(n, NFTNL_EXPR_LOOKUP_SET_ID, ++d->t->next_set_id);
	nftnl_set_set_u32(d->sets[i], NFTNL_SET_ID, d->t->next_set_id);
	if (nftnl_expr_set_str(n, NFTNL_EXPR_LOOKUP_SET, tmpl) == -1 ||
	    nftnl_set_set_str(d->sets[i], NFTNL_SET_NAME, tmpl) == -1) {
		nftnl_expr_free(n);
		return NULL;
	}
	if (rt_nft_push(d->t, RT_NFT_SET, d->sets[i]) == NULL) {
		d->sets[i] = NULL;
		nftnl_expr_free(n);
		return NULL;
	}
	d->sets[i] = NULL;
	nftnl_expr_free(e);
	return n;
}

/* The rule's expressions again, with its lookups in anonymous sets
 * rewritten by lookup_ref. */
static int
rule_refs(struct dump *d, struct nftnl_rule *r)
{
	struct rt_nft_exprs l;
	struct nftnl_expr *n;
	size_t i;
	int ret = 0;

	if (rt_nft_exprs_get(&l, r) == -1)
		return -1;
	for (i = 0; i < l.n; i++)
		nftnl_rule_del_expr(l.e[i]);
	for (i = 0; i < l.n; i++) {
		if (ret == 0 && (n = lookup_ref(d, l.e[i])) != NULL) {
			nftnl_rule_add_expr(r, n);
			continue;
		}
		if (ret == 0)
			ret = -1;	/* OOM: l.e[i] kept by lookup_ref */
		nftnl_rule_add_expr(r, l.e[i]);
	}
	return ret;
}

/* Named sets after the chains, then rules with their anonymous sets. */
static int
dump_assemble(struct dump *d)
{
	struct rt_nft_obj *o, *c;
	struct nftnl_rule *r;
	struct nftnl_set *s;
	size_t i;

	for (i = 0; i < d->n_sets; i++) {
		if (nftnl_set_get_u32(d->sets[i], NFTNL_SET_FLAGS) &
		    NFT_SET_ANONYMOUS)
			continue;
		nftnl_set_set_u32(d->sets[i], NFTNL_SET_ID,
		    ++d->t->next_set_id);
		s = d->sets[i];
		d->sets[i] = NULL;
		if (rt_nft_push(d->t, RT_NFT_SET, s) == NULL)
			return -1;
	}
	for (i = 0; i < d->n_rules; i++) {
		r = d->rules[i];
		if (rule_refs(d, r) == -1)
			return -1;
		d->rules[i] = NULL;
		c = rt_nft_chain_find(d->t, nftnl_rule_get_str(r,
		    NFTNL_RULE_CHAIN));
		if ((o = rt_nft_push(d->t, RT_NFT_RULE, r)) == NULL)
			return -1;
		o->chain = c != NULL ? (int)(c - d->t->chains) : -1;
	}
	return 0;
}

static void
dump_free(struct dump *d)
{
	size_t i;

	/* libnftnl's _free functions are not NULL-safe */
	for (i = 0; i < d->n_sets; i++)
		if (d->sets[i] != NULL)
			nftnl_set_free(d->sets[i]);
	for (i = 0; i < d->n_rules; i++)
		if (d->rules[i] != NULL)
			nftnl_rule_free(d->rules[i]);
	free(d->sets);
	free(d->rules);
	d->sets = NULL;
	d->rules = NULL;
	d->n_sets = d->n_rules = 0;
}

/* One pass over the live table into d->t; -1 with errno. */
static int
dump_once(struct nl *nl, struct dump *d)
{
	char buf[512];
	size_t i;
	int r;

	r = nl_talk(nl, get_req(nl, buf, NFT_MSG_GETTABLE, NLM_F_ACK,
	    NFTA_TABLE_NAME, NULL), table_cb, d);
	if (r < 0)
		return errno == ENOENT ? 0 : -1;
	if (nl_talk(nl, get_req(nl, buf, NFT_MSG_GETCHAIN, NLM_F_DUMP,
	    NFTA_CHAIN_TABLE, NULL), chain_cb, d) < 0 ||
	    nl_talk(nl, get_req(nl, buf, NFT_MSG_GETSET, NLM_F_DUMP,
	    NFTA_SET_TABLE, NULL), set_cb, d) < 0)
		return -1;
	for (i = 0; i < d->n_sets; i++)
		if (nl_talk(nl, get_req(nl, buf, NFT_MSG_GETSETELEM,
		    NLM_F_DUMP, NFTA_SET_ELEM_LIST_TABLE,
		    nftnl_set_get_str(d->sets[i], NFTNL_SET_NAME)), elem_cb,
		    d->sets[i]) < 0)
			return -1;
	if (nl_talk(nl, get_req(nl, buf, NFT_MSG_GETRULE, NLM_F_DUMP,
	    NFTA_RULE_TABLE, NULL), rule_cb, d) < 0)
		return -1;
	if (dump_assemble(d) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * The live table as a new rt_nft (present == 0 when there is none), read
 * between two equal generation ids so that it is one consistent state.
 */
static int
live_read(struct nl *nl, struct rt_nft **out, char *err, size_t errlen)
{
	struct dump d = { .t = NULL };
	uint32_t g1, g2;
	int tries;

	*out = NULL;
	for (tries = 0; tries < 5; tries++) {
		if ((d.t = rt_nft_new()) == NULL)
			return rt_errf(err, errlen, "out of memory");
		if (gen_get(nl, &g1) == -1 || dump_once(nl, &d) == -1 ||
		    gen_get(nl, &g2) == -1) {
			int e = d.oom ? ENOMEM : errno;

			dump_free(&d);
			rt_nft_free(d.t);
			return rt_errf(err, errlen, "nftables: reading table "
			    "inet %s: %s", RT_NFT_TABLE, strerror(e));
		}
		dump_free(&d);
		if (g1 == g2) {
			*out = d.t;
			return 0;
		}
		rt_nft_free(d.t);
	}
	return rt_errf(err, errlen, "nftables: ruleset kept changing while "
	    "being read");
}

/* --- canonical text --- */

static void
canon_udata(struct rt_nft_buf *b, const char *what, const void *u, uint32_t len)
{
	rt_nft_buf_printf(b, " %s ", what);
	buf_hex(b, u, len);
}

static int
canon_elem(struct nftnl_set_elem *e, void *data)
{
	static const uint16_t bin[] = {
		NFTNL_SET_ELEM_KEY, NFTNL_SET_ELEM_KEY_END,
		NFTNL_SET_ELEM_DATA, NFTNL_SET_ELEM_USERDATA,
	};
	struct rt_nft_buf *b = data;
	const void *p;
	uint32_t len;
	size_t i;

	rt_nft_buf_printf(b, "\n  elem");
	for (i = 0; i < sizeof(bin) / sizeof(bin[0]); i++)
		if (nftnl_set_elem_is_set(e, bin[i])) {
			p = nftnl_set_elem_get(e, bin[i], &len);
			rt_nft_buf_printf(b, " %u:", bin[i]);
			buf_hex(b, p, len);
		}
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT))
		rt_nft_buf_printf(b, " verdict %d",
		    (int)nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN))
		rt_nft_buf_printf(b, " chain %s", nftnl_set_elem_get_str(e,
		    NFTNL_SET_ELEM_CHAIN));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS))
		rt_nft_buf_printf(b, " flags %u", nftnl_set_elem_get_u32(e,
		    NFTNL_SET_ELEM_FLAGS));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT))
		rt_nft_buf_printf(b, " timeout %llu", (unsigned long long)
		    nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT));
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_OBJREF))
		rt_nft_buf_printf(b, " objref %s", nftnl_set_elem_get_str(e,
		    NFTNL_SET_ELEM_OBJREF));
	return 0;
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Set attributes, then its elements sorted (the kernel lists them in
 * its own order). */
static void
canon_set(struct rt_nft_buf *b, const struct nftnl_set *s)
{
	static const uint16_t u32[] = {
		NFTNL_SET_FLAGS, NFTNL_SET_KEY_TYPE, NFTNL_SET_KEY_LEN,
		NFTNL_SET_DATA_TYPE, NFTNL_SET_OBJ_TYPE, NFTNL_SET_POLICY,
		NFTNL_SET_DESC_SIZE, NFTNL_SET_GC_INTERVAL,
	};
	struct rt_nft_buf e = { 0 };
	char *p, **lines = NULL;
	size_t i, n = 0, k;
	const void *u;
	uint32_t len;

	for (i = 0; i < sizeof(u32) / sizeof(u32[0]); i++)
		if (nftnl_set_is_set(s, u32[i]))
			rt_nft_buf_printf(b, " %u:%x", u32[i],
			    nftnl_set_get_u32(s, u32[i]));
	/* the kernel keeps a verdict's size, nft sends 0 */
	if (nftnl_set_is_set(s, NFTNL_SET_DATA_LEN) &&
	    nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE) != NFT_DATA_VERDICT)
		rt_nft_buf_printf(b, " dlen %u", nftnl_set_get_u32(s,
		    NFTNL_SET_DATA_LEN));
	if (nftnl_set_is_set(s, NFTNL_SET_TIMEOUT))
		rt_nft_buf_printf(b, " timeout %llu", (unsigned long long)
		    nftnl_set_get_u64(s, NFTNL_SET_TIMEOUT));
	if (nftnl_set_is_set(s, NFTNL_SET_USERDATA)) {
		u = nftnl_set_get_data(s, NFTNL_SET_USERDATA, &len);
		canon_udata(b, "udata", u, len);
	}
	nftnl_set_elem_foreach((struct nftnl_set *)s, canon_elem, &e);
	if (e.oom || e.len == 0) {
		b->oom |= e.oom;
		free(e.p);
		return;
	}
	e.p[e.len] = '\0';
	/* each element starts with "\n" */
	for (p = e.p; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	if ((lines = malloc(n * sizeof(*lines))) == NULL) {
		b->oom = 1;
		free(e.p);
		return;
	}
	for (p = e.p, k = 0; (p = strchr(p, '\n')) != NULL; k++) {
		*p++ = '\0';
		lines[k] = p;
	}
	qsort(lines, n, sizeof(*lines), line_cmp);
	for (k = 0; k < n; k++)
		rt_nft_buf_printf(b, "\n  %s", lines[k]);
	free(lines);
	free(e.p);
}

struct canon_ctx {
	const struct rt_nft	*t;
	struct rt_nft_buf		*b;
};

/*
 * The expressions of the subset, by their attributes (what libnftnl
 * prints of them, without printf): each attribute set, in hex; one whose
 * absence means 0 counts as 0 either way.  -1 for any other expression.
 */
static int
canon_attrs(struct rt_nft_buf *b, const struct nftnl_expr *e,
    const char *name)
{
	static const struct {
		const char	*name;
		uint16_t	 zero;	/* absent means 0 */
	} known[] = {
		{ "meta", 0 }, { "cmp", 0 }, { "payload", 0 },
		{ "bitwise", NFTNL_EXPR_BITWISE_OP }, { "ct", 0 },
		{ "immediate", 0 }, { "masq", NFTNL_EXPR_MASQ_FLAGS },
	};
	static const uint32_t zero;
	char tag[] = " ?:";
	const void *p;
	uint32_t len;
	uint16_t a;
	size_t k;

	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (strcmp(name, known[k].name) == 0)
			break;
	if (k == sizeof(known) / sizeof(known[0]))
		return -1;
	/* short and hot: no printf */
	buf_put(b, "[", 1);
	buf_put(b, name, strlen(name));
	for (a = NFTNL_EXPR_BASE; a < NFTNL_EXPR_BASE + 12; a++) {
		if (nftnl_expr_is_set(e, a))
			p = nftnl_expr_get(e, a, &len);
		else if (a == known[k].zero) {
			p = &zero;
			len = sizeof(zero);
		} else
			continue;
		tag[1] = (char)('a' + a);
		buf_put(b, tag, 3);
		if (p != NULL)
			buf_hex(b, p, len);
	}
	buf_put(b, "] ", 2);
	return 0;
}

static int
canon_expr(struct nftnl_expr *e, void *data)
{
	struct canon_ctx *c = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	const struct rt_nft_obj *so = NULL;
	char tmp[1024];

	if (strcmp(name, "lookup") == 0) {
		if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_SET_ID))
			so = rt_nft_set_find(c->t, nftnl_expr_get_u32(e,
			    NFTNL_EXPR_LOOKUP_SET_ID));
		rt_nft_buf_printf(c->b, "[ lookup reg %u dreg %d flags %u ",
		    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG),
		    nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG) ?
		    (int)nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) : -1,
		    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS));
		if (so != NULL && (nftnl_set_get_u32(so->o,
		    NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS)) {
			rt_nft_buf_printf(c->b, "{");
			canon_set(c->b, so->o);
			rt_nft_buf_printf(c->b, " } ]");
		} else
			rt_nft_buf_printf(c->b, "@%s ]", nftnl_expr_get_str(e,
			    NFTNL_EXPR_LOOKUP_SET));
		return 0;
	}
	if (canon_attrs(c->b, e, name) == 0)
		return 0;
	nftnl_expr_snprintf(tmp, sizeof(tmp), e, NFTNL_OUTPUT_DEFAULT, 0);
	rt_nft_buf_printf(c->b, "[ %s %s] ", name, tmp);
	return 0;
}

/* The canonical text of a rule (new string, NULL on OOM). */
static char *
canon_rule(const struct rt_nft *t, const struct nftnl_rule *r)
{
	struct rt_nft_buf b = { 0 };
	struct canon_ctx c = { .t = t, .b = &b };
	const void *u;
	uint32_t len;

	nftnl_expr_foreach((struct nftnl_rule *)r, canon_expr, &c);
	if (nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
		u = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
		canon_udata(&b, "udata", u, len);
	}
	return buf_take(&b);
}

static char *
canon_chain(const struct nftnl_chain *c)
{
	static const char *const hook[] = {
		"prerouting", "input", "forward", "output", "postrouting",
	};
	struct rt_nft_buf b = { 0 };
	const char *const *dev;
	uint32_t h, len;
	const void *u;

	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		h = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		rt_nft_buf_printf(&b, "type %s hook ", nftnl_chain_is_set(c,
		    NFTNL_CHAIN_TYPE) ? nftnl_chain_get_str(c,
		    NFTNL_CHAIN_TYPE) : "?");
		if (h < sizeof(hook) / sizeof(hook[0]))
			rt_nft_buf_printf(&b, "%s", hook[h]);
		else
			rt_nft_buf_printf(&b, "%u", h);
		/* no policy given means accept */
		rt_nft_buf_printf(&b, " priority %d; policy %s;",
		    nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO),
		    nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
		    nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP ?
		    "drop" : "accept");
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV))
			rt_nft_buf_printf(&b, " device %s",
			    nftnl_chain_get_str(c, NFTNL_CHAIN_DEV));
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEVICES))
			for (dev = nftnl_chain_get_array(c,
			    NFTNL_CHAIN_DEVICES); *dev != NULL; dev++)
				rt_nft_buf_printf(&b, " device %s", *dev);
	} else
		rt_nft_buf_printf(&b, "regular chain");
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_FLAGS) &&
	    (nftnl_chain_get_u32(c, NFTNL_CHAIN_FLAGS) & ~NFT_CHAIN_BASE))
		rt_nft_buf_printf(&b, " flags 0x%x", nftnl_chain_get_u32(c,
		    NFTNL_CHAIN_FLAGS) & ~NFT_CHAIN_BASE);
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_USERDATA)) {
		u = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len);
		canon_udata(&b, "udata", u, len);
	}
	return buf_take(&b);
}

/* --- drift --- */

struct crule {
	char		*text;
	const void	*rule;
	unsigned	 line;
	int		 matched;
};

/* The canonical rules of one chain. */
static int
canon_rules(const struct rt_nft *t, int chain, struct crule **out,
    size_t *n)
{
	struct crule *v = NULL, *nv;
	size_t i, cap = 0;

	*n = 0;
	for (i = 0; i < t->n_items; i++) {
		const struct rt_nft_obj *o = &t->items[i];

		if (o->kind != RT_NFT_RULE || o->chain != chain)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto oom;
			v = nv;
		}
		v[*n].rule = o->o;
		v[*n].line = o->line;
		v[*n].matched = 0;
		if ((v[*n].text = canon_rule(t, o->o)) == NULL)
			goto oom;
		(*n)++;
	}
	*out = v;
	return 0;
oom:
	while (*n > 0)
		free(v[--*n].text);
	free(v);
	*out = NULL;
	return -1;
}

struct drift {
	struct rt_nft_buf	 b;
	int		 n;
};

static void
drift(struct drift *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
drift(struct drift *d, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rt_nft_buf_printf(&d->b, "%s\n", line);
	d->n++;
}

static void
drift_rule(struct drift *d, const struct rt_nft *t, const char *chain,
    const struct crule *r, const char *what)
{
	char text[512];

	rt_nft_rule_format(t, r->rule, text, sizeof(text));
	if (r->line != 0)
		drift(d, "chain %s: %s (line %u): %s", chain, what, r->line,
		    text);
	else
		drift(d, "chain %s: %s: %s", chain, what, text);
}

static int
diff_rules(struct drift *d, const struct rt_nft *want,
    const struct rt_nft *live, int wc, int lc)
{
	const char *chain = nftnl_chain_get_str(want->chains[wc].o,
	    NFTNL_CHAIN_NAME);
	struct crule *w = NULL, *l = NULL;
	size_t nw = 0, nl = 0, i, j;
	int same = 1, r = -1;

	if (canon_rules(want, wc, &w, &nw) == -1 ||
	    canon_rules(live, lc, &l, &nl) == -1)
		goto out;
	if (nw != nl)
		same = 0;
	for (i = 0; i < nw && same; i++)
		if (strcmp(w[i].text, l[i].text) != 0)
			same = 0;
	if (!same) {
		for (i = 0; i < nw; i++)
			for (j = 0; j < nl; j++)
				if (!l[j].matched &&
				    strcmp(w[i].text, l[j].text) == 0) {
					w[i].matched = l[j].matched = 1;
					break;
				}
		for (i = 0; i < nw; i++)
			if (!w[i].matched)
				drift_rule(d, want, chain, &w[i],
				    "missing rule");
		for (j = 0; j < nl; j++)
			if (!l[j].matched)
				drift_rule(d, live, chain, &l[j],
				    "rule not in the bundle");
		if (nw == nl) {
			for (i = 0; i < nw && w[i].matched; i++)
				;
			if (i == nw)
				drift(d, "chain %s: rules in a different "
				    "order", chain);
		}
	}
	r = 0;
out:
	for (i = 0; i < nw; i++)
		free(w[i].text);
	for (j = 0; j < nl; j++)
		free(l[j].text);
	free(w);
	free(l);
	return r;
}

static int
diff_chains(struct drift *d, const struct rt_nft *want,
    const struct rt_nft *live)
{
	const struct rt_nft_obj *lc;
	char *a = NULL, *b = NULL;
	const char *name;
	size_t i;
	int order = want->n_chains == live->n_chains;

	for (i = 0; i < want->n_chains; i++) {
		name = nftnl_chain_get_str(want->chains[i].o,
		    NFTNL_CHAIN_NAME);
		if ((lc = rt_nft_chain_find(live, name)) == NULL) {
			drift(d, "chain %s: missing", name);
			order = 0;
			continue;
		}
		if (order && lc != &live->chains[i])
			order = 2;
		if ((a = canon_chain(want->chains[i].o)) == NULL ||
		    (b = canon_chain(lc->o)) == NULL)
			goto oom;
		if (strcmp(a, b) != 0)
			drift(d, "chain %s: is '%s', bundle has '%s'", name,
			    b, a);
		free(a);
		free(b);
		a = b = NULL;
		if (diff_rules(d, want, live, (int)i,
		    (int)(lc - live->chains)) == -1)
			return -1;
	}
	for (i = 0; i < live->n_chains; i++) {
		name = nftnl_chain_get_str(live->chains[i].o,
		    NFTNL_CHAIN_NAME);
		if (rt_nft_chain_find(want, name) == NULL) {
			drift(d, "chain %s: not in the bundle", name);
			order = 0;
		}
	}
	if (order == 2)
		drift(d, "chains in a different order");
	return 0;
oom:
	free(a);
	free(b);
	return -1;
}

/* Named sets: not in the subset, but part of the table. */
static int
diff_sets(struct drift *d, const struct rt_nft *want,
    const struct rt_nft *live)
{
	const struct rt_nft *side[2] = { want, live };
	const struct rt_nft_obj *o, *other;
	struct rt_nft_buf x = { 0 }, y = { 0 };
	const char *name;
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < side[k]->n_items; i++) {
			o = &side[k]->items[i];
			if (o->kind != RT_NFT_SET || (nftnl_set_get_u32(o->o,
			    NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS))
				continue;
			name = nftnl_set_get_str(o->o, NFTNL_SET_NAME);
			other = set_find_name(side[1 - k], name);
			if (other == NULL) {
				drift(d, "set %s: %s", name, k == 0 ?
				    "missing" : "not in the bundle");
				continue;
			}
			if (k == 1)
				continue;
			canon_set(&x, o->o);
			canon_set(&y, other->o);
			if (x.oom || y.oom) {
				free(x.p);
				free(y.p);
				return -1;
			}
			if (x.len != y.len || memcmp(x.p, y.p, x.len) != 0)
				drift(d, "set %s: differs", name);
			x.len = y.len = 0;
		}
	free(x.p);
	free(y.p);
	return 0;
}

/* Appends the differences between want and live to d. */
static int
diff_tables(struct drift *d, const struct rt_nft *want,
    const struct rt_nft *live)
{
	int wp = want != NULL && want->present;

	if (!wp && !live->present)
		return 0;
	if (!live->present) {
		drift(d, "table inet %s: missing", RT_NFT_TABLE);
		return 0;
	}
	if (!wp) {
		drift(d, "table inet %s: present, the bundle has none",
		    RT_NFT_TABLE);
		return 0;
	}
	if (want->table_flags != live->table_flags ||
	    want->udata_len != live->udata_len ||
	    (want->udata_len > 0 && memcmp(want->udata, live->udata,
	    want->udata_len) != 0))
		drift(d, "table inet %s: flags or comment differ",
		    RT_NFT_TABLE);
	if (diff_chains(d, want, live) == -1 ||
	    diff_sets(d, want, live) == -1 || d->b.oom)
		return -1;
	return 0;
}

/* 0 same, 1 drift (text in d), -1 error (message in err) */
static int
diff_live(struct nl *nl, const struct rt_nft *want, struct drift *d,
    char *err, size_t errlen)
{
	struct rt_nft *live;
	int r;

	if (live_read(nl, &live, err, errlen) == -1)
		return -1;
	r = diff_tables(d, want, live);
	rt_nft_free(live);
	if (r == -1)
		return rt_errf(err, errlen, "out of memory");
	return d->n > 0;
}

int
rt_nft_diff(const struct rt_nft *t, int netns_fd, char *out, size_t outlen)
{
	struct drift d = { .n = 0 };
	struct nl *nl;
	int r;

	if (outlen > 0)
		out[0] = '\0';
	if ((nl = nl_get(netns_fd, out, outlen)) == NULL)
		return -1;
	if ((r = diff_live(nl, t, &d, out, outlen)) == -1)
		nl_drop(nl);
	if (r == 1 && outlen > 0) {
		const char *p = d.b.p, *q, *end = d.b.p + d.b.len;
		size_t keep = d.b.len;

		/* too long: whole lines only, and say so */
		if (keep >= outlen)
			for (keep = 0; (q = memchr(p, '\n',
			    (size_t)(end - p))) != NULL &&
			    (size_t)(q + 1 - d.b.p) + 11 <= outlen; p = q + 1)
				keep = (size_t)(q + 1 - d.b.p);
		snprintf(out, outlen, "%.*s%s", (int)keep, d.b.p,
		    keep < d.b.len ? "...(more)\n" : "");
	}
	free(d.b.p);
	return r;
}

int
rt_nft_snapshot(int netns_fd, struct rt_nft **out, char *err,
    size_t errlen)
{
	struct rt_nft *t;
	struct nl *nl;

	*out = NULL;
	if ((nl = nl_get(netns_fd, err, errlen)) == NULL)
		return -1;
	if (live_read(nl, &t, err, errlen) == -1) {
		nl_drop(nl);
		return -1;
	}
	if (!t->present)
		rt_nft_free(t);
	else
		*out = t;
	return 0;
}

/* --- the batch --- */

struct batch {
	struct rt_nft_buf			 b;
	uint32_t			 seq0;	/* seq of the first message */
	const struct rt_nft_obj		**obj;	/* by seq - seq0 */
	const struct rt_nft_obj		*items_end;
	size_t				 n, cap;
	unsigned			 changes;
};

/* Starts a message for object o (NULL: table); NULL on OOM. */
static struct nlmsghdr *
batch_msg(struct batch *bt, struct nl *nl, uint16_t type, uint16_t flags,
    const struct rt_nft_obj *o)
{
	const struct rt_nft_obj **v;

	if (rt_nft_buf_reserve(&bt->b, 2 * NL_MSG_MAX) == -1)
		return NULL;
	if (bt->n == bt->cap) {
		bt->cap = bt->cap ? bt->cap * 2 : 64;
		if ((v = realloc(bt->obj, bt->cap * sizeof(*v))) == NULL)
			return NULL;
		bt->obj = v;
	}
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
batch_table(struct batch *bt, struct nl *nl, uint16_t type, int flags)
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
batch_elems(struct batch *bt, struct nl *nl, const struct rt_nft_obj *o)
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
batch_obj(struct batch *bt, struct nl *nl, const struct rt_nft_obj *o)
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
batch_build(struct batch *bt, struct nl *nl, const struct rt_nft *t,
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
batch_send(struct batch *bt, struct nl *nl, char *err, size_t errlen)
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
nft_apply(struct nl *nl, const struct rt_nft *t, int flags, char *err,
    size_t errlen)
{
	struct batch bt = { .b = { 0 } };
	struct drift d = { .n = 0 };
	int dry = flags & RT_NFT_DRYRUN, r;

	if (!(flags & (RT_NFT_FORCE | RT_NFT_DRYRUN))) {
		r = diff_live(nl, t, &d, err, errlen);
		free(d.b.p);
		if (r <= 0)
			return r;
	}
	if (batch_build(&bt, nl, t, dry) == -1)
		r = rt_errf(err, errlen, "out of memory");
	else {
		r = batch_send(&bt, nl, err, errlen);
		if (!dry)
			nft_msgs_sent += bt.changes;
	}
	free(bt.b.p);
	free(bt.obj);
	return r;
}

int
rt_nft_apply(const struct rt_nft *t, int netns_fd, int flags, char *err,
    size_t errlen)
{
	struct nl *nl;
	int r;

	if ((nl = nl_get(netns_fd, err, errlen)) == NULL)
		return -1;
	/* an error the kernel gave leaves the socket clean; others may not */
	if ((r = nft_apply(nl, t, flags, err, errlen)) == -1)
		nl_drop(nl);
	return r;
}

int
rt_nft_delete(int netns_fd, char *err, size_t errlen)
{
	return rt_nft_apply(NULL, netns_fd, 0, err, errlen);
}
