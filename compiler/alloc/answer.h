/*
 * answer.h - the allocation answer of one instance, rendered in one place
 * for every output that shows it: `alloc` (one request or a batch),
 * `ledger show` and a bundle's allocations.json.
 *
 *   {"service","instance","device","block","address",
 *    "dhcp_pool":{"start","end"},"wan_address"}
 *
 * Addresses are "A/P" (dhcp_pool ends: "A"); null where a decision does
 * not apply.
 */
#ifndef EDGENETC_ANSWER_H
#define EDGENETC_ANSWER_H

#include <stdbool.h>

#include "buf.h"
#include "plan.h"

struct json_t;

enum answer_style {
	ANSWER_COMPACT,		/* no blanks: what json_dumps(JSON_COMPACT) writes */
	ANSWER_SPACED,		/* ": " and ", ": allocations.json */
};

/* Appends the answer to b. */
void	 alloc_answer_put(struct buf *b, const struct inst_plan *p,
	    const char *service, const char *instance, const char *device,
	    enum answer_style style);
/* The compact answer as a new string. */
char	*alloc_answer_text(const struct inst_plan *p, const char *service,
	    const char *instance, const char *device);
/* The answer as a jansson object (a new reference), for outputs that add
 * keys to it. */
struct json_t *alloc_answer_json(const struct inst_plan *p,
	    const char *service, const char *instance, const char *device);

#endif
