/*
 * report.h - what --check and --dry-run print on stdout: one line per
 * item, or one JSON document (--format json):
 *
 *   {"bundle": ID, "drift": [{"namespace", "object", "expected",
 *     "found"}...]}
 *   {"bundle": ID, "steps": [{"action", "namespace", "object",
 *     "rules": [{"change": "add"|"remove", "chain", "rule"}...]}...]}
 *
 * "expected" and "found" are null where that side has nothing; "rules"
 * comes with the steps of an nftables table only.
 */
#ifndef EDGENET_RT_REPORT_H
#define EDGENET_RT_REPORT_H

struct rt_report {
	int	json;
	int	n;		/* items so far */
	int	rules;		/* rules of the open step (-1: none yet) */
};

/* list: "drift" or "steps" */
void	rt_report_begin(struct rt_report *, const char *bundle,
	    const char *list);
/* text: the line printed in text form after "drift: NS: " */
void	rt_report_drift(struct rt_report *, const char *ns, const char *object,
	    const char *expected, const char *found, const char *text);
void	rt_report_step(struct rt_report *, const char *action, const char *ns,
	    const char *object);
/* A rule the open step adds (added) or removes, in nft syntax. */
void	rt_report_rule(struct rt_report *, int added, const char *chain,
	    const char *rule);
void	rt_report_end(struct rt_report *);

#endif
