/*
 * nft_tool - drives runtime/nft.c from the shell, for tests/e2e/nft_equiv.sh
 * and by hand.  Works in the current network namespace unless --netns.
 *
 *   nft_tool [--netns PATH] check FILE      parse only
 *   nft_tool [--netns PATH] apply [--dry-run] [--force] FILE
 *   nft_tool [--netns PATH] diff FILE       exit 0 same, 1 drift
 *   nft_tool [--netns PATH] delete
 *   nft_tool [--netns PATH] cycle FILE      snapshot, apply FILE, restore
 *   nft_tool format FILE                    the rules printed back
 *   nft_tool time N FILE                    apply N times, print timings
 *   nft_tool many FILE NETNS...             apply in each namespace, twice,
 *                                           print timings
 *
 * apply and delete print "sent N" (state-changing messages).  Exit 2 on
 * error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libnftnl/rule.h>

#include "nft_print.h"
#include "rt.h"

static int
load(const char *path, struct rt_nft **t)
{
	char err[RT_ERRLEN], *text;
	size_t len;

	if (rt_file_read(path, 1 << 24, &text, &len) == -1) {
		perror(path);
		return -1;
	}
	if (rt_nft_load(t, text, len, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s:%s\n", path, err);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static int
format(const struct rt_nft *t)
{
	char buf[4096];
	size_t i;

	for (i = 0; i < t->n_items; i++) {
		if (t->items[i].kind != RT_NFT_RULE)
			continue;
		rt_nft_rule_format(t, t->items[i].o, buf, sizeof(buf));
		printf("%s: %s\n", nftnl_rule_get_str(t->items[i].o,
		    NFTNL_RULE_CHAIN), buf);
	}
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
timing(int fd, int n, const struct rt_nft *t)
{
	char err[RT_ERRLEN];
	double t0, first = 0, noop = 0, force = 0;
	int i;

	if (rt_nft_delete(fd, err, sizeof(err)) == -1)
		goto fail;
	t0 = now();
	if (rt_nft_apply(t, fd, 0, err, sizeof(err)) == -1)
		goto fail;
	first = now() - t0;
	for (i = 0; i < n; i++) {
		t0 = now();
		if (rt_nft_apply(t, fd, 0, err, sizeof(err)) == -1)
			goto fail;
		noop += now() - t0;
		t0 = now();
		if (rt_nft_apply(t, fd, RT_NFT_FORCE, err, sizeof(err)) == -1)
			goto fail;
		force += now() - t0;
	}
	printf("first %.3f ms, no-op %.3f ms, forced %.3f ms (mean of %d)\n",
	    first * 1e3, noop * 1e3 / n, force * 1e3 / n, n);
	return 0;
fail:
	fprintf(stderr, "%s\n", err);
	return 2;
}

/* FILE into each namespace of paths, then again (no-op), then close. */
static int
many(const struct rt_nft *t, char **paths, int n)
{
	char err[RT_ERRLEN];
	double t0, first, noop, closing;
	unsigned sent;
	int *fds, i;

	if ((fds = calloc((size_t)n, sizeof(*fds))) == NULL)
		return 2;
	for (i = 0; i < n; i++)
		if ((fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC)) == -1) {
			perror(paths[i]);
			return 2;
		}
	t0 = now();
	for (i = 0; i < n; i++)
		if (rt_nft_apply(t, fds[i], 0, err, sizeof(err)) == -1)
			goto fail;
	first = now() - t0;
	sent = rt_nft_msgs_sent();
	t0 = now();
	for (i = 0; i < n; i++)
		if (rt_nft_apply(t, fds[i], 0, err, sizeof(err)) == -1)
			goto fail;
	noop = now() - t0;
	t0 = now();
	rt_nft_close();
	closing = now() - t0;
	printf("%d namespaces: apply %.1f ms (%u messages), no-op %.2f ms "
	    "(%u messages), close %.1f ms\n", n, first * 1e3, sent,
	    noop * 1e3, rt_nft_msgs_sent() - sent, closing * 1e3);
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return 0;
fail:
	fprintf(stderr, "%s: %s\n", paths[i], err);
	return 2;
}

int
main(int argc, char **argv)
{
	struct rt_nft *t = NULL, *snap = NULL;
	char err[RT_ERRLEN], out[16384];
	int fd = -1, flags = 0, r = 2;
	const char *cmd;

	if (argc > 2 && strcmp(argv[1], "--netns") == 0) {
		if ((fd = open(argv[2], O_RDONLY | O_CLOEXEC)) == -1) {
			perror(argv[2]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		goto usage;
	cmd = argv[1];
	argc -= 2;
	argv += 2;
	while (argc > 0 && argv[0][0] == '-') {
		if (strcmp(argv[0], "--dry-run") == 0)
			flags |= RT_NFT_DRYRUN;
		else if (strcmp(argv[0], "--force") == 0)
			flags |= RT_NFT_FORCE;
		else
			goto usage;
		argc--;
		argv++;
	}
	if (strcmp(cmd, "delete") == 0) {
		if (rt_nft_delete(fd, err, sizeof(err)) == -1)
			goto fail;
		printf("sent %u\n", rt_nft_msgs_sent());
		rt_nft_close();
		return 0;
	}
	if (strcmp(cmd, "many") == 0 && argc >= 2) {
		if (load(argv[0], &t) == -1)
			return 2;
		r = many(t, argv + 1, argc - 1);
		rt_nft_free(t);
		return r;
	}
	if (strcmp(cmd, "time") == 0 && argc == 2) {
		if (load(argv[1], &t) == -1)
			return 2;
		r = timing(fd, atoi(argv[0]), t);
		rt_nft_free(t);
		return r;
	}
	if (argc != 1)
		goto usage;
	if (load(argv[0], &t) == -1)
		return 2;
	if (strcmp(cmd, "check") == 0)
		r = 0;
	else if (strcmp(cmd, "format") == 0)
		r = format(t);
	else if (strcmp(cmd, "apply") == 0) {
		if (rt_nft_apply(t, fd, flags, err, sizeof(err)) == -1)
			goto fail;
		printf("sent %u\n", rt_nft_msgs_sent());
		r = 0;
	} else if (strcmp(cmd, "diff") == 0) {
		r = rt_nft_diff(t, fd, out, sizeof(out));
		fputs(out, r == -1 ? stderr : stdout);
		if (r == -1)
			fputc('\n', stderr);
		r = r == -1 ? 2 : r;
	} else if (strcmp(cmd, "cycle") == 0) {
		if (rt_nft_snapshot(fd, &snap, err, sizeof(err)) == -1 ||
		    rt_nft_apply(t, fd, 0, err, sizeof(err)) == -1 ||
		    rt_nft_apply(snap, fd, 0, err, sizeof(err)) == -1)
			goto fail;
		r = 0;
	} else
		goto usage;
	rt_nft_free(t);
	rt_nft_free(snap);
	rt_nft_close();
	return r;
fail:
	fprintf(stderr, "%s\n", err);
	rt_nft_free(t);
	rt_nft_free(snap);
	return 2;
usage:
	fprintf(stderr, "usage: nft_tool [--netns PATH] check|format|apply"
	    "|diff|cycle [--dry-run] [--force] FILE | delete | time N FILE |"
	    " many FILE NETNS...\n");
	return 2;
}
