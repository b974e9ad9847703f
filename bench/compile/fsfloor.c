/*
 * fsfloor - the file-system floor for bench/compile: creates the same
 * tree (directories, files of the same sizes, same modes) as a compiled
 * OUTDIR, with one mkdir per directory and one open+write+close per
 * file, and nothing else.  The list is read before the clock starts.
 *
 * usage: fsfloor LIST DSTDIR
 *   LIST: lines "d PATH" or "f MODE SIZE PATH" (find -printf), parents
 *   before children.  Prints the seconds spent creating the tree.
 */
#define _GNU_SOURCE
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ent {
	char	 kind;
	unsigned mode;
	size_t	 size;
	char	*path;
};

int
main(int argc, char **argv)
{
	struct ent *v = NULL;
	size_t n = 0, cap = 0, i, maxsz = 0;
	struct timespec a, b;
	char line[4096], path[4096], *buf;
	FILE *fp;
	int fd, root;

	if (argc != 3 || (fp = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: fsfloor LIST DSTDIR\n");
		return 2;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		struct ent e = { 0 };

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'd' && sscanf(line, "d %4095s", path) == 1)
			e.kind = 'd';
		else if (sscanf(line, "f %o %zu %4095s", &e.mode, &e.size,
		    path) == 3)
			e.kind = 'f';
		else
			continue;
		e.path = strdup(path);
		if (e.size > maxsz)
			maxsz = e.size;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
		}
		v[n++] = e;
	}
	fclose(fp);
	buf = calloc(1, maxsz + 1);
	if (mkdir(argv[2], 0755) < 0 ||
	    (root = open(argv[2], O_RDONLY | O_DIRECTORY)) < 0) {
		perror(argv[2]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		if (v[i].kind == 'd') {
			if (mkdirat(root, v[i].path, 0755) < 0)
				return perror(v[i].path), 1;
			continue;
		}
		fd = openat(root, v[i].path, O_WRONLY | O_CREAT | O_EXCL,
		    v[i].mode);
		if (fd < 0 || write(fd, buf, v[i].size) != (ssize_t)v[i].size)
			return perror(v[i].path), 1;
		close(fd);
	}
	syncfs(root);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.3f\n", (double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
