/*
 * cmd_alloc.c - edgenetc alloc, release and ledger (SPEC 7).
 *
 *   alloc [--ledger PATH] --spec FILE --device ID --instance ID
 *         [--service NAME]
 *   alloc [--ledger PATH] [--spec FILE] --batch FILE.jsonl
 *   release [--ledger PATH] --instance ID [--cooldown S] [--generation G]
 *   ledger [--ledger PATH] show [--all] | verify
 *
 * Answers are JSON on standard output; diagnostics, and the default
 * ledger's path, on standard error.  Exit: 0 done (warnings allowed), 1
 * errors in the input or a failed operation (an exhausted pool, a ledger
 * problem), 2 usage error or unreadable input.
 */
#include <errno.h>
#include <getopt.h>
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
#include "cmd.h"
#include "front.h"
#include "ledger.h"
#include "strmap.h"
#include "xalloc.h"

#define MAX_SPECS	64

/*
 * The default ledger
 */

static int
mkdir_p(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/*
 * $EDGENETC_LEDGER, else $XDG_STATE_HOME/edgenetc/ledger.db, else
 * $HOME/.local/state/edgenetc/ledger.db, else ./edgenet-ledger.db.  The
 * directory is created (0700) when missing, so that the path can be
 * opened.
 */
const char *
cmd_default_ledger(void)
{
	static char buf[PATH_MAX];
	char dir[PATH_MAX];
	const char *e;

	if ((e = getenv("EDGENETC_LEDGER")) != NULL && *e != '\0')
		snprintf(buf, sizeof(buf), "%s", e);
	else if ((e = getenv("XDG_STATE_HOME")) != NULL && *e == '/')
		snprintf(buf, sizeof(buf), "%s/edgenetc/ledger.db", e);
	else if ((e = getenv("HOME")) != NULL && *e == '/')
		snprintf(buf, sizeof(buf), "%s/.local/state/edgenetc/ledger.db",
		    e);
	else
		snprintf(buf, sizeof(buf), "edgenet-ledger.db");
	snprintf(dir, sizeof(dir), "%s", buf);
	(void)mkdir_p(dir);	/* ledger_open() reports what fails */
	return buf;
}

static struct ledger *
open_ledger(const char *verb, const char *path)
{
	char err[LEDGER_ERRLEN];
	struct ledger *l;

	if (path == NULL) {
		path = cmd_default_ledger();
		fprintf(stderr, "edgenetc %s: using ledger %s\n", verb, path);
	}
	if ((l = ledger_open(path, err, sizeof(err))) == NULL)
		fprintf(stderr, "edgenetc %s: %s\n", verb, err);
	return l;
}

static bool
id_ok(const char *verb, const char *what, const char *s)
{
	if (s != NULL && check_ident_ok(s, strlen(s)))
		return true;
	fprintf(stderr, "edgenetc %s: %s '%s' must be 1-63 of "
	    "A-Z a-z 0-9 . _ -\n", verb, what, s != NULL ? s : "");
	return false;
}

static bool
parse_i64(const char *s, int64_t min, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min)
		return false;
	*out = v;
	return true;
}

/*
 * Loaded specs: a fleet with hash indexes for requests.
 */

struct iref {
	struct instance	*inst;
	struct device	*dev;
};

struct spec {
	struct fleet	*f;
	struct strmap	 devs, insts, svcs;
	struct iref	*refs;
	bool		 ok;		/* loaded and checked */
};

static void
spec_index(struct spec *sp)
{
	struct fleet *f = sp->f;
	struct device *dv;
	size_t i, j, n = 0;

	for (i = 0; i < f->n_devs; i++)
		n += f->devs[i]->n_insts;
	strmap_init(&sp->devs, f->n_devs);
	strmap_init(&sp->insts, n);
	strmap_init(&sp->svcs, f->n_svcs);
	sp->refs = xzalloc((n ? n : 1) * sizeof(*sp->refs));
	n = 0;
	for (i = 0; i < f->n_svcs; i++)
		if (f->svcs[i]->name.s != NULL)
			strmap_put(&sp->svcs, f->svcs[i]->name.s,
			    f->svcs[i]->name.len, f->svcs[i]);
	for (i = 0; i < f->n_devs; i++) {
		dv = f->devs[i];
		if (dv->id.s != NULL)
			strmap_put(&sp->devs, dv->id.s, dv->id.len, dv);
		for (j = 0; j < dv->n_insts; j++) {
			if (dv->insts[j].id.s == NULL)
				continue;
			sp->refs[n].inst = &dv->insts[j];
			sp->refs[n].dev = dv;
			strmap_put(&sp->insts, dv->insts[j].id.s,
			    dv->insts[j].id.len, &sp->refs[n]);
			n++;
		}
	}
}

static void
spec_free(struct spec *sp)
{
	if (sp == NULL)
		return;
	strmap_fini(&sp->devs);
	strmap_fini(&sp->insts);
	strmap_fini(&sp->svcs);
	free(sp->refs);
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
	spec_index(sp);
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
	struct iref *ir;

	*svc = NULL;
	*inst = NULL;
	*dev = strmap_get(&sp->devs, rq->device, strlen(rq->device));
	ir = strmap_get(&sp->insts, rq->instance, strlen(rq->instance));
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
		*svc = strmap_get(&sp->svcs, rq->service, strlen(rq->service));
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
alloc_one(const char *ledger_path, char **specs, size_t n_specs,
    struct request *rq)
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
	int rc;

	diag_init(&d);
	sp = spec_load(&d, specs, n_specs, NULL, NULL, 0, &rc);
	if (!sp->ok)
		goto done;
	rc = 1;
	if (spec_resolve(sp, rq, &svc, &dev, &inst, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "edgenetc alloc: %s\n", msg);
		goto done;
	}
	if ((l = open_ledger("alloc", ledger_path)) == NULL)
		goto done;
	s = alloc_session_new(l, &d, alloc_now());
	if (alloc_session_begin(s) != 0)
		goto done;
	if (alloc_session_instance(s, svc, dev, rq->device, inst,
	    rq->instance, &p) != 0) {
		alloc_session_rollback(s);
		goto done;
	}
	out = alloc_answer_text(&p, svc->name.s, rq->instance, rq->device);
	if (alloc_session_commit(s) != 0)
		goto done;
	rc = 0;
done:
	diag_print_text(&d, stderr);
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
};

static void
batch_err(struct batch *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
batch_err(struct batch *b, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%zu: error: ", b->file, b->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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
		if (val == NULL || !check_ident_ok(val, vlen)) {
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
alloc_batch(const char *ledger_path, char **specs, size_t n_specs,
    const char *file)
{
	struct batch b;
	struct ledger *l = NULL;
	struct alloc_session *s = NULL;
	FILE *in, *out;
	char *line = NULL, *obuf = NULL;
	size_t cap = 0, olen = 0, i;
	ssize_t n;
	int rc = 0, r;

	memset(&b, 0, sizeof(b));
	diag_init(&b.d);
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
	if ((l = open_ledger("alloc", ledger_path)) == NULL) {
		rc = 1;
		goto done;
	}
	s = alloc_session_new(l, &b.d, alloc_now());
	if (alloc_session_begin(s) != 0) {
		rc = 1;
		goto done;
	}
	if ((out = open_memstream(&obuf, &olen)) == NULL)
		abort();
	while ((n = getline(&line, &cap, in)) != -1) {
		b.line++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (strspn(line, " \t") == (size_t)n)
			continue;	/* blank */
		if ((r = batch_line(&b, s, line, out)) != 0) {
			rc = r;
			break;
		}
	}
	if (rc == 0 && ferror(in)) {
		fprintf(stderr, "edgenetc alloc: cannot read %s: %s\n", file,
		    strerror(errno));
		rc = 2;
	}
	fclose(out);
	if (rc == 0 && alloc_session_commit(s) != 0)
		rc = 1;
	if (rc != 0)
		alloc_session_rollback(s);
	else
		fwrite(obuf, 1, olen, stdout);
done:
	diag_print_text(&b.d, stderr);
	if (rc != 0 && s != NULL)
		fprintf(stderr, "edgenetc alloc: batch rolled back: nothing "
		    "recorded\n");
	free(obuf);
	free(line);
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *specs[MAX_SPECS];
	size_t n_specs = 0;
	const char *ledger = NULL, *batch = NULL;
	struct request rq;
	int c;

	memset(&rq, 0, sizeof(rq));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
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
		case 'h':
			alloc_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "edgenetc alloc: bad option '%s'\n",
			    argv[optind - 1]);
			alloc_usage(stderr);
			return 2;
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
		return alloc_batch(ledger, specs, n_specs, batch);
	}
	if (n_specs == 0 || rq.device == NULL || rq.instance == NULL) {
		alloc_usage(stderr);
		return 2;
	}
	if (!id_ok("alloc", "device", rq.device) ||
	    !id_ok("alloc", "instance", rq.instance) ||
	    (rq.service != NULL && !id_ok("alloc", "service", rq.service)))
		return 2;
	return alloc_one(ledger, specs, n_specs, &rq);
}

/*
 * release
 */

int
cmd_release(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "instance", required_argument, NULL, 'i' },
		{ "cooldown", required_argument, NULL, 'c' },
		{ "generation", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: edgenetc release [--ledger PATH] "
	    "--instance ID [--cooldown SECONDS]\n"
	    "                        [--generation G]\n"
	    "\n"
	    "Frees every decision of the instance's live generation.  Its\n"
	    "blocks and addresses stay out of reuse for --cooldown seconds\n"
	    "(default 0).  With --generation, releases only if G is still the\n"
	    "live generation (a stale release changes nothing).  Releasing\n"
	    "what is not allocated is not an error.  Prints\n"
	    "  {\"instance\",\"status\":\"released\"|\"not-allocated\"|"
	    "\"stale\",\"generation\"}\n";
	const char *ledger = NULL, *instance = NULL;
	const char *status[] = { "released", "not-allocated", "stale" };
	int64_t cooldown = 0, gen = 0, cur;
	struct diag_ctx d;
	struct ledger *l;
	struct alloc_session *s;
	json_t *o;
	char *txt;
	int c, r, rc = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			ledger = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 'c':
			if (!parse_i64(optarg, 0, &cooldown) ||
			    cooldown > INT32_MAX * 100LL) {
				fprintf(stderr, "edgenetc release: --cooldown "
				    "takes seconds >= 0\n");
				return 2;
			}
			break;
		case 'g':
			if (!parse_i64(optarg, 1, &gen)) {
				fprintf(stderr, "edgenetc release: "
				    "--generation takes a number >= 1\n");
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc || instance == NULL) {
		fputs(usage, stderr);
		return 2;
	}
	if (!id_ok("release", "instance", instance))
		return 2;
	if ((l = open_ledger("release", ledger)) == NULL)
		return 1;
	diag_init(&d);
	s = alloc_session_new(l, &d, alloc_now());
	if (alloc_session_begin(s) == 0) {
		r = alloc_session_release(s, instance, gen, cooldown, &cur);
		if (r >= 0 && alloc_session_commit(s) == 0) {
			rc = 0;
			o = json_pack("{s:s, s:s, s:o}", "instance", instance,
			    "status", status[r], "generation", cur != 0 ?
			    json_integer(cur) : json_null());
			txt = json_dumps(o, JSON_COMPACT);
			printf("%s\n", txt);
			free(txt);
			json_decref(o);
			if (r == 2)
				fprintf(stderr, "edgenetc release: stale: "
				    "generation %lld of instance '%s' is not "
				    "the live one (%lld); nothing released\n",
				    (long long)gen, instance, (long long)cur);
		}
	}
	diag_print_text(&d, stderr);
	alloc_session_free(s);
	ledger_close(l);
	diag_fini(&d);
	return rc;
}

/*
 * ledger show | verify
 */

struct show {
	struct ledger	*l;
	json_t		*svcs;		/* array */
	json_t		*insts;		/* array */
	struct strmap	 lan_dhcp;	/* service -> (void *)1 */
	char		**names;
	size_t		 n_names, cap_names;
};

static json_t *
jtime(int64_t t)
{
	return t != 0 ? json_integer(t) : json_null();
}

static int
show_svc(void *arg, const struct ledger_svc *sv)
{
	struct show *sh = arg;
	json_t *o, *nc;
	json_error_t err;
	char buf[ADDR_STRLEN];
	const char *lan;

	nc = json_loads(sv->netcfg, 0, &err);
	if (nc == NULL)
		nc = json_string(sv->netcfg);
	lan = json_string_value(json_object_get(nc, "lan_configure_network"));
	if (lan != NULL && strcmp(lan, "dhcp") == 0) {
		char *k = xstrdup(sv->name);

		*XPUSH(sh->names, sh->n_names, sh->cap_names) = k;
		strmap_put(&sh->lan_dhcp, k, strlen(k), (void *)1);
	}
	o = json_pack("{s:s, s:o, s:o, s:o}", "name", sv->name,
	    "network_config", nc, "dhcp_range", sv->has_range ?
	    json_string(addr_format(&sv->range, buf, sizeof(buf))) :
	    json_null(), "created", jtime(sv->created));
	json_array_append_new(sh->svcs, o);
	return 0;
}

static json_t *
show_lease(const struct lease *ls)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], c[ADDR_STRLEN], d[ADDR_STRLEN];
	char e[ADDR_STRLEN];
	json_t *pool = json_null();

	if (ls->has_pool)
		pool = json_pack("{s:s, s:s}", "start", addr_format_host(
		    &ls->pool_start, d, sizeof(d)), "end", addr_format_host(
		    &ls->pool_end, e, sizeof(e)));
	return json_pack("{s:s, s:o, s:s, s:s, s:i, s:s, s:o, s:o, s:o, s:o}",
	    "kind", lease_kind_name(ls->kind),
	    "scope", ls->scope != NULL ? json_string(ls->scope) : json_null(),
	    "block", addr_format(&ls->held, a, sizeof(a)),
	    "pool", addr_format(&ls->pool, b, sizeof(b)),
	    "template", (int)ls->tplen,
	    "address", addr_format(&ls->address, c, sizeof(c)),
	    "dhcp_pool", pool,
	    "created", jtime(ls->created),
	    "released", jtime(ls->released),
	    "reusable_at", jtime(ls->reusable_at));
}

static int
show_inst(void *arg, const struct ledger_inst *in)
{
	struct show *sh = arg;
	struct inst_plan p;
	const struct lease *ls;
	json_t *o, *leases = json_array();
	bool dhcp;
	size_t i;

	memset(&p, 0, sizeof(p));
	dhcp = strmap_get(&sh->lan_dhcp, in->service,
	    strlen(in->service)) != NULL;
	for (i = 0; i < in->n_leases; i++) {
		ls = &in->leases[i];
		json_array_append_new(leases, show_lease(ls));
		if (ls->released != 0)
			continue;
		if (ls->kind == LEASE_WAN) {
			p.has_wan = true;
			p.wan_address = ls->address;
			continue;
		}
		if (ls->kind != LEASE_FIXED) {
			p.has_block = true;
			p.block = ls->held;
		}
		p.has_address = true;
		p.address = ls->address;
		if (dhcp && ls->has_pool) {
			p.has_pool = true;
			p.pool_start = ls->pool_start;
			p.pool_end = ls->pool_end;
		}
	}
	o = alloc_answer_json(&p, in->service, in->instance, in->device);
	json_object_set_new(o, "generation", json_integer(in->gen));
	json_object_set_new(o, "created", jtime(in->created));
	json_object_set_new(o, "released", jtime(in->released));
	json_object_set_new(o, "reusable_at", jtime(in->reusable_at));
	json_object_set_new(o, "leases", leases);
	json_array_append_new(sh->insts, o);
	return 0;
}

static int
ledger_show(struct ledger *l, bool all)
{
	struct show sh;
	json_t *o;
	size_t i;
	int rc = 0;

	memset(&sh, 0, sizeof(sh));
	sh.l = l;
	sh.svcs = json_array();
	sh.insts = json_array();
	strmap_init(&sh.lan_dhcp, 0);
	if (l->ops->svc_scan(l, show_svc, &sh) != 0 ||
	    l->ops->inst_scan(l, all, show_inst, &sh) != 0) {
		fprintf(stderr, "edgenetc ledger: %s\n", l->err);
		rc = 1;
	}
	o = json_pack("{s:s, s:s, s:i, s:o, s:o}", "ledger", l->where,
	    "backend", l->ops->name, "schema", l->ops->schema(l),
	    "services", sh.svcs, "instances", sh.insts);
	if (rc == 0) {
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	}
	json_decref(o);
	for (i = 0; i < sh.n_names; i++)
		free(sh.names[i]);
	free(sh.names);
	strmap_fini(&sh.lan_dhcp);
	return rc;
}

struct verify {
	unsigned	 problems;
	size_t		 n_leases;
	struct lease	 prev;		/* the lease reaching highest so far */
	char		 prev_scope[72];
	char		 prev_inst[72];
	bool		 have_prev;
};

static void
verify_problem(void *arg, const char *msg)
{
	struct verify *v = arg;

	v->problems++;
	printf("problem: %s\n", msg);
}

static void
verify_lease_shape(struct verify *v, const struct lease *ls)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], msg[512];
	const char *who = ls->instance ? ls->instance : "?";
	bool fleet = ls->kind == LEASE_BLOCK || ls->kind == LEASE_SHARED;
	unsigned bits = addr_bits(&ls->held);

	addr_format(&ls->held, a, sizeof(a));
	addr_format(&ls->pool, b, sizeof(b));
	msg[0] = '\0';
	if (!addr_contains(&ls->pool, &ls->held))
		snprintf(msg, sizeof(msg), "%s %s of instance '%s' is not "
		    "inside its pool %s", lease_kind_name(ls->kind), a, who, b);
	else if (fleet != (ls->scope == NULL))
		snprintf(msg, sizeof(msg), "%s %s of instance '%s' has the "
		    "wrong scope", lease_kind_name(ls->kind), a, who);
	else if (!fleet && (ls->held.plen != bits || ls->address.v !=
	    ls->held.v))
		snprintf(msg, sizeof(msg), "%s address %s of instance '%s' "
		    "does not match its address", lease_kind_name(ls->kind),
		    a, who);
	else if (!fleet && ls->device != NULL &&
	    strcmp(ls->scope, ls->device) != 0)
		snprintf(msg, sizeof(msg), "%s address %s of instance '%s' is "
		    "held on device '%s', but the instance is on '%s'",
		    lease_kind_name(ls->kind), a, who, ls->scope, ls->device);
	else if (ls->kind == LEASE_BLOCK && ls->held.plen != ls->tplen)
		snprintf(msg, sizeof(msg), "block %s of instance '%s' is not "
		    "a /%u", a, who, ls->tplen);
	else if (fleet && !addr_contains_host(&ls->held, ls->address.v))
		snprintf(msg, sizeof(msg), "interface address of instance "
		    "'%s' is outside its block %s", who, a);
	else if (ls->has_pool && (!addr_contains_host(fleet ? &ls->held :
	    &ls->pool, ls->pool_start.v) || !addr_contains_host(fleet ?
	    &ls->held : &ls->pool, ls->pool_end.v) ||
	    ls->pool_start.v > ls->pool_end.v))
		snprintf(msg, sizeof(msg), "DHCP pool of instance '%s' is not "
		    "inside %s", who, fleet ? a : b);
	if (msg[0] != '\0')
		verify_problem(v, msg);
}

static int
verify_lease(void *arg, const struct lease *ls)
{
	struct verify *v = arg;
	const char *scope = ls->scope != NULL ? ls->scope : "";
	char a[ADDR_STRLEN], b[ADDR_STRLEN], msg[512];
	bool same_group;

	v->n_leases++;
	verify_lease_shape(v, ls);
	same_group = v->have_prev && strcmp(v->prev_scope, scope) == 0 &&
	    v->prev.held.family == ls->held.family;
	if (same_group && addr_network(&ls->held) <= addr_last(&v->prev.held) &&
	    !(ls->kind == LEASE_SHARED && v->prev.kind == LEASE_SHARED &&
	    addr_cmp(&ls->held, &v->prev.held) == 0)) {
		snprintf(msg, sizeof(msg), "%s %s of instance '%s' overlaps "
		    "%s %s of instance '%s'%s%s", lease_kind_name(ls->kind),
		    addr_format(&ls->held, a, sizeof(a)), ls->instance ?
		    ls->instance : "?", lease_kind_name(v->prev.kind),
		    addr_format(&v->prev.held, b, sizeof(b)), v->prev_inst,
		    *scope ? " on device " : "", scope);
		verify_problem(v, msg);
	}
	if (!same_group || addr_last(&ls->held) > addr_last(&v->prev.held)) {
		v->prev = *ls;
		v->prev.scope = NULL;
		snprintf(v->prev_scope, sizeof(v->prev_scope), "%s", scope);
		snprintf(v->prev_inst, sizeof(v->prev_inst), "%s",
		    ls->instance ? ls->instance : "?");
		v->have_prev = true;
	}
	return 0;
}

static int
ledger_verify(struct ledger *l)
{
	struct verify v;
	int n;

	memset(&v, 0, sizeof(v));
	if ((n = l->ops->integrity(l, verify_problem, &v)) < 0 ||
	    l->ops->lease_scan_all(l, verify_lease, &v) != 0) {
		fprintf(stderr, "edgenetc ledger: %s\n", l->err);
		return 1;
	}
	if (v.problems != 0) {
		printf("ledger %s: %u problem(s)\n", l->where, v.problems);
		return 1;
	}
	printf("ledger %s: ok (%zu active leases, schema %d)\n", l->where,
	    v.n_leases, l->ops->schema(l));
	return 0;
}

int
cmd_ledger(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: edgenetc ledger [--ledger PATH] "
	    "show [--all] | verify\n"
	    "\n"
	    "  show     the ledger as JSON: services with their first\n"
	    "           network_config, live instances with their answer and\n"
	    "           leases (--all: every generation ever)\n"
	    "  verify   integrity: no overlapping active blocks or addresses,\n"
	    "           every block inside its pool; exit 1 on a problem\n";
	const char *path = NULL, *what;
	struct ledger *l;
	bool all = false;
	int c, rc;

	optind = 1;
	opterr = 0;
	/* options may follow the subcommand: "ledger show --all" */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			path = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 2;
	}
	what = argv[optind];
	if (strcmp(what, "show") != 0 && strcmp(what, "verify") != 0) {
		fprintf(stderr, "edgenetc ledger: unknown subcommand '%s'\n",
		    what);
		fputs(usage, stderr);
		return 2;
	}
	if (path != NULL && strcmp(path, ":memory:") != 0 &&
	    access(path, F_OK) != 0) {
		fprintf(stderr, "edgenetc ledger: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	if ((l = open_ledger("ledger", path)) == NULL)
		return 1;
	rc = strcmp(what, "show") == 0 ? ledger_show(l, all) :
	    ledger_verify(l);
	ledger_close(l);
	return rc;
}
