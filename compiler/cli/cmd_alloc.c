/*
 * cmd_alloc.c - edgenetc alloc: one request, or a batch of them.
 *
 *   alloc [--ledger PATH] --spec FILE --device ID --instance ID
 *         [--service NAME]
 *   alloc [--ledger PATH] [--spec FILE] --batch FILE.jsonl
 *
 * Answers are JSON on standard output; diagnostics, and the default
 * ledger's path, on standard error.  Exit: 0 done (warnings allowed), 1
 * errors in the input or a failed operation (an exhausted pool, a ledger
 * problem), 2 usage error or unreadable input.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "alloc.h"
#include "answer.h"
#include "check.h"
#include "cli.h"
#include "cliopt.h"
#include "cmd.h"
#include "fsutil.h"
#include "front.h"
#include "ledger.h"
#include "names.h"
#include "strmap.h"
#include "xalloc.h"


#define MAX_SPECS	64

/*
 * Loaded specs: a fleet (looked up through its index, model.h).
 */

struct spec {
	struct fleet	*f;
	bool		 ok;		/* loaded and checked */
};

static void
spec_free(struct spec *sp)
{
	if (sp == NULL)
		return;
	fleet_free(sp->f);
	free(sp);
}

/*
 * Loads files (or buf, when not NULL, as JSON named name) into one
 * checked fleet.  Returns the spec with ok set, or with ok false and
 * *rc the exit status (2 unreadable, 1 errors).
 */
static struct spec *
spec_load(struct diag_ctx *d, char **files, size_t n_files, const char *name,
    const char *buf, size_t len, int *rc)
{
	struct spec *sp = xzalloc(sizeof(*sp));
	unsigned errs = d->n_err;
	bool unreadable = false;
	size_t i;

	sp->f = fleet_new();
	if (buf != NULL) {
		if (front_load_buf(sp->f, d, name, buf, len, SYNTAX_JSON,
		    NULL) != 0 && d->n_err == errs)
			unreadable = true;
	}
	for (i = 0; i < n_files; i++)
		if (front_load_file(sp->f, d, files[i], SYNTAX_AUTO, NULL) !=
		    0 && d->n_err == errs)
			unreadable = true;
	if (unreadable) {
		*rc = 2;
	} else if (d->n_err > errs || check_fleet(sp->f, d) != 0) {
		*rc = 1;
	} else {
		sp->ok = true;
		*rc = 0;
	}
	return sp;
}

struct request {
	const char	*device;
	const char	*instance;
	const char	*service;	/* may be NULL */
};

/*
 * Finds the service and device for a request in sp; reports a problem in
 * msg and returns -1 when the request does not fit the spec.
 */
static int
spec_resolve(struct spec *sp, const struct request *rq, struct service **svc,
    struct device **dev, struct instance **inst, char *msg, size_t len)
{
	const struct inst_ref *ir;

	*svc = NULL;
	*inst = NULL;
	*dev = fleet_device_find(sp->f, rq->device);
	ir = fleet_instance_find(sp->f, rq->instance);
	if (ir != NULL) {
		if (strcmp(ir->dev->id.s, rq->device) != 0) {
			snprintf(msg, len, "instance '%s' is on device '%s' in "
			    "the spec, not on '%s'", rq->instance,
			    ir->dev->id.s, rq->device);
			return -1;
		}
		*inst = ir->inst;
	}
	if (rq->service != NULL) {
		*svc = fleet_service_find(sp->f, rq->service);
		if (*svc == NULL) {
			snprintf(msg, len, "service '%s' is not in the spec",
			    rq->service);
			return -1;
		}
		if (ir != NULL && ir->inst->svc != *svc) {
			snprintf(msg, len, "instance '%s' runs service '%s' in "
			    "the spec, not '%s'", rq->instance,
			    ir->inst->service.s, rq->service);
			return -1;
		}
	} else if (ir != NULL && ir->inst->svc != NULL) {
		*svc = ir->inst->svc;
	} else if (sp->f->n_svcs == 1) {
		*svc = sp->f->svcs[0];
	} else {
		snprintf(msg, len, "the spec has %zu services and does not "
		    "place instance '%s': name one with --service",
		    sp->f->n_svcs, rq->instance);
		return -1;
	}
	return 0;
}

/*
 * alloc
 */

static void
alloc_usage(FILE *fp)
{
	fputs("usage: edgenetc alloc [--ledger PATH] --spec FILE --device ID "
	    "--instance ID\n"
	    "                      [--service NAME]\n"
	    "       edgenetc alloc [--ledger PATH] [--spec FILE] --batch "
	    "FILE.jsonl\n"
	    "\n"
	    "Allocates (or reads back) an instance's LAN block, LAN address,\n"
	    "DHCP pool and WAN address, recorded in the ledger, and prints\n"
	    "  {\"service\",\"instance\",\"device\",\"block\",\"address\",\n"
	    "   \"dhcp_pool\":{\"start\",\"end\"},\"wan_address\"}\n"
	    "(null where not applicable).  Asking again gives the same answer.\n"
	    "\n"
	    "  --spec FILE      node-service spec or fleet (YAML, JSON, "
	    "GraphQL);\n"
	    "                   repeat to form one fleet.  WAN addresses need "
	    "the\n"
	    "                   device's client networks (a fleet listing it).\n"
	    "  --service NAME   default: the instance's service in the fleet, "
	    "or\n"
	    "                   the only service of the spec\n"
	    "  --batch FILE     one request per line (\"-\": standard input):\n"
	    "                   {\"spec\": PATH or {object}, \"device\": ID,\n"
	    "                    \"instance\": ID, \"service\": NAME}\n"
	    "                   (\"spec\" may be left out with --spec).  All "
	    "requests\n"
	    "                   are one transaction; one answer line each, in "
	    "order.\n"
	    "  --ledger PATH    default: $EDGENETC_LEDGER, else\n"
	    "                   $XDG_STATE_HOME/edgenetc/ledger.db, else\n"
	    "                   ~/.local/state/edgenetc/ledger.db\n"
	    "\n"
	    "Exit status: 0 allocated, 1 errors in the spec or a pool "
	    "exhausted\n"
	    "(nothing recorded), 2 usage error or unreadable input.\n", fp);
}

static int
alloc_one(const struct cli *cl, const char *ledger_path, char **specs,
    size_t n_specs, struct request *rq)
{
	struct diag_ctx d;
	struct spec *sp;
	struct service *svc;
	struct device *dev;
	struct instance *inst;
	struct ledger *l = NULL;
	struct alloc_session *s = NULL;
	struct inst_plan p;
	char msg[512], *out = NULL;
	size_t mark;
	int rc, attempt;

	cli_diag_init(cl, &d);
	sp = spec_load(&d, specs, n_specs, NULL, NULL, 0, &rc);
	if (!sp->ok)
		goto done;
	rc = 1;
	if (spec_resolve(sp, rq, &svc, &dev, &inst, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "edgenetc alloc: %s\n", msg);
		goto done;
	}
	if ((l = cli_open_ledger("alloc", ledger_path)) == NULL)
		goto done;
	for (attempt = 0;; attempt++) {
		mark = d.n;
		s = alloc_session_new(l, &d, alloc_now());
		if (alloc_session_begin(s) == 0) {
			if (alloc_session_instance(s, svc, dev, rq->device,
			    inst, rq->instance, &p) == 0) {
				out = alloc_answer_text(&p, svc->name.s,
				    rq->instance, rq->device);
				if (alloc_session_commit(s) == 0) {
					rc = 0;
					break;
				}
			} else {
				alloc_session_rollback(s);
			}
		}
		alloc_session_free(s);
		s = NULL;
		free(out);
		out = NULL;
		if (!ledger_retry_again(l, attempt))
			break;
		diag_rewind(&d, mark);
	}
done:
	cli_diag_print(cl, &d, stderr);
	if (rc == 0)
		printf("%s\n", out);
	free(out);
	alloc_session_free(s);
	ledger_close(l);
	spec_free(sp);
	diag_fini(&d);
	return rc;
}

/*
 * Batch mode
 */

struct batch {
	struct diag_ctx	 d;
	char		**specs;	/* --spec files: the default spec */
	size_t		 n_specs;
	struct spec	*def;
	struct strmap	 cache;		/* path or inline text -> spec */
	struct spec	**owned;
	char		**keys;
	size_t		 n_owned, cap_owned, n_keys, cap_keys;
	const char	*file;
	size_t		 line;
	FILE		*errs;		/* this attempt's messages */
};

static void
batch_err(struct batch *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
batch_err(struct batch *b, const char *fmt, ...)
{
	va_list ap;
	FILE *fp = b->errs != NULL ? b->errs : stderr;

	fprintf(fp, "%s:%zu: error: ", b->file, b->line);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
}

/*
 * The spec named by a request: a file path (path, len), an inline object
 * (obj), or neither (the --spec default).
 */
static struct spec *
batch_spec(struct batch *b, const char *path, size_t plen, json_t *obj,
    int *rc)
{
	struct spec *sp;
	char *key, name[64], *file;
	size_t len;

	*rc = 0;
	if (path == NULL && obj == NULL) {
		if (b->def == NULL) {
			batch_err(b, "no \"spec\" and no --spec");
			*rc = 2;
			return NULL;
		}
		return b->def;
	}
	if (path != NULL) {
		key = xasprintf("f:%.*s", (int)plen, path);
	} else {
		char *t = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);

		if (t == NULL)
			abort();
		key = xasprintf("j:%s", t);
		free(t);
	}
	len = strlen(key);
	if ((sp = strmap_get(&b->cache, key, len)) != NULL) {
		free(key);
		if (!sp->ok)
			*rc = 1;
		return sp->ok ? sp : NULL;
	}
	if (key[0] == 'f') {
		file = key + 2;
		sp = spec_load(&b->d, &file, 1, NULL, NULL, 0, rc);
	} else {
		snprintf(name, sizeof(name), "%s:%zu", b->file, b->line);
		sp = spec_load(&b->d, NULL, 0, name, key + 2, len - 2, rc);
	}
	*XPUSH(b->keys, b->n_keys, b->cap_keys) = key;
	*XPUSH(b->owned, b->n_owned, b->cap_owned) = sp;
	strmap_put(&b->cache, key, len, sp);
	if (!sp->ok) {
		batch_err(b, "the spec has errors");
		return NULL;
	}
	return sp;
}

/* One request line, whichever way it was parsed. */
struct breq {
	char		 device[64], instance[64], service[64];
	bool		 has_device, has_instance, has_service;
	const char	*spec;		/* a path (not NUL-terminated) */
	size_t		 spec_len;
	json_t		*spec_obj;	/* or an inline spec, borrowed */
	bool		 has_spec;
};

/* Takes key = value into rq; 2 with a message on a bad key or value. */
static int
breq_set(struct batch *b, struct breq *rq, const char *key, size_t klen,
    const char *val, size_t vlen, json_t *obj)
{
	static const char *const names[] = { "device", "instance",
	    "service" };
	char *dst[3] = { rq->device, rq->instance, rq->service };
	bool *has[3] = { &rq->has_device, &rq->has_instance,
	    &rq->has_service };
	size_t i;

	if (klen == 4 && memcmp(key, "spec", 4) == 0) {
		if (rq->has_spec)
			goto dup;
		rq->has_spec = true;
		if (obj != NULL && !json_is_null(obj) && !json_is_object(obj) &&
		    !json_is_string(obj)) {
			batch_err(b, "\"spec\" must be a file path or a JSON "
			    "object");
			return 2;
		}
		if (obj != NULL && json_is_object(obj))
			rq->spec_obj = obj;
		else if (val != NULL) {
			rq->spec = val;
			rq->spec_len = vlen;
		}
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (klen != strlen(names[i]) || memcmp(key, names[i], klen))
			continue;
		if (*has[i])
			goto dup;
		if (i == 2 && val == NULL && obj != NULL && json_is_null(obj))
			return 0;	/* "service": null */
		if (val == NULL || !names_id_valid(val, vlen)) {
			batch_err(b, "\"%s\" must be a name of 1-63 of A-Z a-z "
			    "0-9 . _ -", names[i]);
			return 2;
		}
		memcpy(dst[i], val, vlen);
		dst[i][vlen] = '\0';
		*has[i] = true;
		return 0;
	}
	batch_err(b, "unknown key \"%.*s\" (spec, device, instance, "
	    "service)", (int)(klen > 40 ? 40 : klen), key);
	return 2;
dup:
	batch_err(b, "\"%.*s\" is given twice", (int)klen, key);
	return 2;
}

/* A JSON string at *p without escapes or non-ASCII bytes. */
static bool
flat_str(const char **p, const char **s, size_t *len)
{
	const char *q = *p;

	if (*q++ != '"')
		return false;
	*s = q;
	while (*q != '"') {
		if (*q == '\0' || *q == '\\' || (unsigned char)*q < 0x20 ||
		    (unsigned char)*q >= 0x80)
			return false;
		q++;
	}
	*len = (size_t)(q - *s);
	*p = q + 1;
	return true;
}

static const char *
flat_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * The common request shape, without jansson: a flat object of plain
 * string values.  Returns 0 parsed, 2 bad request (reported), -1 not
 * that shape (the caller parses it with jansson).
 */
static int
batch_flat(struct batch *b, const char *text, struct breq *rq)
{
	const char *p = flat_ws(text), *k, *v;
	size_t kl, vl;
	int r;

	if (*p++ != '{')
		return -1;
	p = flat_ws(p);
	while (*p != '}') {
		if (!flat_str(&p, &k, &kl))
			return -1;
		p = flat_ws(p);
		if (*p++ != ':')
			return -1;
		p = flat_ws(p);
		if (!flat_str(&p, &v, &vl))
			return -1;
		p = flat_ws(p);
		if (*p == ',') {
			p = flat_ws(p + 1);
			if (*p == '}')
				return -1;	/* trailing comma: let jansson say */
		} else if (*p != '}') {
			return -1;
		}
		if ((r = breq_set(b, rq, k, kl, v, vl, NULL)) != 0)
			return r;
	}
	p = flat_ws(p + 1);
	return *p == '\0' ? 0 : -1;
}

static int
batch_json(struct batch *b, json_t *o, struct breq *rq)
{
	const char *key;
	json_t *v;
	int r;

	json_object_foreach(o, key, v) {
		r = breq_set(b, rq, key, strlen(key), json_is_string(v) ?
		    json_string_value(v) : NULL, json_is_string(v) ?
		    json_string_length(v) : 0, v);
		if (r != 0)
			return r;
	}
	return 0;
}

static int
batch_line(struct batch *b, struct alloc_session *s, const char *text,
    FILE *out)
{
	struct breq br;
	struct request rq;
	struct spec *sp;
	struct service *svc;
	struct device *dev;
	struct instance *inst;
	struct inst_plan p;
	json_error_t err;
	json_t *o = NULL;
	char msg[512], *ans;
	int rc;

	memset(&br, 0, sizeof(br));
	if ((rc = batch_flat(b, text, &br)) < 0) {
		memset(&br, 0, sizeof(br));
		o = json_loads(text, JSON_REJECT_DUPLICATES, &err);
		if (!json_is_object(o)) {
			if (o == NULL)
				batch_err(b, "not JSON: %s (column %d)",
				    err.text, err.column);
			else
				batch_err(b, "a request must be a JSON object");
			json_decref(o);
			return 2;
		}
		rc = batch_json(b, o, &br);
	}
	if (rc == 0 && (!br.has_device || !br.has_instance)) {
		batch_err(b, "a request needs \"device\" and \"instance\"");
		rc = 2;
	}
	memset(&rq, 0, sizeof(rq));
	rq.device = br.device;
	rq.instance = br.instance;
	rq.service = br.has_service ? br.service : NULL;
	if (rc == 0 && (sp = batch_spec(b, br.spec, br.spec_len, br.spec_obj,
	    &rc)) != NULL) {
		if (spec_resolve(sp, &rq, &svc, &dev, &inst, msg,
		    sizeof(msg)) != 0) {
			batch_err(b, "%s", msg);
			rc = 1;
		} else if (alloc_session_instance(s, svc, dev, rq.device, inst,
		    rq.instance, &p) != 0) {
			batch_err(b, "instance '%s' not allocated (see "
			    "below)", rq.instance);
			rc = 1;
		} else {
			ans = alloc_answer_text(&p, svc->name.s, rq.instance, rq.device);
			fputs_unlocked(ans, out);
			putc_unlocked('\n', out);
			free(ans);
		}
	}
	json_decref(o);
	return rc;
}

static int
alloc_batch(const struct cli *cl, const char *ledger_path, char **specs,
    size_t n_specs,
    const char *file)
{
	struct batch b;
	struct ledger *l = NULL;
	struct alloc_session *s = NULL;
	FILE *in, *out;
	char *line = NULL, *obuf = NULL, *ebuf = NULL;
	size_t cap = 0, olen = 0, i, no = 0, mark, elen = 0;
	struct bline { char *text; size_t no; } *lines = NULL, *bl;
	size_t n_lines = 0, cap_lines = 0;
	bool began = false;
	ssize_t n;
	int rc = 0, r, attempt;

	memset(&b, 0, sizeof(b));
	cli_diag_init(cl, &b.d);
	strmap_init(&b.cache, 0);
	b.file = strcmp(file, "-") == 0 ? "<stdin>" : file;
	in = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	if (in == NULL) {
		fprintf(stderr, "edgenetc alloc: cannot read %s: %s\n", file,
		    strerror(errno));
		rc = 2;
		goto done;
	}
	if (n_specs > 0) {
		b.def = spec_load(&b.d, specs, n_specs, NULL, NULL, 0, &rc);
		if (!b.def->ok)
			goto done;
	}
	if ((l = cli_open_ledger("alloc", ledger_path)) == NULL) {
		rc = 1;
		goto done;
	}
	/* the whole input first: a transaction may have to run again */
	while ((n = getline(&line, &cap, in)) != -1) {
		no++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (strspn(line, " \t") == (size_t)n)
			continue;	/* blank */
		bl = XPUSH(lines, n_lines, cap_lines);
		bl->text = xstrndup(line, (size_t)n);
		bl->no = no;
	}
	if (ferror(in)) {
		fprintf(stderr, "edgenetc alloc: cannot read %s: %s\n", file,
		    strerror(errno));
		rc = 2;
		goto done;
	}
	for (attempt = 0;; attempt++) {
		mark = b.d.n;
		began = true;
		rc = 0;
		free(ebuf);
		ebuf = NULL;
		if ((b.errs = open_memstream(&ebuf, &elen)) == NULL)
			abort();
		s = alloc_session_new(l, &b.d, alloc_now());
		if (alloc_session_begin(s) != 0)
			rc = 1;
		if ((out = open_memstream(&obuf, &olen)) == NULL)
			abort();
		for (i = 0; i < n_lines && rc == 0; i++) {
			b.line = lines[i].no;
			if ((r = batch_line(&b, s, lines[i].text, out)) != 0)
				rc = r;
		}
		fclose(out);
		fclose(b.errs);
		b.errs = NULL;
		if (rc == 0 && alloc_session_commit(s) != 0)
			rc = 1;
		if (rc == 0) {
			fwrite(obuf, 1, olen, stdout);
			break;
		}
		alloc_session_rollback(s);
		alloc_session_free(s);
		s = NULL;
		free(obuf);
		obuf = NULL;
		if (rc != 1 || !ledger_retry_again(l, attempt))
			break;
		diag_rewind(&b.d, mark);
	}
done:
	if (ebuf != NULL)
		fputs(ebuf, stderr);
	free(ebuf);
	cli_diag_print(cl, &b.d, stderr);
	if (rc != 0 && began && l->in_doubt)
		fprintf(stderr, "edgenetc alloc: the connection was lost at "
		    "commit: the batch may or may not be recorded; sending it "
		    "again is safe and gives the same answers\n");
	else if (rc != 0 && began)
		fprintf(stderr, "edgenetc alloc: batch rolled back: nothing "
		    "recorded\n");
	free(obuf);
	free(line);
	for (i = 0; i < n_lines; i++)
		free(lines[i].text);
	free(lines);
	if (in != NULL && in != stdin)
		fclose(in);
	alloc_session_free(s);
	ledger_close(l);
	spec_free(b.def);
	for (i = 0; i < b.n_owned; i++)
		spec_free(b.owned[i]);
	for (i = 0; i < b.n_keys; i++)
		free(b.keys[i]);
	free(b.owned);
	free(b.keys);
	strmap_fini(&b.cache);
	diag_fini(&b.d);
	return rc;
}

int
cmd_alloc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "spec", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "instance", required_argument, NULL, 'i' },
		{ "service", required_argument, NULL, 'S' },
		{ "batch", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cl = { .verb = "alloc", .usage = alloc_usage, .opts = opts,
	    .diag = true };
	char *specs[MAX_SPECS];
	size_t n_specs = 0;
	const char *ledger = NULL, *batch = NULL;
	struct request rq;
	int c;

	memset(&rq, 0, sizeof(rq));
	while ((c = cli_getopt(&cl, argc, argv)) != -1) {
		switch (c) {
		case 'l':
			ledger = optarg;
			break;
		case 's':
			if (n_specs == MAX_SPECS) {
				fprintf(stderr, "edgenetc alloc: at most %d "
				    "--spec\n", MAX_SPECS);
				return 2;
			}
			specs[n_specs++] = optarg;
			break;
		case 'd':
			rq.device = optarg;
			break;
		case 'i':
			rq.instance = optarg;
			break;
		case 'S':
			rq.service = optarg;
			break;
		case 'b':
			batch = optarg;
			break;
		default:
			return cl.rc;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgenetc alloc: unexpected argument '%s'\n",
		    argv[optind]);
		return 2;
	}
	if (batch != NULL) {
		if (rq.device != NULL || rq.instance != NULL ||
		    rq.service != NULL) {
			fprintf(stderr, "edgenetc alloc: --batch takes its "
			    "devices, instances and services from FILE\n");
			return 2;
		}
		return alloc_batch(&cl, ledger, specs, n_specs, batch);
	}
	if (n_specs == 0 || rq.device == NULL || rq.instance == NULL)
		return cli_usage_error(&cl, "--spec, --device and --instance "
		    "are required, or --batch (see 'edgenetc alloc --help')");
	if (!cli_id_ok("alloc", "device", rq.device) ||
	    !cli_id_ok("alloc", "instance", rq.instance) ||
	    (rq.service != NULL && !cli_id_ok("alloc", "service", rq.service)))
		return 2;
	return alloc_one(&cl, ledger, specs, n_specs, &rq);
}
