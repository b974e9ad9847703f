/*
 * front.c - loading input files: read, register with the diagnostics
 * (so that they can show the source line), pick the front-end, map.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front_int.h"
#include "xalloc.h"

/* Inputs are specs, not data sets: refuse anything past this. */
#define FRONT_MAX_FILE	(1024UL * 1024 * 1024)

static const struct {
	const char	*name;
	enum syntax	 syn;
} syntax_names[] = {
	{ "yaml", SYNTAX_YAML },
	{ "yml", SYNTAX_YAML },
	{ "json", SYNTAX_JSON },
	{ "graphql", SYNTAX_GRAPHQL },
	{ "gql", SYNTAX_GRAPHQL },
};

int
syntax_parse(const char *s, enum syntax *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(syntax_names); i++)
		if (strcasecmp(s, syntax_names[i].name) == 0) {
			*out = syntax_names[i].syn;
			return 0;
		}
	return -1;
}

enum syntax
syntax_from_path(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	enum syntax syn;

	if (dot == NULL || (slash != NULL && dot < slash))
		return SYNTAX_AUTO;
	if (syntax_parse(dot + 1, &syn) < 0)
		return SYNTAX_AUTO;
	return syn;
}

/*
 * Without an extension (stdin, say): '{' or '[' first is JSON, a GraphQL
 * operation keyword (mutation, query) is GraphQL, anything else YAML.
 * Blank lines and '#' comment lines (both YAML and GraphQL have them) are
 * skipped first.
 */
static bool
syntax_word_at(const char *buf, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	char c;

	if (len - i < n || strncmp(buf + i, w, n) != 0)
		return false;
	if (len - i == n)
		return true;
	c = buf[i + n];
	return !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == ':');
}

static enum syntax
syntax_sniff(const char *buf, size_t len)
{
	size_t i = 0;

	for (;;) {
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
		    buf[i] == '\n' || buf[i] == '\r' || buf[i] == ','))
			i++;
		if (i >= len || buf[i] != '#')
			break;
		while (i < len && buf[i] != '\n')
			i++;
	}
	if (i < len && (buf[i] == '{' || buf[i] == '['))
		return SYNTAX_JSON;
	if (syntax_word_at(buf, len, i, "mutation") ||
	    syntax_word_at(buf, len, i, "query"))
		return SYNTAX_GRAPHQL;
	return SYNTAX_YAML;
}

/* Reads all of fd into a new buffer; -1 with errno on failure. */
static int
front_read_fd(int fd, char **bufp, size_t *lenp)
{
	struct stat st;
	size_t cap, len = 0;
	char *buf;
	ssize_t r;

	cap = 65536;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	if (cap > FRONT_MAX_FILE + 1)
		cap = FRONT_MAX_FILE + 1;
	buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > FRONT_MAX_FILE) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

struct front_stream {
	struct fleet	*f;
	struct diag_ctx	*d;
};

/* Frees what was mapped into f past n_svcs services and n_devs devices. */
void
front_drop(struct fleet *f, size_t n_svcs, size_t n_devs)
{
	while (f->n_svcs > n_svcs)
		service_free(f->svcs[--f->n_svcs]);
	while (f->n_devs > n_devs)
		device_free(f->devs[--f->n_devs]);
}

/* Maps one streamed fleet item and frees it (front_int.h). */
static void
front_stream_item(void *arg, const char *listkey, struct vnode *item)
{
	struct front_stream *fs = arg;

	front_map_item(fs->f, fs->d, listkey, item);
	vnode_free(item);
}

/*
 * Parses buf (registered with d as file) and maps it into f.  file is the
 * ctx-owned path from diag_src_add().  YAML and JSON fleet documents are
 * mapped item by item as they are parsed (front_int.h), GraphQL documents
 * import by import.  Returns 0, or -1 when any error was reported on the
 * way.
 */
static int
front_parse(struct fleet *f, struct diag_ctx *d, const char *file,
    const char *buf, size_t len, enum syntax syn, const struct vnode *vars)
{
	struct front_stream fs = { f, d };
	unsigned errs = d->n_err;
	size_t n_svcs = f->n_svcs, n_devs = f->n_devs;
	struct vnode *root;

	if (syn == SYNTAX_AUTO)
		syn = syntax_sniff(buf, len);
	switch (syn) {
	case SYNTAX_JSON:
		root = front_json_parse_stream(d, file, buf, len,
		    front_stream_item, &fs);
		break;
	case SYNTAX_GRAPHQL:
		root = front_graphql_parse_stream(d, file, buf, len, vars,
		    front_stream_item, &fs);
		break;
	case SYNTAX_YAML:
	default:
		root = front_yaml_parse_stream(d, file, buf, len,
		    front_stream_item, &fs);
		break;
	}
	if (root == NULL) {
		/*
		 * A syntax error: the file holds no model, as if nothing had
		 * streamed (the mapper's diagnostics on what did stay).
		 */
		front_drop(f, n_svcs, n_devs);
		return -1;
	}
	front_map_document(f, d, root, syn);
	vnode_free(root);
	return d->n_err == errs ? 0 : -1;
}

int
front_graphql_load(struct fleet *f, struct diag_ctx *d, const char *file,
    const char *buf, size_t len, const struct vnode *vars)
{
	return front_parse(f, d, file, buf, len, SYNTAX_GRAPHQL, vars);
}

int
front_load_file(struct fleet *f, struct diag_ctx *d, const char *path,
    enum syntax syn, const struct vnode *vars)
{
	const char *file;
	char *buf;
	size_t len;
	int fd, rc;
	bool is_stdin = strcmp(path, "-") == 0;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || front_read_fd(fd, &buf, &len) < 0) {
		fprintf(stderr, "edgenetc: cannot read %s: %s\n",
		    is_stdin ? "standard input" : path, strerror(errno));
		if (fd >= 0 && !is_stdin)
			close(fd);
		return -1;
	}
	if (!is_stdin)
		close(fd);
	if (syn == SYNTAX_AUTO && !is_stdin)
		syn = syntax_from_path(path);
	file = diag_src_add(d, is_stdin ? "<stdin>" : path, buf, len);
	rc = front_parse(f, d, file, buf, len, syn, vars);
	return rc;
}

int
front_load_buf(struct fleet *f, struct diag_ctx *d, const char *path,
    const char *buf, size_t len, enum syntax syn, const struct vnode *vars)
{
	const char *file;
	char *copy;

	copy = xmalloc(len + 1);
	memcpy(copy, buf, len);
	copy[len] = '\0';
	if (syn == SYNTAX_AUTO)
		syn = syntax_from_path(path);
	file = diag_src_add(d, path, copy, len);
	return front_parse(f, d, file, copy, len, syn, vars);
}
