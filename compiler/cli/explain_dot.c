/*
 * explain_dot.c - one device as a Graphviz graph (explain_dot.h).
 *
 * The host side is one cluster: the physical ports, the client network
 * bridges, the per-instance bridges and host ends of the veth pairs, and
 * GPSd.  Each instance is a cluster of its own (its network namespace)
 * with its interfaces and addresses.  Edges are links (a port or veth
 * in a bridge, the two ends of a veth pair) and, labelled and dashed,
 * what can reach what: the default route, masquerade, GPSd.
 */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explain_dot.h"
#include "model.h"

extern char **environ;

/* A DOT string: quotes, backslashes and control bytes escaped. */
static void
dot_q(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', fp);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/* A node id made of parts: "kind:a:b" */
static void
dot_id(FILE *fp, const char *kind, const char *a, const char *b)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s:%s%s%s", kind, a != NULL ? a : "",
	    b != NULL ? ":" : "", b != NULL ? b : "");
	dot_q(fp, buf);
}

static const char *
js(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void
dot_node(FILE *fp, const char *kind, const char *a, const char *b,
    const char *label, const char *attrs)
{
	fputs("    ", fp);
	dot_id(fp, kind, a, b);
	fputs(" [label=", fp);
	dot_q(fp, label);
	fprintf(fp, "%s%s];\n", attrs != NULL ? ", " : "",
	    attrs != NULL ? attrs : "");
}

static void
dot_edge(FILE *fp, const char *k1, const char *a1, const char *b1,
    const char *k2, const char *a2, const char *b2, const char *label,
    const char *attrs)
{
	fputs("  ", fp);
	dot_id(fp, k1, a1, b1);
	fputs(" -> ", fp);
	dot_id(fp, k2, a2, b2);
	fputs(" [", fp);
	if (label != NULL) {
		fputs("label=", fp);
		dot_q(fp, label);
	}
	fprintf(fp, "%s%s];\n", label != NULL && attrs != NULL ? ", " : "",
	    attrs != NULL ? attrs : "");
}

static void
dot_host(FILE *fp, const json_t *x, const struct device *dv)
{
	const json_t *nets = json_object_get(x, "client_networks"), *n;
	const json_t *insts = json_object_get(x, "instances"), *in, *lan, *ai;
	char label[512], port[128];
	size_t i, j;

	fputs("  subgraph \"cluster_host\" {\n    label=", fp);
	snprintf(label, sizeof(label), "device %s (host)", js(x, "device"));
	dot_q(fp, label);
	fputs(";\n    style=rounded;\n", fp);
	for (i = 0; dv != NULL && i < dv->ifaces.n; i++) {
		snprintf(port, sizeof(port), "%.*s", (int)dv->ifaces.v[i].len,
		    dv->ifaces.v[i].s);
		snprintf(label, sizeof(label), "port %s", port);
		dot_node(fp, "port", port, NULL, label,
		    "shape=box, style=filled, fillcolor=lightgrey");
	}
	json_array_foreach(nets, i, n) {
		snprintf(label, sizeof(label), "client network %s\nbridge %s\n"
		    "%s%s", js(n, "name"), js(n, "bridge"),
		    js(n, "address") != NULL ? js(n, "address") : "no subnet",
		    json_is_true(json_object_get(n, "default")) ?
		    " (default)" : "");
		dot_node(fp, "net", js(n, "name"), NULL, label,
		    "shape=box3d, style=filled, fillcolor=lightblue");
	}
	snprintf(label, sizeof(label), "GPSd\ntcp/%lld", (long long)
	    json_integer_value(json_object_get(x, "gpsd_port")));
	dot_node(fp, "gpsd", "", NULL, label, "shape=ellipse");
	json_array_foreach(insts, i, in) {
		const json_t *wan = json_object_get(in, "wan");
		const char *id = js(in, "instance");

		lan = json_object_get(in, "lan");
		if (js(wan, "host_veth") != NULL) {
			snprintf(label, sizeof(label), "%s\n(veth, %s wan)",
			    js(wan, "host_veth"), id);
			dot_node(fp, "veth", js(wan, "host_veth"), NULL, label,
			    "shape=box");
		}
		if (js(lan, "host_veth") != NULL) {
			snprintf(label, sizeof(label), "%s\n(veth, %s lan)",
			    js(lan, "host_veth"), id);
			dot_node(fp, "veth", js(lan, "host_veth"), NULL, label,
			    "shape=box");
		}
		json_array_foreach(json_object_get(lan, "access_interfaces"),
		    j, ai) {
			snprintf(label, sizeof(label), "bridge %s",
			    js(ai, "bridge"));
			dot_node(fp, "bridge", js(ai, "bridge"), NULL, label,
			    "shape=box3d");
			snprintf(label, sizeof(label), "%s\n(veth, %s %s)",
			    js(ai, "host_veth"), id, js(ai, "label"));
			dot_node(fp, "veth", js(ai, "host_veth"), NULL, label,
			    "shape=box");
		}
	}
	fputs("  }\n", fp);
}

static void
dot_instance(FILE *fp, const json_t *in)
{
	const json_t *wan = json_object_get(in, "wan");
	const json_t *lan = json_object_get(in, "lan"), *ai, *pool;
	const char *id = js(in, "instance"), *wmode, *lmode;
	char label[512], cl[160];
	size_t j;

	wmode = js(wan, "mode");
	lmode = js(lan, "mode");
	snprintf(cl, sizeof(cl), "cluster_inst_%s", id);
	fputs("  subgraph ", fp);
	dot_q(fp, cl);
	fputs(" {\n    label=", fp);
	snprintf(label, sizeof(label), "instance %s (service %s)\nnetwork "
	    "namespace", id, js(in, "service"));
	dot_q(fp, label);
	fputs(";\n    style=filled;\n    fillcolor=\"#f4f4e8\";\n", fp);
	dot_node(fp, "ns", id, NULL, id, "shape=plaintext");
	if (wmode != NULL && strcmp(wmode, "disabled") != 0) {
		snprintf(label, sizeof(label), "wan (%s)\n%s", wmode,
		    js(wan, "address") != NULL ? js(wan, "address") :
		    "address by DHCP");
		dot_node(fp, "if", id, "wan", label, "shape=box");
	}
	if (lmode != NULL && strcmp(lmode, "disabled") != 0) {
		pool = json_object_get(lan, "dhcp_pool");
		snprintf(label, sizeof(label), "%s (%s)\n%s%s%s%s%s",
		    js(lan, "interface") != NULL ? js(lan, "interface") : "lan",
		    lmode, js(lan, "address") != NULL ? js(lan, "address") :
		    "", json_is_object(pool) ? "\nDHCP pool " : "",
		    json_is_object(pool) ? js(pool, "start") : "",
		    json_is_object(pool) ? " - " : "",
		    json_is_object(pool) ? js(pool, "end") : "");
		dot_node(fp, "if", id, "lan", label, "shape=box");
		json_array_foreach(json_object_get(lan, "access_interfaces"),
		    j, ai) {
			snprintf(label, sizeof(label), "%s\n(access interface "
			    "for port %s)", js(ai, "label"), js(ai, "port"));
			dot_node(fp, "if", id, js(ai, "label"), label,
			    "shape=box");
		}
	}
	fputs("  }\n", fp);
}

static void
dot_edges(FILE *fp, const json_t *x)
{
	const json_t *insts = json_object_get(x, "instances"), *in, *ai, *g;
	const json_t *nets = json_object_get(x, "client_networks"), *n;
	char label[256];
	size_t i, j;

	json_array_foreach(insts, i, in) {
		const json_t *wan = json_object_get(in, "wan");
		const json_t *lan = json_object_get(in, "lan");
		const char *id = js(in, "instance"), *hv = js(wan, "host_veth");
		const char *lm = js(lan, "mode");
		bool has_lan = lm != NULL && strcmp(lm, "disabled") != 0;

		dot_edge(fp, "ns", id, NULL, "ns", id, NULL, NULL,
		    "style=invis");
		if (hv != NULL) {
			dot_edge(fp, "net", js(wan, "client_network"), NULL,
			    "veth", hv, NULL, "member", "dir=none");
			dot_edge(fp, "veth", hv, NULL, "if", id, "wan",
			    "veth pair", "dir=none, penwidth=2");
			snprintf(label, sizeof(label), "default route via %s",
			    js(wan, "gateway") != NULL ? js(wan, "gateway") :
			    "DHCP");
			dot_edge(fp, "if", id, "wan", "net",
			    js(wan, "client_network"), NULL, label,
			    "style=dashed, color=blue, constraint=false");
		}
		if (js(lan, "host_veth") != NULL)
			dot_edge(fp, "veth", js(lan, "host_veth"), NULL, "if",
			    id, "lan", "veth pair (routed)",
			    "dir=none, penwidth=2");
		json_array_foreach(json_object_get(lan, "access_interfaces"),
		    j, ai) {
			dot_edge(fp, "port", js(ai, "port"), NULL, "bridge",
			    js(ai, "bridge"), NULL, "member", "dir=none");
			dot_edge(fp, "bridge", js(ai, "bridge"), NULL, "veth",
			    js(ai, "host_veth"), NULL, "member", "dir=none");
			dot_edge(fp, "veth", js(ai, "host_veth"), NULL, "if",
			    id, js(ai, "label"), "veth pair",
			    "dir=none, penwidth=2");
		}
		if (has_lan && hv != NULL &&
		    json_is_true(json_object_get(in, "masquerade")))
			dot_edge(fp, "if", id, "lan", "if", id, "wan",
			    "forwarded, masqueraded", "style=dashed, "
			    "color=darkgreen");
		else if (has_lan && hv != NULL &&
		    json_is_true(json_object_get(in, "forwarding")))
			dot_edge(fp, "if", id, "lan", "if", id, "wan",
			    "forwarded", "style=dashed, color=darkgreen");
		g = json_object_get(in, "gpsd");
		if (json_is_true(json_object_get(g, "enabled")) && hv != NULL)
			dot_edge(fp, "if", id, "wan", "gpsd", "", NULL,
			    "GPSd access", "style=dashed, color=red");
	}
	json_array_foreach(nets, i, n) {
		if (js(n, "gpsd") != NULL && strcmp(js(n, "gpsd"),
		    "accepted") == 0)
			dot_edge(fp, "net", js(n, "name"), NULL, "gpsd", "",
			    NULL, "every client reaches GPSd",
			    "style=dashed, color=red");
	}
}

void
explain_dot(FILE *fp, const json_t *x, const struct device *dv)
{
	const json_t *in;
	char name[160];
	size_t i;

	snprintf(name, sizeof(name), "edgenet device %s", js(x, "device"));
	fputs("digraph ", fp);
	dot_q(fp, name);
	fputs(" {\n  rankdir=LR;\n  compound=true;\n"
	    "  node [fontname=\"Helvetica\", fontsize=10];\n"
	    "  edge [fontname=\"Helvetica\", fontsize=9];\n", fp);
	dot_host(fp, x, dv);
	json_array_foreach(json_object_get(x, "instances"), i, in)
		dot_instance(fp, in);
	dot_edges(fp, x);
	fputs("}\n", fp);
}

/* dot in PATH, or NULL */
static bool
dot_found(void)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[4096];
	struct stat st;

	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = e) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		snprintf(buf, sizeof(buf), "%.*s/dot", (int)(e - p), p);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return true;
		if (*e == ':')
			e++;
	}
	return false;
}

int
explain_svg(const json_t *x, const struct device *dv)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "dot", "-Tsvg", NULL };
	int pfd[2], status;
	pid_t pid;
	FILE *w;

	if (!dot_found()) {
		fputs("edgenetc explain: --format svg needs graphviz's 'dot' "
		    "in PATH (install graphviz), or use --format dot\n",
		    stderr);
		return -1;
	}
	fflush(stdout);
	if (pipe(pfd) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[0], 0);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	posix_spawn_file_actions_addclose(&fa, pfd[1]);
	errno = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[0]);
	if (errno != 0) {
		perror("edgenetc explain: dot");
		close(pfd[1]);
		return -1;
	}
	if ((w = fdopen(pfd[1], "w")) == NULL) {
		close(pfd[1]);
		waitpid(pid, &status, 0);
		return -1;
	}
	explain_dot(w, x, dv);
	fclose(w);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fputs("edgenetc explain: dot -Tsvg failed\n", stderr);
		return -1;
	}
	return 0;
}
