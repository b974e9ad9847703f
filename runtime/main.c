/*
 * main.c - edgenet-apply: apply one device bundle atomically
 * (docs/bundle-format.md).  `edgenet-apply --help` lists every option.
 *
 *   edgenet-apply [options] BUNDLE_DIR       apply
 *   edgenet-apply [options] --check [BUNDLE_DIR]
 *   edgenet-apply [options] --repair [BUNDLE_DIR]
 *   edgenet-apply [options] --dry-run BUNDLE_DIR
 *   edgenet-apply [options] --confirm SECONDS BUNDLE_DIR
 *   edgenet-apply [options] --confirm-ok | --rollback | --recover
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "journal.h"
#include "names.h"
#include "nft.h"
#include "report.h"
#include "state.h"
#include "suggest.h"

/* Exit statuses (--help, README) */
#define EXIT_DRIFT	1	/* --check found drift */
#define EXIT_FAILED	2	/* the operation failed */
#define EXIT_USAGE	3	/* bad options or arguments */

enum mode {
	M_APPLY, M_CHECK, M_DRYRUN, M_ROLLBACK, M_RECOVER, M_CONFIRM_OK,
	M_WATCH, M_HOOK,
	/* options that are not modes */
	O_STATE, O_NETNS, O_CONFIRM, O_FORMAT, O_STATS, O_REPAIR, O_QUIET,
	O_HELP, O_VERSION
};

static const struct opt {
	const char	*name;
	const char	*arg;	/* NULL: takes no value */
	enum mode	 id;
	const char	*help;
} opts[] = {
	{ "check", NULL, M_CHECK, "compare the live state with BUNDLE_DIR, "
	    "change nothing" },
	{ "dry-run", NULL, M_DRYRUN, "print the steps an apply of BUNDLE_DIR "
	    "would take\n(nft steps: the rules added and removed), change "
	    "nothing" },
	{ "repair", NULL, O_REPAIR, "re-apply checking every live object\n"
	    "(default: trust the record of the bundle applied)" },
	{ "confirm", "SECONDS", O_CONFIRM, "revert unless --confirm-ok comes "
	    "within SECONDS\n(1..86400; default: no confirmation)" },
	{ "confirm-ok", NULL, M_CONFIRM_OK, "keep the bundle applied with "
	    "--confirm" },
	{ "rollback", NULL, M_ROLLBACK, "apply the previous bundle again" },
	{ "recover", NULL, M_RECOVER, "finish or undo an interrupted apply "
	    "(run at boot)" },
	{ "format", "text|json", O_FORMAT, "output of --check and --dry-run "
	    "(default: text)" },
	{ "state-dir", "DIR", O_STATE, "journal, applied bundles, instance "
	    "files\n(default: /var/lib/edgenet)" },
	{ "netns-dir", "DIR", O_NETNS, "container namespaces, DIR/ID "
	    "(default: /run/netns)" },
	{ "stats", NULL, O_STATS, "print what the run sent and started, on "
	    "stderr\n(default: off)" },
	{ "quiet", NULL, O_QUIET, "no \"no drift\" message (default: off)" },
	{ "help", NULL, O_HELP, "this text (also -h)" },
	{ "version", NULL, O_VERSION, "the version" },
	{ "confirm-watch", NULL, M_WATCH, "(internal) the process that "
	    "reverts a --confirm\nin time" },
	{ "dhcp-hook", "ACTION", M_HOOK, "(internal) busybox udhcpc's "
	    "script, run in the container" },
};
#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

static void
usage(FILE *f)
{
	fputs("usage: edgenet-apply [OPTION...] [--check | --dry-run | "
	    "--repair |\n"
	    "                     --confirm SECONDS] BUNDLE_DIR\n"
	    "       edgenet-apply [OPTION...] --check | --repair   "
	    "(the applied bundle)\n"
	    "       edgenet-apply [OPTION...] --rollback | --recover | "
	    "--confirm-ok\n", f);
}

static void
help(void)
{
	const char *p;
	size_t i;
	char name[40];

	usage(stdout);
	fputs("\nApplies one device bundle atomically, undoing every step when "
	    "one fails.\n\n", stdout);
	for (i = 0; i < NOPTS; i++) {
		rt_strf(name, sizeof(name), "--%s%s%s", opts[i].name,
		    opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		printf("  %-22s", name);
		/* continuation lines under the first */
		for (p = opts[i].help; *p != '\0'; p++)
			if (*p == '\n')
				printf("\n%24s", "");
			else
				putchar(*p);
		putchar('\n');
	}
	fputs("\nExit status: 0 done (--check: no drift), 1 --check found "
	    "drift, 2 the operation\nfailed (the device is left as it was "
	    "when an apply fails), 3 usage error.\n", stdout);
}

/* An unknown option: one line, and the closest known one as a hint. */
static int
bad_option(const char *arg, size_t n)
{
	const char *names[NOPTS], *pick;
	char word[64];
	size_t i;

	fprintf(stderr, "edgenet-apply: unknown option '%.*s'\n", (int)n,
	    arg);
	rt_strf(word, sizeof(word), "%.*s", (int)(n - 2), arg + 2);
	for (i = 0; i < NOPTS; i++)
		names[i] = opts[i].name;
	/* a typo, else the option a prefix abbreviates (getopt would
	 * have taken it) */
	if ((pick = suggest_nearest(word, names, NOPTS)) == NULL)
		for (i = 0; i < NOPTS && pick == NULL; i++)
			if (n > 3 && strncmp(names[i], word, n - 2) == 0)
				pick = names[i];
	if (pick != NULL)
		fprintf(stderr, "edgenet-apply: did you mean '--%s'? (see "
		    "--help)\n", pick);
	else
		fputs("edgenet-apply: see --help\n", stderr);
	return EXIT_USAGE;
}

static void
print_stats(const struct rt_ctx *c)
{
	fprintf(stderr, "stats: steps %ld, netlink requests %lu, "
	    "state-changing netlink %lu, nft changes %u, processes started "
	    "%lu, stopped %lu, files %lu\n", c->step, c->stats.msgs,
	    c->stats.changes, rt_nft_msgs_sent(), c->stats.spawns,
	    c->stats.kills, c->stats.files);
}

static int
fail(struct rt_ctx *c, const char *what)
{
	fprintf(stderr, "edgenet-apply: %s%s%s\n", what, *what ? ": " : "",
	    c->err);
	return EXIT_FAILED;
}

/* Starts the detached process that reverts a --confirm in time. */
static void
spawn_watcher(struct rt_ctx *c)
{
	char log[4096];
	pid_t pid;
	int fd;

	if ((pid = fork()) != 0) {
		if (pid > 0)
			while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
				;
		return;
	}
	setsid();
	if (fork() != 0)
		_exit(0);
	rt_strf(log, sizeof(log), "%s/confirm.log", c->state);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd != -1) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close(0);
	open("/dev/null", O_RDONLY);
	execl(c->self, c->self, "--state-dir", c->state, "--netns-dir",
	    c->netns_dir, "--confirm-watch", (char *)NULL);
	_exit(127);
}

/* Loads the stored bundles of the record; 0 or -1 + err. */
static int
load_live(struct rt_ctx *c, struct rt_applied *rec, struct rt_bundle *old)
{
	if (rt_applied_read(c, rec) == -1)
		return -1;
	return rt_store_get(c, rec->bundle, old);
}

static int
do_revert(struct rt_ctx *c, const char *from, const char *to)
{
	struct rt_applied rec;
	struct rt_bundle old, new;
	int r = -1;

	memset(&old, 0, sizeof(old));
	memset(&new, 0, sizeof(new));
	if (load_live(c, &rec, &old) == 0 &&
	    rt_store_get(c, to, &new) == 0)
		r = rt_apply(c, &old, &new, &rec, from, 0);
	rt_bundle_free(&old);
	rt_bundle_free(&new);
	rt_applied_free(&rec);
	return r;
}

static int
cmd_watch(struct rt_ctx *c)
{
	struct rt_confirm k;
	struct rt_applied rec;
	int lock, r;

	for (;;) {
		if ((r = rt_confirm_read(c, &k)) != 1)
			return r == 0 ? 0 : fail(c, "confirm");
		while ((long long)time(NULL) < k.deadline) {
			struct timespec ts = { 1, 0 };

			if (k.deadline - (long long)time(NULL) < 1)
				ts.tv_sec = 0, ts.tv_nsec = 200000000L;
			nanosleep(&ts, NULL);
			if (rt_confirm_read(c, &k) != 1)
				return 0;	/* confirmed */
		}
		if ((lock = rt_state_lock(c, 1)) == -1)
			return fail(c, "");
		if (rt_confirm_read(c, &k) != 1 ||
		    (long long)time(NULL) < k.deadline) {
			close(lock);
			continue;	/* confirmed, or a new deadline */
		}
		if (rt_applied_read(c, &rec) == 0 &&
		    strcmp(rec.bundle, k.from) == 0) {
			fprintf(stderr, "edgenet-apply: not confirmed in time: "
			    "reverting to %s\n", k.to[0] ? k.to : "nothing");
			if (do_revert(c, k.from, k.to) == -1)
				fail(c, "revert");
		}
		rt_applied_free(&rec);
		rt_confirm_clear(c);
		close(lock);
		return 0;
	}
}

/* The busybox udhcpc hook, run inside the container namespace. */
static int
cmd_hook(struct rt_ctx *c, const char *action)
{
	const char *ifn = getenv("interface"), *ip = getenv("ip");
	const char *mask = getenv("mask"), *router = getenv("router");
	char buf[128], rbuf[64];
	struct rt_nl *nl;
	struct rt_op op;
	int r = 0;

	if (ifn == NULL || !names_ifname_valid(ifn, strlen(ifn),
	    NAMES_IF_KERNEL))
		return EXIT_FAILED;
	if ((nl = rt_ctx_nl(c, RT_DEVNS)) == NULL)
		return fail(c, "dhcp hook");
	if (strcmp(action, "deconfig") == 0)
		return rt_nl_addr_flush(nl, ifn, c->err, sizeof(c->err)) ?
		    EXIT_FAILED : 0;
	if (strcmp(action, "bound") != 0 && strcmp(action, "renew") != 0)
		return 0;
	if (ip == NULL || mask == NULL)
		return EXIT_FAILED;
	rt_nl_addr_flush(nl, ifn, c->err, sizeof(c->err));
	memset(&op, 0, sizeof(op));
	op.kind = RT_OP_ADDR;
	snprintf(op.dev, sizeof(op.dev), "%s", ifn);
	if (rt_strf(buf, sizeof(buf), "%s/%s", ip, mask) == -1 ||
	    rt_pfx_parse(buf, strlen(buf), 1, 0, &op.dst) == -1)
		return EXIT_FAILED;
	if (rt_nl_exec(nl, &op, -1, c->err, sizeof(c->err)) == -1 &&
	    errno != EEXIST)
		r = fail(c, "dhcp hook");
	if (router != NULL && sscanf(router, "%63s", rbuf) == 1) {
		op.kind = RT_OP_ROUTE;
		op.flags = RT_OPF_DEFAULT;
		if (rt_pfx_parse(rbuf, strlen(rbuf), -1, 0, &op.via) == 0) {
			op.dst.family = op.via.family;
			op.dst.len = 0;
			if (rt_nl_exec(nl, &op, -1, c->err,
			    sizeof(c->err)) == -1 && errno != EEXIST)
				r = fail(c, "dhcp hook");
		}
	}
	return r;
}

/*
 * The bundle applied last, from the state directory, into b (zeroed by
 * the caller): 0, or -1 with the exit status in *rc (0 when nothing is
 * applied; 1, for --check 2, on an error).  --repair first finishes or
 * undoes an interrupted apply, so that it repairs what that leaves.
 */
static int
load_applied(struct rt_ctx *c, enum mode m, struct rt_bundle *b, int *rc)
{
	struct rt_applied rec;
	int r = 0;

	*rc = 0;
	if ((m == M_APPLY && rt_recover(c) == -1) ||
	    rt_applied_read(c, &rec) == -1) {
		*rc = fail(c, "applied bundle") + (m == M_CHECK);
		return -1;
	}
	if (rec.bundle[0] == '\0') {
		if (!c->quiet)
			fprintf(stderr, "edgenet-apply: nothing applied\n");
		r = -1;
	} else if ((r = rt_store_get(c, rec.bundle, b)) == -1)
		*rc = fail(c, "applied bundle") + (m == M_CHECK);
	rt_applied_free(&rec);
	return r;
}

static int
cmd_apply(struct rt_ctx *c, enum mode m, const char *dir, long confirm,
    int repair)
{
	struct rt_applied rec;
	struct rt_bundle old, new;
	struct rt_confirm k;
	char err[RT_ERRLEN], previous[65];
	int r = EXIT_FAILED, flags = 0;

	memset(&old, 0, sizeof(old));
	memset(&rec, 0, sizeof(rec));
	memset(&new, 0, sizeof(new));
	if (dir == NULL) {
		/* --check or --repair of the bundle applied last. */
		if (load_applied(c, m, &new, &r) == -1) {
			rt_bundle_free(&new);
			return r;
		}
	} else if (rt_bundle_load(dir, &new, err, sizeof(err)) == -1) {
		fprintf(stderr, "edgenet-apply: %s: bundle refused: %s\n", dir,
		    err);
		rt_bundle_free(&new);
		return EXIT_FAILED;
	}
	if (m == M_CHECK) {
		if ((r = rt_check(c, &new)) == -1)
			r = fail(c, "check");
		else if (r == 0 && !c->quiet && !c->report->json)
			fprintf(stderr, "edgenet-apply: no drift\n");
		goto out;
	}
	if (m == M_APPLY) {
		if (rt_recover(c) == -1)
			goto fail;
	} else {
		char jp[4096];

		rt_strf(jp, sizeof(jp), "%s/journal", c->state);
		if (access(jp, F_OK) == 0) {
			fprintf(stderr, "edgenet-apply: an interrupted apply "
			    "must be recovered first (--recover)\n");
			goto out;
		}
		flags = RT_APPLY_DRYRUN | RT_APPLY_PRINT;
	}
	/* Repairing the applied bundle leaves a pending revert's target
	 * as it is. */
	if (dir != NULL && rt_confirm_read(c, &k) == 1 && m == M_APPLY) {
		fprintf(stderr, "edgenet-apply: a --confirm is pending: run "
		    "--confirm-ok or --rollback first\n");
		goto out;
	}
	if (rt_applied_read(c, &rec) == -1)
		goto fail;
	/* The same bundle again: no need to read the stored copy. */
	if (strcmp(rec.bundle, new.id) != 0 &&
	    rt_store_get(c, rec.bundle, &old) == -1)
		goto fail;
	rt_strf(previous, sizeof(previous), "%s",
	    strcmp(rec.bundle, new.id) != 0 ? rec.bundle : rec.previous);
	if (rt_apply(c, strcmp(rec.bundle, new.id) != 0 ? &old : &new, &new,
	    &rec, previous, flags | repair) == -1)
		goto fail;
	if (confirm > 0) {
		k.deadline = (long long)time(NULL) + confirm;
		rt_strf(k.from, sizeof(k.from), "%s", new.id);
		rt_strf(k.to, sizeof(k.to), "%s", previous);
		if (rt_confirm_write(c, &k) == -1)
			goto fail;
		spawn_watcher(c);
	}
	r = 0;
	goto out;
fail:
	r = fail(c, m == M_APPLY ? "apply failed" : "dry run failed");
out:
	rt_bundle_free(&new);
	rt_bundle_free(&old);
	rt_applied_free(&rec);
	return r;
}

static int
cmd_rollback(struct rt_ctx *c)
{
	struct rt_applied rec;
	struct rt_bundle old, new;
	int r = EXIT_FAILED;

	memset(&old, 0, sizeof(old));
	memset(&new, 0, sizeof(new));
	if (rt_recover(c) == -1 || load_live(c, &rec, &old) == -1) {
		r = fail(c, "rollback");
		goto out;
	}
	if (rec.previous[0] == '\0') {
		fprintf(stderr, "edgenet-apply: no previous bundle to roll "
		    "back to\n");
		goto out;
	}
	if (rt_store_get(c, rec.previous, &new) == -1 ||
	    rt_apply(c, &old, &new, &rec, rec.bundle, 0) == -1) {
		r = fail(c, "rollback failed");
		goto out;
	}
	rt_confirm_clear(c);
	r = 0;
out:
	rt_bundle_free(&old);
	rt_bundle_free(&new);
	rt_applied_free(&rec);
	return r;
}

/* Instance files are written without fsync (one fsync per file would
 * dominate an apply): after a power loss, put back any that differ from
 * the applied bundle. */
static int
refresh_files(struct rt_ctx *c)
{
	static const char *const names[] = { "lxc.env", "dnsmasq.conf" };
	struct rt_applied rec;
	struct rt_bundle b;
	char path[4096], *s, *want;
	size_t i, k, n, wn;
	int r = 0, same;

	memset(&b, 0, sizeof(b));
	if (load_live(c, &rec, &b) == -1) {
		rt_applied_free(&rec);
		return -1;
	}
	for (i = 0; i < b.nids; i++)
		for (k = 0; k < 2; k++) {
			const struct rt_bfile *f = rt_bundle_ifile(&b,
			    b.ids[i], names[k]);

			if (f == NULL || rt_ipath(c, b.ids[i], names[k], path,
			    sizeof(path)) == -1)
				continue;
			want = f->data;
			wn = f->len;
			if (k == 1 && rt_dnsmasq_render(f->data, f->len, &want,
			    &wn) == -1)
				continue;
			same = rt_file_read(path, RT_BUNDLE_FILE_MAX, &s,
			    &n) == 0 && n == wn && memcmp(s, want, n) == 0;
			if (!same) {
				rt_ctx_log(c, "recover: restoring %s", path);
				if (rt_install_ifile(c, &b, b.ids[i],
				    names[k]) == -1)
					r = -1;
			}
			free(s);
			s = NULL;
			if (want != f->data)
				free(want);
		}
	rt_bundle_free(&b);
	rt_applied_free(&rec);
	return r;
}

static int
cmd_recover(struct rt_ctx *c)
{
	struct rt_confirm k;
	int r;

	if (rt_recover(c) == -1 || refresh_files(c) == -1)
		return fail(c, "recover");
	if ((r = rt_confirm_read(c, &k)) == -1)
		return fail(c, "recover");
	if (r == 1) {
		if ((long long)time(NULL) >= k.deadline) {
			struct rt_applied rec;

			if (rt_applied_read(c, &rec) == 0 &&
			    strcmp(rec.bundle, k.from) == 0 &&
			    do_revert(c, k.from, k.to) == -1) {
				rt_applied_free(&rec);
				return fail(c, "confirm revert");
			}
			rt_applied_free(&rec);
			rt_confirm_clear(c);
		} else
			spawn_watcher(c);
	}
	return 0;
}

/* The option named by arg ("--NAME" or "--NAME=VALUE"), exactly. */
static const struct opt *
opt_find(const char *arg, size_t n)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strlen(opts[i].name) == n - 2 &&
		    memcmp(opts[i].name, arg + 2, n - 2) == 0)
			return &opts[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *state = "/var/lib/edgenet", *netns = "/run/netns";
	const char *hook = NULL, *dir = NULL, *val, *eq;
	const struct opt *o;
	struct rt_report report = { 0 };
	enum mode m = M_APPLY;
	struct rt_ctx c;
	long confirm = 0;
	int i, r, lock = -1, stats = 0, quiet = 0, nmodes = 0, repair = 0;
	int nargs = 0, dashes = 0, applied;
	char *end;
	size_t n;

	/* By hand, not getopt_long: it takes any unambiguous prefix of an
	 * option, which would stop a new option from being added safely. */
	for (i = 1; i < argc; i++) {
		if (dashes || argv[i][0] != '-' || argv[i][1] == '\0') {
			dir = argv[i];
			nargs++;
			continue;
		}
		if (strcmp(argv[i], "--") == 0) {
			dashes = 1;
			continue;
		}
		if (strcmp(argv[i], "-h") == 0) {
			help();
			return 0;
		}
		n = (eq = strchr(argv[i], '=')) != NULL ?
		    (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (argv[i][1] != '-' || (o = opt_find(argv[i], n)) == NULL)
			return bad_option(argv[i], n);
		val = NULL;
		if (o->arg != NULL) {
			if (eq != NULL)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				fprintf(stderr, "edgenet-apply: --%s needs %s\n",
				    o->name, o->arg);
				return EXIT_USAGE;
			}
		} else if (eq != NULL) {
			fprintf(stderr, "edgenet-apply: --%s takes no value\n",
			    o->name);
			return EXIT_USAGE;
		}
		switch (o->id) {
		case O_STATE:
			state = val;
			break;
		case O_NETNS:
			netns = val;
			break;
		case O_CONFIRM:
			confirm = strtol(val, &end, 10);
			if (*end != '\0' || confirm < 1 || confirm > 86400) {
				fprintf(stderr, "edgenet-apply: --confirm takes "
				    "1..86400 seconds\n");
				return EXIT_USAGE;
			}
			break;
		case O_FORMAT:
			if (strcmp(val, "json") != 0 &&
			    strcmp(val, "text") != 0) {
				fprintf(stderr, "edgenet-apply: --format takes "
				    "text or json\n");
				return EXIT_USAGE;
			}
			report.json = val[0] == 'j';
			break;
		case O_STATS:
			stats = 1;
			break;
		case O_REPAIR:
			repair = 1;
			break;
		case O_QUIET:
			quiet = 1;
			break;
		case O_HELP:
			help();
			return 0;
		case O_VERSION:
			printf("edgenet-apply %s\n", EDGENETC_VERSION);
			return 0;
		case M_HOOK:
			hook = val;
			/* FALLTHROUGH */
		default:
			m = o->id;
			nmodes++;
		}
	}
	if (m == M_HOOK && nargs == 1)
		nargs = 0;	/* udhcpc passes the action again */
	/* --check and --repair without BUNDLE_DIR: the applied bundle. */
	applied = nargs == 0 && (m == M_CHECK ||
	    (m == M_APPLY && repair && confirm == 0));
	if (nmodes > 1 || ((confirm > 0 || repair) && m != M_APPLY) ||
	    (report.json && m != M_CHECK && m != M_DRYRUN) ||
	    (!applied && nargs != (m == M_APPLY || m == M_CHECK ||
	    m == M_DRYRUN))) {
		usage(stderr);
		fputs("edgenet-apply: see --help\n", stderr);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	if (rt_ctx_init(&c, state, netns) == -1)
		return fail(&c, "");
	c.quiet = quiet;
	c.report = &report;
	if (m == M_HOOK) {
		r = cmd_hook(&c, hook);
		rt_ctx_fini(&c);
		return r;
	}
	if (m != M_WATCH && (lock = rt_state_lock(&c, 0)) == -1) {
		r = fail(&c, "");
		goto out;
	}
	switch (m) {
	case M_APPLY:
	case M_CHECK:
	case M_DRYRUN:
		r = cmd_apply(&c, m, applied ? NULL : dir, confirm,
		    repair ? RT_APPLY_REPAIR : 0);
		break;
	case M_ROLLBACK:
		r = cmd_rollback(&c);
		break;
	case M_RECOVER:
		r = cmd_recover(&c);
		break;
	case M_CONFIRM_OK: {
		struct rt_confirm k;

		if ((r = rt_confirm_read(&c, &k)) == 1)
			r = rt_confirm_clear(&c) == -1 ? fail(&c, "") : 0;
		else if (r == 0) {
			fprintf(stderr, "edgenet-apply: nothing to confirm\n");
			r = EXIT_FAILED;
		} else
			r = fail(&c, "");
		break;
	}
	case M_WATCH:
		r = cmd_watch(&c);
		break;
	default:
		r = EXIT_FAILED;
	}
out:
	if (stats)
		print_stats(&c);
	if (lock != -1)
		close(lock);
	rt_ctx_fini(&c);
	return r;
}
