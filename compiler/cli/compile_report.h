/*
 * compile_report.h - what a compile did to each device's bundle
 * (docs/changes.md): the summary on stderr, the progress line on a
 * terminal, and --format json on stdout for the orchestrator.
 */
#ifndef EDGENETC_COMPILE_REPORT_H
#define EDGENETC_COMPILE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "sha256.h"

enum crep_change {
	CREP_NEW,
	CREP_CHANGED,
	CREP_UNCHANGED,
	CREP_REMOVED,
	CREP_KEPT,
	CREP__N
};

struct crep_dev {
	char		*id;
	enum crep_change change;
	char		 man[SHA256_HEX_LEN];	/* "" when not known */
};

struct compile_report {
	struct crep_dev	*v;
	size_t		 n, cap;
	size_t		 count[CREP__N];
	struct timespec	 start, last;
	bool		 tty;		/* stderr is a terminal */
	bool		 progress;	/* a progress line is showing */
};

void	 compile_report_init(struct compile_report *r);
void	 compile_report_add(struct compile_report *r, const char *id,
	    enum crep_change change, const char *man_hex);
/* Shows "compiling: done/total devices" on a terminal once the compile
 * has run for a second, at most ten times a second. */
void	 compile_report_progress(struct compile_report *r, size_t done,
	    size_t total);
/* Clears the progress line, prints the summary on err and, with json,
 * the per-device report on out. */
void	 compile_report_print(struct compile_report *r, size_t n_input,
	    bool json, FILE *err, FILE *out);
void	 compile_report_fini(struct compile_report *r);

#endif
