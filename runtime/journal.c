/*
 * journal.c - write-ahead journal of inverse steps, and running them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "apply.h"
#include "journal.h"
#include "lab_fault.h"
#include "nft.h"
#include "state.h"

static int
jpath(const struct rt_ctx *c, char *buf, size_t len)
{
	return rt_strf(buf, len, "%s/journal", c->state);
}

static void
jfd_drop(struct rt_ctx *c)
{
	if (c->jfd != -1)
		close(c->jfd);
	c->jfd = -1;
}

int
rt_journal_begin(struct rt_ctx *c, const char *txn, const char *newid,
    const char *oldid, const struct rt_jstep *steps, size_t n)
{
	char *buf, *p, *q, *e;
	size_t i, cap = 256;
	int r;

	for (i = 0; i < n; i++)
		cap += strlen(steps[i].lines) * 2 + 64;
	if ((buf = malloc(cap)) == NULL)
		return rt_errf(c->err, sizeof(c->err), "out of memory");
	p = buf + sprintf(buf, "edgenet-journal 1\ntxn %s\nnew %s\nold %s\n"
	    "steps %zu\n", txn, newid[0] ? newid : "-",
	    oldid[0] ? oldid : "-", n);
	for (i = 0; i < n; i++)
		for (q = steps[i].lines; *q != '\0'; q = e + 1) {
			if ((e = strchr(q, '\n')) == NULL)
				break;
			p += sprintf(p, "u %zu %.*s\n", i, (int)(e - q), q);
		}
	jfd_drop(c);
	r = rt_state_put(c, "journal", buf, (size_t)(p - buf));
	free(buf);
	return r;
}

void
rt_journal_done(struct rt_ctx *c, size_t k)
{
	char path[4096], line[32];
	int n;

	/* One open for the run's steps (the journal is replaced by rename
	 * at begin, so the descriptor is dropped there and at the end). */
	if (c->jfd == -1) {
		jpath(c, path, sizeof(path));
		if ((c->jfd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) ==
		    -1)
			return;
	}
	n = snprintf(line, sizeof(line), "d %zu\n", k);
	if (write(c->jfd, line, (size_t)n) != n)
		rt_ctx_log(c, "journal: %s", strerror(errno));
}

void
rt_journal_end(struct rt_ctx *c)
{
	char path[4096];

	jfd_drop(c);
	jpath(c, path, sizeof(path));
	unlink(path);
	rt_dir_fsync(c->state);
}

int
rt_install_ifile(struct rt_ctx *c, const struct rt_bundle *b, const char *id,
    const char *name)
{
	const struct rt_bfile *f = NULL;
	char path[4096];

	if (rt_ipath(c, id, name, path, sizeof(path)) == -1)
		return rt_errf(c->err, sizeof(c->err), "path too long");
	if (b != NULL)
		f = rt_bundle_ifile(b, id, name);
	if (f == NULL) {
		if (unlink(path) == -1 && errno != ENOENT)
			return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
			    strerror(errno));
		return 0;
	}
	if (rt_ipath(c, id, "", path, sizeof(path)) == -1 ||
	    rt_mkdirs(path, 0700) == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	rt_ipath(c, id, name, path, sizeof(path));
	c->stats.files++;
	if (strcmp(name, "dnsmasq.conf") == 0)
		return rt_dnsmasq_install(c, id, f->data, f->len, path);
	if (rt_file_replace(path, f->data, f->len, 0600, 0) == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	return 0;
}

static const struct rt_bundle *
undo_bundle(struct rt_undo *u, const char *id)
{
	if (strcmp(id, "-") == 0)
		return NULL;
	if (u->known != NULL && strcmp(u->known->id, id) == 0)
		return u->known;
	if (u->have_loaded && strcmp(u->loaded.id, id) == 0)
		return &u->loaded;
	if (u->have_loaded)
		rt_bundle_free(&u->loaded);
	u->have_loaded = 0;
	if (rt_store_get(u->c, id, &u->loaded) == -1) {
		rt_bundle_free(&u->loaded);
		return NULL;
	}
	u->have_loaded = 1;
	return &u->loaded;
}

static int
undo_nl(struct rt_undo *u, struct rt_ns *ns, const char *text)
{
	struct rt_ctx *c = u->c;
	struct rt_nl *nl;
	struct rt_ns *peer;
	struct rt_op op;
	int fd = -1;

	if (rt_batch_parse_line(text, strlen(text), RT_BATCH_INTERNAL, &op,
	    c->err, sizeof(c->err)) != 0)
		return -1;
	if (op.kind == RT_OP_SYSCTL) {
		if (rt_ctx_sysctl(c, ns, op.key, op.val, NULL, 0) == 0)
			return 0;
		/* An interface's key: gone with its interface. */
		return op.dev[0] != '\0' && errno == ENOENT ? 0 : -1;
	}
	if (op.kind == RT_OP_DHCPC)
		return rt_proc_start(c, ns->id, RT_PROC_DHCPC, op.dev);
	if (op.kind == RT_OP_VETH) {
		if ((peer = rt_ctx_ns(c, op.ns)) == NULL || peer->fd == -1)
			return 0;	/* its namespace is gone: so is it */
		fd = peer->fd;
	}
	if ((nl = rt_ctx_nl(c, ns->id)) == NULL)
		return -1;
	if (rt_nl_exec(nl, &op, fd, c->err, sizeof(c->err)) == 0)
		return 0;
	/* Already undone, or its step never ran. */
	if (errno == EEXIST || errno == ENODEV || errno == ESRCH ||
	    errno == EADDRNOTAVAIL || errno == ENOENT)
		return 0;
	return -1;
}

static int
undo_nft(struct rt_undo *u, struct rt_ns *ns, const char *bid,
    const char *path)
{
	struct rt_ctx *c = u->c;
	const struct rt_bundle *b;
	const struct rt_bfile *f;
	struct rt_nft *t = NULL;
	int r;

	if (strcmp(bid, "-") == 0)
		return rt_nft_delete(ns->fd, c->err, sizeof(c->err));
	if ((b = undo_bundle(u, bid)) == NULL)
		return -1;
	if ((f = rt_bundle_file(b, path)) == NULL)
		return rt_errf(c->err, sizeof(c->err), "stored bundle lacks %s",
		    path);
	if (rt_nft_load(&t, f->data, f->len, c->err, sizeof(c->err)) == -1)
		return -1;
	r = rt_nft_apply(t, ns->fd, RT_NFT_FORCE, c->err, sizeof(c->err));
	rt_nft_free(t);
	return r;
}

void
rt_undo_line(struct rt_undo *u, const char *line)
{
	struct rt_ctx *c = u->c;
	char id[RT_IDLEN], verb[16], a1[300], a2[300];
	const char *rest;
	struct rt_ns *ns;
	int r = 0, n;

	a1[0] = a2[0] = '\0';
	if (sscanf(line, "%63s %15s %n", id, verb, &n) < 2) {
		rt_ctx_log(c, "journal: bad line '%s'", line);
		u->failures++;
		return;
	}
	rest = line + n;
	sscanf(rest, "%299s %299s", a1, a2);
	if ((ns = rt_ctx_ns(c, id)) == NULL) {
		u->failures++;
		return;
	}
	if (strcmp(verb, "nl") == 0 || strcmp(verb, "nft") == 0) {
		if (ns->fd == -1)
			return;	/* namespace gone, and all in it */
		r = verb[1] == 'l' ? undo_nl(u, ns, rest) :
		    undo_nft(u, ns, a1, a2);
	} else if (strcmp(verb, "dnsmasq-stop") == 0)
		r = rt_proc_stop(c, id, RT_PROC_DNSMASQ);
	else if (strcmp(verb, "dhcpc-stop") == 0)
		r = rt_proc_stop(c, id, RT_PROC_DHCPC);
	else if (strcmp(verb, "dnsmasq-start") == 0) {
		if (ns->fd != -1 && !rt_proc_running(c, id, RT_PROC_DNSMASQ))
			r = rt_proc_start(c, id, RT_PROC_DNSMASQ, NULL);
	} else if (strcmp(verb, "dhcpc-start") == 0) {
		if (ns->fd != -1 && !rt_proc_running(c, id, RT_PROC_DHCPC))
			r = rt_proc_start(c, id, RT_PROC_DHCPC, a1);
	} else if (strcmp(verb, "dnsmasq-conf") == 0 ||
	    strcmp(verb, "env") == 0) {
		const struct rt_bundle *b = undo_bundle(u, a1);

		if (b == NULL && strcmp(a1, "-") != 0)
			r = -1;
		else
			r = rt_install_ifile(c, b, id, verb[0] == 'e' ?
			    "lxc.env" : "dnsmasq.conf");
	} else
		r = rt_errf(c->err, sizeof(c->err), "unknown verb");
	if (r == -1) {
		rt_ctx_log(c, "undo '%s': %s", line, c->err);
		u->failures++;
	}
}

void
rt_undo_fini(struct rt_undo *u)
{
	if (u->have_loaded)
		rt_bundle_free(&u->loaded);
	u->have_loaded = 0;
}

int
rt_recover(struct rt_ctx *c)
{
	struct rt_applied rec;
	struct rt_undo u;
	char path[4096], *text, *p, *e, txn[40] = "", oldid[72] = "-";
	char **lines = NULL;
	size_t *lstep = NULL, nl = 0, len, nsteps = 0, i, lcap = 0, scap = 0;
	long maxdone = -1, limit, k;

	jpath(c, path, sizeof(path));
	if (RT_FAULT(recover))
		return unlink(path) == -1 && errno != ENOENT ? -1 : 0;
	if (rt_file_read(path, 64u << 20, &text, &len) == -1) {
		if (errno == ENOENT)
			return 0;
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	}
	for (p = text; *p != '\0'; p = e + 1) {
		size_t s;

		if ((e = strchr(p, '\n')) == NULL)
			break;	/* a torn last line: ignore it */
		*e = '\0';
		if (sscanf(p, "txn %39s", txn) == 1 ||
		    sscanf(p, "old %71s", oldid) == 1 ||
		    sscanf(p, "steps %zu", &nsteps) == 1)
			continue;
		if (sscanf(p, "d %zu", &s) == 1) {
			if ((long)s > maxdone)
				maxdone = (long)s;
		} else if (p[0] == 'u' && sscanf(p, "u %zu", &s) == 1) {
			if (rt_vec_grow(&lines, &lcap, nl, 1,
			    sizeof(*lines)) == -1 || rt_vec_grow(&lstep, &scap,
			    nl, 1, sizeof(*lstep)) == -1) {
				free(lines);
				free(lstep);
				free(text);
				return rt_errf(c->err, sizeof(c->err),
				    "out of memory");
			}
			lines[nl] = strchr(p + 2, ' ');
			lstep[nl++] = s;
			if (lines[nl - 1] == NULL)
				nl--;
			else
				lines[nl - 1]++;
		}
	}
	if (rt_applied_read(c, &rec) == -1)
		goto fail;
	if (txn[0] != '\0' && strcmp(rec.txn, txn) == 0) {
		/* The apply committed; only its cleanup was cut short. */
		rt_ctx_log(c, "recover: the interrupted apply had committed");
	} else {
		limit = maxdone + 1;
		if (limit >= (long)nsteps)
			limit = (long)nsteps - 1;
		rt_ctx_log(c, "recover: undoing %ld of %zu steps of an "
		    "interrupted apply", limit + 1, nsteps);
		memset(&u, 0, sizeof(u));
		u.c = c;
		for (k = limit; k >= 0; k--)
			for (i = 0; i < nl; i++)
				if ((long)lstep[i] == k)
					rt_undo_line(&u, lines[i]);
		rt_undo_fini(&u);
		if (u.failures > 0)
			rt_ctx_log(c, "recover: %d inverse steps failed",
			    u.failures);
	}
	rt_applied_free(&rec);
	free(lines);
	free(lstep);
	free(text);
	rt_journal_end(c);
	return 1;
fail:
	free(lines);
	free(lstep);
	free(text);
	return -1;
}
