/*
 * answer.c - the allocation answer (answer.h).
 */
#include <stdlib.h>

#include <jansson.h>

#include "answer.h"

/* ,"key":value with the style's blanks; key is a literal. */
static void
answer_key(struct buf *b, const char *key, enum answer_style st)
{
	buf_puts(b, st == ANSWER_SPACED ? ", \"" : ",\"");
	buf_puts(b, key);
	buf_puts(b, st == ANSWER_SPACED ? "\": " : "\":");
}

static void
answer_addr(struct buf *b, bool has, const struct addr *a, bool with_plen)
{
	char s[ADDR_STRLEN];

	if (!has) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	buf_puts(b, with_plen ? addr_format(a, s, sizeof(s)) :
	    addr_format_host(a, s, sizeof(s)));
	buf_putc(b, '"');
}

void
alloc_answer_put(struct buf *b, const struct inst_plan *p,
    const char *service, const char *instance, const char *device,
    enum answer_style st)
{
	struct addr blk;

	if (p->has_block)
		blk = addr_make(p->block.family, addr_network(&p->block),
		    p->block.plen);
	buf_puts(b, st == ANSWER_SPACED ? "{\"service\": " : "{\"service\":");
	buf_put_json(b, service);
	answer_key(b, "instance", st);
	buf_put_json(b, instance);
	answer_key(b, "device", st);
	buf_put_json(b, device);
	answer_key(b, "block", st);
	answer_addr(b, p->has_block, &blk, true);
	answer_key(b, "address", st);
	answer_addr(b, p->has_address, &p->address, true);
	answer_key(b, "dhcp_pool", st);
	if (p->has_pool) {
		buf_puts(b, st == ANSWER_SPACED ? "{\"start\": " :
		    "{\"start\":");
		answer_addr(b, true, &p->pool_start, false);
		answer_key(b, "end", st);
		answer_addr(b, true, &p->pool_end, false);
		buf_putc(b, '}');
	} else {
		buf_puts(b, "null");
	}
	answer_key(b, "wan_address", st);
	answer_addr(b, p->has_wan, &p->wan_address, true);
	buf_putc(b, '}');
}

char *
alloc_answer_text(const struct inst_plan *p, const char *service,
    const char *instance, const char *device)
{
	struct buf b = { 0 };

	alloc_answer_put(&b, p, service, instance, device, ANSWER_COMPACT);
	return b.p;
}

json_t *
alloc_answer_json(const struct inst_plan *p, const char *service,
    const char *instance, const char *device)
{
	char *s = alloc_answer_text(p, service, instance, device);
	json_t *o = json_loads(s, 0, NULL);

	if (o == NULL)
		abort();
	free(s);
	return o;
}
