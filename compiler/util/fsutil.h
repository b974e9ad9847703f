/*
 * fsutil.h - small file-system helpers shared by the ledger's default
 * path and the bundle writer.
 */
#ifndef EDGENETC_FSUTIL_H
#define EDGENETC_FSUTIL_H

#include <sys/types.h>

/* mkdir -p: every directory of path, path itself included, made with
 * mode where missing.  Returns 0 or -1 (errno). */
int	 fs_mkdir_p(const char *path, mode_t mode);
/* rm -rf, quiet: only for trees the program made itself. */
void	 fs_rm_tree(const char *path);

#endif
