/*
 * diff.h - what changes between two compiles of a fleet (docs/changes.md).
 *
 * A view is one side: the devices of an input compiled in memory (each an
 * emit_dev with its digest; files rendered only for devices whose digest
 * differs), or the device bundles of a compile's OUTDIR (the digest is
 * that of every file's path, mode and content, each file hashed as it is
 * read; files kept in memory only for devices whose digest differs).
 * diff_views() compares two views per device, instance, bundle file and
 * exposure, and returns the report in the JSON shape of docs/changes.md.
 * Nothing here prints, reads the ledger or writes anything.
 */
#ifndef EDGENETC_DIFF_H
#define EDGENETC_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "emit.h"
#include "sha256.h"

struct diff_dev {
	const char		*id;		/* borrowed */
	const struct emit_dev	*ed;		/* input; NULL for a bundle dir */
	char			 digest[SHA256_HEX_LEN];
	struct bundle		 b;		/* loaded on demand */
	bool			 loaded;
};

struct diff_view {
	struct diff_dev	*v;		/* sorted by id */
	size_t		 n;
	char		*dir;		/* bundle dir, owned; NULL: input */
};

/* The devices of an input (eds[i] for f->devs[i]), digests computed. */
void	 diff_view_input(struct diff_view *vw, const struct emit_dev *eds,
	    size_t n);
/*
 * The bundles under dir: every subdirectory holding a regular
 * manifest.json.  Returns 0, or -1 with a message in err.
 */
int	 diff_view_bundles(struct diff_view *vw, const char *dir, char *err,
	    size_t errlen);
void	 diff_view_free(struct diff_view *vw);
/* True when dir looks like compile output (it has the list of bundles
 * or a subdirectory with a manifest.json) rather than an input. */
bool	 diff_dir_is_bundles(const char *dir);

/*
 * {"devices": [...], "unchanged_devices": N}: devices that differ only.
 * Every instance entry says "recorded": true; marking those the ledger
 * does not hold is the caller's.
 * With rules non-NULL, each changed *.nft file's entry gets the rules
 * added and removed under the private keys "+" and "-" (for the text
 * printer; diff_json_strip_rules() removes them).  Returns a new
 * reference.
 */
json_t	*diff_views(struct diff_view *old, struct diff_view *new_,
	    bool rules);
void	 diff_json_strip_rules(json_t *report);

#endif
