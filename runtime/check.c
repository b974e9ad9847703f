/*
 * check.c - `edgenet-apply --check`: the live state against a bundle.
 * Reads only; every difference is one item of the report on stdout
 * (report.h): the namespace, the object, what the bundle expects and
 * what was found.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "lab_fault.h"
#include "live.h"
#include "nft.h"
#include "report.h"
#include "rtplan.h"

struct chk {
	struct rt_ctx	*c;
	struct rt_live	*live;
	int		 drift;
};

static void
drift(struct chk *k, const char *ns, const char *object, const char *expected,
    const char *found, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* One difference; fmt makes its text form. */
static void
drift(struct chk *k, const char *ns, const char *object, const char *expected,
    const char *found, const char *fmt, ...)
{
	char text[1200];
	va_list ap;

	if (RT_FAULT(check))
		return;
	k->drift = 1;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	rt_report_drift(k->c->report, ns, object, expected, found, text);
}

static void
check_nl(struct chk *k, const struct rt_obj *o, const char *text)
{
	const struct rt_op *op = &o->op;
	struct rt_ns *ns = rt_ctx_ns(k->c, o->ns);
	char why[200], val[16] = "";

	if (ns == NULL || ns->fd == -1) {
		drift(k, o->ns, text, "present", "namespace missing",
		    "%s: namespace missing", text);
		return;
	}
	if (op->kind == RT_OP_SYSCTL) {
		if (rt_ctx_sysctl(k->c, ns, op->key, NULL, val,
		    sizeof(val)) == -1 || strcmp(val, op->val) != 0)
			drift(k, o->ns, text, op->val, val, "%s: live value %s",
			    text, val);
		return;
	}
	if (op->kind == RT_OP_DHCPC) {
		if (!rt_proc_running(k->c, o->ns, RT_PROC_DHCPC))
			drift(k, o->ns, text, "running", "not running",
			    "%s: DHCP client not running", text);
		return;
	}
	if (rt_live_nl(k->live, o, why, sizeof(why)) != 1)
		drift(k, o->ns, text, "present", why, "%s: %s", text, why);
}

static void
check_file(struct chk *k, const struct rt_obj *o, const char *name)
{
	char path[4096], *s = NULL, *want = NULL;
	size_t n = 0, wn = o->file->len;

	want = o->file->data;
	if (o->type == RT_OBJ_DNSMASQ) {
		if (rt_dnsmasq_render(o->file->data, o->file->len, &want,
		    &wn) == -1)
			return;
		if (!rt_proc_running(k->c, o->ns, RT_PROC_DNSMASQ))
			drift(k, o->ns, "dnsmasq", "running", "not running",
			    "dnsmasq not running");
	}
	if (rt_ipath(k->c, o->ns, name, path, sizeof(path)) == 0 &&
	    rt_file_read(path, RT_BUNDLE_FILE_MAX, &s, &n) == 0) {
		if (n != wn || memcmp(s, want, n) != 0)
			drift(k, o->ns, path, "the bundle's content",
			    "other content", "%s differs from the bundle",
			    path);
	} else
		drift(k, o->ns, path, "the bundle's content", NULL,
		    "%s missing", path);
	free(s);
	if (want != o->file->data)
		free(want);
}

struct nft_chk {
	struct chk	*k;
	const char	*ns;
};

static int
nft_delta(const struct rt_nft_delta *x, void *arg)
{
	struct nft_chk *n = arg;
	char object[96];

	rt_strf(object, sizeof(object), "nft %s", x->object);
	drift(n->k, n->ns, object, x->expected, x->found, "nft: %s: %s",
	    x->object, x->text);
	return 0;
}

static void
check_nft(struct chk *k, const char *ns, const struct rt_bfile *f)
{
	struct nft_chk n = { k, ns };
	struct rt_nft *t = NULL;
	struct rt_ns *s = rt_ctx_ns(k->c, ns);
	char err[RT_ERRLEN];

	if (s == NULL || s->fd == -1)
		return;
	if (f != NULL && rt_nft_load(&t, f->data, f->len, err,
	    sizeof(err)) == -1)
		drift(k, ns, f->path, "a valid table", err, "%s: %s", f->path,
		    err);
	else if (rt_nft_diff_each(t, s->fd, 0, nft_delta, &n, err,
	    sizeof(err)) == -1)
		drift(k, ns, "nft", "a readable table", err, "nft: %s", err);
	rt_nft_free(t);
}

int
rt_check(struct rt_ctx *c, const struct rt_bundle *b)
{
	struct rt_objset s;
	struct chk k;
	const char *text;
	size_t i;

	memset(&k, 0, sizeof(k));
	k.c = c;
	if ((k.live = rt_live_new(c)) == NULL)
		return rt_errf(c->err, sizeof(c->err), "out of memory");
	if (rt_objset_build(&s, b, c->err, sizeof(c->err)) == -1) {
		rt_live_free(k.live);
		return -1;
	}
	rt_report_begin(c->report, b->id, "drift");
	for (i = 0; i < s.n; i++) {
		const struct rt_obj *o = &s.v[i];

		text = strchr(o->key, '\t') + 1;
		switch (o->type) {
		case RT_OBJ_NL:
			check_nl(&k, o, text);
			break;
		case RT_OBJ_NFT:
			break;
		case RT_OBJ_DNSMASQ:
			check_file(&k, o, "dnsmasq.conf");
			break;
		case RT_OBJ_ENV:
			check_file(&k, o, "lxc.env");
			break;
		}
	}
	check_nft(&k, RT_DEVNS, rt_bundle_file(b, "host.nft"));
	for (i = 0; i < b->nids; i++)
		check_nft(&k, b->ids[i], rt_bundle_ifile(b, b->ids[i],
		    "netns.nft"));
	rt_report_end(c->report);
	rt_live_free(k.live);
	rt_objset_free(&s);
	return k.drift;
}
