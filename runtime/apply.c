/*
 * apply.c - plan and run the steps from the live bundle to a new one.
 *
 * Old objects (what the applied record says is live) and new objects are
 * matched by key.  Unchanged objects are left alone, so re-applying the
 * same bundle sends nothing that changes state.  An unchanged object is
 * redone when what it sits on changes: a link recreated (everything on
 * it), an address changed (routes on that link), anything in a namespace
 * changed (its dnsmasq).  Old objects that are known not to be live any
 * more (reboot, container namespace recreated, link deleted behind our
 * back) are marked absent and simply re-created.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "journal.h"
#include "lab_fault.h"
#include "live.h"
#include "nft.h"
#include "report.h"
#include "rtplan.h"

struct lname {
	const char	*ns;
	const char	*name;
};

struct lset {
	struct lname	*v;
	size_t		 n, cap;
};

struct step {
	enum rt_obj_state	 kind;	/* ADD, DEL, CHANGE, ENSURE */
	struct rt_obj		*o;	/* DEL: the old object, else new */
	struct rt_obj		*old;	/* its old counterpart, if any */
	struct rt_nft		*nft;	/* target table (ADD/CHANGE nft) */
	struct rt_nft		*snap;	/* live table before the step */
	unsigned		 snapped:1;
	unsigned		 noinv:1;	/* did nothing: nothing to undo */
	unsigned		 was_up:1;	/* UP: link was up before */
	unsigned		 was_running:1;	/* process ran before */
	unsigned		 lo_had_addr:1;	/* lo had 127.0.0.1 before */
	char			 prior[12];	/* SYSCTL: value before */
	struct rt_buf		 inv;		/* inverse lines */
};

struct plan {
	struct rt_ctx			*c;
	const struct rt_bundle		*oldb, *newb;
	const struct rt_applied		*rec;
	struct rt_objset		 O, N;
	struct lset			 gone, fresh, changed, addrs;
	struct step			*steps;
	size_t				 nsteps;
	int				 reset;
	int				 verify;	/* check old objects live */
	int				 flags;
	const char			*memo_ns;	/* ns_changed's last */
	int				 memo_changed;
};

static int
lset_add(struct lset *s, const char *ns, const char *name)
{
	if (rt_vec_grow(&s->v, &s->cap, s->n, 1, sizeof(*s->v)) == -1)
		return -1;
	s->v[s->n].ns = ns;
	s->v[s->n++].name = name;
	return 0;
}

static int
lset_has(const struct lset *s, const char *ns, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0 &&
		    strcmp(s->v[i].ns, ns) == 0)
			return 1;
	return 0;
}

static int
is_link(const struct rt_obj *o)
{
	return o->type == RT_OBJ_NL && rt_op_is_link_create(&o->op);
}

/* Adds the links a link object makes (both ends of a veth). */
static int
lset_add_made(struct lset *s, const struct rt_obj *o)
{
	if (lset_add(s, RT_DEVNS, o->op.dev) == -1)
		return -1;
	if (o->op.kind == RT_OP_VETH && lset_add(s, o->op.ns, o->op.arg) == -1)
		return -1;
	return 0;
}

/* Whether a non-link object sits on a link in s (a sysctl does when it
 * is one interface's: only those name a dev). */
static int
depends_on(const struct rt_obj *o, const struct lset *s)
{
	if (o->type != RT_OBJ_NL || is_link(o))
		return 0;
	if (lset_has(s, o->ns, o->op.dev))
		return 1;
	return o->op.kind == RT_OP_MASTER && lset_has(s, RT_DEVNS, o->op.arg);
}

static int
perr(struct plan *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets ctx->err; the arguments may include ctx->err itself. */
static int
perr(struct plan *p, const char *fmt, ...)
{
	char buf[RT_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memcpy(p->c->err, buf, sizeof(buf));
	return -1;
}

static int
inv_add(struct step *s, const char *ns, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
inv_add(struct step *s, const char *ns, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rt_buf_printf(&s->inv, "%s %s\n", ns, line);
	return s->inv.oom ? -1 : 0;
}

static const char *
ns_name(const char *ns)
{
	return strcmp(ns, RT_DEVNS) == 0 ? "device" : ns;
}

/* --- liveness of the old objects ----------------------------------- */

static int
ns_changed(struct plan *p, const char *id)
{
	const struct rt_nsid *r;

	/* Asked object by object: id is the bundle's own string, shared
	 * by all the objects of a namespace. */
	if (id == p->memo_ns)
		return p->memo_changed;
	r = rt_applied_ns(p->rec, id);
	p->memo_ns = id;
	p->memo_changed = r == NULL || !rt_ctx_ns_is(rt_ctx_ns(p->c, id),
	    r->ino, r->cookie);
	return p->memo_changed;
}

/* Old objects that drifted away from the bundle are re-created: a
 * re-apply converges, and sends nothing when nothing drifted. */
static int
mark_drift(struct plan *p)
{
	struct rt_live *live;
	struct rt_nft *t;
	struct rt_obj *o;
	struct rt_ns *ns;
	char why[200], val[16];
	size_t i;

	if ((live = rt_live_new(p->c)) == NULL)
		return perr(p, "out of memory");
	for (i = 0; i < p->O.n; i++) {
		o = &p->O.v[i];
		if (o->absent || o->stale || (o->type != RT_OBJ_NL &&
		    o->type != RT_OBJ_NFT) || (ns = rt_ctx_ns(p->c, o->ns)) ==
		    NULL || ns->fd == -1)
			continue;
		why[0] = '\0';
		if (o->type == RT_OBJ_NFT) {
			t = NULL;
			if (rt_nft_load(&t, o->file->data, o->file->len, why,
			    sizeof(why)) == 0 && rt_nft_diff(t, ns->fd, why,
			    sizeof(why)) == 1)
				o->absent = 1;
			rt_nft_free(t);
		} else if (o->op.kind == RT_OP_SYSCTL) {
			if (rt_ctx_sysctl(p->c, ns, o->op.key, NULL, val,
			    sizeof(val)) == 0 && strcmp(val, o->op.val) != 0)
				o->absent = 1;
		} else if (o->op.kind != RT_OP_DHCPC &&
		    rt_live_nl(live, o, why, sizeof(why)) == 0)
			o->absent = 1;
		if (o->absent)
			rt_ctx_log(p->c, "drift: %s: %s: %s", ns_name(o->ns),
			    strchr(o->key, '\t') + 1, why);
	}
	rt_live_free(live);
	return 0;
}

static int
mark_absent(struct plan *p, struct rt_nl *dev)
{
	struct lset dead = { NULL, 0, 0 };
	struct rt_obj *o;
	size_t i;
	int r = 0;

	p->reset = 0;
	if (p->rec->bundle[0] != '\0') {
		char boot[40];

		rt_boot_id(boot);
		if (strcmp(boot, p->rec->boot) != 0 ||
		    !rt_ctx_ns_is(rt_ctx_ns(p->c, RT_DEVNS),
		    p->rec->devns.ino, p->rec->devns.cookie))
			p->reset = 1;
	}
	for (i = 0; i < p->O.n; i++) {
		o = &p->O.v[i];
		if (o->type != RT_OBJ_NL && o->type != RT_OBJ_NFT)
			continue;
		if (p->reset || (strcmp(o->ns, RT_DEVNS) != 0 &&
		    ns_changed(p, o->ns)))
			o->absent = 1;
		else if (p->verify && is_link(o) &&
		    rt_nl_link(dev, o->op.dev) == NULL)
			o->absent = 1;
		else if (o->op.kind == RT_OP_VETH && o->type == RT_OBJ_NL &&
		    ns_changed(p, o->op.ns))
			o->stale = 1;
		if (is_link(o) && (o->absent || o->stale))
			r |= lset_add_made(&dead, o);
	}
	if (!p->reset && p->verify && mark_drift(p) == -1)
		r = -1;
	for (i = 0; i < p->O.n; i++) {
		o = &p->O.v[i];
		if (is_link(o) && o->absent && !lset_has(&dead, RT_DEVNS,
		    o->op.dev))
			r |= lset_add_made(&dead, o);
	}
	for (i = 0; i < p->O.n; i++)
		if (depends_on(&p->O.v[i], &dead))
			p->O.v[i].absent = 1;
	free(dead.v);
	return r;
}

/* --- matching and invalidation -------------------------------------- */

static void
split(struct rt_obj *n)
{
	n->state = RT_ADD;
	if (n->match != NULL) {
		n->match->state = RT_DEL;
		n->match->match = NULL;
		n->match = NULL;
	}
}

static int
proc_ok(struct plan *p, const char *id, enum rt_proc kind)
{
	char path[64];
	struct stat st;
	struct rt_ns *ns = rt_ctx_ns(p->c, id);
	int pid = rt_proc_running(p->c, id, kind);

	if (pid == 0 || ns == NULL || RT_FAULT(noop))
		return 0;
	rt_strf(path, sizeof(path), "/proc/%d/ns/net", pid);
	return stat(path, &st) == 0 && (uint64_t)st.st_ino == ns->ino;
}

static int
ns_touched(struct plan *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->N.n; i++)
		if (p->N.v[i].type == RT_OBJ_NL && p->N.v[i].state == RT_ADD &&
		    strcmp(p->N.v[i].ns, id) == 0)
			return 1;
	for (i = 0; i < p->O.n; i++)
		if (p->O.v[i].type == RT_OBJ_NL && p->O.v[i].state == RT_DEL &&
		    strcmp(p->O.v[i].ns, id) == 0)
			return 1;
	return 0;
}

static int
plan_states(struct plan *p)
{
	struct rt_obj *n, *o;
	size_t i;
	int r = 0;

	for (i = 0; i < p->O.n; i++)
		p->O.v[i].state = RT_DEL;
	for (i = 0; i < p->N.n; i++) {
		n = &p->N.v[i];
		o = rt_objset_find(&p->O, n->key);
		n->state = RT_ADD;
		if (o == NULL)
			continue;
		n->match = o;
		o->match = n;
		o->state = RT_KEEP;
		n->state = RT_KEEP;
		if (n->type != RT_OBJ_NL && (n->file->len != o->file->len ||
		    memcmp(n->file->data, o->file->data, n->file->len) != 0))
			n->state = RT_CHANGE;
		if (o->absent || o->stale) {
			if (n->type == RT_OBJ_NL)
				split(n);
			else
				n->state = RT_CHANGE;
		}
	}
	/* Links made or unmade now, and what sits on them. */
	for (i = 0; i < p->N.n; i++)
		if (is_link(&p->N.v[i]) && p->N.v[i].state == RT_ADD)
			r |= lset_add_made(&p->fresh, &p->N.v[i]) |
			    lset_add_made(&p->changed, &p->N.v[i]);
	for (i = 0; i < p->O.n; i++)
		if (is_link(&p->O.v[i]) && p->O.v[i].state == RT_DEL)
			r |= lset_add_made(&p->gone, &p->O.v[i]) |
			    lset_add_made(&p->changed, &p->O.v[i]);
	if (r)
		return perr(p, "out of memory");
	for (i = 0; i < p->N.n; i++)
		if (p->N.v[i].state == RT_KEEP &&
		    depends_on(&p->N.v[i], &p->changed))
			split(&p->N.v[i]);
	/* Routes follow the addresses of their link. */
	for (i = 0; i < p->N.n; i++)
		if (p->N.v[i].type == RT_OBJ_NL &&
		    p->N.v[i].op.kind == RT_OP_ADDR &&
		    p->N.v[i].state == RT_ADD)
			r |= lset_add(&p->addrs, p->N.v[i].ns,
			    p->N.v[i].op.dev);
	for (i = 0; i < p->O.n; i++)
		if (p->O.v[i].type == RT_OBJ_NL &&
		    p->O.v[i].op.kind == RT_OP_ADDR &&
		    p->O.v[i].state == RT_DEL)
			r |= lset_add(&p->addrs, p->O.v[i].ns,
			    p->O.v[i].op.dev);
	if (r)
		return perr(p, "out of memory");
	for (i = 0; i < p->N.n; i++) {
		n = &p->N.v[i];
		if (n->state == RT_KEEP && n->type == RT_OBJ_NL &&
		    n->op.kind == RT_OP_ROUTE &&
		    lset_has(&p->addrs, n->ns, n->op.dev))
			split(n);
	}
	/* Processes: restart dnsmasq when its namespace changes; start
	 * what died. */
	for (i = 0; i < p->N.n; i++) {
		n = &p->N.v[i];
		if (n->type == RT_OBJ_DNSMASQ && n->state == RT_KEEP &&
		    ns_touched(p, n->ns))
			n->state = RT_CHANGE;
		if (n->type == RT_OBJ_DNSMASQ && n->state == RT_KEEP &&
		    !proc_ok(p, n->ns, RT_PROC_DNSMASQ))
			n->state = RT_ENSURE;
		if (n->type == RT_OBJ_NL && n->op.kind == RT_OP_DHCPC &&
		    n->state == RT_KEEP && !proc_ok(p, n->ns, RT_PROC_DHCPC))
			n->state = RT_ENSURE;
	}
	for (i = 0; i < p->O.n; i++) {
		o = &p->O.v[i];
		if (o->state == RT_DEL && depends_on(o, &p->gone) &&
		    o->op.kind != RT_OP_DHCPC)
			o->implied = 1;
	}
	for (i = 0; i < p->N.n; i++) {
		n = &p->N.v[i];
		if (n->state == RT_ADD && depends_on(n, &p->fresh) &&
		    n->op.kind != RT_OP_DHCPC)
			n->fresh = 1;
	}
	return 0;
}

/* --- pre-flight ----------------------------------------------------- */

static const struct rt_link *
live_link(struct plan *p, const char *ns, const char *name)
{
	struct rt_nl *nl = rt_ctx_nl(p->c, ns);

	return nl == NULL ? NULL : rt_nl_link(nl, name);
}

/* Whether an old link object of ours, deleted in this run, has name. */
static int
ours_going(struct plan *p, const char *ns, const char *name)
{
	size_t i;

	for (i = 0; i < p->O.n; i++) {
		const struct rt_obj *o = &p->O.v[i];

		if (!is_link(o) || o->state != RT_DEL || o->absent)
			continue;
		if (strcmp(ns, RT_DEVNS) == 0 && strcmp(o->op.dev, name) == 0)
			return 1;
		if (o->op.kind == RT_OP_VETH && strcmp(o->op.ns, ns) == 0 &&
		    strcmp(o->op.arg, name) == 0)
			return 1;
	}
	return 0;
}

static int
preflight_link(struct plan *p, const struct rt_obj *n)
{
	const struct rt_link *l;

	if (live_link(p, RT_DEVNS, n->op.dev) != NULL &&
	    !ours_going(p, RT_DEVNS, n->op.dev))
		return perr(p, "interface %s already exists in the device "
		    "namespace and was not created by edgenet-apply: refusing "
		    "to touch it", n->op.dev);
	if (n->op.kind != RT_OP_VETH)
		return 0;
	if (rt_ctx_nl(p->c, n->op.ns) == NULL)
		return perr(p, "%s (needed by %s)", p->c->err, n->op.dev);
	l = live_link(p, n->op.ns, n->op.arg);
	if (l != NULL && !ours_going(p, n->op.ns, n->op.arg))
		return perr(p, "interface %s already exists in namespace %s "
		    "and was not created by edgenet-apply: refusing to touch "
		    "it", n->op.arg, n->op.ns);
	return 0;
}

static int
lo_has_addr(struct plan *p, const char *ns, int index)
{
	struct rt_addr *a = NULL;
	size_t n = 0, i;
	int r = 0;

	if (rt_nl_addrs(rt_ctx_nl(p->c, ns), &a, &n, p->c->err,
	    sizeof(p->c->err)) == -1)
		return 1;	/* unknown: leave it alone */
	for (i = 0; i < n; i++)
		if (a[i].index == index && a[i].a.family == AF_INET)
			r = 1;
	free(a);
	return r;
}

/* A link the bundle uses but does not create must exist now. */
static int
preflight_uses(struct plan *p, struct step *s, const char *ns,
    const char *name, int master)
{
	const struct rt_link *l, *m;

	if (lset_has(&p->fresh, ns, name) ||
	    rt_objset_makes_link(&p->N, ns, name))
		return 0;
	if ((l = live_link(p, ns, name)) == NULL) {
		if (strcmp(ns, RT_DEVNS) == 0)
			return perr(p, "interface %s does not exist on the "
			    "device (missing physical port or client-network "
			    "bridge?)", name);
		return perr(p, "interface %s does not exist in namespace %s",
		    name, ns);
	}
	if (s->o->op.kind == RT_OP_UP && !master) {
		s->was_up = (l->flags & IFF_UP) != 0;
		if (!s->was_up && strcmp(name, "lo") == 0)
			s->lo_had_addr = lo_has_addr(p, ns, l->index);
	}
	if (s->o->op.kind == RT_OP_MASTER && !master && l->master != 0) {
		m = rt_nl_link_by_index(rt_ctx_nl(p->c, ns), l->master);
		if (m == NULL || (strcmp(m->name, s->o->op.arg) != 0 &&
		    !rt_objset_makes_link(&p->O, ns, m->name)))
			return perr(p, "interface %s is already enslaved to %s: "
			    "refusing to move it", name, m ? m->name : "?");
	}
	return 0;
}

static int
dnsmasq_check(struct plan *p, const struct rt_obj *n)
{
	char path[4096];
	int r;

	if (rt_dnsmasq_lint(n->file->data, n->file->len, p->c->err,
	    sizeof(p->c->err)) == -1)
		return perr(p, "instances/%s/%s", n->ns, p->c->err);
	/* (rt_dnsmasq_lint names the file "dnsmasq.conf:LINE".) */
	rt_strf(path, sizeof(path), "%s/dnsmasq-check.conf", p->c->state);
	if (rt_mkdirs(p->c->state, 0700) == -1 ||
	    rt_file_write_atomic(path, n->file->data, n->file->len,
	    0600) == -1)
		return perr(p, "%s: %s", path, strerror(errno));
	r = rt_dnsmasq_test(p->c, path);
	unlink(path);
	if (r == -1)
		return perr(p, "instances/%s/dnsmasq.conf: %s", n->ns,
		    p->c->err);
	return 0;
}

static int
preflight(struct plan *p)
{
	struct step *s;
	struct rt_ns *ns;
	size_t i;

	for (i = 0; i < p->nsteps; i++) {
		s = &p->steps[i];
		if (s->kind == RT_DEL)
			continue;
		if ((ns = rt_ctx_ns(p->c, s->o->ns)) == NULL)
			return -1;
		if (ns->fd == -1)
			return perr(p, "network namespace %s/%s does not exist "
			    "(instance %s: is its container created?)",
			    p->c->netns_dir, s->o->ns, s->o->ns);
		switch (s->o->type) {
		case RT_OBJ_NL:
			if (is_link(s->o)) {
				if (preflight_link(p, s->o) == -1)
					return -1;
				break;
			}
			if (s->o->op.kind == RT_OP_SYSCTL) {
				/* An interface made now has no value yet. */
				if (!s->o->fresh && rt_ctx_sysctl(p->c, ns,
				    s->o->op.key, NULL, s->prior,
				    sizeof(s->prior)) == -1)
					return -1;
				break;
			}
			if (s->o->op.kind == RT_OP_DHCPC)
				s->was_running = s->kind == RT_CHANGE;
			if (preflight_uses(p, s, s->o->ns, s->o->op.dev,
			    0) == -1)
				return -1;
			if (s->o->op.kind == RT_OP_MASTER &&
			    preflight_uses(p, s, RT_DEVNS, s->o->op.arg,
			    1) == -1)
				return -1;
			break;
		case RT_OBJ_NFT:
			if (rt_nft_load(&s->nft, s->o->file->data,
			    s->o->file->len, p->c->err,
			    sizeof(p->c->err)) == -1)
				return perr(p, "%s:%s", s->o->file->path,
				    p->c->err);
			if ((p->flags & RT_APPLY_DRYRUN) &&
			    rt_nft_apply(s->nft, ns->fd, RT_NFT_DRYRUN,
			    p->c->err, sizeof(p->c->err)) == -1)
				return perr(p, "%s: %s", s->o->file->path,
				    p->c->err);
			break;
		case RT_OBJ_DNSMASQ:
			s->was_running = rt_proc_running(p->c, s->o->ns,
			    RT_PROC_DNSMASQ) != 0;
			if (s->kind != RT_ENSURE && dnsmasq_check(p, s->o) == -1)
				return -1;
			break;
		case RT_OBJ_ENV:
			break;
		}
	}
	return 0;
}

/* --- steps and their inverses ------------------------------------- */

static int
cmp_pos_desc(const void *x, const void *y)
{
	const struct rt_obj *a = *(struct rt_obj *const *)x;
	const struct rt_obj *b = *(struct rt_obj *const *)y;

	return a->pos < b->pos ? 1 : a->pos > b->pos ? -1 : 0;
}

static int
device_owned(struct plan *p, const struct rt_obj *o)
{
	return !rt_objset_makes_link(&p->O, o->ns, o->op.dev) &&
	    !rt_objset_makes_link(&p->N, o->ns, o->op.dev);
}

static int
plan_steps(struct plan *p)
{
	struct rt_obj **del;
	size_t i, nd = 0, k = 0;

	if ((del = calloc(p->O.n + 1, sizeof(*del))) == NULL ||
	    (p->steps = calloc(p->O.n + p->N.n + 1, sizeof(*p->steps))) ==
	    NULL) {
		free(del);
		return perr(p, "out of memory");
	}
	for (i = 0; i < p->O.n; i++) {
		struct rt_obj *o = &p->O.v[i];

		if (o->state != RT_DEL || o->absent)
			continue;
		/* Ports and lo stay up: the device OS owns them. */
		if (o->type == RT_OBJ_NL && o->op.kind == RT_OP_UP &&
		    device_owned(p, o))
			continue;
		del[nd++] = o;
	}
	if (nd > 1)
		qsort(del, nd, sizeof(*del), cmp_pos_desc);
	for (i = 0; i < nd; i++) {
		p->steps[k].kind = RT_DEL;
		p->steps[k++].o = del[i];
	}
	free(del);
	for (i = 0; i < p->N.n; i++) {
		struct rt_obj *n = &p->N.v[i];

		if (n->state == RT_KEEP)
			continue;
		p->steps[k].kind = n->state;
		p->steps[k].o = n;
		p->steps[k++].old = rt_objset_find(&p->O, n->key);
	}
	p->nsteps = k;
	return 0;
}

static int
inverse_del(struct plan *p, struct step *s)
{
	const struct rt_obj *o = s->o;
	char text[176];

	switch (o->type) {
	case RT_OBJ_NL:
		if (o->op.kind == RT_OP_DHCPC)
			return inv_add(s, o->ns, "dhcpc-start %s", o->op.dev);
		if (rt_op_format(&o->op, text, sizeof(text)) == -1)
			return -1;
		return inv_add(s, o->ns, "nl %s", text);
	case RT_OBJ_NFT:
		return inv_add(s, o->ns, "nft %s %s", p->oldb->id,
		    o->file->path);
	case RT_OBJ_DNSMASQ:
		if (inv_add(s, o->ns, "dnsmasq-conf %s", p->oldb->id) == -1)
			return -1;
		if (rt_proc_running(p->c, o->ns, RT_PROC_DNSMASQ))
			return inv_add(s, o->ns, "dnsmasq-start");
		return 0;
	case RT_OBJ_ENV:
		return inv_add(s, o->ns, "env %s", p->oldb->id);
	}
	return 0;
}

static int
inverse_nl_add(struct step *s)
{
	const struct rt_obj *n = s->o;
	struct rt_op op = n->op;
	char text[176];

	switch (n->op.kind) {
	case RT_OP_VETH:
	case RT_OP_BRIDGE:
		return inv_add(s, RT_DEVNS, "nl link del dev %s", n->op.dev);
	case RT_OP_SYSCTL:
		if (n->fresh)
			return 0;	/* goes with the interface */
		return inv_add(s, n->ns, "nl #@ sysctl %s %s", n->op.key,
		    s->prior[0] ? s->prior : "0");
	case RT_OP_DHCPC:
		return inv_add(s, n->ns, "dhcpc-stop");
	default:
		break;
	}
	if (n->fresh)
		return 0;	/* goes with the link it sits on */
	switch (n->op.kind) {
	case RT_OP_MASTER:
		op.kind = RT_OP_NOMASTER;
		break;
	case RT_OP_UP:
		if (s->was_up)
			return 0;
		op.kind = RT_OP_DOWN;
		/* The kernel gives lo 127.0.0.1/8 when it first comes up,
		 * and keeps it when it goes down again. */
		if (strcmp(op.dev, "lo") == 0 && !s->lo_had_addr &&
		    (inv_add(s, n->ns, "nl link set dev lo down") == -1 ||
		    inv_add(s, n->ns, "nl address del 127.0.0.1/8 dev lo") ==
		    -1))
			return -1;
		if (strcmp(op.dev, "lo") == 0)
			return 0;
		break;
	case RT_OP_ADDR:
		op.kind = RT_OP_ADDRDEL;
		op.flags &= ~RT_OPF_NODAD;
		break;
	case RT_OP_ROUTE:
		op.kind = RT_OP_ROUTEDEL;
		break;
	case RT_OP_ALIAS:
		op.alias[0] = '\0';	/* ours only on links we make */
		break;
	default:
		return 0;
	}
	if (rt_op_format(&op, text, sizeof(text)) == -1)
		return -1;
	return inv_add(s, n->ns, "nl %s", text);
}

static int
inverse_add(struct plan *p, struct step *s)
{
	const struct rt_obj *n = s->o, *old = s->old;
	const char *oid = old != NULL && !old->absent ? p->oldb->id : "-";

	switch (n->type) {
	case RT_OBJ_NL:
		if (n->op.kind == RT_OP_DHCPC && s->kind == RT_ENSURE)
			return inv_add(s, n->ns, "dhcpc-stop");
		return inverse_nl_add(s);
	case RT_OBJ_NFT:
		if (strcmp(oid, "-") == 0)
			return inv_add(s, n->ns, "nft - -");
		return inv_add(s, n->ns, "nft %s %s", oid, old->file->path);
	case RT_OBJ_DNSMASQ:
		if (inv_add(s, n->ns, "dnsmasq-stop") == -1 ||
		    inv_add(s, n->ns, "dnsmasq-conf %s", old != NULL ?
		    p->oldb->id : "-") == -1)
			return -1;
		if (s->was_running)
			return inv_add(s, n->ns, "dnsmasq-start");
		return 0;
	case RT_OBJ_ENV:
		return inv_add(s, n->ns, "env %s", old != NULL ? p->oldb->id :
		    "-");
	}
	return 0;
}

/* --- running the steps -------------------------------------------- */

static int
tolerated(int e)
{
	return e == ENODEV || e == ESRCH || e == EADDRNOTAVAIL || e == ENOENT;
}

static int
fwd_nl(struct plan *p, struct step *s)
{
	struct rt_ctx *c = p->c;
	const struct rt_obj *o = s->o;
	struct rt_ns *ns = rt_ctx_ns(c, o->ns);
	struct rt_op op = o->op;
	struct rt_nl *nl;
	int fd = -1;

	if (ns == NULL)
		return -1;
	if (s->kind == RT_DEL) {
		if (o->implied || ns->fd == -1) {
			s->noinv = 0;
			return 0;
		}
		switch (op.kind) {
		case RT_OP_VETH:
		case RT_OP_BRIDGE:
			op.kind = RT_OP_LINKDEL;
			break;
		case RT_OP_MASTER:
			op.kind = RT_OP_NOMASTER;
			break;
		case RT_OP_UP:
			op.kind = RT_OP_DOWN;
			break;
		case RT_OP_ADDR:
			op.kind = RT_OP_ADDRDEL;
			break;
		case RT_OP_ROUTE:
			op.kind = RT_OP_ROUTEDEL;
			break;
		case RT_OP_ALIAS:
			op.alias[0] = '\0';
			break;
		case RT_OP_SYSCTL:
			/* Back to the kernel's default: forwarding off, an
			 * interface accepting router advertisements. */
			return rt_ctx_sysctl(c, ns, op.key, op.dev[0] ? "1" :
			    "0", NULL, 0);
		case RT_OP_DHCPC:
			return rt_proc_stop(c, o->ns, RT_PROC_DHCPC);
		default:
			return perr(p, "cannot remove '%s'", o->key);
		}
		if ((nl = rt_ctx_nl(c, o->ns)) == NULL)
			return -1;
		if (rt_nl_exec(nl, &op, -1, c->err, sizeof(c->err)) == -1 &&
		    !tolerated(errno))
			return -1;
		return 0;
	}
	switch (op.kind) {
	case RT_OP_SYSCTL:
		if (strcmp(s->prior, op.val) == 0) {
			s->noinv = 1;
			return 0;
		}
		return rt_ctx_sysctl(c, ns, op.key, op.val, NULL, 0);
	case RT_OP_DHCPC:
		if (s->kind == RT_ENSURE)
			rt_proc_stop(c, o->ns, RT_PROC_DHCPC);
		return rt_proc_start(c, o->ns, RT_PROC_DHCPC, op.dev);
	case RT_OP_VETH:
		fd = rt_ctx_ns(c, op.ns)->fd;
		break;
	default:
		break;
	}
	if ((nl = rt_ctx_nl(c, o->ns)) == NULL)
		return -1;
	if (op.kind == RT_OP_VETH) {
		/* The peer appears there: forget what was known by its name. */
		struct rt_ns *pns = rt_ctx_ns(c, op.ns);

		if (pns->nl_open)
			rt_nl_forget(&pns->nl, op.arg);
	}
	if (rt_nl_exec(nl, &op, fd, c->err, sizeof(c->err)) == 0)
		return 0;
	if (errno == EEXIST) {
		if (is_link(o)) {
			s->noinv = 1;	/* not ours: never delete it */
			return perr(p, "interface %s already exists and was not "
			    "created by edgenet-apply", op.kind == RT_OP_VETH &&
			    live_link(p, RT_DEVNS, op.dev) == NULL ? op.arg :
			    op.dev);
		}
		/* Already there (address, route): adopt, nothing to undo. */
		s->noinv = 1;
		return 0;
	}
	return -1;
}

static int
fwd_nft(struct plan *p, struct step *s)
{
	struct rt_ctx *c = p->c;
	struct rt_ns *ns = rt_ctx_ns(c, s->o->ns);

	if (ns == NULL)
		return -1;
	if (ns->fd == -1) {
		if (s->kind == RT_DEL)
			return 0;
		return perr(p, "network namespace %s does not exist",
		    s->o->ns);
	}
	if (rt_nft_snapshot(ns->fd, &s->snap, c->err, sizeof(c->err)) == -1)
		return -1;
	s->snapped = 1;
	c->stats.nft_batches++;
	if (s->kind == RT_DEL)
		return rt_nft_delete(ns->fd, c->err, sizeof(c->err));
	if (RT_FAULT(nft))
		return 0;
	return rt_nft_apply(s->nft, ns->fd, 0, c->err, sizeof(c->err));
}

static int
fwd_dnsmasq(struct plan *p, struct step *s)
{
	struct rt_ctx *c = p->c;
	const char *id = s->o->ns;

	if (s->kind != RT_ADD && rt_proc_stop(c, id, RT_PROC_DNSMASQ) == -1)
		return -1;
	if (s->kind == RT_DEL)
		return rt_install_ifile(c, NULL, id, "dnsmasq.conf");
	if (s->kind != RT_ENSURE &&
	    rt_install_ifile(c, p->newb, id, "dnsmasq.conf") == -1)
		return -1;
	return rt_proc_start(c, id, RT_PROC_DNSMASQ, NULL);
}

static int
fwd(struct plan *p, struct step *s)
{
	switch (s->o->type) {
	case RT_OBJ_NL:
		return fwd_nl(p, s);
	case RT_OBJ_NFT:
		return fwd_nft(p, s);
	case RT_OBJ_DNSMASQ:
		return fwd_dnsmasq(p, s);
	case RT_OBJ_ENV:
		return rt_install_ifile(p->c, s->kind == RT_DEL ? NULL :
		    p->newb, s->o->ns, "lxc.env");
	}
	return -1;
}

static void
undo_step(struct plan *p, struct rt_undo *u, struct step *s)
{
	char *q, *e;

	if (s->noinv || RT_FAULT(undo))
		return;
	if (s->snapped) {
		struct rt_ns *ns = rt_ctx_ns(p->c, s->o->ns);
		int r;

		/* The exact table from before, not the old bundle's. */
		if (s->snap != NULL)
			r = rt_nft_apply(s->snap, ns->fd, RT_NFT_FORCE,
			    p->c->err, sizeof(p->c->err));
		else
			r = rt_nft_delete(ns->fd, p->c->err,
			    sizeof(p->c->err));
		if (r == -1) {
			rt_ctx_log(p->c, "undo nft in %s: %s",
			    ns_name(s->o->ns), p->c->err);
			u->failures++;
		}
		return;
	}
	for (q = s->inv.p; q != NULL && *q != '\0'; q = e + 1) {
		if ((e = strchr(q, '\n')) == NULL)
			break;
		*e = '\0';
		rt_undo_line(u, q);
		*e = '\n';
	}
}

static const char *const step_verb[] = { "keep", "add", "remove", "change",
    "restart" };

static const char *
step_object(const struct step *s)
{
	const char *k = strchr(s->o->key, '\t');

	return k != NULL ? k + 1 : s->o->key;
}

static void
step_describe(const struct step *s, char *buf, size_t len)
{
	rt_strf(buf, len, "%s %s: %s", step_verb[s->kind], ns_name(s->o->ns),
	    step_object(s));
}

/* The rules an nft step adds and removes, from the live table. */
static int
print_rule(const struct rt_nft_delta *x, void *arg)
{
	if (x->rule != 0)
		rt_report_rule(arg, x->rule > 0, x->object + 6, x->rule > 0 ?
		    x->expected : x->found);
	return 0;
}

static void
print_step(struct plan *p, const struct step *s)
{
	struct rt_ns *ns = rt_ctx_ns(p->c, s->o->ns);
	char err[RT_ERRLEN];

	rt_report_step(p->c->report, step_verb[s->kind], s->o->ns,
	    step_object(s));
	if (s->o->type == RT_OBJ_NFT && ns != NULL && ns->fd != -1)
		rt_nft_diff_each(s->kind == RT_DEL ? NULL : s->nft, ns->fd,
		    RT_NFT_DIFF_RULES, print_rule, p->c->report, err,
		    sizeof(err));
}

static int
run_steps(struct plan *p)
{
	struct rt_ctx *c = p->c;
	struct rt_undo u;
	char what[300], why[RT_ERRLEN];
	size_t i, j;
	int r;

	for (i = 0; i < p->nsteps; i++) {
		struct step *s = &p->steps[i];

		c->step++;
		if (c->fail_step == c->step || RT_FAULT(fail))
			r = perr(p, "injected failure at step %ld",
			    c->step);
		else
			r = fwd(p, s);
		if (c->kill_step == c->step)
			raise(SIGKILL);
		if (r == 0) {
			rt_journal_done(c, i);
			continue;
		}
		step_describe(s, what, sizeof(what));
		rt_strf(why, sizeof(why), "%s", c->err);
		rt_ctx_log(c, "step %zu/%zu (%s) failed: %s; rolling back",
		    i + 1, p->nsteps, what, why);
		memset(&u, 0, sizeof(u));
		u.c = c;
		u.known = p->oldb;
		for (j = i + 1; j-- > 0;)
			undo_step(p, &u, &p->steps[j]);
		rt_undo_fini(&u);
		if (u.failures > 0)
			rt_strf(c->err, sizeof(c->err), "%s (step %zu: %s); "
			    "rollback incomplete: %d inverse steps failed",
			    why, i + 1, what, u.failures);
		else
			rt_strf(c->err, sizeof(c->err), "%s (step %zu: %s); "
			    "rolled back, nothing changed", why, i + 1, what);
		return -1;
	}
	return 0;
}

static void
plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nsteps; i++) {
		rt_nft_free(p->steps[i].nft);
		rt_nft_free(p->steps[i].snap);
		rt_buf_free(&p->steps[i].inv);
	}
	free(p->steps);
	free(p->gone.v);
	free(p->fresh.v);
	free(p->changed.v);
	free(p->addrs.v);
	rt_objset_free(&p->O);
	rt_objset_free(&p->N);
}

static int
commit(struct plan *p, const char *txn, const char *previous)
{
	struct rt_applied a;
	struct rt_ns *ns;
	size_t i;
	int r;

	memset(&a, 0, sizeof(a));
	rt_strf(a.bundle, sizeof(a.bundle), "%s", p->newb->id);
	rt_strf(a.previous, sizeof(a.previous), "%s", previous);
	rt_strf(a.txn, sizeof(a.txn), "%s", txn);
	rt_boot_id(a.boot);
	if ((ns = rt_ctx_ns(p->c, RT_DEVNS)) != NULL) {
		a.devns.ino = ns->ino;
		a.devns.cookie = ns->cookie;
	}
	if (p->newb->nids > 0 &&
	    (a.ns = calloc(p->newb->nids, sizeof(*a.ns))) == NULL)
		return perr(p, "out of memory");
	for (i = 0; i < p->newb->nids; i++) {
		ns = rt_ctx_ns(p->c, p->newb->ids[i]);
		rt_strf(a.ns[i].id, sizeof(a.ns[i].id), "%s",
		    p->newb->ids[i]);
		if (ns != NULL && ns->fd != -1) {
			a.ns[i].ino = ns->ino;
			a.ns[i].cookie = ns->cookie;
		}
	}
	a.nns = p->newb->nids;
	/* Instance files were written without fsync: --recover re-installs
	 * them from the (fsynced) stored bundle if a power loss tore them. */
	r = rt_applied_write(p->c, &a);
	rt_applied_free(&a);
	return r;
}

static void
cleanup(struct plan *p, const char *previous)
{
	size_t i, j;

	rt_store_gc(p->c, p->newb->id[0] ? p->newb->id : "-",
	    previous[0] ? previous : "-");
	for (i = 0; i < p->oldb->nids; i++) {
		for (j = 0; j < p->newb->nids; j++)
			if (strcmp(p->oldb->ids[i], p->newb->ids[j]) == 0)
				break;
		if (j == p->newb->nids)
			rt_state_drop_instance(p->c, p->oldb->ids[i]);
	}
}

static int
same_record(struct plan *p, const char *previous)
{
	size_t i;

	if (p->reset || strcmp(p->rec->bundle, p->newb->id) != 0 ||
	    strcmp(p->rec->previous, previous) != 0)
		return 0;
	for (i = 0; i < p->newb->nids; i++)
		if (ns_changed(p, p->newb->ids[i]))
			return 0;
	return 1;
}

int
rt_apply(struct rt_ctx *c, const struct rt_bundle *old,
    const struct rt_bundle *new, const struct rt_applied *rec,
    const char *previous, int flags)
{
	struct plan p;
	struct rt_jstep *js = NULL;
	struct rt_nl *dev;
	char txn[40], what[300];
	size_t i;
	int r = -1;

	memset(&p, 0, sizeof(p));
	p.c = c;
	p.oldb = old;
	p.newb = new;
	p.rec = rec;
	p.flags = flags;
	if (rt_objset_build(&p.N, new, c->err, sizeof(c->err)) == -1 ||
	    (old == new ? rt_objset_copy(&p.O, &p.N) :
	    rt_objset_build(&p.O, old, c->err, sizeof(c->err))) == -1) {
		if (old == new)
			perr(&p, "out of memory");
		goto out;
	}
	/* Re-applying the applied bundle trusts the record (boot id,
	 * namespace identities) and stays cheap; --repair, or any other
	 * bundle, checks every old object against the kernel. */
	p.verify = (flags & RT_APPLY_REPAIR) || strcmp(rec->bundle,
	    new->id) != 0;
	if ((dev = rt_ctx_nl(c, RT_DEVNS)) == NULL ||
	    (p.verify && rt_nl_links(dev, c->err, sizeof(c->err)) == -1))
		goto out;
	if (mark_absent(&p, dev) == -1 || plan_states(&p) == -1 ||
	    plan_steps(&p) == -1 || preflight(&p) == -1)
		goto out;
	if (flags & RT_APPLY_PRINT)
		rt_report_begin(c->report, new->id, "steps");
	for (i = 0; i < p.nsteps; i++) {
		struct step *s = &p.steps[i];

		if ((s->kind == RT_DEL ? inverse_del(&p, s) :
		    inverse_add(&p, s)) == -1) {
			perr(&p, "out of memory");
			goto out;
		}
		if (flags & RT_APPLY_PRINT)
			print_step(&p, s);
	}
	if (flags & RT_APPLY_PRINT)
		rt_report_end(c->report);
	if (flags & RT_APPLY_DRYRUN) {
		r = 0;
		goto out;
	}
	if (p.nsteps == 0 && same_record(&p, previous)) {
		r = 0;	/* nothing to do, and nothing written */
		goto out;
	}
	if (new->id[0] != '\0' && rt_store_put(c, new) == -1)
		goto out;
	rt_strf(txn, sizeof(txn), "%llx-%x",
	    (unsigned long long)time(NULL), (unsigned)getpid());
	if ((js = calloc(p.nsteps + 1, sizeof(*js))) == NULL) {
		perr(&p, "out of memory");
		goto out;
	}
	for (i = 0; i < p.nsteps; i++)
		js[i].lines = p.steps[i].inv.p != NULL ? p.steps[i].inv.p :
		    "";
	if (p.nsteps > 0 && rt_journal_begin(c, txn, new->id, old->id, js,
	    p.nsteps) == -1)
		goto out;
	if (run_steps(&p) == -1) {
		rt_journal_end(c);
		/* A refused bundle leaves no copy behind. */
		rt_store_gc(c, rec->bundle[0] ? rec->bundle : "-",
		    rec->previous[0] ? rec->previous : "-");
		goto out;
	}
	if (commit(&p, txn, previous) == -1) {
		/* Not recorded: undo through the journal, as after a crash. */
		rt_ctx_log(c, "commit failed: %s; rolling back", c->err);
		rt_strf(what, sizeof(what), "%s", c->err);
		rt_recover(c);
		rt_errf(c->err, sizeof(c->err), "%s", what);
		goto out;
	}
	/* Tests kill here (EDGENET_KILL_STEP = steps + 1): committed, with
	 * the journal and the cleanup left for --recover. */
	if (c->kill_step == c->step + 1 && p.nsteps > 0)
		raise(SIGKILL);
	if (p.nsteps > 0)
		rt_journal_end(c);
	cleanup(&p, previous);
	r = 0;
out:
	free(js);
	plan_free(&p);
	return r;
}
