/*
 * bench_alloc.c - the in-memory allocator (compiler/alloc/alloc.c) on the
 * figures of docs/performance.md: 65,536 /24 from a /8, 1,000,000 /29
 * from a /8, 1,000,000 /64 from an IPv6 /32.  Prints one JSON line per
 * case with the median ns per allocation over RUNS runs and the bytes per
 * allocation, measured twice: the allocator's own arena (capacity) and
 * the heap growth seen by malloc (mallinfo2).
 *
 *   bench_alloc [RUNS]
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"

static const struct bcase {
	const char	*name;
	const char	*pool;
	unsigned	 plen;
	long		 n;
} cases[] = {
	{ "65536 x /24 from a /8", "10.0.0.0/8", 24, 65536 },
	{ "1000000 x /29 from a /8", "10.0.0.0/8", 29, 1000000 },
	{ "1000000 x /64 from an IPv6 /32", "2001:db8::/32", 64, 1000000 },
};

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 5, r;
	double t[64], t0;
	size_t i, arena = 0, heap = 0, before;
	struct alloc_space *sp;
	struct addr pool, out;
	char buf[ADDR_STRLEN];
	long j;

	if (runs < 1 || runs > 64)
		runs = 5;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (addr_parse(cases[i].pool, &pool, NULL) != 0)
			return 2;
		for (r = 0; r < runs; r++) {
			before = mallinfo2().uordblks;
			sp = alloc_space_new();
			t0 = now_ns();
			for (j = 0; j < cases[i].n; j++)
				if (alloc_space_get(sp, &pool, cases[i].plen,
				    0, ~(u128)0, &out) != 0) {
					fprintf(stderr, "exhausted at %ld\n",
					    j);
					return 1;
				}
			t[r] = (now_ns() - t0) / (double)cases[i].n;
			arena = alloc_space_bytes(sp);
			heap = mallinfo2().uordblks - before;
			alloc_space_free(sp);
		}
		qsort(t, (size_t)runs, sizeof(t[0]), cmp_double);
		printf("{\"case\": \"%s\", \"n\": %ld, \"last\": \"%s\", "
		    "\"ns_per_alloc\": %.1f, \"ns_min\": %.1f, "
		    "\"bytes_per_alloc\": %.1f, \"heap_bytes_per_alloc\": %.1f, "
		    "\"runs\": %d}\n", cases[i].name, cases[i].n,
		    addr_format(&out, buf, sizeof(buf)), t[runs / 2], t[0],
		    (double)arena / (double)cases[i].n,
		    (double)heap / (double)cases[i].n, runs);
		fflush(stdout);
	}
	return 0;
}
