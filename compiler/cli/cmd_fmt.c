/*
 * cmd_fmt.c - edgenetc fmt: read specs in any syntax into the model and
 * print the model canonically (print.c) in the syntax asked for.
 *
 * The model is printed only when every file loaded without errors; the
 * diagnostics (warnings, or the errors that stopped it) go to standard
 * error.  No fleet checks run: that is lint's job.  Exit: 0 printed,
 * 1 errors in the input or something that the target syntax cannot hold
 * (devices in GraphQL: the services are still printed), 2 usage error or
 * unreadable input.
 *
 * --check and -w take each FILE on its own, in its own syntax: --check
 * lists the files not in canonical form (exit 1), -w rewrites them in
 * place through a temporary file renamed over the original, so a file
 * is either as it was or wholly rewritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_input.h"
#include "cliopt.h"
#include "cmd.h"
#include "front.h"
#include "front_graphql.h"
#include "print.h"

static void
fmt_usage(FILE *fp)
{
	fputs("usage: edgenetc fmt --to yaml|json|graphql "
	    "[--syntax yaml|json|graphql]\n"
	    "                    [--vars FILE.json] FILE...\n"
	    "       edgenetc fmt --check | -w [--syntax S] [--vars FILE.json] "
	    "FILE...\n"
	    "\n"
	    "Reads node-service specs and fleet inventories (all FILEs form\n"
	    "one fleet; '-' is standard input, a directory its input files)\n"
	    "and prints them canonically:\n"
	    "fixed key order, set fields only, two-space indentation.\n"
	    "GraphQL output holds one DM_import_node_service mutation per\n"
	    "service; devices cannot be written as GraphQL (exit 1).\n"
	    "\n"
	    "  --to S               output syntax\n"
	    "  --syntax S           read every FILE as S, not by extension\n"
	    "  --vars FILE.json     values of GraphQL $variables\n"
	    "  --check              list each FILE not in canonical form (in its\n"
	    "                       own syntax); exit 1 when there is one\n"
	    "  -w, --write          rewrite each FILE in canonical form, in place\n"
	    "\n"
	    "Exit status: 0 printed (or all canonical / rewritten), 1 errors in\n"
	    "the input or a file not canonical (--check) or not writable (-w),\n"
	    "2 usage error or unreadable input.\n", fp);
}

/* Writes len bytes of buf over path through path.XXXXXX and rename(2),
 * keeping its mode.  On failure the original is untouched. */
static int
fmt_write_atomic(const char *path, const char *buf, size_t len)
{
	char tmp[PATH_MAX];
	struct stat st;
	size_t off = 0;
	ssize_t w;
	int fd;

	if (stat(path, &st) != 0 ||
	    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -1;
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	while (off < len) {
		if ((w = write(fd, buf + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	return 0;
fail:
	w = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = (int)w;
	return -1;
}

/* --check (write false) or -w of one file.  Returns the exit status of
 * this file. */
static int
fmt_one(struct cli *cl, const char *path, enum syntax syn,
    const struct vnode *vars, bool write)
{
	const struct diag_src *src;
	enum syntax as = syn != SYNTAX_AUTO ? syn : syntax_from_path(path);
	struct diag_ctx d;
	struct fleet *f;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc = 0;

	if (strcmp(path, "-") == 0 || as == SYNTAX_AUTO) {
		fprintf(stderr, "edgenetc fmt: %s: %s\n", path,
		    as == SYNTAX_AUTO ? "unknown syntax (name it with "
		    "--syntax)" : "--check and -w take files, not standard "
		    "input");
		return 2;
	}
	cli_diag_init(cl, &d);
	f = fleet_new();
	if (front_load_file(f, &d, path, as, vars) < 0 || d.n_err > 0) {
		rc = d.n_err > 0 ? 1 : 2;
	} else if ((mem = open_memstream(&buf, &len)) == NULL) {
		perror("edgenetc fmt");
		rc = 1;
	} else {
		rc = print_fleet(mem, f, as, &d) < 0 ? 1 : 0;
		fclose(mem);
		src = diag_src_find(&d, path);
		if (rc != 0 || src == NULL || src->buf == NULL) {
			rc = rc ? rc : 2;
		} else if (src->len == len && memcmp(src->buf, buf, len) == 0) {
			/* canonical already */
		} else if (!write) {
			printf("%s\n", path);
			rc = 1;
		} else if (fmt_write_atomic(path, buf, len) != 0) {
			fprintf(stderr, "edgenetc fmt: %s: cannot rewrite: "
			    "%s (left as it was)\n", path, strerror(errno));
			rc = 1;
		}
	}
	cli_diag_print(cl, &d, stderr);
	free(buf);
	fleet_free(f);
	diag_fini(&d);
	return rc;
}

int
cmd_fmt(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "syntax", required_argument, NULL, 's' },
		{ "vars", required_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 'c' },
		{ "write", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cl = { .verb = "fmt", .usage = fmt_usage, .opts = opts,
	    .shortopts = "w", .diag = true };
	enum syntax syn = SYNTAX_AUTO, to = SYNTAX_AUTO;
	const char *vars_path = NULL;
	struct vnode *vars = NULL;
	struct cli_input in;
	struct diag_ctx d;
	int c, i, rc, r, unreadable = 0, inplace = -1;

	while ((c = cli_getopt(&cl, argc, argv)) != -1) {
		switch (c) {
		case 't':
		case 's':
			if (!cli_parse_syntax(&cl, c == 't' ? "--to" :
			    "--syntax", optarg, c == 't' ? &to : &syn))
				return 2;
			break;
		case 'v':
			vars_path = optarg;
			break;
		case 'c':
		case 'w':
			if (inplace >= 0 && inplace != (c == 'w'))
				return cli_usage_error(&cl, "--check and -w "
				    "exclude each other");
			inplace = c == 'w';
			break;
		default:
			return cl.rc;
		}
	}
	if (optind >= argc)
		return cli_usage_error(&cl, "no input files (see 'edgenetc fmt "
		    "--help')");
	if (inplace >= 0) {
		if (to != SYNTAX_AUTO)
			return cli_usage_error(&cl, "--to cannot be used with "
			    "%s: each file keeps its syntax", inplace ?
			    "-w" : "--check");
		cli_diag_init(&cl, &d);
		if (vars_path != NULL)
			vars = front_graphql_vars_load(&d, vars_path,
			    &unreadable);
		cli_diag_print(&cl, &d, stderr);
		rc = unreadable ? 2 : d.n_err > 0 ? 1 : 0;
		for (i = optind; !unreadable && d.n_err == 0 && i < argc;
		    i++) {
			r = fmt_one(&cl, argv[i], syn, vars, inplace);
			rc = r > rc ? r : rc;
		}
		if (fflush(stdout) != 0)
			rc = rc ? rc : 1;
		vnode_free(vars);
		diag_fini(&d);
		return rc;
	}
	if (to == SYNTAX_AUTO)
		return cli_usage_error(&cl, "--to, --check or -w is required "
		    "(see 'edgenetc fmt --help')");
	rc = cli_input_read(&in, argv + optind, argc - optind, syn, vars_path,
	    &cl);
	if (rc == 0)
		rc = in.d.n_err > 0 ? 1 :
		    print_fleet(stdout, in.f, to, &in.d) < 0 ? 1 : 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("edgenetc fmt: standard output");
		rc = rc ? rc : 1;
	}
	cli_diag_print(&cl, &in.d, stderr);
	cli_input_fini(&in);
	return rc;
}
