/*
 * fsutil.c - mkdir -p and rm -rf (fsutil.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "xalloc.h"

int
fs_mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	int rc = 0, err = 0;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			rc = -1;
			err = errno;
		}
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST) {
		rc = -1;
		err = errno;
	}
	free(p);
	if (rc != 0)
		errno = err;
	return rc;
}

static int
fs_rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void
fs_rm_tree(const char *path)
{
	nftw(path, fs_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
