/*
 * emit_out.h - device bundles written to OUTDIR.
 */
#ifndef EDGENETC_EMIT_OUT_H
#define EDGENETC_EMIT_OUT_H

#include <stdio.h>

#include "diag.h"
#include "emit.h"

/*
 * Writes one bundle per device under outdir: all devices into a fresh
 * temporary directory next to outdir, then each OUTDIR/<id> swapped into
 * place with one rename.  On error nothing under outdir has changed and
 * the temporary directory is removed.  Returns 0 or -1 (errors in d).
 *
 * OUTDIR/EMIT_OUT_INDEX lists the device bundles compile wrote there;
 * commit removes the listed ones whose device was not passed to
 * emit_out_device() (each with one rename) and says so on notes (NULL:
 * silently).  Nothing unlisted is removed.  OUTDIR is locked (flock)
 * from begin until commit or abort.
 */
#define EMIT_OUT_INDEX		".edgenetc-bundles"

struct emit_out;
struct emit_out *emit_out_begin(const char *outdir, struct diag_ctx *d);
int	 emit_out_device(struct emit_out *o, const struct bundle *b,
	    struct diag_ctx *d);
int	 emit_out_commit(struct emit_out *o, struct diag_ctx *d, FILE *notes);
void	 emit_out_abort(struct emit_out *o);

#endif
