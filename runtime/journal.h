/*
 * journal.h - STATE/journal: the inverse of every step of the apply in
 * progress, written and fsynced before the first change, then one "done"
 * mark per step (written, not fsynced: the kernel state it describes does
 * not survive a power loss either).  Inverse lines are
 *
 *   NS nl BATCH-LINE          (internal batch syntax, run in NS)
 *   NS nft BUNDLE PATH        (apply a stored bundle's file; "- -": delete)
 *   ID dnsmasq-stop | dnsmasq-start | dnsmasq-conf BUNDLE|-
 *   ID dhcpc-stop | dhcpc-start DEV
 *   ID env BUNDLE|-           (install a stored bundle's lxc.env, or remove)
 *
 * and every one of them is safe to run whether or not its step happened.
 */
#ifndef EDGENET_RT_JOURNAL_H
#define EDGENET_RT_JOURNAL_H

#include "bundle.h"
#include "ctx.h"

/* Where undo finds the stored bundles inverse lines refer to. */
struct rt_undo {
	struct rt_ctx		*c;
	const struct rt_bundle	*known;		/* in memory, may be NULL */
	struct rt_bundle	 loaded;
	int			 have_loaded;
	int			 failures;
};

/* Runs one inverse line; errors meaning "already undone" are ignored,
 * others counted in u->failures and logged.  */
void	rt_undo_line(struct rt_undo *u, const char *line);
void	rt_undo_fini(struct rt_undo *u);

struct rt_jstep {
	char	*lines;		/* '\n'-terminated inverse lines */
};

/* Creates STATE/journal with header and inverses; fsyncs.  0/-1 + err. */
int	rt_journal_begin(struct rt_ctx *, const char *txn, const char *newid,
	    const char *oldid, const struct rt_jstep *steps, size_t n);
/* Appends the mark of step k. */
void	rt_journal_done(struct rt_ctx *, size_t k);
/* Removes the journal (fsyncs the directory). */
void	rt_journal_end(struct rt_ctx *);

/* Installs an instance file (lxc.env or dnsmasq.conf) from bundle b, or
 * removes it when b is NULL.  0 or -1 + err. */
int	rt_install_ifile(struct rt_ctx *, const struct rt_bundle *b,
	    const char *id, const char *name);

#endif
