/*
 * emit_out.h - device bundles written to OUTDIR.
 */
#ifndef EDGENETC_EMIT_OUT_H
#define EDGENETC_EMIT_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "sha256.h"

#include "diag.h"
#include "emit.h"

/*
 * Writes one bundle per device under outdir: all devices into a fresh
 * temporary directory next to outdir, then each OUTDIR/<id> swapped into
 * place with one rename.  On error nothing under outdir has changed and
 * the temporary directory is removed.  Returns 0 or -1 (errors in d).
 *
 * OUTDIR/EMIT_OUT_INDEX lists the device bundles compile wrote there,
 * each with the digest of its inputs (emit_digest.h) and of its
 * manifest.json.  A device whose inputs digest is listed unchanged is
 * known without rendering or reading its bundle (emit_out_unchanged).
 * commit, with prune, removes the listed bundles whose device was not
 * passed in (each with one rename) and says so on notes (NULL:
 * silently); without prune they stay, listed.  Nothing unlisted is ever
 * removed.  OUTDIR is locked (flock) from begin until commit or abort.
 */
#define EMIT_OUT_INDEX		".edgenetc-bundles"

/* What emit_out_device did with a bundle. */
enum {
	EMIT_OUT_NEW = 1,	/* no bundle of the device was there */
	EMIT_OUT_CHANGED,	/* a different one was: replaced */
	EMIT_OUT_SAME,		/* the same bytes were there: untouched */
};

/* A listed device not in the input: removed (prune) or kept; man_hex is
 * the digest of its manifest.json as listed ("" when not known). */
typedef void	(*emit_out_gone_fn)(void *arg, const char *id, bool removed,
		    const char *man_hex);

struct emit_out;
struct emit_out *emit_out_begin(const char *outdir, struct diag_ctx *d);
/*
 * True when the list records device id with inputs digest inputs_hex and
 * OUTDIR/<id> is there: its bundle is what compile would write, and is
 * left as it is (counts as passed in).  man_hex gets its manifest digest.
 */
bool	 emit_out_unchanged(struct emit_out *o, const char *id,
	    const char *inputs_hex, char man_hex[SHA256_HEX_LEN]);
/* Writes b (rendered with inputs_hex); man_hex gets the digest of its
 * manifest.json.  Returns EMIT_OUT_*, or -1 (errors in d). */
int	 emit_out_device(struct emit_out *o, const struct bundle *b,
	    const char *inputs_hex, char man_hex[SHA256_HEX_LEN],
	    struct diag_ctx *d);
/*
 * Everything that can fail before a bundle is put in place: the new
 * bundles synced, nothing compile did not write in their way.  -1
 * (errors in d) aborts o.  emit_out_commit runs it when not yet run.
 */
int	 emit_out_ready(struct emit_out *o, struct diag_ctx *d);
int	 emit_out_commit(struct emit_out *o, bool prune, emit_out_gone_fn fn,
	    void *arg, struct diag_ctx *d, FILE *notes);
void	 emit_out_abort(struct emit_out *o);

#endif
