/*
 * bundle.h - a device bundle read into memory and verified against its
 * manifest.json (docs/bundle-format.md).  Everything later stages use
 * comes from these buffers, never from the directory again, so a file
 * changed after verification cannot reach the device.
 */
#ifndef EDGENET_RT_BUNDLE_H
#define EDGENET_RT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "rt.h"

#define RT_BUNDLE_FILE_MAX	(1u << 20)	/* any one file */
#define RT_BUNDLE_TOTAL_MAX	(16u << 20)	/* all files together */

struct rt_bfile {
	char		*path;		/* relative, validated */
	char		*data;		/* NUL-terminated contents */
	size_t		 len;
	unsigned	 mode;		/* from the manifest, e.g. 0600 */
	uint8_t		 sha[32];	/* from the manifest */
};

struct rt_bundle {
	char		 device[RT_IDLEN];
	char		 id[65];	/* SHA-256 of manifest.json, hex */
	char		*manifest;
	size_t		 manifest_len;
	struct rt_bfile	*files;		/* sorted by path */
	size_t		 nfiles;
	char		**ids;		/* instance ids, sorted (strcmp) */
	size_t		 nids, cap_ids;
};

/*
 * Parses manifest text into b (files without data).  b must be zeroed.
 * 0, or -1 with a message; b is left for rt_bundle_free either way.
 */
int	rt_manifest_parse(const char *text, size_t len, struct rt_bundle *b,
	    char *err, size_t errlen);
/*
 * Reads DIR/manifest.json and every listed file, checks sizes and
 * digests, and refuses files present but not listed.  0 or -1 + message.
 */
int	rt_bundle_load(const char *dir, struct rt_bundle *b, char *err,
	    size_t errlen);
/*
 * A verified bundle as one buffer (the state directory keeps applied
 * bundles this way: one file, one write) and back, verified again.
 * rt_bundle_pack: new buffer, caller frees; -1 on OOM.
 */
int	rt_bundle_pack(const struct rt_bundle *b, char **out, size_t *len);
int	rt_bundle_unpack(const char *text, size_t len, struct rt_bundle *b,
	    char *err, size_t errlen);
/* An empty bundle (no instances, nothing to apply): teardown target. */
int	rt_bundle_empty(struct rt_bundle *b, const char *device);
void	rt_bundle_free(struct rt_bundle *b);
/* The file at path, or NULL (borrowed). */
const struct rt_bfile *rt_bundle_file(const struct rt_bundle *b,
	    const char *path);
/* Same for instances/<id>/<name>. */
const struct rt_bfile *rt_bundle_ifile(const struct rt_bundle *b,
	    const char *id, const char *name);

#endif
