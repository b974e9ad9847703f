/*
 * alloc_ir.c - a fixed amount of allocator work for bench/alloc's
 * instruction count (valgrind --tool=callgrind): 200,000 /29 blocks from
 * a /8, nothing else.
 */
#include "alloc.h"

int
main(void)
{
	struct alloc_space *sp = alloc_space_new();
	struct addr pool, out;
	long i;

	addr_parse("10.0.0.0/8", &pool, NULL);
	for (i = 0; i < 200000; i++)
		alloc_space_get(sp, &pool, 29, 0, ~(u128)0, &out);
	alloc_space_free(sp);
	return 0;
}
