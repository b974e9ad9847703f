/* test_sha256.c - SHA-256 against FIPS 180-4 / NIST vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"

static void
check_hex(const void *p, size_t n, const char *want)
{
	uint8_t d[32];
	char hex[65];

	sha256(p, n, d);
	sha256_hex(d, hex);
	assert_string_equal(hex, want);
}

static void
test_sha256_vectors(void **state)
{
	check_hex("", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_hex("abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void
test_sha256_million_a(void **state)
{
	struct sha256_ctx c;
	uint8_t d[32], chunk[1000];
	char hex[65];
	int i;

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&c);
	for (i = 0; i < 1000; i++)
		sha256_update(&c, chunk, sizeof(chunk));
	sha256_final(&c, d);
	sha256_hex(d, hex);
	assert_string_equal(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every split point of a message must give the one-shot digest. */
static void
test_sha256_incremental(void **state)
{
	uint8_t msg[200], one[32], two[32];
	struct sha256_ctx c;
	size_t n, i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	for (n = 0; n <= sizeof(msg); n += 13) {
		sha256(msg, n, one);
		for (i = 0; i <= n; i++) {
			sha256_init(&c);
			sha256_update(&c, msg, i);
			sha256_update(&c, msg + i, n - i);
			sha256_final(&c, two);
			assert_memory_equal(one, two, 32);
		}
	}
}

/*
 * The CPU's SHA-256 instructions (where this machine has them) and the
 * portable code agree on every length across several block boundaries,
 * at every alignment of the input, and on the vectors above.
 */
static void
test_sha256_impls_agree(void **state)
{
	static uint8_t msg[4096 + 16];
	uint8_t fast[32], port[32];
	const char *impl;
	size_t n, off, i;
	uint32_t x = 12345;

	for (i = 0; i < sizeof(msg); i++) {
		x = x * 1103515245 + 12345;
		msg[i] = (uint8_t)(x >> 16);
	}
	impl = sha256_impl(0);
	print_message("sha256 implementation here: %s\n", impl);
	for (off = 0; off < 16; off += 3)
		for (n = 0; n <= 4096; n += n < 300 ? 1 : 61) {
			assert_string_equal(sha256_impl(0), impl);
			sha256(msg + off, n, fast);
			assert_string_equal(sha256_impl(1), "portable");
			sha256(msg + off, n, port);
			assert_memory_equal(fast, port, 32);
		}
	sha256_impl(1);
	test_sha256_vectors(state);
	test_sha256_million_a(state);
	sha256_impl(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_sha256_incremental),
		cmocka_unit_test(test_sha256_impls_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
