/*
 * lint_phases - times the phases of `edgenetc lint` on one file: load
 * (front-end + mapper), check_fleet, printing, teardown.  Built and run
 * by bench/lint; prints one line of milliseconds per phase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "front.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	struct diag_ctx d;
	struct fleet *f;
	double t0, t1, t2, t3, t4;
	size_t n_svcs, n_devs;
	FILE *null;
	int i;

	if (argc < 2) {
		fputs("usage: lint_phases FILE...\n", stderr);
		return 2;
	}
	null = fopen("/dev/null", "w");
	diag_init(&d);
	f = fleet_new();
	t0 = now_ms();
	for (i = 1; i < argc; i++)
		front_load_file(f, &d, argv[i], SYNTAX_AUTO, NULL);
	t1 = now_ms();
	check_fleet(f, &d);
	t2 = now_ms();
	diag_print_text(&d, null);
	t3 = now_ms();
	n_svcs = f->n_svcs;
	n_devs = f->n_devs;
	fleet_free(f);
	diag_fini(&d);
	t4 = now_ms();
	printf("load %.1f ms  check %.1f ms  print %.1f ms  free %.1f ms"
	    "  (%zu services, %zu devices)\n", t1 - t0, t2 - t1, t3 - t2,
	    t4 - t3, n_svcs, n_devs);
	fclose(null);
	return 0;
}
