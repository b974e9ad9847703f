/*
 * lint_floor - the library floor under `edgenetc lint`: read FILE and
 * parse it with libyaml's event parser (.yaml/.yml) or jansson's
 * json_loadb (.json), building nothing.  bench/lint prints lint's time as
 * a ratio to this (docs/performance.md: compare against the floor).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0)
		return NULL;
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n)
		return NULL;
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	yaml_parser_t p;
	yaml_event_t ev;
	json_error_t jerr;
	json_t *j;
	size_t len, events = 0;
	char *buf;
	int done = 0;

	if (argc != 2 || (buf = slurp(argv[1], &len)) == NULL) {
		fputs("usage: lint_floor FILE.yaml|FILE.json\n", stderr);
		return 2;
	}
	if (len > 5 && strcmp(argv[1] + strlen(argv[1]) - 5, ".json") == 0) {
		j = json_loadb(buf, len, 0, &jerr);
		if (j == NULL)
			return 1;
		json_decref(j);
	} else {
		yaml_parser_initialize(&p);
		yaml_parser_set_input_string(&p, (unsigned char *)buf, len);
		while (!done) {
			if (!yaml_parser_parse(&p, &ev))
				return 1;
			done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
			events++;
		}
		yaml_parser_delete(&p);
	}
	free(buf);
	return 0;
}
