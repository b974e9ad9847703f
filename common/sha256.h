/*
 * sha256.h - SHA-256 (FIPS 180-4), shared by the compiler's manifest
 * writer and the runtime's bundle verifier.  No allocation, no errors.
 */
#ifndef EDGENET_SHA256_H
#define EDGENET_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN	32
#define SHA256_HEX_LEN		65	/* 64 hex digits + NUL */

struct sha256_ctx {
	uint32_t	h[8];
	uint64_t	len;		/* bytes hashed so far */
	uint8_t		buf[64];
	size_t		nbuf;
};

void	sha256_init(struct sha256_ctx *);
void	sha256_update(struct sha256_ctx *, const void *, size_t);
/* Writes the digest; the context must be re-initialised before reuse. */
void	sha256_final(struct sha256_ctx *, uint8_t out[32]);
/* One-shot digest of p[0..n). */
void	sha256(const void *p, size_t n, uint8_t out[32]);
/*
 * The compression function in use: "portable", "x86-sha" or
 * "armv8-sha2" (the CPU's instructions when it has them, unless the
 * environment says EDGENET_SHA256=portable), chosen again by this call;
 * portable != 0 switches to the portable code from now on (tests compare
 * the two).
 */
const char *sha256_impl(int portable);
/* Lower-case hex of d, NUL-terminated. */
void	sha256_hex(const uint8_t d[32], char out[65]);

#endif
